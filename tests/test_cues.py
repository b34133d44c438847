"""The cue scheduler keeps every cue inside the photosensitivity limits, whatever the input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from biofeedback.core.animation import hex_rgb
from biofeedback.core.cues import (
    BEAT_DISPLAY_DELAY_S,
    BEAT_ENVELOPE,
    CUE_LOOKS,
    NO_LIMITS,
    SAFE_LIMITS,
    STEADY_FADE_S,
    TURN_ENVELOPE,
    Cue,
    CueLook,
    CueScheduler,
    is_flash_pair,
    is_saturated_red,
    relative_luminance,
)


def most_in_any_window(times, window=1.0) -> int:
    """Largest number of ``times`` inside any half-open window of length ``window`` (brute force)."""
    times = np.sort(np.asarray(times))
    return max((int(np.sum((times >= t) & (times < t + window))) for t in times), default=0)


# ---- WCAG terms, against published values


@pytest.mark.parametrize(
    ("colour", "luminance"),
    [("#000000", 0.0), ("#FFFFFF", 1.0), ("#FF0000", 0.2126), ("#00FF00", 0.7152), ("#0000FF", 0.0722), ("#777777", 0.1845)],
)
def test_relative_luminance_matches_wcag(colour, luminance):
    assert relative_luminance(hex_rgb(colour)) == pytest.approx(luminance, abs=5e-4)


def test_saturated_red_is_recognised():
    assert is_saturated_red(hex_rgb("#FF0000"))
    assert is_saturated_red(hex_rgb("#D55E00"))  # Okabe-Ito vermillion: too red to flash
    assert not is_saturated_red(hex_rgb("#E69F00"))  # Okabe-Ito orange is fine
    assert not is_saturated_red(hex_rgb("#000000"))


def test_a_red_cue_cannot_be_made():
    with pytest.raises(ValueError, match="saturated red"):
        CueLook("#243141", "#D55E00")


def test_app_cue_colours_are_safe_and_the_pulsing_ones_are_real_flashes():
    for cue, look in CUE_LOOKS.items():
        for level in np.linspace(0, 1, 21):
            assert not is_saturated_red(look.rgb(level)), cue
    # the beat and turn lamps are visible enough to count as flashes: the limiter is what keeps them safe
    assert CUE_LOOKS[Cue.BEAT].is_flash and CUE_LOOKS[Cue.TURN].is_flash
    assert is_flash_pair(hex_rgb("#202020"), hex_rgb("#FFFFFF"))
    assert not is_flash_pair(hex_rgb("#F0F0F0"), hex_rgb("#FFFFFF"))  # 0.13 apart, but the darker is above 0.8


# ---- transient cues


def beats_at(bpm: float, seconds: float, jitter_ms: float = 0.0, seed: int = 0) -> np.ndarray:
    rr = np.full(int(seconds * bpm / 60), 60.0 / bpm)
    rr += np.random.default_rng(seed).normal(0, jitter_ms / 1000, len(rr))
    return np.cumsum(rr)


@pytest.mark.parametrize("bpm", [60, 90, 120, 180, 240])
def test_beat_pulses_stay_at_or_below_two_per_second(bpm):
    scheduler = CueScheduler()
    beats = beats_at(bpm, 30, jitter_ms=20)
    for b in beats:
        scheduler.add_beat(b, now=b + 1.0)  # arriving about a second late, as from a strap
    onsets = np.array(scheduler.onsets(Cue.BEAT))
    assert np.min(np.diff(onsets)) >= SAFE_LIMITS.min_gap_s - 1e-9
    assert most_in_any_window(onsets) <= 2
    if bpm <= 100:  # slow enough: every beat pulses, on the heart's own rhythm
        assert onsets == pytest.approx(beats + BEAT_DISPLAY_DELAY_S)
    else:
        assert len(onsets) < len(beats)
        assert scheduler.dropped[Cue.BEAT] == len(beats) - len(onsets)


def test_without_limits_every_beat_pulses():
    scheduler = CueScheduler(NO_LIMITS)
    beats = beats_at(180, 10)
    for b in beats:
        scheduler.add_beat(b, now=b)
    assert most_in_any_window(scheduler.onsets(Cue.BEAT)) >= 3


def test_a_beat_that_arrives_too_late_is_not_shown():
    scheduler = CueScheduler()
    assert not scheduler.add_beat(10.0, now=10.0 + BEAT_DISPLAY_DELAY_S + 0.2)
    assert scheduler.onsets(Cue.BEAT) == ()


@given(st.lists(st.tuples(st.sampled_from([Cue.BEAT, Cue.TURN]), st.floats(0.0, 20.0)), max_size=200))
def test_whatever_is_asked_no_window_holds_more_than_three_onsets(requests):
    scheduler = CueScheduler()
    for cue, onset in requests:
        scheduler.request(cue, onset)
    everything = [o for cue in (Cue.BEAT, Cue.TURN) for o in scheduler.onsets(cue)]
    assert most_in_any_window(everything) <= 3
    for cue in (Cue.BEAT, Cue.TURN):
        assert most_in_any_window(scheduler.onsets(cue)) <= 2


def test_envelope_rises_and_falls_once():
    t = np.arange(-0.1, 1.0, 0.001)
    level = np.array([BEAT_ENVELOPE.level(x) for x in t])
    assert level.max() == pytest.approx(1.0, abs=1e-3)
    rises = np.sum(np.diff(np.sign(np.diff(level[level > 0]))) != 0)
    assert rises == 1  # one peak: one rise, one fall
    assert BEAT_ENVELOPE.length_s < SAFE_LIMITS.min_gap_s  # each pulse is over before the next may start


def test_levels_follow_the_envelope():
    scheduler = CueScheduler()
    scheduler.request(Cue.BEAT, 5.0)
    assert scheduler.level(Cue.BEAT, 4.99) == 0.0
    assert scheduler.level(Cue.BEAT, 5.0 + BEAT_ENVELOPE.rise_s) == pytest.approx(1.0)
    assert scheduler.level(Cue.BEAT, 5.0 + BEAT_ENVELOPE.length_s) == 0.0


def test_turn_cue_peaks_at_the_turn_and_follows_a_changed_pacer():
    scheduler = CueScheduler()
    assert scheduler.expect_turn(turn_t=4.0, now=0.0)
    assert scheduler.expect_turn(turn_t=4.0, now=0.1)  # asked again every frame: still one
    assert scheduler.onsets(Cue.TURN) == pytest.approx((4.0 - TURN_ENVELOPE.rise_s,))
    assert scheduler.level(Cue.TURN, 4.0) == pytest.approx(1.0)
    scheduler.expect_turn(turn_t=6.5, now=1.0)  # the pacer changed: the pending turn moves
    assert scheduler.onsets(Cue.TURN) == pytest.approx((6.5 - TURN_ENVELOPE.rise_s,))


# ---- steady cues


def test_a_flickering_coherence_level_cannot_blink_the_reward_lamp():
    scheduler = CueScheduler()
    t = np.arange(0.0, 20.0, 1 / 60)
    wishes = np.arange(0.0, 20.0, 0.3)
    level = []
    k = 0
    for now in t:
        while k < len(wishes) and wishes[k] <= now:
            scheduler.set_on(Cue.REWARD, k % 2 == 0, now)
            k += 1
        level.append(scheduler.level(Cue.REWARD, now))
    level = np.array(level)
    # switches happen at most every dwell time, so the lamp changes direction at most that often
    turning = np.flatnonzero(np.diff(np.sign(np.round(np.diff(level), 9))) != 0)
    moving = t[1:-1][turning]
    assert most_in_any_window(moving, window=SAFE_LIMITS.steady_dwell_s) <= 2
    assert np.max(np.abs(np.diff(level))) < 0.05  # and it only ever fades


def test_a_steady_lamp_fades_on_and_off():
    scheduler = CueScheduler()
    scheduler.set_on(Cue.REWARD, True, 10.0)
    assert scheduler.is_on(Cue.REWARD)
    assert scheduler.level(Cue.REWARD, 10.0) == 0.0
    assert scheduler.level(Cue.REWARD, 10.0 + STEADY_FADE_S / 2) == pytest.approx(0.5)
    assert scheduler.level(Cue.REWARD, 10.0 + STEADY_FADE_S) == 1.0
    scheduler.set_on(Cue.REWARD, False, 11.0)  # too soon: waits for the dwell time
    assert scheduler.level(Cue.REWARD, 11.5) == 1.0
    assert scheduler.level(Cue.REWARD, 12.0 + STEADY_FADE_S) == 0.0


def test_signal_lost_glows_slowly():
    scheduler = CueScheduler()
    scheduler.set_on(Cue.SIGNAL_LOST, True, 0.0)
    t = np.arange(STEADY_FADE_S, 30.0, 0.05)
    level = np.array([scheduler.level(Cue.SIGNAL_LOST, x) for x in t])
    assert level.min() > 0.6 and level.max() == pytest.approx(1.0, abs=1e-3)
    spectrum = np.abs(np.fft.rfft(level - level.mean()))
    peak_hz = np.fft.rfftfreq(len(level), 0.05)[np.argmax(spectrum)]
    assert peak_hz < 0.25


# ---- the signal's condition


def test_signal_condition_says_why_no_heartbeat_arrives():
    from biofeedback.core.cues import SIGNAL_STALE_S, SIGNAL_WORDS, SignalCondition, signal_condition
    from biofeedback.core.samples import Contact, LinkState

    streaming = LinkState.STREAMING
    assert signal_condition(Contact.DETECTED, streaming, 10.0, 11.0) is SignalCondition.FINE
    assert signal_condition(Contact.DETECTED, streaming, None, 1.0) is SignalCondition.WAITING
    assert signal_condition(Contact.DETECTED, streaming, 10.0, 10.0 + SIGNAL_STALE_S + 0.1) is SignalCondition.WAITING
    assert signal_condition(Contact.NOT_DETECTED, streaming, 10.0, 11.0) is SignalCondition.NO_CONTACT
    assert signal_condition(Contact.UNSUPPORTED, LinkState.RECONNECTING, 10.0, 11.0) is SignalCondition.OUT_OF_REACH
    assert signal_condition(Contact.NOT_DETECTED, LinkState.FINISHED, 10.0, 99.0) is SignalCondition.ENDED
    assert not SignalCondition.ENDED.lost and not SignalCondition.FINE.lost and SignalCondition.WAITING.lost
    for words in SIGNAL_WORDS.values():
        assert "!" not in words
