"""The home screen: what a person at home sees first.

The calm view large, one obvious **Start session** with the session's time and an optional goal,
the strap's state in plain words, and nothing technical. The therapist's clinic view is one
click away (or a remembered setting).

The screen only asks and shows. It emits what a person asks for as signals, so the app can put
steps in between (rate how you feel before, take blood pressure, show the summary after), and
renders what it is told: the strap's :class:`~biofeedback.qt.devices.DeviceState`, the session's
state and time, a message.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from biofeedback.core import words
from biofeedback.core.session_timer import GOAL_CHOICES_MIN, goal_text
from biofeedback.qt import palette
from biofeedback.qt.client_view import CalmFeed, ClientView
from biofeedback.qt.devices import DevicePhase, DeviceState

#: Text sizes, pt: the start button and the time are read from a chair, not leaned into.
START_POINT_SIZE = 17.0
TIME_POINT_SIZE = 20.0
BAR_POINT_SIZE = 12.5
#: The start button: wide enough to be the obvious thing to press, in a deep, calm blue (the
#: Okabe-Ito blue darkened, so it does not glare in a dim room).
START_WIDTH_PX = 320
START_BUTTON = QColor("#1c4a69")

#: What the strap line offers, by phase: ("connect": find a strap; "retry": look again;
#: "demo": use the demo instead), besides the words.
_ACTIONS = {
    DevicePhase.IDLE: ("connect",),
    DevicePhase.DEMO: ("connect",),
    DevicePhase.FAILED: ("retry", "demo"),
}


def strap_words(state: DeviceState) -> tuple[str, str]:
    """The strap's state for the home screen: a mark (shape, never colour alone) and plain words."""
    phase = state.phase
    if phase is DevicePhase.CONNECTED:
        text = words.STRAP_CONNECTED.format(name=state.name or words.YOUR_STRAP)
        if state.battery_pct is not None and state.battery_pct < 20:
            text += " " + words.STRAP_BATTERY_LOW.format(percent=state.battery_pct)
        return "●", text
    if phase is DevicePhase.NO_CONTACT:
        return "◐", words.CONTACT_LOST
    if phase in (DevicePhase.SCANNING, DevicePhase.CONNECTING):
        return "◌", words.LOOKING_FOR_STRAP
    if phase in (DevicePhase.RECONNECTING, DevicePhase.LOST):
        return "◌", words.OUT_OF_REACH
    if phase is DevicePhase.DEMO:
        return "○", words.DEMO_AT_HOME
    if phase is DevicePhase.REPLAY:
        return "●", state.message or words.REPLAY_AT_HOME
    if phase is DevicePhase.FAILED:
        return "○", state.message
    return "○", words.NO_STRAP_YET


class HomeView(QWidget):
    """The person's home screen.

    Signals
    -------
    session_start_requested(), session_stop_requested()
        The person pressed Start session or Stop session (the window's Space does the same).
    strap_requested()
        "Connect your strap" or "Look again": find a strap and connect it.
    strap_picked(str, str)
        Address and name of the strap picked when several answered.
    demo_requested()
        "Use the demo" after the strap could not be used.
    person_change_requested()
        The person indicator was clicked (whose session this is).
    protocol_requested(str)
        "Guided": "assessment" (find my breathing rate) or "session" (a guided session).
    library_requested()
        "Sessions": the session library (shown once the app has one).
    clinic_requested()
        "Clinic view": the therapist's dashboard.
    goal_chosen(int)
        The session goal, minutes (0: none).
    """

    session_start_requested = Signal()
    session_stop_requested = Signal()
    strap_requested = Signal()
    strap_picked = Signal(str, str)
    demo_requested = Signal()
    person_change_requested = Signal()
    protocol_requested = Signal(str)
    library_requested = Signal()
    clinic_requested = Signal()
    goal_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home")
        self.setAutoFillBackground(True)
        self.setPalette(palette.calm_palette())  # calm and dark whatever the desktop's appearance
        bar_font = QFont(self.font())
        bar_font.setPointSizeF(BAR_POINT_SIZE)
        self.setFont(bar_font)

        # ---- top: whose session, the strap in plain words, and the ways elsewhere
        self.person_button = QToolButton()
        self.person_button.setObjectName("person")
        self.person_button.setAutoRaise(True)
        self.person_button.setToolTip(words.PERSON_TIP)
        self.person_button.clicked.connect(self.person_change_requested)
        self.person_button.setEnabled(False)  # until the app can change whose session it is
        self.strap_mark = QLabel()
        self.strap_label = QLabel()
        self.strap_label.setObjectName("strapState")
        self.strap_label.setWordWrap(True)
        self.strap_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.connect_button = QPushButton(words.CONNECT_STRAP)
        self.connect_button.clicked.connect(self.strap_requested)
        self.retry_button = QPushButton(words.LOOK_AGAIN)
        self.retry_button.clicked.connect(self.strap_requested)
        self.demo_button = QPushButton(words.USE_DEMO)
        self.demo_button.clicked.connect(self.demo_requested)
        self.guided_button = QToolButton()  # quiet: a patient can run a protocol, nobody has to
        self.guided_button.setObjectName("guided")
        self.guided_button.setText(words.GUIDED_MENU)
        self.guided_button.setToolTip(words.GUIDED_TIP)
        self.guided_button.setAutoRaise(True)
        self.guided_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        guided = QMenu(self.guided_button)
        guided.setPalette(palette.calm_palette())
        guided.addAction(words.FIND_MY_RATE).triggered.connect(lambda: self.protocol_requested.emit("assessment"))
        guided.addAction(words.GUIDED_SESSION).triggered.connect(lambda: self.protocol_requested.emit("session"))
        self.guided_button.setMenu(guided)
        self.guided_button.hide()  # until the app can run guided protocols
        self.library_button = QPushButton(words.OPEN_LIBRARY)
        self.library_button.clicked.connect(self.library_requested)
        self.library_button.hide()  # until the app has a library to open
        self.clinic_button = QPushButton(words.CLINIC_VIEW)
        self.clinic_button.setToolTip(words.CLINIC_TIP)
        self.clinic_button.clicked.connect(self.clinic_requested)
        top = QHBoxLayout()
        top.setContentsMargins(16, 10, 16, 6)
        top.setSpacing(10)
        top.addWidget(self.person_button)
        top.addSpacing(8)
        top.addWidget(self.strap_mark)
        top.addWidget(self.strap_label, 1)
        for button in (self.connect_button, self.retry_button, self.demo_button):
            top.addWidget(button)
        top.addSpacing(16)
        top.addWidget(self.guided_button)
        top.addWidget(self.library_button)
        top.addWidget(self.clinic_button)

        # ---- the calm view, large
        self.calm = ClientView()
        self.feed = CalmFeed(self.calm, self)

        # ---- bottom: goal, the one button, the time, and a message
        self.goal_box = QComboBox()
        for minutes in GOAL_CHOICES_MIN:
            self.goal_box.addItem(goal_text(minutes), minutes)
        self.goal_box.setToolTip(words.GOAL_TIP)
        self.goal_box.currentIndexChanged.connect(lambda _i: self.goal_chosen.emit(int(self.goal_box.currentData())))
        goal_label = QLabel(words.GOAL_LABEL)
        goal_label.setBuddy(self.goal_box)
        self.start_button = QPushButton()
        self.start_button.setObjectName("startSession")
        start_font = QFont(self.font())
        start_font.setPointSizeF(START_POINT_SIZE)
        self.start_button.setFont(start_font)
        self.start_button.setMinimumHeight(52)
        self.start_button.setMinimumWidth(START_WIDTH_PX)
        accent = self.start_button.palette()  # the one button that matters here, in a calm deep blue
        accent.setColor(accent.ColorRole.Button, START_BUTTON)
        accent.setColor(accent.ColorRole.ButtonText, palette.CLIENT_TEXT)
        self.start_button.setPalette(accent)
        self.start_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.start_button.clicked.connect(self._start_or_stop)
        self.time_label = QLabel("0:00")
        self.time_label.setObjectName("sessionTimer")
        time_font = QFont(self.font())
        time_font.setPointSizeF(TIME_POINT_SIZE)
        self.time_label.setFont(time_font)
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.message_label = QLabel()
        self.message_label.setObjectName("homeMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dim = self.message_label.palette()
        dim.setColor(dim.ColorRole.WindowText, palette.CLIENT_TEXT_DIM)
        self.message_label.setPalette(dim)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(16, 6, 16, 4)
        bottom.setSpacing(10)
        goal = QHBoxLayout()
        goal.addWidget(goal_label)
        goal.addWidget(self.goal_box)
        goal_side = QWidget()
        goal_side.setLayout(goal)
        time_side = QWidget()
        time_layout = QHBoxLayout(time_side)
        time_layout.setContentsMargins(0, 0, 0, 0)
        time_layout.addWidget(self.time_label)
        bottom.addWidget(goal_side, 1, Qt.AlignmentFlag.AlignLeft)
        bottom.addWidget(self.start_button, 0)
        bottom.addWidget(time_side, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.calm, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message_label)

        self.running = False
        self._protocol_shown = False
        self._message = ""
        self.set_person("Me")
        self.show_session(False)
        self.show_strap(DeviceState())

    # ---- what the app says

    def set_person(self, alias: str) -> None:
        """Whose session this is (an alias: no real names are needed)."""
        self.person_button.setText(f"◍ {alias}")

    def set_person_changeable(self, changeable: bool) -> None:
        """Let the person indicator ask for a change (once the app can choose between people)."""
        self.person_button.setEnabled(changeable)

    def set_library_available(self, available: bool) -> None:
        self.library_button.setVisible(available)

    def set_protocols_available(self, available: bool) -> None:
        self.guided_button.setVisible(available)

    def show_protocol(self, text: str) -> None:
        """A guided protocol's step and time left, in words ("" when none runs: the message line
        says again what it said last, e.g. "Practice ended after 0:28...")."""
        if text or self._protocol_shown:
            self.message_label.setText(text or self._message)
        self._protocol_shown = bool(text)

    def show_strap(self, state: DeviceState) -> None:
        mark, text = strap_words(state)
        self.strap_mark.setText(mark)
        self.strap_label.setText(text)
        actions = _ACTIONS.get(state.phase, ())
        self.connect_button.setVisible("connect" in actions)
        self.retry_button.setVisible("retry" in actions)
        self.demo_button.setVisible("demo" in actions and not state.demo_running)

    def offer_straps(self, devices: Sequence) -> None:
        """Several straps answered: let the person pick one (a menu under the strap line)."""
        menu = QMenu(self)
        menu.setPalette(palette.calm_palette())
        for device in devices:
            action = menu.addAction(device.name or device.address)
            action.triggered.connect(lambda _=False, d=device: self.strap_picked.emit(d.address, d.name))
        self._strap_menu = menu  # kept, so tests and people can reach it
        menu.popup(self.strap_label.mapToGlobal(self.strap_label.rect().bottomLeft()))

    def show_session(self, running: bool) -> None:
        """The session runs (the button stops it) or not (the button starts one)."""
        self.running = running
        self.start_button.setText(words.STOP_SESSION if running else words.START_SESSION)
        self.goal_box.setEnabled(not running)

    def show_time(self, text: str) -> None:
        if text != self.time_label.text():
            self.time_label.setText(text)

    def show_message(self, text: str) -> None:
        self._message = text
        self.message_label.setText(text)

    def set_goal_minutes(self, minutes: int) -> None:
        index = self.goal_box.findData(minutes)
        self.goal_box.blockSignals(True)
        self.goal_box.setCurrentIndex(max(index, 0))
        self.goal_box.blockSignals(False)

    def goal_minutes(self) -> int:
        return int(self.goal_box.currentData())

    # ---- the calm view follows the session while this screen shows

    def follow(self, controller, audio=None) -> None:
        """Feed the calm view from ``controller`` (and its cues to ``audio``) while the screen shows."""
        self.feed.set_source(controller, audio)
        if self.isVisible():
            self.feed.connect_feed()

    def showEvent(self, event) -> None:
        self.feed.connect_feed()
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        self.feed.disconnect_feed()  # a hidden calm view costs nothing
        super().hideEvent(event)

    # ---- input

    def _start_or_stop(self) -> None:
        (self.session_stop_requested if self.running else self.session_start_requested).emit()
