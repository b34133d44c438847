"""The breathing pacer as a pure function of time.

A breath cycle is inhale, optional hold, exhale, optional hold. Lung volume follows a raised
cosine within each phase (sine in-out easing), so the guide never jumps and has zero velocity at
each turn.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


class Phase(enum.Enum):
    INHALE = "inhale"
    HOLD_IN = "hold_in"
    EXHALE = "exhale"
    HOLD_OUT = "hold_out"


#: What the client view says in each phase.
PHASE_WORDS = {
    Phase.INHALE: "Breathe in",
    Phase.HOLD_IN: "Hold",
    Phase.EXHALE: "Breathe out",
    Phase.HOLD_OUT: "Hold",
}


@dataclass(frozen=True, slots=True)
class PacerSettings:
    """Durations of each phase of one breath, s."""

    inhale_s: float = 4.0
    exhale_s: float = 6.0
    hold_in_s: float = 0.0
    hold_out_s: float = 0.0

    def __post_init__(self) -> None:
        if self.inhale_s <= 0 or self.exhale_s <= 0 or self.hold_in_s < 0 or self.hold_out_s < 0:
            raise ValueError("inhale and exhale must be positive and holds not negative")

    @classmethod
    def from_rate(
        cls,
        breaths_per_min: float,
        inhale_fraction: float = 0.4,
        hold_in_s: float = 0.0,
        hold_out_s: float = 0.0,
    ) -> PacerSettings:
        """Settings for a rate in breaths/min, splitting the non-hold time by ``inhale_fraction``."""
        period = 60.0 / breaths_per_min
        moving = period - hold_in_s - hold_out_s
        if moving <= 0:
            raise ValueError("holds are longer than the breath")
        return cls(moving * inhale_fraction, moving * (1 - inhale_fraction), hold_in_s, hold_out_s)

    @property
    def period_s(self) -> float:
        return self.inhale_s + self.hold_in_s + self.exhale_s + self.hold_out_s

    @property
    def breaths_per_min(self) -> float:
        return 60.0 / self.period_s


@dataclass(frozen=True, slots=True)
class PacerState:
    """Where the pacer is at one moment.

    Attributes
    ----------
    phase : Phase
    fraction : float
        Progress through the current phase, 0..1.
    seconds_left : float
        Time until the phase ends, s.
    volume : float
        Guided lung volume, 0 (empty) .. 1 (full).
    cycle : int
        Number of whole breaths completed.
    """

    phase: Phase
    fraction: float
    seconds_left: float
    volume: float
    cycle: int

    @property
    def words(self) -> str:
        return PHASE_WORDS[self.phase]


def pacer_state(settings: PacerSettings, t: float) -> PacerState:
    """The pacer's state ``t`` seconds after it started (negative ``t`` counts as 0)."""
    t = max(t, 0.0)
    cycle, within = divmod(t, settings.period_s)
    phases = (
        (Phase.INHALE, settings.inhale_s),
        (Phase.HOLD_IN, settings.hold_in_s),
        (Phase.EXHALE, settings.exhale_s),
        (Phase.HOLD_OUT, settings.hold_out_s),
    )
    for phase, duration in phases:
        if duration > 0 and within < duration:
            break
        within -= duration
    else:  # floating-point edge at the very end of a cycle
        phase, duration, within = Phase.HOLD_OUT if settings.hold_out_s else Phase.EXHALE, 1.0, 1.0
    fraction = min(max(within / duration, 0.0), 1.0)
    if phase is Phase.INHALE:
        volume = (1 - math.cos(math.pi * fraction)) / 2
    elif phase is Phase.EXHALE:
        volume = (1 + math.cos(math.pi * fraction)) / 2
    else:
        volume = 1.0 if phase is Phase.HOLD_IN else 0.0
    return PacerState(phase, fraction, duration * (1 - fraction), volume, int(cycle))
