#!/usr/bin/env python3
"""Speakers on short stories nobody tuned the parser on: the probe stories in bench/probes/.

Twelve stories written for this benchmark in the manner of 1840-1925 magazine fiction (a
first-person narrator named only by the others, speakers known by a description, a family
that says `Father`, two men in long untagged exchanges, action beats, titles and scare quotes,
a letter read aloud, a song, single quotes, dialect, quotes running across paragraphs), each
with a hand-made key: NAME.key.json lists every speech passage in order (its first 40
characters and its speaker), NAME.nonspeech.json the quoted words nobody says, NAME.cast.json
the characters.

    .venv/bin/python bench/probes.py            # without a cast, as most users run it
    .venv/bin/python bench/probes.py --cast     # with the key's cast
    .venv/bin/python bench/probes.py -v         # and every wrong line

Without a cast a found character stands for the key speaker most of its lines belong to (one
voice per found character: a character found twice costs nothing here, two people found as
one cost the lines of the smaller); with the cast a line is right when it names the key's
speaker. A key passage no dialogue line opens is missing (wrong); a dialogue line no key
passage opens is spurious (listed), unless it goes on with the line before it in its paragraph
in the same voice (a long quote is cut into sentences). PROBES=DIR reads another folder of
stories keyed the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from audiodrama.model import Character, Line
from audiodrama.parse import parse_story

PROBES = Path(os.environ.get("PROBES") or Path(__file__).resolve().parent / "probes")


def _norm(words: str) -> str:
    return re.sub(r"\s+", " ", words).strip().strip("\u201c\u201d\u2018\u2019\"' ").lower()


def _pair(key: list[dict[str, str]], dialogue: list[Line]) -> tuple[list[tuple[str, Line]], list[str]]:
    """Each key passage with the dialogue line that opens it, in order, and the missing ones."""
    pairs: list[tuple[str, Line]] = []
    missing: list[str] = []
    j = 0
    for k in key:
        want = _norm(k["text"])[:30]
        for jj in range(j, len(dialogue)):
            got = _norm(dialogue[jj].text)
            if got.startswith(want[: max(5, min(len(want), len(got)))]):
                pairs.append((k["speaker"], dialogue[jj]))
                j = jj + 1
                break
        else:
            missing.append(k["text"])
    return pairs, missing


def score(name: str, with_cast: bool, verbose: bool) -> tuple[int, int]:
    """(right, passages) of one probe story, printing its line."""
    text = (PROBES / f"{name}.txt").read_text("utf-8")
    key = json.loads((PROBES / f"{name}.key.json").read_text("utf-8"))
    cast = None
    if with_cast:
        entries = json.loads((PROBES / f"{name}.cast.json").read_text("utf-8"))
        cast = [Character(name=c["name"], aliases=list(c["aliases"]), gender=c["gender"]) for c in entries]
    script = parse_story(text, cast=cast)
    dialogue = [line for line in script.lines() if line.kind == "dialogue"]
    pairs, missing = _pair(key, dialogue)
    votes: dict[str | None, Counter[str]] = defaultdict(Counter)
    for speaker, line in pairs:
        votes[line.speaker][speaker] += 1
    stands = {found: c.most_common(1)[0][0] for found, c in votes.items()}
    if with_cast:
        stands = {found: found or "" for found in votes}
    right = sum(stands[line.speaker] == speaker for speaker, line in pairs)
    used = {id(line) for _, line in pairs}
    spurious = []
    for before, line in zip([None, *dialogue], dialogue, strict=False):
        # a quote's later sentences are lines of their own, its speaker's, in its paragraph
        goes_on = before is not None and id(before) in used and before.paragraph == line.paragraph
        if id(line) in used or (goes_on and before.speaker == line.speaker):
            used.add(id(line))
        else:
            spurious.append(line.text)
    print(
        f"{name:22} {right:3d} / {len(key):3d}  {right / len(key):.3f}  missing {len(missing)}, spurious {len(spurious)}"
    )
    if verbose:
        for speaker, line in pairs:
            if stands[line.speaker] != speaker:
                print(f"    {line.text[:40]!r:44} key {speaker!r}, parsed {line.speaker!r} ({line.rule})")
        for words in missing:
            print(f"    missing {words[:40]!r}")
        for words in spurious:
            print(f"    spurious {words[:40]!r}")
    return right, len(key)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stories", nargs="*", help="story names (default: every probe)")
    ap.add_argument("--cast", action="store_true", help="parse with the key's cast")
    ap.add_argument(
        "-v", "--verbose", action="store_true", help="list every wrong, missing and spurious line"
    )
    a = ap.parse_args(argv)
    names = a.stories or sorted(p.stem for p in PROBES.glob("*.txt"))
    if not names:
        print(f"probes: {PROBES}: no stories (NAME.txt with NAME.key.json); set PROBES=DIR", file=sys.stderr)
        return 2
    right = total = 0
    for name in names:
        try:
            r, n = score(name, a.cast, a.verbose)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
            # a story or key missing, unreadable or not in the key's shape
            print(
                f"probes: {PROBES / name}: {e.__class__.__name__}: {e}; fix its .txt / .key.json",
                file=sys.stderr,
            )
            return 2
        right += r
        total += n
    print(f"{'all':22} {right:3d} / {total:3d}  {right / total:.3f}" if total else f"{'all':22} no passages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
