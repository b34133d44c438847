"""What people add to a session besides heartbeats: markers, ratings, protocol phases.

All are immutable values with a session time ``t`` (s). A session file is append-only, so an
edit to a marker is a new :class:`MarkerEdit` that readers apply over the original.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

#: The moods a person can pick, lowest first; a rating stores the index + 1 (1..5).
MOODS = ("very low", "low", "okay", "good", "very good")

#: Limits of the numeric rating scales (pain and stress, 0-10 NRS).
SCALE_MIN, SCALE_MAX = 0, 10


@dataclass(frozen=True, slots=True)
class Marker:
    """A moment someone marked. ``id`` is unique within its session file (1, 2, ...)."""

    t: float
    label: str
    id: int = 0
    note: str = ""


@dataclass(frozen=True, slots=True)
class MarkerEdit:
    """A later change to marker ``id``: new label and note (``deleted``: it no longer counts)."""

    t: float
    id: int
    label: str
    note: str = ""
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Rating:
    """How the person felt ``when`` ("before" or "after" the session); None where skipped.

    Attributes
    ----------
    pain, stress : int or None
        0-10 numeric rating scales (0 none, 10 worst imaginable).
    mood : int or None
        1-5, an index into :data:`MOODS` plus one.
    """

    t: float
    when: str
    pain: int | None = None
    stress: int | None = None
    mood: int | None = None

    def __post_init__(self) -> None:
        if self.when not in ("before", "after"):
            raise ValueError(f"a rating is 'before' or 'after', not {self.when!r}")
        for name in ("pain", "stress"):
            value = getattr(self, name)
            if value is not None and not SCALE_MIN <= value <= SCALE_MAX:
                raise ValueError(f"{name} must be {SCALE_MIN}-{SCALE_MAX}, not {value}")
        if self.mood is not None and not 1 <= self.mood <= len(MOODS):
            raise ValueError(f"mood must be 1-{len(MOODS)}, not {self.mood}")

    @property
    def skipped(self) -> bool:
        return self.pain is None and self.stress is None and self.mood is None

    @property
    def mood_word(self) -> str | None:
        return None if self.mood is None else MOODS[self.mood - 1]


@dataclass(frozen=True, slots=True)
class PhaseChange:
    """A guided protocol entered a phase at ``t``.

    Attributes
    ----------
    protocol : str
        ``"assessment"`` (resonance-frequency assessment) or ``"session"`` (structured session).
    phase : str
        E.g. ``"signal_check"``, ``"baseline"``, ``"training"``, ``"recovery"``, ``"block"``,
        ``"rest"``, ``"done"``, ``"aborted"``.
    label : str
        What people read ("Baseline", "Breathing at 5.5/min").
    rate_bpm : float or None
        The pacer's rate in this phase, breaths/min (None: no pacer).
    """

    t: float
    protocol: str
    phase: str
    label: str = ""
    rate_bpm: float | None = None


def apply_marker_edits(markers: Iterable[Marker], edits: Iterable[MarkerEdit]) -> list[Marker]:
    """The markers as they stand after ``edits`` (in order); deleted ones left out."""
    by_id = {m.id: m for m in markers}
    gone: set[int] = set()
    for edit in edits:
        if edit.id not in by_id:
            continue
        if edit.deleted:
            gone.add(edit.id)
        else:
            gone.discard(edit.id)
            by_id[edit.id] = replace(by_id[edit.id], label=edit.label, note=edit.note)
    return sorted((m for i, m in by_id.items() if i not in gone), key=lambda m: (m.t, m.id))
