"""Blood pressure told calmly (core/blood_pressure.py), and readings in the session file."""

from __future__ import annotations

import re

import pytest

from biofeedback.core import words
from biofeedback.core.blood_pressure import (
    SAME_WITHIN_MMHG,
    BloodPressureStory,
    before_and_after,
    describe_change,
    explain_flags,
    flag_names,
    format_mmhg,
    format_reading,
    has_before,
    parse_typed,
    reading_when,
    tell,
    typed_reading,
)
from biofeedback.core.samples import BloodPressure
from biofeedback.storage.session_file import SessionWriter, make_header, read_session


def bp(sys_, dia, when=None, flags=(), unit="mmHg", t=0.0, **kw) -> BloodPressure:
    return BloodPressure(t, sys_, dia, unit=unit, flags=tuple(flags), when=when, **kw)


def test_the_issue_example_in_words():
    assert describe_change(bp(132, 86), bp(124, 80)).startswith("Your blood pressure eased from 132/86 to 124/80")


@pytest.mark.parametrize(
    ("before", "after", "sentence"),
    [
        ((132, 86), (124, 80), words.BP_EASED),
        ((132, 86), (131, 88), words.BP_ABOUT_THE_SAME),  # within the usual reading-to-reading difference
        ((132, 86), (128, 82), words.BP_ABOUT_THE_SAME),  # 4 mmHg less: still not told as a change
        ((120, 80), (121, 75), words.BP_EASED),  # diastolic eased by 5, systolic the same
        ((120, 80), (128, 84), words.BP_ROSE),
        ((120, 80), (112, 86), words.BP_CHANGED),  # one down, one up
    ],
)
def test_change_is_told_calmly(before, after, sentence):
    text = describe_change(bp(*before), bp(*after))
    assert text == sentence.format(before=f"{before[0]}/{before[1]}", after=f"{after[0]}/{after[1]}")
    assert "!" not in text and "danger" not in text.lower() and "high blood pressure" not in text.lower()


def test_the_threshold_is_what_the_constant_says():
    assert SAME_WITHIN_MMHG == 5.0
    assert describe_change(bp(130, 80), bp(125, 80)) == words.BP_EASED.format(before="130/80", after="125/80")
    assert describe_change(bp(130, 80), bp(126, 80)) == words.BP_ABOUT_THE_SAME.format(before="130/80", after="126/80")


def test_kpa_readings_are_told_in_mmhg():
    before = bp(17.6, 11.5, unit="kPa")  # 132/86 mmHg
    after = bp(16.5, 10.7, unit="kPa")  # 124/80 mmHg
    assert format_reading(before) == "132/86" and format_reading(after) == "124/80"
    assert describe_change(before, after) == words.BP_EASED.format(before="132/86", after="124/80")


def test_one_side_only():
    assert describe_change(bp(128, 84), None) == words.BP_ONLY_BEFORE.format(before="128/84")
    assert describe_change(None, bp(128, 84)) == words.BP_ONLY_AFTER.format(after="128/84")
    assert describe_change(None, None) == ""


def test_every_flag_is_explained_calmly_with_what_to_do():
    flags = ["body_movement", "cuff_loose", "irregular_pulse", "pulse_out_of_range", "improper_position"]
    explanations = explain_flags(flags)
    assert len(explanations) == 5
    for text in explanations:
        assert "measure again" in text and "!" not in text
        assert not any(word in text.lower() for word in ("warning", "danger", "alert", "error"))
    assert explain_flags(["irregular_pulse", "irregular_pulse", "something_new"]) == [words.BP_FLAG_EXPLANATIONS["irregular_pulse"]]
    assert flag_names(["cuff_loose", "something_new"]) == ["loose cuff", "something new"]


def test_before_and_after_take_the_last_of_each_and_never_guess():
    first_try = bp(140, 90, "before", t=1)
    second_try = bp(132, 86, "before", t=2)
    unlabelled = bp(150, 95, None, t=3)
    after = bp(124, 80, "after", t=900)
    assert before_and_after([first_try, second_try, unlabelled, after]) == (second_try, after)
    assert before_and_after([unlabelled]) == (None, None)


def test_a_reading_is_written_one_way_from_mmhg():
    assert format_mmhg(131.6, 86.2) == "132/86" == format_reading(bp(131.6, 86.2))
    kpa = bp(17.6, 11.5, unit="kPa")
    assert format_reading(kpa) == format_mmhg(kpa.systolic_mmhg, kpa.diastolic_mmhg) == "132/86"


def test_when_a_reading_was_taken_is_said_in_whole_sentences():
    assert reading_when("before", "132/86") == words.BP_READING_BEFORE.format(reading="132/86") == "blood pressure before: 132/86 mmHg"
    assert reading_when("after", "124/80") == words.BP_READING_AFTER.format(reading="124/80")
    assert reading_when(None, "150/95") == words.BP_READING_TAKEN.format(reading="150/95") == "blood pressure taken: 150/95 mmHg"


def test_a_reading_before_asks_for_one_after():
    assert has_before([bp(150, 95, None), bp(132, 86, "before")])
    assert not has_before([bp(150, 95, None), bp(124, 80, "after")]) and not has_before([])


def test_the_story_of_a_session():
    story = tell([bp(132, 86, "before", ["body_movement"]), bp(124, 80, "after", ["irregular_pulse", "body_movement"])])
    assert isinstance(story, BloodPressureStory)
    assert story.sentence == words.BP_EASED.format(before="132/86", after="124/80")
    assert story.arrow == "132/86 -> 124/80 mmHg"
    assert story.explanations == (words.BP_FLAG_EXPLANATIONS["body_movement"], words.BP_FLAG_EXPLANATIONS["irregular_pulse"])
    assert tell([]).sentence == "" and tell([]).arrow == ""
    assert tell([bp(120, 80, "after")]).arrow == "- -> 120/80 mmHg"


@pytest.mark.parametrize(("text", "expected"), [("128/84", (128.0, 84.0)), (" 128 / 84 ", (128.0, 84.0)), ("120,5/80", (120.5, 80.0))])
def test_typed_readings(text, expected):
    assert parse_typed(text) == expected


@pytest.mark.parametrize("text", ["", "128", "128-84", "abc", "128/84/66", "1280/84"])
def test_typed_readings_that_are_not_readings_say_how_to_type_them(text):
    with pytest.raises(ValueError) as info:
        parse_typed(text)
    assert str(info.value) == words.BP_TYPE_IT


@pytest.mark.parametrize("text", ["84/128", "400/80", "120/10", "120/120"])
def test_impossible_typed_readings_are_refused_with_a_reason(text):
    with pytest.raises(ValueError) as info:
        parse_typed(text)
    assert str(info.value).startswith(f"{text} does not look like a blood pressure")


def test_a_typed_reading():
    r = typed_reading(5.0, 128, 84, 66, when="before")
    assert (r.systolic, r.diastolic, r.pulse_bpm, r.origin, r.unit, r.when, r.mean_arterial) == (128, 84, 66, "manual", "mmHg", "before", None)
    with pytest.raises(ValueError, match="pulse"):
        typed_reading(5.0, 128, 84, 400)


def test_a_reading_refuses_an_unknown_unit_or_moment():
    with pytest.raises(ValueError):
        BloodPressure(0.0, 120, 80, unit="psi")
    with pytest.raises(ValueError):
        BloodPressure(0.0, 120, 80, when="during")


def test_readings_round_trip_through_the_session_file_with_when(tmp_path):
    path = tmp_path / "s.bfs"
    readings = [
        BloodPressure(1.0, 16.0, 10.7, 12.5, "kPa", 66.0, "2025-03-01T08:30:00", 2, ("irregular_pulse",), "cuff", "before"),
        BloodPressure(2.0, 124.0, 80.0, None, "mmHg", None, None, None, (), "manual", "after"),
        BloodPressure(3.0, 120.0, 80.0),
    ]
    with SessionWriter(path, make_header("manual", {}, {}, "test")) as writer:
        for r in readings:
            writer.write(r)
    assert read_session(path).blood_pressure == readings


def test_the_flag_table_in_the_docs_says_what_the_app_says():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "bluetooth.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+?) \|$", text, flags=re.MULTILINE))
    assert rows == words.BP_FLAG_EXPLANATIONS


def test_the_report_shows_blood_pressure_before_and_after(tmp_path):
    import numpy as np

    from biofeedback.resources import sample_stream
    from biofeedback.storage.recordings import load_recording
    from biofeedback.storage.report import build_report
    from biofeedback.storage.rr_text import rr_to_samples

    samples = rr_to_samples(np.loadtxt(sample_stream("nsrdb_5min_rr_ms.txt"))[:200])
    path = tmp_path / "s.bfs"
    with SessionWriter(path, make_header("demo", {}, {}, "test")) as writer:
        writer.write(BloodPressure(0.0, 17.6, 11.5, unit="kPa", when="before"))  # 132/86 mmHg
        for sample in samples:
            writer.write(sample)
        writer.write(BloodPressure(samples[-1].t + 1, 124, 80, pulse_bpm=64, when="after"))
        writer.write(BloodPressure(samples[-1].t + 2, 121, 79))  # a reading of its own
    content = build_report(load_recording(path, as_packets=False))
    assert [(r.name, r.before, r.after) for r in content.ratings] == [("Blood pressure (mmHg)", "132/86", "124/80")]
    assert [r.before for r in content.blood_pressure] == ["121/79 mmHg"]
