"""The guided-protocol panel: choose a resonance assessment or a structured session, set its
durations, start, pause or stop it, and watch its phase, progress and time left.

The widget only asks and shows: it emits ``start_requested(plan)``, ``pause_requested``,
``resume_requested`` and ``abort_requested``; whoever runs the protocol
(:class:`~biofeedback.qt.protocol_controller.ProtocolController`) answers through
:meth:`ProtocolPanel.show_state`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from biofeedback.core import words
from biofeedback.core.pacer import RATE_MAX_BPM, RATE_MIN_BPM
from biofeedback.core.protocol import AssessmentPlan, ProtocolState, SessionPlan

ASSESSMENT_TITLE, SESSION_TITLE = words.PROTOCOL_ASSESSMENT_TITLE, words.PROTOCOL_SESSION_TITLE
ASSESSMENT_ABOUT, SESSION_ABOUT = words.PROTOCOL_ASSESSMENT_ABOUT, words.PROTOCOL_SESSION_ABOUT


def _minutes(value: float, low: float, high: float, step: float = 0.5) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(1)
    box.setSuffix(" min")
    box.setValue(value)
    return box


class _Line(QLabel):
    """A label that takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setVisible(bool(text))


class ProtocolPanel(QGroupBox):
    """Choose, start, pause and stop a guided protocol; its phase, progress and time left.

    Signals
    -------
    start_requested(object)
        An :class:`AssessmentPlan` or :class:`SessionPlan` from the fields.
    pause_requested(), resume_requested(), abort_requested()
    """

    start_requested = Signal(object)
    pause_requested = Signal()
    resume_requested = Signal()
    abort_requested = Signal()

    def __init__(self, assessed_bpm: float | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Guided protocol", parent)
        self.kind_box = QComboBox()
        self.kind_box.addItem(ASSESSMENT_TITLE, "assessment")
        self.kind_box.addItem(SESSION_TITLE, "session")
        self.about = QLabel(ASSESSMENT_ABOUT)
        self.about.setWordWrap(True)
        self.about.setObjectName("pacerSummary")

        defaults = AssessmentPlan()
        self.block_box = _minutes(defaults.block_s / 60.0, 1.0, 5.0)
        self.rest_box = QDoubleSpinBox()
        self.rest_box.setRange(0.0, 120.0)
        self.rest_box.setSingleStep(10.0)
        self.rest_box.setDecimals(0)
        self.rest_box.setSuffix(" s")
        self.rest_box.setValue(defaults.rest_s)
        self.fine_box = QCheckBox("Fine step: 0.25 either side of the best")
        self.fine_box.setToolTip("After the five rates, breathe also a quarter breath per minute slower and faster than the best one.")
        self.fine_box.setChecked(defaults.fine_step)
        assessment_form = QWidget()
        form = QFormLayout(assessment_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Each rate", self.block_box)
        form.addRow("Rest between", self.rest_box)
        form.addRow(self.fine_box)

        session = SessionPlan()
        self.rate_box = QDoubleSpinBox()
        self.rate_box.setRange(RATE_MIN_BPM, RATE_MAX_BPM)
        self.rate_box.setSingleStep(0.25)
        self.rate_box.setDecimals(2)
        self.rate_box.setSuffix(" breaths/min")
        self.baseline_box = _minutes(session.baseline_s / 60.0, 1.0, 20.0)
        self.training_box = _minutes(session.training_s / 60.0, 1.0, 60.0, 1.0)
        self.recovery_box = _minutes(session.recovery_s / 60.0, 0.0, 20.0)
        session_form = QWidget()
        form = QFormLayout(session_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Training rate", self.rate_box)
        form.addRow("Baseline", self.baseline_box)
        form.addRow("Training", self.training_box)
        form.addRow("Recovery", self.recovery_box)
        self.set_person_rate(assessed_bpm)

        self.forms = QStackedWidget()
        self.forms.addWidget(assessment_form)
        self.forms.addWidget(session_form)
        self.kind_box.currentIndexChanged.connect(self._kind_chosen)
        # the plan in one line; its settings and description unfold on demand, so the side panel
        # keeps room for the metrics
        self.plan_label = QLabel("")
        self.plan_label.setWordWrap(True)
        self.plan_label.setObjectName("pacerSummary")
        self.settings_button = QToolButton()
        self.settings_button.setText(words.PROTOCOL_SETTINGS)
        self.settings_button.setToolTip(words.PROTOCOL_SETTINGS_TIP)
        self.settings_button.setCheckable(True)
        self.settings_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.settings_button.toggled.connect(self._unfold)
        for box in (self.block_box, self.rest_box, self.rate_box, self.baseline_box, self.training_box, self.recovery_box):
            box.valueChanged.connect(self._describe_plan)
        self.fine_box.toggled.connect(self._describe_plan)

        self.start_button = QPushButton("Start")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the protocol here. What was recorded is kept.")
        self.start_button.clicked.connect(self._start_clicked)
        self.pause_button.clicked.connect(self._pause_clicked)
        self.stop_button.clicked.connect(self.abort_requested)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)

        self.phase_label = _Line("")
        self.phase_label.setObjectName("protocolPhase")
        self.phase_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.time_label = _Line("")
        self.time_label.setObjectName("protocolTime")
        self.message_label = _Line("")
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("notice")

        plan_row = QHBoxLayout()
        plan_row.addWidget(self.plan_label, 1)
        plan_row.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind_box)
        layout.addLayout(plan_row)
        layout.addWidget(self.about)
        layout.addWidget(self.forms)
        layout.addLayout(buttons)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.time_label)
        layout.addWidget(self.message_label)
        self.paused = False
        self._unfold(False)
        self._kind_chosen(self.kind_box.currentIndex())
        self.show_idle()

    # ---- what people choose

    def set_person_rate(self, bpm: float | None) -> None:
        """The training rate offered: the person's own assessed rate, else 6 breaths/min."""
        self.rate_box.setValue(bpm if bpm is not None else SessionPlan().rate_bpm)
        self.rate_box.setToolTip("Your own rate, from your assessment." if bpm is not None else "6 breaths/min until an assessment finds your own rate.")

    def plan(self) -> AssessmentPlan | SessionPlan:
        """The plan the fields describe."""
        if self.kind_box.currentData() == "assessment":
            return AssessmentPlan(block_s=60.0 * self.block_box.value(), rest_s=self.rest_box.value(), fine_step=self.fine_box.isChecked())
        return SessionPlan(
            rate_bpm=self.rate_box.value(),
            baseline_s=60.0 * self.baseline_box.value(),
            training_s=60.0 * self.training_box.value(),
            recovery_s=60.0 * self.recovery_box.value(),
        )

    def _kind_chosen(self, index: int) -> None:
        self.forms.setCurrentIndex(index)
        about = ASSESSMENT_ABOUT if self.kind_box.itemData(index) == "assessment" else SESSION_ABOUT
        self.about.setText(about)
        self.kind_box.setToolTip(about)
        for i in range(self.forms.count()):  # the stack is as tall as the page shown, not the tallest
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.forms.widget(i).setSizePolicy(policy, policy)
        self._describe_plan()

    def _unfold(self, shown: bool) -> None:
        self.settings_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.about.setVisible(shown)
        self.forms.setVisible(shown)

    def _describe_plan(self, *_args) -> None:
        plan = self.plan()
        if isinstance(plan, AssessmentPlan):
            text = words.PROTOCOL_ASSESSMENT_PLAN_FINE if plan.fine_step else words.PROTOCOL_ASSESSMENT_PLAN
            self.plan_label.setText(text.format(block=f"{plan.block_s / 60.0:g}", rest=f"{plan.rest_s:g}"))
        else:
            self.plan_label.setText(
                words.PROTOCOL_SESSION_PLAN.format(
                    baseline=f"{plan.baseline_s / 60.0:g}", training=f"{plan.training_s / 60.0:g}", rate=f"{plan.rate_bpm:g}", recovery=f"{plan.recovery_s / 60.0:g}"
                )
            )

    def _start_clicked(self) -> None:
        self.start_requested.emit(self.plan())

    def _pause_clicked(self) -> None:
        (self.resume_requested if self.paused else self.pause_requested).emit()

    # ---- what is happening

    def show_idle(self) -> None:
        self.paused = False
        self._running(False)
        self.phase_label.setText("")
        self.time_label.setText("")
        self.message_label.setText("")
        self.progress_bar.setValue(0)
        self.progress_bar.hide()  # a bar with nothing in it says nothing

    def _running(self, running: bool) -> None:
        for w in (self.kind_box, self.forms, self.start_button):
            w.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)

    def show_state(self, state: ProtocolState) -> None:
        """Reflect the protocol's state: phase, progress, time left, and any message."""
        self.paused = state.paused
        self._running(not state.finished)
        self.pause_button.setText("Resume" if state.paused else "Pause")
        running = state.steps and not state.finished
        step, left = state.in_words()
        self.phase_label.setText(step)
        self.progress_bar.setValue(int(round(1000 * state.fraction)))
        self.progress_bar.setVisible(bool(running))
        self.time_label.setText(left)
        self.message_label.setText(state.message or "")
