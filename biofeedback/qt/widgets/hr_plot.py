"""Live heart rate over the last minutes, with the pacer's breath wave underneath."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from biofeedback.qt import palette

#: Seconds of history shown.
WINDOW_S = 120.0


class HeartRatePlot(pg.PlotWidget):
    """Items are created once; :meth:`set_series` only calls ``setData``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, background=palette.PANEL_BACKGROUND)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        item = self.getPlotItem()
        item.setLabel("left", "Heart rate", units="bpm")
        item.setLabel("bottom", "Session time", units="s")
        item.showGrid(x=False, y=True, alpha=0.15)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen(palette.CLIENT_TEXT)
            item.getAxis(axis).setPen(palette.CLIENT_TEXT_DIM)
        self._breath = item.plot(pen=pg.mkPen(palette.SKY_BLUE, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine))
        self._hr = item.plot(pen=pg.mkPen(palette.ORANGE, width=2.5))
        self._empty = pg.TextItem("Waiting for the first heartbeats...", color=palette.CLIENT_TEXT_DIM, anchor=(0.5, 0.5))
        item.addItem(self._empty)
        self._empty.setPos(WINDOW_S / 2, 70)
        self.setYRange(50, 90)
        self.setXRange(0, WINDOW_S)

    def set_series(self, times: np.ndarray, hr: np.ndarray, now: float, breath_t: np.ndarray, breath: np.ndarray) -> None:
        """Show heart rate (beats/min) at beat times (s), and the guided breath (0..1) scaled to the plot."""
        start = max(0.0, now - WINDOW_S)
        self.setXRange(start, max(now, WINDOW_S), padding=0)
        visible = times >= start
        if np.any(visible):
            self._empty.setVisible(False)
            lo, hi = float(np.min(hr[visible])), float(np.max(hr[visible]))
            lo, hi = min(lo - 3, (lo + hi) / 2 - 10), max(hi + 3, (lo + hi) / 2 + 10)
            self.setYRange(lo, hi, padding=0)
        else:
            lo, hi = 50.0, 90.0
        self._hr.setData(times, hr)
        if len(breath):
            self._breath.setData(breath_t, lo + (hi - lo) * (0.08 + 0.25 * breath))
        else:
            self._breath.setData([], [])
