"""Easing and gliding: how pictures move between values without ever jumping.

Data arrive when they arrive (a beat batch about once a second, a coherence value per beat); the
screen redraws at its own rate. A new value therefore never moves the picture directly: it sets
a *target*, and the picture glides from wherever it is now towards that target along a sine
in-out curve. Everything here is a pure function of the time passed in, so two redraws at the
same time draw the same picture, and timer jitter changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def ease_sine_in_out(x: float) -> float:
    """Sine in-out easing of progress ``x`` (clamped to 0..1): zero speed at both ends."""
    x = min(max(x, 0.0), 1.0)
    return (1.0 - math.cos(math.pi * x)) / 2.0


def lerp(a: float, b: float, x: float) -> float:
    """Linear interpolation between ``a`` (x = 0) and ``b`` (x = 1)."""
    return a + (b - a) * x


def mix_rgb(a: tuple[float, float, float], b: tuple[float, float, float], x: float) -> tuple[float, float, float]:
    """Linear mix of two RGB triples (0..1 each) at ``x`` in 0..1."""
    return (lerp(a[0], b[0], x), lerp(a[1], b[1], x), lerp(a[2], b[2], x))


def gradient_rgb(stops: tuple[tuple[float, float, float], ...], x: float) -> tuple[float, float, float]:
    """Colour at ``x`` (0..1) along equally spaced colour stops, eased between neighbours."""
    x = min(max(x, 0.0), 1.0) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    return mix_rgb(stops[i], stops[i + 1], ease_sine_in_out(x - i))


def hex_rgb(text: str) -> tuple[float, float, float]:
    """``"#0072B2"`` as an RGB triple with channels 0..1."""
    text = text.lstrip("#")
    return (int(text[0:2], 16) / 255.0, int(text[2:4], 16) / 255.0, int(text[4:6], 16) / 255.0)


@dataclass(slots=True)
class Glide:
    """A value that glides towards its latest target along a sine in-out curve.

    Setting a new target at time ``t`` starts a new glide from the value the picture shows at
    ``t``, so the picture is continuous whatever the timing of the updates.

    Attributes
    ----------
    duration_s : float
        Time a glide takes, s.
    """

    duration_s: float
    _start_t: float = 0.0
    _from: float = 0.0
    _to: float = 0.0

    @classmethod
    def at(cls, value: float, duration_s: float) -> Glide:
        """A glide resting at ``value``."""
        return cls(duration_s, 0.0, value, value)

    @property
    def target(self) -> float:
        return self._to

    def set_target(self, target: float, t: float) -> None:
        """Glide towards ``target`` from the value shown at session time ``t`` (s)."""
        if target == self._to:
            return
        self._from = self.value(t)
        self._to = target
        self._start_t = t

    def value(self, t: float) -> float:
        """The value shown at session time ``t``, s."""
        if self.duration_s <= 0:
            return self._to
        return lerp(self._from, self._to, ease_sine_in_out((t - self._start_t) / self.duration_s))
