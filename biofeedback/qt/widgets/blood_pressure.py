"""Blood pressure in the window: the "Take blood pressure" dialog, and the before -> after view.

- :class:`BloodPressureDialog` takes one reading before or after a session, from a Bluetooth
  cuff (through a :class:`~biofeedback.qt.cuff.CuffReader` it is given) or typed in, explains the
  cuff's flags calmly, and hands the chosen reading over as :attr:`reading_chosen`.
- :class:`BloodPressureSummary` shows a session's story (``core.blood_pressure.tell``): before ->
  after, the calm sentence, and what the flags mean.

Neither owns a device or a session: the window gives them a reader and a clock, and passes the
chosen reading to ``SessionController.add_blood_pressure``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QIntValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from biofeedback.core import words
from biofeedback.core.blood_pressure import (
    PLAUSIBLE_MMHG,
    PLAUSIBLE_PULSE_BPM,
    BloodPressureStory,
    check_typed,
    explain_flags,
    reading_line,
    typed_reading,
)
from biofeedback.core.samples import BloodPressure
from biofeedback.qt.cuff import CuffReader

TITLES = {"before": "Blood pressure before the session", "after": "Blood pressure after the session"}


def _font(widget: QWidget, points: float, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPointSizeF(points)
    font.setBold(bold)
    widget.setFont(font)


def _wrapping_label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


def _number_field(name: str, placeholder: str, maximum: float) -> QLineEdit:
    """A box for a whole number a person types (empty: not typed), greyed hint inside."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setValidator(QIntValidator(0, int(maximum), edit))
    edit.setMaxLength(3)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    _font(edit, 13.0)
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000") + 24)
    return edit


def _value(edit: QLineEdit) -> int:
    text = edit.text().strip()
    return int(text) if text.isdigit() else 0


class BloodPressureDialog(QDialog):
    """Take blood pressure before or after a session: from the cuff, or typed in.

    Parameters
    ----------
    when : str
        ``"before"`` or ``"after"`` the session.
    now : callable
        The session clock's ``now``: a chosen reading is stamped with the session time at which
        the person chose it (the cuff's own time stays in ``measured_utc``), so it lands in the
        session file in time order.
    reader : CuffReader or None
        Reads a Bluetooth cuff; None for typing only.

    Signals
    -------
    reading_chosen(BloodPressure)
        The reading the person chose, with ``when`` set; emitted once, on "Use this reading".
    """

    reading_chosen = Signal(object)

    def __init__(self, when: str, now: Callable[[], float], reader: CuffReader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if when not in TITLES:
            raise ValueError(f"when must be one of {sorted(TITLES)}, not {when!r}")
        self.when = when
        self._now = now
        self.reader = reader
        self._cuff_readings: list[BloodPressure] = []
        self._notices: list[str] = []
        self._picked_by_hand = False
        self._source = "typed"
        self.chosen: BloodPressure | None = None
        self.setWindowTitle("Take blood pressure")
        self.setObjectName("bloodPressureDialog")
        self.setMinimumWidth(560)

        title = QLabel(TITLES[when])
        title.setObjectName("bpTitle")
        _font(title, 16.0, bold=True)
        how = _wrapping_label(words.BP_HOW_TO_MEASURE, "bpHowTo")
        _font(how, 11.5)

        # ---- from the cuff
        cuff_box = QGroupBox("From your cuff")
        cuff_box.setObjectName("bpCuffBox")
        self.read_button = QPushButton("Read from the cuff")
        self.read_button.setObjectName("bpReadCuff")
        self.cuff_status = _wrapping_label("Press the button, then press the cuff's Bluetooth button or take a measurement.", "bpCuffStatus")
        self.cuff_list = QListWidget()
        self.cuff_list.setObjectName("bpCuffReadings")
        _font(self.cuff_list, 12.0)
        self.cuff_list.setFixedHeight(self.cuff_list.fontMetrics().lineSpacing() * 4 + 14)  # four readings in view
        top = QHBoxLayout()
        top.addWidget(self.read_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.cuff_status, 1)
        cuff_layout = QVBoxLayout(cuff_box)
        cuff_layout.addLayout(top)
        cuff_layout.addWidget(self.cuff_list)
        if reader is None:
            self.read_button.setEnabled(False)
            self.cuff_status.setText("No Bluetooth cuff is set up here: type the reading in below.")
            self.cuff_list.hide()

        # ---- typed in
        typed_box = QGroupBox("Or type it in")
        typed_box.setObjectName("bpTypedBox")
        hi = PLAUSIBLE_MMHG[1]
        self.systolic = _number_field("bpSystolic", "SYS", hi)
        self.diastolic = _number_field("bpDiastolic", "DIA", hi)
        self.pulse = _number_field("bpPulse", "PUL", PLAUSIBLE_PULSE_BPM[1])
        row = QHBoxLayout(typed_box)
        for widget in (self.systolic, QLabel("/"), self.diastolic, QLabel("mmHg"), QLabel("    pulse"), self.pulse, QLabel("beats/min")):
            row.addWidget(widget)
        row.addStretch(1)
        self.pulse.setToolTip("Leave it empty if the cuff shows no pulse.")

        # ---- what it means, and the buttons
        self.explanation = _wrapping_label("", "bpExplanation")
        _font(self.explanation, 11.5)
        self.buttons = QDialogButtonBox()
        self.skip_button = self.buttons.addButton("Skip", QDialogButtonBox.ButtonRole.RejectRole)
        self.use_button = self.buttons.addButton("Use this reading", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setObjectName("bpUse")
        for button in (self.read_button, self.skip_button, self.use_button):
            _font(button, 12.0)
        self.use_button.setDefault(True)
        self.use_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(22, 20, 22, 16)
        layout.addWidget(title)
        layout.addWidget(how)
        layout.addWidget(cuff_box)
        layout.addWidget(typed_box)
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.read_button.clicked.connect(self.read_cuff)
        self.cuff_list.currentRowChanged.connect(self._cuff_row_changed)
        self.cuff_list.itemClicked.connect(lambda _item: setattr(self, "_picked_by_hand", True))
        for edit in (self.systolic, self.diastolic, self.pulse):
            edit.textEdited.connect(self._typed_changed)
        self.buttons.accepted.connect(self._use)
        self.buttons.rejected.connect(self.reject)
        if reader is not None:
            reader.reading_received.connect(self._cuff_reading)
            reader.message_changed.connect(self.cuff_status.setText)
            reader.notice_received.connect(self._cuff_notice)
            reader.finished.connect(self._cuff_finished)

    # ---- the cuff

    def read_cuff(self) -> None:
        """Start reading the cuff (the "Read from the cuff" button)."""
        if self.reader is None or self.reader.running:
            return
        self.read_button.setEnabled(False)
        self._notices = []
        self.cuff_status.setText(words.BP_LOOKING_FOR_CUFF)
        self.reader.start()

    def _cuff_notice(self, message: str) -> None:
        self._notices.append(message)
        self.cuff_status.setText(message)

    def _cuff_reading(self, reading: BloodPressure) -> None:
        self._cuff_readings.append(reading)
        item = QListWidgetItem(reading_line(reading, sep="  ·  "))
        if reading.flags:
            item.setToolTip("\n\n".join(explain_flags(reading.flags)))
        self.cuff_list.addItem(item)
        if not self._picked_by_hand:  # the newest reading comes last: offer it
            self.cuff_list.setCurrentRow(self.cuff_list.count() - 1)

    def _cuff_finished(self, failure: str) -> None:
        self.read_button.setEnabled(True)
        self.read_button.setText("Read again")
        if not failure and self._cuff_readings:
            n = len(self._cuff_readings)
            said = f"The cuff sent {n} reading{'s' if n != 1 else ''}. The newest is chosen; pick another if you like."
            self.cuff_status.setText(" ".join([said, *self._notices]))

    def _cuff_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self._source = "cuff"
        for edit in (self.systolic, self.diastolic, self.pulse):
            edit.clear()
        self._refresh()

    # ---- typed in

    def _typed_changed(self, _text: str = "") -> None:
        self._source = "typed"
        self.cuff_list.blockSignals(True)
        self.cuff_list.setCurrentRow(-1)
        self.cuff_list.clearSelection()
        self.cuff_list.blockSignals(False)
        self._refresh()

    def set_typed(self, systolic: int, diastolic: int, pulse: int | None = None) -> None:
        """Type a reading in, as a person does in the three boxes."""
        self.systolic.setText(str(systolic))
        self.diastolic.setText(str(diastolic))
        self.pulse.setText(str(pulse) if pulse else "")
        self._typed_changed()

    # ---- what would be used

    def reading(self) -> BloodPressure | None:
        """The reading "Use this reading" would hand over now (stamped with the session time), or None."""
        if self._source == "cuff":
            row = self.cuff_list.currentRow()
            if 0 <= row < len(self._cuff_readings):
                return dataclasses.replace(self._cuff_readings[row], t=self._now(), when=self.when)
            return None
        systolic, diastolic, pulse = _value(self.systolic), _value(self.diastolic), _value(self.pulse)
        if not (systolic and diastolic):
            return None
        try:
            return typed_reading(self._now(), systolic, diastolic, pulse or None, self.when)
        except ValueError:
            return None

    def _refresh(self) -> None:
        reading = self.reading()
        self.use_button.setEnabled(reading is not None)
        if reading is not None:
            self.explanation.setText("\n\n".join(explain_flags(reading.flags)))
            return
        self.explanation.setText(self._typing_problem())

    def _typing_problem(self) -> str:
        systolic, diastolic, pulse = _value(self.systolic), _value(self.diastolic), _value(self.pulse)
        if self._source != "typed" or not (systolic and diastolic):
            return ""
        try:
            check_typed(systolic, diastolic, pulse or None)
        except ValueError as exc:
            return str(exc)
        return ""

    def _use(self) -> None:
        reading = self.reading()
        if reading is None:
            return
        self.chosen = reading
        self.reading_chosen.emit(reading)
        self.accept()

    def done(self, result: int) -> None:  # Qt override: accept, reject and closing all end here
        if self.reader is not None:
            self.reader.stop()
        super().done(result)


class BloodPressureSummary(QWidget):
    """A session's blood pressure told calmly: before -> after, one sentence, and what flags mean.

    It renders a :class:`~biofeedback.core.blood_pressure.BloodPressureStory`; nothing is
    computed here. Hidden while there is nothing to tell.
    """

    def __init__(self, parent: QWidget | None = None, large: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("bloodPressureSummary")
        self.arrow = QLabel()
        self.arrow.setObjectName("bpArrow")
        _font(self.arrow, 22.0 if large else 15.0, bold=True)
        self.sentence = _wrapping_label("", "bpSentence")
        _font(self.sentence, 16.0 if large else 12.0)
        self.explanations = _wrapping_label("", "bpFlagsExplained")
        _font(self.explanations, 14.0 if large else 11.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.arrow)
        layout.addWidget(self.sentence)
        layout.addWidget(self.explanations)
        self.show_story(BloodPressureStory(None, None, ""))

    def show_story(self, story: BloodPressureStory) -> None:
        self.arrow.setText(story.arrow.replace(" -> ", "  →  "))
        self.sentence.setText(story.sentence)
        self.explanations.setText("\n\n".join(story.explanations))
        self.explanations.setVisible(bool(story.explanations))
        self.setVisible(bool(story.sentence))
