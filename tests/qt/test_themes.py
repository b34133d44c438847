"""Themes: each follows the breath and coherence, stays dark and calm, and reduced motion keeps
the picture still and lets only its brightness breathe. Checked on rendered pixels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from biofeedback.qt.client_view import ClientView
from biofeedback.qt.widgets.themes import DEFAULT_THEME, THEMES, Scene, theme

SIZE = (480, 320)


def render(name: str, scene: Scene) -> np.ndarray:
    """One theme painted alone into an image: sRGB floats 0..1, shape (h, w, 3)."""
    image = QImage(*SIZE, QImage.Format.Format_RGB32)
    image.fill(0xFF00FF)  # magenta: any pixel a theme forgets to paint shows up
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    theme(name).paint(painter, QRectF(0, 0, *SIZE), scene)
    painter.end()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(SIZE[1], image.bytesPerLine() // 4, 4)
    return raw[:, : SIZE[0], 2::-1].astype(np.float64) / 255.0


def luminance(rgb: np.ndarray) -> np.ndarray:
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def rank_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Rank correlation of two pictures' luminances: near 1 when only brightness changed (every
    pixel keeps its place in the order from dark to light), lower when shapes moved."""
    ranks = [np.argsort(np.argsort(luminance(x).ravel())) for x in (a, b)]
    return float(np.corrcoef(*ranks)[0, 1])


def near_wave(rgb: np.ndarray) -> np.ndarray:
    """Row of the nearest wave's crest in each column of the left third (away from the sun's gleam)."""
    top = int(SIZE[1] * 0.55)
    jumps = np.abs(np.diff(luminance(rgb)[top:], axis=0)) > 0.0015
    rows = [np.flatnonzero(jumps[:, x]) for x in range(SIZE[0] // 3)]
    assert all(len(r) for r in rows), "no wave crest found"
    return np.array([top + r[-1] for r in rows])


def shapes_moved(name: str, a: np.ndarray, b: np.ndarray) -> float:
    """How far the theme's shapes moved between two pictures, in a measure fitting the theme:
    1 - rank similarity for the orb, mean crest shift in pixels for the waves."""
    if name == "orb":
        return 1.0 - rank_similarity(a, b)
    return float(np.abs(near_wave(a) - near_wave(b)).mean())


#: Above these, shapes moved; the orb's measure is a correlation, the waves' is pixels.
MOVED = {"orb": 0.2, "waves": 5.0}
STILL = {"orb": 0.02, "waves": 0.5}


def test_there_are_at_least_two_themes_and_unknown_names_fall_back():
    assert {"orb", "waves"} <= set(THEMES)
    assert all(t.title for t in THEMES.values())
    assert theme("no-such-theme").name == DEFAULT_THEME


@pytest.mark.parametrize("name", sorted(THEMES))
def test_the_picture_moves_with_the_breath(qapp, name):
    empty, full = render(name, Scene(breath=0.0)), render(name, Scene(breath=1.0))
    assert shapes_moved(name, empty, full) > MOVED[name]


@pytest.mark.parametrize("name", sorted(THEMES))
def test_reduced_motion_keeps_shapes_still_and_breathes_in_brightness(qapp, name):
    empty = render(name, Scene(t=0.0, breath=0.0, reduced_motion=True))
    full = render(name, Scene(t=7.3, breath=1.0, reduced_motion=True))
    assert shapes_moved(name, empty, full) < STILL[name]
    assert luminance(full).mean() - luminance(empty).mean() > 0.004
    # and over time alone nothing drifts
    later = render(name, Scene(t=21.0, breath=1.0, reduced_motion=True))
    assert np.abs(later - full).max() < 2 / 255


@pytest.mark.parametrize("name", sorted(THEMES))
def test_coherence_warms_the_colours(qapp, name):
    cold = render(name, Scene(breath=0.5, warmth=0.0))
    warm = render(name, Scene(breath=0.5, warmth=1.0))
    red_minus_blue = lambda rgb: float((rgb[..., 0] - rgb[..., 2]).mean())  # noqa: E731
    assert red_minus_blue(warm) > red_minus_blue(cold) + 0.03


def test_the_scene_brightens_and_settles_with_coherence(qapp):
    cold = render("waves", Scene(t=3.0, breath=0.5, warmth=0.0))
    warm = render("waves", Scene(t=3.0, breath=0.5, warmth=1.0))
    assert luminance(warm).mean() > luminance(cold).mean()
    # settles: the small choppy waves fade, so the crest line is smoother
    roughness = lambda rgb: float(np.abs(np.diff(near_wave(rgb), 2)).mean())  # noqa: E731
    assert roughness(warm) < 0.8 * roughness(cold)


@pytest.mark.parametrize("name", sorted(THEMES))
@pytest.mark.parametrize("warmth", [0.0, 0.5, 1.0])
def test_calm_dark_never_pure_black_or_white_and_never_red(qapp, name, warmth):
    rgb = render(name, Scene(breath=1.0, warmth=warmth, bloom=1.0, swell=1.0))
    magenta = (rgb[..., 0] > 0.99) & (rgb[..., 1] < 0.01) & (rgb[..., 2] > 0.99)
    assert not magenta.any(), "a theme left part of its rectangle unpainted"
    assert not (rgb.max(axis=-1) < 0.01).any(), "pure black"
    assert not (rgb.min(axis=-1) > 0.99).any(), "pure white"
    lum = luminance(rgb)
    assert lum.mean() < 0.12, "too bright for a dim room"
    assert np.median(lum) < 0.05
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    assert not ((lin.sum(axis=-1) >= 0.01) & (lin[..., 0] >= 0.8 * lin.sum(axis=-1))).any(), "saturated red"


def test_the_beat_bloom_is_a_few_percent_below_the_flash_threshold(qapp):
    for name in THEMES:
        rest = luminance(render(name, Scene(breath=0.5, warmth=1.0, bloom=0.0)))
        bloom = luminance(render(name, Scene(breath=0.5, warmth=1.0, bloom=1.0)))
        change = np.abs(bloom - rest).max()
        assert 0.005 < change < 0.1, (name, change)


def test_switching_themes_in_the_client_view(qtbot):
    view = ClientView("orb")
    qtbot.addWidget(view)
    view.resize(*SIZE)
    view.render_frame(1.0, None)
    orb = view.grab().toImage()
    view.set_theme("waves")
    view.render_frame(1.0, None)
    assert view.theme_name == "waves"
    assert view.grab().toImage() != orb
    view.set_theme("nonsense")
    assert view.theme_name == DEFAULT_THEME
