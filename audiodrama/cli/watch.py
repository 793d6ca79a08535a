"""Rebuild when a person saves an edit: `audiodrama build STORY --watch`.

A producer edits the .fountain script, the cast or the lexicon in an editor, or drops a take
into voices/recorded/, and wants to hear the result at once. Watching keeps one process alive,
so a rebuild pays neither Python's start-up nor the numpy/scipy imports, and the cached lines
and scene mixes make it re-render and re-mix only what changed. Polling is
used rather than inotify so that it works the same on every OS and on network shares;
four looks a second at a few dozen files cost nothing next to a build.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from audiodrama.errors import AudiodramaError
from audiodrama.project.lock import ProductionLocked
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


RETRY_INTERRUPT = 0.5
"""Seconds after which a stop request is raised again if the first one was swallowed."""


@contextmanager
def stop_signals_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM and Ctrl-C (SIGINT) stop it with KeyboardInterrupt: the
    build's `with` blocks unwind and kill their render workers. The previous handlers are put
    back after.

    Python drops an exception raised in its at-fork hooks, so every child (render worker,
    ffmpeg) is forked with the stop signals held (procs.signals_held): one landing then is
    raised right after the fork. Any interrupt is raised again RETRY_INTERRUPT seconds later in
    case something else swallowed it, unless a KeyboardInterrupt is already being handled (its
    clean-up, which kills the workers, is not disturbed).
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if isinstance(sys.exc_info()[1], KeyboardInterrupt):
            return  # already stopping: let the workers be killed and reaped
        signal.setitimer(signal.ITIMER_REAL, RETRY_INTERRUPT)
        raise KeyboardInterrupt

    stops = (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)
    previous = {s: signal.signal(s, interrupt) for s in stops}
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for s, handler in previous.items():
            signal.signal(s, handler)


def one_line(exc: Exception) -> str:
    """The one-line report of a failed build."""
    if isinstance(exc, AudiodramaError):
        return f"audiodrama: {exc}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"audiodrama: {where}{exc.strerror}"
    text = str(exc).strip().splitlines()
    return f"audiodrama: {type(exc).__name__}: {text[0] if text else 'unexpected error'}"


def _build_once(
    rebuild: Callable[[], None], report: Callable[[str], None], retry: float, sleep: Callable[[float], None]
) -> None:
    """Run a build; report any error in one line; while another command holds the lock, retry."""
    while True:
        try:
            rebuild()
        except ProductionLocked as exc:
            report(f"audiodrama: {exc}; trying again in {retry:g} s")
            sleep(retry)
            continue
        except Exception as exc:  # a watch must outlive any failed build, bug or bad input
            report(f"{one_line(exc)}; fix it and save again")
        return


def watch(
    rebuild: Callable[[], None],
    paths: Callable[[], list[Path]],
    *,
    report: Callable[[str], None] = print,
    interval: float = 0.25,
    settle: float = 0.15,
    max_builds: int | None = None,
    retry: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Call `rebuild` now and after every change to `paths()`; returns how many builds ran.

    A change is acted on once the files have been still for `settle` seconds (an editor may
    write in several steps). A build that fails reports its one-line error and the watch goes
    on, so a typo in the script can be fixed and saved again; a build refused because another
    command holds the lock is tried again every `retry` seconds. Ctrl-C or SIGTERM ends it, with
    the render workers of a build in progress stopped.
    """
    builds = 0
    try:
        with stop_signals_as_interrupt():
            while max_builds is None or builds < max_builds:
                _build_once(rebuild, report, retry, sleep)
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
