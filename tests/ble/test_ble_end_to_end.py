"""End to end through bleak's real BlueZ backend, against the mock BlueZ on a private bus."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from biofeedback.core.constants import RR_MAX_MS, RR_MIN_MS
from biofeedback.core.samples import Battery, Contact, LinkState, Sample, Status
from biofeedback.core.timeline import rebuild
from biofeedback.sources import ble
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.hrm import decode_hrm, encode_hrm
from biofeedback.storage.session_file import read_session

from .harness import STRAP_ADDRESS, STRAP_NAME, run_cli

#: Notifications in several flag formats, as a strap would send them (raw bytes).
BEFORE_DROP = [
    encode_hrm(60, (1024,), Contact.DETECTED),  # uint8 HR, contact, one RR
    encode_hrm(75, (800, 820), Contact.DETECTED, hr_uint16=True),  # uint16 HR, two RR
    encode_hrm(80, (768, 770, 772), Contact.DETECTED, energy_kj=123),  # energy, three RR
    encode_hrm(80, (), Contact.NOT_DETECTED),  # strap lifted off the skin: no RR
    encode_hrm(78, (790,), Contact.UNSUPPORTED),  # contact not supported
    encode_hrm(70, (0xFFFF, 1000)),  # 0xFFFF is no interval
    encode_hrm(70, (0, 1001)),  # nor is zero
    bytes.fromhex("10 38 2d 04 35 00"),  # Garmin HRM-Dual: 1044 ms then a bogus 52 ms
    bytes.fromhex("10 48 00"),  # shorter than its flags promise: counted, not fatal
    encode_hrm(66, (930,), Contact.DETECTED),
]
AFTER_RETURN = [
    encode_hrm(64, (940, 950), Contact.DETECTED),
    encode_hrm(63, (960,), Contact.DETECTED),
    encode_hrm(62, (970, 980), Contact.DETECTED),
]


def _decodable(packets):
    out = []
    for p in packets:
        try:
            out.append(decode_hrm(p))
        except ValueError:
            pass
    return out


def _send(strap, packets):
    """Send at a strap's pace: each notification after the time its intervals cover."""
    for p in packets:
        try:
            covered = sum(r for r in decode_hrm(p).rr_ms if RR_MIN_MS <= r <= RR_MAX_MS) / 1000.0
        except ValueError:
            covered = 0.0
        time.sleep(max(covered, 0.05))
        strap.notify(p)


def test_scan_lists_the_strap_with_name_address_and_signal(bluez_bus, strap):
    result = run_cli(bluez_bus, "scan", "--timeout", "1.5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "ADDRESS", "RSSI"]
    assert STRAP_NAME in lines[1] and STRAP_ADDRESS in lines[1] and " strap " in lines[1]
    assert lines[1].rstrip().endswith(("-60 dBm", "-61 dBm"))


@pytest.mark.slow
def test_record_through_the_cli_keeps_every_interval_and_marks_the_outage(bluez_bus, strap, tmp_path):
    out = tmp_path / "strap.bfs"
    proc = subprocess.Popen(
        [sys.executable, "-m", "biofeedback", "record", "--source", f"ble:{STRAP_ADDRESS}", "--out", str(out)],
        env=bluez_bus.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        strap.wait_for(lambda s: s["subscribed"], what="the recorder to subscribe")
        _send(strap, BEFORE_DROP)
        assert strap.command("battery", level=55)["notified"]
        time.sleep(0.3)
        strap.command("drop")
        time.sleep(0.5)
        strap.command("return")
        strap.wait_for(lambda s: s["subscribed"] and s["connects"] == 2, what="the reconnection")
        _send(strap, AFTER_RETURN)
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stdout.startswith("Recorded ")

    data = read_session(out)
    assert data.ended_cleanly
    samples = [e for e in data.events if isinstance(e, Sample)]
    sent = _decodable(BEFORE_DROP + AFTER_RETURN)
    # Every decodable notification is in the file, with the RR intervals exactly as sent.
    assert [s.rr_ms for s in samples] == [tuple(round(r, 3) for r in m.rr_ms) for m in sent]
    assert [s.hr_bpm for s in samples] == [m.hr_bpm for m in sent]
    assert [s.contact for s in samples] == [m.contact for m in sent]
    assert samples[2].energy_kj == 123

    # Implausible intervals are artefacts, never beats; the plausible ones are all beats.
    timeline = rebuild(data.events)
    _, beats_rr, segment_start = timeline.arrays()
    sent_rr = [round(r, 3) for m in sent for r in m.rr_ms]
    assert list(beats_rr) == [r for r in sent_rr if RR_MIN_MS <= r <= RR_MAX_MS]
    assert sorted(timeline.rejected_rr_ms) == sorted(r for r in sent_rr if not RR_MIN_MS <= r <= RR_MAX_MS)
    assert len(timeline.rejected_rr_ms) == 3  # 0xFFFF, 0 and 52 ms, nothing else
    assert min(timeline.rejected_rr_ms) == 0.0

    # The drop is a gap in the file, and the session goes on after it.
    states = [e.state for e in data.events if isinstance(e, Status)]
    assert states.count(LinkState.CONNECTED) == 2
    assert LinkState.RECONNECTING in states
    assert len(data.gaps) == 1
    drop_t = next(e.t for e in data.events if isinstance(e, Status) and e.state is LinkState.RECONNECTING)
    assert data.gaps[0].start <= drop_t < data.gaps[0].end
    times, _, _ = timeline.arrays()
    assert (np.diff(times) > 0).all()
    n_after = sum(len(m.rr_ms) for m in _decodable(AFTER_RETURN))
    assert data.gaps[0].start == pytest.approx(times[-n_after - 1], abs=1e-3)
    assert data.gaps[0].end <= times[-n_after]
    assert segment_start[-n_after] and not segment_start[-n_after + 1 :].any()
    assert segment_start.sum() == 2  # the first beat, and the first after the outage
    assert [b.percent for b in data.events if isinstance(b, Battery)] == [87, 55, 55]
    connected = next(e for e in data.events if isinstance(e, Status) and e.state is LinkState.CONNECTED)
    assert connected.device["location"] == "chest" and connected.device["name"] == STRAP_NAME


@pytest.mark.parametrize(
    ("mock_args", "expected"),
    [
        (("--no-adapter",), ble.NO_ADAPTER),
        (("--powered-off",), ble.BLUETOOTH_OFF),
    ],
)
def test_adapter_problems_give_one_clear_line_and_a_non_zero_exit(bluez_bus, tmp_path, mock_args, expected):
    bluez_bus.start_mock(*mock_args)
    for args in (("scan", "--timeout", "1"), ("record", "--source", f"ble:{STRAP_ADDRESS}", "--out", str(tmp_path / "x.bfs"))):
        result = run_cli(bluez_bus, *args)
        assert result.returncode == 1, result
        assert "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("biofeedback:")]
        assert errors == [f"biofeedback: {expected}"]
    assert not (tmp_path / "x.bfs").exists()  # nothing recorded, nothing left behind


def test_without_bluez_running_the_user_is_told_the_service_is_missing(bluez_bus):
    result = run_cli(bluez_bus, "scan", "--timeout", "1")
    assert result.returncode == 1
    assert result.stderr.strip() == f"biofeedback: {ble.NO_BLUETOOTH_SERVICE}"


def test_an_empty_ble_address_is_a_usage_error(bluez_bus):
    result = run_cli(bluez_bus, "record", "--source", "ble:", "--out", "/tmp/never.bfs")
    assert result.returncode == 2
    assert "address" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- the source in-process


async def _run_until(source, predicate, timeout=20.0):
    """Run ``source`` until ``predicate(events)`` holds; return (events, task)."""
    events: list = []
    task = asyncio.create_task(source.run(events.append, SessionClock()))
    deadline = time.monotonic() + timeout
    while not predicate(events):
        if task.done():
            task.result()
        if time.monotonic() > deadline:
            task.cancel()
            raise AssertionError(f"timed out: {events}")
        await asyncio.sleep(0.02)
    return events, task


def _states(events):
    return [e.state for e in events if isinstance(e, Status)]


def test_a_missing_strap_is_reported_as_not_found(bluez_bus, strap):
    source = ble.BleSource("AA:BB:CC:DD:EE:FF", scan_timeout=1.0)
    with pytest.raises(ble.DeviceNotFoundError) as info:
        asyncio.run(source.run(lambda e: None, SessionClock()))
    assert str(info.value) == ble.not_found_message("AA:BB:CC:DD:EE:FF")


def test_a_device_without_heart_rate_service_is_named_in_the_error(bluez_bus):
    bluez_bus.start_mock("--no-hr-service", "--name", "Kitchen Scale")
    source = ble.BleSource(STRAP_ADDRESS, scan_timeout=3.0)
    with pytest.raises(ble.NoHeartRateServiceError) as info:
        asyncio.run(source.run(lambda e: None, SessionClock()))
    assert str(info.value) == ble.no_heart_rate_message("Kitchen Scale")
    # Scanning by the Heart Rate Service does not offer it at all.
    assert asyncio.run(ble.scan(1.0)) == []
    with pytest.raises(ble.DeviceNotFoundError):
        asyncio.run(ble.BleSource(None, auto_scan=1.0).run(lambda e: None, SessionClock()))


def test_auto_mode_takes_the_only_strap_and_reports_lost_then_recovers(bluez_bus, strap):
    async def scenario():
        source = ble.BleSource(None, auto_scan=1.0, backoff=(0.2,), lost_after=0.6)
        events, task = await _run_until(source, lambda ev: LinkState.CONNECTED in _states(ev))
        await asyncio.to_thread(strap.notify, encode_hrm(70, (850,), Contact.NOT_DETECTED))
        await asyncio.to_thread(strap.command, "drop")
        await _wait(lambda: LinkState.LOST in _states(events))
        await asyncio.to_thread(strap.command, "return")
        await _wait(lambda: _states(events).count(LinkState.CONNECTED) == 2)
        await asyncio.to_thread(strap.notify, encode_hrm(71, (840,), Contact.DETECTED))
        await _wait(lambda: sum(isinstance(e, Sample) for e in events) == 2)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return source, events

    source, events = asyncio.run(scenario())
    states = _states(events)
    assert states[:3] == [LinkState.SCANNING, LinkState.CONNECTING, LinkState.CONNECTED]
    assert states.index(LinkState.RECONNECTING) < states.index(LinkState.LOST) < len(states) - 1
    assert states[-1] is LinkState.STREAMING
    assert source.address == STRAP_ADDRESS  # the auto-picked strap is the one reconnected to
    samples = [e for e in events if isinstance(e, Sample)]
    assert [s.contact for s in samples] == [Contact.NOT_DETECTED, Contact.DETECTED]


def test_a_malformed_notification_is_counted_not_fatal(bluez_bus, strap):
    async def scenario():
        source = ble.BleSource(STRAP_ADDRESS)
        events, task = await _run_until(source, lambda ev: LinkState.CONNECTED in _states(ev))
        for packet in (b"\x11\x48", b"", encode_hrm(60, (1024,))):
            await asyncio.to_thread(strap.notify, packet)
        await _wait(lambda: any(isinstance(e, Sample) for e in events))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return source, events

    source, events = asyncio.run(scenario())
    assert source.decode_errors == 2
    assert [e.rr_ms for e in events if isinstance(e, Sample)] == [(1000.0,)]


OTHER = "C0:FF:EE:00:00:02"


def test_with_several_straps_the_remembered_one_is_taken_or_the_user_must_choose(bluez_bus):
    bluez_bus.start_mock("--extra", f"{OTHER}=Wahoo TICKR")
    found = asyncio.run(ble.scan(1.5))
    assert [(d.address, d.name) for d in found] == [(STRAP_ADDRESS, STRAP_NAME), (OTHER, "Wahoo TICKR")]  # strongest first

    with pytest.raises(ble.SeveralDevicesError) as info:
        asyncio.run(ble.BleSource(None, auto_scan=1.5).run(lambda e: None, SessionClock()))
    assert STRAP_ADDRESS in str(info.value) and OTHER in str(info.value) and "ble:ADDRESS" in str(info.value)

    source = ble.BleSource(None, preferred=STRAP_ADDRESS.lower(), auto_scan=1.5)

    async def scenario():
        events, task = await _run_until(source, lambda ev: LinkState.CONNECTED in _states(ev))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(scenario())
    assert source.address == STRAP_ADDRESS


async def _wait(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def test_the_window_keeps_looking_for_a_strap_that_is_not_on_yet(bluez_bus, strap):
    strap.command("drop")  # not in range when the app starts

    async def scenario():
        source = ble.BleSource(STRAP_ADDRESS, keep_looking=True, scan_timeout=0.5, backoff=(0.2,))
        events, task = await _run_until(source, lambda ev: any(isinstance(e, Status) and "keeps looking" in e.message for e in ev))
        await asyncio.sleep(1.0)  # several more attempts, none of them an error
        assert not task.done()
        await asyncio.to_thread(strap.command, "return")
        await _wait(lambda: LinkState.CONNECTED in _states(events))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return events

    events = asyncio.run(scenario())
    messages = [e.message for e in events if isinstance(e, Status) and e.state is LinkState.SCANNING]
    assert messages == ["Looking for your heart-rate strap...", ble.still_looking_message(STRAP_ADDRESS)]
