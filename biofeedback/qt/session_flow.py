"""A recorded session from start to summary: the rating before, the session, the rating after,
then the summary (kept in the library).

The window's Start and Stop call :meth:`SessionFlow.start` and :meth:`SessionFlow.stop`
instead of the controller's ``start_recording`` and ``stop_recording``. The file is started
before the first question, so the rating before is in it; the rating after is written before
the file closes. Dialogs are window-modal and never block the session: beats keep arriving.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from biofeedback.core.session_summary import SessionSummary
from biofeedback.qt.summary_dialog import SummaryDialog
from biofeedback.qt.widgets.rating_dialog import RatingDialog

log = logging.getLogger(__name__)


class SessionFlow(QObject):
    """Ratings around a recorded session, and its summary at the end.

    Parameters
    ----------
    controller : SessionController
    parent : QWidget
        Where the dialogs open (the supervisor window).
    summarize : callable
        ``summarize(path) -> SessionSummary`` of a finished session file; the app's version also
        puts it in the library.
    ask_ratings : bool
        Ask before and after (a preference; the summary is shown either way).

    Signals
    -------
    summary_ready(object, object)
        The finished file's path and its :class:`SessionSummary`.
    review_requested(object)
        The person asked to review the finished session (its path).
    """

    summary_ready = Signal(object, object)
    review_requested = Signal(object)

    def __init__(self, controller: Any, parent: QWidget, summarize: Callable[[Path], SessionSummary], ask_ratings: bool = True) -> None:
        super().__init__(parent)
        self.controller = controller
        self.parent_widget = parent
        self.summarize = summarize
        self.ask_ratings = ask_ratings
        #: The dialog showing now, if any (for tests and for closing it with the window).
        self.dialog: Any = None

    def start(self) -> bool:
        """Start recording, then ask how the person is. False if the file cannot be made."""
        if self.controller.recording_path is not None:
            return True
        if not self.controller.start_recording():
            return False
        if self.ask_ratings:
            self._ask("before", lambda: None)
        return True

    def stop(self) -> None:
        """Ask how the person is now, then close the file and show the summary."""
        if self.controller.recording_path is None:
            return
        if self.ask_ratings:
            self._ask("after", self._finish)
        else:
            self._finish()

    def _ask(self, when: str, then: Callable[[], None]) -> None:
        dialog = RatingDialog(when, self.parent_widget)
        dialog.setWindowModality(dialog.windowModality().WindowModal)

        def rated(when_: str, pain, stress, mood) -> None:
            if self.controller.recording_path is not None:
                self.controller.add_rating(when_, pain, stress, mood)

        dialog.rated.connect(rated)
        dialog.finished.connect(lambda _result: (setattr(self, "dialog", None), then()))
        self.dialog = dialog
        dialog.open()

    def _finish(self) -> None:
        path = self.controller.stop_recording()
        if path is None:
            return
        try:
            summary = self.summarize(Path(path))
        except Exception:  # noqa: BLE001 - the session is saved; a failed summary must not lose that
            log.exception("Could not summarise %s", path)
            return
        self.summary_ready.emit(Path(path), summary)
        dialog = SummaryDialog(summary, can_review=True, parent=self.parent_widget)
        dialog.review_requested.connect(lambda: self.review_requested.emit(Path(path)))
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()
