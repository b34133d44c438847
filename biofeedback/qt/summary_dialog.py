"""The end-of-session summary: shown when a session stops, and again from the library.

Calm and plain: how long, how much of it was coherent (in colour and in words), heart rate,
RMSSD and heart-rate swing at the start and at the end, how the person felt before and after,
markers, and a line about the signal. The numbers come from the recorded file
(:func:`biofeedback.core.session_summary.summarize_session`); this only lays them out.
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from biofeedback.core.annotations import MOODS
from biofeedback.core.blood_pressure import BloodPressureStory, format_mmhg
from biofeedback.core.session_summary import LEVELS, SessionSummary
from biofeedback.qt import palette
from biofeedback.qt.widgets.blood_pressure import BloodPressureSummary

NOT_KNOWN = "—"


def minutes_text(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600} h {s % 3600 // 60:02d} min" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def duration_words(seconds: float) -> str:
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min" + (f" {s % 60} s" if s % 60 else "")
    return f"{s // 3600} h {s % 3600 // 60} min"


def _num(value: float | None, fmt: str, unit: str) -> str:
    return NOT_KNOWN if value is None else f"{fmt.format(value)} {unit}".strip()


def _answer(rating, what: str) -> str:
    if rating is None:
        return NOT_KNOWN
    value = getattr(rating, what)
    if value is None:
        return "skipped"
    return MOODS[value - 1] if what == "mood" else str(value)


def started_text(summary: SessionSummary) -> str:
    if not summary.started_utc:
        return ""
    try:
        when = _dt.datetime.fromisoformat(summary.started_utc)
    except ValueError:
        return ""
    local = when.astimezone(_dt.timezone(_dt.timedelta(minutes=summary.utc_offset_min)))
    return f"{local:%A %d %B %Y, %H:%M}"


class LevelBar(QWidget):
    """Time in each coherence level as one bar of three colours, each with its word and minutes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level_s = {k: 0.0 for k in LEVELS}
        self.setMinimumHeight(30)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_levels(self, level_s: dict[str, float]) -> None:
        self.level_s = dict(level_s)
        total = sum(self.level_s.values())
        self.setToolTip(
            "Time in each coherence level, judged every 10 s over the last 64 s of beats.\n"
            + "\n".join(f"{palette.COHERENCE_LEVEL_WORDS[k]}: {minutes_text(v)}" for k, v in self.level_s.items())
            if total
            else "Too short to judge coherence (it needs about a minute of beats)."
        )
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        total = sum(self.level_s.values())
        r = QRectF(self.rect()).adjusted(0, 2, 0, -2)
        if not total:
            p.setPen(self.palette().placeholderText().color())
            p.drawText(r, Qt.AlignmentFlag.AlignVCenter, "Too short to judge coherence")
            p.end()
            return
        x = r.left()
        metrics = p.fontMetrics()
        for level in ("high", "medium", "low"):  # the good news first
            share = self.level_s[level] / total
            if share <= 0:
                continue
            w = r.width() * share
            block = QRectF(x, r.top(), w, r.height())
            colour = QColor(palette.COHERENCE_LEVEL_COLOURS[level])
            p.fillRect(block, colour)
            text = f"{palette.COHERENCE_LEVEL_WORDS[level]} {round(100 * share)} %"
            if metrics.horizontalAdvance(text) + 10 < w:
                p.setPen(QColor("#10161d"))
                p.drawText(block, Qt.AlignmentFlag.AlignCenter, text)
            x += w
        p.end()


class SummaryView(QWidget):
    """The summary's content, for the dialog and anywhere else it is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        self.title.setFont(font)
        self.when = QLabel()
        self.when.setObjectName("summaryWhen")
        self.level_words = QLabel()
        self.level_words.setWordWrap(True)
        self.levels = LevelBar()
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(28)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(3, 1)  # the numbers stay near their names
        self.feelings = QGridLayout()
        self.feelings.setHorizontalSpacing(28)
        self.feelings.setColumnStretch(3, 1)
        self.markers = QLabel()
        self.markers.setWordWrap(True)
        self.markers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.signal = QLabel()
        self.signal.setWordWrap(True)
        self.signal.setObjectName("summarySignal")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.when)
        layout.addWidget(_heading("Coherence"))
        layout.addWidget(self.levels)
        layout.addWidget(self.level_words)
        layout.addWidget(_heading("At the start and at the end"))
        layout.addLayout(self.grid)
        layout.addWidget(_heading("How you felt"))
        layout.addLayout(self.feelings)
        self.blood_pressure = BloodPressureSummary()
        layout.addWidget(self.blood_pressure)
        self.markers_heading = _heading("Markers")
        layout.addWidget(self.markers_heading)
        layout.addWidget(self.markers)
        layout.addWidget(self.signal)
        layout.addStretch(1)
        #: The texts shown, by name, for tests and for reading aloud.
        self.texts: dict[str, str] = {}

    def show_summary(self, s: SessionSummary, blood_pressure: BloodPressureStory | None = None) -> None:
        """Lay ``s`` out; ``blood_pressure``: the session's readings told calmly (default: told
        from the summary's own before and after, without the cuff's flags)."""
        self.texts = {}
        story = blood_pressure if blood_pressure is not None else s.blood_pressure_story()
        self.blood_pressure.show_story(story)
        self.texts["blood pressure"] = story.sentence
        self.title.setText((f"{s.person} · " if s.person else "") + f"a session of {duration_words(s.duration_s)}")
        self.when.setText(started_text(s))
        self.levels.set_levels(s.level_s)
        judged = sum(s.level_s.values())
        if judged:
            parts = [f"{palette.COHERENCE_LEVEL_WORDS[k]} for {minutes_text(s.level_s[k])}" for k in ("high", "medium", "low") if s.level_s[k]]
            words = ", ".join(parts).capitalize() + "."
            if s.coherence_mean is not None:
                words += f" Mean coherence ratio {s.coherence_mean:.1f}. Coherence is judged once a minute of beats has come in."
        else:
            words = "Too short to judge coherence: it needs about a minute of beats."
        self.level_words.setText(words)
        self.texts["coherence"] = words

        _clear(self.grid)
        rows = [("", "start", "end")]
        start, end = s.start, s.end
        rows.append(("Heart rate", _num(start and start.hr_bpm, "{:.0f}", "bpm"), _num(end and end.hr_bpm, "{:.0f}", "bpm")))
        rows.append(("RMSSD", _num(start and start.rmssd_ms, "{:.0f}", "ms"), _num(end and end.rmssd_ms, "{:.0f}", "ms")))
        rows.append(("Swing per breath", _num(start and start.swing_bpm, "{:.1f}", "bpm"), _num(end and end.swing_bpm, "{:.1f}", "bpm")))
        if start is not None:
            span = minutes_text(start.end_s - start.start_s)
            rows[0] = ("", f"first {span}", f"last {span}")
        self._fill(self.grid, rows)
        self.grid.addWidget(QLabel(f"Whole session: {_num(s.mean_hr_bpm, '{:.0f}', 'bpm')}, RMSSD {_num(s.rmssd_ms, '{:.0f}', 'ms')}"), len(rows), 0, 1, 3)

        _clear(self.feelings)
        b, a = s.rating_before, s.rating_after
        feel_rows = [("", "before", "after"), ("Pain", _answer(b, "pain"), _answer(a, "pain")), ("Stress", _answer(b, "stress"), _answer(a, "stress")), ("Mood", _answer(b, "mood"), _answer(a, "mood"))]
        if s.bp_before is not None:
            after = s.bp_after
            feel_rows.append(
                (
                    "Blood pressure",
                    f"{format_mmhg(s.bp_before.systolic_mmhg, s.bp_before.diastolic_mmhg)} mmHg",
                    NOT_KNOWN if after is None else f"{format_mmhg(after.systolic_mmhg, after.diastolic_mmhg)} mmHg",
                )
            )
        self._fill(self.feelings, feel_rows)

        marker_lines = [f"{minutes_text(m.t)}  {m.label}" + (f" ({m.note})" if m.note else "") for m in s.markers]
        if s.phases:
            marker_lines += [f"{minutes_text(p.start_s)}  {p.label}" + (f": coherence {p.coherence_mean:.1f}" if p.coherence_mean is not None else "") for p in s.phases]
        self.markers_heading.setText("Markers and phases" if s.phases else "Markers")
        self.markers.setText("\n".join(marker_lines) if marker_lines else "No markers.")
        self.texts["markers"] = self.markers.text()
        gaps = "no gaps" if not s.gaps else f"{s.gaps} gap{'s' if s.gaps != 1 else ''} ({s.gap_s:.0f} s without beats)"
        signal = f"Signal: {s.artifact_pct:.1f} % of beats corrected as artefacts, {gaps}; {s.beats} beats."
        self.signal.setText(signal)
        self.texts["signal"] = signal

    def _fill(self, grid: QGridLayout, rows: list[tuple[str, str, str]]) -> None:
        """A heading row (bold), then a name and two values per row, values aligned right."""
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                label = QLabel(text if r or c == 0 else f"<b>{text}</b>")
                label.setAlignment(Qt.AlignmentFlag.AlignRight if c else Qt.AlignmentFlag.AlignLeft)
                grid.addWidget(label, r, c)
            if r:
                self.texts[row[0]] = f"{row[1]} -> {row[2]}"


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setObjectName("summaryHeading")
    return label


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class SummaryDialog(QDialog):
    """The summary in its own window, with Close and (where the session can be) Review.

    Signals
    -------
    review_requested()
        The person asked to review this session.
    """

    review_requested = Signal()

    def __init__(self, summary: SessionSummary, can_review: bool = True, parent: QWidget | None = None, blood_pressure: BloodPressureStory | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Session summary")
        self.view = SummaryView()
        self.view.show_summary(summary, blood_pressure)
        scroll = QScrollArea()
        scroll.setWidget(self.view)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.review_button = QPushButton("Review the session")
        self.review_button.setToolTip("Play it back with its plots and markers")
        self.review_button.setVisible(can_review)
        buttons.addButton(self.review_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.review_button.clicked.connect(self.review_requested)
        self.review_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(560, 600)
