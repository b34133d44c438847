"""Device handling for the window: scanning, picking, remembering the strap, and switching sources.

- :class:`DeviceController` turns source events into one :class:`DeviceState` for the device
  panel (scanning, connecting, connected, no skin contact, battery, reconnecting, lost, failed),
  runs scans off the GUI thread, and remembers the last strap that connected.
- :class:`SourceRunner` owns the running :class:`~biofeedback.qt.bridge.SourceBridge` and swaps
  it for another source (a picked strap, the demo, a recording) without blocking the GUI thread.

Nothing here imports bleak: the scan coroutine and the sources are passed in by ``app.py``.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, QSettings, Signal

from biofeedback.core.samples import Contact, LinkState, Sample, Status
from biofeedback.qt.bridge import SourceBridge
from biofeedback.qt.settings import Store
from biofeedback.sources.base import Source, SourceError
from biofeedback.sources.clock import SessionClock

log = logging.getLogger(__name__)

#: QSettings keys of the last strap that connected (group ``device``).
ADDRESS_KEY = "device/address"
NAME_KEY = "device/name"

#: Default length of a scan from the window, s.
SCAN_S = 5.0

#: ``Status.device["kind"]`` of the break a source switch writes (not a strap's state).
SWITCH_KIND = "switch"

NO_CONTACT_MESSAGE = "The strap has lost skin contact. Moisten the electrodes and press it gently against your chest."


class FoundDevice(Protocol):
    """What a scan reports per strap (``biofeedback.sources.ble.FoundDevice``)."""

    name: str
    address: str
    rssi: int | None


ScanFn = Callable[[float], Awaitable[Sequence[FoundDevice]]]


@dataclass(frozen=True, slots=True)
class RememberedDevice:
    address: str
    name: str = ""


def app_settings() -> QSettings:
    """The app's own QSettings (same organisation and application names as ``app.py`` sets)."""
    return QSettings("biofeedback", "biofeedback")


def remembered_device(store: Store | None = None) -> RememberedDevice | None:
    """The strap that connected last, if any."""
    store = store if store is not None else app_settings()
    address = store.value(ADDRESS_KEY, "")
    if not address:
        return None
    return RememberedDevice(str(address), str(store.value(NAME_KEY, "") or ""))


class DevicePhase(enum.Enum):
    """What the device panel shows."""

    IDLE = "Not connected"
    SCANNING = "Looking for straps"
    CONNECTING = "Connecting"
    CONNECTED = "Connected"
    NO_CONTACT = "No skin contact"
    RECONNECTING = "Reconnecting"
    LOST = "Signal lost"
    FAILED = "Not available"
    DEMO = "Demo"
    REPLAY = "Recording"


_PHASE_OF_STATE = {
    LinkState.STARTING: DevicePhase.CONNECTING,
    LinkState.SCANNING: DevicePhase.SCANNING,
    LinkState.CONNECTING: DevicePhase.CONNECTING,
    LinkState.CONNECTED: DevicePhase.CONNECTED,
    LinkState.STREAMING: DevicePhase.CONNECTED,
    LinkState.RECONNECTING: DevicePhase.RECONNECTING,
    LinkState.LOST: DevicePhase.LOST,
    LinkState.FAILED: DevicePhase.FAILED,
    LinkState.FINISHED: DevicePhase.IDLE,
}


@dataclass(frozen=True, slots=True)
class DeviceState:
    """Everything the device panel shows.

    Attributes
    ----------
    phase : DevicePhase
    message : str
        A plain sentence for people.
    name, address, location : str
        Of the strap, where known ("" otherwise).
    battery_pct : int or None
        Battery level, percent.
    is_strap : bool
        True for a Bluetooth strap, False for the demo or a recording.
    """

    phase: DevicePhase = DevicePhase.IDLE
    message: str = ""
    name: str = ""
    address: str = ""
    location: str = ""
    battery_pct: int | None = None
    is_strap: bool = False

    @property
    def offers_alternatives(self) -> bool:
        """Whether to offer the demo or a recording instead (the strap cannot be used)."""
        return self.phase is DevicePhase.FAILED


def _phase_for_device(phase: DevicePhase, device: dict[str, str]) -> DevicePhase:
    if phase in (DevicePhase.CONNECTED, DevicePhase.CONNECTING) and device:
        if device.get("address") == "demo":
            return DevicePhase.DEMO
        if device.get("kind") != "ble":
            return DevicePhase.REPLAY
    return phase


class DeviceController(QObject):
    """Scans, remembers the last strap, and turns source events into a :class:`DeviceState`.

    Parameters
    ----------
    scan : async callable ``scan(timeout_s) -> list of FoundDevice``
        Runs on a private asyncio loop in a worker thread.
    store : Store, optional
        Where the last strap is remembered (the app's ``QSettings``); in memory if omitted.
    scan_s : float
        How long a scan listens, s.

    Signals
    -------
    state_changed(DeviceState)
    scan_started()
    devices_found(tuple)
        The straps found, strongest first.
    scan_failed(str)
        A message for people.
    device_chosen(str)
        The address of the strap a person picked.
    """

    state_changed = Signal(object)
    scan_started = Signal()
    devices_found = Signal(object)
    scan_failed = Signal(str)
    device_chosen = Signal(str)

    def __init__(self, scan: ScanFn, store: Store | None = None, scan_s: float = SCAN_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from biofeedback.qt.settings import MemoryStore

        self._scan = scan
        self.scan_s = scan_s
        self.store: Store = store if store is not None else MemoryStore()
        self.state = DeviceState()
        #: "strap", "demo" or "recording" once told which source runs (see on_source_started).
        self.source_kind: str | None = None
        self._scan_thread: threading.Thread | None = None

    # ---- remembering

    def remembered(self) -> RememberedDevice | None:
        return remembered_device(self.store)

    def remember(self, address: str, name: str = "") -> None:
        self.store.setValue(ADDRESS_KEY, address)
        self.store.setValue(NAME_KEY, name)
        self.store.sync()

    # ---- scanning (off the GUI thread)

    @property
    def scanning(self) -> bool:
        return self._scan_thread is not None and self._scan_thread.is_alive()

    def scan(self, timeout: float | None = None) -> None:
        """Start a scan; results arrive as :attr:`devices_found` or :attr:`scan_failed`."""
        timeout = self.scan_s if timeout is None else timeout
        if self.scanning:
            return
        self.scan_started.emit()
        self._scan_thread = threading.Thread(target=self._run_scan, args=(timeout,), name="ble-scan", daemon=True)
        self._scan_thread.start()

    def _run_scan(self, timeout: float) -> None:
        # Signals emitted from this thread are queued to the GUI thread by Qt.
        try:
            found = asyncio.run(self._scan(timeout))
        except SourceError as exc:
            self.scan_failed.emit(str(exc))
        except Exception:
            log.exception("The Bluetooth scan failed")
            self.scan_failed.emit("The Bluetooth scan failed unexpectedly. Details are in the log.")
        else:
            self.devices_found.emit(tuple(found))

    def wait_for_scan(self, timeout: float | None = None) -> None:
        """Wait for a running scan's thread (for shutting down)."""
        if self._scan_thread is not None:
            self._scan_thread.join(timeout)

    def choose(self, address: str, name: str = "") -> None:
        """A person picked a strap: remember it and ask for it to be connected."""
        self.remember(address, name)
        self._set(DeviceState(DevicePhase.CONNECTING, f"Connecting to {name or address}...", name, address, is_strap=True))
        self.device_chosen.emit(address)

    # ---- source events (slots for SessionController signals)

    def on_source_started(self, source: Source) -> None:
        """A new source runs (slot for :attr:`SourceRunner.source_started`)."""
        spec = source.spec or ""
        if spec == "ble" or spec.startswith("ble:"):
            self.source_kind = "strap"
        elif spec == "demo" or spec.startswith("demo?"):
            self.source_kind = "demo"
        else:
            self.source_kind = "recording"
        if self.source_kind == "strap":
            if self.state.phase is not DevicePhase.CONNECTING:  # (choose() already says which strap)
                self._set(DeviceState(DevicePhase.SCANNING, "Looking for your heart-rate strap...", is_strap=True))
        else:
            self._set(DeviceState())

    def on_status(self, status: Status) -> None:
        device = status.device or {}
        if device.get("kind") == SWITCH_KIND:
            return
        phase = _PHASE_OF_STATE[status.state]
        if self.source_kind is None:  # not told which source runs: judge by the device
            phase = _phase_for_device(phase, device)
            is_strap = device.get("kind") == "ble" if device else self.state.is_strap
        else:
            is_strap = self.source_kind == "strap"
            if not is_strap and phase not in (DevicePhase.IDLE, DevicePhase.FAILED):
                # A replay re-plays its strap's old states; they are not this computer's link.
                phase = DevicePhase.DEMO if self.source_kind == "demo" else DevicePhase.REPLAY
                if phase is DevicePhase.REPLAY and self.state.phase is DevicePhase.REPLAY and status.state is not LinkState.FINISHED:
                    status = replace(status, message=self.state.message)
        keep_battery = is_strap and self.state.is_strap
        state = DeviceState(
            phase=phase,
            message=status.message,
            name=device.get("name", self.state.name if keep_battery else ""),
            address=device.get("address", self.state.address if keep_battery else ""),
            location=device.get("location", self.state.location if keep_battery else ""),
            battery_pct=self.state.battery_pct if keep_battery else None,
            is_strap=is_strap,
        )
        if phase is DevicePhase.CONNECTED and self.state.phase is DevicePhase.NO_CONTACT and status.state is LinkState.STREAMING:
            state = replace(state, phase=DevicePhase.NO_CONTACT, message=NO_CONTACT_MESSAGE)
        if is_strap and status.state is LinkState.CONNECTED and state.address:
            self.remember(state.address, state.name)
        self._set(state)

    def on_sample(self, sample: Sample) -> None:
        phase = self.state.phase
        if sample.contact is Contact.NOT_DETECTED and phase is DevicePhase.CONNECTED:
            self._set(replace(self.state, phase=DevicePhase.NO_CONTACT, message=NO_CONTACT_MESSAGE))
        elif sample.contact is not Contact.NOT_DETECTED and phase is DevicePhase.NO_CONTACT:
            self._set(replace(self.state, phase=DevicePhase.CONNECTED, message=f"Skin contact is back. Receiving heartbeats from {self.state.name or 'the strap'}."))

    def on_battery(self, percent: int) -> None:
        if self.source_kind in ("demo", "recording"):
            return
        self._set(replace(self.state, battery_pct=percent))

    def on_failed(self, message: str) -> None:
        self._set(replace(self.state, phase=DevicePhase.FAILED, message=message))

    def _set(self, state: DeviceState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


class SourceRunner(QObject):
    """Runs one source at a time on a :class:`SourceBridge`, feeding ``on_event``/``on_failed``.

    Switching never blocks the GUI thread on Bluetooth: the old bridge is cut off from the session
    at once and cancelled, and its thread ends on its own (it is joined at :meth:`stop`).

    Signals
    -------
    source_started(Source)
    """

    source_started = Signal(object)

    def __init__(
        self,
        on_event: Callable[[Any], None],
        on_failed: Callable[[str], None],
        clock: SessionClock,
        bridge: SourceBridge | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_event = on_event
        self._on_failed = on_failed
        self.clock = clock
        self.bridge = bridge
        self._retired: list[SourceBridge] = []

    @property
    def source(self) -> Source | None:
        return self.bridge.source if self.bridge is not None else None

    def switch(self, source: Source) -> SourceBridge:
        """Stop the current source and start ``source``; the timeline breaks between them."""
        old = self.bridge
        if old is not None:
            for signal, slot in ((old.event_received, self._on_event), (old.failed, self._on_failed)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):  # never connected
                    pass
            old.stop(timeout=0)
            self._retired.append(old)
            # Beats of the next source do not continue this one's: mark the change as a break.
            self._on_event(Status(self.clock.now(), LinkState.LOST, "Changing the heartbeat source...", {"kind": SWITCH_KIND}))
        bridge = SourceBridge(source, self.clock, self)
        bridge.event_received.connect(self._on_event)
        bridge.failed.connect(self._on_failed)
        self.bridge = bridge
        bridge.start()
        self.source_started.emit(source)
        return bridge

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every source and wait for their threads (at exit)."""
        for bridge in [*self._retired, *([self.bridge] if self.bridge else [])]:
            bridge.stop(timeout)
        self._retired.clear()
