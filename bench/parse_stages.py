#!/usr/bin/env python3
"""Where a novel's parse time goes, stage by stage, and what a process pool would pay.

    .venv/bin/python bench/parse_stages.py [NOVEL ...] [--repeat N] [--cast]

For each PDNC novel named (default: the largest), the best of N CPU times of parse_story and
the CPU time of each stage inside it (each stage function wrapped for this run only). Stages
marked `para` work paragraph by paragraph (an unclosed quote carried to the next) and could be
split between processes; `lines` stages work line by line after a story-wide pass (counts,
conversations) and read the lines around (dreams, memories), so a split needs overlapping
chunks; `global` stages read the whole story or decide left to right (each turn's speaker
depends on those chosen before it). Then the costs a pool of workers would add: pickling the per-paragraph stages' output (the turns with their mentions, the lines)
and unpickling it in the parent, and starting a forked pool of two.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import multiprocessing
import pickle
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from pdnc import read_cast

from audiodrama.parse.attribution import Attributor
from audiodrama.parse.ranker import load_model

PDNC = Path(__file__).resolve().parents[1].parent / "shared" / "pdnc"
# `audiodrama.parse` the module, not the `parse` function the top package exports
PARSE = importlib.import_module("audiodrama.parse")
DIALOGUE = importlib.import_module("audiodrama.parse.dialogue")
# (module, function, kind): the stages parse_story runs, as its modules import them
STAGES = (
    (PARSE, "detect_structure", "global"),
    (DIALOGUE, "find_quotes", "para"),
    (DIALOGUE, "demote_embedded", "para"),
    (DIALOGUE, "detect_first_person", "global"),
    (DIALOGUE, "discover", "global"),
    (DIALOGUE, "decode", "global"),
    (DIALOGUE, "_fold_descriptions", "global"),
    (DIALOGUE, "build_lines", "para"),
    (PARSE, "calibrate", "lines"),
    (PARSE, "propose_deliveries", "lines"),
    (PARSE, "assign_ids", "global"),
)
METHODS = (("prepare", "para"), ("run_precise", "global"))


def _timed(f: Callable[..., Any], name: str, spent: dict[str, float]) -> Callable[..., Any]:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - t0

    return wrapper


def stage_times(
    text: str, cast_of: Callable[[], Any], model: Any, repeat: int
) -> tuple[float, dict[str, float]]:
    """(total, CPU seconds by stage) of the fastest of `repeat` parses."""
    spent: dict[str, float] = {}
    saved = [(mod, name, getattr(mod, name)) for mod, name, _ in STAGES]
    saved_methods = [(name, getattr(Attributor, name)) for name, _ in METHODS]
    for mod, name, f in saved:
        setattr(mod, name, _timed(f, name, spent))
    for name, f in saved_methods:
        setattr(Attributor, name, _timed(f, name, spent))
    best: tuple[float, dict[str, float]] = (float("inf"), {})
    try:
        for _ in range(max(1, repeat)):
            spent.clear()
            t0 = time.process_time()
            PARSE.parse_story(text, cast=cast_of(), model=model)
            total = time.process_time() - t0
            if total < best[0]:
                best = (total, dict(spent))
    finally:
        for mod, name, f in saved:
            setattr(mod, name, f)
        for name, f in saved_methods:
            setattr(Attributor, name, f)
    return best


def pool_costs(text: str, cast: Any, model: Any) -> dict[str, float]:
    """CPU seconds to pickle and unpickle the per-paragraph stages' output, and the wall time
    to start a forked pool of two."""
    body = [(b.start, b.end) for b in PARSE.detect_structure(text) if b.role == "body"]
    paras, characters, attributor = DIALOGUE.setup(text, body, cast)
    turns = attributor.prepare()
    lines = DIALOGUE.build_lines(text, paras, turns, characters, cast is not None)
    out: dict[str, float] = {}
    gc.disable()  # as parse_story does: the cycle collector finds nothing to free here
    for name, obj in (("turns+mentions", (turns, attributor.para_mentions)), ("lines", lines)):
        t0 = time.process_time()
        blob = pickle.dumps(obj, protocol=5)
        t1 = time.process_time()
        pickle.loads(blob)
        out[f"pickle {name} ({len(blob) / 1e6:.1f} MB)"] = t1 - t0
        out[f"unpickle {name}"] = time.process_time() - t1
    gc.enable()
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(abs, (1, 2)))
    out["fork a pool of 2 (wall)"] = time.perf_counter() - t0
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("novels", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cast", action="store_true")
    ap.add_argument("--pdnc", type=Path, default=PDNC)
    a = ap.parse_args(argv)
    sys.setrecursionlimit(100_000)  # pickling the turns' linked objects
    model = load_model()
    PARSE.parse_story('Warm-up. "Hello," said Ann.', model=model)
    folders = [a.pdnc / n for n in a.novels] or [
        max(
            (p for p in a.pdnc.iterdir() if (p / "novel_text.txt").exists()),
            key=lambda p: (p / "novel_text.txt").stat().st_size,
        )
    ]
    kinds = {name: kind for _, name, kind in STAGES} | dict(METHODS)
    for folder in folders:
        text = (folder / "novel_text.txt").read_text(encoding="utf-8")
        total, spent = stage_times(text, lambda f=folder: read_cast(f) if a.cast else None, model, a.repeat)
        print(f"{folder.name}: {len(text.encode()) / 1e6:.3f} MB, {total:.3f} s CPU")
        for name, t in sorted(spent.items(), key=lambda kv: -kv[1]):
            print(f"  {name:22} {kinds[name]:6} {t:6.3f} s  {100 * t / total:5.1f}%")
        for kind in ("para", "lines"):
            t = sum(t for name, t in spent.items() if kinds[name] == kind)
            print(f"  {'all ' + kind:29} {t:6.3f} s  {100 * t / total:5.1f}%")
        print(f"  {'rest':29} {total - sum(spent.values()):6.3f} s")
        for name, t in pool_costs(text, read_cast(folder) if a.cast else None, model).items():
            print(f"  {name:36} {t:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
