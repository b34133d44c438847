"""Render the main window, built as the app builds it, on an offscreen screen of a given size and
report every widget that is off screen, outside the window, squeezed below its minimum or whose
text does not fit. Run by ``test_window_fits.py`` in a subprocess (the offscreen platform takes its
screen size when it starts); prints one JSON object.

    python tests/qt/layout_check.py WIDTH HEIGHT MODE [APPEARANCE]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile


def problems(window) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QComboBox, QLabel, QWidget

    found = []
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    if not screen.contains(frame):
        found.append(f"the window {frame.getRect()} is not within the screen {screen.getRect()}")
    inside = window.rect()
    scrolled = [a.viewport() for a in window.findChildren(QAbstractScrollArea)]
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window) or w.width() == 0:
            continue
        name = f"{type(w).__name__}({w.objectName() or getattr(w, 'text', lambda: '')() or ''})"
        in_scroll = any(v.isAncestorOf(w) for v in scrolled)
        rect = w.rect().translated(w.mapTo(window, w.rect().topLeft()))
        if not in_scroll and not inside.contains(rect) and rect.intersected(inside) != rect:
            found.append(f"{name} at {rect.getRect()} reaches outside the window {inside.getRect()}")
        hint = w.minimumSizeHint()
        if isinstance(w, (QLabel, QAbstractButton, QComboBox)) and hint.isValid():
            if w.width() + 1 < hint.width() or w.height() + 1 < hint.height():
                found.append(f"{name} is {w.width()}x{w.height()}, below its minimum {hint.width()}x{hint.height()}")
        if isinstance(w, QLabel) and not w.wordWrap() and w.text() and w.textFormat() != 1 and "<" not in w.text():
            shown = w.text().replace("&", "") if w.buddy() is not None else w.text()  # "&Goal" shows "Goal"
            need = w.fontMetrics().horizontalAdvance(shown)
            if need > w.contentsRect().width() + 1:
                found.append(f"{name}: its text needs {need} px, it has {w.contentsRect().width()}")
        if isinstance(w, QAbstractButton) and w.text():
            if w.sizeHint().width() > w.width() + 1:
                found.append(f"{name}: the button needs {w.sizeHint().width()} px, it has {w.width()}")
    return found


def main() -> int:
    width, height, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    appearance = sys.argv[4] if len(sys.argv) > 4 else "dark"
    tmp = tempfile.mkdtemp()
    config = os.path.join(tmp, "screen.json")
    with open(config, "w") as f:
        json.dump({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}, f)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = tmp

    from PySide6.QtCore import QEventLoop, QTimer

    from biofeedback.app import gui, make_source
    from biofeedback.app import window as window_kit
    from biofeedback.core import words
    from biofeedback.qt.devices import MemoryStrapStore
    from biofeedback.qt.settings import MemoryStore, Settings

    app = window_kit.qt_application()
    settings = Settings(MemoryStore({"window/mode": mode, "supervisor/appearance": appearance}))
    desktop = gui.build_window(settings, speed=20.0, strap_store=MemoryStrapStore())  # as the app builds it
    window, controller, runner = desktop.window, desktop.controller, desktop.runner
    window.show()
    runner.switch(make_source("demo"), keep_recording=False)
    loop = QEventLoop()
    QTimer.singleShot(2500, loop.quit)  # 50 s of session: beats, metrics, a marker
    loop.exec()
    controller.add_marker()
    if mode == "clinic":
        window.marker_editor.open_for()
    window.begin_session()
    window.redraw()
    app.processEvents()
    found = problems(window)
    # the pacer's words fit in the header whatever they say
    for text in [f"{w} · 20 s" for w in (words.BREATHE_IN, words.BREATHE_OUT, words.HOLD)] + [words.BREATHING_FREELY, words.REPLAY_OVER]:
        label = window.phase_label
        if mode == "clinic" and label.fontMetrics().horizontalAdvance(text) > label.contentsRect().width():
            found.append(f"the phase words {text!r} would be clipped")
    side = window.side_scroll.verticalScrollBar()
    print(json.dumps({"problems": found, "window": [window.width(), window.height()], "side_scrolls": side.maximum() > 0, "side_overflow_px": side.maximum()}))
    runner.stop()
    controller.close()
    window.close()
    del window
    return 0


if __name__ == "__main__":
    sys.exit(main())
