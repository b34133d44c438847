"""The fast session-file reader gives exactly what the plain one gives; format 1.2 annotations
(markers set in review, details) are appended, never rewritten, and read back."""

from __future__ import annotations

import json
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biofeedback.core.annotations import Marker, MarkerEdit, PhaseChange, Rating
from biofeedback.core.samples import Battery, BloodPressure, Contact, LinkState, Sample, Status
from biofeedback.core.timeline import Gap
from biofeedback.storage.session_file import (
    SessionAppender,
    SessionWriter,
    make_header,
    read_session,
    read_session_reference,
)


def _header(person: str = "Me") -> dict:
    return make_header("demo", {"name": "Demo"}, {"speed": 1.0}, "biofeedback test", person=person)


rr_values = st.lists(st.sampled_from([0.0, 52.0, 800.0, 1001.25, 64.0e3, 987.3]) | st.floats(250, 2000), max_size=3)
samples = st.builds(
    Sample,
    t=st.just(0.0),
    hr_bpm=st.none() | st.integers(0, 250),
    rr_ms=rr_values.map(tuple),
    contact=st.sampled_from(list(Contact)),
    energy_kj=st.none() | st.integers(0, 5000),
)
others = st.sampled_from(
    [
        Status(0.0, LinkState.LOST, "The strap is out of reach for a moment."),
        Battery(0.0, 80),
        Marker(0.0, "phone rang", 1, "a note"),
        MarkerEdit(0.0, 1, "door bell"),
        Rating(0.0, "before", 3, None, 4),
        PhaseChange(0.0, "session", "baseline", "Baseline", 6.0),
        BloodPressure(0.0, 120.0, 80.0, pulse_bpm=61.0),
        Gap(0.0, 0.0),
    ]
)
#: Lines people or crashes may leave: damaged, odd spacing, leading zeros, huge numbers, backwards.
odd_lines = st.sampled_from(
    [
        b'{"t": 5.0, "type": "sample", "hr": 60, "rr": [1000.0]}',
        b'{"t":5.0,"type":"sample","hr":060,"rr":[1000.0]}',
        b'{"t":5.0,"type":"sample","hr":60,"rr":[1_000.0]}',
        b'{"t":1e999,"type":"sample","hr":60,"rr":[1000.0]}',
        b'{"t":0.5,"type":"sample","hr":60,"rr":[900.0]}',
        b'{"t":7.0,"type":"sample","hr":null,"rr":null}',
        b'{"t":7.0,"type":"sample","hr":61.0,"rr":[]}',
        b'{"t":7.0,"type":"sample","hr":61,"rr":[800.0],"contact":"maybe"}',
        b'{"t":7.0,"type":"sample","hr":61,"rr":[800.0],"energy_kj":12.5}',
        b'{"t":7.0,"type":"sample","hr":61,"rr":[800.0]}\r',
        b'{"t":7.0,"type":"sample","hr":61,"rr":[800.0],"contact":"detected","energy_kj":3}',
        b'{"t":8.0,"type":"marker","id":4,"label":"late","at":3.0}',
        b'{"t":8.0,"type":"details","title":"Morning","tags":["calm"]}',
        b'{"t":8.0,"type":"details","tags":"calm"}',
        b'{"t":8.0,"type":"review","utc":"2026-01-01T00:00:00.000+00:00"}',
        b'{"t":8.0,"type":"future_kind"}',
        b"\x00\x01garbage",
        b"",
        b"   ",
    ]
)


@st.composite
def session_bytes(draw) -> bytes:
    """A session file's bytes: real events in time order, odd lines in between, maybe cut short."""
    lines = [json.dumps(_header(), separators=(",", ":")).encode()]
    t = 0.0
    from biofeedback.storage.session_file import event_record

    for _ in range(draw(st.integers(0, 30))):
        t += draw(st.floats(0.0, 2.0))
        kind = draw(st.integers(0, 9))
        if kind < 6:
            event = draw(samples)
            lines.append(json.dumps(event_record(Sample(round(t, 4), event.hr_bpm, event.rr_ms, event.contact, event.energy_kj)), separators=(",", ":")).encode())
        elif kind < 8:
            event = draw(others)
            rec = event_record(event)
            rec["t"] = round(t, 4)
            if isinstance(event, Gap):
                rec["start"], rec["end"] = round(max(t - 3, 0), 4), round(t, 4)
            lines.append(json.dumps(rec, separators=(",", ":")).encode())
        else:
            lines.append(draw(odd_lines))
    raw = b"\n".join(lines) + draw(st.sampled_from([b"\n", b""]))
    cut = draw(st.none() | st.integers(len(lines[0]) + 1, max(len(raw), len(lines[0]) + 1)))
    return raw if cut is None else raw[:cut]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=session_bytes())
def test_the_fast_reader_reads_exactly_what_the_plain_reader_reads(tmp_path, raw):
    path = tmp_path / "s.bfs"
    path.write_bytes(raw)
    fast, plain = read_session(path), read_session_reference(path)
    assert fast == plain
    assert [type(e) for e in fast.events] == [type(e) for e in plain.events]  # 60 and 60.0 compare equal


def test_ratings_markers_and_details_round_trip_through_the_file(tmp_path):
    path = tmp_path / "s.bfs"
    with SessionWriter(path, _header(person="Robin")) as writer:
        writer.write(Rating(0.5, "before", pain=6, stress=7, mood=2))
        writer.write(Sample(1.0, 60, (1000.0,)))
        writer.write(Marker(1.5, "eyes closed", 1, "asked to"))
        writer.write(Rating(2.0, "after", pain=None, stress=3, mood=None))
        writer.write(Rating(2.5, "after"))  # every question skipped
    data = read_session(path)
    assert data.person == "Robin"
    assert data.ratings == [Rating(0.5, "before", 6, 7, 2), Rating(2.0, "after", None, 3, None), Rating(2.5, "after")]
    assert data.ratings[2].skipped and data.ratings[0].mood_word == "low"
    assert data.latest_t == 2.5


def test_a_review_appends_markers_edits_and_details_without_rewriting(tmp_path):
    path = tmp_path / "s.bfs"
    with SessionWriter(path, _header()) as writer:
        for i in range(1, 11):
            writer.write(Sample(float(i), 60, (1000.0,)))
            if i == 4:
                writer.write(Marker(4.0, "phone rang", 1))
    before = path.read_bytes()
    data = read_session(path)
    appender = SessionAppender(path, data.latest_t)
    appender.write(Marker(2.5, "sighed", 2, "a long breath out"))  # set while reviewing, at 2.5 s
    appender.write(MarkerEdit(0.0, 1, "door bell", "not the phone"))
    appender.write_details(title="Morning, after the run", tags=["calm", "home"], note="felt good")
    after = path.read_bytes()
    assert after.startswith(before)  # append-only
    again = read_session(path)
    assert again.backwards_events == 0 and again.skipped_lines == 0
    assert [(m.t, m.id, m.label, m.note) for m in again.markers] == [(2.5, 2, "sighed", "a long breath out"), (4.0, 1, "door bell", "not the phone")]
    assert again.details == {"title": "Morning, after the run", "tags": ["calm", "home"], "note": "felt good"}
    assert len(again.reviews) == 1 and again.ended_cleanly
    appender.write_details(person="Sam")
    assert read_session(path).person == "Sam" and len(read_session(path).reviews) == 1  # one review, one stamp
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_appending_after_a_crash_keeps_the_cut_line_apart(tmp_path):
    path = tmp_path / "s.bfs"
    with SessionWriter(path, _header()) as writer:
        writer.write(Sample(1.0, 60, (1000.0,)))
        writer.write(Sample(2.0, 60, (1000.0,)))
    text = path.read_bytes()
    path.write_bytes(text[: text.rindex(b'{"t":2.0') + 9])  # the app died mid-line, a minute ago
    os.utime(path, (os.path.getmtime(path) - 60, os.path.getmtime(path) - 60))
    data = read_session(path)
    assert data.truncated_tail and data.latest_t == 1.0
    SessionAppender(path, data.latest_t).write(Marker(0.5, "start", 1))
    again = read_session(path)
    assert again.skipped_lines == 1 and not again.truncated_tail  # the cut line is now one damaged line
    assert [m.label for m in again.markers] == ["start"]


def test_only_annotations_are_appended(tmp_path):
    path = tmp_path / "s.bfs"
    SessionWriter(path, _header()).close()
    appender = SessionAppender(path, None)
    with pytest.raises(TypeError):
        appender.write(Sample(1.0, 60, ()))
    with pytest.raises(TypeError):
        appender.write_details(colour="red")


def test_a_session_still_being_recorded_is_not_added_to(tmp_path):
    from biofeedback.storage.session_file import SessionFileError

    path = tmp_path / "s.bfs"
    writer = SessionWriter(path, _header())
    writer.write(Sample(1.0, 60, (1000.0,)))  # recording goes on: no end yet, written just now
    with pytest.raises(SessionFileError, match="still being recorded"):
        SessionAppender(path, 1.0).write(Marker(0.5, "too soon", 1))
    writer.write(Sample(2.0, 60, (1000.0,)))
    writer.close(2.5)
    SessionAppender(path, 2.5).write(Marker(0.5, "now", 1))  # ended: fine
    data = read_session(path)
    assert [m.label for m in data.markers] == ["now"] and data.skipped_lines == 0 and data.samples[-1].t == 2.0
