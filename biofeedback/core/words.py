"""The words people read, each in one place, marked for translation.

Sentences shown in more than one screen or command, and the words that name things (coherence
levels, pacer phases), live here, so each says one thing in one place. They are marked with
:func:`_` (GNU gettext, from the standard library): ``xgettext -k_ biofeedback/**/*.py`` collects
them into a template, and :func:`install` loads a translation. Install it before the screens'
modules are imported, since these constants are translated when this module is first imported.

Words are kind and plain (docs/screens.md): no alarms, no red, no exclamation marks.
"""

from __future__ import annotations

import gettext

_translation: gettext.NullTranslations = gettext.NullTranslations()


def install(localedir: str, languages: list[str] | None = None) -> None:
    """Use the ``biofeedback`` message catalogue from ``localedir`` (the system language if it has one)."""
    global _translation
    _translation = gettext.translation("biofeedback", localedir, languages, fallback=True)


def _(text: str) -> str:
    """Mark ``text`` for translation and return it in the installed language."""
    return _translation.gettext(text)


# ---- the strap and its signal

CONTACT_LOST = _("The strap has lost skin contact. Moisten the electrodes and press it gently against your chest.")
CONTACT_BACK = _("Skin contact is back. Receiving heartbeats from {name}.")
PUT_STRAP_ON = _("Moisten the electrodes and put the strap on (it wakes up on skin contact)")
NO_STRAPS_FOUND = _("No heart-rate straps found. {put_on}, keep it within a few metres, and scan again.")
NO_STRAPS_IN_LIST = _("No straps found. {put_on}, then look again.")
LOOKING_FOR_STRAP = _("Looking for your heart-rate strap...")
OUT_OF_REACH = _("The strap is out of reach for a moment. It will reconnect by itself.")
WAITING_FOR_HEARTBEAT = _("Waiting for your heartbeat.")
RECORDING_ENDED = _("The recording has ended.")

# ---- the demo

DEMO_RUNNING = _("Demo running: a simulated person.")
DEMO_DEVICE_NAME = _("Demo (simulated person)")

# ---- coherence and the pacer

#: Coherence levels in words: colour is never the only sign (docs/screens.md).
COHERENCE_WORDS = {"low": _("settling"), "medium": _("steady"), "high": _("coherent")}
BREATHE_IN, BREATHE_OUT, HOLD = _("Breathe in"), _("Breathe out"), _("Hold")
BREATHING_FREELY = _("Breathing freely")

# ---- files

WOULD_OVERWRITE = _("{path} already exists; choose another name so nothing is overwritten.")
REPORT_FORMATS = _("{path}: a report is written as .pdf or .png.")

# ---- the session library

LIBRARY_REBUILT = _("The library index was damaged or out of date; it was rebuilt from the session files.")

# ---- what the app is

WELLNESS_NOTE = _("This is a wellness and training tool, not a medical device. It does not diagnose or treat any condition.")
