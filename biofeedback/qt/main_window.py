"""The main window: the person's home screen, or the therapist's clinic view.

- **Home** (the default, :mod:`biofeedback.qt.home_view`): the calm view large, one Start session
  button with the session's time and an optional goal, the strap in plain words.
- **Clinic view**: live plots, metrics, signal quality, the pacer and session controls, for
  whoever supervises, while the calm view shows on a second screen.

The window switches between them (View menu, a button on each, and the remembered
``window/mode`` setting). Everything here renders what the :class:`SessionController` says; the
plots redraw on one display timer at a modest rate, never once per beat, and only while shown.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QFontMetrics, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from biofeedback import __version__
from biofeedback.core import coherence, words
from biofeedback.core.live import LiveMetrics
from biofeedback.core.samples import Contact, LinkState, Sample, SourceInfo, SourceKind, Status
from biofeedback.core.session import saved_from_home
from biofeedback.core.session_timer import SessionTimer, clock_text
from biofeedback.qt import palette
from biofeedback.qt.screen_fit import fit_to_screen
from biofeedback.qt.home_view import HomeView
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.settings import Settings
from biofeedback.qt.widgets.coherence_plot import TREND_WINDOW_S, CoherencePlot
from biofeedback.qt.widgets.device_panel import ask_for_recording
from biofeedback.qt.widgets.hr_plot import WINDOW_S, HeartRatePlot
from biofeedback.qt.widgets.marker_editor import MarkerEditor
from biofeedback.qt.widgets.metrics_panel import MetricsPanel
from biofeedback.qt.widgets.session_controls import PacerSettingsBox, SessionControls
from biofeedback.qt.widgets.signal_quality import NO_BEATS_AFTER_S, SignalQualityPanel
from biofeedback.qt.widgets.spectrum_plot import SpectrumPlot
from biofeedback.qt.widgets.tachogram import Tachogram
from biofeedback.qt.widgets.themes import THEMES

log = logging.getLogger(__name__)

#: Display ticks of the clinic view, Hz. The work is spread over the ticks so that no frame
#: repaints more than one plot (bench/bench_frames.py): the heart-rate plot and the labels on every
#: fourth tick and the tachogram two ticks later (each 5 Hz: 1.3 px of scrolling per step on a
#: 2-minute plot), and on the odd ticks, after new metrics, one of: the panels, the spectrum, the
#: coherence trend, in turn (a view waiting longest goes first, so at any metrics rate each gets
#: its turn).
DISPLAY_HZ = 20
#: Coherence ratios where the "medium" and "high" bands begin (the live pipeline's calibrated
#: thresholds), and the top of the plot's "high" band: ratios above it are drawn, just off the band.
COHERENCE_BANDS = (coherence.LOW_BELOW, coherence.HIGH_FROM, 8.0)
#: Points of the coherence trend drawn at most: one per pixel column or two of the plot is all an
#: eye can see, and the cost of a repaint then no longer grows with the session.
TREND_POINTS = 400

#: Body text size, pt: readable at arm's length on a clinic monitor.
BASE_POINT_SIZE = 10.5
#: Width of the side panel with the strap, the pacer, metrics and signal quality, px.
SIDE_PANEL_PX = 390
#: The window's size where the screen has room for it, px; a smaller screen gets all its room
#: (usable from 1280x720 up: laptops and clinic projectors).
PREFERRED_SIZE = (1600, 1000)

CONTACT_LOST_TEXT = words.CONTACT_LOST

ABOUT_TEXT = (
    f"<h3>Biofeedback visualiser {__version__}</h3>"
    "<p>Shows your heartbeat as calm pictures and guides your breathing, so you can learn to "
    "steer your heart rhythm.</p>"
    f"<p>{words.WELLNESS_NOTE}</p>"
    "<p>Your recordings stay on this computer. MIT licence.</p>"
)

MODES = ("home", "clinic")


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
    "heartRate": (24.0, True, "heart_rate"),
    "phase": (16.0, False, "text"),
    "sessionTime": (12.0, False, "text_dim"),
    "notice": (12.0, False, "text"),
    "metricName": (None, False, "text_dim"),
    "metricValue": (13.0, True, "text"),
    "qualityValue": (None, False, "text"),
    "pacerSummary": (None, False, "text_dim"),
    "recordIndicator": (10.5, True, "heart_rate"),
    "protocolHeader": (12.0, False, "text"),
    "protocolHeaderTime": (None, False, "text_dim"),
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


def status_line(status: Status, source: SourceInfo | None, first_of_source: bool) -> str | None:
    """What the status bar says about ``status`` (None: it stays as it is).

    A replay's statuses are the recording's, not this computer's: its own first status (which
    file, and what could not be read of it) and its end are said; of the recorded ones only
    where the signal was lost, as something that happened in the recording. The demo is told
    by the strap panel, once.
    """
    live = source is None or source.live
    if not live:
        if first_of_source or status.state is LinkState.FINISHED:
            return status.message or None
        if status.state in (LinkState.LOST, LinkState.RECONNECTING):
            return words.IN_THE_RECORDING.format(message=status.message or status.state.value)
        return None
    if source is not None and source.kind is SourceKind.DEMO and status.state is not LinkState.FAILED:
        return ""
    return status.message or status.state.value.capitalize()


def takes_typing(widget: QWidget) -> bool:
    """A free-text field, where Space and M are letters (its placeholder says so)."""
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    if isinstance(widget, QLineEdit):
        holder = widget.parentWidget()
        return not widget.isReadOnly() and not isinstance(holder, (QAbstractSpinBox, QComboBox))
    return False


class KeysThatAlwaysWork(QObject):
    """Keeps Space (session) and M (marker) for the window whatever control has the keyboard.

    Spin boxes, lists and drop-downs would otherwise take them (a spin box swallows letters, a
    list jumps to an item starting with M). Only a free-text field keeps them, since there they
    are letters. Installed on each widget of the window as it receives the keyboard.
    """

    KEYS = (Qt.Key.Key_Space, Qt.Key.Key_M)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in self.KEYS:
            if not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) and not takes_typing(watched):
                event.ignore()  # not this widget's key: the window's shortcut takes it
                return True
        return False


class WheelScrollsThePanel(QObject):
    """Lets the mouse wheel scroll the side panel instead of turning the spin box or list that
    happens to pass under the pointer.

    At 1280x720 the side panel scrolls; without this, scrolling it over the pacer's Rate box
    changed the pacer in the middle of a recording. A control turns with the wheel only once it
    has the keyboard (clicked or tabbed to). Returning True with the event ignored hands the
    wheel on to the parent, the scroll area.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


#: What new metrics change, in the order the spare display ticks redraw them.
METRIC_VIEWS = ("panels", "spectrum", "coherence")


class MainWindow(QMainWindow):
    """The home screen and the clinic view.

    Signals
    -------
    session_start_requested(), session_stop_requested()
        The person asked to start or stop a session (Start session, Start recording, Space).
        With ``default_flow`` they go straight to :meth:`begin_session` and :meth:`end_session`;
        the app can connect its own steps instead (rate how you feel, take blood pressure) and
        call those when done.
    session_started()
    session_stopped(object)
        The session ended; the path of its file, or None when nothing was saved.
    client_view_requested()
        The person asked for the calm view (the app owns that window).
    client_preferences_changed()
    library_requested()
        The person asked for the session library (offered once :meth:`set_library_available`).
    person_change_requested()
        The person indicator (on the home screen or in the clinic view's header) was clicked;
        :meth:`person_menu_anchor` says where to open a choice of people.
    protocol_requested(str)
        A guided protocol was asked for from the menu or the home screen: "assessment" (find my
        breathing rate) or "session" (a guided session).
    recording_chosen(str)
        A recording picked with Session > Open a recording.
    mode_changed(str)
        "home" or "clinic".
    """

    session_start_requested = Signal()
    session_stop_requested = Signal()
    session_started = Signal()
    session_stopped = Signal(object)
    client_view_requested = Signal()
    client_preferences_changed = Signal()
    library_requested = Signal()
    person_change_requested = Signal()
    protocol_requested = Signal(str)
    recording_chosen = Signal(str)
    mode_changed = Signal(str)

    def __init__(self, controller: SessionController, settings: Settings | None = None, default_flow: bool = True) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings if settings is not None else Settings()
        font = self.font()
        font.setPointSizeF(BASE_POINT_SIZE)
        self.setFont(font)
        self._metrics: LiveMetrics | None = None
        #: The process's exit code when this window closes (non-zero: a screenshot could not be saved).
        self.exit_code = 0
        #: Views that still show older metrics (a subset of METRIC_VIEWS), and the next one's turn.
        self._stale: set[str] = set()
        self._next_view = 0
        self.timer = SessionTimer(60.0 * int(self.settings.value("home/goal_min")))
        #: The running session is practice (the demo at home): nothing is saved.
        self._practice = False
        self._recording_path: Path | None = None
        self._first_status = True
        #: Where Open a recording starts looking (the app sets the sessions folder).
        self.recordings_folder = ""
        #: What the status bar says after a reset while the session's source has said nothing
        #: ("Reviewing NAME." in review).
        self.idle_status = ""
        #: The review docked in this window, if any (see :meth:`enter_review`).
        self.review_bar: QWidget | None = None
        self._review_dock: QDockWidget | None = None
        self._before_review: dict = {}
        self.mode = ""

        self.home = HomeView()
        self.clinic = self._build_clinic()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.home)
        self.pages.addWidget(self.clinic)
        self.setCentralWidget(self.pages)
        self.status_label = QLabel("")
        self.beats_label = QLabel(words.beats_count(0))
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.beats_label)
        self._build_menu()
        self._keys = KeysThatAlwaysWork(self)
        self._wheel = WheelScrollsThePanel(self)
        QApplication.instance().focusChanged.connect(self._keep_keys)
        self._wire(default_flow)

        self.home.set_goal_minutes(int(self.settings.value("home/goal_min")))
        self.home.follow(controller)
        self._on_pacer(controller.pacer)
        self._tick = 0
        self.display_timer = QTimer(self)
        self.display_timer.timeout.connect(self.display_tick)
        self.display_timer.start(int(1000 / DISPLAY_HZ))
        self.set_mode(str(self.settings.value("window/mode")))
        self.fit_to_screen()

    # ---- building

    def _build_clinic(self) -> QWidget:
        """The clinic view: a header across the window, the side panel and the plots."""
        # ---- header: heart rate, pacer phase, session time; recording and the session's buttons
        self.hr_label = QLabel("-- bpm")
        self.hr_label.setObjectName("heartRate")
        self.hr_label.setToolTip("Heart rate, beats per minute: the live smoothed value, or the strap's own until metrics arrive.")
        self.phase_label = QLabel("")
        self.phase_label.setObjectName("phase")
        self.phase_label.setToolTip("What the pacer asks for now, and the seconds left in this phase.")
        self.session_time_label = QLabel("0:00")
        self.session_time_label.setObjectName("sessionTime")
        self.session_time_label.setToolTip("Time since this session began (the demo's or the recording's clock).")
        self.controls = SessionControls()
        self.person_button = QToolButton()
        self.person_button.setObjectName("clinicPerson")
        self.person_button.setAutoRaise(True)
        self.person_button.setToolTip(words.PERSON_TIP)
        self.person_button.setEnabled(False)  # until the app can change whose session it is
        header = QHBoxLayout()
        header.setContentsMargins(12, 6, 12, 2)
        header.addWidget(self.person_button)
        header.addSpacing(6)
        header.addWidget(self.hr_label)
        header.addSpacing(18)
        header.addWidget(self.phase_label)
        header.addStretch(1)
        times = QVBoxLayout()  # the session's time, and under it the recording's while one runs
        times.setSpacing(0)
        times.addWidget(self.session_time_label)
        times.addWidget(self.controls.indicator)
        header.addLayout(times)
        header.addSpacing(12)
        header.addWidget(self.controls)

        self.notice_label = QLabel("")
        self.notice_label.setObjectName("notice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setAutoFillBackground(True)
        self.notice_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice_label.setMargin(8)
        self.notice_label.setVisible(False)
        self.marker_editor = MarkerEditor()
        # a guided protocol's step, progress and time left, across the view while one runs
        self.protocol_label = QLabel("")
        self.protocol_label.setObjectName("protocolHeader")
        self.protocol_progress = QProgressBar()
        self.protocol_progress.setRange(0, 1000)
        self.protocol_progress.setTextVisible(False)
        self.protocol_progress.setFixedWidth(180)
        self.protocol_time = QLabel("")
        self.protocol_time.setObjectName("protocolHeaderTime")
        self.protocol_strip = QWidget()
        self.protocol_strip.setObjectName("protocolStrip")
        strip = QHBoxLayout(self.protocol_strip)
        strip.setContentsMargins(12, 0, 12, 2)
        strip.addWidget(self.protocol_label, 1)
        strip.addWidget(self.protocol_progress)
        strip.addWidget(self.protocol_time)
        self.protocol_strip.setVisible(False)

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
        plots_layout.setContentsMargins(6, 4, 8, 8)
        plots_layout.addWidget(self.hr_plot, 5)
        plots_layout.addWidget(self.tachogram, 3)
        plots_layout.addLayout(lower, 4)

        # ---- side panel: the strap, the pacer, metrics and signal quality
        self.pacer_box = PacerSettingsBox()
        self.metrics_panel = MetricsPanel()
        self.quality_panel = SignalQualityPanel()
        #: Where the device panel goes (BLE scan, connect, strap details): one layout, kept for it.
        self.device_area = QVBoxLayout()
        self.device_area.setContentsMargins(0, 0, 0, 0)
        side = QWidget()
        side.setObjectName("sidePanel")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 4, 8, 8)
        side_layout.setSpacing(6)
        side_layout.addLayout(self.device_area)  # first: connecting the strap is the first step
        side_layout.addWidget(self.pacer_box)
        #: Where the guided-protocol panel goes (the app builds it): beside the pacer it drives.
        self.protocol_area = QVBoxLayout()
        self.protocol_area.setContentsMargins(0, 0, 0, 0)
        side_layout.addLayout(self.protocol_area)
        side_layout.addWidget(self.metrics_panel)
        side_layout.addWidget(self.quality_panel)
        side_layout.addStretch(1)
        self.side_scroll = QScrollArea()
        self.side_scroll.setWidget(side)
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setFixedWidth(SIDE_PANEL_PX)
        self.side_scroll.setFixedWidth(SIDE_PANEL_PX + self.side_scroll.verticalScrollBar().sizeHint().width())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.side_scroll)
        splitter.addWidget(plots)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        page = QWidget()
        page.setObjectName("clinic")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.protocol_strip)
        layout.addWidget(self.marker_editor)
        layout.addWidget(self.notice_label)
        layout.addWidget(splitter, 1)
        self._size_header_labels()
        return page

    def _size_header_labels(self) -> None:
        """Fix the header labels' widths to their longest text, so a change of text never clips
        ("Breathe c") and never makes the header lay itself out again."""
        longest = {
            self.phase_label: [f"{w} · 20 s" for w in (words.BREATHE_IN, words.BREATHE_OUT, words.HOLD)]
            + [words.BREATHING_FREELY, words.REPLAY_OVER],
            self.hr_label: ["888 bpm", "-- bpm"],
            self.session_time_label: ["Session 88:88:88"],
            self.controls.indicator: [words.RECORDING_MARK.format(elapsed="88:88:88"), words.RECORDING_WAITS],
        }
        for label, texts in longest.items():
            font = QFont(self.font())
            size, bold, _ = LABEL_STYLES[label.objectName()]
            font.setPointSizeF(size)
            font.setBold(bold)
            metrics = QFontMetrics(font)
            label.setMinimumWidth(max(metrics.horizontalAdvance(t) for t in texts) + 6)

    def _build_menu(self) -> None:
        session = self.menuBar().addMenu("&Session")
        self.record_action = QAction("Start or stop the session", self, shortcut=QKeySequence(Qt.Key.Key_Space))
        self.record_action.triggered.connect(self.toggle_session)
        self.marker_action = QAction("Add &marker", self, shortcut=QKeySequence(Qt.Key.Key_M))
        self.marker_action.triggered.connect(self._add_marker)
        self.edit_markers_action = QAction("&Edit markers...", self, shortcut=QKeySequence("Ctrl+E"))
        self.edit_markers_action.triggered.connect(self.edit_markers)
        self.open_action = QAction("&Open a recording...", self, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.ask_for_recording)
        self.library_action = QAction(f"{words.OPEN_LIBRARY}...", self, shortcut=QKeySequence("Ctrl+L"))
        self.library_action.triggered.connect(self.library_requested)
        self.library_action.setVisible(False)  # until the app has a library to open
        self.assessment_action = QAction(f"{words.FIND_MY_RATE}...", self)
        self.assessment_action.triggered.connect(lambda: self.protocol_requested.emit("assessment"))
        self.guided_action = QAction(f"{words.GUIDED_SESSION}...", self)
        self.guided_action.triggered.connect(lambda: self.protocol_requested.emit("session"))
        for action in (self.assessment_action, self.guided_action):
            action.setVisible(False)  # until the app can run guided protocols
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        for action in (self.record_action, self.marker_action, self.edit_markers_action):
            session.addAction(action)
        session.addSeparator()
        session.addAction(self.open_action)
        session.addAction(self.library_action)
        session.addSeparator()
        session.addAction(self.assessment_action)
        session.addAction(self.guided_action)
        session.addSeparator()
        session.addAction(quit_action)
        self.addActions([self.record_action, self.marker_action, self.edit_markers_action, self.open_action, quit_action])

        view = self.menuBar().addMenu("&View")
        self.mode_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for key, title, keys in (("home", words.HOME_SCREEN, "Ctrl+1"), ("clinic", words.CLINIC_VIEW, "Ctrl+2")):
            action = QAction(title, self, checkable=True, shortcut=QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, k=key: self.set_mode(k))
            group.addAction(action)
            view.addAction(action)
            self.mode_actions[key] = action
        view.addSeparator()
        self.client_action = QAction(f"Open the {words.CALM_VIEW.lower()}", self, shortcut=QKeySequence("Ctrl+K"))
        self.client_action.triggered.connect(self.client_view_requested)
        self.fullscreen_action = QAction("&Full screen", self, shortcut=QKeySequence(Qt.Key.Key_F11), checkable=True)
        self.fullscreen_action.toggled.connect(self._set_fullscreen)
        view.addAction(self.client_action)
        view.addAction(self.fullscreen_action)
        self.addActions([*self.mode_actions.values(), self.client_action, self.fullscreen_action])
        self._build_client_menu(view.addMenu(f"{words.CALM_VIEW} &look and sound"))
        appearance = view.addMenu("&Appearance of the clinic view")
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
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_client_menu(self, menu) -> None:
        """Theme, motion and sound of the calm view, chosen from the main window."""
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

    def _wire(self, default_flow: bool) -> None:
        """Controls ask, the controller (or the app) answers; the window renders what it says."""
        c = self.controller
        self.controls.record_requested.connect(self.session_start_requested)
        self.controls.stop_requested.connect(self.session_stop_requested)
        self.controls.marker_requested.connect(self._add_marker)
        self.controls.client_view_requested.connect(self.client_view_requested)
        self.controls.library_requested.connect(self.library_requested)
        self.controls.home_requested.connect(lambda: self.set_mode("home"))
        self.home.session_start_requested.connect(self.session_start_requested)
        self.home.session_stop_requested.connect(self.session_stop_requested)
        self.home.clinic_requested.connect(lambda: self.set_mode("clinic"))
        self.home.library_requested.connect(self.library_requested)
        self.home.person_change_requested.connect(self.person_change_requested)
        self.person_button.clicked.connect(self.person_change_requested)
        self.home.protocol_requested.connect(self.protocol_requested)
        self.home.goal_chosen.connect(self._goal_chosen)
        if default_flow:
            self.session_start_requested.connect(self.begin_session)
            self.session_stop_requested.connect(self.end_session)
        self.marker_editor.edit_requested.connect(lambda marker_id, label, note: c.edit_marker(marker_id, label, note))
        self.marker_editor.delete_requested.connect(lambda marker_id: c.edit_marker(marker_id, "", "", deleted=True))
        self.pacer_box.pacer_chosen.connect(c.set_pacer)
        self.pacer_box.restore_settings(self.settings)
        c.recording_changed.connect(self.show_recording)
        c.recording_pending_changed.connect(self._on_recording_pending)
        c.error_occurred.connect(self._on_error)
        c.sample_received.connect(self._on_sample)
        c.status_changed.connect(self._on_status)
        c.battery_changed.connect(self.quality_panel.show_battery)
        c.beats_added.connect(self._on_beats)
        c.marker_added.connect(self._on_marker)
        c.marker_edited.connect(self._on_marker_edited)
        c.phase_entered.connect(self._on_phase)
        c.pacer_changed.connect(self._on_pacer)
        c.metrics_updated.connect(self.on_metrics)
        c.source_changed_to.connect(self._on_source)
        c.session_reset.connect(self._on_reset)
        c.session_ended.connect(self._on_ended)
        self.show_recording(c.recording_path)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def _keep_keys(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A widget of this window got the keyboard: Space and M stay the window's (see
        :class:`KeysThatAlwaysWork`)."""
        if new is not None and new.window() is self and not new.property("keysKept"):
            new.installEventFilter(self._keys)
            new.setProperty("keysKept", True)

    # ---- screens, sizes and looks

    def set_mode(self, mode: str, remember: bool = True) -> None:
        """Show the home screen ("home") or the clinic view ("clinic"), and remember the choice
        (``remember=False``: for this window only, e.g. a review)."""
        if mode not in MODES:
            mode = "home"
        changed = mode != self.mode
        self.mode = mode
        self.mode_actions[mode].setChecked(True)
        if remember and self.settings.value("window/mode") != mode:
            self.settings.save_group("window", {"mode": mode})
        self.pages.setCurrentWidget(self.home if mode == "home" else self.clinic)
        self.setWindowTitle(words.HOME_SCREEN if mode == "home" else words.CLINIC_VIEW)  # Qt adds the app's name
        self.statusBar().setVisible(mode == "clinic")  # beats counted and link details are for the clinic
        self.set_appearance(str(self.settings.value("supervisor/appearance")))
        if mode == "clinic":
            self.guard_side_panel_wheel()
            self.redraw()
        self._show_session()
        if changed:
            self.mode_changed.emit(mode)

    def guard_side_panel_wheel(self) -> None:
        """The wheel scrolls the side panel, never a control under the pointer (see
        :class:`WheelScrollsThePanel`); also for the panels the app put there (strap, protocols)."""
        panel = self.side_scroll.widget()
        for control in [*panel.findChildren(QAbstractSpinBox), *panel.findChildren(QComboBox)]:
            if not control.property("wheelGuarded"):
                control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel alone does not give it the keyboard
                control.installEventFilter(self._wheel)
                control.setProperty("wheelGuarded", True)

    def fit_to_screen(self) -> None:
        """Take the preferred size where the screen has room, else the room there is; centred."""
        fit_to_screen(self, PREFERRED_SIZE)

    def set_appearance(self, choice: str) -> None:
        """Use the "light", "dark" or "system" appearance for the clinic view, and remember it.

        The home screen is always calm and dark. The palette is the application's, so popups,
        menus and dialogs (drop-down lists, the About box, the file dialog) match the window.
        """
        self.appearance_choice = choice
        self.appearance_actions[choice].setChecked(True)
        if self.settings.value("supervisor/appearance") != choice:
            self.settings.save_group("supervisor", {"appearance": choice})
        appearance = system_appearance() if choice == "system" else {"light": palette.LIGHT, "dark": palette.DARK}[choice]
        if self.mode == "home":
            appearance = palette.DARK
        self.appearance = appearance
        app_palette = qt_palette(appearance)
        QApplication.instance().setPalette(app_palette)
        self.setPalette(app_palette)
        dress_labels(self.clinic, appearance)
        for plot in self.plots:
            plot.apply_appearance(appearance)

    def _system_scheme_changed(self, _scheme) -> None:
        if self.appearance_choice == "system":
            self.set_appearance("system")

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

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About", ABOUT_TEXT, QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.open()
        return box

    # ---- what the app plugs in

    def set_library_available(self, available: bool) -> None:
        """Offer "Sessions" (the session library) on both screens and in the menu."""
        self.controls.set_library_available(available)
        self.home.set_library_available(available)
        self.library_action.setVisible(available)

    def set_person(self, alias: str) -> None:
        """Whose sessions these are from now on (an alias): the live session's next file says so,
        and the home screen and the clinic view's header show it."""
        self.controller.live_core.person = alias
        self.home.set_person(alias)
        self.person_button.setText(f"◍ {alias}")

    def set_person_changeable(self, changeable: bool) -> None:
        """Let the person indicators ask for a change (once the app can choose between people)."""
        self.home.set_person_changeable(changeable)
        self.person_button.setEnabled(changeable and not self.reviewing)

    def person_menu_anchor(self):
        """Where a choice of people opens: under the person indicator of the screen shown (global px)."""
        button = self.home.person_button if self.mode == "home" else self.person_button
        return button.mapToGlobal(button.rect().bottomLeft())

    def set_protocols_available(self, available: bool) -> None:
        """Offer the guided protocols in the Session menu and on the home screen."""
        self.assessment_action.setVisible(available)
        self.guided_action.setVisible(available)
        self.home.set_protocols_available(available)

    def show_protocol(self, state) -> None:
        """A guided protocol's :class:`~biofeedback.core.protocol.ProtocolState` (None: none runs):
        its step, progress and time left in the clinic view's header, and in words at home. While
        one runs, another cannot be asked for (it would stop this one)."""
        running = state is not None and not state.finished
        for asking in (self.assessment_action, self.guided_action, self.home.guided_button):
            asking.setEnabled(not running)
        if not running:
            self.protocol_strip.setVisible(False)
            self.home.show_protocol("")
            return
        step, left = state.in_words()
        self.protocol_label.setText(step)
        self.protocol_progress.setValue(int(round(1000 * state.fraction)))
        self.protocol_time.setText(left)
        self.protocol_strip.setVisible(True)
        self.home.show_protocol(f"{step} · {left}")

    def say(self, text: str) -> None:
        """A sentence for the person: under the home screen's button, and in the status bar."""
        self._say(text)

    # ---- review: a recorded session shown in this window

    @property
    def reviewing(self) -> bool:
        return self.review_bar is not None

    def enter_review(self, bar: QWidget, title: str, markers_editable: bool = True) -> None:
        """Show a recorded session here: the clinic view with ``bar`` (the review's overview and
        transport, whose keys it installs: Space plays and pauses) docked under the plots.

        What a review cannot do is switched off: recording, the pacer box (it shows the pacer
        that ran at the playhead), the strap, guided protocols, opening a recording, another
        screen or person. The controller already shows the review's core; :meth:`leave_review`
        puts everything back."""
        if self.reviewing:
            self.leave_review()
        switched = self._review_switches()
        panels = [w for area in (self.device_area, self.protocol_area) for w in (area.itemAt(i).widget() for i in range(area.count())) if w is not None]
        self._before_review = {
            "mode": self.mode,
            "minimum": self.minimumSize(),
            "enabled": {w: w.isEnabled() for w in switched},
            "tips": {w: w.toolTip() for w in switched if isinstance(w, QWidget)},
            "shown": {w: not w.isHidden() for w in panels},
            "shortcut": self.record_action.shortcut(),
        }
        self.set_mode("clinic", remember=False)
        self.controls.home_button.hide()
        for action in (*self.mode_actions.values(), self.record_action, self.open_action, self.assessment_action, self.guided_action):
            action.setEnabled(False)
        self.record_action.setShortcut(QKeySequence())  # Space plays and pauses here
        self.controls.record_button.setEnabled(False)
        self.controls.record_button.setToolTip(words.REVIEW_RECORDS_NOTHING)
        self.pacer_box.setEnabled(False)
        self.pacer_box.setToolTip(words.REVIEW_PACER)
        self.person_button.setEnabled(False)
        for widget in panels:
            widget.setVisible(False)
        for control in (self.marker_action, self.controls.marker_button):
            control.setEnabled(markers_editable)
        self.controls.marker_button.setToolTip("" if markers_editable else words.REVIEW_NO_MARKERS)
        dock = QDockWidget(words.REVIEW_TITLE, self)
        dock.setObjectName("reviewDock")
        dock.setWidget(bar)
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        dock.setTitleBarWidget(QWidget())
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.show()  # a window already shown does not show a dock added to it by itself
        self.review_bar, self._review_dock = bar, dock
        if hasattr(bar, "install_keys"):
            bar.install_keys(self)
        if hasattr(bar, "apply_appearance"):
            bar.apply_appearance(self.appearance)
        self.setWindowTitle(title)
        self.pacer_box.show_pacer(self.controller.pacer)

    def leave_review(self) -> None:
        """Back from a review: the bar goes, and what it switched off comes back."""
        bar, dock = self.review_bar, self._review_dock
        if bar is None:
            return
        if hasattr(bar, "uninstall_keys"):
            bar.uninstall_keys()
        self.removeDockWidget(dock)
        dock.deleteLater()
        self.review_bar = self._review_dock = None
        self.idle_status = ""
        self.controls.home_button.show()
        before = self._before_review
        self.pacer_box.end_showing()
        for widget, enabled in before["enabled"].items():  # as they were: a replay's pacer stays the recording's
            widget.setEnabled(enabled)
        for widget, tip in before["tips"].items():
            widget.setToolTip(tip)
        for widget, shown in before["shown"].items():
            widget.setVisible(shown)
        self.record_action.setShortcut(before["shortcut"])
        if not before["enabled"][self.pacer_box]:
            self.pacer_box.show_recorded_pacer(True)
        self.setMinimumSize(before["minimum"])
        self.set_mode(before["mode"], remember=False)

    def _review_switches(self) -> list:
        """What a review switches off (and :meth:`leave_review` puts back as it was)."""
        return [
            *self.mode_actions.values(),
            self.record_action,
            self.open_action,
            self.assessment_action,
            self.guided_action,
            self.marker_action,
            self.controls.record_button,
            self.controls.marker_button,
            self.pacer_box,
            self.person_button,
        ]

    def ask_for_recording(self) -> None:
        """Session > Open a recording: a file from the sessions folder replaces the session."""
        path = ask_for_recording(self, self.recordings_folder)
        if path:
            self.recording_chosen.emit(path)

    # ---- the session: started and stopped by a person, the timer and the file follow

    @property
    def session_running(self) -> bool:
        return self.timer.running

    def toggle_session(self) -> None:
        """Space: ask to stop the running session, or to start one."""
        running = self.timer.running or self.controller.recording
        (self.session_stop_requested if running else self.session_start_requested).emit()

    def begin_session(self) -> None:
        """Start the session: the timer, and the file unless it is practice with the demo at home."""
        c = self.controller
        if self.timer.running:  # the file began it (the questions before it are in its time)
            if c.recording:
                self._say(words.SESSION_STARTED_AT_HOME, home_only=True)
            return
        self._practice = self.mode == "home" and not saved_from_home(c.source)
        self.timer.start(c.now())
        if not self._practice and not c.recording and not c.start_recording():
            self.timer.clear()  # the file could not be made: the error is said, nothing runs
            self._show_session()
            return
        self._say(words.PRACTICE_NOT_SAVED if self._practice else words.SESSION_STARTED_AT_HOME, home_only=True)
        self.session_started.emit()
        self._show_session()

    def end_session(self) -> None:
        """Stop the session: the file is closed (:meth:`show_recording` says where it went)."""
        c = self.controller
        if c.recording:
            c.stop_recording()  # -> show_recording(None) or the pending recording cancelled
            return
        if self.timer.running:
            self.timer.stop(c.now())
            self._practice = False
            self._say(words.PRACTICE_ENDED.format(elapsed=clock_text(self.timer.elapsed(c.now()))), home_only=True)
            self.session_stopped.emit(None)
            self._show_session()

    def show_recording(self, path: Path | None) -> None:
        """Slot for ``recording_changed``: the session file being written, or None once closed."""
        c = self.controller
        if path is not None:
            self._recording_path = path
            self._practice = False  # a strap took over from the demo mid-session: saved from here on
            if not self.timer.running:  # a session started by a strap connecting, or --record
                self.timer.start(c.now())
                self.session_started.emit()
        else:
            saved, self._recording_path = self._recording_path, None
            if self.timer.running and not self._practice:
                self.timer.stop(c.now())
                self._say(words.SAVED_TO.format(path=saved) if saved else words.NOTHING_SAVED)
                self.session_stopped.emit(saved)
        self._show_session()

    def _on_recording_pending(self, pending: bool) -> None:
        c = self.controller
        if pending and not self.timer.running:
            self.timer.start(c.now())
            self.session_started.emit()
        elif not pending and not c.core.recording and self.timer.running and self._recording_path is None:
            self.timer.stop(c.now())  # a strap that never sent a beat: nothing was saved
            self._say(words.NOTHING_SAVED)
            self.session_stopped.emit(None)
        self._show_session()

    def _show_session(self) -> None:
        c = self.controller
        path = c.recording_path
        self.controls.show_recording(path is not None, "" if path is None else str(path), c.recording_pending)
        self.home.show_session(self.timer.running)
        self._show_time(c.now())

    def _show_time(self, now: float) -> None:
        text = self.timer.text(now)
        self.home.show_time(text)
        self.controls.show_elapsed(clock_text(self.timer.elapsed(now)))

    def _goal_chosen(self, minutes: int) -> None:
        self.timer.goal_s = 60.0 * minutes
        self.settings.save_group("home", {"goal_min": minutes})
        self._show_time(self.controller.now())

    def _say(self, text: str, home_only: bool = False) -> None:
        """A sentence about the session: under the home screen's button, and in the status bar."""
        self.home.show_message(text)
        if not home_only and text:
            self.status_label.setText(text)

    # ---- markers

    def _add_marker(self) -> None:
        """M: mark this moment; in the clinic view the label and a note can be typed at once."""
        marker = self.controller.add_marker()
        if self.mode == "clinic":
            self.marker_editor.open_for(marker.id)
        else:
            self._say(words.MARKER_ADDED.format(label=marker.label, time=clock_text(marker.t)))

    def edit_markers(self) -> None:
        """Session > Edit markers: the marker bar, with the newest marker."""
        if self.mode != "clinic":
            self.set_mode("clinic")
        if self.controller.markers:
            self.marker_editor.open_for()
        else:
            self.status_label.setText(words.NO_MARKERS_YET)

    def _on_marker(self, marker) -> None:
        self.hr_plot.add_marker(marker.t, marker.label, marker.id)
        self.marker_editor.set_markers(self.controller.markers)
        self.status_label.setText(words.MARKER_ADDED.format(label=marker.label, time=clock_text(marker.t)))

    def _on_marker_edited(self, marker, edit) -> None:
        if marker is None:
            self.hr_plot.remove_marker(edit.id)
        else:
            self.hr_plot.relabel_marker(marker.id, marker.label)
        self.marker_editor.set_markers(self.controller.markers)

    # ---- slots: render what the controller says

    def _on_error(self, message: str) -> None:
        self.status_label.setText(message)
        self.home.show_message(message)

    def on_metrics(self, metrics: LiveMetrics) -> None:
        """Slot for ``SessionController.metrics_updated``: drawn on the next display ticks."""
        self._metrics = metrics
        self._stale.update(METRIC_VIEWS)

    def _on_pacer(self, pacer) -> None:
        self.spectrum_plot.set_pacer_hz(self.controller.pacer_hz())
        if pacer is None:
            self.phase_label.setText(words.BREATHING_FREELY)
        self.metrics_panel.set_pacer_on(pacer is not None)
        if self.reviewing:  # the (switched-off) box shows the pacer that ran at the playhead
            self.pacer_box.show_pacer(pacer)

    def _on_phase(self, phase) -> None:
        """A guided protocol's phase began: a labelled line on the heart-rate plot."""
        self.hr_plot.add_marker(phase.t, phase.label)

    def _on_source(self, info: SourceInfo | None) -> None:
        """A new source: a recording brings its own pacer; a live source follows the box again."""
        self._first_status = True
        live = info is None or info.live
        self.quality_panel.set_live(live)
        self.pacer_box.show_recorded_pacer(not live)
        if live:
            self.controller.set_pacer(self.pacer_box.chosen())

    def _on_reset(self) -> None:
        """The controller shows another moment or another session (a recording opened in place
        of the running one, a seek in review, a review opened or left): nothing of what was shown
        stays on screen, and what the controller already knows of the new one is shown at once."""
        c = self.controller
        self._metrics = c.metrics
        self._stale = set(METRIC_VIEWS) if c.metrics is not None else set()
        self.hr_plot.set_markers([*c.markers, *c.phases])  # a protocol's phases are drawn as markers
        self.marker_editor.set_markers(c.markers)
        self.spectrum_plot.set_spectrum(None, None)
        self.metrics_panel.show_metrics(None)
        self.quality_panel.clear()
        self.quality_panel.show_delay(c.beat_latency_s)
        self.hr_label.setText("-- bpm")
        self.notice_label.setVisible(False)
        said = None if c.status is None else status_line(c.status, c.source, c.status.state is LinkState.FINISHED)
        self.status_label.setText(self.idle_status if c.status is None else said or "")
        self.beats_label.setText(words.beats_count(c.beat_count))
        self._on_pacer(c.pacer)
        self._show_session()  # recording, timer: what the core says now (a review's listener heard nothing)
        self.redraw()
        if c.ended:  # a replay that ended while a review was shown
            self._on_ended()

    def _on_ended(self) -> None:
        """A replay reached its end: the clock and pacer stand still, the plots keep the data."""
        self.phase_label.setText(words.REPLAY_OVER)
        self.hr_label.setText("-- bpm")
        self.redraw()

    def _on_sample(self, sample: Sample) -> None:
        if sample.hr_bpm and self._metrics is None:
            self.hr_label.setText(f"{sample.hr_bpm} bpm")
        self.quality_panel.show_contact(sample.contact)
        lost = sample.contact is Contact.NOT_DETECTED
        self.notice_label.setText(CONTACT_LOST_TEXT if lost else "")
        self.notice_label.setVisible(lost)

    def _on_status(self, status: Status) -> None:
        line = status_line(status, self.controller.source, self._first_status)
        self._first_status = False
        if line is not None:
            self.status_label.setText(line)
        if status.state in (LinkState.FAILED, LinkState.LOST, LinkState.RECONNECTING, LinkState.FINISHED):
            self.hr_label.setText("-- bpm")
            self.quality_panel.show_contact(None)  # the last known contact no longer holds

    def _on_beats(self, _batch) -> None:
        self.beats_label.setText(words.beats_count(self.controller.beat_count))
        self.quality_panel.show_delay(self.controller.beat_latency_s)

    # ---- drawing

    def display_tick(self) -> None:
        """One tick of the display timer: one share of the redrawing (see :data:`DISPLAY_HZ`).
        The home screen draws its calm view itself; only the time is drawn here."""
        now = self.controller.now()
        if self._tick % 4 == 0:
            self._show_time(now)
        if self.mode == "clinic":
            if self._tick % 4 == 0:
                self._redraw_now(now)
            elif self._tick % 4 == 2:
                self._redraw_tachogram(now)
            elif self._stale:
                self._redraw_next_metric_view(now)
        self._tick += 1

    def redraw(self) -> None:
        """Redraw everything at once (for screenshots, tests, and on coming into view)."""
        now = self.controller.now()
        self._show_time(now)
        self._redraw_now(now)
        self._redraw_tachogram(now)
        while self._stale:
            self._redraw_next_metric_view(now)

    def _redraw_next_metric_view(self, now: float) -> None:
        """Bring the stale view whose turn it is up to the newest metrics (round robin, so a
        fast stream of metrics never keeps the last views waiting)."""
        for step in range(len(METRIC_VIEWS)):
            index = (self._next_view + step) % len(METRIC_VIEWS)
            view = METRIC_VIEWS[index]
            if view in self._stale:
                self._stale.discard(view)
                self._next_view = (index + 1) % len(METRIC_VIEWS)
                self._redraw_metrics(view, now)
                return

    def _redraw_now(self, now: float) -> None:
        c = self.controller
        self.session_time_label.setText(f"Session {clock_text(now)}")
        state = c.pacer_now()
        if state is not None:
            self.phase_label.setText(f"{state.words} · {math.ceil(state.seconds_left - 1e-6)} s")
        elif c.ended:
            self.phase_label.setText(words.REPLAY_OVER)
        quiet = c.since_last_beat_s()
        if quiet is not None and quiet > NO_BEATS_AFTER_S and (c.source is None or c.source.live):
            self.quality_panel.show_no_beats(quiet)
        since = now - WINDOW_S  # only what the plot shows: the cost stays that of its window
        times, hr = c.heart_rate_series(since)
        breath_t, breath = c.pacer_wave(max(0.0, since), now)
        self.hr_plot.set_series(times, hr, c.beat_connect(since), now, breath_t, breath)

    def _redraw_tachogram(self, now: float) -> None:
        c = self.controller
        since = now - WINDOW_S
        rr_t, rr = c.tachogram_series(since)
        artifact_t = self._metrics.artifact_times if self._metrics else ()
        self.tachogram.set_series(rr_t, rr, c.beat_connect(since), now, artifact_t, c.rr_at(artifact_t))

    def _redraw_metrics(self, view: str, now: float) -> None:
        """Bring one of :data:`METRIC_VIEWS` up to the newest metrics."""
        m = self._metrics
        if m is None:
            return
        if view == "panels":
            self.metrics_panel.show_metrics(m)
            self.quality_panel.show_artifacts(m.artifact_pct)
            if m.hr_bpm is not None:
                self.hr_label.setText(f"{m.hr_bpm:.0f} bpm")
        elif view == "spectrum":
            self.spectrum_plot.set_spectrum(m.spectrum_hz, m.spectrum_ms2_per_hz)
        else:
            since = now - TREND_WINDOW_S
            self.coherence_plot.set_series(*self.controller.coherence_series(since, TREND_POINTS), now)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.guard_side_panel_wheel()  # the app has put its panels in by now
        super().showEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self.reviewing:  # in review the box shows the recorded pacer, not the person's choice
            self.pacer_box.save_settings(self.settings)
        self.display_timer.stop()
        super().closeEvent(event)
