"""The `audiodrama` command: a thin layer over audiodrama.pipeline.build and friends."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from audiodrama.cli import maintenance, mixing, script_commands, stage_commands, voices
from audiodrama.cli.commands import add_global_options
from audiodrama.errors import AudiodramaError, ProductionError
from audiodrama.project.production import SETTINGS_FILE, Project, find_production

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


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="audiodrama",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_global_options(ap, top=True)
    ap.add_argument("--version", action="version", version=f"audiodrama {_version()}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for module in (script_commands, stage_commands, voices, mixing, maintenance):
        module.register(sub)
    return ap


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("audiodrama")
    except PackageNotFoundError:
        return "dev"


def production_for(args: argparse.Namespace) -> Project:
    """The folder given with -C, else the nearest one above the current folder with audiodrama.toml.

    A command that works on a production refuses to start without one (rather than failing
    later on a missing script path); init, voices, check and `parse --json` need none.
    """
    if args.production:
        return Project(args.production.resolve())
    prod = find_production()
    needs = args.needs_production
    if (needs(args) if callable(needs) else needs) and not prod.settings_path.exists():
        raise ProductionError(
            f"no {SETTINGS_FILE} in this folder or any folder above it, so this is not a production; "
            "create one with `audiodrama init DIR` and run the command inside DIR, or pass -C DIR",
            prod.root,
        )
    return prod


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="audiodrama: warning: %(message)s")
    try:
        args.production = production_for(args)
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
