"""Edits a person makes to a script from code (notebooks, `audiodrama edit`): saved to JSON and Fountain."""

from __future__ import annotations

import logging

from audiodrama.errors import ScriptError
from audiodrama.model import DELIVERIES, NARRATOR, Character, Line, LineKind, Script
from audiodrama.project.lock import HeldLock, production_lock
from audiodrama.project.production import Project
from audiodrama.project.scripts import ScriptFiles, read_script, save_script
from audiodrama.script import recount_lines

log = logging.getLogger("audiodrama")
_UNSET = object()


def edit_line(
    script: Script,
    prod: Project,
    line_id: str,
    *,
    speaker: object = _UNSET,
    delivery: object = _UNSET,
    lock: HeldLock | None = None,
) -> list[str]:
    """Change a line's speaker and/or delivery and save the script (JSON + Fountain), under the lock.

    `speaker=None` or "Narrator" makes the line narration; `delivery=None` clears it.
    The edit is made to the saved script (with any Fountain edits applied first), and to
    `script`, the caller's copy. Returns the changes made. The next render re-renders only this line.
    """
    if delivery is not _UNSET and delivery is not None and delivery not in DELIVERIES:
        raise ScriptError(f"unknown delivery {delivery!r}; use one of {', '.join(DELIVERIES)}")
    if lock is None:
        with production_lock(prod) as held:
            return edit_line(script, prod, line_id, speaker=speaker, delivery=delivery, lock=held)
    json_path, fountain_path = prod.script_json(script.slug), prod.script_fountain(script.slug)
    if json_path.exists():
        # one reading of both files: a person's Fountain edits are applied and saved with this one
        files = read_script(json_path, fountain_path)
        changes = _edit(files.script, line_id, speaker, delivery, prod)
        _edit(script, line_id, speaker, delivery, prod, missing_ok=True)  # keep the caller's copy current
    else:
        files = ScriptFiles(script, json_path, fountain_path, None, None)
        changes = _edit(script, line_id, speaker, delivery, prod)
    if changes or not files.in_sync:
        for note in save_script(files, files.script, lock):
            log.warning("%s", note)
    return changes


def _edit(
    script: Script, line_id: str, speaker: object, delivery: object, prod: Project, missing_ok: bool = False
) -> list[str]:
    try:
        line = script.line_by_id(line_id)
    except KeyError:
        if missing_ok:
            return []
        raise ScriptError(
            f"no line with id {line_id}; ids are in the table and the .fountain notes",
            prod.script_json(script.slug),
        ) from None
    changes = []
    if speaker is not _UNSET:
        changes += _set_speaker(script, line, speaker)
    if delivery is not _UNSET and line.delivery != delivery:
        changes.append(f"{line.id}: delivery {line.delivery} -> {delivery}")
        line.delivery = delivery  # type: ignore[assignment]  # checked by edit_line
    if changes:
        recount_lines(script)
    return changes


def _set_speaker(script: Script, line: Line, speaker: object) -> list[str]:
    name = None if speaker in (None, "", NARRATOR) else str(speaker)
    if name is not None:
        known = script.character(name)
        if known is None:
            script.characters.append(Character(name=name))
        else:
            name = known.name
    kind: LineKind = "dialogue" if name else ("narration" if line.kind == "dialogue" else line.kind)
    if (line.kind, line.speaker) == (kind, name):
        return []
    change = f"{line.id}: speaker {line.speaker} -> {name}"
    line.kind, line.speaker = kind, name
    line.rule, line.confidence = "edited", 1.0
    return [change]
