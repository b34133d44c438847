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

from PySide6.QtCore import QObject, Signal

from biofeedback.core.samples import Contact, LinkState, Sample, SourceInfo, SourceKind, Status
from biofeedback.qt.bridge import SourceBridge
from biofeedback.sources.base import Source, SourceError
from biofeedback.sources.clock import SessionClock
from biofeedback.storage.remembered import RememberedStrap
from biofeedback.core import words

log = logging.getLogger(__name__)

#: Default length of a scan from the window, s.
SCAN_S = 5.0

NO_CONTACT_MESSAGE = words.CONTACT_LOST


class FoundDevice(Protocol):
    """What a scan reports per strap (``biofeedback.sources.ble.FoundDevice``)."""

    name: str
    address: str
    rssi: int | None


ScanFn = Callable[[float], Awaitable[Sequence[FoundDevice]]]


class StrapStore(Protocol):
    """Where the last strap is remembered (``storage.remembered.StrapMemory``)."""

    def recall(self) -> RememberedStrap | None: ...
    def remember(self, address: str, name: str = "") -> None: ...


class MemoryStrapStore:
    """A :class:`StrapStore` for this run only (tests, or a session that must not remember)."""

    def __init__(self, strap: RememberedStrap | None = None) -> None:
        self.strap = strap

    def recall(self) -> RememberedStrap | None:
        return self.strap

    def remember(self, address: str, name: str = "") -> None:
        self.strap = RememberedStrap(address, name)


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
    DEMO = "Demo: a simulated heartbeat"
    REPLAY = "Replay"


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
    #: The demo is what runs now (so it is not offered again).
    demo_running: bool = False

    @property
    def offers_alternatives(self) -> bool:
        """Whether to offer the demo or a recording instead (the strap cannot be used)."""
        return self.phase is DevicePhase.FAILED


class DeviceController(QObject):
    """Scans, remembers the last strap, and turns source events into a :class:`DeviceState`.

    Parameters
    ----------
    scan : async callable ``scan(timeout_s) -> list of FoundDevice``
        Runs on a private asyncio loop in a worker thread.
    store : StrapStore, optional
        Where the last strap is remembered (the data folder); in memory if omitted.
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
    #: Several straps answered :meth:`find_and_connect`: a person picks one (connect with :meth:`choose`).
    several_found = Signal(object)
    #: What a quiet look (:meth:`look_quietly`) found; nothing else hears of it.
    quietly_found = Signal(object)

    def __init__(self, scan: ScanFn, store: StrapStore | None = None, scan_s: float = SCAN_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scan = scan
        self.scan_s = scan_s
        self.store: StrapStore = store if store is not None else MemoryStrapStore()
        self.state = DeviceState()
        #: What the running source says it is (see :meth:`on_source_started`).
        self.source: SourceInfo | None = None
        self._scan_thread: threading.Thread | None = None
        self._connect_when_found = False
        self.devices_found.connect(self._found)
        self.scan_failed.connect(self._scan_failed_while_finding)
        self.quietly_found.connect(self._connect_the_only_one)

    # ---- remembering

    def remembered(self) -> RememberedStrap | None:
        return self.store.recall()

    def remember(self, address: str, name: str = "") -> None:
        self.store.remember(address, name)

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

    def find_and_connect(self) -> None:
        """Scan, and connect at once if exactly one strap answers (the home screen's one button);
        several are offered with :attr:`several_found`, none or an error as usual."""
        self._connect_when_found = True
        self._set(DeviceState(DevicePhase.SCANNING, words.LOOKING_FOR_STRAP, is_strap=True))
        self.scan()

    def _found(self, devices) -> None:
        if not self._connect_when_found:
            return
        self._connect_when_found = False
        if len(devices) == 1:
            self.choose(devices[0].address, devices[0].name)
        elif devices:
            self.several_found.emit(tuple(devices))
        else:
            self._set(DeviceState(DevicePhase.FAILED, words.NO_STRAPS_IN_LIST.format(put_on=words.PUT_STRAP_ON)))

    def _scan_failed_while_finding(self, message: str) -> None:
        if self._connect_when_found:
            self._connect_when_found = False
            self._set(DeviceState(DevicePhase.FAILED, message))

    def look_quietly(self) -> None:
        """Look for straps without telling anyone, and connect the strap if exactly one is near
        while the demo runs: a person who puts a strap on sees their own heart, with nothing to
        press. No Bluetooth, no strap, or several: nothing changes (the button stays)."""
        if self.scanning:
            return
        self._scan_thread = threading.Thread(target=self._run_quiet_scan, args=(self.scan_s,), name="ble-look", daemon=True)
        self._scan_thread.start()

    def _run_quiet_scan(self, timeout: float) -> None:
        try:
            found = asyncio.run(self._scan(timeout))
        except Exception as exc:  # no adapter, Bluetooth off: the demo goes on, quietly
            log.debug("A quiet look for straps found nothing: %s", exc)
            return
        self.quietly_found.emit(tuple(found))

    def _connect_the_only_one(self, devices) -> None:
        demo_runs = self.source is not None and self.source.kind is SourceKind.DEMO
        if demo_runs and len(devices) == 1:
            log.info("Found %s near; connecting it in place of the demo.", devices[0].name or devices[0].address)
            self.choose(devices[0].address, devices[0].name)

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

    @property
    def is_strap(self) -> bool:
        return self.source is not None and self.source.kind is SourceKind.STRAP

    def on_source_started(self, info: SourceInfo) -> None:
        """A new source runs (slot for :attr:`SourceRunner.source_started`)."""
        self.source = info
        if self.is_strap:
            if self.state.phase is not DevicePhase.CONNECTING:  # (choose() already says which strap)
                self._set(DeviceState(DevicePhase.SCANNING, words.LOOKING_FOR_STRAP, is_strap=True))
        else:
            self._set(DeviceState())

    def on_status(self, status: Status) -> None:
        phase = _PHASE_OF_STATE[status.state]
        is_strap = self.is_strap
        if not is_strap and phase not in (DevicePhase.IDLE, DevicePhase.FAILED):
            # The demo and recordings have no link of this computer's to show; a replay's old
            # strap states are not this computer's either.
            phase = DevicePhase.DEMO if self.source is not None and self.source.kind is SourceKind.DEMO else DevicePhase.REPLAY
            if phase is DevicePhase.REPLAY and self.state.phase is DevicePhase.REPLAY and status.state is not LinkState.FINISHED:
                status = replace(status, message=self.state.message)
            if phase is DevicePhase.DEMO:  # the phase says it all: the demo is described once
                status = replace(status, message="", device={})
        device = status.device or {}
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
            self._set(replace(self.state, phase=DevicePhase.CONNECTED, message=words.CONTACT_BACK.format(name=self.state.name or "the strap")))

    def on_battery(self, percent: int) -> None:
        if not self.is_strap:
            return
        self._set(replace(self.state, battery_pct=percent))

    def on_failed(self, message: str) -> None:
        self._set(replace(self.state, phase=DevicePhase.FAILED, message=message))

    def _set(self, state: DeviceState) -> None:
        state = replace(state, demo_running=self.source is not None and self.source.kind is SourceKind.DEMO)
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


class SourceRunner(QObject):
    """Runs one source at a time on a :class:`SourceBridge`, feeding a session controller.

    Switching never blocks the GUI thread on Bluetooth: the old bridge is cut off from the session
    at once and cancelled, and its thread ends on its own (it is joined at :meth:`stop`). The
    controller is told which source took over before its first event arrives, so the beats of
    the new source never continue the old one's.

    Signals
    -------
    source_started(Source)
    """

    source_started = Signal(object)

    def __init__(self, controller: Any, clock: SessionClock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.clock = clock
        self.bridge: SourceBridge | None = None
        self._retired: list[SourceBridge] = []
        #: ``policy(info) -> keep_recording`` for a switch that does not say (None: the core's
        #: default, a strap's session is saved). The home screen saves only from Start session on.
        self.recording_policy: Callable[[SourceInfo], bool | None] | None = None

    @property
    def source(self) -> Source | None:
        return self.bridge.source if self.bridge is not None else None

    def switch(self, source: Source, keep_recording: bool | None = None) -> SourceBridge:
        """Stop the current source (if any) and start ``source``.

        A recording opened in place of the running session replaces it: the session clock
        starts again from 0 and the session core is reset, so plots, clock and status start
        afresh. So does a live source that follows a recording.

        ``keep_recording``: see :meth:`SessionCore.source_started` (None: save a session on a
        source that is saved by default, a strap)."""
        old = self.bridge
        if old is not None:
            for signal, slot in ((old.event_received, self._on_event), (old.failed, self._on_failed)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):  # never connected
                    pass
            old.stop(timeout=0)
            self._retired.append(old)
        info = source.describe()
        if keep_recording is None and self.recording_policy is not None:
            keep_recording = self.recording_policy(info)
        if old is not None and (not info.live or not old.source.describe().live):
            # a recording replaces the running session, or the session follows a recording:
            # it starts afresh (plots, clock, status, markers), never appended to the other
            self.clock.restart()
            self.controller.reset(None)
        self.controller.source_started(info, keep_recording)
        bridge = SourceBridge(source, self.clock, self)
        bridge.event_received.connect(self._on_event)
        bridge.failed.connect(self._on_failed)
        self.bridge = bridge
        bridge.start()
        self.source_started.emit(source)
        return bridge

    def _on_event(self, event) -> None:
        # An event the old source sent just before the switch may still be on its way through
        # Qt's queue: it belongs to the session that was replaced, never to the new one.
        if self.sender() is self.bridge:
            self.controller.on_event(event)

    def _on_failed(self, message: str) -> None:
        if self.sender() is self.bridge:
            self.controller.on_failed(message)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every source and wait for their threads (at exit)."""
        for bridge in [*self._retired, *([self.bridge] if self.bridge else [])]:
            bridge.stop(timeout)
        self._retired.clear()
