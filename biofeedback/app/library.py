"""``biofeedback library``: the session library window, with review, summaries and trends.

The library index is brought up to date in a background thread (with its own connection), so
the window shows what it already knows at once and the rest when it has been read. Opening a
session reviews it where ``review_in`` says (the app's main window), or else in a review window
of its own (:func:`biofeedback.app.review.open_review`, as ``biofeedback library`` does);
"Trends" opens the person's trends.
"""

from __future__ import annotations

import argparse
import logging
import threading
from typing import Any

from biofeedback.app import cli
from biofeedback.core import words

log = logging.getLogger("biofeedback")


def add_parser(sub) -> None:
    p = sub.add_parser("library", help="the session library window: review, summaries, trends")
    p.add_argument("--person", metavar="ALIAS", help="show this person's sessions first")
    cli.add_screenshot_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from biofeedback.app import window as window_kit

    window_kit.require_screen(args)
    app = window_kit.qt_application()
    window_kit.install_crash_handler(app)
    from biofeedback.storage.library import Library

    library = Library.default()
    shell = LibraryShell(library)
    shell.window.show()
    if args.person:
        shell.window.choose_person(args.person)
    shell.sync_in_background(Library.default)
    if args.screenshot or args.quit_after:
        window_kit.finish_after(shell.window, args.quit_after or 3.0, args.screenshot)
    try:
        return app.exec()
    finally:
        shell.close()


class LibraryShell:
    """The library window and the windows it opens (reviews, summaries, trends, reports).

    Parameters
    ----------
    library : Library
    settings : Settings or None
        The person's preferences (the appearance).
    review_in : callable or None
        ``review_in(path) -> str``: show the session for review somewhere else (the main
        window), returning a sentence for the library's notice. None: each review opens in a
        window of its own (``biofeedback library``).
    """

    def __init__(self, library: Any, settings: Any = None, review_in: Any = None) -> None:
        from PySide6.QtCore import QObject, Signal

        from biofeedback.qt.library_window import LibraryWindow

        class _Relay(QObject):
            synced = Signal(object)

        self.library = library
        self.settings = settings
        self.review_in = review_in
        self.window = LibraryWindow(library)
        self.window.exit_code = 0
        self.reviews: list[Any] = []
        self.trends: list[Any] = []
        self._relay = _Relay()
        self._relay.synced.connect(self._synced)
        self.window.review_requested.connect(self.open_review)
        self.window.trends_requested.connect(self.open_trends)
        self.window.report_requested.connect(self.write_report)
        self.reports = report_saver(self.window)
        self.reports.said.connect(self.window.notice.setText)
        _dress(self.window, settings)

    def sync_in_background(self, open_library) -> threading.Thread:
        """Bring the index up to date from the files in a thread with its own connection."""

        def work() -> None:
            try:
                with open_library() as other:
                    report = other.sync()
            except Exception:  # noqa: BLE001 - logged; the window keeps what it shows
                log.exception("The library could not be brought up to date")
                return
            self._relay.synced.emit(report)

        thread = threading.Thread(target=work, name="library-sync", daemon=True)
        thread.start()
        self._thread = thread
        return thread

    def _synced(self, report) -> None:
        self.window.refresh()
        if report.rebuilt:
            self.window.notice.setText(words.LIBRARY_REBUILT)

    def write_report(self, path) -> Any:
        """Ask where the session's report goes, then write it (the notice says where it went)."""
        return self.reports.ask(path, self.window)

    def open_review(self, path) -> Any:
        from biofeedback.app.review import open_review
        from biofeedback.storage.session_file import SessionFileError

        if self.review_in is not None:
            self.window.notice.setText(self.review_in(path))
            return None
        try:
            view = open_review(path, settings=self.settings, report=lambda p: self.reports.ask(p, view.window))
        except SessionFileError as exc:
            self.window.notice.setText(str(exc))
            return None
        view.window.show()  # markers set there reach the index when the library is active again
        self.reviews.append(view)
        return view

    def open_trends(self, person: str | None) -> Any:
        from biofeedback.core.trends import person_trends
        from biofeedback.qt.trends_view import TrendsView

        people = self.library.people()
        from biofeedback.storage.session_file import DEFAULT_PERSON

        person = person or (people[0] if people else DEFAULT_PERSON)
        view = TrendsView(lambda p: person_trends(self.library.entries(person=p), p), people, person)
        _dress(view, self.settings)
        view.resize(1280, 720)
        view.show()
        self.trends.append(view)
        return view

    def close(self) -> None:
        try:  # a background sync that ends after this must not list from a closed index
            self._relay.synced.disconnect(self._synced)
        except (RuntimeError, TypeError):
            pass
        for view in self.reviews:
            view.close()
        self.library.close()


def report_saver(parent) -> Any:
    """A :class:`~biofeedback.qt.report_saver.ReportSaver` that reads the session file, builds
    the page's content (``storage/report.py``) and offers the documents folder."""
    from pathlib import Path

    from PySide6.QtCore import QStandardPaths

    from biofeedback.qt.report_saver import ReportSaver
    from biofeedback.storage.recordings import load_recording
    from biofeedback.storage.report import build_report

    def documents() -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(folder) if folder and Path(folder).is_dir() else Path.home()

    return ReportSaver(lambda path: build_report(load_recording(path, as_packets=False)), documents, parent)


def _dress(widget, settings) -> None:
    """The person's light or dark appearance, as the supervisor view has it."""
    from PySide6.QtCore import QSettings

    from biofeedback.qt import palette
    from biofeedback.qt.main_window import qt_palette, system_appearance
    from biofeedback.qt.settings import Settings

    settings = settings if settings is not None else Settings(QSettings())
    choice = str(settings.value("supervisor/appearance"))
    appearance = system_appearance() if choice == "system" else {"light": palette.LIGHT, "dark": palette.DARK}[choice]
    widget.setPalette(qt_palette(appearance))
    if hasattr(widget, "apply_appearance"):
        widget.apply_appearance(appearance)
