"""Subcommands that live beside their stage (each module has register(subparsers))."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]


def add_global_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """-C/--production and -q/--quiet, accepted before the command (`top`) and after it.

    After the command they default to SUPPRESS, so that not repeating them there keeps the
    value given before it (`audiodrama -q mix demo`, `audiodrama mix demo -q` are the same).
    """
    p.add_argument(
        "--production",
        "-C",
        type=Path,
        default=None if top else argparse.SUPPRESS,
        metavar="DIR",
        help="production folder (default: the nearest folder with audiodrama.toml)",
    )
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="no progress bars",
    )


def add_command(
    subparsers: Any, name: str, handler: Handler, help_: str, *, epilog: str, description: str | None = None
) -> argparse.ArgumentParser:
    """Add one subcommand of `audiodrama`, wired to `handler`, and return its parser.

    `help_` is the line in the command list and, unless `description` is given, the text of
    `audiodrama NAME --help`; `epilog` (the examples) is printed as written.
    """
    p = subparsers.add_parser(
        name,
        help=help_,
        description=description or help_,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_global_options(p, top=False)
    p.set_defaults(handler=handler, needs_production=True)
    return p


def add_with_example(
    subparsers: Any, name: str, help_: str, example: str, handler: Handler
) -> argparse.ArgumentParser:
    """add_command with one example line as the epilog."""
    return add_command(subparsers, name, handler, help_, epilog="example:\n  " + example)


def story_argument(p: argparse.ArgumentParser) -> None:
    """The STORY argument: a story file, or once parsed its slug or script JSON."""
    p.add_argument("story", type=Path, help="the story file (or its slug / script JSON once parsed)")
