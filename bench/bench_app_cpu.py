"""The real app's CPU over 30-s windows of a demo session, as measured by hand in issue 14.

Usage (on a real X server; ``xvfb-run -a -s "-screen 0 1920x1080x24"`` gives one)::

    python bench/bench_app_cpu.py [--view clinic|home] [--calm] [--windows 10-40,70-100,130-160,250-280]
                                  [--baseline-code DIR]

Starts ``biofeedback --source demo --view VIEW`` (``--calm``: with the calm view open full screen
on screen 0, as a clinic's second screen would have it) with a fresh home folder, and reads the
process's user and system CPU time from ``/proc/PID/stat`` at the start and end of each window of
session time. Prints % of one core per window and each window against the first. The first
window is the baseline: a session's first minute, what every later minute should cost.
``--baseline-code DIR`` first measures another checkout of the app the same way in the same run
(``git archive 9c1acd4 | tar -x -C DIR``: the window before issue 14, which had only the
supervisor view), so the figures compare on this machine and this load.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(command: list[str], env: dict[str, str], windows, label: str) -> list[float]:
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    rows: list[float] = []
    try:
        for begin, end in windows:
            time.sleep(max(begin - (time.monotonic() - started), 0.0))
            cpu0, wall0 = cpu_seconds(app.pid), time.monotonic()
            time.sleep(max(end - (time.monotonic() - started), 0.0))
            share = 100.0 * (cpu_seconds(app.pid) - cpu0) / (time.monotonic() - wall0)
            rows.append(share)
            print(f"  {label}: {begin:5.0f}-{end:<5.0f} s  {share:5.1f} % of a core  (x{share / rows[0]:.2f} of the first window)", flush=True)
    finally:
        app.terminate()
        _, err = app.communicate(timeout=30)
    if "Traceback" in err:
        print(err, file=sys.stderr)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--view", choices=("clinic", "home"), default="clinic")
    parser.add_argument("--calm", action="store_true", help="also open the calm view full screen on screen 0")
    parser.add_argument("--windows", default="10-40,70-100,130-160,250-280", help="windows of session time, s")
    parser.add_argument("--baseline-code", default=None, metavar="DIR", help="measure this checkout first, the same way")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("bench_app_cpu: needs an X server (run it under xvfb-run -a).", file=sys.stderr)
        return 2
    windows = [tuple(float(x) for x in w.split("-")) for w in args.windows.split(",")]

    def fresh_env(extra: dict[str, str] | None = None) -> dict[str, str]:
        home = tempfile.mkdtemp(prefix="bench-app-")
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local/share", **(extra or {}))
        env.pop("QT_QPA_PLATFORM", None)
        return env

    calm = ["--client-screen", "0"] if args.calm else []
    suffix = " + calm view" if args.calm else ""
    if args.baseline_code:
        code = str(Path(args.baseline_code).resolve())
        measure([sys.executable, "-m", "biofeedback", "--source", "demo", *calm], fresh_env({"PYTHONPATH": code}), windows, f"baseline {Path(code).name}{suffix}")
    measure([sys.executable, "-m", "biofeedback", "--source", "demo", "--view", args.view, *calm], fresh_env(), windows, f"{args.view}{suffix}")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
