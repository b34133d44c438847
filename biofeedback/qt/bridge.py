"""The one place where asyncio, threads and Qt meet.

A source runs on its own asyncio loop in one worker thread (bleak's BlueZ backend needs a real
loop with ``sock_connect`` and ``add_reader``, which ``PySide6.QtAsyncio`` lacks). Every event it
emits crosses to the GUI thread as a queued Qt signal carrying an immutable dataclass, so the GUI
thread never waits on Bluetooth.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from PySide6.QtCore import QObject, Signal

from biofeedback.core.samples import SourceEvent
from biofeedback.sources.base import Source, SourceError
from biofeedback.sources.clock import SessionClock

log = logging.getLogger(__name__)


class SourceBridge(QObject):
    """Runs one source on a private asyncio loop in a worker thread.

    Signals
    -------
    event_received(object)
        Each :data:`SourceEvent`, delivered in the GUI thread.
    failed(str)
        The source stopped with an error; the text is for people.
    finished()
        The source's ``run`` returned or was stopped.
    """

    event_received = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, source: Source, clock: SessionClock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.clock = clock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a bridge runs its source once")
        self._thread = threading.Thread(target=self._run, name="source-loop", daemon=True)
        self._thread.start()
        self._ready.wait(5.0)

    def _emit(self, event: SourceEvent) -> None:
        self.event_received.emit(event)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._task = loop.create_task(self.source.run(self._emit, self.clock), name="source")
        self._ready.set()
        try:
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except SourceError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug in a source must not kill the window silently
            log.exception("The source stopped unexpectedly")
            self.failed.emit(f"The heartbeat source stopped unexpectedly ({type(exc).__name__}). Details are in the log.")
        finally:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for t in pending:
                t.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self.finished.emit()

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel the source and wait for its thread to end."""
        if self._loop is not None and self._task is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._task.cancel)
            except RuntimeError:  # loop closed meanwhile
                pass
        if self._thread is not None:
            self._thread.join(timeout)
