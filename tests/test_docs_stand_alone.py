"""The repository's docs, code and tests cite only what the repository holds."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITED = re.compile(r"(?:\.\./)*(?:shared/)?(?:DESIGN|STYLE)\.md|shared/data")


def test_nothing_cites_files_outside_the_repository():
    offenders = []
    for pattern in ("biofeedback/**/*.py", "tests/**/*.py", "bench/*.py", "tools/*.py", "docs/*.md", "README.md", "pyproject.toml"):
        for path in ROOT.glob(pattern):
            if path == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if CITED.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, "point these at docs/ or sample_streams/README.md: " + ", ".join(offenders)


def test_every_doc_link_in_the_readme_and_docs_exists():
    missing = []
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)\)", path.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            if not (path.parent / target).exists():
                missing.append(f"{path.relative_to(ROOT)} -> {target}")
    assert not missing, missing
