"""The review bar: the whole session at a glance with a playhead to drag, and the transport.

The overview strip shows heart rate (its range and mean per column), the coherence level as a
colour band (with its word on hover, so colour is never the only sign), markers as flags,
blood-pressure readings as diamonds (the reading on hover), and gaps hatched. Click or drag
anywhere to move the playhead. Under it: previous marker, back, play or pause, forward, next marker, the time, the speed (0.25x to 16x), the markers menu
(go to, rename), and the session's blood pressure before and after in one calm sentence.

Keys (active anywhere in the window): Space or K play and pause; Left and Right move 5 s,
Shift with them 1 minute; Home and End; [ and ] slower and faster; Page Up and Page Down (or
comma and full stop) the previous and next marker.

The bar only renders and asks: it emits requests; the review controller answers and tells it
where the playhead is.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QPainter, QPainterPath, QPen, QPixmap, QPolygonF, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from biofeedback.core import words
from biofeedback.core.blood_pressure import BloodPressureStory, format_reading, reading_line, reading_when
from biofeedback.core.review import SPEEDS, Overview
from biofeedback.qt import palette

#: Height of the strip's parts, px: marker flags, heart rate, coherence band. Compact, so the
#: window with the bar still fits a 1280x720 screen.
FLAG_PX, HR_PX, BAND_PX = 16, 44, 14
#: Room for the strip's words on the left ("bpm", "coherence"), px.
LABEL_PX = 74
#: Step of the arrow keys and of the back and forward buttons, s; with Shift.
STEP_S, BIG_STEP_S = 5.0, 60.0


def clock_text(seconds: float) -> str:
    """Session time as people read it: 4:05, or 1:02:03 past an hour."""
    s = max(int(seconds), 0)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def speed_text(speed: float) -> str:
    return f"{speed:g}x"


class OverviewStrip(QWidget):
    """The whole session in one strip; a click or drag asks for that moment.

    Signals
    -------
    seek_requested(float)
        Session time under the pointer, s.
    rename_requested(int)
        The marker (by id) whose flag was right-clicked.
    """

    seek_requested = Signal(float)
    rename_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(FLAG_PX + HR_PX + BAND_PX + 16)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("")
        self.overview: Overview | None = None
        self.markers: list = []
        #: Blood-pressure readings (``BloodPressure``), drawn as diamonds in the flags' row.
        self.readings: list = []
        self.position = 0.0
        self.appearance = palette.DARK
        self._hr_range = (50.0, 90.0)
        self._picture: QPixmap | None = None
        self._picture_key: tuple = ()

    # ---- data

    def set_overview(self, overview: Overview) -> None:
        self.overview = overview
        lows, highs = overview.hr_low, overview.hr_high
        finite = np.isfinite(lows) & np.isfinite(highs)
        if finite.any():
            lo, hi = float(np.min(lows[finite])), float(np.max(highs[finite]))
            pad = max((hi - lo) * 0.08, 2.0)
            self._hr_range = (lo - pad, hi + pad)
        self.update()

    def set_markers(self, markers) -> None:
        self.markers = list(markers)
        self.update()

    def set_readings(self, readings) -> None:
        self.readings = list(readings)
        self.update()

    def set_position(self, t: float) -> None:
        if t != self.position:
            old_x, self.position = self.x_of(self.position), t
            new_x = self.x_of(t)
            # only the strips under the old and the new playhead are painted again
            for x in (old_x, new_x):
                QWidget.update(self, int(x) - 8, 0, 17, self.height())

    def apply_appearance(self, appearance: palette.Appearance) -> None:
        self.appearance = appearance
        self.update()

    # ---- geometry

    def _plot_rect(self) -> QRectF:
        return QRectF(LABEL_PX, 0.0, max(self.width() - LABEL_PX - 10, 10), FLAG_PX + HR_PX + BAND_PX)

    def x_of(self, t: float) -> float:
        ov, r = self.overview, self._plot_rect()
        if ov is None or ov.end_s <= ov.start_s:
            return r.left()
        return r.left() + (t - ov.start_s) / (ov.end_s - ov.start_s) * r.width()

    def t_of(self, x: float) -> float:
        ov, r = self.overview, self._plot_rect()
        if ov is None:
            return 0.0
        share = min(max((x - r.left()) / r.width(), 0.0), 1.0)
        return ov.start_s + share * (ov.end_s - ov.start_s)

    # ---- painting

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        """The still picture (drawn once per size, overview, markers and appearance), then the
        playhead over it: moving the playhead repaints a line, not 1600 columns."""
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio)
        if self._picture is None or self._picture_key != key:
            self._picture = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
            self._picture.setDevicePixelRatio(ratio)
            self._picture_key = key
            self._paint_still(self._picture)
        p = QPainter(self)
        p.drawPixmap(0, 0, self._picture)
        if self.overview is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_playhead(p, self._plot_rect())
        p.end()

    def update(self, *args) -> None:  # what changed is drawn again; the playhead alone is not "still"
        self._picture = None
        super().update(*args)

    def _paint_still(self, target: QPixmap) -> None:
        a = self.appearance
        p = QPainter(target)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(QRectF(0, 0, self.width(), self.height()), a.plot)
        r = self._plot_rect()
        hr_top, band_top = r.top() + FLAG_PX, r.top() + FLAG_PX + HR_PX
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1.5, 8.0))
        p.setFont(small)
        p.setPen(a.text_dim)
        lo, hi = self._hr_range
        p.drawText(QRectF(4, hr_top, LABEL_PX - 8, HR_PX), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{lo:.0f}-{hi:.0f}\nbpm")
        p.drawText(QRectF(4, band_top, LABEL_PX - 8, BAND_PX), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "coherence")
        ov = self.overview
        if ov is not None:
            self._paint_band(p, band_top)
            self._paint_heart_rate(p, hr_top, lo, hi)
            self._paint_gaps(p, r)
            self._paint_markers(p, r)
            self._paint_readings(p, r)
            p.setPen(a.text_dim)
            below = QRectF(r.left(), r.bottom() + 1, r.width(), 15)
            p.drawText(below, Qt.AlignmentFlag.AlignLeft, clock_text(ov.start_s))
            p.drawText(below, Qt.AlignmentFlag.AlignRight, clock_text(ov.end_s))
        p.setPen(QPen(a.grid, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r.adjusted(0, FLAG_PX, 0, 0))
        p.end()

    def _paint_band(self, p: QPainter, top: float) -> None:
        """Runs of windows in one level as one block each, with the level's word where it fits."""
        ov = self.overview
        if not len(ov.level_t):
            return
        step = float(np.median(np.diff(ov.level_t))) if len(ov.level_t) > 1 else 10.0
        words = palette.COHERENCE_LEVEL_WORDS
        names = ("low", "medium", "high")
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        metrics = p.fontMetrics()
        # a run ends where the level changes or the windows stop being consecutive (a gap)
        breaks = np.flatnonzero((np.diff(ov.level) != 0) | (np.diff(ov.level_t) > 1.5 * step)) + 1
        for run in np.split(np.arange(len(ov.level)), breaks):
            code = int(ov.level[run[0]])
            if code < 0:
                continue
            x0, x1 = self.x_of(float(ov.level_t[run[0]]) - step), self.x_of(float(ov.level_t[run[-1]]))
            colour = QColor(palette.COHERENCE_LEVEL_COLOURS[names[code]])
            colour.setAlpha(210)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            block = QRectF(x0, top + 1, max(x1 - x0, 1.0), BAND_PX - 2)
            p.drawRect(block)
            word = words[names[code]]
            if metrics.horizontalAdvance(word) + 8 < block.width():
                p.setPen(QColor("#10161d"))
                p.drawText(block, Qt.AlignmentFlag.AlignCenter, word)
        p.restore()

    def _paint_heart_rate(self, p: QPainter, top: float, lo: float, hi: float) -> None:
        ov = self.overview
        a = self.appearance

        def y(v: np.ndarray) -> np.ndarray:
            return top + HR_PX - (v - lo) / max(hi - lo, 1e-9) * HR_PX

        xs = np.array([self.x_of(t) for t in ov.bin_t.tolist()])
        have = np.isfinite(ov.hr_mean)
        fill = QColor(a.heart_rate)
        fill.setAlpha(70)
        # runs of columns with beats, each drawn as one band (a gap leaves a hole)
        edges = np.flatnonzero(np.diff(np.concatenate(([0], have.view(np.int8), [0]))))
        for start, stop in zip(edges[::2].tolist(), edges[1::2].tolist()):
            sl = slice(start, stop)
            upper = [QPointF(x, v) for x, v in zip(xs[sl].tolist(), y(ov.hr_high[sl]).tolist())]
            lower = [QPointF(x, v) for x, v in zip(xs[sl].tolist(), y(ov.hr_low[sl]).tolist())]
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
            p.drawPolygon(QPolygonF(upper + lower[::-1]))
            path = QPainterPath()
            mean = y(ov.hr_mean[sl]).tolist()
            path.moveTo(xs[start], mean[0])
            for x, v in zip(xs[sl].tolist()[1:], mean[1:]):
                path.lineTo(x, v)
            p.setPen(QPen(a.heart_rate, 1.4))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)

    def _paint_gaps(self, p: QPainter, r: QRectF) -> None:
        a = self.appearance
        colour = QColor(a.text_dim)
        colour.setAlpha(110)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern))
        for gap in self.overview.gaps:
            x0, x1 = self.x_of(gap.start), self.x_of(gap.end)
            p.drawRect(QRectF(x0, r.top() + FLAG_PX, max(x1 - x0, 2.0), HR_PX + BAND_PX))

    def _paint_markers(self, p: QPainter, r: QRectF) -> None:
        a = self.appearance
        metrics = p.fontMetrics()
        next_free = -math.inf
        for marker in self.markers:
            x = self.x_of(marker.t)
            p.setPen(QPen(a.marker, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, r.top() + FLAG_PX - 4), QPointF(x, r.bottom()))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(a.marker)
            p.drawPolygon(QPolygonF([QPointF(x - 5, r.top() + 2), QPointF(x + 5, r.top() + 2), QPointF(x, r.top() + 10)]))
            if x - 2 > next_free:  # a label where it does not cover the one before
                room = r.right() - x - 10
                text = metrics.elidedText(marker.label, Qt.TextElideMode.ElideRight, int(min(room, 160)))
                if text:
                    p.setPen(a.text)
                    p.drawText(QPointF(x + 8, r.top() + 11), text)
                    next_free = x + 8 + metrics.horizontalAdvance(text) + 6

    def _paint_readings(self, p: QPainter, r: QRectF) -> None:
        """A diamond in the flags' row where each reading was taken (its shape, not only its
        colour, tells it from a marker's flag); the reading itself is on hover and in the bar."""
        colour = QColor(palette.VERMILLION)
        for reading in self.readings:
            x = self._reading_x(reading, r)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawPolygon(QPolygonF([QPointF(x, r.top() + 1), QPointF(x + 5, r.top() + 7), QPointF(x, r.top() + 13), QPointF(x - 5, r.top() + 7)]))

    def _reading_x(self, reading, r: QRectF) -> float:
        return min(max(self.x_of(reading.t), r.left() + 5), r.right() - 5)  # one taken at the very end stays whole

    def _reading_near(self, x: float):
        r = self._plot_rect()
        near = [(abs(self._reading_x(b, r) - x), b) for b in self.readings]
        near = [pair for pair in near if pair[0] <= 6]
        return min(near, key=lambda pair: pair[0])[1] if near else None

    def _paint_playhead(self, p: QPainter, r: QRectF) -> None:
        a = self.appearance
        x = self.x_of(self.position)
        p.setPen(QPen(a.text, 2))
        p.drawLine(QPointF(x, r.top() + FLAG_PX - 2), QPointF(x, r.bottom() + 2))
        p.setBrush(a.text)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QPointF(x, r.top() + FLAG_PX - 3), 5, 5)

    # ---- pointer

    def _marker_near(self, x: float):
        near = [(abs(self.x_of(m.t) - x), m) for m in self.markers]
        near = [pair for pair in near if pair[0] <= 6]
        return min(near, key=lambda pair: pair[0])[1] if near else None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if self.overview is None:
            return
        if event.button() == Qt.MouseButton.RightButton:
            marker = self._marker_near(event.position().x())
            if marker is not None:
                self.rename_requested.emit(marker.id)
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self.seek_requested.emit(self.t_of(event.position().x()))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self.overview is None:
            return
        x = event.position().x()
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.seek_requested.emit(self.t_of(x))
        QToolTip.showText(event.globalPosition().toPoint(), self.describe(self.t_of(x), x), self)

    def describe(self, t: float, x: float | None = None) -> str:
        """What the strip shows at session time ``t``: for the tooltip."""
        ov = self.overview
        parts = [clock_text(t)]
        if ov is not None and len(ov.bin_t):
            i = int(np.clip(np.searchsorted(ov.bin_t, t), 0, len(ov.bin_t) - 1))
            if np.isfinite(ov.hr_mean[i]):
                parts.append(f"heart rate {ov.hr_low[i]:.0f}-{ov.hr_high[i]:.0f} bpm")
            else:
                parts.append("no heartbeats here")
            k = int(np.searchsorted(ov.level_t, t))
            if k < len(ov.level) and ov.level[k] >= 0:
                parts.append(palette.COHERENCE_LEVEL_WORDS[("low", "medium", "high")[int(ov.level[k])]])
        marker = self._marker_near(self.x_of(t) if x is None else x)
        if marker is not None:
            parts.append(f"marker: {marker.label}" + (f" ({marker.note})" if marker.note else ""))
        reading = self._reading_near(self.x_of(t) if x is None else x)
        if reading is not None:
            parts.append(reading_when(reading.when, format_reading(reading)))
        return " · ".join(parts)


class WholeOrNothingLabel(QLabel):
    """A one-line hint that shows whole or not at all (its tooltip keeps it): on a narrow screen
    half a sentence, cut at its start, reads worse than none."""

    def fits(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) <= self.contentsRect().width()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.fits():
            super().paintEvent(event)


class ReviewBar(QWidget):
    """Overview strip and transport for review. Requests go out as signals.

    Signals
    -------
    seek_requested(float), step_requested(float), speed_chosen(float)
    play_toggled(), next_marker_requested(), previous_marker_requested()
    start_requested(), end_requested(), slower_requested(), faster_requested()
    rename_requested(int)
        Rename the marker with this id.
    report_requested()
        Write the session's one-page report.
    back_requested()
        Leave the review for the live session (offered with :meth:`offer_back`).
    """

    seek_requested = Signal(float)
    step_requested = Signal(float)
    speed_chosen = Signal(float)
    play_toggled = Signal()
    next_marker_requested = Signal()
    previous_marker_requested = Signal()
    start_requested = Signal()
    end_requested = Signal()
    slower_requested = Signal()
    faster_requested = Signal()
    rename_requested = Signal(int)
    report_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewBar")
        self.strip = OverviewStrip()
        self.strip.seek_requested.connect(self.seek_requested)
        self.strip.rename_requested.connect(self.rename_requested)

        def button(text: str, tip: str, signal) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setAutoRaise(False)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.clicked.connect(signal)
            return b

        self.previous_button = button("|<  Marker", "Previous marker (Page Up)", self.previous_marker_requested)
        self.back_button = button("-10 s", "Back 10 seconds (Left: 5 s, Shift+Left: 1 minute)", lambda: self.step_requested.emit(-10.0))
        self.play_button = button("Play", "Play or pause (Space or K)", self.play_toggled)
        self.play_button.setMinimumWidth(88)
        self.forward_button = button("+10 s", "Forward 10 seconds (Right: 5 s, Shift+Right: 1 minute)", lambda: self.step_requested.emit(10.0))
        self.next_button = button("Marker  >|", "Next marker (Page Down)", self.next_marker_requested)
        self.time_label = QLabel("0:00 / 0:00")
        self.time_label.setObjectName("reviewTime")
        self.time_label.setToolTip("Where the playhead is, and how long the session is")
        self.speed_box = QComboBox()
        for s in SPEEDS:
            self.speed_box.addItem(speed_text(s), s)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.setToolTip("Playback speed ([ slower, ] faster)")
        self.speed_box.currentIndexChanged.connect(lambda i: self.speed_chosen.emit(float(self.speed_box.itemData(i))))
        self.markers_button = QToolButton()
        self.markers_button.setText("Markers")
        self.markers_button.setToolTip("Go to a marker, or rename it (right-click a flag in the strip)")
        self.markers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.markers_menu = QMenu(self.markers_button)
        self.markers_button.setMenu(self.markers_menu)
        self.hint = WholeOrNothingLabel(words.REVIEW_HINT)
        self.hint.setObjectName("reviewHint")
        self.hint.setToolTip(words.REVIEW_HINT_TIP)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the window
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # a line of its own, wrapped, so that the sentence never widens the window
        self.pressure_label = QLabel()
        self.pressure_label.setObjectName("reviewPressure")
        self.pressure_label.setWordWrap(True)
        self.pressure_label.setContentsMargins(LABEL_PX, 0, 0, 0)  # under the strip's plot, not its words
        self.pressure_label.hide()  # shown for a session whose blood pressure was taken

        transport = QHBoxLayout()
        for w in (self.previous_button, self.back_button, self.play_button, self.forward_button, self.next_button):
            transport.addWidget(w)
        transport.addSpacing(12)
        transport.addWidget(self.time_label)
        transport.addSpacing(12)
        transport.addWidget(QLabel("Speed"))
        transport.addWidget(self.speed_box)
        transport.addWidget(self.markers_button)
        self.report_button = button(words.REPORT_BUTTON, words.REPORT_TIP, self.report_requested)
        transport.addWidget(self.report_button)
        transport.addWidget(self.hint, 1)
        self.live_button = button(words.BACK_TO_LIVE, words.BACK_TO_LIVE_TIP, self.back_requested)
        self.live_button.setObjectName("reviewBackToLive")
        self.live_button.hide()  # a review opened in the live session's window offers the way back
        transport.addWidget(self.live_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(2)
        layout.addWidget(self.strip)
        layout.addWidget(self.pressure_label)
        layout.addLayout(transport)
        self._end = 0.0
        self._shortcuts: list[QShortcut] = []

    def install_keys(self, window: QWidget) -> None:
        """The review keys, active anywhere in ``window``."""
        keys = [
            (Qt.Key.Key_Space, self.play_toggled.emit),
            (Qt.Key.Key_K, self.play_toggled.emit),
            (Qt.Key.Key_Left, lambda: self.step_requested.emit(-STEP_S)),
            (Qt.Key.Key_Right, lambda: self.step_requested.emit(STEP_S)),
            (QKeySequence("Shift+Left"), lambda: self.step_requested.emit(-BIG_STEP_S)),
            (QKeySequence("Shift+Right"), lambda: self.step_requested.emit(BIG_STEP_S)),
            (Qt.Key.Key_Home, self.start_requested.emit),
            (Qt.Key.Key_End, self.end_requested.emit),
            (Qt.Key.Key_BracketLeft, self.slower_requested.emit),
            (Qt.Key.Key_BracketRight, self.faster_requested.emit),
            (Qt.Key.Key_PageUp, self.previous_marker_requested.emit),
            (Qt.Key.Key_PageDown, self.next_marker_requested.emit),
            (Qt.Key.Key_Comma, self.previous_marker_requested.emit),
            (Qt.Key.Key_Period, self.next_marker_requested.emit),
            (Qt.Key.Key_Escape, lambda: self.live_button.isVisible() and self.back_requested.emit()),
        ]
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    def uninstall_keys(self) -> None:
        """Take the review keys away from the window again (the review is left)."""
        for shortcut in self._shortcuts:
            shortcut.setEnabled(False)
            shortcut.setParent(None)
            shortcut.deleteLater()
        self._shortcuts = []

    def offer_back(self, offered: bool = True) -> None:
        """Show "Back to the live session" (a review in the window of a live session)."""
        self.live_button.setVisible(offered)

    # ---- what the controller says

    def set_overview(self, overview: Overview) -> None:
        self._end = overview.end_s
        self.strip.set_overview(overview)
        self.show_position(overview.start_s)

    def set_markers(self, markers) -> None:
        markers = list(markers)
        self.strip.set_markers(markers)
        self.markers_menu.clear()
        if not markers:
            self.markers_menu.addAction("No markers yet: press M to mark a moment").setEnabled(False)
        for marker in markers:
            go = self.markers_menu.addAction(f"{clock_text(marker.t)}  {marker.label}")
            go.triggered.connect(lambda _checked=False, t=marker.t: self.seek_requested.emit(t))
        if markers:
            rename = self.markers_menu.addMenu("Rename")
            for marker in markers:
                action = rename.addAction(f"{clock_text(marker.t)}  {marker.label}")
                action.triggered.connect(lambda _checked=False, i=marker.id: self.rename_requested.emit(i))
        self.markers_button.setText(f"Markers ({len(markers)})")

    def set_blood_pressure(self, story: BloodPressureStory, readings=()) -> None:
        """The session's readings: before -> after in the sentence the summary says
        (:func:`core.blood_pressure.tell`), each reading marked in the strip."""
        readings = list(readings)
        self.strip.set_readings(readings)
        self.pressure_label.setText(story.sentence)
        self.pressure_label.setVisible(bool(story.sentence))
        tip = [words.BP_REVIEW_TIP, *(reading_line(r, " · ") for r in readings), *story.explanations] if readings else []
        self.pressure_label.setToolTip("\n".join(tip))

    def show_position(self, t: float) -> None:
        self.strip.set_position(t)
        self.time_label.setText(f"{clock_text(t)} / {clock_text(self._end)}")

    def show_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")

    def show_speed(self, speed: float) -> None:
        index = self.speed_box.findData(speed)
        if index >= 0 and index != self.speed_box.currentIndex():
            self.speed_box.blockSignals(True)
            self.speed_box.setCurrentIndex(index)
            self.speed_box.blockSignals(False)

    def apply_appearance(self, appearance: palette.Appearance) -> None:
        self.strip.apply_appearance(appearance)


class MarkerDialog(QDialog):
    """Rename a marker: its label and an optional note. Enter saves, Escape leaves it as it was."""

    def __init__(self, label: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rename marker")
        self.label_edit = QLineEdit(label)
        self.label_edit.setPlaceholderText("What happened here")
        self.note_edit = QLineEdit(note)
        self.note_edit.setPlaceholderText("A note (optional)")
        form = QFormLayout(self)
        form.addRow("Label", self.label_edit)
        form.addRow("Note", self.note_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.label_edit.selectAll()

    def label(self) -> str:
        return self.label_edit.text().strip() or "Marker"

    def note(self) -> str:
        return self.note_edit.text().strip()
