"""Trends: one person's sessions over weeks, in plain plots a patient reads at a glance.

A headline in words first ("8 sessions in the last 30 days; coherence 1.2 at first, 2.4
lately; pain 6 before, 3 after, on average"), then one small plot per measure, one point per
session: coherence (mean ratio, over the level bands with their words), time coherent, RMSSD,
resting heart rate, pain and stress before (hollow) and after (filled) each session, and, for
someone whose blood pressure was taken, systolic and diastolic pressure before and after. Hover
a point for its numbers and its session.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from biofeedback.core import coherence, words
from biofeedback.core.blood_pressure import SAME_WITHIN_MMHG, format_mmhg, reading_when
from biofeedback.core.trends import Trends, headline
from biofeedback.qt import palette
from biofeedback.qt.widgets.hr_plot import MIN_HR_SPAN_BPM
from biofeedback.qt.widgets.plot_base import QuietPlot

#: The least span of the blood-pressure plot, mmHg: systolic and diastolic of a steady person
#: (about 40 apart) with room for a few readings' change around them.
MIN_PRESSURE_SPAN_MMHG = 50.0 + 2 * SAME_WITHIN_MMHG

#: The periods offered: label, days (None: all).
PERIODS = (("Last 30 days", 30), ("Last 3 months", 91), ("Last year", 365), ("All sessions", None))


def _fmt(value: float | None, fmt: str) -> str:
    return "—" if value is None else fmt.format(value)


def headline_text(trends: Trends, period: str) -> tuple[str, str]:
    """The headline and the line under it, in words."""
    h = headline(trends)
    if not h.sessions:
        return f"{trends.person}: no sessions in this period", "Sessions appear here once they are recorded."
    title = f"{trends.person}: {h.sessions} session{'s' if h.sessions != 1 else ''} · {period.lower()}"
    parts = []
    if h.coherence_last is not None:
        if h.coherence_first is not None:
            parts.append(f"coherence {h.coherence_first:.1f} in the first sessions, {h.coherence_last:.1f} in the latest")
        else:
            parts.append(f"coherence {h.coherence_last:.1f} on average")
    if h.pain_before is not None or h.pain_after is not None:
        parts.append(f"pain {_fmt(h.pain_before, '{:.1f}')} before and {_fmt(h.pain_after, '{:.1f}')} after, on average")
    if h.stress_before is not None or h.stress_after is not None:
        parts.append(f"stress {_fmt(h.stress_before, '{:.1f}')} before and {_fmt(h.stress_after, '{:.1f}')} after")
    line = "; ".join(parts)
    return title, (line[:1].upper() + line[1:] + ".") if line else ""


class TrendPlot(QuietPlot):
    """One measure over the dates, one point per session, numbers on hover."""

    def __init__(self, title: str, unit: str, parent=None) -> None:
        super().__init__(f"{title} ({unit})" if unit else title, parent=parent, bottom_axis=pg.DateAxisItem(orientation="bottom"))
        item = self.getPlotItem()
        item.getAxis("left").setWidth(54)
        self.lines: list[pg.PlotDataItem] = []
        self.points: list[pg.ScatterPlotItem] = []
        self.empty = pg.TextItem("No sessions with this yet", anchor=(0.5, 0.5))
        self.empty.setParentItem(item.vb)
        item.vb.sigResized.connect(lambda: self.empty.setPos(item.vb.boundingRect().center()))
        self.appearance = palette.DARK

    def clear_series(self) -> None:
        item = self.getPlotItem()
        for x in [*self.lines, *self.points]:
            item.removeItem(x)
        self.lines, self.points = [], []

    def add_series(self, t: np.ndarray, y: np.ndarray, tips: list[str], colour: QColor, filled: bool = True, line: bool = True) -> None:
        item = self.getPlotItem()
        if line and len(t) > 1:
            curve = item.plot(t, y, pen=pg.mkPen(colour, width=2))
            self.lines.append(curve)
        brush = pg.mkBrush(colour) if filled else pg.mkBrush(self.appearance.plot)
        scatter = pg.ScatterPlotItem(
            t, y, data=tips, size=11, pen=pg.mkPen(colour, width=2), brush=brush, hoverable=True, hoverSize=15, tip=lambda x, y, data: data
        )
        item.addItem(scatter)
        self.points.append(scatter)

    def add_connectors(self, t: np.ndarray, y0: np.ndarray, y1: np.ndarray, colour: QColor) -> None:
        """A thin line from each session's "before" to its "after"."""
        if not len(t):
            return
        xs = np.repeat(t, 2)
        ys = np.column_stack([y0, y1]).ravel()
        connect = np.tile([1, 0], len(t)).astype(np.int32)
        faint = QColor(colour)
        faint.setAlpha(150)
        curve = self.getPlotItem().plot(xs, ys, connect=connect, pen=pg.mkPen(faint, width=1.5))
        self.lines.append(curve)

    def finish(self, start: float, stop: float, y_range: tuple[float, float] | None = None, min_span: float = 0.0) -> None:
        """Show the period; a fixed value range, or the values' own with at least ``min_span``
        (so that a steady measure does not look like a wild one)."""
        values = np.concatenate([p.data["y"] for p in self.points]) if self.points else np.empty(0)
        self.empty.setVisible(not len(values))
        pad = max((stop - start) * 0.04, 43200.0)
        self.setXRange(start - pad, stop + pad, padding=0)
        if y_range is None and len(values):
            lo, hi = float(values.min()), float(values.max())
            grow = max(min_span - (hi - lo), 0.0) / 2
            y_range = (lo - grow, hi + grow)
        if y_range is not None:
            self.setYRange(*y_range, padding=0.05)

    def apply_appearance(self, a: palette.Appearance) -> None:
        super().apply_appearance(a)
        self.empty.setColor(a.text_dim)


def _join_before_after(plot: TrendPlot, trends: Trends, measure: str, colour) -> None:
    """A line from each session's value before to its value after, where it has both."""
    both = [p for p in trends.points if p.value(measure, "before") is not None and p.value(measure, "after") is not None]
    plot.add_connectors(
        np.array([p.when.timestamp() for p in both]),
        np.array([p.value(measure, "before") for p in both], dtype=float),
        np.array([p.value(measure, "after") for p in both], dtype=float),
        QColor(colour),
    )


class TrendsView(QWidget):
    """A person's trends over a period: the headline and six small plots (seven for someone
    whose blood pressure was taken).

    Parameters
    ----------
    load : callable
        ``load(person) -> Trends``: that person's sessions (the app reads them from the library).
    people : list of str
    person : str
    """

    person_changed = Signal(str)

    def __init__(self, load: Callable[[str], Trends], people: list[str], person: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load = load
        self.setWindowTitle(words.TRENDS_TITLE)  # Qt adds the app's name
        self.person_box = QComboBox()
        self.person_box.addItems(people or [person])
        self.person_box.setCurrentIndex(max(self.person_box.findText(person), 0))
        self.period_box = QComboBox()
        for label, days in PERIODS:
            self.period_box.addItem(label, days)
        self.headline = QLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.subline = QLabel()
        self.subline.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Person"))
        bar.addWidget(self.person_box)
        bar.addWidget(QLabel("Period"))
        bar.addWidget(self.period_box)
        bar.addStretch(1)

        self.plots = {
            "coherence": TrendPlot("Coherence", "mean ratio"),
            "high": TrendPlot("Time coherent", "% of the session"),
            "rmssd": TrendPlot("RMSSD", "ms"),
            "resting": TrendPlot("Resting heart rate", "bpm"),
            "pain": TrendPlot(words.TRENDS_PAIN, "0-10"),
            "stress": TrendPlot(words.TRENDS_STRESS, "0-10"),
            "pressure": TrendPlot(words.TRENDS_BLOOD_PRESSURE, ""),
        }
        # the coherence levels behind the coherence plot, with their words
        self._bands = []
        self._band_words: list[tuple[float, float, pg.TextItem]] = []
        for level, (lo, hi) in {"low": (0.0, coherence.LOW_BELOW), "medium": (coherence.LOW_BELOW, coherence.HIGH_FROM), "high": (coherence.HIGH_FROM, 8.0)}.items():
            band = pg.LinearRegionItem((lo, hi), orientation="horizontal", movable=False)
            for line in band.lines:
                line.setPen(pg.mkPen(None))
            band.setZValue(-20)
            self.plots["coherence"].getPlotItem().addItem(band)
            word = pg.TextItem(palette.COHERENCE_LEVEL_WORDS[level], anchor=(0.0, 0.5))
            self.plots["coherence"].getPlotItem().addItem(word, ignoreBounds=True)
            self._bands.append((level, band))
            self._band_words.append((lo, hi, word))
        # six columns: two plots a row, three in the last when blood pressure is shown there
        grid = QGridLayout()
        for i, key in enumerate(("coherence", "high", "rmssd", "resting")):
            grid.addWidget(self.plots[key], i // 2, 3 * (i % 2), 1, 3)
        self.grid = grid
        self._show_pressure(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.headline)
        layout.addWidget(self.subline)
        layout.addLayout(grid, 1)
        self.trends: Trends | None = None
        self.appearance = palette.DARK
        self.apply_appearance(palette.DARK)
        self.person_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def apply_appearance(self, a: palette.Appearance) -> None:
        self.appearance = a
        for plot in self.plots.values():
            plot.apply_appearance(a)
        for level, band in self._bands:
            fill = QColor(palette.COHERENCE_LEVEL_COLOURS[level])
            fill.setAlpha(a.band_alpha + 10)
            band.setBrush(fill)
        for _lo, _hi, word in self._band_words:
            word.setColor(a.text_dim)
        if self.trends is not None:
            self.show_trends(self.trends, self.period_box.currentText())

    def _show_pressure(self, shown: bool) -> None:
        """The last row: pain and stress, and blood pressure beside them for someone who has readings
        (an empty plot would only tell someone without a cuff what they lack)."""
        row = 2
        keys = ("pain", "stress", "pressure") if shown else ("pain", "stress")
        width = 6 // len(keys)
        for i, key in enumerate(keys):
            self.grid.addWidget(self.plots[key], row, i * width, 1, width)
        if not shown:
            self.grid.removeWidget(self.plots["pressure"])
        self.plots["pressure"].setVisible(shown)

    def _place_band_words(self) -> None:
        """The level words at the left edge of the coherence plot, in their bands."""
        (x0, _x1), _ = self.plots["coherence"].getPlotItem().vb.viewRange()
        for lo, hi, word in self._band_words:
            word.setPos(x0, (lo + hi) / 2)

    def refresh(self, now: _dt.datetime | None = None) -> None:
        trends = self.load(self.person_box.currentText())
        # whether the person ever had a reading, not only in this period: the plots stay put
        self._show_pressure(trends.has_blood_pressure)
        days = self.period_box.currentData()
        if days is not None:
            now = now or _dt.datetime.now(_dt.timezone.utc)
            trends = trends.since(now - _dt.timedelta(days=days))
        self.show_trends(trends, self.period_box.currentText(), now)

    def show_trends(self, trends: Trends, period: str, now: _dt.datetime | None = None) -> None:
        self.trends = trends
        title, line = headline_text(trends, period)
        self.headline.setText(title)
        self.subline.setText(line)
        a = self.appearance
        days = self.period_box.currentData()
        now = now or _dt.datetime.now(_dt.timezone.utc)
        start = (now - _dt.timedelta(days=days)).timestamp() if days else (trends.points[0].when.timestamp() if trends.points else now.timestamp() - 86400 * 30)
        stop = now.timestamp() if days or not trends.points else trends.points[-1].when.timestamp()

        def tips(measure: str, fmt: str, when: str = "") -> tuple[np.ndarray, np.ndarray, list[str]]:
            t, y = trends.timestamps(measure, when)
            chosen = [p for p in trends.points if p.value(measure, when) is not None]
            texts = [f"{p.when:%a %d %b, %H:%M}" + (f" · {p.title}" if p.title else "") + "\n" + fmt.format(v) for p, v in zip(chosen, y.tolist())]
            return t, y, texts

        for plot in self.plots.values():
            plot.clear_series()
        specs = (  # fixed ranges where the scale has ends; else at least a span that means something
            ("coherence", "coherence_mean", "coherence {:.2f}", a.coherence, (0.0, 8.0), 0.0),
            ("high", "coherence_high_pct", "{:.0f} % of the session coherent", palette.ORANGE, (0.0, 100.0), 0.0),
            ("rmssd", "rmssd_ms", "RMSSD {:.0f} ms", a.spectrum, None, 20.0),
            ("resting", "resting_hr_bpm", "resting heart rate {:.0f} bpm", a.heart_rate, None, MIN_HR_SPAN_BPM),
        )
        for key, measure, fmt, colour, y_range, span in specs:
            t, y, texts = tips(measure, fmt)
            self.plots[key].add_series(t, y, texts, QColor(colour))
            self.plots[key].finish(start, stop, y_range, span)
        self._place_band_words()
        for key, colour in (("pain", palette.REDDISH_PURPLE), ("stress", palette.SKY_BLUE)):
            plot = self.plots[key]
            tb, yb, texts_b = tips(key, key + " before: {:.0f}", "before")
            ta, ya, texts_a = tips(key, key + " after: {:.0f}", "after")
            _join_before_after(plot, trends, key, colour)
            plot.add_series(tb, yb, texts_b, QColor(colour), filled=False, line=False)
            plot.add_series(ta, ya, texts_a, QColor(colour), filled=True, line=False)
            plot.finish(start, stop, (0.0, 10.0))
        self._show_blood_pressure(trends, start, stop)

    def _show_blood_pressure(self, trends: Trends, start: float, stop: float) -> None:
        """Systolic and diastolic before (hollow) and after (filled) each session, each before
        joined to its after; a point's tip gives the whole reading."""
        plot = self.plots["pressure"]
        for what, colour in (("systolic", palette.VERMILLION), ("diastolic", palette.BLUISH_GREEN)):
            _join_before_after(plot, trends, what, colour)
            for when in ("before", "after"):
                chosen = [p for p in trends.points if p.value(what, when) is not None]
                texts = [
                    f"{p.when:%a %d %b, %H:%M}" + (f" · {p.title}" if p.title else "") + "\n"
                    + reading_when(when, format_mmhg(p.value("systolic", when), p.value("diastolic", when)))
                    for p in chosen
                ]
                t, y = trends.timestamps(what, when)
                plot.add_series(t, y, texts, QColor(colour), filled=when == "after", line=False)
        plot.finish(start, stop, None, MIN_PRESSURE_SPAN_MMHG)
