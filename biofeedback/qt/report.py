"""The one-page session report, drawn with QPainter on an A4 PDF (QPdfWriter) or a PNG (QImage).

Everything is laid out in typographic points on an A4 page (595 x 842 pt) and the painter is
scaled to the device, so the PDF and the PNG are the same page. Type sizes are for print:
body 9 pt, table 9 pt, headings 11 pt, title 16 pt; nothing smaller than 7.5 pt (axis labels).
Colours are Okabe-Ito and every series is also named in words, so a black-and-white print
still reads. Works offscreen (QT_QPA_PLATFORM=offscreen): no window, no display.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPainterPath, QPdfWriter, QPen

from biofeedback.core import words
from biofeedback.qt import palette
from biofeedback.storage.report import ReportContent

#: A4 in points (1/72 inch).
PAGE_W, PAGE_H = 595.0, 842.0
MARGIN = 42.0  # about 15 mm

INK = QColor("#1d2733")
INK_DIM = QColor("#5b6b7c")
RULE = QColor("#c5ced8")
GRID = QColor("#e3e8ee")
LEVEL_COLOURS = {"low": palette.BLUE, "medium": palette.BLUISH_GREEN, "high": palette.ORANGE}
LEVEL_FILL_ALPHA = 38
GAP_FILL = QColor(0, 0, 0, 22)
PHASE_FILL = QColor(86, 180, 233, 30)


class ReportError(Exception):
    """A report cannot be written. The message says which file and why."""


def _font(size_pt: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(max(1, round(size_pt * 10)))  # drawn in 1/10 pt units, see _Page
    font.setBold(bold)
    return font


class _Page:
    """Draws in points; the painter works in tenths of a point so font sizes can be fractional."""

    def __init__(self, painter: QPainter) -> None:
        self.p = painter
        self.y = MARGIN

    def font(self, size: float, bold: bool = False) -> QFontMetricsF:
        self.p.setFont(_font(size, bold))
        return QFontMetricsF(self.p.font())

    def text(self, x: float, y: float, text: str, size: float = 9.0, bold: bool = False, colour: QColor = INK,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, width: float = 0.0) -> float:
        """Draw one line with its top at y; returns its height (pt)."""
        metrics = self.font(size, bold)
        self.p.setPen(colour)
        h = metrics.height() / 10.0
        w = width or (PAGE_W - MARGIN - x)
        self.p.drawText(QRectF(x * 10, y * 10, w * 10, h * 10), int(align | Qt.AlignmentFlag.AlignVCenter), text)
        return h

    def wrapped(self, x: float, y: float, w: float, text: str, size: float = 9.0, colour: QColor = INK) -> float:
        metrics = self.font(size)
        self.p.setPen(colour)
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)
        rect = metrics.boundingRect(QRectF(0, 0, w * 10, 10000), flags, text)
        self.p.drawText(QRectF(x * 10, y * 10, w * 10, rect.height() + 1), flags, text)
        return rect.height() / 10.0

    def width(self, text: str, size: float = 9.0, bold: bool = False) -> float:
        return self.font(size, bold).horizontalAdvance(text) / 10.0

    def line(self, x1, y1, x2, y2, colour: QColor = RULE, width: float = 0.6, style=Qt.PenStyle.SolidLine) -> None:
        pen = QPen(colour, width * 10)
        pen.setStyle(style)
        self.p.setPen(pen)
        self.p.drawLine(QPointF(x1 * 10, y1 * 10), QPointF(x2 * 10, y2 * 10))

    def rect(self, x, y, w, h, fill: QColor) -> None:
        self.p.fillRect(QRectF(x * 10, y * 10, w * 10, h * 10), fill)

    def heading(self, text: str) -> None:
        self.y += 6
        self.y += self.text(MARGIN, self.y, text, 11.0, bold=True)
        self.line(MARGIN, self.y + 1.5, PAGE_W - MARGIN, self.y + 1.5)
        self.y += 5


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = max(hi - lo, 1e-9)
    raw = span / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _time_ticks(duration: float) -> list[float]:
    for step in (15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600):
        if duration / step <= 8:
            return [i * step for i in range(int(duration // step) + 1)]
    return [0.0, duration]


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _plot(page: _Page, content: ReportContent, top: float, height: float, t: np.ndarray, y: np.ndarray,
          label: str, unit: str, colour: QColor, levels: bool = False) -> None:
    """A time plot across the page: gaps shaded, phases shaded, markers as numbered lines."""
    left, right = MARGIN + 34, PAGE_W - MARGIN - 4
    bottom = top + height
    x_span = max(content.duration_s, 1.0)

    def px(v):
        return left + (v / x_span) * (right - left)

    finite = y[np.isfinite(y)]
    if levels:
        lo, hi = 0.0, max(5.0, float(np.nanpercentile(finite, 99)) * 1.1 if len(finite) else 5.0)
    elif len(finite):
        lo, hi = float(np.min(finite)), float(np.max(finite))
        pad = max(2.0, 0.08 * (hi - lo))
        lo, hi = math.floor((lo - pad) / 5) * 5, math.ceil((hi + pad) / 5) * 5
    else:
        lo, hi = 40.0, 100.0

    def py(v):
        return bottom - (np.clip(v, lo, hi) - lo) / (hi - lo) * height

    page.text(MARGIN, top - 16, f"{label} ({unit})" if unit else label, 9.0, bold=True)
    if levels:  # the coherence levels as bands with their words
        from biofeedback.core.coherence import HIGH_FROM, LOW_BELOW

        for lvl, a, b in (("low", lo, LOW_BELOW), ("medium", LOW_BELOW, HIGH_FROM), ("high", HIGH_FROM, hi)):
            word = words.COHERENCE_WORDS[lvl]
            c = QColor(LEVEL_COLOURS[lvl])
            c.setAlpha(LEVEL_FILL_ALPHA)
            page.rect(left, py(b), right - left, py(a) - py(b), c)
            page.text(right - 60, py(b) + 1, word, 7.5, colour=INK_DIM, align=Qt.AlignmentFlag.AlignRight, width=58)
    for i, (a, b, _) in enumerate(content.phases):  # every other phase shaded, each start a thin line
        if i % 2 == 1:
            page.rect(px(a), top, px(b) - px(a), height, PHASE_FILL)
        if a > 0:
            page.line(px(a), top, px(a), bottom, palette.SKY_BLUE, 0.6)
    for a, b in content.gaps:
        page.rect(px(a), top, max(px(b) - px(a), 0.8), height, GAP_FILL)
    for tick in _ticks(lo, hi, 4):
        page.line(left, py(tick), right, py(tick), GRID, 0.5)
        page.text(MARGIN, py(tick) - 5, f"{tick:g}", 7.5, colour=INK_DIM, align=Qt.AlignmentFlag.AlignRight, width=30)
    for tick in _time_ticks(x_span):
        page.line(px(tick), bottom, px(tick), bottom + 2.5, INK_DIM, 0.5)
        page.text(px(tick) - 20, bottom + 3, _clock(tick), 7.5, colour=INK_DIM, align=Qt.AlignmentFlag.AlignHCenter, width=40)
    page.line(left, bottom, right, bottom, INK_DIM, 0.6)
    page.line(left, top, left, bottom, INK_DIM, 0.6)

    # the series: one path, broken at NaN (a gap is never bridged)
    path = QPainterPath()
    pen_down = False
    xs, ys = px(t), py(y)
    for xv, yv, ok in zip(xs.tolist(), ys.tolist(), np.isfinite(y).tolist()):
        if not ok:
            pen_down = False
            continue
        if pen_down:
            path.lineTo(xv * 10, yv * 10)
        else:
            path.moveTo(xv * 10, yv * 10)
            pen_down = True
    pen = QPen(colour, 0.9 * 10)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    page.p.setPen(pen)
    page.p.setBrush(Qt.BrushStyle.NoBrush)
    page.p.drawPath(path)

    for i, (mt, _) in enumerate(content.markers, start=1):
        page.line(px(mt), top, px(mt), bottom, palette.VERMILLION, 0.7, Qt.PenStyle.DashLine)
        page.text(px(mt) + 1.5, top + 1, str(i), 7.5, bold=True, colour=palette.VERMILLION, width=20)


def draw_report(painter: QPainter, content: ReportContent) -> None:
    """Draw the page on a painter already scaled so that one unit is 1/10 pt."""
    page = _Page(painter)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    page.rect(0, 0, PAGE_W, PAGE_H, QColor("white"))

    # ---- header
    page.y += page.text(MARGIN, page.y, content.title, 16.0, bold=True)
    page.y += 4
    rows = [
        ("Person", content.person or "no alias recorded"),
        ("Date", content.date),
        ("Duration", content.duration),
        ("Source", content.source),
        ("Device", content.device),
    ]
    col_w = (PAGE_W - 2 * MARGIN) / 2
    for i, (k, v) in enumerate(rows):
        x = MARGIN + (i % 2) * col_w
        if i % 2 == 0 and i:
            page.y += 13
        page.text(x, page.y, f"{k}:", 9.0, colour=INK_DIM, width=52)
        page.text(x + 52, page.y, v, 9.0, width=col_w - 56 if i < 4 else PAGE_W - MARGIN - x - 52)
    page.y += 14
    pacer = "; ".join(content.pacer) if content.pacer else "no pacer changes recorded"
    page.text(MARGIN, page.y, "Pacer:", 9.0, colour=INK_DIM, width=52)
    page.y += page.wrapped(MARGIN + 52, page.y + 0.5, PAGE_W - 2 * MARGIN - 52, pacer, 9.0) + 2
    if content.phases:
        phases = "; ".join(f"{label} {_clock(a)}-{_clock(b)}" for a, b, label in content.phases)
    else:
        phases = "none recorded (free session)"
    page.text(MARGIN, page.y, "Phases:", 9.0, colour=INK_DIM, width=52)
    page.y += page.wrapped(MARGIN + 52, page.y + 0.5, PAGE_W - 2 * MARGIN - 52, phases, 9.0) + 2

    # ---- plots
    page.heading("Heart rate and coherence")
    page.y += 16
    _plot(page, content, page.y, 150, content.hr_t, content.hr_bpm, "Heart rate, beat by beat", "beats/min", palette.BLUE)
    page.y += 150 + 33
    _plot(page, content, page.y, 100, content.coh_t, content.coh, "Coherence ratio, 64-s windows every 10 s", "", palette.BLUISH_GREEN, levels=True)
    page.y += 100 + 16
    legend = "Grey bands: gaps without beats."
    if content.phases:
        legend += " Thin blue lines and alternate light bands: protocol phases (listed above)."
    if content.markers:
        legend += " Dashed lines: markers, numbered as listed below."
    page.y += page.wrapped(MARGIN, page.y, PAGE_W - 2 * MARGIN, legend, 8.0, INK_DIM)

    # ---- metrics (left) and coherence levels, ratings (right)
    page.heading("Metrics")
    top = page.y
    left_w = (PAGE_W - 2 * MARGIN) * 0.56
    y = top
    for m in content.metrics:
        page.text(MARGIN, y, m.label, 9.0, width=left_w * 0.58)
        page.text(MARGIN + left_w * 0.58, y, f"{m.value} {m.unit}".rstrip(), 9.0, bold=True, width=left_w * 0.42)
        y += 12.5
    right_x = MARGIN + left_w + 12
    right_w = PAGE_W - MARGIN - right_x
    ry = top
    page.text(right_x, ry, "Time in each coherence level", 9.0, bold=True, width=right_w)
    ry += 13
    if content.coherence_levels:
        for word, lvl, pct in content.coherence_levels:
            page.rect(right_x, ry + 2.5, 8, 8, LEVEL_COLOURS[lvl])
            page.text(right_x + 12, ry, f"{word} ({lvl})", 9.0, width=right_w * 0.6)
            page.text(right_x + right_w * 0.6, ry, f"{pct:.0f} %", 9.0, bold=True, width=right_w * 0.4 - 4, align=Qt.AlignmentFlag.AlignRight)
            ry += 12.5
    else:
        ry += page.text(right_x, ry, "too short (needs 64 s of beats)", 9.0, colour=INK_DIM, width=right_w)
    ry += 6
    page.text(right_x, ry, "Ratings (before -> after)", 9.0, bold=True, width=right_w)
    ry += 13
    if content.ratings:
        for r in content.ratings:
            page.text(right_x, ry, r.name, 9.0, width=right_w * 0.55)
            page.text(right_x + right_w * 0.55, ry, f"{r.before or '-'} -> {r.after or '-'}", 9.0, bold=True, width=right_w * 0.45 - 4, align=Qt.AlignmentFlag.AlignRight)
            ry += 12.5
    else:
        ry += page.text(right_x, ry, "none recorded", 9.0, colour=INK_DIM, width=right_w)
    if content.blood_pressure:
        ry += 6
        page.text(right_x, ry, "Blood pressure", 9.0, bold=True, width=right_w)
        ry += 13
        for r in content.blood_pressure:
            page.text(right_x, ry, f"{r.name}  {r.before}", 9.0, width=right_w)
            ry += 12.5
    page.y = max(y, ry) + 2

    # ---- markers and notes
    if content.markers:
        page.heading("Markers")
        text = "   ".join(f"{i}. {_clock(t)} {label}" for i, (t, label) in enumerate(content.markers, start=1))
        page.y += page.wrapped(MARGIN, page.y, PAGE_W - 2 * MARGIN, text, 9.0)
    footer_top = PAGE_H - MARGIN - 30
    if content.notes:
        page.y += 6
        for note in content.notes:
            if page.y > footer_top - 24:
                break
            page.y += page.wrapped(MARGIN, page.y, PAGE_W - 2 * MARGIN, f"Note: {note}", 8.0, INK_DIM) + 1

    # ---- footer
    page.line(MARGIN, footer_top, PAGE_W - MARGIN, footer_top)
    page.wrapped(MARGIN, footer_top + 4, PAGE_W - 2 * MARGIN, content.disclaimer, 8.0, INK_DIM)
    page.text(MARGIN, PAGE_H - MARGIN - 10, "Methods and settings: biofeedback analyze --json; docs/metrics.md", 7.5, colour=INK_DIM)


def write_pdf(content: ReportContent, path: str | Path) -> None:
    """An A4 PDF of the report, with Qt's own PDF writer."""
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setResolution(300)
    writer.setTitle(f"{content.title} {content.date}")
    writer.setCreator("biofeedback")
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportError(f"Cannot write {path}; check that its folder exists and is writable.")
    try:
        scale = writer.resolution() / 72.0 / 10.0
        painter.scale(scale, scale)
        draw_report(painter, content)
    finally:
        painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise ReportError(f"Cannot write {path}; check that its folder exists and is writable.")


def render_image(content: ReportContent, dpi: float = 150.0) -> QImage:
    """The report as an image of an A4 page at ``dpi``."""
    w, h = round(PAGE_W / 72 * dpi), round(PAGE_H / 72 * dpi)
    image = QImage(w, h, QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        scale = dpi / 72.0 / 10.0
        painter.scale(scale, scale)
        draw_report(painter, content)
    finally:
        painter.end()
    return image


def write_png(content: ReportContent, path: str | Path, dpi: float = 150.0) -> None:
    path = Path(path)
    if not render_image(content, dpi).save(str(path), "PNG"):
        raise ReportError(f"Cannot write {path}; check that its folder exists and is writable.")


def write_report(content: ReportContent, path: str | Path) -> None:
    """PDF or PNG, by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        write_pdf(content, path)
    elif suffix == ".png":
        write_png(content, path)
    else:
        raise ReportError(words.REPORT_FORMATS.format(path=path))
