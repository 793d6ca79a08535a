"""Parsing in a production: a story -> script/<slug>.json + .fountain, keeping a person's edits."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from audiodrama.errors import ScriptError
from audiodrama.model import Character, Script
from audiodrama.parse import parse_story
from audiodrama.project import fsutil
from audiodrama.project.castfile import read_characters
from audiodrama.project.lock import HeldLock, production_lock
from audiodrama.project.production import Project, slugify
from audiodrama.project.scripts import (
    PendingEditsError,
    ScriptFiles,
    apply_pending,
    open_script,
    save_script,
    with_pending_edits,
)
from audiodrama.project.sourcefile import save_source_text
from audiodrama.script.merge import carry_over_edits
from audiodrama.sources.reader import Source, read_source, read_story

log = logging.getLogger("audiodrama")


def parse_file(story: Path, *, cast: list[Character] | None = None, lang: str | None = None) -> Script:
    """Parse a story file (.txt, .md, .html, .epub) into a fresh Script (no files written)."""
    return parse_source(read_source(story), story, cast=cast, lang=lang)


def parse_source(
    src: Source, story: Path, *, cast: list[Character] | None = None, lang: str | None = None
) -> Script:
    """Parse an already-read story into a fresh Script."""
    script = parse_story(
        src,
        title=_title(story) if not src.title else "",
        slug=slugify(story.name),
        source=str(story),
        cast=cast,
        lang=lang,
    )
    script.source_hash = text_hash(src.text)
    return script


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _title(story: Path) -> str:
    return story.stem.replace("_", " ").replace("-", " ").strip().title() or "Story"


def parse_into_production(
    story: Path,
    prod: Project,
    *,
    cast_file: Path | None = None,
    lang: str | None = None,
    lock: HeldLock | None = None,
) -> Script:
    """Parse `story` and write script/<slug>.json and .fountain, keeping edits of an existing script.

    Takes the production lock unless the caller passes the one it holds.
    """
    if lock is None:
        with production_lock(prod) as held:
            return parse_into_production(story, prod, cast_file=cast_file, lang=lang, lock=held)
    cast = read_characters(cast_file) if cast_file else _production_cast(prod)
    src = read_source(story)
    script = parse_source(src, story, cast=cast, lang=lang)
    json_path, fountain_path = prod.script_json(script.slug), prod.script_fountain(script.slug)
    files = ScriptFiles(
        script, json_path, fountain_path, fsutil.read_or_none(json_path), fsutil.read_or_none(fountain_path)
    )
    if files.json_bytes is not None:
        try:
            old = open_script(json_path, fountain_path)
        except ScriptError as exc:
            backup = json_path.with_suffix(".json.bak")
            log.warning("%s; parsing afresh (the old file is kept as %s)", exc, backup.name)
            fsutil.write_bytes(backup, files.json_bytes)
        else:
            # the person's unsaved Fountain edits are carried over too (refused if they lose lines)
            old = with_pending_edits(old, command=str(story))
            carry_over_edits(script, old.script)
            _report_gone(old.script, script, story)
            files.json_bytes, files.fountain_bytes = old.json_bytes, old.fountain_bytes  # as applied
    save_source_text(prod, script.slug, src.text)
    for note in save_script(files, script, lock):
        log.warning("%s", note)
    return script


def _report_gone(old: Script, new: Script, story: Path) -> None:
    gone = {l.id for l in old.lines()} - {l.id for l in new.lines()}
    edited_gone = [l.id for l in old.lines() if l.id in gone and l.rule == "edited"]
    if gone:
        log.warning(
            "%d lines of the old script are no longer in %s%s",
            len(gone),
            story,
            f" (edited by hand: {', '.join(edited_gone[:8])})" if edited_gone else "",
        )


def _production_cast(prod: Project) -> list[Character] | None:
    """The characters listed in voices/cast.toml, so a production's stories share one cast.

    Only names a person confirmed count: an empty or missing cast lets the parser discover.
    """
    if not prod.cast_path.exists():
        return None
    chars = read_characters(prod.cast_path)
    return chars or None


def _script_paths(story_or_slug: str | Path, prod: Project) -> tuple[Path, Path, str]:
    p = Path(story_or_slug)
    if p.suffix == ".json" and p.exists():
        return p, p.with_suffix(".fountain"), p.stem
    slug = slugify(p.name)
    return prod.script_json(slug), prod.script_fountain(slug), slug


def load_script(
    story_or_slug: str | Path, prod: Project, lock: HeldLock | None = None, *, accept: bool = False
) -> tuple[Script, list[str]]:
    """The production's script for a story (its path, its slug or its script JSON) and its Fountain edits.

    Without `lock` nothing is written: pending Fountain edits are applied in memory only, and
    ones that would lose lines are left out with a warning. With the lock held they are saved.
    """
    json_path, fountain_path, slug = _script_paths(story_or_slug, prod)
    if lock is not None and json_path == prod.script_json(slug):
        return apply_pending(prod, slug, lock, accept=accept, command=str(story_or_slug))
    # (a script JSON outside this production is only read: the lock does not cover it)
    files = open_script(json_path, fountain_path)
    try:
        files = with_pending_edits(files, accept=accept, command=str(story_or_slug))
    except PendingEditsError as exc:
        log.warning("%s (showing the script as last saved)", exc)
    return files.script, [f"{c} (not saved yet)" for c in files.changes]


def script_for(
    story: Path, prod: Project, lock: HeldLock, *, lang: str | None = None
) -> tuple[Script, list[str]]:
    """Use script/<slug>.json when it exists (a person's edits win, saved now), else parse the story.

    When the story itself changed since it was parsed, it is parsed again and the person's
    edits are carried over by line id (lines that are gone are reported).
    """
    slug = slugify(story.name)
    if prod.script_json(slug).exists():
        script, edits = apply_pending(prod, slug, lock, command=str(story))
        if story.suffix == ".json" or not story.exists() or not script.source_hash:
            return script, edits
        if text_hash(read_story(story)) == script.source_hash:
            return script, edits
        log.warning("%s changed since it was parsed: parsing again, keeping your edits by line id", story)
    return parse_into_production(story, prod, lang=lang, lock=lock), []
