"""Colours: the Okabe-Ito colour-blind-safe palette and the calm dark backgrounds."""

from PySide6.QtGui import QColor

#: Okabe & Ito (2008), "Color Universal Design".
BLUE = QColor("#0072B2")
BLUISH_GREEN = QColor("#009E73")
ORANGE = QColor("#E69F00")
SKY_BLUE = QColor("#56B4E9")
VERMILLION = QColor("#D55E00")
YELLOW = QColor("#F0E442")
REDDISH_PURPLE = QColor("#CC79A7")

#: Deep blue-grey, never pure black: low luminance without a void.
CLIENT_BACKGROUND = QColor("#17202b")
CLIENT_TEXT = QColor("#c9d4e0")
CLIENT_TEXT_DIM = QColor("#7d8ea1")
PANEL_BACKGROUND = QColor("#1e2935")
