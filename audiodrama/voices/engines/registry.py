"""Engines by name: a constant mapping name -> engine class (no registry that changes).

THE test hook: the environment variable AUDIODRAMA_ENGINE, when set (e.g. to "silent"),
replaces the engine every profile names, in this process and in the render workers it
starts (they inherit the environment). It exists for fast tests of the later stages and
is the only place the environment chooses an engine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType

from audiodrama.voices.engines.base import Engine, VoiceInfo
from audiodrama.voices.engines.hibari_engine import HibariEngine, hibari_installed
from audiodrama.voices.engines.piper_engine import PiperEngine, piper_installed
from audiodrama.voices.engines.pyttsx3_engine import Pyttsx3Engine
from audiodrama.voices.engines.silent import SilentEngine

ENGINES: Mapping[str, type[Engine]] = MappingProxyType(
    {
        "pyttsx3": Pyttsx3Engine,
        "espeak": Pyttsx3Engine,
        "hibari": HibariEngine,
        "piper": PiperEngine,
        "silent": SilentEngine,
    }
)
"""Engine name (a profile's `engine` field) -> class; "espeak" is another name of pyttsx3."""

NEURAL_ENGINES = ("hibari", "piper")
"""Engines with neural voices, installed from optional packages (extras `neural`, `piper`)."""

TEST_ENGINE_VAR = "AUDIODRAMA_ENGINE"


def engine_names() -> tuple[str, ...]:
    """Engines a profile may name."""
    return tuple(ENGINES)


def installed_neural() -> tuple[str, ...]:
    """The neural engines whose packages are installed, in order of preference."""
    found = {"hibari": hibari_installed() is not None, "piper": piper_installed() is not None}
    return tuple(n for n in NEURAL_ENGINES if found[n])


def engine_name(name: str) -> str:
    """The canonical name of the engine that voices a profile naming `name` (test hook applied)."""
    name = os.environ.get(TEST_ENGINE_VAR) or name
    if name not in ENGINES:
        raise KeyError(name)
    return ENGINES[name].name


def make_engine(name: str) -> Engine:
    """A new engine for a profile's `engine` field (test hook applied). KeyError if unknown."""
    return ENGINES[engine_name(name)]()


def checking_engine(name: str) -> Engine:
    """The engine that checks a profile naming `name`: a neural profile is always checked by its
    own engine (the test hook replaces synthesis, not what a voice name means); espeak-ng
    profiles by the engine the hook selects, as before."""
    return ENGINES[name]() if name in NEURAL_ENGINES else make_engine(name)


def neural_inventory() -> list[tuple[str, str, list[VoiceInfo]]]:
    """(engine, its licence, its voices) of every neural engine, installed or not (no voices then)."""
    out = []
    for name in NEURAL_ENGINES:
        engine = ENGINES[name]()
        out.append((name, engine.licence, engine.voices()))
    return out
