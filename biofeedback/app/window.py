"""What every command that shows a window needs: a screen, the Qt application, the crash handler,
the calm view, and quitting after a while with a screenshot.

The default command (``gui``), ``review`` and ``library`` build their windows with these, so each
window starts, looks and ends the same way. Qt is imported inside the functions, so the commands
without a window start fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from biofeedback.app import cli

log = logging.getLogger("biofeedback")


def require_screen(args: argparse.Namespace) -> None:
    """Offscreen for a screenshot without a screen; else one sentence on what is missing."""
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32"))
    if headless and "QT_QPA_PLATFORM" not in os.environ:
        if not getattr(args, "screenshot", None):
            raise cli.UsageError("There is no screen to show the window on. Use --screenshot PNG, or 'biofeedback record'.")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from biofeedback.qt.platform_check import missing_library_message, missing_window_library

    missing = missing_window_library()
    if missing:
        raise cli.UsageError(missing_library_message(missing))


def qt_application():
    """The one QApplication, named so that settings and data go to the app's own folders."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from biofeedback.resources import resource_path

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("biofeedback")
    app.setOrganizationName("biofeedback")
    app.setApplicationDisplayName("Biofeedback")
    app.setWindowIcon(QIcon(str(resource_path("assets", "icon.svg"))))
    return app


def install_crash_handler(app) -> None:
    from biofeedback.app.logs import log_to_file
    from biofeedback.qt.crash import CrashHandler
    from biofeedback.storage import paths

    CrashHandler(log_to_file(paths.data_dir()), app).install()


def attach_client_view(window, controller, screen: int | None) -> None:
    """The calm view: its own window from the menu (or full screen on ``screen`` at start), and the
    home screen's, with the same look, motion and sound chosen in the same places."""
    from biofeedback.qt.audio import CueAudio
    from biofeedback.qt.client_view import ClientLauncher
    from biofeedback.qt.motion import ReducedMotion

    settings = window.settings
    audio = CueAudio(bool(settings.value("audio/enabled")), float(settings.value("audio/volume")))
    client = ClientLauncher(controller, settings, audio)
    window.client_view_requested.connect(client.show_default)
    window.client_preferences_changed.connect(client.apply_settings)
    window.client_launcher = client
    calm = window.home.calm
    motion = ReducedMotion(str(settings.value("client/reduced_motion")), window)
    calm.set_theme(str(settings.value("client/theme")))
    calm.set_reduced_motion(motion.active)
    motion.changed.connect(calm.set_reduced_motion)
    calm.theme_chosen.connect(lambda name: window.set_client_preference("client/theme", name))
    calm.reduced_motion_chosen.connect(lambda on: window.set_client_preference("client/reduced_motion", "on" if on else "off"))

    def take_up() -> None:
        calm.set_theme(str(settings.value("client/theme")))
        motion.set_mode(str(settings.value("client/reduced_motion")))

    window.client_preferences_changed.connect(take_up)
    window.home.follow(controller, audio)
    if screen is not None:
        client.show(screen)


def finish_after(window, seconds: float, screenshot: str | None) -> None:
    """Quit after ``seconds`` of real time, saving a screenshot of ``window`` first if asked."""
    from PySide6.QtCore import QTimer

    def finish() -> None:
        if screenshot:
            redraw = getattr(window, "redraw", None)
            if redraw is not None:
                redraw()
            if not window.grab().save(screenshot):
                log.error("biofeedback: could not save the screenshot to %s.", screenshot)
                window.exit_code = cli.USAGE_ERROR
        window.close()

    QTimer.singleShot(int(1000 * seconds), finish)
