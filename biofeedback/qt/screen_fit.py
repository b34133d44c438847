"""Windows that open at a size the screen has room for."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: What the window manager's frame and title bar take, px (the window must fit with them).
FRAME_ALLOWANCE = (16, 48)


def fit_to_screen(window: QWidget, preferred: tuple[int, int]) -> None:
    """Give ``window`` its preferred size where its screen has room, else the room there is
    (never below its minimum), centred on that screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    width = min(preferred[0], room.width() - FRAME_ALLOWANCE[0])
    height = min(preferred[1], room.height() - FRAME_ALLOWANCE[1])
    window.resize(max(width, window.minimumSizeHint().width()), max(height, window.minimumSizeHint().height()))
    window.move(room.x() + (room.width() - window.width()) // 2, room.y() + max((room.height() - window.height() - FRAME_ALLOWANCE[1]) // 2, 0))
