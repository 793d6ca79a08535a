"""Edits a person makes to a script from code (notebooks, `audiodrama edit`): saved to JSON and Fountain."""

from __future__ import annotations

import difflib
import logging

from audiodrama.errors import CastError, ScriptError
from audiodrama.model import DELIVERIES, NARRATOR, Character, Line, LineKind, Script
from audiodrama.project.castfile import read_characters
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
    new_character: bool = False,
    lock: HeldLock | None = None,
) -> list[str]:
    """Change a line's speaker and/or delivery and save the script (JSON + Fountain), under the lock.

    `speaker=None` or "Narrator" makes the line narration; `delivery=None` clears it. A speaker
    that is neither in the script nor in voices/cast.toml (names and aliases, exact case) is a
    ScriptError suggesting the nearest name, unless `new_character`: then a character of that
    name, spelt as given, is added. A character left without a line leaves the script's list.
    The edit is made to the saved script (with any Fountain edits applied first), and to
    `script`, the caller's copy. Returns the changes made. The next render re-renders only this line.
    """
    if delivery is not _UNSET and delivery is not None and delivery not in DELIVERIES:
        raise ScriptError(f"unknown delivery {delivery!r}; use one of {', '.join(DELIVERIES)}")
    if lock is None:
        with production_lock(prod) as held:
            return edit_line(
                script,
                prod,
                line_id,
                speaker=speaker,
                delivery=delivery,
                new_character=new_character,
                lock=held,
            )
    json_path, fountain_path = prod.script_json(script.slug), prod.script_fountain(script.slug)
    if json_path.exists():
        # one reading of both files: a person's Fountain edits are applied and saved with this one
        files = read_script(json_path, fountain_path)
    else:
        files = ScriptFiles(script, json_path, fountain_path, None, None)
    if speaker is not _UNSET and not new_character:
        check_speaker(files.script, prod, speaker)
    changes = _edit(files.script, line_id, speaker, delivery, prod)
    if files.script is not script:
        _edit(script, line_id, speaker, delivery, prod, missing_ok=True)  # keep the caller's copy current
    if changes or not files.in_sync:
        for note in save_script(files, files.script, lock):
            log.warning("%s", note)
    return changes


def known_speakers(script: Script, prod: Project) -> list[str]:
    """Every name and alias of the script's characters and of voices/cast.toml's."""
    characters = list(script.characters)
    if prod.cast_path.exists():
        try:
            characters += read_characters(prod.cast_path)
        except CastError:
            pass  # a broken cast file is reported by the commands that use it
    return [NARRATOR, *dict.fromkeys(n for c in characters for n in (c.name, *c.aliases))]


def check_speaker(script: Script, prod: Project, speaker: object) -> None:
    """ScriptError for a speaker nobody knows (a typo, most likely), naming the nearest known name."""
    if speaker in (None, "", NARRATOR):
        return
    name = str(speaker)
    known = known_speakers(script, prod)
    if name in known:
        return
    by_lower = {k.lower(): k for k in known}
    near = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    hint = f"did you mean {by_lower[near[0]]!r}? " if near else ""
    raise ScriptError(
        f"no character {name!r} in the script or the cast; {hint}"
        "to add a new character, give --new-character (new_character=True from code)",
        prod.script_json(script.slug),
    )


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
    before = script.character(line.speaker) if line.speaker else None
    if speaker is not _UNSET:
        changes += _set_speaker(script, line, speaker)
    if delivery is not _UNSET and line.delivery != delivery:
        changes.append(f"{line.id}: delivery {line.delivery} -> {delivery}")
        line.delivery = delivery  # type: ignore[assignment]  # checked by edit_line
    if changes:
        recount_lines(script)
        # the previous speaker, now without a line, leaves the cast list, counts and dropdowns
        script.characters = [c for c in script.characters if c.lines or c is not before]
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
