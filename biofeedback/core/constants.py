"""Physiological and technical constants, each with its unit and reason."""

#: Shortest plausible RR interval, ms (300 bpm). Shorter values from a strap are artefacts:
#: a Garmin HRM-Dual has been seen to send 52 ms after a 1044 ms interval.
RR_MIN_MS = 300.0

#: Longest plausible RR interval, ms (20 bpm). Longer values are artefacts or missed beats.
RR_MAX_MS = 3000.0

#: RR values as sent by a strap are in units of 1/1024 s (Bluetooth Heart Rate Service 0x2A37).
RR_UNITS_PER_SECOND = 1024

#: How far the end of a packet's beats may lie before the previous notification's arrival, s,
#: before the missing time counts as a gap. Straps may delay an interval by up to one packet;
#: a lost notification removes a whole interval (>= 300 ms) from the sum.
GAP_TOLERANCE_S = 0.5

#: How far the rebuilt beat times may drift ahead of the clock, s, before they are pulled back.
FUTURE_TOLERANCE_S = 0.05

#: Notifications whose lag (arrival minus newest rebuilt beat) is watched to re-align beat times
#: with the clock. Five 1-s notifications: the smallest of five lags is about 0.17 s on average.
LAG_HISTORY = 5

#: A real strap notifies about once a second (Polar, Garmin, Wahoo all do).
NOTIFY_INTERVAL_S = 1.0

#: Sampling rate of the evenly resampled RR (and breathing) series for every spectrum: HRV bands,
#: coherence and the heart-rate/breathing coupling, Hz (Task Force 1996; Kubios's default).
RESAMPLE_HZ = 4.0

#: Okabe & Ito (2008), "Color Universal Design": the colour-blind-safe palette every screen and
#: report draws with. Coherence is told by warmth: blue (settling) -> bluish green (steady) ->
#: orange (coherent), and always in words too.
OKABE_ITO = {
    "blue": "#0072B2",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "vermillion": "#D55E00",
    "yellow": "#F0E442",
    "reddish_purple": "#CC79A7",
}
COHERENCE_COLOURS = {"low": OKABE_ITO["blue"], "medium": OKABE_ITO["bluish_green"], "high": OKABE_ITO["orange"]}

#: The client view's background: deep blue-grey, never pure black (low luminance without a void).
CLIENT_BACKGROUND = "#17202b"

#: Playback speeds offered, slowest first (x real time).
REVIEW_SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
