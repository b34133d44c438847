"""What the supervisor's plots share: a quiet pyqtgraph plot that follows the light or dark appearance."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont

from biofeedback.qt import palette

#: Point size of axis labels and ticks: legible at arm's length on a clinic monitor.
TICK_POINT_SIZE = 10
LABEL_POINT_SIZE = 11
#: Widths of the left and right axes of time plots, px: fixed, so stacked plots share one time
#: scale and their x axes line up.
LEFT_AXIS_PX = 70
RIGHT_AXIS_PX = 64


#: Tick steps a clock reader expects, s: never 50 s or 25 s.
TIME_STEPS_S = (5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0)
#: Least room between labelled time ticks, px.
TIME_TICK_PX = 90.0


class SessionTimeAxis(pg.AxisItem):
    """A session-time axis (s) labelled as minutes:seconds on clock-like steps (15 s, 30 s, 1 min...)."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph's names)
        span = max(maxVal - minVal, 1e-9)
        wanted = span * TIME_TICK_PX / max(size, 1.0)
        major = next((step for step in TIME_STEPS_S if step >= wanted), TIME_STEPS_S[-1])
        return [(major, 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        return [f"{int(round(v)) // 60}:{int(round(v)) % 60:02d}" if v >= 0 else "" for v in values]


class QuietPlot(pg.PlotWidget):
    """A plot with no mouse interaction, no context menu, and colours from an :class:`Appearance`.

    Subclasses create their items once in ``__init__`` and then only call ``setData``.
    """

    def __init__(self, title: str, time_axis: bool = False, parent=None, bottom_axis: pg.AxisItem | None = None) -> None:
        axes = {"bottom": SessionTimeAxis(orientation="bottom")} if time_axis else None
        if bottom_axis is not None:  # e.g. dates, for the trends
            axes = {"bottom": bottom_axis}
        super().__init__(parent, axisItems=axes)
        self.title = title
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMinimumHeight(150)
        item = self.getPlotItem()
        item.setTitle(title)
        # No grid: pyqtgraph draws it inside each axis, across the whole view, and replaying it
        # cost 3-6 ms per plot per repaint here (bench/bench_frames.py); the ticks suffice.
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.enableAutoSIPrefix(False)
        if time_axis:
            item.getAxis("left").setWidth(LEFT_AXIS_PX)
            item.showAxis("right")
            right = item.getAxis("right")
            right.setWidth(RIGHT_AXIS_PX)
            right.setStyle(showValues=False)
        self.appearance = palette.DARK

    def set_axis_label(self, name: str, text: str) -> None:
        """Label an axis; ``text`` carries its unit, e.g. "Heart rate (bpm)"."""
        self.getPlotItem().setLabel(name, text)

    def apply_appearance(self, appearance: palette.Appearance) -> None:
        """Recolour background, axes and title; subclasses then recolour their own items."""
        self.appearance = appearance
        self.setBackground(appearance.plot)
        item = self.getPlotItem()
        tick_font = QFont()
        tick_font.setPointSize(TICK_POINT_SIZE)
        for name in ("left", "bottom", "right"):
            axis = item.getAxis(name)
            axis.setTextPen(appearance.text_dim)
            axis.setPen(appearance.grid)
            axis.setStyle(tickFont=tick_font)
            if axis.label is not None and axis.labelText:
                axis.setLabel(axis.labelText, color=appearance.text.name(), **{"font-size": f"{LABEL_POINT_SIZE}pt"})
        item.setTitle(self.title, color=appearance.text.name(), size=f"{LABEL_POINT_SIZE + 1}pt")
