"""The demo's simulated person behaves like a person: a true resonance, spontaneous breathing, ectopy."""

import numpy as np
import pytest

from biofeedback.core.coupling import hr_breathing_coupling, pacer_volume
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.simulator import Physiology, SimulatorParams


SWEEP_BPM = np.arange(4.5, 6.51, 0.25)


def _block(rate: float, params: SimulatorParams, settle: float = 60.0, length: float = 180.0):
    """One block of paced breathing: phase and swing of heart rate against the pacer."""
    person = Physiology(params)
    pacer = PacerSettings.from_rate(rate)
    person.follow(pacer, 0.0)
    person.advance(settle)
    beats = np.array(person.advance(settle + length))
    grid = np.arange(settle, settle + length, 0.25)
    return hr_breathing_coupling(beats[:, 0], beats[:, 1], rate / 60.0, grid, pacer_volume(pacer, 0.0, grid)), person


@pytest.mark.parametrize("resonance", [5.0, 5.5, 6.0])
@pytest.mark.parametrize("seed,hr", [(1, 60.0), (2, 80.0), (3, 68.0)])
def test_a_pacer_sweep_finds_the_resonance_where_it_is_set(resonance, seed, hr):
    """Across 4.5-6.5 breaths/min the swing peaks at the nominal rate and heart rate is in phase there.

    Measured (python bench/resonance_sweep.py, these nine people): the peak at the nominal rate
    in six, one step (0.25 breaths/min) off in three; the phase there within 7 degrees of zero;
    heart rate leads breathing by 17-32 degrees 0.5 breaths/min below resonance and lags by
    25-37 degrees 0.5 above.
    """
    params = SimulatorParams(resonance_bpm=resonance, seed=seed, hr_bpm=hr)
    blocks = [_block(rate, params)[0] for rate in SWEEP_BPM]
    swing = np.array([b.swing_bpm for b in blocks])
    phase = np.array([b.phase_deg for b in blocks])
    assert abs(SWEEP_BPM[int(np.argmax(swing))] - resonance) <= 0.25
    at = int(np.argmin(np.abs(SWEEP_BPM - resonance)))
    assert abs(phase[at]) <= 30.0
    # the phase moves through zero as the pace moves: leading below resonance, lagging above
    assert phase[at - 2] > phase[at] + 10.0 > phase[at + 2] + 20.0
    assert 8.0 < swing[at] < 20.0  # beats/min: a large but human swing


def _phase_against(values: np.ndarray, reference: np.ndarray, grid: np.ndarray, freq_hz: float) -> float:
    """Phase of ``values`` relative to ``reference`` at ``freq_hz``, degrees (positive: leads)."""
    x = 2 * np.pi * freq_hz * grid
    design = np.column_stack([np.cos(x), np.sin(x), np.ones_like(grid), grid - grid.mean()])
    (a, b, *_), *_ = np.linalg.lstsq(design, values, rcond=None)
    (c, d, *_), *_ = np.linalg.lstsq(design, reference, rcond=None)
    return float(np.degrees(np.angle(complex(c, d) * np.conj(complex(a, b)))))


def test_heart_rate_and_blood_pressure_are_in_antiphase_at_resonance():
    """Vaschillo 2002: at resonance heart rate follows breathing at 0 degrees and blood pressure at 180."""
    params = SimulatorParams(resonance_bpm=5.5, seed=4)
    pacer = PacerSettings.from_rate(5.5)
    person = Physiology(params)
    person.follow(pacer, 0.0)
    grid = np.arange(60.0, 240.0, 0.25)
    person.advance(60.0)
    pressure = []
    for t in grid:
        person.advance(float(t))
        pressure.append(person.pressure_mmhg)
    volume = pacer_volume(pacer, 0.0, grid)
    pressure_phase = _phase_against(np.array(pressure), volume, grid, 5.5 / 60.0)
    heart, _ = _block(5.5, params)
    assert abs(heart.phase_deg) < 30.0
    difference = (heart.phase_deg - pressure_phase + 180.0) % 360.0 - 180.0
    assert abs(abs(difference) - 180.0) < 30.0


def test_same_seed_same_beats_however_the_simulation_is_sliced():
    """The pacer switches on the simulation's own step grid: the demo at any speed gives the same beats."""
    runs = []
    for slices in (np.arange(1.0, 200.1, 1.0), [*np.arange(0.37, 200.0, 0.37), 200.0], [200.0]):
        person = Physiology(SimulatorParams(seed=5))
        person.follow(PacerSettings.from_rate(6.0), 30.0)  # asked early: takes effect at 30 s
        beats = []
        for t in slices:
            beats += person.advance(float(t))
        runs.append(beats)
    assert runs[0] == runs[1] == runs[2]
    late = Physiology(SimulatorParams(seed=5))
    beats = late.advance(20.0)
    late.follow(PacerSettings.from_rate(6.0), 30.0)  # asked later, still before 30 s: the same
    assert beats + late.advance(200.0) == runs[0]


def test_a_person_who_ignores_the_pacer_shows_no_resonance_at_its_rate():
    params = SimulatorParams(resonance_bpm=5.5, seed=2, follow=0.0)
    ignored, _ = _block(5.5, params)
    followed, _ = _block(5.5, SimulatorParams(resonance_bpm=5.5, seed=2))
    half, _ = _block(5.5, SimulatorParams(resonance_bpm=5.5, seed=2, follow=0.5))
    assert ignored.amplitude_bpm < 0.3 * followed.amplitude_bpm
    assert ignored.amplitude_bpm < half.amplitude_bpm < followed.amplitude_bpm


def test_same_seed_same_person_other_seed_other_person():
    a = Physiology(SimulatorParams(seed=3)).advance(120)
    b = Physiology(SimulatorParams(seed=3)).advance(120)
    c = Physiology(SimulatorParams(seed=4)).advance(120)
    assert a == b
    assert a != c


def test_spontaneous_breathing_rate_and_resting_values():
    person = Physiology(SimulatorParams(hr_bpm=65, seed=9))
    beats = np.array(person.advance(600))
    rr = beats[:, 1]
    assert 60 < 60000 / rr.mean() < 70
    # the spectral peak of heart rate lies in the spontaneous breathing band, 12-16 /min
    grid = np.arange(beats[0, 0], beats[-1, 0], 0.25)
    hr = np.interp(grid, beats[:, 0], 60000 / rr)
    spectrum = np.abs(np.fft.rfft((hr - hr.mean()) * np.hanning(len(hr))))
    freqs = np.fft.rfftfreq(len(hr), 0.25)
    band = (freqs > 0.15) & (freqs < 0.4)
    peak = freqs[band][np.argmax(spectrum[band])]
    assert 0.19 <= peak <= 0.28
    rmssd = np.sqrt(np.mean(np.diff(rr) ** 2))
    assert 10 < rmssd < 80  # ms, a healthy resting adult


def test_ectopic_beats_are_premature_with_a_compensatory_pause():
    beats = np.array(Physiology(SimulatorParams(ectopic_rate=0.05, seed=2)).advance(600))
    rr = beats[:, 1]
    local = np.convolve(rr, np.ones(9) / 9, mode="same")
    premature = np.flatnonzero(rr[4:-5] < 0.8 * local[4:-5]) + 4
    assert 0.02 * len(rr) < len(premature) < 0.08 * len(rr)
    assert np.mean(rr[premature + 1] > local[premature + 1]) > 0.9


def test_beat_times_and_intervals_agree():
    beats = np.array(Physiology(SimulatorParams(seed=1)).advance(300))
    np.testing.assert_allclose(np.diff(beats[:, 0]) * 1000, beats[1:, 1], atol=1e-6)


@pytest.mark.parametrize("bad", [{"resonance_bpm": 1.0}, {"hr_bpm": 10.0}, {"ectopic_rate": 0.5}, {"follow": 1.5}])
def test_impossible_people_are_refused(bad):
    with pytest.raises(ValueError):
        SimulatorParams(**bad)
