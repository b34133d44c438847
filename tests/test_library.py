"""The library index follows the files: added, removed, changed, truncated or damaged behind its
back; a damaged index is rebuilt, never trusted; two instances at once do not corrupt it; what
people change is written to the files; deleting can be undone."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from biofeedback.core.samples import BloodPressure
from biofeedback.storage.library import SCHEMA_VERSION, Library, LibraryError
from biofeedback.storage.session_file import read_session
from recorded import record_demo


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """Recorded sessions to copy into each test's library folder."""
    folder = tmp_path_factory.mktemp("made")
    return {
        "robin1": record_demo(
            folder / "2026-11-02_09-00-00.bfs",
            200.0,
            person="Robin",
            seed=1,
            blood_pressure=(BloodPressure(0.0, 17.6, 11.5, unit="kPa", pulse_bpm=72.0, when="before"), BloodPressure(200.0, 124.0, 80.0, when="after")),
        ),
        "robin2": record_demo(folder / "2026-11-09_09-00-00.bfs", 200.0, person="Robin", seed=2, ratings=False),
        "sam": record_demo(folder / "2026-11-05_18-30-00.bfs", 200.0, person="Sam", seed=4, markers=()),
    }


def _library(tmp_path: Path, made: dict[str, Path], *names: str) -> Library:
    folder = tmp_path / "sessions"
    folder.mkdir(exist_ok=True)
    for name in names or made:
        (folder / made[name].name).write_bytes(made[name].read_bytes())
    return Library(folder, tmp_path / "data" / "library.sqlite3", tmp_path / "data" / "trash")


def test_sessions_are_listed_with_their_summary_and_filtered(tmp_path, made, nsrdb_5min_rr):
    lib = _library(tmp_path, made)
    np.savetxt(lib.folder / "kubios_export.txt", nsrdb_5min_rr, fmt="%.0f")  # plain RR text, imported
    report = lib.sync()
    assert len(report.added) == 4 and not report.unreadable
    entries = lib.entries()
    assert [e.sort_time for e in entries] == sorted((e.sort_time for e in entries), reverse=True)  # newest first
    robin = lib.entries(person="Robin")
    assert [e.person for e in robin] == ["Robin", "Robin"] and robin[0].sort_time >= robin[1].sort_time
    first = next(e for e in robin if e.path.name.startswith("2026-11-02"))
    assert first.ratings == {"before": {"pain": 6, "stress": 7, "mood": 2}, "after": {"pain": 3, "stress": 2, "mood": 4}}
    assert 50 < first.mean_hr_bpm < 100 and first.rmssd_ms > 0 and first.coherence_mean > 0 and first.beats > 150
    assert first.summary.markers[0].label == "phone rang"
    imported = lib.entries(text="kubios")
    assert len(imported) == 1 and imported[0].source_kind == "import" and imported[0].person == "Me" and imported[0].beats == 337
    assert lib.people() == ["Me", "Robin", "Sam"]
    payload = first.to_json()
    for key in ("path", "person", "started_utc", "duration_s", "beats", "mean_hr_bpm", "rmssd_ms", "coherence_mean", "ratings", "blood_pressure"):
        assert key in payload
    # blood pressure in mmHg (the kPa the cuff sent, converted), as the summary picks the readings
    assert payload["blood_pressure"] == {
        "before": {"systolic_mmhg": 132.0, "diastolic_mmhg": 86.3, "pulse_bpm": 72.0},
        "after": {"systolic_mmhg": 124.0, "diastolic_mmhg": 80.0, "pulse_bpm": None},
    }
    assert lib.entries(person="Sam")[0].blood_pressure == {"before": None, "after": None}
    assert lib.entries(text="132") == []  # the readings are not searched as text
    json.dumps(payload)
    assert lib.sync().added == []  # nothing changed: nothing read again


def test_the_index_follows_files_added_removed_truncated_and_damaged_behind_its_back(tmp_path, made):
    lib = _library(tmp_path, made, "robin1", "robin2")
    lib.sync()
    (lib.folder / made["sam"].name).write_bytes(made["sam"].read_bytes())  # added
    (lib.folder / made["robin2"].name).unlink()  # removed
    cut = lib.folder / made["robin1"].name
    raw = cut.read_bytes()
    cut.write_bytes(raw[: len(raw) // 2 + 7])  # truncated: the app died mid-session
    (lib.folder / "junk.bfs").write_bytes(os.urandom(3000))  # damaged beyond reading
    report = lib.sync()
    assert report.added == ["2026-11-05_18-30-00.bfs", "junk.bfs"]
    assert report.removed == ["2026-11-09_09-00-00.bfs"] and report.changed == ["2026-11-02_09-00-00.bfs"]
    assert report.unreadable == ["junk.bfs"]
    truncated = lib.entry(cut)
    assert truncated.duration_s < 120 and any("cut off" in p for p in truncated.problems)
    junk = lib.entry(lib.folder / "junk.bfs")
    assert not junk.readable and "junk.bfs" in junk.error  # one sentence saying why, from the reader
    # a file changed in place (same size, new time) is read again
    os.utime(cut, ns=(1, 1))
    assert lib.sync().changed == ["2026-11-02_09-00-00.bfs"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"SQLite format 3\x00" + os.urandom(8000)),  # torn header and pages
        lambda p: p.write_bytes(os.urandom(5000)),  # not a database
        lambda p: p.write_bytes(b""),  # emptied
        "old schema",
        "someone else's tables",
    ],
)
def test_a_damaged_or_foreign_index_is_rebuilt_from_the_files_never_trusted(tmp_path, made, damage):
    lib = _library(tmp_path, made)
    lib.sync()
    lib.set_details(lib.folder / made["sam"].name, title="Evening", tags=["calm"])
    before = [(e.path, e.person, e.mean_hr_bpm, e.title, e.tags) for e in lib.entries()]
    lib.close()
    index = tmp_path / "data" / "library.sqlite3"
    if damage == "old schema":
        db = sqlite3.connect(index)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
        db.execute("UPDATE sessions SET mean_hr_bpm = 999")  # an old index's numbers are not used
        db.commit()
        db.close()
    elif damage == "someone else's tables":
        index.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(index) + suffix).unlink(missing_ok=True)
        db = sqlite3.connect(index)
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
    else:
        for suffix in ("-wal", "-shm"):
            Path(str(index) + suffix).unlink(missing_ok=True)
        damage(index)
    lib = Library(lib.folder, index, tmp_path / "data" / "trash")
    report = lib.sync()
    assert report.rebuilt
    assert [(e.path, e.person, e.mean_hr_bpm, e.title, e.tags) for e in lib.entries()] == before  # details live in the files
    assert lib._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_details_are_written_to_the_files_and_survive_a_rebuild(tmp_path, made, nsrdb_5min_rr):
    lib = _library(tmp_path, made, "robin1")
    rr_path = lib.folder / "import.txt"
    np.savetxt(rr_path, nsrdb_5min_rr, fmt="%.0f")
    lib.sync()
    session = lib.folder / made["robin1"].name
    lib.set_details(session, title="Morning, after the run", tags=["calm", "home", " calm "], note="slept badly")
    lib.set_details(rr_path, title="From Kubios", person="Sam", tags=["import"])
    assert read_session(session).details == {"title": "Morning, after the run", "tags": ["calm", "home"], "note": "slept badly"}
    assert json.loads((lib.folder / "import.txt.details.json").read_text())["person"] == "Sam"
    assert lib.sync().changed == []  # the index already knew
    (tmp_path / "data" / "library.sqlite3").unlink()
    rebuilt = Library(lib.folder, tmp_path / "data" / "library.sqlite3", lib.trash)
    rebuilt.sync()
    assert [(e.title, e.tags, e.person) for e in rebuilt.entries(tag="calm")] == [("Morning, after the run", ("calm", "home"), "Robin")]
    assert rebuilt.entries(person="Sam")[0].title == "From Kubios" and rebuilt.tags() == ["calm", "home", "import"]
    assert [e.title for e in rebuilt.entries(text="RUN")] == ["Morning, after the run"]
    with pytest.raises(LibraryError):
        rebuilt.set_details(session, person=" ")


def test_deleting_moves_to_the_trash_and_can_be_undone(tmp_path, made):
    lib = _library(tmp_path, made, "robin1", "sam")
    lib.sync()
    path = lib.folder / made["robin1"].name
    lib.set_details(path, title="keep me")
    deleted = lib.delete(path)
    assert not path.exists() and deleted.in_trash.exists() and deleted.in_trash.parent == lib.trash
    assert [e.person for e in lib.entries()] == ["Sam"]
    assert lib.sync().added == []  # the trash is not the library
    back = lib.undo_delete(deleted)
    assert path.exists() and back.title == "keep me" and len(lib.entries()) == 2
    assert lib.sync().changed == [] and lib.sync().added == []


def test_old_trash_is_emptied(tmp_path, made):
    lib = _library(tmp_path, made, "sam")
    lib.trash.mkdir(parents=True)
    old = lib.trash / "20000101-000000-000000--old.bfs"
    recent = lib.trash / f"{__import__('datetime').datetime.now():%Y%m%d-%H%M%S-%f}--new.bfs"
    old.write_text("x")
    recent.write_text("x")
    lib.sync()
    assert not old.exists() and recent.exists()


WORKER = textwrap.dedent(
    """
    import sys, random
    from pathlib import Path
    from biofeedback.storage.library import Library
    folder, index, trash, me = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    rng = random.Random(me)
    for i in range(25):
        lib = Library(folder, index, trash)
        lib.sync()
        entries = lib.entries()
        target = rng.choice(entries)
        if not target.readable:
            continue
        lib.set_details(target.path, tags=[me, f"round {i}"])
        lib.entries(person="Robin", text="round")
        lib.close()
    print("done")
    """
)


def test_two_app_instances_at_once_do_not_corrupt_the_index(tmp_path, made):
    lib = _library(tmp_path, made)
    lib.close()
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    args = [str(lib.folder), str(lib.index_path), str(lib.trash)]
    workers = [subprocess.Popen([sys.executable, str(script), *args, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("one", "two")]
    # meanwhile, files come and go behind both their backs
    for i in range(6):
        extra = lib.folder / f"extra-{i}.bfs"
        extra.write_bytes(made["sam"].read_bytes())
        if i % 2:
            extra.unlink()
    results = [w.communicate(timeout=240) for w in workers]
    for w, (out, err) in zip(workers, results):
        assert w.returncode == 0 and out.strip() == "done", err
    lib = Library(lib.folder, lib.index_path, lib.trash)
    assert lib._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lib.sync()
    names = sorted(e.path.name for e in lib.entries())
    assert names == sorted(p.name for p in lib.folder.glob("*.bfs"))
    for entry in lib.entries():  # every tag written by either instance is in the file, and the index agrees
        assert list(entry.tags) == read_session(entry.path).details.get("tags", [])


def test_an_imported_recording_is_one_session_and_its_original_is_not_listed_again(tmp_path, made, nsrdb_5min_rr):
    from biofeedback.storage.imports import import_as_session

    lib = _library(tmp_path, made, "sam")
    lib.sync()
    export = tmp_path / "kubios.txt"
    np.savetxt(export, nsrdb_5min_rr, fmt="%.0f")
    result = import_as_session(export, lib.folder, "Robin", "test")
    assert result.original.exists() and result.original.parent == lib.folder
    report = lib.sync()
    assert report.added == [result.session.name]
    entry = lib.entry(result.session)
    assert entry.person == "Robin" and entry.source_kind == "import" and entry.beats == 337  # the original's own beats
    assert sorted(e.path.name for e in lib.entries()) == sorted([made["sam"].name, result.session.name])
