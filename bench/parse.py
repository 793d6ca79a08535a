#!/usr/bin/env python3
"""Parse speed: each PDNC novel parsed in-process, start-up excluded.

    .venv/bin/python bench/parse.py [--repeat N] [--cast]

Prints, per novel, the size, the best of N wall-clock times of parse_story (structure,
dialogue, attribution, ids; imports and the model file load happen before timing), the
best of N CPU times of this process (the machine may be shared: CPU time is what another
job's load changes least) and the throughput in MB/s (wall, CPU); then the largest novel's
again, and the same for 1 MB and 2 MB stories that are one paragraph (a four-line exchange
pasted on one line). `--cast` passes the gold character list as the cast.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from pdnc import read_cast

from audiodrama.parse import parse_story
from audiodrama.parse.ranker import load_model

REPO = Path(__file__).resolve().parents[1]
PDNC = REPO.parent / "shared" / "pdnc"
EXCHANGE = (
    '"Where are you going?" asked Anna. "To the market," said Ben. '
    '"May I come?" she said. "Of course," he replied. '
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cast", action="store_true")
    ap.add_argument("--pdnc", type=Path, default=PDNC)
    a = ap.parse_args(argv)
    model = load_model()  # the model file is read before timing: start-up
    parse_story('Warm-up. "Hello," said Ann.', model=model)
    novels = sorted(p for p in a.pdnc.iterdir() if (p / "novel_text.txt").exists())
    if not novels:
        print(f"no novels under {a.pdnc}")
        return 1
    total_bytes = total_time = total_cpu = 0.0
    largest = ("", 0, 0.0, 0.0)
    for folder in novels:
        text = (folder / "novel_text.txt").read_text(encoding="utf-8")
        cast = read_cast(folder) if a.cast else None
        best = best_cpu = float("inf")
        for _ in range(max(1, a.repeat)):
            cast_copy = [type(c)(c.name, list(c.aliases), c.gender) for c in cast] if cast else None
            t0, c0 = time.perf_counter(), time.process_time()
            parse_story(text, cast=cast_copy, model=model)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        size = len(text.encode("utf-8"))
        total_bytes += size
        total_time += best
        total_cpu += best_cpu
        largest = max(largest, (folder.name, size, best, best_cpu), key=lambda r: r[1])
        print(_row(folder.name, size, best, best_cpu))
    print(_row("all", total_bytes, total_time, total_cpu))
    print(_row(f"largest: {largest[0]}", *largest[1:]))
    for mb in (1, 2):
        # one paragraph: a four-line exchange pasted on one line (was quadratic)
        text = EXCHANGE * (mb * 1_000_000 // len(EXCHANGE))
        t0, c0 = time.perf_counter(), time.process_time()
        parse_story(text, model=model)
        print(_row(f"one paragraph, {mb} MB", len(text), time.perf_counter() - t0, time.process_time() - c0))
    return 0


def _row(name: str, size: float, wall: float, cpu: float) -> str:
    """One line of the table: size, wall and CPU seconds, MB/s by each."""
    mb = size / 1e6
    return f"{name:32} {mb:6.3f} MB  {wall:6.3f} s  {cpu:6.3f} s CPU  {mb / wall:6.2f} MB/s  {mb / cpu:6.2f} MB/s CPU"


if __name__ == "__main__":
    sys.exit(main())
