"""The device panel: which strap, in what state, and a picker to find and connect one.

It renders a :class:`~biofeedback.qt.devices.DeviceState` and reports what a person asks for as
signals; it owns no device and no scan.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from biofeedback.qt import palette
from biofeedback.qt.devices import DevicePhase, DeviceState, FoundDevice
from biofeedback.core import words

#: A shape besides the colour for each phase (colour-blind safe: never colour alone).
_MARK = {
    DevicePhase.IDLE: ("○", palette.CLIENT_TEXT_DIM),
    DevicePhase.SCANNING: ("◌", palette.SKY_BLUE),
    DevicePhase.CONNECTING: ("◌", palette.SKY_BLUE),
    DevicePhase.CONNECTED: ("●", palette.BLUISH_GREEN),
    DevicePhase.NO_CONTACT: ("◐", palette.ORANGE),
    DevicePhase.RECONNECTING: ("◌", palette.ORANGE),
    DevicePhase.LOST: ("○", palette.ORANGE),
    DevicePhase.FAILED: ("○", palette.CLIENT_TEXT_DIM),
    DevicePhase.DEMO: ("●", palette.SKY_BLUE),
    DevicePhase.REPLAY: ("●", palette.SKY_BLUE),
}

#: Files offered when opening a recording instead of a strap.
RECORDING_FILTER = "Sessions and RR text (*.bfs *.jsonl *.txt *.csv);;All files (*)"


class DevicePanel(QFrame):
    """Shows the strap's state and offers scanning, connecting, and alternatives on errors.

    Signals
    -------
    scan_requested()
    connect_requested(str, str)
        Address and name of the picked strap.
    demo_requested()
    recording_chosen(str)
        Path of a recording to open instead of a strap.
    """

    scan_requested = Signal()
    connect_requested = Signal(str, str)
    demo_requested = Signal()
    recording_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("devicePanel")
        self.title = QLabel("Heart-rate strap")
        self.title.setObjectName("panelTitle")
        self.mark = QLabel()
        self.phase_label = QLabel()
        self.phase_label.setObjectName("devicePhase")
        self.details_label = QLabel()
        self.details_label.setObjectName("deviceDetails")
        self.battery_label = QLabel()
        self.battery_label.setObjectName("deviceBattery")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("deviceMessage")

        self.scan_button = QPushButton("Find straps")
        self.scan_button.clicked.connect(self.scan_requested)
        self.device_list = QListWidget()
        self.device_list.setMaximumHeight(110)
        self.device_list.hide()
        self.device_list.itemSelectionChanged.connect(self._selection_changed)
        self.device_list.itemDoubleClicked.connect(lambda _item: self._connect_clicked())
        self.connect_button = QPushButton("Connect")
        self.connect_button.setEnabled(False)
        self.connect_button.hide()
        self.connect_button.clicked.connect(self._connect_clicked)

        self.demo_button = QPushButton("Use the demo")
        self.demo_button.clicked.connect(self.demo_requested)
        self.recording_button = QPushButton("Open a recording...")
        self.recording_button.clicked.connect(self._ask_for_recording)
        self.alternatives = QWidget()
        alt = QHBoxLayout(self.alternatives)
        alt.setContentsMargins(0, 0, 0, 0)
        alt.addWidget(self.demo_button)
        alt.addWidget(self.recording_button)
        self.alternatives.hide()

        head = QHBoxLayout()
        head.addWidget(self.mark)
        head.addWidget(self.phase_label, 1)
        head.addWidget(self.battery_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.scan_button)
        buttons.addWidget(self.connect_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addLayout(head)
        layout.addWidget(self.details_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.device_list)
        layout.addLayout(buttons)
        layout.addWidget(self.alternatives)
        self.show_state(DeviceState())

    # ---- rendering

    def show_state(self, state: DeviceState) -> None:
        mark, colour = _MARK[state.phase]
        self.mark.setText(mark)
        self.mark.setStyleSheet(f"color: {colour.name()}; font-size: 18px;")
        self.phase_label.setText(state.phase.value)
        details = " · ".join(x for x in (state.name, state.location) if x)
        self.details_label.setText(details)
        self.details_label.setVisible(bool(details))
        self.battery_label.setText("" if state.battery_pct is None else f"Battery {state.battery_pct} %")
        self.message_label.setText(state.message)
        self.message_label.setVisible(bool(state.message))
        self.alternatives.setVisible(state.offers_alternatives)

    def show_scanning(self) -> None:
        self.scan_button.setEnabled(False)
        self.scan_button.setText("Looking...")
        self.device_list.clear()
        self.device_list.hide()
        self.connect_button.hide()

    def show_devices(self, devices: Sequence[FoundDevice]) -> None:
        self.scan_button.setEnabled(True)
        self.scan_button.setText("Find straps")
        self.device_list.clear()
        for d in devices:
            signal = "" if d.rssi is None else f"  ({d.rssi} dBm)"
            item = QListWidgetItem(f"{d.name}{signal}")
            item.setData(Qt.ItemDataRole.UserRole, (d.address, d.name))
            item.setToolTip(d.address)
            self.device_list.addItem(item)
        self.device_list.setVisible(bool(devices))
        self.connect_button.setVisible(bool(devices))
        if not devices:
            self.message_label.setText(
                words.NO_STRAPS_IN_LIST.format(put_on=words.PUT_STRAP_ON)
            )
            self.message_label.show()
        elif len(devices) == 1:
            self.device_list.setCurrentRow(0)

    def show_scan_error(self, message: str) -> None:
        self.scan_button.setEnabled(True)
        self.scan_button.setText("Find straps")
        self.message_label.setText(message)
        self.message_label.show()
        self.alternatives.show()

    # ---- input

    def _selection_changed(self) -> None:
        self.connect_button.setEnabled(bool(self.device_list.selectedItems()))

    def _connect_clicked(self) -> None:
        items = self.device_list.selectedItems()
        if items:
            address, name = items[0].data(Qt.ItemDataRole.UserRole)
            self.connect_requested.emit(address, name)

    def _ask_for_recording(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a recording", "", RECORDING_FILTER)
        if path:
            self.recording_chosen.emit(path)
