"""Lines -> cached audio: a recorded take when there is a usable one, else TTS, in parallel.

Every synthesised line is stored as audio_out/.cache/<key>.wav, where key hashes the
speakable text (cleaned, lexicon applied), the voice profile, the synthesis delivery
(whisper/shout) and the engine's name and version. Files are written to a temporary name
and renamed into place, so a killed build never leaves a truncated WAV; a second build
with nothing changed synthesises nothing, and an edit re-renders only the lines whose key
changed. Synthesis runs in worker processes (one per core by default), each holding one
initialised engine, fed longest lines first.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import os
import wave
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audiodrama.project import fsutil
from audiodrama.voices.casting import Cast
from audiodrama.errors import AudiodramaError, RenderError
from audiodrama.model import NARRATOR, SYNTH_DELIVERIES, Line, Script
from audiodrama.voices.engines.base import SAMPLE_RATE, SynthJob, get_engine

log = logging.getLogger("audiodrama.render.lines")

VOICED_KINDS = ("narration", "dialogue", "tag", "heading")
"""Line kinds rendered by default (front matter is not read)."""
EMPTY_MS = 250
"""Length of the silence standing in for a line with nothing speakable (e.g. '...')."""


@dataclass
class RenderedLine:
    """One line's audio."""

    path: Path
    """Mono 16-bit WAV (22,050 Hz for TTS and converted takes)."""
    source: str
    """'tts' or 'recorded'."""
    cached: bool
    """True when nothing was synthesised or converted for it in this call."""
    speaker: str = NARRATOR
    """Cast name whose voice speaks it (the narrator for narration)."""
    voice: str = ""
    """The profile key (engine|voice|rate|pitch|volume) or the take's file name."""
    text: str = ""
    """The speakable text that was voiced (what the transcript should show)."""
    duration: float = 0.0
    """Seconds."""
    take: str | None = None
    """File name of the recorded take used, if any."""
    effects: list[str] = field(default_factory=list)
    """Mix effects from the profile (the line's own delivery is on the Line)."""


class RenderResult(dict):
    """line id -> RenderedLine, plus counts of what this call did."""

    synthesised: int = 0
    """Lines synthesised now (cache misses)."""
    cached: int = 0
    """Lines whose audio was already in the cache."""
    recorded: int = 0
    """Lines voiced by a recorded take."""
    warnings: list[str]
    """Things a person should know (unused takes, clipping, bad recordings)."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings = []

    def summary(self) -> str:
        """'rendered N, cached M, recorded K'."""
        return f"rendered {self.synthesised}, cached {self.cached}, recorded {self.recorded}"


def voiced_lines(script: Script) -> list[Line]:
    """The lines render_script voices by default."""
    return [line for line in script.lines() if line.kind in VOICED_KINDS]


def cache_key(text: str, profile_key: str, delivery: str | None, engine_id: str) -> str:
    """Content hash naming a synthesised line in the cache."""
    blob = "\x1f".join([text, profile_key, delivery or "", engine_id])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


def wav_duration(path: Path) -> float:
    """Seconds of audio in a WAV file (0 if unreadable)."""
    try:
        with wave.open(str(path)) as w:
            return w.getnframes() / float(w.getframerate())
    except (OSError, EOFError, wave.Error):
        return 0.0


def _write_silence(path: Path, ms: int) -> None:
    with fsutil.atomic_path(path) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(b"\x00\x00" * int(SAMPLE_RATE * ms / 1000))


# --- worker processes ------------------------------------------------------------------------


def _synth_chunk(jobs: list[SynthJob]) -> list[tuple[str, float, str | None]]:
    """Worker: synthesise jobs, returning (out, seconds, error message or None) for each."""
    out = []
    for job in jobs:
        try:
            out.append((job.out, get_engine(job.profile.engine).synthesize(job), None))
        except AudiodramaError as exc:
            out.append((job.out, 0.0, str(exc)))
        except Exception as exc:  # an engine bug must not take the whole build down
            out.append((job.out, 0.0, f"{type(exc).__name__}: {exc}"))
    return out


def _warm_up() -> None:
    """Worker initializer: load the speech engine before the first job arrives."""
    try:
        get_engine("pyttsx3")._start()  # type: ignore[attr-defined]
    except Exception:
        pass  # the first job reports the problem with a proper message


_EXECUTOR: ProcessPoolExecutor | None = None
_EXECUTOR_SIZE = 0


def _executor(workers: int) -> ProcessPoolExecutor:
    """A process pool kept for the life of the process (workers keep their engines warm)."""
    global _EXECUTOR, _EXECUTOR_SIZE
    if _EXECUTOR is not None and workers == _EXECUTOR_SIZE:
        return _EXECUTOR
    shutdown_workers()
    from audiodrama.voices.engines.base import _ENGINES

    engine_here = getattr(_ENGINES.get("pyttsx3"), "_driver", None)
    # fork is fast (no re-import); but never fork a process whose espeak-ng thread is running.
    method = "fork" if engine_here is None and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    _EXECUTOR = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(method), initializer=_warm_up
    )
    _EXECUTOR_SIZE = workers
    return _EXECUTOR


def shutdown_workers() -> None:
    """Stop the render worker processes (they are restarted on demand)."""
    global _EXECUTOR, _EXECUTOR_SIZE
    if _EXECUTOR is not None:
        _EXECUTOR.shutdown(wait=True, cancel_futures=True)
    _EXECUTOR, _EXECUTOR_SIZE = None, 0


atexit.register(shutdown_workers)


def _chunks(jobs: list[SynthJob], workers: int) -> list[list[SynthJob]]:
    """Longest lines first, batched to about 1/(8 x workers) of the text each: few messages,
    balanced cores (a long line travels alone), and a progress bar that moves."""
    jobs = sorted(jobs, key=lambda j: -len(j.text))
    budget = max(1, sum(len(j.text) for j in jobs) // (workers * 8))
    chunks: list[list[SynthJob]] = []
    size = 0
    for job in jobs:
        if not chunks or size + len(job.text) > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(job)
        size += len(job.text)
    return chunks


def run_jobs(jobs: list[SynthJob], workers: int, progress: bool) -> dict[str, float]:
    """Synthesise jobs (in worker processes for heavy engines); out path -> seconds."""
    from tqdm.auto import tqdm

    done: dict[str, float] = {}
    errors: list[str] = []
    if not jobs:
        return done
    local = [j for j in jobs if not get_engine(j.profile.engine).parallel]
    remote = [j for j in jobs if get_engine(j.profile.engine).parallel]
    if remote:
        _executor(max(1, workers))  # fork before the progress bar starts its monitor thread
    bar = tqdm(total=len(jobs), unit="line", desc="render", disable=not progress, leave=False)
    try:
        for out, secs, err in _synth_chunk(local):
            done[out] = secs
            if err:
                errors.append(err)
            bar.update(1)
        if remote:
            pool = _executor(max(1, workers))
            try:
                pending = {pool.submit(_synth_chunk, chunk) for chunk in _chunks(remote, workers)}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        for out, secs, err in fut.result():
                            done[out] = secs
                            if err:
                                errors.append(err)
                        bar.update(len(fut.result()))
            except BrokenProcessPool:
                shutdown_workers()
                raise RenderError(
                    "a synthesis worker died (espeak-ng crashed?); run the same "
                    "command again — finished lines are kept in the cache"
                ) from None
    finally:
        bar.close()
    if errors:
        raise RenderError(f"{len(errors)} line(s) could not be synthesised; first: {errors[0]}")
    return done


# --- the stage -------------------------------------------------------------------------------


def _speakable(line: Line, speaker: str, lexicon: Any) -> tuple[str, str]:
    """(clean text for the transcript, text handed to the engine with the lexicon applied)."""
    from audiodrama.voices.speakable import speakable_text, stress_emphasis

    clean = speakable_text(line.text)
    spoken = lexicon.apply(clean, speaker) if lexicon is not None else clean
    if line.emphasis:
        spoken = stress_emphasis(spoken, line.text, line.emphasis)
    return clean, spoken


def _sweep_temporaries(cache: Path, max_age_s: float = 3600) -> None:
    """Remove temporary files a killed build left in the cache (older than an hour)."""
    import time

    now = time.time()
    for p in cache.glob(".*.tmp*"):
        try:
            if now - p.stat().st_mtime > max_age_s:
                p.unlink()
        except OSError:
            pass


def render_script(
    script: Script,
    cast: Cast,
    prod: Any,
    *,
    lines: list[Line] | None = None,
    workers: int | None = None,
    progress: bool = True,
    engine: str | None = None,
    scheduler: str | None = None,
) -> RenderResult:
    """Render every line to be voiced; line id -> RenderedLine (with counts on the result).

    `lines` defaults to every narration, dialogue, tag and heading line. `workers` defaults
    to settings [render] workers, or one per core. `engine` overrides every profile's engine
    (e.g. 'silent' for fast tests). `scheduler` ('local:N' or a Dask scheduler address)
    renders on a Dask cluster instead of local processes.
    """
    from audiodrama.voices.lexicon import load_lexicon
    from audiodrama.render import recorded

    if workers is None:
        try:
            workers = prod.settings.render.workers or None
        except AudiodramaError:
            workers = None
    workers = max(1, workers or os.cpu_count() or 1)
    todo = voiced_lines(script) if lines is None else list(lines)
    cache = Path(prod.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    _sweep_temporaries(cache)
    lexicon = load_lexicon(prod)
    takes = recorded.TakeIndex.load(prod)
    result = RenderResult()
    jobs: dict[str, SynthJob] = {}
    pending: list[tuple[Line, RenderedLine]] = []
    version_of: dict[str, str] = {}
    for line in todo:
        profile = cast.profile_for(line)
        if engine:
            profile = type(profile)(**{**profile.__dict__, "engine": engine})
        speaker = cast.name_for(line.speaker if line.kind == "dialogue" else None)
        clean, text = _speakable(line, speaker, lexicon)
        take = takes.take_for(line, speaker, result.warnings)
        if take is not None:
            rendered = takes.prepare(take, line, speaker, result.warnings)
            if rendered is not None:
                rendered.text = clean
                rendered.effects = list(profile.effects)
                result[line.id] = rendered
                result.recorded += 1
                continue
        delivery = line.delivery if line.delivery in SYNTH_DELIVERIES else None
        eng = get_engine(profile.engine)
        if eng.name not in version_of:
            version_of[eng.name] = f"{eng.name}:{eng.version()}"
        key = cache_key(text, profile.key(), delivery, version_of[eng.name])
        path = cache / f"{key}.wav"
        rendered = RenderedLine(
            path=path,
            source="tts",
            cached=True,
            speaker=speaker,
            voice=profile.key(),
            text=clean,
            effects=list(profile.effects),
        )
        if not path.exists():
            rendered.cached = False
            if not text.strip():
                _write_silence(path, EMPTY_MS)
            elif str(path) not in jobs:
                jobs[str(path)] = SynthJob(text=text, profile=profile, delivery=delivery, out=str(path))
        pending.append((line, rendered))
        result[line.id] = rendered
    takes.save()
    for message in result.warnings:
        log.warning(message)
    if scheduler:  # a Dask cluster (local:N or an address) renders into the shared cache
        from audiodrama.render.distributed import run_jobs as run_on_cluster

        durations = run_on_cluster(list(jobs.values()), scheduler, progress)
    else:
        durations = run_jobs(list(jobs.values()), workers, progress)
    for line, rendered in pending:
        rendered.duration = durations.get(str(rendered.path)) or wav_duration(rendered.path)
        if rendered.cached:
            result.cached += 1
        else:
            result.synthesised += 1
    return result
