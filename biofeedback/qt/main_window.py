"""The supervisor view: live plots, metrics, signal quality, session and pacer controls.

What the therapist (or the person themself) watches while the client view shows only the
animation and the pacer. Everything here renders what the :class:`SessionController` says; the
plots redraw on one display timer at a modest rate, never once per beat.
"""

from __future__ import annotations

import logging

import math
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from biofeedback import __version__
from biofeedback.core import coherence
from biofeedback.core.live import LiveMetrics
from biofeedback.core.samples import Contact, LinkState, Sample, Status
from biofeedback.qt import palette
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.settings import Settings
from biofeedback.qt.widgets.coherence_plot import CoherencePlot
from biofeedback.qt.widgets.hr_plot import WINDOW_S, HeartRatePlot
from biofeedback.qt.widgets.metrics_panel import MetricsPanel
from biofeedback.qt.widgets.session_controls import SessionControls
from biofeedback.qt.widgets.signal_quality import NO_BEATS_AFTER_S, SignalQualityPanel
from biofeedback.qt.widgets.spectrum_plot import SpectrumPlot
from biofeedback.qt.widgets.themes import THEMES
from biofeedback.qt.widgets.tachogram import Tachogram
from biofeedback.core import words

log = logging.getLogger(__name__)

#: Display ticks of the supervisor view, Hz. The work is spread over the ticks so that no frame
#: repaints more than one plot (bench/bench_frames.py): the heart-rate plot and the labels on every
#: fourth tick and the tachogram two ticks later (each 5 Hz: 1.3 px of scrolling per step on a
#: 2-minute plot), and on the odd ticks, after a new beat's metrics, one of: the panels, the
#: spectrum, the coherence trend.
DISPLAY_HZ = 20
#: Coherence ratios where the "medium" and "high" bands begin (the live pipeline's calibrated
#: thresholds), and the top of the plot's "high" band: ratios above it are drawn, just off the band.
COHERENCE_BANDS = (coherence.LOW_BELOW, coherence.HIGH_FROM, 8.0)

#: Body text size, pt: readable at arm's length on a clinic monitor.
BASE_POINT_SIZE = 10.5
#: Width of the side panel with controls, metrics and signal quality, px.
SIDE_PANEL_PX = 400

CONTACT_LOST_TEXT = words.CONTACT_LOST

ABOUT_TEXT = (
    f"<h3>Biofeedback visualiser {__version__}</h3>"
    "<p>Shows your heartbeat as calm pictures and guides your breathing, so you can learn to "
    "steer your heart rhythm.</p>"
    f"<p>{words.WELLNESS_NOTE}</p>"
    "<p>Your recordings stay on this computer. MIT licence.</p>"
)


def system_appearance() -> palette.Appearance:
    """The light or dark appearance the desktop asks for (dark where it does not say)."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return palette.LIGHT if scheme == Qt.ColorScheme.Light else palette.DARK


def qt_palette(a: palette.Appearance) -> QPalette:
    """Qt's own palette for one appearance, so native controls (spin boxes, lists) match it."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: a.window,
        QPalette.ColorRole.WindowText: a.text,
        QPalette.ColorRole.Base: a.plot,
        QPalette.ColorRole.AlternateBase: a.window,
        QPalette.ColorRole.Text: a.text,
        QPalette.ColorRole.Button: a.window,
        QPalette.ColorRole.ButtonText: a.text,
        QPalette.ColorRole.ToolTipBase: a.plot,
        QPalette.ColorRole.ToolTipText: a.text,
        QPalette.ColorRole.PlaceholderText: a.text_dim,
        QPalette.ColorRole.Highlight: palette.BLUE,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Mid: a.grid,
        QPalette.ColorRole.Midlight: a.grid,
        QPalette.ColorRole.Dark: a.grid,
        QPalette.ColorRole.Light: a.plot,
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, a.text_dim)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, a.text_dim)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, a.text_dim)
    return p


#: How each kind of label looks: point size (None: the body size), bold, and which of the
#: appearance's colours it takes. Styled through fonts and palettes, not a style sheet, because
#: a style sheet would override the palette of every native control below it.
LABEL_STYLES: dict[str, tuple[float | None, bool, str]] = {
    "heartRate": (26.0, True, "heart_rate"),
    "phase": (16.0, False, "text"),
    "sessionTime": (13.0, False, "text_dim"),
    "notice": (12.0, False, "text"),
    "metricName": (None, False, "text_dim"),
    "metricValue": (13.0, True, "text"),
    "qualityValue": (None, False, "text"),
    "pacerSummary": (None, False, "text_dim"),
    "recordState": (None, False, "text_dim"),
}


def dress_labels(root: QWidget, a: palette.Appearance) -> None:
    """Give every styled label under ``root`` its size, weight and colour for appearance ``a``."""
    for label in root.findChildren(QLabel):
        style = LABEL_STYLES.get(label.objectName())
        if style is None:
            continue
        size, bold, colour = style
        font = QFont(root.font())
        if size is not None:
            font.setPointSizeF(size)
        font.setBold(bold)
        label.setFont(font)
        p = label.palette()
        p.setColor(QPalette.ColorRole.WindowText, getattr(a, colour))
        p.setColor(QPalette.ColorRole.Window, a.plot)
        label.setPalette(p)


#: What new metrics change, in the order the spare display ticks redraw them.
METRIC_VIEWS = ("panels", "spectrum", "coherence")


class MainWindow(QMainWindow):
    """The supervisor view.

    Signals
    -------
    record_requested(), stop_requested()
        The person asked to start or stop a recorded session. The window passes the request to
        the controller (whose ``open_writer``, chosen by the app, makes the file) and shows the
        answer from ``recording_changed``.
    client_view_requested()
        The person asked for the client view (the app owns that window).
    """

    record_requested = Signal()
    stop_requested = Signal()
    client_view_requested = Signal()
    client_preferences_changed = Signal()

    def __init__(self, controller: SessionController, settings: Settings | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings if settings is not None else Settings()
        self.setWindowTitle("Biofeedback: supervisor view")
        # An explicit minimum also keeps the layout from resizing the window's size hints on
        # every text change (the offscreen platform warns about each).
        self.setMinimumSize(1024, 640)
        self.resize(1366, 860)
        font = self.font()
        font.setPointSizeF(BASE_POINT_SIZE)
        self.setFont(font)
        self._metrics: LiveMetrics | None = None
        #: The process's exit code when this window closes (non-zero: a screenshot could not be saved).
        self.exit_code = 0
        #: What still shows older metrics: a subset of METRIC_VIEWS, drawn one per spare tick.
        self._stale: list[str] = []

        # ---- the "now" strip: heart rate, pacer phase, session time, and kind notices
        self.hr_label = QLabel("-- bpm")
        self.hr_label.setObjectName("heartRate")
        self.hr_label.setToolTip("Heart rate, beats per minute: the live smoothed value, or the strap's own until metrics arrive.")
        self.phase_label = QLabel("")
        self.phase_label.setObjectName("phase")
        self.phase_label.setToolTip("What the pacer asks for now, and the seconds left in this phase.")
        self.session_time_label = QLabel("0:00")
        self.session_time_label.setObjectName("sessionTime")
        self.notice_label = QLabel("")
        self.notice_label.setObjectName("notice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setAutoFillBackground(True)
        self.notice_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice_label.setMargin(8)
        self.notice_label.setVisible(False)
        now_strip = QHBoxLayout()
        now_strip.addWidget(self.hr_label)
        now_strip.addSpacing(24)
        now_strip.addWidget(self.phase_label)
        now_strip.addStretch(1)
        now_strip.addWidget(self.session_time_label)

        # ---- plots
        self.hr_plot = HeartRatePlot()
        self.tachogram = Tachogram()
        self.coherence_plot = CoherencePlot(*COHERENCE_BANDS)
        self.spectrum_plot = SpectrumPlot()
        self.plots = (self.hr_plot, self.tachogram, self.coherence_plot, self.spectrum_plot)
        lower = QHBoxLayout()
        lower.addWidget(self.coherence_plot, 3)
        lower.addWidget(self.spectrum_plot, 2)
        plots = QWidget()
        plots.setObjectName("supervisor")
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(12, 8, 8, 8)
        plots_layout.addLayout(now_strip)
        plots_layout.addWidget(self.notice_label)
        plots_layout.addWidget(self.hr_plot, 5)
        plots_layout.addWidget(self.tachogram, 3)
        plots_layout.addLayout(lower, 4)

        # ---- side panel: controls, metrics, quality, and the device area
        self.controls = SessionControls()
        self.metrics_panel = MetricsPanel()
        self.quality_panel = SignalQualityPanel()
        #: Where the device panel goes (BLE scan, connect, strap details): one layout, kept for it.
        self.device_area = QVBoxLayout()
        self.device_area.setContentsMargins(0, 0, 0, 0)
        side = QWidget()
        side.setObjectName("sidePanel")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 8, 8, 8)
        side_layout.setSpacing(8)
        side_layout.addLayout(self.device_area)  # first: connecting the strap is the first step
        side_layout.addWidget(self.controls)
        side_layout.addWidget(self.metrics_panel)
        side_layout.addWidget(self.quality_panel)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setFixedWidth(SIDE_PANEL_PX)
        scroll.setFixedWidth(SIDE_PANEL_PX + scroll.verticalScrollBar().sizeHint().width())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(plots)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self.status_label = QLabel("Starting")
        self.beats_label = QLabel("0 beats")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.beats_label)

        self._build_menu()

        # ---- wiring: controls ask, the controller (or the app) answers
        self.controls.record_requested.connect(self.record_requested)
        self.controls.stop_requested.connect(self.stop_requested)
        self.record_requested.connect(controller.start_recording)
        self.stop_requested.connect(controller.stop_recording)
        controller.recording_changed.connect(self.show_recording)
        controller.error_occurred.connect(self._on_error)
        self.controls.marker_requested.connect(self._add_marker)
        self.controls.pacer_chosen.connect(controller.set_pacer)
        self.controls.client_view_requested.connect(self.client_view_requested)
        self.controls.pacer_box.restore_settings(self.settings)
        controller.sample_received.connect(self._on_sample)
        controller.status_changed.connect(self._on_status)
        controller.battery_changed.connect(self.quality_panel.show_battery)
        controller.beats_added.connect(self._on_beats)
        controller.marker_added.connect(self._on_marker)
        controller.pacer_changed.connect(self._on_pacer)
        controller.metrics_updated.connect(self.on_metrics)

        self.set_appearance(str(self.settings.value("supervisor/appearance")))
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self._on_pacer(controller.pacer)
        self.show_recording(controller.recording_path)

        self._tick = 0
        self.display_timer = QTimer(self)
        self.display_timer.timeout.connect(self.display_tick)
        self.display_timer.start(int(1000 / DISPLAY_HZ))

    # ---- menus and shortcuts

    def _build_menu(self) -> None:
        session = self.menuBar().addMenu("&Session")
        self.record_action = QAction("Start or stop &recording", self, shortcut=QKeySequence(Qt.Key.Key_Space))
        self.record_action.triggered.connect(self.controls.toggle_recording)
        self.marker_action = QAction("Add &marker", self, shortcut=QKeySequence(Qt.Key.Key_M))
        self.marker_action.triggered.connect(self._add_marker)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (self.record_action, self.marker_action):
            session.addAction(action)
        session.addSeparator()
        session.addAction(quit_action)

        view = self.menuBar().addMenu("&View")
        self.client_action = QAction("Open the &client view", self, shortcut=QKeySequence("Ctrl+K"))
        self.client_action.triggered.connect(self.client_view_requested)
        self.fullscreen_action = QAction("&Full screen", self, shortcut=QKeySequence(Qt.Key.Key_F11), checkable=True)
        self.fullscreen_action.toggled.connect(self._set_fullscreen)
        view.addAction(self.client_action)
        view.addAction(self.fullscreen_action)
        self._build_client_menu(view.addMenu("Calm view &look and sound"))
        appearance = view.addMenu("&Appearance")
        self.appearance_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for key, title in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            action = QAction(title, self, checkable=True)
            action.triggered.connect(lambda _checked=False, k=key: self.set_appearance(k))
            group.addAction(action)
            appearance.addAction(action)
            self.appearance_actions[key] = action

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About", self)
        about.triggered.connect(lambda: QMessageBox.about(self, "About Biofeedback", ABOUT_TEXT))
        help_menu.addAction(about)

    def _build_client_menu(self, menu) -> None:
        """Theme, motion and sound of the calm (client) view, chosen from the supervisor's screen."""
        self.client_pref_actions: dict[tuple[str, object], QAction] = {}
        choices = [
            ("client/theme", [(name, theme.title) for name, theme in THEMES.items()]),
            ("client/reduced_motion", [("system", "Motion as the system prefers"), ("on", "Reduced motion"), ("off", "Full motion")]),
        ]
        for key, options in choices:
            group = QActionGroup(self)
            for value, title in options:
                action = QAction(title, self, checkable=True)
                action.setChecked(self.settings.value(key) == value)
                action.triggered.connect(lambda _checked=False, k=key, v=value: self.set_client_preference(k, v))
                group.addAction(action)
                menu.addAction(action)
                self.client_pref_actions[(key, value)] = action
            menu.addSeparator()
        sound = QAction("Sound cues (soft tones for in and out, a chime when coherent)", self, checkable=True)
        sound.setChecked(bool(self.settings.value("audio/enabled")))
        sound.toggled.connect(lambda on: self.set_client_preference("audio/enabled", on))
        menu.addAction(sound)
        self.client_pref_actions[("audio/enabled", True)] = sound
        menu.aboutToShow.connect(self._sync_client_menu)  # the calm view's own menu may have changed them

    def _sync_client_menu(self) -> None:
        for (key, value), action in self.client_pref_actions.items():
            action.blockSignals(True)
            action.setChecked(self.settings.value(key) == value)
            action.blockSignals(False)

    def set_client_preference(self, key: str, value) -> None:
        """Remember a calm-view preference and let an open calm view take it up."""
        self.settings.set_value(key, value)
        self.client_preferences_changed.emit()

    def _set_fullscreen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

    # ---- appearance

    def set_appearance(self, choice: str) -> None:
        """Use the "light", "dark" or "system" appearance, and remember the choice."""
        self.appearance_choice = choice
        self.appearance_actions[choice].setChecked(True)
        if self.settings.value("supervisor/appearance") != choice:
            self.settings.save_group("supervisor", {"appearance": choice})
        appearance = system_appearance() if choice == "system" else {"light": palette.LIGHT, "dark": palette.DARK}[choice]
        self.appearance = appearance
        self.setPalette(qt_palette(appearance))
        dress_labels(self, appearance)
        for plot in self.plots:
            plot.apply_appearance(appearance)

    def _system_scheme_changed(self, _scheme) -> None:
        if self.appearance_choice == "system":
            self.set_appearance("system")

    # ---- slots: render what the controller says

    def show_recording(self, path: Path | None) -> None:
        """Slot for ``recording_changed``: the session file being written, or None."""
        self.controls.show_recording(path is not None, "" if path is None else str(path))

    def _on_error(self, message: str) -> None:
        self.status_label.setText(message)

    def on_metrics(self, metrics: LiveMetrics) -> None:
        """Slot for ``SessionController.metrics_updated``: drawn on the next display tick."""
        self._metrics = metrics
        self._stale = list(METRIC_VIEWS)

    def _add_marker(self) -> None:
        self.controller.add_marker()

    def _on_marker(self, marker) -> None:
        self.hr_plot.add_marker(marker.t, marker.label)
        self.status_label.setText(f"{marker.label} added at {int(marker.t) // 60}:{int(marker.t) % 60:02d}.")

    def _on_pacer(self, pacer) -> None:
        self.spectrum_plot.set_pacer_hz(self.controller.pacer_hz())
        if pacer is None:
            self.phase_label.setText(words.BREATHING_FREELY)

    def _on_sample(self, sample: Sample) -> None:
        if sample.hr_bpm and self._metrics is None:
            self.hr_label.setText(f"{sample.hr_bpm} bpm")
        self.quality_panel.show_contact(sample.contact)
        lost = sample.contact is Contact.NOT_DETECTED
        self.notice_label.setText(CONTACT_LOST_TEXT if lost else "")
        self.notice_label.setVisible(lost)

    def _on_status(self, status: Status) -> None:
        self.status_label.setText(status.message or status.state.value.capitalize())
        if status.state in (LinkState.FAILED, LinkState.LOST, LinkState.RECONNECTING, LinkState.FINISHED):
            self.hr_label.setText("-- bpm")
            self.quality_panel.show_contact(None)  # the last known contact no longer holds

    def _on_beats(self, _batch) -> None:
        self.beats_label.setText(f"{self.controller.beat_count} beats")
        self.quality_panel.show_delay(self.controller.beat_latency_s)

    def display_tick(self) -> None:
        """One tick of the display timer: one share of the redrawing (see :data:`DISPLAY_HZ`)."""
        now = self.controller.now()
        if self._tick % 4 == 0:
            self._redraw_now(now)
        elif self._tick % 4 == 2:
            self._redraw_tachogram(now)
        elif self._stale:
            self._redraw_metrics(self._stale.pop(0), now)
        self._tick += 1

    def redraw(self) -> None:
        """Redraw everything at once (for screenshots and tests)."""
        now = self.controller.now()
        self._redraw_now(now)
        self._redraw_tachogram(now)
        while self._stale:
            self._redraw_metrics(self._stale.pop(0), now)

    def _redraw_now(self, now: float) -> None:
        c = self.controller
        self.session_time_label.setText(f"Session {int(now) // 60}:{int(now) % 60:02d}")
        state = c.pacer_now()
        if state is not None:
            self.phase_label.setText(f"{state.words} · {math.ceil(state.seconds_left - 1e-6)} s")
        quiet = c.since_last_beat_s()
        if quiet is not None and quiet > NO_BEATS_AFTER_S:
            self.quality_panel.show_no_beats(quiet)
        times, hr = c.heart_rate_series()
        breath_t, breath = c.pacer_wave(max(0.0, now - WINDOW_S), now)
        self.hr_plot.set_series(times, hr, c.beat_connect(), now, breath_t, breath)

    def _redraw_tachogram(self, now: float) -> None:
        c = self.controller
        rr_t, rr = c.tachogram_series()
        artifact_t = self._metrics.artifact_times if self._metrics else ()
        self.tachogram.set_series(rr_t, rr, c.beat_connect(), now, artifact_t, c.rr_at(artifact_t))

    def _redraw_metrics(self, view: str, now: float) -> None:
        """Bring one of :data:`METRIC_VIEWS` up to the newest metrics."""
        m = self._metrics
        if view == "panels":
            self.metrics_panel.show_metrics(m)
            self.quality_panel.show_artifacts(m.artifact_pct)
            if m.hr_bpm is not None:
                self.hr_label.setText(f"{m.hr_bpm:.0f} bpm")
        elif view == "spectrum":
            self.spectrum_plot.set_spectrum(m.spectrum_hz, m.spectrum_ms2_per_hz)
        else:
            self.coherence_plot.set_series(*self.controller.coherence_series(), now)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.controls.pacer_box.save_settings(self.settings)
        self.display_timer.stop()
        super().closeEvent(event)
