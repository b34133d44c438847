"""A blood-pressure cuff end to end: bleak's real BlueZ backend against the mock BlueZ's cuff,
through ``biofeedback bp`` and ``scan``, and the cuff source in-process."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import subprocess
import sys
import threading
import time

import pytest

from biofeedback.core import words
from biofeedback.core.samples import BloodPressure, Contact, CuffPressure, DeviceNotice, LinkState, Sample, Status
from biofeedback.sources import ble
from biofeedback.sources.bpm import CuffDateTime, SFloatSpecial, encode_bpm
from biofeedback.sources.clock import SessionClock
from biofeedback.sources.hrm import encode_hrm
from biofeedback.storage.session_file import read_session

from .harness import CUFF_ADDRESS, CUFF_NAME, STRAP_ADDRESS, STRAP_NAME, run_cli

#: Stored readings as a cuff sends them after a client subscribes: mmHg and kPa, with and
#: without time stamps, pulse, user ID and status flags (raw bytes).
STORED = [
    encode_bpm(132, 86, 101, pulse=71, time=dt.datetime(2025, 3, 1, 8, 30, 5)),
    encode_bpm(16.0, 10.7, 12.5, unit="kPa", exponent=-1, time=dt.datetime(2025, 3, 1, 9, 0, 0), pulse=66, user_id=1),
    encode_bpm(128, 84, status=0x0005),  # no time stamp: body movement, irregular pulse
    encode_bpm(17.3, 11.2, SFloatSpecial.NAN, unit="kPa", exponent=-1, user_id=255, status=0x0022),  # no MAP; loose, position
    encode_bpm(124, 80, 95, pulse=64, time=dt.datetime(2025, 3, 1, 9, 45, 0), status=0x0008),  # pulse above the cuff's range
]
#: What ``bp --json`` must print for them, worked out by hand (1 kPa = 7.50062 mmHg).
EXPECTED = [
    {"systolic_mmhg": 132, "diastolic_mmhg": 86, "map_mmhg": 101, "pulse_bpm": 71, "time": "2025-03-01T08:30:05", "user_id": None, "unit_sent": "mmHg", "flags": []},
    {"systolic_mmhg": 120, "diastolic_mmhg": 80.3, "map_mmhg": 93.8, "pulse_bpm": 66, "time": "2025-03-01T09:00:00", "user_id": 1, "unit_sent": "kPa", "flags": []},
    {"systolic_mmhg": 128, "diastolic_mmhg": 84, "map_mmhg": None, "pulse_bpm": None, "time": None, "user_id": None, "unit_sent": "mmHg", "flags": ["body_movement", "irregular_pulse"]},
    {"systolic_mmhg": 129.8, "diastolic_mmhg": 84, "map_mmhg": None, "pulse_bpm": None, "time": None, "user_id": None, "unit_sent": "kPa", "flags": ["cuff_loose", "improper_position"]},
    {"systolic_mmhg": 124, "diastolic_mmhg": 80, "map_mmhg": 95, "pulse_bpm": 64, "time": "2025-03-01T09:45:00", "user_id": None, "unit_sent": "mmHg", "flags": ["pulse_out_of_range"]},
]


def _bp(bus, *args, timeout=60.0):
    return run_cli(bus, "bp", "--source", f"ble:{CUFF_ADDRESS}", *args, timeout=timeout)


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("biofeedback:")]


def _saved(result):
    line = next(line for line in result.stderr.splitlines() + result.stdout.splitlines() if line.startswith("Saved "))
    return read_session(line.rsplit(" to ", 1)[1])


# --------------------------------------------------------------------------- through the command line


def test_scan_lists_straps_and_cuffs_saying_which_is_which(bluez_bus, strap_and_cuff):
    result = run_cli(bluez_bus, "scan", "--timeout", "1.5")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["NAME", "KIND", "ADDRESS", "RSSI"]
    by_address = {row[-3]: row for row in rows[1:]}
    assert by_address[STRAP_ADDRESS][-4] == "strap" and " ".join(by_address[STRAP_ADDRESS][:-4]) == STRAP_NAME
    assert by_address[CUFF_ADDRESS][-4] == "cuff" and " ".join(by_address[CUFF_ADDRESS][:-4]) == CUFF_NAME


def test_bp_json_returns_each_stored_reading_exactly_and_saves_them_as_sent(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings(STORED)
    result = _bp(bluez_bus, "--json", "--person", "Ana", "--timeout", "20")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == EXPECTED
    assert _errors(result) == []
    cuff = strap_and_cuff.cuff_state()
    assert cuff["sent"] == 5 and not cuff["connected"]  # the cuff ended the link after its upload
    # subscribed to 0x2A35, whose only flag is "indicate", and to the cuff pressure 0x2A36
    assert {"2a35", "2a36"} <= {value for kind, value in strap_and_cuff.state()["events"] if kind == "subscribed"}

    data = _saved(result)
    assert data.person == "Ana" and data.header["source"] == f"ble:{CUFF_ADDRESS}"
    assert data.header["device"]["name"] == CUFF_NAME and data.header["device"]["kind"] == "cuff"
    assert data.ended_cleanly and not data.samples
    stored = data.blood_pressure
    assert [(r.systolic, r.diastolic, r.mean_arterial, r.unit) for r in stored] == [
        (132, 86, 101, "mmHg"),
        (16.0, 10.7, 12.5, "kPa"),  # as sent, never converted in the file
        (128, 84, None, "mmHg"),
        (17.3, 11.2, None, "kPa"),
        (124, 80, 95, "mmHg"),
    ]
    assert all(r.origin == "cuff" and r.when is None for r in stored)


def test_bp_text_output_says_each_reading_and_explains_its_flags_calmly(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings(STORED[2:3])
    result = _bp(bluez_bus, "--when", "before", "--no-save", "--timeout", "20")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "128/84 mmHg  movement, irregular pulse"
    assert lines[1:] == [f"  {words.BP_FLAG_EXPLANATIONS['body_movement']}", f"  {words.BP_FLAG_EXPLANATIONS['irregular_pulse']}"]
    assert words.BP_LOOKING_FOR_CUFF in result.stderr and "Saved" not in result.stdout + result.stderr


@pytest.mark.slow
def test_a_strap_and_a_cuff_at_once(bluez_bus, strap_and_cuff, tmp_path):
    out = tmp_path / "strap.bfs"
    record = subprocess.Popen(
        [sys.executable, "-m", "biofeedback", "record", "--source", f"ble:{STRAP_ADDRESS}", "--out", str(out)],
        env=bluez_bus.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stop = threading.Event()
    sent = []

    def beat():  # the strap keeps beating all through the cuff's upload
        while not stop.is_set():
            rr = 800 + len(sent)
            if strap_and_cuff.command("notify", hex=encode_hrm(70, (rr,), Contact.DETECTED).hex())["ok"]:
                sent.append(rr)
            time.sleep(0.1)

    try:
        strap_and_cuff.wait_for(lambda s: s["subscribed"], what="the recorder to subscribe")
        strap_and_cuff.store_readings(STORED, interval_ms=150)
        beating = threading.Thread(target=beat)
        beating.start()
        try:
            result = _bp(bluez_bus, "--json", "--no-save", "--timeout", "20")
            state = strap_and_cuff.state()
        finally:
            stop.set()
            beating.join()
        time.sleep(0.3)
    finally:
        record.send_signal(signal.SIGINT)
        stdout, stderr = record.communicate(timeout=30)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == EXPECTED
    assert state["connected"] and state["subscribed"]  # the strap stayed connected while the cuff came and went
    assert state["cuff"]["connects"] == 1
    assert record.returncode == 0, stderr
    samples = [e for e in read_session(out).events if isinstance(e, Sample)]
    assert [s.rr_ms[0] * 1024 / 1000 for s in samples] == pytest.approx(sent)
    assert len(sent) >= 5


# --------------------------------------------------------------------------- faults


def test_a_cuff_that_drops_mid_transfer_keeps_what_came(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings(STORED, drop_after=2)
    result = _bp(bluez_bus, "--json", "--timeout", "20")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == EXPECTED[:2]
    assert len(_saved(result).blood_pressure) == 2


def test_a_reading_with_nan_values_is_told_and_the_others_kept(bluez_bus, strap_and_cuff):
    nan = encode_bpm(SFloatSpecial.NAN, SFloatSpecial.NAN, pulse=SFloatSpecial.NAN)
    strap_and_cuff.store_readings([STORED[0], nan, STORED[4]])
    result = _bp(bluez_bus, "--json", "--no-save", "--timeout", "20")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [EXPECTED[0], EXPECTED[4]]
    assert _errors(result) == [f"biofeedback: {words.BP_NO_VALUES}"]


def test_a_bogus_date_is_told_and_the_reading_kept_without_it(bluez_bus, strap_and_cuff):
    bogus = encode_bpm(126, 82, pulse=70, time=CuffDateTime(2025, 2, 30, 25, 0, 0))
    strap_and_cuff.store_readings([bogus])
    result = _bp(bluez_bus, "--json", "--no-save", "--timeout", "20")
    assert result.returncode == 0, result.stderr
    [reading] = json.loads(result.stdout)
    assert (reading["systolic_mmhg"], reading["diastolic_mmhg"], reading["pulse_bpm"], reading["time"]) == (126, 82, 70, None)
    assert _errors(result) == [f"biofeedback: {words.BP_IMPOSSIBLE_DATE.format(date='2025-02-30 25:00:00')}"]


def test_a_cuff_that_sends_nothing_in_time_gets_one_line(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings([], then="stay")
    t0 = time.monotonic()
    result = _bp(bluez_bus, "--json", "--timeout", "2")
    assert result.returncode == 1
    assert time.monotonic() - t0 < 20
    assert "Traceback" not in result.stderr
    assert _errors(result) == [f"biofeedback: {words.BP_NOTHING_IN_TIME.format(seconds=2)}"]
    assert json.loads(result.stdout) == [] and "Saved" not in result.stderr


def test_a_malformed_packet_is_counted_and_skipped(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings([STORED[0], bytes.fromhex("1e 78 00 50"), STORED[4]])
    result = _bp(bluez_bus, "--json", "--no-save", "--timeout", "20")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [EXPECTED[0], EXPECTED[4]]
    assert _errors(result) == [f"biofeedback: {words.BP_UNREADABLE.format(count=1)}"]


def test_a_cuff_that_is_not_there_and_a_strap_that_is_no_cuff(bluez_bus, strap_and_cuff):
    result = run_cli(bluez_bus, "bp", "--source", "ble:AA:BB:CC:DD:EE:FF", "--timeout", "1")
    assert result.returncode == 1 and _errors(result) == [f"biofeedback: {ble.cuff_not_found_message('AA:BB:CC:DD:EE:FF')}"]
    result = run_cli(bluez_bus, "bp", "--source", f"ble:{STRAP_ADDRESS}", "--timeout", "5")
    assert result.returncode == 1 and _errors(result) == [f"biofeedback: {ble.no_blood_pressure_message(STRAP_NAME)}"]


def test_a_cuff_that_needs_pairing_is_paired(bluez_bus):
    mock = bluez_bus.start_mock("--no-strap", "--cuff", f"{CUFF_ADDRESS}={CUFF_NAME}", "--cuff-pairing", "required")
    mock.store_readings(STORED[:1])
    result = run_cli(bluez_bus, "bp", "--json", "--no-save", "--timeout", "20")  # the only cuff in range
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == EXPECTED[:1]
    assert mock.cuff_state()["paired"]
    assert ["paired", CUFF_ADDRESS] in mock.state()["events"]


def test_a_cuff_that_cannot_be_paired_from_here_says_how_to_pair_it(bluez_bus):
    mock = bluez_bus.start_mock("--no-strap", "--cuff", f"{CUFF_ADDRESS}={CUFF_NAME}", "--cuff-pairing", "refused")
    mock.store_readings(STORED[:1])
    result = _bp(bluez_bus, "--timeout", "10")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert _errors(result) == [f"biofeedback: {ble.pairing_message(CUFF_NAME, CUFF_ADDRESS)}"]
    message = ble.pairing_message(CUFF_NAME, CUFF_ADDRESS)
    assert "bluetoothctl" in message and "macOS" in message and "Windows" in message
    assert mock.cuff_state()["pending"] == 1  # nothing was lost: the cuff still holds its reading


# --------------------------------------------------------------------------- the cuff source in-process


async def _collect(source: ble.CuffSource, during=None):
    events: list = []
    task = asyncio.create_task(source.run(events.append, SessionClock()))
    if during is not None:
        await during(events)
    await task
    return events


async def _until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def test_cuff_pressure_while_measuring_then_the_new_reading(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings(STORED[:1], then="stay")

    async def measure(events):
        await _until(lambda: any(isinstance(e, BloodPressure) for e in events))
        for mmhg in (60, 120, 160, 140, 100):
            reply = await asyncio.to_thread(strap_and_cuff.command, "cuff_pressure", hex=encode_bpm(mmhg, SFloatSpecial.NAN).hex())
            assert reply["ok"], reply
            await asyncio.sleep(0.05)
        await asyncio.to_thread(strap_and_cuff.indicate, STORED[4])

    source = ble.CuffSource(CUFF_ADDRESS, timeout=20, settle=1.0)
    events = asyncio.run(_collect(source, measure))
    kinds = [type(e).__name__ for e in events if not isinstance(e, Status)]
    assert kinds == ["BloodPressure"] + ["CuffPressure"] * 5 + ["BloodPressure"]
    assert [e.mmhg for e in events if isinstance(e, CuffPressure)] == [60, 120, 160, 140, 100]
    states = [e.state for e in events if isinstance(e, Status)]
    assert states == [LinkState.SCANNING, LinkState.CONNECTING, LinkState.CONNECTED, LinkState.FINISHED]
    assert source.features == ("body_movement_detection", "cuff_fit_detection", "irregular_pulse_detection")
    assert not strap_and_cuff.cuff_state()["connected"]  # quiet for 1 s after its reading: the app hung up


def test_a_cuff_that_drops_while_measuring_says_so_and_keeps_the_readings_before(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings(STORED[:2], then="stay")

    async def drop_mid_measurement(events):
        await _until(lambda: sum(isinstance(e, BloodPressure) for e in events) == 2)
        await asyncio.to_thread(strap_and_cuff.command, "cuff_pressure", hex=encode_bpm(150, SFloatSpecial.NAN).hex())
        await _until(lambda: any(isinstance(e, CuffPressure) for e in events))
        await asyncio.to_thread(strap_and_cuff.command, "drop", device="cuff")

    events = asyncio.run(_collect(ble.CuffSource(CUFF_ADDRESS, timeout=20, settle=5.0), drop_mid_measurement))
    assert [e.systolic for e in events if isinstance(e, BloodPressure)] == [132, 16.0]
    assert [e.message for e in events if isinstance(e, DeviceNotice)] == [words.BP_DROPPED_WHILE_MEASURING]
    assert events[-1].state is LinkState.FINISHED


def test_a_cuff_that_drops_before_sending_anything(bluez_bus, strap_and_cuff):
    strap_and_cuff.store_readings([], then="stay")

    async def drop(events):
        await _until(lambda: any(isinstance(e, Status) and e.state is LinkState.CONNECTED for e in events))
        await asyncio.to_thread(strap_and_cuff.command, "drop", device="cuff")

    with pytest.raises(ble.NoReadingError) as info:
        asyncio.run(_collect(ble.CuffSource(CUFF_ADDRESS, timeout=20), drop))
    assert str(info.value) == words.BP_DROPPED_BEFORE_READING
