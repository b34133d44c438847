"""What a one-page session report says, computed without Qt (rendered by :mod:`biofeedback.qt.report`).

:func:`build_report` turns a recording into a :class:`ReportContent`: plain strings, numbers and
numpy series, so the command line, the library and review can all render the same page. Every
part is filled from what the recording holds; a part the recording lacks (no person, no
ratings, no protocol) is empty, and the page says so rather than leaving it out.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from biofeedback.core import artifacts, coherence, hrv, words
from biofeedback.core.summary import COHERENCE_STEP_S, analyze
from biofeedback.storage.formats.export import wall_clock_at_zero

DISCLAIMER = words.WELLNESS_NOTE


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    unit: str = ""


@dataclass(frozen=True)
class Rating:
    """A rating before and after (e.g. stress 0-10); either may be missing."""

    name: str
    before: str = ""
    after: str = ""


@dataclass
class ReportContent:
    """Everything on the page, as text and series ready to draw."""

    title: str
    person: str
    date: str
    duration: str
    source: str
    device: str
    pacer: list[str] = field(default_factory=list)
    phases: list[tuple[float, float, str]] = field(default_factory=list)
    #: Beat times (s) and heart rate (beats/min) of corrected beats; NaN between segments.
    hr_t: np.ndarray = field(default_factory=lambda: np.empty(0))
    hr_bpm: np.ndarray = field(default_factory=lambda: np.empty(0))
    #: Coherence window end times (s) and ratios; NaN between segments.
    coh_t: np.ndarray = field(default_factory=lambda: np.empty(0))
    coh: np.ndarray = field(default_factory=lambda: np.empty(0))
    duration_s: float = 0.0
    gaps: list[tuple[float, float]] = field(default_factory=list)
    markers: list[tuple[float, str]] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    #: Share of coherence windows in each level, percent: low, medium, high.
    coherence_levels: list[tuple[str, str, float]] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    blood_pressure: list[Rating] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    disclaimer: str = DISCLAIMER


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _fmt(value: Any, spec: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return format(value, spec)


def _local_date(data) -> str:
    start = wall_clock_at_zero(data.header)
    if start is None:
        return "date not recorded"
    offset = data.header.get("utc_offset_min")
    zone = _dt.timezone(_dt.timedelta(minutes=int(offset))) if offset is not None else None
    local = start.astimezone(zone) if zone else start.astimezone()
    return local.strftime("%d %B %Y, %H:%M")


def _source(data) -> tuple[str, str]:
    header = data.header
    device = header.get("device") or {}
    name = device.get("name") or device.get("app") or "" if isinstance(device, dict) else str(device)
    if data.imported is not None:
        return f"imported from {header.get('source', data.path.name)} ({data.imported.format})", name or "not stated"
    spec = str(header.get("source", ""))
    if spec.startswith("ble"):
        src = "Bluetooth heart-rate strap"
    elif spec.startswith("demo"):
        src = "demo (simulated person)"
    else:
        src = f"replay of {spec}" if spec else "not recorded"
    return src, name or "not stated"


def _pacer_lines(data) -> list[str]:
    out = []
    for t, s in data.pacer_changes:
        inhale, exhale = float(s.get("inhale_s", 0)), float(s.get("exhale_s", 0))
        hold_in, hold_out = float(s.get("hold_in_s", 0)), float(s.get("hold_out_s", 0))
        period = inhale + exhale + hold_in + hold_out
        holds = "".join(
            f", hold {h:g} s {where}" for h, where in ((hold_in, "in"), (hold_out, "out")) if h
        )
        rate = f" ({60.0 / period:.1f} breaths/min)" if period > 0 else ""
        out.append(f"from {_clock(t)}: in {inhale:g} s, out {exhale:g} s{holds}{rate}")
    return out


def _series_with_breaks(times: list[np.ndarray], values: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate per-segment series with a NaN between segments, so a plot never joins them."""
    t_parts, v_parts = [], []
    for t, v in zip(times, values):
        if t_parts:
            t_parts.append(np.array([np.nan]))
            v_parts.append(np.array([np.nan]))
        t_parts.append(t)
        v_parts.append(v)
    if not t_parts:
        return np.empty(0), np.empty(0)
    return np.concatenate(t_parts), np.concatenate(v_parts)


def build_report(data, timeline=None, analysis: dict[str, Any] | None = None) -> ReportContent:
    """The report of a :class:`~biofeedback.storage.session_file.SessionData`."""
    from biofeedback.storage.recordings import timeline_of

    timeline = timeline if timeline is not None else timeline_of(data)
    result = analysis if analysis is not None else analyze(timeline)
    times, rr, starts = timeline.arrays()
    fixed = artifacts.correct(times, rr, starts)
    source, device = _source(data)
    duration = float(result.get("duration_s") or 0.0)
    end = float(times[-1]) if len(times) else 0.0

    bounds = hrv.segment_bounds(fixed.segment_start) if len(fixed.rr_ms) else []
    hr_t, hr = _series_with_breaks(
        [fixed.times_s[s:e] for s, e in bounds], [60000.0 / fixed.rr_ms[s:e] for s, e in bounds]
    )
    step = int(round(COHERENCE_STEP_S * coherence.RESAMPLE_HZ))
    coh_times, coh_values = [], []
    for s, e in bounds:
        if e - s < 8:
            continue
        series = hrv.resample_rr(fixed.times_s[s:e], fixed.rr_ms[s:e])
        ratios = coherence.coherence_series(series, step)
        if len(ratios):
            first_end = (coherence.RESAMPLE_HZ * coherence.WINDOW_S - 1) / coherence.RESAMPLE_HZ
            coh_times.append(fixed.times_s[s] + first_end + np.arange(len(ratios)) * COHERENCE_STEP_S)
            coh_values.append(ratios)
    coh_t, coh = _series_with_breaks(coh_times, coh_values)

    all_ratios = np.concatenate(coh_values) if coh_values else np.empty(0)
    levels = []
    if len(all_ratios):
        low = float(np.mean(all_ratios < coherence.LOW_BELOW) * 100)
        high = float(np.mean(all_ratios >= coherence.HIGH_FROM) * 100)
        names = words.COHERENCE_WORDS
        levels = [(names["low"], "low", low), (names["medium"], "medium", 100.0 - low - high), (names["high"], "high", high)]

    metrics = [
        Metric("Beats", _fmt(result.get("beats"), "d")),
        Metric("Mean heart rate", _fmt(result.get("mean_hr_bpm"), ".1f"), "beats/min"),
        Metric("SDNN", _fmt(result.get("sdnn_ms"), ".1f"), "ms"),
        Metric("RMSSD", _fmt(result.get("rmssd_ms"), ".1f"), "ms"),
        Metric("pNN50", _fmt(result.get("pnn50_pct"), ".1f"), "%"),
        Metric("LF power (0.04-0.15 Hz)", _fmt(result.get("lf_ms2"), ".0f"), "ms²"),
        Metric("HF power (0.15-0.4 Hz)", _fmt(result.get("hf_ms2"), ".0f"), "ms²"),
        Metric("LF/HF", _fmt(result.get("lf_hf"), ".2f")),
        Metric("Coherence, mean ratio", _fmt(result.get("coherence_mean"), ".2f")),
        Metric("Artefacts corrected", f"{_fmt(result.get('artifact_pct'), '.1f')} % ({_fmt(result.get('artifacts'), 'd')} beats)"),
        Metric("Gaps (no beats)", f"{_fmt(result.get('gaps'), 'd')} ({_clock(float(result.get('gap_s') or 0))})"),
    ]
    notes = []
    if data.imported is not None:
        notes.extend(data.imported.warnings)
    if not data.ended_cleanly and data.imported is None:
        notes.append("The recording did not end cleanly (the app or computer stopped); what was saved is shown.")
    if data.skipped_lines:
        notes.append(f"{data.skipped_lines} unreadable line(s) of the file were skipped.")

    person = str(data.header.get("person") or "")
    return ReportContent(
        title="Biofeedback session",
        person=person,
        date=_local_date(data),
        duration=_clock(duration),
        source=source,
        device=device,
        pacer=_pacer_lines(data),
        phases=_phases(data, max(end, duration)),
        hr_t=hr_t,
        hr_bpm=hr,
        coh_t=coh_t,
        coh=coh,
        duration_s=max(end, duration),
        gaps=[(g.start, g.end) for g in timeline.gaps],
        markers=[(m.t, m.label) for m in data.markers],
        metrics=metrics,
        coherence_levels=levels,
        ratings=_ratings(data) + _blood_pressure_change(data),
        blood_pressure=_blood_pressure(data),
        notes=notes,
    )


def _ratings(data) -> list[Rating]:
    """Pain, stress and mood before and after, from the session's ``rating`` events (the last of each)."""
    before, after = {}, {}
    for r in getattr(data, "ratings", []) or []:
        target = after if r.when == "after" else before
        for name in ("pain", "stress"):
            value = getattr(r, name)
            if value is not None:
                target[name] = f"{value}/10"
        if r.mood is not None:
            target["mood"] = r.mood_word or str(r.mood)
    names = {"pain": "Pain (0-10)", "stress": "Stress (0-10)", "mood": "Mood"}
    return [Rating(names[k], before.get(k, ""), after.get(k, "")) for k in ("pain", "stress", "mood") if k in before or k in after]


def _phases(data, end_s: float) -> list[tuple[float, float, str]]:
    """Protocol phases as (start, end, label), each lasting until the next."""
    changes = [p for p in getattr(data, "phases", []) or [] if p.phase not in ("done", "aborted")]
    out = []
    all_changes = sorted(getattr(data, "phases", []) or [], key=lambda p: p.t)
    for p in changes:
        later = [q.t for q in all_changes if q.t > p.t]
        stop = later[0] if later else end_s
        label = p.label or p.phase.replace("_", " ")
        if p.rate_bpm and f"{p.rate_bpm:g}/min" not in label:
            label += f" ({p.rate_bpm:g}/min)"
        out.append((float(p.t), float(max(stop, p.t)), label))
    return out


def _blood_pressure_change(data) -> list[Rating]:
    """Blood pressure before -> after, where the readings say which is which (core/blood_pressure.py)."""
    from biofeedback.core.blood_pressure import before_and_after, format_reading

    before, after = before_and_after(getattr(data, "blood_pressure", []) or [])
    if before is None and after is None:
        return []
    return [Rating("Blood pressure (mmHg)", format_reading(before) if before else "", format_reading(after) if after else "")]


def _blood_pressure(data) -> list[Rating]:
    """The readings not already told as before -> after, by time."""
    from biofeedback.core.blood_pressure import before_and_after, format_mmhg

    told = [r for r in before_and_after(getattr(data, "blood_pressure", []) or []) if r is not None]
    out = []
    for r in getattr(data, "blood_pressure", []) or []:
        if any(r is t for t in told):
            continue
        pulse = f", pulse {r.pulse_bpm:.0f}/min" if getattr(r, "pulse_bpm", None) else ""
        out.append(Rating(_clock(float(r.t)), f"{format_mmhg(r.systolic_mmhg, r.diastolic_mmhg)} mmHg{pulse}"))
    return out


def report_path(folder: Path, session: Path, suffix: str = ".pdf") -> Path:
    """Where a session's report goes unless the person says otherwise: in ``folder``, named after
    the session, never an existing file (``NAME report.pdf``, then ``NAME report (2).pdf``, ...)."""
    folder, stem = Path(folder), f"{Path(session).stem} report"
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate
