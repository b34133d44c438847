"""Colours: the Okabe-Ito colour-blind-safe palette and the calm dark backgrounds."""

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from biofeedback.core import constants, words

#: Okabe & Ito (2008), "Color Universal Design" (core/constants.py).
BLUE = QColor(constants.OKABE_ITO["blue"])
BLUISH_GREEN = QColor(constants.OKABE_ITO["bluish_green"])
ORANGE = QColor(constants.OKABE_ITO["orange"])
SKY_BLUE = QColor(constants.OKABE_ITO["sky_blue"])
VERMILLION = QColor(constants.OKABE_ITO["vermillion"])
YELLOW = QColor(constants.OKABE_ITO["yellow"])
REDDISH_PURPLE = QColor(constants.OKABE_ITO["reddish_purple"])

#: Deep blue-grey, never pure black: low luminance without a void.
CLIENT_BACKGROUND = QColor(constants.CLIENT_BACKGROUND)
CLIENT_TEXT = QColor("#c9d4e0")
CLIENT_TEXT_DIM = QColor("#7d8ea1")
PANEL_BACKGROUND = QColor("#1e2935")


# ---- the supervisor view: light and dark appearances


@dataclass(frozen=True)
class Appearance:
    """The colours of the supervisor view in one appearance (light or dark).

    Plot colours are Okabe-Ito hues chosen for contrast against this appearance's plot
    background; each series is also told apart by line style, symbol or a word.
    """

    name: str
    window: QColor
    plot: QColor
    text: QColor
    text_dim: QColor
    grid: QColor
    heart_rate: QColor
    breath: QColor
    rr: QColor
    artifact: QColor
    marker: QColor
    coherence: QColor
    spectrum: QColor
    #: Translucency of the coherence level bands and the breath area, 0..255.
    band_alpha: int


DARK = Appearance(
    name="dark",
    window=PANEL_BACKGROUND,
    plot=CLIENT_BACKGROUND,
    text=CLIENT_TEXT,
    text_dim=QColor("#93a3b5"),
    grid=QColor("#3a4a5c"),
    heart_rate=ORANGE,
    breath=SKY_BLUE,
    rr=CLIENT_TEXT,
    artifact=REDDISH_PURPLE,
    marker=YELLOW,
    coherence=CLIENT_TEXT,
    spectrum=SKY_BLUE,
    band_alpha=34,
)

LIGHT = Appearance(
    name="light",
    window=QColor("#eef1f4"),
    plot=QColor("#fafbfc"),
    text=QColor("#1d2733"),
    text_dim=QColor("#4f5e6e"),
    grid=QColor("#c5ced8"),
    heart_rate=VERMILLION,
    breath=BLUE,
    rr=QColor("#1d2733"),
    artifact=REDDISH_PURPLE,
    marker=QColor("#6b5d00"),
    coherence=QColor("#1d2733"),
    spectrum=BLUE,
    band_alpha=40,
)

#: Coherence levels as the screens tell them: colour (Okabe-Ito, docs/screens.md) and always a word.
COHERENCE_LEVEL_COLOURS = {level: QColor(hex_code) for level, hex_code in constants.COHERENCE_COLOURS.items()}
COHERENCE_LEVEL_WORDS = words.COHERENCE_WORDS


def calm_palette() -> QPalette:
    """Qt's palette for the calm screens (the home screen, the calm view and their menus): dark and
    low in luminance whatever the desktop's appearance, with text that is not glaring."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: CLIENT_BACKGROUND,
        QPalette.ColorRole.WindowText: CLIENT_TEXT,
        QPalette.ColorRole.Base: PANEL_BACKGROUND,
        QPalette.ColorRole.AlternateBase: CLIENT_BACKGROUND,
        QPalette.ColorRole.Text: CLIENT_TEXT,
        QPalette.ColorRole.Button: PANEL_BACKGROUND,
        QPalette.ColorRole.ButtonText: CLIENT_TEXT,
        QPalette.ColorRole.ToolTipBase: PANEL_BACKGROUND,
        QPalette.ColorRole.ToolTipText: CLIENT_TEXT,
        QPalette.ColorRole.PlaceholderText: CLIENT_TEXT_DIM,
        QPalette.ColorRole.Highlight: BLUE,
        QPalette.ColorRole.HighlightedText: QColor("#f0f4f8"),
        QPalette.ColorRole.Mid: QColor("#3a4a5c"),
        QPalette.ColorRole.Midlight: QColor("#3a4a5c"),
        QPalette.ColorRole.Dark: QColor("#10171f"),
        QPalette.ColorRole.Light: QColor("#2a3746"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, CLIENT_TEXT_DIM)
    return p
