"""The breathing pacer as a pure function of time.

A breath cycle is inhale, optional hold, exhale, optional hold. Lung volume follows a raised
cosine within each phase (sine in-out easing), so the guide never jumps and has zero velocity at
each turn.

Rates are chosen in breaths/min between :data:`RATE_MIN_BPM` and :data:`RATE_MAX_BPM` in steps of
:data:`RATE_STEP_BPM`, with an inhale:exhale ratio and optional holds; :data:`PRESETS` holds the
named patterns people ask for, and :func:`assessed_preset` makes one from a person's own resonance
rate once a protocol has measured it.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from biofeedback.core import words

#: Slowest pacer rate offered, breaths/min. Resonance breathing sits near 4.5-7 breaths/min
#: (Lehrer & Gevirtz 2014); 3 leaves room for 4-7-8 (3.2 breaths/min) and box breathing (3.75).
RATE_MIN_BPM = 3.0
#: Fastest pacer rate offered, breaths/min: the top of ordinary resting breathing.
RATE_MAX_BPM = 12.0
#: Step of the rate control, breaths/min.
RATE_STEP_BPM = 0.1


class Phase(enum.Enum):
    INHALE = "inhale"
    HOLD_IN = "hold_in"
    EXHALE = "exhale"
    HOLD_OUT = "hold_out"


#: What the client view says in each phase.
PHASE_WORDS = {
    Phase.INHALE: words.BREATHE_IN,
    Phase.HOLD_IN: words.HOLD,
    Phase.EXHALE: words.BREATHE_OUT,
    Phase.HOLD_OUT: words.HOLD,
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

    @classmethod
    def from_ratio(
        cls,
        breaths_per_min: float,
        inhale: float = 1.0,
        exhale: float = 1.0,
        hold_in_s: float = 0.0,
        hold_out_s: float = 0.0,
    ) -> PacerSettings:
        """Settings for a rate (breaths/min) with an inhale:exhale ratio such as 4:6 or 1:1.

        The rate is snapped to the control's grid (:func:`snap_rate`) and the time left after the
        holds is split in the ratio ``inhale:exhale``.
        """
        if inhale <= 0 or exhale <= 0:
            raise ValueError("the inhale:exhale ratio needs two positive numbers")
        rate = snap_rate(breaths_per_min)
        return cls.from_rate(rate, inhale / (inhale + exhale), hold_in_s, hold_out_s)

    @property
    def period_s(self) -> float:
        return self.inhale_s + self.hold_in_s + self.exhale_s + self.hold_out_s

    @property
    def breaths_per_min(self) -> float:
        return 60.0 / self.period_s

    @property
    def inhale_fraction(self) -> float:
        """Share of the moving (non-hold) time spent breathing in, 0..1."""
        return self.inhale_s / (self.inhale_s + self.exhale_s)

    def describe(self) -> str:
        """Plain words for the pattern, e.g. "6.0 breaths/min, in 4.0 s, out 6.0 s"."""
        parts = [f"{self.breaths_per_min:.1f} breaths/min", f"in {self.inhale_s:.1f} s"]
        if self.hold_in_s:
            parts.append(f"hold {self.hold_in_s:.1f} s")
        parts.append(f"out {self.exhale_s:.1f} s")
        if self.hold_out_s:
            parts.append(f"hold {self.hold_out_s:.1f} s")
        return ", ".join(parts)


def snap_rate(breaths_per_min: float) -> float:
    """The nearest rate the pacer offers: clamped to 3-12 breaths/min, rounded to 0.1.

    Raises ValueError for a rate that is not a finite positive number.
    """
    if not (math.isfinite(breaths_per_min) and breaths_per_min > 0):
        raise ValueError("the breathing rate must be a positive number of breaths/min")
    clamped = min(max(breaths_per_min, RATE_MIN_BPM), RATE_MAX_BPM)
    return round(round(clamped / RATE_STEP_BPM) * RATE_STEP_BPM, 1)


@dataclass(frozen=True, slots=True)
class Preset:
    """A named breathing pattern.

    Attributes
    ----------
    key : str
        Stable name used in settings files ("resonance", "coherent", "box", "478", "assessed").
    title : str
        What people read in a menu.
    description : str
        One plain sentence about it.
    settings : PacerSettings
    """

    key: str
    title: str
    description: str
    settings: PacerSettings


#: Named patterns. Resonance: 6 breaths/min with a longer out-breath (4 s in, 6 s out), the
#: usual starting point of HRV biofeedback (Lehrer & Gevirtz 2014). Coherent breathing: 5.5
#: breaths/min, in and out equal (Brown & Gerbarg 2012). Box: 4 s in, hold 4, out 4, hold 4.
#: 4-7-8: 4 s in, hold 7, out 8 (Weil).
PRESETS: tuple[Preset, ...] = (
    Preset("resonance", "Resonance, 6 per minute", "In for 4 seconds, out for 6.", PacerSettings(4.0, 6.0)),
    Preset(
        "coherent",
        "Coherent breathing, 5.5 per minute",
        "In and out for equal times, about 5.5 seconds each.",
        PacerSettings(60.0 / 5.5 / 2, 60.0 / 5.5 / 2),
    ),
    Preset("box", "Box breathing, 4-4-4-4", "In for 4, hold for 4, out for 4, hold for 4.", PacerSettings(4.0, 4.0, 4.0, 4.0)),
    Preset("478", "4-7-8 breathing", "In for 4, hold for 7, out for 8.", PacerSettings(4.0, 8.0, 7.0, 0.0)),
)

#: The key of the preset made from a person's own measured resonance rate.
ASSESSED_KEY = "assessed"


def assessed_preset(breaths_per_min: float) -> Preset:
    """The preset for a person's own assessed resonance rate (breaths/min), out-breath 1.5x the in-breath."""
    settings = PacerSettings.from_ratio(breaths_per_min, 4.0, 6.0)
    rate = settings.breaths_per_min
    return Preset(ASSESSED_KEY, f"Your rate, {rate:.1f} per minute", "The rate your own assessment found.", settings)


def presets(assessed_bpm: float | None = None) -> tuple[Preset, ...]:
    """The presets to offer: the fixed ones, then the person's own rate once it is known."""
    if assessed_bpm is None:
        return PRESETS
    return (*PRESETS, assessed_preset(assessed_bpm))


def preset_by_key(key: str, assessed_bpm: float | None = None) -> Preset:
    """Look a preset up by its key; raises KeyError for an unknown key or a missing assessment."""
    for preset in presets(assessed_bpm):
        if preset.key == key:
            return preset
    raise KeyError(key)


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
