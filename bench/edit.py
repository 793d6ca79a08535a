"""Benchmark (issue 5): how soon the new WAV episode is ready after a one-line edit.

In a fresh temporary production it builds the demo story (stories/demo.txt, about 13 minutes
of audio, 5 scenes), rebuilds it with nothing changed (warm), then changes the words of one
line in script/demo.fountain (as a person would) and rebuilds. For each build it prints the
lines (re-)rendered, the seconds until the WAV was written (parse + cast + render + mix +
master + WAV), the seconds spent encoding afterwards (MP3; reported apart), the wall time of
the whole build, and how many scenes were mixed afresh (each build starts and stops its own
render worker; two more edits reuse one WorkerPool the caller keeps, as a notebook or a
service may). Then it runs the same edit once more through the `audiodrama build` command, whose wall time includes starting Python, and
once with `audiodrama build --watch` running (save -> new WAV, as a producer works).
Target: WAV ready in under 3 s after a one-line edit.

    .venv/bin/python bench/edit.py                   # the production's TTS engine
    AUDIODRAMA_ENGINE=silent .venv/bin/python bench/edit.py

Timings on a shared 2-vCPU machine vary by +/- 20 %; no assertion is made here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def edit_one_line(prod, slug: str, n: int) -> str:
    """Change the words of one narration line in the middle scene of the Fountain script; its id."""
    from audiodrama.project.scripts import read_script

    script = read_script(prod.script_json(slug), prod.script_fountain(slug)).script
    scene = script.scenes[len(script.scenes) // 2]
    line = next(l for l in scene.lines if l.kind == "narration" and len(l.text.split()) > 6)
    path = prod.script_fountain(slug)
    text = path.read_text(encoding="utf-8")
    block = re.search(r"(?m)^(.*)\[\[" + re.escape(line.id) + r"\b", text)
    assert block, line.id
    words = block.group(1).rstrip()
    new = words.rstrip(".") + f", and then, for the {n}. time, nothing happened. "
    path.write_text(text.replace(words, new, 1), encoding="utf-8")
    return line.id


def run(prod, story: Path, label: str, runner=None) -> dict:
    from audiodrama.pipeline.build import build

    t = time.perf_counter()
    r = build(story, prod, progress=False, runner=runner)
    wall = time.perf_counter() - t
    secs = dict(r.seconds)
    after = secs.get("encode")
    to_wav = sum(v for k, v in secs.items() if k not in ("encode", "stems")) if after is not None else wall
    ep = r.episodes[0]
    mixed = getattr(ep, "scenes_mixed", None)
    reused = getattr(ep, "scenes_reused", None)
    row = {
        "label": label,
        "rendered": r.synthesised,
        "to_wav": to_wav,
        "encode": after,
        "wall": wall,
        "mixed": mixed,
        "scenes": (mixed or 0) + (reused or 0),
        "lufs": ep.lufs,
        "tp": ep.true_peak,
        "phases": secs,
    }
    enc = f"{after:7.2f}" if after is not None else "   (in)"
    sc = f"{mixed}/{row['scenes']}" if mixed is not None else "-"
    print(
        f"{label:<26} {r.synthesised:>8d} {to_wav:10.2f} {enc:>9} {wall:8.2f} {sc:>8} "
        f"{ep.lufs:6.1f} {ep.true_peak:6.1f}   " + ", ".join(f"{k} {v:.2f}" for k, v in secs.items()),
        flush=True,
    )
    return row


def main() -> int:
    from audiodrama.project.production import init_production

    with tempfile.TemporaryDirectory(prefix="bench-edit-") as d:
        prod = init_production(Path(d) / "prod")
        story = prod.root / "demo.txt"
        shutil.copy(REPO / "stories" / "demo.txt", story)
        print(
            f"{'build':<26} {'rendered':>8} {'to WAV s':>10} {'encode s':>9} {'wall s':>8} {'mixed':>8} "
            f"{'LUFS':>6} {'dBTP':>6}   phases (s)"
        )
        run(prod, story, "first build")
        run(prod, story, "warm, nothing changed")
        run(prod, story, "warm, nothing changed")
        edit_one_line(prod, "demo", 1)
        run(prod, story, "one-line edit")
        edit_one_line(prod, "demo", 2)
        run(prod, story, "another one-line edit")
        # a long-lived caller (notebook, service) may keep one worker pool across builds
        from audiodrama.render.runners import WorkerPool

        with WorkerPool(2) as pool:
            edit_one_line(prod, "demo", 5)
            run(prod, story, "edit, pool warmed", pool)
            edit_one_line(prod, "demo", 6)
            run(prod, story, "edit, caller-owned pool", pool)
        # the same through the command line: Python's start-up and imports included
        edit_one_line(prod, "demo", 3)
        exe = Path(sys.executable).parent / "audiodrama"
        t = time.perf_counter()
        out = subprocess.run(
            [str(exe), "-q", "-C", str(prod.root), "build", str(story)], capture_output=True, text=True
        )
        wall = time.perf_counter() - t
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return 1
        summary = out.stdout.strip().splitlines()[-1]
        m = re.search(r"WAV ready in ([\d.]+) s", summary)
        e = re.search(r"encode ([\d.]+) s", summary)
        enc = float(e.group(1)) if e else 0.0
        print(
            f"\n`audiodrama build` after a one-line edit: {wall:.2f} s wall in all, of which encoding "
            f"{enc:.2f} s, so the WAV was written {wall - enc:.2f} s after the command started "
            f"(the build itself reports {m.group(1) if m else '?'} s; the rest is Python start-up)"
        )
        print(summary)
        print(
            f"watch mode (`audiodrama build --watch`): a saved one-line edit -> new WAV in "
            f"{watch_mode(prod, story):.2f} s (no start-up: the process stays alive)"
        )
    return 0


def watch_mode(prod, story: Path) -> float:
    """Seconds from saving an edit to the new WAV being in place, with `build --watch` running."""
    exe = Path(sys.executable).parent / "audiodrama"
    wav = prod.episode_dir("demo") / "demo-e01.wav"
    proc = subprocess.Popen(
        [str(exe), "-q", "-C", str(prod.root), "build", str(story), "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in proc.stdout:
            if "watching for changes" in line:
                break
        before = wav.stat().st_mtime_ns
        edit_one_line(prod, "demo", 4)
        t = time.perf_counter()
        while wav.stat().st_mtime_ns == before:
            if time.perf_counter() - t > 120:
                raise RuntimeError("the watcher did not rebuild within 2 minutes")
            time.sleep(0.01)
        return time.perf_counter() - t
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
