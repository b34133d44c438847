"""The heart-rhythm spectrum behind the coherence value, with the pacer's frequency marked."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from biofeedback.qt import palette
from biofeedback.qt.widgets.plot_base import QuietPlot

#: Frequencies shown, Hz: the whole HRV range (HF ends at 0.4 Hz, Task Force 1996).
MAX_HZ = 0.4
#: Where the coherence peak is searched, Hz (McCraty et al. 2009).
PEAK_SEARCH_HZ = (0.04, 0.26)


class SpectrumPlot(QuietPlot):
    """Power spectral density (ms²/Hz) against frequency (Hz); items made once, then ``setData``."""

    def __init__(self, parent=None) -> None:
        super().__init__("Heart rhythm spectrum", parent=parent)
        item = self.getPlotItem()
        self.set_axis_label("left", "Power (ms²/Hz)")
        self.set_axis_label("bottom", "Frequency (Hz)")
        item.enableAutoRange(axis="y")
        item.setAutoVisible(y=True)
        self._search = pg.LinearRegionItem(PEAK_SEARCH_HZ, movable=False)
        for line in self._search.lines:
            line.setPen(pg.mkPen(None))
        self._search.setZValue(-20)
        item.addItem(self._search)
        self._psd = item.plot(fillLevel=0.0)
        self._pacer = pg.InfiniteLine(angle=90, movable=False, label="pacer", labelOpts={"position": 0.9})
        item.addItem(self._pacer)
        self._pacer.setVisible(False)
        self._empty = pg.TextItem("Shown after about\na minute of beats", anchor=(0.5, 0.5))
        self._empty.setParentItem(item.vb)
        item.vb.sigResized.connect(lambda: self._empty.setPos(item.vb.boundingRect().center()))
        self.setXRange(0.0, MAX_HZ, padding=0)
        self.setYRange(0.0, 1.0, padding=0)  # until the first spectrum
        item.enableAutoRange(axis="y")  # setYRange switched it off
        self.apply_appearance(palette.DARK)

    def apply_appearance(self, appearance: palette.Appearance) -> None:
        super().apply_appearance(appearance)
        fill = QColor(appearance.spectrum)
        fill.setAlpha(appearance.band_alpha + 30)
        self._psd.setPen(pg.mkPen(appearance.spectrum, width=2))
        self._psd.setBrush(fill)
        shade = QColor(appearance.text_dim)
        shade.setAlpha(appearance.band_alpha // 2)
        self._search.setBrush(shade)
        self._pacer.setPen(pg.mkPen(appearance.breath, width=1.5, style=Qt.PenStyle.DashLine))
        self._pacer.label.setColor(appearance.text)
        self._empty.setColor(appearance.text_dim)

    def set_spectrum(self, hz: np.ndarray | None, ms2_per_hz: np.ndarray | None) -> None:
        """Show a power spectrum; None clears it."""
        if hz is None or ms2_per_hz is None:
            self._psd.setData([], [])
            self._empty.setVisible(True)
            return
        self._empty.setVisible(False)
        self._psd.setData(hz, ms2_per_hz)

    def set_pacer_hz(self, hz: float | None) -> None:
        """Mark the pacer's breathing frequency, Hz (None hides the mark)."""
        self._pacer.setVisible(hz is not None)
        if hz is not None:
            self._pacer.setValue(hz)
