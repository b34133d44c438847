"""The cue lamps: small glowing shapes with a word under each, lit by the cue scheduler.

Each lamp is told apart by shape and word as well as colour (a heart for the heartbeat, an arrow
for the breath, a sun for coherence, a strap for the signal), so colour vision is never needed.
Levels come from :class:`~biofeedback.core.cues.CueScheduler`; colours from
:data:`~biofeedback.core.cues.CUE_LOOKS`, which the scheduler has checked for saturated red.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from biofeedback.core.cues import CUE_LOOKS, Cue
from biofeedback.qt.widgets.themes.base import qcolor

#: The words under the lamps when nothing more specific is known.
DEFAULT_WORDS = {Cue.BEAT: "Heartbeat", Cue.TURN: "Breath", Cue.REWARD: "Coherence", Cue.SIGNAL_LOST: "Signal"}
LABEL = QColor("#8597aa")
#: Brightness steps a lamp is drawn at (and kept for): finer than a flash measurement's noise.
LEVEL_STEPS = 100
#: The glyph inside each lamp is cut out in this dark colour.
GLYPH = QColor("#17202b")


class CueLamps(QWidget):
    """A row of lamps; transparent around them, so it can sit over the calm canvas."""

    def __init__(self, cues: tuple[Cue, ...] = tuple(Cue), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cues = cues
        self.levels: dict[Cue, float] = dict.fromkeys(cues, 0.0)
        self.words: dict[Cue, str] = {cue: DEFAULT_WORDS[cue] for cue in cues}
        self.turn_up = True  # arrow direction of the breath lamp: up breathing in, down breathing out
        self.turn_hold = False  # a level bar instead of an arrow while holding
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._font = QFont(self.font())
        self._pictures: dict[tuple, QPixmap] = {}
        self.setMinimumSize(240, 64)

    def show_levels(
        self, levels: dict[Cue, float], words: dict[Cue, str] | None = None, turn_up: bool = True, turn_hold: bool = False
    ) -> None:
        """Light each lamp to its level 0..1 and set the words under them (repaints only on change).

        ``turn_up`` and ``turn_hold`` pick the breath lamp's shape: an arrow up or down, or a bar.
        """
        before = (dict(self.levels), dict(self.words), (self.turn_up, self.turn_hold))
        self.levels.update({cue: round(levels.get(cue, 0.0), 3) for cue in self.cues})
        if words:
            self.words.update({cue: text for cue, text in words.items() if cue in self.words})
        self.turn_up, self.turn_hold = turn_up, turn_hold
        for cue in self.cues:  # repaint only the lamps that changed
            changed = self.levels[cue] != before[0][cue] or self.words[cue] != before[1][cue]
            if changed or (cue is Cue.TURN and (turn_up, turn_hold) != before[2]):
                self.update(self._slot(cue).toAlignedRect())

    def _slot(self, cue: Cue) -> QRectF:
        """A lamp with its word under it."""
        slot = self.width() / len(self.cues)
        return QRectF(slot * self.cues.index(cue), 0, slot, self.height())

    def lamp_rect(self, cue: Cue) -> QRectF:
        """The square one lamp glows in, in this widget's coordinates."""
        i = self.cues.index(cue)
        slot = self.width() / len(self.cues)
        d = self._diameter()
        return QRectF(slot * (i + 0.5) - d / 2, self.height() * 0.06, d, d)

    def _diameter(self) -> float:
        return min(self.height() * 0.58, self.width() / len(self.cues) * 0.5)

    def resizeEvent(self, event) -> None:
        self._font.setPixelSize(max(12, int(self.height() * 0.24)))
        self._pictures.clear()
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        for cue in self.cues:
            slot = self._slot(cue)
            if slot.intersects(QRectF(event.rect())):
                painter.drawPixmap(slot.topLeft(), self._picture(cue))
        painter.end()

    def _picture(self, cue: Cue) -> QPixmap:
        """One lamp with its word, drawn once per level step and kept (lamps pulse with every beat)."""
        level = round(self.levels[cue] * LEVEL_STEPS)
        shape = (self.turn_up, self.turn_hold) if cue is Cue.TURN else None
        key = (cue, level, self.words[cue], shape, self.devicePixelRatioF())
        picture = self._pictures.get(key)
        if picture is not None:
            return picture
        slot = self._slot(cue)
        ratio = self.devicePixelRatioF()
        picture = QPixmap(max(1, int(slot.width() * ratio)), max(1, int(slot.height() * ratio)))
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(-slot.x(), 0)
        rect = self.lamp_rect(cue)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(CUE_LOOKS[cue].rgb(level / LEVEL_STEPS)))
        painter.drawEllipse(rect)
        inset = rect.width() * 0.24
        self._glyph(painter, cue, rect.adjusted(inset, inset, -inset, -inset))
        painter.setPen(LABEL)
        painter.setFont(self._font)
        label = QRectF(slot.x(), rect.bottom() + 2, slot.width(), self.height() - rect.bottom() - 2)
        painter.drawText(label, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self.words[cue])
        painter.end()
        if len(self._pictures) > 8 * LEVEL_STEPS:
            self._pictures.clear()
        self._pictures[key] = picture
        return picture

    def _glyph(self, painter: QPainter, cue: Cue, r: QRectF) -> None:
        """The lamp's shape, cut out in the background colour."""
        pen = QPen(GLYPH)
        pen.setWidthF(max(1.5, r.width() * 0.14))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        c, s = r.center(), r.width() / 2

        def at(dx: float, dy: float) -> QPointF:  # a point in units of the glyph's half-width
            return QPointF(c.x() + s * dx, c.y() + s * dy)

        if cue is Cue.BEAT:
            heart = QPainterPath(at(0, 0.85))
            heart.cubicTo(at(-1.3, -0.1), at(-0.55, -1.05), at(0, -0.35))
            heart.cubicTo(at(0.55, -1.05), at(1.3, -0.1), at(0, 0.85))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(GLYPH)
            painter.drawPath(heart)
        elif cue is Cue.TURN:
            painter.setPen(pen)
            if self.turn_hold:  # a level bar while holding
                painter.drawLine(at(-0.55, 0), at(0.55, 0))
                return
            up = -1.0 if self.turn_up else 1.0  # screen y grows downwards
            tip = at(0, 0.55 * up)
            painter.drawLine(at(0, -0.65 * up), tip)
            painter.drawLine(at(-0.5, 0.1 * up), tip)
            painter.drawLine(at(0.5, 0.1 * up), tip)
        elif cue is Cue.REWARD:  # a sun
            painter.setPen(pen)
            painter.setBrush(GLYPH)
            painter.drawEllipse(c, s * 0.32, s * 0.32)
            for k in range(8):
                dx, dy = math.cos(k * math.pi / 4), math.sin(k * math.pi / 4)
                painter.drawLine(at(0.62 * dx, 0.62 * dy), at(0.9 * dx, 0.9 * dy))
        else:  # the strap: a band with its sensor in the middle
            painter.setPen(pen)
            painter.drawLine(at(-0.85, 0), at(0.85, 0))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(GLYPH)
            painter.drawRoundedRect(QRectF(at(-0.42, -0.3), at(0.42, 0.3)), s * 0.15, s * 0.15)
