"""What the app keeps about each person, by alias: their assessed resonance rate.

A resonance-frequency assessment (``biofeedback assess``, or the window's protocol panel) stores
its result here under the person's alias; the person's own pacer preset ("Your rate",
``core.pacer.assessed_preset``) is made from it. One small JSON file in the data folder, readable
only by its owner, written whole and replaced atomically (two programs saving at once do not
corrupt it; the later one wins), readable without Qt::

    {"version": 1,
     "people": {"river-42": {"assessed_bpm": 5.5, "runner_up_bpm": 6.0,
                             "reason": "At 5.5 breaths/min ...", "assessed_utc": "2026-...",
                             "session": "2026-...bfs",
                             "assessments": [{"recommended_bpm": 5.5, ...}, ...]}}}

An assessment that declined is kept in the person's history but leaves their rate as it was.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from biofeedback.storage import paths

log = logging.getLogger(__name__)

FILE_NAME = "people.json"
VERSION = 1

#: Past assessments kept per person (the newest).
HISTORY = 20


@dataclass(frozen=True, slots=True)
class Person:
    """One person's assessed rate (None until an assessment recommended one)."""

    alias: str
    assessed_bpm: float | None = None
    runner_up_bpm: float | None = None
    reason: str = ""
    assessed_utc: str | None = None
    session: str | None = None


class PeopleStore:
    """Reads and writes ``people.json`` in ``folder`` (the data folder unless given)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def path(self) -> Path:
        return (self._folder if self._folder is not None else paths.data_dir()) / FILE_NAME

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": VERSION, "people": {}}
        except (OSError, ValueError) as exc:
            log.warning("Ignoring %s, which cannot be read: %s", self.path, exc)
            return {"version": VERSION, "people": {}}
        if not isinstance(data, dict) or not isinstance(data.get("people"), dict):
            log.warning("Ignoring %s: it is not a people file.", self.path)
            return {"version": VERSION, "people": {}}
        return data

    def _save(self, data: dict[str, Any]) -> None:
        path = self.path
        fd, temp = tempfile.mkstemp(prefix=".people-", suffix=".tmp", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def aliases(self) -> list[str]:
        return sorted(self._load()["people"], key=str.lower)

    def get(self, alias: str) -> Person:
        """What is known of ``alias`` (a Person without a rate if nothing is)."""
        entry = self._load()["people"].get(alias)
        if not isinstance(entry, dict):
            return Person(alias)

        def number(key: str) -> float | None:
            value = entry.get(key)
            return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

        return Person(
            alias,
            number("assessed_bpm"),
            number("runner_up_bpm"),
            str(entry.get("reason") or ""),
            entry.get("assessed_utc") if isinstance(entry.get("assessed_utc"), str) else None,
            entry.get("session") if isinstance(entry.get("session"), str) else None,
        )

    def assessed_bpm(self, alias: str) -> float | None:
        """The person's own resonance rate, breaths/min, or None."""
        return self.get(alias).assessed_bpm

    def history(self, alias: str) -> list[dict[str, Any]]:
        entry = self._load()["people"].get(alias)
        return list(entry.get("assessments", [])) if isinstance(entry, dict) else []

    def save_assessment(
        self,
        alias: str,
        result: dict[str, Any],
        session: str | os.PathLike[str] | None = None,
        when: _dt.datetime | None = None,
    ) -> Person:
        """Keep an assessment's result (``Assessment.to_dict()``) for ``alias``.

        A recommended rate becomes the person's rate; a declined assessment is only added to their
        history. Raises OSError when the file cannot be written.
        """
        when = when or _dt.datetime.now(_dt.timezone.utc)
        data = self._load()
        entry = data["people"].setdefault(alias, {})
        if not isinstance(entry, dict):
            entry = data["people"][alias] = {}
        record = {
            "recommended_bpm": result.get("recommended_bpm"),
            "runner_up_bpm": result.get("runner_up_bpm"),
            "reason": result.get("reason", ""),
            "declined": result.get("declined"),
            "assessed_utc": when.isoformat(timespec="seconds"),
            "session": None if session is None else Path(session).name,
        }
        entry["assessments"] = (list(entry.get("assessments", [])) + [record])[-HISTORY:]
        if record["recommended_bpm"] is not None:
            entry.update(
                assessed_bpm=record["recommended_bpm"],
                runner_up_bpm=record["runner_up_bpm"],
                reason=record["reason"],
                assessed_utc=record["assessed_utc"],
                session=record["session"],
            )
        data["version"] = VERSION
        self._save(data)
        return self.get(alias)

    def set_rate(self, alias: str, bpm: float, reason: str = "") -> Person:
        """Make ``bpm`` the person's rate by hand (a therapist's choice, e.g. the runner-up)."""
        data = self._load()
        entry = data["people"].setdefault(alias, {})
        entry.update(assessed_bpm=float(bpm), reason=reason, assessed_utc=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
        self._save(data)
        return self.get(alias)
