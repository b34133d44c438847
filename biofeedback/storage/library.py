"""The session library: an SQLite index of the session files, one row per session.

The files stay the truth; the index only caches what is slow to compute from them (the
summary), so lists, filters and trends are instant. It is brought up to date from the files
whenever it is opened (:meth:`Library.sync`): files added, removed, changed, truncated or
damaged behind its back are found by their size and modification time and indexed again. An
index that is missing, from another schema version, or damaged itself is rebuilt from the files,
never trusted. Two app instances may use it at once: SQLite's write-ahead log lets readers and
one writer work together, each write is one short transaction, and a writer waits for the other
(``busy_timeout``) instead of failing.

What people change in the library is written to the files, not only the index: a title, tags,
a note or another person are appended to a session file as a ``details`` event
(:class:`~biofeedback.storage.session_file.SessionAppender`), or kept in a small
``NAME.details.json`` beside a recording that is not a session file (plain RR text). Deleting
moves the file to a trash folder first, so it can be undone; the trash is emptied of files older
than :data:`TRASH_DAYS`.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from biofeedback.core.review import rebuild_session
from biofeedback.core.session import pacer_from_record
from biofeedback.core.session_summary import SessionSummary, summarize_session
from biofeedback.storage.recordings import load_recording, timeline_of
from biofeedback.storage.session_file import (
    DEFAULT_PERSON,
    FORMAT_NAME,
    SessionAppender,
    SessionData,
    SessionFileError,
)

log = logging.getLogger(__name__)

#: The index's schema; another version (older or newer) means the index is rebuilt from the files.
#: 2: each session's blood pressure before and after.
SCHEMA_VERSION = 2

#: The index file, in the user data folder.
INDEX_NAME = "library.sqlite3"

#: Which files in the sessions folder are recordings: session files (``biofeedback import`` makes
#: one of every imported file), and plain RR text put there by hand.
RECORDING_SUFFIXES = (".bfs", ".txt")

#: What an import keeps beside the session it made: ``NAME.original.EXT``, the file as it came
#: (``storage/imports.py``). It is part of that session, not a recording of its own.
ORIGINAL_MARK = ".original."

#: A recording's details kept beside it when it is not a session file: ``NAME.details.json``.
SIDECAR_SUFFIX = ".details.json"

#: Deleted sessions stay in the trash this long, days, before they are gone for good.
TRASH_DAYS = 30

#: How long one instance waits for another's write to finish, ms.
BUSY_TIMEOUT_MS = 10_000

_COLUMNS = (
    "name",
    "size",
    "mtime_ns",
    "side_stamp",
    "person",
    "started_utc",
    "utc_offset_min",
    "sort_time",
    "duration_s",
    "beats",
    "mean_hr_bpm",
    "rmssd_ms",
    "resting_hr_bpm",
    "coherence_mean",
    "coherence_high_pct",
    "source",
    "source_kind",
    "title",
    "tags",
    "note",
    "ratings",
    "blood_pressure",
    "problems",
    "error",
    "latest_t",
    "summary",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sessions (
    name TEXT PRIMARY KEY,          -- path relative to the sessions folder
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    side_stamp TEXT NOT NULL,       -- size and mtime of the details file beside it, if any
    person TEXT NOT NULL,
    started_utc TEXT,
    utc_offset_min INTEGER,
    sort_time TEXT NOT NULL,        -- started_utc, or the file's time when the start is unknown
    duration_s REAL, beats INTEGER, mean_hr_bpm REAL, rmssd_ms REAL, resting_hr_bpm REAL,
    coherence_mean REAL, coherence_high_pct REAL,
    source TEXT, source_kind TEXT,
    title TEXT NOT NULL, tags TEXT NOT NULL, note TEXT NOT NULL,
    ratings TEXT NOT NULL,          -- JSON: {{"before": {{...}} or null, "after": ...}}
    blood_pressure TEXT NOT NULL,   -- JSON: {{"before": {{"systolic_mmhg": ...}} or null, "after": ...}}
    problems TEXT NOT NULL,         -- JSON list of sentences
    error TEXT,                     -- why the file cannot be read at all, or NULL
    latest_t REAL,
    summary TEXT                    -- JSON of the SessionSummary
);
CREATE INDEX IF NOT EXISTS sessions_by_person ON sessions (person, sort_time);
PRAGMA user_version = {SCHEMA_VERSION};
"""


class LibraryError(Exception):
    """The library cannot do what was asked; the message is for people."""


@dataclass(frozen=True)
class LibraryEntry:
    """One session as the library lists it."""

    path: Path
    person: str
    started_utc: str | None
    utc_offset_min: int | None
    sort_time: str
    duration_s: float | None
    beats: int | None
    mean_hr_bpm: float | None
    rmssd_ms: float | None
    resting_hr_bpm: float | None
    coherence_mean: float | None
    coherence_high_pct: float | None
    source: str
    source_kind: str
    title: str
    tags: tuple[str, ...]
    note: str
    ratings: dict[str, dict[str, int | None] | None]
    problems: tuple[str, ...]
    error: str | None
    summary_json: str | None = field(default=None, repr=False)
    #: The readings before and after the session, as the summary picks them:
    #: ``{"before": {"systolic_mmhg", "diastolic_mmhg", "pulse_bpm"} or None, "after": ...}``.
    blood_pressure: dict[str, dict[str, float | None] | None] = field(default_factory=lambda: {"before": None, "after": None})

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def summary(self) -> SessionSummary | None:
        return None if not self.summary_json else SessionSummary.from_dict(json.loads(self.summary_json))

    @property
    def started_local(self) -> _dt.datetime | None:
        """When the session started, in the time zone it was recorded in."""
        if not self.sort_time:
            return None
        try:
            when = _dt.datetime.fromisoformat(self.sort_time)
        except ValueError:
            return None
        offset = _dt.timedelta(minutes=self.utc_offset_min or 0)
        return when.astimezone(_dt.timezone(offset)) if self.started_utc else when

    def to_json(self) -> dict[str, Any]:
        """The object ``biofeedback sessions --json`` prints for this session."""
        return {
            "path": str(self.path),
            "person": self.person,
            "started_utc": self.started_utc,
            "duration_s": self.duration_s,
            "beats": self.beats,
            "mean_hr_bpm": self.mean_hr_bpm,
            "rmssd_ms": self.rmssd_ms,
            "resting_hr_bpm": self.resting_hr_bpm,
            "coherence_mean": self.coherence_mean,
            "coherence_high_pct": self.coherence_high_pct,
            "ratings": self.ratings,
            "blood_pressure": self.blood_pressure,
            "title": self.title,
            "tags": list(self.tags),
            "note": self.note,
            "source": self.source,
            "source_kind": self.source_kind,
            "problems": list(self.problems),
            "error": self.error,
        }


@dataclass
class SyncReport:
    """What :meth:`Library.sync` found: names of sessions added, changed and removed, and of
    files that could not be read; ``rebuilt`` when the index had to be made anew."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    rebuilt: bool = False


@dataclass(frozen=True)
class Deleted:
    """A session moved to the trash; :meth:`Library.undo_delete` brings it back."""

    name: str
    original: Path
    in_trash: Path
    sidecar: Path | None
    row: tuple


def _ratings_json(data_ratings) -> dict[str, dict[str, int | None] | None]:
    before = [r for r in data_ratings if r.when == "before"]
    after = [r for r in data_ratings if r.when == "after"]

    def one(r):
        return None if r is None else {"pain": r.pain, "stress": r.stress, "mood": r.mood}

    return {"before": one(before[0] if before else None), "after": one(after[-1] if after else None)}


def _blood_pressure_json(summary: SessionSummary) -> dict[str, dict[str, float | None] | None]:
    """The summary's readings before and after (mmHg), as the index keeps them."""

    def one(r):
        return None if r is None else {"systolic_mmhg": r.systolic_mmhg, "diastolic_mmhg": r.diastolic_mmhg, "pulse_bpm": r.pulse_bpm}

    return {"before": one(summary.bp_before), "after": one(summary.bp_after)}


def summarize_recording(data: SessionData) -> SessionSummary:
    """The end-of-session summary of a read recording: a session file (beats rebuilt as live,
    a new source breaking them as it did live), or an imported one (its own beat times)."""
    if data.imported is not None or data.rr_ms is not None:
        timeline = timeline_of(data)
    else:
        timeline, _ = rebuild_session(data.events, data.sources)
    header = data.header
    return summarize_session(
        timeline,
        person=data.person,
        started_utc=header.get("started_utc"),
        utc_offset_min=int(header.get("utc_offset_min") or 0),
        source=str(header.get("source") or ""),
        markers=data.markers,
        ratings=data.ratings,
        blood_pressure=data.blood_pressure,
        phases=data.phases,
        pacer_changes=[(t, pacer_from_record(s)) for t, s in data.pacer_changes],
        end_s=data.latest_t,
    )


class Library:
    """The index of the sessions in ``folder``, kept in ``index_path``.

    Parameters
    ----------
    folder : Path
        The sessions folder (``storage.paths.sessions_dir()``).
    index_path : Path
        The SQLite index (``data_dir() / INDEX_NAME``).
    trash : Path
        Where deleted sessions wait (``data_dir() / "trash"``).
    """

    def __init__(self, folder: Path, index_path: Path, trash: Path) -> None:
        self.folder = Path(folder)
        self.index_path = Path(index_path)
        self.trash = Path(trash)
        self._db: sqlite3.Connection | None = None
        #: True when opening found the index missing, damaged or of another schema.
        self.rebuilt = False
        self._connect()

    @classmethod
    def default(cls) -> Library:
        """The user's library: the sessions folder and an index in the data folder."""
        from biofeedback.storage import paths

        data = paths.data_dir()
        return cls(paths.sessions_dir(), data / INDEX_NAME, data / "trash")

    # ------------------------------------------------------------------ the index file

    def _connect(self) -> None:
        existed = self.index_path.exists()
        db = None
        try:
            db = self._open_db()
            version = db.execute("PRAGMA user_version").fetchone()[0]
            check = db.execute("PRAGMA quick_check").fetchone()[0] if existed else "ok"
            healthy = check == "ok" and version in (0, SCHEMA_VERSION)
            if healthy and version == SCHEMA_VERSION:
                db.execute("SELECT count(*) FROM sessions").fetchone()
            elif healthy and existed and version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                healthy = False  # tables but no version: not ours
        except sqlite3.DatabaseError as exc:
            log.debug("The library index %s cannot be read (%s); it is rebuilt from the session files.", self.index_path, exc)
            healthy, db, version = False, None, None
        # an index that existed but was empty, foreign, damaged or of another schema: made anew
        self.rebuilt = existed and not (healthy and version == SCHEMA_VERSION)
        if not healthy:
            if db is not None:
                db.close()
            self._discard_index()
            db = self._open_db()
        db.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")  # two instances may both create it
        self._db = db

    def _open_db(self) -> sqlite3.Connection:
        self.index_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.index_path, os.O_RDWR | os.O_CREAT, 0o600)  # private from the start
        os.close(fd)
        db = sqlite3.connect(self.index_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _discard_index(self) -> None:
        """Move a damaged index (and its log) aside; another instance may still hold it open."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            path = Path(str(self.index_path) + suffix)
            if path.exists():
                if suffix:
                    path.unlink(missing_ok=True)
                else:
                    path.replace(path.with_name(f"{path.name}.damaged-{stamp}"))
        for old in self.index_path.parent.glob(f"{self.index_path.name}.damaged-*"):
            if old.name < f"{self.index_path.name}.damaged-{stamp}":
                old.unlink(missing_ok=True)  # keep only the newest, for a bug report

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        """A read; an index found damaged now is rebuilt from the files and the read retried."""
        try:
            return self._db.execute(sql, tuple(args)).fetchall()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            log.debug("The library index failed (%s); rebuilding it from the session files.", exc)
            self._rebuild()
            self._sync(None)
            return self._db.execute(sql, tuple(args)).fetchall()

    # ------------------------------------------------------------------ following the files

    def _name(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.folder.resolve()).as_posix()

    def _scan(self) -> dict[str, tuple[int, int, str]]:
        """The recordings in the folder now: name -> (size, mtime_ns, details-file stamp)."""
        found: dict[str, tuple[int, int, str]] = {}
        if not self.folder.is_dir():
            return found
        for root, dirs, files in os.walk(self.folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            names = set(files)
            for name in files:
                if name.startswith(".") or name.endswith(SIDECAR_SUFFIX) or ORIGINAL_MARK in name or not name.endswith(RECORDING_SUFFIXES):
                    continue
                path = Path(root) / name
                try:
                    st = path.stat()
                except OSError:
                    continue  # gone while we looked
                side = name + SIDECAR_SUFFIX
                stamp = ""
                if side in names:
                    try:
                        sst = (Path(root) / side).stat()
                        stamp = f"{sst.st_size}:{sst.st_mtime_ns}"
                    except OSError:
                        pass
                found[path.relative_to(self.folder).as_posix()] = (st.st_size, st.st_mtime_ns, stamp)
        return found

    def sync(self, progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Bring the index up to date with the files; returns what changed.

        ``progress(done, total)`` is called as new or changed files are read (a first sync of
        a big library reads every file once).
        """
        try:
            return self._sync(progress)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            log.debug("The library index failed (%s); rebuilding it from the session files.", exc)
            self._rebuild()
            return self._sync(progress)

    def _rebuild(self) -> None:
        self.close()
        self._discard_index()
        self._connect()
        self.rebuilt = True

    def _sync(self, progress: Callable[[int, int], None] | None) -> SyncReport:
        report = SyncReport(rebuilt=self.rebuilt)
        self.rebuilt = False
        on_disk = self._scan()
        known = {name: (size, mtime, side) for name, size, mtime, side in self._query("SELECT name, size, mtime_ns, side_stamp FROM sessions")}
        report.removed = sorted(set(known) - set(on_disk))
        todo = sorted(name for name, stamp in on_disk.items() if known.get(name) != stamp)
        rows = []
        for i, name in enumerate(todo):
            row = self._index_row(name, on_disk[name])
            rows.append(row)
            (report.changed if name in known else report.added).append(name)
            if row[_COLUMNS.index("error")] is not None:
                report.unreadable.append(name)
            if progress is not None:
                progress(i + 1, len(todo))
        with _write(self._db):
            self._db.executemany("DELETE FROM sessions WHERE name = ?", [(n,) for n in report.removed])
            self._db.executemany(f"INSERT OR REPLACE INTO sessions VALUES ({', '.join('?' * len(_COLUMNS))})", rows)
        self._purge_trash()
        return report

    def index_file(self, path: Path) -> LibraryEntry | None:
        """Index one session now (e.g. one that has just ended); None if it is not in the folder."""
        try:
            name = self._name(path)
        except ValueError:
            return None
        stamp = self._scan_one(name)
        if stamp is None:
            return None
        row = self._index_row(name, stamp)
        with _write(self._db):
            self._db.execute(f"INSERT OR REPLACE INTO sessions VALUES ({', '.join('?' * len(_COLUMNS))})", row)
        return self.entry(path)

    def _scan_one(self, name: str) -> tuple[int, int, str] | None:
        path = self.folder / name
        try:
            st = path.stat()
        except OSError:
            return None
        side = Path(str(path) + SIDECAR_SUFFIX)
        try:
            sst = side.stat()
            stamp = f"{sst.st_size}:{sst.st_mtime_ns}"
        except OSError:
            stamp = ""
        return (st.st_size, st.st_mtime_ns, stamp)

    def _index_row(self, name: str, stamp: tuple[int, int, str]) -> tuple:
        """Read one recording and make its row (a row that says why, if it cannot be read)."""
        path = self.folder / name
        size, mtime_ns, side = stamp
        file_time = _dt.datetime.fromtimestamp(mtime_ns / 1e9, _dt.timezone.utc).isoformat(timespec="seconds")
        values: dict[str, Any] = dict.fromkeys(_COLUMNS)
        values.update(name=name, size=size, mtime_ns=mtime_ns, side_stamp=side, sort_time=file_time, title="", tags="[]", note="")
        nothing = json.dumps({"before": None, "after": None})
        values.update(ratings=nothing, blood_pressure=nothing, problems="[]", person="", source="", source_kind="")
        try:
            data = load_recording(path, as_packets=False)
            summary = summarize_recording(data)
        except SessionFileError as exc:
            values["error"] = str(exc)
            return tuple(values[c] for c in _COLUMNS)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the library
            log.exception("Could not index %s", path)
            values["error"] = f"{path.name} could not be read ({type(exc).__name__})."
            return tuple(values[c] for c in _COLUMNS)
        details = dict(data.details)
        if data.header.get("format") != FORMAT_NAME:
            details.update(_read_sidecar(path))
        header = data.header
        kind = header.get("source_kind") or ("import" if header.get("format") != FORMAT_NAME else "")
        if not kind and (header.get("device") or {}).get("kind") == "cuff":
            kind = "cuff"  # blood-pressure readings taken outside a session (biofeedback bp)
        values.update(
            person=str(details.get("person") or data.person or DEFAULT_PERSON),
            started_utc=header.get("started_utc"),
            utc_offset_min=header.get("utc_offset_min"),
            sort_time=header.get("started_utc") or file_time,
            duration_s=summary.duration_s,
            beats=summary.beats,
            mean_hr_bpm=summary.mean_hr_bpm,
            rmssd_ms=summary.rmssd_ms,
            resting_hr_bpm=summary.resting_hr_bpm,
            coherence_mean=summary.coherence_mean,
            coherence_high_pct=summary.coherence_high_pct,
            source=str(header.get("source") or ""),
            source_kind=str(kind),
            title=str(details.get("title", "")),
            tags=json.dumps(list(details.get("tags", []))),
            note=str(details.get("note", "")),
            ratings=json.dumps(_ratings_json(data.ratings)),
            blood_pressure=json.dumps(_blood_pressure_json(summary)),
            problems=json.dumps(data.problems()),
            latest_t=data.latest_t,
        )
        values["summary"] = json.dumps(_with_person(summary, values["person"]).to_dict())
        return tuple(values[c] for c in _COLUMNS)

    # ------------------------------------------------------------------ listing

    def entries(self, person: str | None = None, tag: str | None = None, text: str | None = None, newest_first: bool = True) -> list[LibraryEntry]:
        """The sessions, newest first; only ``person``'s, those tagged ``tag``, and those whose
        title, note, tags, person or source contain ``text`` (any case), where given."""
        sql = f"SELECT {', '.join(_COLUMNS)} FROM sessions"
        where, args = [], []
        if person is not None:
            where.append("person = ?")
            args.append(person)
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(sessions.tags) WHERE value = ?)")
            args.append(tag)
        if text:
            where.append("(instr(lower(title || ' ' || note || ' ' || tags || ' ' || person || ' ' || source || ' ' || name), ?) > 0)")
            args.append(text.lower())
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY sort_time {'DESC' if newest_first else 'ASC'}, name"
        return [self._entry(row) for row in self._query(sql, args)]

    def entry(self, path: Path) -> LibraryEntry | None:
        rows = self._query(f"SELECT {', '.join(_COLUMNS)} FROM sessions WHERE name = ?", (self._name(path),))
        return self._entry(rows[0]) if rows else None

    def _entry(self, row: tuple) -> LibraryEntry:
        v = dict(zip(_COLUMNS, row))
        return LibraryEntry(
            path=self.folder / v["name"],
            person=v["person"],
            started_utc=v["started_utc"],
            utc_offset_min=v["utc_offset_min"],
            sort_time=v["sort_time"],
            duration_s=v["duration_s"],
            beats=v["beats"],
            mean_hr_bpm=v["mean_hr_bpm"],
            rmssd_ms=v["rmssd_ms"],
            resting_hr_bpm=v["resting_hr_bpm"],
            coherence_mean=v["coherence_mean"],
            coherence_high_pct=v["coherence_high_pct"],
            source=v["source"] or "",
            source_kind=v["source_kind"] or "",
            title=v["title"],
            tags=tuple(json.loads(v["tags"])),
            note=v["note"],
            ratings=json.loads(v["ratings"]),
            problems=tuple(json.loads(v["problems"])),
            error=v["error"],
            summary_json=v["summary"],
            blood_pressure=json.loads(v["blood_pressure"]),
        )

    def people(self) -> list[str]:
        """Everyone with a session in the library, by alias."""
        return [p for (p,) in self._query("SELECT DISTINCT person FROM sessions WHERE person != '' ORDER BY lower(person)")]

    def tags(self) -> list[str]:
        return [t for (t,) in self._query("SELECT DISTINCT j.value FROM sessions, json_each(sessions.tags) AS j ORDER BY lower(j.value)")]

    # ------------------------------------------------------------------ changing sessions

    def set_details(self, path: Path, **details: Any) -> LibraryEntry:
        """Give a session a title, tags, a note or another person: written to the file (or
        beside it), then to the index."""
        path = Path(path)
        name = self._name(path)
        if "tags" in details:
            details["tags"] = sorted({str(t).strip() for t in details["tags"] if str(t).strip()}, key=str.lower)
        if "person" in details and not str(details["person"]).strip():
            raise LibraryError("A session needs someone it belongs to: give an alias.")
        rows = self._query("SELECT size, mtime_ns, side_stamp, latest_t, error FROM sessions WHERE name = ?", (name,))
        stamp = self._scan_one(name)
        if stamp is None:
            raise LibraryError(f"{path.name} is no longer in the library folder.")
        if not rows or rows[0][4] is not None:
            raise LibraryError(f"{path.name} cannot be read, so nothing can be added to it.")
        if tuple(rows[0][:3]) != stamp:  # changed behind our back: read it again first
            self.index_file(path)
            rows = self._query("SELECT size, mtime_ns, side_stamp, latest_t, error FROM sessions WHERE name = ?", (name,))
        if path.suffix == ".bfs":
            try:
                SessionAppender(path, rows[0][3]).write_details(**details)
            except SessionFileError as exc:
                raise LibraryError(str(exc)) from None
            except OSError as exc:
                raise LibraryError(f"{path.name} cannot be changed: {exc.strerror or exc}.") from None
        else:
            _write_sidecar(path, {**_read_sidecar(path), **details})
        new_stamp = self._scan_one(name)
        sets = {"size": new_stamp[0], "mtime_ns": new_stamp[1], "side_stamp": new_stamp[2]}
        for key in ("title", "note", "person"):
            if key in details:
                sets[key] = str(details[key])
        if "tags" in details:
            sets["tags"] = json.dumps(details["tags"])
        with _write(self._db):
            self._db.execute(f"UPDATE sessions SET {', '.join(f'{k} = ?' for k in sets)} WHERE name = ?", (*sets.values(), name))
        return self.entry(path)

    def delete(self, path: Path) -> Deleted:
        """Move a session (and its details file) to the trash; :meth:`undo_delete` brings it back."""
        path = Path(path)
        name = self._name(path)
        rows = self._query(f"SELECT {', '.join(_COLUMNS)} FROM sessions WHERE name = ?", (name,))
        self.trash.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = self.trash / f"{stamp}--{path.name}"
        try:
            shutil.move(path, target)
        except OSError as exc:
            raise LibraryError(f"{path.name} cannot be moved to the trash: {exc.strerror or exc}.") from None
        side = Path(str(path) + SIDECAR_SUFFIX)
        side_target = None
        if side.exists():
            side_target = Path(str(target) + SIDECAR_SUFFIX)
            shutil.move(side, side_target)
        with _write(self._db):
            self._db.execute("DELETE FROM sessions WHERE name = ?", (name,))
        return Deleted(name, path, target, side_target, rows[0] if rows else ())

    def undo_delete(self, deleted: Deleted) -> LibraryEntry | None:
        """Bring a deleted session back from the trash, under its old name."""
        if deleted.original.exists():
            raise LibraryError(f"{deleted.original.name} exists again, so the deleted one cannot take its place.")
        if not deleted.in_trash.exists():
            raise LibraryError(f"{deleted.original.name} is no longer in the trash.")
        shutil.move(deleted.in_trash, deleted.original)
        if deleted.sidecar is not None and deleted.sidecar.exists():
            shutil.move(deleted.sidecar, Path(str(deleted.original) + SIDECAR_SUFFIX))
        stamp = self._scan_one(deleted.name)
        row = deleted.row
        if row and stamp is not None and tuple(row[1:4]) == stamp:  # unchanged: the row as it was
            with _write(self._db):
                self._db.execute(f"INSERT OR REPLACE INTO sessions VALUES ({', '.join('?' * len(_COLUMNS))})", row)
            return self.entry(deleted.original)
        return self.index_file(deleted.original)

    def _purge_trash(self) -> None:
        if not self.trash.is_dir():
            return
        cutoff = (_dt.datetime.now() - _dt.timedelta(days=TRASH_DAYS)).strftime("%Y%m%d-%H%M%S")
        for item in self.trash.iterdir():
            if item.name[:15] < cutoff:
                try:
                    item.unlink()
                except OSError:
                    pass


class _write:
    """One short write transaction (``BEGIN IMMEDIATE``: another instance's writer waits)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, exc, tb) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _with_person(summary: SessionSummary, person: str) -> SessionSummary:
    from dataclasses import replace

    return summary if summary.person == person else replace(summary, person=person)


def _read_sidecar(path: Path) -> dict[str, Any]:
    side = Path(str(path) + SIDECAR_SUFFIX)
    try:
        details = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in details.items() if k in ("title", "tags", "note", "person")} if isinstance(details, dict) else {}


def _write_sidecar(path: Path, details: dict[str, Any]) -> None:
    side = Path(str(path) + SIDECAR_SUFFIX)
    tmp = side.with_name(side.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(details, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, side)
