"""The Heart Rate Measurement (0x2A37) decoder: specification cases, real captures, fuzzing."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from biofeedback.core.samples import Contact
from biofeedback.core.timeline import BeatTimeline
from biofeedback.sources.hrm import (
    HrmDecodeError,
    decode_battery_level,
    decode_body_sensor_location,
    decode_hrm,
    encode_hrm,
)


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(",", " "))


# --------------------------------------------------------------------------- specification cases
# Flags (Heart Rate Service 1.0, 3.1.1.1): bit0 HR uint16, bits 2-1 contact (0x unsupported,
# 10 none, 11 contact), bit3 energy uint16 kJ, bit4 RR uint16 1/1024 s, count implied by length.

SPEC_CASES = [
    # (packet, hr, contact, energy, rr_raw)
    ("00 48", 72, Contact.UNSUPPORTED, None, ()),
    ("01 48 00", 72, Contact.UNSUPPORTED, None, ()),
    ("01 2c 01", 300, Contact.UNSUPPORTED, None, ()),  # uint16 lets HR exceed 255
    ("02 48", 72, Contact.UNSUPPORTED, None, ()),  # status bit without the supported bit: unsupported
    ("04 48", 72, Contact.NOT_DETECTED, None, ()),
    ("06 48", 72, Contact.DETECTED, None, ()),
    ("08 48 10 27", 72, Contact.UNSUPPORTED, 10000, ()),
    ("09 48 00 ff ff", 72, Contact.UNSUPPORTED, 0xFFFF, ()),
    ("10 48 00 04", 72, Contact.UNSUPPORTED, None, (1024,)),
    ("10 48 00 04 00 02", 72, Contact.UNSUPPORTED, None, (1024, 512)),
    ("10 48 00 04 00 02 00 03", 72, Contact.UNSUPPORTED, None, (1024, 512, 768)),
    ("1f 48 00 e8 03 00 04 00 02", 72, Contact.DETECTED, 1000, (1024, 512)),
    ("1e 48 e8 03 00 04", 72, Contact.DETECTED, 1000, (1024,)),
    ("e0 48", 72, Contact.UNSUPPORTED, None, ()),  # reserved bits 5-7 ignored
]


@pytest.mark.parametrize(("packet", "hr", "contact", "energy", "rr"), SPEC_CASES)
def test_specification_cases(packet, hr, contact, energy, rr):
    m = decode_hrm(_hex(packet))
    assert (m.hr_bpm, m.contact, m.energy_kj, m.rr_raw, m.stray_bytes) == (hr, contact, energy, rr, 0)


def test_rr_units_are_1024ths_of_a_second():
    m = decode_hrm(_hex("10 3c 00 04 00 02 33 03"))
    assert m.rr_ms == (1000.0, 500.0, 819 * 1000 / 1024)


@pytest.mark.parametrize(
    "packet",
    [
        "",  # nothing at all
        "00",  # flags only
        "01 48",  # uint16 HR cut in half
        "08 48",  # energy flagged, missing
        "08 48 10",  # energy cut in half
        "10 48",  # RR flagged, none present
        "10 48 00",  # RR flagged, one byte only
        "19 48 00 e8",  # uint16 HR + energy cut off
    ],
)
def test_packets_shorter_than_their_flags_raise_a_clear_error(packet):
    with pytest.raises(HrmDecodeError) as info:
        decode_hrm(_hex(packet))
    assert "packet" in str(info.value)


def test_body_sensor_location_and_battery():
    assert decode_body_sensor_location(b"\x01") == "chest"
    assert decode_body_sensor_location(b"\x02") == "wrist"
    assert decode_body_sensor_location(b"\x09") == "unknown (9)"
    assert decode_body_sensor_location(b"") == "unknown"
    assert decode_battery_level(b"\x64") == 100
    assert decode_battery_level(b"\x00") == 0
    assert decode_battery_level(b"\x65") is None
    assert decode_battery_level(b"") is None


# --------------------------------------------------------------------------- real captures
# Notifications captured from real straps and published; each with where it was found.

REAL_CAPTURES = [
    # Polar H7, values printed by an iOS app, quoted in the answer to "Polar H7 ... how to get the
    # BPM out of characteristic.value" (StackOverflow, mirrored at e-learn.cn/qa/answer/1013198):
    # [22, 77, 22, 3], [22, 78, 27, 3, 18, 3], [22, 79, 2, 3], [22, 78, 15, 3].
    (bytes([22, 77, 22, 3]), 77, Contact.DETECTED, (790,), 0),
    (bytes([22, 78, 27, 3, 18, 3]), 78, Contact.DETECTED, (795, 786), 0),
    (bytes([22, 79, 2, 3]), 79, Contact.DETECTED, (770,), 0),
    (bytes([22, 78, 15, 3]), 78, Contact.DETECTED, (783,), 0),
    # Polar H10 through gatttool, StackOverflow question 50477232 "Reading Heart Rate Measurement
    # (x2A37) values": "10 48 2c 03" and "10 49 5e 03 96 03". No contact bits: this H10 firmware
    # reported contact as unsupported.
    (_hex("10 48 2c 03"), 72, Contact.UNSUPPORTED, (812,), 0),
    (_hex("10 49 5e 03 96 03"), 73, Contact.UNSUPPORTED, (862, 918), 0),
    # Polar H10 on Android, StackOverflow question 67024800 "BLE heart rate sensor value
    # interpretation": [16, 59, 83, 4].
    (bytes([16, 59, 83, 4]), 59, Contact.UNSUPPORTED, (1107,), 0),
    # A strap read through Web Bluetooth, WebBluetoothCG/web-bluetooth issue #493 "Read RR Value
    # from HR Device": "0x10 0x3e 0xb1 0x3 0xde" etc. Five bytes: one whole RR, then one stray byte.
    (_hex("10 3e b1 03 de"), 62, Contact.UNSUPPORTED, (945,), 1),
    (_hex("10 39 23 04 35"), 57, Contact.UNSUPPORTED, (1059,), 1),
    (_hex("10 3d cf 03 ef"), 61, Contact.UNSUPPORTED, (975,), 1),
    # Another project's test vector (not a capture, so its intervals do not match its HR):
    # movisens/SmartGattLib, src/test/java/HeartRateMeasurementTest.java: "16485401EC02" is HR 72,
    # worn, RR 0.33203125 s and 0.73046875 s.
    (_hex("16 48 54 01 ec 02"), 72, Contact.DETECTED, (340, 748), 0),
    # Garmin HRM-Dual, seen by this project (docs/bluetooth.md): "10 38 2d 04 35 00", 1044 ms
    # then a bogus 52 ms.
    (_hex("10 38 2d 04 35 00"), 56, Contact.UNSUPPORTED, (1069, 53), 0),
]


@pytest.mark.parametrize(("packet", "hr", "contact", "rr", "stray"), REAL_CAPTURES)
def test_real_captures(packet, hr, contact, rr, stray):
    m = decode_hrm(packet)
    assert (m.hr_bpm, m.contact, m.rr_raw, m.stray_bytes) == (hr, contact, rr, stray)


def test_real_capture_rr_agrees_with_the_heart_rate_the_strap_computed():
    # An independent check on byte order: the strap's own HR and 60000/RR agree within a few bpm.
    for packet, hr, *_ in REAL_CAPTURES[:-2]:  # not the test vector, nor the Garmin's bogus interval
        rr = decode_hrm(packet).rr_ms
        assert all(abs(60000.0 / r - hr) < 10 for r in rr), packet.hex(" ")


def test_garmin_bogus_interval_becomes_an_artefact_not_a_beat():
    m = decode_hrm(_hex("10 38 2d 04 35 00"))
    assert m.rr_ms[0] == pytest.approx(1043.9, abs=0.05)
    assert m.rr_ms[1] == pytest.approx(51.8, abs=0.05)
    timeline = BeatTimeline()
    batch = timeline.add(m.to_sample(10.0))
    assert batch.rr_ms == (m.rr_ms[0],)
    assert batch.rejected_rr_ms == (m.rr_ms[1],)


@pytest.mark.parametrize("raw", [0, 0xFFFF])
def test_zero_and_ffff_intervals_are_decoded_as_sent_and_rejected_downstream(raw):
    m = decode_hrm(encode_hrm(60, (1024, raw)))
    assert m.rr_raw == (1024, raw)
    batch = BeatTimeline().add(m.to_sample(5.0))
    assert batch.rr_ms == (1000.0,)
    assert len(batch.rejected_rr_ms) == 1


# --------------------------------------------------------------------------- fuzzing


def _reference_decode(data: bytes):
    """An independent oracle written with struct, straight from the specification table."""
    flags = data[0]
    fmt = "<H" if flags & 1 else "<B"
    (hr,) = struct.unpack_from(fmt, data, 1)
    offset = 1 + struct.calcsize(fmt)
    energy = None
    if flags & 8:
        (energy,) = struct.unpack_from("<H", data, offset)
        offset += 2
    rr = ()
    if flags & 16:
        n = (len(data) - offset) // 2
        rr = struct.unpack_from(f"<{n}H", data, offset) if n else ()
        if not n:
            raise struct.error("no RR")
    contact = {0: Contact.UNSUPPORTED, 1: Contact.UNSUPPORTED, 2: Contact.NOT_DETECTED, 3: Contact.DETECTED}[(flags >> 1) & 3]
    return hr, contact, energy, tuple(rr)


@given(st.binary(max_size=24))
def test_any_bytes_decode_or_raise_the_typed_error(data):
    try:
        expected = _reference_decode(data) if data else None
    except struct.error:
        expected = None
    if expected is None:
        with pytest.raises(HrmDecodeError):
            decode_hrm(data)
    else:
        m = decode_hrm(data)
        assert (m.hr_bpm, m.contact, m.energy_kj, m.rr_raw) == expected


@given(
    hr=st.integers(0, 0xFFFF),
    rr=st.lists(st.integers(0, 0xFFFF), max_size=9).map(tuple),
    contact=st.sampled_from(list(Contact)),
    energy=st.none() | st.integers(0, 0xFFFF),
    wide=st.booleans(),
)
def test_encode_decode_round_trip(hr, rr, contact, energy, wide):
    if hr > 255:
        wide = True
    m = decode_hrm(encode_hrm(hr, rr, contact, energy, wide))
    assert (m.hr_bpm, m.rr_raw, m.contact, m.energy_kj, m.stray_bytes) == (hr, rr, contact, energy, 0)


@given(st.binary(min_size=2, max_size=20), st.integers(0, 19))
def test_every_truncation_of_a_packet_is_handled(data, cut):
    try:
        decode_hrm(data[:cut])
    except HrmDecodeError:
        pass
