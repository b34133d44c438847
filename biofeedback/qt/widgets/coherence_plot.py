"""The coherence trend over the session, drawn over the low / medium / high level bands.

Each band has its Okabe-Ito colour and its word ("settling", "steady", "coherent") at the right
edge, so the level reads without colour.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from biofeedback.qt import palette
from biofeedback.qt.widgets.plot_base import QuietPlot

#: Seconds of trend shown at most: a whole typical session.
TREND_WINDOW_S = 600.0
#: Seconds shown at the start of a session, so the first minutes are not squeezed into a corner.
FIRST_VIEW_S = 180.0


class CoherencePlot(QuietPlot):
    """Coherence ratio against session time.

    Parameters
    ----------
    medium_from, high_from : float
        Coherence ratios where the "medium" and "high" levels begin (the live pipeline's
        calibrated thresholds; the plot only draws them).
    top : float
        Upper end of the "high" band as drawn.
    """

    def __init__(self, medium_from: float, high_from: float, top: float, parent=None) -> None:
        super().__init__("Coherence trend", time_axis=True, parent=parent)
        item = self.getPlotItem()
        self.set_axis_label("left", "Coherence ratio")
        self._bands: dict[str, pg.LinearRegionItem] = {}
        self._band_words: dict[str, pg.TextItem] = {}
        for level, (lo, hi) in {"low": (0.0, medium_from), "medium": (medium_from, high_from), "high": (high_from, top)}.items():
            band = pg.LinearRegionItem((lo, hi), orientation="horizontal", movable=False)
            for line in band.lines:
                line.setPen(pg.mkPen(None))
            band.setZValue(-20)
            item.addItem(band)
            self._bands[level] = band
            word = pg.TextItem(palette.COHERENCE_LEVEL_WORDS[level], anchor=(1.0, 0.5))
            item.addItem(word, ignoreBounds=True)
            word.setPos(FIRST_VIEW_S, (lo + hi) / 2)
            self._band_words[level] = word
        self._trend = item.plot()
        self.setYRange(0.0, top, padding=0)
        self.setXRange(0, FIRST_VIEW_S, padding=0)
        self._stop = FIRST_VIEW_S
        self.apply_appearance(palette.DARK)

    def apply_appearance(self, appearance: palette.Appearance) -> None:
        super().apply_appearance(appearance)
        for level, band in self._bands.items():
            fill = QColor(palette.COHERENCE_LEVEL_COLOURS[level])
            fill.setAlpha(appearance.band_alpha)
            band.setBrush(fill)
            self._band_words[level].setColor(appearance.text_dim)
        self._trend.setPen(pg.mkPen(appearance.coherence, width=2.5))

    def set_series(self, times: np.ndarray, coherence: np.ndarray, now: float) -> None:
        """Show the coherence ratio at session times (s) up to ``now``."""
        start, stop = max(0.0, now - TREND_WINDOW_S), max(now, FIRST_VIEW_S)
        self.setXRange(start, stop, padding=0)
        if stop != self._stop:  # keep the band words at the right edge
            for word in self._band_words.values():
                word.setPos(stop, word.pos().y())
            self._stop = stop
        self._trend.setData(times, coherence)
