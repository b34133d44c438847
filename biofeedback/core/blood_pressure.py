"""Blood-pressure readings told calmly: before -> after in words, a cuff's flags explained, and
readings typed in checked.

Pure (no Qt, no clock). The sentences live in :mod:`biofeedback.core.words`; this module picks
which one to say. A reading is a spot value, so a change is told gently and never as an alarm:
a change no larger than the usual difference between two readings a minute apart is "about the
same", a fall "eased", a rise is said with the reminder that one reading moves with breathing,
talking and posture (docs/bluetooth.md, "Blood-pressure cuffs").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from biofeedback.core import words
from biofeedback.core.samples import BloodPressure

#: Pressures a person's reading can have, mmHg (systolic and diastolic). Home cuffs inflate to at
#: most about 300 mmHg, and no living person sits below 20 mmHg diastolic: anything outside is a
#: typing slip or a cuff error, never a reading to keep.
PLAUSIBLE_MMHG = (20.0, 300.0)

#: Pulse rates a reading can carry, beats/min; outside, the cuff's pulse is left out (a Beurer
#: BM85's pulse read as the specification says comes out as -256000).
PLAUSIBLE_PULSE_BPM = (20.0, 300.0)

#: A change smaller than this (mmHg, systolic or diastolic) between the reading before and the
#: one after is told as "about the same". Chosen as the usual difference between two home readings
#: taken a minute apart, so that measurement noise is never told as a change.
SAME_WITHIN_MMHG = 5.0

_TYPED = re.compile(r"^\s*(\d{1,3}(?:[.,]\d)?)\s*/\s*(\d{1,3}(?:[.,]\d)?)\s*$")


def implausible_reason(systolic: float, diastolic: float, unit: str = "mmHg") -> str | None:
    """Why ``systolic``/``diastolic`` (in ``unit``) cannot be a reading, or None if it can."""
    scale = BloodPressure.KPA_TO_MMHG if unit == "kPa" else 1.0
    lo, hi = PLAUSIBLE_MMHG
    s, d = systolic * scale, diastolic * scale
    if not (lo <= d <= hi and lo <= s <= hi):
        return "out of range"
    if s <= d:
        return "systolic not above diastolic"
    return None


def parse_typed(text: str) -> tuple[float, float]:
    """Systolic and diastolic (mmHg) from a reading typed as ``"128/84"``.

    Raises
    ------
    ValueError
        With a sentence for people: how to type it, or why it is not a blood pressure.
    """
    match = _TYPED.match(text or "")
    if match is None:
        raise ValueError(words.BP_TYPE_IT)
    systolic, diastolic = (float(g.replace(",", ".")) for g in match.groups())
    check_typed(systolic, diastolic)
    return systolic, diastolic


def check_typed(systolic: float, diastolic: float, pulse: float | None = None) -> None:
    """Raise ValueError (a sentence for people) unless this is a possible reading in mmHg."""
    if implausible_reason(systolic, diastolic) is not None:
        lo, hi = PLAUSIBLE_MMHG
        raise ValueError(words.BP_NOT_A_PRESSURE.format(reading=f"{systolic:g}/{diastolic:g}", low=lo, high=hi))
    if pulse is not None:
        lo, hi = PLAUSIBLE_PULSE_BPM
        if not lo <= pulse <= hi:
            raise ValueError(words.BP_NOT_A_PULSE.format(pulse=pulse, low=lo, high=hi))


def typed_reading(t: float, systolic: float, diastolic: float, pulse: float | None = None, when: str | None = None) -> BloodPressure:
    """A reading typed in by a person (mmHg), checked; ValueError (for people) if impossible."""
    check_typed(systolic, diastolic, pulse)
    return BloodPressure(t, systolic, diastolic, None, "mmHg", pulse, origin="manual", when=when)


def format_mmhg(systolic_mmhg: float, diastolic_mmhg: float) -> str:
    """``"128/84"``: systolic/diastolic in whole mmHg, the one way a reading is written (the
    library, trends, summary and report all write it here)."""
    return f"{round(systolic_mmhg)}/{round(diastolic_mmhg)}"


def format_reading(reading: BloodPressure) -> str:
    """``"128/84"``: systolic/diastolic in whole mmHg (converted from kPa where sent so)."""
    return format_mmhg(reading.systolic_mmhg, reading.diastolic_mmhg)


def reading_when(when: str | None, reading: str) -> str:
    """``"blood pressure before: 132/86 mmHg"``: ``reading`` (as :func:`format_mmhg` writes it)
    with when it was taken, ``"before"``, ``"after"``, or neither said ("taken")."""
    sentence = {"before": words.BP_READING_BEFORE, "after": words.BP_READING_AFTER}.get(when or "", words.BP_READING_TAKEN)
    return sentence.format(reading=reading)


def reading_line(reading: BloodPressure, sep: str = "  ") -> str:
    """One reading on one line: ``"128/84 mmHg  pulse 66  2025-03-01 09:45  irregular pulse"``
    (a kPa reading also says what was sent), for the command line and lists."""
    parts = [f"{format_reading(reading)} mmHg"]
    if reading.unit == "kPa":
        parts[0] += f" (sent as {reading.systolic:g}/{reading.diastolic:g} kPa)"
    if reading.pulse_bpm is not None:
        parts.append(f"pulse {reading.pulse_bpm:g}")
    if reading.measured_utc:
        parts.append(reading.measured_utc.replace("T", " ")[:16])
    if reading.user_id is not None:
        parts.append(f"user {reading.user_id}")
    if reading.flags:
        parts.append(", ".join(flag_names(reading.flags)))
    return sep.join(parts)


def describe_change(before: BloodPressure | None, after: BloodPressure | None) -> str:
    """The calm sentence for a reading before and one after a session (either may be missing).

    "Your blood pressure eased from 132/86 to 124/80 mmHg." when it fell, "stayed about the same"
    within :data:`SAME_WITHIN_MMHG`, and a rise with the reminder that one reading says little.
    Empty when there is no reading at all.
    """
    if before is None and after is None:
        return ""
    if after is None:
        return words.BP_ONLY_BEFORE.format(before=format_reading(before))
    if before is None:
        return words.BP_ONLY_AFTER.format(after=format_reading(after))
    text = {"before": format_reading(before), "after": format_reading(after)}
    d_sys = round(after.systolic_mmhg) - round(before.systolic_mmhg)
    d_dia = round(after.diastolic_mmhg) - round(before.diastolic_mmhg)
    down = d_sys <= -SAME_WITHIN_MMHG or d_dia <= -SAME_WITHIN_MMHG
    up = d_sys >= SAME_WITHIN_MMHG or d_dia >= SAME_WITHIN_MMHG
    if down and not up:
        return words.BP_EASED.format(**text)
    if up and not down:
        return words.BP_ROSE.format(**text)
    if up and down:
        return words.BP_CHANGED.format(**text)
    return words.BP_ABOUT_THE_SAME.format(**text)


def explain_flags(flags: Iterable[str]) -> list[str]:
    """A calm explanation, with what to do, for each flag a cuff set (unknown flags are skipped)."""
    return [words.BP_FLAG_EXPLANATIONS[f] for f in dict.fromkeys(flags) if f in words.BP_FLAG_EXPLANATIONS]


def flag_names(flags: Iterable[str]) -> list[str]:
    """Short names of the flags (``"irregular pulse"``), for lists and tables."""
    return [words.BP_FLAG_NAMES.get(f, f.replace("_", " ")) for f in dict.fromkeys(flags)]


def before_and_after(readings: Iterable[BloodPressure]) -> tuple[BloodPressure | None, BloodPressure | None]:
    """The readings that count as before and after a session: the last one marked ``"before"``
    and the last marked ``"after"`` (a re-measurement replaces the first try). Readings not
    marked either way (a cuff's stored readings) are not guessed at."""
    before = after = None
    for reading in readings:
        if reading.when == "before":
            before = reading
        elif reading.when == "after":
            after = reading
    return before, after


def has_before(readings: Iterable[BloodPressure]) -> bool:
    """A reading was taken before the session, so one after is asked for by itself (to compare)."""
    return any(r.when == "before" for r in readings)


@dataclass(frozen=True, slots=True)
class BloodPressureStory:
    """What the summary, review and calm view say about a session's blood pressure.

    Attributes
    ----------
    before, after : BloodPressure or None
    sentence : str
        :func:`describe_change` of the two ("" when neither was taken).
    explanations : tuple of str
        :func:`explain_flags` for the flags of both readings, each once.
    """

    before: BloodPressure | None
    after: BloodPressure | None
    sentence: str
    explanations: tuple[str, ...] = ()

    @property
    def arrow(self) -> str:
        """``"132/86 -> 124/80 mmHg"`` (or one side), for tables, trends and reports."""
        sides = [format_reading(r) if r is not None else "-" for r in (self.before, self.after)]
        return "" if self.before is None and self.after is None else f"{sides[0]} -> {sides[1]} mmHg"


def tell(readings: Iterable[BloodPressure]) -> BloodPressureStory:
    """The before -> after story of a session's readings (see :class:`BloodPressureStory`)."""
    before, after = before_and_after(readings)
    flags = [f for r in (before, after) if r is not None for f in r.flags]
    return BloodPressureStory(before, after, describe_change(before, after), tuple(explain_flags(flags)))
