"""The cast: voice profiles of the narrator and every character, read from parsed cast data.

Parsed data, not a file: project.castfile reads and writes voices/cast.toml; this module turns
its tables into validated VoiceProfiles (CastError naming the table, the field and the fix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from audiodrama.errors import CastError
from audiodrama.model import NARRATOR, Character, Line, VoiceProfile
from audiodrama.voices.engines.registry import checking_engine, engine_names

GENDERS = ("female", "male", "unknown")
PROFILE_FIELDS: tuple[str, ...] = ("engine", "voice", "rate", "pitch", "volume", "effects")
"""The voice fields of a cast-file table (besides aliases and gender)."""
NARRATOR_SLOT = ("en-gb-x-rp", 42, 165)
"""The default narrator: (voice, pitch, rate)."""
SPREAD: tuple[float, ...] = (0.4, -0.4, 0.2, -0.2, 0.6, -0.6, 0.3, -0.3, 0.5, -0.5, 0.1, -0.1)
"""Stereo positions given to characters without a `pan`, in cast-file order: the first two (often
the leads) either side of the narrator, never hard left or right (+-0.6 at most), then filling in."""


def auto_pan(index: int) -> float:
    """The stereo position of the `index`-th character of the cast file (0 first) when it sets no `pan`."""
    return SPREAD[index % len(SPREAD)]


def pan_from(entry: dict[str, Any], where: str, path: Path | None) -> float | None:
    """A table's `pan` (-1..1), None if it has none; CastError for anything else."""
    if "pan" not in entry:
        return None
    value = entry["pan"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not -1.0 <= value <= 1.0:
        raise CastError(
            f"{where} pan = {value!r}: use a number from -1 (left) through 0 (centre) to 1 (right)", path
        )
    return float(value)


def slot_profile(slot: tuple[str, int, int]) -> VoiceProfile:
    """The profile of an auto-cast slot (voice, pitch, rate) of the espeak-ng engine."""
    return VoiceProfile(engine="pyttsx3", voice=slot[0], rate=slot[2], pitch=slot[1], volume=1.0)


@dataclass
class Cast:
    """Voice profiles of the narrator and every character."""

    narrator: VoiceProfile
    """The narrator's profile (narration, tags, headings, unattributed dialogue)."""
    characters: dict[str, VoiceProfile] = field(default_factory=dict)
    """Character.name -> profile."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Alias -> Character.name (from the cast file)."""
    path: Path | None = None
    """The cast file it was loaded from."""
    warnings: list[str] = field(default_factory=list)
    """Things a person may want to fix (e.g. two main characters that sound alike)."""

    def _repr_html_(self) -> str:
        """A table for Jupyter: each voice profile, narrator first, and any casting warnings."""
        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>{escape(p.engine)}</td><td><code>{escape(p.voice)}</code></td>"
            f"<td>{p.rate}</td><td>{p.pitch}</td><td>{p.volume:g}</td><td>{escape(', '.join(p.effects))}</td><td>{p.pan:+.2g}</td></tr>"
            for name, p in [(NARRATOR, self.narrator), *self.characters.items()]
        )
        head = "<tr><th>voice</th><th>engine</th><th>voice id</th><th>rate</th><th>pitch</th><th>volume</th><th>effects</th><th>pan</th></tr>"
        warnings = "".join(f"<li>{escape(w)}</li>" for w in self.warnings)
        return f"<table>{head}{rows}</table>" + (f"<ul>{warnings}</ul>" if warnings else "")

    def profile_for(self, line: Line) -> VoiceProfile:
        """Dialogue with a speaker -> that character's profile; anything else -> narrator."""
        if line.kind != "dialogue" or not line.speaker:
            return self.narrator
        name = line.speaker if line.speaker in self.characters else self.aliases.get(line.speaker)
        if name is None:
            if line.speaker == NARRATOR:
                return self.narrator
            raise CastError(
                f"no voice profile for {line.speaker!r}; run `audiodrama cast` to add it", self.path
            )
        return self.characters[name]

    def name_for(self, speaker: str | None) -> str:
        """The cast name a speaker (name or alias) resolves to; narrator for None."""
        if not speaker:
            return NARRATOR
        return speaker if speaker in self.characters else self.aliases.get(speaker, speaker)

    def resolve(self, name: str) -> str:
        """The cast name of a character name or alias; NARRATOR for "Narrator" in any case.

        Raises CastError (naming the cast file and everyone it knows) for a name not in the cast.
        """
        if name.lower() == NARRATOR.lower():
            return NARRATOR
        resolved = self.name_for(name)
        if resolved not in self.characters:
            raise CastError(
                f"no character {name!r} in the cast (known: {', '.join([NARRATOR, *self.characters])})",
                self.path,
            )
        return resolved

    def profile_of(self, name: str) -> VoiceProfile:
        """The voice profile of a character name, alias or the narrator (CastError if unknown)."""
        resolved = self.resolve(name)
        return self.narrator if resolved == NARRATOR else self.characters[resolved]


# --- profiles from parsed cast data --------------------------------------------------------


def profile_fields(profile: VoiceProfile) -> dict[str, Any]:
    """A profile as the cast file stores it (volume a float, effects a list)."""
    return {
        "engine": profile.engine,
        "voice": profile.voice,
        "rate": profile.rate,
        "pitch": profile.pitch,
        "volume": float(profile.volume),
        "effects": list(profile.effects),
    }


def profile_from(entry: dict[str, Any], where: str, path: Path | None) -> VoiceProfile:
    """A validated VoiceProfile from one table of parsed cast data (CastError naming table and field)."""
    defaults = VoiceProfile()
    values: dict[str, Any] = {key: entry.get(key, getattr(defaults, key)) for key in PROFILE_FIELDS}
    engine = values["engine"]
    if engine not in engine_names():
        raise CastError(f"{where} engine = {engine!r}: use one of {', '.join(engine_names())}", path)
    if not isinstance(values["voice"], str) or not values["voice"].strip():
        raise CastError(
            f'{where} voice must be a string such as "en-us+f3" (run `audiodrama voices` for the list)', path
        )
    for key in ("rate", "pitch"):
        v = values[key]
        if isinstance(v, float) and v.is_integer():
            values[key] = int(v)
    effects = values["effects"]
    if not isinstance(effects, list) or not all(isinstance(e, str) for e in effects):
        raise CastError(f'{where} effects must be a list of names, e.g. ["phone"]', path)
    performer = entry.get("performer", "")
    if not isinstance(performer, str) or ("performer" in entry and not performer.strip()):
        raise CastError(
            f'{where} performer must be the name of who voices it, e.g. "Ann Lee" (or no performer line)',
            path,
        )
    profile = VoiceProfile(
        engine=str(engine),
        voice=str(values["voice"]).strip(),
        rate=values["rate"],
        pitch=values["pitch"],
        volume=values["volume"],
        effects=list(effects),
        performer=" ".join(performer.split()),
    )
    problems = checking_engine(profile.engine).validate(profile)
    if problems:
        field_name, _, message = problems[0].partition(": ")
        raise CastError(f"{where} {field_name}: {message}", path)
    profile.volume = float(profile.volume)
    profile.pan = pan_from(entry, where, path) or 0.0
    return profile


def characters_from_data(data: dict[str, Any], path: Path | None) -> list[Character]:
    """Characters (names, aliases, gender) from the [characters."Name"] tables of parsed cast data."""
    table = data.get("characters", {})
    if not isinstance(table, dict):
        raise CastError('[characters] must be a table of [characters."Name"] tables', path)
    out = []
    for name, entry in table.items():
        if not isinstance(entry, dict):
            raise CastError(f'[characters."{name}"] must be a table', path)
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise CastError(f'[characters."{name}"] aliases must be a list of strings', path)
        gender = str(entry.get("gender", "unknown")).lower()
        gender = {"f": "female", "m": "male"}.get(gender, gender)
        if gender not in GENDERS:
            raise CastError(f'[characters."{name}"] gender = {gender!r}: use female, male or unknown', path)
        out.append(Character(name=name, aliases=[a for a in aliases if a != name], gender=gender))
    return out


def cast_from_data(data: dict[str, Any], path: Path | None) -> Cast:
    """The Cast described by parsed cast data (every table validated)."""
    narrator_entry = data.get("narrator", {})
    if not isinstance(narrator_entry, dict):
        raise CastError("[narrator] must be a table", path)
    narrator = (
        profile_from(narrator_entry, "[narrator]", path) if narrator_entry else slot_profile(NARRATOR_SLOT)
    )
    cast = Cast(narrator=narrator, path=path)
    for k, c in enumerate(characters_from_data(data, path)):
        entry = data["characters"][c.name]
        profile = profile_from(entry, f'[characters."{c.name}"]', path)
        if "pan" not in entry:  # auto-spread: the position follows the character's place in the file
            profile.pan = auto_pan(k)
        cast.characters[c.name] = profile
        for alias in c.aliases:
            cast.aliases.setdefault(alias, c.name)
    return cast
