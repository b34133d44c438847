"""Where the app keeps its files on this computer, found without Qt.

The folders match what Qt's ``QStandardPaths.AppDataLocation`` gives for organisation and
application "biofeedback" (a test in ``tests/qt`` checks they agree), so the window and the
headless commands (``record``, ``sessions``) use the same folders. Every folder made here is
readable only by its owner: health data stays private.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: Organisation and application name (Qt's AppDataLocation is ``<data>/<org>/<app>``).
ORGANISATION = APPLICATION = "biofeedback"


def data_dir(create: bool = True) -> Path:
    """The per-user data folder: sessions, the library index, the log, the remembered strap."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return _private(base / ORGANISATION / APPLICATION, create)


def sessions_dir(create: bool = True) -> Path:
    """Where sessions are saved."""
    return _private(data_dir(create) / "sessions", create)


def _private(folder: Path, create: bool) -> Path:
    if create:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            if folder.stat().st_mode & 0o077:
                folder.chmod(0o700)
        except OSError:
            pass
    return folder
