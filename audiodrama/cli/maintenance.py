"""Housekeeping commands: the store of rendered audio (audio_out/.cache)."""

from __future__ import annotations

import argparse

from audiodrama.cli.commands import add_command
from audiodrama.project.lock import production_lock
from audiodrama.project.store import prune, report


def register(subparsers) -> None:
    """Add `cache` to the CLI's subparsers."""
    p = add_command(
        subparsers,
        "cache",
        cmd_cache,
        "Report the render cache's size; --prune deletes lines no current script uses.",
        description="Report the render cache's size; --prune deletes lines no current script uses "
        "(recorded takes in voices/recorded/ are never touched).",
        epilog="examples:\n  audiodrama cache\n  audiodrama cache --prune",
    )
    p.add_argument("--prune", action="store_true", help="delete the unused cache files")


def cmd_cache(args: argparse.Namespace) -> int:
    if not args.prune:
        print(report(args.production))
        return 0
    with production_lock(args.production):
        gone = prune(args.production)
    print(
        f"deleted {gone.files} unused rendered lines ({gone.bytes / 2**20:.1f} MB); kept what "
        f"{', '.join(gone.stories) or 'no story'} use"
    )
    return 0
