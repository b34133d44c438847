"""The device picker and its controller: states, remembering, and the real flows through the window.

The window tests drive bleak's real BlueZ backend against the mock BlueZ of ``tests/ble``.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from biofeedback.core.samples import Contact, LinkState, Sample, SourceInfo, SourceKind, Status
from biofeedback.qt.devices import DeviceController, DevicePhase, DeviceState, MemoryStrapStore
from biofeedback.storage.remembered import RememberedStrap
from biofeedback.qt.widgets.device_panel import DevicePanel
from biofeedback.sources.hrm import encode_hrm

STRAP = {"kind": "ble", "address": "C0:FF:EE:12:34:56", "name": "Polar H10", "location": "chest"}
STRAP_SOURCE = SourceInfo(SourceKind.STRAP, "ble", live=True, recorded_by_default=True)
DEMO_SOURCE = SourceInfo(SourceKind.DEMO, "demo", live=True, recorded_by_default=False)
REPLAY_SOURCE = SourceInfo(SourceKind.REPLAY, "session.bfs", live=False, recorded_by_default=False)


class _Found:
    def __init__(self, name, address, rssi):
        self.name, self.address, self.rssi = name, address, rssi


async def _no_scan(timeout):
    return []


# --------------------------------------------------------------------------- controller states


def test_states_follow_the_strap_through_a_session(qtbot):
    store = MemoryStrapStore()
    devices = DeviceController(_no_scan, store)
    devices.on_source_started(STRAP_SOURCE)
    seen = []
    devices.state_changed.connect(lambda s: seen.append(s.phase))
    devices.on_status(Status(0.0, LinkState.SCANNING, "Looking...", {"kind": "ble"}))
    devices.on_status(Status(0.5, LinkState.CONNECTING, "Connecting...", STRAP))
    assert store.recall() is None  # not before it has connected
    devices.on_battery(87)
    devices.on_status(Status(0.7, LinkState.CONNECTED, "Connected", STRAP))
    assert store.recall().address == STRAP["address"]
    devices.on_sample(Sample(1.0, 60, (1000.0,), Contact.NOT_DETECTED))
    assert devices.state.message.startswith("The strap has lost skin contact")
    devices.on_status(Status(1.0, LinkState.STREAMING, "Receiving", STRAP))  # contact still missing
    assert devices.state.phase is DevicePhase.NO_CONTACT
    devices.on_sample(Sample(2.0, 60, (1000.0,), Contact.DETECTED))
    devices.on_status(Status(3.0, LinkState.RECONNECTING, "Reconnecting...", STRAP))
    devices.on_status(Status(33.0, LinkState.LOST, "Out of reach", STRAP))
    assert devices.state.battery_pct == 87 and devices.state.location == "chest"
    devices.on_failed("No Bluetooth adapter was found.")
    assert seen == [
        DevicePhase.SCANNING,
        DevicePhase.CONNECTING,
        DevicePhase.CONNECTING,  # battery arrived
        DevicePhase.CONNECTED,
        DevicePhase.NO_CONTACT,
        DevicePhase.CONNECTED,
        DevicePhase.RECONNECTING,
        DevicePhase.LOST,
        DevicePhase.FAILED,
    ]
    assert devices.state.offers_alternatives


def test_demo_and_replays_are_not_strap_states(qtbot):
    devices = DeviceController(_no_scan)
    devices.on_source_started(DEMO_SOURCE)
    devices.on_battery(50)
    devices.on_status(Status(0.0, LinkState.STREAMING, "Demo running", {"name": "Demo (simulated person)", "address": "demo"}))
    assert devices.state.phase is DevicePhase.DEMO and devices.state.battery_pct is None
    devices.on_source_started(REPLAY_SOURCE)
    devices.on_status(Status(0.0, LinkState.STREAMING, "Replaying x", {"name": "Polar H10"}))
    assert devices.state.phase is DevicePhase.REPLAY
    assert devices.remembered() is None


def test_scan_results_and_errors_arrive_in_the_gui_thread(qtbot):
    async def scan(timeout):
        return [_Found("Polar H10", "AA", -50), _Found("TICKR", "BB", -70)]

    devices = DeviceController(scan, scan_s=0.01)
    with qtbot.waitSignal(devices.devices_found, timeout=5000) as found:
        devices.scan()
    assert [d.address for d in found.args[0]] == ["AA", "BB"]

    from biofeedback.sources.base import SourceError

    async def failing(timeout):
        raise SourceError("Bluetooth is switched off. Turn it on in your system settings, then try again.")

    devices = DeviceController(failing)
    with qtbot.waitSignal(devices.scan_failed, timeout=5000) as failed:
        devices.scan()
    assert failed.args == ["Bluetooth is switched off. Turn it on in your system settings, then try again."]


def test_the_remembered_strap_is_the_default_source(tmp_path, monkeypatch):
    from biofeedback import app
    from biofeedback.storage.remembered import StrapMemory

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # the data folder, where storage remembers the strap
    StrapMemory().remember("C0:FF:EE:12:34:56", "Polar H10")
    assert app.default_source_spec() == "ble:C0:FF:EE:12:34:56"
    assert app.make_source("ble").preferred == "C0:FF:EE:12:34:56"
    assert app.make_source("ble:AA:BB", keep_looking=True).keep_looking
    StrapMemory().forget()
    assert app.default_source_spec() == "demo"
    assert app.make_source("ble").preferred is None


# --------------------------------------------------------------------------- the panel


def test_panel_renders_each_state_with_text_not_colour_alone(qtbot):
    panel = DevicePanel()
    qtbot.addWidget(panel)
    panel.show_state(DeviceState(DevicePhase.CONNECTED, "Connected to Polar H10.", "Polar H10", "AA", "chest", 87, True))
    assert panel.phase_label.text() == "Connected"
    assert panel.details_label.text() == "Polar H10 · chest"
    assert panel.battery_label.text() == "Battery 87 %"
    assert panel.alternatives.isHidden()
    panel.show_state(DeviceState(DevicePhase.NO_CONTACT, "The strap has lost skin contact.", is_strap=True))
    assert panel.phase_label.text() == "No skin contact"
    panel.show_state(DeviceState(DevicePhase.FAILED, "No Bluetooth adapter was found."))
    assert not panel.alternatives.isHidden()
    assert panel.message_label.text() == "No Bluetooth adapter was found."
    with qtbot.waitSignal(panel.demo_requested):
        qtbot.mouseClick(panel.demo_button, Qt.MouseButton.LeftButton)


def test_picking_a_strap_from_the_list(qtbot):
    panel = DevicePanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.scan_requested):
        qtbot.mouseClick(panel.scan_button, Qt.MouseButton.LeftButton)
    panel.show_scanning()
    assert not panel.scan_button.isEnabled()
    panel.show_devices([_Found("Polar H10", "AA", -50), _Found("TICKR", "BB", -70)])
    assert panel.device_list.count() == 2 and panel.device_list.item(0).text() == "Polar H10  (-50 dBm)"
    assert not panel.connect_button.isEnabled()
    panel.device_list.setCurrentRow(1)
    with qtbot.waitSignal(panel.connect_requested) as picked:
        qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    assert picked.args == ["BB", "TICKR"]
    panel.show_devices([])
    assert panel.message_label.text().startswith("No straps found.")


# --------------------------------------------------------------------------- the window, against the mock BlueZ


@pytest.fixture
def bluez(tmp_path, monkeypatch):
    from ble.harness import open_bus

    bus = open_bus(tmp_path, monkeypatch)
    yield bus
    bus.close()


@pytest.fixture
def window_parts(qtbot):
    """The window wired as ``app.gui.run`` wires it, starting on the demo, remembering in memory."""
    from biofeedback.app import make_source
    from biofeedback.app.gui import _attach_sources
    from biofeedback.qt.main_window import MainWindow
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.sources.clock import SessionClock

    clock = SessionClock()
    controller = SessionController(clock)
    window = MainWindow(controller)
    qtbot.addWidget(window)
    store = MemoryStrapStore()
    runner = _attach_sources(window, controller, clock, strap_store=store, scan_s=1.0)
    runner.switch(make_source("demo"))
    yield window, controller, runner, store
    runner.stop()
    window.devices.wait_for_scan(5)
    controller.close()


def _phase(window):
    return window.device_panel.phase_label.text()


def test_window_finds_connects_and_reconnects_to_the_strap(qtbot, bluez, window_parts):
    window, controller, runner, store = window_parts
    strap = bluez.start_mock()
    panel = window.device_panel
    qtbot.waitUntil(lambda: _phase(window) == "Demo", timeout=5000)

    qtbot.mouseClick(panel.scan_button, Qt.MouseButton.LeftButton)
    assert panel.scan_button.text() == "Looking..."
    qtbot.waitUntil(lambda: panel.device_list.count() == 1, timeout=10_000)
    assert panel.device_list.item(0).text().startswith("Polar H10 1234ABCD")
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    assert _phase(window) == "Connecting"
    qtbot.waitUntil(lambda: _phase(window) == "Connected", timeout=15_000)
    assert panel.battery_label.text() == "Battery 87 %"
    assert panel.details_label.text() == "Polar H10 1234ABCD · chest"
    assert store.recall() == RememberedStrap("C0:FF:EE:12:34:56", "Polar H10 1234ABCD")

    beats_before = controller.beat_count
    strap.notify(encode_hrm(70, (850,), Contact.NOT_DETECTED))
    qtbot.waitUntil(lambda: _phase(window) == "No skin contact", timeout=5000)
    strap.notify(encode_hrm(70, (860, 870), Contact.DETECTED))
    qtbot.waitUntil(lambda: _phase(window) == "Connected", timeout=5000)
    assert controller.beat_count == beats_before + 3
    assert strap.command("battery", level=40)["notified"]
    qtbot.waitUntil(lambda: panel.battery_label.text() == "Battery 40 %", timeout=5000)

    strap.command("drop")
    qtbot.waitUntil(lambda: _phase(window) == "Reconnecting", timeout=5000)
    strap.command("return")
    qtbot.waitUntil(lambda: _phase(window) == "Connected", timeout=15_000)  # by itself
    strap.notify(encode_hrm(71, (880,), Contact.DETECTED))
    qtbot.waitUntil(lambda: controller.beat_count == beats_before + 4, timeout=5000)
    _, _, segment_start = controller.core.timeline.arrays()
    assert segment_start[-1]  # the beat after the outage starts a new segment
    assert len(controller.core.timeline.gaps) >= 1


def test_window_without_an_adapter_offers_the_demo(qtbot, bluez, window_parts):
    window, controller, runner, store = window_parts
    bluez.start_mock("--no-adapter")
    panel = window.device_panel
    qtbot.mouseClick(panel.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.alternatives.isHidden(), timeout=10_000)
    assert panel.message_label.text().startswith("No Bluetooth adapter was found.")

    # A remembered strap that cannot be reached fails the same way, and the demo is one click away.
    runner.switch(__import__("biofeedback.app", fromlist=["make_source"]).make_source("ble:C0:FF:EE:12:34:56"))
    qtbot.waitUntil(lambda: _phase(window) == "Not available", timeout=10_000)
    assert not panel.alternatives.isHidden()
    qtbot.mouseClick(panel.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _phase(window) == "Demo", timeout=5000)
    assert panel.alternatives.isHidden()

    # Or a recording, as "Open a recording..." would pick it.
    from biofeedback.resources import sample_stream

    panel.recording_chosen.emit(str(sample_stream("nsrdb_5min_rr_ms.txt")))
    qtbot.waitUntil(lambda: _phase(window) == "Recording", timeout=5000)
    assert panel.message_label.text() == "Replaying nsrdb_5min_rr_ms.txt."


def test_replayed_strap_states_are_not_shown_as_this_computers_link(qtbot):
    devices = DeviceController(_no_scan)

    devices.on_source_started(REPLAY_SOURCE)
    devices.on_status(Status(0.0, LinkState.STREAMING, "Replaying session.bfs.", STRAP))
    devices.on_status(Status(5.0, LinkState.RECONNECTING, "The strap's signal dropped. Reconnecting...", STRAP))
    devices.on_battery(40)
    assert devices.state.phase is DevicePhase.REPLAY
    assert devices.state.message == "Replaying session.bfs." and devices.state.battery_pct is None
    devices.on_status(Status(9.0, LinkState.FINISHED, "The recording session.bfs has ended."))
    assert devices.state.phase is DevicePhase.IDLE
