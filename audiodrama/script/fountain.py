"""Script -> its Fountain form, the one a person edits (one block per line, the line id in a [[note]]),
and that form's syntax read back into blocks (audiodrama.script.apply applies them).

The round trip is exact: applying the Fountain this module wrote changes nothing. Words are
escaped so that nothing in them reads as Fountain syntax (a backslash before \\ [ ] * and a
leading "("), and a narration line that could read as a cue, heading or transition is forced
with "!".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from audiodrama.model import DELIVERIES, LINE_KINDS, NARRATOR, Line, Scene, Script

NOTE = re.compile(r"\s*\[\[([^\]]*)\]\]\s*$")
SCENE_HEAD = re.compile(r"^\.(?!\.)(.*?)\s*\[\[([^\]]*)\]\]\s*$")
_ESCAPE = re.compile(r"[\\\[\]*]")
_UNESCAPE = re.compile(r"\\(.)")
#: First characters that make Fountain read a line as something other than action.
_SPECIAL_START = ("!", "@", ".", "(", ">", "~", "=", "#", "/", ":", "\\", "[", "<")
_FOUNTAIN_HELP = """\
/* audiodrama cast script: edit and rebuild (`audiodrama build STORY`).
   - Change who speaks a line: edit the NAME line above it (NARRATOR = read as narration).
   - Set a delivery: a (parenthetical) under the name: {deliveries}.
   - Edit the words of a line freely; delete a block to leave the line out.
   - The [[id]] note at the end of each block ties it to its recordings: keep it.
   - A backslash keeps the next character as a word: \\( \\[ \\] \\* \\\\.
   - Scene headings carry transition=, ambience= and the title after the number; add a
     pacing or mix setting for this scene alone as key=value (e.g. between_speakers_ms=250,
     paragraph_ms=900, ambience_db=-30, duck_db=-6, cues=false; every [pacing] key works). */
"""


def fountain_hash(text: str) -> str:
    """What the JSON remembers of the Fountain it last wrote: edits are found by content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def one_line(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\\" + m.group(), one_line(text))


def unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


# ---------------------------------------------------------------- writing


def to_fountain(script: Script) -> str:
    """The editable form: Fountain, one block per line, the line id in a [[note]]."""
    out = [
        f"Title: {_escape(script.title)}",
        f"Source: {_escape(script.source)}",
        f"Slug: {script.slug}",
        "",
        _FOUNTAIN_HELP.format(deliveries=", ".join(DELIVERIES)),
        "",
    ]
    for number, scene in enumerate(script.scenes, 1):
        out += [_scene_heading(number, scene), ""]
        for line in scene.lines:
            out += [*_line_block(line), ""]
    return "\n".join(out)


def _scene_heading(number: int, scene: Scene) -> str:
    title = f" - {_escape(scene.title)}" if one_line(scene.title) else ""
    settings = "".join(
        f" {k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in scene.settings.items()
    )
    return (
        f".SCENE {number}{title} [[{scene.id} episode={scene.episode} "
        f"transition={scene.transition or 'default'} ambience={scene.ambience or 'default'}{settings}]]"
    )


def _line_block(line: Line) -> list[str]:
    words = _escape(line.text)
    if line.kind == "dialogue":
        name = (line.speaker or NARRATOR).upper()
        cue = name if is_cue(name) and not name.startswith("!") else f"@{name}"
        delivery = [f"({line.delivery})"] if line.delivery else []
        if words.startswith("("):
            words = "\\" + words  # else it would read as a delivery
        return [cue, *delivery, f"{words} [[{line.id}]]"]
    note = line.id if line.kind == "narration" else f"{line.kind} {line.id}"
    if line.delivery:
        note += f" delivery={line.delivery}"
    force = words.startswith(_SPECIAL_START) or words.isupper() or is_cue(words)
    return [f"{'!' if force else ''}{words} [[{note}]]"]


def is_cue(text: str) -> bool:
    if text.startswith("@"):
        return True
    if text.startswith("!"):
        return False
    core = re.sub(r"\s*\(.*\)$", "", text)
    return bool(core) and core.upper() == core and bool(re.search(r"[A-Z]", core)) and len(core) <= 40


# ---------------------------------------------------------------- reading


@dataclass
class Block:
    """One block of the Fountain that ends in a line's id note (or should)."""

    body: list[str]
    kind: str = "narration"
    line_id: str = ""
    opts: dict[str, str] = field(default_factory=dict)
    has_note: bool = False


def split_blocks(text: str) -> list[list[str]]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    blocks: list[list[str]] = []
    cur: list[str] = []
    for raw in text.splitlines():
        if raw.strip():
            cur.append(raw.strip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def read_block(raw: list[str]) -> Block:
    note = NOTE.search(raw[-1])
    if not note:
        return Block(body=raw)
    fields = note.group(1).split()
    body = [*raw[:-1], raw[-1][: note.start()]]
    if not fields:
        return Block(body=body)
    if fields[0] in LINE_KINDS and len(fields) > 1:
        kind, line_id, rest = fields[0], fields[1], fields[2:]
    else:
        kind, line_id, rest = "narration", fields[0], fields[1:]
    opts = dict(f.split("=", 1) for f in rest if "=" in f)
    return Block(body=body, kind=kind, line_id=line_id, opts=opts, has_note=True)
