"""How well artefact correction restores a real recording: ours against neurokit2's Kubios method.

Run: python bench/artifact_accuracy.py [--seeds N]   (prints the table in docs/metrics.md)

The clean 60-minute MIT-BIH NSRDB recording (sample_streams/, NN intervals of annotated normal
beats: the truth) gets 30 artefacts injected at known random positions per seed, in turn a missed
beat (two intervals merged), an extra beat (one interval split at 25-45 %) and a premature beat
(25-35 % early, with its compensatory pause). Both corrections run on the corrupted series;
the table gives the mean absolute error of RMSSD, SDNN, LF and HF, and the mean signed error,
over the seeds, against the clean recording as the same method corrects it (the recording has
irregular beats of its own, about 1.9 %, which both methods smooth whether or not anything was
injected: measured against the raw clean values, both methods' errors include that smoothing,
-3.9 % RMSSD and -8.5 % HF, which no injection caused). neurokit2 runs
``signal_fixpeaks(method="kubios", iterative=True)`` on peaks in microseconds (it truncates moved
peaks to whole samples).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from biofeedback.core import artifacts, hrv
from biofeedback.resources import sample_stream

KINDS = ("missed", "extra", "ectopic")
METRICS = ("rmssd_ms", "sdnn_ms", "lf_ms2", "hf_ms2")


def inject(rr: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` artefacts at random positions at least 6 beats apart, kinds in turn."""
    rng = np.random.default_rng(seed)
    slots = np.arange(60, len(rr) - 60, 6)
    positions = set(rng.choice(slots, size=count, replace=False).tolist())
    out: list[float] = []
    i = k = 0
    while i < len(rr):
        if i in positions:
            kind = KINDS[k % len(KINDS)]
            k += 1
            if kind == "missed":
                out.append(rr[i] + rr[i + 1])
                i += 2
                continue
            if kind == "extra":
                f = rng.uniform(0.25, 0.45)
                out += [rr[i] * f, rr[i] * (1 - f)]
                i += 1
                continue
            early = rng.uniform(0.25, 0.35) * rr[i]
            out += [rr[i] - early, rr[i + 1] + early]
            i += 2
            continue
        out.append(rr[i])
        i += 1
    return np.asarray(out)


def metrics(rr: np.ndarray) -> dict[str, float]:
    times = np.cumsum(rr) / 1000.0
    starts = np.zeros(len(rr), dtype=bool)
    starts[0] = True
    return {**hrv.time_domain(rr, starts), **hrv.frequency_domain(hrv.spectrum(times, rr, starts))}


def ours(rr: np.ndarray) -> np.ndarray:
    starts = np.zeros(len(rr), dtype=bool)
    starts[0] = True
    return artifacts.correct(np.cumsum(rr) / 1000.0, rr, starts).rr_ms


def neurokit(rr: np.ndarray) -> np.ndarray:
    from neurokit2.signal.signal_fixpeaks import _signal_fixpeaks_kubios

    peaks = np.round(np.concatenate(([0.0], np.cumsum(rr))) * 1000.0).astype(np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, fixed = _signal_fixpeaks_kubios(peaks, sampling_rate=1_000_000, iterative=True)
    return np.diff(fixed) / 1000.0


def errors(seeds: range, count: int = 30, methods: tuple[str, ...] = ("ours", "neurokit2")) -> dict[str, dict[str, np.ndarray]]:
    """Relative errors (%) per method and metric, one per seed, against the clean recording corrected the same way."""
    clean_rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))
    table = {"ours": ours, "neurokit2": neurokit}
    out: dict[str, dict[str, list[float]]] = {name: {m: [] for m in METRICS} for name in methods}
    for name in methods:
        clean = metrics(table[name](clean_rr))
        for seed in seeds:
            fixed = metrics(table[name](inject(clean_rr, count, seed)))
            for m in METRICS:
                out[name][m].append(100.0 * (fixed[m] / clean[m] - 1.0))
    return {name: {m: np.array(v) for m, v in per.items()} for name, per in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    result = errors(range(args.seeds))
    print(f"30 artefacts injected into nsrdb_60min_rr_ms.txt, seeds 0-{args.seeds - 1}")
    print("| method | " + " | ".join(f"{m} MAE (mean error)" for m in METRICS) + " |")
    print("|---|" + "---|" * len(METRICS))
    for name, per in result.items():
        cells = [f"{np.mean(np.abs(per[m])):.2f} % ({np.mean(per[m]):+.2f} %)" for m in METRICS]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
