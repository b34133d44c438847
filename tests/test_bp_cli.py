"""``biofeedback bp --add``: readings typed in for cuffs without Bluetooth, saved for the library."""

from __future__ import annotations

import json

import pytest

from biofeedback.app import main
from biofeedback.core import words
from biofeedback.storage.session_file import read_session


@pytest.fixture
def sessions(tmp_path, monkeypatch):
    """The sessions folder of a private data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path / "biofeedback" / "biofeedback" / "sessions"


def test_a_typed_reading_is_printed_and_saved_as_a_session_of_its_own(sessions, capsys):
    assert main(["bp", "--add", "128/84", "--pulse", "66", "--person", "Ana", "--when", "after"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "128/84 mmHg  pulse 66"
    [path] = sessions.glob("*.bfs")
    assert out[1] == f"Saved 1 reading for Ana to {path}"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    data = read_session(path)
    assert data.person == "Ana" and data.header["source"] == "manual" and data.ended_cleanly
    [reading] = data.blood_pressure
    assert (reading.systolic, reading.diastolic, reading.pulse_bpm, reading.unit, reading.origin, reading.when) == (128, 84, 66, "mmHg", "manual", "after")
    assert data.samples == []


def test_a_typed_reading_as_json(sessions, capsys):
    assert main(["bp", "--add", "132/86", "--json", "--no-save"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [
        {"systolic_mmhg": 132, "diastolic_mmhg": 86, "map_mmhg": None, "pulse_bpm": None, "time": None, "user_id": None, "unit_sent": "mmHg", "flags": []}
    ]
    assert captured.err == ""
    assert not sessions.exists() or not list(sessions.glob("*.bfs"))  # --no-save


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--add", "84/128"], "84/128 does not look like a blood pressure"),
        (["--add", "128 over 84"], words.BP_TYPE_IT),
        (["--add", "128/84", "--pulse", "500"], "A pulse of 500 beats/min is not possible here"),
        (["--pulse", "66"], "--pulse goes with --add"),
        (["--add", "128/84", "--source", "ble"], None),  # the default source is allowed
        (["--add", "128/84", "--source", "ble:AA:BB"], "--add is a reading typed in: leave out --source."),
        (["--source", "demo"], "A cuff is read over Bluetooth"),
        (["--source", "ble:"], "Give the cuff's address after 'ble:'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(sessions, capsys, args, message):
    code = main(["bp", *args, "--no-save"])
    err = capsys.readouterr().err
    if message is None:
        assert code == 0
        return
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"biofeedback: {message}")


def test_the_cuff_timeout_the_help_names_is_the_one_the_cuff_waits():
    from biofeedback.app import build_parser
    from biofeedback.sources.ble import CUFF_TIMEOUT_S

    assert build_parser().parse_args(["bp"]).timeout == CUFF_TIMEOUT_S
