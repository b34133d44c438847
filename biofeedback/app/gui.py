"""The window: built from its parts in short named steps (the default command)."""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from typing import Any

from biofeedback.app import cli
from biofeedback.app import window as window_kit
from biofeedback.app.sources import SOURCE_HELP, default_source_spec, make_source
from biofeedback.core import words

log = logging.getLogger("biofeedback")

DEFAULT_SOURCE_HELP = "the strap that connected last time, if there is one, else the demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The window's options (on the main parser: the window is the default command)."""
    parser.add_argument("--source", help=f"where the heartbeat comes from: {SOURCE_HELP} (default: {DEFAULT_SOURCE_HELP})")
    parser.add_argument("--speed", type=cli.speed, default=1.0, help=cli.SPEED_HELP)
    parser.add_argument("--column", metavar="NAME", help=cli.COLUMN_HELP)
    parser.add_argument("--client-screen", type=int, default=None, metavar="N", help=cli.CLIENT_SCREEN_HELP)
    parser.add_argument("--screenshot", metavar="PNG", help=cli.SCREENSHOT_HELP)
    parser.add_argument(
        "--record",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="save the session to the data folder (default: yes for a strap, no for the demo and replays)",
    )
    parser.add_argument("--quit-after", type=cli.positive_float, default=None, metavar="S", help=cli.QUIT_AFTER_HELP)
    parser.add_argument(
        "--view",
        choices=("home", "clinic"),
        default=None,
        help="open on the home screen or the clinic view (default: the one used last; home the first time)",
    )


def run(args: argparse.Namespace) -> int:
    source = make_source(args.source or default_source_spec(), keep_looking=True, column=args.column)
    window_kit.require_screen(args)
    app = window_kit.qt_application()
    window_kit.install_crash_handler(app)
    desktop = build_window(_user_settings(), speed=args.speed, client_screen=args.client_screen)
    window, controller, runner = desktop.window, desktop.controller, desktop.runner
    if args.view:
        window.set_mode(args.view)
    _look_for_a_strap(window, runner)
    window.show()
    desktop.clock.restart()  # the session starts with its source, not when the window began to be built
    runner.switch(source, keep_recording=args.record)
    if args.record is False:
        controller.stop_recording()
    if args.screenshot or args.quit_after:
        window_kit.finish_after(window, args.quit_after or 3.0, args.screenshot)
    try:
        return app.exec() or window.exit_code
    finally:
        desktop.close()


@dataclass
class Desktop:
    """The main window as the app builds it, and the parts behind it (for the app, tests, tools)."""

    window: Any
    controller: Any
    clock: Any
    runner: Any
    settings: Any
    people: Any = None
    flow: Any = None
    protocol: Any = None
    protocol_panel: Any = None
    protocol_result: Any = None
    switcher: Any = None
    cuff: Any = None
    reports: Any = None
    shell: Any = None
    review: Any = None
    file_drop: Any = None
    _library: Any = None

    @property
    def person(self) -> str:
        return self.controller.live_core.person

    def library(self):
        """The session library (opened on first use, kept for the window's life)."""
        if self._library is None:
            from biofeedback.storage.library import Library

            self._library = Library.default()
        return self._library

    def calm_words(self, text: str) -> None:
        """Gentle words for the calm view, on the home screen and in the calm window."""
        self.window.home.calm.set_words(text)
        self.window.client_launcher.set_words(text)

    def close(self) -> None:
        if self.review is not None:
            self.review.leave()
            self.review = None
        if self.protocol is not None:
            self.protocol.close()
        if self.cuff is not None:
            self.cuff.wait(1.0)
        self.runner.stop()
        self.controller.close()
        if self.shell is not None:
            self.shell.close()  # closes the library it was given
            self._library = None
        if self._library is not None:
            self._library.close()
            self._library = None


def build_window(settings, speed: float = 1.0, client_screen: int | None = None, strap_store=None, cuff_source=None, clock=None) -> Desktop:
    """The main window as ``biofeedback`` builds it, every part wired; no source runs yet
    (``desktop.runner.switch(source)`` starts one).

    ``settings``: the preferences (a ``Settings`` over ``QSettings`` in the app, over memory in
    tests); ``strap_store``: where the last strap is remembered (the data folder if None);
    ``cuff_source``: makes the blood-pressure cuff's source (Bluetooth if None); ``clock``: the
    session clock (a new one at ``speed`` if None; tests pass one they wind by hand)."""
    from biofeedback.app.session import make_core
    from biofeedback.qt.main_window import MainWindow
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.sources.clock import SessionClock
    from biofeedback.storage.people import PeopleStore

    clock = clock if clock is not None else SessionClock(speed)
    controller = SessionController(clock, make_core(speed))
    window = MainWindow(controller, settings, default_flow=False)
    runner = _attach_sources(window, controller, clock, strap_store)
    window_kit.attach_client_view(window, controller, client_screen)
    desktop = Desktop(window, controller, clock, runner, settings, people=PeopleStore())
    _attach_person(desktop)
    _attach_session_flow(desktop, cuff_source)
    _attach_protocols(desktop)
    _attach_library(desktop)
    desktop.file_drop = _attach_file_drop(window, desktop)
    return desktop


def _user_settings():
    from PySide6.QtCore import QSettings

    from biofeedback.qt.settings import Settings, make_private

    store = QSettings()  # preferences persist per user
    make_private(store.fileName())  # owner-only, like the sessions
    return Settings(store)


def import_dropped_file(path, person: str | None = None) -> str:
    """Import one dropped recording into the sessions folder (for ``person``, an alias); one
    sentence saying what happened."""
    from biofeedback import __version__
    from biofeedback.storage import paths
    from biofeedback.storage.imports import import_as_session
    from biofeedback.storage.session_file import DEFAULT_PERSON, SessionFileError

    try:
        result = import_as_session(path, paths.sessions_dir(), person or DEFAULT_PERSON, f"biofeedback {__version__}")
    except SessionFileError as exc:
        return str(exc)
    return f"Imported {path.name} ({result.format}, {result.beats} beats) into your sessions."


def _attach_file_drop(window, desktop: Desktop | None = None):
    """Files dropped on the window become sessions of the person shown, in the library; the
    window says what became of each, and an open library lists them."""
    from biofeedback.qt.file_drop import FileDropImporter

    person = (lambda: desktop.person) if desktop is not None else (lambda: None)
    dropper = FileDropImporter(window, lambda path: import_dropped_file(path, person()))

    def imported(messages) -> None:
        window.say(" ".join(messages))
        if desktop is not None and desktop.shell is not None:
            desktop.shell.window.sync_now()

    dropper.imported.connect(imported)
    window.file_drop = dropper  # reachable for tests
    return dropper


#: How often the home screen looks for a strap while the demo runs, real s (a look lasts 5 s).
LOOK_EVERY_S = 30.0


def _look_for_a_strap(window, runner) -> None:
    """"Start it, put on a strap, breathe along with the orb": while the home screen shows the
    demo, look quietly for a strap every :data:`LOOK_EVERY_S` seconds (and soon after the start),
    and connect it if it is the only one near."""
    from PySide6.QtCore import QTimer

    from biofeedback.core.samples import SourceKind

    def look() -> None:
        source = runner.source
        if window.mode == "home" and source is not None and source.describe().kind is SourceKind.DEMO:
            window.devices.look_quietly()

    timer = QTimer(window)
    timer.timeout.connect(look)
    timer.start(int(1000 * LOOK_EVERY_S))
    QTimer.singleShot(2000, look)


def _attach_sources(window, controller, clock, strap_store=None, scan_s: float = 5.0):
    """Put the device panel in the window and wire picking a strap, the demo or a recording to a
    source switch; the demo breathes with the pacer. Returns the :class:`SourceRunner`."""
    from biofeedback.app.session import follow_pacer
    from biofeedback.app.sources import strap_memory
    from biofeedback.qt.devices import DeviceController, SourceRunner
    from biofeedback.qt.widgets.device_panel import DevicePanel
    from biofeedback.sources.base import SourceError
    from biofeedback.storage.session_file import SessionFileError

    async def scan(timeout: float):
        from biofeedback.sources.ble import scan as ble_scan  # bleak loads only when a scan is asked for

        return await ble_scan(timeout)

    from biofeedback.core.session import saved_from_home
    from biofeedback.storage import paths

    runner = SourceRunner(controller, clock, window)
    devices = DeviceController(scan, strap_store if strap_store is not None else strap_memory(), scan_s, window)
    panel = DevicePanel()
    window.device_area.addWidget(panel)
    window.devices, window.device_panel, window.runner = devices, panel, runner  # reachable for tests and menus
    try:
        panel.recordings_folder = window.recordings_folder = str(paths.sessions_dir())
    except OSError:
        pass
    # the strap's panel hears the live session only (a review shows the recording's strap states)
    controller.status_changed.connect(lambda status: controller.showing_live and devices.on_status(status))
    controller.sample_received.connect(lambda sample: controller.showing_live and devices.on_sample(sample))
    controller.battery_changed.connect(lambda percent: controller.showing_live and devices.on_battery(percent))
    devices.state_changed.connect(panel.show_state)
    devices.scan_started.connect(panel.show_scanning)
    devices.devices_found.connect(panel.show_devices)
    devices.scan_failed.connect(panel.show_scan_error)
    panel.scan_requested.connect(devices.scan)
    panel.connect_requested.connect(devices.choose)
    # the home screen: the strap in plain words, and one button to find and connect it
    home = window.home
    devices.state_changed.connect(home.show_strap)
    devices.several_found.connect(home.offer_straps)
    home.strap_requested.connect(devices.find_and_connect)
    home.strap_picked.connect(devices.choose)

    def recording_policy(info):
        """At home a session is saved from Start session on (and a strap that takes over a
        running session keeps saving it); the clinic view saves a strap's session as it comes."""
        if window.mode != "home":
            return None
        return window.session_running and saved_from_home(info)

    runner.recording_policy = recording_policy

    def switch(spec: str) -> None:
        try:
            runner.switch(make_source(spec, keep_looking=True))
        except (cli.UsageError, SourceError, SessionFileError) as exc:
            log.warning("biofeedback: %s", exc)
            panel.show_scan_error(str(exc))
            window.status_label.setText(str(exc))
            home.show_message(str(exc))

    devices.device_chosen.connect(lambda address: switch(f"ble:{address}"))
    panel.demo_requested.connect(lambda: switch("demo"))
    home.demo_requested.connect(lambda: switch("demo"))
    panel.recording_chosen.connect(switch)
    window.recording_chosen.connect(switch)
    runner.source_started.connect(lambda source: devices.on_source_started(source.describe()))
    runner.source_started.connect(lambda source: follow_pacer(source, controller.live_core))
    controller.pacer_changed.connect(lambda _pacer: runner.source is not None and controller.showing_live and follow_pacer(runner.source, controller.live_core))
    return runner


def _attach_person(desktop: Desktop) -> None:
    """Whose sessions these are: the last alias chosen (remembered), shown on both screens, and
    switched in two clicks (the indicator, a name) from everyone the library and the people
    store know, or a new alias. The pacer offers the person's own rate ("Your rate")."""
    from biofeedback.core.pacer import presets
    from biofeedback.qt.widgets.person_switcher import PersonSwitcher

    window, settings, people = desktop.window, desktop.settings, desktop.people

    def known() -> list[str]:
        try:
            aliases = desktop.library().people()
        except Exception:  # noqa: BLE001 - an unreadable index must not stop the switch
            log.exception("The library's people could not be listed")
            aliases = []
        return sorted({*aliases, *people.aliases()}, key=str.lower)

    switcher = PersonSwitcher(str(settings.value("session/person")), [])
    desktop.switcher = switcher

    def offer_rate(alias: str) -> None:
        bpm = people.assessed_bpm(alias)
        window.pacer_box.set_presets(presets(bpm))
        if desktop.protocol_panel is not None:
            desktop.protocol_panel.set_person_rate(bpm)

    def choose(alias: str) -> None:
        window.set_person(alias)  # the live core's person: the next session file carries it
        desktop.calm_words("")  # the last person's words (their blood pressure) are not this one's
        if desktop.protocol_result is not None:
            desktop.protocol_result.hide()  # nor their result, whose rate would be kept for this one
        if settings.value("session/person") != alias:
            settings.save_group("session", {"person": alias})
        if desktop.protocol is not None:
            desktop.protocol.person = alias
        offer_rate(alias)

    def ask() -> None:
        switcher.set_people(known(), desktop.person)
        switcher.menu().popup(window.person_menu_anchor())

    window.person_change_requested.connect(ask)
    switcher.person_chosen.connect(choose)
    window.set_person_changeable(True)
    # whose session a running session is does not change under it
    window.session_started.connect(lambda: window.set_person_changeable(False))
    window.session_stopped.connect(lambda _path: window.set_person_changeable(True))
    desktop.offer_rate = offer_rate
    alias = str(settings.value("session/person"))
    window.set_person(alias)
    offer_rate(alias)
    window.pacer_box.restore_settings(settings)  # "Your rate" chosen last time is offered again now


def _attach_session_flow(desktop: Desktop, cuff_source=None) -> None:
    """Start and stop a session through its steps (``qt/session_flow.py``): the rating before,
    blood pressure if the person likes, the session; after Stop the rating after, blood pressure
    again when it was taken before, and the summary, kept in the library. The demo on the home
    screen is practice: it begins and ends at once."""
    from biofeedback.qt.cuff import CuffReader
    from biofeedback.qt.session_flow import SessionFlow
    from biofeedback.qt.widgets.blood_pressure import BloodPressureDialog

    window, controller = desktop.window, desktop.controller

    def cuff():
        if cuff_source is not None:
            return cuff_source()
        from biofeedback.sources.ble import CuffSource  # bleak loads only when a cuff is read

        return CuffSource(None)

    reader = CuffReader(cuff, desktop.clock, window)
    desktop.cuff = reader

    def blood_pressure(when: str):
        return BloodPressureDialog(when, controller.clock.now, reader, window)

    def summarize(path):
        entry = desktop.library().index_file(path)  # kept with the session, shown again from the library
        if entry is None or entry.summary is None:
            raise ValueError(f"{path} could not be summarised")
        return entry.summary

    flow = SessionFlow(controller, window, summarize, blood_pressure)
    desktop.flow = flow
    window.session_start_requested.connect(flow.start)
    window.session_stop_requested.connect(flow.stop)
    window.session_stopped.connect(lambda path: log.info("Session saved to %s.", path) if path else None)
    # the calm view says how the blood pressure changed, gently, until the next session begins
    flow.blood_pressure_told.connect(lambda story: desktop.calm_words(story.sentence))
    window.session_started.connect(lambda: desktop.calm_words(""))
    flow.review_requested.connect(lambda path: _review_here(desktop, path))
    flow.summary_ready.connect(lambda _path, _summary: desktop.shell is not None and desktop.shell.window.refresh())


def _attach_protocols(desktop: Desktop) -> None:
    """The guided protocols: the panel in the clinic view's side panel, "Guided" on the home
    screen and in the Session menu. A protocol runs in a session (begun through the session's
    flow if none runs); its progress shows in the panel, the clinic header and at home, its
    phases on the plots, its gentle words in the calm view, and its result in a dialog."""
    from biofeedback.core.assessment import Assessment
    from biofeedback.qt.protocol_controller import ProtocolController
    from biofeedback.qt.widgets.protocol_panel import ProtocolPanel
    from biofeedback.qt.widgets.protocol_result import ProtocolResultDialog

    window, controller, people = desktop.window, desktop.controller, desktop.people
    protocol = ProtocolController(controller, people, desktop.person, window)
    panel = ProtocolPanel(people.assessed_bpm(desktop.person))
    window.protocol_area.addWidget(panel)
    window.set_protocols_available(True)
    desktop.protocol, desktop.protocol_panel = protocol, panel
    result = ProtocolResultDialog(window)
    desktop.protocol_result = result

    def start(plan) -> None:
        source = controller.source
        if source is None or not source.live:
            window.say(words.PROTOCOL_NEEDS_LIVE)
            panel.message_label.setText(words.PROTOCOL_NEEDS_LIVE)
            return
        # a simulated person's result is never kept as someone's own rate
        protocol.people = None if desktop.flow.practice() else people
        desktop.flow.start(then=lambda: protocol.start(plan))

    def asked(kind: str) -> None:
        """From the home screen or the menu: the panel's plan (its durations, the person's own rate)."""
        panel.kind_box.setCurrentIndex(panel.kind_box.findData(kind))
        start(panel.plan())

    waiting: list = []  # a result that waits for the session's questions and summary to close

    def show_result(outcome, stopped_early: bool) -> None:
        if isinstance(outcome, Assessment) and not outcome.rates:
            window.say(outcome.reason)  # stopped before a whole block: an empty table says nothing more
            return
        result.setPalette(window.palette())
        result.show_result(outcome, stopped_early=stopped_early)
        result.result_view.offer_rates(protocol.people is not None)
        result.show()

    def finished(outcome) -> None:
        window.show_protocol(None)
        if desktop.flow.ending:  # Stop session: the rating after and the summary come first
            waiting[:] = [(outcome, protocol.runner.aborted)]
            return
        show_result(outcome, protocol.runner.aborted)

    def settled() -> None:
        if waiting:
            show_result(*waiting.pop())

    def rate_saved(_bpm: float) -> None:
        desktop.offer_rate(desktop.person)  # the pacer's "Your rate" and the panel's training rate

    panel.start_requested.connect(start)
    panel.pause_requested.connect(protocol.pause)
    panel.resume_requested.connect(protocol.resume)
    panel.abort_requested.connect(protocol.abort)
    window.protocol_requested.connect(asked)
    protocol.progress.connect(panel.show_state)
    protocol.progress.connect(window.show_protocol)
    protocol.calm_words.connect(desktop.calm_words)
    protocol.finished.connect(finished)
    desktop.flow.settled.connect(settled)
    result.result_view.rate_chosen.connect(protocol.use_rate)
    protocol.rate_saved.connect(rate_saved)
    # Stop session stops the protocol with it; what was recorded is kept
    desktop.flow.stopping.connect(lambda: protocol.running and protocol.abort())
    window.session_stopped.connect(lambda _path: protocol.running and protocol.abort())


def _attach_library(desktop: Desktop) -> None:
    """The session library from "Sessions" (both screens) and Session > Sessions (Ctrl+L): the
    library window, brought up to date in the background; a session opened from it shows in this
    window for review, and "Back to the live session" returns. "Report..." in the library and in
    review writes the one-page report."""
    from biofeedback.app.library import LibraryShell, report_saver
    from biofeedback.storage.library import Library

    window = desktop.window
    desktop.reports = report_saver(window)
    desktop.reports.said.connect(window.say)

    def open_library() -> None:
        if desktop.shell is None:
            shell = LibraryShell(desktop.library(), desktop.settings, review_in=lambda path: _review_here(desktop, path))
            shell.sync_in_background(Library.default)
            desktop.shell = shell
        else:
            desktop.shell.window.sync_now()
        desktop.shell.window.show()
        desktop.shell.window.raise_()
        desktop.shell.window.activateWindow()

    window.set_library_available(True)
    window.library_requested.connect(open_library)
    desktop.open_library = open_library


def _review_here(desktop: Desktop, path) -> str:
    """Show the session at ``path`` for review in the main window; a sentence for the library."""
    from pathlib import Path

    from biofeedback.app.review import ReviewMode
    from biofeedback.storage.session_file import SessionFileError

    window, controller = desktop.window, desktop.controller
    path = Path(path)
    running = window.session_running or (controller.showing_live and controller.recording) or (desktop.protocol is not None and desktop.protocol.running)
    if running and desktop.review is None:
        return words.REVIEW_WAITS_FOR_SESSION
    if desktop.review is not None:
        _back_to_live(desktop)
    try:
        mode = ReviewMode(window, controller, path, report=lambda p: desktop.reports.ask(p, window))
    except SessionFileError as exc:
        return str(exc)
    mode.bar.offer_back(True)
    mode.bar.back_requested.connect(lambda: _back_to_live(desktop))
    desktop.review = mode
    window.show()
    window.raise_()
    window.activateWindow()
    return words.REVIEW_OPENED.format(name=path.name)


def _back_to_live(desktop: Desktop) -> None:
    """Leave the review: the live session shows again, up to date."""
    mode, desktop.review = desktop.review, None
    if mode is None:
        return
    mode.leave()
    status = desktop.controller.status
    if status is not None:
        desktop.window.devices.on_status(status)
