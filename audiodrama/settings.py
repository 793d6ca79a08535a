"""Project settings (audiodrama.toml): pacing, mode, mastering, effects, rendering, the podcast feed."""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import math
import re
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from audiodrama.errors import SettingsError

#: The choices of each choice setting (the CLI offers the same).
MODES: tuple[str, ...] = ("drama", "audiobook")
TRANSITIONS: tuple[str, ...] = ("sting", "whoosh", "chime", "bridge", "crossfade", "none")
AMBIENCES: tuple[str, ...] = ("none", "room", "rain", "street", "wind")
PROFILES: tuple[str, ...] = ("podcast", "acx", "none")
FORMATS: tuple[str, ...] = ("wav", "mp3", "opus", "m4b")
FEED_TYPES: tuple[str, ...] = ("serial", "episodic")

#: Allowed values: a tuple of choices, or an inclusive (low, high) range.
LIMITS: dict[str, tuple[str, ...] | tuple[float, float]] = {
    "mode": MODES,
    "transition": TRANSITIONS,
    "ambience": AMBIENCES,
    "profile": PROFILES,
    "formats": FORMATS,
    "type": FEED_TYPES,
    "ambience_db": (-90.0, 0.0),
    "duck_db": (-60.0, 0.0),
    "episode_minutes": (0.0, 24 * 60.0),
    "sample_rate": (8000, 192000),
    "channels": (1, 2),
    "workers": (0, 512),
}
#: Every *_ms pause: from nothing to a minute.
MS_RANGE = (0, 60_000)
_BITRATE = re.compile(r"\d{2,3}k")


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
    """Default scene-change effect: sting | whoosh | chime | bridge | crossfade | none."""
    ambience: str = "none"
    """Default ambience bed under scenes: none | room | rain | street | wind."""
    credits: bool = True
    """Read opening and closing credits (title, author, cast)."""
    author: str = ""
    """Author named in the credits and tags; "" = the author the story file names."""
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
    """Keep each scene's mix on disk (about 1.3 GB per stereo audio hour) so an edit re-mixes only its scene."""
    closing_credits: str = ""
    """Closing credits text; "" = who plays whom (performers in cast.toml) or the engines' voices."""


@dataclass(frozen=True)
class Master:
    """Mastering profile and output formats."""

    profile: str = "podcast"
    """podcast (-16 LUFS, -1 dBTP) | acx | none."""
    sample_rate: int = 44100
    """Output sample rate in Hz."""
    channels: int = 2
    """2 = the stereo stage (voices panned, beds decorrelated); 1 = mono, every file at -19 LUFS."""
    formats: tuple[str, ...] = ("wav", "mp3")
    """Episode formats to export: wav, mp3, opus, m4b."""
    mp3_bitrate: str = "192k"
    """MP3 bitrate (constant)."""
    cover: str = ""
    """Cover image (JPEG/PNG) embedded in MP3/M4B tags and named in the feed; relative to the production."""


@dataclass(frozen=True)
class Feed:
    """The podcast feed (`audiodrama feed`); "" = taken from the story."""

    base_url: str = ""
    """Public URL of the folder you upload audio_out/<story>/ to (required for the feed)."""
    title: str = ""
    """Podcast title; "" = the story's title."""
    author: str = ""
    """Podcast author; "" = the story's author, else [mix] author."""
    description: str = ""
    """Podcast description; "" = the story's description or "Summary:" paragraph."""
    language: str = ""
    """Language code (en, en-GB, fr...); "" = the story's language."""
    owner_name: str = ""
    """Name platforms show as the feed's owner; "" = the author."""
    owner_email: str = ""
    """Email platforms send the ownership check to (required for the feed)."""
    category: str = "Fiction > Drama"
    """Apple Podcasts category, optionally "Category > Subcategory"."""
    explicit: bool = False
    """Whether the episodes contain explicit content."""
    type: str = "serial"
    """serial (listen in order; a story) | episodic (newest first)."""
    image: str = ""
    """Cover art (square JPEG/PNG, 1400-3000 px), relative to the production; "" = [master] cover, else one made from the title."""


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
    feed: Feed = field(default_factory=Feed)


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
    problem = check_value(key, number)
    if problem:
        raise ValueError(f"{key}={value}: {problem}")
    return number


def check_value(key: str, value: Any) -> str:
    """What is wrong with `value` for the setting `key` ("" when it is allowed)."""
    limit = MS_RANGE if key.endswith("_ms") else LIMITS.get(key)
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if key == "mp3_bitrate" and not _BITRATE.fullmatch(value):
        return 'use a bitrate such as "192k"'
    if key == "base_url" and value and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        return 'use the public http(s) address of the folder, such as "https://example.org/podcast/"'
    if key == "owner_email" and value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return 'use an email address, such as "you@example.org"'
    if limit is None:
        return ""
    if isinstance(limit[0], str):
        items = value if isinstance(value, tuple) else (value,)
        bad = [v for v in items if v not in limit] or ([] if items else ["nothing"])
        return f"use {' | '.join(map(str, limit))}, not {bad[0]!r}" if bad else ""
    low, high = limit
    return "" if low <= value <= high else f"must be between {low} and {high}"


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


def _fill(cls: type, data: dict[str, Any], where: str, path: Path | str) -> Any:
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
            continue
        if isinstance(default, bool) != isinstance(value, bool) or (
            not isinstance(value, type(default))
            and not (isinstance(default, float) and isinstance(value, int))
        ):
            raise SettingsError(f"[{where}] {key} = {value!r} should be a {type(default).__name__}", path)
        if isinstance(default, tuple) and not all(isinstance(v, str) for v in value):
            raise SettingsError(f"[{where}] {key} = {value!r} should be a list of strings", path)
        problem = check_value(key, value)
        if problem:
            raise SettingsError(f"[{where}] {key} = {_shown(value)}: {problem}", path)
        kwargs[key] = float(value) if isinstance(default, float) else value
    return cls(**kwargs)


def _shown(value: Any) -> str:
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


def settings_from_dict(data: dict[str, Any], path: Path | str = "audiodrama.toml") -> Settings:
    """Settings from the parsed TOML of audiodrama.toml, every value checked against its range.

    A bad value is a SettingsError naming the key and what is allowed.
    """
    settings: Settings = _fill(Settings, data, "top", path)
    return settings


def _field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of a settings dataclass (the comments of the template)."""
    docs: dict[str, str] = {}
    try:
        tree = ast.parse(inspect.getsource(cls)).body[0]
    except (OSError, TypeError):
        return docs  # no source (a frozen build): the template goes without comments
    assert isinstance(tree, ast.ClassDef)
    for node, after in itertools.pairwise(tree.body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
        ):
            docs[node.target.id] = " ".join(str(after.value.value).split())
    return docs


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _default(f: Field[Any]) -> Any:
    return f.default if f.default_factory is MISSING else f.default_factory()


def default_settings_toml() -> str:
    """The audiodrama.toml `audiodrama init` writes: every key at its default, documented.

    Made from the dataclasses themselves (defaults and field docstrings), so it never drifts.
    """
    out = ["# audiodrama production settings. Every key is optional; these are the defaults."]
    for section in fields(Settings):
        table = _default(section)
        out += ["", f"[{section.name}]  # {' '.join((type(table).__doc__ or '').split())}"]
        docs = _field_docs(type(table))
        for f in fields(table):
            out.append(f"{f.name} = {_toml_value(_default(f))}  # {docs.get(f.name, '')}".rstrip(" #"))
    return "\n".join(out) + "\n"
