"""The composition root: command line, logging, crash handler, and the wiring of concrete classes.

This is the only module that chooses which source, storage and window classes to build.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from biofeedback import __version__
from biofeedback.sources.base import Source, SourceError
from biofeedback.storage.session_file import SessionFileError

if TYPE_CHECKING:  # asyncio alone costs 50 ms of every 'analyze'
    from biofeedback.sources.clock import SessionClock

log = logging.getLogger("biofeedback")

USAGE_ERROR = 2

SOURCE_HELP = "demo[?resonance=BPM&seed=N&hr=BPM&ectopic=P&pace=BPM] | ble | ble:ADDRESS | sample:NAME | a recording's path"


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit code 2."""


# --------------------------------------------------------------------------- sources


def make_source(spec: str, *, keep_looking: bool = False) -> Source:
    """Build the source named by ``spec`` (see ``--help``).

    ``keep_looking``: a strap not in range at the start is waited for (the window) instead of
    being an error (the command line)."""
    from biofeedback.sources.demo import DemoSource

    spec = spec.strip()
    if spec == "demo" or spec.startswith("demo?"):
        return DemoSource.from_query(spec.partition("?")[2], spec)
    if spec == "ble" or spec.startswith("ble:"):
        return _make_ble_source(spec, keep_looking)
    if spec.startswith("sample:"):
        path = _bundled_recording(spec.partition(":")[2].strip())
    else:
        path = Path(spec).expanduser()
    if not path.exists() and "?" not in spec and "/" not in spec and not path.suffix:
        raise UsageError(f"Unknown source '{spec}'. Use {SOURCE_HELP}.")
    from biofeedback.sources.replay import ReplaySource
    from biofeedback.storage.recordings import load_recording

    recording = load_recording(path)
    return ReplaySource(recording.events, path.name, recording.header.get("device"))


def bundled_recordings() -> list[str]:
    """Names of the real recordings shipped with the app (``sample:NAME``)."""
    from biofeedback.resources import resource_path

    return sorted(p.name.removesuffix("_rr_ms.txt") for p in resource_path("sample_streams").glob("*_rr_ms.txt"))


def _bundled_recording(name: str) -> Path:
    from biofeedback.resources import sample_stream

    if name not in bundled_recordings():
        raise UsageError(f"There is no bundled recording '{name}'. Choose one of: {', '.join(bundled_recordings())}.")
    return sample_stream(f"{name}_rr_ms.txt")


def _make_ble_source(spec: str, keep_looking: bool = False) -> Source:
    """``ble:ADDRESS`` is that strap; ``ble`` the remembered strap if in range, else the only one."""
    from biofeedback.sources.ble import BleSource

    address = spec.partition(":")[2].strip()
    if spec.startswith("ble:") and not address:
        raise UsageError("Give the strap's address after 'ble:' (see 'biofeedback scan'), or use --source ble.")
    if address:
        return BleSource(address, keep_looking=keep_looking)
    from biofeedback.qt.devices import remembered_device

    remembered = remembered_device()
    return BleSource(None, preferred=remembered.address if remembered else None, keep_looking=keep_looking)


def default_source_spec() -> str:
    """The strap that connected last time, if any, else the demo."""
    from biofeedback.qt.devices import remembered_device

    remembered = remembered_device()
    return f"ble:{remembered.address}" if remembered else "demo"


# --------------------------------------------------------------------------- headless commands


async def _record(source: Source, out: Path, duration: float | None, clock: SessionClock) -> dict[str, Any]:
    import asyncio
    import signal

    from biofeedback.core.samples import LinkState, Status
    from biofeedback.storage.recorder import Recorder
    from biofeedback.storage.session_file import SessionWriter, make_header

    header = make_header(source.spec, source.device_info(), {"speed": clock.speed}, f"biofeedback {__version__}", clock.now())
    recorder = Recorder(SessionWriter(out, header))
    finished = asyncio.Event()

    def emit(event) -> None:
        recorder.on_event(event)
        if isinstance(event, Status):
            log.info("%s", event.message or event.state.value)
            if event.state in (LinkState.FINISHED, LinkState.FAILED):
                finished.set()

    task = asyncio.create_task(source.run(emit, clock), name="source")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(finished.wait()), task]
    try:
        while not (task.done() or stop.is_set() or finished.is_set()):
            timeout = None if duration is None else max(duration - clock.now(), 0) / clock.speed
            if duration is not None and timeout <= 0:
                break
            await asyncio.wait(waiters, timeout=min(timeout, 0.5) if timeout is not None else 0.5, return_when=asyncio.FIRST_COMPLETED)
            recorder.tick()
    finally:
        for w in waiters:
            w.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
        recorder.close(clock.now())
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()
    from biofeedback.core.summary import summarize

    return summarize(recorder.timeline)


def _remove_if_no_samples(path: Path) -> None:
    """Delete a session file that a failed source left without a single notification in it."""
    from biofeedback.storage.session_file import read_session

    try:
        if path.exists() and not read_session(path).samples:
            path.unlink()
    except (SessionFileError, OSError):
        pass


def cmd_record(args: argparse.Namespace) -> int:
    import asyncio
    from biofeedback.sources.clock import SessionClock

    out = Path(args.out).expanduser()
    if out.exists():
        raise UsageError(f"{out} already exists; choose another name so nothing is overwritten.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.")
    source = make_source(args.source)
    clock = SessionClock(args.speed)
    try:
        summary = asyncio.run(_record(source, out, args.duration, clock))
    except SourceError:
        _remove_if_no_samples(out)  # e.g. no Bluetooth: the same --out works on the next try
        raise
    print(f"Recorded {summary['beats']} beats ({summary['duration_s']:.0f} s) to {out}")
    return 0


#: How ``analyze`` prints each metric without --json: label, unit, format.
_ANALYZE_TABLE = (
    ("beats", "Beats", "", "{}"),
    ("duration_s", "Duration", "s", "{:.1f}"),
    ("gaps", "Gaps", "", "{}"),
    ("gap_s", "Time in gaps", "s", "{:.1f}"),
    ("rejected_rr", "Implausible intervals dropped", "", "{}"),
    ("artifacts", "Artefacts corrected", "", "{}"),
    ("artifact_pct", "Artefact share", "%", "{:.2f}"),
    ("mean_rr_ms", "Mean RR", "ms", "{:.1f}"),
    ("mean_hr_bpm", "Mean HR (60000 / mean RR)", "bpm", "{:.1f}"),
    ("sdnn_ms", "SDNN", "ms", "{:.1f}"),
    ("rmssd_ms", "RMSSD", "ms", "{:.1f}"),
    ("pnn50_pct", "pNN50", "%", "{:.1f}"),
    ("lf_ms2", "LF power (0.04-0.15 Hz)", "ms2", "{:.0f}"),
    ("hf_ms2", "HF power (0.15-0.4 Hz)", "ms2", "{:.0f}"),
    ("lf_hf", "LF/HF", "", "{:.2f}"),
    ("sd1_ms", "SD1", "ms", "{:.1f}"),
    ("sd2_ms", "SD2", "ms", "{:.1f}"),
    ("dfa_alpha1", "DFA alpha1", "", "{:.3f}"),
    ("coherence_mean", "Coherence, mean", "", "{:.2f}"),
    ("coherence_high_pct", "Coherence, time high", "%", "{:.1f}"),
)


def cmd_scan(args: argparse.Namespace) -> int:
    import asyncio

    from biofeedback.sources.ble import scan

    devices = asyncio.run(scan(args.timeout))
    if not devices:
        print(
            "No heart-rate straps found. Moisten the electrodes and put the strap on (it wakes up on skin contact), "
            "keep it within a few metres, and scan again.",
            file=sys.stderr,
        )
        return 1
    width = max(len(d.name) for d in devices)
    print(f"{'NAME':<{width}}  {'ADDRESS':<17}  RSSI")
    for d in devices:
        rssi = "?" if d.rssi is None else f"{d.rssi} dBm"
        print(f"{d.name:<{width}}  {d.address:<17}  {rssi}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    # Only numpy-level modules: never Qt, never scipy (its import alone costs about 0.8 s).
    from biofeedback.core.summary import analyze
    from biofeedback.storage.recordings import load_recording, timeline_of

    data = load_recording(Path(args.file).expanduser(), as_packets=False)
    timeline = timeline_of(data)
    result = analyze(timeline)
    result["ended_cleanly"] = data.ended_cleanly
    result["skipped_lines"] = data.skipped_lines + int(data.truncated_tail)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{args.file}")
    width = max(len(row[1]) for row in _ANALYZE_TABLE) + 2
    for key, label, unit, fmt in _ANALYZE_TABLE:
        value = result.get(key)
        text = "not enough data" if value is None else f"{fmt.format(value)} {unit}".rstrip()
        print(f"  {label:<{width}}{text}")
    kinds = ", ".join(f"{n} {kind}" for kind, n in result["artifacts_by_kind"].items() if n)
    if kinds:
        print(f"  {'Artefacts by kind':<{width}}{kinds}")
    if not result["ended_cleanly"] or result["skipped_lines"]:
        print(f"  The file did not end cleanly or had {result['skipped_lines']} unreadable line(s); what could be read is shown.")
    print("  Methods and settings: biofeedback analyze --json FILE (key 'settings'), docs/metrics.md")
    return 0


# --------------------------------------------------------------------------- the window


def _user_data_dir() -> Path:
    """The per-user data folder (QStandardPaths), private to its owner."""
    from PySide6.QtCore import QStandardPaths

    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _log_to_file(folder: Path) -> Path | None:
    """Also log to ``folder/biofeedback.log`` (owner-only), so a crash leaves its details behind."""
    path = folder / "biofeedback.log"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return None
    handler = logging.StreamHandler(os.fdopen(fd, "a", encoding="utf-8"))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    return path


def _is_live(source: Source) -> bool:
    """Live sources (a strap) are recorded from the start; the demo and replays only on request."""
    from biofeedback.sources.demo import DemoSource
    from biofeedback.sources.replay import ReplaySource

    return not isinstance(source, (DemoSource, ReplaySource))


def _attach_devices(window, controller, bridge, clock: SessionClock, store=None, scan_s: float = 5.0):
    """Put the device panel in the window and wire picking a strap, the demo or a recording to a
    source switch. ``store`` remembers the strap (the app's QSettings unless given). Returns the
    :class:`SourceRunner` that now owns ``bridge``."""
    from biofeedback.qt.devices import DeviceController, SourceRunner, app_settings
    from biofeedback.qt.widgets.device_panel import DevicePanel
    from biofeedback.sources.demo import DemoSource

    async def scan(timeout: float):
        from biofeedback.sources.ble import scan as ble_scan  # bleak loads only when a scan is asked for

        return await ble_scan(timeout)

    runner = SourceRunner(controller.on_event, controller.on_failed, clock, bridge, window)
    devices = DeviceController(scan, store if store is not None else app_settings(), scan_s, window)
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
        except (UsageError, SourceError, SessionFileError) as exc:
            panel.show_scan_error(str(exc))

    demo: list[DemoSource] = []  # the running demo, if the source is one

    def follow_pacer(source) -> None:
        demo[:] = [source] if isinstance(source, DemoSource) else []
        for person in demo:
            person.follow_pacer(controller.pacer, controller.pacer_start)

    def pacer_changed(_pacer) -> None:
        for person in demo:
            person.follow_pacer(controller.pacer, controller.pacer_start)

    controller.pacer_changed.connect(pacer_changed)

    devices.device_chosen.connect(lambda address: switch(f"ble:{address}"))
    panel.demo_requested.connect(lambda: switch("demo"))
    panel.recording_chosen.connect(switch)
    runner.source_started.connect(follow_pacer)
    runner.source_started.connect(devices.on_source_started)
    follow_pacer(bridge.source)
    devices.on_source_started(bridge.source)
    return runner


def cmd_gui(args: argparse.Namespace) -> int:
    from biofeedback.sources.clock import SessionClock

    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32"))
    if headless and "QT_QPA_PLATFORM" not in os.environ:
        if not args.screenshot:
            raise UsageError("There is no screen to show the window on. Use --screenshot PNG, or 'biofeedback record'.")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from biofeedback.qt.platform_check import missing_library_message, missing_window_library

    missing = missing_window_library()
    if missing:
        raise UsageError(missing_library_message(missing))
    source = make_source(args.source or default_source_spec(), keep_looking=True)
    clock = SessionClock(args.speed)

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from biofeedback.resources import resource_path

    from biofeedback.core.live import LiveAnalyzer
    from biofeedback.qt.bridge import SourceBridge
    from biofeedback.qt.crash import CrashHandler
    from biofeedback.qt.main_window import MainWindow
    from biofeedback.qt.session_controller import SessionController
    from biofeedback.qt.settings import Settings
    from biofeedback.storage.recorder import Recorder
    from biofeedback.storage.session_file import SessionWriter, make_header

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("biofeedback")
    app.setOrganizationName("biofeedback")
    app.setApplicationDisplayName("Biofeedback")
    app.setWindowIcon(QIcon(str(resource_path("assets", "icon.svg"))))
    data_dir = _user_data_dir()
    CrashHandler(_log_to_file(data_dir), app).install()

    running = [source]  # the source now running; the device panel can switch it

    def open_writer() -> SessionWriter:
        folder = data_dir / "sessions"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{datetime.datetime.now():%Y-%m-%d_%H-%M-%S}.bfs"
        now = running[0]
        header = make_header(now.spec, now.device_info(), {"speed": clock.speed}, f"biofeedback {__version__}", clock.now())
        return SessionWriter(path, header)

    def source_switched(new_source: Source) -> None:
        running[0] = new_source
        controller.continue_recording_with_new_source(record_anyway=_is_live(new_source))

    controller = SessionController(clock, Recorder(None), open_writer=open_writer, analyzer=LiveAnalyzer())
    bridge = SourceBridge(source, clock)
    bridge.event_received.connect(controller.on_event)
    bridge.failed.connect(controller.on_failed)
    window = MainWindow(controller, Settings(QSettings()))  # preferences persist per user
    runner = _attach_devices(window, controller, bridge, clock)
    runner.source_started.connect(source_switched)
    window.show()
    # The client view: from the menu, or full screen on --client-screen N at start.
    from biofeedback.qt.audio import CueAudio
    from biofeedback.qt.client_view import ClientLauncher

    audio = CueAudio(bool(window.settings.value("audio/enabled")), float(window.settings.value("audio/volume")))
    client = ClientLauncher(controller, window.settings, audio)
    window.client_view_requested.connect(client.show_default)
    window.client_preferences_changed.connect(client.apply_settings)
    if args.client_screen is not None:
        client.show(args.client_screen)
    bridge.start()
    if args.record or (args.record is None and _is_live(source)):
        controller.start_recording()

    if args.screenshot or args.quit_after:
        def finish() -> None:
            if args.screenshot:
                window.redraw()
                if not window.grab().save(args.screenshot):
                    log.error("Could not save the screenshot to %s.", args.screenshot)
            window.close()

        QTimer.singleShot(int(1000 * (args.quit_after or 3.0)), finish)
    try:
        return app.exec()
    finally:
        runner.stop()
        controller.close()


# --------------------------------------------------------------------------- entry point


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump, exit 2
        raise UsageError(f"{message}. See '{self.prog} --help'.")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="biofeedback", description="A calm biofeedback visualiser for heart rate and HRV.")
    parser.add_argument("--version", action="version", version=f"biofeedback {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--source", help=f"where the heartbeat comes from: {SOURCE_HELP} (default: demo)")
    parser.add_argument("--speed", type=_positive_float, default=1.0, help="session clock speed for demo and replay (default 1)")
    parser.add_argument("--client-screen", type=int, default=None, metavar="N", help="show the client view full screen on screen N")
    parser.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the window, then quit (with --quit-after)")
    parser.add_argument(
        "--record",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="save the session to the data folder (default: yes for a strap, no for the demo and replays)",
    )
    parser.add_argument("--quit-after", type=_positive_float, default=None, metavar="S", help="quit after S seconds of real time")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    rec = sub.add_parser("record", help="record a session without a window")
    rec.add_argument("--source", required=True, help=SOURCE_HELP)
    rec.add_argument("--out", required=True, help="the new session file")
    rec.add_argument("--duration", type=_positive_float, default=None, metavar="S", help="stop after S session seconds")
    rec.add_argument("--speed", type=_positive_float, default=1.0, help="session clock speed for demo and replay")
    rec.set_defaults(handler=cmd_record)

    scan = sub.add_parser("scan", help="list nearby Bluetooth heart-rate straps (name, address, signal strength)")
    scan.add_argument("--timeout", type=_positive_float, default=5.0, metavar="S", help="listen for S seconds (default 5)")
    scan.set_defaults(handler=cmd_scan)

    ana = sub.add_parser("analyze", help="print a recording's heart-rate metrics")
    ana.add_argument("file", help="a session file or RR text")
    ana.add_argument("--json", action="store_true", help="print JSON")
    ana.set_defaults(handler=cmd_analyze)
    return parser


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s",
        stream=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        _configure_logging(args.verbose)
        handler = getattr(args, "handler", cmd_gui)
        return handler(args)
    except (UsageError, SourceError, SessionFileError) as exc:
        print(f"biofeedback: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", USAGE_ERROR)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `analyze ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
