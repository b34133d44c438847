"""A physiological heart simulator for the demo source and for tests.

Not a sine wave: heart rate is the sum of

- a resting level with a slow random drift (Ornstein-Uhlenbeck, tau 40 s);
- respiratory sinus arrhythmia through a fast vagal path (first-order lag, tau 0.8 s);
- a baroreflex loop modelled as a damped resonator (natural frequency = the person's resonance
  breathing rate, damping ratio 0.15), driven by breathing, so that breathing at the resonance
  rate gives the largest heart-rate swing (Vaschillo et al. 2002; Lehrer & Gevirtz 2014);

and beats are fired by integrating that rate (integral pulse frequency modulation), with
independent beat-time jitter and optional premature (ectopic) beats followed by the natural
compensatory pause.

Breathing is spontaneous (12-16 breaths/min, wandering) unless a pacer runs; then the person
follows it imperfectly: a reaction lag of 0.2-0.8 s, a depth that varies breath to breath, and
now and then a shallow breath. Everything is deterministic for a given seed; time is passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from biofeedback.core.pacer import PacerSettings, pacer_state

#: Integration step, s. Twenty steps per second resolves breathing and beats (beat times are
#: interpolated within a step).
STEP_S = 0.05


@dataclass(frozen=True, slots=True)
class SimulatorParams:
    """A simulated person.

    Attributes
    ----------
    resonance_bpm : breaths/min at which the baroreflex resonates (typically 4.5-6.5).
    hr_bpm : resting heart rate, beats/min.
    ectopic_rate : probability that a beat is premature (0..0.2).
    seed : random seed; equal seeds give equal sessions.
    rsa_gain_bpm : direct vagal heart-rate change per unit of breath depth, beats/min.
    baro_gain_bpm : static gain of the baroreflex resonator, beats/min per unit depth.
    damping : damping ratio of the resonator (smaller is a sharper resonance).
    jitter_ms : standard deviation of the beat-time jitter, ms.
    drift_bpm : standard deviation of the slow heart-rate drift, beats/min.
    """

    resonance_bpm: float = 5.5
    hr_bpm: float = 68.0
    ectopic_rate: float = 0.0
    seed: int = 0
    rsa_gain_bpm: float = 4.0
    baro_gain_bpm: float = 4.5
    damping: float = 0.15
    jitter_ms: float = 9.0
    drift_bpm: float = 2.5

    def __post_init__(self) -> None:
        if not 2.0 <= self.resonance_bpm <= 12.0:
            raise ValueError("resonance must be 2-12 breaths/min")
        if not 30.0 <= self.hr_bpm <= 200.0:
            raise ValueError("hr must be 30-200 beats/min")
        if not 0.0 <= self.ectopic_rate <= 0.2:
            raise ValueError("ectopic must be 0-0.2")


class Physiology:
    """The simulated person, advanced step by step to any session time."""

    _BLOCK = 4096  # random numbers drawn per refill

    def __init__(self, params: SimulatorParams = SimulatorParams()) -> None:
        self.params = params
        self._rng = np.random.default_rng(params.seed)
        self._t = 0.0
        self._pacer: PacerSettings | None = None
        self._pacer_start = 0.0
        # breathing
        self._breath_phase = self._rng.uniform(0, 1)
        self._spont_rate = 14.0
        self._depth = 1.0
        self._lag = 0.5
        self._last_cycle = -1
        self.volume = 0.0
        # heart
        self._drift = 0.0
        self._rsa = 0.0
        self._baro_x = 0.0
        self._baro_v = 0.0
        self._beat_phase = self._rng.uniform(0, 1)
        self._last_beat: float | None = None
        self._pending: list[float] = []
        self._noise = np.empty(0)
        self._noise_i = 0

    @property
    def t(self) -> float:
        return self._t

    def follow(self, pacer: PacerSettings | None, start_t: float) -> None:
        """Breathe with ``pacer`` (started at session time ``start_t``), or freely with None."""
        self._pacer = pacer
        self._pacer_start = start_t
        self._last_cycle = -1

    def _normal(self) -> float:
        if self._noise_i >= len(self._noise):
            self._noise = self._rng.standard_normal(self._BLOCK)
            self._noise_i = 0
        self._noise_i += 1
        return float(self._noise[self._noise_i - 1])

    def _new_breath(self) -> None:
        shallow = self._rng.uniform() < 0.08
        self._depth = self._rng.uniform(0.85, 1.1) * (0.5 if shallow else 1.0)
        self._lag = self._rng.uniform(0.2, 0.8)

    def _breathe(self, dt: float) -> float:
        if self._pacer is not None:
            state = pacer_state(self._pacer, self._t - self._pacer_start - self._lag)
            if state.cycle != self._last_cycle:
                self._last_cycle = state.cycle
                self._new_breath()
            return self._depth * state.volume
        # spontaneous: a rate wandering within 12-16 breaths/min
        self._spont_rate += (14.0 - self._spont_rate) * dt / 30.0 + 0.35 * math.sqrt(dt) * self._normal()
        self._spont_rate = min(max(self._spont_rate, 12.0), 16.0)
        self._breath_phase += self._spont_rate / 60.0 * dt
        if self._breath_phase >= 1.0:
            self._breath_phase -= 1.0
            self._new_breath()
        return self._depth * (1 - math.cos(2 * math.pi * self._breath_phase)) / 2

    def advance(self, t_end: float) -> list[tuple[float, float]]:
        """Simulate up to session time ``t_end``; return the new beats as (time s, RR ms)."""
        p = self.params
        dt = STEP_S
        omega = 2 * math.pi * p.resonance_bpm / 60.0
        drift_tau = 40.0
        while self._t < t_end:
            self.volume = self._breathe(dt)
            drive = self.volume - 0.5
            self._rsa += (p.rsa_gain_bpm * drive - self._rsa) * dt / 0.8
            accel = omega * omega * (p.baro_gain_bpm * drive - self._baro_x) - 2 * p.damping * omega * self._baro_v
            self._baro_v += accel * dt
            self._baro_x += self._baro_v * dt
            self._drift += -self._drift * dt / drift_tau + p.drift_bpm * math.sqrt(2 * dt / drift_tau) * self._normal()
            hr = max(p.hr_bpm + self._drift + self._rsa + self._baro_x, 25.0)
            step = hr / 60.0 * dt
            if self._beat_phase + step >= 1.0:
                crossing = self._t + dt * (1.0 - self._beat_phase) / step
                self._beat_phase += step - 1.0
                beat = crossing + p.jitter_ms / 1000.0 * self._normal()
                if p.ectopic_rate and self._rng.uniform() < p.ectopic_rate:
                    beat -= 0.3 * 60.0 / hr
                self._pending.append(beat)
            else:
                self._beat_phase += step
            self._t += dt
        out = []
        keep = []
        for beat in self._pending:
            if beat > t_end:
                keep.append(beat)
                continue
            if self._last_beat is not None:
                out.append((beat, (beat - self._last_beat) * 1000.0))
            self._last_beat = beat
        self._pending = keep
        return out
