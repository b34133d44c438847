"""The calm canvas: a theme (orb, waves) driven by the breath, with the phase and seconds in words.

The view holds no timing of its own. Whoever owns the display timer hands it a
:class:`~biofeedback.qt.widgets.themes.Scene` and the pacer state for the moment to draw
(:meth:`PacerView.show_scene`), or only a pacer state (:meth:`PacerView.show_state`) for a plain
breathing guide without coherence or cues.
"""

from __future__ import annotations

import dataclasses
import math

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from biofeedback.core.pacer import PacerState
from biofeedback.qt.widgets.themes import DEFAULT_THEME, Scene, Theme, theme

#: Phase words and seconds: light blue-grey, quieter than white (docs/screens.md: never pure white).
TEXT = QColor("#c3cedb")
TEXT_DIM = QColor("#8597aa")
BACKGROUND = QColor("#17202b")
#: Layout as shares of the height, top to bottom: the picture, the phase words, the seconds,
#: a caption (signal messages); what is left below is for the cue lamps of the client view.
PICTURE_BOTTOM = 0.62
WORDS = (0.62, 0.75)
SECONDS = (0.745, 0.83)
CAPTION = (0.815, 0.885)
#: Phase words' font size as a share of the height. Capitals come out at about 7 % of the screen
#: height: 2.1 cm on a 24-inch monitor, 3.5 cm on a 40-inch one. The usual signage rule for
#: legibility is about 2.5 cm of letter height per 3 m of distance.
WORDS_HEIGHT = 0.10


class PacerView(QWidget):
    """Paints a theme and the pacer's words; all values come in through methods."""

    def __init__(self, theme_name: str = DEFAULT_THEME, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme: Theme = theme(theme_name)
        self.scene = Scene()
        self.state: PacerState | None = None
        self.caption = ""
        self.idle_words = "Breathe freely"
        self.setMinimumSize(320, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._fonts = (QFont(self.font()), QFont(self.font()), QFont(self.font()))
        self._texts = ("", "", "")
        self._text_cache: dict[tuple, QPixmap] = {}
        self._layout_fonts()

    # ---- inputs

    def set_theme(self, name: str) -> None:
        self.theme = theme(name)
        self.update()

    @property
    def theme_name(self) -> str:
        return self.theme.name

    def show_state(self, state: PacerState | None, now: float = 0.0) -> None:
        """Show the breath only: neutral colour, no cues (the simplest use, e.g. a side panel)."""
        breath = state.volume if state is not None else 0.5
        self.show_scene(Scene(t=now, breath=breath, phase=state.phase if state else None, reduced_motion=self.scene.reduced_motion), state)

    def show_scene(self, scene: Scene, state: PacerState | None, caption: str = "") -> None:
        """Draw ``scene`` with the words of ``state`` (None: the pacer is off) and a small caption.

        Only what changed is repainted: the picture when the scene looks different, the words
        when they change (about once a second). At 60 frames per second this is most of the cost.
        """
        if not self.theme.uses_time(scene):
            scene = dataclasses.replace(scene, t=0.0)
        if state is None:
            texts = (self.idle_words, "", caption)
        else:
            texts = (state.words, f"{max(1, math.ceil(state.seconds_left - 1e-6))}", caption)
        picture_changed = scene != self.scene
        text_changed = texts != self._texts
        self.scene, self.state, self.caption, self._texts = scene, state, caption, texts
        if picture_changed and self.theme.name != "orb":
            self.update()
            return
        if picture_changed:
            self.update(self.theme.extent(self.picture_rect()).toAlignedRect())
        if text_changed:
            self.update(self._band((WORDS[0], CAPTION[1])).toAlignedRect())

    # ---- geometry

    def picture_rect(self) -> QRectF:
        """Where the theme's main picture sits (the orb's box; the waves use the whole view)."""
        if self.theme.name == "orb":
            return QRectF(0, 0, self.width(), self.height() * PICTURE_BOTTOM)
        return QRectF(self.rect())

    def _band(self, shares: tuple[float, float], margin: float = 0.0) -> QRectF:
        h, w = self.height(), self.width()
        return QRectF(w * margin, h * shares[0], w * (1 - 2 * margin), h * (shares[1] - shares[0]))

    def _layout_fonts(self) -> None:
        words = max(22, min(int(self.height() * WORDS_HEIGHT), int(self.width() / 7.5)))
        for font, size in zip(self._fonts, (words, int(words * 0.62), max(13, int(words * 0.28))), strict=True):
            font.setPixelSize(size)
        self._fonts[0].setWeight(QFont.Weight.Light)

    def resizeEvent(self, event) -> None:
        self._layout_fonts()
        super().resizeEvent(event)

    # ---- painting

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        picture = self.picture_rect()
        if not (self.theme.opaque and picture.contains(QRectF(event.rect()))):
            painter.fillRect(event.rect(), BACKGROUND)
        if picture.intersects(QRectF(event.rect())):
            self.theme.paint(painter, picture, self.scene)
        words, seconds, caption = self._texts
        self._draw_text(painter, words, 0, TEXT, self._band(WORDS))
        if seconds:
            self._draw_text(painter, seconds, 1, TEXT_DIM, self._band(SECONDS))
        if caption:
            self._draw_text(painter, caption, 2, TEXT_DIM, self._band(CAPTION, margin=0.06))
        painter.end()

    def _draw_text(self, painter: QPainter, text: str, size: int, colour: QColor, band: QRectF) -> None:
        """Centre ``text`` in ``band``; each line is laid out once and kept as a picture."""
        key = (text, size, self._fonts[size].pixelSize(), int(band.width()), colour.rgba(), self.devicePixelRatioF())
        pixmap = self._text_cache.get(key)
        if pixmap is None:
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            box = QFontMetrics(self._fonts[size]).boundingRect(QRect(0, 0, int(band.width()), 10_000), flags, text)
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(max(1, int(band.width() * ratio)), max(1, int((box.height() + 2) * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            text_painter = QPainter(pixmap)
            text_painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            text_painter.setFont(self._fonts[size])
            text_painter.setPen(colour)
            text_painter.drawText(QRectF(0, 0, band.width(), box.height() + 2), flags, text)
            text_painter.end()
            if len(self._text_cache) > 64:
                self._text_cache.clear()
            self._text_cache[key] = pixmap
        height = pixmap.height() / pixmap.devicePixelRatio()
        painter.drawPixmap(QRectF(band.x(), band.center().y() - height / 2, band.width(), height), pixmap, QRectF(pixmap.rect()))
