"""Latency of a heartbeat from a strap's notification to the pipeline and the screen's data.

Usage::

    python bench/bench_ble_latency.py [--count 150] [--rate 10]

Needs ``dbus-daemon`` and the system Python with ``python3-dbus`` and ``python3-gi`` (as the BLE
tests do). The strap is the mock BlueZ of ``tests/ble`` on a private bus; everything after it is
the app's real path, offscreen: bleak's BlueZ backend, :class:`BleSource` on the bridge's worker
thread, the queued Qt signal into :class:`SessionController` (timeline, recorder, live analysis)
and the supervisor window's slots.

Timestamps, all on CLOCK_MONOTONIC (shared by the two processes):

- *sent*: the mock emits ``PropertiesChanged`` on the characteristic's ``Value``;
- *source*: bleak hands the notification to :class:`BleSource` (``Sample.t``);
- *pipeline*: ``beats_added`` fires in the GUI thread (timeline and recorder done);
- *screen data*: ``metrics_updated`` has reached the window (live metrics computed and handed to
  its widgets, which draw them on their next display tick).

Baseline, measured in the same run with the same window: an in-process source that emits the
same samples straight into the bridge, so the difference is what Bluetooth handling adds on our
side (decode queue, bleak's dispatch) on top of the thread hop and the pipeline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ble.harness import STRAP_ADDRESS, BlueZBus  # noqa: E402
from biofeedback.core.live import LiveAnalyzer  # noqa: E402
from biofeedback.core.samples import Contact, LinkState, Sample, SourceInfo, SourceKind, Status  # noqa: E402
from biofeedback.qt.bridge import SourceBridge  # noqa: E402
from biofeedback.qt.main_window import MainWindow  # noqa: E402
from biofeedback.qt.session_controller import SessionController  # noqa: E402
from biofeedback.sources.base import Source  # noqa: E402
from biofeedback.sources.ble import BleSource  # noqa: E402
from biofeedback.sources.clock import SessionClock  # noqa: E402
from biofeedback.sources.hrm import encode_hrm  # noqa: E402
from biofeedback.core.session import SessionCore  # noqa: E402

#: Heart rates carry the packet's index (uint16), so each beat is matched to its notification.
ID_BASE = 1000
#: The first notifications of each run are left out: they pay for first paints and lazy imports.
WARMUP = 10


class _Probe:
    """Times each sample (by its heart-rate id) through the controller's signals."""

    def __init__(self, controller: SessionController, clock: SessionClock) -> None:
        self.clock = clock
        self.arrived: dict[int, float] = {}
        self.pipeline: dict[int, float] = {}
        self.screen: dict[int, float] = {}
        self._current: int | None = None
        controller.sample_received.connect(self._on_sample)
        controller.beats_added.connect(lambda _b: self._stamp(self.pipeline))
        controller.metrics_updated.connect(lambda _m: self._stamp(self.screen))  # after the window's slot

    def _on_sample(self, sample: Sample) -> None:
        self._current = (sample.hr_bpm or 0) - ID_BASE
        self.arrived[self._current] = sample.t

    def _stamp(self, table: dict[int, float]) -> None:
        if self._current is not None:
            table[self._current] = self.clock.now()


class _InProcessStrap(Source):
    """The baseline: the same samples, emitted on the bridge's loop with no Bluetooth at all."""

    def describe(self) -> SourceInfo:
        return SourceInfo(SourceKind.STRAP, "in-process", live=True, recorded_by_default=False)

    def __init__(self, count: int, rate: float) -> None:
        self.count, self.rate = count, rate

    async def run(self, emit, clock) -> None:
        emit(Status(clock.now(), LinkState.STREAMING, "baseline"))
        for i in range(self.count):
            await asyncio.sleep(1.0 / self.rate)
            emit(Sample(clock.now(), ID_BASE + i, (850.0,), Contact.DETECTED))


def _window(clock: SessionClock):
    controller = SessionController(clock, SessionCore(LiveAnalyzer()))
    window = MainWindow(controller)
    window.show()
    return controller, window


def _spin_until(app: QApplication, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark stalled")
        QTimer.singleShot(5, loop.quit)
        loop.exec()


def _stats(ms: np.ndarray) -> tuple[float, float]:
    return float(np.median(ms)), float(np.percentile(ms, 99))


def run_baseline(app: QApplication, count: int, rate: float) -> dict[str, np.ndarray]:
    clock = SessionClock()
    controller, window = _window(clock)
    probe = _Probe(controller, clock)
    bridge = SourceBridge(_InProcessStrap(count, rate), clock)
    bridge.event_received.connect(controller.on_event)
    bridge.start()
    _spin_until(app, lambda: len(probe.pipeline) >= count, count / rate + 30)
    bridge.stop()
    window.close()
    ids = sorted(probe.pipeline)[WARMUP:]
    return {
        "pipeline": np.array([probe.pipeline[i] - probe.arrived[i] for i in ids]) * 1000,
        "screen": np.array([probe.screen[i] - probe.arrived[i] for i in ids if i in probe.screen]) * 1000,
    }


def run_ble(app: QApplication, count: int, rate: float) -> dict[str, np.ndarray]:
    with tempfile.TemporaryDirectory() as tmp:
        bus = BlueZBus(Path(tmp))
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.address
        os.environ["PATH"] = bus.env["PATH"]
        try:
            strap = bus.start_mock()
            clock = SessionClock()
            offset = time.monotonic() - clock.now()  # session time = monotonic - offset (speed 1)
            controller, window = _window(clock)
            probe = _Probe(controller, clock)
            bridge = SourceBridge(BleSource(STRAP_ADDRESS), clock)
            bridge.event_received.connect(controller.on_event)
            bridge.start()
            _spin_until(app, lambda: controller.status is not None and controller.status.state is LinkState.CONNECTED, 30)
            sent: dict[int, float] = {}

            def send() -> None:
                for i in range(count):
                    time.sleep(1.0 / rate)
                    sent[i] = strap.notify(encode_hrm(ID_BASE + i, (870,), Contact.DETECTED, hr_uint16=True)) - offset

            sender = threading.Thread(target=send)
            sender.start()
            _spin_until(app, lambda: len(probe.pipeline) >= count, count / rate + 30)
            sender.join()
            bridge.stop()
            window.close()
        finally:
            bus.close()
    ids = sorted(probe.pipeline)[WARMUP:]
    arrived = np.array([probe.arrived[i] for i in ids])
    return {
        "dbus": (arrived - np.array([sent[i] for i in ids])) * 1000,
        "pipeline": (np.array([probe.pipeline[i] for i in ids]) - arrived) * 1000,
        "screen": np.array([probe.screen[i] - probe.arrived[i] for i in ids if i in probe.screen]) * 1000,
        "total": (np.array([probe.screen.get(i, np.nan) for i in ids]) - np.array([sent[i] for i in ids])) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=150, help="notifications per run")
    parser.add_argument("--rate", type=float, default=10.0, help="notifications per second (a strap sends about 1)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    base = run_baseline(app, args.count, args.rate)
    ble = run_ble(app, args.count, args.rate)
    print(f"{args.count} notifications at {args.rate:g}/s (first {WARMUP} left out), offscreen, same window and pipeline in both runs")
    print(f"{'leg':<44}{'median ms':>10}{'p99 ms':>10}")
    rows = [
        ("BLE: mock BlueZ sends -> BleSource gets it", ble["dbus"]),
        ("BLE: BleSource -> pipeline (beats_added)", ble["pipeline"]),
        ("baseline: in-process source -> pipeline", base["pipeline"]),
        ("BLE: BleSource -> screen data (metrics)", ble["screen"]),
        ("baseline: in-process source -> screen data", base["screen"]),
        ("BLE: mock BlueZ sends -> screen data", ble["total"][np.isfinite(ble["total"])]),
    ]
    for label, values in rows:
        med, p99 = _stats(values)
        print(f"{label:<44}{med:>10.2f}{p99:>10.2f}")
    b_med, b_p99 = _stats(base["pipeline"])
    s_med, s_p99 = _stats(ble["pipeline"])
    print(f"source -> pipeline, BLE / baseline: median x{s_med / b_med:.2f}, p99 x{s_p99 / b_p99:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
