"""Live heart rate over the last minutes, with the pacer's breath wave behind it.

The breath wave has its own axis on the right (out at the bottom, in at the top), so a therapist
sees at a glance whether heart rate rises on each in-breath and falls on each out-breath (phase
synchrony) without the two scales being mixed.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from biofeedback.qt import palette
from biofeedback.qt.widgets.plot_base import QuietPlot

#: Seconds of history shown.
WINDOW_S = 120.0
#: Smallest heart-rate span shown, beats/min, so a steady heart does not look like a wild one.
MIN_HR_SPAN_BPM = 16.0
#: Marker labels: where the first row hangs (fraction of the plot's height from the bottom), how
#: many rows they may take before sharing one, and the room kept between two labels, px.
LABEL_TOP = 0.95
LABEL_ROWS = 3
LABEL_GAP_PX = 8


class HeartRatePlot(QuietPlot):
    """Items are created once; :meth:`set_series` only calls ``setData`` and moves the view."""

    def __init__(self, parent=None) -> None:
        super().__init__("Heart rate and breathing guide", time_axis=True, parent=parent)
        item = self.getPlotItem()
        self.set_axis_label("left", "Heart rate (bpm)")
        item.setLimits(minYRange=MIN_HR_SPAN_BPM)
        item.enableAutoRange(axis="y")
        item.setAutoVisible(y=True)

        # the breath guide lives in its own view box, linked in x, scaled 0 (out) .. 1 (in)
        self.breath_box = pg.ViewBox(enableMouse=False)
        item.scene().addItem(self.breath_box)
        right = item.getAxis("right")
        right.linkToView(self.breath_box)
        right.setStyle(showValues=True)
        right.setTicks([[(0.0, "out"), (1.0, "in")]])
        right.setLabel("Breathing guide")
        self.breath_box.setXLink(item)
        self.breath_box.setYRange(-0.05, 1.6, padding=0)  # the guide fills the lower part
        self.breath_box.setZValue(-10)
        item.vb.sigResized.connect(self._match_boxes)

        self._breath = pg.PlotDataItem()
        self.breath_box.addItem(self._breath)
        self._hr = item.plot()
        self._markers: list[pg.InfiniteLine] = []
        self._marker_ids: list[int | None] = []
        self._empty = pg.TextItem("Waiting for the first heartbeats", anchor=(0.5, 0.5))
        self._empty.setParentItem(item.vb)
        item.vb.sigResized.connect(self._centre_empty_text)
        self.setXRange(0, WINDOW_S, padding=0)
        self.setYRange(55, 85, padding=0)  # until the first beats
        item.enableAutoRange(axis="y")  # setYRange switched it off
        self.apply_appearance(palette.DARK)

    def _match_boxes(self) -> None:
        self.breath_box.setGeometry(self.getPlotItem().vb.sceneBoundingRect())

    def _centre_empty_text(self) -> None:
        rect = self.getPlotItem().vb.boundingRect()
        self._empty.setPos(rect.center())

    def apply_appearance(self, appearance: palette.Appearance) -> None:
        super().apply_appearance(appearance)
        breath_fill = QColor(appearance.breath)
        breath_fill.setAlpha(appearance.band_alpha + 28)
        # a soft area without an outline: half the repaint cost of a dashed outline, and calmer
        self._breath.setPen(None)
        self._breath.setFillLevel(0.0)
        self._breath.setBrush(breath_fill)
        self._hr.setPen(pg.mkPen(appearance.heart_rate, width=2.5))
        self._empty.setColor(appearance.text_dim)
        for line in self._markers:
            self._colour_marker(line)

    def _colour_marker(self, line: pg.InfiniteLine) -> None:
        line.setPen(pg.mkPen(self.appearance.marker, width=1.5, style=Qt.PenStyle.DotLine))
        line.label.setColor(self.appearance.marker)

    def add_marker(self, t: float, label: str, marker_id: int | None = None) -> None:
        """A labelled vertical line at session time ``t`` (s); one item per marker, made once."""
        line = pg.InfiniteLine(pos=t, angle=90, movable=False, label=label, labelOpts={"position": LABEL_TOP, "anchors": [(0, 0), (0, 0)]})
        self.getPlotItem().addItem(line, ignoreBounds=True)
        self._markers.append(line)
        self._marker_ids.append(marker_id)
        self._colour_marker(line)

    def relabel_marker(self, marker_id: int, label: str) -> None:
        for line, known in zip(self._markers, self._marker_ids, strict=True):
            if known == marker_id:
                line.label.setFormat(label)

    def remove_marker(self, marker_id: int) -> None:
        for i, known in enumerate(self._marker_ids):
            if known == marker_id:
                self.getPlotItem().removeItem(self._markers.pop(i))
                del self._marker_ids[i]
                return

    def clear_markers(self) -> None:
        for line in self._markers:
            self.getPlotItem().removeItem(line)
        self._markers.clear()
        self._marker_ids.clear()

    def _place_labels(self, start: float, stop: float) -> None:
        """Keep every visible marker's label whole and apart: a label that would run past the
        right edge is written to the left of its line, and one that would touch the label before
        it goes a row lower (with every row taken, the one that frees up first)."""
        box = self.getPlotItem().vb
        if box.width() <= 0 or box.height() <= 0 or stop <= start:
            return
        s_per_px = (stop - start) / box.width()
        row_ends: list[float] = []  # per row, the session time where its last label ends
        for line in sorted((m for m in self._markers if m.isVisible()), key=lambda m: m.value()):
            t, label = line.value(), line.label
            rect = label.boundingRect()
            width_s = (rect.width() + LABEL_GAP_PX) * s_per_px
            left = t + width_s > stop
            x0, x1 = (t - width_s, t) if left else (t, t + width_s)
            free = [i for i, end in enumerate(row_ends) if end <= x0]
            if free:
                row = free[0]
            elif len(row_ends) < LABEL_ROWS:
                row = len(row_ends)
                row_ends.append(x1)
            else:
                row = min(range(len(row_ends)), key=row_ends.__getitem__)
            row_ends[row] = x1
            placement = ((1, 0) if left else (0, 0), LABEL_TOP - row * rect.height() / box.height())
            if getattr(line, "_placement", None) != placement:  # moving a label repaints it
                line._placement = placement
                label.anchors = [placement[0], placement[0]]
                label.setPosition(placement[1])

    def marker_labels(self) -> list[tuple[float, str]]:
        """Time and label of each marker line (for tests and screenshots)."""
        return [(line.value(), line.label.format) for line in self._markers]

    def set_markers(self, markers) -> None:
        """Show exactly these markers (anything with ``t`` and ``label``, and an ``id`` where it
        has one): after a seek in review or a relabelled marker, the lines already drawn are replaced."""
        self.clear_markers()
        for marker in markers:
            self.add_marker(marker.t, marker.label, getattr(marker, "id", None))

    def set_series(
        self,
        times: np.ndarray,
        hr: np.ndarray,
        connect: np.ndarray,
        now: float,
        breath_t: np.ndarray,
        breath: np.ndarray,
    ) -> None:
        """Show heart rate (beats/min) at beat times (s) and the guided breath (0 out .. 1 in).

        ``connect[i]`` says whether beat ``i`` is joined to beat ``i + 1`` (False across a gap).
        """
        self._empty.setVisible(len(times) == 0)
        start, stop = max(0.0, now - WINDOW_S), max(now, WINDOW_S)
        self.setXRange(start, stop, padding=0)
        for line in self._markers:  # a marker out of sight costs nothing per repaint
            line.setVisible(start <= line.value() <= stop)
        self._place_labels(start, stop)
        self._hr.setData(times, hr, connect=connect if len(times) else "all")
        self._breath.setData(breath_t, breath)
