"""A person's edits in the Fountain form applied to a script, losing nothing without their word.

Edits that would lose a person's words (an emptied file, many deleted blocks, a block whose id
note is missing or unknown, two blocks with one id) raise RiskyEditError unless the caller
passes `accept=True`. With the Fountain the person started from (`base`), only the blocks
they changed are applied.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from audiodrama.errors import ScriptError
from audiodrama.ids import assign_ids, base_id
from audiodrama.model import DELIVERIES, NARRATOR, Character, Line, Scene, Script
from audiodrama.script.fountain import (
    NOTE,
    SCENE_HEAD,
    Block,
    is_cue,
    one_line,
    read_block,
    split_blocks,
    unescape,
)
from audiodrama.script.jsonform import scene_settings

#: More deleted blocks than this in one save is taken for an accident and needs confirming.
MAX_UNCONFIRMED_DELETIONS = 3


class RiskyEditError(ScriptError):
    """Applying the Fountain would delete or overwrite lines a person may not have meant to."""

    def __init__(self, risks: list[str], path: str | Path | None = None):
        self.risks = risks
        more = f" (and {len(risks) - 1} more)" if len(risks) > 1 else ""
        super().__init__(f"{risks[0]}{more}", path)


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
    changes: list[str] = []
    untouched, base_ids = _unchanged_since(base)
    scan = _scan(script, fountain, untouched, changes, where)
    placed, unplaced = _place(script, scan.blocks)
    known = {n.upper(): c.name for c in script.characters for n in c.all_names()}
    for block, line in placed:
        _apply_block(block, line, known, changes, where)
    seen = {id(line) for _, line in placed} | {
        id(l) for l in script.lines() if l.id in scan.noted or (base is not None and l.id not in base_ids)
    }
    gone = [l for l in script.lines() if id(l) not in seen]
    risks = _deletion_risks(gone, scan.line_blocks) + scan.risks + unplaced
    if risks and not accept:
        raise RiskyEditError(risks, where)
    changes += [f"not applied: {r}" for r in risks]
    _drop_unseen(script, seen, changes)
    _reassign_ids(script)
    if speaker_names := {l.speaker for l in script.lines() if l.speaker} - {
        c.name for c in script.characters
    }:
        script.characters.extend(Character(name=n) for n in sorted(speaker_names))
    return script, changes


@dataclass
class _Scan:
    """The line blocks of a Fountain text that need applying, and what was found on the way."""

    blocks: list[Block] = field(default_factory=list)
    """Blocks changed since the base (every block when there is none)."""
    noted: set[str] = field(default_factory=set)
    """Every line id a block's note names."""
    risks: list[str] = field(default_factory=list)
    line_blocks: int = 0


def _scan(
    script: Script, fountain: str, untouched: set[tuple[str, ...]], changes: list[str], where: str | Path
) -> _Scan:
    """Read the blocks of `fountain`, applying scene headings to `script` as they come."""
    scenes = {s.id: s for s in script.scenes}
    scan = _Scan()
    for number, raw in enumerate(split_blocks(fountain)):
        head = SCENE_HEAD.match(raw[0])
        if head and len(raw) == 1 and head.group(2).split()[:1] and head.group(2).split()[0] in scenes:
            if tuple(raw) not in untouched:
                _apply_scene(scenes[head.group(2).split()[0]], head.group(1), head.group(2), changes, where)
            continue
        if number == 0 and ":" in raw[0] and not any(NOTE.search(b) for b in raw):
            continue  # the title page
        block = read_block(raw)
        scan.line_blocks += 1
        if block.has_note and block.line_id in scan.noted:
            scan.risks.append(
                f"two blocks carry the id {block.line_id}; give the copy its own line or delete it"
            )
            continue
        scan.noted.add(block.line_id)
        if tuple(raw) not in untouched:
            scan.blocks.append(block)
    return scan


def _deletion_risks(gone: list[Line], line_blocks: int) -> list[str]:
    if gone and not line_blocks:
        return [f"has no lines at all (empty or cut short?); applying it would delete all {len(gone)}"]
    if len(gone) > MAX_UNCONFIRMED_DELETIONS:
        return [f"{len(gone)} blocks were deleted (first: {gone[0].id} {one_line(gone[0].text)[:30]!r})"]
    return []


def _drop_unseen(script: Script, seen: set[int], changes: list[str]) -> None:
    """Remove the lines whose block was deleted, and scenes left with none."""
    emptied = set()
    for scene in script.scenes:
        kept = [l for l in scene.lines if id(l) in seen]
        changes += [f"{l.id}: removed (its block was deleted)" for l in scene.lines if id(l) not in seen]
        if scene.lines and not kept:
            emptied.add(scene.id)
        scene.lines = kept
    script.scenes = [s for s in script.scenes if s.id not in emptied]


def _unchanged_since(base: str | None) -> tuple[set[tuple[str, ...]], set[str]]:
    """The blocks of `base` (a person's untouched blocks match one exactly) and its line ids."""
    if base is None:
        return set(), set()
    raw = split_blocks(base)
    ids = {b.line_id for b in map(read_block, raw) if b.has_note}
    return {tuple(b) for b in raw}, ids


def _place(script: Script, blocks: list[Block]) -> tuple[list[tuple[Block, Line]], list[str]]:
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
            by_words.setdefault(one_line(line.text), []).append(line)
    for i, block in enumerate(blocks):
        if i in placed or (block.has_note and block.line_id in claimed):
            continue
        words = _block_words(block)
        candidates = by_words.get(words, [])
        if candidates:
            placed[i] = candidates.pop(0)
            continue
        what = f"the id note [[{block.line_id}]] is unknown" if block.has_note else "it has no [[id]] note"
        risks.append(f"the block {one_line(' '.join(block.body))[:40]!r} cannot be placed: {what}")
    return [(blocks[i], placed[i]) for i in sorted(placed)], risks


def _block_words(block: Block) -> str:
    """The words of a block as they would be applied (cue and delivery left out)."""
    body = list(block.body)
    if len(body) > 1 and is_cue(body[0]):
        body.pop(0)
        if body and re.fullmatch(r"\(.*\)", body[0]):
            body.pop(0)
    elif body and body[0].startswith("!"):
        body[0] = body[0][1:]
    return unescape(one_line(" ".join(body)))


def _apply_block(
    block: Block, line: Line, known: dict[str, str], changes: list[str], where: str | Path
) -> None:
    body = list(block.body)
    delivery = block.opts.get("delivery")
    speaker = None
    if len(body) > 1 and is_cue(body[0]):
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
    _update(line, kind, speaker, delivery, unescape(one_line(" ".join(body))), changes)


def _apply_scene(scene: Scene, heading: str, note: str, changes: list[str], where: str | Path) -> None:
    opts = dict(f.split("=", 1) for f in note.split()[1:] if "=" in f)
    overrides = {
        k: v for k, v in opts.items() if k not in ("episode", "transition", "ambience") and v != "default"
    }
    settings = scene_settings(overrides, scene.id, where)
    if settings != scene.settings:
        changes.append(
            f"scene {scene.id}: settings -> "
            + (" ".join(f"{k}={v}" for k, v in settings.items()) or "defaults")
        )
        scene.settings = settings
    title = unescape(heading.split(" - ", 1)[1].strip()) if " - " in heading else ""
    for attr, value in (("transition", opts.get("transition")), ("ambience", opts.get("ambience"))):
        value = None if value in (None, "default") else value
        if getattr(scene, attr) != value:
            changes.append(f"scene {scene.id}: {attr} -> {value}")
            setattr(scene, attr, value)
    if title != one_line(scene.title):
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
    if words and one_line(line.text) != words:
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
