"""voices/cast.toml on disk: read it once, apply auto-casting's additions, edit one profile.

tomlkit keeps a person's comments, order and formatting; new characters are appended and a
person's edits always win. Every bad input is a one-line CastError naming the file, the
table (character) and the field.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import KeyType, SingleKey

from audiodrama.errors import CastError
from audiodrama.model import NARRATOR, Character
from audiodrama.project import fsutil
from audiodrama.voices.cast import (
    GENDERS,
    PROFILE_FIELDS,
    Cast,
    cast_from_data,
    characters_from_data,
    profile_fields,
    profile_from,
)
from audiodrama.voices.casting import CastChanges

EDITABLE_FIELDS: tuple[str, ...] = (*PROFILE_FIELDS, "pan", "performer")
"""What update_profile may set: the profile's sound, its stereo position and its performer."""

CAST_HEADER = """\
voices/cast.toml: one voice profile for the narrator and each character.
Edit freely: `audiodrama cast` keeps your changes and only appends new characters.
  engine: pyttsx3 (espeak-ng) | silent (test tone)
  voice:  espeak-ng voice + optional variant, e.g. "en-us+f3", "en-gb-x-rp+m7", "en+m3"
          (`audiodrama voices` lists them; British English is "en")
  rate:   words per minute, 80..450      pitch: 0..99 (50 = the voice's own)
  volume: 0..1                          effects: mix effects always applied, e.g. ["phone"]
  performer: optional, who voices the part, named in the closing credits, e.g. "Ann Lee"
  pan:    optional, where the voice stands in stereo: -1 left .. 0 centre .. 1 right
          (without it characters are spread by their place in this file, within +-0.6)
Try a voice: audiodrama audition "Name" "Some words to say."
"""


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CastError("no such cast file; check the path", path) from None
    except UnicodeDecodeError:
        raise CastError("is not UTF-8 text; save it as UTF-8", path) from None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a one-line CastError."""
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise CastError(f"not valid TOML: {exc}; fix that line", path) from None


def read_characters(path: Path) -> list[Character]:
    """The characters (names, aliases, gender) listed in a cast file."""
    return characters_from_data(read_toml(path), path)


def read_document(path: Path) -> tomlkit.TOMLDocument:
    """The cast file as an editable document (parsed once); a new one with the header if missing."""
    if not path.exists():
        doc = tomlkit.document()
        for line in CAST_HEADER.splitlines():
            doc.add(tomlkit.comment(line) if line else tomlkit.nl())
        doc.add(tomlkit.nl())
        return doc
    try:
        return tomlkit.parse(_text(path))
    except TOMLKitError as exc:
        raise CastError(f"not valid TOML: {exc}; fix that line", path) from None


def load_cast(path: Path) -> Cast:
    """Read and validate a cast file (CastError naming the table, field and fix)."""
    path = Path(path)
    if not path.exists():
        raise CastError("no cast file yet; run `audiodrama cast` (or `audiodrama build`) first", path)
    return cast_from_data(read_toml(path), path)


def _table(fields: dict[str, Any], char: Character | None, note: str | None) -> Any:
    t = tomlkit.table()
    if char is not None:
        t.add("aliases", list(char.aliases))
        t.add("gender", char.gender if char.gender in GENDERS else "unknown")
    for key, value in fields.items():
        t.add(key, value)
    if note:
        t.comment(note)
    return t


def _fill_missing(table: Any, fields: dict[str, Any]) -> None:
    """Add the profile fields a table lacks (never change one that is there)."""
    for key in PROFILE_FIELDS:
        if key not in table:
            table[key] = fields[key]


def apply_changes(doc: tomlkit.TOMLDocument, changes: CastChanges) -> None:
    """Write auto-casting's additions into the document (append, fill; never overwrite)."""
    if changes.narrator is not None:
        doc.add("narrator", _table(profile_fields(changes.narrator), None, "auto-cast narrator"))
    elif changes.narrator_fill is not None:
        _fill_missing(doc["narrator"], profile_fields(changes.narrator_fill))
    if "characters" not in doc and (changes.new or changes.fill):
        doc.add("characters", tomlkit.table(is_super_table=True))
    chars: Any = doc.get("characters")
    for name, prof in changes.fill.items():
        _fill_missing(chars[name], profile_fields(prof))
    for new in changes.new:
        table = _table(profile_fields(new.profile), new.character, new.note)
        chars.append(SingleKey(new.character.name, t=KeyType.Basic), table)  # [characters."Name"]


def save_document(path: Path, doc: tomlkit.TOMLDocument) -> None:
    """Write the document if it differs from the file (atomically)."""
    text = tomlkit.dumps(doc)
    if not path.exists() or text != path.read_text(encoding="utf-8"):
        fsutil.write_text(path, text)


def update_profile(path: str | Path, name: str, **fields: Any) -> Cast:
    """Set fields (engine, voice, rate, pitch, volume, effects, pan, performer) of one voice profile.

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
    unknown = [k for k in fields if k not in EDITABLE_FIELDS]
    if unknown:
        raise CastError(
            f"unknown profile field(s) {', '.join(unknown)}; use {', '.join(EDITABLE_FIELDS)}", path
        )
    resolved = cast.resolve(name)
    values = {key: _field_value(key, value) for key, value in fields.items()}
    doc = read_document(path)
    if resolved == NARRATOR:
        where = "[narrator]"
        if "narrator" not in doc:  # the default narrator: write it out, then change it
            doc.add("narrator", _table(profile_fields(cast.narrator), None, None))
        table: Any = doc["narrator"]
    else:
        where = f'[characters."{resolved}"]'
        table = doc["characters"][resolved]
    profile_from({**table.unwrap(), **values}, where, path)  # a one-line CastError before any change
    for key, value in values.items():
        table[key] = value
    updated = cast_from_data(doc.unwrap(), path)  # the whole file still loads
    save_document(path, doc)
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
