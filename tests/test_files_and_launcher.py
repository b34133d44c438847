"""Files and launcher (issue 14, item 8): owner-only preferences, a rotated log that says a
repeated error once with a count, and an entry in the desktop's menu."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys


from biofeedback.app import desktop, logs


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_preferences_file_and_its_folder_are_owner_only(tmp_path):
    config = tmp_path / "config"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "-m", "biofeedback", "--view", "clinic", "--screenshot", str(tmp_path / "x.png"), "--quit-after", "1"],
        capture_output=True, text=True, timeout=90, env=env,
    )
    assert result.returncode == 0, result.stderr
    settings = next(config.rglob("*.conf"))
    assert "mode=clinic" in settings.read_text()  # written by the app ...
    assert _mode(settings) == 0o600 and _mode(settings.parent) == 0o700  # ... and private, like the sessions


def test_the_log_rotates_and_stays_owner_only(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "LOG_MAX_BYTES", 2000)
    root = logging.getLogger()
    path = logs.log_to_file(tmp_path)
    handler = root.handlers[-1]
    try:
        for i in range(200):
            logging.getLogger("biofeedback.test").warning("line %d of a long afternoon", i)  # all different
    finally:
        root.removeHandler(handler)
        handler.close()
    files = sorted(tmp_path.glob("biofeedback.log*"))
    assert path == tmp_path / "biofeedback.log"
    assert len(files) == 1 + logs.LOG_BACKUPS  # the log and three older ones, no more
    assert all(f.stat().st_size <= 2200 for f in files)
    assert all(_mode(f) == 0o600 for f in files)


def test_an_error_repeated_many_times_a_second_is_logged_once_with_a_count():
    now = [0.0]
    repeats = logs.RepeatFilter(window_s=10.0, clock=lambda: now[0])
    logger = logging.getLogger("biofeedback.repeat-test")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    handler = Keep()
    handler.addFilter(repeats)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for i in range(1000):  # a thousand in a second
            now[0] = i / 1000
            logger.error("The source stopped unexpectedly")
        logger.error("Something else")
        now[0] = 12.0
        logger.error("The source stopped unexpectedly")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert seen == [
        "The source stopped unexpectedly",
        "Something else",
        "The source stopped unexpectedly (repeated 999 times in the last 12 s)",
    ]


def test_install_desktop_entry_adds_the_app_with_its_icon(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "biofeedback", "--install-desktop-entry"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    entry = tmp_path / "applications" / "biofeedback.desktop"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "biofeedback.svg"
    text = entry.read_text()
    assert f"Icon={icon}" in text and icon.read_bytes().startswith(b"<")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").split()[0]
    assert os.access(program, os.X_OK)  # this installation's own command, even outside PATH
    assert "Type=Application" in text and "Name=Biofeedback" in text
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_the_launcher_command_runs_this_installation():
    command = desktop.launcher_command()
    assert command.split()[0].startswith(sys.prefix) or sys.executable in command
