"""The one bridge: a source on its own asyncio thread, events arriving in the GUI thread."""

import asyncio
import threading

import numpy as np

from biofeedback.core.samples import Sample, SourceInfo, SourceKind
from biofeedback.qt.bridge import SourceBridge
from biofeedback.qt.session_controller import SessionController
from biofeedback.sources.base import Source, SourceError
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.replay import ReplaySource
from biofeedback.storage.rr_text import rr_to_samples


def test_replay_reaches_the_controller_in_the_gui_thread(qtbot, nsrdb_5min_rr):
    clock = SessionClock(speed=400)
    controller = SessionController(clock)
    bridge = SourceBridge(ReplaySource(rr_to_samples(nsrdb_5min_rr), "nsrdb_5min_rr_ms.txt"), clock)
    threads = set()
    bridge.event_received.connect(lambda e: threads.add(threading.current_thread()))
    bridge.event_received.connect(controller.on_event)
    with qtbot.waitSignal(bridge.finished, timeout=10_000):
        bridge.start()
    qtbot.waitUntil(lambda: controller.beat_count == len(nsrdb_5min_rr), timeout=5000)
    bridge.stop()
    assert threads == {threading.main_thread()}
    _, rr, _ = controller.core.timeline.arrays()
    np.testing.assert_array_equal(rr, nsrdb_5min_rr)
    assert controller.status.state.value == "finished"


class _Fake(Source):
    def describe(self) -> SourceInfo:
        return SourceInfo(SourceKind.STRAP, "fake", live=True, recorded_by_default=False)


class _Broken(_Fake):
    async def run(self, emit, clock):
        emit(Sample(clock.now(), 60, (1000.0,)))
        raise SourceError("The strap stopped answering. Check that it is switched on and close by.")


class _Buggy(_Fake):
    async def run(self, emit, clock):
        raise ZeroDivisionError


class _Endless(_Fake):
    cancelled = False

    async def run(self, emit, clock):
        try:
            while True:
                await asyncio.sleep(0.01)
        except asyncio.CancelledError:
            _Endless.cancelled = True
            raise


def test_a_source_error_reaches_people_as_its_message(qtbot):
    bridge = SourceBridge(_Broken(), SessionClock())
    with qtbot.waitSignal(bridge.failed, timeout=5000) as failed:
        bridge.start()
    assert failed.args == ["The strap stopped answering. Check that it is switched on and close by."]
    bridge.stop()


def test_a_bug_in_a_source_is_logged_and_reported_calmly(qtbot, caplog):
    bridge = SourceBridge(_Buggy(), SessionClock())
    with qtbot.waitSignal(bridge.failed, timeout=5000) as failed:
        bridge.start()
    bridge.stop()
    assert "stopped unexpectedly" in failed.args[0]
    assert "Traceback" not in failed.args[0]
    assert "ZeroDivisionError" in caplog.text


def test_stop_cancels_the_source_and_ends_the_thread(qtbot):
    bridge = SourceBridge(_Endless(), SessionClock())
    bridge.start()
    with qtbot.waitSignal(bridge.finished, timeout=5000):
        bridge.stop()
    assert _Endless.cancelled
    assert not bridge._thread.is_alive()
