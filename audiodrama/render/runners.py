"""Runners of synthesis jobs: inline, or a pool of worker processes owned by a `with` block.

Every runner takes the jobs, the store the WAVs go into and an optional progress callback
(done, total), and returns store key -> seconds of audio. Cheap engines (parallel = False)
always run inline. The pool's workers die with the process that owns the pool (a killed build
leaves none behind holding its stdout), each keeps one initialised engine, and they are fed
longest lines first in batches. The pool starts no more workers than free memory holds: each
needs the memory of the engines its jobs use (a neural engine takes hundreds of MB).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

from audiodrama.errors import AudiodramaError, RenderError
from audiodrama.procs import STOP_SIGNALS, die_with_parent, signals_held
from audiodrama.render.longlines import synthesize_long
from audiodrama.render.plan import LINE_KIND, WORDS_SUFFIX, AudioStore, SynthJob, words_json
from audiodrama.voices.engines.base import SAMPLE_RATE, Engine
from audiodrama.voices.engines.registry import ENGINES, engine_name, make_engine

Progress = Callable[[int, int], None]
"""progress(done, total): called as lines are synthesised."""
Outcome = tuple[str, float, str | None]
"""(store key, seconds of audio, error message or None) of one job."""


class Runner(Protocol):
    """Runs synthesis jobs into a store; store key -> seconds of audio."""

    def run(
        self, jobs: list[SynthJob], store: AudioStore, progress: Progress | None = None
    ) -> dict[str, float]: ...


@dataclass
class Engines:
    """The engines one process synthesises with, created on first use (one per engine name)."""

    made: dict[str, Engine] = field(default_factory=dict)

    def get(self, name: str) -> Engine:
        real = engine_name(name)
        if real not in self.made:
            self.made[real] = make_engine(real)
        return self.made[real]


# A render worker's engines: state of the worker process only, set up by its initializer (the
# process that owns the pool never touches it). espeak-ng allows one engine per process, so
# the worker must keep it for its life rather than make one per batch.
_worker_engines = Engines()


def _init_worker(parent_pid: int) -> None:
    """Pool initializer: die with the owner, leave Ctrl-C to it, warm the speech engine up."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the owner shuts the pool down on Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the handler inherited from the owner mid-fork
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by the owner while forking
    start = getattr(_worker_engines.get("pyttsx3"), "start", None)
    try:
        if start is not None:
            start()
    except AudiodramaError:
        pass  # the first job reports the problem with a proper message


def synth_chunk(jobs: list[SynthJob], store: AudioStore, engines: Engines | None = None) -> list[Outcome]:
    """Synthesise jobs into the store (in a worker: with the worker's engines)."""
    engines = engines if engines is not None else _worker_engines
    out: list[Outcome] = []
    for job in jobs:
        try:
            data, words = synthesize_long(
                engines.get(job.profile.engine), job.text, job.profile, job.delivery
            )
            if words is not None:  # before the WAV: a line whose WAV exists has its words
                store.put_bytes(LINE_KIND, job.key, WORDS_SUFFIX, words_json(words))
            store.put_bytes(LINE_KIND, job.key, ".wav", data)
            out.append((job.key, (len(data) - 44) / 2 / SAMPLE_RATE, None))
        except AudiodramaError as exc:
            out.append((job.key, 0.0, str(exc)))
        except Exception as exc:  # an engine bug must not take the whole build down
            out.append((job.key, 0.0, f"{type(exc).__name__}: {exc}"))
    return out


def chunks(jobs: list[SynthJob], workers: int) -> list[list[SynthJob]]:
    """Longest lines first, batched to about 1/(8 x workers) of the text each: few messages,
    balanced cores (a long line travels alone), and progress that moves."""
    jobs = sorted(jobs, key=lambda j: -len(j.text))
    budget = max(1, sum(len(j.text) for j in jobs) // (workers * 8))
    out: list[list[SynthJob]] = []
    size = 0
    for job in jobs:
        if not out or size + len(job.text) > budget:
            out.append([])
            size = 0
        out[-1].append(job)
        size += len(job.text)
    return out


MEMORY_SHARE = 0.8
"""Share of the available memory the render workers may fill."""


def available_memory_mb() -> int:
    """Memory available to new processes, in MB (MemAvailable on Linux; 0 when unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for row in f:
                if row.startswith("MemAvailable:"):
                    return int(row.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        return 0


PYTHON_MB = 200
"""What of an engine's memory_mb (a whole process's peak) is Python and our own modules."""


def worker_memory_mb(jobs: list[SynthJob]) -> int:
    """Peak memory of one worker synthesising `jobs`: the largest engine's process, plus what
    each further engine adds (espeak-ng's included: every worker loads it on start)."""
    sizes = sorted(ENGINES[n].memory_mb for n in {engine_name(j.profile.engine) for j in jobs} | {"pyttsx3"})
    return sizes[-1] + sum(max(0, m - PYTHON_MB) for m in sizes[:-1])


def workers_for_memory(requested: int, per_worker_mb: int, available_mb: int) -> int:
    """How many of `requested` workers fit in MEMORY_SHARE of `available_mb` (at least one)."""
    if per_worker_mb <= 0 or available_mb <= 0:
        return max(1, requested)
    return max(1, min(requested, int(available_mb * MEMORY_SHARE) // per_worker_mb))


def is_parallel(job: SynthJob) -> bool:
    """True when the job's engine is CPU-heavy and belongs in a worker process."""
    return ENGINES[engine_name(job.profile.engine)].parallel


@dataclass
class Tally:
    """Outcomes gathered so far, reported through the progress callback."""

    total: int
    progress: Progress | None
    done: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, outcomes: list[Outcome]) -> None:
        for key, secs, err in outcomes:
            self.done[key] = secs
            if err:
                self.errors.append(err)
        if self.progress is not None:
            self.progress(len(self.done), self.total)

    def result(self) -> dict[str, float]:
        if self.errors:
            raise RenderError(f"{len(self.errors)} line(s) could not be synthesised; first: {self.errors[0]}")
        return self.done


class InlineRunner:
    """Synthesises in this process: cheap engines and tests. Not espeak-ng in a process that
    later forks a WorkerPool (its running speech thread must not be forked)."""

    def __init__(self) -> None:
        self.engines = Engines()

    def run(
        self, jobs: list[SynthJob], store: AudioStore, progress: Progress | None = None
    ) -> dict[str, float]:
        tally = Tally(len(jobs), progress)
        for job in jobs:
            tally.add(synth_chunk([job], store, self.engines))
        return tally.result()


class WorkerPool:
    """Render worker processes for the life of a `with` block: `with WorkerPool(2) as pool:`.

    The processes start with the first heavy job (no more of them than there are batches)
    and are shut down when the block ends, killed at once if it ends with an exception
    (Ctrl-C included). Each dies with this process, whatever kills it.
    """

    def __init__(self, workers: int, memory_mb: int | None = None) -> None:
        self.workers = max(1, workers)
        self.memory_mb = memory_mb
        """Memory the workers may share, in MB (None: what the system has available when they start)."""
        self.started = 0
        """How many workers the pool started (after sizing by memory); 0 before the first heavy job."""
        self.inline = InlineRunner()
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(kill=kind is not None)

    def _pool(self, batches: int, per_worker_mb: int) -> ProcessPoolExecutor:
        if self._executor is None:
            # fork is fast (nothing to re-import); this process never loads espeak-ng itself.
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            memory = available_memory_mb() if self.memory_mb is None else self.memory_mb
            self.started = workers_for_memory(min(self.workers, max(1, batches)), per_worker_mb, memory)
            self._executor = ProcessPoolExecutor(
                max_workers=self.started,
                mp_context=multiprocessing.get_context(method),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._executor

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers (at once with `kill`); the pool can start again on the next job."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if not kill:
            executor.shutdown(wait=True, cancel_futures=True)
            return
        # Interrupted: kill every worker without waiting for a batch in progress. The executor's
        # own dict is kept (not a copy), so a worker forked while the interrupt landed is seen too.
        live = getattr(executor, "_processes", None) or {}
        manager = getattr(executor, "_executor_manager_thread", None)
        for proc in list(live.values()):
            proc.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        for proc in list(live.values()):
            proc.kill()
        if manager is not None:
            manager.join(timeout=10)  # it reaps the killed workers
        for proc in list(live.values()):
            proc.join(timeout=5)

    def run(
        self, jobs: list[SynthJob], store: AudioStore, progress: Progress | None = None
    ) -> dict[str, float]:
        tally = Tally(len(jobs), progress)
        heavy = [j for j in jobs if is_parallel(j)]
        for job in jobs:
            if not is_parallel(job):
                tally.add(synth_chunk([job], store, self.inline.engines))
        if heavy:
            batches = chunks(heavy, self.workers)
            pool = self._pool(len(batches), worker_memory_mb(heavy))
            try:
                with signals_held():  # submit() forks the workers
                    pending: set[Future[list[Outcome]]] = {
                        pool.submit(synth_chunk, b, store) for b in batches
                    }
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        tally.add(fut.result())
            except BrokenProcessPool:
                self.close(kill=True)
                raise RenderError(
                    "a synthesis worker died (espeak-ng crashed?); run the same "
                    "command again — finished lines are kept in the cache"
                ) from None
        return tally.result()
