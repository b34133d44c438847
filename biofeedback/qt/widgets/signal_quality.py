"""Signal quality in plain words: skin contact, battery, artefact rate and how late beats arrive."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from biofeedback.core.live import ARTIFACT_WINDOW_S
from biofeedback.core.samples import Contact
from biofeedback.qt.widgets.name_value_panel import NameValuePanel

#: Battery level below which the panel suggests charging, percent.
LOW_BATTERY_PCT = 20
#: Beat delay above which the panel says the link is slow, s: a strap notifies about once a
#: second, so a beat can be up to about 1 s old on arrival, plus Bluetooth and display time.
SLOW_BEAT_DELAY_S = 2.0
#: Artefact share above which the panel suggests checking the strap, percent.
HIGH_ARTIFACT_PCT = 5.0

CONTACT_WORDS = {
    Contact.DETECTED: "Good",
    Contact.NOT_DETECTED: "Lost: moisten the electrodes and press the strap gently on",
    Contact.UNSUPPORTED: "Not reported by this strap",
}

UNKNOWN = "—"
#: What a recording played back cannot tell: these rows describe this computer's link, not the file's.
NOT_IN_RECORDING = "not in the recording"
NOT_FOR_A_RECORDING = "— (a recording plays)"

ROW_HELP = {
    "contact": "Skin contact as the strap reports it.",
    "battery": "The strap's battery level, percent, as the strap reports it.",
    "artifacts": f"Share of the beats of the last {ARTIFACT_WINDOW_S:g} s flagged as artefacts (ectopic, missed, extra, long or short beats), percent.\n"
    "They are marked with a cross on the RR plot and left out of the metrics.",
    "delay": "Time from a heartbeat to its arrival here, s.\n"
    "A strap sends beats about once a second, so up to about 1.5 s is normal.",
}


def battery_text(percent: int | None) -> str:
    if percent is None:
        return UNKNOWN
    if percent < LOW_BATTERY_PCT:
        return f"{percent} % (charge it after this session)"
    return f"{percent} %"


def artifact_text(percent: float | None) -> str:
    if percent is None:
        return UNKNOWN
    if percent > HIGH_ARTIFACT_PCT:
        return f"{percent:.1f} % of recent beats (check the strap's fit)"
    return f"{percent:.1f} % of recent beats"


#: No beat for this long is said in the delay row, s (a strap notifies about once a second).
NO_BEATS_AFTER_S = 5.0


def no_beats_text(seconds: float) -> str:
    return f"no beats for {seconds:.0f} s"


def delay_text(seconds: float | None) -> str:
    if seconds is None:
        return UNKNOWN
    seconds = max(seconds, 0.0)  # a beat re-aligned to the clock may sit a few ms past it: not "-0.0 s"
    if seconds > SLOW_BEAT_DELAY_S:
        return f"{seconds:.1f} s (slower than usual)"
    return f"{seconds:.1f} s"


class SignalQualityPanel(NameValuePanel):
    """Four rows, each a name and a plain-language value; no colour carries meaning on its own."""

    NAMES = {"contact": "Skin contact", "battery": "Strap battery", "artifacts": "Artefacts", "delay": "Beat delay"}

    def __init__(self, parent: QWidget | None = None) -> None:
        rows = [(key, name, ROW_HELP[key]) for key, name in self.NAMES.items()]
        super().__init__("Signal quality", rows, UNKNOWN, "qualityValue", wrap=True, parent=parent)
        #: The beats come from a live source (a strap, the demo), not from a recording played back.
        self.live = True

    def set_live(self, live: bool) -> None:
        """Live source or recording: a recording shows what it recorded, not this computer's link."""
        self.live = live
        self.clear()

    def clear(self) -> None:
        """Nothing known yet (a new session)."""
        self.show_contact(None)
        self.show_battery(None)
        self.show_artifacts(None)
        self.show_delay(None)

    def show_contact(self, contact: Contact | None) -> None:
        if not self.live and contact in (None, Contact.UNSUPPORTED):
            self.set_value("contact", NOT_IN_RECORDING)
            return
        self.set_value("contact", UNKNOWN if contact is None else CONTACT_WORDS[contact])

    def show_battery(self, percent: int | None) -> None:
        self.set_value("battery", NOT_IN_RECORDING if percent is None and not self.live else battery_text(percent))

    def show_artifacts(self, percent: float | None) -> None:
        self.set_value("artifacts", artifact_text(percent))

    def show_delay(self, seconds: float | None) -> None:
        self.set_value("delay", NOT_FOR_A_RECORDING if not self.live else delay_text(seconds))

    def show_no_beats(self, seconds: float) -> None:
        """Say that beats stopped arriving ``seconds`` ago (shown instead of the delay)."""
        self.set_value("delay", no_beats_text(seconds))
