"""The dependency rules of docs/architecture.md, checked by import-linter (contracts in pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: " in result.stdout and " broken" in result.stdout


def test_core_imports_without_qt_or_bleak():
    code = (
        "import sys, pkgutil, importlib, biofeedback.core as c;"
        "[importlib.import_module('biofeedback.core.' + m.name) for m in pkgutil.iter_modules(c.__path__)];"
        "bad = [m for m in ('PySide6', 'pyqtgraph', 'bleak', 'scipy') if m in sys.modules];"
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
