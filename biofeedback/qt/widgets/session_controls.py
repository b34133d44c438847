"""Session controls: start and stop a recorded session, add markers, and set the breathing pacer.

The widget only asks: it emits ``record_requested``, ``stop_requested``, ``marker_requested`` and
``pacer_chosen``; whoever owns the session answers and tells it what is happening through
:meth:`SessionControls.show_recording`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from biofeedback.core import words
from biofeedback.core.pacer import (
    RATE_MAX_BPM,
    RATE_MIN_BPM,
    RATE_STEP_BPM,
    PacerSettings,
    Preset,
    presets,
)
from biofeedback.qt.settings import Settings

log = logging.getLogger(__name__)

#: The preset combo's entry for hand-made settings.
CUSTOM_KEY = "custom"
#: Longest hold offered, s.
MAX_HOLD_S = 10.0
#: Out-breath per in-breath offered (1 : 0.5 .. 1 : 3).
RATIO_RANGE = (0.5, 3.0)

HOLDS_TOO_LONG = "The holds are longer than one breath at this rate. Shorten a hold or choose a slower rate."


class PacerSettingsBox(QGroupBox):
    """Preset, rate, inhale:exhale ratio and holds, with the pattern in words underneath.

    Choosing a preset applies its exact durations (4-7-8 stays 4, 7 and 8 s even though its rate,
    3.16 breaths/min, is shown rounded); changing a field makes a custom pattern from the fields.

    Signals
    -------
    pacer_chosen(object)
        The new :class:`PacerSettings`, or None when the pacer is switched off.
    """

    pacer_chosen = Signal(object)

    def __init__(self, assessed_bpm: float | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Breathing pacer", parent)
        self.enabled_box = QCheckBox("Guide the breathing")
        self.enabled_box.setChecked(True)
        self.preset_box = QComboBox()
        self.rate_box = QDoubleSpinBox()
        self.rate_box.setRange(RATE_MIN_BPM, RATE_MAX_BPM)
        self.rate_box.setSingleStep(RATE_STEP_BPM)
        self.rate_box.setDecimals(1)
        self.rate_box.setSuffix(" breaths/min")
        self.ratio_box = QDoubleSpinBox()
        self.ratio_box.setRange(*RATIO_RANGE)
        self.ratio_box.setSingleStep(0.1)
        self.ratio_box.setDecimals(1)
        self.ratio_box.setPrefix("1 : ")
        self.ratio_box.setToolTip("In-breath : out-breath. A longer out-breath (1 : 1.5) is calming for most people.")
        self.hold_in_box = self._hold_box()
        self.hold_out_box = self._hold_box()
        self.summary = QLabel()
        self.summary.setObjectName("pacerSummary")
        self.summary.setWordWrap(True)
        for box in (self.rate_box, self.ratio_box, self.hold_in_box, self.hold_out_box):
            box.setKeyboardTracking(False)  # a typed "5.5" is one change, not "5" then "5.5"

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.enabled_box)
        form.addRow("Pattern", self.preset_box)
        form.addRow("Rate", self.rate_box)
        form.addRow("In : out", self.ratio_box)
        form.addRow("Hold after in", self.hold_in_box)
        form.addRow("Hold after out", self.hold_out_box)
        form.addRow(self.summary)

        self._presets: tuple[Preset, ...] = ()
        self.settings: PacerSettings | None = None
        #: The person's choice while another pacer is only shown (:meth:`show_pacer`).
        self._kept: tuple[str, PacerSettings | None, bool] | None = None
        self.set_presets(presets(assessed_bpm))
        self.preset_box.currentIndexChanged.connect(self._preset_picked)
        for box in (self.rate_box, self.ratio_box, self.hold_in_box, self.hold_out_box):
            box.valueChanged.connect(self._fields_edited)
        self.enabled_box.toggled.connect(self._enabled_toggled)
        self.apply(self._presets[0].key, self._presets[0].settings, emit=False)

    @staticmethod
    def _hold_box() -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, MAX_HOLD_S)
        box.setSingleStep(0.5)
        box.setDecimals(1)
        box.setSuffix(" s")
        box.setSpecialValueText("none")
        return box

    def set_presets(self, offered: tuple[Preset, ...]) -> None:
        """Offer these presets (e.g. again once the person's own rate has been assessed)."""
        current = self.preset_key()
        self._presets = offered
        self.preset_box.blockSignals(True)
        self.preset_box.clear()
        for preset in offered:
            self.preset_box.addItem(preset.title, preset.key)
            self.preset_box.setItemData(self.preset_box.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole)
        self.preset_box.addItem("Custom", CUSTOM_KEY)
        index = self.preset_box.findData(current)
        self.preset_box.setCurrentIndex(index if index >= 0 else self.preset_box.count() - 1)
        self.preset_box.blockSignals(False)

    def preset_key(self) -> str | None:
        return self.preset_box.currentData()

    def choose_preset(self, key: str) -> None:
        """Select a preset by key, as a person picking it from the list would."""
        index = self.preset_box.findData(key)
        if index < 0:
            raise KeyError(key)
        self.preset_box.setCurrentIndex(index)

    def apply(self, key: str, settings: PacerSettings, emit: bool = True) -> None:
        """Show ``settings`` under preset ``key`` (or ``custom``) and optionally announce them."""
        self.settings = settings
        widgets = (self.preset_box, self.rate_box, self.ratio_box, self.hold_in_box, self.hold_out_box)
        for w in widgets:
            w.blockSignals(True)
        index = self.preset_box.findData(key)
        self.preset_box.setCurrentIndex(index if index >= 0 else self.preset_box.findData(CUSTOM_KEY))
        self.rate_box.setValue(settings.breaths_per_min)
        self.ratio_box.setValue(settings.exhale_s / settings.inhale_s)
        self.hold_in_box.setValue(settings.hold_in_s)
        self.hold_out_box.setValue(settings.hold_out_s)
        for w in widgets:
            w.blockSignals(False)
        self.summary.setText(settings.describe())
        if emit and self.enabled_box.isChecked():
            self.pacer_chosen.emit(settings)

    def _preset_picked(self, index: int) -> None:
        key = self.preset_box.itemData(index)
        if key == CUSTOM_KEY:
            return
        preset = next(p for p in self._presets if p.key == key)
        self.apply(preset.key, preset.settings)

    def _fields_edited(self, _value: float) -> None:
        try:
            settings = PacerSettings.from_ratio(
                self.rate_box.value(), 1.0, self.ratio_box.value(), self.hold_in_box.value(), self.hold_out_box.value()
            )
        except ValueError:
            self.summary.setText(HOLDS_TOO_LONG)
            return
        self.apply(CUSTOM_KEY, settings)

    def _enabled_toggled(self, on: bool) -> None:
        self._enable_fields(on)
        self.pacer_chosen.emit(self.settings if on else None)

    # ---- preferences: this group saves its own settings

    def save_settings(self, settings: Settings) -> None:
        values: dict[str, bool | float | str] = {"enabled": self.enabled_box.isChecked(), "preset": self.preset_key() or CUSTOM_KEY}
        if self.settings is not None:
            values.update(
                inhale_s=self.settings.inhale_s,
                hold_in_s=self.settings.hold_in_s,
                exhale_s=self.settings.exhale_s,
                hold_out_s=self.settings.hold_out_s,
            )
        settings.save_group("pacer", values)

    def restore_settings(self, settings: Settings, emit: bool = True) -> None:
        """Show the saved pattern: a preset by its key (so it keeps its exact durations), else the saved durations."""
        group = settings.group("pacer")
        match = next((p for p in self._presets if p.key == group["preset"]), None)
        if match is not None:
            key, pacer = match.key, match.settings
        else:
            try:
                key = CUSTOM_KEY
                pacer = PacerSettings(group["inhale_s"], group["exhale_s"], group["hold_in_s"], group["hold_out_s"])
            except ValueError:
                log.warning("The saved pacer pattern is not valid; using the first preset.")
                key, pacer = self._presets[0].key, self._presets[0].settings
        on = bool(group["enabled"])
        self.enabled_box.blockSignals(True)
        self.enabled_box.setChecked(on)
        self.enabled_box.blockSignals(False)
        self._enable_fields(on)
        self.apply(key, pacer, emit=False)
        if emit:
            self.pacer_chosen.emit(pacer if on else None)

    def chosen(self) -> PacerSettings | None:
        """The pattern this box stands for now (None: the pacer is switched off)."""
        return self.settings if self.enabled_box.isChecked() else None

    def show_pacer(self, pacer: PacerSettings | None) -> None:
        """Show ``pacer`` without choosing it (a review shows the pacer that ran at the playhead);
        :meth:`end_showing` brings back the person's own choice."""
        if self._kept is None:
            self._kept = (self.preset_key() or CUSTOM_KEY, self.settings, self.enabled_box.isChecked())
        self.enabled_box.blockSignals(True)
        self.enabled_box.setChecked(pacer is not None)
        self.enabled_box.blockSignals(False)
        if pacer is not None:
            self.apply(CUSTOM_KEY, pacer, emit=False)
        else:
            self.summary.setText(words.NO_PACER_RECORDED)

    def end_showing(self) -> None:
        """Show the person's own choice again after :meth:`show_pacer`."""
        if self._kept is None:
            return
        key, settings, on = self._kept
        self._kept = None
        self.enabled_box.blockSignals(True)
        self.enabled_box.setChecked(on)
        self.enabled_box.blockSignals(False)
        self._enable_fields(on)
        if settings is not None:
            self.apply(key, settings, emit=False)

    def show_recorded_pacer(self, recorded: bool) -> None:
        """While a recording plays, its own pacer guides: the box steps aside and says so."""
        self.setEnabled(not recorded)
        self.summary.setText(words.RECORDED_PACER if recorded else (self.settings.describe() if self.settings else ""))

    def _enable_fields(self, on: bool) -> None:
        for w in (self.preset_box, self.rate_box, self.ratio_box, self.hold_in_box, self.hold_out_box):
            w.setEnabled(on)


class SessionControls(QWidget):
    """The clinic header's session controls: start/stop recording, add a marker, the calm view,
    the session library and the home screen, with a recording indicator.

    The widget only asks and shows: whoever owns the session answers through
    :meth:`show_recording` and :meth:`show_elapsed`.

    Signals
    -------
    record_requested(), stop_requested()
        The person asked to start or stop the recorded session.
    marker_requested()
        The person asked for a marker at this moment.
    client_view_requested()
        The person asked for the calm view (the breathing picture alone).
    library_requested()
        The person asked for the session library (the button shows once a library is there).
    home_requested()
        The person asked for the home screen.
    """

    record_requested = Signal()
    stop_requested = Signal()
    marker_requested = Signal()
    client_view_requested = Signal()
    library_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recording = False
        self.indicator = QLabel()
        self.indicator.setObjectName("recordIndicator")
        self.indicator.hide()
        self.record_button = QPushButton()
        self.record_button.setObjectName("recordButton")
        self.record_button.clicked.connect(self.toggle_recording)
        self.marker_button = QPushButton("Add marker  (M)")
        self.marker_button.setToolTip("Mark this moment; type a label and a note if you like (Enter saves, Esc closes).")
        self.marker_button.clicked.connect(self.marker_requested)
        self.client_button = QPushButton(words.CALM_VIEW)
        self.client_button.setToolTip(
            "The breathing picture alone, for the person breathing: full screen on a second monitor, "
            "or in its own window on this one (Ctrl+K)."
        )
        self.client_button.clicked.connect(self.client_view_requested)
        self.library_button = QPushButton(words.OPEN_LIBRARY)
        self.library_button.clicked.connect(self.library_requested)
        self.library_button.hide()  # until the app has a library to open
        self.home_button = QPushButton(words.HOME_SCREEN)
        self.home_button.setToolTip("The calm home screen: the breathing picture large, one button to start.")
        self.home_button.clicked.connect(self.home_requested)
        for button in (self.record_button, self.marker_button, self.client_button, self.library_button, self.home_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keyboard where it was

        layout = QHBoxLayout(self)  # the indicator is placed by the window, next to the session time
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for button in (self.record_button, self.marker_button, self.client_button, self.library_button, self.home_button):
            layout.addWidget(button)
        self.show_recording(False)
        # as wide as its longer words, so starting or stopping never moves the header
        widths = []
        for text in ("Start recording  (Space)", "Stop recording  (Space)"):
            self.record_button.setText(text)
            widths.append(self.record_button.sizeHint().width())
        self.record_button.setMinimumWidth(max(widths))
        self.show_recording(False)

    def toggle_recording(self) -> None:
        """Ask to start or stop, depending on what is happening now."""
        (self.stop_requested if self.recording else self.record_requested).emit()

    def show_recording(self, active: bool, where: str = "", pending: bool = False) -> None:
        """Reflect the session's recording state; ``where`` names the file being written;
        ``pending``: the file waits for the strap's first heartbeat."""
        self.recording = active or pending
        self._writing = active
        self.record_button.setText("Stop recording  (Space)" if self.recording else "Start recording  (Space)")
        self.indicator.setVisible(self.recording)
        if active:
            self.indicator.setText(words.RECORDING_MARK.format(elapsed="0:00"))
            self.indicator.setToolTip(words.RECORDING_TO.format(path=where) if where else "")
        elif pending:
            self.indicator.setText(words.RECORDING_WAITS)
            self.indicator.setToolTip(words.RECORDING_WAITS_LONG)

    def show_elapsed(self, text: str) -> None:
        """The recorded session's length so far, next to the recording mark."""
        if self._writing:
            self.indicator.setText(words.RECORDING_MARK.format(elapsed=text))

    def set_library_available(self, available: bool) -> None:
        self.library_button.setVisible(available)
