"""Render speed: espeak-ng alone vs a cold `audiodrama render` of the demo story.

    .venv/bin/python bench/render.py [--repeat 3] [--story stories/demo.txt]

(a) `espeak-ng -w` synthesising the whole demo text in one process;
(b) a cold render of the demo story (parsed with audiodrama.parse.parse_story, auto-cast,
    empty cache, worker processes started inside the timed region);
prints b/a (target <= 1.0). Each figure is the best of --repeat runs, interleaved, because
other work on the machine adds noise. Also shown: a warm render (nothing to do), the
re-render after a one-line edit, and the whole `audiodrama render` command when available.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from audiodrama.parse import parse_story  # noqa: E402  (after the sys.path line)
from audiodrama.pipeline.voicing import cast_script, render_script  # noqa: E402
from audiodrama.project.production import init_production  # noqa: E402


def _cpu() -> tuple[float, float]:
    """(CPU seconds of this process, of its reaped children)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def time_espeak(story: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of espeak-ng -w on the whole text."""
    c0 = _cpu()[1]
    t = time.perf_counter()
    subprocess.run(["espeak-ng", "-w", str(out), "-f", str(story)], check=True)
    return time.perf_counter() - t, _cpu()[1] - c0


def time_cold_render(script, root: Path, workers: int | None):
    shutil.rmtree(root, ignore_errors=True)
    prod = init_production(root)
    cast = cast_script(script, prod, neural=())  # espeak-ng voices: compared with espeak-ng alone
    c0 = _cpu()
    t = time.perf_counter()
    # cold: render_script starts its worker pool and shuts it down (reaped: their CPU is counted)
    result = render_script(script, cast, prod, workers=workers, progress=False)
    wall = time.perf_counter() - t
    c1 = _cpu()
    return wall, result, prod, cast, (c1[0] - c0[0], c1[1] - c0[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--story", type=Path, default=REPO / "stories" / "demo.txt")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="default: one per core")
    args = ap.parse_args()
    text = args.story.read_text(encoding="utf-8")
    t = time.perf_counter()
    script = parse_story(text, title="demo", slug="demo", source=str(args.story))
    parse_s = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp(prefix="adbench-"))
    a_runs, b_runs, a_cpu, b_cpu = [], [], [], []
    result = prod = cast = None
    try:
        for i in range(args.repeat):
            wall, cpu = time_espeak(args.story, tmp / "espeak.wav")
            a_runs.append(wall)
            a_cpu.append(cpu)
            b, result, prod, cast, (main_cpu, worker_cpu) = time_cold_render(
                script, tmp / f"prod{i}", args.workers
            )
            b_runs.append(b)
            b_cpu.append((main_cpu, worker_cpu))
        a, b = min(a_runs), min(b_runs)
        import soundfile as sf

        espeak_audio = sf.info(str(tmp / "espeak.wav")).duration
        audio = sum(r.duration for r in result.values())
        print(
            f"cores: {os.cpu_count()}, workers: {args.workers or os.cpu_count()}, "
            f"lines: {len(result)}, parse: {parse_s:.3f} s (not timed below)"
        )
        print(
            f"(a) espeak-ng -w whole text : {a:.3f} s  for {espeak_audio:.0f} s of audio "
            f"({espeak_audio / a:.0f}x real time)  runs: {', '.join(f'{x:.3f}' for x in a_runs)}"
        )
        print(
            f"(b) cold render, per line   : {b:.3f} s  for {audio:.0f} s of audio "
            f"({audio / b:.0f}x real time)  runs: {', '.join(f'{x:.3f}' for x in b_runs)}"
        )
        print(f"b/a = {b / a:.2f}   (target <= 1.0)")
        bm, bw = min(b_cpu, key=sum)
        print(
            f"CPU seconds (load-independent): espeak-ng {min(a_cpu):.3f}; render {bm + bw:.3f} = "
            f"main process {bm:.3f} + workers {bw:.3f}   (load average now "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores: others' work inflates wall times)"
        )

        t = time.perf_counter()
        warm = render_script(script, cast, prod, progress=False)
        print(f"warm render (all cached)    : {time.perf_counter() - t:.3f} s  ({warm.summary()})")
        line = next(l for l in script.lines() if l.kind == "dialogue")
        old = line.text
        line.text = old + " Really."
        t = time.perf_counter()
        edited = render_script(script, cast, prod, progress=False)
        print(f"re-render after 1-line edit : {time.perf_counter() - t:.3f} s  ({edited.summary()})")
        line.text = old
        cli = shutil.which("audiodrama") or str(REPO / ".venv" / "bin" / "audiodrama")
        if Path(cli).exists():
            croot = tmp / "cli"
            init_production(croot)
            shutil.copy(args.story, croot / "demo.txt")
            ok = (
                subprocess.run(
                    [cli, "-q", "-C", str(croot), "parse", str(croot / "demo.txt")], capture_output=True
                ).returncode
                == 0
            )
            ok = (
                ok
                and subprocess.run(
                    [cli, "-q", "-C", str(croot), "cast", "demo"], capture_output=True
                ).returncode
                == 0
            )
            if ok:
                t = time.perf_counter()
                proc = subprocess.run(
                    [cli, "-q", "-C", str(croot), "render", "demo"], capture_output=True, text=True
                )
                took = time.perf_counter() - t
                if proc.returncode == 0:
                    print(
                        f"`audiodrama render demo` cold, whole command incl. Python start-up: {took:.3f} s "
                        f"(/a = {took / a:.2f})"
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
