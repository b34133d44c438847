"""``biofeedback review FILE``: a recorded session in the window and screens, in review mode.

The window is the main window (same clinic view, same calm view), driven by the review core
instead of a source: :class:`ReviewMode` puts a recording into a window, for this command (its
own window, :func:`open_review`) and for a session opened from the library, which shows in the
live session's window until "Back to the live session". The window docks the review bar
(overview strip and transport, and the session's blood pressure before and after) under the plots and switches off its record button and pacer
controls, since a review shows what was recorded and changes nothing but its markers.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from biofeedback.app import cli
from biofeedback.core.constants import REVIEW_SPEEDS as SPEEDS

log = logging.getLogger("biofeedback")

#: The review window's least height, px: the supervisor view's plots at their least, the bar, and
#: a 1280x720 screen's panels around it.
REVIEW_MIN_HEIGHT = 560


def review_speed(text: str) -> float:
    value = cli.finite_number(text, "the speed")
    if value not in SPEEDS:
        raise argparse.ArgumentTypeError(f"the review speed {text!r} must be one of {', '.join(f'{s:g}' for s in SPEEDS)}")
    return value


def add_parser(sub) -> None:
    p = sub.add_parser("review", help="review a recorded session in the window: play, pause, seek, markers")
    p.add_argument("file", help=cli.RECORDING_HELP)
    p.add_argument("--at", type=lambda s: cli.finite_number(s, "--at"), default=None, metavar="SECONDS", help="start at this session time, s (as the window showed it)")
    p.add_argument("--speed", type=review_speed, default=1.0, help=f"playback speed: {', '.join(f'{s:g}' for s in SPEEDS)} (default 1)")
    p.add_argument("--play", action="store_true", help="start playing at once (default: paused)")
    p.add_argument("--client-screen", type=int, default=None, metavar="N", help=cli.CLIENT_SCREEN_HELP)
    cli.add_screenshot_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from biofeedback.app import window as window_kit
    from biofeedback.app.sources import recording_path
    from biofeedback.storage.recordings import load_recording

    path = recording_path(args.file)
    data = load_recording(path)  # one clear line and exit 2 if it cannot be read
    window_kit.require_screen(args)
    app = window_kit.qt_application()
    window_kit.install_crash_handler(app)
    view = open_review(path, data)
    review = view.review
    if args.at is not None:
        review.seek(args.at)
    review.set_speed(args.speed)
    if args.client_screen is not None:
        view.window.client_launcher.show(args.client_screen)
    view.window.show()
    if args.play:
        review.play()
    if args.screenshot or args.quit_after:
        window_kit.finish_after(view.window, args.quit_after or 3.0, args.screenshot)
    try:
        return app.exec() or view.window.exit_code
    finally:
        view.close()


@dataclass
class ReviewView:
    """A review's window and the objects behind it."""

    window: Any
    review: Any
    bar: Any
    controller: Any
    mode: Any = None  # the ReviewMode wiring them, kept alive as long as the window

    def close(self) -> None:
        self.review.close()
        self.controller.close()


class ReviewMode:
    """A recorded session shown in a main window, driven by the review core: the same code for
    ``biofeedback review FILE`` and for a session opened from the library in the live window.

    The window's controller shows the review's core from now on (``use_core``); the window docks
    the review bar and switches off what a review cannot do (``MainWindow.enter_review``), and
    renders each moment the review shows as it renders a live one (``session_reset``,
    ``marker_added``, ``marker_edited``, ``pacer_changed``). :meth:`leave` puts the session that
    was shown before back.

    Parameters
    ----------
    window : MainWindow
    controller : SessionController
        The window's controller.
    path : Path
        The recording.
    data : SessionData or None
        The recording already read (read here if None).
    monotonic : callable or None
        The real clock the playhead runs on (tests wind one by hand).
    report : callable or None
        ``report(path)``: write the session's report (the bar's "Report..." button; hidden if None).
    """

    def __init__(self, window, controller, path: Path, data: Any = None, monotonic: Any = None, report: Any = None) -> None:
        from biofeedback.core import words
        from biofeedback.core.blood_pressure import tell
        from biofeedback.core.live import LiveAnalyzer
        from biofeedback.core.review import ReviewRecording
        from biofeedback.core.session import SessionCore
        from biofeedback.qt.review_controller import ReviewController
        from biofeedback.qt.widgets.review_bar import MarkerDialog, ReviewBar
        from biofeedback.storage.recordings import load_recording
        from biofeedback.storage.session_file import FORMAT_NAME, SessionAppender, SessionFileError

        path = Path(path)
        data = data if data is not None else load_recording(path)  # SessionFileError if it cannot be read
        recording = ReviewRecording.from_session(data, name=path.name)
        core = SessionCore(LiveAnalyzer(None), pacer=None, person=recording.person)
        is_session_file = data.header.get("format") == FORMAT_NAME
        annotations = SessionAppender(path, data.latest_t) if is_session_file else None
        review = ReviewController(recording, core, annotations, (SessionFileError, OSError), **({} if monotonic is None else {"monotonic": monotonic}))
        self.window, self.controller, self.review, self.path = window, controller, review, path
        self.previous = (controller.core, controller.clock)

        bar = ReviewBar()
        bar.set_overview(recording.overview)
        bar.set_markers(review.markers)
        bar.set_blood_pressure(tell(recording.blood_pressure), recording.blood_pressure)
        bar.report_button.setVisible(report is not None)
        if report is not None:
            bar.report_requested.connect(lambda: report(path))
        self.bar = bar
        bar.seek_requested.connect(review.seek)
        bar.step_requested.connect(review.step)
        bar.play_toggled.connect(review.toggle)
        bar.speed_chosen.connect(review.set_speed)
        bar.next_marker_requested.connect(review.next_marker)
        bar.previous_marker_requested.connect(review.previous_marker)
        bar.start_requested.connect(review.go_to_start)
        bar.end_requested.connect(review.go_to_end)
        bar.slower_requested.connect(review.slower)
        bar.faster_requested.connect(review.faster)
        review.position_changed.connect(bar.show_position)
        review.playing_changed.connect(bar.show_playing)
        review.speed_changed.connect(bar.show_speed)
        review.markers_changed.connect(lambda: bar.set_markers(review.markers))

        def rename(marker_id: int) -> None:
            marker = next((m for m in review.markers if m.id == marker_id), None)
            if marker is None or not is_session_file:
                return
            dialog = MarkerDialog(marker.label, marker.note, window)
            dialog.accepted.connect(lambda: review.edit_marker(marker_id, dialog.label(), dialog.note()))
            dialog.open()
            window.marker_dialog = dialog  # reachable for tests

        bar.rename_requested.connect(rename)
        self._appearance_links = []
        for action in window.appearance_actions.values():
            slot = lambda _checked=False: bar.apply_appearance(window.appearance)  # noqa: E731
            action.triggered.connect(slot)
            self._appearance_links.append((action, slot))

        controller.use_core(core, review.clock)
        window.idle_status = words.REVIEWING.format(name=path.name)
        window.enter_review(bar, words.REVIEWING_TITLE.format(name=path.name), markers_editable=is_session_file)
        review.attach(controller)
        window.review = review  # reachable for tests and menus

    def leave(self) -> None:
        """Stop the review and show the session the window showed before."""
        review = self.review
        review.pause()
        review.close()
        review.detach()
        try:
            review.markers_changed.disconnect()
        except (RuntimeError, TypeError):  # nothing was connected
            pass
        for action, slot in self._appearance_links:
            action.triggered.disconnect(slot)
        self.window.leave_review()
        self.window.review = None
        self.controller.use_core(*self.previous)


def open_review(path: Path, data: Any = None, settings: Any = None, monotonic: Any = None, report: Any = None) -> ReviewView:
    """Build the review window for the recording at ``path`` (``data``: it already read).

    ``settings``: the window's preferences (default: the person's, never saving a pacer);
    ``monotonic``: the real clock the playhead runs on (tests wind one by hand); ``report``:
    ``report(path)`` for the bar's "Report..." button."""
    from biofeedback.app import window as window_kit
    from biofeedback.core.live import LiveAnalyzer
    from biofeedback.core.session import SessionCore
    from biofeedback.qt.main_window import MainWindow
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.sources.clock import SessionClock

    controller = SessionController(SessionClock(), SessionCore(LiveAnalyzer(None), pacer=None))
    window = MainWindow(controller, settings if settings is not None else _review_settings())
    try:
        mode = ReviewMode(window, controller, Path(path), data, monotonic, report)
    except Exception:
        window.deleteLater()
        controller.close()
        raise
    window.setMinimumSize(1024, REVIEW_MIN_HEIGHT)  # the plots give up what the review bar needs, to fit 1280x720
    window_kit.attach_client_view(window, controller, None)
    view = ReviewView(window, mode.review, mode.bar, controller, mode)
    window.installEventFilter(_close_watch(view, window))  # a closed review stops its timers
    return view


def _close_watch(view: ReviewView, parent):
    """A QObject that stops the review when its window closes (Qt is imported only when a window is built)."""
    from PySide6.QtCore import QEvent, QObject

    class CloseWatch(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Close:
                view.review.pause()
                view.review.close()
            return False

    return CloseWatch(parent)


class _ReviewStore:
    """The person's preferences, read as they are; a review writes none of its pacer's back
    (the window saves its pacer box when it closes, and in review that box shows the recorded
    pacer, not the person's choice)."""

    def __init__(self, store) -> None:
        self._store = store
        self._kept: dict[str, Any] = {}

    def _own(self, key: str) -> bool:
        return key.startswith("pacer/")

    def value(self, key: str, default: Any = None) -> Any:
        return self._kept.get(key, default) if self._own(key) and key in self._kept else self._store.value(key, default)

    def setValue(self, key: str, value: Any) -> None:  # noqa: N802 (Qt's name)
        if self._own(key):
            self._kept[key] = value
        else:
            self._store.setValue(key, value)

    def contains(self, key: str) -> bool:
        return key in self._kept or self._store.contains(key)

    def remove(self, key: str) -> None:
        self._kept.pop(key, None)
        if not self._own(key):
            self._store.remove(key)

    def sync(self) -> None:
        self._store.sync()


def _review_settings():
    from PySide6.QtCore import QSettings

    from biofeedback.qt.settings import Settings

    return Settings(_ReviewStore(QSettings()))
