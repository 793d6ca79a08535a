"""The commands that make and change a story's script: init, parse, review, edit, apply.

Handlers import their stages when run, so that `audiodrama --help` does not load the parser.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from audiodrama.cli.commands import add_with_example, story_argument
from audiodrama.model import plural
from audiodrama.parse.review import review
from audiodrama.pipeline.edit import edit_line
from audiodrama.pipeline.parsing import load_script, parse_file, parse_into_production
from audiodrama.project import fsutil
from audiodrama.project.castfile import read_characters
from audiodrama.project.lock import production_lock
from audiodrama.project.production import init_production
from audiodrama.script import dumps


def register(subparsers: Any) -> None:
    """Add init, parse, review, edit and apply to the CLI's subparsers."""
    p = add_with_example(
        subparsers,
        "init",
        "Create an empty production folder (script/, voices/, audio_out/, audiodrama.toml).",
        "audiodrama init my-drama",
        cmd_init,
    )
    p.add_argument("dir", type=Path, help="folder to create (existing files are kept)")
    p.set_defaults(needs_production=False)

    p = add_with_example(
        subparsers,
        "parse",
        "Split a story into narration and dialogue, find the characters and attribute every line.",
        "audiodrama parse stories/demo.txt            # writes script/demo.json and script/demo.fountain\n"
        "  audiodrama parse novel.txt --json out.json --cast gold.toml",
        cmd_parse,
    )
    p.add_argument("story", type=Path, help="the story file")
    p.add_argument(
        "--json", type=Path, metavar="OUT", help="write the cast script JSON to OUT and nothing else"
    )
    p.add_argument(
        "--cast",
        type=Path,
        metavar="CAST.toml",
        help='use these characters ([characters."Name"] aliases, gender) instead of discovering them',
    )
    p.add_argument("--lang", metavar="CODE", help="the story's language (default: detected), e.g. en, fr, de")
    p.set_defaults(needs_production=_writes_script)

    _register_changes(subparsers)


def _writes_script(args: argparse.Namespace) -> bool:
    """`parse --json OUT` writes OUT and nothing else: it needs no production."""
    return args.json is None


def _register_changes(subparsers: Any) -> None:
    p = add_with_example(
        subparsers,
        "review",
        "List dialogue lines whose speaker the parser is least sure of.",
        "audiodrama review demo --threshold 0.7",
        cmd_review,
    )
    story_argument(p)
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="list lines below this confidence (default: the 15%% least sure lines)",
    )

    p = add_with_example(
        subparsers,
        "edit",
        "Change a line's speaker or delivery (the same as editing the .fountain).",
        "audiodrama edit demo 3f2a9c1b7e --speaker Willow --delivery phone",
        cmd_edit,
    )
    story_argument(p)
    p.add_argument("line_id", help="the line's id (from `review`, the notebook table or the .fountain notes)")
    p.add_argument(
        "--speaker",
        help="character name or alias as in the script or voices/cast.toml (exact case); "
        "'Narrator' makes the line narration",
    )
    p.add_argument(
        "--new-character",
        action="store_true",
        help="the --speaker is a new character: add it, spelt as given (otherwise an unknown name is refused)",
    )
    p.add_argument(
        "--delivery", help="phone, memory, flashback, dream, thought, whisper, shout; 'none' clears it"
    )

    p = add_with_example(
        subparsers,
        "apply",
        "Apply the edits saved in the .fountain now; --accept confirms ones that delete lines.",
        "audiodrama apply demo --accept",
        cmd_apply,
    )
    story_argument(p)
    p.add_argument(
        "--accept",
        action="store_true",
        help="apply deletions, an emptied file or blocks without their [[id]] note too "
        "(both files are backed up in script/.backup/ first)",
    )


# ---------------------------------------------------------------- handlers


def cmd_init(args: argparse.Namespace) -> int:
    prod = init_production(args.dir)
    print(
        f"created production {prod.root}: put stories anywhere, then `audiodrama -C {args.dir} build STORY`"
    )
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    if args.json:
        cast = read_characters(args.cast) if args.cast else None
        script = parse_file(args.story, cast=cast, lang=args.lang)
        fsutil.write_text(args.json, dumps(script))
        return 0
    script = parse_into_production(args.story, args.production, cast_file=args.cast, lang=args.lang)
    n = sum(1 for l in script.lines() if l.kind == "dialogue")
    print(
        f"wrote {args.production.script_json(script.slug)} and .fountain: {plural(n, 'dialogue line')}, "
        f"{plural(len(script.characters), 'character')}, {plural(len(script.scenes), 'scene')}"
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    script, _ = load_script(args.story, args.production)
    rows = review(script, args.threshold)
    for line in rows:
        print(
            f"{line.confidence:.2f}  {line.id}  {line.speaker or '?':<16} {line.rule:<22} "
            f"{textwrap.shorten(line.text, 60)}"
        )
    which = f"below {args.threshold}" if args.threshold is not None else "least sure"
    print(
        f"{plural(len(rows), 'line')} {which}; fix them in "
        f"{args.production.script_fountain(script.slug)} and rebuild"
    )
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    kwargs: dict[str, object] = {}
    if args.speaker is not None:
        kwargs["speaker"] = args.speaker
    if args.delivery is not None:
        kwargs["delivery"] = None if args.delivery.lower() == "none" else args.delivery
    with production_lock(args.production) as lock:
        script, edits = load_script(args.story, args.production, lock)
        changes = edit_line(
            script, args.production, args.line_id, lock=lock, new_character=args.new_character, **kwargs
        )
    print("\n".join([*(f"applied edit: {e}" for e in edits), *changes]) or "nothing to change")
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    with production_lock(args.production) as lock:
        script, edits = load_script(args.story, args.production, lock, accept=args.accept)
    print("\n".join(f"applied edit: {e}" for e in edits) or f"{script.slug}: no edits to apply")
    return 0
