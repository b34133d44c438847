"""Reading a blood-pressure cuff for the window, on a :class:`~biofeedback.qt.bridge.SourceBridge`.

The cuff source (``sources.ble.CuffSource``, passed in by the app as a factory, so nothing here
imports bleak) runs on its own asyncio loop in the bridge's worker thread, like the strap; its
events reach the GUI thread as queued signals carrying frozen dataclasses. A strap's bridge and a
cuff's bridge run side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from biofeedback.core import words
from biofeedback.core.samples import BloodPressure, CuffPressure, DeviceNotice, Status
from biofeedback.qt.bridge import SourceBridge
from biofeedback.sources.clock import SessionClock

log = logging.getLogger(__name__)


class CuffReader(QObject):
    """Reads one cuff at a time, on request, and says what happens in plain words.

    Parameters
    ----------
    make_source : callable
        Makes a fresh cuff source (``run(emit, clock)``) for each reading, e.g.
        ``lambda: CuffSource(remembered_address)``.
    clock : SessionClock
        The session's clock, so readings carry session time.

    Signals
    -------
    reading_received(BloodPressure)
        Each usable reading, as it arrives (stored ones first).
    message_changed(str)
        What the cuff is doing, for people.
    notice_received(str)
        Something to tell about what the cuff sent (a reading it could not use, an impossible
        date left out), for people.
    cuff_pressure_changed(float)
        The cuff's pressure while it measures, mmHg.
    finished(str)
        The cuff is done: "" when all went well, else what went wrong (readings already
        received stay received).
    """

    reading_received = Signal(object)
    message_changed = Signal(str)
    notice_received = Signal(str)
    cuff_pressure_changed = Signal(float)
    finished = Signal(str)

    def __init__(self, make_source: Callable[[], Any], clock: SessionClock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make_source = make_source
        self.clock = clock
        self.bridge: SourceBridge | None = None
        self._retired: list[SourceBridge] = []
        self._failure = ""

    @property
    def running(self) -> bool:
        return self.bridge is not None

    def start(self) -> None:
        """Look for the cuff and read it (does nothing while a reading runs)."""
        if self.bridge is not None:
            return
        self._failure = ""
        bridge = SourceBridge(self._make_source(), self.clock, self)
        bridge.event_received.connect(self._on_event)
        bridge.failed.connect(self._on_failed)
        bridge.finished.connect(self._on_finished)
        self.bridge = bridge
        bridge.start()

    def stop(self) -> None:
        """Stop reading without waiting for the Bluetooth thread (it ends on its own)."""
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            for signal in (bridge.event_received, bridge.failed, bridge.finished):  # nothing more from it
                signal.disconnect()
            bridge.stop(timeout=0)
            self._retired.append(bridge)

    def wait(self, timeout: float = 5.0) -> None:
        """Stop, and wait for every Bluetooth thread this reader started (at exit, in tests)."""
        self.stop()
        for bridge in self._retired:
            bridge.stop(timeout)
        self._retired.clear()

    def _on_event(self, event: Any) -> None:
        if isinstance(event, BloodPressure):
            self.reading_received.emit(event)
        elif isinstance(event, CuffPressure):
            self.cuff_pressure_changed.emit(event.mmhg)
            self.message_changed.emit(words.BP_CUFF_MEASURING.format(mmhg=event.mmhg))
        elif isinstance(event, DeviceNotice):
            self.notice_received.emit(event.message)
        elif isinstance(event, Status) and event.message:
            self.message_changed.emit(event.message)

    def _on_failed(self, message: str) -> None:
        self._failure = message
        self.message_changed.emit(message)

    def _on_finished(self) -> None:
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            bridge.stop(timeout=1.0)  # its loop has ended: this only joins the thread
            bridge.deleteLater()
        self.finished.emit(self._failure)
