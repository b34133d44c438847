"""The everyday experience (issue 14): two ways in, shortcuts that always work, markers with words,
recording that tells the truth, plots that fill at any speed, names and looks that agree.

Driven through the real widgets offscreen, with a hand-wound session clock.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMenu

from biofeedback.core.annotations import Marker
from biofeedback.core.live import LiveMetrics
from biofeedback.core.samples import Sample, SourceInfo, SourceKind
from biofeedback.core.session import SessionCore
from biofeedback.qt import palette
from biofeedback.qt.devices import DeviceController, DevicePhase, DeviceState
from biofeedback.qt.main_window import MainWindow
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.settings import MemoryStore, Settings
from biofeedback.sources.clock import SessionClock
from biofeedback.storage.session_file import SessionWriter, make_header, read_session

STRAP = SourceInfo(SourceKind.STRAP, "ble:AA", live=True, recorded_by_default=True, device={"name": "Polar H10"}, name="Polar H10")
DEMO = SourceInfo(SourceKind.DEMO, "demo", live=True, recorded_by_default=False, name="the demo")


class Hands:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def show_active(qtbot, w) -> None:
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.windowHandle().requestActivate()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)


@pytest.fixture
def hands() -> Hands:
    return Hands()


_OPEN: list[SessionController] = []


@pytest.fixture(autouse=True)
def _close_sessions():
    """Every session a test opened is closed (its file too) when the test ends."""
    yield
    while _OPEN:
        _OPEN.pop().close()


def make_window(qtbot, hands, tmp_path, values=None, source=STRAP):
    files = iter(tmp_path / f"{i}.bfs" for i in range(20))
    core = SessionCore(open_sink=lambda start: SessionWriter(next(files), make_header("x", {}, {}, "test", start.t)))
    controller = SessionController(SessionClock(1.0, monotonic=hands), core)
    _OPEN.append(controller)
    window = MainWindow(controller, Settings(MemoryStore(values or {})))
    show_active(qtbot, window)
    if source is not None:
        controller.source_started(source, keep_recording=False)
        controller.on_event(Sample(0.5, 60, (1000.0,)))
    return window, controller


def focus_on(qtbot, widget) -> None:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=1000)


# ---------------------------------------------------------------- 1. two ways in


def test_a_first_start_opens_the_home_screen_with_one_obvious_start(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path)
    assert window.mode == "home" and window.pages.currentWidget() is window.home
    assert window.home.isVisible() and not window.clinic.isVisible()
    assert window.windowTitle() == "Home"  # Qt adds the application's name once
    assert window.home.start_button.text() == "Start session  (Space)"
    assert window.home.time_label.text() == "0:00"
    assert not window.statusBar().isVisible()  # beat counts and link details are for the clinic
    # nothing technical: no plots, no metrics, no spin boxes on the patient's screen
    assert not any(plot.isVisible() for plot in window.plots)
    assert not window.pacer_box.isVisible() and not window.metrics_panel.isVisible()


def test_the_clinic_view_is_one_click_away_and_remembered(qtbot, hands, tmp_path):
    store = MemoryStore()
    window, controller = make_window(qtbot, hands, tmp_path, source=None)
    window.settings = Settings(store)
    qtbot.mouseClick(window.home.clinic_button, Qt.MouseButton.LeftButton)
    assert window.mode == "clinic" and window.clinic.isVisible() and not window.home.isVisible()
    assert window.windowTitle() == "Clinic view"
    assert Settings(store).value("window/mode") == "clinic"
    again = MainWindow(SessionController(SessionClock(1.0, monotonic=hands)), Settings(store))
    qtbot.addWidget(again)
    assert again.mode == "clinic"  # a remembered setting
    qtbot.mouseClick(window.controls.home_button, Qt.MouseButton.LeftButton)
    assert window.mode == "home" and Settings(store).value("window/mode") == "home"


def test_start_session_saves_a_strap_session_with_its_time_and_goal(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, {"home/goal_min": 5})
    home = window.home
    assert home.goal_minutes() == 5 and home.time_label.text() == "0:00 of 5:00"
    hands.t = 10.0
    with qtbot.waitSignal(window.session_started, timeout=1000):
        qtbot.mouseClick(home.start_button, Qt.MouseButton.LeftButton)
    assert controller.recording and home.start_button.text() == "Stop session  (Space)"
    assert not home.goal_box.isEnabled()
    hands.t = 70.0
    window.redraw()
    assert home.time_label.text() == "1:00 of 5:00"
    hands.t = 310.0
    window.redraw()
    assert home.time_label.text() == "5:00 · goal reached"  # the session goes on past its goal
    with qtbot.waitSignal(window.session_stopped, timeout=1000) as stopped:
        qtbot.mouseClick(home.start_button, Qt.MouseButton.LeftButton)
    path = stopped.args[0]
    assert path == tmp_path / "0.bfs" and read_session(path).ended_cleanly
    assert home.message_label.text() == f"Saved to {path}."
    assert home.start_button.text() == "Start session  (Space)"
    hands.t = 400.0
    window.redraw()
    assert home.time_label.text() == "5:00 · goal reached"  # the finished session's time stays


def test_the_demo_at_home_is_practice_and_saves_nothing(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, source=DEMO)
    stopped = []
    window.session_stopped.connect(stopped.append)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.session_running and not controller.recording
    assert window.home.message_label.text() == "Practice with the demo heartbeat: this session is not saved."
    hands.t = 30.0
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.session_running and stopped == [None]
    assert list(tmp_path.glob("*.bfs")) == []
    assert window.home.message_label.text() == "Practice ended after 0:30. Nothing was saved: it was the demo heartbeat."


def test_the_start_and_stop_flow_can_take_steps_in_between(qtbot, hands, tmp_path):
    """The app can put "rate how you feel" before and "show the summary" after (default_flow=False)."""
    controller = SessionController(SessionClock(1.0, monotonic=hands), SessionCore())
    window = MainWindow(controller, Settings(MemoryStore()), default_flow=False)
    show_active(qtbot, window)
    asked = []
    window.session_start_requested.connect(lambda: asked.append("rate before"))
    qtbot.mouseClick(window.home.start_button, Qt.MouseButton.LeftButton)
    assert asked == ["rate before"] and not window.session_running  # nothing starts until the step says so
    window.begin_session()
    assert window.session_running


def test_the_strap_is_told_in_plain_words(qtbot):
    from biofeedback.qt.home_view import HomeView

    home = HomeView()
    qtbot.addWidget(home)
    home.show()
    home.show_strap(DeviceState(DevicePhase.DEMO, demo_running=True))
    assert home.strap_label.text() == "No strap yet: the orb follows a simulated heartbeat (the demo)."
    assert home.connect_button.isVisible() and not home.demo_button.isVisible()
    home.show_strap(DeviceState(DevicePhase.CONNECTED, "", "Polar H10 1234", "AA", "chest", 12, True))
    assert home.strap_label.text() == "Connected to Polar H10 1234. Breathe along with the orb. Its battery is low (12 %): charge it after this session."
    assert not home.connect_button.isVisible()
    home.show_strap(DeviceState(DevicePhase.FAILED, "No Bluetooth adapter was found. Turn Bluetooth on, or use the demo."))
    assert home.retry_button.isVisible() and home.demo_button.isVisible()
    for phase in DevicePhase:  # never a technical word: no "RSSI", "GATT", "0x", no exclamation mark
        home.show_strap(DeviceState(phase, "x"))
        text = home.strap_label.text()
        assert "!" not in text and "0x" not in text and "GATT" not in text


def test_connect_your_strap_connects_the_only_strap_that_answers(qtbot):
    class Found:
        name, address, rssi = "Polar H10 1234", "C0:FF:EE:00:00:01", -50

    async def one(timeout):
        return [Found()]

    devices = DeviceController(one, scan_s=0.01)
    with qtbot.waitSignal(devices.device_chosen, timeout=5000) as chosen:
        devices.find_and_connect()
    assert chosen.args == ["C0:FF:EE:00:00:01"]
    assert devices.state.phase is DevicePhase.CONNECTING

    async def two(timeout):
        other = Found()
        other.address = "C0:FF:EE:00:00:02"
        return [Found(), other]

    devices = DeviceController(two, scan_s=0.01)
    with qtbot.waitSignal(devices.several_found, timeout=5000) as several:
        devices.find_and_connect()
    assert len(several.args[0]) == 2  # a person picks (the home screen offers a menu)


def test_a_strap_put_on_while_the_demo_runs_is_connected_without_a_press(qtbot):
    class Found:
        name, address, rssi = "Polar H10 1234", "C0:FF:EE:00:00:01", -50

    async def one(timeout):
        return [Found()]

    async def no_adapter(timeout):
        from biofeedback.sources.base import SourceError

        raise SourceError("No Bluetooth adapter was found.")

    devices = DeviceController(one, scan_s=0.01)
    devices.on_source_started(DEMO)
    with qtbot.waitSignal(devices.device_chosen, timeout=5000) as chosen:
        devices.look_quietly()
    assert chosen.args == ["C0:FF:EE:00:00:01"]

    devices = DeviceController(no_adapter, scan_s=0.01)
    devices.on_source_started(DEMO)
    before = devices.state
    heard = []
    for signal in (devices.scan_started, devices.scan_failed, devices.devices_found, devices.state_changed, devices.device_chosen):
        signal.connect(lambda *args: heard.append(args))
    devices.look_quietly()
    devices.wait_for_scan(5)
    qtbot.wait(100)
    assert heard == [] and devices.state == before  # no Bluetooth: the demo goes on, nothing said


def test_the_places_kept_for_the_library_and_the_person(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, source=None)
    assert not window.home.library_button.isVisible() and not window.library_action.isVisible()
    window.set_library_available(True)
    assert window.home.library_button.isVisible() and window.library_action.isVisible()
    with qtbot.waitSignal(window.library_requested, timeout=1000):
        qtbot.mouseClick(window.home.library_button, Qt.MouseButton.LeftButton)
    window.set_person("Robin")
    assert window.home.person_button.text().endswith("Robin") and controller.core.person == "Robin"
    window.home.set_person_changeable(True)
    with qtbot.waitSignal(window.person_change_requested, timeout=1000):
        qtbot.mouseClick(window.home.person_button, Qt.MouseButton.LeftButton)


# ---------------------------------------------------------------- 3. shortcuts that always work


@pytest.mark.parametrize("where", ["rate_box", "preset_box", "hold_in_box", "device_list"])
def test_space_and_m_act_whatever_control_has_the_keyboard(qtbot, hands, tmp_path, where):
    from PySide6.QtWidgets import QListWidget

    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic"})
    window.device_area.addWidget(QListWidget(objectName="device_list"))
    target = window.findChild(QListWidget, "device_list") if where == "device_list" else getattr(window.pacer_box, where)
    focus_on(qtbot, target)
    before = (window.pacer_box.rate_box.value(), window.pacer_box.preset_key())
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert controller.recording  # Space started the session ...
    assert (window.pacer_box.rate_box.value(), window.pacer_box.preset_key()) == before  # ... and changed nothing else
    focus_on(qtbot, target)
    hands.t = 12.0
    qtbot.keyClick(target, Qt.Key.Key_M)
    assert [m.t for m in controller.markers] == [12.0]  # M added a marker


def test_in_the_marker_note_m_and_space_are_letters_and_enter_saves(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic"})
    controller.start_recording()
    hands.t = 75.0
    qtbot.keyClick(window, Qt.Key.Key_M)  # mark the moment; the label is ready for typing
    editor = window.marker_editor
    assert editor.isVisible() and editor.label_edit.hasFocus()
    qtbot.keyClicks(editor.label_edit, "Mum came in")  # typed over the default label
    focus_on(qtbot, editor.note_edit)
    qtbot.keyClicks(editor.note_edit, "asked for the remote")
    qtbot.keyClick(editor.note_edit, Qt.Key.Key_Return)
    assert not editor.isVisible()
    assert controller.markers == [Marker(75.0, "Mum came in", 1, "asked for the remote")]
    assert window.hr_plot.marker_labels() == [(75.0, "Mum came in")]
    assert controller.recording and len(controller.markers) == 1  # Space and M were letters there
    path = controller.stop_recording()
    assert [(m.label, m.note) for m in read_session(path).markers] == [("Mum came in", "asked for the remote")]


def test_markers_can_be_edited_later_and_deleted(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic"})
    for t in (10.0, 20.0):
        hands.t = t
        controller.add_marker()
    window.edit_markers_action.trigger()  # Session > Edit markers
    editor = window.marker_editor
    assert editor.isVisible() and editor.marker_box.count() == 2
    editor.marker_box.setCurrentIndex(0)
    editor.label_edit.setText("Eyes closed")
    editor.save_button.click()
    assert [m.label for m in controller.markers] == ["Eyes closed", "Marker"]
    window.edit_markers_action.trigger()
    editor.marker_box.setCurrentIndex(1)
    editor.delete_button.click()
    assert [m.label for m in controller.markers] == ["Eyes closed"]
    assert window.hr_plot.marker_labels() == [(10.0, "Eyes closed")]


# ---------------------------------------------------------------- 4. every plot fills at any speed


def test_at_a_fast_clock_every_metric_view_gets_its_turn(qtbot, hands, tmp_path):
    """At --speed 10 new metrics arrive between every two spare display ticks; each of the
    panels, the spectrum and the coherence trend is still drawn within a few ticks."""
    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic"})
    hz = np.linspace(0.0, 0.5, 129)
    drawn = {"panels": 0, "spectrum": 0, "coherence": 0}
    original = window._redraw_metrics
    window._redraw_metrics = lambda view, now: (drawn.__setitem__(view, drawn[view] + 1), original(view, now))
    for i in range(24):  # 24 display ticks, metrics before every one
        t = 100.0 + i
        controller.core._metrics_updated(LiveMetrics(t=t, coherence=1.0 + i / 10, coherence_level="medium", spectrum_hz=hz, spectrum_ms2_per_hz=np.ones(129) * i))
        window.display_tick()
    assert min(drawn.values()) >= 2, drawn
    assert len(window.coherence_plot._trend.getData()[0]) > 0
    assert len(window.spectrum_plot._psd.getData()[0]) > 0


def test_changing_the_pacer_keeps_the_breathing_guide_already_drawn(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic"})
    hands.t = 60.0
    window.pacer_box.choose_preset("box")
    hands.t = 90.0
    window.redraw()
    t, volume = window.hr_plot._breath.getData()
    assert t.min() < 10.0 and t.max() > 85.0  # the guide before the change is still there
    before = t < 60.0
    assert np.nanmax(volume[before]) > 0.9 and np.nanmin(volume[before]) < 0.1


# ---------------------------------------------------------------- 5. names and looks


def test_one_beat_is_one_beat(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic"})
    assert window.beats_label.text() == "1 beat"
    controller.on_event(Sample(1.5, 60, (1000.0,)))
    assert window.beats_label.text() == "2 beats"


def test_popups_menus_and_dialogs_are_dark_in_the_dark_appearance(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic", "supervisor/appearance": "dark"})
    dark = palette.DARK.window
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window) == dark
    combo_popup = window.pacer_box.preset_box.view()
    assert combo_popup.palette().color(QPalette.ColorRole.Base) == palette.DARK.plot
    about = window.show_about()
    qtbot.addWidget(about)
    assert about.palette().color(QPalette.ColorRole.Window) == dark
    assert "Biofeedback" not in about.windowTitle()  # Qt adds the application's name once
    about.close()
    menu = QMenu()
    assert menu.palette().color(QPalette.ColorRole.Window) == dark
    window.set_appearance("light")
    assert QMenu().palette().color(QPalette.ColorRole.Window) == palette.LIGHT.window


def test_the_calm_view_menu_is_large_and_dark(qtbot):
    from biofeedback.qt.client_view import ClientView

    view = ClientView()
    qtbot.addWidget(view)
    menu = view.build_menu()
    assert menu.font().pointSizeF() >= 14.0
    assert menu.palette().color(QPalette.ColorRole.Window) == palette.CLIENT_BACKGROUND


def test_the_calm_view_has_one_name(qtbot, hands, tmp_path):
    window, controller = make_window(qtbot, hands, tmp_path, {"window/mode": "clinic"})
    texts = [a.text() for a in window.findChildren(type(window.client_action))] + [window.controls.client_button.text()]
    assert not any("client" in t.lower() for t in texts), texts
    assert any("calm view" in t.lower() for t in texts)
    from biofeedback.qt.client_view import ClientWindow

    calm = ClientWindow()
    qtbot.addWidget(calm)
    assert calm.windowTitle() == "Calm view"


def test_the_demo_is_described_once(qtbot):
    from biofeedback.core.samples import LinkState, Status
    from biofeedback.core import words
    from biofeedback.qt.main_window import status_line
    from biofeedback.qt.widgets.device_panel import DevicePanel

    async def none(timeout):
        return []

    devices = DeviceController(none)
    panel = DevicePanel()
    qtbot.addWidget(panel)
    devices.state_changed.connect(panel.show_state)
    devices.on_source_started(DEMO)
    streaming = Status(0.0, LinkState.STREAMING, words.DEMO_RUNNING, {"name": words.DEMO_DEVICE_NAME, "address": "demo"})
    devices.on_status(streaming)
    panel.show()
    shown = [w.text() for w in (panel.phase_label, panel.details_label, panel.message_label) if w.isVisible() and w.text()]
    assert shown == ["Demo: a simulated heartbeat"]
    assert status_line(streaming, DEMO, True) == ""  # the status bar does not say it again
