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


class SourceKind(enum.Enum):
    """What a heartbeat source is, told by the source itself (never guessed from its spec)."""

    STRAP = "strap"
    DEMO = "demo"
    REPLAY = "replay"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """How a source describes itself: its kind, whether it is live, whether a session on it is
    saved by default, and what is known of its device.

    Attributes
    ----------
    kind : SourceKind
    spec : str
        How to open it again, e.g. ``"ble:A0:9E:1A:00:00:01"``, ``"demo?seed=3"`` or a file's name.
    live : bool
        Beats happen now (a strap, the demo); False for a recording played back.
    recorded_by_default : bool
        A session on this source is saved without being asked (a strap: real data is precious).
    device : dict of str
        Name, address, body location ... as far as known.
    name : str
        A short name for people ("Polar H10 1234ABCD", "the demo", "morning.bfs").
    """

    kind: SourceKind
    spec: str
    live: bool
    recorded_by_default: bool
    device: dict[str, str] = field(default_factory=dict)
    name: str = ""


@dataclass(frozen=True, slots=True)
class SourceChange:
    """From ``t`` on, samples come from the source ``info`` (the session file's ``source`` event)."""

    t: float
    info: SourceInfo


@dataclass(frozen=True, slots=True)
class BloodPressure:
    """One blood-pressure reading, from a cuff (Blood Pressure Measurement 0x2A35) or typed in.

    Pressures are stored as sent, in ``unit``; :meth:`mmhg` converts for display.

    Attributes
    ----------
    t : float
        Session time at which the reading reached the app, s.
    systolic, diastolic : float
        Pressures in ``unit``.
    mean_arterial : float or None
        Mean arterial pressure in ``unit``, where the cuff sends one.
    unit : str
        ``"mmHg"`` or ``"kPa"``.
    pulse_bpm : float or None
        Pulse rate, beats/min.
    measured_utc : str or None
        The cuff's own time stamp of the measurement, ISO 8601, where it sends a valid one. Despite
        the name it has no time zone: a cuff's clock keeps the local time it was set to, and the
        Blood Pressure Service does not say which, so it is stored as sent
        (``"2024-06-15T17:17:27"``).
    user_id : int or None
        The cuff's user number (None when unknown).
    flags : tuple of str
        Measurement status words: ``body_movement``, ``cuff_loose``, ``irregular_pulse``,
        ``pulse_out_of_range``, ``improper_position``.
    origin : str
        ``"cuff"`` or ``"manual"``.
    when : str or None
        ``"before"`` or ``"after"`` the session, where the person said so (None: a reading on its
        own, or not said).
    """

    t: float
    systolic: float
    diastolic: float
    mean_arterial: float | None = None
    unit: str = "mmHg"
    pulse_bpm: float | None = None
    measured_utc: str | None = None
    user_id: int | None = None
    flags: tuple[str, ...] = ()
    origin: str = "cuff"
    when: str | None = None

    #: 1 kPa in mmHg (ISO 80000-4: 1 mmHg = 133.322 Pa).
    KPA_TO_MMHG = 1000.0 / 133.322387415

    def __post_init__(self) -> None:
        if self.unit not in ("mmHg", "kPa"):
            raise ValueError(f"a blood pressure is in mmHg or kPa, not {self.unit!r}")
        if self.when not in (None, "before", "after"):
            raise ValueError(f"a reading is taken 'before' or 'after' a session, not {self.when!r}")

    def mmhg(self, value: float | None) -> float | None:
        """``value`` (one of this reading's pressures) in mmHg."""
        if value is None:
            return None
        return value * self.KPA_TO_MMHG if self.unit == "kPa" else value

    @property
    def systolic_mmhg(self) -> float:
        return self.mmhg(self.systolic)

    @property
    def diastolic_mmhg(self) -> float:
        return self.mmhg(self.diastolic)

    @property
    def mean_arterial_mmhg(self) -> float | None:
        return self.mmhg(self.mean_arterial)


@dataclass(frozen=True, slots=True)
class CuffPressure:
    """The cuff's pressure while it inflates and deflates (Intermediate Cuff Pressure 0x2A36).

    Attributes
    ----------
    t : float
        Session time of arrival, s.
    mmhg : float
        Current cuff pressure, mmHg (converted if the cuff sent kPa).
    """

    t: float
    mmhg: float


@dataclass(frozen=True, slots=True)
class DeviceNotice:
    """Something a device sent that a person should hear about, without any change in the link:
    a cuff reading that cannot be used, a cuff clock with an impossible date. The message is for
    people and says what to do."""

    t: float
    message: str
