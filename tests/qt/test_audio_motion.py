"""Audio cues (synthesis, and silence without a device) and the reduced-motion switch."""

from __future__ import annotations

import numpy as np
import pytest

from biofeedback.qt.audio import CHIME_HZ, EXHALE_HZ, INHALE_HZ, SAMPLE_RATE_HZ, CueAudio, chime, glide_tone, to_pcm16
from biofeedback.qt.motion import ReducedMotion, system_prefers_reduced_motion


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE_HZ)[np.argmax(spectrum)])


def test_breath_tones_glide_up_to_breathe_in_and_down_to_breathe_out():
    inhale = glide_tone(*INHALE_HZ, 0.9)
    exhale = glide_tone(*EXHALE_HZ, 0.9)
    quarter = len(inhale) // 4
    assert dominant_hz(inhale[:quarter * 2]) < dominant_hz(inhale[quarter * 2 :])
    assert dominant_hz(exhale[:quarter * 2]) > dominant_hz(exhale[quarter * 2 :])
    for tone in (inhale, exhale):
        assert np.abs(tone).max() <= 0.5  # soft
        assert abs(tone[0]) < 1e-3 and abs(tone[-1]) < 1e-2  # no click at either end


def test_chime_rings_at_its_partials_and_fades():
    bell = chime()
    assert dominant_hz(bell) == pytest.approx(CHIME_HZ[0], abs=2)
    assert np.abs(bell[-1000:]).max() < 0.05 * np.abs(bell).max()
    pcm = to_pcm16(bell)
    assert len(pcm) == 2 * len(bell)
    assert np.frombuffer(pcm, "<i2").max() == pytest.approx(bell.max() * 32767, abs=1)


def test_audio_is_off_by_default_and_silent_without_a_device(qapp):
    """On this machine QtMultimedia has no PulseAudio library or device: nothing may crash or warn."""
    audio = CueAudio()
    assert not audio.enabled
    assert not audio.play("inhale")
    audio.set_enabled(True)
    audio.set_volume(3.0)
    assert audio.volume == 1.0
    audio.play_turn("exhale")  # a slot: must not raise, with or without a device
    if not audio.available:
        assert not audio.play("chime")


def test_reduced_motion_switch(qapp, qtbot):
    motion = ReducedMotion("off")
    assert not motion.active
    with qtbot.waitSignal(motion.changed) as changed:
        motion.set_mode("on")
    assert changed.args == [True] and motion.active
    motion.set_mode("nonsense")  # an old or damaged settings value follows the system
    assert motion.mode == "system"
    assert motion.active == bool(system_prefers_reduced_motion())


def test_system_preference_is_read_where_qt_offers_it(qapp):
    from PySide6.QtGui import QGuiApplication

    hints = QGuiApplication.styleHints().accessibility()
    if hasattr(hints, "motionPreference"):  # Qt >= 6.12
        from PySide6.QtCore import Qt

        assert system_prefers_reduced_motion() is (hints.motionPreference() == Qt.MotionPreference.ReducedMotion)
    else:  # Qt 6.11 cannot tell
        assert system_prefers_reduced_motion() is None
