"""What ``--help`` says is what the app does: each default it names is read from the help text
and then checked by running the command."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from biofeedback.app import build_parser, default_source_spec


def _help(*command: str) -> str:
    result = subprocess.run([sys.executable, "-m", "biofeedback", *command, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())  # argparse wraps lines


def _default_of(help_text: str, option: str) -> str:
    options = help_text.partition("options:")[2]  # the option list, not the usage line
    match = re.search(re.escape(option) + r"[^(]*\(default:? ([^)]*)\)", options)
    assert match, f"--help says no default for {option}"
    return match.group(1).strip()


def test_the_default_source_is_what_the_help_says(tmp_path, monkeypatch):
    said = _default_of(_help(), "--source")
    assert said == "the strap that connected last time, if there is one, else the demo"
    from biofeedback.storage.remembered import StrapMemory

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_source_spec() == "demo"  # "else the demo"
    StrapMemory().remember("C0:FF:EE:12:34:56", "Polar H10")
    assert default_source_spec() == "ble:C0:FF:EE:12:34:56"  # "the strap that connected last time"


def test_record_saves_where_and_for_whom_the_help_says(tmp_path):
    text = _help("record")
    assert _default_of(text, "--out") == "a new file in the sessions folder"
    assert _default_of(text, "--person") == "Me"
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "biofeedback", "record", "--source", "demo", "--speed", "50", "--duration", "5"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    [saved] = (tmp_path / "biofeedback" / "biofeedback" / "sessions").glob("*.bfs")
    assert str(saved) in result.stdout  # and it says where
    from biofeedback.storage.session_file import read_session

    assert read_session(saved).person == "Me"


@pytest.mark.parametrize("command, option", [((), "--speed"), (("record",), "--speed"), (("scan",), "--timeout"), (("bp",), "--timeout")])
def test_numeric_defaults_in_the_help_are_the_parser_defaults(command, option):
    said = float(_default_of(_help(*command), option))
    parser = build_parser()
    args = parser.parse_args([*command] + (["--source", "demo"] if command == ("record",) else []))
    assert getattr(args, option.lstrip("-").replace("-", "_")) == said
