"""The breathing orb: grows on the in-breath, shrinks on the out-breath, warms with coherence."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPixmap, QRadialGradient

from biofeedback.core.animation import lerp, mix_rgb
from biofeedback.qt.widgets.themes.base import (
    BACKGROUND,
    BLOOM_GAIN,
    SWELL_GAIN,
    Scene,
    Theme,
    brighten,
    qcolor,
    warmth_rgb,
)

#: The largest orb radius, share of the picture's smaller side: leaves room for the widest halo.
R_MAX = 0.33
#: How much of the coherence colour the orb takes on: enough to glow, not enough to glare.
BODY_STRENGTH = 0.68
#: Orb radius at empty and at full lungs, as a share of the largest radius that fits.
RADIUS_EMPTY = 0.42
RADIUS_FULL = 0.92
#: In reduced motion the orb keeps this size and breathes in brightness instead.
RADIUS_STILL = 0.7
#: Orb brightness (share of its full colour) at empty and full lungs in reduced motion.
STILL_DIM, STILL_BRIGHT = 0.45, 1.0


#: Levels of the turn swell the ring is drawn at (and kept for).
RING_STEPS = 24


class OrbTheme(Theme):
    name = "orb"
    title = "Breathing orb"

    def __init__(self) -> None:
        self._rings: dict[tuple, QPixmap] = {}

    def paint(self, painter: QPainter, rect: QRectF, scene: Scene) -> None:
        painter.fillRect(rect, qcolor(BACKGROUND))
        centre = rect.center()
        r_max = min(rect.width(), rect.height()) * R_MAX
        if scene.reduced_motion:
            radius = r_max * RADIUS_STILL
            strength = lerp(STILL_DIM, STILL_BRIGHT, scene.breath)
        else:
            radius = r_max * lerp(RADIUS_EMPTY, RADIUS_FULL, scene.breath)
            strength = 1.0
        strength *= 1.0 - 0.45 * scene.dimmed
        colour = warmth_rgb(scene.warmth)
        # beat bloom and breath-turn swell: a few percent brighter, below the flash threshold by design
        body = brighten(mix_rgb(BACKGROUND, colour, BODY_STRENGTH * strength), BLOOM_GAIN * scene.bloom + SWELL_GAIN * scene.swell)

        # halo: wider and warmer as coherence rises
        halo_r = radius * (1.35 + 0.25 * scene.warmth)
        halo = QRadialGradient(centre, halo_r)
        halo.setColorAt(0.0, qcolor(brighten(body, 0.18)))
        halo.setColorAt(radius / halo_r * 0.93, qcolor(body))
        halo.setColorAt(radius / halo_r, qcolor(body, 0.55))
        halo.setColorAt(1.0, qcolor(body, 0.0))
        # the gradient fades to nothing at its radius: filling its square draws the same picture
        # as an ellipse, several times cheaper than an antialiased curve
        painter.fillRect(QRectF(centre.x() - halo_r, centre.y() - halo_r, 2 * halo_r, 2 * halo_r), halo)

        # the guide ring: where the orb will be at full breath; it swells softly at each turn
        ring_r = r_max * (RADIUS_STILL if scene.reduced_motion else RADIUS_FULL)
        swell = round(scene.swell * RING_STEPS) / RING_STEPS
        ring = self._ring(painter, ring_r, r_max, swell)
        size = ring.width() / ring.devicePixelRatio()
        painter.drawPixmap(QPointF(centre.x() - size / 2, centre.y() - size / 2), ring)

    def _ring(self, painter: QPainter, ring_r: float, r_max: float, swell: float) -> QPixmap:
        """The guide ring, drawn once per size and swell level and kept (an antialiased circle
        costs more than the rest of the orb)."""
        ratio = painter.device().devicePixelRatioF()
        key = (round(ring_r, 1), round(r_max, 1), swell, ratio)
        pixmap = self._rings.get(key)
        if pixmap is not None:
            return pixmap
        colour = brighten(mix_rgb(BACKGROUND, (0.49, 0.56, 0.63), 0.55), SWELL_GAIN * 4 * swell)
        width = max(1.5, r_max * (0.008 + 0.012 * swell))
        size = int(2 * (ring_r + width) + 4)
        pixmap = QPixmap(int(size * ratio), int(size * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(qcolor(colour, 0.6 + 0.4 * swell))
        pen.setWidthF(width)
        p.setPen(pen)
        p.drawEllipse(QPointF(size / 2, size / 2), ring_r, ring_r)
        p.end()
        if len(self._rings) > 2 * RING_STEPS:
            self._rings.clear()
        self._rings[key] = pixmap
        return pixmap

    def extent(self, rect: QRectF) -> QRectF:
        # the widest halo: full breath, full coherence (1.6 x the full radius), plus a margin
        half = min(rect.width(), rect.height()) * R_MAX * RADIUS_FULL * 1.6 + 4
        return QRectF(rect.center() - QPointF(half, half), rect.center() + QPointF(half, half)).intersected(rect)
