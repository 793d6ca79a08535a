"""The hibari engine: a 7.9 MB neural voice (`heart`, US female) inside the hibari-tts package.

Only voices inside the package are used: hibari downloads its other voices on first use,
and nothing may be downloaded at run time, so those are refused. Pitch is scaled on the F0
track the network predicts, before hibari's DSP stage: that is hibari's internal API, so the
version is pinned (PINNED) and another version is refused. Output is bit-identical for the
same input (the noise generator is seeded), 24 kHz, resampled to the project's rate.
Deliveries: whisper is real (the F0 track is zeroed: no voicing, only the noise branch),
shout is approximated (higher pitch, a little faster, full volume).
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np

from audiodrama.errors import RenderError
from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.base import VoiceInfo
from audiodrama.voices.engines.neural import (
    PHONEMES,
    check_pitch,
    check_rate_volume,
    espeak_ipa,
    file_sha256,
    pitch_factor,
    plain_text,
    speed_of,
    to_project_wav,
)

PINNED = "0.2.1"
"""The hibari-tts version whose internals (F0 before DSP) this engine uses."""
SEED = 0
"""Seed of hibari's noise generator: the same line always sounds the same."""
F0_GAIN = 4 / 3
"""Exponent on the pitch setting's F0 factor. hibari renders about three quarters of the F0
scale it is given (its phase track keeps some of the voice's own pitch: pitch 35, 2.4
semitones below 50 on espeak-ng's scale, measured 1.7-2.5 below on three lines); with the
gain the measured shift is the one the casting predicts (2.4-3.2)."""
LICENCE = "Apache-2.0"
INSTALL = "pip install 'audiodrama[neural]' (hibari-tts==0.2.1)"

# espeak-ng IPA -> hibari's (misaki's) alphabet: diphthongs and affricates are one letter there.
_TO_MISAKI = [
    ("eɪ", "A"),
    ("aɪ", "I"),
    ("oʊ", "O"),
    ("əʊ", "O"),
    ("aʊ", "W"),
    ("ɔɪ", "Y"),
    ("dʒ", "ʤ"),
    ("tʃ", "ʧ"),
    ("ɝ", "ɜɹ"),
    ("ɜː", "ɜɹ"),
    ("ɑː", "ɑ"),
    ("iː", "i"),
    ("uː", "u"),
    ("ɔː", "ɔ"),
    ("r", "ɹ"),
    ("g", "ɡ"),
    ("ː", ""),
    ("a", "æ"),
]


def hibari_installed() -> str | None:
    """hibari-tts's installed version, or None."""
    try:
        return package_version("hibari-tts")
    except PackageNotFoundError:
        return None


def misaki_phonemes(ipa: str, vocab: dict[str, int]) -> str:
    """espeak-ng IPA in hibari's alphabet (symbols it has no id for are dropped)."""
    for a, b in _TO_MISAKI:
        ipa = ipa.replace(a, b)
    return "".join(c for c in ipa if c in vocab or c == " ")


def _registry() -> dict[str, dict[str, Any]]:
    from hibari.voices import VOICES  # optional dependency (the `neural` extra)

    return dict(VOICES)


class HibariEngine:
    """hibari-tts, one loaded model per process (a render worker keeps it)."""

    name = "hibari"
    parallel = True
    memory_mb = 305
    licence = LICENCE

    def __init__(self) -> None:
        self._tts: Any = None  # hibari.Hibari: untyped, loaded on the first line
        self._ipa: dict[str, str] = {}
        self._model_ids: dict[str, str] = {}

    def version(self) -> str:
        # the F0 gain is part of what a rendered line sounds like: lines cached before it re-render
        return f"hibari-tts-{hibari_installed() or 'missing'}+f0gain"

    def model_path(self, voice: str) -> Path:
        """The bundled model file of `voice` (RenderError if it is not in the package)."""
        from hibari.voices import voice_path  # optional dependency

        try:
            return Path(voice_path(voice, download_missing=False))
        except (ValueError, FileNotFoundError):
            raise RenderError(f"hibari voice {voice!r} is not in the package: use 'heart'") from None

    def model_id(self, voice: str) -> str:
        if voice not in self._model_ids:
            self._model_ids[voice] = file_sha256(self.model_path(voice))
        return self._model_ids[voice]

    def voices(self) -> list[VoiceInfo]:
        if hibari_installed() is None:
            return []
        return [
            VoiceInfo(
                id=name,
                name=f"{v['accent']} English (Kokoro {v['kokoro']})"
                + ("" if v.get("bundled") else ": downloads at run time, refused"),
                kind="voice",
                gender=v["gender"],
                licence=LICENCE,
                usable=bool(v.get("bundled")),
            )
            for name, v in _registry().items()
        ]

    def validate(self, profile: VoiceProfile) -> list[str]:
        installed = hibari_installed()
        if installed is None:
            return [f"engine: hibari is not installed; {INSTALL}"]
        if installed != PINNED:
            return [f"engine: hibari-tts {installed} is installed but audiodrama needs {PINNED}: {INSTALL}"]
        problems = []
        voices = _registry()
        v = voices.get(profile.voice)
        if v is None:
            problems.append(f"voice: {profile.voice!r} is not a hibari voice (use 'heart')")
        elif not v.get("bundled"):
            problems.append(
                f"voice: hibari's {profile.voice!r} would be downloaded at run time, which audiodrama "
                "never does; use 'heart' (in the package)"
            )
        return problems + check_pitch(profile) + check_rate_volume(profile)

    def _load(self) -> Any:
        if self._tts is None:
            try:
                from hibari import Hibari  # optional dependency, heavy (onnxruntime)
            except ImportError:
                raise RenderError(f"hibari is not installed; {INSTALL}") from None
            self._tts = Hibari(voice="heart", model=str(self.model_path("heart")), threads=1)
        return self._tts

    def _text(self, text: str) -> str:
        """Lexicon phonemes as hibari's inline form [x](/phonemes/); the rest as plain text."""

        def inline(m: re.Match[str]) -> str:
            if m.group(1) not in self._ipa:
                ipa = espeak_ipa(m.group(1), "en-us")
                self._ipa[m.group(1)] = misaki_phonemes(ipa, self._load().vocab)
            return f"[x](/{self._ipa[m.group(1)]}/)"

        return PHONEMES.sub(inline, plain_text(text))

    def synthesize(self, text: str, profile: VoiceProfile, delivery: str | None = None) -> bytes:
        """The WAV bytes of `text` spoken by hibari with `profile`."""
        problems = self.validate(profile)
        if problems:
            raise RenderError(f"hibari: {problems[0]}")
        tts = self._load()
        from hibari import dsp  # the internal stage whose F0 input is scaled (pinned version)

        speed, f0_scale = speed_of(profile.rate), pitch_factor(profile.pitch) ** F0_GAIN
        volume = float(profile.volume)
        if delivery == "shout":
            speed, f0_scale, volume = min(2.0, speed * 1.08), f0_scale * 1.25, 1.0
        elif delivery == "whisper":
            speed, f0_scale, volume = speed * 0.9, 0.0, volume * 0.8
        rng = np.random.default_rng(SEED)
        parts = []
        for ps in tts.phonemize(self._text(text)):
            ids = tts.ids(ps)
            if len(ids) < 3:
                continue
            out = tts.sess.run(
                None, {"ids": np.asarray([ids], np.int64), "speed": np.asarray([speed], np.float32)}
            )
            lh, th, ln, lr, phi, f0 = (o[0] for o in out)
            parts.append(dsp.synth(lh, th, ln, lr, phi, f0 * np.float32(f0_scale), rng))
        if not parts:
            raise RenderError(f"hibari produced no audio for {text[:40]!r}")
        audio = np.concatenate(parts)
        if delivery == "whisper":  # unvoiced speech is quieter: bring it to a speaking level
            audio = audio * (0.5 / max(1e-6, float(np.max(np.abs(audio)))))
        return to_project_wav(audio, tts.sample_rate, volume)
