"""The main window: the breathing orb, the live heart rate, and the controls around them."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from biofeedback import __version__
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import Contact, LinkState, Sample, Status
from biofeedback.qt import palette
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.widgets.hr_plot import WINDOW_S, HeartRatePlot
from biofeedback.qt.widgets.pacer_view import PacerView

#: Display refresh for animations, Hz. Beats arrive when they arrive; this only redraws.
FRAME_HZ = 60
#: Plot refresh, Hz: enough to scroll smoothly, cheap enough to leave the orb fluid.
PLOT_HZ = 5

ABOUT_TEXT = (
    f"<h3>Biofeedback visualiser {__version__}</h3>"
    "<p>Shows your heartbeat as calm pictures and guides your breathing, so you can learn to "
    "steer your heart rhythm.</p>"
    "<p>This is a wellness and training tool, not a medical device. It does not diagnose or "
    "treat any condition.</p>"
    "<p>Your recordings stay on this computer. MIT licence.</p>"
)


class MainWindow(QMainWindow):
    def __init__(self, controller: SessionController) -> None:
        super().__init__()
        self.controller = controller
        self.setWindowTitle("Biofeedback")
        self.resize(1280, 760)

        self.pacer_view = PacerView()
        self.hr_plot = HeartRatePlot()
        self.hr_label = QLabel("-- bpm")
        self.hr_label.setObjectName("heartRate")
        self.beats_label = QLabel("0 beats")
        self.status_label = QLabel("Starting...")
        self.status_label.setWordWrap(True)
        self.rate_box = QDoubleSpinBox()
        self.rate_box.setRange(3.0, 12.0)
        self.rate_box.setSingleStep(0.1)
        self.rate_box.setDecimals(1)
        self.rate_box.setSuffix(" breaths/min")
        self.rate_box.setValue(controller.pacer.breaths_per_min if controller.pacer else 6.0)
        self.rate_box.valueChanged.connect(self._rate_chosen)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(16, 16, 16, 16)
        numbers = QHBoxLayout()
        numbers.addWidget(self.hr_label)
        numbers.addStretch(1)
        numbers.addWidget(QLabel("Pacer"))
        numbers.addWidget(self.rate_box)
        side_layout.addLayout(numbers)
        side_layout.addWidget(self.hr_plot, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.status_label, 1)
        footer.addWidget(self.beats_label)
        side_layout.addLayout(footer)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.pacer_view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.setCentralWidget(splitter)
        self.setStyleSheet(
            f"QMainWindow, QWidget {{ background: {palette.PANEL_BACKGROUND.name()}; color: {palette.CLIENT_TEXT.name()}; font-size: 15px; }}"
            f"QLabel#heartRate {{ font-size: 34px; color: {palette.ORANGE.name()}; }}"
            "QDoubleSpinBox { padding: 4px 8px; }"
        )
        self._build_menu()

        controller.sample_received.connect(self._on_sample)
        controller.status_changed.connect(self._on_status)
        controller.beats_added.connect(self._on_beats)
        self._frame = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._redraw)
        self._timer.start(int(1000 / FRAME_HZ))

    def _build_menu(self) -> None:
        session = self.menuBar().addMenu("&Session")
        marker = QAction("Add &marker", self, shortcut=QKeySequence("M"))
        marker.triggered.connect(lambda: self.controller.add_marker())
        session.addAction(marker)
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        session.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About", self)
        about.triggered.connect(lambda: QMessageBox.about(self, "About Biofeedback", ABOUT_TEXT))
        help_menu.addAction(about)

    # ---- slots: render what the controller says

    def _rate_chosen(self, value: float) -> None:
        self.controller.set_pacer(PacerSettings.from_rate(value))

    def _on_sample(self, sample: Sample) -> None:
        if sample.hr_bpm:
            self.hr_label.setText(f"{sample.hr_bpm} bpm")
        if sample.contact is Contact.NOT_DETECTED:
            self.status_label.setText(
                "The strap has lost skin contact. Moisten the electrodes and press it gently against your chest."
            )

    def _on_status(self, status: Status) -> None:
        self.status_label.setText(status.message or status.state.value.capitalize())
        if status.state is LinkState.FAILED:
            self.hr_label.setText("-- bpm")

    def _on_beats(self, batch) -> None:
        self.beats_label.setText(f"{len(self.controller.recorder.timeline)} beats")

    def _redraw(self) -> None:
        self.pacer_view.show_state(self.controller.pacer_now())
        self._frame += 1
        if self._frame % (FRAME_HZ // PLOT_HZ) == 0:
            self.redraw_plot()

    def redraw_plot(self) -> None:
        now = self.controller.now()
        times, hr = self.controller.heart_rate_series()
        breath_t, breath = self.controller.pacer_wave(max(0.0, now - WINDOW_S), now)
        self.hr_plot.set_series(times, hr, now, breath_t, breath)
