"""The strap that connected last, remembered in the data folder so the next start finds it.

Kept by storage (not in the window's preferences) so ``biofeedback record --source ble`` knows it
without Qt. One small JSON file, readable only by its owner.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from biofeedback.storage import paths

log = logging.getLogger(__name__)

FILE_NAME = "remembered_strap.json"


@dataclass(frozen=True, slots=True)
class RememberedStrap:
    address: str
    name: str = ""


class StrapMemory:
    """Reads and writes the remembered strap in ``folder`` (the data folder unless given)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def path(self) -> Path:
        return (self._folder if self._folder is not None else paths.data_dir()) / FILE_NAME

    def recall(self) -> RememberedStrap | None:
        """The strap that connected last, or None (also when the file is missing or damaged)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            address = str(data.get("address") or "")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("Ignoring the remembered strap in %s: %s", self.path, exc)
            return None
        return RememberedStrap(address, str(data.get("name") or "")) if address else None

    def remember(self, address: str, name: str = "") -> None:
        """Remember ``address`` (and its name) as the strap to connect to next time."""
        path = self.path
        temp = path.with_suffix(".tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"address": address, "name": name}, f)
            os.replace(temp, path)
        except OSError as exc:
            log.warning("Could not remember the strap in %s: %s", path, exc)

    def forget(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
