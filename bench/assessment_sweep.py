"""Does the resonance assessment find the demo person's resonance? And which criteria carry it?

Run: python bench/assessment_sweep.py [--seeds N]   (prints the tables in docs/protocols.md)

For each resonance 4.5-6.5 breaths/min and seeds 0..N-1 (resting heart rate 60, 68, 75 or 80 in
turn), the whole assessment runs as ``biofeedback assess`` runs it (the demo's notifications into a
real SessionCore, the protocol runner ticked on each, the demo following every pacer it sets), but
without waiting on a clock. It reports how often the coarse blocks pick the set resonance and the
final rate (after the fine step) lies within 0.25 breaths/min of it; then, on the same coarse
blocks, how often each criterion alone, and the weighing, picks the set resonance.
"""

from __future__ import annotations

import argparse
import time

from biofeedback.app.guided import run_without_clock
from biofeedback.core import assessment as A
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.protocol import AssessmentPlan, ProtocolRunner
from biofeedback.core.session import SessionCore
from biofeedback.core.simulator import SimulatorParams
from biofeedback.sources.demo import DemoSource

RESONANCES = (4.5, 5.0, 5.5, 6.0, 6.5)
HEART_RATES = (60.0, 68.0, 75.0, 80.0)


def run(params: SimulatorParams, plan: AssessmentPlan = AssessmentPlan()) -> ProtocolRunner:
    core = SessionCore(LiveAnalyzer(None), pacer=None)
    return run_without_clock(DemoSource(params), core, ProtocolRunner(core, plan))


def alone(coarse: list[A.BlockCriteria], criterion: str) -> float:
    """The rate one criterion alone picks among the followed, usable blocks."""
    blocks = [c for c in coarse if c.usable and c.followed]
    if criterion == "phase crossing":
        x = A.in_step_rate(blocks)
        if x is None:
            return min(blocks, key=lambda c: abs(c.phase_deg)).rate_bpm
        return min(blocks, key=lambda c: abs(c.rate_bpm - x)).rate_bpm
    key = {"swing": lambda c: c.swing_bpm, "LF power": lambda c: c.lf_power_ms2, "LF peak": lambda c: c.lf_peak_ms2_per_hz}[criterion]
    return max(blocks, key=key).rate_bpm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    criteria = ("swing", "phase crossing", "LF power", "LF peak")
    hits = {name: 0 for name in ("coarse", "final", *criteria)}
    people = 0
    print("| resonance | final rate per seed | coarse right | final within 0.25 |")
    print("|---|---|---|---|")
    started = time.perf_counter()
    for resonance in RESONANCES:
        finals, coarse_right, final_right = [], 0, 0
        for seed in range(args.seeds):
            runner = run(SimulatorParams(resonance_bpm=resonance, seed=seed, hr_bpm=HEART_RATES[seed % 4]))
            coarse = [A.block_criteria(*runner.core.timeline.arrays(), b) for b in runner.blocks[:5]]
            picked = A.decide(coarse).recommended_bpm
            final = runner.result.recommended_bpm
            finals.append("-" if final is None else f"{final:g}")
            coarse_right += picked == resonance
            final_right += final is not None and abs(final - resonance) <= 0.25
            for name in criteria:
                hits[name] += alone(coarse, name) == resonance
            people += 1
        hits["coarse"] += coarse_right
        hits["final"] += final_right
        print(f"| {resonance:g} | {', '.join(finals)} | {coarse_right}/{args.seeds} | {final_right}/{args.seeds} |")
    elapsed = time.perf_counter() - started
    print()
    print(f"{people} simulated people, {elapsed:.0f} s ({elapsed / people:.1f} s per 17.5-minute assessment without a clock)")
    print()
    print("| picks the set resonance from the five coarse blocks | share |")
    print("|---|---|")
    for name in ("coarse", *criteria):
        label = "the weighed criteria" if name == "coarse" else f"{name} alone"
        print(f"| {label} | {100 * hits[name] / people:.0f} % ({hits[name]}/{people}) |")
    print(f"| final rate within 0.25 breaths/min (after the fine step) | {100 * hits['final'] / people:.0f} % ({hits['final']}/{people}) |")


if __name__ == "__main__":
    main()
