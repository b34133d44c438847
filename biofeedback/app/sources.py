"""Which source a spec names: the one place that builds concrete sources."""

from __future__ import annotations

from pathlib import Path

from biofeedback.app.cli import UsageError
from biofeedback.sources.base import Source

SOURCE_HELP = "demo[?resonance=BPM&seed=N&hr=BPM&ectopic=P&pace=BPM] | ble | ble:ADDRESS | sample:NAME | a recording's path"


def make_source(spec: str, *, keep_looking: bool = False, column: str | None = None) -> Source:
    """Build the source named by ``spec`` (see :data:`SOURCE_HELP`).

    ``keep_looking``: a strap not in range at the start is waited for (the window) instead of
    being an error (the command line). ``column``: for a recording that is a CSV table, the
    column of RR intervals or beat times (``--column``)."""
    spec = spec.strip()
    if spec == "demo" or spec.startswith("demo?"):
        from biofeedback.sources.demo import DemoSource

        return DemoSource.from_query(spec.partition("?")[2], spec)
    if spec == "ble" or spec.startswith("ble:"):
        return _make_ble_source(spec, keep_looking)
    path = recording_path(spec)
    from biofeedback.sources.replay import ReplaySource
    from biofeedback.storage.recordings import load_recording

    recording = load_recording(path, column=column)
    return ReplaySource(recording.events, path.name, recording.header.get("device"), recording.source_kind)


def recording_path(spec: str) -> Path:
    """The file a recording spec names: ``sample:NAME`` or a path."""
    if spec.startswith("sample:"):
        return _bundled_recording(spec.partition(":")[2].strip())
    path = Path(spec).expanduser()
    if not path.exists() and "?" not in spec and "/" not in spec and not path.suffix:
        raise UsageError(f"Unknown source '{spec}'. Use {SOURCE_HELP}.")
    return path


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
    remembered = strap_memory().recall()
    return BleSource(None, preferred=remembered.address if remembered else None, keep_looking=keep_looking)


def strap_memory():
    """Where the last strap is remembered (the data folder)."""
    from biofeedback.storage.remembered import StrapMemory

    return StrapMemory()


def default_source_spec() -> str:
    """The strap that connected last time, if any, else the demo."""
    remembered = strap_memory().recall()
    return f"ble:{remembered.address}" if remembered else "demo"
