"""A recorded session from start to summary: the rating before, blood pressure if wanted, the
session, the rating after, blood pressure again, then the summary (kept in the library).

The window's Start and Stop (``session_start_requested``, ``session_stop_requested``) call
:meth:`SessionFlow.start` and :meth:`SessionFlow.stop`. The file is started before the first
question, so the rating before and a blood-pressure reading are in it; the window's own
``begin_session`` follows the questions. After Stop the rating after and a reading are written
before the file closes (``end_session``). Dialogs are window-modal and never block the session:
beats keep arriving. A practice session (the demo on the home screen) is neither asked nor
summarised: it begins and ends at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from biofeedback.core import words
from biofeedback.core.blood_pressure import BloodPressureStory, has_before, tell
from biofeedback.core.session import saved_from_home
from biofeedback.core.session_summary import SessionSummary
from biofeedback.qt.summary_dialog import SummaryDialog
from biofeedback.qt.widgets.rating_dialog import RatingDialog

log = logging.getLogger(__name__)


class SessionFlow(QObject):
    """Ratings and blood pressure around a recorded session, and its summary at the end.

    Parameters
    ----------
    controller : SessionController
    parent : QWidget
        Where the dialogs open: the main window, whose ``begin_session`` and ``end_session``
        start and stop the session (a plain widget: the flow starts and stops the recording
        itself), and whose palette the dialogs take.
    summarize : callable
        ``summarize(path) -> SessionSummary`` of a finished session file; the app's version also
        puts it in the library.
    blood_pressure : callable or None
        ``blood_pressure(when) -> BloodPressureDialog`` for "before" or "after" (the app gives it
        the cuff reader and the session clock); None: blood pressure is not offered.
    ask_ratings : bool
        Ask before and after (a preference; the summary is shown either way).

    Signals
    -------
    stopping()
        The person asked to stop a recorded session; the questions after it follow (a guided
        protocol stops here, keeping what was recorded).
    summary_ready(object, object)
        The finished file's path and its :class:`SessionSummary`.
    blood_pressure_told(object)
        A session ended with a reading before and one after: their
        :class:`~biofeedback.core.blood_pressure.BloodPressureStory` (the calm view says it).
    review_requested(object)
        The person asked to review the finished session (its path).
    settled()
        The steps after Stop are over (the summary closed, or there was none to show): another
        window may come forward now without landing on top of them.
    """

    stopping = Signal()
    settled = Signal()
    summary_ready = Signal(object, object)
    blood_pressure_told = Signal(object)
    review_requested = Signal(object)

    def __init__(
        self,
        controller: Any,
        parent: QWidget,
        summarize: Callable[[Path], SessionSummary],
        blood_pressure: Callable[[str], Any] | None = None,
        ask_ratings: bool = True,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.parent_widget = parent
        self.summarize = summarize
        self.blood_pressure = blood_pressure
        self.ask_ratings = ask_ratings
        #: The dialog showing now, if any (for tests and for closing it with the window).
        self.dialog: Any = None
        self._then: Callable[[], None] | None = None
        #: From Stop until the summary closes: the rating after, blood pressure, the summary.
        self.ending = False

    # ---- what the window asks

    def practice(self) -> bool:
        """The session would be practice: the demo (or a replay) on the home screen, never saved."""
        return getattr(self.parent_widget, "mode", "") == "home" and not saved_from_home(self.controller.source)

    def start(self, then: Callable[[], None] | None = None) -> bool:
        """Start recording, ask how the person is (and, if they like, their blood pressure), then
        begin the session and call ``then``. False if the file cannot be made or a question is
        still open."""
        if self.dialog is not None:
            return False
        c = self.controller
        if self.practice() or c.recording:  # practice asks nothing; a file already written goes on
            self._begin()
            if then is not None:
                then()
            return True
        if not c.start_recording():
            return False
        self._then = then
        if self.ask_ratings:
            self._ask("before", self._rated_before)
        else:
            self._rated_before(False)
        return True

    def stop(self) -> None:
        """Ask how the person is now (and their blood pressure again), then close the file and
        show the summary. A session that saves nothing just ends."""
        if self.dialog is not None:
            return
        self.ending = True
        if not self.controller.recording:
            self._end()
            self._settle()
            return
        self.stopping.emit()
        if self.ask_ratings:
            self._ask("after", self._rated_after)
        else:
            self._rated_after(False)

    # ---- the steps

    def _rated_before(self, wants_pressure: bool) -> None:
        if wants_pressure and self.blood_pressure is not None:
            self._take_pressure("before", self._go)
        else:
            self._go()

    def _go(self) -> None:
        self._begin()
        then, self._then = self._then, None
        if then is not None:
            then()

    def _rated_after(self, wants_pressure: bool) -> None:
        if (wants_pressure or has_before(self.controller.core.blood_pressure)) and self.blood_pressure is not None:
            self._take_pressure("after", self._finish)
        else:
            self._finish()

    def _ask(self, when: str, then: Callable[[bool], None]) -> None:
        dialog = RatingDialog(when, self.parent_widget)
        self._dress(dialog)
        # after one taken before, blood pressure is asked again by itself: no need to offer it
        offer = self.blood_pressure is not None and not (when == "after" and has_before(self.controller.core.blood_pressure))
        dialog.offer_blood_pressure(offer)

        def rated(when_: str, pain, stress, mood) -> None:
            if self.controller.recording:
                self.controller.add_rating(when_, pain, stress, mood)

        dialog.rated.connect(rated)
        dialog.finished.connect(lambda _result: (setattr(self, "dialog", None), then(dialog.wants_blood_pressure)))
        self.dialog = dialog
        dialog.open()

    def _take_pressure(self, when: str, then: Callable[[], None]) -> None:
        dialog = self.blood_pressure(when)
        self._dress(dialog)

        def chosen(reading) -> None:
            if self.controller.recording:  # the file runs: the reading lands in it, stamped now
                self.controller.add_blood_pressure(reading)

        dialog.reading_chosen.connect(chosen)
        dialog.finished.connect(lambda _result: (setattr(self, "dialog", None), then()))
        self.dialog = dialog
        dialog.open()

    def _finish(self) -> None:
        c = self.controller
        story = tell(c.core.blood_pressure)
        path = c.recording_path
        self._end()
        if path is None:  # a strap's file that never got its first heartbeat: nothing was saved
            self._settle()
            return
        if story.before is not None and story.after is not None:  # told whatever becomes of the summary
            self.blood_pressure_told.emit(story)
        try:
            summary = self.summarize(Path(path))
        except Exception:  # noqa: BLE001 - the session is saved; a failed summary must not lose that
            log.exception("Could not summarise %s", path)
            say = getattr(self.parent_widget, "say", None)
            if say is not None:
                say(words.SUMMARY_NOT_MADE)
            self._settle()
            return
        self.summary_ready.emit(Path(path), summary)
        self.show_summary(Path(path), summary, story if story.sentence else None)

    def show_summary(self, path: Path, summary: SessionSummary, story: BloodPressureStory | None = None) -> SummaryDialog:
        dialog = SummaryDialog(summary, can_review=True, parent=self.parent_widget, blood_pressure=story)
        self._dress(dialog)
        dialog.review_requested.connect(lambda: self.review_requested.emit(Path(path)))
        self.dialog = dialog
        dialog.finished.connect(lambda _result: (setattr(self, "dialog", None), self._settle()))
        dialog.open()
        return dialog

    def _settle(self) -> None:
        if self.ending:
            self.ending = False
            self.settled.emit()

    # ---- the window's part

    def _begin(self) -> None:
        begin = getattr(self.parent_widget, "begin_session", None)
        if begin is not None:
            begin()

    def _end(self) -> None:
        end = getattr(self.parent_widget, "end_session", None)
        if end is not None:
            end()
        else:
            self.controller.stop_recording()

    def _dress(self, dialog: QWidget) -> None:
        """The window's appearance (the home screen's is calm and dark), and gone once it closes.

        Each session opens new dialogs on the window: kept after closing, every blood-pressure
        dialog would stay connected to the one cuff reader and take every later reading. Their
        ``finished`` handlers read what they need; Qt deletes them after that, on the next loop.
        """
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(dialog.windowModality().WindowModal)
        if hasattr(self.parent_widget, "appearance"):
            dialog.setPalette(self.parent_widget.palette())
