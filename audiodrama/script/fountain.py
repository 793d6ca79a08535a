"""Script <-> its Fountain form, the one a person edits: one block per line, the line id in a [[note]].

The round trip is exact: applying the Fountain this module wrote changes nothing. Words are
escaped so that nothing in them reads as Fountain syntax (a backslash before \\ [ ] * and a
leading "("), and a narration line that could read as a cue, heading or transition is forced
with "!". Edits that would lose a person's words (an emptied file, many deleted blocks, a
block whose id note is missing or unknown, two blocks with one id) raise RiskyEditError
unless the caller passes `accept=True`.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from audiodrama.errors import ScriptError
from audiodrama.ids import assign_ids, base_id
from audiodrama.model import DELIVERIES, LINE_KINDS, NARRATOR, Character, Line, Scene, Script
from audiodrama.script.jsonform import _scene_settings

#: More deleted blocks than this in one save is taken for an accident and needs confirming.
MAX_UNCONFIRMED_DELETIONS = 3

_NOTE = re.compile(r"\s*\[\[([^\]]*)\]\]\s*$")
_SCENE_HEAD = re.compile(r"^\.(?!\.)(.*?)\s*\[\[([^\]]*)\]\]\s*$")
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


class RiskyEditError(ScriptError):
    """Applying the Fountain would delete or overwrite lines a person may not have meant to."""

    def __init__(self, risks: list[str], path: str | Path | None = None):
        self.risks = risks
        more = f" (and {len(risks) - 1} more)" if len(risks) > 1 else ""
        super().__init__(f"{risks[0]}{more}", path)


def fountain_hash(text: str) -> str:
    """What the JSON remembers of the Fountain it last wrote: edits are found by content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\\" + m.group(), _one_line(text))


def _unescape(text: str) -> str:
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
    title = f" - {_escape(scene.title)}" if _one_line(scene.title) else ""
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
        cue = name if _is_cue(name) and not name.startswith("!") else f"@{name}"
        delivery = [f"({line.delivery})"] if line.delivery else []
        if words.startswith("("):
            words = "\\" + words  # else it would read as a delivery
        return [cue, *delivery, f"{words} [[{line.id}]]"]
    note = line.id if line.kind == "narration" else f"{line.kind} {line.id}"
    if line.delivery:
        note += f" delivery={line.delivery}"
    force = words.startswith(_SPECIAL_START) or words.isupper() or _is_cue(words)
    return [f"{'!' if force else ''}{words} [[{note}]]"]


def _is_cue(text: str) -> bool:
    if text.startswith("@"):
        return True
    if text.startswith("!"):
        return False
    core = re.sub(r"\s*\(.*\)$", "", text)
    return bool(core) and core.upper() == core and bool(re.search(r"[A-Z]", core)) and len(core) <= 40


# ---------------------------------------------------------------- reading


@dataclass
class _Block:
    """One block of the Fountain that ends in a line's id note (or should)."""

    body: list[str]
    kind: str = "narration"
    line_id: str = ""
    opts: dict[str, str] = field(default_factory=dict)
    has_note: bool = False


def _blocks(text: str) -> list[list[str]]:
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


def _read_block(raw: list[str]) -> _Block:
    note = _NOTE.search(raw[-1])
    if not note:
        return _Block(body=raw)
    fields = note.group(1).split()
    body = [*raw[:-1], raw[-1][: note.start()]]
    if not fields:
        return _Block(body=body)
    if fields[0] in LINE_KINDS and len(fields) > 1:
        kind, line_id, rest = fields[0], fields[1], fields[2:]
    else:
        kind, line_id, rest = "narration", fields[0], fields[1:]
    opts = dict(f.split("=", 1) for f in rest if "=" in f)
    return _Block(body=body, kind=kind, line_id=line_id, opts=opts, has_note=True)


def apply_fountain(
    script: Script,
    fountain: str,
    where: str | Path = "<fountain>",
    *,
    accept: bool = False,
    base: str | None = None,
) -> tuple[Script, list[str]]:
    """Apply a person's edits in the Fountain form to a copy of `script` (matched by id).

    Returns the updated script and a list of human-readable changes. Speakers, deliveries,
    words, kinds (dialogue <-> narration) and scene settings are taken from the Fountain; a
    deleted block drops its line. RiskyEditError lists what would be lost (see the module
    docstring) unless `accept`, which applies the rest and ignores the blocks it cannot place.

    `base` is the Fountain the person started from, when known: then only the blocks they
    changed are applied (a three-way merge), so a change the script got since (another
    command, an earlier save) is not undone by an editor holding an older copy.
    """
    script = copy.deepcopy(script)
    scenes = {s.id: s for s in script.scenes}
    changes: list[str] = []
    untouched, base_ids = _unchanged_since(base)
    blocks: list[_Block] = []
    risks: list[str] = []
    noted: set[str] = set()
    line_blocks = 0
    for number, raw in enumerate(_blocks(fountain)):
        head = _SCENE_HEAD.match(raw[0])
        if head and len(raw) == 1 and head.group(2).split()[:1] and head.group(2).split()[0] in scenes:
            if tuple(raw) not in untouched:
                _apply_scene(scenes[head.group(2).split()[0]], head.group(1), head.group(2), changes, where)
            continue
        if number == 0 and ":" in raw[0] and not any(_NOTE.search(b) for b in raw):
            continue  # the title page
        block = _read_block(raw)
        line_blocks += 1
        if block.has_note and block.line_id in noted:
            risks.append(f"two blocks carry the id {block.line_id}; give the copy its own line or delete it")
            continue
        noted.add(block.line_id)
        if tuple(raw) not in untouched:
            blocks.append(block)
    placed, unplaced = _place(script, blocks)
    risks += unplaced
    known = {n.upper(): c.name for c in script.characters for n in c.all_names()}
    for block, line in placed:
        _apply_block(block, line, known, changes, where)
    seen = {id(line) for _, line in placed} | {
        id(l) for l in script.lines() if l.id in noted or (base is not None and l.id not in base_ids)
    }
    gone = [l for l in script.lines() if id(l) not in seen]
    if not line_blocks and gone:
        risks.insert(
            0, f"has no lines at all (empty or cut short?); applying it would delete all {len(gone)}"
        )
    elif len(gone) > MAX_UNCONFIRMED_DELETIONS:
        risks.insert(
            0, f"{len(gone)} blocks were deleted (first: {gone[0].id} {_one_line(gone[0].text)[:30]!r})"
        )
    if risks and not accept:
        raise RiskyEditError(risks, where)
    changes += [f"not applied: {r}" for r in risks]
    emptied = set()
    for scene in script.scenes:
        kept = [l for l in scene.lines if id(l) in seen]
        changes += [f"{l.id}: removed (its block was deleted)" for l in scene.lines if id(l) not in seen]
        if scene.lines and not kept:
            emptied.add(scene.id)
        scene.lines = kept
    script.scenes = [s for s in script.scenes if s.id not in emptied]
    _reassign_ids(script)
    if speaker_names := {l.speaker for l in script.lines() if l.speaker} - {
        c.name for c in script.characters
    }:
        script.characters.extend(Character(name=n) for n in sorted(speaker_names))
    return script, changes


def _unchanged_since(base: str | None) -> tuple[set[tuple[str, ...]], set[str]]:
    """The blocks of `base` (a person's untouched blocks match one exactly) and its line ids."""
    if base is None:
        return set(), set()
    raw = _blocks(base)
    ids = {b.line_id for b in map(_read_block, raw) if b.has_note}
    return {tuple(b) for b in raw}, ids


def _place(script: Script, blocks: list[_Block]) -> tuple[list[tuple[_Block, Line]], list[str]]:
    """Each block's line: by its id note, else (a lost or stale note) by identical words."""
    by_id = {l.id: l for l in script.lines()}
    placed: dict[int, Line] = {}
    claimed: set[str] = set()
    risks: list[str] = []
    for i, block in enumerate(blocks):
        line = by_id.get(block.line_id) if block.has_note else None
        if line is None:
            continue
        if line.id in claimed:
            continue  # a duplicate id, reported by the caller
        claimed.add(line.id)
        placed[i] = line
    by_words: dict[str, list[Line]] = {}
    for line in script.lines():
        if line.id not in claimed:
            by_words.setdefault(_one_line(line.text), []).append(line)
    for i, block in enumerate(blocks):
        if i in placed or (block.has_note and block.line_id in claimed):
            continue
        words = _block_words(block)
        candidates = by_words.get(words, [])
        if candidates:
            placed[i] = candidates.pop(0)
            continue
        what = f"the id note [[{block.line_id}]] is unknown" if block.has_note else "it has no [[id]] note"
        risks.append(f"the block {_one_line(' '.join(block.body))[:40]!r} cannot be placed: {what}")
    return [(blocks[i], placed[i]) for i in sorted(placed)], risks


def _block_words(block: _Block) -> str:
    """The words of a block as they would be applied (cue and delivery left out)."""
    body = list(block.body)
    if len(body) > 1 and _is_cue(body[0]):
        body.pop(0)
        if body and re.fullmatch(r"\(.*\)", body[0]):
            body.pop(0)
    elif body and body[0].startswith("!"):
        body[0] = body[0][1:]
    return _unescape(_one_line(" ".join(body)))


def _apply_block(
    block: _Block, line: Line, known: dict[str, str], changes: list[str], where: str | Path
) -> None:
    body = list(block.body)
    delivery = block.opts.get("delivery")
    speaker = None
    if len(body) > 1 and _is_cue(body[0]):
        cue = body.pop(0).removeprefix("@").strip()
        if cue.upper() == (line.speaker or "").upper():
            speaker = line.speaker  # names the cue's capitals cannot tell apart stay as they were
        elif cue.upper() != NARRATOR.upper():
            speaker = known.get(cue.upper(), cue.title())
        delivery = None
        if body and re.fullmatch(r"\(.*\)", body[0]):
            delivery = body.pop(0)[1:-1].strip() or None
        # NARRATOR over a quoted line nobody speaks (an epigraph, a lyric) keeps it as is;
        # over a character's line it makes the line narration
        kind: str = (
            "dialogue"
            if speaker or (line.kind == "dialogue" and line.speaker is None)
            else ("narration" if line.kind == "dialogue" else line.kind)
        )
    else:
        body[0] = body[0].removeprefix("!")
        kind = block.kind if block.kind != "dialogue" else "narration"
    if delivery is not None and delivery not in DELIVERIES:
        raise ScriptError(
            f"line {line.id}: unknown delivery ({delivery}); use one of {', '.join(DELIVERIES)}", where
        )
    _update(line, kind, speaker, delivery, _unescape(_one_line(" ".join(body))), changes)


def _apply_scene(scene: Scene, heading: str, note: str, changes: list[str], where: str | Path) -> None:
    opts = dict(f.split("=", 1) for f in note.split()[1:] if "=" in f)
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
    title = _unescape(heading.split(" - ", 1)[1].strip()) if " - " in heading else ""
    for attr, value in (("transition", opts.get("transition")), ("ambience", opts.get("ambience"))):
        value = None if value in (None, "default") else value
        if getattr(scene, attr) != value:
            changes.append(f"scene {scene.id}: {attr} -> {value}")
            setattr(scene, attr, value)
    if title != _one_line(scene.title):
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
    if words and _one_line(line.text) != words:
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
