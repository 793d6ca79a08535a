"""Script <-> JSON (for machines) and Script <-> Fountain (for people), round-tripping exactly."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from audiodrama.project import fsutil
from audiodrama.errors import ScriptError
from audiodrama.ids import assign_ids, base_id
from audiodrama.model import DELIVERIES, LINE_KINDS, NARRATOR, Character, Line, Scene, Script
from audiodrama.settings import parse_scene_setting

FORMAT = "audiodrama-script/1"


# ---------------------------------------------------------------- JSON


def to_dict(script: Script) -> dict[str, Any]:
    """The JSON-ready form (contract: shared/bench/README.md, plus our extra keys)."""
    return {
        "format": FORMAT,
        "title": script.title,
        "slug": script.slug,
        "source": script.source,
        "language": script.language,
        "source_hash": script.source_hash,
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


def from_dict(data: dict[str, Any], where: str | Path = "<script>") -> Script:
    """Rebuild a Script from its JSON form; ScriptError names what is wrong."""
    try:
        characters = [
            Character(
                name=c["name"],
                aliases=list(c.get("aliases", [])),
                gender=c.get("gender", "unknown"),
                lines=int(c.get("lines", 0)),
            )
            for c in data.get("characters", [])
        ]
        scenes = []
        for s in data["scenes"]:
            lines = []
            for l in s["lines"]:
                kind = l["kind"]
                if kind not in LINE_KINDS:
                    raise ScriptError(
                        f"line {l.get('id')}: unknown kind {kind!r}; use one of {', '.join(LINE_KINDS)}",
                        where,
                    )
                lines.append(
                    Line(
                        id=l["id"],
                        kind=kind,
                        text=l["text"],
                        span=(int(l["span"][0]), int(l["span"][1])),
                        speaker=l.get("speaker"),
                        paragraph=int(l.get("paragraph", 0)),
                        delivery=l.get("delivery"),
                        confidence=float(l.get("confidence", 1.0)),
                        rule=l.get("rule", ""),
                        addressee=l.get("addressee"),
                        take=l.get("take"),
                        emphasis=[(int(a), int(b), str(k)) for a, b, k in l.get("emphasis", [])],
                    )
                )
            scenes.append(
                Scene(
                    id=s["id"],
                    lines=lines,
                    episode=int(s.get("episode", 1)),
                    title=s.get("title", ""),
                    transition=s.get("transition"),
                    ambience=s.get("ambience"),
                    settings=_scene_settings(s.get("settings") or {}, s["id"], where),
                )
            )
        return Script(
            title=data.get("title", ""),
            source=data.get("source", ""),
            characters=characters,
            scenes=scenes,
            slug=data.get("slug", ""),
            language=data.get("language", "en"),
            source_hash=data.get("source_hash", ""),
        )
    except ScriptError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ScriptError(
            f"not a valid cast script ({type(exc).__name__}: {exc}); re-create it with `audiodrama parse`",
            where,
        ) from None


def _scene_settings(data: dict[str, Any], scene: str, where: str | Path) -> dict[str, int | float | bool]:
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


def dumps(script: Script) -> str:
    return json.dumps(to_dict(script), ensure_ascii=False, indent=1) + "\n"


def save_json(script: Script, path: Path) -> None:
    fsutil.write_text(path, dumps(script))


def load_json(path: Path) -> Script:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScriptError("no such cast script; run `audiodrama parse STORY` first", path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ScriptError(f"not valid JSON ({exc}); fix it or delete it and re-parse", path) from None
    if not isinstance(data, dict):
        raise ScriptError("not a cast script (expected a JSON object)", path)
    return from_dict(data, path)


# ---------------------------------------------------------------- Fountain

_NOTE = re.compile(r"\s*\[\[([^\]]*)\]\]\s*$")
_SCENE_HEAD = re.compile(r"^\.(?!\.)(.*?)\s*\[\[([^\]]*)\]\]\s*$")
_FOUNTAIN_HELP = """\
/* audiodrama cast script: edit and rebuild (`audiodrama build STORY`).
   - Change who speaks a line: edit the NAME line above it (NARRATOR = read as narration).
   - Set a delivery: a (parenthetical) under the name: {deliveries}.
   - Edit the words of a line freely; delete a block to leave the line out.
   - The [[id]] note at the end of each block ties it to its recordings: keep it.
   - Scene headings carry transition=, ambience= and the title after the number; add a
     pacing or mix setting for this scene alone as key=value (e.g. between_speakers_ms=250,
     paragraph_ms=900, ambience_db=-30, duck_db=-6, cues=false; every [pacing] key works). */
"""


def to_fountain(script: Script) -> str:
    """The editable form: Fountain, one block per line, the line id in a [[note]]."""
    out = [
        f"Title: {script.title}",
        f"Source: {script.source}",
        f"Slug: {script.slug}",
        "",
        _FOUNTAIN_HELP.format(deliveries=", ".join(DELIVERIES)),
        "",
    ]
    for number, scene in enumerate(script.scenes, 1):
        title = f" - {scene.title}" if scene.title else ""
        out.append(
            f".SCENE {number}{title} [[{scene.id} episode={scene.episode} "
            f"transition={scene.transition or 'default'} ambience={scene.ambience or 'default'}"
            + "".join(
                f" {k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in scene.settings.items()
            )
            + "]]"
        )
        out.append("")
        for line in scene.lines:
            text = " ".join(line.text.split())
            if line.kind == "dialogue":
                out.append(
                    f"@{(line.speaker or NARRATOR).upper()}"
                    if _needs_force(line.speaker)
                    else (line.speaker or NARRATOR).upper()
                )
                if line.delivery:
                    out.append(f"({line.delivery})")
                out.append(f"{text} [[{line.id}]]")
            else:
                note = line.id if line.kind == "narration" else f"{line.kind} {line.id}"
                if line.delivery:
                    note += f" delivery={line.delivery}"
                prefix = (
                    "!"
                    if text.isupper() or text.startswith(("@", ".", "!", "(", "[", ">", "~", "=", "#", "/*"))
                    else ""
                )
                out.append(f"{prefix}{text} [[{note}]]")
            out.append("")
    return "\n".join(out)


def _needs_force(name: str | None) -> bool:
    # Fountain treats an all-caps line as a character cue only if it has a letter.
    return not name or not re.search(r"[A-Za-z]", name)


def _blocks(text: str) -> list[list[str]]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    blocks, cur = [], []
    for raw in text.splitlines():
        if raw.strip():
            cur.append(raw.strip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def apply_fountain(
    script: Script, fountain: str, where: str | Path = "<fountain>"
) -> tuple[Script, list[str]]:
    """Apply a person's edits in the Fountain form to `script` (matched by line and scene id).

    Returns the updated script and a list of human-readable changes. Speakers, deliveries,
    words, kinds (dialogue <-> narration) and scene settings are taken from the Fountain;
    a block deleted there drops its line; blocks without an id note are reported and skipped.
    """
    by_id = {l.id: l for l in script.lines()}
    scenes = {s.id: s for s in script.scenes}
    seen: set[str] = set()
    changes: list[str] = []
    known = {n.upper(): c.name for c in script.characters for n in c.all_names()}
    for block in _blocks(fountain):
        head = _SCENE_HEAD.match(block[0])
        if head and len(block) == 1:
            _apply_scene(scenes, head.group(1), head.group(2), changes, where)
            continue
        if ":" in block[0] and not any(_NOTE.search(b) for b in block):
            continue  # title page
        note = _NOTE.search(block[-1])
        if not note:
            changes.append(f"skipped a block without an [[id]] note: {block[0][:40]!r}")
            continue
        fields = note.group(1).split()
        if not fields:
            continue
        kind, line_id = (
            (fields[0], fields[1])
            if fields[0] in LINE_KINDS and len(fields) > 1
            else ("narration", fields[0])
        )
        opts = dict(
            f.split("=", 1)
            for f in fields[2 if kind != "narration" or fields[0] == "narration" else 1 :]
            if "=" in f
        )
        line = by_id.get(line_id)
        if line is None:
            changes.append(f"skipped unknown line id {line_id}")
            continue
        seen.add(line_id)
        body = [*block[:-1], _NOTE.sub("", block[-1])]
        speaker, delivery = None, opts.get("delivery")
        if _is_cue(body[0]) and len(body) > 1:
            cue = body.pop(0).lstrip("@").strip()
            speaker = None if cue.upper() == NARRATOR.upper() else known.get(cue.upper(), cue.title())
            if body and re.fullmatch(r"\(.*\)", body[0]):
                delivery = body.pop(0)[1:-1].strip() or None
            # NARRATOR over a quoted line nobody speaks (an epigraph, a lyric) keeps it as is;
            # over a character's line it makes the line narration
            new_kind = (
                "dialogue"
                if speaker or (line.kind == "dialogue" and line.speaker is None)
                else ("narration" if line.kind == "dialogue" else line.kind)
            )
        else:
            new_kind = kind if kind != "dialogue" else "narration"
        if delivery is not None and delivery not in DELIVERIES:
            raise ScriptError(
                f"line {line_id}: unknown delivery ({delivery}); use one of {', '.join(DELIVERIES)}", where
            )
        words = " ".join(b.lstrip("!") if i == 0 else b for i, b in enumerate(body)).strip()
        _update(line, new_kind, speaker, delivery, words, changes)
    for scene in script.scenes:
        kept = [l for l in scene.lines if l.id in seen]
        for l in scene.lines:
            if l.id not in seen:
                changes.append(f"{l.id}: removed (its block was deleted)")
        scene.lines = kept
    script.scenes = [s for s in script.scenes if s.lines]
    _reassign_ids(script)
    if speaker_names := {l.speaker for l in script.lines() if l.speaker} - {
        c.name for c in script.characters
    }:
        script.characters.extend(Character(name=n) for n in sorted(speaker_names))
    return script, changes


def _is_cue(text: str) -> bool:
    if text.startswith("@"):
        return True
    core = re.sub(r"\s*\(.*\)$", "", text)
    return bool(core) and core.upper() == core and bool(re.search(r"[A-Z]", core)) and len(core) <= 40


def _apply_scene(
    scenes: dict[str, Scene], heading: str, note: str, changes: list[str], where: str | Path
) -> None:
    fields = note.split()
    scene = scenes.get(fields[0]) if fields else None
    if scene is None:
        return
    opts = dict(f.split("=", 1) for f in fields[1:] if "=" in f)
    overrides = {
        k: v for k, v in opts.items() if k not in ("episode", "transition", "ambience") and v != "default"
    }
    settings = _scene_settings(overrides, scene.id, where)
    if settings != scene.settings:
        changes.append(
            f"scene {scene.id}: settings -> "
            + (" ".join(f"{k}={v}" for k, v in settings.items()) or "defaults")
        )
        scene.settings = settings
    title = heading.split(" - ", 1)[1].strip() if " - " in heading else ""
    for attr, value in (("transition", opts.get("transition")), ("ambience", opts.get("ambience"))):
        value = None if value in (None, "default") else value
        if getattr(scene, attr) != value:
            changes.append(f"scene {scene.id}: {attr} -> {value}")
            setattr(scene, attr, value)
    if title != scene.title:
        changes.append(f"scene {scene.id}: title -> {title!r}")
        scene.title = title


def _update(
    line: Line, kind: str, speaker: str | None, delivery: str | None, words: str, changes: list[str]
) -> None:
    if kind != line.kind:
        changes.append(f"{line.id}: {line.kind} -> {kind}")
        line.kind = kind  # type: ignore[assignment]
    if kind != "dialogue":
        speaker = None
    if speaker != line.speaker:
        changes.append(f"{line.id}: speaker {line.speaker} -> {speaker}")
        line.speaker, line.rule, line.confidence = speaker, "edited", 1.0
    if delivery != line.delivery:
        changes.append(f"{line.id}: delivery {line.delivery} -> {delivery}")
        line.delivery = delivery
    if words and " ".join(line.text.split()) != words:
        changes.append(f"{line.id}: words edited")
        line.text = words
        line.emphasis = []  # the offsets belonged to the old words


def _reassign_ids(script: Script) -> None:
    """Edited words get a new id (the id rule); untouched lines keep theirs."""
    lines = list(script.lines())
    fresh = assign_ids(l.text for l in lines)
    for line, new in zip(lines, fresh):
        if base_id(line.text) != line.id.split("-")[0]:
            line.id = new


# ---------------------------------------------------------------- files


def save(script: Script, json_path: Path, fountain_path: Path | None = None) -> None:
    """Write the JSON and (optionally) the Fountain form, each atomically."""
    save_json(script, json_path)
    if fountain_path is not None:
        fsutil.write_text(fountain_path, to_fountain(script))


def load(json_path: Path, fountain_path: Path | None = None) -> tuple[Script, list[str]]:
    """Load a script, applying the Fountain form when a person edited it after the JSON.

    When edits were applied, both files are rewritten so they agree again.
    """
    script = load_json(json_path)
    if fountain_path is None or not fountain_path.exists():
        if fountain_path is not None:
            fsutil.write_text(fountain_path, to_fountain(script))
        return script, []
    if fountain_path.stat().st_mtime_ns <= json_path.stat().st_mtime_ns:
        return script, []
    try:
        text = fountain_path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScriptError("is not UTF-8 text; save it as UTF-8 in your editor", fountain_path) from None
    script, changes = apply_fountain(script, text, fountain_path)
    if changes:
        recount_lines(script)
    save(script, json_path, fountain_path)
    return script, changes


def recount_lines(script: Script) -> None:
    """Refresh each character's dialogue line count."""
    counts: dict[str, int] = {}
    for line in script.lines():
        if line.kind == "dialogue" and line.speaker:
            counts[line.speaker] = counts.get(line.speaker, 0) + 1
    for c in script.characters:
        c.lines = counts.get(c.name, 0)
