"""Health data stays on the machine: no network connections, session files private to their owner."""

import json
import os
import stat
import subprocess
import sys

import pytest

WATCH_AND_RUN = """
import json, socket, sys
attempts = []
real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

def connect(self, address):
    if self.family != socket.AF_UNIX:  # D-Bus (Bluetooth) uses a local socket; anything else is network
        attempts.append(repr(address))
    return real_connect(self, address)

def getaddrinfo(*args, **kwargs):
    attempts.append(repr(args[:2]))
    return real_getaddrinfo(*args, **kwargs)

socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
from biofeedback.app import main
rc = main(sys.argv[1:])
modules = sorted(m for m in sys.modules if m.startswith(("PySide6.QtNetwork", "urllib.request", "http.client", "requests")))
print("PRIVACY " + json.dumps({"rc": rc, "attempts": attempts, "modules": modules}), file=sys.stderr)
"""


def _run(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", WATCH_AND_RUN, *args], capture_output=True, text=True, timeout=120, env=env)
    line = next(x for x in result.stderr.splitlines() if x.startswith("PRIVACY "))
    return json.loads(line.removeprefix("PRIVACY "))


@pytest.mark.parametrize("what", ["record", "analyze", "window"])
def test_no_network_connection_is_made(tmp_path, what):
    session = tmp_path / "s.bfs"
    if what != "record":
        assert _run("record", "--source", "demo", "--speed", "50", "--duration", "60", "--out", str(session))["rc"] == 0
    args = {
        "record": ["record", "--source", "demo", "--speed", "50", "--duration", "60", "--out", str(session)],
        "analyze": ["analyze", "--json", str(session)],
        "window": ["--source", str(session), "--speed", "20", "--record", "--screenshot", str(tmp_path / "w.png"), "--quit-after", "3"],
    }[what]
    report = _run(*args)
    assert report["rc"] == 0
    assert report["attempts"] == []
    assert report["modules"] == []


def test_saved_sessions_and_their_folder_are_private(tmp_path):
    data_home = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(data_home))
    result = subprocess.run(
        [sys.executable, "-m", "biofeedback", "--source", "demo", "--speed", "20", "--record", "--screenshot", str(tmp_path / "w.png"), "--quit-after", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    sessions = list(data_home.rglob("*.bfs"))
    assert len(sessions) == 1
    assert stat.S_IMODE(sessions[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(sessions[0].parent.stat().st_mode) == 0o700
    log = next(data_home.rglob("biofeedback.log"))
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_the_watch_sees_a_connection_when_one_is_made():
    # the same watch, with one local connection attempt before the app runs (loopback, refused)
    code = WATCH_AND_RUN.replace(
        "from biofeedback.app import main",
        "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass\nfrom biofeedback.app import main",
    )
    result = subprocess.run([sys.executable, "-c", code, "analyze", "/nonexistent.bfs"], capture_output=True, text=True, timeout=60)
    line = next(x for x in result.stderr.splitlines() if x.startswith("PRIVACY "))
    assert "127.0.0.1" in " ".join(json.loads(line.removeprefix("PRIVACY "))["attempts"])
