"""What a calming theme is given to paint, and the colours themes share.

A theme is a stateless painter: :meth:`Theme.paint` draws one :class:`Scene` into a rectangle.
All timing (breath, glides, cue levels) is decided before, so a theme only does layout and colour.
Themes must stay cheap: the client view repaints at 60 frames per second.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

from biofeedback.core.animation import gradient_rgb, hex_rgb, mix_rgb
from biofeedback.core.constants import CLIENT_BACKGROUND, COHERENCE_COLOURS
from biofeedback.core.pacer import Phase

#: Coherence told by warmth (docs/screens.md): Okabe-Ito blue -> bluish green -> orange.
WARMTH_STOPS = tuple(hex_rgb(COHERENCE_COLOURS[level]) for level in ("low", "medium", "high"))
#: Deep blue-grey, never pure black (docs/screens.md).
BACKGROUND = hex_rgb(CLIENT_BACKGROUND)
#: Share of full brightness a beat bloom adds: a few percent, below the flash threshold by design.
BLOOM_GAIN = 0.05
#: Share of full brightness the breath-turn swell adds to the theme (the lamp shows it more).
SWELL_GAIN = 0.06


@dataclass(frozen=True, slots=True)
class Scene:
    """Everything a theme needs for one frame.

    Attributes
    ----------
    t : float
        Session time, s (for slow idle drift such as waves).
    breath : float
        Guided lung volume 0 (empty) .. 1 (full), already eased.
    phase : Phase or None
        Pacer phase, None when the pacer is off.
    warmth : float
        Coherence shown as warmth, 0 (settling) .. 1 (coherent), gliding.
    bloom : float
        Beat pulse level 0..1 from the cue scheduler.
    swell : float
        Breath-turn cue level 0..1 from the cue scheduler.
    dimmed : float
        0 normally, up to 1 while the signal is lost (the picture rests, quieter).
    reduced_motion : bool
        Replace movement with brightness changes.
    """

    t: float = 0.0
    breath: float = 0.5
    phase: Phase | None = None
    warmth: float = 0.0
    bloom: float = 0.0
    swell: float = 0.0
    dimmed: float = 0.0
    reduced_motion: bool = False


def warmth_rgb(warmth: float) -> tuple[float, float, float]:
    """The coherence colour at ``warmth`` 0..1."""
    return gradient_rgb(WARMTH_STOPS, warmth)


def qcolor(rgb: tuple[float, float, float], alpha: float = 1.0) -> QColor:
    """An RGB triple (channels 0..1) as a QColor."""
    r, g, b = (min(max(c, 0.0), 1.0) for c in rgb)
    return QColor.fromRgbF(r, g, b, min(max(alpha, 0.0), 1.0))


def brighten(rgb: tuple[float, float, float], amount: float) -> tuple[float, float, float]:
    """Move ``rgb`` towards white by ``amount`` (0..1)."""
    return mix_rgb(rgb, (1.0, 1.0, 1.0), min(max(amount, 0.0), 1.0))


class Theme:
    """A calming picture driven by the breath and by coherence."""

    #: Stable name, used in settings ("orb", "waves").
    name = ""
    #: What people read in a menu.
    title = ""
    #: Whether :meth:`paint` covers every pixel of its rectangle (so nothing need be cleared first).
    opaque = False

    def paint(self, painter: QPainter, rect: QRectF, scene: Scene) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def extent(self, rect: QRectF) -> QRectF:
        """The part of ``rect`` this theme ever draws into (what must be repainted each frame)."""
        return rect

    def uses_time(self, scene: Scene) -> bool:
        """Whether the picture moves on its own (``scene.t``), beyond the breath and the cues.

        A picture that does not can skip repainting while nothing else changes (during holds).
        """
        return False
