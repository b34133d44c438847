"""The session timer a person sees: how long this session has run, and an optional goal.

Pure: every call is given ``now``, the session time in seconds. The home screen and the clinic
header show it; the window starts and stops it with the session.
"""

from __future__ import annotations

from dataclasses import dataclass

from biofeedback.core import words

#: Goals a person can pick, minutes (0: no goal). Short sessions are where people start;
#: 20 minutes is the usual length of a resonance-breathing practice.
GOAL_CHOICES_MIN = (0, 5, 10, 15, 20, 30)


def clock_text(seconds: float) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` from an hour on; never negative."""
    whole = int(max(seconds, 0.0))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def goal_text(minutes: int) -> str:
    """What a goal choice is called in the list."""
    return words.NO_GOAL if minutes <= 0 else words.GOAL_MINUTES.format(minutes=minutes)


@dataclass
class SessionTimer:
    """Elapsed time of one session, from :meth:`start` to :meth:`stop`, against a goal.

    Attributes
    ----------
    goal_s : float
        The goal, s (0: none).
    started, stopped : float or None
        Session times of the start and the stop, s.
    """

    goal_s: float = 0.0
    started: float | None = None
    stopped: float | None = None

    @property
    def running(self) -> bool:
        return self.started is not None and self.stopped is None

    def start(self, now: float) -> None:
        self.started, self.stopped = now, None

    def stop(self, now: float) -> None:
        if self.running:
            self.stopped = now

    def clear(self) -> None:
        self.started = self.stopped = None

    def elapsed(self, now: float) -> float:
        """Seconds the session has run (0 before it starts; frozen once it stops)."""
        if self.started is None:
            return 0.0
        end = self.stopped if self.stopped is not None else now
        return max(end - self.started, 0.0)

    def goal_reached(self, now: float) -> bool:
        return self.goal_s > 0 and self.elapsed(now) >= self.goal_s

    def text(self, now: float) -> str:
        """"4:05", "4:05 of 10:00", or "10:00 · goal reached" (the session goes on past its goal)."""
        elapsed = clock_text(self.elapsed(now))
        if self.goal_s <= 0:
            return elapsed
        if self.goal_reached(now):
            return words.GOAL_REACHED.format(elapsed=elapsed)
        return words.OF_GOAL.format(elapsed=elapsed, goal=clock_text(self.goal_s))
