"""A production's script files: script/<slug>.json (the truth) and .fountain (what a person edits).

Reading never writes. A person's Fountain edits are pending while the Fountain differs from
the text the JSON records having written with it (its SHA-256, by content, not file time);
commands that change the production apply them under the lock. Every write checks, just
before its rename, that the file still holds what was read, so an editor's save that lands
meanwhile is kept and applied next time.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from audiodrama.errors import ScriptError
from audiodrama.model import Script
from audiodrama.project import fsutil
from audiodrama.project.lock import HeldLock
from audiodrama.project.production import Project
from audiodrama.script import RiskyEditError, apply_fountain, dumps, fountain_hash, loads, to_fountain

log = logging.getLogger("audiodrama")

#: Key in the script JSON: SHA-256 of the Fountain text written with it.
FOUNTAIN_HASH_KEY = "fountain_sha256"


@dataclass
class ScriptFiles:
    """A script as read from its two files, with any pending Fountain edits applied in memory."""

    script: Script
    json_path: Path
    fountain_path: Path
    json_bytes: bytes | None
    fountain_bytes: bytes | None
    changes: list[str] = field(default_factory=list)
    """Pending Fountain edits (applied to `script`, not yet saved)."""
    in_sync: bool = True
    """False when the Fountain is not the one last written with the JSON (edited, or missing)."""
    base: str | None = None
    """The Fountain as last written with the JSON (what a person's edits started from), if kept."""

    @property
    def pending(self) -> bool:
        return bool(self.changes)


def base_path(fountain_path: Path) -> Path:
    """Where the Fountain last written is kept (hidden), so edits merge three ways."""
    return fountain_path.with_name(f".{fountain_path.name}.base")


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScriptError("is not UTF-8 text; save it as UTF-8 in your editor", path) from None


class PendingEditsError(ScriptError):
    """The Fountain holds edits that would lose lines: they wait for the person to confirm them."""


def _refuse_duplicate_ids(script: Script, path: Path) -> None:
    """ScriptError naming the ids used by more than one line (they would all play one audio).

    Refused rather than renumbered: ids name takes (voices/recorded/<id>.wav), the Fountain's
    blocks and cached scenes, so which line keeps an id is the person's call, not ours.
    """
    counts = Counter(line.id for line in script.lines())
    dups = sorted(i for i, n in counts.items() if n > 1)
    if dups:
        shown = ", ".join(dups[:5]) + (f" and {len(dups) - 5} more" if len(dups) > 5 else "")
        raise ScriptError(
            f"line id(s) used more than once: {shown}; give each line its own id, "
            "or delete the file and re-parse the story",
            path,
        )


def open_script(json_path: Path, fountain_path: Path) -> ScriptFiles:
    """Read the JSON (checked) and the Fountain as they are; applies nothing, writes nothing."""
    json_bytes = fsutil.read_or_none(json_path)
    if json_bytes is None:
        raise ScriptError("no such cast script; run `audiodrama parse STORY` first", json_path)
    script, data = loads(_decode(json_bytes, json_path), json_path)
    _refuse_duplicate_ids(script, json_path)
    fountain_bytes = fsutil.read_or_none(fountain_path)
    found = ScriptFiles(script, json_path, fountain_path, json_bytes, fountain_bytes)
    recorded = data.get(FOUNTAIN_HASH_KEY)
    base = fsutil.read_or_none(base_path(fountain_path))
    if base is not None and isinstance(recorded, str):
        text = base.decode("utf-8", errors="replace")
        found.base = text if fountain_hash(text) == recorded else None
    if fountain_bytes is None:
        found.in_sync = False
    elif isinstance(recorded, str):
        found.in_sync = fountain_hash(_decode(fountain_bytes, fountain_path)) == recorded
    else:  # a script written before the hash was kept: judged by file time, this once
        found.in_sync = fountain_path.stat().st_mtime_ns <= json_path.stat().st_mtime_ns
    return found


def with_pending_edits(files: ScriptFiles, *, accept: bool = False, command: str = "") -> ScriptFiles:
    """`files` with the Fountain's pending edits applied to its script, in memory.

    Edits that would lose lines raise PendingEditsError saying how to accept them (`command`
    is the story argument to show); `accept=True` applies them anyway.
    """
    if files.in_sync or files.fountain_bytes is None:
        return files
    text = _decode(files.fountain_bytes, files.fountain_path)
    try:
        files.script, files.changes = apply_fountain(
            files.script, text, files.fountain_path, accept=accept, base=files.base
        )
    except RiskyEditError as exc:
        story = files.script.slug or command
        raise PendingEditsError(
            f"{exc}; nothing was applied. If you meant it, run `audiodrama apply {story} --accept` "
            "(the current files are kept in script/.backup/), else undo it in your editor"
        ) from None
    return files


def read_script(
    json_path: Path, fountain_path: Path, *, accept: bool = False, command: str = ""
) -> ScriptFiles:
    """Read a script and apply its pending Fountain edits in memory; writes nothing."""
    return with_pending_edits(open_script(json_path, fountain_path), accept=accept, command=command)


def save_script(files: ScriptFiles, script: Script, lock: HeldLock) -> list[str]:
    """Write `script` to its JSON and Fountain files (the lock held); returns notes for the person.

    A file changed since `files` read it is not overwritten: a changed JSON is an error, a
    changed Fountain (an editor saved meanwhile) is kept and applied next time.
    """
    if not files.json_path.resolve().is_relative_to(lock.root.resolve()):
        raise ScriptError(
            "is outside the locked production; save it from its own production", files.json_path
        )
    if fsutil.read_or_none(files.json_path) != files.json_bytes:
        raise ScriptError(
            "changed while this command ran; nothing was saved: run the command again", files.json_path
        )
    fountain = to_fountain(script)
    notes: list[str] = []
    base_file = base_path(files.fountain_path)
    staged: list[Path] = []  # every file written before any is renamed: a full disk replaces none
    try:
        for path, text in (
            (files.fountain_path, fountain),
            (base_file, fountain),
            (files.json_path, dumps(script, **{FOUNTAIN_HASH_KEY: fountain_hash(fountain)})),
        ):
            staged.append(fsutil.stage_text(path, text))
        _, base_tmp, json_tmp = staged
        base = fountain
        if not fsutil.commit_if_unchanged(staged[0], files.fountain_path, files.fountain_bytes):
            notes.append(
                f"{files.fountain_path} was saved while this command ran: kept your newer file; "
                "its edits will be applied next time"
            )
            # the newer file started from the one this command read: merge from there next time
            base = (files.fountain_bytes or b"").decode("utf-8", errors="replace")
            base_tmp = fsutil.stage_text(base_file, base)
            json_tmp = fsutil.stage_text(
                files.json_path, dumps(script, **{FOUNTAIN_HASH_KEY: fountain_hash(base)})
            )
            staged += [base_tmp, json_tmp]
        fsutil.commit(base_tmp, base_file)
        if not fsutil.commit_if_unchanged(json_tmp, files.json_path, files.json_bytes):
            raise ScriptError(
                "changed while this command ran; run the command again (the .fountain holds its edits)",
                files.json_path,
            )
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
    files.json_bytes = fsutil.read_or_none(files.json_path)
    files.fountain_bytes = fsutil.read_or_none(files.fountain_path)
    files.base, files.in_sync, files.changes = base, base == fountain, []
    return notes


def backup(files: ScriptFiles) -> Path:
    """Copy both files as read into script/.backup/, named by time; returns the folder."""
    folder = files.json_path.parent / ".backup"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for path, data in ((files.json_path, files.json_bytes), (files.fountain_path, files.fountain_bytes)):
        if data is not None:
            fsutil.write_bytes(folder / f"{path.stem}.{stamp}{path.suffix}", data)
    return folder


def apply_pending(
    prod: Project, slug: str, lock: HeldLock, *, accept: bool = False, command: str = ""
) -> tuple[Script, list[str]]:
    """Apply and save the Fountain edits of a story (the lock held); returns the script and changes.

    With `accept`, edits that delete lines are applied too, after a backup of both files.
    """
    files = read_script(prod.script_json(slug), prod.script_fountain(slug), accept=accept, command=command)
    changes = list(files.changes)
    if accept and files.pending:
        changes.append(f"the files as they were are kept in {backup(files)}")
    if not files.in_sync:
        changes += save_script(files, files.script, lock)
    return files.script, changes
