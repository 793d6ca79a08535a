"""The `audiodrama` command: a thin layer over audiodrama.pipeline.stages and friends."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from audiodrama.cli import script_commands
from audiodrama.cli.commands import Handler, add_command
from audiodrama.errors import AudiodramaError
from audiodrama.project.production import Project, find_production
from audiodrama.settings import MODES, PROFILES

COMMAND_MODULES = (
    "audiodrama.cli.voices",
    "audiodrama.cli.mixing",
    "audiodrama.cli.maintenance",
)

DESCRIPTION = """\
Turn a written story into a full-cast audio drama.

Stages (each also runs alone; each reads what the previous one wrote):
  parse   story -> script/<story>.json + script/<story>.fountain (editable)
  cast    characters -> voice profiles in voices/cast.toml
  render  every line -> audio (TTS or a recorded take), cached
  mix     lines + pauses + scene effects -> audio_out/<story>/ episodes
  build   all of the above

Run it inside a production folder (one with audiodrama.toml; `audiodrama init DIR`
makes one) or pass --production DIR.
"""

EXAMPLES = """\
examples:
  audiodrama build stories/demo.txt            # the whole demo episode
  audiodrama parse stories/demo.txt --json /tmp/demo.json
  audiodrama review demo                       # low-confidence speakers to check
"""


def _add(
    sub: argparse._SubParsersAction, name: str, help_: str, example: str, handler: Handler
) -> argparse.ArgumentParser:
    return add_command(sub, name, handler, help_, epilog="example:\n  " + example)


def _story_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("story", type=Path, help="the story file (or its slug / script JSON once parsed)")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="audiodrama",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--production",
        "-C",
        type=Path,
        default=None,
        help="production folder (default: the nearest folder with audiodrama.toml)",
    )
    ap.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    ap.add_argument("--version", action="version", version=f"audiodrama {_version()}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    script_commands.register(sub)

    p = _add(
        sub,
        "cast",
        "Give every character a voice profile in voices/cast.toml (auto-cast; your edits are kept).",
        "audiodrama cast demo",
        cmd_cast,
    )
    _story_arg(p)

    p = _add(
        sub,
        "render",
        "Synthesise every line (or use its recorded take), reusing the cache.",
        "audiodrama render demo --workers 2",
        cmd_render,
    )
    _story_arg(p)
    p.add_argument("--workers", type=int, default=None, help="parallel processes (default: one per core)")
    _scheduler_arg(p)
    p.add_argument("--episode", type=int, action="append", help="only this episode (repeatable)")

    p = _add(
        sub,
        "mix",
        "Assemble rendered lines, pauses and scene effects into mastered episodes.",
        "audiodrama mix demo --mode audiobook",
        cmd_mix,
    )
    _story_arg(p)
    _mix_args(p)

    p = _add(
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

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return ap


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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("audiodrama")
    except PackageNotFoundError:
        return "dev"


# ---------------------------------------------------------------- handlers


def cmd_cast(args: argparse.Namespace) -> int:
    from audiodrama.pipeline.stages import load_script
    from audiodrama.pipeline.voicing import cast_script

    script, _ = load_script(args.story, args.production)
    cast = cast_script(script, args.production)
    for name, prof in [("Narrator", cast.narrator), *cast.characters.items()]:
        print(
            f"{name:<20} {prof.voice:<22} rate {prof.rate:<4} pitch {prof.pitch:<3} volume {prof.volume:.2f}"
        )
    print(f"cast written to {args.production.cast_path}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from audiodrama.pipeline.stages import lines_for, load_script
    from audiodrama.pipeline.voicing import cast_script, render_script, tqdm_progress

    script, _ = load_script(args.story, args.production)
    cast = cast_script(script, args.production)
    with tqdm_progress(enabled=not args.quiet) as progress:
        rendered = render_script(
            script,
            cast,
            args.production,
            lines=lines_for(script, args.episode),
            workers=args.workers,
            scheduler=args.scheduler,
            progress=progress,
        )
    print(f"{rendered.summary()} ({args.production.cache_dir})")
    return 0


def cmd_mix(args: argparse.Namespace) -> int:
    from audiodrama.pipeline.stages import load_script, voice_and_mix
    from audiodrama.project.lock import production_lock

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
    from audiodrama.pipeline.stages import build

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
        from audiodrama.cli.watch import watch, watched_paths

        watch(once, lambda: watched_paths(args.story, args.production))
    else:
        once()
    return 0


# ---------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="audiodrama: warning: %(message)s")
    args.production = Project(args.production.resolve()) if args.production else find_production()
    try:
        return int(args.handler(args) or 0)
    except AudiodramaError as exc:
        print(f"audiodrama: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("audiodrama: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"audiodrama: {where}{exc.strerror or exc}; check the path and permissions", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
