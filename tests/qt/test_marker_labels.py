"""Marker labels on the heart-rate plot stay whole and apart, however the markers crowd."""

from __future__ import annotations

import numpy as np

from biofeedback.qt.widgets.hr_plot import HeartRatePlot


def _label_rects(plot: HeartRatePlot):
    return [line.label.mapRectToScene(line.label.boundingRect()) for line in plot._markers if line.isVisible()]


def test_crowded_labels_do_not_overlap_and_the_newest_is_not_cut_at_the_right_edge(qtbot):
    plot = HeartRatePlot()
    qtbot.addWidget(plot)
    plot.resize(760, 260)
    plot.show()
    qtbot.waitExposed(plot)
    now = 130.0
    # a protocol's phase and "Stopped early" 3 s apart, two markers close together, and one just
    # placed at the right edge (as in a real session at 1280x720)
    for t, label in [(20.0, "Breathing at 6.5 breaths/min"), (23.0, "Stopped early"), (80.0, "Eyes closed"), (84.0, "Cough"), (129.0, "Signal check")]:
        plot.add_marker(t, label)
    times = np.arange(10.0, now, 1.0)
    plot.set_series(times, 65 + 5 * np.sin(times / 5), np.ones(len(times), dtype=bool), now, times, 0.5 + 0.5 * np.sin(times / 2))
    qtbot.wait(50)
    rects = _label_rects(plot)
    assert len(rects) == 5
    view = plot.getPlotItem().vb.mapRectToScene(plot.getPlotItem().vb.boundingRect())
    for r in rects:
        assert view.contains(r), (r, view)  # nothing cut at an edge
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b), (a, b)
