"""Read the character tables of a cast file (voices/cast.toml or a `parse --cast` file)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from audiodrama.errors import CastError
from audiodrama.model import Character

GENDERS = ("female", "male", "unknown")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a one-line CastError."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CastError("no such cast file; check the path", path) from None
    except UnicodeDecodeError:
        raise CastError("is not UTF-8 text; save it as UTF-8", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise CastError(f"not valid TOML: {exc}; fix that line", path) from None


def characters_from_table(data: dict[str, Any], path: Path) -> list[Character]:
    """Characters from the [characters."Name"] tables of parsed cast TOML."""
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


def read_characters(path: Path) -> list[Character]:
    """The characters (names, aliases, gender) listed in a cast file."""
    return characters_from_table(read_toml(path), path)
