"""Optional audio cues: soft generated tones for the breath turns and a chime at high coherence.

Off by default, with their own volume. Sounds are synthesised with numpy (no files) and played
through QtMultimedia's ``QAudioSink``. QtMultimedia needs the full PySide6 wheel and, on Linux,
PulseAudio's client library; where either is missing, or there is no output device, the cues
stay silent and everything else works: :attr:`CueAudio.available` says which.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, qInstallMessageHandler

log = logging.getLogger(__name__)

#: Output sample rate, Hz.
SAMPLE_RATE_HZ = 44100
#: Breath tones: a low, soft sine gliding up for the in-breath and down for the out-breath, Hz.
INHALE_HZ = (220.0, 262.0)
EXHALE_HZ = (262.0, 196.0)
TONE_S = 0.9
#: The chime: two partials of a soft bell (a major sixth apart), Hz, s.
CHIME_HZ = (523.25, 880.0)
CHIME_S = 1.8
#: Default volume, 0..1 (the sink's own linear volume).
DEFAULT_VOLUME = 0.4


def glide_tone(f_start: float, f_end: float, seconds: float, rate: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """A sine gliding from ``f_start`` to ``f_end`` Hz with a raised-cosine envelope, float32 -1..1.

    The envelope rises over the first 30 % and falls over the rest, so there is no click.
    """
    n = int(seconds * rate)
    t = np.arange(n) / rate
    freq = np.linspace(f_start, f_end, n)
    phase = 2 * np.pi * np.cumsum(freq) / rate
    x = t / seconds
    envelope = np.where(x < 0.3, np.sin(np.pi / 2 * x / 0.3) ** 2, np.cos(np.pi / 2 * (x - 0.3) / 0.7) ** 2)
    return (0.5 * envelope * np.sin(phase)).astype(np.float32)


def chime(seconds: float = CHIME_S, rate: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """A soft bell: two partials with a short attack and an exponential decay, float32 -1..1."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    attack = np.minimum(t / 0.02, 1.0)
    tone = sum(a * np.sin(2 * np.pi * f * t) * np.exp(-t / d) for f, a, d in zip(CHIME_HZ, (0.35, 0.15), (0.6, 0.35), strict=True))
    return (attack * tone).astype(np.float32)


def to_pcm16(samples: np.ndarray) -> bytes:
    """float -1..1 to signed 16-bit little-endian PCM."""
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


@contextmanager
def _qt_messages_to_debug_log() -> Iterator[None]:
    """While probing for a device, send Qt's messages to the debug log instead of stderr.

    Without a sound server QtMultimedia warns about every optional library it cannot load
    (pipewire, VA-API) and that PulseAudio refused the connection. None of it matters to someone
    who did not ask for sound, and all of it stays visible with ``--verbose``.
    """

    def to_debug(mode, context, message: str) -> None:
        log.debug("Qt %s: %s", context.category, message)

    previous = qInstallMessageHandler(to_debug)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


class CueAudio(QObject):
    """Plays the audio cues when enabled; silent (and quiet in the logs) without an output device."""

    def __init__(self, enabled: bool = False, volume: float = DEFAULT_VOLUME, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.volume = min(max(volume, 0.0), 1.0)
        self._sink = None
        self._buffer: QBuffer | None = None
        self._format = None
        self._sounds = {
            "inhale": to_pcm16(glide_tone(*INHALE_HZ, TONE_S)),
            "exhale": to_pcm16(glide_tone(*EXHALE_HZ, TONE_S)),
            "chime": to_pcm16(chime()),
        }
        self.available = self._open()

    def _open(self) -> bool:
        with _qt_messages_to_debug_log():
            return self._probe()

    def _probe(self) -> bool:
        # say why there is no sound only to someone who asked for it
        say = log.info if self.enabled else log.debug
        try:
            from PySide6.QtMultimedia import QAudioFormat, QMediaDevices
        except ImportError as exc:  # PySide6-Essentials, or no libpulse on Linux
            say("Audio cues are unavailable (%s); the screens work without them.", exc)
            return False
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            say("No audio output device; audio cues stay silent.")
            return False
        fmt = QAudioFormat()
        fmt.setSampleRate(SAMPLE_RATE_HZ)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(fmt):
            say("The audio device cannot play 16-bit mono at %d Hz; audio cues stay silent.", SAMPLE_RATE_HZ)
            return False
        self._device, self._format = device, fmt
        return True

    def set_enabled(self, enabled: bool) -> None:
        if enabled and not self.enabled and not self.available:
            log.info("Audio cues are switched on, but there is no sound output here; they stay silent.")
        self.enabled = enabled
        if not enabled:
            self._stop()

    def set_volume(self, volume: float) -> None:
        """Volume 0..1."""
        self.volume = min(max(volume, 0.0), 1.0)
        if self._sink is not None:
            self._sink.setVolume(self.volume)

    # ---- slots

    def play_turn(self, phase: str) -> None:
        """Slot for ``ClientView.breath_turned``: a rising tone to breathe in, a falling one to breathe out."""
        if phase in ("inhale", "exhale"):
            self.play(phase)

    def play_chime(self) -> None:
        """Slot for ``ClientView.coherence_reached``."""
        self.play("chime")

    def play(self, sound: str) -> bool:
        """Play one of "inhale", "exhale", "chime"; True if it went to a device."""
        if not (self.enabled and self.available):
            return False
        from PySide6.QtMultimedia import QAudioSink

        self._stop()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(self._sounds[sound]))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(self._device, self._format, self)
        self._sink.setVolume(self.volume)
        self._sink.start(self._buffer)
        return True

    def _stop(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
            self._sink = None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
