"""The immutable values that sources produce and everything downstream consumes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Contact(enum.Enum):
    """Sensor contact as reported by the strap (Heart Rate Measurement flags, bits 1-2)."""

    UNSUPPORTED = "unsupported"
    NOT_DETECTED = "not_detected"
    DETECTED = "detected"


@dataclass(frozen=True, slots=True)
class Sample:
    """One heart-rate notification.

    Attributes
    ----------
    t : float
        Session time at which the notification reached the app, s (monotonic).
    hr_bpm : int or None
        Heart rate as computed by the strap, beats/min.
    rr_ms : tuple of float
        RR intervals carried by this notification, oldest first, ms. May be empty.
    contact : Contact
        Sensor contact state.
    energy_kj : int or None
        Cumulative energy expended, kJ, where the strap reports it.
    """

    t: float
    hr_bpm: int | None
    rr_ms: tuple[float, ...] = ()
    contact: Contact = Contact.UNSUPPORTED
    energy_kj: int | None = None


class LinkState(enum.Enum):
    """What a source is doing, for status displays and the session file."""

    STARTING = "starting"
    SCANNING = "scanning"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    STREAMING = "streaming"
    RECONNECTING = "reconnecting"
    LOST = "lost"
    FINISHED = "finished"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Status:
    """A change in a source's link state, with a plain-language message for people."""

    t: float
    state: LinkState
    message: str = ""
    device: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Battery:
    """Battery level of the sensor, percent."""

    t: float
    percent: int


SourceEvent = Sample | Status | Battery
