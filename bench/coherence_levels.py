"""The evidence behind the coherence levels: per-beat coherence on real and simulated data.

Run: python bench/coherence_levels.py [--paced FILE=RATE ...]   (prints the table in docs/metrics.md)

Real resting recordings (MIT-BIH NSRDB, the heartpy wrist recording, MIT-BIH 208; sample_streams/)
should sit mostly "low"; the demo person breathing with the pacer at their resonance rate should sit
mostly "high"; breathing freely, low. Also prints the scale's ceiling: a pure sine.

``--paced`` adds real recordings of slow paced breathing, each read by our importers, with the
rate (breaths/min) the person followed: docs/metrics.md names the public ones measured, which
carry no licence and so are not redistributed here.
"""

from __future__ import annotations

import argparse

import numpy as np

from biofeedback.core import artifacts, hrv
from biofeedback.core import coherence as coh
from biofeedback.core.timeline import BeatTimeline
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.simulator import Physiology, SimulatorParams
from biofeedback.resources import sample_stream


def per_beat(times: np.ndarray, rr: np.ndarray) -> np.ndarray:
    out = [coh.coherence(times[: i + 1], rr[: i + 1]) for i in range(len(times))]
    return np.array([c.ratio for c in out if c is not None])


def row(name: str, ratios: np.ndarray) -> None:
    low = np.mean(ratios < coh.LOW_BELOW) * 100
    high = np.mean(ratios >= coh.HIGH_FROM) * 100
    print(f"| {name} | {low:.0f} % | {high:.0f} % | {np.median(ratios):.2f} | {len(ratios)} |")


def corrected_ratios(times: np.ndarray, rr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-beat coherence of a recording after artefact correction, segment by segment."""
    fixed = artifacts.correct(times, rr, starts)
    return np.concatenate([per_beat(fixed.times_s[s:e], fixed.rr_ms[s:e]) for s, e in hrv.segment_bounds(fixed.segment_start)])


def paced(specs: list[str]) -> None:
    from pathlib import Path

    from biofeedback.storage.recordings import load_recording, timeline_of

    everything = []
    for spec in specs:
        path, _, rate = spec.rpartition("=")
        ratios = corrected_ratios(*timeline_of(load_recording(path, as_packets=False)).arrays())
        everything.append(ratios)
        row(f"{Path(path).name}, paced at {float(rate):g}/min", ratios)
    if everything:
        row("all the paced recordings", np.concatenate(everything))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paced", nargs="*", default=[], metavar="FILE=RATE", help="a real recording of paced breathing and its rate, breaths/min")
    args = parser.parse_args()
    t = np.arange(0.0, 200.0, 0.9)
    sine = 900.0 + 50.0 * np.sin(2 * np.pi * 0.1 * t)
    print(f"ceiling: a pure 0.1 Hz sine gives {coh.coherence(t[1:], sine[1:]).ratio:.2f}")
    print(f"levels: low < {coh.LOW_BELOW} <= medium < {coh.HIGH_FROM} <= high")
    print("| data | share low | share high | median | windows |")
    print("|---|---|---|---|---|")
    for name in ("nsrdb_5min_rr_ms.txt", "nsrdb_60min_rr_ms.txt", "heartpy_ppg_11min_rr_ms.txt", "mitbih208_5min_rr_ms.txt"):
        row(f"{name}, corrected", corrected_ratios(*BeatTimeline.from_rr(np.loadtxt(sample_stream(name))).arrays()))
    paced(args.paced)
    for seed in range(3):
        beats = np.array(Physiology(SimulatorParams(seed=seed)).advance(600.0))
        row(f"demo seed {seed}, breathing freely", per_beat(beats[:, 0], beats[:, 1]))
        for resonance in (4.5, 5.5, 6.5):
            person = Physiology(SimulatorParams(resonance_bpm=resonance, seed=seed))
            person.follow(PacerSettings.from_rate(resonance), 0.0)
            beats = np.array(person.advance(600.0))
            rr = np.round(beats[:, 1] * 1.024) / 1.024  # strap resolution, 1/1024 s
            row(f"demo seed {seed}, pacer at resonance {resonance}/min", per_beat(beats[:, 0], rr))


if __name__ == "__main__":
    main()
