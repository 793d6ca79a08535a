"""Script <-> its JSON form (the one source of truth), every field checked on the way in."""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from audiodrama.errors import ScriptError
from audiodrama.model import LINE_KINDS, Character, Line, Scene, Script
from audiodrama.settings import parse_scene_setting

FORMAT = "audiodrama-script/1"
#: A slug names files under script/ and audio_out/: word characters and dashes, no separators.
SLUG_PATTERN = re.compile(r"\w[\w-]{0,127}")
_REPARSE = "fix it or re-create it with `audiodrama parse STORY`"


def is_safe_slug(slug: str) -> bool:
    """True when `slug` can be used as a file-name stem inside a production folder."""
    return bool(SLUG_PATTERN.fullmatch(slug))


def to_dict(script: Script) -> dict[str, Any]:
    """The JSON-ready form (contract: shared/bench/README.md, plus our extra keys)."""
    return {
        "format": FORMAT,
        "title": script.title,
        "slug": script.slug,
        "source": script.source,
        "language": script.language,
        "source_hash": script.source_hash,
        "author": script.author,
        "description": script.description,
        "characters": [asdict(c) for c in script.characters],
        "scenes": [
            {
                "id": s.id,
                "episode": s.episode,
                "title": s.title,
                "transition": s.transition,
                "ambience": s.ambience,
                **({"settings": dict(s.settings)} if s.settings else {}),
                "lines": [_line_dict(l) for l in s.lines],
            }
            for s in script.scenes
        ],
    }


def _line_dict(line: Line) -> dict[str, Any]:
    d = asdict(line)
    d["span"] = list(line.span)
    if line.emphasis:
        d["emphasis"] = [list(e) for e in line.emphasis]
    else:
        del d["emphasis"]
    return d


def dumps(script: Script, **extra: Any) -> str:
    """The JSON text of `script`; `extra` keys (e.g. the Fountain hash) are added at the top level."""
    return json.dumps({**to_dict(script), **extra}, ensure_ascii=False, indent=1) + "\n"


def loads(text: str, where: str | Path = "<script>") -> tuple[Script, dict[str, Any]]:
    """Parse JSON text into a Script; also returns the raw top-level object (for extra keys)."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ScriptError(f"not valid JSON ({reason}); fix it or delete it and re-parse", where) from None
    if not isinstance(data, dict):
        raise ScriptError("not a cast script (expected a JSON object)", where)
    return from_dict(data, where), data


class _Fields:
    """Typed access to one JSON object; a wrong type is a ScriptError naming the object."""

    def __init__(self, data: Any, what: str, where: str | Path):
        if not isinstance(data, dict):
            raise ScriptError(f"{what} must be a JSON object, not {type(data).__name__}; {_REPARSE}", where)
        self.data, self.what, self.where = data, what, where

    def _bad(self, key: str, expected: str) -> ScriptError:
        value = self.data.get(key)
        shown = json.dumps(value, ensure_ascii=False)[:40] if _shallow(value) else type(value).__name__
        return ScriptError(f"{self.what}: {key} must be {expected}, not {shown}; {_REPARSE}", self.where)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self._bad(key, "a string")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            raise self._bad(key, "a string or null")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._bad(key, "a whole number")
        return value

    def number(self, key: str, default: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self._bad(key, "a finite number")
        return float(value)

    def items(self, key: str, default: list[Any] | None = None) -> list[Any]:
        value = self.data.get(key, default)
        if not isinstance(value, list):
            raise self._bad(key, "a list")
        return value


def _shallow(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def from_dict(data: dict[str, Any], where: str | Path = "<script>") -> Script:
    """Rebuild a Script from its JSON form; ScriptError names the file and the line that is wrong."""
    top = _Fields(data, "the script", where)
    slug = top.text("slug", "")
    if slug and not is_safe_slug(slug):
        raise ScriptError(
            f"slug {slug[:40]!r} is not a safe file name (letters, digits, _ and - only); fix it", where
        )
    characters = [_character(c, i, where) for i, c in enumerate(top.items("characters", []), 1)]
    scenes = [_scene(s, i, where) for i, s in enumerate(top.items("scenes"), 1)]
    return Script(
        title=top.text("title", ""),
        source=top.text("source", ""),
        characters=characters,
        scenes=scenes,
        slug=slug,
        language=top.text("language", "en"),
        source_hash=top.text("source_hash", ""),
        author=top.text("author", ""),
        description=top.text("description", ""),
    )


def _character(data: Any, number: int, where: str | Path) -> Character:
    f = _Fields(data, f"character {number}", where)
    aliases = f.items("aliases", [])
    if not all(isinstance(a, str) for a in aliases):
        raise f._bad("aliases", "a list of strings")
    return Character(
        name=f.text("name"),
        aliases=list(aliases),
        gender=f.text("gender", "unknown"),
        lines=f.integer("lines", 0),
    )


def _scene(data: Any, number: int, where: str | Path) -> Scene:
    f = _Fields(data, f"scene {number}", where)
    scene_id = f.text("id")
    f.what = f"scene {scene_id}"
    lines = [_line(l, scene_id, i, where) for i, l in enumerate(f.items("lines"), 1)]
    return Scene(
        id=scene_id,
        lines=lines,
        episode=f.integer("episode", 1),
        title=f.text("title", ""),
        transition=f.optional_text("transition"),
        ambience=f.optional_text("ambience"),
        settings=scene_settings(data.get("settings") or {}, scene_id, where),
    )


def _line(data: Any, scene: str, number: int, where: str | Path) -> Line:
    f = _Fields(data, f"scene {scene} line {number}", where)
    line_id = f.text("id")
    f.what = f"line {line_id} (scene {scene} line {number})"
    kind = f.text("kind")
    if kind not in LINE_KINDS:
        raise ScriptError(f"line {line_id}: unknown kind {kind!r}; use one of {', '.join(LINE_KINDS)}", where)
    span = f.items("span")
    if len(span) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) for x in span):
        raise f._bad("span", "a pair of whole numbers")
    emphasis = []
    for e in f.items("emphasis", []):
        if not (
            isinstance(e, list)
            and len(e) == 3
            and all(isinstance(x, int) and not isinstance(x, bool) for x in e[:2])
            and isinstance(e[2], str)
        ):
            raise f._bad("emphasis", "a list of [start, end, style]")
        emphasis.append((e[0], e[1], e[2]))
    return Line(
        id=line_id,
        kind=kind,  # type: ignore[arg-type]  # checked against LINE_KINDS above
        text=f.text("text"),
        span=(span[0], span[1]),
        speaker=f.optional_text("speaker"),
        paragraph=f.integer("paragraph", 0),
        delivery=f.optional_text("delivery"),
        confidence=f.number("confidence", 1.0),
        rule=f.text("rule", ""),
        addressee=f.optional_text("addressee"),
        take=f.optional_text("take"),
        emphasis=emphasis,
    )


def scene_settings(data: Any, scene: str, where: str | Path) -> dict[str, int | float | bool]:
    """A scene's setting overrides, checked (types as in audiodrama.toml)."""
    if not isinstance(data, dict):
        raise ScriptError(f"scene {scene}: settings must be a table of key = value, not {data!r}", where)
    out = {}
    for key, value in data.items():
        try:
            out[key] = parse_scene_setting(key, str(value).lower() if isinstance(value, bool) else str(value))
        except ValueError as exc:
            raise ScriptError(f"scene {scene}: {exc}", where) from None
    return out


def dialogue_counts(script: Script) -> dict[str, int]:
    """Dialogue lines per speaker, an alias counted for its character: the one line count
    the CLI, the notebooks and the cast file show."""
    counts: dict[str, int] = {}
    for line in script.lines():
        if line.kind == "dialogue" and line.speaker:
            known = script.character(line.speaker)
            name = known.name if known else line.speaker
            counts[name] = counts.get(name, 0) + 1
    return counts


def recount_lines(script: Script) -> None:
    """Refresh each character's dialogue line count."""
    counts = dialogue_counts(script)
    for c in script.characters:
        c.lines = counts.get(c.name, 0)
