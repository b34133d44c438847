"""The breathing pacer: rates, ratios, holds and presets, checked against their definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from biofeedback.core.pacer import (
    PRESETS,
    RATE_MAX_BPM,
    RATE_MIN_BPM,
    PacerSettings,
    Phase,
    assessed_preset,
    pacer_state,
    preset_by_key,
    presets,
    snap_rate,
)


def phases_over(settings: PacerSettings, step: float = 0.01) -> list[tuple[float, Phase]]:
    t = np.arange(0.0, settings.period_s, step)
    return [(x, pacer_state(settings, x).phase) for x in t]


def phase_durations(settings: PacerSettings, step: float = 0.001) -> dict[Phase, float]:
    """How long each phase lasts over one breath, measured by sampling the pacer."""
    counts: dict[Phase, int] = {}
    for x in np.arange(step / 2, settings.period_s, step):
        phase = pacer_state(settings, float(x)).phase
        counts[phase] = counts.get(phase, 0) + 1
    return {phase: n * step for phase, n in counts.items()}


@pytest.mark.parametrize(
    ("key", "rate", "durations"),
    [
        ("resonance", 6.0, {Phase.INHALE: 4.0, Phase.EXHALE: 6.0}),
        ("coherent", 5.5, {Phase.INHALE: 60 / 5.5 / 2, Phase.EXHALE: 60 / 5.5 / 2}),
        ("box", 60 / 16, {Phase.INHALE: 4.0, Phase.HOLD_IN: 4.0, Phase.EXHALE: 4.0, Phase.HOLD_OUT: 4.0}),
        ("478", 60 / 19, {Phase.INHALE: 4.0, Phase.HOLD_IN: 7.0, Phase.EXHALE: 8.0}),
    ],
)
def test_presets_breathe_as_their_names_say(key, rate, durations):
    settings = preset_by_key(key).settings
    assert settings.breaths_per_min == pytest.approx(rate)
    measured = phase_durations(settings)
    assert set(measured) == set(durations)
    for phase, seconds in durations.items():
        assert measured[phase] == pytest.approx(seconds, abs=0.002)


def test_phase_order_is_in_hold_out_hold():
    box = preset_by_key("box").settings
    order = [pacer_state(box, t).phase for t in (1.0, 5.0, 9.0, 13.0, 17.0)]
    assert order == [Phase.INHALE, Phase.HOLD_IN, Phase.EXHALE, Phase.HOLD_OUT, Phase.INHALE]
    assert [pacer_state(box, t).words for t in (1.0, 5.0, 9.0, 13.0)] == ["Breathe in", "Hold", "Breathe out", "Hold"]


def test_seconds_left_counts_down_to_the_turn():
    settings = PacerSettings(4.0, 6.0)
    assert pacer_state(settings, 1.0).seconds_left == pytest.approx(3.0)
    assert pacer_state(settings, 7.5).seconds_left == pytest.approx(2.5)
    assert pacer_state(settings, 21.0).cycle == 2


def test_assessed_rate_is_offered_only_once_known():
    assert [p.key for p in presets()] == [p.key for p in PRESETS]
    offered = presets(assessed_bpm=5.23)
    assert offered[-1].key == "assessed"
    assert offered[-1].settings.breaths_per_min == pytest.approx(5.2)
    assert "5.2" in offered[-1].title
    with pytest.raises(KeyError):
        preset_by_key("assessed")
    assert preset_by_key("assessed", 4.8).settings.breaths_per_min == pytest.approx(4.8)
    assert assessed_preset(20).settings.breaths_per_min == pytest.approx(RATE_MAX_BPM)


@pytest.mark.parametrize(("asked", "offered"), [(2.0, 3.0), (3.04, 3.0), (5.55, 5.5), (5.56, 5.6), (6.0, 6.0), (12.7, 12.0)])
def test_rates_snap_to_the_grid(asked, offered):
    assert snap_rate(asked) == pytest.approx(offered)


@pytest.mark.parametrize("bad", [0.0, -3.0, math.nan, math.inf])
def test_nonsense_rates_are_refused(bad):
    with pytest.raises(ValueError):
        snap_rate(bad)


def test_ratio_splits_the_moving_time():
    settings = PacerSettings.from_ratio(6.0, 1, 2, hold_in_s=1.0)
    assert settings.period_s == pytest.approx(10.0)
    assert settings.inhale_s == pytest.approx(3.0)
    assert settings.exhale_s == pytest.approx(6.0)
    assert settings.hold_in_s == 1.0
    with pytest.raises(ValueError):
        PacerSettings.from_ratio(12.0, 1, 1, hold_in_s=3.0, hold_out_s=3.0)  # holds longer than the breath


def test_from_rate_still_works_for_the_simulator():
    settings = PacerSettings.from_rate(6.0)
    assert (settings.inhale_s, settings.exhale_s) == pytest.approx((4.0, 6.0))


@given(
    tenths=st.integers(int(RATE_MIN_BPM * 10), int(RATE_MAX_BPM * 10)),
    inhale=st.integers(1, 3),
    exhale=st.integers(1, 3),
    hold_share=st.floats(0.0, 0.4),
)
def test_every_offered_pattern_is_smooth_and_has_the_asked_rate(tenths, inhale, exhale, hold_share):
    rate = tenths / 10
    hold = 60.0 / rate * hold_share / 2
    settings = PacerSettings.from_ratio(rate, inhale, exhale, hold_in_s=hold, hold_out_s=hold)
    assert settings.breaths_per_min == pytest.approx(rate)
    assert settings.inhale_s / settings.exhale_s == pytest.approx(inhale / exhale)
    t = np.arange(0.0, 2 * settings.period_s, 0.02)
    volume = np.array([pacer_state(settings, x).volume for x in t])
    assert volume.min() >= 0.0 and volume.max() <= 1.0
    # no jumps: the steepest raised-cosine step over 0.02 s is pi/2 * 0.02 / shortest phase
    shortest = min(settings.inhale_s, settings.exhale_s)
    assert np.max(np.abs(np.diff(volume))) <= math.pi / 2 * 0.02 / shortest + 1e-9
