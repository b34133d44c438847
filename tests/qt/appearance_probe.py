"""Run in a subprocess by test_system_appearance.py: the clinic view following the desktop.

Prints the plot background before and after the desktop's preference changes, one line each,
then what a fixed choice does when the desktop changes again.
"""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from biofeedback.qt import palette
from biofeedback.qt.main_window import MainWindow
from biofeedback.qt.session_controller import SessionController
from biofeedback.qt.settings import MemoryStore, Settings
from biofeedback.sources.clock import SessionClock

app = QApplication([])
# the clinic view follows the desktop; the home screen is calm and dark whatever it says
window = MainWindow(SessionController(SessionClock()), Settings(MemoryStore({"supervisor/appearance": "system", "window/mode": "clinic"})))


def name() -> str:
    colour = window.hr_plot.backgroundBrush().color()
    return {palette.LIGHT.plot.name(): "light", palette.DARK.plot.name(): "dark"}.get(colour.name(), colour.name())


def ask(command: str) -> None:
    print(f"{command} {name()}", flush=True)
    answer = sys.stdin.readline().strip()  # the test changes the desktop, then says what to do next
    if answer == "fixed-dark":
        window.appearance_actions["dark"].trigger()
    if answer == "quit":
        app.quit()
        return
    QTimer.singleShot(800, lambda: ask(answer))


QTimer.singleShot(300, lambda: ask("start"))
app.exec()
