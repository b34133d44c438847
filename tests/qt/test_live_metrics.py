"""The session controller runs the LiveAnalyzer on each batch of beats and says metrics_updated."""

import numpy as np

from biofeedback.core.live import LiveAnalyzer, LiveMetrics
from biofeedback.core.pacer import PacerSettings
from biofeedback.qt.session_controller import SessionController
from biofeedback.resources import sample_stream
from biofeedback.core.session import SessionCore
from biofeedback.storage.rr_text import rr_to_samples


def test_metrics_follow_every_batch_and_the_pacer(qtbot, clock):
    analyzer = LiveAnalyzer()
    controller = SessionController(clock, SessionCore(analyzer))
    received: list[LiveMetrics] = []
    controller.metrics_updated.connect(received.append)
    rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))[:150]
    samples = rr_to_samples(rr)
    for sample in samples:
        clock.t = sample.t
        controller.on_event(sample)
    assert len(received) == sum(1 for s in samples if s.rr_ms)
    assert received[-1].t == controller.core.beats.view()[-1, 0]
    assert received[-1].coherence is not None and received[-1].hr_bpm is not None
    assert received[-1].breathing_compliance is not None  # the controller's default pacer
    assert len(controller.core.coherence_history) > 0
    controller.set_pacer(None)
    clock.t += 1.0
    controller.on_event(samples[-1].__class__(clock.t, 60, (1000.0,)))
    assert received[-1].breathing_compliance is None
    controller.set_pacer(PacerSettings.from_rate(6.0))
    controller.close()
