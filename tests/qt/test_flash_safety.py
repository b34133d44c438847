"""Flash safety, measured on rendered frames (WCAG 2.3.1).

The real client view (theme, cue lamps, the one cue scheduler) is driven by the demo person at
60 and at 180 beats/min, with the fastest pacer and a coherence level and skin contact that
flicker on purpose. Every frame of 20+ s at 60 frames per second is rendered offscreen; relative
luminance is computed per pixel with the WCAG formula (written out here, independently of the
app's own helpers) over each cue area, and flashes are counted as WCAG defines them: a pair of
opposing changes in relative luminance of 0.1 or more where the darker state is below 0.8.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from biofeedback.core.cues import NO_LIMITS, CueScheduler
from biofeedback.core.live import LiveMetrics
from biofeedback.core.pacer import PacerSettings, pacer_state
from biofeedback.core.samples import Contact
from biofeedback.core.simulator import SimulatorParams
from biofeedback.core.timeline import BeatTimeline
from biofeedback.qt.client_view import ClientView
from biofeedback.sources.demo import DemoSource

FPS = 60
DURATION_S = 22.0
SIZE = (640, 400)


# ---- the oracle: WCAG 2.3.1 terms, written out from the definitions


def frame_rgb(image: QImage) -> np.ndarray:
    """An image as sRGB floats 0..1, shape (height, width, 3)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return raw[:, : image.width(), 2::-1].astype(np.float64) / 255.0  # BGRA in memory


def linearise(srgb: np.ndarray) -> np.ndarray:
    """WCAG: R = RsRGB/12.92 if RsRGB <= 0.03928 else ((RsRGB+0.055)/1.055)^2.4."""
    return np.where(srgb <= 0.03928, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def luminance(srgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance: L = 0.2126 R + 0.7152 G + 0.0722 B (linear channels)."""
    lin = linearise(srgb)
    return 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]


def transitions(trace: np.ndarray, noise: float = 1e-3) -> list[int]:
    """Frames at which a WCAG transition ends.

    The trace is split at its turning points (ignoring wiggles smaller than ``noise``); each
    monotone stretch whose luminance changes by >= 0.1 with its darker end below 0.8 is one
    transition, ending at the first frame within ``noise`` of its final value (a level that then
    rests does not drag the transition's time along). A flash is a pair of opposing transitions.
    """
    extremes = [0]  # the start, then the frame where each monotone stretch ends
    direction = 0
    for i in range(1, len(trace)):
        last = trace[extremes[-1]]
        if direction == 0:
            if abs(trace[i] - last) > noise:
                direction = 1 if trace[i] > last else -1
                extremes.append(i)
        elif (trace[i] - last) * direction >= 0:
            extremes[-1] = i  # the stretch goes on
        elif abs(trace[i] - last) > noise:
            direction = -direction  # it turned round
            extremes.append(i)
    ends = []
    for a, b in zip(extremes, extremes[1:], strict=False):
        lo, hi = sorted((trace[a], trace[b]))
        if hi - lo >= 0.1 and lo < 0.8:
            # the change is over when the luminance first comes within the noise of where it ends
            ends.append(a + int(np.argmax(np.abs(trace[a : b + 1] - trace[b]) <= noise)))
    return ends


def most_transitions_in_any_second(trace: np.ndarray) -> int:
    ends = np.array(transitions(trace))
    if len(ends) == 0:
        return 0
    return int(max(np.sum((ends >= e) & (ends < e + FPS)) for e in ends))


def saturated_red(srgb: np.ndarray) -> np.ndarray:
    """WCAG: R/(R+G+B) >= 0.8 on linear channels; near-black pixels (sum < 0.01) cannot flash red."""
    lin = linearise(srgb)
    total = lin.sum(axis=-1)
    return (total >= 0.01) & (lin[..., 0] >= 0.8 * total)


# ---- driving the real view


def run_session(bpm: float, theme: str, reduced: bool, scheduler: CueScheduler | None = None) -> dict[str, np.ndarray]:
    """Render DURATION_S of a demo session; per cue area, the luminance of every pixel per frame."""
    view = ClientView(theme, scheduler=scheduler)
    view.resize(*SIZE)
    view.set_reduced_motion(reduced)
    pacer = PacerSettings.from_ratio(12.0, 1, 1)  # the fastest pacer: a turn every 2.5 s
    source = DemoSource(SimulatorParams(hr_bpm=bpm, seed=7))
    source.follow_pacer(pacer, 0.0)
    timeline = BeatTimeline()
    areas = view.cue_areas()
    frames: dict[str, list[np.ndarray]] = {name: [] for name in areas}
    frames["view"] = []
    red_found = []
    next_packet, next_metrics = 1.0, 0.0
    for k in range(int(DURATION_S * FPS)):
        now = k / FPS
        while now >= next_packet:  # a strap notification about once a second
            batch = timeline.add(source.next_sample(next_packet))
            view.add_beats(batch.times, next_packet)
            next_packet += 1.0
        while now >= next_metrics:  # coherence flickering between high and low as fast as beats come
            level = "high" if int(next_metrics / 0.3) % 2 else "low"
            view.set_metrics(LiveMetrics(t=next_metrics, coherence_level=level), next_metrics)
            next_metrics += 0.3
        # skin contact lost and found every 0.7 s between 12 s and 18 s
        lost = 12.0 <= now < 18.0 and int(now / 0.7) % 2 == 0
        view.set_contact(Contact.NOT_DETECTED if lost else Contact.DETECTED)
        view.render_frame(now, pacer_state(pacer, now))
        rgb = frame_rgb(view.grab().toImage())
        lum = luminance(rgb)
        for name, rect in areas.items():
            frames[name].append(lum[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1].copy())
            red_found.append(bool(saturated_red(rgb[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1]).any()))
        frames["view"].append(lum[::8, ::8].copy())
    traces = {name: np.array(stack) for name, stack in frames.items()}
    traces["red"] = np.array(red_found)
    return traces


def worst_second(pixels: np.ndarray) -> int:
    """Most transitions in any second over an area: its mean, and its most changeable pixels."""
    flat = pixels.reshape(len(pixels), -1)
    candidates = [flat.mean(axis=1)]
    ranges = flat.max(axis=0) - flat.min(axis=0)
    candidates += [flat[:, i] for i in np.argsort(ranges)[-4:]]
    return max(most_transitions_in_any_second(trace) for trace in candidates)


# ---- the oracle checks itself on known signals


def test_counter_counts_a_known_flashing_signal():
    t = np.arange(0, 3, 1 / FPS)
    four_hz = 0.05 + 0.3 * (np.sin(2 * np.pi * 4 * t) > 0)  # a square wave: 4 flashes per second
    assert most_transitions_in_any_second(four_hz) >= 8
    gentle = 0.05 + 0.05 * (np.sin(2 * np.pi * 4 * t) > 0)  # only 0.05 apart: not a flash
    assert most_transitions_in_any_second(gentle) == 0
    bright = 0.85 + 0.15 * (np.sin(2 * np.pi * 4 * t) > 0)  # darker state above 0.8: not a flash
    assert most_transitions_in_any_second(bright) == 0
    assert luminance(np.array([1.0, 1.0, 1.0])) == pytest.approx(1.0)
    assert saturated_red(np.array([[0.9, 0.1, 0.1]])).all() and not saturated_red(np.array([[0.9, 0.62, 0.0]])).any()


# ---- the real thing


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bpm", "theme", "reduced"),
    [(60, "orb", False), (180, "orb", False), (180, "waves", False), (180, "waves", True)],
)
def test_rendered_cues_never_flash_more_than_allowed(qapp, bpm, theme, reduced):
    traces = run_session(bpm, theme, reduced)
    assert not traces.pop("red").any(), "a cue area showed saturated red"
    worst = {name: worst_second(pixels) for name, pixels in traces.items()}
    # WCAG 2.3.1: no more than 3 flashes (6 opposing transitions) in any second, in any area
    assert max(worst.values()) <= 6, worst
    # the design's own aim: at most 2 flashes a second
    assert max(worst.values()) <= 4, worst
    # and the cues really do show (the test would pass vacuously on a blank view)
    assert worst["beat"] >= 2 and worst["turn"] >= 1, worst


@pytest.mark.slow
def test_the_measurement_catches_a_scheduler_without_limits(qapp):
    """The same session with the limits removed flashes more than WCAG allows: the limiter is what keeps it safe."""
    traces = run_session(180, "orb", False, scheduler=CueScheduler(NO_LIMITS))
    traces.pop("red")
    assert worst_second(traces["beat"]) > 6
