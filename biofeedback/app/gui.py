"""The window: built from its parts in short named steps (the default command)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from biofeedback.app import cli
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


def run(args: argparse.Namespace) -> int:
    source = make_source(args.source or default_source_spec(), keep_looking=True, column=args.column)
    _require_screen(args)
    app = _qt_application()
    _install_crash_handler(app)

    from biofeedback.app.session import make_core
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.sources.clock import SessionClock

    clock = SessionClock(args.speed)
    controller = SessionController(clock, make_core(args.speed))
    window = _main_window(controller)
    runner = _attach_sources(window, controller, clock)
    _attach_client_view(window, controller, args.client_screen)
    _attach_file_drop(window)
    window.show()
    clock.restart()  # the session starts with its source, not when the window began to be built
    runner.switch(source, keep_recording=args.record)
    if args.record is False:
        controller.stop_recording()
    if args.screenshot or args.quit_after:
        _finish_after(window, args.quit_after or 3.0, args.screenshot)
    try:
        return app.exec() or window.exit_code
    finally:
        runner.stop()
        controller.close()


def _require_screen(args: argparse.Namespace) -> None:
    """Offscreen for a screenshot without a screen; else one sentence on what is missing."""
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32"))
    if headless and "QT_QPA_PLATFORM" not in os.environ:
        if not args.screenshot:
            raise cli.UsageError("There is no screen to show the window on. Use --screenshot PNG, or 'biofeedback record'.")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from biofeedback.qt.platform_check import missing_library_message, missing_window_library

    missing = missing_window_library()
    if missing:
        raise cli.UsageError(missing_library_message(missing))


def _qt_application():
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from biofeedback.resources import resource_path

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("biofeedback")
    app.setOrganizationName("biofeedback")
    app.setApplicationDisplayName("Biofeedback")
    app.setWindowIcon(QIcon(str(resource_path("assets", "icon.svg"))))
    return app


def _install_crash_handler(app) -> None:
    from biofeedback.app.logs import log_to_file
    from biofeedback.qt.crash import CrashHandler
    from biofeedback.storage import paths

    CrashHandler(log_to_file(paths.data_dir()), app).install()


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
    from biofeedback.qt.settings import Settings

    return MainWindow(controller, Settings(QSettings()))  # preferences persist per user


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

    runner = SourceRunner(controller, clock, window)
    devices = DeviceController(scan, strap_store if strap_store is not None else strap_memory(), scan_s, window)
    panel = DevicePanel()
    window.device_area.addWidget(panel)
    window.devices, window.device_panel = devices, panel  # reachable for tests and menus
    controller.status_changed.connect(devices.on_status)
    controller.sample_received.connect(devices.on_sample)
    controller.battery_changed.connect(devices.on_battery)
    devices.state_changed.connect(panel.show_state)
    devices.scan_started.connect(panel.show_scanning)
    devices.devices_found.connect(panel.show_devices)
    devices.scan_failed.connect(panel.show_scan_error)
    panel.scan_requested.connect(devices.scan)
    panel.connect_requested.connect(devices.choose)

    def switch(spec: str) -> None:
        try:
            runner.switch(make_source(spec, keep_looking=True))
        except (cli.UsageError, SourceError, SessionFileError) as exc:
            panel.show_scan_error(str(exc))

    devices.device_chosen.connect(lambda address: switch(f"ble:{address}"))
    panel.demo_requested.connect(lambda: switch("demo"))
    panel.recording_chosen.connect(switch)
    runner.source_started.connect(lambda source: devices.on_source_started(source.describe()))
    runner.source_started.connect(lambda source: follow_pacer(source, controller.core))
    controller.pacer_changed.connect(lambda _pacer: runner.source is not None and follow_pacer(runner.source, controller.core))
    return runner


def _attach_client_view(window, controller, screen: int | None) -> None:
    """The calm view: from the menu, or full screen on ``screen`` at start."""
    from biofeedback.qt.audio import CueAudio
    from biofeedback.qt.client_view import ClientLauncher

    settings = window.settings
    audio = CueAudio(bool(settings.value("audio/enabled")), float(settings.value("audio/volume")))
    client = ClientLauncher(controller, settings, audio)
    window.client_view_requested.connect(client.show_default)
    window.client_preferences_changed.connect(client.apply_settings)
    window.client_launcher = client
    if screen is not None:
        client.show(screen)


def _finish_after(window, seconds: float, screenshot: str | None) -> None:
    """Quit after ``seconds`` of real time, saving a screenshot first if asked."""
    from PySide6.QtCore import QTimer

    def finish() -> None:
        if screenshot:
            window.redraw()
            if not window.grab().save(screenshot):
                log.error("biofeedback: could not save the screenshot to %s.", screenshot)
                window.exit_code = cli.USAGE_ERROR
        window.close()

    QTimer.singleShot(int(1000 * seconds), finish)
