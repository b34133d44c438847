"""A machine without Qt's X11 libraries gets one sentence on what to install, not Qt's abort."""

import ctypes
import subprocess
import sys

from biofeedback.qt import platform_check


def test_the_missing_library_is_named(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)

    def refuse(path, *args, **kwargs):
        raise OSError("libxcb-icccm.so.4: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(ctypes, "CDLL", refuse)
    assert platform_check.missing_window_library() == "libxcb-icccm.so.4"
    message = platform_check.missing_library_message("libxcb-icccm.so.4")
    assert "libxcb-icccm.so.4 is missing" in message and "sudo apt install libxcb-cursor0" in message


def test_no_check_offscreen_or_without_x11(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.missing_window_library() is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert platform_check.missing_window_library() is None


def test_the_plugin_loads_here_when_its_libraries_exist(monkeypatch):
    # this machine may or may not have the X11 libraries; the check must agree with the loader
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    missing = platform_check.missing_window_library()
    import PySide6

    plugin = f"{PySide6.__path__[0]}/Qt/plugins/platforms/libqxcb.so"
    ldd = subprocess.run(["ldd", plugin], capture_output=True, text=True).stdout
    not_found = [line.split()[0] for line in ldd.splitlines() if "not found" in line]
    if not_found:
        assert missing in not_found
    else:
        assert missing is None
