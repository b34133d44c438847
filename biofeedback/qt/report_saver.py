"""Writing a session's one-page report from the window: the person picks the file, the page is
drawn offscreen (``qt/report.py``) and written there, never over an existing file, and one
sentence says where it went.

The library window and a review each have a "Report..." button; the app gives this the way to
build a report's content from a session file (``storage.report.build_report`` of the recording)
and the folder to offer (the documents folder).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from biofeedback.core import words
from biofeedback.qt.report import ReportError, write_report
from biofeedback.storage.report import ReportContent, report_path

log = logging.getLogger(__name__)


class ReportSaver(QObject):
    """Asks where a session's report goes, then writes it.

    Parameters
    ----------
    build : callable
        ``build(session_path) -> ReportContent``; raises with a sentence for people when the
        session cannot be read.
    folder : callable
        ``folder() -> Path``: where the file dialog opens (the documents folder).

    Signals
    -------
    said(str)
        Where the report went, or why it was not written.
    """

    said = Signal(str)

    def __init__(self, build: Callable[[Path], ReportContent], folder: Callable[[], Path], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._folder = folder
        #: The file dialog open now, if any (for tests).
        self.dialog: QFileDialog | None = None

    def ask(self, session: Path, parent: QWidget) -> QFileDialog:
        """Open the file dialog for ``session``'s report, offering a free name in the folder."""
        suggested = report_path(self._folder(), session)
        dialog = QFileDialog(parent, words.REPORT_DIALOG_TITLE, str(suggested.parent))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per report asked: none left behind on the window
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["PDF (*.pdf)", "PNG image (*.png)"])
        dialog.setDefaultSuffix("pdf")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # the same dialog everywhere, in the window's palette
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)  # nothing is overwritten: see save()
        dialog.selectFile(suggested.name)
        dialog.setPalette(parent.palette())
        dialog.fileSelected.connect(lambda chosen: self.save(session, Path(chosen)))
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def save(self, session: Path, out: Path) -> str:
        """Write ``session``'s report to ``out`` (refused if it exists); the sentence said."""
        if out.exists():
            message = words.WOULD_OVERWRITE.format(path=out)
        else:
            try:
                write_report(self._build(Path(session)), out)
                os.chmod(out, 0o600)  # reports hold health data: owner only
                message = words.REPORT_SAVED.format(path=out)
            except (ReportError, OSError, ValueError) as exc:
                message = words.REPORT_NOT_SAVED.format(reason=exc)
            except Exception as exc:  # noqa: BLE001 - a session that cannot be read: said, never a crash
                log.exception("Could not write the report of %s", session)
                message = words.REPORT_NOT_SAVED.format(reason=exc)
        self.said.emit(message)
        return message
