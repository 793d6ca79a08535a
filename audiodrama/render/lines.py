"""The render stage: lines -> audio in the store, from a recorded take when there is a usable one, else TTS.

Pure over its inputs: the cast, the lexicon and the recorded takes are handed in, the audio
goes into the store it is given, and a runner (inline, a worker pool, Dask) synthesises what
the store lacks. A second render with nothing changed synthesises nothing.
"""

from __future__ import annotations

import logging

from audiodrama.model import Line
from audiodrama.render.plan import (
    LINE_KIND,
    WORDS_SUFFIX,
    AudioStore,
    Planner,
    RenderedLine,
    RenderResult,
    read_words,
    wav_duration,
    words_json,
)
from audiodrama.render.recorded import TakeIndex, prepare_take
from audiodrama.render.runners import Progress, Runner
from audiodrama.voices.cast import Cast
from audiodrama.voices.engines.base import SAMPLE_RATE, mono_wav
from audiodrama.voices.lexicon import Lexicon

log = logging.getLogger("audiodrama.render.lines")

EMPTY_MS = 250
"""Length of the silence standing in for a line with nothing speakable (e.g. '...')."""


def silence_wav(ms: int) -> bytes:
    """WAV bytes of `ms` milliseconds of silence."""
    return mono_wav(b"\x00\x00" * int(SAMPLE_RATE * ms / 1000))


def render_lines(
    lines: list[Line],
    cast: Cast,
    *,
    store: AudioStore,
    runner: Runner,
    lexicon: Lexicon | None = None,
    takes: TakeIndex | None = None,
    engine: str | None = None,
    progress: Progress | None = None,
) -> RenderResult:
    """Voice `lines`; line id -> RenderedLine (with counts and warnings on the result).

    `engine` overrides every profile's engine (e.g. 'silent'). A take learnt for the first
    time marks `takes` dirty (the caller saves it).
    """
    result = RenderResult()
    planner = Planner(cast, lexicon, store, engine)
    tts: list[RenderedLine] = []
    for line in lines:
        speaker = planner.speaker_of(line)
        take = takes.take_for(line, speaker, result.warnings) if takes is not None else None
        if take is not None:
            rendered = prepare_take(take, line, speaker, store, result.warnings)
            if rendered is not None:
                clean, _ = planner.speakable_of(line, speaker)
                rendered.text = clean
                rendered.effects = list(planner.profile_of(line).effects)
                result[line.id] = rendered
                result.recorded += 1
                continue
        result[line.id] = planner.add(line)
        tts.append(result[line.id])
    for message in result.warnings:
        log.warning(message)
    for key in planner.plan.silent:  # no word in it: an empty list of words, then the WAV
        store.put_bytes(LINE_KIND, key, WORDS_SUFFIX, words_json([]))
        store.put_bytes(LINE_KIND, key, ".wav", silence_wav(EMPTY_MS))
    durations = runner.run(list(planner.plan.jobs.values()), store, progress)
    by_path = {str(store.path_for(LINE_KIND, k, ".wav")): s for k, s in durations.items()}
    for rendered in tts:
        rendered.duration = by_path.get(str(rendered.path)) or wav_duration(rendered.path)
        if rendered.words_path is not None:
            rendered.words = read_words(rendered.words_path)
        if rendered.cached:
            result.cached += 1
        else:
            result.synthesised += 1
    return result
