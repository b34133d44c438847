"""The ``analyze`` result as a table for people (``summary.analyze`` computes it)."""

from __future__ import annotations

from typing import Any

#: How each metric is printed: key, label, unit, format.
ROWS = (
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

NOT_ENOUGH = "not enough data"


def format_number(value: float | None, digits: int = 1, signed: bool = False) -> str:
    """``value`` with ``digits`` decimals (``signed``: always with its sign), or "-" for None."""
    if value is None:
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def format_minutes(t: float) -> str:
    """Session time as m:ss (h:mm:ss past an hour)."""
    t = int(max(t, 0.0))
    hours, rest = divmod(t, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def format_table(name: str, result: dict[str, Any], markers: list[dict[str, Any]] = (), problems: list[str] = ()) -> str:
    """The lines ``biofeedback analyze FILE`` prints for ``result`` (from ``summary.analyze``)."""
    width = max(len(row[1]) for row in ROWS) + 2
    lines = [name]
    for key, label, unit, fmt in ROWS:
        value = result.get(key)
        if value is None:
            why = result.get("not_available", {}).get(key)
            text = f"not available: {why}" if why else NOT_ENOUGH
        else:
            text = f"{fmt.format(value)} {unit}".rstrip()
        lines.append(f"  {label:<{width}}{text}")
    kinds = ", ".join(f"{n} {kind}" for kind, n in result.get("artifacts_by_kind", {}).items() if n)
    if kinds:
        lines.append(f"  {'Artefacts by kind':<{width}}{kinds}")
    for marker in markers:
        note = f" ({marker['note']})" if marker.get("note") else ""
        lines.append(f"  {'Marker ' + format_minutes(marker['t']):<{width}}{marker['label']}{note}")
    if problems:
        lines.append("  Not all of the file could be read: " + "; ".join(problems) + ". What could be read is shown.")
    lines.append("  Methods and settings: biofeedback analyze --json FILE (key 'settings'), docs/metrics.md")
    return "\n".join(lines)
