"""Review: a recorded session played through the same session core as live, from any point.

A recording is opened once (:class:`ReviewRecording`): its events in time order, the beats each
notification adds (rebuilt once, exactly as live), and an :class:`Overview` of the whole
session. A :class:`Playhead` is the clock: paused, playing at 0.25x to 16x, moved anywhere.
:class:`ReviewSession` pumps the events from the playhead on into a
:class:`~biofeedback.core.session.SessionCore`, so plots, metrics, pacer and calm view show what
they showed live. A seek never replays from the start: it calls
:meth:`~biofeedback.core.session.SessionCore.start_at` with the beats before the playhead (the
analyser warms from them) and a :class:`~biofeedback.core.session.RecordedState` of what else
showed then.

The coherence trend is the one thing a seek cannot warm cheaply: it is the live coherence after
every notification of the last minutes, each computed on that moment's window of corrected
beats. :class:`CoherenceTrack` runs the live analyser over the whole recording in small steps
(the app gives it spare moments after opening), starting where the playhead needs it, and keeps
every value; a seek takes the trend from it. Where it has not been yet, the trend shows what is
known and fills in as the track gets there (``ReviewSession.fill_coherence``).

Pure: numpy and the standard library, no clock reads (real time is passed in).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from biofeedback.core import artifacts
from biofeedback.core.annotations import Marker, MarkerEdit, PhaseChange, Rating, apply_marker_edits
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import Battery, BloodPressure, Sample, SourceChange, SourceEvent, Status
from biofeedback.core.constants import REVIEW_SPEEDS as SPEEDS
from biofeedback.core.session import PLOT_CAPACITY, BeatHistory, RecordedState, SessionCore, pacer_from_record
from biofeedback.core.session_summary import coherence_windows, level_codes
from biofeedback.core.summary import COHERENCE_STEP_S
from biofeedback.core.timeline import BeatBatch, BeatTimeline, Gap


#: Columns of the overview strip: plenty for a 4K screen, cheap to draw.
OVERVIEW_BINS = 1600

#: How much of the coherence trend the screens show, s (the supervisor's trend plot: 10 minutes).
TREND_WINDOW_S = 600.0

#: Narrowest column of the overview's heart rate, s: two beats even at 60 beats/min.
COLUMN_MIN_S = 2.0

#: "Previous marker" skips a marker this close behind the playhead (s of session time), so that
#: pressing it while playing goes to the one before, as in media players.
MARKER_BACK_S = 1.5

_EMPTY = BeatBatch()

# what an item of the recording is, in the order items of the same time are pumped
_PACER, _SOURCE, _RATING, _PHASE = 0, 1, 2, 3


class RecordedSession(Protocol):
    """What review needs from a read session file (``storage.session_file.SessionData``)."""

    header: dict[str, Any]
    events: list[SourceEvent]
    sources: list[SourceChange]
    markers_written: list[Marker]
    marker_edits: list[MarkerEdit]
    pacer_changes: list[tuple[float, dict[str, Any]]]
    ratings: list[Rating]
    phases: list[PhaseChange]
    latest_t: float | None


def rebuild_session(events: Sequence[SourceEvent], source_changes: Sequence[SourceChange] = ()) -> tuple[BeatTimeline, list[BeatBatch]]:
    """Run a recording's events through a fresh timeline exactly as live, keeping what each added.

    A ``source`` event breaks the beats as it did live (``SessionCore.source_started``), so a
    second strap's beats never continue the first one's. Returns the timeline and, for each
    event, the :class:`BeatBatch` it added (blood-pressure readings add none).
    """
    timeline = BeatTimeline()
    add, add_event, mark_break = timeline.add, timeline.add_event, timeline.mark_break
    breaks = sorted(c.t for c in source_changes)
    next_break = breaks.pop(0) if breaks else math.inf
    batches: list[BeatBatch] = []
    append = batches.append
    for event in events:
        while event.t >= next_break:
            mark_break(next_break)
            next_break = breaks.pop(0) if breaks else math.inf
        if type(event) is Sample:  # nine events in ten: skip add_event's dispatch
            append(add(event))
        else:
            append(_EMPTY if isinstance(event, BloodPressure) else add_event(event))
    return timeline, batches


@dataclass(frozen=True)
class Overview:
    """The whole session at a glance, for the review bar's strip.

    Attributes
    ----------
    start_s, end_s : float
        The session's span, session time.
    bin_t : numpy.ndarray
        Centres of the heart-rate columns, s.
    hr_low, hr_high, hr_mean : numpy.ndarray
        Lowest, highest and mean heart rate (beats/min) of the corrected beats in each column;
        NaN where a column holds no beat.
    level_t : numpy.ndarray
        End times of the whole-recording coherence windows (64 s, every 10 s), s.
    level : numpy.ndarray
        Their level: 0 low, 1 medium, 2 high, -1 undefined.
    gaps : tuple of Gap
    """

    start_s: float
    end_s: float
    bin_t: np.ndarray
    hr_low: np.ndarray
    hr_high: np.ndarray
    hr_mean: np.ndarray
    level_t: np.ndarray
    level: np.ndarray
    gaps: tuple[Gap, ...] = ()


def make_overview(times_s: np.ndarray, rr_ms: np.ndarray, segment_start: np.ndarray, gaps: Sequence[Gap], start_s: float, end_s: float, bins: int = OVERVIEW_BINS) -> Overview:
    """Heart-rate envelope per column and coherence level per window, on artefact-corrected beats.

    Columns are at least :data:`COLUMN_MIN_S` wide, so that each holds beats. The coherence
    windows are those of the summary (64 s every 10 s), thinned on long recordings to about one
    per column: a day holds 8640 of them and the strip 1600 columns.
    """
    fixed = artifacts.correct(times_s, rr_ms, segment_start)
    t, rr = fixed.times_s, fixed.rr_ms
    span = max(end_s - start_s, 1e-9)
    bins = int(max(min(bins, span / COLUMN_MIN_S), 1))
    edges = start_s + span * np.arange(bins + 1) / bins
    col = np.clip(((t - start_s) / span * bins).astype(np.int64), 0, bins - 1)
    hr = 60000.0 / rr
    low = np.full(bins, np.inf)
    high = np.full(bins, -np.inf)
    np.minimum.at(low, col, hr)
    np.maximum.at(high, col, hr)
    counts = np.bincount(col, minlength=bins)
    sums = np.bincount(col, weights=hr, minlength=bins)
    empty = counts == 0
    low[empty] = high[empty] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(empty, np.nan, sums / np.maximum(counts, 1))
    level_t, ratios = coherence_windows(t, rr, fixed.segment_start, step_s=max(COHERENCE_STEP_S, span / bins))
    return Overview(start_s, end_s, (edges[:-1] + edges[1:]) / 2.0, low, high, mean, level_t, level_codes(ratios), tuple(gaps))


class ReviewRecording:
    """A recorded session, opened once for review.

    Everything a seek needs is precomputed here as arrays: the items (notifications, status
    changes, pacer changes, ratings, phases) in time order, the beats each notification adds and
    the running count of beats, and for each kind of state the items that set it.

    Build it with :meth:`from_session`.
    """

    def __init__(
        self,
        *,
        events: Sequence[SourceEvent],
        source_changes: Sequence[SourceChange] = (),
        markers: Sequence[Marker] = (),
        last_marker_id: int = 0,
        pacer_changes: Sequence[tuple[float, PacerSettings | None]] = (),
        ratings: Sequence[Rating] = (),
        phases: Sequence[PhaseChange] = (),
        start_s: float | None = None,
        latest_t: float | None = None,
        person: str = "Me",
        name: str = "",
    ) -> None:
        self.person = person
        self.name = name
        self.latest_t = latest_t
        self.timeline, batches = rebuild_session(events, source_changes)
        times, rr, starts = self.timeline.arrays()
        self.history = BeatHistory(times, rr, starts)
        self.markers: list[Marker] = sorted(markers, key=lambda m: (m.t, m.id))
        self.last_marker_id = max([last_marker_id, *(m.id for m in self.markers)])

        # Items in time order. Notifications keep their file order (the reader lets one run up to
        # 1 ms behind the previous); at equal times a pacer change comes first, as live a new
        # pacer applies to the beats after it.
        arrival = np.array([e.t for e in events], dtype=np.float64)
        event_t = np.maximum.accumulate(arrival) if len(events) else arrival
        others = [(t, _PACER, i, s) for i, (t, s) in enumerate(pacer_changes)]
        others += [(r.t, _RATING, i, r) for i, r in enumerate(ratings)]
        others += [(p.t, _PHASE, i, p) for i, p in enumerate(phases)]
        all_t = np.concatenate([event_t, np.array([o[0] for o in others], dtype=np.float64)])
        all_kind = np.concatenate([np.full(len(events), _SOURCE, dtype=np.int8), np.array([o[1] for o in others], dtype=np.int8)])
        all_seq = np.concatenate([np.arange(len(events)), np.array([o[2] for o in others], dtype=np.int64)])
        order = np.lexsort((all_seq, all_kind, all_t))
        payloads = list(events) + [o[3] for o in others]
        #: What each item is (notification, pacer change, rating, phase), and the item itself.
        self.item_kind = all_kind[order]
        self.item_payload: list[Any] = [payloads[j] for j in order.tolist()]
        self.item_t = all_t[order]
        kinds = self.item_kind
        #: For each item, the index of its event in ``events`` (-1 for other items).
        self.item_event = np.where(kinds == _SOURCE, all_seq[order], -1)
        self._batches = batches
        added_per_event = np.array([len(b.times) for b in batches], dtype=np.int64)
        is_event = self.item_event >= 0
        added = np.zeros(len(order), dtype=np.int64)
        added[is_event] = added_per_event[self.item_event[is_event]]
        #: Beats known after each item.
        self.beats_after = np.cumsum(added)
        #: The items that add beats: each is one update of the live analyser, at ``batch_t``
        #: (the newest beat's time), ``batch_latency`` after that beat.
        self.batch_items = np.flatnonzero(added > 0)
        self.batch_t = times[self.beats_after[self.batch_items] - 1]
        self.batch_latency = arrival[self.item_event[self.batch_items]] - self.batch_t

        codes = {Status: 1, Battery: 2, Sample: 3, BloodPressure: 4}
        event_code = np.array([codes.get(type(e), 0) for e in events], dtype=np.int8)
        item_code = np.zeros(len(order), dtype=np.int8)
        item_code[is_event] = event_code[self.item_event[is_event]]
        self.status_items = np.flatnonzero(item_code == 1)
        self.battery_items = np.flatnonzero(item_code == 2)
        self.sample_items = np.flatnonzero(item_code == 3)
        self.bp_items = np.flatnonzero(item_code == 4)
        #: The session's blood-pressure readings, in time order.
        self.blood_pressure: list[BloodPressure] = [self.item_payload[i] for i in self.bp_items.tolist()]
        self.pacer_items = np.flatnonzero(kinds == _PACER)
        self.rating_items = np.flatnonzero(kinds == _RATING)
        self.phase_items = np.flatnonzero(kinds == _PHASE)

        first = float(self.item_t[0]) if len(self.item_t) else 0.0
        self.start_s = float(start_s) if start_s is not None else first
        last_beat = float(times[-1]) if len(times) else self.start_s
        self.end_s = max(float(self.item_t[-1]) if len(self.item_t) else self.start_s, last_beat, self.start_s)
        self.gaps = tuple(self.timeline.gaps)
        self._overview: Overview | None = None

    def item_batch(self, i: int) -> BeatBatch:
        """The beats item ``i`` added (none for items that are not notifications)."""
        event = int(self.item_event[i])
        return self._batches[event] if event >= 0 else _EMPTY

    @classmethod
    def from_session(cls, data: RecordedSession, name: str = "") -> ReviewRecording:
        """Open a read session file (``SessionData``) for review."""
        written_ids = [m.id for m in data.markers_written] + [e.id for e in data.marker_edits]
        header = data.header
        started = header.get("started_t")
        return cls(
            events=data.events,
            source_changes=data.sources,
            markers=apply_marker_edits(data.markers_written, data.marker_edits),
            last_marker_id=max(written_ids, default=0),
            pacer_changes=[(t, pacer_from_record(s)) for t, s in data.pacer_changes],
            ratings=data.ratings,
            phases=data.phases,
            start_s=float(started) if isinstance(started, (int, float)) else None,
            latest_t=data.latest_t,
            person=str(header.get("person") or "Me"),
            name=name,
        )

    @property
    def overview(self) -> Overview:
        """The overview strip's data (computed when first asked for)."""
        if self._overview is None:
            times, rr, starts = self.history.times_s, self.history.rr_ms, self.history.segment_start
            self._overview = make_overview(times, rr, starts, self.gaps, self.start_s, self.end_s)
        return self._overview

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def items_until(self, t: float) -> int:
        """How many items happened by session time ``t``."""
        return int(np.searchsorted(self.item_t, t, side="right"))

    def _last(self, indices: np.ndarray, end: int) -> int | None:
        k = int(np.searchsorted(indices, end)) - 1
        return int(indices[k]) if k >= 0 else None

    def pacer_at(self, end: int) -> tuple[PacerSettings | None, float]:
        """The pacer in force after the first ``end`` items, and when its breath began."""
        i = self._last(self.pacer_items, end)
        return (None, 0.0) if i is None else (self.item_payload[i], float(self.item_t[i]))

    def state_at(self, end: int, coherence: np.ndarray | None) -> RecordedState:
        """What the session showed after its first ``end`` items, besides beats and markers."""

        def last(indices: np.ndarray):
            i = self._last(indices, end)
            return None if i is None else self.item_payload[i]

        def upto(indices: np.ndarray) -> tuple:
            return tuple(self.item_payload[i] for i in indices[: int(np.searchsorted(indices, end))].tolist())

        battery = last(self.battery_items)
        k = int(np.searchsorted(self.batch_items, end)) - 1
        return RecordedState(
            beats=int(self.beats_after[end - 1]) if end else 0,
            coherence=coherence,
            status=last(self.status_items),
            battery=None if battery is None else battery.percent,
            sample=last(self.sample_items),
            ratings=upto(self.rating_items),
            blood_pressure=upto(self.bp_items),
            phases=upto(self.phase_items),
            last_marker_id=self.last_marker_id,
            beat_latency_s=float(self.batch_latency[k]) if k >= 0 else None,
        )

    def batches_until(self, end: int) -> int:
        """How many of the analyser's updates (batches with beats) the first ``end`` items made."""
        return int(np.searchsorted(self.batch_items, end))


class Playhead:
    """Where review is in the session, and how fast it moves: a clock you can pause, move and
    speed up. Real time (s, monotonic) is passed in; positions are session times.

    Playing stops by itself at the end.
    """

    def __init__(self, start_s: float, end_s: float, speed: float = 1.0) -> None:
        self.start_s, self.end_s = start_s, max(end_s, start_s)
        self.speed = speed
        self._position = start_s
        self._since: float | None = None  # real time when playing started or last changed

    @property
    def playing(self) -> bool:
        return self._since is not None

    def position(self, real: float) -> float:
        if self._since is None:
            return self._position
        return min(self._position + (real - self._since) * self.speed, self.end_s)

    def _settle(self, real: float) -> None:
        self._position = self.position(real)
        if self._since is not None:
            self._since = real

    def play(self, real: float) -> None:
        if self._since is None:
            if self._position >= self.end_s:
                self._position = self.start_s  # play at the end starts again
            self._since = real

    def pause(self, real: float) -> None:
        self._settle(real)
        self._since = None

    def seek(self, t: float, real: float) -> float:
        """Move to session time ``t`` (clamped to the session); returns where it went."""
        self._settle(real)
        self._position = min(max(t, self.start_s), self.end_s)
        return self._position

    def set_speed(self, speed: float, real: float) -> None:
        if not SPEEDS[0] <= speed <= SPEEDS[-1]:
            raise ValueError(f"review plays at {SPEEDS[0]}x to {SPEEDS[-1]}x, not {speed}x")
        self._settle(real)
        self.speed = speed

    def at_end(self, real: float) -> bool:
        return self.position(real) >= self.end_s


class RecordedTimeline:
    """Stands in for the session core's :class:`BeatTimeline` in review: the recording's beats
    were rebuilt once when it was opened, so each notification pumped in hands back the beats it
    added then (:meth:`expect` says which), instead of rebuilding them again."""

    def __init__(self, recording: ReviewRecording) -> None:
        self._recording = recording
        self._count = 0
        self._next: BeatBatch | None = None

    def __len__(self) -> int:
        return self._count

    @property
    def gaps(self) -> list[Gap]:
        times = self._recording.history.times_s
        last = float(times[self._count - 1]) if self._count else -math.inf
        return [g for g in self._recording.gaps if g.end <= last]

    def seek(self, beats: int) -> None:
        self._count = beats
        self._next = None

    def expect(self, batch: BeatBatch) -> None:
        self._next = batch

    def add_event(self, event: SourceEvent) -> BeatBatch:
        batch, self._next = self._next, None
        if batch is None:
            raise RuntimeError(f"review pumped an event it had not prepared: {event!r}")
        self._count += len(batch.times)
        return batch

    def mark_break(self, t: float) -> None:
        """Breaks were rebuilt with the beats when the recording was opened."""

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        h = self._recording.history
        return h.times_s[: self._count], h.rr_ms[: self._count], h.segment_start[: self._count]


class CoherenceTrack:
    """The live coherence after each of a recording's batches, filled in small steps.

    Each value is what the live analyser gave after that batch (a primed analyser stepped batch
    by batch: the same code, the same numbers). :meth:`focus` moves the work to where the
    playhead needs it first; :meth:`step` does a few batches at a time.
    """

    def __init__(self, recording: ReviewRecording, analyzer: Callable[[PacerSettings | None], LiveAnalyzer] = LiveAnalyzer) -> None:
        self._recording = recording
        self._make = analyzer
        n = len(recording.batch_items)
        self.t = recording.batch_t
        self.ratio = np.full(n, np.nan)
        self.known = np.zeros(n, dtype=bool)
        self._known_count = 0
        self._at = 0  # next batch to compute
        self._analyzer: LiveAnalyzer | None = None  # in the state after batch _at - 1
        self._pacer_item = -1
        self._wanted: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return len(self.known)

    @property
    def complete(self) -> bool:
        return self._known_count == len(self.known)

    def complete_between(self, first: int, end: int) -> bool:
        return bool(self.known[first:end].all())

    def focus(self, *ranges: tuple[int, int]) -> None:
        """Compute these ranges of batches next, in this order (what the trend shows at the
        playhead first), then go on from there. Cheap: the work happens in :meth:`step`."""
        self._wanted = [r for r in ranges if r[1] > r[0]]

    def _next_wanted(self) -> int | None:
        while self._wanted:
            first, end = self._wanted[0]
            missing = np.flatnonzero(~self.known[first:end])
            if len(missing):
                return first + int(missing[0])
            self._wanted.pop(0)
        return None

    def _move_to(self, batch: int) -> None:
        rec = self._recording
        self._at = batch
        item = int(rec.batch_items[batch])
        pacer, _ = rec.pacer_at(item)
        self._analyzer = self._make(pacer)
        beats = int(rec.beats_after[item - 1]) if item else 0
        h = rec.history
        self._analyzer.prime(h.times_s[:beats], h.rr_ms[:beats], h.segment_start[:beats])
        self._pacer_item = item

    def step(self, batches: int) -> int:
        """Compute up to ``batches`` values; returns how many were computed (0: complete)."""
        done = 0
        rec = self._recording
        while done < batches and not self.complete:
            wanted = self._next_wanted()
            if wanted is not None and (wanted != self._at or self._analyzer is None):
                self._move_to(wanted)
            elif self._at >= len(self.known) or self.known[self._at]:
                unknown = np.flatnonzero(~self.known[self._at :])
                self._move_to(self._at + int(unknown[0]) if len(unknown) else int(np.flatnonzero(~self.known)[0]))
            elif self._analyzer is None:
                self._move_to(self._at)
            i = self._at
            item = int(rec.batch_items[i])
            # pacer changes since the last batch, as the live core applied them
            pacer_end = int(np.searchsorted(rec.pacer_items, item))
            if pacer_end and rec.pacer_items[pacer_end - 1] > self._pacer_item:
                self._analyzer.set_pacer(rec.item_payload[int(rec.pacer_items[pacer_end - 1])])
            self._pacer_item = item
            metrics = self._analyzer.add_batch(rec.item_batch(item))
            if metrics.coherence is not None:
                self.ratio[i] = metrics.coherence
            if not self.known[i]:
                self.known[i] = True
                self._known_count += 1
            self._at = i + 1
            done += 1
        return done

    def rows_before(self, end: int, limit: int = PLOT_CAPACITY) -> np.ndarray:
        """The trend as the live core held it after ``end`` batches: rows of (time s, ratio),
        the last ``limit`` with a value, of those computed so far."""
        keep = self.known[:end] & ~np.isnan(self.ratio[:end])
        idx = np.flatnonzero(keep)[-limit:]
        return np.column_stack([self.t[idx], self.ratio[idx]])


@dataclass
class _Annotations:
    """The session core's annotation sink in review: a marker set or relabelled while reviewing
    goes into the review's own list (so seeks keep it) and on to the file's appender."""

    review: ReviewSession
    file: Any = None
    errors: tuple[type[BaseException], ...] = (OSError,)
    dirty: bool = False
    path: Any = None

    def write(self, item: Marker | MarkerEdit) -> None:
        self.review._remember(item)
        if self.file is not None:
            try:
                self.file.write(item)
            except self.errors as exc:  # a read-only file: kept for this review, and said so
                self.review.core.listener.error_occurred(f"The marker is shown, but it cannot be saved: {exc}")

    def write_pacer(self, t: float, settings: dict[str, Any]) -> None:  # never written in review
        raise RuntimeError("review does not change the recorded pacer")

    def sync(self) -> None: ...

    def close(self, t: float | None = None) -> None: ...


class ReviewSession:
    """A recording played through a :class:`SessionCore`, from any point.

    Parameters
    ----------
    recording : ReviewRecording
    core : SessionCore
        The core the screens show; its timeline is replaced by a :class:`RecordedTimeline`.
    annotations : sink or None
        Where markers set or relabelled while reviewing are appended (``storage.SessionAppender``
        on the recording's file); None keeps them for this review only.
    annotation_errors : tuple of exception types
        What the sink raises when it cannot write (the listener hears the message; the marker
        stays for this review).
    track : CoherenceTrack or None
        The live coherence trend's values (a new one if omitted).
    """

    def __init__(
        self,
        recording: ReviewRecording,
        core: SessionCore,
        annotations: Any = None,
        track: CoherenceTrack | None = None,
        annotation_errors: tuple[type[BaseException], ...] = (OSError,),
        trend_window_s: float = TREND_WINDOW_S,
    ) -> None:
        self.trend_window_s = trend_window_s
        self.recording = recording
        self.core = core
        self.timeline = RecordedTimeline(recording)
        core.timeline = self.timeline
        self.track = track if track is not None else CoherenceTrack(recording, type(core.analyzer) if core.analyzer is not None else LiveAnalyzer)
        self._sink = _Annotations(self, annotations, annotation_errors, path=getattr(annotations, "path", None))
        core.annotation_sink = self._sink
        self.position = recording.start_s
        self._cursor = 0
        #: The trend shown after the last seek still lacks values the track had not computed.
        self.trend_incomplete = False
        self.seek(recording.start_s)

    @property
    def markers(self) -> list[Marker]:
        """Every marker of the session as it stands now (recorded, edited, added in review)."""
        return self.recording.markers

    def seek(self, t: float) -> None:
        """Show the session as it was at session time ``t``."""
        rec = self.recording
        t = min(max(t, rec.start_s), rec.end_s)
        end = rec.items_until(t)
        batches = rec.batches_until(end)
        held = max(batches - PLOT_CAPACITY, 0)
        shown = max(int(np.searchsorted(rec.batch_t, t - self.trend_window_s)) - 1, held)
        self.track.focus((shown, batches), (held, shown))
        rows = self.track.rows_before(batches)
        self._trend_ranges = [(shown, batches), (held, batches)]
        self.trend_incomplete = not self.track.complete_between(held, batches)
        pacer, pacer_start = rec.pacer_at(end)
        state = rec.state_at(end, rows)
        self.timeline.seek(state.beats)
        self.core.start_at(rec.history, t, rec.markers, pacer, pacer_start, state)
        self._cursor, self.position = end, t

    def advance(self, t: float) -> None:
        """Play on to session time ``t``: every item up to it goes to the core as it did live."""
        rec = self.recording
        t = min(t, rec.end_s)
        if t < self.position:
            self.seek(t)
            return
        end = rec.items_until(t)
        core = self.core
        for marker in self._markers_between(self.position, t):
            core.replay_marker(marker)
        kinds, payloads, item_t = rec.item_kind, rec.item_payload, rec.item_t
        for i in range(self._cursor, end):
            kind, payload = kinds[i], payloads[i]
            now = float(item_t[i])
            if kind == _SOURCE:
                if not isinstance(payload, BloodPressure):
                    self.timeline.expect(rec.item_batch(i))
                core.on_event(payload, payload.t)
            elif kind == _PACER:
                core.set_pacer(payload, now)
            elif kind == _RATING:
                core.add_rating(payload)
            else:
                core.enter_phase(payload)
        self._cursor, self.position = end, t

    def _markers_between(self, after: float, upto: float) -> list[Marker]:
        return [m for m in self.recording.markers if after < m.t <= upto]

    def fill_coherence(self, batches: int) -> bool:
        """Let the coherence track compute up to ``batches`` more values. True when the trend
        held by the core was refreshed with values it lacked: first once the part the screens
        show is complete, then once all of it is."""
        self.track.step(batches)
        if not self.trend_incomplete:
            return False
        done = self.recording.batches_until(self._cursor)
        ready = [r for r in self._trend_ranges if self.track.complete_between(*r)]
        if not ready:
            return False
        self._trend_ranges = [r for r in self._trend_ranges if r not in ready]
        self.core.replace_coherence_history(self.track.rows_before(done))
        self.trend_incomplete = bool(self._trend_ranges)
        return True

    # ---- markers

    def next_marker(self, t: float) -> Marker | None:
        return next((m for m in self.recording.markers if m.t > t + 1e-6), None)

    def previous_marker(self, t: float) -> Marker | None:
        earlier = [m for m in self.recording.markers if m.t < t - MARKER_BACK_S]
        return earlier[-1] if earlier else None

    def edit_marker(self, marker_id: int, label: str, note: str = "", deleted: bool = False) -> None:
        """Relabel (or remove) any marker of the session, shown or still ahead of the playhead."""
        if any(m.id == marker_id for m in self.core.markers):
            self.core.edit_marker(marker_id, label, note, self.position, deleted)
        elif any(m.id == marker_id for m in self.recording.markers):
            self._sink.write(MarkerEdit(self.position, marker_id, label, note, deleted))
        else:
            raise KeyError(marker_id)

    def _remember(self, item: Marker | MarkerEdit) -> None:
        rec = self.recording
        if isinstance(item, Marker):
            bisect.insort(rec.markers, item, key=lambda m: (m.t, m.id))
            rec.last_marker_id = max(rec.last_marker_id, item.id)
        else:
            rec.markers[:] = apply_marker_edits(rec.markers, [item])
