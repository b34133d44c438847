"""``biofeedback --install-desktop-entry``: add the app to the desktop's menu, with its icon.

Writes ``biofeedback.desktop`` to ``$XDG_DATA_HOME/applications`` and the icon to
``$XDG_DATA_HOME/icons/hicolor/scalable/apps`` (``~/.local/share/...`` by default), following the
freedesktop.org desktop entry and icon theme specifications. ``Exec`` names this very program,
so the entry works from a virtual environment that is not on the menu's PATH.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

ENTRY_NAME = "biofeedback.desktop"
ICON_NAME = "biofeedback"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add the app to the desktop's menu (with its icon) for this user, then exit",
    )


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launcher_command() -> str:
    """The command that starts this installation: the ``biofeedback`` script next to this Python,
    else this Python with ``-m biofeedback``."""
    script = Path(sys.executable).with_name("biofeedback")
    if script.is_file() and os.access(script, os.X_OK):
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m biofeedback"


def install(home: Path | None = None) -> tuple[Path, Path]:
    """Write the desktop entry and the icon; returns their paths."""
    from biofeedback.resources import resource_path

    home = home or data_home()
    apps = home / "applications"
    icons = home / "icons" / "hicolor" / "scalable" / "apps"
    apps.mkdir(parents=True, exist_ok=True)
    icons.mkdir(parents=True, exist_ok=True)
    icon = icons / f"{ICON_NAME}.svg"
    icon.write_bytes(resource_path("assets", "icon.svg").read_bytes())
    lines = []
    for line in resource_path("assets", ENTRY_NAME).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = f"Exec={launcher_command()}"
        elif line.startswith("Icon="):
            line = f"Icon={icon}"
        lines.append(line)
    entry = apps / ENTRY_NAME
    entry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entry.chmod(0o755)  # some desktops only trust an executable entry
    return entry, icon


def run(args: argparse.Namespace) -> int:
    try:
        entry, icon = install()
    except OSError as exc:
        print(f"biofeedback: could not add the desktop entry: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    print(f"Added Biofeedback to the desktop's menu: {entry} (icon {icon}).")
    return 0
