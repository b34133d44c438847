"""A physiological heart simulator for the demo source and for tests.

Not a sine wave: the heart rate is the resting level with a slow random drift (Ornstein-Uhlenbeck,
tau 40 s) plus a cardiovascular model in which the baroreflex is a delayed feedback loop, as in
the resonance literature (deBoer, Karemaker & Strackee 1987; Vaschillo et al. 2002, 2006; Lehrer &
Gevirtz 2014):

- breathing moves heart rate directly (respiratory sinus arrhythmia: a fast vagal path, lag
  :data:`RSA_LAG_S`) and moves blood pressure mechanically (in-breath lowers it, intrathoracic
  pressure);
- heart rate moves blood pressure (cardiac output), and blood pressure moves heart rate at once
  through the vagal baroreflex (pressure up, heart rate down);
- blood pressure also acts on vascular tone through the sympathetic baroreflex: low-pass
  (:data:`VASCULAR_LAG_S`) and delayed by ``D`` seconds, pushing pressure back the other way.

The vascular loop resonates where its delay and lag add up to half a period (phase -180
degrees): ``D`` is set so that this happens at the person's ``resonance`` rate, which is then
where breathing gives the largest heart-rate swing and LF peak. There the closed loop's response
is real and positive: heart rate rises and falls in phase with breathing (0 degrees) and 180
degrees out of phase with blood pressure; breathing slower, heart rate leads; faster, it lags
(Vaschillo 2002). The loop gain at resonance (:data:`LOOP_GAIN`) sets how sharp the resonance is.

Beats are fired by integrating the heart rate (integral pulse frequency modulation), with
independent beat-time jitter and optional premature (ectopic) beats followed by their
compensatory pause.

Breathing is spontaneous (12-16 breaths/min, wandering) unless a pacer runs; then the person
follows it imperfectly (a reaction lag of 0.1-0.4 s, a depth that varies breath to breath, now and
then a shallow breath), or, with ``follow`` below 1, follows only that share of the pacer's breaths
and breathes at their own pace through the others. Everything is deterministic for a given seed:
the pacer is switched at the session time it says, on the simulation's own step grid, so the same
seed gives the same beats whatever the speed and however the calls are sliced. Time is passed in.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from biofeedback.core.pacer import PacerSettings, pacer_state

#: Integration step, s. Twenty steps per second resolves breathing and beats (beat times are
#: interpolated within a step).
STEP_S = 0.05

#: Lag of the direct respiratory (vagal) path to heart rate, s: vagal effects act within about
#: half a second (Berger, Saul & Cohen 1989).
RSA_LAG_S = 0.4

#: Low-pass time constant of the sympathetic (vascular) baroreflex, s (its effect builds over a
#: few seconds: deBoer et al. 1987).
VASCULAR_LAG_S = 1.5

#: Share of the loop's own damping that the vascular loop cancels at resonance (0..1). 0.75
#: amplifies breathing at resonance about fourfold, a peak-to-trough swing of 10-15 beats/min
#: (resonance breathing in Lehrer et al. 2000 and Vaschillo 2002 gives 10-20).
LOOP_GAIN = 0.75

#: Spontaneous vasomotor noise on blood pressure (Ornstein-Uhlenbeck): its standard deviation,
#: mmHg, and time constant, s. The baroreflex loop turns it into the slow, wandering
#: oscillations (Mayer waves) a resting heart rate shows near the resonance rate.
VASOMOTOR_MMHG = 1.5
VASOMOTOR_TAU_S = 3.0

#: Blood pressure per unit of breath depth, mmHg (inspiration lowers it by a few mmHg).
RESP_PRESSURE_MMHG = 6.0

#: Blood pressure per beat/min of heart rate (cardiac output), mmHg.
HR_PRESSURE_MMHG = 0.6

#: Vagal baroreflex gain, beats/min per mmHg (about 12 ms/mmHg at 70 beats/min).
BARO_GAIN_BPM_PER_MMHG = 0.9


@dataclass(frozen=True, slots=True)
class SimulatorParams:
    """A simulated person.

    Attributes
    ----------
    resonance_bpm : breaths/min at which the baroreflex loop resonates (typically 4.5-6.5).
    hr_bpm : resting heart rate, beats/min.
    ectopic_rate : probability that a beat is premature (0..0.2).
    seed : random seed; equal seeds give equal sessions.
    follow : share of the pacer's breaths the person follows (0..1); 0 ignores the pacer.
    rsa_gain_bpm : direct vagal heart-rate change per unit of breath depth, beats/min.
    jitter_ms : standard deviation of the beat-time jitter, ms.
    drift_bpm : standard deviation of the slow heart-rate drift, beats/min.
    """

    resonance_bpm: float = 5.5
    hr_bpm: float = 68.0
    ectopic_rate: float = 0.0
    seed: int = 0
    follow: float = 1.0
    rsa_gain_bpm: float = 3.0
    jitter_ms: float = 9.0
    drift_bpm: float = 2.5

    def __post_init__(self) -> None:
        if not 2.0 <= self.resonance_bpm <= 12.0:
            raise ValueError("resonance must be 2-12 breaths/min")
        if not 30.0 <= self.hr_bpm <= 200.0:
            raise ValueError("hr must be 30-200 beats/min")
        if not 0.0 <= self.ectopic_rate <= 0.2:
            raise ValueError("ectopic must be 0-0.2")
        if not 0.0 <= self.follow <= 1.0:
            raise ValueError("follow must be 0-1")

    @property
    def baroreflex_delay_s(self) -> float:
        """Delay of the vascular baroreflex that puts the loop's resonance at ``resonance_bpm``, s.

        The loop's phase, delay plus low-pass, reaches -180 degrees at the resonance:
        ``2 pi f D + atan(2 pi f tau) = pi``.
        """
        omega = 2.0 * math.pi * self.resonance_bpm / 60.0
        return (math.pi - math.atan(omega * VASCULAR_LAG_S)) / omega


class Physiology:
    """The simulated person, advanced step by step to any session time."""

    _BLOCK = 4096  # random numbers drawn per refill

    def __init__(self, params: SimulatorParams = SimulatorParams()) -> None:
        self.params = params
        self._rng = np.random.default_rng(params.seed)
        self._step = 0
        self._pacer: PacerSettings | None = None
        self._pacer_start = 0.0
        self._pending: deque[tuple[float, PacerSettings | None]] = deque()  # pacer changes not yet reached
        # breathing
        self._breath_phase = self._rng.uniform(0, 1)
        self._spont_rate = 14.0
        self._depth = 1.0
        self._lag = 0.25
        self._last_cycle = -1
        self._cycle_followed = True
        self._cycle_breaths = 1
        self.volume = 0.0
        # heart and pressure
        self._drift = 0.0
        self._rsa = 0.0
        self._vascular = 0.0  # low-passed pressure seen by the vascular baroreflex, mmHg
        self._vasomotor = 0.0  # spontaneous vasomotor noise, mmHg
        self._delay_steps = params.baroreflex_delay_s / STEP_S
        self._history = np.zeros(int(self._delay_steps) + 2)  # past low-passed pressure, a ring
        omega = 2.0 * math.pi * params.resonance_bpm / 60.0
        fast = 1.0 + HR_PRESSURE_MMHG * BARO_GAIN_BPM_PER_MMHG
        self._vascular_gain = LOOP_GAIN * fast * math.hypot(1.0, omega * VASCULAR_LAG_S)
        self.pressure_mmhg = 0.0  # deviation of mean arterial pressure from rest
        self._beat_phase = self._rng.uniform(0, 1)
        self._last_beat: float | None = None
        self._beats: list[float] = []
        self._noise = np.empty(0)
        self._noise_i = 0

    @property
    def t(self) -> float:
        return self._step * STEP_S

    def follow(self, pacer: PacerSettings | None, start_t: float) -> None:
        """Breathe with ``pacer`` from session time ``start_t`` (None: freely from then on).

        The change takes effect on the first simulation step at or after ``start_t`` (at once if
        the simulation is already past it), so it does not depend on when this call arrives.
        """
        self._pending.append((start_t, pacer))

    def _normal(self) -> float:
        if self._noise_i >= len(self._noise):
            self._noise = self._rng.standard_normal(self._BLOCK)
            self._noise_i = 0
        self._noise_i += 1
        return float(self._noise[self._noise_i - 1])

    def _new_breath(self) -> None:
        shallow = self._rng.uniform() < 0.08
        self._depth = self._rng.uniform(0.85, 1.1) * (0.5 if shallow else 1.0)
        self._lag = self._rng.uniform(0.1, 0.4)

    def _spontaneous(self, dt: float) -> float:
        """A breath at the person's own wandering rate, 12-16 breaths/min."""
        self._spont_rate += (14.0 - self._spont_rate) * dt / 30.0 + 0.35 * math.sqrt(dt) * self._normal()
        self._spont_rate = min(max(self._spont_rate, 12.0), 16.0)
        self._breath_phase += self._spont_rate / 60.0 * dt
        if self._breath_phase >= 1.0:
            self._breath_phase -= 1.0
            self._new_breath()
        return self._depth * (1 - math.cos(2 * math.pi * self._breath_phase)) / 2

    def _breathe(self, t: float, dt: float) -> float:
        pacer = self._pacer
        if pacer is None or self.params.follow == 0.0:
            return self._spontaneous(dt)
        state = pacer_state(pacer, t - self._pacer_start - self._lag)
        if state.cycle != self._last_cycle:
            self._last_cycle = state.cycle
            self._new_breath()
            if self.params.follow < 1.0:
                # this breath of the pacer is followed, or breathed through at the person's own
                # pace (whole breaths fitted into the pacer's, so the lungs are empty at its turn)
                self._cycle_followed = self._rng.uniform() < self.params.follow
                self._cycle_breaths = max(1, round(pacer.period_s * self._spont_rate / 60.0))
        if self._cycle_followed:
            return self._depth * state.volume
        into = (t - self._pacer_start - self._lag) / pacer.period_s % 1.0
        return self._depth * (1 - math.cos(2 * math.pi * into * self._cycle_breaths)) / 2

    def advance(self, t_end: float) -> list[tuple[float, float]]:
        """Simulate up to session time ``t_end``; return the new beats as (time s, RR ms)."""
        p = self.params
        dt = STEP_S
        drift_tau = 40.0
        fast = 1.0 + HR_PRESSURE_MMHG * BARO_GAIN_BPM_PER_MMHG
        history = self._history
        size = len(history)
        whole = int(self._delay_steps)
        frac = self._delay_steps - whole
        while self._step * dt < t_end:
            t = self._step * dt
            while self._pending and self._pending[0][0] <= t:
                start, pacer = self._pending.popleft()
                self._pacer, self._pacer_start, self._last_cycle = pacer, start, -1
                self._cycle_followed = True
            self.volume = self._breathe(t, dt)
            drive = self.volume - 0.5 * self._depth  # each breath about its own mid-volume
            self._rsa += (p.rsa_gain_bpm * drive - self._rsa) * dt / RSA_LAG_S
            # the vascular baroreflex acts on the pressure of D seconds ago (linear interpolation)
            k = self._step
            past = (1.0 - frac) * history[(k - whole) % size] + frac * history[(k - whole - 1) % size]
            vascular = -self._vascular_gain * past
            # pressure and the vagal baroreflex settle within the step: solve them together
            self._vasomotor += -self._vasomotor * dt / VASOMOTOR_TAU_S + VASOMOTOR_MMHG * math.sqrt(2 * dt / VASOMOTOR_TAU_S) * self._normal()
            pressure = (HR_PRESSURE_MMHG * self._rsa - RESP_PRESSURE_MMHG * drive + vascular + self._vasomotor) / fast
            self.pressure_mmhg = pressure
            self._vascular += (pressure - self._vascular) * dt / VASCULAR_LAG_S
            history[k % size] = self._vascular
            self._drift += -self._drift * dt / drift_tau + p.drift_bpm * math.sqrt(2 * dt / drift_tau) * self._normal()
            hr = max(p.hr_bpm + self._drift + self._rsa - BARO_GAIN_BPM_PER_MMHG * pressure, 25.0)
            step = hr / 60.0 * dt
            if self._beat_phase + step >= 1.0:
                crossing = t + dt * (1.0 - self._beat_phase) / step
                self._beat_phase += step - 1.0
                beat = crossing + p.jitter_ms / 1000.0 * self._normal()
                if p.ectopic_rate and self._rng.uniform() < p.ectopic_rate:
                    beat -= 0.3 * 60.0 / hr
                self._beats.append(beat)
            else:
                self._beat_phase += step
            self._step += 1
        out = []
        keep = []
        for beat in self._beats:
            if beat > t_end:
                keep.append(beat)
                continue
            if self._last_beat is not None:
                out.append((beat, (beat - self._last_beat) * 1000.0))
            self._last_beat = beat
        self._beats = keep
        return out
