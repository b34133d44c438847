"""Recordings dropped on a window are imported as sessions, off the GUI thread.

The window only learns of files: :class:`FileDropImporter` accepts drops of local files on its
target, hands each path to an import function on a worker thread (reading and converting a day
of beats takes a fraction of a second, which the GUI thread must not wait for), and emits one
sentence per file when it is done. Which import function, and where sessions go, the
composition root decides (``app.gui``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QWidget


class _Done(QObject):
    finished = Signal(list)


class _ImportJob(QRunnable):
    def __init__(self, paths: list[Path], import_one: Callable[[Path], str], done: _Done) -> None:
        super().__init__()
        self._paths, self._import_one, self._done = paths, import_one, done

    def run(self) -> None:
        messages = []
        for path in self._paths:
            try:
                messages.append(self._import_one(path))
            except Exception as exc:  # one line per file, whatever went wrong: the window stays up
                messages.append(f"{path.name} could not be imported ({exc}).")
        self._done.finished.emit(messages)


class FileDropImporter(QObject):
    """Accepts local files dropped on ``target`` and imports each with ``import_one(path) -> sentence``.

    Signals
    -------
    imported(list)
        One sentence per dropped file (what was imported, or why not), after all are done.
    """

    imported = Signal(list)

    def __init__(self, target: QWidget, import_one: Callable[[Path], str], pool: QThreadPool | None = None) -> None:
        super().__init__(target)
        self._import_one = import_one
        self._pool = pool or QThreadPool.globalInstance()
        self._done = _Done(self)
        self._done.finished.connect(self.imported)
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    @staticmethod
    def _local_files(event) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        return [p for p in paths if p.is_file()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._local_files(event):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            paths = self._local_files(event)
            if paths:
                event.acceptProposedAction()
                self.import_files(paths)
                return True
        return super().eventFilter(watched, event)

    def import_files(self, paths: list[Path]) -> None:
        """Import ``paths`` on a worker thread; :attr:`imported` follows."""
        self._pool.start(_ImportJob(list(paths), self._import_one, self._done))
