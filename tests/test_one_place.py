"""Each sentence people read is written once (biofeedback/core/words.py holds the shared ones)."""

from __future__ import annotations

import ast
import collections
from pathlib import Path

import biofeedback

PACKAGE = Path(biofeedback.__file__).parent


def _sentences(path: Path):
    """String literals of at least four words in ``path``, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value.strip()
            if len(text) >= 25 and text.count(" ") >= 3:
                yield text


def test_no_sentence_is_typed_in_two_modules():
    where = collections.defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        for text in _sentences(path):
            where[text].add(str(path.relative_to(PACKAGE)))
    repeated = {text: sorted(files) for text, files in where.items() if len(files) > 1}
    assert not repeated, f"say these once, in biofeedback/core/words.py: {repeated}"


def test_the_catalogue_is_marked_for_translation():
    """Every shared sentence goes through gettext, so a translation can replace it."""
    source = (PACKAGE / "core" / "words.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    unmarked = [
        node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]
    assert not unmarked, f"wrap these in _(): {unmarked}"
