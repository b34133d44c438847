"""The cue scheduler: every blinking cue goes through here, inside photosensitivity limits.

WCAG 2.3.1 (after the Harding guidelines) allows no more than three flashes in any one second,
where a *flash* is a pair of opposing changes in relative luminance of 10 % or more of the
maximum (an absolute change of 0.1) and the darker state is below 0.80; and it forbids flashing
*saturated red* (R/(R+G+B) >= 0.8). This module keeps every cue well inside that whatever the
heart rate:

- a transient cue (beat pulse, breath-turn cue) is one rise and one fall, so one onset makes at
  most one flash. Onsets of the same cue are at least :attr:`FlashLimits.min_gap_s` apart (about
  2 per second, the design's aim), and all transient onsets together at most
  :attr:`FlashLimits.max_onsets_per_window` in any :attr:`FlashLimits.window_s` (the WCAG limit,
  for when several cues share one patch of screen). Onsets that do not fit are dropped, never
  squeezed in: at 180 beats/min the beat pulse shows every other beat;
- a steady cue (coherence reward lamp, signal-lost cue) switches on or off at most once per
  :attr:`FlashLimits.steady_dwell_s`, and always fades, so a coherence level flickering between
  "medium" and "high" on every beat cannot make the lamp blink;
- every cue's colours are checked here (:class:`CueLook`): none may be saturated red.

Everything is a pure function of the session times passed in (s); nothing reads a clock.
"""

from __future__ import annotations

import bisect
import enum
import math
from dataclasses import dataclass, field

from biofeedback.core.animation import ease_sine_in_out, hex_rgb, lerp, mix_rgb
from biofeedback.core.samples import Contact, LinkState
from biofeedback.core import words

# --------------------------------------------------------------------------- WCAG 2.3.1 terms

#: Relative-luminance change that makes a pair of opposing changes a flash (WCAG 2.3.1).
FLASH_DELTA_LUMINANCE = 0.10
#: A change only counts as a flash where the darker state is below this luminance (WCAG 2.3.1).
FLASH_DARK_BELOW = 0.80
#: WCAG 2.3.1: no more than this many flashes in any one second.
WCAG_MAX_FLASHES_PER_S = 3
#: A state with R/(R+G+B) at or above this (linear RGB) is saturated red (WCAG 2.3.1).
SATURATED_RED_RATIO = 0.8


def linear_rgb(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    """sRGB channels (0..1) to linear light, as in the WCAG definition of relative luminance."""
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)  # type: ignore[return-value]


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour (channels 0..1): 0 black .. 1 white."""
    r, g, b = linear_rgb(rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def is_saturated_red(rgb: tuple[float, float, float]) -> bool:
    """True where R/(R+G+B) >= 0.8 in linear RGB (WCAG 2.3.1). Black counts as not red."""
    r, g, b = linear_rgb(rgb)
    total = r + g + b
    return total > 0 and r / total >= SATURATED_RED_RATIO


def is_flash_pair(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    """Whether going from colour ``a`` to ``b`` and back would count as one flash."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return abs(la - lb) >= FLASH_DELTA_LUMINANCE and min(la, lb) < FLASH_DARK_BELOW


# --------------------------------------------------------------------------- cues


class Cue(enum.Enum):
    BEAT = "beat"  # a soft pulse with each heartbeat
    TURN = "turn"  # the breath turns: for someone following with half-closed eyes
    REWARD = "reward"  # coherence is high
    SIGNAL_LOST = "signal_lost"  # no usable heartbeat: a slow, calm glow


#: Cues that are one rise and one fall per onset.
TRANSIENT_CUES = (Cue.BEAT, Cue.TURN)
#: Cues that are on or off and fade between.
STEADY_CUES = (Cue.REWARD, Cue.SIGNAL_LOST)


@dataclass(frozen=True, slots=True)
class Envelope:
    """Shape of one transient cue: sine-eased rise, hold at full, sine-eased fall (s)."""

    rise_s: float
    hold_s: float
    fall_s: float

    @property
    def length_s(self) -> float:
        return self.rise_s + self.hold_s + self.fall_s

    def level(self, dt: float) -> float:
        """Intensity 0..1 at ``dt`` seconds after the onset."""
        if dt < 0 or dt >= self.length_s:
            return 0.0
        if dt < self.rise_s:
            return ease_sine_in_out(dt / self.rise_s)
        dt -= self.rise_s
        if dt < self.hold_s:
            return 1.0
        return 1.0 - ease_sine_in_out((dt - self.hold_s) / self.fall_s)


#: The beat pulse: quick to rise like a heartbeat, gone after a few hundred ms.
BEAT_ENVELOPE = Envelope(0.07, 0.0, 0.28)
#: The breath-turn swell: soft and long enough to notice through half-closed eyes.
TURN_ENVELOPE = Envelope(0.30, 0.20, 0.90)

#: How long after a beat its pulse is shown, s. A strap sends a beat up to about a second after
#: it happened (one notification per second, docs/bluetooth.md), so showing each beat this much later lets
#: the pulse keep the heart's own rhythm instead of bunching the beats of one notification.
BEAT_DISPLAY_DELAY_S = 1.2
#: A beat whose pulse time passed longer ago than this when it arrived is not shown, s.
BEAT_LATE_TOLERANCE_S = 0.05
#: How long a steady lamp takes to fade on or off, s.
STEADY_FADE_S = 1.2
#: Period of the signal-lost cue's slow glow, s (a calm 10 breaths/min rhythm, far below 1 Hz).
SIGNAL_LOST_GLOW_PERIOD_S = 6.0
#: Depth of that glow: the level swings between 1 and 1 - depth.
SIGNAL_LOST_GLOW_DEPTH = 0.3


@dataclass(frozen=True, slots=True)
class FlashLimits:
    """The limits the scheduler enforces.

    Attributes
    ----------
    min_gap_s : float
        Shortest time between two onsets of the same transient cue, s. 0.52 s keeps each cue
        under 2 onsets per second (the design's aim) with a margin for frame timing.
    max_onsets_per_window : int
        Most onsets of all transient cues together in any ``window_s`` (WCAG 2.3.1: 3 per s).
    window_s : float
        The window for ``max_onsets_per_window``, s.
    steady_dwell_s : float
        Shortest time between two switches of a steady cue, s.
    """

    min_gap_s: float = 0.52
    max_onsets_per_window: int = WCAG_MAX_FLASHES_PER_S
    window_s: float = 1.0
    steady_dwell_s: float = 2.0


#: What the app uses.
SAFE_LIMITS = FlashLimits()
#: No limits at all: only for tests that show the flash measurement notices the difference.
NO_LIMITS = FlashLimits(min_gap_s=0.0, max_onsets_per_window=1_000_000, window_s=1.0, steady_dwell_s=0.0)


@dataclass(frozen=True, slots=True)
class CueLook:
    """A cue's colours at rest (level 0) and at full strength (level 1), as ``#RRGGBB``.

    Raises ValueError if any colour along the way is saturated red.
    """

    rest: str
    peak: str

    def __post_init__(self) -> None:
        a, b = hex_rgb(self.rest), hex_rgb(self.peak)
        if any(is_saturated_red(mix_rgb(a, b, i / 10)) for i in range(11)):
            raise ValueError(f"cue colours {self.rest} -> {self.peak} pass through saturated red")

    def rgb(self, level: float) -> tuple[float, float, float]:
        """The colour at ``level`` 0..1 (channels 0..1)."""
        return mix_rgb(hex_rgb(self.rest), hex_rgb(self.peak), min(max(level, 0.0), 1.0))

    @property
    def is_flash(self) -> bool:
        """Whether a full pulse of this cue counts as a flash (and so needs the limiter)."""
        return is_flash_pair(hex_rgb(self.rest), hex_rgb(self.peak))


#: The lamps' colours. Rest is a dim blue-grey just above the client background; peaks are
#: Okabe-Ito colours softened towards it. The beat lamp is reddish purple (a heart, never red),
#: the turn lamp sky blue, the reward lamp orange (warmth), the signal lamp a quiet grey-blue.
CUE_LOOKS: dict[Cue, CueLook] = {
    Cue.BEAT: CueLook("#243141", "#a0688f"),
    Cue.TURN: CueLook("#243141", "#4f93bf"),
    Cue.REWARD: CueLook("#243141", "#c98f1c"),
    Cue.SIGNAL_LOST: CueLook("#243141", "#8a9cb0"),
}


@dataclass(slots=True)
class _Steady:
    """One steady cue's switches: (time s, level before, level after), oldest first."""

    switches: list[tuple[float, float, float]] = field(default_factory=lambda: [(-math.inf, 0.0, 0.0)])

    def base(self, t: float) -> float:
        i = bisect.bisect_right(self.switches, (t, math.inf, math.inf)) - 1
        if i < 0:
            return 0.0
        start, before, after = self.switches[i]
        return lerp(before, after, ease_sine_in_out((t - start) / STEADY_FADE_S))


class CueScheduler:
    """Decides when each cue shows and how strongly; the only place cues are timed.

    Parameters
    ----------
    limits : FlashLimits
        :data:`SAFE_LIMITS` in the app.
    """

    def __init__(self, limits: FlashLimits = SAFE_LIMITS) -> None:
        self.limits = limits
        self.envelopes = {Cue.BEAT: BEAT_ENVELOPE, Cue.TURN: TURN_ENVELOPE}
        self._onsets: dict[Cue, list[float]] = {cue: [] for cue in TRANSIENT_CUES}
        self._steady: dict[Cue, _Steady] = {cue: _Steady() for cue in STEADY_CUES}
        #: Onsets refused by the limits, per cue (for logs and tests).
        self.dropped: dict[Cue, int] = {cue: 0 for cue in TRANSIENT_CUES}

    # ---- transient cues

    def request(self, cue: Cue, onset: float) -> bool:
        """Ask for a transient cue to start at session time ``onset`` (s); True if it will show."""
        onsets = self._onsets[cue]
        self._forget_before(onset - 10.0)
        i = bisect.bisect_left(onsets, onset)
        near = [onsets[j] for j in (i - 1, i) if 0 <= j < len(onsets)]
        if any(abs(other - onset) < 1e-6 for other in near):
            return True  # already scheduled
        if any(abs(other - onset) < self.limits.min_gap_s for other in near) or not self._fits_window(onset):
            self.dropped[cue] += 1
            return False
        onsets.insert(i, onset)
        return True

    def _fits_window(self, onset: float) -> bool:
        """Whether one more onset keeps every window within ``max_onsets_per_window``."""
        w, n = self.limits.window_s, self.limits.max_onsets_per_window
        close = sorted([o for ons in self._onsets.values() for o in ons if abs(o - onset) < w] + [onset])
        return all(close[k + n] - close[k] >= w for k in range(len(close) - n))

    def _forget_before(self, t: float) -> None:
        for onsets in self._onsets.values():
            drop = bisect.bisect_left(onsets, t)
            if drop > 64:  # prune in chunks: cheap, and old onsets no longer matter
                del onsets[:drop]

    def add_beat(self, beat_t: float, now: float) -> bool:
        """A heartbeat at session time ``beat_t`` became known at ``now`` (s); True if it will pulse."""
        onset = beat_t + BEAT_DISPLAY_DELAY_S
        if onset < now - BEAT_LATE_TOLERANCE_S:
            return False
        return self.request(Cue.BEAT, onset)

    def expect_turn(self, turn_t: float, now: float) -> bool:
        """The breath turns at session time ``turn_t``: schedule the swell to peak there.

        Called every frame with the pacer's next turn; a turn that moved (the pacer was changed)
        replaces the one still pending.
        """
        onset = turn_t - TURN_ENVELOPE.rise_s
        onsets = self._onsets[Cue.TURN]
        pending = [o for o in onsets if o > now]
        if pending and all(abs(o - onset) < 1e-6 for o in pending):
            return True
        for o in pending:
            onsets.remove(o)
        return self.request(Cue.TURN, max(onset, now))

    def onsets(self, cue: Cue) -> tuple[float, ...]:
        """Accepted onsets of a transient cue still remembered, s."""
        return tuple(self._onsets[cue])

    # ---- steady cues

    def set_on(self, cue: Cue, on: bool, now: float) -> None:
        """Switch a steady cue on or off at ``now`` (s), or as soon as its dwell time allows."""
        state = self._steady[cue]
        target = 1.0 if on else 0.0
        while len(state.switches) > 1 and state.switches[-1][0] > now:
            state.switches.pop()  # a pending switch is replaced by the newer wish
        last_t, _, last_target = state.switches[-1]
        if last_target == target:
            return
        at = max(now, last_t + self.limits.steady_dwell_s)
        state.switches.append((at, state.base(at), target))
        del state.switches[:-4]

    def is_on(self, cue: Cue) -> bool:
        """The latest wish for a steady cue (it may still be fading)."""
        return self._steady[cue].switches[-1][2] > 0.5

    # ---- what to draw

    def level(self, cue: Cue, t: float) -> float:
        """Intensity of ``cue`` at session time ``t`` (s), 0..1."""
        if cue in self._steady:
            base = self._steady[cue].base(t)
            if cue is Cue.SIGNAL_LOST and base > 0:
                since = t - self._steady[cue].switches[-1][0]
                wave = (1 - math.cos(2 * math.pi * since / SIGNAL_LOST_GLOW_PERIOD_S)) / 2
                return base * (1 - SIGNAL_LOST_GLOW_DEPTH * wave)
            return base
        envelope = self.envelopes[cue]
        onsets = self._onsets[cue]
        i = bisect.bisect_right(onsets, t)
        best = 0.0
        while i > 0 and t - onsets[i - 1] < envelope.length_s:
            best = max(best, envelope.level(t - onsets[i - 1]))
            i -= 1
        return best

    def levels(self, t: float) -> dict[Cue, float]:
        """Every cue's intensity at ``t`` (s)."""
        return {cue: self.level(cue, t) for cue in Cue}


# --------------------------------------------------------------------------- the signal


class SignalCondition(enum.Enum):
    """Whether heartbeats are arriving, and if not, why (what the signal-lost cue tells)."""

    FINE = "fine"
    NO_CONTACT = "no_contact"
    OUT_OF_REACH = "out_of_reach"
    WAITING = "waiting"
    ENDED = "ended"

    @property
    def lost(self) -> bool:
        """Whether the signal-lost cue shows (the end of a recording is not a loss)."""
        return self not in (SignalCondition.FINE, SignalCondition.ENDED)


#: Plain, kind words for each condition (docs/screens.md: no alarms, no red, no exclamation marks).
SIGNAL_WORDS = {
    SignalCondition.FINE: "",
    SignalCondition.NO_CONTACT: words.CONTACT_LOST,
    SignalCondition.OUT_OF_REACH: words.OUT_OF_REACH,
    SignalCondition.WAITING: words.WAITING_FOR_HEARTBEAT,
    SignalCondition.ENDED: words.RECORDING_ENDED,
}

#: No beat for this long counts as a lost signal, s (a strap notifies every second).
SIGNAL_STALE_S = 5.0


def signal_condition(contact: Contact, link: LinkState | None, last_beat_arrival: float | None, now: float) -> SignalCondition:
    """The signal's condition at session time ``now`` (s).

    Parameters
    ----------
    contact : Contact
        Skin contact from the newest sample.
    link : LinkState or None
        The source's newest link state (None: none reported yet).
    last_beat_arrival : float or None
        Session time at which the newest beat arrived, s (None: no beat yet).
    now : float
        Session time, s.
    """
    if link is LinkState.FINISHED:
        return SignalCondition.ENDED
    if contact is Contact.NOT_DETECTED:
        return SignalCondition.NO_CONTACT
    if link in (LinkState.LOST, LinkState.RECONNECTING, LinkState.SCANNING, LinkState.CONNECTING):
        return SignalCondition.OUT_OF_REACH
    if last_beat_arrival is None or now - last_beat_arrival > SIGNAL_STALE_S:
        return SignalCondition.WAITING
    return SignalCondition.FINE
