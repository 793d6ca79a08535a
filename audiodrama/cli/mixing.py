"""CLI commands of the mix and master stage: `check` (a file against a publishing profile), `feed`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from audiodrama.audio import loudness
from audiodrama.cli.commands import add_command
from audiodrama.errors import AudiodramaError
from audiodrama.pipeline.publish import publish_feed
from audiodrama.settings import MODES, PROFILES


def register(subparsers) -> None:
    """Add `check` and `feed` to the CLI's subparsers."""
    p = add_command(
        subparsers,
        "check",
        cmd_check,
        "measure an audio file against a publishing profile (podcast or acx)",
        description="Measure an audio file (WAV, MP3, Opus, M4B) - integrated loudness (ITU-R BS.1770), "
        "true peak (4x oversampled), sample peak, RMS, noise floor, room tone at head and tail - "
        "and compare the figures with a profile. Exits 1 if any rule fails.",
        epilog="examples:\n  audiodrama check audio_out/demo/demo-e01.mp3\n"
        "  audiodrama check audio_out/demo/demo-e01.mp3 --profile acx\n"
        "  audiodrama check episode.wav --json",
    )
    p.add_argument("file", type=Path, help="the audio file to measure")
    p.add_argument(
        "--profile",
        default="podcast",
        choices=PROFILES,
        help="rules to check against (default: podcast: -16 LUFS +/- 1, <= -1 dBTP, 44.1 kHz stereo)",
    )
    p.add_argument("--json", action="store_true", help="print the figures and checks as JSON")
    p.set_defaults(needs_production=False)

    f = add_command(
        subparsers,
        "feed",
        cmd_feed,
        "write the podcast feed (RSS 2.0 for Apple Podcasts and Spotify) of a story's MP3 episodes",
        description="Write audio_out/<story>/feed.xml: one <item> per <story>-eNN.mp3 there (its size "
        "and length as they are now, its transcript and chapters), the channel from [feed] in "
        "audiodrama.toml and the story's metadata, and the cover art beside it. Upload the folder to "
        "[feed] base_url. A later mix writes the feed again.",
        epilog="example:\n  audiodrama feed demo --base-url https://example.org/podcasts/demo/",
    )
    f.add_argument(
        "story",
        nargs="?",
        default=None,
        help="story slug or story file (default: the production's only script)",
    )
    f.add_argument("--base-url", default=None, help="public URL of the folder (default: [feed] base_url)")
    f.add_argument("--title", default=None, help="podcast title (default: [feed] title, else the story's)")
    f.add_argument("--author", default=None, help="author (default: [feed] author, else the story's)")
    f.add_argument("--description", default=None, help="podcast description (default: [feed] description)")
    f.add_argument(
        "--mode", choices=MODES, default=None, help="list the episodes of this mode (default: [mix] mode)"
    )
    f.add_argument(
        "--profile",
        choices=PROFILES,
        default=None,
        help="list the episodes of this profile (default: [master] profile)",
    )


def cmd_check(args: argparse.Namespace) -> int:
    """Print a file's figures against a profile; 0 if it passes, 1 if it fails."""
    if not args.file.exists():
        raise AudiodramaError("no such file; give the path of a WAV/MP3/Opus/M4B", args.file)
    figures = loudness.measure(args.file)
    checks = loudness.check(figures, args.profile)
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(args.file),
                    "profile": args.profile,
                    "figures": figures,
                    "checks": [c.__dict__ for c in checks],
                    "ok": all(c.ok for c in checks),
                },
                indent=1,
                default=float,
            )
        )
    else:
        print(loudness.format_checks(figures, checks, str(args.file)))
        print(f"  {'PASS' if all(c.ok for c in checks) else 'FAIL'} against the {args.profile} profile")
    return 0 if all(c.ok for c in checks) else 1


def cmd_feed(args: argparse.Namespace) -> int:
    """Write feed.xml for a story's episodes."""
    path = publish_feed(
        args.production,
        args.story,
        mode=args.mode,
        profile=args.profile,
        base_url=args.base_url,
        title=args.title,
        author=args.author,
        description=args.description,
    )
    print(f"wrote {path}")
    return 0
