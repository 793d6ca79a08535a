"""Project settings (audiodrama.toml): pacing, mode, mastering, effects, rendering."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from audiodrama.errors import SettingsError


@dataclass(frozen=True)
class Pacing:
    """Pauses between lines, in milliseconds."""

    within_turn_ms: int = 250
    """Between two pieces of one speaker's turn (a quote broken by a tag)."""
    between_speakers_ms: int = 450
    """When the voice changes within a paragraph or between dialogue paragraphs."""
    paragraph_ms: int = 650
    """After the end of a paragraph."""
    scene_ms: int = 900
    """Silence on each side of a scene-change effect."""
    cutoff_ms: int = 60
    """After a line cut off by a dash ("Sp-"): the next line comes in early."""
    head_ms: int = 700
    """Room tone at the start of an episode."""
    tail_ms: int = 2000
    """Room tone at the end of an episode."""


@dataclass(frozen=True)
class Mix:
    """How lines are assembled."""

    mode: str = "drama"
    """drama (speech tags left out) | audiobook (every word of narration read)."""
    transition: str = "sting"
    """Default scene-change effect: sting | whoosh | chime | bridge | none."""
    ambience: str = "none"
    """Default ambience bed under scenes: none | room | rain | street | wind."""
    credits: bool = True
    """Read opening and closing credits (title, author, cast)."""
    author: str = ""
    """Author named in the credits and tags."""
    cues: bool = True
    """Play sound cues the narration names (a phone at "Ring! Ring!", a knock, a door)."""
    ambience_db: float = -38.0
    """Level of ambience beds between lines (dBFS RMS, before mastering; speech sits near -20)."""
    duck_db: float = -10.0
    """How far ambience dips under speech (dB)."""
    stems: bool = False
    """Also write stems (one WAV per character, narration, effects, ambience) and Audacity labels."""
    episode_minutes: float = 0.0
    """Split the story into episodes of about this many minutes at scene boundaries; 0 = by chapters."""
    opening_credits: str = ""
    """Opening credits text; "" = "{title}{by}." (+ the episode). Fields: {title} {by} {author} {episode} {cast}."""
    scene_cache: bool = True
    """Keep each scene's mix on disk (about 630 MB per audio hour) so an edit re-mixes only its scene."""
    closing_credits: str = ""
    """Closing credits text; "" = "You have been listening to {title}{by}. With the voices of {cast}. ..."."""


@dataclass(frozen=True)
class Master:
    """Mastering profile and output formats."""

    profile: str = "podcast"
    """podcast (-16 LUFS, -1 dBTP) | acx | none."""
    sample_rate: int = 44100
    """Output sample rate in Hz."""
    channels: int = 2
    """Output channels (podcast platforms reject mono WAV)."""
    formats: tuple[str, ...] = ("wav", "mp3")
    """Episode formats to export: wav, mp3, opus, m4b."""
    mp3_bitrate: str = "192k"
    """MP3 bitrate (constant)."""
    cover: str = ""
    """Cover image (JPEG/PNG) embedded in MP3/M4B tags and named in the feed; relative to the production."""


@dataclass(frozen=True)
class Render:
    """Line rendering."""

    workers: int = 0
    """Parallel synthesis processes; 0 = one per core."""


@dataclass(frozen=True)
class Settings:
    """Everything audiodrama.toml can set."""

    pacing: Pacing = field(default_factory=Pacing)
    mix: Mix = field(default_factory=Mix)
    master: Master = field(default_factory=Master)
    render: Render = field(default_factory=Render)


#: [mix] keys a scene may override (the rest are whole-episode choices).
SCENE_MIX_KEYS = ("cues", "ambience_db", "duck_db")


def scene_setting_keys() -> list[str]:
    """The settings a scene may override in the script: every [pacing] key and a few [mix] ones."""
    return [f.name for f in fields(Pacing)] + list(SCENE_MIX_KEYS)


def parse_scene_setting(key: str, value: str) -> int | float | bool:
    """A scene override as written in the editable script (`key=value`), typed by its default;
    ValueError says what is wrong."""
    if key not in scene_setting_keys():
        raise ValueError(f"unknown scene setting {key!r}; use one of {', '.join(scene_setting_keys())}")
    default = getattr(Pacing(), key) if hasattr(Pacing(), key) else getattr(Mix(), key)
    if isinstance(default, bool):
        if value.lower() not in ("true", "false"):
            raise ValueError(f"{key}={value}: use true or false")
        return value.lower() == "true"
    try:
        number = type(default)(value)
    except ValueError:
        raise ValueError(f"{key}={value}: should be a {type(default).__name__}") from None
    if isinstance(default, int) and number < 0:
        raise ValueError(f"{key}={value}: must not be negative")
    return number


def for_scene(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """`settings` with a scene's overrides applied (a new object; `settings` is unchanged)."""
    if not overrides:
        return settings
    pacing = {k: v for k, v in overrides.items() if hasattr(settings.pacing, k)}
    mix = {k: v for k, v in overrides.items() if k in SCENE_MIX_KEYS}
    unknown = set(overrides) - set(pacing) - set(mix)
    if unknown:
        raise SettingsError(
            f"unknown scene setting(s) {', '.join(sorted(unknown))}; use {', '.join(scene_setting_keys())}",
            "script",
        )
    return replace(settings, pacing=replace(settings.pacing, **pacing), mix=replace(settings.mix, **mix))


def _fill(cls: type, data: dict[str, Any], where: str, path: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            raise SettingsError(f"unknown setting [{where}] {key}; known: {', '.join(known)}", path)
        default = getattr(cls(), key)
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)  # TOML arrays are lists; frozen settings hold tuples
        if is_dataclass(default):
            if not isinstance(value, dict):
                raise SettingsError(f"[{key}] must be a table", path)
            kwargs[key] = _fill(type(default), value, key, path)
        elif isinstance(default, bool) != isinstance(value, bool) or (
            not isinstance(value, type(default))
            and not (isinstance(default, float) and isinstance(value, int))
        ):
            raise SettingsError(f"[{where}] {key} = {value!r} should be a {type(default).__name__}", path)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def load_settings(path: Path) -> Settings:
    """Read audiodrama.toml; a missing file means all defaults."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"not valid TOML ({exc}); fix the syntax or delete the file for defaults", path)
    settings = _fill(Settings, data, "top", path)
    if settings.mix.mode not in ("drama", "audiobook"):
        raise SettingsError(f'[mix] mode = {settings.mix.mode!r}: use "drama" or "audiobook"', path)
    return settings


DEFAULT_SETTINGS_TOML = """\
# audiodrama production settings. Every key is optional; these are the defaults.

[mix]
mode = "drama"          # drama: speech tags ("Willow asked") left out | audiobook: every word read
transition = "sting"    # scene-change effect: sting | whoosh | chime | bridge | none
ambience = "none"       # bed under each scene: none | room | rain | street | wind
credits = true          # opening/closing credits read by the narrator
author = ""
cues = true             # sound cues the narration names: phone at "Ring! Ring!", knock, door
ambience_db = -38.0     # ambience level between lines (dBFS RMS; speech sits near -20)
duck_db = -10.0         # how far ambience dips under speech
stems = false           # also write stems (per character, narration, effects, ambience) + labels
episode_minutes = 0.0   # split into episodes of about this length at scene breaks; 0 = by chapters
scene_cache = true      # keep scene mixes (~630 MB per audio hour) so an edit re-mixes one scene
opening_credits = ""    # "" = default; fields {title} {by} {author} {episode} {cast}
closing_credits = ""

[pacing]                # milliseconds
within_turn_ms = 250
between_speakers_ms = 450
paragraph_ms = 650
scene_ms = 900
cutoff_ms = 60
head_ms = 700
tail_ms = 2000

[master]
profile = "podcast"     # podcast (-16 LUFS, -1 dBTP) | acx | none
sample_rate = 44100
channels = 2
formats = ["wav", "mp3"]   # wav | mp3 | opus | m4b (m4b: one audiobook of the whole story)
mp3_bitrate = "192k"
cover = ""              # cover image for tags and the feed, e.g. "cover.jpg"

[render]
workers = 0             # 0 = one per core
"""
