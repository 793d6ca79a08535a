"""Benchmark: mix + master + MP3 export of synthetic 10-, 30- and 60-minute stereo episodes from cached lines.

For each length, in the same run, it prints
  (a) ffmpeg alone encoding the finished WAV to the same MP3 (the floor),
  (b) the whole mix_script (load lines, plan, assemble, measure, limit, write WAV, then encode
      the MP3 from it; with an empty scene cache, so every scene is mixed),
the ratio b/a, seconds of work per hour of audio, the peak memory of the mixing process, and
(b) split into the time until the WAV was written and the MP3 encoding after it.
Targets (issue 6): b/a <= 1.5, time per hour flat from 10 to 60 minutes, peak memory < 2 GB at 60 min.

    .venv/bin/python bench/mix.py            # 10, 30, 60 minutes
    .venv/bin/python bench/mix.py 5 10       # other lengths (minutes)

Each size runs in a fresh child process so that its peak memory (ru_maxrss) is its own; (a) and
(b) are each the best of two alternating runs, because timings on a shared 2-vCPU machine vary
by +/- 15 %.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

POOL_TEXTS = [
    "It was a cold night, and the wind came down the hill like it had somewhere to be.",
    "I told you already, I am not going back there.",
    "Willow looked up from the book and frowned.",
    "You never listen to me, not once in your whole life.",
    "The phone on the table buzzed twice and fell silent.",
    "Maybe we should wait until morning.",
    "Buffy stood at the window, watching the rain run down the glass.",
    "Fine. Have it your way.",
    "Somewhere below them a door opened and closed again.",
    "Do you really think that is going to work?",
    "She laughed, but there was nothing happy in it.",
    "We have been through worse than this, you and me.",
]
REPEAT = 2
VOICES = ["en-gb", "en-us+f3", "en-gb+f2", "en-us+m3"]


@dataclass
class Rendered:
    path: Path
    source: str = "tts"


def make_pool(folder: Path) -> list[tuple[Path, str, str | None]]:
    """Cached lines: (wav, kind, speaker) voiced by espeak-ng at 22,050 Hz mono, like the render stage."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = []
    for i, text in enumerate(POOL_TEXTS):
        voice = VOICES[i % len(VOICES)]
        path = folder / f"pool{i:02d}.wav"
        if not path.exists():
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True, capture_output=True)
        speaker = None if voice == "en-gb" else ["Willow", "Buffy", "Spike"][VOICES.index(voice) - 1]
        pool.append((path, "narration" if speaker is None else "dialogue", speaker))
    return pool


def one(minutes: float, work: Path) -> dict:
    """Mix one synthetic episode of about `minutes`; runs in the child process."""
    import soundfile as sf

    from audiodrama.model import Line, Scene, Script, VoiceProfile
    from audiodrama.pipeline.mixing import mix_script
    from audiodrama.project.production import Project
    from audiodrama.settings import Settings
    from audiodrama.voices.cast import auto_pan

    pool = make_pool(work / "pool")
    # the stereo stage as a cast gives it: the characters auto-spread, the narrator centred
    voices = {name: VoiceProfile(pan=auto_pan(k)) for k, name in enumerate(["Willow", "Buffy", "Spike"])}
    settings = Settings()
    settings = replace(settings, mix=replace(settings.mix, credits=False))
    lengths = [sf.info(str(p)).duration for p, _, _ in pool]
    scenes, rendered, total, k = [], {}, 0.0, 0
    while total < minutes * 60:
        lines = []
        for _j in range(40):  # a scene every 40 lines
            p, kind, speaker = pool[k % len(pool)]
            lid = f"l{k:06d}"
            lines.append(
                Line(
                    id=lid,
                    kind=kind,
                    text=POOL_TEXTS[k % len(pool)],
                    span=(0, 0),
                    speaker=speaker,
                    paragraph=k // 2,
                )
            )
            rendered[lid] = Rendered(p)
            total += lengths[k % len(pool)] + 0.5
            k += 1
        scenes.append(
            Scene(
                id=f"s-{len(scenes)}",
                lines=lines,
                transition=["sting", "whoosh", "chime", "bridge"][len(scenes) % 4],
            )
        )
    script = Script(title=f"Bench {minutes:g}", slug=f"bench{minutes:g}", scenes=scenes)
    prod = Project(work / "prod")
    a = b = float("inf")
    wav_s = enc_s = float("inf")
    for _ in range(REPEAT):  # best of REPEAT, (a) and (b) alternating: this machine's timings are noisy
        shutil.rmtree(prod.cache_dir / "mix", ignore_errors=True)  # a first mix: no scene is cached,
        for manifest in prod.episode_dir(script.slug).glob(".*.build.json"):  # no episode kept
            manifest.unlink()
        t0 = time.perf_counter()
        [res] = mix_script(
            script, rendered, prod, settings, formats=["wav", "mp3"], voices=voices, progress=False
        )
        took = time.perf_counter() - t0
        if took < b:
            b, wav_s, enc_s = (
                took,
                res.seconds.get("wav", float("nan")),
                res.seconds.get("encode", float("nan")),
            )
        t0 = time.perf_counter()
        out = work / "ffmpeg-only.mp3"
        subprocess.run(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-i",
                str(res.wav),
                "-c:a",
                "libmp3lame",
                "-b:a",
                settings.master.mp3_bitrate,
                str(out),
            ],
            check=True,
        )
        a = min(a, time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "minutes": res.duration / 60,
        "lines": k,
        "a": a,
        "b": b,
        "peak_mb": peak_mb,
        "lufs": res.lufs,
        "true_peak": res.true_peak,
        "wav": wav_s,
        "encode": enc_s,
    }


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--one":
        with tempfile.TemporaryDirectory(prefix="bench-mix-") as d:
            print(json.dumps(one(float(argv[1]), Path(d))))
        return 0
    sizes = [float(v) for v in argv] or [10, 30, 60]
    print(
        f"{'audio':>8} {'lines':>6} {'(a) ffmpeg':>11} {'(b) mix':>9} {'b/a':>5} {'s per audio h':>14} "
        f"{'peak MB':>8} {'LUFS':>6} {'dBTP':>6} {'b: to WAV':>10} {'b: encode':>10}"
    )
    for m in sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(m)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['minutes']:7.1f}m {r['lines']:6d} {r['a']:10.1f}s {r['b']:8.1f}s {r['b'] / r['a']:5.2f} "
            f"{r['b'] / (r['minutes'] / 60):13.1f}s {r['peak_mb']:8.0f} {r['lufs']:6.1f} {r['true_peak']:6.1f} "
            f"{r.get('wav', float('nan')):9.1f}s {r.get('encode', float('nan')):9.1f}s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
