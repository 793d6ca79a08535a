"""Benchmark: a whole novel, cold, as a season (one episode per chapter) on this machine.

Prints the audio hours made per wall-clock hour, the peak memory (the build process and,
separately, its largest synthesis worker), and how rendering scales from 1 to 2 workers
(measured on the first N lines, cold each time).

    .venv/bin/python bench/book.py                                   # Emma, full build + scaling
    .venv/bin/python bench/book.py ../shared/pdnc/PrideAndPrejudice/novel_text.txt
    .venv/bin/python bench/book.py --scaling-only --lines 1500
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "pdnc" / "Emma" / "novel_text.txt"


def _prod(tmp: Path, name: str):
    from audiodrama.project.production import init_production

    return init_production(tmp / name)


def scaling(story: Path, n_lines: int, tmp: Path) -> dict[int, float]:
    """Seconds to render the first `n_lines` voiced lines cold with 1 and with 2 workers."""
    from audiodrama.pipeline.parsing import parse_into_production
    from audiodrama.pipeline.voicing import cast_script, render_script
    from audiodrama.render.plan import voiced_lines

    out = {}
    for workers in (1, 2):
        prod = _prod(tmp, f"scale{workers}")
        script = parse_into_production(story, prod)
        lines = voiced_lines(script)[:n_lines]
        cast = cast_script(script, prod)
        t = time.perf_counter()
        render_script(script, cast, prod, lines=lines, workers=workers, progress=False)
        out[workers] = time.perf_counter() - t
        shutil.rmtree(prod.root)
    return out


def full_build(story: Path, tmp: Path) -> None:
    from audiodrama.pipeline.build import build

    prod = _prod(tmp, "book")
    t = time.perf_counter()
    result = build(story, prod, progress=sys.stderr.isatty(), formats=["wav", "mp3"])
    wall = time.perf_counter() - t
    audio = sum(e.duration for e in result.episodes)
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    longest = max(e.duration for e in result.episodes)
    print(
        f"{story.parent.name}: {len(result.episodes)} episodes, {audio / 3600:.2f} h of audio "
        f"(longest episode {longest / 60:.1f} min), {result.synthesised} lines synthesised"
    )
    print(
        f"wall {wall / 60:.1f} min ({', '.join(f'{k} {v:.0f} s' for k, v in result.seconds.items())}); "
        f"{audio / wall:.0f} audio hours per wall hour"
    )
    print(f"peak RSS: build process {self_mb:.0f} MB, largest child (worker/encoder) {child_mb:.0f} MB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("story", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--lines", type=int, default=1500, help="lines for the 1-vs-2-worker scaling run")
    ap.add_argument("--scaling-only", action="store_true")
    a = ap.parse_args()
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        if not a.scaling_only:
            full_build(a.story, Path(tmp))
        s = scaling(a.story, a.lines, Path(tmp))
        print(
            f"render scaling on {a.lines} lines: 1 worker {s[1]:.1f} s, 2 workers {s[2]:.1f} s "
            f"(speed-up {s[1] / s[2]:.2f}x on {os.cpu_count()} cores)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
