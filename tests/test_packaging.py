"""What `pip install` gives a user: assets and recordings inside the wheel, found without the checkout."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("biofeedback-*.whl")
    return path


def test_wheel_ships_assets_and_sample_streams(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "biofeedback/assets/icon.svg",
        "biofeedback/assets/biofeedback.desktop",
        "biofeedback/sample_streams/nsrdb_5min_rr_ms.txt",
        "biofeedback/sample_streams/README.md",
    ):
        assert shipped in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text


def test_installed_layout_finds_its_files_from_anywhere(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import biofeedback, biofeedback.resources as r;"
        "assert str(site) in biofeedback.__file__, biofeedback.__file__;"
        "assert r.sample_stream('nsrdb_5min_rr_ms.txt').is_file();"
        "assert r.resource_path('assets', 'icon.svg').is_file();"
        "assert str(site) in str(r.resource_path('assets'))"
    ).replace("str(site)", repr(str(site)))
    env = dict(os.environ, PYTHONPATH=str(site))
    result = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
