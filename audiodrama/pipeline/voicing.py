"""Cast and render, orchestrated: load the cast, lexicon and takes -> pure stage -> save.

`cast_script` reads voices/cast.toml once, auto-casts (voices.casting) and writes the
additions back. `render_script` renders lines into the production's store with a runner it
owns for the call (or one the caller owns: a build renders the story and its credits with one
worker pool). `tqdm_progress` is the CLI's progress callback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm.auto import tqdm

from audiodrama.errors import AudiodramaError, CastError
from audiodrama.model import Line, Script
from audiodrama.project import castfile, fsutil
from audiodrama.project.production import Project
from audiodrama.project.store import Store, store_for
from audiodrama.project.voicefiles import read_lexicon, read_take_index, save_take_index
from audiodrama.render.distributed import DaskRunner
from audiodrama.render.lines import render_lines
from audiodrama.render.plan import RenderResult, voiced_lines
from audiodrama.render.recorded import TakeIndex
from audiodrama.render.runners import Progress, Runner, WorkerPool
from audiodrama.render.takes import Status, sides, status
from audiodrama.voices.cast import Cast
from audiodrama.voices.casting import AUTO_CAST_ENGINE, auto_cast
from audiodrama.voices.engines.registry import ENGINES, installed_neural
from audiodrama.voices.lexicon import Lexicon, proper_names


def cast_script(script: Script, prod: Project, neural: tuple[str, ...] | None = None) -> Cast:
    """Load voices/cast.toml, auto-cast every new character and the narrator, save, return the cast.

    `neural`: the neural engines auto-casting may use (default: those installed; () for espeak-ng only).
    """
    path = prod.cast_path
    doc = castfile.read_document(path)
    inventory = ENGINES[AUTO_CAST_ENGINE]().voices()
    engines = installed_neural() if neural is None else neural
    cast, changes = auto_cast(script, doc.unwrap(), inventory, path, engines)
    castfile.apply_changes(doc, changes)
    castfile.save_document(path, doc)
    return cast


def default_workers(prod: Project, workers: int | None = None) -> int:
    """`workers`, else settings [render] workers, else one per core."""
    if workers is None:
        try:
            workers = prod.settings.render.workers or None
        except AudiodramaError:
            workers = None
    return max(1, workers or os.cpu_count() or 1)


@contextmanager
def runner_for(prod: Project, workers: int | None = None, scheduler: str | None = None) -> Iterator[Runner]:
    """A worker pool (or a Dask runner for `scheduler`) for the life of the block."""
    if scheduler:
        with DaskRunner(scheduler) as dask:
            yield dask
    else:
        with WorkerPool(default_workers(prod, workers)) as pool:
            yield pool


@contextmanager
def tqdm_progress(desc: str = "render", *, enabled: bool = True) -> Iterator[Progress | None]:
    """A progress callback drawing a tqdm bar (created at the first call; closed at the end)."""
    if not enabled:
        yield None
        return
    bars: list[tqdm] = []

    def update(done: int, total: int) -> None:
        if not bars:  # not before: the bar's monitor thread must not exist when workers fork
            bars.append(tqdm(total=total, unit="line", desc=desc, leave=False))
        bars[0].update(done - bars[0].n)

    try:
        yield update
    finally:
        for bar in bars:
            bar.close()


@contextmanager
def voice_files(prod: Project) -> Iterator[tuple[Store, TakeIndex, Lexicon | None]]:
    """The store, the takes index and the lexicon, each read once for a render; the takes
    index (which learns whom each take was recorded for) is saved when the render succeeds."""
    takes = read_take_index(prod)
    yield store_for(prod), takes, read_lexicon(prod)
    save_take_index(takes)


def render_script(
    script: Script,
    cast: Cast,
    prod: Project,
    *,
    lines: list[Line] | None = None,
    workers: int | None = None,
    progress: bool | Progress | None = True,
    engine: str | None = None,
    scheduler: str | None = None,
    runner: Runner | None = None,
) -> RenderResult:
    """Render `lines` (default: every voiced line) into the production's store.

    `progress` is a callback (done, total), or True for a tqdm bar. `runner` is a runner the
    caller owns; without one a worker pool (or Dask, for `scheduler`) is started for this call.
    `engine` overrides every profile's engine (e.g. 'silent').
    """
    if runner is None:
        with runner_for(prod, workers, scheduler) as own:
            return render_script(
                script, cast, prod, lines=lines, progress=progress, engine=engine, runner=own
            )
    todo = voiced_lines(script) if lines is None else list(lines)
    with voice_files(prod) as (store, takes, lexicon), tqdm_progress(enabled=progress is True) as bar:
        callback = bar if progress is True else (progress or None)
        return render_lines(
            todo,
            cast,
            store=store,
            runner=runner,
            lexicon=lexicon,
            takes=takes,
            engine=engine,
            progress=callback,
        )


def render_one(script: Script | None, cast: Cast, prod: Project, line: Line) -> RenderResult:
    """Render a single line outside the script (an audition, a name) with a one-worker pool."""
    return render_script(
        script or Script(title="sample"), cast, prod, lines=[line], workers=1, progress=False
    )


def name_samples(
    script: Script, cast: Cast, prod: Project, *, progress: bool = False
) -> list[tuple[str, int, str, Path]]:
    """Render each proper name with the narrator's voice (lexicon applied) into
    audio_out/names/<story>/<name>.wav; (name, count, spoken as, path) for each."""
    lex = read_lexicon(prod)
    names = proper_names(script)
    lines = [
        Line(id=f"name-{i}", kind="narration", text=f"{n}.", span=(0, 0)) for i, (n, _) in enumerate(names)
    ]
    rendered = render_script(script, cast, prod, lines=lines, progress=progress)
    out_dir = prod.out_dir / "names" / (script.slug or "story")
    out = []
    for (name, count), line in zip(names, lines, strict=True):
        target = out_dir / (re.sub(r"[^\w-]+", "_", name) + ".wav")
        fsutil.write_bytes(target, rendered[line.id].path.read_bytes())
        spoken = lex.apply(name) if lex else name
        out.append((name, count, spoken, target))
    return out


def record_use(prod: Project, slug: str, rendered: RenderResult, *, partial: bool) -> None:
    """Remember in the store's manifest which files `slug` uses."""
    paths = [p for r in rendered.values() for p in (r.path, r.words_path) if p is not None]
    Store(prod.cache_dir).record_use(slug, paths, partial=partial)


def write_sides(script: Script, cast: Cast | None, prod: Project, character: str | None = None) -> list[Path]:
    """Write voices/sides/<story>-<character>.md and .csv for one character or all; the paths."""
    takes = read_take_index(prod).takes
    written = []
    for side in sides(script, cast, takes, prod.recorded_dir, character):
        stem = prod.voices_dir / "sides" / side.stem
        fsutil.write_text(stem.with_suffix(".md"), side.markdown)
        fsutil.write_text(stem.with_suffix(".csv"), side.csv)
        written += [stem.with_suffix(".md"), stem.with_suffix(".csv")]
    return written


def cast_if_any(prod: Project) -> Cast | None:
    """The production's cast, or None when it has none yet or it does not load."""
    try:
        return castfile.load_cast(prod.cast_path) if prod.cast_path.exists() else None
    except CastError:
        return None


def take_status(script: Script, prod: Project) -> Status:
    """Per character recorded counts, set-aside takes, orphans and implausible lengths."""
    return status(script, cast_if_any(prod), read_take_index(prod))
