"""The client view: the calm picture, the pacer and the cue lamps, nothing else.

:class:`ClientView` is the widget: it takes data through plain methods (beats, metrics, contact,
link state) and draws one frame per :meth:`ClientView.render_frame` call, as a function of the
time passed in. All cue timing goes through one :class:`~biofeedback.core.cues.CueScheduler`.
:class:`ClientWindow` is the top-level window for a therapist's second screen: full screen on a
chosen screen, fed by a :class:`~biofeedback.qt.session_controller.SessionController`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

from PySide6.QtCore import QObject, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from biofeedback.core import words
from biofeedback.core.animation import Glide
from biofeedback.core.cues import SAFE_LIMITS, SIGNAL_WORDS, Cue, CueScheduler, SignalCondition, signal_condition
from biofeedback.core.live import LiveMetrics
from biofeedback.core.pacer import PacerState, Phase
from biofeedback.core.samples import Contact, LinkState
from biofeedback.qt.palette import calm_palette
from biofeedback.qt.widgets.cue_lamps import CueLamps
from biofeedback.qt.widgets.pacer_view import PacerView
from biofeedback.qt.widgets.themes import DEFAULT_THEME, THEMES, Scene

log = logging.getLogger(__name__)

#: Display refresh, Hz. Only redraws: every value shown is a function of the session time.
FRAME_HZ = 60
#: Coherence levels as warmth (0 blue .. 1 orange) and as words (docs/screens.md).
LEVEL_WARMTH = {"low": 0.0, "medium": 0.5, "high": 1.0}
LEVEL_WORDS = words.COHERENCE_WORDS
#: How long the colour takes to follow a new coherence level, s: slow enough to feel like warmth.
WARMTH_GLIDE_S = 4.0
#: Shortest time between two coherence chimes, s: a level hovering at the edge of "high" must not
#: ring again and again.
CHIME_MIN_INTERVAL_S = 30.0
#: Text size of the calm view's right-click menu, pt: read from further away than a desk.
MENU_POINT_SIZE = 15.0
#: The lamp row: its height and its gap to the bottom edge, shares of the view's height.
LAMPS_HEIGHT = 0.09
LAMPS_MARGIN = 0.012

CONTACT_MESSAGE = SIGNAL_WORDS[SignalCondition.NO_CONTACT]
REACH_MESSAGE = SIGNAL_WORDS[SignalCondition.OUT_OF_REACH]
WAITING_MESSAGE = SIGNAL_WORDS[SignalCondition.WAITING]
ENDED_MESSAGE = SIGNAL_WORDS[SignalCondition.ENDED]


class ClientView(QWidget):
    """The picture, the pacer's words and the cue lamps.

    Signals
    -------
    breath_turned(str)
        A new pacer phase began ("inhale", "hold_in", "exhale", "hold_out"): for audio cues.
    coherence_reached()
        Coherence became high and the reward lamp is switching on: for the chime.
    theme_chosen(str), reduced_motion_chosen(bool)
        Someone picked a theme or switched reduced motion from the right-click menu (to persist).
    """

    breath_turned = Signal(str)
    coherence_reached = Signal()
    theme_chosen = Signal(str)
    reduced_motion_chosen = Signal(bool)

    def __init__(self, theme_name: str = DEFAULT_THEME, scheduler: CueScheduler | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scheduler = scheduler if scheduler is not None else CueScheduler(SAFE_LIMITS)
        self.canvas = PacerView(theme_name, self)
        self.lamps = CueLamps(parent=self)
        self.reduced_motion = False
        #: Gentle words under the picture when the signal is fine (a protocol's rest, how the
        #: blood pressure changed): "" for none.
        self.words = ""
        self._last_chime = -math.inf
        self.clear()
        self.setMinimumSize(480, 360)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)

    def clear(self) -> None:
        """Forget the session shown so far (a new session starts: a recording opened, say)."""
        self.scheduler = CueScheduler(self.scheduler.limits)
        self.warmth = Glide.at(0.0, WARMTH_GLIDE_S)
        self.level_word = words.COHERENCE_WORDS["low"]
        self.contact = Contact.UNSUPPORTED
        self.link: LinkState | None = None
        self.last_beat_arrival: float | None = None
        self._phase: Phase | None = None

    # ---- data in

    def add_beats(self, times: Iterable[float], now: float) -> None:
        """Beats (session times, s) that became known at ``now`` (s): ``BeatBatch.times``."""
        for t in times:
            self.scheduler.add_beat(t, now)
            self.last_beat_arrival = now

    def set_metrics(self, metrics: LiveMetrics, now: float) -> None:
        """A new live snapshot: coherence sets the warmth the picture glides to, and the reward lamp."""
        level = metrics.coherence_level
        if level not in LEVEL_WARMTH:
            return
        self.warmth.set_target(LEVEL_WARMTH[level], now)
        self.level_word = LEVEL_WORDS[level]
        was_on = self.scheduler.is_on(Cue.REWARD)
        self.scheduler.set_on(Cue.REWARD, level == "high", now)
        if level == "high" and not was_on and now - self._last_chime >= CHIME_MIN_INTERVAL_S:
            self._last_chime = now
            self.coherence_reached.emit()

    def set_contact(self, contact: Contact) -> None:
        """Skin contact as the strap reports it (``Sample.contact``)."""
        self.contact = contact

    def set_link(self, state: LinkState | None) -> None:
        """The source's link state (``Status.state``; None: not known yet)."""
        self.link = state

    def set_words(self, text: str) -> None:
        """Gentle words to show under the picture ("" for none); what the signal needs says first."""
        self.words = text

    # ---- preferences

    def set_theme(self, name: str) -> None:
        self.canvas.set_theme(name)

    @property
    def theme_name(self) -> str:
        return self.canvas.theme_name

    def set_reduced_motion(self, reduced: bool) -> None:
        self.reduced_motion = reduced

    # ---- one frame

    def signal_message(self, now: float) -> str:
        """Plain words for a missing heartbeat signal, or "" while it is fine."""
        return SIGNAL_WORDS[signal_condition(self.contact, self.link, self.last_beat_arrival, now)]

    def render_frame(self, now: float, state: PacerState | None) -> None:
        """Draw the moment ``now`` (session time, s) with the pacer at ``state`` (None: no pacer)."""
        condition = signal_condition(self.contact, self.link, self.last_beat_arrival, now)
        message, lost = SIGNAL_WORDS[condition], condition.lost
        message = message or self.words
        if condition is SignalCondition.ENDED:  # a replay has ended: no pacer, the end in large words
            state, message = None, ""
            self.canvas.idle_words = words.REPLAY_OVER
        else:
            self.canvas.idle_words = words.BREATHE_FREELY
        self.scheduler.set_on(Cue.SIGNAL_LOST, lost, now)
        if state is not None:
            self.scheduler.expect_turn(now + state.seconds_left, now)
            if state.phase is not self._phase and self._phase is not None:
                self.breath_turned.emit(state.phase.value)
            self._phase = state.phase
        else:
            self._phase = None
        levels = self.scheduler.levels(now)
        scene = Scene(
            t=now,
            breath=state.volume if state is not None else 0.5,
            phase=state.phase if state is not None else None,
            warmth=self.warmth.value(now),
            bloom=levels[Cue.BEAT],
            swell=levels[Cue.TURN],
            dimmed=levels[Cue.SIGNAL_LOST],
            reduced_motion=self.reduced_motion,
        )
        self.canvas.show_scene(scene, state, message)
        lamp_words = {
            Cue.REWARD: self.level_word,
            Cue.SIGNAL_LOST: "No signal" if lost else "Signal",
            Cue.TURN: {Phase.INHALE: "In", Phase.EXHALE: "Out"}.get(state.phase, "Hold") if state else "Breath",
        }
        turn_up = state is None or state.phase is Phase.INHALE
        turn_hold = state is not None and state.phase in (Phase.HOLD_IN, Phase.HOLD_OUT)
        self.lamps.show_levels(levels, lamp_words, turn_up, turn_hold)

    # ---- geometry

    def resizeEvent(self, event) -> None:
        self._place_children()
        super().resizeEvent(event)

    def _place_children(self) -> None:
        self.canvas.setGeometry(self.rect())
        h = max(self.lamps.minimumHeight(), int(self.height() * LAMPS_HEIGHT))
        w = min(self.width(), max(320, int(self.height() * 0.62)))
        self.lamps.setGeometry((self.width() - w) // 2, self.height() - h - int(self.height() * LAMPS_MARGIN), w, h)

    def cue_areas(self) -> dict[str, QRect]:
        """Where each cue shows, in this widget's pixels: the four lamps and the picture."""
        self._place_children()  # a hidden widget gets its resize event only when first shown
        areas = {cue.value: self.lamps.lamp_rect(cue).translated(self.lamps.pos()).toAlignedRect() for cue in self.lamps.cues}
        picture = self.canvas.picture_rect()
        side = min(picture.width(), picture.height()) * 0.3
        areas["picture"] = QRectF(picture.center().x() - side / 2, picture.center().y() - side / 2, side, side).toAlignedRect()
        return areas

    # ---- the right-click menu: theme and reduced motion, for whoever sits at this screen

    def contextMenuEvent(self, event) -> None:
        self.build_menu().exec(event.globalPos())

    def build_menu(self) -> QMenu:
        """The right-click menu: pick a theme, switch reduced motion."""
        menu = QMenu(self)
        font = menu.font()
        font.setPointSizeF(MENU_POINT_SIZE)  # read at arm's length or further, by anyone
        menu.setFont(font)
        menu.setPalette(calm_palette())
        group = QActionGroup(menu)
        for name, theme in THEMES.items():
            action = menu.addAction(theme.title)
            action.setCheckable(True)
            action.setChecked(name == self.theme_name)
            action.triggered.connect(lambda _=False, n=name: self._choose_theme(n))
            group.addAction(action)
        menu.addSeparator()
        still = menu.addAction("Reduced motion")
        still.setCheckable(True)
        still.setChecked(self.reduced_motion)
        still.toggled.connect(self._choose_reduced_motion)
        return menu

    def _choose_theme(self, name: str) -> None:
        self.set_theme(name)
        self.theme_chosen.emit(name)

    def _choose_reduced_motion(self, reduced: bool) -> None:
        self.set_reduced_motion(reduced)
        self.reduced_motion_chosen.emit(reduced)


class CalmFeed(QObject):
    """Feeds one :class:`ClientView` from a SessionController and redraws it at :data:`FRAME_HZ`.

    The calm view's own window and the home screen each have one. Detached, it lets go of the
    controller's signals and stops its timer, so a hidden view costs nothing.
    """

    def __init__(self, view: ClientView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._controller = None
        self._audio = None
        self._links: list[tuple] = []
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.redraw)

    def set_source(self, controller, audio=None) -> None:
        """Follow ``controller`` (and play the cues on ``audio``, a CueAudio) from the next :meth:`connect`."""
        self.disconnect_feed()
        self._controller, self._audio = controller, audio

    def connect_feed(self) -> None:
        """Follow the controller's beats, samples, status and metrics; redraw at FRAME_HZ."""
        controller, view, audio = self._controller, self.view, self._audio
        if controller is None or self._links:
            return
        self._links = [
            (controller.beats_added, lambda batch: view.add_beats(batch.times, controller.now())),
            (controller.sample_received, lambda sample: view.set_contact(sample.contact)),
            (controller.status_changed, lambda status: view.set_link(status.state)),
        ]
        if hasattr(controller, "metrics_updated"):
            self._links.append((controller.metrics_updated, lambda metrics: view.set_metrics(metrics, controller.now())))
        if hasattr(controller, "session_reset"):
            self._links.append((controller.session_reset, view.clear))
        if audio is not None:
            self._links += [(view.breath_turned, audio.play_turn), (view.coherence_reached, audio.play_chime)]
        for signal, slot in self._links:
            signal.connect(slot)
        # what happened while nobody watched: the link as it stands now
        status = getattr(controller, "status", None)
        view.set_link(status.state if status is not None else None)
        self._timer.start(int(1000 / FRAME_HZ))

    def disconnect_feed(self) -> None:
        for signal, slot in self._links:
            signal.disconnect(slot)
        self._links = []
        self._timer.stop()

    @property
    def attached(self) -> bool:
        return bool(self._links)

    def redraw(self) -> None:
        """One frame at the controller's current session time."""
        controller = self._controller
        if controller is None:
            return
        self.view.render_frame(controller.now(), controller.pacer_now())


class ClientWindow(QWidget):
    """The calm view as its own window, for a second screen. F11 toggles full screen, Esc leaves it."""

    def __init__(self, view: ClientView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(words.CALM_VIEW_TITLE)  # the application's name is added by Qt
        # closing the main window ends the app; this second-screen window never keeps it alive
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.view = view if view is not None else ClientView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.resize(1024, 680)
        self.feed = CalmFeed(self.view, self)
        #: The reduced-motion switch this window follows (set by :func:`open_client_window`).
        self.motion = None
        full = QAction("Full screen", self, shortcut=QKeySequence(Qt.Key.Key_F11))
        full.triggered.connect(self.toggle_full_screen)
        leave = QAction("Leave full screen", self, shortcut=QKeySequence(Qt.Key.Key_Escape))
        leave.triggered.connect(self.showNormal)
        self.addActions([full, leave])

    @property
    def _timer(self) -> QTimer:  # the frame timer (bench/bench_frames.py drives frames itself)
        return self.feed._timer

    def attach(self, controller, audio=None) -> None:
        """Follow a SessionController: its beats, samples, status and metrics; redraw at FRAME_HZ.

        ``audio`` (a :class:`~biofeedback.qt.audio.CueAudio`) gets the breath turns and the chime.
        A closed window lets go of the controller and takes it up again when shown.
        """
        self.feed.set_source(controller, audio)
        self.feed.connect_feed()

    @property
    def attached(self) -> bool:
        """Whether the window is following its controller now."""
        return self.feed.attached

    def redraw(self) -> None:
        """One frame at the controller's current session time."""
        self.feed.redraw()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def show_on_screen(self, index: int | None) -> bool:
        """Show full screen on screen ``index`` (0 is the first); None or a missing screen: a normal window.

        Returns whether the chosen screen exists.
        """
        screens = QGuiApplication.screens()
        if index is None:
            self.show()
            return True
        if not 0 <= index < len(screens):
            log.warning("There is no screen %d (found %d); showing the calm view in a window.", index, len(screens))
            self.show()
            return False
        screen = screens[index]
        self.setScreen(screen)
        self.move(screen.geometry().topLeft())
        self.showFullScreen()
        log.info("Calm view full screen on screen %d (%s).", index, screen.name() or "unnamed")
        return True

    def showEvent(self, event) -> None:
        self.feed.connect_feed()
        super().showEvent(event)

    def closeEvent(self, event) -> None:
        self.feed.disconnect_feed()
        super().closeEvent(event)


def open_client_window(controller, screen: int | None = None, settings=None, audio=None) -> ClientWindow:
    """Build, attach and show a client window (used by the app and by the supervisor's menu).

    ``settings`` (a :class:`~biofeedback.qt.settings.Settings`) supplies and keeps the theme and the
    reduced-motion choice; the system's reduced-motion wish is followed where Qt reports it.
    """
    from biofeedback.qt.motion import ReducedMotion

    window = ClientWindow()
    view = window.view
    motion = ReducedMotion(str(settings.value("client/reduced_motion")) if settings is not None else "system", window)
    view.set_reduced_motion(motion.active)
    motion.changed.connect(view.set_reduced_motion)
    window.motion = motion
    # the right-click switch moves the same switch, so "system" is left only by a person's choice
    view.reduced_motion_chosen.connect(lambda on: motion.set_mode("on" if on else "off"))
    if settings is not None:
        view.set_theme(str(settings.value("client/theme")))
        view.theme_chosen.connect(lambda name: settings.set_value("client/theme", name))
        view.reduced_motion_chosen.connect(lambda on: settings.set_value("client/reduced_motion", "on" if on else "off"))
    window.attach(controller, audio)
    window.show_on_screen(screen)
    window.redraw()
    return window


class ClientLauncher:
    """Opens the one client window on request (the menu item, ``--client-screen N``) and keeps it.

    Parameters
    ----------
    controller : SessionController
    settings : Settings or None
        Supplies and keeps the theme and the reduced-motion choice.
    audio : CueAudio or None
        Plays the breath tones and the chime when enabled.
    """

    def __init__(self, controller, settings=None, audio=None) -> None:
        self.controller = controller
        self.settings = settings
        self.audio = audio
        self.window: ClientWindow | None = None
        self.words = ""

    def set_words(self, text: str) -> None:
        """Gentle words for the calm window (kept for it until it opens)."""
        self.words = text
        if self.window is not None:
            self.window.view.set_words(text)

    def show(self, screen: int | None = None) -> ClientWindow:
        """Show the client view full screen on screen ``screen`` (None: in a window).

        There is one client window: asking again raises it (or shows it again after it was closed).
        """
        if self.window is None:
            self.window = open_client_window(self.controller, screen, self.settings, self.audio)
            self.window.view.set_words(self.words)
            return self.window
        if screen is not None or not self.window.isVisible():
            self.window.show_on_screen(screen)
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def apply_settings(self) -> None:
        """Take up the client and audio preferences again, e.g. after a settings dialog saved them."""
        if self.settings is None:
            return
        if self.audio is not None:
            self.audio.set_enabled(bool(self.settings.value("audio/enabled")))
            self.audio.set_volume(float(self.settings.value("audio/volume")))
        if self.window is not None:
            self.window.view.set_theme(str(self.settings.value("client/theme")))
            if self.window.motion is not None:
                self.window.motion.set_mode(str(self.settings.value("client/reduced_motion")))

    def show_default(self) -> ClientWindow:
        """For the menu item: full screen on the second screen when there is one, else in a window."""
        return self.show(1 if len(QGuiApplication.screens()) > 1 else None)
