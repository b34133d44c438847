"""Sea at dawn: waves roll in with the in-breath and out with the out-breath; as coherence rises
the sun comes up, the sky warms and brightens, and the small choppy waves settle."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QLinearGradient, QPainter, QPainterPath, QRadialGradient

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


class WavesTheme(Theme):
    name = "waves"
    title = "Sea at dawn"

    def paint(self, painter: QPainter, rect: QRectF, scene: Scene) -> None:
        x0, y0, w, h = rect.x(), rect.y(), rect.width(), rect.height()
        horizon = y0 + h * HORIZON
        warm = warmth_rgb(scene.warmth)
        if scene.reduced_motion:  # still water; the light breathes instead
            light, t, breath_lift = lerp(0.55, 1.0, scene.breath), 0.0, 0.0
        else:
            light, t, breath_lift = 0.85, scene.t, scene.breath
        light *= 1.0 - 0.4 * scene.dimmed
        lift = BLOOM_GAIN * scene.bloom + SWELL_GAIN * scene.swell

        # sky: deep blue-grey above, a dawn glow at the horizon that warms and brightens with coherence
        glow = brighten(mix_rgb(BACKGROUND, warm, (0.22 + 0.26 * scene.warmth) * light), lift)
        sky = QLinearGradient(QPointF(0, y0), QPointF(0, horizon))
        sky.setColorAt(0.0, qcolor(brighten(SKY_TOP, lift * 0.5)))
        sky.setColorAt(0.6, qcolor(brighten(mix_rgb(SKY_TOP, SKY_MID, light), lift * 0.5)))
        sky.setColorAt(1.0, qcolor(glow))
        painter.fillRect(QRectF(x0, y0, w, horizon - y0 + 1), sky)

        # the sun: below the horizon while settling, rising and golden when coherent
        sun_r = min(w, h) * 0.075
        sun_x = x0 + w / 2
        sun_y = horizon + sun_r * 0.9 - scene.warmth * h * 0.11
        sun_col = brighten(mix_rgb(warm, SUN, scene.warmth), 0.15 + lift)
        halo = QRadialGradient(QPointF(sun_x, sun_y), sun_r * 3.5)
        halo.setColorAt(0.0, qcolor(sun_col, 0.55 * light))
        halo.setColorAt(0.28, qcolor(sun_col, 0.30 * light))
        halo.setColorAt(1.0, qcolor(sun_col, 0.0))
        painter.setPen(Qt.PenStyle.NoPen)
        # gradients fade to nothing at their radius, so a plain rectangle fill draws the same
        # picture as an ellipse and is much cheaper than an antialiased curve
        painter.fillRect(QRectF(sun_x - sun_r * 3.5, sun_y - sun_r * 3.5, sun_r * 7, sun_r * 7), halo)
        painter.setBrush(qcolor(sun_col, (0.2 + 0.5 * scene.warmth) * light))
        painter.drawEllipse(QPointF(sun_x, sun_y), sun_r, sun_r)

        # the sea: blue-grey, with the sun's gleam on it
        sea_h = y0 + h - horizon
        painter.fillRect(QRectF(x0, horizon, w, sea_h + 1), qcolor(brighten(mix_rgb(SEA_DEEP, glow, 0.25), lift * 0.5)))
        chop = 1.0 - scene.warmth  # small choppy waves settle as coherence rises
        for n, (depth, amp, wavelength, speed, shine) in enumerate(LAYERS):
            # each layer only needs to reach below the top of the next, nearer one
            bottom = y0 + h if n == len(LAYERS) - 1 else horizon + sea_h * LAYERS[n + 1][0] + 2 * LAYERS[n + 1][1] * h
            base = horizon + sea_h * depth - breath_lift * (0.02 + 2.2 * amp) * h  # the tide comes in
            colour = brighten(mix_rgb(SEA_DEEP, mix_rgb(SKY_MID, glow, 0.5), shine * light), lift * 0.5)
            k = 2 * math.pi / (wavelength * w)
            crest = QPainterPath()
            for i in range(WAVE_POINTS + 1):
                x = x0 + w * i / WAVE_POINTS
                y = base - amp * h * math.sin(k * x - speed * t)
                y -= 0.35 * amp * h * chop * math.sin(3.1 * k * x + 2.3 * speed * t + depth * 7)
                if i == 0:
                    crest.moveTo(x, y)
                else:
                    crest.lineTo(x, y)
            path = QPainterPath(crest)
            path.lineTo(x0 + w, bottom)
            path.lineTo(x0, bottom)
            path.closeSubpath()
            # a lighter crest line: the wave filled in a lighter colour, then again a little lower
            # (two fills cost a third of one antialiased stroke)
            painter.fillPath(path, qcolor(mix_rgb(colour, brighten(colour, 0.10), 0.7)))
            painter.fillPath(path.translated(0, max(1.0, h * 0.004)), qcolor(colour))
        # the gleam: a soft, tall ellipse of light under the sun (a radial gradient, squeezed)
        gleam_r = sun_r * 1.8
        gleam = QRadialGradient(QPointF(0, 0), gleam_r)
        gleam.setColorAt(0.0, qcolor(sun_col, 0.28 * light * (0.2 + 0.8 * scene.warmth)))
        gleam.setColorAt(1.0, qcolor(sun_col, 0.0))
        painter.save()
        painter.translate(sun_x, horizon)
        painter.scale(1.0, sea_h * 0.45 / gleam_r)
        painter.fillRect(QRectF(-gleam_r, 0, 2 * gleam_r, gleam_r), gleam)
        painter.restore()
