"""The demo source: the physiological simulator, packetised like a real strap."""

from __future__ import annotations

import urllib.parse

import numpy as np

from biofeedback.core.constants import NOTIFY_INTERVAL_S, RR_UNITS_PER_SECOND
from biofeedback.core.pacer import PacerSettings
from biofeedback.core.samples import Contact, LinkState, Sample, SourceInfo, SourceKind, Status
from biofeedback.core.simulator import Physiology, SimulatorParams
from biofeedback.sources.base import Emit, Source, SourceError
from biofeedback.sources.clock import SessionClock
from biofeedback.core import words

_PARAMS = {
    "resonance": ("resonance_bpm", float),
    "hr": ("hr_bpm", float),
    "ectopic": ("ectopic_rate", float),
    "seed": ("seed", int),
    "follow": ("follow", float),
}


def parse_demo_query(query: str) -> tuple[SimulatorParams, float | None]:
    """Parse ``resonance=5.0&seed=3&hr=70&ectopic=0.01&follow=0.5&pace=6``.

    ``follow`` is the share of the pacer's breaths the simulated person follows (default 1; 0:
    they ignore the pacer and breathe spontaneously).

    Returns the simulator parameters and the pacer rate the simulated person follows from the
    start (``pace``, breaths/min), if given. Raises :class:`SourceError` with a readable message.
    """
    kwargs: dict[str, float | int] = {}
    pace = None
    for key, values in urllib.parse.parse_qs(query, keep_blank_values=True, strict_parsing=False).items():
        value = values[-1]
        try:
            if key == "pace":
                pace = float(value)
                if not 3.0 <= pace <= 12.0:
                    raise ValueError("pace must be 3-12 breaths/min")
            elif key in _PARAMS:
                name, kind = _PARAMS[key]
                kwargs[name] = kind(value)
            else:
                known = ", ".join([*_PARAMS, "pace"])
                raise SourceError(f"Unknown demo setting '{key}'. Known settings: {known}.")
        except ValueError as exc:
            raise SourceError(f"Demo setting {key}={value!r} is not valid: {exc}.") from None
    try:
        return SimulatorParams(**kwargs), pace
    except ValueError as exc:
        raise SourceError(f"Demo settings are not valid: {exc}.") from None


class DemoSource(Source):
    """A simulated person wearing a strap that notifies about once a second.

    Each notification carries the RR intervals (quantised to 1/1024 s, as a strap sends them) of
    the beats since the previous one, and the strap's own heart rate over its last few intervals.
    """

    def __init__(self, params: SimulatorParams = SimulatorParams(), pace: float | None = None, spec: str = "demo") -> None:
        self.params = params
        self.physiology = Physiology(params)
        self.spec = spec
        if pace is not None:
            self.physiology.follow(PacerSettings.from_rate(pace), 0.0)
        self._jitter = np.random.default_rng(params.seed + 1)
        self._recent_rr: list[float] = []

    @classmethod
    def from_query(cls, query: str, spec: str) -> DemoSource:
        params, pace = parse_demo_query(query)
        return cls(params, pace, spec)

    def follow_pacer(self, pacer: PacerSettings | None, start_t: float) -> None:
        """Let the simulated person breathe with the app's pacer (thread-safe: one assignment)."""
        self.physiology.follow(pacer, start_t)

    def device_info(self) -> dict[str, str]:
        return {"name": words.DEMO_DEVICE_NAME, "address": "demo"}

    def describe(self) -> SourceInfo:
        return SourceInfo(SourceKind.DEMO, self.spec, live=True, recorded_by_default=False, device=self.device_info(), name="the demo")

    def next_sample(self, t: float) -> Sample:
        """Simulate up to ``t`` and package the new beats as one notification."""
        beats = self.physiology.advance(t)
        rr = tuple(round(r * RR_UNITS_PER_SECOND / 1000.0) * 1000.0 / RR_UNITS_PER_SECOND for _, r in beats)
        self._recent_rr = (self._recent_rr + list(rr))[-4:]
        hr = round(60000.0 / (sum(self._recent_rr) / len(self._recent_rr))) if self._recent_rr else None
        return Sample(t=t, hr_bpm=hr, rr_ms=rr, contact=Contact.DETECTED)

    def notification_times(self):
        """The strap's notification times, s: about once a second from session time 0, on a
        schedule fixed by the seed (so the same seed packs the same beats into the same
        notifications, whenever the source is started and at any speed)."""
        t = 0.0
        while True:
            t += NOTIFY_INTERVAL_S + self._jitter.normal(0.0, 0.02)
            yield t

    async def run(self, emit: Emit, clock: SessionClock) -> None:
        start = clock.now()
        emit(Status(start, LinkState.STREAMING, words.DEMO_RUNNING, self.device_info()))
        previous = 0.0
        for t in self.notification_times():
            if t <= start:
                previous = t
                continue
            if self.physiology.t < previous:
                # the strap was put on after its previous notification: beats before it are not sent
                self.physiology.advance(previous)
            await clock.sleep_until(t)
            emit(self.next_sample(t))
