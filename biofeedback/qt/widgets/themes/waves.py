"""Sea at dawn: waves roll in with the in-breath and out with the out-breath; as coherence rises
the sun comes up, the sky warms and brightens, and the small choppy waves settle."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph.functions as fn
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QLinearGradient, QPainter, QPixmap, QPolygonF, QRadialGradient

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

#: Horizon height from the top, share of the picture.
HORIZON = 0.52
#: Points per wave line: smooth at any window size, cheap to fill.
WAVE_POINTS = 56
SKY_TOP = (0.075, 0.105, 0.145)
SKY_MID = (0.12, 0.19, 0.27)
SEA_DEEP = (0.055, 0.10, 0.15)
SUN = (0.93, 0.70, 0.30)
#: Wave layers from far to near: (height below horizon as share of the sea, swell amplitude as
#: share of the picture height, wavelength as share of the width, drift speed rad/s, brightness).
LAYERS = (
    (0.10, 0.010, 0.35, 0.22, 0.55),
    (0.38, 0.018, 0.55, 0.16, 0.36),
    (0.70, 0.030, 0.85, 0.11, 0.18),
)


#: Where the wave lines are sampled, as shares of the width.
_STEPS = np.linspace(0.0, 1.0, WAVE_POINTS + 1)
#: Steps per unit for the colours baked into the cached backdrop: finer than the eye can tell
#: apart on a dark sky, coarse enough that a glide re-renders it only every few frames.
BACKDROP_STEPS = 64


def _wave_polygon(xs: np.ndarray, ys: np.ndarray, left: float, right: float, floor: float) -> QPolygonF:
    """The wave line closed down to ``floor``, filled straight from numpy (no QPointF per point)."""
    polygon = fn.create_qpolygonf(len(xs) + 2)
    points = fn.ndarray_from_qpolygonf(polygon)
    points[: len(xs), 0] = xs
    points[: len(xs), 1] = ys
    points[len(xs)] = (right, floor)
    points[len(xs) + 1] = (left, floor)
    return polygon


class WavesTheme(Theme):
    name = "waves"
    title = "Sea at dawn"

    def __init__(self) -> None:
        #: The sky, the sun and the open sea change only with coherence and (in reduced motion)
        #: the breath: they are painted once per look and kept; only the waves move every frame.
        self._backdrops: dict[tuple, QPixmap] = {}

    #: The sea paints every pixel of its rectangle.
    opaque = True

    def uses_time(self, scene: Scene) -> bool:
        return not scene.reduced_motion  # the waves drift; in reduced motion they rest

    def paint(self, painter: QPainter, rect: QRectF, scene: Scene) -> None:
        x0, y0, w, h = rect.x(), rect.y(), rect.width(), rect.height()
        horizon = y0 + h * HORIZON
        if scene.reduced_motion:  # still water; the light breathes instead
            light, t, breath_lift = lerp(0.55, 1.0, scene.breath), 0.0, 0.0
        else:
            light, t, breath_lift = 0.85, scene.t, scene.breath
        light *= 1.0 - 0.4 * scene.dimmed
        warmth = round(scene.warmth * BACKDROP_STEPS) / BACKDROP_STEPS
        light = round(light * BACKDROP_STEPS) / BACKDROP_STEPS
        lift = BLOOM_GAIN * scene.bloom + SWELL_GAIN * scene.swell
        warm = warmth_rgb(warmth)
        glow = mix_rgb(BACKGROUND, warm, (0.22 + 0.26 * warmth) * light)
        sun_r = min(w, h) * 0.075
        sun_x = x0 + w / 2
        sun_col = brighten(mix_rgb(warm, SUN, warmth), 0.15 + lift)  # for the gleam, drawn per frame
        # the backdrop down to the far waves' lowest trough; the waves cover everything below
        backdrop = self._backdrop(painter, w, h, warmth, light)
        covered_from = h * (HORIZON + (1 - HORIZON) * LAYERS[0][0]) + 2 * LAYERS[0][1] * h
        source = QRectF(0, 0, w, min(h, covered_from))
        painter.drawPixmap(QRectF(x0, y0, source.width(), source.height()), backdrop, source)
        sea_h = y0 + h - horizon

        chop = 1.0 - scene.warmth  # small choppy waves settle as coherence rises
        painter.setPen(Qt.PenStyle.NoPen)
        for n, (depth, amp, wavelength, speed, shine) in enumerate(LAYERS):
            # each layer only needs to reach below the top of the next, nearer one
            bottom = y0 + h if n == len(LAYERS) - 1 else horizon + sea_h * LAYERS[n + 1][0] + 2 * LAYERS[n + 1][1] * h
            base = horizon + sea_h * depth - breath_lift * (0.02 + 2.2 * amp) * h  # the tide comes in
            colour = brighten(mix_rgb(SEA_DEEP, mix_rgb(SKY_MID, glow, 0.5), shine * light), lift * 0.5)
            k = 2 * math.pi / (wavelength * w)
            xs = x0 + w * _STEPS
            ys = base - amp * h * np.sin(k * xs - speed * t)
            ys -= 0.35 * amp * h * chop * np.sin(3.1 * k * xs + 2.3 * speed * t + depth * 7)
            # The wave, antialiased, in its lighter crest colour; then its body a little lower
            # without antialiasing, leaving a thin crest line on top. (Antialiasing a thin band
            # costs five times more; the body's stair steps sit against a colour only 10 % apart.)
            band = max(1.5, h * 0.005)
            trough = float(ys.max()) + band + 1.0
            painter.setBrush(qcolor(mix_rgb(colour, brighten(colour, 0.10), 0.7)))
            painter.drawPolygon(_wave_polygon(xs, ys, x0, x0 + w, trough))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setBrush(qcolor(colour))
            painter.drawPolygon(_wave_polygon(xs, ys + band, x0, x0 + w, trough))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            # below the lowest trough a plain rectangle is far cheaper than a polygon
            if bottom > trough:
                painter.fillRect(QRectF(x0, trough - 0.5, w, bottom - trough + 0.5), qcolor(colour))
        # the gleam: a soft, tall ellipse of light under the sun (a radial gradient, squeezed)
        gleam_r = sun_r * 1.8
        gleam = QRadialGradient(QPointF(0, 0), gleam_r)
        gleam.setColorAt(0.0, qcolor(sun_col, 0.28 * light * (0.2 + 0.8 * warmth)))
        gleam.setColorAt(1.0, qcolor(sun_col, 0.0))
        painter.save()
        painter.translate(sun_x, horizon)
        painter.scale(1.0, sea_h * 0.45 / gleam_r)
        painter.fillRect(QRectF(-gleam_r, 0, 2 * gleam_r, gleam_r), gleam)
        painter.restore()

    def _backdrop(self, painter: QPainter, w: float, h: float, warmth: float, light: float) -> QPixmap:
        """The sky, the sun and the open sea for one look, painted once and kept."""
        ratio = painter.device().devicePixelRatioF()
        key = (int(w), int(h), warmth, light, ratio)
        pixmap = self._backdrops.get(key)
        if pixmap is not None:
            return pixmap
        pixmap = QPixmap(max(1, int(w * ratio)), max(1, int(h * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        horizon = h * HORIZON
        warm = warmth_rgb(warmth)
        # sky: deep blue-grey above, a dawn glow at the horizon that warms and brightens with coherence
        glow = mix_rgb(BACKGROUND, warm, (0.22 + 0.26 * warmth) * light)
        sky = QLinearGradient(QPointF(0, 0), QPointF(0, horizon))
        sky.setColorAt(0.0, qcolor(SKY_TOP))
        sky.setColorAt(0.6, qcolor(mix_rgb(SKY_TOP, SKY_MID, light)))
        sky.setColorAt(1.0, qcolor(glow))
        p.fillRect(QRectF(0, 0, w, horizon + 1), sky)
        # the sun: below the horizon while settling, rising and golden when coherent
        sun_r = min(w, h) * 0.075
        sun_x, sun_y = w / 2, horizon + sun_r * 0.9 - warmth * h * 0.11
        sun_col = brighten(mix_rgb(warm, SUN, warmth), 0.15)
        halo = QRadialGradient(QPointF(sun_x, sun_y), sun_r * 3.5)
        halo.setColorAt(0.0, qcolor(sun_col, 0.55 * light))
        halo.setColorAt(0.28, qcolor(sun_col, 0.30 * light))
        halo.setColorAt(1.0, qcolor(sun_col, 0.0))
        p.fillRect(QRectF(sun_x - sun_r * 3.5, sun_y - sun_r * 3.5, sun_r * 7, sun_r * 7), halo)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(qcolor(sun_col, (0.2 + 0.5 * warmth) * light))
        p.drawEllipse(QPointF(sun_x, sun_y), sun_r, sun_r)
        # the open sea
        p.fillRect(QRectF(0, horizon, w, h - horizon + 1), qcolor(mix_rgb(SEA_DEEP, glow, 0.25)))
        p.end()
        if len(self._backdrops) >= 4:
            self._backdrops.pop(next(iter(self._backdrops)))
        self._backdrops[key] = pixmap
        return pixmap
