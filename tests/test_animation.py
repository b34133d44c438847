"""Easing and gliding: the picture never jumps, whatever the timing of new targets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from biofeedback.core.animation import Glide, ease_sine_in_out, gradient_rgb, hex_rgb


def test_sine_in_out_is_the_half_cosine():
    x = np.linspace(0, 1, 101)
    assert [ease_sine_in_out(v) for v in x] == pytest.approx(list(np.sin(np.pi * x / 2) ** 2))
    assert ease_sine_in_out(-1) == 0.0 and ease_sine_in_out(2) == 1.0


def test_glide_reaches_the_target_after_its_duration():
    glide = Glide.at(0.0, 2.0)
    glide.set_target(1.0, 10.0)
    assert glide.value(10.0) == 0.0
    assert glide.value(11.0) == pytest.approx(0.5)
    assert glide.value(12.0) == 1.0
    assert glide.target == 1.0


@given(st.lists(st.tuples(st.floats(0.01, 3.0), st.floats(-1.0, 1.0)), min_size=1, max_size=20))
def test_a_late_target_never_makes_the_picture_jump(updates):
    """Targets arrive at arbitrary times; sampled at 60 fps the value moves at most its glide speed."""
    glide = Glide.at(0.0, 1.0)
    t, frame = 0.0, 1 / 60
    changes = []
    for wait, target in updates:
        t += wait
        changes.append((t, target))
    frames = np.arange(0.0, t + 1.5, frame)
    shown = []
    pending = list(changes)
    for now in frames:
        while pending and pending[0][0] <= now:
            glide.set_target(pending.pop(0)[1], now)
        shown.append(glide.value(now))
    # the largest possible step: a full swing of 2 at the sine's steepest slope (pi/2 per duration)
    assert np.max(np.abs(np.diff(shown))) <= 2 * np.pi / 2 * frame + 1e-9


def test_gradient_passes_through_its_stops():
    stops = (hex_rgb("#0072B2"), hex_rgb("#009E73"), hex_rgb("#E69F00"))
    assert gradient_rgb(stops, 0.0) == pytest.approx(stops[0])
    assert gradient_rgb(stops, 0.5) == pytest.approx(stops[1])
    assert gradient_rgb(stops, 1.0) == pytest.approx(stops[2])
