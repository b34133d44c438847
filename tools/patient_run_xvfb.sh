#!/bin/sh
# A patient's first session with the real app on a real X server (Xvfb), driven by xdotool, with
# a screenshot at each step. A fresh home folder stands in for a fresh machine.
#
#   tools/patient_run_xvfb.sh [BIOFEEDBACK] [OUT] [WIDTHxHEIGHT]
#
# BIOFEEDBACK: the command the README's first line installs (default .venv/bin/biofeedback);
# OUT: where the screenshots and the app's output go (default ./patient-run). Needs Xvfb, xdotool
# and ImageMagick's import (apt-get install xvfb xdotool imagemagick).
set -eu
APP=$(realpath "${1:-.venv/bin/biofeedback}")
OUT=$(realpath -m "${2:-patient-run}")
SIZE=${3:-1280x720}
W=${SIZE%x*}
H=${SIZE#*x}
mkdir -p "$OUT"
HOME_DIR=$(mktemp -d)
DISPLAY_NUM=:$(( 70 + $$ % 20 ))

Xvfb "$DISPLAY_NUM" -screen 0 "${SIZE}x24" -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
export DISPLAY=$DISPLAY_NUM
sleep 2

shot() { import -window root "$OUT/$1.png"; echo "$1"; }

# 1. A first start: nothing configured, no strap.
env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" DISPLAY="$DISPLAY" LANG=C.UTF-8 "$APP" >"$OUT/app.out" 2>"$OUT/app.err" &
APP_PID=$!
sleep 6
WINDOW=$(xdotool search --name "Home" | head -1)
xdotool windowfocus "$WINDOW"
shot 01-first-start

# 2. Pick a goal of 5 minutes from the list under "Goal".
xdotool mousemove 140 $((H - 106)) click 1
sleep 1
shot 02-goal-list
xdotool mousemove 128 $((H - 128)) click 1
sleep 0.5

# 3. Start the session with Space (the keyboard is still on the goal list: Space starts anyway).
xdotool key space
sleep 2
shot 03-session-started

# 4. Breathe along for a minute.
sleep 60
shot 04-breathing-a-minute

# 5. Stop with Space.
xdotool key space
sleep 1.5
shot 05-session-stopped

# 6. The therapist's view, one click away.
xdotool mousemove $((W - 77)) 46 click 1
sleep 2
shot 06-clinic-view

# 7. The therapist opens a recording: the file dialog, dark like the window, in the sessions folder.
xdotool key ctrl+o
sleep 2
shot 07-open-a-recording
# (no window manager under Xvfb: the keyboard goes where it is sent)
xdotool windowfocus "$(xdotool search --name "Open a recording" | head -1)"
xdotool key Escape
sleep 0.5
xdotool windowfocus "$WINDOW"

# 8. Quit with Ctrl+Q.
xdotool key ctrl+q
STATUS=0
( sleep 20; kill $APP_PID 2>/dev/null ) &
wait $APP_PID || STATUS=$?
echo "exit status $STATUS"
echo "stderr:"; cat "$OUT/app.err"
echo "files the session left (settings, log, sessions):"
find "$HOME_DIR" -type f -printf '%m %P\n'
