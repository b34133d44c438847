"""Each person's assessed rate, kept by alias in the data folder (storage/people.py)."""

from __future__ import annotations

import json
import stat

from biofeedback.core.pacer import ASSESSED_KEY, presets
from biofeedback.storage.people import PeopleStore

RESULT = {"recommended_bpm": 5.5, "runner_up_bpm": 6.0, "reason": "At 5.5 breaths/min ...", "declined": None}
DECLINED = {"recommended_bpm": None, "runner_up_bpm": None, "reason": "No rate can be recommended ...", "declined": "not_followed"}


def test_a_recommended_rate_becomes_the_persons_own(tmp_path):
    store = PeopleStore(tmp_path)
    assert store.assessed_bpm("river-42") is None
    person = store.save_assessment("river-42", RESULT, tmp_path / "s.bfs")
    assert (person.assessed_bpm, person.runner_up_bpm, person.session) == (5.5, 6.0, "s.bfs")
    assert PeopleStore(tmp_path).get("river-42") == person
    assert store.assessed_bpm("someone-else") is None
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert [p.key for p in presets(store.assessed_bpm("river-42"))][-1] == ASSESSED_KEY


def test_a_declined_assessment_is_history_and_keeps_the_rate(tmp_path):
    store = PeopleStore(tmp_path)
    store.save_assessment("river-42", RESULT)
    store.save_assessment("river-42", DECLINED)
    assert store.assessed_bpm("river-42") == 5.5
    assert [h["declined"] for h in store.history("river-42")] == [None, "not_followed"]
    assert store.aliases() == ["river-42"]


def test_a_therapist_can_choose_the_rate(tmp_path):
    store = PeopleStore(tmp_path)
    store.save_assessment("Ana", RESULT)
    assert store.set_rate("Ana", 6.0).assessed_bpm == 6.0


def test_a_damaged_file_is_ignored_not_fatal(tmp_path):
    store = PeopleStore(tmp_path)
    store.path.write_text("{not json", encoding="utf-8")
    assert store.assessed_bpm("Ana") is None
    store.save_assessment("Ana", RESULT)
    assert json.loads(store.path.read_text(encoding="utf-8"))["people"]["Ana"]["assessed_bpm"] == 5.5
    store.path.write_text('{"people": {"Ana": {"assessed_bpm": "fast"}}}', encoding="utf-8")
    assert store.assessed_bpm("Ana") is None
