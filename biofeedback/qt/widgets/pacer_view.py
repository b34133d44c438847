"""The breathing orb: grows on the in-breath, shrinks on the out-breath, with the phase in words."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QRadialGradient
from PySide6.QtWidgets import QSizePolicy, QWidget

from biofeedback.core.pacer import PacerState
from biofeedback.qt import palette


class PacerView(QWidget):
    """Paints a :class:`PacerState`; holds no timing of its own (the window's timer feeds it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state: PacerState | None = None
        self.setMinimumSize(320, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def show_state(self, state: PacerState | None) -> None:
        self.state = state
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), palette.CLIENT_BACKGROUND)
        w, h = self.width(), self.height()
        text_h = max(h * 0.2, 60.0)
        orb_area = QRectF(0, 0, w, h - text_h)
        centre = orb_area.center()
        r_max = min(orb_area.width(), orb_area.height()) * 0.42
        volume = self.state.volume if self.state else 0.5
        radius = r_max * (0.45 + 0.55 * volume)

        glow = QRadialGradient(centre, radius * 1.35)
        colour = QColor(palette.BLUE)
        glow.setColorAt(0.0, colour.lighter(135))
        glow.setColorAt(0.72, colour)
        edge = QColor(colour)
        edge.setAlpha(0)
        glow.setColorAt(1.0, edge)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(glow)
        painter.drawEllipse(centre, radius * 1.35, radius * 1.35)

        # the guide ring: where the orb will be at full breath
        ring = QColor(palette.CLIENT_TEXT_DIM)
        ring.setAlpha(90)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(ring)
        painter.drawEllipse(centre, r_max, r_max)

        if self.state is None:
            words, seconds = "Breathe freely", ""
        else:
            words, seconds = self.state.words, f"{math.ceil(self.state.seconds_left - 1e-6)}"
        font = QFont(self.font())
        font.setPixelSize(int(max(24, min(text_h * 0.42, w / 12))))
        painter.setFont(font)
        painter.setPen(palette.CLIENT_TEXT)
        text_rect = QRectF(0, h - text_h, w, text_h * 0.6)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, words)
        if seconds:
            small = QFont(font)
            small.setPixelSize(int(font.pixelSize() * 0.6))
            painter.setFont(small)
            painter.setPen(palette.CLIENT_TEXT_DIM)
            painter.drawText(QRectF(0, h - text_h * 0.45, w, text_h * 0.4), Qt.AlignmentFlag.AlignCenter, seconds)
        painter.end()

    def centre(self) -> QPointF:
        return QPointF(self.width() / 2, self.height() / 2)
