"""Decoders for the Bluetooth Blood Pressure Service (0x1810), as pure functions.

Blood Pressure Measurement 0x2A35 (indicated) and Intermediate Cuff Pressure 0x2A36 (notified)
share one layout (Blood Pressure Service 1.1.1, section 3; GATT Specification Supplement,
"Blood Pressure Measurement" and "Intermediate Cuff Pressure"). Multi-byte fields are
little-endian::

    offset  size  field
    0       1     flags
                    bit 0    unit of all pressures: 0 = mmHg, 1 = kPa
                    bit 1    time stamp present
                    bit 2    pulse rate present
                    bit 3    user ID present
                    bit 4    measurement status present
                    bits 5-7 reserved (ignored)
    1       2     systolic, SFLOAT (in 0x2A36: the current cuff pressure)
    3       2     diastolic, SFLOAT (unused in 0x2A36, sent as NaN)
    5       2     mean arterial pressure, SFLOAT (unused in 0x2A36, sent as NaN)
    +7            time stamp (Date Time 0x2A08), if flags bit 1:
                    year uint16 (1582-9999, 0 = not known), month uint8 (1-12, 0 = not known),
                    day uint8 (1-31, 0 = not known), hours uint8 (0-23), minutes uint8 (0-59),
                    seconds uint8 (0-59)
    +2            pulse rate, beats/min, SFLOAT, if flags bit 2
    +1            user ID uint8 (255 = unknown user), if flags bit 3
    +2            measurement status uint16, if flags bit 4:
                    bit 0     body movement during the measurement
                    bit 1     cuff too loose
                    bit 2     irregular pulse
                    bits 3-4  pulse rate range: 00 within, 01 above the upper limit,
                              10 below the lower limit, 11 reserved
                    bit 5     improper measurement position
                    bits 6-15 reserved

SFLOAT is IEEE 11073-20601's 16-bit FLOAT: bits 15-12 a signed exponent, bits 11-0 a signed
mantissa, value = mantissa x 10^exponent. Five raw values are special (exponent 0): 0x07FF NaN
(no value), 0x0800 NRes (not at this resolution), 0x07FE +INFINITY, 0x0802 -INFINITY and 0x0801
reserved. A cuff that could not measure sends NaN.

Blood Pressure Feature 0x2A49 (read) is a uint16 of what the cuff can detect: bit 0 body
movement, 1 cuff fit, 2 irregular pulse, 3 pulse rate range, 4 measurement position, 5 multiple
bonds; Blood Pressure Service 1.1 added 6 E2E-CRC, 7 User Data Service, 8 user facing time.

Decoding is kept apart from judging, as for the strap (:mod:`biofeedback.sources.hrm`).
:func:`decode_bpm` reports what the cuff sent: special values as :class:`SFloatSpecial`, the
date as its raw fields, the status as bits. A packet shorter than its flags promise raises
:class:`BpmDecodeError`. :func:`judge` then turns a decoded measurement into a
:class:`~biofeedback.core.samples.BloodPressure` reading, or says why it cannot be used (no
values, impossible values), and what it left out (an impossible date, an implausible pulse).

Real cuffs do not all follow the layout: a Beurer BM85 sends the pulse and the status big-endian
and a user ID byte its flags do not announce (captures in ``tests/test_bpm.py``).
:func:`reading_from_packet` notices that shape (one byte too many and a pulse that makes no
sense read as specified) and decodes such a packet the way that cuff sends it.
"""

from __future__ import annotations

import datetime as _dt
import enum
import logging
import math
from dataclasses import dataclass

from biofeedback.core import words
from biofeedback.core.blood_pressure import PLAUSIBLE_PULSE_BPM, implausible_reason
from biofeedback.core.samples import BloodPressure
from biofeedback.sources.packets import PacketDecodeError

log = logging.getLogger(__name__)

FLAG_KPA = 0x01
FLAG_TIME_STAMP = 0x02
FLAG_PULSE = 0x04
FLAG_USER_ID = 0x08
FLAG_STATUS = 0x10

STATUS_BODY_MOVEMENT = 0x0001
STATUS_CUFF_LOOSE = 0x0002
STATUS_IRREGULAR_PULSE = 0x0004
STATUS_PULSE_RANGE_MASK = 0x0018
STATUS_PULSE_ABOVE = 0x0008
STATUS_PULSE_BELOW = 0x0010
STATUS_IMPROPER_POSITION = 0x0020

#: User ID 255: the cuff does not know whose reading this is.
UNKNOWN_USER = 0xFF

#: The words a reading's measurement status becomes (``BloodPressure.flags``), in bit order.
STATUS_WORDS = (
    (STATUS_BODY_MOVEMENT, "body_movement"),
    (STATUS_CUFF_LOOSE, "cuff_loose"),
    (STATUS_IRREGULAR_PULSE, "irregular_pulse"),
    (STATUS_IMPROPER_POSITION, "improper_position"),
)

#: Blood Pressure Feature 0x2A49 bits and what they say the cuff can do.
FEATURE_WORDS = (
    (0x0001, "body_movement_detection"),
    (0x0002, "cuff_fit_detection"),
    (0x0004, "irregular_pulse_detection"),
    (0x0008, "pulse_rate_range_detection"),
    (0x0010, "measurement_position_detection"),
    (0x0020, "multiple_bonds"),
    (0x0040, "e2e_crc"),
    (0x0080, "user_data_service"),
    (0x0100, "user_facing_time"),
)


class BpmDecodeError(PacketDecodeError):
    """A blood-pressure packet that cannot be decoded (too short for its flags). ``data`` holds the packet."""


# --------------------------------------------------------------------------- SFLOAT


class SFloatSpecial(enum.Enum):
    """The special SFLOAT values (IEEE 11073-20601), by their raw 16-bit value."""

    NAN = 0x07FF
    NRES = 0x0800
    POSITIVE_INFINITY = 0x07FE
    NEGATIVE_INFINITY = 0x0802
    RESERVED = 0x0801


_SPECIAL_BY_RAW = {s.value: s for s in SFloatSpecial}

#: A decoded SFLOAT: a number, or one of the special values.
SFloat = float | SFloatSpecial


def decode_sfloat(raw: int) -> SFloat:
    """The value of a raw 16-bit SFLOAT: mantissa x 10^exponent, or a special value.

    Negative exponents divide (``77 / 10``, not ``77 * 0.1``) so that a value with one decimal
    is the nearest float to that decimal, as a person reads it off the cuff.
    """
    raw &= 0xFFFF
    special = _SPECIAL_BY_RAW.get(raw)
    if special is not None:
        return special
    exponent = raw >> 12
    mantissa = raw & 0x0FFF
    if exponent >= 0x8:
        exponent -= 0x10
    if mantissa >= 0x800:
        mantissa -= 0x1000
    if exponent < 0:
        return mantissa / 10 ** (-exponent)
    return float(mantissa * 10**exponent)


def encode_sfloat(value: SFloat, exponent: int | None = None) -> int:
    """The raw 16-bit SFLOAT for ``value`` (the inverse of :func:`decode_sfloat`), for fakes.

    With ``exponent`` the value is rounded to that power of ten. Without, the first exponent of
    0, -1, ... -8, then 1 ... 7 that represents ``value`` exactly is used (a cuff sends whole
    mmHg with exponent 0). Raises ValueError when ``value`` cannot be represented.
    """
    if isinstance(value, SFloatSpecial):
        return value.value
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number; send a special value instead")
    if exponent is not None:
        mantissa = _mantissa(value, exponent)
        if not _fits(exponent, mantissa):
            raise ValueError(f"{value} cannot be sent as an SFLOAT with exponent {exponent}")
        return _pack(exponent, mantissa)
    for e in (*range(0, -9, -1), *range(1, 8)):
        mantissa = _mantissa(value, e)
        if _fits(e, mantissa) and decode_sfloat(_pack(e, mantissa)) == value:
            return _pack(e, mantissa)
    raise ValueError(f"{value} cannot be sent exactly as an SFLOAT")


def _mantissa(value: float, exponent: int) -> int:
    return round(value * 10 ** (-exponent)) if exponent <= 0 else round(value / 10**exponent)


def _fits(exponent: int, mantissa: int) -> bool:
    if not -2048 <= mantissa <= 2047:
        return False
    # with exponent 0 five mantissas are the special values
    return not (exponent == 0 and (mantissa >= 2046 or mantissa <= -2046))


def _pack(exponent: int, mantissa: int) -> int:
    return ((exponent & 0xF) << 12) | (mantissa & 0x0FFF)


# --------------------------------------------------------------------------- decoded values


@dataclass(frozen=True, slots=True)
class CuffDateTime:
    """A Date Time field (0x2A08) exactly as sent: year 0, month 0 or day 0 mean "not known"."""

    year: int
    month: int
    day: int
    hours: int
    minutes: int
    seconds: int

    @property
    def known(self) -> bool:
        """Whether the cuff says it knows the date (year, month and day all non-zero)."""
        return bool(self.year and self.month and self.day)

    def as_datetime(self) -> _dt.datetime | None:
        """The date and time, or None when not known or impossible (month 13, 30 February, ...)."""
        if not self.known or not 1582 <= self.year <= 9999:
            return None
        try:
            return _dt.datetime(self.year, self.month, self.day, self.hours, self.minutes, self.seconds)
        except ValueError:
            return None

    def iso(self) -> str | None:
        """ISO 8601 without a time zone (the cuff's clock does not say one), or None."""
        when = self.as_datetime()
        return None if when is None else when.isoformat()

    def as_sent(self) -> str:
        """The fields as the cuff sent them, for messages about an impossible date."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d} {self.hours:02d}:{self.minutes:02d}:{self.seconds:02d}"

    def to_bytes(self) -> bytes:
        return self.year.to_bytes(2, "little") + bytes([self.month, self.day, self.hours, self.minutes, self.seconds])

    @classmethod
    def from_datetime(cls, when: _dt.datetime) -> CuffDateTime:
        return cls(when.year, when.month, when.day, when.hour, when.minute, when.second)


@dataclass(frozen=True, slots=True)
class BloodPressureMeasurement:
    """One decoded 0x2A35 indication (or 0x2A36 notification), unjudged.

    Attributes
    ----------
    unit : str
        ``"mmHg"`` or ``"kPa"`` (flags bit 0), for all pressures.
    systolic, diastolic, mean_arterial : float or SFloatSpecial
        As sent, in ``unit``.
    time : CuffDateTime or None
        The cuff's time stamp, where flagged, fields as sent.
    pulse : float or SFloatSpecial or None
        Pulse rate, beats/min, where flagged.
    user_id : int or None
        As sent (255 = unknown user), where flagged.
    status : int or None
        Measurement status bits, where flagged.
    flags : int
        The flags byte as sent.
    stray_bytes : int
        Bytes after the last field the flags announce.
    byte_swapped_tail : bool
        Decoded with the pulse and status big-endian and a user ID byte whatever the flags say
        (how a Beurer BM85 sends them).
    """

    unit: str
    systolic: SFloat
    diastolic: SFloat
    mean_arterial: SFloat
    time: CuffDateTime | None = None
    pulse: SFloat | None = None
    user_id: int | None = None
    status: int | None = None
    flags: int = 0
    stray_bytes: int = 0
    byte_swapped_tail: bool = False

    @property
    def status_words(self) -> tuple[str, ...]:
        """The measurement status as the words of ``BloodPressure.flags``."""
        if not self.status:
            return ()
        found = [word for bit, word in STATUS_WORDS if self.status & bit]
        if self.status & STATUS_PULSE_RANGE_MASK in (STATUS_PULSE_ABOVE, STATUS_PULSE_BELOW):
            found.insert(3, "pulse_out_of_range")  # bits 3-4 come before bit 5
        return tuple(found)


def decode_bpm(data: bytes | bytearray | memoryview, *, byte_swapped_tail: bool = False) -> BloodPressureMeasurement:
    """Decode one Blood Pressure Measurement indication (or Intermediate Cuff Pressure notification).

    Parameters
    ----------
    data : bytes-like
        The characteristic value exactly as received.
    byte_swapped_tail : bool
        Read the pulse and the status big-endian, with a user ID byte before the status whatever
        the flags say: the layout a Beurer BM85 sends (see the module docstring).

    Returns
    -------
    BloodPressureMeasurement

    Raises
    ------
    BpmDecodeError
        If the packet is empty or shorter than its flags promise.
    """
    data = bytes(data)
    if not data:
        raise BpmDecodeError("empty blood-pressure packet", data)
    flags = data[0]
    need = 7
    if flags & FLAG_TIME_STAMP:
        need += 7
    if flags & FLAG_PULSE:
        need += 2
    if flags & FLAG_USER_ID or byte_swapped_tail:
        need += 1
    if flags & FLAG_STATUS:
        need += 2
    if len(data) < need:
        raise BpmDecodeError(f"{len(data)} bytes, but its flags (0x{flags:02x}) promise {need}", data)
    order = "big" if byte_swapped_tail else "little"

    def sfloat(at: int, byteorder: str = "little") -> SFloat:
        return decode_sfloat(int.from_bytes(data[at : at + 2], byteorder))

    systolic, diastolic, mean_arterial = sfloat(1), sfloat(3), sfloat(5)
    pos = 7
    time = None
    if flags & FLAG_TIME_STAMP:
        time = CuffDateTime(int.from_bytes(data[pos : pos + 2], "little"), *data[pos + 2 : pos + 7])
        pos += 7
    pulse = None
    if flags & FLAG_PULSE:
        pulse = sfloat(pos, order)
        pos += 2
    user_id = None
    if flags & FLAG_USER_ID or byte_swapped_tail:
        user_id = data[pos]
        pos += 1
    status = None
    if flags & FLAG_STATUS:
        status = int.from_bytes(data[pos : pos + 2], order)
        pos += 2
    return BloodPressureMeasurement(
        "kPa" if flags & FLAG_KPA else "mmHg",
        systolic,
        diastolic,
        mean_arterial,
        time,
        pulse,
        user_id,
        status,
        flags,
        len(data) - pos,
        byte_swapped_tail,
    )


def encode_bpm(
    systolic: SFloat,
    diastolic: SFloat,
    mean_arterial: SFloat = SFloatSpecial.NAN,
    *,
    unit: str = "mmHg",
    time: CuffDateTime | _dt.datetime | None = None,
    pulse: SFloat | None = None,
    user_id: int | None = None,
    status: int | None = None,
    exponent: int | None = None,
) -> bytes:
    """Build a 0x2A35 (or 0x2A36) packet, the inverse of :func:`decode_bpm`, for tests and mock cuffs.

    ``exponent`` rounds the three pressures to that power of ten (a cuff sending 0.1 kPa steps
    uses -1); the pulse is sent exactly.
    """
    if unit not in ("mmHg", "kPa"):
        raise ValueError(f"unit is mmHg or kPa, not {unit!r}")
    if isinstance(time, _dt.datetime):
        time = CuffDateTime.from_datetime(time)
    flags = (FLAG_KPA if unit == "kPa" else 0) | (FLAG_TIME_STAMP if time is not None else 0)
    flags |= (FLAG_PULSE if pulse is not None else 0) | (FLAG_USER_ID if user_id is not None else 0)
    flags |= FLAG_STATUS if status is not None else 0
    out = bytearray([flags])
    for value in (systolic, diastolic, mean_arterial):
        out += encode_sfloat(value, exponent).to_bytes(2, "little")
    if time is not None:
        out += time.to_bytes()
    if pulse is not None:
        out += encode_sfloat(pulse).to_bytes(2, "little")  # exact: a pulse is whole beats/min or one decimal
    if user_id is not None:
        out.append(user_id)
    if status is not None:
        out += status.to_bytes(2, "little")
    return bytes(out)


@dataclass(frozen=True, slots=True)
class IntermediateCuffPressure:
    """One decoded 0x2A36 notification: the cuff's pressure while it measures."""

    unit: str
    pressure: SFloat
    pulse: SFloat | None = None

    @property
    def mmhg(self) -> float | None:
        """The current cuff pressure in mmHg, or None if the value is special."""
        if isinstance(self.pressure, SFloatSpecial):
            return None
        return self.pressure * BloodPressure.KPA_TO_MMHG if self.unit == "kPa" else self.pressure


def decode_intermediate_cuff_pressure(data: bytes | bytearray | memoryview) -> IntermediateCuffPressure:
    """Decode Intermediate Cuff Pressure 0x2A36 (the layout of 0x2A35, systolic = cuff pressure).

    Raises :class:`BpmDecodeError` like :func:`decode_bpm`."""
    m = decode_bpm(data)
    return IntermediateCuffPressure(m.unit, m.systolic, m.pulse)


@dataclass(frozen=True, slots=True)
class BloodPressureFeature:
    """Blood Pressure Feature 0x2A49: what the cuff can detect."""

    bits: int

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for bit, word in FEATURE_WORDS if self.bits & bit)


def decode_bp_feature(data: bytes | bytearray | memoryview) -> BloodPressureFeature:
    """Decode Blood Pressure Feature 0x2A49 (uint16). Raises :class:`BpmDecodeError` if shorter."""
    data = bytes(data)
    if len(data) < 2:
        raise BpmDecodeError("Blood Pressure Feature needs 2 bytes", data)
    return BloodPressureFeature(int.from_bytes(data[:2], "little"))


# --------------------------------------------------------------------------- judging


@dataclass(frozen=True, slots=True)
class Judgement:
    """What a decoded measurement is worth.

    Attributes
    ----------
    reading : BloodPressure or None
        The reading to keep, or None when it cannot be used.
    notes : tuple of str
        Sentences for people: why it cannot be used, or what was left out of it and what to do.
    dropped : tuple of str
        Fields left out as implausible, for the log (``"pulse"``, ``"map"``, ``"time"``).
    """

    reading: BloodPressure | None
    notes: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


def _number(value: SFloat | None) -> float | None:
    return None if value is None or isinstance(value, SFloatSpecial) else float(value)


def _plausible_pulse(value: SFloat | None) -> bool:
    lo, hi = PLAUSIBLE_PULSE_BPM
    number = _number(value)
    return number is not None and lo <= number <= hi


def judge(m: BloodPressureMeasurement, t: float, origin: str = "cuff") -> Judgement:
    """Turn a decoded measurement into a reading to keep, or say why not.

    - Systolic or diastolic special (NaN, NRes, infinite, reserved), or impossible (outside
      :data:`~biofeedback.core.blood_pressure.PLAUSIBLE_MMHG`, or systolic not above diastolic):
      no reading, and a note to measure again.
    - Mean arterial pressure special or outside diastolic..systolic (some cuffs send 0): left out.
    - Pulse special or outside :data:`~biofeedback.core.blood_pressure.PLAUSIBLE_PULSE_BPM`: left out.
    - Time stamp not known (zeros): left out. Impossible (month 13, hour 25, ...): left out, with
      a note; the reading is kept.
    - User ID 255 (unknown user): None.
    """
    systolic, diastolic = _number(m.systolic), _number(m.diastolic)
    unit = m.unit
    if systolic is None or diastolic is None:
        return Judgement(None, (words.BP_NO_VALUES,))
    reason = implausible_reason(systolic, diastolic, unit)
    if reason is not None:
        return Judgement(None, (words.BP_IMPOSSIBLE.format(reading=f"{systolic:g}/{diastolic:g} {unit}"),))
    dropped: list[str] = []
    notes: list[str] = []
    mean_arterial = _number(m.mean_arterial)
    if mean_arterial is not None and not diastolic <= mean_arterial <= systolic:
        mean_arterial = None
        dropped.append("map")
    pulse = _number(m.pulse) if _plausible_pulse(m.pulse) else None
    if m.pulse is not None and pulse is None and m.pulse is not SFloatSpecial.NAN:  # NaN: no pulse measured
        dropped.append("pulse")
    measured = None
    if m.time is not None:
        measured = m.time.iso()
        if measured is None and m.time.known:
            dropped.append("time")
            notes.append(words.BP_IMPOSSIBLE_DATE.format(date=m.time.as_sent()))
    user_id = None if m.user_id in (None, UNKNOWN_USER) else m.user_id
    reading = BloodPressure(t, systolic, diastolic, mean_arterial, unit, pulse, measured, user_id, m.status_words, origin)
    return Judgement(reading, tuple(notes), tuple(dropped))


def reading_from_packet(data: bytes | bytearray | memoryview, t: float, origin: str = "cuff") -> tuple[BloodPressureMeasurement, Judgement]:
    """Decode and judge one 0x2A35 indication, reading a Beurer-shaped packet the way it is sent.

    A packet one byte longer than its flags promise, whose pulse read as specified makes no
    sense but read big-endian does, is decoded with ``byte_swapped_tail`` (see the module
    docstring). Raises :class:`BpmDecodeError` for a packet too short for its flags.
    """
    m = decode_bpm(data)
    if m.stray_bytes == 1 and m.pulse is not None and not _plausible_pulse(m.pulse) and not m.flags & FLAG_USER_ID:
        try:
            swapped = decode_bpm(data, byte_swapped_tail=True)
        except BpmDecodeError:  # pragma: no cover - the length was checked above
            swapped = None
        if swapped is not None and swapped.stray_bytes == 0 and _plausible_pulse(swapped.pulse):
            log.info("Decoding a cuff packet with its pulse and status big-endian (a Beurer-style packet): %s", bytes(data).hex(" "))
            m = swapped
    return m, judge(m, t, origin)
