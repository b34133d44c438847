"""Before the first window: can Qt's X11 platform plugin load on this machine?

Qt 6 needs a few system libraries for X11 (libxcb-cursor0 and friends) that a minimal Linux
install may lack. Without them Qt prints a paragraph and aborts the process; this check finds
the missing library first, so the person gets one sentence that says what to install.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from pathlib import Path

#: The Debian/Ubuntu packages that bring what Qt's xcb plugin links against.
XCB_PACKAGES = "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0"


def missing_window_library() -> str | None:
    """The first system library Qt's X11 plugin cannot find, or None when it loads (or is not used)."""
    if sys.platform != "linux" or not os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return None
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        found = re.search(r"(lib[\w.+-]+?\.so[.\d]*)", str(exc))
        return found.group(1) if found else str(exc)
    return None


def missing_library_message(library: str) -> str:
    return (
        f"The window cannot open: the system library {library} is missing. On Debian or Ubuntu, "
        f"install it with: sudo apt install {XCB_PACKAGES}. 'biofeedback record' and 'analyze' work without a window."
    )
