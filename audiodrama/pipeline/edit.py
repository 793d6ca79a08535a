"""Edits a person makes to a script from code (notebooks, `audiodrama edit`): saved to JSON and Fountain."""

from __future__ import annotations

from audiodrama import script as script_io
from audiodrama.errors import ScriptError
from audiodrama.model import DELIVERIES, NARRATOR, Character, Script
from audiodrama.project.production import Project

_UNSET = object()


def edit_line(
    script: Script, prod: Project, line_id: str, *, speaker: object = _UNSET, delivery: object = _UNSET
) -> list[str]:
    """Change a line's speaker and/or delivery and save the script (JSON + Fountain).

    `speaker=None` or "Narrator" makes the line narration; `delivery=None` clears it.
    Returns the changes made. The next render re-renders only this line.
    """
    try:
        line = script.line_by_id(line_id)
    except KeyError:
        raise ScriptError(
            f"no line with id {line_id}; ids are in the table and the .fountain notes",
            prod.script_json(script.slug),
        ) from None
    changes = []
    if speaker is not _UNSET:
        name = None if speaker in (None, "", NARRATOR) else str(speaker)
        if name is not None:
            known = script.character(name)
            if known is None:
                script.characters.append(Character(name=name))
            else:
                name = known.name
        kind = "dialogue" if name else ("narration" if line.kind == "dialogue" else line.kind)
        if (line.kind, line.speaker) != (kind, name):
            changes.append(f"{line.id}: speaker {line.speaker} -> {name}")
            line.kind, line.speaker = kind, name  # type: ignore[assignment]
            line.rule, line.confidence = "edited", 1.0
    if delivery is not _UNSET:
        if delivery is not None and delivery not in DELIVERIES:
            raise ScriptError(f"unknown delivery {delivery!r}; use one of {', '.join(DELIVERIES)}")
        if line.delivery != delivery:
            changes.append(f"{line.id}: delivery {line.delivery} -> {delivery}")
            line.delivery = delivery  # type: ignore[assignment]
    if changes:
        script_io.recount_lines(script)
        script_io.save(script, prod.script_json(script.slug), prod.script_fountain(script.slug))
    return changes
