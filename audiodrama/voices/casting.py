"""Auto-cast voice profiles, and load/merge voices/cast.toml (a person's edits are kept).

The cast file holds a [narrator] table and one [characters."Name"] table per character:
aliases and gender (what `parse --cast` reads) plus engine, voice, rate, pitch, volume and
effects. `cast_script` only ever *adds*: new characters are appended, missing voice fields
of an existing entry are filled in, and nothing a person wrote is changed or reordered.

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
Because choices depend only on what is already cast, adding a character never changes
anyone already in the file.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import KeyType, SingleKey

from audiodrama.project import fsutil
from audiodrama.project.castfile import GENDERS, read_toml
from audiodrama.errors import CastError
from audiodrama.model import NARRATOR, Character, Line, Script, VoiceProfile

MAIN_LINES = 5
"""A main character has at least this many dialogue lines."""
MIN_SEMITONES = 2.0
"""Main characters' predicted median pitches differ by at least this much (or timbre+rate do)."""
MIN_RATE_GAP = 15
"""Words per minute that, with a different variant and accent, make two voices distinct."""

# Median F0 (Hz) of each espeak-ng 1.51 variant at pitch 50, measured on this engine with
# an autocorrelation tracker (see tests/test_casting.py). '' = the voice's own timbre.
BASE_F0: dict[str, float] = {
    "": 101.1,
    "m1": 94.2,
    "m2": 100.2,
    "m3": 104.5,
    "m4": 93.0,
    "m5": 102.1,
    "m6": 100.7,
    "m7": 105.5,
    "m8": 85.0,
    "f1": 179.3,
    "f2": 193.4,
    "f3": 208.0,
    "f4": 177.8,
    "f5": 204.2,
    "klatt": 102.1,
    "klatt2": 102.6,
    "klatt3": 101.6,
    "Andy": 95.0,
    "Annie": 234.6,
    "aunty": 173.6,
    "belinda": 227.3,
    "linda": 227.3,
    "steph": 183.8,
    "anika": 265.7,
    "Alicia": 250.6,
    "Andrea": 245.0,
    "grandma": 200.5,
    "grandpa": 105.0,
    "david": 74.5,
    "paul": 85.5,
    "quincy": 84.5,
    "Storm": 85.5,
    "Mike": 90.0,
    "victor": 94.6,
    "robert": 98.0,
    "shelby": 180.7,
    "zac": 344.5,
    "whisper": 100.0,
    "whisperf": 200.0,
}
# F0 grows by about x1.2 for every 20 steps of espeak's pitch parameter (measured: m1
# 79/95/115 Hz and f3 181/212/253 Hz at pitch 30/50/70).
PITCH_STEP = 1.2

# (voice, pitch, rate) in order of preference.
NARRATOR_SLOT = ("en-gb-x-rp", 42, 165)
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

CAST_HEADER = """\
voices/cast.toml: one voice profile for the narrator and each character.
Edit freely: `audiodrama cast` keeps your changes and only appends new characters.
  engine: pyttsx3 (espeak-ng) | silent (test tone)
  voice:  espeak-ng voice + optional variant, e.g. "en-us+f3", "en-gb-x-rp+m7", "en+m3"
          (`audiodrama voices` lists them; British English is "en")
  rate:   words per minute, 80..450      pitch: 0..99 (50 = the voice's own)
  volume: 0..1                          effects: mix effects always applied, e.g. ["phone"]
Try a voice: audiodrama audition "Name" "Some words to say."
"""


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


# --- the distinctness measure -------------------------------------------------------------


def _variant(voice: str) -> str:
    return voice.partition("+")[2].strip()


def _accent(voice: str) -> str:
    return voice.partition("+")[0].strip().lower().rsplit("/", 1)[-1]


def predict_f0(voice: str, pitch: int) -> float:
    """Predicted median F0 in Hz of an espeak-ng voice at a pitch setting."""
    var = _variant(voice)
    base = BASE_F0.get(var)
    if base is None:
        base = 195.0 if var.lower().startswith("f") else 100.0
    return base * PITCH_STEP ** ((int(pitch) - 50) / 20)


def semitones(a: VoiceProfile, b: VoiceProfile) -> float:
    """Predicted distance between the median pitches of two profiles, in semitones."""
    return abs(12 * math.log2(predict_f0(a.voice, a.pitch) / predict_f0(b.voice, b.pitch)))


def distinct(a: VoiceProfile, b: VoiceProfile, *, margin: float = 0.0) -> bool:
    """True if a and b are told apart: pitch >= 2 semitones, or timbre (variant AND accent) and rate."""
    if semitones(a, b) >= MIN_SEMITONES + margin:
        return True
    return (
        _variant(a.voice) != _variant(b.voice)
        and _accent(a.voice) != _accent(b.voice)
        and abs(a.rate - b.rate) >= MIN_RATE_GAP
    )


# --- auto-casting --------------------------------------------------------------------------


def _hash(name: str) -> int:
    return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:4], "big")


def _profile(slot: tuple[str, int, int]) -> VoiceProfile:
    return VoiceProfile(engine="pyttsx3", voice=slot[0], rate=slot[2], pitch=slot[1], volume=1.0)


def _gender_of(char: Character) -> str:
    if char.gender in ("female", "male"):
        return char.gender
    return "female" if _hash(char.name) % 2 else "male"


def pick_main(char: Character, taken: list[VoiceProfile]) -> VoiceProfile:
    """The first slot of the character's list distinct from every profile in `taken`."""
    slots = FEMALE_MAIN if _gender_of(char) == "female" else MALE_MAIN
    used = {(p.voice, p.pitch) for p in taken}
    candidates = [_profile(s) for s in slots if (s[0], s[1]) not in used]
    # Prefer a clear pitch gap (a 0.3 semitone margin absorbs prediction error), then the rule.
    for margin in (0.3, 0.0):
        for cand in candidates:
            if all(distinct(cand, t, margin=margin) for t in taken):
                return cand
    if not candidates:
        candidates = [_profile(s) for s in slots]
    # Nothing is distinct from all: the one whose nearest neighbour is farthest in pitch.
    return max(candidates, key=lambda c: min((semitones(c, t) for t in taken), default=99))


def pick_minor(char: Character, avoid: list[VoiceProfile]) -> VoiceProfile:
    """A pool voice chosen by a hash of the name, never one a main character or narrator uses."""
    pool = FEMALE_MINOR if _gender_of(char) == "female" else MALE_MINOR
    used = {(p.voice, p.pitch) for p in avoid}
    start = _hash(char.name) % len(pool)
    for i in range(len(pool)):
        slot = pool[(start + i) % len(pool)]
        if (slot[0], slot[1]) not in used:
            return _profile(slot)
    slot = pool[start]
    return _profile((slot[0], min(99, slot[1] + 7), slot[2]))


def line_counts(script: Script) -> dict[str, int]:
    """Dialogue lines per speaker, counted from the script's lines."""
    counts: dict[str, int] = {}
    for line in script.lines():
        if line.kind == "dialogue" and line.speaker:
            counts[line.speaker] = counts.get(line.speaker, 0) + 1
    return counts


def _script_characters(script: Script) -> list[Character]:
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


# --- the file ------------------------------------------------------------------------------

PROFILE_FIELDS: tuple[str, ...] = ("engine", "voice", "rate", "pitch", "volume", "effects")
"""The voice fields of a cast-file table (besides aliases and gender)."""


def _profile_from(entry: dict[str, Any], where: str, path: Path) -> VoiceProfile:
    """A validated VoiceProfile from one table of the cast file."""
    from audiodrama.voices.engines.base import engine_names, get_engine

    defaults = VoiceProfile()
    values: dict[str, Any] = {}
    for key in PROFILE_FIELDS:
        values[key] = entry.get(key, getattr(defaults, key))
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
    profile = VoiceProfile(
        engine=str(engine),
        voice=str(values["voice"]).strip(),
        rate=values["rate"],
        pitch=values["pitch"],
        volume=values["volume"],
        effects=list(effects),
    )
    problems = get_engine(profile.engine).validate(profile)
    if problems:
        field_name, _, message = problems[0].partition(": ")
        raise CastError(f"{where} {field_name}: {message}", path)
    profile.volume = float(profile.volume)
    return profile


def _cast_from_data(data: dict[str, Any], path: Path) -> Cast:
    from audiodrama.project.castfile import characters_from_table

    narrator_entry = data.get("narrator", {})
    if not isinstance(narrator_entry, dict):
        raise CastError("[narrator] must be a table", path)
    narrator = (
        _profile_from(narrator_entry, "[narrator]", path) if narrator_entry else _profile(NARRATOR_SLOT)
    )
    chars = characters_from_table(data, path)
    cast = Cast(narrator=narrator, path=path)
    for c in chars:
        entry = data["characters"][c.name]
        cast.characters[c.name] = _profile_from(entry, f'[characters."{c.name}"]', path)
        for alias in c.aliases:
            cast.aliases.setdefault(alias, c.name)
    return cast


def load_cast(path: Path) -> Cast:
    """Read and validate a cast file (CastError naming the table, field and fix)."""
    path = Path(path)
    if not path.exists():
        raise CastError("no cast file yet; run `audiodrama cast` (or `audiodrama build`) first", path)
    return _cast_from_data(read_toml(path), path)


def _table(profile: VoiceProfile, char: Character | None) -> Any:
    t = tomlkit.table()
    if char is not None:
        t.add("aliases", list(char.aliases))
        t.add("gender", char.gender if char.gender in GENDERS else "unknown")
    t.add("engine", profile.engine)
    t.add("voice", profile.voice)
    t.add("rate", profile.rate)
    t.add("pitch", profile.pitch)
    t.add("volume", float(profile.volume))
    t.add("effects", list(profile.effects))
    return t


def _doc_for(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        doc = tomlkit.document()
        for line in CAST_HEADER.splitlines():
            doc.add(tomlkit.comment(line) if line else tomlkit.nl())
        doc.add(tomlkit.nl())
        return doc
    read_toml(path)  # a one-line CastError for bad TOML
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except Exception as exc:  # tomlkit and tomllib disagree on a corner case
        raise CastError(f"cannot be edited ({exc}); fix that line", path) from None


def cast_script(script: Script, prod: Any) -> Cast:
    """Load voices/cast.toml, auto-cast every new character and the narrator, save, return it."""
    path = Path(prod.cast_path)
    doc = _doc_for(path)
    before = tomlkit.dumps(doc)
    _cast_from_data(doc.unwrap(), path)  # validate what a person wrote before adding to it

    if "narrator" not in doc:
        nt = _table(_localise(_profile(NARRATOR_SLOT), _language_voice(script.language)), None)
        nt.comment("auto-cast narrator")
        doc.add("narrator", nt)
    else:
        _fill_missing(doc["narrator"], _profile(NARRATOR_SLOT))
    if "characters" not in doc:
        chars_table = tomlkit.table(is_super_table=True)
        doc.add("characters", chars_table)
    chars_doc = doc["characters"]

    existing = _cast_from_data(doc.unwrap(), path)
    lang = _language_voice(script.language)
    script_chars = _script_characters(script)
    counts = {c.name: c.lines for c in script_chars}
    # Profiles new main characters must stay apart from: the narrator, existing main characters
    # of this script, and existing characters this script does not have (other stories' cast).
    taken = [existing.narrator] + [
        p for n, p in existing.characters.items() if counts.get(n, MAIN_LINES) >= MAIN_LINES
    ]
    known_names = set(existing.characters) | set(existing.aliases)
    new_minor: list[tuple[Character, VoiceProfile]] = []
    for char in script_chars:
        if char.name in known_names or any(a in existing.characters for a in char.aliases):
            entry = chars_doc.get(char.name)
            if entry is not None and any(k not in entry for k in PROFILE_FIELDS):
                # A table from `parse --cast` (names only): add the voice, keep the rest.
                main = char.lines >= MAIN_LINES
                prof = pick_main(char, taken) if main else pick_minor(char, taken)
                _fill_missing(entry, prof)
                if main:
                    taken.append(prof)
            continue
        if char.lines >= MAIN_LINES:
            prof = _localise(pick_main(char, taken), lang)
            taken.append(prof)
            note = f"auto-cast: main character ({char.lines} lines)"
        else:
            prof = None
            note = f"auto-cast: minor character ({char.lines} lines), shared voice pool"
        if prof is None:
            new_minor.append((char, VoiceProfile()))
        t = _table(prof or VoiceProfile(), char)
        t.comment(note)
        chars_doc.append(SingleKey(char.name, t=KeyType.Basic), t)  # [characters."Name"]
        known_names.add(char.name)
    # Minor characters last, so that they avoid every main voice chosen in this run too.
    for char, _ in new_minor:
        prof = _localise(pick_minor(char, [*taken, existing.narrator]), lang)
        entry = chars_doc[char.name]
        for key in ("engine", "voice", "rate", "pitch", "volume"):
            entry[key] = getattr(prof, key) if key != "volume" else float(prof.volume)
    text = tomlkit.dumps(doc)
    if text != before:
        fsutil.write_text(path, text)
    cast = _cast_from_data(tomlkit.parse(text).unwrap(), path)
    cast.warnings = cast_warnings(cast, script)
    return cast


def _language_voice(language: str) -> str | None:
    """The espeak-ng voice for a non-English story's language (None for English or unknown)."""
    from audiodrama.voices.engines.pyttsx3_engine import espeak_voices

    lang = (language or "en").lower()
    if lang == "en" or lang.startswith("en-"):
        return None
    return lang if lang in espeak_voices()[0] else None


def _localise(profile: VoiceProfile, language_voice: str | None) -> VoiceProfile:
    """Swap the English accent of an auto-cast profile for the story's language (variant kept)."""
    if language_voice is None:
        return profile
    variant = _variant(profile.voice)
    profile.voice = language_voice + (f"+{variant}" if variant else "")
    return profile


def _fill_missing(entry: Any, prof: VoiceProfile) -> None:
    """Add the profile fields an existing table lacks (never change one that is there)."""
    for key in PROFILE_FIELDS:
        if key not in entry:
            value = getattr(prof, key)
            entry[key] = float(value) if key == "volume" else (list(value) if key == "effects" else value)


def update_profile(path: str | Path, name: str, **fields: Any) -> Cast:
    """Set fields (engine, voice, rate, pitch, volume, effects) of one voice profile in a cast file.

    `name` is a character's name or alias, or "Narrator". Comments, order and every other table
    are kept. The changed profile and then the whole file are validated before anything is
    written, and the file is replaced in one rename, so a bad value (CastError naming the table,
    field and fix) leaves it as it was and a reader never sees half of it. A whole-number float
    for rate or pitch is taken as an int, and one effect name as a list of one.
    Returns the cast as reloaded from the saved file. E.g.
    `update_profile(prod.cast_path, "Willow", pitch=70, rate=160)`.
    """
    path = Path(path)
    cast = load_cast(path)
    unknown = [k for k in fields if k not in PROFILE_FIELDS]
    if unknown:
        raise CastError(
            f"unknown profile field(s) {', '.join(unknown)}; use {', '.join(PROFILE_FIELDS)}", path
        )
    resolved = cast.resolve(name)
    values = {key: _field_value(key, value) for key, value in fields.items()}
    doc = _doc_for(path)
    if resolved == NARRATOR:
        where = "[narrator]"
        if "narrator" not in doc:  # the default narrator: write it out, then change it
            doc.add("narrator", _table(cast.narrator, None))
        table = doc["narrator"]
    else:
        where = f'[characters."{resolved}"]'
        table = doc["characters"][resolved]
    _profile_from({**table.unwrap(), **values}, where, path)  # a one-line CastError before any change
    for key, value in values.items():
        table[key] = value
    text = tomlkit.dumps(doc)
    updated = _cast_from_data(tomlkit.parse(text).unwrap(), path)  # the whole file still loads
    if text != path.read_text(encoding="utf-8"):
        fsutil.write_text(path, text)
    return updated


def _field_value(key: str, value: Any) -> Any:
    """A profile field's value as the cast file stores it (anything else is left for validation)."""
    if key in ("rate", "pitch"):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
    elif key == "volume":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif key == "effects":
        if isinstance(value, str):
            return [value]
        if isinstance(value, (list, tuple)):
            return list(value)
    return value


def main_characters(script: Script) -> list[str]:
    """Names of the script's main characters (5+ dialogue lines)."""
    return [c.name for c in _script_characters(script) if c.lines >= MAIN_LINES]


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


def measure_f0(samples: Any, sample_rate: int, fmin: float = 60.0, fmax: float = 400.0) -> float:
    """Median F0 in Hz of voiced frames (normalised autocorrelation); 0.0 if none is voiced.

    40 ms frames every 10 ms; a frame counts as voiced when it is louder than 5% of the
    peak and its autocorrelation peak within [1/fmax, 1/fmin] is above 0.5 (the shortest
    lag within 10% of the best peak, against octave errors). Fewer than 20% voiced frames
    among the loud ones -> 0.0.
    """
    import numpy as np

    x = np.asarray(samples, dtype=np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    frame, hop = int(0.04 * sample_rate), int(0.01 * sample_rate)
    if len(x) < frame:
        return 0.0
    starts = np.arange(0, len(x) - frame, hop)
    frames = np.stack([x[s : s + frame] for s in starts])
    frames = frames - frames.mean(axis=1, keepdims=True)
    rms = np.sqrt((frames**2).mean(axis=1))
    frames = frames[rms > 0.05 * (np.abs(x).max() or 1.0)]
    if not len(frames):
        return 0.0
    frames = frames * np.hanning(frame)
    spec = np.fft.rfft(frames, n=2 * frame, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :frame]
    window_ac = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(frame), n=2 * frame)) ** 2)[:frame]
    ac = ac / (ac[:, :1] + 1e-12) / (window_ac / window_ac[0] + 1e-12)
    lo, hi = int(sample_rate / fmax), int(sample_rate / fmin)
    band = ac[:, lo:hi]
    best = band.max(axis=1, keepdims=True)
    # Octave errors: take the shortest lag whose peak is within 10% of the best one.
    first = np.argmax(band >= 0.9 * best, axis=1)
    rows = np.arange(len(band))
    for _ in range(hi - lo):  # climb to the top of that peak
        nxt = np.minimum(first + 1, hi - lo - 1)
        up = band[rows, nxt] > band[rows, first]
        if not up.any():
            break
        first = np.where(up, nxt, first)
    lags = first + lo
    peaks = band[rows, first]
    voiced = lags[peaks > 0.5]
    if len(voiced) < max(3, 0.2 * len(lags)):
        return 0.0  # mostly unvoiced (whisper, noise): no pitch
    return float(np.median(sample_rate / voiced))
