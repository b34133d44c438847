"""The demo's simulated person behaves like a person: resonance, spontaneous breathing, ectopy."""

import numpy as np
import pytest

from biofeedback.core.pacer import PacerSettings
from biofeedback.core.simulator import Physiology, SimulatorParams


def _hr_amplitude_at(beats: np.ndarray, freq_hz: float) -> float:
    """Amplitude of the heart-rate oscillation at ``freq_hz``, by least squares on evenly resampled HR."""
    t, rr = beats[:, 0], beats[:, 1]
    grid = np.arange(t[0], t[-1], 0.25)
    hr = np.interp(grid, t, 60000.0 / rr)
    design = np.column_stack([np.sin(2 * np.pi * freq_hz * grid), np.cos(2 * np.pi * freq_hz * grid), np.ones_like(grid)])
    coef, *_ = np.linalg.lstsq(design, hr, rcond=None)
    return float(np.hypot(coef[0], coef[1]))


def _paced(rate: float, resonance: float, seed: int) -> np.ndarray:
    person = Physiology(SimulatorParams(resonance_bpm=resonance, seed=seed))
    person.follow(PacerSettings.from_rate(rate), 0.0)
    person.advance(60.0)  # settle
    return np.array(person.advance(360.0))


@pytest.mark.parametrize("resonance", [5.0, 5.5, 6.5])
@pytest.mark.parametrize("seed", [1, 2])
def test_breathing_at_resonance_gives_the_largest_swing(resonance, seed):
    at = _hr_amplitude_at(_paced(resonance, resonance, seed), resonance / 60)
    above = _hr_amplitude_at(_paced(resonance + 1.5, resonance, seed), (resonance + 1.5) / 60)
    below = _hr_amplitude_at(_paced(resonance - 1.5, resonance, seed), (resonance - 1.5) / 60)
    assert at > 1.4 * above
    assert at > 1.2 * below
    assert 4.0 < at < 20.0  # beats/min: a large but human swing


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


@pytest.mark.parametrize("bad", [{"resonance_bpm": 1.0}, {"hr_bpm": 10.0}, {"ectopic_rate": 0.5}])
def test_impossible_people_are_refused(bad):
    with pytest.raises(ValueError):
        SimulatorParams(**bad)
