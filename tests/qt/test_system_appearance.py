"""'Follow the system' through a real appearance change: the desktop's light/dark preference comes
from an XDG desktop portal on a private session bus, as on a Linux desktop, and changes while the
window is open. Qt's own portal theme reads it; nothing in the window is patched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SYSTEM_PYTHON = "/usr/bin/python3"

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon (.ci/run installs it)")


@pytest.fixture
def session_bus(tmp_path):
    proc = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1", f"--address=unix:path={tmp_path / 'bus'}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    address = proc.stdout.readline().strip()
    yield address
    proc.terminate()
    proc.wait(5)
    proc.stdout.close()


def _line(proc) -> str:
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else "no answer"
    return line.strip()


def test_the_window_follows_the_desktop_between_light_and_dark(session_bus):
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=session_bus, QT_QPA_PLATFORM="offscreen", QT_QPA_PLATFORMTHEME="xdgdesktopportal")
    portal = subprocess.Popen([SYSTEM_PYTHON, str(HERE / "mock_portal.py"), "1"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    window = None
    try:
        assert _line(portal) == "ready"
        window = subprocess.Popen([sys.executable, str(HERE / "appearance_probe.py")], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def desktop(scheme: int) -> None:
            portal.stdin.write(f"{scheme}\n")
            portal.stdin.flush()
            assert _line(portal) == "changed"

        def then(next_step: str) -> str:
            window.stdin.write(next_step + "\n")
            window.stdin.flush()
            return _line(window)

        assert _line(window) == "start dark"  # the desktop prefers dark at start
        desktop(2)
        assert then("light") == "light light"  # switched to light while open
        desktop(1)
        assert then("dark") == "dark dark"  # and back
        assert then("fixed-dark") == "fixed-dark dark"  # the person picks "Dark" from the menu
        desktop(2)
        assert then("after") == "after dark"  # a fixed choice ignores the desktop
        window.stdin.write("quit\n")
        window.stdin.flush()
        assert window.wait(10) == 0, window.stderr.read()
    finally:
        for proc in (window, portal):
            if proc is None:
                continue
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                pipe.close()
