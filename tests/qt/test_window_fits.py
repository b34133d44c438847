"""A window that fits: rendered as the app builds it on 1280x720 (laptops, clinic projectors) and
larger screens, nothing is off screen, squeezed or clipped, and the side panel needs no scrolling
from 1600x1000 up. Each size runs in its own process: the offscreen platform takes its screen
size when it starts (QT_QPA_PLATFORM=offscreen:configfile=screen.json)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHECK = Path(__file__).with_name("layout_check.py")


def check(width: int, height: int, mode: str, appearance: str = "dark") -> dict:
    result = subprocess.run(
        [sys.executable, str(CHECK), str(width), str(height), mode, appearance], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["home", "clinic"])
def test_at_1280x720_nothing_is_off_screen_or_clipped(mode):
    report = check(1280, 720, mode)
    assert report["problems"] == []
    assert report["window"][0] <= 1280 and report["window"][1] <= 720


@pytest.mark.slow
def test_at_1600x1000_the_side_panel_needs_no_scrolling():
    report = check(1600, 1000, "clinic", "light")
    assert report["problems"] == []
    assert not report["side_scrolls"]


def test_the_check_notices_a_clipped_label(qtbot):
    """The checker itself: a label narrower than its words, and a widget beyond the window, are found."""
    sys.path.insert(0, str(CHECK.parent))
    from layout_check import problems
    from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    window.setCentralWidget(central)
    window.resize(400, 300)
    label = QLabel("Breathe out · 20 s", central)
    label.setGeometry(10, 10, 40, 20)  # "Breathe c"
    beyond = QLabel("x", central)
    beyond.setGeometry(390, 10, 60, 20)
    window.show()
    found = problems(window)
    assert any("Breathe out" in p and "needs" in p for p in found)
    assert any("reaches outside the window" in p for p in found)
