"""Taking blood pressure before and after a session, through the real dialog, and seeing it told
in the summary. The cuff is a fake source run on the real bridge (the BLE path is tested end to
end through the command line in tests/ble/test_ble_cuff.py)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from biofeedback.core import words
from biofeedback.core.blood_pressure import tell
from biofeedback.core.samples import BloodPressure, CuffPressure, DeviceNotice, LinkState, Sample, Status
from biofeedback.core.session import SessionCore
from biofeedback.qt.cuff import CuffReader
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.widgets.blood_pressure import BloodPressureDialog, BloodPressureSummary
from biofeedback.sources.base import SourceError
from biofeedback.storage.session_file import SessionWriter, make_header, read_session


class FakeCuff:
    """A cuff source for the window tests: sends ``events`` (their ``t`` set on arrival), then
    fails with ``fail`` if given, or waits to be stopped if ``linger``."""

    def __init__(self, events, fail: str | None = None, linger: bool = False) -> None:
        self.events = events
        self.fail = fail
        self.linger = linger
        self.cancelled = False

    async def run(self, emit, clock) -> None:
        try:
            for event in self.events:
                await asyncio.sleep(0.02)
                emit(type(event)(clock.now(), *[getattr(event, f) for f in event.__dataclass_fields__ if f != "t"]))
            if self.fail:
                raise SourceError(self.fail)
            while self.linger:
                await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            self.cancelled = True
            raise


STORED = [
    Status(0, LinkState.CONNECTED, "Connected to BP Cuff. Waiting for its readings; if none come, start a measurement on the cuff."),
    BloodPressure(0, 140, 90, 107, "mmHg", 75, "2026-11-30T08:10:00"),  # an older stored reading
    CuffPressure(0, 150.0),
    BloodPressure(0, 17.6, 11.5, None, "kPa", 71, "2026-11-30T09:02:00", None, ("body_movement",)),  # 132/86 mmHg
    DeviceNotice(0, words.BP_NO_VALUES),  # and one it could not measure
    Status(0, LinkState.FINISHED, "BP Cuff sent 2 readings."),
]


def _session(tmp_path, clock):
    path = tmp_path / "session.bfs"
    core = SessionCore(open_sink=lambda start: SessionWriter(path, make_header("demo", {}, {}, "test", start.t, person="Ana")), person="Ana")
    controller = SessionController(clock, core)
    controller.start_recording()
    return controller, path


def test_before_from_the_cuff_and_after_typed_in_end_in_the_summary_and_the_file(qtbot, tmp_path, clock):
    controller, path = _session(tmp_path, clock)
    fake = FakeCuff(STORED)
    reader = CuffReader(lambda: fake, controller.clock)

    # before: read the cuff, the newest reading is offered, its flag explained calmly
    clock.t = 10.0
    before = BloodPressureDialog("before", controller.clock.now, reader)
    qtbot.addWidget(before)
    before.reading_chosen.connect(controller.add_blood_pressure)
    before.show()
    qtbot.mouseClick(before.read_button, Qt.MouseButton.LeftButton)
    assert before.cuff_status.text() == words.BP_LOOKING_FOR_CUFF
    with qtbot.waitSignal(reader.finished, timeout=5000) as done:
        pass
    assert done.args == [""]
    assert before.cuff_list.count() == 2
    assert before.cuff_list.currentRow() == 1
    assert before.cuff_list.item(1).text() == "132/86 mmHg (sent as 17.6/11.5 kPa)  ·  pulse 71  ·  2026-11-30 09:02  ·  movement"
    assert before.explanation.text() == words.BP_FLAG_EXPLANATIONS["body_movement"]
    assert before.cuff_status.text() == f"The cuff sent 2 readings. The newest is chosen; pick another if you like. {words.BP_NO_VALUES}"
    assert before.use_button.isEnabled()
    clock.t = 12.0
    with qtbot.waitSignal(controller.blood_pressure_received) as received:
        qtbot.mouseClick(before.use_button, Qt.MouseButton.LeftButton)
    first = received.args[0]
    assert (first.systolic, first.unit, first.when, first.t, first.measured_utc) == (17.6, "kPa", "before", 12.0, "2026-11-30T09:02:00")
    assert before.result() == before.DialogCode.Accepted

    # the session runs
    clock.t = 600.0
    controller.on_event(Sample(600.0, 60, (1000.0,)))

    # after: typed in, no cuff at all
    clock.t = 620.0
    after = BloodPressureDialog("after", controller.clock.now)
    qtbot.addWidget(after)
    after.reading_chosen.connect(controller.add_blood_pressure)
    after.show()
    assert not after.read_button.isEnabled() and not after.use_button.isEnabled()
    qtbot.keyClicks(after.systolic, "124")
    qtbot.keyClicks(after.diastolic, "80")
    qtbot.keyClicks(after.pulse, "64")
    assert after.use_button.isEnabled() and after.explanation.text() == ""
    qtbot.mouseClick(after.use_button, Qt.MouseButton.LeftButton)

    # the summary tells it, before -> after, gently and in words
    page = QWidget()  # where the window's end-of-session summary would hold it
    qtbot.addWidget(page)
    summary = BloodPressureSummary(page)
    page.show()
    assert not summary.isVisible()
    summary.show_story(tell(controller.core.blood_pressure))
    assert summary.isVisible()
    assert summary.arrow.text() == "132/86  →  124/80 mmHg"
    assert summary.sentence.text() == "Your blood pressure eased from 132/86 to 124/80 mmHg."
    assert summary.explanations.text() == words.BP_FLAG_EXPLANATIONS["body_movement"]

    # and the session file holds both readings, as sent, in time order
    controller.stop_recording()
    data = read_session(path)
    assert [(r.t, r.when, r.origin, r.unit, r.systolic, r.diastolic, r.pulse_bpm) for r in data.blood_pressure] == [
        (12.0, "before", "cuff", "kPa", 17.6, 11.5, 71),
        (620.0, "after", "manual", "mmHg", 124, 80, 64),
    ]
    assert data.backwards_events == 0 and data.person == "Ana"
    reader.wait()
    controller.close()


def test_an_impossible_typed_reading_says_why_and_cannot_be_used(qtbot, clock):
    dialog = BloodPressureDialog("before", clock.now)
    qtbot.addWidget(dialog)
    dialog.set_typed(80, 120)
    assert not dialog.use_button.isEnabled()
    assert dialog.explanation.text().startswith("80/120 does not look like a blood pressure")
    dialog.set_typed(120, 80, 0)
    assert dialog.use_button.isEnabled() and dialog.explanation.text() == ""
    assert dialog.reading().pulse_bpm is None  # left empty: no pulse


def test_a_cuff_that_fails_says_so_keeps_what_came_and_typing_still_works(qtbot, clock):
    fake = FakeCuff([BloodPressure(0, 128, 84), DeviceNotice(0, words.BP_NO_VALUES)], fail="The cuff disconnected before it sent a reading.")
    reader = CuffReader(lambda: fake, clock)
    dialog = BloodPressureDialog("after", clock.now, reader)
    qtbot.addWidget(dialog)
    dialog.read_cuff()
    with qtbot.waitSignal(reader.finished, timeout=5000) as done:
        pass
    assert done.args == ["The cuff disconnected before it sent a reading."]
    assert dialog.cuff_status.text() == "The cuff disconnected before it sent a reading."
    assert dialog.cuff_list.count() == 1 and dialog.reading().systolic == 128  # what came is kept
    assert dialog.read_button.isEnabled() and dialog.read_button.text() == "Read again"
    dialog.set_typed(126, 82)  # typing takes over from the cuff's reading
    assert dialog.cuff_list.currentRow() == -1 and dialog.reading().origin == "manual"
    reader.wait()


def test_closing_the_dialog_stops_the_cuff(qtbot, clock):
    fake = FakeCuff([Status(0, LinkState.SCANNING, words.BP_LOOKING_FOR_CUFF)], linger=True)
    reader = CuffReader(lambda: fake, clock)
    dialog = BloodPressureDialog("before", clock.now, reader)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.read_cuff()
    assert reader.running
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Rejected and dialog.chosen is None
    assert not reader.running
    reader.wait()
    assert fake.cancelled


def test_the_summary_is_hidden_with_nothing_to_tell(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    summary = BloodPressureSummary(page)
    page.show()
    assert not summary.isVisible()
    summary.show_story(tell([BloodPressure(1.0, 120, 80, when="after")]))
    assert summary.isVisible() and summary.sentence.text() == words.BP_ONLY_AFTER.format(after="120/80")
    assert not summary.explanations.isVisible()


def test_in_the_window_the_strap_beats_on_while_the_cuff_is_read(qtbot, tmp_path, monkeypatch):
    """The strap's bridge and the cuff's bridge side by side, through bleak's real BlueZ backend
    and the mock BlueZ (tests/ble): the cuff's reading arrives while every beat still counts."""
    from ble.harness import CUFF_ADDRESS, CUFF_NAME, STRAP_ADDRESS, open_bus

    from biofeedback.core.samples import Contact
    from biofeedback.qt.devices import SourceRunner
    from biofeedback.sources.ble import BleSource, CuffSource
    from biofeedback.sources.bpm import encode_bpm
    from biofeedback.sources.clock import SessionClock
    from biofeedback.sources.hrm import encode_hrm

    bus = open_bus(tmp_path, monkeypatch)
    clock = SessionClock()
    controller = SessionController(clock)
    runner = SourceRunner(controller, clock)
    reader = CuffReader(lambda: CuffSource(CUFF_ADDRESS, timeout=20, settle=1.0), clock)
    try:
        mock = bus.start_mock("--cuff", f"{CUFF_ADDRESS}={CUFF_NAME}")
        runner.switch(BleSource(STRAP_ADDRESS))
        qtbot.waitUntil(lambda: mock.state()["subscribed"], timeout=15_000)
        mock.store_readings([encode_bpm(132, 86, 101, pulse=71)], interval_ms=300)
        dialog = BloodPressureDialog("before", clock.now, reader)
        qtbot.addWidget(dialog)
        dialog.reading_chosen.connect(controller.add_blood_pressure)
        dialog.read_cuff()
        beats = controller.beat_count
        for _ in range(6):  # the strap beats all through the cuff's connection
            mock.notify(encode_hrm(70, (850,), Contact.DETECTED))
            qtbot.wait(150)
        qtbot.waitUntil(lambda: not reader.running, timeout=20_000)
        assert dialog.cuff_list.count() == 1 and dialog.cuff_list.item(0).text() == "132/86 mmHg  ·  pulse 71"
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: controller.beat_count == beats + 6, timeout=5000)
        assert [r.systolic for r in controller.core.blood_pressure] == [132]
        state = mock.state()
        assert state["connected"] and state["cuff"]["connects"] == 1 and not state["cuff"]["connected"]
    finally:
        reader.wait()
        runner.stop()
        controller.close()
        bus.close()
