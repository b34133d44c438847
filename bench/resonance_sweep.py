"""Does the demo's simulated person resonate where they say? A pacer sweep, as an assessment runs it.

Run: python bench/resonance_sweep.py   (prints the table in docs/metrics.md)

For each resonance setting and person (seed, resting heart rate), blocks of paced breathing at
4.5-6.5 breaths/min in steps of 0.25 (each 60 s to settle, then 180 s measured) give the
peak-to-trough heart-rate swing per breath and the heart-rate/breathing phase
(:func:`biofeedback.core.coupling.hr_breathing_coupling`, against the pacer's guided volume). The
table shows where the swing peaks and the phase at the nominal rate and 0.5 breaths/min either
side. tests/test_simulator.py asserts the same sweep.
"""

from __future__ import annotations

import numpy as np

from biofeedback.core.coupling import hr_breathing_coupling, pacer_volume
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.simulator import Physiology, SimulatorParams

RATES = np.arange(4.5, 6.51, 0.25)
SETTLE_S, BLOCK_S = 60.0, 180.0


def block(rate: float, params: SimulatorParams):
    person = Physiology(params)
    pacer = PacerSettings.from_rate(rate)
    person.follow(pacer, 0.0)
    person.advance(SETTLE_S)
    beats = np.array(person.advance(SETTLE_S + BLOCK_S))
    grid = np.arange(SETTLE_S, SETTLE_S + BLOCK_S, 0.25)
    return hr_breathing_coupling(beats[:, 0], beats[:, 1], rate / 60.0, grid, pacer_volume(pacer, 0.0, grid))


def main() -> None:
    print("| resonance | seed, resting HR | swing peaks at | swing there | phase at resonance | phase 0.5 below / above |")
    print("|---|---|---|---|---|---|")
    for resonance in (5.0, 5.5, 6.0):
        for seed, hr in ((1, 60.0), (2, 80.0), (3, 68.0)):
            blocks = [block(rate, SimulatorParams(resonance_bpm=resonance, seed=seed, hr_bpm=hr)) for rate in RATES]
            swing = np.array([b.swing_bpm for b in blocks])
            phase = np.array([b.phase_deg for b in blocks])
            at = int(np.argmin(np.abs(RATES - resonance)))
            print(
                f"| {resonance} | {seed}, {hr:.0f} | {RATES[int(np.argmax(swing))]:.2f} | {swing[at]:.1f} beats/min | "
                f"{phase[at]:+.0f} deg | {phase[at - 2]:+.0f} / {phase[at + 2]:+.0f} deg |"
            )


if __name__ == "__main__":
    main()
