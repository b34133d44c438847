"""Session format v1: written per event, owner-only, readable after a crash."""

import json
import os
import stat

import pytest

from biofeedback.core.samples import Battery, Contact, LinkState, Sample, Status
from biofeedback.core.timeline import Gap
from biofeedback.storage.recordings import load_recording
from biofeedback.storage.session_file import (
    Marker,
    SessionFileError,
    SessionWriter,
    make_header,
    read_session,
)

EVENTS = [
    Status(0.0, LinkState.CONNECTED, "Connected to Polar H10.", {"name": "Polar H10 ABCD", "address": "A0:9E:1A:00:00:01"}),
    Sample(1.02, 61, (987.3, 1001.0), Contact.DETECTED),
    Sample(2.01, 62, (), Contact.NOT_DETECTED, energy_kj=12),
    Battery(2.5, 87),
    Sample(3.0, 60, (1000.0,), Contact.DETECTED),
]


def _header():
    return make_header("demo", {"name": "Demo"}, {"speed": 1.0}, "biofeedback test")


def test_round_trip(tmp_path):
    path = tmp_path / "s.bfs"
    with SessionWriter(path, _header()) as writer:
        for event in EVENTS:
            writer.write_event(event)
        writer.write_gap(Gap(3.0, 9.5))
        writer.write_marker(Marker(10.0, "eyes closed", 1, "after the phone rang"))
        writer.write_pacer(11.0, {"inhale_s": 4.0, "exhale_s": 6.0})
    data = read_session(path)
    assert data.events == EVENTS
    assert data.gaps == [Gap(3.0, 9.5)]
    assert data.markers == [Marker(10.0, "eyes closed", 1, "after the phone rang")]
    assert data.pacer_changes == [(11.0, {"inhale_s": 4.0, "exhale_s": 6.0})]
    assert data.ended_cleanly and not data.truncated_tail and data.skipped_lines == 0
    header = data.header
    assert header["format"] == "biofeedback-session" and header["version"] == 1
    assert header["started_utc"].endswith("+00:00") and isinstance(header["utc_offset_min"], int)


def test_file_is_readable_only_by_its_owner(tmp_path):
    path = tmp_path / "s.bfs"
    SessionWriter(path, _header()).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_never_overwrites(tmp_path):
    path = tmp_path / "s.bfs"
    path.write_text("precious")
    with pytest.raises(SessionFileError, match="already exists"):
        SessionWriter(path, _header())
    assert path.read_text() == "precious"


def test_each_event_reaches_the_file_before_the_next(tmp_path, monkeypatch):
    syncs = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (syncs.append(fd), real_fsync(fd)))
    path = tmp_path / "s.bfs"
    writer = SessionWriter(path, _header())
    assert len(syncs) == 1 and not writer.dirty  # the header is on disk before any event
    for i, event in enumerate(EVENTS):
        writer.write_event(event)
        assert len(path.read_text().splitlines()) == i + 2  # flushed per event
        assert writer.dirty
    assert len(syncs) == 1  # syncing is the session core's to pace (tests/test_session_core.py)
    writer.sync()
    assert len(syncs) == 2 and not writer.dirty
    writer.close()
    assert len(syncs) == 3


def test_truncated_last_line_is_tolerated(tmp_path):
    path = tmp_path / "s.bfs"
    with SessionWriter(path, _header()) as writer:
        for event in EVENTS:
            writer.write_event(event)
    text = path.read_text()
    cut = text[: text.rindex('{"t":3.0') + 12]  # crash mid-line, no end event
    path.write_text(cut)
    data = read_session(path)
    assert data.events == EVENTS[:-1]
    assert data.truncated_tail and not data.ended_cleanly


def test_a_damaged_line_in_the_middle_is_skipped_and_counted(tmp_path):
    path = tmp_path / "s.bfs"
    with SessionWriter(path, _header()) as writer:
        for event in EVENTS:
            writer.write_event(event)
    lines = path.read_text().splitlines()
    lines[2] = lines[2][:10] + "\x00garbage"
    path.write_text("\n".join(lines) + "\n")
    data = read_session(path)
    assert data.skipped_lines == 1
    assert data.events == [EVENTS[0]] + EVENTS[2:]


def test_newer_format_versions_are_refused_with_advice(tmp_path):
    path = tmp_path / "s.bfs"
    header = _header() | {"version": 99}
    path.write_text(json.dumps(header) + "\n")
    with pytest.raises(SessionFileError, match="newer version"):
        read_session(path)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"hello world\n", "line 1 is not the start of a recording"),
        (b'{"format": "something-else"}\n', "line 1 is not the start of a recording"),
        (b"-800\n-5\n", "all zero or negative"),
    ],
)
def test_unreadable_input_says_why(tmp_path, content, message):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(SessionFileError, match=message):
        load_recording(path)


def test_rr_text_in_seconds_or_milliseconds(tmp_path, nsrdb_5min_rr):
    ms = tmp_path / "ms.txt"
    s = tmp_path / "s.txt"
    ms.write_text("\n".join(f"{x:g}" for x in nsrdb_5min_rr))
    s.write_text("# exported RR, seconds\n" + "\n".join(f"{x / 1000:.6f}" for x in nsrdb_5min_rr))
    a = [r for e in load_recording(ms).samples for r in e.rr_ms]
    b = [r for e in load_recording(s).samples for r in e.rr_ms]
    assert a == pytest.approx(list(nsrdb_5min_rr))
    assert b == pytest.approx(list(nsrdb_5min_rr))
