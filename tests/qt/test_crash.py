"""The crash handler: the details go to the log, people see one calm dialog at a time."""

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from biofeedback.qt.crash import CrashHandler


def _exc_info():
    try:
        1 / 0
    except ZeroDivisionError:
        return sys.exc_info()


def test_one_dialog_at_a_time_with_details_in_the_log(qtbot, monkeypatch, caplog, tmp_path):
    handler = CrashHandler(tmp_path / "biofeedback.log")
    shown = []

    def fake_warning(parent, title, text):
        shown.append((title, text))
        handler._on_exception(*_exc_info())  # a second error while the first dialog is open
        QApplication.processEvents()

    monkeypatch.setattr(QMessageBox, "warning", fake_warning)
    with caplog.at_level(logging.ERROR, logger="biofeedback.crash"):
        handler._on_exception(*_exc_info())
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
        QApplication.processEvents()
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "Something went wrong"
    assert "Your recorded session is safe" in text and str(tmp_path / "biofeedback.log") in text
    assert "!" not in text and "Traceback" not in text
    assert caplog.text.count("ZeroDivisionError") >= 2  # both errors are in the log
    # after the dialog closes, a later error is shown again
    handler._on_exception(*_exc_info())
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=2000)
