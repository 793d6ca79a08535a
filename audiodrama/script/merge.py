"""A re-parsed script keeps a person's edits from the old one, matched by line and scene id."""

from __future__ import annotations

from audiodrama.model import Script
from audiodrama.script.jsonform import recount_lines


def carry_over_edits(new: Script, old: Script) -> int:
    """Keep a person's edits (speakers, deliveries, takes, scene settings) from `old` by id.

    Returns how many line edits were carried over.
    """
    old_lines = {l.id: l for l in old.lines()}
    kept = 0
    for line in new.lines():
        prev = old_lines.get(line.id)
        if prev is None:
            continue
        if prev.rule == "edited" and (prev.kind, prev.speaker) != (line.kind, line.speaker):
            line.kind, line.speaker, line.rule, line.confidence = prev.kind, prev.speaker, "edited", 1.0
            kept += 1
        if prev.delivery != line.delivery and prev.delivery is not None:
            line.delivery = prev.delivery
            kept += 1
        line.take = prev.take
    old_scenes = {s.id: s for s in old.scenes}
    for scene in new.scenes:
        prev_scene = old_scenes.get(scene.id)
        if prev_scene:
            scene.transition = prev_scene.transition or scene.transition
            scene.ambience = prev_scene.ambience or scene.ambience
            scene.title = prev_scene.title or scene.title
            scene.settings = prev_scene.settings or scene.settings
    known = {c.name for c in new.characters}
    for c in old.characters:
        if c.name not in known and any(l.speaker == c.name for l in new.lines()):
            new.characters.append(c)
    recount_lines(new)
    return kept
