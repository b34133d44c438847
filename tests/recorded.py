"""A recorded demo session for the review, summary and library tests: made the way the window
records one (the session core writing a session file), without a clock or a thread."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from biofeedback.core.annotations import PhaseChange, Rating
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import BloodPressure, LinkState, SourceInfo, SourceKind, Status
from biofeedback.core.session import SessionCore
from biofeedback.sources.demo import DemoSource
from biofeedback.storage.session_file import SessionWriter, make_header

STRAP_LIKE = SourceInfo(SourceKind.STRAP, "ble:A0:9E:1A:00:00:01", live=True, recorded_by_default=True, device={"name": "Polar H10 0A1B2C3D"}, name="Polar H10")


def record_demo(
    path: Path,
    duration_s: float = 420.0,
    *,
    person: str = "Me",
    seed: int = 3,
    pace: float = 6.0,
    markers: tuple[tuple[float, str], ...] = ((95.0, "phone rang"), (260.0, "eyes closed")),
    pacer_change: tuple[float, float] | None = (200.0, 5.5),
    drop: tuple[float, float] | None = (150.0, 158.0),
    ratings: bool | tuple[Rating, Rating] = True,
    resonance: float = 5.5,
    started: dt.datetime | None = None,
    phases: tuple[PhaseChange, ...] = (),
    blood_pressure: tuple[BloodPressure | None, BloodPressure | None] = (None, None),
) -> Path:
    """Record ``duration_s`` of the demo (breathing with the pacer) into ``path``.

    Between ``drop`` times the strap is out of reach (a lost status, no notifications: a gap).
    ``ratings``: the default before and after, none (False), or these two. ``started``: the
    wall-clock start written in the header (default now). ``phases``: a guided protocol's
    phases, entered at their times. ``blood_pressure``: readings taken before (added as
    recording starts) and after (as it ends), as the window adds them.
    """
    demo = DemoSource.from_query(f"seed={seed}&pace={pace}&resonance={resonance}", f"demo?seed={seed}")
    pacer = PacerSettings.from_rate(pace)
    demo.follow_pacer(pacer, 0.0)
    from biofeedback.app.session import SOFTWARE

    def open_sink(start):
        header = make_header(start.source.spec, dict(start.source.device), {}, SOFTWARE, start.t, person=start.person, source_info=start.source)
        if started is not None:
            header["started_utc"] = started.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")
            header["utc_offset_min"] = int(started.utcoffset().total_seconds() // 60) if started.utcoffset() else 0
        return SessionWriter(path, header)

    if ratings is True:
        ratings = (Rating(0.0, "before", pain=6, stress=7, mood=2), Rating(duration_s, "after", pain=3, stress=2, mood=4))
    core = SessionCore(LiveAnalyzer(pacer), open_sink, pacer=pacer, person=person)
    core.source = STRAP_LIKE
    core.start_recording(0.0)
    if ratings:
        core.add_rating(ratings[0])
    if blood_pressure[0] is not None:
        core.add_blood_pressure(blood_pressure[0])
    pending_markers = sorted(markers)
    pending_phases = sorted(phases, key=lambda p: p.t)
    dropped = False
    for t in demo.notification_times():
        if t > duration_s:
            break
        while pending_markers and pending_markers[0][0] <= t:
            at, label = pending_markers.pop(0)
            core.add_marker(at, label)
        while pending_phases and pending_phases[0].t <= t:
            core.enter_phase(pending_phases.pop(0))
        if pacer_change is not None and pacer_change[0] <= t and core.pacer == pacer:
            core.set_pacer(PacerSettings.from_rate(pacer_change[1]), pacer_change[0])
            demo.follow_pacer(core.pacer, pacer_change[0])
        sample = demo.next_sample(t)
        if drop is not None and drop[0] <= t < drop[1]:
            if not dropped:
                core.on_event(Status(t, LinkState.LOST, "The strap is out of reach for a moment."), t)
                dropped = True
            continue
        if dropped:
            core.on_event(Status(t, LinkState.STREAMING, "Receiving heartbeats."), t)
            dropped = False
        core.on_event(sample, t)
        core.tick(t)
    if ratings:
        core.add_rating(ratings[1])
    if blood_pressure[1] is not None:
        core.add_blood_pressure(blood_pressure[1])
    core.stop_recording(duration_s)
    return path
