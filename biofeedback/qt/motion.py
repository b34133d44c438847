"""Reduced motion: follow the system's wish where Qt exposes it, and let people switch it.

Qt reports the system's motion preference from 6.12 on (``QStyleHints.accessibility()
.motionPreference()``, Qt::MotionPreference). Qt 6.11, which this project pins on Python 3.11
(README, dependencies: 6.12.0 aborts there), has only ``contrastPreference``; there the "system" mode reads
as "full motion" and the switch is the way to ask for less. Reduced motion replaces movement with
gentle brightness changes; nothing else about the screens changes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

#: The switch's positions, as stored in settings (``client/reduced_motion``).
MODES = ("system", "on", "off")


def system_prefers_reduced_motion() -> bool | None:
    """The system's wish, or None where this Qt cannot tell (before 6.12) or no app exists."""
    app = QGuiApplication.instance()
    if app is None:
        return None
    hints = app.styleHints().accessibility()
    read = getattr(hints, "motionPreference", None)
    if read is None:
        return None
    reduced = getattr(getattr(Qt, "MotionPreference", None), "ReducedMotion", None)
    return reduced is not None and read() == reduced


class ReducedMotion(QObject):
    """The reduced-motion switch: "system", "on" or "off"; :attr:`changed` carries the outcome."""

    changed = Signal(bool)

    def __init__(self, mode: str = "system", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mode = "system"
        self._active = False
        app = QGuiApplication.instance()
        hints = app.styleHints().accessibility() if app is not None else None
        signal = getattr(hints, "motionPreferenceChanged", None)
        if signal is not None:
            signal.connect(self._refresh)
        self.set_mode(mode)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def active(self) -> bool:
        """Whether motion is reduced now."""
        return self._active

    def set_mode(self, mode: str) -> None:
        """Set the switch; an unknown mode (an old settings file) counts as "system"."""
        if mode not in MODES:
            log.debug("Unknown reduced-motion mode %r; following the system.", mode)
            mode = "system"
        self._mode = mode
        self._refresh()

    def _refresh(self, *_args) -> None:
        active = self._mode == "on" or (self._mode == "system" and bool(system_prefers_reduced_motion()))
        if active != self._active:
            self._active = active
            self.changed.emit(active)
