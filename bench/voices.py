"""Voices: speed, memory and intelligibility of every installed engine, and the demo built with them.

    .venv/bin/python bench/voices.py [--lines 12] [--no-build]

Per installed engine (espeak-ng through pyttsx3, hibari, piper), on the demo's first --lines
narration lines, each engine speaking them as an auto-cast narrator would:
- real-time factor per core (seconds of audio per CPU second, one process) and with all
  workers (seconds of audio per wall second, a WorkerPool of one worker per core);
- peak memory of one worker (the fresh process that loads the engine and speaks the lines);
- word accuracy by pocketsphinx (`pip install -e '.[bench]'`; its wheel ships an en-us model):
  1 - word error rate of what it recognises against the line's text.
Then (unless --no-build) a cold `audiodrama build` of the demo in a fresh production, timed,
with the share of spoken seconds each engine voiced (from timeline.json) and the casting
warnings (main characters the distinctness rule cannot tell apart).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from audiodrama.model import Script, VoiceProfile  # noqa: E402  (after the sys.path line)
from audiodrama.parse import parse_story  # noqa: E402
from audiodrama.project.castfile import load_cast  # noqa: E402
from audiodrama.project.store import Store  # noqa: E402
from audiodrama.render.plan import SynthJob, speakable  # noqa: E402
from audiodrama.render.runners import WorkerPool  # noqa: E402
from audiodrama.voices.cast import NARRATOR_SLOT, slot_profile  # noqa: E402
from audiodrama.voices.casting import NEURAL_NARRATOR, cast_warnings, neural_profile  # noqa: E402
from audiodrama.voices.engines.registry import installed_neural  # noqa: E402

DEMO = REPO / "stories" / "demo.txt"
PROBE = """
import json, pathlib, resource, sys, time
sys.path.insert(0, {repo!r})
from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.registry import make_engine
p = VoiceProfile(**{profile!r})
e = make_engine(p.engine)
e.synthesize("Warm up.", p)
c0 = time.process_time()
for i, t in enumerate({texts!r}):
    pathlib.Path({out!r}, f"{{i}}.wav").write_bytes(e.synthesize(t, p))
cpu = time.process_time() - c0
print(json.dumps([cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]))
"""


def narrators() -> dict[str, VoiceProfile]:
    """Engine -> the profile an auto-cast narrator gets from it."""
    out = {"pyttsx3": slot_profile(NARRATOR_SLOT)}
    for slot in NEURAL_NARRATOR:
        if slot[0] in installed_neural():
            out[slot[0]] = neural_profile(slot)
    return out


def wav_seconds(data: bytes) -> float:
    return (len(data) - 44) / 2 / 22050


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))


def errors(ref: list[str], hyp: list[str]) -> int:
    """Word-level edit distance."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def recognise(decoder, data: bytes) -> str:
    """pocketsphinx's words for a 22,050 Hz WAV (resampled to its 16 kHz)."""
    with wave.open(io.BytesIO(data)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32)
    y = np.clip(resample_poly(x, 320, 441), -32768, 32767).astype("<i2")
    decoder.start_utt()
    decoder.process_raw(y.tobytes(), full_utt=True)
    decoder.end_utt()
    return decoder.hyp().hypstr if decoder.hyp() else ""


def per_core(profile: VoiceProfile, texts: list[str]) -> tuple[float, int, list[bytes]]:
    """(seconds of audio per CPU second, peak MB, the WAVs) of one fresh process speaking `texts`.

    A child process: this one must not load a speech engine before it forks the worker pool.
    """
    with tempfile.TemporaryDirectory() as tmp:
        code = PROBE.format(repo=str(REPO), profile=profile.__dict__, texts=texts, out=tmp)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        cpu, peak = json.loads(out.stdout.splitlines()[-1])
        wavs = [Path(tmp, f"{i}.wav").read_bytes() for i in range(len(texts))]
    return sum(map(wav_seconds, wavs)) / max(1e-9, cpu), int(peak), wavs


def all_workers(profile: VoiceProfile, texts: list[str], audio_s: float) -> float:
    """Seconds of audio per wall second with one worker per core (workers started inside)."""
    jobs = [SynthJob(text=t, profile=profile, delivery=None, key=f"k{i}") for i, t in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp, WorkerPool(os.cpu_count() or 1) as pool:
        t0 = time.perf_counter()
        pool.run(jobs, Store(Path(tmp)))
        return audio_s / (time.perf_counter() - t0)


def build_demo(script: Script) -> None:
    """A cold `audiodrama build` of the demo in a fresh production: time, neural share, warnings."""
    with tempfile.TemporaryDirectory() as tmp:
        prod = Path(tmp) / "prod"
        subprocess.run(
            [sys.executable, "-m", "audiodrama", "init", str(prod)], check=True, capture_output=True
        )
        (prod / "stories").mkdir(exist_ok=True)
        shutil.copy(DEMO, prod / "stories" / "demo.txt")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        t0 = time.perf_counter()
        run = [sys.executable, "-m", "audiodrama", "-C", str(prod), "-q", "build", "stories/demo.txt"]
        out = subprocess.run(run, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        if out.returncode:
            print("build failed:", out.stderr[-800:])
            return
        seconds: dict[str, float] = {}
        for tl in sorted((prod / "audio_out").rglob("*.timeline.json")):
            for line in json.loads(tl.read_text())["lines"]:
                engine = line.get("engine", "?")
                seconds[engine] = seconds.get(engine, 0.0) + line["end"] - line["start"]
        total = sum(seconds.values()) or 1.0
        neural = sum(s for e, s in seconds.items() if e in ("hibari", "piper"))
        print(f"\ncold demo build ({os.cpu_count()} cores): {wall:.1f} s")
        print("spoken seconds by engine: " + ", ".join(f"{e} {s:.1f}" for e, s in sorted(seconds.items())))
        print(f"neural share of spoken seconds: {neural / total:.0%} (target >= 70%)")
        cast = (prod / "voices" / "cast.toml").read_text()
        counts = {e: cast.count(f'engine = "{e}"') for e in ("hibari", "piper", "pyttsx3")}
        print("voices in the cast by engine: " + ", ".join(f"{e} {n}" for e, n in counts.items()))
        warn = cast_warnings(load_cast(prod / "voices" / "cast.toml"), script)
        print("main characters distinct: " + ("yes" if not warn else "; ".join(warn)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=12, help="demo narration lines to speak (default 12)")
    ap.add_argument("--no-build", action="store_true", help="skip the cold demo build")
    args = ap.parse_args()
    script = parse_story(DEMO.read_text(encoding="utf-8"), slug="demo")
    lines = [ln for ln in script.lines() if ln.kind == "narration"][: args.lines]
    texts = [speakable(ln, "Narrator", None)[1] for ln in lines]
    try:
        from pocketsphinx import Decoder  # bench-only dependency

        decoder = Decoder(loglevel="FATAL")
    except ImportError:
        decoder = None
        print("pocketsphinx is not installed (pip install -e '.[bench]'): no word accuracy")
    print(f"{len(texts)} demo narration lines, {sum(len(words(t)) for t in texts)} words")
    print(f"{'engine':<9} {'voice':<20} {'x RT/core':>9} {'x RT all':>9} {'MB/worker':>9} {'word acc':>8}")
    for name, profile in narrators().items():
        rt_core, mem, wavs = per_core(profile, texts)
        rt_all = all_workers(profile, texts, sum(map(wav_seconds, wavs)))
        acc = ""
        if decoder is not None:
            ref = [words(t) for t in texts]
            errs = sum(errors(r, words(recognise(decoder, w))) for r, w in zip(ref, wavs))
            acc = f"{max(0.0, 1 - errs / max(1, sum(map(len, ref)))):.2f}"
        print(f"{name:<9} {profile.voice:<20} {rt_core:>9.1f} {rt_all:>9.1f} {mem:>9d} {acc:>8}")
    if not args.no_build:
        build_demo(script)


if __name__ == "__main__":
    main()
