"""Rebuild when a person saves an edit: `audiodrama build STORY --watch`.

A producer edits the .fountain script, the cast or the lexicon in an editor, or drops a take
into voices/recorded/, and wants to hear the result at once. Watching keeps one process alive,
so a rebuild pays neither Python's start-up nor the numpy/scipy imports, and the cached lines
and scene mixes make it re-render and re-mix only what changed. Polling is
used rather than inotify so that it works the same on every OS and on network shares;
four looks a second at a few dozen files cost nothing next to a build.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from audiodrama.errors import AudiodramaError
from audiodrama.project.production import Project

Snapshot = dict[str, tuple[int, int]]


def watched_paths(story: Path, prod: Project) -> list[Path]:
    """Every file whose change should trigger a rebuild (the build's own outputs excluded)."""
    paths = [story, prod.cast_path, prod.lexicon_path, prod.root / "audiodrama.toml"]
    for folder in (prod.script_dir, prod.recorded_dir):
        if folder.is_dir():
            paths.extend(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return paths


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """(modification time, size) of each existing path: what a change is judged by."""
    out: Snapshot = {}
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        out[str(p)] = (st.st_mtime_ns, st.st_size)
    return out


def watch(
    rebuild: Callable[[], None],
    paths: Callable[[], list[Path]],
    *,
    report: Callable[[str], None] = print,
    interval: float = 0.25,
    settle: float = 0.15,
    max_builds: int | None = None,
) -> int:
    """Call `rebuild` now and after every change to `paths()`; returns how many builds ran.

    A change is acted on once the files have been still for `settle` seconds (an editor may
    write in several steps). A build that fails on bad input reports its one-line error and
    the watch goes on, so a typo in the script can be fixed and saved again. Ctrl-C ends it.
    """
    builds = 0
    try:
        while max_builds is None or builds < max_builds:
            try:
                rebuild()
            except AudiodramaError as exc:
                report(f"audiodrama: {exc}; fix it and save again")
            builds += 1
            if max_builds is not None and builds >= max_builds:
                break
            before = snapshot(paths())  # after the build: its own writes are not a change
            report("watching for changes (Ctrl-C to stop)")
            while True:
                time.sleep(interval)
                now = snapshot(paths())
                if now != before:
                    time.sleep(settle)
                    if snapshot(paths()) == now:
                        break
    except KeyboardInterrupt:
        report("stopped watching")
    return builds
