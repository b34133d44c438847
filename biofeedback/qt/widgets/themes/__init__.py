"""Calming themes for the client view. Pick one by name: ``theme("orb")``, ``theme("waves")``."""

from __future__ import annotations

from biofeedback.qt.widgets.themes.base import Scene, Theme
from biofeedback.qt.widgets.themes.orb import OrbTheme
from biofeedback.qt.widgets.themes.waves import WavesTheme

#: Every theme by its stable name, in menu order.
THEMES: dict[str, Theme] = {t.name: t for t in (OrbTheme(), WavesTheme())}
#: The theme used when nothing (or something unknown) is chosen.
DEFAULT_THEME = "orb"


def theme(name: str) -> Theme:
    """The theme called ``name``; the default theme for an unknown name (an old settings file)."""
    return THEMES.get(name, THEMES[DEFAULT_THEME])


__all__ = ["DEFAULT_THEME", "THEMES", "Scene", "Theme", "theme"]
