"""One crash handler for the window: log the details, show one calm dialog at a time.

Also routes Qt's own messages into Python logging, so they land in the log file instead of
the terminal, and drops the offscreen platform's harmless chatter.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QMetaObject, QObject, Qt, QtMsgType, Slot, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("biofeedback.crash")
qt_log = logging.getLogger("biofeedback.qt.messages")

#: Qt messages that say nothing useful to a person (the offscreen platform cannot resize windows).
_IGNORED_QT_MESSAGES = ("propagateSizeHints",)

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context, message: str) -> None:
    if any(text in message for text in _IGNORED_QT_MESSAGES):
        return
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


class CrashHandler(QObject):
    """Installed as ``sys.excepthook`` and ``threading.excepthook`` while the window runs."""

    def __init__(self, log_path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self._showing = False
        self._pending = False

    def install(self) -> None:
        sys.excepthook = self._on_exception
        threading.excepthook = lambda a: self._on_exception(a.exc_type, a.exc_value, a.exc_traceback)
        qInstallMessageHandler(_qt_message)

    def _on_exception(self, exc_type, exc_value, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc_value, tb)))
        # the dialog must be shown from the GUI thread
        QMetaObject.invokeMethod(self, "_show", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _show(self) -> None:
        if self._showing:  # one dialog at a time; later errors are in the log
            return
        self._showing = True
        where = f" The details are saved in {self.log_path}." if self.log_path else ""
        QMessageBox.warning(
            None,
            "Something went wrong",
            "Something unexpected happened inside the app. Your recorded session is safe."
            f"{where} You can go on, or restart the app if the screen stops updating.",
        )
        self._showing = False
