"""The `audiodrama` command: a thin layer over audiodrama.pipeline.build and friends."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from audiodrama.cli import maintenance, mixing, script_commands, stage_commands, voices
from audiodrama.errors import AudiodramaError
from audiodrama.project.production import Project, find_production

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

    for module in (script_commands, stage_commands, voices, mixing, maintenance):
        module.register(sub)
    return ap


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("audiodrama")
    except PackageNotFoundError:
        return "dev"


# ---------------------------------------------------------------- handlers


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
