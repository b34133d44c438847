"""The RR tachogram: every interval between beats, with beats flagged as artefacts marked by a cross."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from biofeedback.qt import palette
from biofeedback.qt.widgets.hr_plot import WINDOW_S
from biofeedback.qt.widgets.plot_base import QuietPlot

#: Smallest RR span shown, ms.
MIN_RR_SPAN_MS = 200.0


class Tachogram(QuietPlot):
    """RR intervals (ms) against session time; items created once, then ``setData``."""

    def __init__(self, parent=None) -> None:
        super().__init__("RR intervals (× = artefact)", time_axis=True, parent=parent)
        item = self.getPlotItem()
        self.set_axis_label("left", "RR (ms)")
        item.setLimits(minYRange=MIN_RR_SPAN_MS)
        item.enableAutoRange(axis="y")
        item.setAutoVisible(y=True)
        self._rr = item.plot(symbol="o", symbolSize=4)
        self._artifacts = pg.ScatterPlotItem(symbol="x", size=11)
        item.addItem(self._artifacts)
        self.setXRange(0, WINDOW_S, padding=0)
        self.setYRange(700, 1100, padding=0)  # until the first beats
        item.enableAutoRange(axis="y")  # setYRange switched it off
        self.apply_appearance(palette.DARK)

    def apply_appearance(self, appearance: palette.Appearance) -> None:
        super().apply_appearance(appearance)
        self._rr.setPen(pg.mkPen(appearance.rr, width=1.2))
        self._rr.setSymbolBrush(appearance.rr)
        self._rr.setSymbolPen(None)
        self._artifacts.setPen(pg.mkPen(appearance.artifact, width=2.5))
        self._artifacts.setBrush(None)

    def set_series(
        self,
        times: np.ndarray,
        rr_ms: np.ndarray,
        connect: np.ndarray,
        now: float,
        artifact_t: np.ndarray,
        artifact_rr_ms: np.ndarray,
    ) -> None:
        """Show RR intervals (ms) at beat times (s), and crosses at the artefacts' beats."""
        self.setXRange(max(0.0, now - WINDOW_S), max(now, WINDOW_S), padding=0)
        self._rr.setData(times, rr_ms, connect=connect if len(times) else "all")
        self._artifacts.setData(artifact_t, artifact_rr_ms)
