"""The stage commands: cast, render, mix and build (each one pipeline call)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from audiodrama import pipeline
from audiodrama.cli.commands import add_with_example, story_argument
from audiodrama.cli.watch import watch, watched_paths
from audiodrama.model import NARRATOR, plural
from audiodrama.pipeline.build import build, voice_and_mix
from audiodrama.pipeline.parsing import load_script
from audiodrama.pipeline.voicing import tqdm_progress
from audiodrama.project.lock import production_lock
from audiodrama.project.production import Project
from audiodrama.script import dialogue_counts
from audiodrama.settings import MODES, PROFILES


def register(sub: Any) -> None:
    """Add cast, render, mix and build to the CLI's subparsers."""
    p = add_with_example(
        sub,
        "cast",
        "Give every character a voice profile in voices/cast.toml (auto-cast; your edits are kept).",
        "audiodrama cast demo",
        cmd_cast,
    )
    story_argument(p)

    p = add_with_example(
        sub,
        "render",
        "Synthesise every line (or use its recorded take), reusing the cache.",
        "audiodrama render demo --workers 2",
        cmd_render,
    )
    story_argument(p)
    p.add_argument("--workers", type=int, default=None, help="parallel processes (default: one per core)")
    _scheduler_arg(p)
    p.add_argument("--episode", type=int, action="append", help="only this episode (repeatable)")

    p = add_with_example(
        sub,
        "mix",
        "Assemble rendered lines, pauses and scene effects into mastered episodes.",
        "audiodrama mix demo --mode audiobook",
        cmd_mix,
    )
    story_argument(p)
    _mix_args(p)

    p = add_with_example(
        sub,
        "build",
        "Run every stage: parse (or use script/), cast, render, mix.",
        "audiodrama build stories/demo.txt",
        cmd_build,
    )
    p.add_argument("story", type=Path, help="the story file")
    p.add_argument("--workers", type=int, default=None, help="parallel synthesis processes")
    p.add_argument("--lang", metavar="CODE", help="the story's language (default: detected)")
    p.add_argument(
        "--watch",
        action="store_true",
        help="keep running: rebuild whenever the story, script, cast, lexicon, settings "
        "or a recorded take changes (Ctrl-C stops)",
    )
    _scheduler_arg(p)
    _mix_args(p)


def _mix_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--episode", type=int, action="append", help="only this episode (repeatable)")
    p.add_argument("--scene", action="append", metavar="ID", help="only this scene id (repeatable)")
    p.add_argument(
        "--mode",
        choices=MODES,
        help="drama: speech tags left out (default) | audiobook: every word read",
    )
    p.add_argument("--profile", choices=PROFILES, help="mastering profile (default: settings)")
    p.add_argument(
        "--stems",
        action="store_true",
        default=None,
        help="also write one WAV per voice/effects/ambience and an Audacity label track",
    )
    p.add_argument("--intro", choices=("summary",), help="summary: read the story's summary as a cold open")


def _scheduler_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="render on Dask: local, local:N (a LocalCluster of N workers) or a scheduler address "
        "(tcp://host:8786 or host:8786; the cache must be on a filesystem every worker shares)",
    )


def _mix_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"profile": args.profile, "stems": args.stems, "intro": args.intro}


def cmd_cast(args: argparse.Namespace) -> int:
    script, _ = load_script(args.story, args.production)
    cast = pipeline.cast(script, args.production)
    counts = dialogue_counts(script)
    speaking = [(n, p) for n, p in cast.characters.items() if counts.get(n)]
    for name, prof in [(NARRATOR, cast.narrator), *speaking]:
        lines = plural(counts[name], "line") if name in counts else ""
        print(
            f"{name:<20} {prof.voice:<22} rate {prof.rate:<4} pitch {prof.pitch:<3} "
            f"volume {prof.volume:.2f}  {lines}".rstrip()
        )
    silent = [n for n in cast.characters if not counts.get(n)]
    if silent:
        print(f"no line in this story (profile kept): {', '.join(silent)}")
    print(f"cast written to {args.production.cast_path}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    script, _ = load_script(args.story, args.production)
    cast = pipeline.cast(script, args.production)
    with tqdm_progress(enabled=not args.quiet) as progress:
        rendered = pipeline.render(
            script,
            cast,
            args.production,
            episodes=args.episode,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=progress,
        )
    print(f"{rendered.summary()} ({args.production.cache_dir})")
    return 0


def cmd_mix(args: argparse.Namespace) -> int:
    with production_lock(args.production) as lock:
        script, edits = load_script(args.story, args.production, lock)
        for change in edits:
            print(f"applied edit: {change}")
        # Mixing needs every line's audio: lines already rendered come straight from the cache.
        result = voice_and_mix(
            script,
            args.production,
            episodes=args.episode,
            scenes=args.scene,
            mode=args.mode,
            progress=not args.quiet,
            **_mix_options(args),
        )
    for ep in result.episodes:
        print(
            f"episode {ep.episode}: {ep.wav or ep.mp3} ({ep.duration:.1f} s, {ep.lufs:.1f} LUFS, "
            f"{ep.true_peak:.1f} dBTP)"
        )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    def once() -> None:
        # a new Project each time: a watched rebuild reads the settings afresh
        result = build(
            args.story,
            Project(args.production.root),
            episodes=args.episode,
            scenes=args.scene,
            mode=args.mode,
            workers=args.workers,
            lang=args.lang,
            scheduler=args.scheduler,
            progress=not args.quiet,
            **_mix_options(args),
        )
        for change in result.edits:
            print(f"applied edit: {change}")
        print(result.summary(), flush=True)

    if args.watch:
        watch(once, lambda: watched_paths(args.story, args.production))
    else:
        once()
    return 0
