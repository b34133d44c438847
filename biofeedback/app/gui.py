"""The window: built from its parts in short named steps (the default command)."""

from __future__ import annotations

import argparse
import logging

from biofeedback.app import cli
from biofeedback.app import window as window_kit
from biofeedback.app.sources import SOURCE_HELP, default_source_spec, make_source

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

    from biofeedback.app.session import make_core
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.sources.clock import SessionClock

    clock = SessionClock(args.speed)
    controller = SessionController(clock, make_core(args.speed))
    window = _main_window(controller)
    if args.view:
        window.set_mode(args.view)
    runner = _attach_sources(window, controller, clock)
    window_kit.attach_client_view(window, controller, args.client_screen)
    _attach_session_flow(window)
    _attach_file_drop(window)
    _look_for_a_strap(window, runner)
    window.show()
    clock.restart()  # the session starts with its source, not when the window began to be built
    runner.switch(source, keep_recording=args.record)
    if args.record is False:
        controller.stop_recording()
    if args.screenshot or args.quit_after:
        window_kit.finish_after(window, args.quit_after or 3.0, args.screenshot)
    try:
        return app.exec() or window.exit_code
    finally:
        runner.stop()
        controller.close()


def import_dropped_file(path) -> str:
    """Import one dropped recording into the sessions folder; one sentence saying what happened."""
    from biofeedback import __version__
    from biofeedback.storage import paths
    from biofeedback.storage.imports import import_as_session
    from biofeedback.storage.session_file import DEFAULT_PERSON, SessionFileError

    try:
        result = import_as_session(path, paths.sessions_dir(), DEFAULT_PERSON, f"biofeedback {__version__}")
    except SessionFileError as exc:
        return str(exc)
    return f"Imported {path.name} ({result.format}, {result.beats} beats) into your sessions."


def _attach_file_drop(window):
    """Files dropped on the window become sessions; the status line says what became of each."""
    from biofeedback.qt.file_drop import FileDropImporter

    dropper = FileDropImporter(window, import_dropped_file)
    dropper.imported.connect(lambda messages: window.status_label.setText(" ".join(messages)))
    window.file_drop = dropper  # reachable for tests
    return dropper


def _main_window(controller):
    from PySide6.QtCore import QSettings

    from biofeedback.qt.main_window import MainWindow
    from biofeedback.qt.settings import Settings, make_private

    store = QSettings()  # preferences persist per user
    make_private(store.fileName())  # owner-only, like the sessions
    return MainWindow(controller, Settings(store))


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
    window.strap_look_timer = timer


def _attach_session_flow(window) -> None:
    """Start and stop a session. The window's ``session_start_requested`` and
    ``session_stop_requested`` go straight to ``begin_session`` and ``end_session`` today
    (``MainWindow(default_flow=True)``); steps such as "rate how you feel", "take blood pressure"
    and "show the summary" go here: build the window with ``default_flow=False``, connect
    ``session_start_requested`` to the steps before, which call ``window.begin_session()`` when
    done, and ``session_stop_requested`` to ``window.end_session``, whose ``session_stopped(path)``
    then leads to the steps after."""
    window.session_stopped.connect(lambda path: log.info("Session saved to %s.", path) if path else None)


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
    controller.status_changed.connect(devices.on_status)
    controller.sample_received.connect(devices.on_sample)
    controller.battery_changed.connect(devices.on_battery)
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
    runner.source_started.connect(lambda source: follow_pacer(source, controller.core))
    controller.pacer_changed.connect(lambda _pacer: runner.source is not None and follow_pacer(runner.source, controller.core))
    return runner
