"""The supervisor view, driven through its real widgets offscreen.

The session clock is a hand-wound fake, so every time and every beat is known to the test.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from biofeedback.core.live import LiveAnalyzer, LiveMetrics
from biofeedback.core.pacer import PacerSettings, pacer_state
from biofeedback.core.samples import Battery, Contact, LinkState, Sample, Status
from biofeedback.qt import palette
from biofeedback.qt.main_window import CONTACT_LOST_TEXT, MainWindow
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.settings import MemoryStore, Settings
from biofeedback.qt.widgets.metrics_panel import NOT_YET, not_available
from biofeedback.qt.widgets.plot_base import SessionTimeAxis
from biofeedback.qt.widgets.session_controls import CUSTOM_KEY, HOLDS_TOO_LONG
from biofeedback.sources.clock import SessionClock
from biofeedback.core.session import SessionCore
from biofeedback.storage.session_file import SessionWriter, make_header, read_session


class Hands:
    """A monotonic clock the test winds by hand, s."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def hands() -> Hands:
    return Hands()


@pytest.fixture
def store() -> MemoryStore:
    """Preferences of a therapist who works in the clinic view (the home screen has its own tests)."""
    return MemoryStore({"window/mode": "clinic"})


def show_active(qtbot, w) -> None:
    """Show ``w`` as the active window, so its window-wide shortcuts answer keys."""
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.windowHandle().requestActivate()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)


@pytest.fixture
def window(qtbot, hands, store):
    controller = SessionController(SessionClock(1.0, monotonic=hands))
    w = MainWindow(controller, Settings(store))
    show_active(qtbot, w)
    return w


def feed(window: MainWindow, hands: Hands, t: float, rr_ms: tuple[float, ...], contact=Contact.DETECTED) -> None:
    """One strap notification arriving at session time ``t`` (the clock reads ``t`` too)."""
    hands.t = t
    window.controller.on_event(Sample(t, round(60000 / rr_ms[-1]) if rr_ms else None, rr_ms, contact))


# ---------------------------------------------------------------- pacer settings and presets


def test_presets_apply_their_exact_pattern_through_the_real_combo(window):
    box = window.pacer_box
    box.preset_box.setFocus()
    expected = {
        # key: (in, out, hold in, hold out) from the published patterns, and what people read
        "box": (PacerSettings(4.0, 4.0, 4.0, 4.0), "3.8 breaths/min, in 4.0 s, hold 4.0 s, out 4.0 s, hold 4.0 s"),
        "478": (PacerSettings(4.0, 8.0, 7.0, 0.0), "3.2 breaths/min, in 4.0 s, hold 7.0 s, out 8.0 s"),
        "coherent": (PacerSettings(60 / 11, 60 / 11), "5.5 breaths/min, in 5.5 s, out 5.5 s"),
        "resonance": (PacerSettings(4.0, 6.0), "6.0 breaths/min, in 4.0 s, out 6.0 s"),
    }
    for key, (settings, words) in expected.items():
        box.preset_box.setCurrentIndex(box.preset_box.findData(key))
        assert window.controller.pacer == settings
        assert box.summary.text() == words
        assert box.rate_box.text() == f"{60 / settings.period_s:.1f} breaths/min"


def test_preset_chosen_with_the_keyboard(qtbot, window):
    box = window.pacer_box
    box.preset_box.setFocus()
    assert box.preset_key() == "resonance"
    qtbot.keyClick(box.preset_box, Qt.Key.Key_Down)  # the next pattern in the list
    assert box.preset_key() == "coherent"
    assert window.controller.pacer.inhale_s == pytest.approx(60 / 5.5 / 2)


def test_typing_a_rate_makes_a_custom_pattern(qtbot, window, hands):
    box = window.pacer_box
    hands.t = 30.0
    box.rate_box.setFocus()
    box.rate_box.selectAll()
    qtbot.keyClicks(box.rate_box, "5.5")
    qtbot.keyClick(box.rate_box, Qt.Key.Key_Return)
    pacer = window.controller.pacer
    assert box.preset_key() == CUSTOM_KEY
    assert box.preset_box.currentText() == "Custom"
    assert pacer.breaths_per_min == pytest.approx(5.5)
    assert pacer.exhale_s / pacer.inhale_s == pytest.approx(1.5)  # the resonance preset's 1 : 1.5 kept
    assert window.controller.pacer_start == 30.0  # a new breath starts now
    assert box.summary.text() == "5.5 breaths/min, in 4.4 s, out 6.5 s"


def test_ratio_and_holds_through_the_spin_boxes(qtbot, window):
    box = window.pacer_box
    box.ratio_box.setFocus()
    for _ in range(5):  # 1 : 1.5 -> 1 : 2.0 in steps of 0.1
        qtbot.keyClick(box.ratio_box, Qt.Key.Key_Up)
    box.hold_in_box.setFocus()
    qtbot.keyClick(box.hold_in_box, Qt.Key.Key_Up)  # 0.5 s steps
    qtbot.keyClick(box.hold_in_box, Qt.Key.Key_Up)
    pacer = window.controller.pacer
    assert box.ratio_box.text() == "1 : 2.0"
    assert box.hold_in_box.text() == "1.0 s"
    assert pacer.period_s == pytest.approx(10.0)  # still 6 breaths/min
    assert pacer.hold_in_s == 1.0
    assert pacer.inhale_s == pytest.approx(3.0) and pacer.exhale_s == pytest.approx(6.0)


def test_holds_longer_than_the_breath_are_refused_kindly(window):
    box = window.pacer_box
    box.rate_box.setValue(12.0)  # 5 s per breath
    before = window.controller.pacer
    box.hold_in_box.setValue(3.0)
    box.hold_out_box.setValue(3.0)
    assert box.summary.text() == HOLDS_TOO_LONG
    assert "!" not in HOLDS_TOO_LONG
    assert window.controller.pacer.hold_out_s == 0.0 and window.controller.pacer.period_s == pytest.approx(before.period_s)


def test_switching_the_pacer_off_and_on(window):
    box = window.pacer_box
    box.choose_preset("box")
    box.enabled_box.click()
    assert window.controller.pacer is None
    assert window.phase_label.text() == "Breathing freely"
    assert not box.rate_box.isEnabled()
    box.enabled_box.click()
    assert window.controller.pacer == PacerSettings(4.0, 4.0, 4.0, 4.0)


def test_the_phase_is_shown_in_words_with_seconds_left(window, hands):
    window.pacer_box.choose_preset("478")
    start = window.controller.pacer_start
    cases = {0.5: "Breathe in · 4 s", 4.2: "Hold · 7 s", 11.0: "Breathe out · 8 s", 18.9: "Breathe out · 1 s"}
    for dt, words in cases.items():
        hands.t = start + dt
        window.redraw()
        assert window.phase_label.text() == words


def test_pacer_settings_survive_a_restart(qtbot, window, store, hands):
    window.pacer_box.choose_preset("478")
    window.close()
    again = MainWindow(SessionController(SessionClock(1.0, monotonic=hands)), Settings(store))
    qtbot.addWidget(again)
    assert again.pacer_box.preset_key() == "478"
    assert again.controller.pacer == PacerSettings(4.0, 8.0, 7.0, 0.0)


def test_a_custom_pattern_and_pacer_off_survive_a_restart(qtbot, window, store, hands):
    box = window.pacer_box
    box.rate_box.setValue(4.5)
    box.enabled_box.click()
    window.close()
    again = MainWindow(SessionController(SessionClock(1.0, monotonic=hands)), Settings(store))
    qtbot.addWidget(again)
    assert again.pacer_box.preset_key() == CUSTOM_KEY
    assert again.pacer_box.rate_box.value() == pytest.approx(4.5)
    assert again.controller.pacer is None
    assert not again.pacer_box.enabled_box.isChecked()


# ---------------------------------------------------------------- metrics and signal quality text


METRICS = LiveMetrics(
    t=100.0,
    hr_bpm=64.4,
    rmssd_ms=41.6,
    coherence=2.34,
    coherence_level="medium",
    hr_swing_bpm=11.26,
    breathing_compliance=0.834,
    artifact_pct=1.3,
    artifact_times=(),
    spectrum_hz=np.linspace(0.0, 0.5, 129),
    spectrum_ms2_per_hz=np.exp(-(((np.linspace(0.0, 0.5, 129) - 0.1) / 0.01) ** 2)) * 3000.0,
)


def test_metrics_panel_shows_exact_text_with_units(window):
    panel = window.metrics_panel
    before = [panel.value_text(k) for k in ("hr", "rmssd", "coherence", "swing", "compliance")]
    assert all(text.startswith(NOT_YET) for text in before)
    window.on_metrics(METRICS)
    assert panel.value_text("hr").startswith(NOT_YET)  # drawn on the display tick, not per beat
    window.redraw()
    assert panel.value_text("hr") == "64 bpm"
    assert panel.value_text("rmssd") == "42 ms"
    assert panel.value_text("coherence") == "2.3 · steady"
    assert panel.value_text("swing") == "11.3 bpm"
    assert panel.value_text("compliance") == "83 %"
    assert window.hr_label.text() == "64 bpm"


@pytest.mark.parametrize(("level", "word"), [("low", "settling"), ("medium", "steady"), ("high", "coherent")])
def test_coherence_level_is_told_in_words(window, level, word):
    window.on_metrics(LiveMetrics(t=1.0, coherence=5.0, coherence_level=level))
    window.redraw()
    assert window.metrics_panel.value_text("coherence") == f"5.0 · {word}"


def test_each_metric_explains_its_window_and_formula_on_hover(window):
    panel = window.metrics_panel
    assert "Window: the last 64 s" in panel.tooltip("coherence")
    assert "0.030 Hz" in panel.tooltip("coherence") and "0.04 and 0.26 Hz" in panel.tooltip("coherence")
    assert "Formula: sqrt(mean((RRᵢ₊₁ − RRᵢ)²))" in panel.tooltip("rmssd")
    for key in ("hr", "rmssd", "coherence", "swing", "compliance"):
        assert "Formula:" in panel.tooltip(key)


def test_signal_quality_shows_exact_text(window, hands):
    q = window.quality_panel
    assert q.value_text("contact") == "—"
    feed(window, hands, 10.0, (800.0,))
    assert q.value_text("contact") == "Good"
    window.controller.on_event(Battery(10.0, 15))
    assert q.value_text("battery") == "15 % (charge it after this session)"
    window.controller.on_event(Battery(11.0, 80))
    assert q.value_text("battery") == "80 %"
    window.on_metrics(LiveMetrics(t=10.0, artifact_pct=6.0))
    window.redraw()
    assert q.value_text("artifacts") == "6.0 % of recent beats (check the strap's fit)"
    window.on_metrics(LiveMetrics(t=11.0, artifact_pct=1.3))
    window.redraw()
    assert q.value_text("artifacts") == "1.3 % of recent beats"


def test_beat_delay_is_the_time_from_the_newest_beat_to_its_arrival(window, hands):
    # the first notification anchors its last beat to its own send time (10.0 s); the GUI reads
    # the clock 0.3 s later, so the delay is 0.3 s
    hands.t = 10.3
    window.controller.on_event(Sample(10.0, 75, (800.0,), Contact.DETECTED))
    assert window.controller.beat_latency_s == pytest.approx(0.3)
    assert window.quality_panel.value_text("delay") == "0.3 s"


def test_lost_contact_is_said_kindly_and_clears(window, hands):
    feed(window, hands, 5.0, (800.0,), Contact.NOT_DETECTED)
    assert window.notice_label.isVisible()
    assert window.notice_label.text() == CONTACT_LOST_TEXT
    assert window.quality_panel.value_text("contact") == "Lost: moisten the electrodes and press the strap gently on"
    assert "!" not in CONTACT_LOST_TEXT
    feed(window, hands, 6.0, (800.0,), Contact.DETECTED)
    assert not window.notice_label.isVisible()


# ---------------------------------------------------------------- plots get the controller's data


def test_plots_show_beats_artefacts_and_the_pacer(window, hands):
    rr = np.array([800.0, 820.0, 790.0, 1500.0, 810.0, 805.0])
    t = 10.0
    for r in rr:
        t += r / 1000.0
        feed(window, hands, t, (r,))
    beat_t, beat_rr = window.controller.tachogram_series()
    artefact_t = (float(beat_t[3]),)
    window.on_metrics(LiveMetrics(t=t, artifact_times=artefact_t, artifact_pct=100 / 6))
    window.redraw()
    hr_x, hr_y = window.hr_plot._hr.getData()
    np.testing.assert_allclose(hr_y, 60000.0 / rr)
    rr_x, rr_y = window.tachogram._rr.getData()
    np.testing.assert_allclose(rr_y, rr)
    cross = window.tachogram._artifacts.getData()
    assert list(cross[1]) == [1500.0]
    breath_t, breath = window.hr_plot._breath.getData()
    assert breath_t[-1] <= hands.t and 0.0 <= breath.min() and breath.max() <= 1.0
    assert window.beats_label.text() == "6 beats"


def test_the_heart_rate_line_breaks_across_a_gap(window, hands):
    t = 10.0
    for _ in range(5):
        t += 0.8
        feed(window, hands, t, (800.0,))
    t += 10.0  # ten seconds of lost notifications
    for _ in range(3):
        feed(window, hands, t, (800.0,))
        t += 0.8
    connect = window.controller.beat_connect()
    assert connect.tolist() == [True, True, True, True, False, True, True, False]


def test_coherence_trend_and_spectrum_are_drawn(window):
    for i, c in enumerate((0.5, 1.5, 3.5)):
        m = LiveMetrics(t=70.0 + i, coherence=c, coherence_level="low", spectrum_hz=METRICS.spectrum_hz, spectrum_ms2_per_hz=METRICS.spectrum_ms2_per_hz)
        window.controller.core._metrics_updated(m)  # as the live analyser's result would arrive
    window.redraw()
    x, y = window.coherence_plot._trend.getData()
    assert list(x) == [70.0, 71.0, 72.0] and list(y) == [0.5, 1.5, 3.5]
    sx, sy = window.spectrum_plot._psd.getData()
    np.testing.assert_array_equal(sy, METRICS.spectrum_ms2_per_hz)
    assert not window.spectrum_plot._empty.isVisible()
    assert window.spectrum_plot._pacer.value() == pytest.approx(0.1)  # 6 breaths/min


# ---------------------------------------------------------------- keyboard and requests


def test_space_starts_then_stops_a_recorded_session(qtbot, tmp_path, hands, store):
    path = tmp_path / "today.bfs"
    controller = SessionController(
        SessionClock(1.0, monotonic=hands),
        SessionCore(open_sink=lambda start: SessionWriter(path, make_header("demo", {}, {}, "test"))),
    )
    window = MainWindow(controller, Settings(store))
    show_active(qtbot, window)
    assert window.controls.record_button.text() == "Start recording  (Space)"
    assert window.controls.indicator.isHidden()
    with qtbot.waitSignal(window.session_start_requested, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Space)
    assert controller.recording_path == path
    assert window.controls.record_button.text() == "Stop recording  (Space)"
    assert not window.controls.indicator.isHidden()  # a recording mark in the header
    assert window.controls.indicator.text() == "● Recording 0:00"
    assert window.controls.indicator.toolTip() == f"Recording to {path}"
    hands.t = 75.0
    window.redraw()
    assert window.controls.indicator.text() == "● Recording 1:15"
    with qtbot.waitSignal(window.session_stopped, timeout=1000) as stopped:
        qtbot.keyClick(window, Qt.Key.Key_Space)
    assert stopped.args == [path]
    assert controller.recording_path is None
    assert window.controls.record_button.text() == "Start recording  (Space)"
    assert window.controls.indicator.isHidden()
    assert window.status_label.text() == f"Saved to {path}."  # where it went, said on stop
    assert read_session(path).ended_cleanly
    controller.close()


def test_a_session_that_cannot_be_saved_is_said_in_the_status_bar(qtbot, window):
    window.controller.error_occurred.emit("The session cannot be saved: the disk is full.")
    assert window.status_label.text() == "The session cannot be saved: the disk is full."


def test_m_adds_a_marker_shown_on_the_heart_rate_plot(qtbot, window, hands):
    hands.t = 75.0
    with qtbot.waitSignal(window.controller.marker_added, timeout=1000) as caught:
        qtbot.keyClick(window, Qt.Key.Key_M)
    assert caught.args[0].t == 75.0
    assert [line.value() for line in window.hr_plot._markers] == [75.0]
    assert window.status_label.text() == "Marker added at 1:15."


def test_ctrl_k_asks_for_the_client_view_and_f11_toggles_full_screen(qtbot, window):
    with qtbot.waitSignal(window.client_view_requested, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.fullscreen_action.isChecked()
    qtbot.waitUntil(window.isFullScreen, timeout=1000)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=1000)


# ---------------------------------------------------------------- appearance


def test_light_and_dark_appearance_recolour_and_persist(window, store):
    window.appearance_actions["light"].trigger()
    assert window.hr_plot.backgroundBrush().color() == palette.LIGHT.plot
    assert window.palette().window().color() == palette.LIGHT.window
    assert window.metrics_panel.findChild(type(window.hr_label), "metricValue").palette().windowText().color() == palette.LIGHT.text
    assert Settings(store).value("supervisor/appearance") == "light"
    window.appearance_actions["dark"].trigger()
    assert window.hr_plot.backgroundBrush().color() == palette.DARK.plot
    assert window.pacer_box.rate_box.palette().base().color() == palette.DARK.plot
    assert Settings(store).value("supervisor/appearance") == "dark"



# ---------------------------------------------------------------- live pipeline to the screen


def test_metrics_from_the_live_pipeline_reach_the_panels_within_a_few_display_ticks(qtbot, hands, store):
    controller = SessionController(SessionClock(1.0, monotonic=hands), SessionCore(LiveAnalyzer(PacerSettings(4.0, 6.0))))
    window = MainWindow(controller, Settings(store))
    show_active(qtbot, window)
    emitted = []
    controller.metrics_updated.connect(emitted.append)
    t = 0.0
    for i in range(110):  # about 90 s of a heart rate swinging with a 10 s breath
        rr = 850.0 + 80.0 * np.sin(2 * np.pi * t / 10.0)
        t += rr / 1000.0
        feed(window, hands, t, (rr,))
    last = emitted[-1]
    assert last.coherence is not None and last.rmssd_ms is not None
    for _ in range(12):  # 0.6 s of display ticks at 20 Hz
        window.display_tick()
    panel = window.metrics_panel
    assert panel.value_text("hr") == f"{last.hr_bpm:.0f} bpm"
    assert panel.value_text("rmssd") == f"{last.rmssd_ms:.0f} ms"
    word = {"low": "settling", "medium": "steady", "high": "coherent"}[last.coherence_level]
    assert panel.value_text("coherence") == f"{last.coherence:.1f} · {word}"
    np.testing.assert_array_equal(window.spectrum_plot._psd.getData()[1], last.spectrum_ms2_per_hz)
    assert window.coherence_plot._trend.getData()[1][-1] == last.coherence


def test_a_display_tick_repaints_at_most_one_plot(window, hands):
    for i in range(20):
        feed(window, hands, 1.0 + 0.8 * i, (800.0,))
    window.on_metrics(METRICS)
    touched = []
    for plot in window.plots:
        plot.getPlotItem().vb.sigStateChanged.connect(lambda _vb, p=plot: touched.append(p))
    for _ in range(8):
        hands.t += 0.05
        before = len(touched)
        window.display_tick()
        assert len({id(p) for p in touched[before:]}) <= 1


@pytest.mark.parametrize("pacer", [PacerSettings(4.0, 6.0), PacerSettings(4.0, 8.0, 7.0, 0.0), PacerSettings(4.0, 4.0, 4.0, 4.0)])
def test_the_plotted_breath_wave_is_the_pacer_itself(qtbot, hands, pacer):
    controller = SessionController(SessionClock(1.0, monotonic=hands), SessionCore(pacer=None))
    hands.t = 3.3
    controller.set_pacer(pacer)
    hands.t = 200.0
    t, volume = controller.pacer_wave(80.0, 200.0)
    assert np.allclose(np.diff(t), 0.5) and t[0] >= 80.0 and t[-1] < 200.0
    steps = (t - 3.3) / 0.5
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)  # on a grid fixed to the pacer's start
    oracle = [pacer_state(pacer, x - 3.3).volume for x in t]
    np.testing.assert_allclose(volume, oracle, atol=2e-4)
    controller.close()


def test_when_beats_stop_the_delay_row_says_for_how_long(window, hands):
    feed(window, hands, 10.0, (800.0,))
    hands.t = 13.0
    window.redraw()
    assert window.quality_panel.value_text("delay") == "0.0 s"  # as measured on arrival
    hands.t = 22.4
    window.redraw()
    assert window.quality_panel.value_text("delay") == "no beats for 12 s"
    feed(window, hands, 23.0, (800.0,))  # beats again: the row shows their measured delay
    assert window.quality_panel.value_text("delay").startswith(f"{window.controller.beat_latency_s:.1f} s")


def test_a_lost_link_clears_contact_and_heart_rate(window, hands):
    feed(window, hands, 10.0, (800.0,))
    assert window.quality_panel.value_text("contact") == "Good"
    window.controller.on_event(Status(11.0, LinkState.LOST, "The strap stopped sending. Looking for it again."))
    assert window.quality_panel.value_text("contact") == "—"
    assert window.hr_label.text() == "-- bpm"
    assert window.status_label.text() == "The strap stopped sending. Looking for it again."


def test_session_time_axis_reads_like_a_clock():
    axis = SessionTimeAxis(orientation="bottom")
    assert axis.tickSpacing(0.0, 120.0, 800.0) == [(15.0, 0.0)]  # 13.5 s wanted -> 15 s
    assert axis.tickSpacing(0.0, 600.0, 400.0) == [(300.0, 0.0)]
    assert axis.tickStrings([0.0, 75.0, 3600.0], 1.0, 15.0) == ["0:00", "1:15", "60:00"]


def test_the_calm_view_look_and_sound_are_chosen_from_the_supervisor(qtbot, window):
    from biofeedback.qt.audio import CueAudio
    from biofeedback.qt.client_view import ClientLauncher

    audio = CueAudio()
    launcher = ClientLauncher(window.controller, window.settings, audio)
    window.client_view_requested.connect(launcher.show_default)  # as app.py wires them
    window.client_preferences_changed.connect(launcher.apply_settings)
    window.controls.client_button.click()
    client = launcher.window
    qtbot.addWidget(client)
    assert client.isVisible() and client.view.theme_name == "orb"

    window.client_pref_actions[("client/theme", "waves")].trigger()
    assert client.view.theme_name == "waves"
    assert window.settings.value("client/theme") == "waves"
    window.client_pref_actions[("client/reduced_motion", "on")].trigger()
    assert client.view.reduced_motion
    window.client_pref_actions[("audio/enabled", True)].trigger()
    assert audio.enabled and window.settings.value("audio/enabled") is True

    # a choice made in the calm view's own menu shows up ticked in the supervisor's
    window.settings.set_value("client/theme", "orb")
    window._sync_client_menu()
    assert window.client_pref_actions[("client/theme", "orb")].isChecked()
    assert not window.client_pref_actions[("client/theme", "waves")].isChecked()
    client.close()


def test_a_beat_placed_a_few_ms_past_the_clock_shows_no_negative_delay():
    from biofeedback.qt.widgets.signal_quality import delay_text

    assert delay_text(-0.004) == "0.0 s"
    assert delay_text(0.3) == "0.3 s"


def test_a_metric_without_enough_data_is_not_available_with_why_never_a_number(window):
    """Too few beats for a metric: a dash and the reason, e.g. RMSSD needs 30 s, coherence 64 s."""
    panel = window.metrics_panel
    window.on_metrics(LiveMetrics(t=20.0, hr_bpm=70.0))  # 20 s of beats: only the heart rate is honest
    window.redraw()
    assert panel.value_text("hr") == "70 bpm"
    assert panel.value_text("rmssd") == not_available("needs 30 s of beats")
    assert panel.value_text("coherence") == not_available("needs 64 s of beats")
    for key in ("rmssd", "coherence", "swing", "compliance"):
        label = panel._values[key]
        shown = QTextDocumentFragment.fromHtml(label.text()).toPlainText()
        assert not any(ch.isdigit() for ch in shown.split("needs")[0]), shown  # no number before the reason
    window.pacer_box.enabled_box.click()  # the pacer off: breathing with it cannot be said at all
    window.on_metrics(LiveMetrics(t=100.0, breathing_compliance=0.9))
    window.redraw()
    assert panel.value_text("compliance") == not_available("the pacer is off")


# ---------------------------------------------------------------- the wheel scrolls the side panel


def wheel_over(widget, steps: int = -3):
    """A wheel event over the middle of ``widget`` (negative steps: scrolling down), sent to it.
    Qt hands a wheel event on to the parent only when it comes from the platform, so the test
    checks that the control left it unaccepted, which is what lets the panel take it."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
    return event


def test_the_wheel_scrolls_the_side_panel_and_leaves_the_pacer_alone(qtbot, window):
    """At 1280x720 the side panel scrolls: a therapist scrolling it with the pointer over the Rate
    box changed the pacer mid-recording (6.0 -> 5.7). The wheel now scrolls the panel; the box
    turns only once it has the keyboard."""
    rate, pattern = window.pacer_box.rate_box, window.pacer_box.preset_box
    before_rate, before_pattern = rate.value(), pattern.currentIndex()
    for control in (rate, pattern):
        assert not control.hasFocus()
        event = wheel_over(control)
        assert not event.isAccepted(), "handed on to the scroll area"
    assert rate.value() == before_rate and pattern.currentIndex() == before_pattern
    rate.setFocus()
    qtbot.waitUntil(rate.hasFocus, timeout=1000)
    wheel_over(rate, steps=1)
    assert rate.value() > before_rate, "a box with the keyboard still turns with the wheel"


def test_a_metric_not_available_keeps_its_reason_whole_in_a_narrow_panel(qtbot):
    """In review at 1280x720 the side panel is narrow: the names wrap, the values never clip."""
    from biofeedback.qt.widgets.metrics_panel import MetricsPanel

    panel = MetricsPanel()
    qtbot.addWidget(panel)
    panel.setStyleSheet("QLabel#metricValue { font-size: 13pt; font-weight: bold; }")  # as the window styles it
    panel.setFixedWidth(340)
    panel.show()
    qtbot.waitExposed(panel)
    for key in ("rmssd", "coherence", "swing", "compliance"):
        panel.set_value(key, not_available("needs a whole breath"))
    qtbot.wait(20)
    for key in ("rmssd", "coherence", "swing", "compliance"):
        label = panel._values[key]
        assert label.width() >= label.sizeHint().width(), key
