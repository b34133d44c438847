"""What detectors look at: a file's bytes, its text and its first lines, decoded once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from biofeedback.storage.formats.base import FormatError, decode_text


@dataclass
class Sniff:
    """A file opened for detection and reading.

    ``text`` decodes lazily, so a binary format (FIT) is never decoded as text.
    """

    path: Path
    data: bytes
    #: ``--column`` from the command line or the window: the generic CSV's RR or beat-time column.
    column: str | None = None
    decode_warnings: list[str] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        text, warnings = decode_text(self.data, self.path)
        self.decode_warnings.extend(warnings)
        return text

    @cached_property
    def is_text(self) -> bool:
        try:
            self.text
        except FormatError:
            return False
        return True

    @cached_property
    def head_lines(self) -> list[str]:
        """The first 40 non-blank lines, stripped (empty for binary files)."""
        if not self.is_text:
            return []
        out = []
        for line in self.text[:65536].splitlines():
            if line.strip():
                out.append(line.strip())
                if len(out) == 40:
                    break
        return out

    @property
    def first_line(self) -> str:
        return self.head_lines[0] if self.head_lines else ""
