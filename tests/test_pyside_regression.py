"""PySide6 6.12.0 on Python < 3.12 aborts after a few thousand calls of a Qt method returning None.

The bad release (README, dependencies) drops a reference to None on every such call until the interpreter
aborts in ``none_dealloc``. pyproject.toml excludes it for those Pythons; these tests keep it so.
"""

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

CALL_MANY_TIMES = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
before = sys.getrefcount(None)
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
widget = QWidget()
before = sys.getrefcount(None)
for _ in range(50_000):
    widget.update()          # returns None
    widget.setEnabled(True)  # returns None
after = sys.getrefcount(None)
print(before, after)
"""


def test_none_returning_qt_calls_do_not_exhaust_none():
    result = subprocess.run([sys.executable, "-c", CALL_MANY_TIMES], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"interpreter died: {result.returncode} {result.stderr[-500:]}"
    if sys.version_info < (3, 12):  # None is immortal from 3.12 on; its count is meaningless there
        before, after = map(int, result.stdout.split())
        assert after - before < 1000, "PySide6 leaks references to None"


def test_the_crashing_release_is_excluded_for_old_pythons():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pyside = [Requirement(r) for r in project["dependencies"] if r.lower().startswith("pyside6")]
    for python in ("3.11", "3.10"):
        applicable = [r for r in pyside if r.marker is None or r.marker.evaluate({"python_version": python})]
        assert applicable, f"no PySide6 requirement for Python {python}"
        assert all(not r.specifier.contains("6.12.0") for r in applicable)
    applicable = [r for r in pyside if r.marker.evaluate({"python_version": "3.12"})]
    assert all(r.specifier.contains("6.12.0") for r in applicable)


def test_installed_pyside_is_not_the_crashing_release():
    if sys.version_info < (3, 12):
        assert Version(version("PySide6-Essentials")) != Version("6.12.0")
