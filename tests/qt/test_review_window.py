"""Review through the real window and review bar, offscreen: after a seek the screens show what
they showed when the same recording ran live; play, pause, speed, keys, marker jumps, the strip,
markers added and renamed (appended to the file)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from biofeedback.app.review import open_review
from biofeedback.core.annotations import PhaseChange
from biofeedback.core.live import LiveAnalyzer
from biofeedback.core.session import SessionCore, pacer_from_record
from biofeedback.qt.main_window import MainWindow
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.settings import MemoryStore, Settings
from biofeedback.qt.widgets.metrics_panel import ROWS
from biofeedback.storage.session_file import read_session
from recorded import record_demo


class Hands:
    """A monotonic clock the test winds by hand, s."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    return record_demo(tmp_path_factory.mktemp("review") / "session.bfs")


def screens(window: MainWindow) -> dict:
    """Everything the supervisor view shows, as text and plot data."""
    window.redraw()
    shown = {f"metric {row.key}": window.metrics_panel.value_text(row.key) for row in ROWS}
    for name in ("hr_label", "phase_label", "session_time_label", "status_label", "beats_label"):
        shown[name] = getattr(window, name).text()
    for key in ("contact", "battery", "artifacts", "delay"):
        shown[f"quality {key}"] = window.quality_panel.value_text(key)
    for plot in window.plots:
        for i, item in enumerate(plot.getPlotItem().listDataItems()):
            x, y = item.getData()
            shown[f"{plot.title} {i}"] = (None, None) if x is None else (x.tolist(), y.tolist())
        shown[f"{plot.title} x range"] = plot.getPlotItem().vb.viewRange()[0]
    shown["markers"] = [(line.value(), line.label.format) for line in window.hr_plot._markers]
    return shown


def live_window_run(qtbot, path, at: list[float], clock) -> dict[float, dict]:
    """The recording run live through the window (as a strap would have fed it) on the hand-set
    session ``clock``, and what the screens showed at each of the times ``at``."""
    data = read_session(path)
    controller = SessionController(clock, SessionCore(LiveAnalyzer(None), pacer=None))
    window = MainWindow(controller, Settings(MemoryStore()))
    qtbot.addWidget(window)
    window.resize(1366, 860)
    items = [(t, 0, "pacer", s) for t, s in data.pacer_changes]
    items += [(e.t, 1, "event", e) for e in data.events]
    items += [(m.t, 3, "marker", m) for m in data.markers]
    items.sort(key=lambda x: (x[0], x[1]))
    seen, pending = {}, sorted(at)
    for t, _, kind, payload in items:
        while pending and pending[0] < t:
            clock.t = pending[0]
            seen[pending.pop(0)] = screens(window)
        clock.t = t
        if kind == "pacer":
            controller.set_pacer(pacer_from_record(payload))
        elif kind == "event":
            controller.on_event(payload)
        else:
            controller.core.replay_marker(payload)
    controller.close()
    return seen


TIMES = [40.0, 97.5, 152.0, 230.25, 333.0, 419.0]


def test_after_a_seek_the_window_shows_what_the_live_run_showed(qtbot, recorded, tmp_path, clock):
    live = live_window_run(qtbot, recorded, TIMES, clock)
    copy = tmp_path / recorded.name
    copy.write_bytes(recorded.read_bytes())
    view = open_review(copy, settings=Settings(MemoryStore()), monotonic=Hands())
    qtbot.addWidget(view.window)
    view.window.resize(1366, 860)
    review = view.review
    while not review.session.track.complete:  # the background pass, finished here at once
        review.session.fill_coherence(1000)
    for t in [*TIMES[3:], *TIMES[:3]]:  # forwards and backwards
        review.seek(t)
        shown = screens(view.window)
        for key, value in live[t].items():
            if key == "status_label":  # the last message of any kind live ("... added at 4:20."); a seek says the link's state
                continue
            assert shown[key] == value, f"{key} at {t} s"
        link = review.session.core.status
        said = f"Reviewing {copy.name}." if link is None else (link.message or link.state.value.capitalize())
        assert shown["status_label"] == said
    view.close()


def test_play_pause_speed_keys_markers_and_the_strip(qtbot, recorded, tmp_path):
    path = tmp_path / recorded.name
    path.write_bytes(recorded.read_bytes())
    hands = Hands()
    view = open_review(path, settings=Settings(MemoryStore()), monotonic=hands)
    window, review, bar = view.window, view.review, view.bar
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert review.position == 0.0 and not review.playing and bar.play_button.text() == "Play"

    qtbot.keyClick(window, Qt.Key.Key_Space)  # play
    assert review.playing and bar.play_button.text() == "Pause"
    hands.t += 10.0
    review.tick()
    assert review.position == pytest.approx(10.0) and bar.time_label.text() == "0:10 / 7:00"
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)  # faster: 2x
    assert review.speed == 2.0 and bar.speed_box.currentText() == "2x"
    hands.t += 5.0
    review.tick()
    assert review.position == pytest.approx(20.0)
    bar.speed_box.setCurrentIndex(bar.speed_box.findData(16.0))  # the real combo
    assert review.speed == 16.0
    qtbot.keyClick(window, Qt.Key.Key_K)  # pause
    assert not review.playing
    hands.t += 30.0
    review.tick()
    assert review.position == pytest.approx(20.0)

    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # next marker
    assert review.position == 95.0 and [m.label for m in review.session.core.markers] == ["phone rang"]
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert review.position == 260.0
    qtbot.keyClick(window, Qt.Key.Key_PageUp)  # back to the previous one
    assert review.position == 95.0
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert review.position == 100.0
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert review.position == 40.0
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert review.position == pytest.approx(review.recording.end_s)
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert review.position == 0.0

    strip = bar.strip
    x = strip.x_of(210.0)
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPointF(x, 40).toPoint())
    assert review.position == pytest.approx(210.0, abs=420 / strip._plot_rect().width() + 1e-6)
    window.redraw()
    assert window.session_time_label.text() == f"Session 3:{int(review.position) - 180:02d}"

    qtbot.keyClick(window, Qt.Key.Key_M)  # the window's own marker key, at the playhead
    where = review.position
    assert [m.label for m in review.markers] == ["phone rang", "Marker", "eyes closed"]
    assert "(3)" in bar.markers_button.text()
    with qtbot.waitSignal(review.markers_changed):
        strip_x = strip.x_of(260.0)
        qtbot.mouseClick(strip, Qt.MouseButton.RightButton, pos=QPointF(strip_x, 6).toPoint())
        dialog = window.marker_dialog
        dialog.label_edit.setText("eyes closed, calmer")
        dialog.note_edit.setText("asked to")
        dialog.accept()
    assert bar.strip.markers[-1].label == "eyes closed, calmer"
    data = read_session(path)
    assert [(m.t, m.label, m.note) for m in data.markers] == [(95.0, "phone rang", ""), (pytest.approx(where, abs=1e-4), "Marker", ""), (260.0, "eyes closed, calmer", "asked to")]
    assert data.backwards_events == 0 and data.skipped_lines == 0
    assert path.read_bytes().startswith(recorded.read_bytes())  # appended, never rewritten
    assert not window.record_action.isEnabled() and not window.pacer_box.isEnabled()
    view.close()


def test_play_runs_to_the_end_and_stops(qtbot, recorded, tmp_path):
    hands = Hands()
    view = open_review(recorded, settings=Settings(MemoryStore()), monotonic=hands)
    qtbot.addWidget(view.window)
    review = view.review
    review.seek(410.0)
    review.set_speed(4.0)
    review.play()
    hands.t += 5.0
    review.tick()
    assert not review.playing and review.position == pytest.approx(review.recording.end_s)
    review.play()  # at the end, play starts again from the start
    assert review.playing and review.position == 0.0
    view.close()


def test_a_guided_sessions_phases_are_on_the_plot_after_a_seek(qtbot, tmp_path):
    """The protocol's phases are drawn like markers, live and in review: a seek shows those
    begun by then."""
    phases = (
        PhaseChange(10.0, "session", "baseline", "Baseline: breathe naturally"),
        PhaseChange(100.0, "session", "training", "Training at 6 breaths/min", 6.0),
    )
    path = record_demo(tmp_path / "guided.bfs", 160.0, markers=((130.0, "eyes closed"),), pacer_change=None, drop=None, phases=phases)
    view = open_review(path, settings=Settings(MemoryStore()), monotonic=Hands())
    qtbot.addWidget(view.window)
    plot = view.window.hr_plot
    view.review.seek(60.0)
    assert [label for _t, label in plot.marker_labels()] == ["Baseline: breathe naturally"]
    view.review.seek(150.0)
    assert sorted(plot.marker_labels()) == [(10.0, "Baseline: breathe naturally"), (100.0, "Training at 6 breaths/min"), (130.0, "eyes closed")]
    view.close()


def test_review_on_the_command_line(tmp_path, recorded):
    png = tmp_path / "review.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "biofeedback", "review", str(recorded), "--at", "300", "--screenshot", str(png), "--quit-after", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert png.stat().st_size > 10_000
    bad = subprocess.run([sys.executable, "-m", "biofeedback", "review", str(tmp_path / "missing.bfs")], capture_output=True, text=True, timeout=60, env=env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "does not exist" in bad.stderr
    slow = subprocess.run([sys.executable, "-m", "biofeedback", "review", str(recorded), "--speed", "3"], capture_output=True, text=True, timeout=60, env=env)
    assert slow.returncode == 2 and "0.25, 0.5, 1, 2, 4, 8, 16" in slow.stderr


def test_plain_rr_text_is_reviewed_without_markers_to_add(qtbot, nsrdb_5min_rr, tmp_path):
    path = tmp_path / "export.txt"
    np.savetxt(path, nsrdb_5min_rr, fmt="%.0f")
    view = open_review(path, settings=Settings(MemoryStore()), monotonic=Hands())
    qtbot.addWidget(view.window)
    assert not view.window.marker_action.isEnabled() and not view.window.controls.marker_button.isEnabled()
    view.review.seek(200.0)
    assert view.controller.beat_count > 200 and view.controller.metrics is not None
    assert path.read_text().count("\n") == len(nsrdb_5min_rr)  # untouched
    view.close()


def test_the_review_bar_hint_shows_whole_or_not_at_all(qtbot, recorded):
    """At 1280 px with Report... and Back to the live session the hint has no room: it is not
    cut at its start, it is left out (its tooltip keeps it); on a wide screen it shows."""
    view = open_review(recorded, settings=Settings(MemoryStore()), monotonic=Hands(), report=lambda _path: None)
    window, bar = view.window, view.bar
    qtbot.addWidget(window)
    bar.offer_back(True)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: bar.live_button.isVisible(), timeout=2000)
    assert not bar.hint.fits() and bar.hint.toolTip()
    shot = bar.hint.grab().toImage()
    assert len({shot.pixel(x, y) for x in range(0, shot.width(), 2) for y in range(shot.height())}) <= 1, "nothing drawn"
    window.resize(1900, 1000)
    qtbot.waitUntil(bar.hint.fits, timeout=2000)
    view.close()


def test_the_reviewer_sees_the_blood_pressure_before_and_after(qtbot, recorded, tmp_path):
    from biofeedback.core import words
    from biofeedback.core.samples import BloodPressure
    from biofeedback.storage.library import summarize_recording
    from biofeedback.storage.recordings import load_recording

    before = BloodPressure(0.0, 132.0, 86.0, pulse_bpm=71.0, origin="manual", when="before")
    after = BloodPressure(300.0, 124.0, 80.0, flags=("irregular_pulse",), when="after")
    path = record_demo(tmp_path / "pressure.bfs", 300.0, markers=(), drop=None, pacer_change=None, blood_pressure=(before, after))
    view = open_review(path, settings=Settings(MemoryStore()), monotonic=Hands())
    qtbot.addWidget(view.window)
    view.window.resize(1280, 720)
    view.window.show()
    qtbot.waitExposed(view.window)
    label, strip = view.bar.pressure_label, view.bar.strip
    sentence = words.BP_EASED.format(before="132/86", after="124/80")
    assert label.isVisible() and label.text() == sentence
    assert sentence == summarize_recording(load_recording(path)).blood_pressure_story().sentence  # the summary's words
    assert label.height() >= label.heightForWidth(label.width()) and view.window.width() <= 1280  # whole, in a 1280-wide window
    tip = label.toolTip()
    assert "132/86 mmHg · pulse 71" in tip and "124/80 mmHg · irregular pulse" in tip
    assert words.BP_FLAG_EXPLANATIONS["irregular_pulse"] in tip
    assert [r.when for r in strip.readings] == ["before", "after"]  # marked in the strip where they were taken
    assert strip.describe(0.0).endswith("blood pressure before: 132/86 mmHg")
    assert strip.describe(view.review.recording.end_s).endswith("blood pressure after: 124/80 mmHg")
    assert "blood pressure" not in strip.describe(150.0)
    view.close()

    plain = open_review(recorded, settings=Settings(MemoryStore()), monotonic=Hands())  # no cuff: nothing said
    qtbot.addWidget(plain.window)
    assert not plain.bar.pressure_label.isVisibleTo(plain.window) and not plain.bar.strip.readings
    plain.close()
