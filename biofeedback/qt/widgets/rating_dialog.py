"""How the person feels before and after a session: pain and stress (0-10) and mood, in a few
taps, or skipped.

Three rows of large buttons. With the keyboard: Tab moves between the rows; Left and Right move
within a row; a digit picks a number (on the mood row, 1 to 5); Delete clears a row; Enter is
Done and Escape is Skip. Every answer is optional: a question left open is stored as skipped.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from biofeedback.core import words
from biofeedback.core.annotations import MOODS, SCALE_MAX, SCALE_MIN
from biofeedback.qt import palette

#: Side of a number button, px: a comfortable target for a finger or an unsteady hand.
BUTTON_PX = 44
#: Side of a mood face, px.
FACE_PX = 40

TITLES = {"before": "Before the session", "after": "After the session"}
QUESTIONS = {
    "before": "How are you right now? Tap what fits, or skip.",
    "after": "How are you now, after the session? Tap what fits, or skip.",
}


def face_icon(mood: int, size: int = FACE_PX, colour: QColor | None = None) -> QIcon:
    """A plain face for mood 1 (very low) .. 5 (very good): the mouth curves from down to up."""
    colour = colour or QColor(palette.CLIENT_TEXT)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(colour, max(size / 18.0, 1.5))
    p.setPen(pen)
    r = QRectF(pen.widthF(), pen.widthF(), size - 2 * pen.widthF(), size - 2 * pen.widthF())
    p.drawEllipse(r)
    p.setBrush(colour)
    eye = size * 0.06
    p.drawEllipse(QPointF(r.center().x() - size * 0.17, r.top() + size * 0.36), eye, eye)
    p.drawEllipse(QPointF(r.center().x() + size * 0.17, r.top() + size * 0.36), eye, eye)
    p.setBrush(Qt.BrushStyle.NoBrush)
    curve = (mood - 3) / 2.0  # -1 (down) .. 1 (up)
    left, right = QPointF(r.center().x() - size * 0.2, r.top() + size * 0.64), QPointF(r.center().x() + size * 0.2, r.top() + size * 0.64)
    path = QPainterPath(left)
    path.quadTo(QPointF(r.center().x(), left.y() + curve * size * 0.2), right)
    p.drawPath(path)
    p.end()
    return QIcon(pixmap)


class ChoiceRow(QWidget):
    """One question: a row of checkable buttons, one or none chosen; keys as the module says.

    Signals
    -------
    changed(object)
        The chosen value, or None.
    """

    changed = Signal(object)

    def __init__(self, values: list[int], texts: list[str], tips: list[str], icons: list[QIcon] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values = values
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)  # a second tap on the chosen one clears it
        self.buttons: list[QToolButton] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        for i, (value, text, tip) in enumerate(zip(values, texts, tips)):
            b = QToolButton()
            b.setCheckable(True)
            b.setText(text)
            b.setToolTip(tip)
            b.setAccessibleName(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row takes the keys, so Tab goes row to row
            if icons:
                b.setIcon(icons[i])
                b.setIconSize(QSize(FACE_PX, FACE_PX))
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
                b.setMinimumSize(FACE_PX + 40, FACE_PX + 30)
            else:
                b.setMinimumSize(BUTTON_PX, BUTTON_PX)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.group.addButton(b, i)
            self.buttons.append(b)
            layout.addWidget(b)
        self.group.idClicked.connect(self._clicked)
        self._value: int | None = None

    @property
    def value(self) -> int | None:
        return self._value

    def choose(self, value: int | None) -> None:
        self._value = value
        for v, b in zip(self.values, self.buttons):
            chosen = v == value
            b.setChecked(chosen)
            # the answer stands out by colour, weight and outline, not by the style's faint sunken look
            pal = self.palette()
            if chosen:
                pal.setColor(QPalette.ColorRole.Button, palette.BLUE)
                pal.setColor(QPalette.ColorRole.ButtonText, QColor("#ffffff"))
            b.setPalette(pal)
            font = QFont(self.font())
            font.setBold(chosen)
            b.setFont(font)
        self.changed.emit(value)

    def _clicked(self, index: int) -> None:
        value = self.values[index]
        self.choose(None if self._value == value else value)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        key, text = event.key(), event.text()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            if self._value is None:
                self.choose(self.values[0] if key == Qt.Key.Key_Right else self.values[-1])
            else:
                i = self.values.index(self._value) + (1 if key == Qt.Key.Key_Right else -1)
                self.choose(self.values[min(max(i, 0), len(self.values) - 1)])
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            self.choose(self.values[0] if key == Qt.Key.Key_Home else self.values[-1])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.choose(None)
        elif text.isdigit() and int(text) in self.values:
            digit = int(text)
            # "1" then "0" quickly on a 0-10 scale means ten
            self.choose(10 if digit == 0 and self._value == 1 and 10 in self.values and self._typed_one else digit)
            self._typed_one = digit == 1
            return
        else:
            super().keyPressEvent(event)
            return
        self._typed_one = False

    _typed_one = False

    def focusInEvent(self, event) -> None:  # noqa: N802
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.update()
        super().focusOutEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.hasFocus():  # where the keys go, shown by a quiet outline
            p = QPainter(self)
            p.setPen(QPen(palette.SKY_BLUE, 2))
            p.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 6, 6)
            p.end()


class RatingDialog(QDialog):
    """Ask pain, stress and mood ``when`` ("before" or "after") the session.

    Signals
    -------
    rated(str, object, object, object)
        ``when``, pain (0-10 or None), stress (0-10 or None), mood (1-5 or None). Skip sends
        all None, so the file says the question was asked and skipped.
    """

    rated = Signal(str, object, object, object)

    def __init__(self, when: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if when not in TITLES:
            raise ValueError(f"ratings are asked before or after a session, not {when!r}")
        self.when = when
        self.setWindowTitle(TITLES[when])
        title = QLabel(TITLES[when])
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        title.setFont(font)
        question = QLabel(QUESTIONS[when])
        question.setWordWrap(True)
        numbers = list(range(SCALE_MIN, SCALE_MAX + 1))
        self.pain = ChoiceRow(numbers, [str(n) for n in numbers], [f"Pain {n} of 10" for n in numbers])
        self.stress = ChoiceRow(numbers, [str(n) for n in numbers], [f"Stress {n} of 10" for n in numbers])
        moods = list(range(1, len(MOODS) + 1))
        ink = (parent.palette() if parent is not None else self.palette()).windowText().color()
        self.mood = ChoiceRow(moods, list(MOODS), [f"Mood: {word}" for word in MOODS], [face_icon(m, colour=ink) for m in moods])
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(question)
        for name, ends, row in (
            ("Pain", "0 no pain, 10 the worst you can imagine", self.pain),
            ("Stress", "0 calm, 10 the most stressed you can imagine", self.stress),
            ("Mood", "", self.mood),
        ):
            head = QHBoxLayout()
            label = QLabel(f"<b>{name}</b>")
            label.setBuddy(row)
            head.addWidget(label)
            if ends:
                hint = QLabel(ends)
                hint.setObjectName("ratingScaleEnds")
                head.addWidget(hint)
            head.addStretch(1)
            layout.addLayout(head)
            layout.addWidget(row)
        self.skip_button = QPushButton("Skip")
        self.skip_button.setToolTip("Go on without answering (Escape)")
        self.done_button = QPushButton("Done")
        self.done_button.setDefault(True)
        self.done_button.setToolTip("Keep these answers (Enter); a question left open counts as skipped")
        self.skip_button.clicked.connect(self.reject)
        self.done_button.clicked.connect(self.accept)
        #: "Take blood pressure...": Done, then a reading (offered by :meth:`offer_blood_pressure`).
        self.pressure_button = QPushButton(words.TAKE_BLOOD_PRESSURE)
        self.pressure_button.setToolTip(words.TAKE_BLOOD_PRESSURE_TIP)
        self.pressure_button.setAutoDefault(False)
        self.pressure_button.clicked.connect(self._done_then_pressure)
        self.pressure_button.hide()
        #: The person asked for a blood-pressure reading after answering.
        self.wants_blood_pressure = False
        buttons = QHBoxLayout()
        buttons.addWidget(self.pressure_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        self.setTabOrder(self.pain, self.stress)
        self.setTabOrder(self.stress, self.mood)
        self.setTabOrder(self.mood, self.skip_button)
        self.setTabOrder(self.skip_button, self.done_button)
        self.setTabOrder(self.done_button, self.pressure_button)
        self.pain.setFocus()

    def offer_blood_pressure(self, offered: bool = True) -> None:
        """Offer "Take blood pressure..." beside Skip and Done (Alt+B from the keyboard)."""
        self.pressure_button.setVisible(offered)

    def _done_then_pressure(self) -> None:
        self.wants_blood_pressure = True
        self.accept()

    def answers(self) -> tuple[int | None, int | None, int | None]:
        return self.pain.value, self.stress.value, self.mood.value

    def accept(self) -> None:
        self.rated.emit(self.when, *self.answers())
        super().accept()

    def reject(self) -> None:
        self.rated.emit(self.when, None, None, None)
        super().reject()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)
