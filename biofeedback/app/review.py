"""``biofeedback review FILE``: a recorded session in the window and screens, in review mode.

The window is built as ``gui`` builds it (same supervisor view, same calm view), driven by the
review core instead of a source: :func:`open_review` composes it, for this command and for the
library window's "Open". The review bar (overview strip and transport) is docked under the
plots from outside; the window's own record button and pacer controls are switched off, since
a review shows what was recorded and changes nothing but its markers.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from biofeedback.app import cli
from biofeedback.core.review import SPEEDS

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

    def close(self) -> None:
        self.review.close()
        self.controller.close()


def open_review(path: Path, data: Any = None, settings: Any = None, monotonic: Any = None) -> ReviewView:
    """Build the review window for the recording at ``path`` (``data``: it already read).

    ``settings``: the window's preferences (default: the person's, never saving a pacer);
    ``monotonic``: the real clock the playhead runs on (tests wind one by hand)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QDockWidget

    from biofeedback.app import window as window_kit
    from biofeedback.core.live import LiveAnalyzer
    from biofeedback.core.review import ReviewRecording
    from biofeedback.core.session import SessionCore
    from biofeedback.qt.main_window import beats_text
    from biofeedback.qt.review_controller import ReviewController
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.qt.widgets.review_bar import MarkerDialog, ReviewBar
    from biofeedback.storage.recordings import load_recording
    from biofeedback.storage.session_file import FORMAT_NAME, SessionAppender, SessionFileError

    path = Path(path)
    data = data if data is not None else load_recording(path)
    recording = ReviewRecording.from_session(data, name=path.name)
    core = SessionCore(LiveAnalyzer(None), pacer=None, person=recording.person)
    is_session_file = data.header.get("format") == FORMAT_NAME
    annotations = SessionAppender(path, data.latest_t) if is_session_file else None
    review = ReviewController(recording, core, annotations, (SessionFileError, OSError), **({} if monotonic is None else {"monotonic": monotonic}))
    controller = SessionController(review.clock, core)
    window = _window_with(controller, settings if settings is not None else _review_settings())
    window.set_mode("clinic", remember=False)  # a review is the clinic view's, whatever the window opens on
    window.controls.home_button.hide()
    for action in window.mode_actions.values():
        action.setEnabled(False)
    window.setWindowTitle(f"Reviewing {path.name}")  # Qt adds the application's name
    window.setMinimumSize(1024, REVIEW_MIN_HEIGHT)  # the plots give up what the review bar needs, to fit 1280x720

    # what a review cannot do: record, change the recorded pacer
    window.record_action.setEnabled(False)
    window.record_action.setShortcut(QKeySequence())  # Space plays and pauses here
    window.controls.record_button.setEnabled(False)
    window.controls.record_button.setToolTip("A review shows a recorded session; it records nothing new.")
    window.pacer_box.setEnabled(False)
    window.pacer_box.setToolTip("In review, the pacer is the one that ran when the session was recorded.")
    if not is_session_file:
        window.marker_action.setEnabled(False)
        window.controls.marker_button.setEnabled(False)
        window.controls.marker_button.setToolTip("Markers can be added to session files; this recording is plain RR text.")

    bar = ReviewBar()
    bar.set_overview(recording.overview)
    bar.set_markers(review.markers)
    bar.apply_appearance(window.appearance)
    dock = QDockWidget("Review", window)
    dock.setObjectName("reviewDock")
    dock.setWidget(bar)
    dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    dock.setTitleBarWidget(_no_title())
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    bar.install_keys(window)

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

    def markers_changed() -> None:
        bar.set_markers(review.markers)
        window.hr_plot.set_markers(controller.markers)

    review.markers_changed.connect(markers_changed)

    def moment_shown() -> None:  # what the window only learns from live signals
        window.hr_plot.set_markers(controller.markers)
        window.beats_label.setText(beats_text(controller.beat_count))
        window.quality_panel.show_delay(controller.beat_latency_s)
        if controller.status is None:  # before the recording said anything about its link
            window.status_label.setText(f"Reviewing {path.name}.")
        _show_recorded_pacer(window.pacer_box, controller.pacer)

    controller.session_reset.connect(moment_shown)
    controller.pacer_changed.connect(lambda pacer: _show_recorded_pacer(window.pacer_box, pacer))

    def rename(marker_id: int) -> None:
        marker = next((m for m in review.markers if m.id == marker_id), None)
        if marker is None or not is_session_file:
            return
        dialog = MarkerDialog(marker.label, marker.note, window)
        dialog.accepted.connect(lambda: review.edit_marker(marker_id, dialog.label(), dialog.note()))
        dialog.open()
        window.marker_dialog = dialog  # reachable for tests

    bar.rename_requested.connect(rename)
    for action in window.appearance_actions.values():
        action.triggered.connect(lambda _checked=False: bar.apply_appearance(window.appearance))

    window_kit.attach_client_view(window, controller, None)
    review.attach(controller)
    window.review, window.review_bar = review, bar  # reachable for tests and menus
    view = ReviewView(window, review, bar, controller)
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


def _window_with(controller, settings):
    from biofeedback.qt.main_window import MainWindow

    return MainWindow(controller, settings)



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


def _show_recorded_pacer(box, pacer) -> None:
    """Let the (switched-off) pacer box show the pacer that ran at the playhead."""
    from biofeedback.qt.widgets.session_controls import CUSTOM_KEY

    box.enabled_box.blockSignals(True)
    box.enabled_box.setChecked(pacer is not None)
    box.enabled_box.blockSignals(False)
    if pacer is not None:
        box.apply(CUSTOM_KEY, pacer, emit=False)
    else:
        box.summary.setText("No pacer: breathing freely.")


def _no_title():
    from PySide6.QtWidgets import QWidget

    return QWidget()
