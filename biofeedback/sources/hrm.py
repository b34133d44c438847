"""Decoder for the Bluetooth Heart Rate Measurement characteristic (0x2A37), as a pure function.

Byte layout (Bluetooth SIG, Heart Rate Service 1.0, section 3.1; GATT Specification Supplement,
"Heart Rate Measurement"). All multi-byte fields are little-endian::

    offset  size  field
    0       1     flags
                    bit 0    heart-rate format: 0 = uint8, 1 = uint16
                    bit 1    sensor contact status: 1 = contact detected (meaningful only if bit 2)
                    bit 2    sensor contact supported
                    bit 3    energy expended present
                    bit 4    RR intervals present
                    bits 5-7 reserved (ignored)
    1       1|2   heart rate, beats/min (uint8, or uint16 if flags bit 0)
    +0|2          energy expended, kJ (uint16), if flags bit 3
    +2n           RR intervals, uint16 each in units of 1/1024 s, oldest first; n is implied by
                  the remaining length, if flags bit 4

So bits 2-1 read ``0x`` = contact not supported, ``10`` = no contact, ``11`` = contact.

The decoder reports what the strap sent, unjudged: an RR of 0 or 0xFFFF, or a 52 ms interval
after a 1044 ms one (a Garmin HRM-Dual does this), are decoded as sent. Judging plausibility is
the beat timeline's job (:mod:`biofeedback.core.timeline`), which turns such values into counted
artefacts, never beats. A packet shorter than its flags promise raises :class:`HrmDecodeError`.
A single byte left over after the last whole RR interval (seen in the wild, see tests) is ignored
and counted in :attr:`HeartRateMeasurement.stray_bytes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from biofeedback.core.constants import RR_UNITS_PER_SECOND
from biofeedback.core.samples import Contact, Sample
from biofeedback.sources.packets import PacketDecodeError

FLAG_HR_UINT16 = 0x01
FLAG_CONTACT_DETECTED = 0x02
FLAG_CONTACT_SUPPORTED = 0x04
FLAG_ENERGY_PRESENT = 0x08
FLAG_RR_PRESENT = 0x10


class HrmDecodeError(PacketDecodeError):
    """A Heart Rate Measurement packet that cannot be decoded (too short for its flags). ``data`` holds the packet."""


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    """One decoded 0x2A37 notification.

    Attributes
    ----------
    hr_bpm : int
        Heart rate computed by the strap, beats/min.
    contact : Contact
        Sensor contact (flags bits 1-2).
    energy_kj : int or None
        Cumulative energy expended, kJ, where sent.
    rr_raw : tuple of int
        RR intervals as sent, units of 1/1024 s, oldest first.
    stray_bytes : int
        Bytes after the last whole RR interval (0 or 1), ignored.
    """

    hr_bpm: int
    contact: Contact
    energy_kj: int | None = None
    rr_raw: tuple[int, ...] = ()
    stray_bytes: int = 0

    @property
    def rr_ms(self) -> tuple[float, ...]:
        """RR intervals in ms (exact: 1/1024 s units times 1000/1024)."""
        return tuple(r * 1000.0 / RR_UNITS_PER_SECOND for r in self.rr_raw)

    def to_sample(self, t: float) -> Sample:
        """The app's sample for this notification, received at session time ``t`` (s)."""
        return Sample(t=t, hr_bpm=self.hr_bpm, rr_ms=self.rr_ms, contact=self.contact, energy_kj=self.energy_kj)


def _contact(flags: int) -> Contact:
    if not flags & FLAG_CONTACT_SUPPORTED:
        return Contact.UNSUPPORTED
    return Contact.DETECTED if flags & FLAG_CONTACT_DETECTED else Contact.NOT_DETECTED


def decode_hrm(data: bytes | bytearray | memoryview) -> HeartRateMeasurement:
    """Decode one Heart Rate Measurement notification.

    Parameters
    ----------
    data : bytes-like
        The characteristic value exactly as notified.

    Returns
    -------
    HeartRateMeasurement

    Raises
    ------
    HrmDecodeError
        If the packet is empty or shorter than its flags promise (heart rate or energy field
        cut off, or the RR flag set with no interval after it).
    """
    data = bytes(data)
    if not data:
        raise HrmDecodeError("empty Heart Rate Measurement", data)
    flags = data[0]
    pos = 1
    width = 2 if flags & FLAG_HR_UINT16 else 1
    if len(data) < pos + width:
        raise HrmDecodeError(f"heart rate field needs {width} byte(s) after the flags", data)
    hr = int.from_bytes(data[pos : pos + width], "little")
    pos += width
    energy = None
    if flags & FLAG_ENERGY_PRESENT:
        if len(data) < pos + 2:
            raise HrmDecodeError("energy expended flagged but cut off", data)
        energy = int.from_bytes(data[pos : pos + 2], "little")
        pos += 2
    rr: tuple[int, ...] = ()
    stray = 0
    if flags & FLAG_RR_PRESENT:
        rest = len(data) - pos
        if rest < 2:
            raise HrmDecodeError("RR intervals flagged but none present", data)
        count, stray = divmod(rest, 2)
        rr = tuple(int.from_bytes(data[pos + 2 * i : pos + 2 * i + 2], "little") for i in range(count))
    else:
        stray = len(data) - pos
    return HeartRateMeasurement(hr, _contact(flags), energy, rr, stray)


def encode_hrm(
    hr_bpm: int,
    rr_raw: tuple[int, ...] = (),
    contact: Contact = Contact.UNSUPPORTED,
    energy_kj: int | None = None,
    hr_uint16: bool = False,
) -> bytes:
    """Build a 0x2A37 packet (the inverse of :func:`decode_hrm`), for tests and mock straps."""
    flags = 0
    if hr_uint16:
        flags |= FLAG_HR_UINT16
    if contact is not Contact.UNSUPPORTED:
        flags |= FLAG_CONTACT_SUPPORTED
        if contact is Contact.DETECTED:
            flags |= FLAG_CONTACT_DETECTED
    if energy_kj is not None:
        flags |= FLAG_ENERGY_PRESENT
    if rr_raw:
        flags |= FLAG_RR_PRESENT
    out = bytearray([flags])
    out += hr_bpm.to_bytes(2 if hr_uint16 else 1, "little")
    if energy_kj is not None:
        out += energy_kj.to_bytes(2, "little")
    for r in rr_raw:
        out += r.to_bytes(2, "little")
    return bytes(out)


#: Body Sensor Location 0x2A38 values (Heart Rate Service 1.0, section 3.2).
BODY_SENSOR_LOCATIONS = {0: "other", 1: "chest", 2: "wrist", 3: "finger", 4: "hand", 5: "ear lobe", 6: "foot"}


def decode_body_sensor_location(data: bytes | bytearray) -> str:
    """Decode Body Sensor Location 0x2A38 (one byte) into a word; unknown codes say so."""
    if not data:
        return "unknown"
    return BODY_SENSOR_LOCATIONS.get(data[0], f"unknown ({data[0]})")


def decode_battery_level(data: bytes | bytearray) -> int | None:
    """Decode Battery Level 0x2A19 (one byte, percent); None if empty or above 100 (invalid)."""
    if not data or data[0] > 100:
        return None
    return int(data[0])
