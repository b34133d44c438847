"""The words people read, each in one place, marked for translation.

Sentences shown in more than one screen or command, and the words that name things (coherence
levels, pacer phases), live here, so each says one thing in one place. They are marked with
:func:`_` (GNU gettext, from the standard library), counts with :func:`_n`:
``xgettext -k_ -k_n:1,2 biofeedback/**/*.py`` collects
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


def _n(singular: str, plural: str, n: int) -> str:
    """The form of a counted phrase for ``n``, in the installed language ("1 beat", "2 beats")."""
    return _translation.ngettext(singular, plural, n)


def beats_count(n: int) -> str:
    return _n("{n} beat", "{n} beats", n).format(n=f"{n:,}")


def sessions_count(shown: int, everyone: int) -> str:
    """The library's count: "12 sessions", or "3 of 12 sessions" when a filter hides some."""
    if shown == everyone:
        return _n("{n} session", "{n} sessions", shown).format(n=shown)
    return _n("{n} of {total} session", "{n} of {total} sessions", everyone).format(n=shown, total=everyone)


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
REPLAYING = _("Replaying {name}.")
REPLAY_ENDED = _("The recording {name} has ended.")
REPLAY_PROBLEMS = _("Parts of it could not be read: {problems}.")

# ---- the demo

DEMO_RUNNING = _("Demo running: a simulated person.")
DEMO_DEVICE_NAME = _("Demo (simulated person)")

# ---- coherence and the pacer

#: Coherence levels in words: colour is never the only sign (docs/screens.md).
COHERENCE_WORDS = {"low": _("settling"), "medium": _("steady"), "high": _("coherent")}
BREATHE_IN, BREATHE_OUT, HOLD = _("Breathe in"), _("Breathe out"), _("Hold")
BREATHING_FREELY = _("Breathing freely")
BREATHE_FREELY = _("Breathe freely")
#: The pacer's words once a replayed recording has reached its end.
REPLAY_OVER = _("Replay ended")

# ---- the session a person runs

NO_GOAL = _("No goal")
GOAL_MINUTES = _("{minutes} minutes")
GOAL_REACHED = _("{elapsed} · goal reached")
OF_GOAL = _("{elapsed} of {goal}")

# ---- names of the screens (the application's name is added to window titles by Qt)

CALM_VIEW = _("Calm view")
CALM_VIEW_TITLE = CALM_VIEW
CLINIC_VIEW = _("Clinic view")
HOME_SCREEN = _("Home")

# ---- the home screen

START_SESSION = _("Start session  (Space)")
STOP_SESSION = _("Stop session  (Space)")
GOAL_LABEL = _("&Goal")
GOAL_TIP = _("How long you would like to breathe along. The session goes on past its goal until you stop it.")
GOAL_REACHED_MESSAGE = _("Goal reached. Carry on as long as you like, or stop the session.")
CONNECT_STRAP = _("Connect your strap")
LOOK_AGAIN = _("Look again")
USE_DEMO = _("Use the demo")
YOUR_STRAP = _("your strap")
STRAP_CONNECTED = _("Connected to {name}. Breathe along with the orb.")
STRAP_BATTERY_LOW = _("Its battery is low ({percent} %): charge it after this session.")
NO_STRAP_YET = _("No strap connected.")
DEMO_AT_HOME = _("No strap yet: the orb follows a simulated heartbeat (the demo).")
REPLAY_AT_HOME = _("Playing a recording.")
PERSON_TIP = _("Whose session this is (a name of your choice).")
CLINIC_TIP = _("The therapist's view: plots, metrics and controls.")
SESSION_STARTED_AT_HOME = _("Breathe along with the orb. Press Stop session when you are done.")

# ---- recording

RECORDING_MARK = _("● Recording {elapsed}")
RECORDING_WAITS = _("◌ Waiting for the strap")
RECORDING_WAITS_LONG = _("The session is saved from the strap's first heartbeat on, so a strap that never connects leaves no empty file.")
RECORDING_TO = _("Recording to {path}")
SAVED_TO = _("Saved to {path}.")
NOTHING_SAVED = _("Nothing was saved: no heartbeat arrived.")
PRACTICE_NOT_SAVED = _("Practice with the demo heartbeat: this session is not saved.")
SUMMARY_NOT_MADE = _("The session is saved, but its summary could not be made now; the library shows it when it can.")
PRACTICE_RATE_NOT_KEPT = _("A practice run on the demo heartbeat: its result is not kept as anyone's rate.")
PRACTICE_ENDED = _("Practice ended after {elapsed}. Nothing was saved: it was the demo heartbeat.")
RECORDED_PACER = _("The recording's own pacer is shown while it plays.")
OPEN_LIBRARY = _("Sessions")

# ---- markers and the status bar

MARKER_ADDED = _("{label} added at {time}.")
NO_MARKERS_YET = _("There are no markers yet: press M to mark a moment.")
IN_THE_RECORDING = _("In the recording: {message}")

# ---- files

WOULD_OVERWRITE = _("{path} already exists; choose another name so nothing is overwritten.")
REPORT_FORMATS = _("{path}: a report is written as .pdf or .png.")

# ---- the session library

LIBRARY_REBUILT = _("The library index was damaged or out of date; it was rebuilt from the session files.")

# ---- what the app is

WELLNESS_NOTE = _("This is a wellness and training tool, not a medical device. It does not diagnose or treat any condition.")

# ---- blood pressure: readings before and after, the cuff's flags, the cuff itself

BP_EASED = _("Your blood pressure eased from {before} to {after} mmHg.")
BP_ABOUT_THE_SAME = _("Your blood pressure stayed about the same: {before} before, {after} mmHg after.")
BP_ROSE = _(
    "Your blood pressure was {before} before and {after} mmHg after. A single reading moves with breathing, "
    "talking and posture, so one session's rise says little on its own."
)
BP_CHANGED = _("Your blood pressure went from {before} to {after} mmHg.")
BP_ONLY_BEFORE = _("Your blood pressure before the session was {before} mmHg.")
BP_ONLY_AFTER = _("Your blood pressure after the session was {after} mmHg.")
#: One reading and when it was taken (before, after, or neither said): the review strip's tip and
#: a trends point's tip. Whole sentences per case, so a translation never assembles them.
BP_READING_BEFORE = _("blood pressure before: {reading} mmHg")
BP_READING_AFTER = _("blood pressure after: {reading} mmHg")
BP_READING_TAKEN = _("blood pressure taken: {reading} mmHg")
#: The readings of a session under review, marked on its overview strip.
BP_REVIEW_TIP = _("The blood-pressure readings of this session, marked ◆ in the strip:")

#: What each of a cuff's measurement flags means, calmly, with what to do (docs/bluetooth.md).
BP_FLAG_EXPLANATIONS = {
    "body_movement": _(
        "The cuff noticed some movement while it measured. Sit still with your arm resting on a table, "
        "wait a minute, and measure again."
    ),
    "cuff_loose": _(
        "The cuff seemed a little loose. Wrap it snugly around your bare upper arm, with room for two fingers "
        "under it, and measure again."
    ),
    "irregular_pulse": _(
        "The cuff noticed an irregular pulse during this measurement. That often happens after moving or talking. "
        "Rest quietly for a few minutes and measure again; if it keeps appearing, mention it at your next check-up."
    ),
    "pulse_out_of_range": _(
        "Your pulse was outside the range this cuff measures well. Rest quietly for a few minutes and measure again."
    ),
    "improper_position": _(
        "The cuff was not at heart height. Rest your arm on a table so that the cuff sits level with your heart, "
        "and measure again."
    ),
}
#: Short names of the flags, for lists and tables.
BP_FLAG_NAMES = {
    "body_movement": _("movement"),
    "cuff_loose": _("loose cuff"),
    "irregular_pulse": _("irregular pulse"),
    "pulse_out_of_range": _("pulse out of range"),
    "improper_position": _("cuff position"),
}

BP_LOOKING_FOR_CUFF = _("Looking for your blood-pressure cuff. Press its Bluetooth button, or take a measurement, so that it wakes up.")
BP_WAITING_FOR_READINGS = _("Connected to {name}. Waiting for its readings; if none come, start a measurement on the cuff.")
BP_CUFF_MEASURING = _("The cuff is measuring: {mmhg:.0f} mmHg.")
BP_NO_VALUES = _("The cuff sent a reading without numbers: it could not measure that time. Sit still with your arm resting, and measure again.")
BP_IMPOSSIBLE = _("The cuff sent a reading that cannot be right ({reading}), so it was not kept. Measure again.")
BP_IMPOSSIBLE_DATE = _(
    "The cuff's clock gave an impossible date ({date}), so the reading is kept without it. "
    "Set the cuff's date and time as its manual says."
)
BP_NOTHING_IN_TIME = _(
    "The cuff sent no reading within {seconds:g} s. Take a measurement (or press the cuff's Bluetooth button) "
    "while the app waits, keep the cuff within a few metres, and try again."
)
BP_DROPPED_BEFORE_READING = _("The cuff disconnected before it sent a reading. Press its Bluetooth button, or take a measurement, and try again.")
BP_DROPPED_WHILE_MEASURING = _(
    "The cuff disconnected during a measurement, so that measurement did not arrive; the readings before it "
    "are kept. Measure again."
)
BP_UNREADABLE = _("{count} message(s) from the cuff could not be read and were skipped.")
BP_TYPE_IT = _("Type the reading as systolic/diastolic in mmHg, for example 128/84.")
BP_NOT_A_PRESSURE = _(
    "{reading} does not look like a blood pressure: systolic and diastolic lie between {low:g} and {high:g} mmHg, "
    "and systolic is the higher one."
)
BP_NOT_A_PULSE = _("A pulse of {pulse:g} beats/min is not possible here: type a pulse between {low:g} and {high:g}, or leave it out.")
NOTHING_FOUND_IN_SCAN = _(
    "No heart-rate straps or blood-pressure cuffs found. {put_on}, or press a cuff's Bluetooth button; "
    "keep them within a few metres, and scan again."
)
BP_HOW_TO_MEASURE = _(
    "Sit quietly for a few minutes with your feet flat and your arm resting on a table, the cuff at heart height. "
    "Then measure."
)

# ---- guided protocols: the resonance-frequency assessment and the structured session

RF_REASON_BEST = _(
    "At {rate:g} breaths/min your heart rate made the largest and cleanest wave, in step with your breathing "
    "(it rose and fell by {swing:.1f} beats/min with each breath)."
)
RF_REASON_LARGEST_IN_STEP = _(
    "At {rate:g} breaths/min your heart rate made the largest wave, in step with your breathing "
    "(it rose and fell by {swing:.1f} beats/min with each breath)."
)
RF_REASON_LARGEST = _(
    "At {rate:g} breaths/min your heart rate made the largest wave ({swing:.1f} beats/min with each breath), "
    "though it ran {phase:.0f} degrees out of step with your breathing."
)
RF_REASON_BALANCE = _(
    "At {rate:g} breaths/min your heart rate's wave was the best balance of size, rhythm and cleanness "
    "({swing:.1f} beats/min with each breath, {phase:.0f} degrees from your breathing)."
)
RF_DECLINE_TOO_SHORT = _(
    "No rate can be recommended yet: fewer than {needed} breathing blocks were completed. Run the assessment to the end."
)
RF_DECLINE_ARTIFACTS = _(
    "No rate can be recommended: too many beats were irregular or missed (up to {pct:.0f} % in a block; "
    "{limit:g} % is the most a fair comparison allows). Check the strap's fit, moisten the electrodes, and sit still, "
    "then assess again."
)
RF_DECLINE_NOT_FOLLOWED = _(
    "No rate can be recommended: the heart rhythm followed the pacer in only {followed} of {blocks} blocks, so the "
    "breathing probably went its own way. Breathe along with the pacer, slowly and without strain, and assess again."
)
RF_DECLINE_LOW_VARIABILITY = _(
    "No rate can be recommended: heart rate hardly rose and fell with the breath at any rate (at most "
    "{swing:.1f} beats/min), too little to tell the rates apart."
)
RF_DECLINE_NO_SEPARATION = _(
    "No rate can be recommended: the blocks were too alike, and no rate stood out from the others. "
    "Any rate in this range will do for now; a longer assessment another day may find yours."
)

#: What each protocol phase is called on the screens and in the session file.
PHASE_SIGNAL_CHECK = _("Signal check")
PHASE_BASELINE = _("Baseline: breathe naturally")
PHASE_TRAINING = _("Training at {rate:g} breaths/min")
PHASE_RECOVERY = _("Recovery: breathe naturally")
PHASE_BLOCK = _("Breathing at {rate:g} breaths/min")
PHASE_REST = _("Rest")
PHASE_PAUSED = _("Paused")
PHASE_DONE = _("Done")
PHASE_ABORTED = _("Stopped early")
ASSESSMENT_DONE_RATE = _("Assessment done: {rate:g} breaths/min recommended")
ASSESSMENT_DONE_NONE = _("Assessment done: no rate recommended")

#: What the calm view says in each phase, gently (docs/protocols.md).
CALM_SIGNAL_CHECK = _("Sit comfortably. We are checking the signal.")
CALM_BASELINE = _("Breathe as you like. Nothing to do for now.")
CALM_REST = _("Rest, and breathe as you like. The next pace begins soon.")
CALM_RECOVERY = _("Let your breathing find its own pace.")
CALM_PAUSED = _("Paused. Breathe as you like.")
CALM_DONE = _("That is all. Thank you.")

SIGNAL_CHECK_ARTIFACTS = _(
    "Many beats look irregular ({pct:.0f} % of the last two minutes). Check that the strap sits snugly and its "
    "electrodes are moist, and sit still."
)
SIGNAL_CHECK_FAILED = _("The signal check did not pass within {seconds:.0f} s, so the session stopped. {problem}")
SESSION_WAVE_GREW = _(
    "While you trained, your heart rate's wave with each breath grew from {base_swing:.1f} to {swing:.1f} beats/min, "
    "and coherence from {base_coherence:.1f} to {coherence:.1f}."
)
SESSION_WAVE_SAME = _(
    "While you trained, your heart rate's wave with each breath was {swing:.1f} beats/min ({base_swing:.1f} at baseline), "
    "and coherence {coherence:.1f} ({base_coherence:.1f} at baseline). Waves often grow over a few sessions."
)

#: The protocol panel, the assessment's result and the session summary.
PROTOCOL_ASSESSMENT_TITLE = _("Find your resonance rate")
PROTOCOL_SESSION_TITLE = _("Structured session")
PROTOCOL_ASSESSMENT_ABOUT = _("Breathe with the pacer at five rates, about two minutes each, to find the one your heart answers most.")
PROTOCOL_SESSION_ABOUT = _("A signal check, a few minutes of natural breathing as a baseline, training at the chosen rate, then recovery.")
PROTOCOL_ASSESSMENT_PLAN = _("Five rates, {block} min each, {rest} s rest between")
PROTOCOL_ASSESSMENT_PLAN_FINE = _("Five rates, {block} min each, {rest} s rest between, then a fine step")
PROTOCOL_SESSION_PLAN = _("Baseline {baseline} min, training {training} min at {rate} breaths/min, recovery {recovery} min")
PROTOCOL_SETTINGS = _("Settings")
PROTOCOL_SETTINGS_TIP = _("Show or hide the durations and rates of the chosen protocol.")
PROTOCOL_STEP = _("Step {step} of {steps}: {label}")
PROTOCOL_TIME_LEFT = _("{step} left in this step, {total} in all")
PROTOCOL_PAUSED_LEFT = _("Paused. {total} left in all.")
PROTOCOL_FINISHED = _("Finished.")
PROTOCOL_STOPPED_KEPT = _("Stopped early. What was recorded is kept.")
RF_HEADLINE = _("Recommended: {rate:g} breaths per minute  ·  runner-up {runner_up:g}")
RF_HEADLINE_NONE = _("No rate can be recommended from this assessment")
RF_RATE_CHOSEN = _("{rate:g} breaths per minute is now this person's own rate (\"Your rate\" in the pacer).")
SUMMARY_AGAINST_BASELINE = _("In brackets: the change from the baseline, where you breathed as you liked.")
SUMMARY_STOPPED_EARLY = _("The session was stopped early; the phases so far are shown.")

# ---- review in the window

REVIEW_TITLE = _("Review")
SESSIONS_TITLE = _("Sessions")  # the library window (Qt adds the app's name)
TRENDS_TITLE = _("Trends")
TRENDS_TIP = _("This person's sessions over weeks: coherence, RMSSD, resting heart rate, ratings, blood pressure")
#: The trends plots of values asked before and after each session (hollow before, filled after).
TRENDS_PAIN = _("Pain, before ○ and after ●")
TRENDS_STRESS = _("Stress, before ○ and after ●")
TRENDS_BLOOD_PRESSURE = _("Blood pressure, before ○ and after ●")
#: The library's blood-pressure column.
BP_COLUMN_TIP = _("Blood pressure before → after the session, systolic/diastolic mmHg")
REVIEWING = _("Reviewing {name}.")
REVIEWING_TITLE = _("Reviewing {name}")
REVIEW_RECORDS_NOTHING = _("A review shows a recorded session; it records nothing new.")
REVIEW_PACER = _("In review, the pacer is the one that ran when the session was recorded.")
REVIEW_NO_MARKERS = _("Markers can be added to session files; this recording is plain RR text.")
NO_PACER_RECORDED = _("No pacer: breathing freely.")
BACK_TO_LIVE = _("Back to the live session")
BACK_TO_LIVE_TIP = _("Leave the review; the live session shows again (Esc).")
REVIEW_HINT = _("Drag in the strip to move · M marks this moment")
REVIEW_HINT_TIP = _(
    "Reviewing a recorded session: the screens show what they showed at that moment.\n"
    "Space or K: play and pause. Left, Right: 5 s (with Shift: 1 minute). Home, End.\n"
    "[ and ]: slower, faster. Page Up, Page Down: previous and next marker. M: mark this moment."
)
REVIEW_WAITS_FOR_SESSION = _(
    "A session is running in the main window. Stop it first, then open this session to review it there."
)
REVIEW_OPENED = _("{name} is open for review in the main window.")

# ---- the one-page report from the window

REPORT_BUTTON = _("Report...")
REPORT_TIP = _("Write this session's one-page report (PDF) to a file you choose.")
REPORT_SAVED = _("The report was saved to {path}.")
REPORT_NOT_SAVED = _("The report could not be written: {reason}")
REPORT_DIALOG_TITLE = _("Save the session's report")

# ---- guided protocols from the window

FIND_MY_RATE = _("Find my breathing rate")
GUIDED_SESSION = _("Guided session")
GUIDED_MENU = _("Guided")
GUIDED_TIP = _("Find your own breathing rate, or breathe through a guided session with a baseline, training and recovery.")
PROTOCOL_NEEDS_LIVE = _("A guided protocol needs a live heartbeat: a strap or the demo, not a recording played back.")
PROTOCOL_RESULT_TITLE = _("Guided protocol: the result")

# ---- blood pressure in the session's flow

TAKE_BLOOD_PRESSURE = _("Take &blood pressure...")
TAKE_BLOOD_PRESSURE_TIP = _("Keep these answers, then take a blood-pressure reading from your cuff or type it in.")
