"""The client view, driven through a real SessionController and through its own methods."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication

from biofeedback.core.cues import BEAT_DISPLAY_DELAY_S, STEADY_FADE_S, Cue
from biofeedback.core.live import LiveMetrics
from biofeedback.core.pacer import PacerSettings, Phase, pacer_state, preset_by_key
from biofeedback.core.samples import Contact, LinkState, Sample, Status
from biofeedback.qt.client_view import (
    CONTACT_MESSAGE,
    REACH_MESSAGE,
    WAITING_MESSAGE,
    WARMTH_GLIDE_S,
    ClientLauncher,
    ClientView,
    ClientWindow,
)
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.settings import MemoryStore, Settings
from biofeedback.sources.clock import SessionClock


class FakeTime:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def session(qtbot):
    time = FakeTime()
    controller = SessionController(SessionClock(1.0, monotonic=time))
    window = ClientWindow()
    qtbot.addWidget(window)
    window.view.resize(800, 500)
    window.attach(controller)
    yield time, controller, window
    window.close()
    controller.close()


def shown_words(view: ClientView) -> tuple[str, str]:
    canvas = view.canvas
    return (canvas.state.words if canvas.state else canvas.idle_words), canvas.caption


def test_presets_drive_the_words_the_person_reads(session):
    time, controller, window = session
    controller.set_pacer(preset_by_key("box").settings)  # in 4, hold 4, out 4, hold 4
    seen = []
    for second in (1, 5, 9, 13, 17):
        time.t = 1000.0 + second
        window.redraw()
        seen.append((window.view.canvas.state.words, window.view.canvas.state.phase))
    assert seen == [
        ("Breathe in", Phase.INHALE),
        ("Hold", Phase.HOLD_IN),
        ("Breathe out", Phase.EXHALE),
        ("Hold", Phase.HOLD_OUT),
        ("Breathe in", Phase.INHALE),
    ]
    controller.set_pacer(preset_by_key("478").settings)  # a new breath starts now
    time.t += 10.0  # 4 s in + 6 of the 7 s hold
    window.redraw()
    state = window.view.canvas.state
    assert state.phase is Phase.HOLD_IN and state.seconds_left == pytest.approx(1.0)


def test_a_custom_rate_and_ratio(session):
    time, controller, window = session
    controller.set_pacer(PacerSettings.from_ratio(7.5, 1, 2))  # 8 s breath: in 2.67 s, out 5.33 s
    time.t += 3.0
    window.redraw()
    state = window.view.canvas.state
    assert state.phase is Phase.EXHALE
    assert state.seconds_left == pytest.approx(8.0 * 2 / 3 - (3.0 - 8.0 / 3))


def test_pacer_off_says_breathe_freely(session):
    time, controller, window = session
    controller.set_pacer(None)
    window.redraw()
    assert window.view.canvas.state is None
    assert shown_words(window.view)[0] == "Breathe freely"


def test_breath_turns_are_signalled_for_the_audio(session, qtbot):
    time, controller, window = session
    controller.set_pacer(PacerSettings(4.0, 6.0))
    window.redraw()
    time.t += 3.9
    window.redraw()
    with qtbot.waitSignal(window.view.breath_turned, timeout=1000) as turned:
        time.t += 0.2
        window.redraw()
    assert turned.args == ["exhale"]


def test_beats_from_the_controller_light_the_heart_lamp_on_their_own_rhythm(session):
    time, controller, window = session
    controller.on_event(Status(0.0, LinkState.STREAMING, "Demo"))
    controller.on_event(Sample(1.0, 60, (1000.0,), Contact.DETECTED))  # the first beat anchors the timeline
    time.t += 2.0
    controller.on_event(Sample(2.0, 60, (1000.0,), Contact.DETECTED))
    beat = controller.core.timeline.arrays()[0][-1]
    view = window.view
    levels = []
    for dt in np.arange(-0.2, 0.6, 1 / 60):
        view.render_frame(beat + BEAT_DISPLAY_DELAY_S + dt, None)
        levels.append(view.lamps.levels[Cue.BEAT])
    peak = -0.2 + np.argmax(levels) / 60
    assert max(levels) > 0.95
    assert peak == pytest.approx(0.07, abs=0.02)  # the pulse peaks just after its display time


def test_high_coherence_warms_the_picture_gradually_and_lights_the_reward_lamp(qtbot):
    view = ClientView()
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.add_beats([99.0], 100.0)
    with qtbot.waitSignal(view.coherence_reached, timeout=1000):
        view.set_metrics(LiveMetrics(t=100.0, coherence=6.0, coherence_level="high"), 100.0)
    warmth = []
    for now in np.arange(100.0, 100.0 + WARMTH_GLIDE_S + 0.5, 1 / 60):
        view.render_frame(now, None)
        warmth.append(view.canvas.scene.warmth)
    assert warmth[0] == 0.0 and warmth[-1] == 1.0
    assert np.max(np.diff(warmth)) < 0.01  # a glide, never a jump
    assert view.lamps.levels[Cue.REWARD] == 1.0
    assert view.lamps.words[Cue.REWARD] == "coherent"
    view.set_metrics(LiveMetrics(t=110.0, coherence_level="medium"), 110.0)
    view.render_frame(110.0 + STEADY_FADE_S, None)
    assert view.lamps.words[Cue.REWARD] == "steady"
    assert view.lamps.levels[Cue.REWARD] == 0.0


def test_lost_signal_is_told_calmly(qtbot):
    view = ClientView()
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.render_frame(1.0, None)
    assert shown_words(view)[1] == WAITING_MESSAGE
    view.add_beats([1.5], 2.0)
    view.render_frame(2.5, None)
    assert shown_words(view)[1] == ""
    view.set_contact(Contact.NOT_DETECTED)
    view.render_frame(3.0, None)
    assert shown_words(view)[1] == CONTACT_MESSAGE
    view.set_contact(Contact.DETECTED)
    view.set_link(LinkState.RECONNECTING)
    view.render_frame(3.5, None)
    assert shown_words(view)[1] == REACH_MESSAGE
    view.set_link(LinkState.STREAMING)
    view.render_frame(2.0 + 6.0, None)  # no beat for 6 s
    assert shown_words(view)[1] == WAITING_MESSAGE
    view.render_frame(8.0 + STEADY_FADE_S, None)
    assert view.lamps.levels[Cue.SIGNAL_LOST] > 0.5
    for message in (CONTACT_MESSAGE, REACH_MESSAGE, WAITING_MESSAGE):
        assert "!" not in message


def test_words_are_large_enough_to_read_across_a_room(qtbot):
    view = ClientView()
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.render_frame(1.0, pacer_state(PacerSettings(4.0, 6.0), 1.0))
    image = view.grab().toImage()
    band = view.canvas._band((0.6, 0.76))
    rows = [
        y
        for y in range(int(band.top()), int(band.bottom()))
        if any(image.pixelColor(x, y).lightness() > 150 for x in range(700, 1220, 2))
    ]
    assert rows, "no phase words drawn"
    # the letters span at least 6 % of the screen height: 1.8 cm on a 24-inch monitor
    assert rows[-1] - rows[0] >= 0.06 * 1080


# Qt's offscreen platform cannot resize a window to a screen, and says so; real platforms can.
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_full_screen_on_a_chosen_screen(qtbot, caplog):
    window = ClientWindow()
    qtbot.addWidget(window)
    assert window.show_on_screen(0)
    assert window.isFullScreen()
    assert window.screen() is QGuiApplication.screens()[0]
    window.toggle_full_screen()
    assert not window.isFullScreen()
    other = ClientWindow()
    qtbot.addWidget(other)
    with caplog.at_level(logging.WARNING):
        assert not other.show_on_screen(len(QGuiApplication.screens()) + 3)
    assert "There is no screen" in caplog.text
    assert other.isVisible() and not other.isFullScreen()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
def test_launcher_opens_one_window_and_keeps_the_chosen_theme(session, qtbot):
    time, controller, _ = session
    settings = Settings(MemoryStore({"client/theme": "waves", "client/reduced_motion": "on"}))
    launcher = ClientLauncher(controller, settings)
    window = launcher.show_default()
    qtbot.addWidget(window)
    assert window.isVisible()
    assert window.view.theme_name == "waves"
    assert window.view.reduced_motion
    assert launcher.show() is window  # already open: raised, not duplicated
    window.view.build_menu().actions()[0].trigger()  # "Breathing orb"
    assert window.view.theme_name == "orb"
    assert settings.value("client/theme") == "orb"
    still = [a for a in window.view.build_menu().actions() if a.text() == "Reduced motion"][0]
    still.trigger()
    assert not window.view.reduced_motion
    assert settings.value("client/reduced_motion") == "off"
    window.close()


def test_a_coherence_level_hovering_at_high_chimes_only_now_and_then(qtbot):
    view = ClientView()
    qtbot.addWidget(view)
    chimes = []
    view.coherence_reached.connect(lambda: chimes.append(True))
    for k in range(200):  # high and medium alternating every 0.3 s for a minute
        now = 100.0 + 0.3 * k
        view.set_metrics(LiveMetrics(t=now, coherence_level="high" if k % 2 == 0 else "medium"), now)
    assert 1 <= len(chimes) <= 2  # 60 s of hovering: at most one chime per CHIME_MIN_INTERVAL_S


@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise", "does not support activateWindow")
def test_a_closed_client_window_lets_go_of_the_controller_and_comes_back(session, qtbot):
    time, controller, _ = session
    launcher = ClientLauncher(controller)
    window = launcher.show()
    qtbot.addWidget(window)
    assert window.attached
    window.close()
    assert not window.attached
    controller.on_event(Sample(1.0, 60, (1000.0,), Contact.NOT_DETECTED))
    assert window.view.contact is not Contact.NOT_DETECTED  # closed: no longer listening
    assert launcher.show() is window and window.isVisible() and window.attached
    controller.on_event(Sample(2.0, 60, (1000.0,), Contact.NOT_DETECTED))
    assert window.view.contact is Contact.NOT_DETECTED
    window.close()


def test_client_screen_flag_opens_the_client_view_from_the_command_line(tmp_path):
    """``--client-screen N`` through the real entry point: a missing screen is said plainly, not fatal."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    for screen, says in (("0", "Calm view full screen on screen 0"), ("7", "There is no screen 7 (found 1); showing the calm view in a window.")):
        png = tmp_path / f"main-{screen}.png"
        result = subprocess.run(
            [sys.executable, "-m", "biofeedback", "--client-screen", screen, "--screenshot", str(png), "--quit-after", "2"],
            capture_output=True, text=True, timeout=90, env=env,
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert png.exists()
        assert says in result.stderr


@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise", "does not support activateWindow")
def test_settings_saved_elsewhere_are_taken_up(session, qtbot):
    from biofeedback.qt.audio import CueAudio

    time, controller, _ = session
    settings = Settings(MemoryStore())
    audio = CueAudio()
    launcher = ClientLauncher(controller, settings, audio)
    window = launcher.show()
    qtbot.addWidget(window)
    assert window.view.theme_name == "orb" and not window.view.reduced_motion and not audio.enabled
    settings.set_value("client/theme", "waves")
    settings.set_value("client/reduced_motion", "on")
    settings.set_value("audio/enabled", True)
    settings.set_value("audio/volume", 0.25)
    launcher.apply_settings()  # what a settings dialog calls after saving
    assert window.view.theme_name == "waves"
    assert window.view.reduced_motion
    assert audio.enabled and audio.volume == 0.25
    window.close()


def _pixels(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return raw[:, : image.width(), :3].astype(int)


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
@pytest.mark.parametrize("theme", ["orb", "waves"])
def test_repainting_only_what_changed_leaves_no_trace(qtbot, theme):
    """The view repaints only changed parts; what is on screen must equal a full repaint."""
    window = ClientWindow()
    qtbot.addWidget(window)
    window.view.set_theme(theme)
    window.show()
    qtbot.waitExposed(window)
    view, pacer = window.view, PacerSettings(4.0, 6.0)
    for k in range(240):
        now = k / 60
        if k % 50 == 0:
            view.add_beats([now - 1.0], now)
        if k == 100:
            view.set_metrics(LiveMetrics(t=now, coherence_level="high"), now)
        view.render_frame(now, pacer_state(pacer, now))
        QGuiApplication.processEvents()
        if k % 40 == 39:
            shown = _pixels(QGuiApplication.primaryScreen().grabWindow(window.winId()).toImage())
            full = _pixels(window.grab().toImage())
            assert shown.shape == full.shape
            assert np.abs(shown - full).max() <= 1, f"stale pixels on screen at frame {k}"
    window.close()
