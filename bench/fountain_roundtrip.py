#!/usr/bin/env python3
"""Fountain round trip over the PDNC novels: parse -> Fountain -> apply must change nothing.

    .venv/bin/python bench/fountain_roundtrip.py [--pdnc DIR]

Prints, per novel, its lines and whether applying the Fountain that `parse` writes back onto
the script changed it (it must not: exit 1 if any did).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PDNC = REPO.parent / "shared" / "pdnc"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pdnc", type=Path, default=PDNC)
    a = ap.parse_args(argv)
    from audiodrama.parse import parse_story
    from audiodrama.script import apply_fountain, dumps, to_fountain

    novels = sorted(p for p in a.pdnc.iterdir() if (p / "novel_text.txt").exists()) if a.pdnc.is_dir() else []
    if not novels:
        print(f"no novels under {a.pdnc}")
        return 1
    failed = 0
    for folder in novels:
        t = time.perf_counter()
        script = parse_story((folder / "novel_text.txt").read_text(encoding="utf-8"), slug="novel")
        before = dumps(script)
        after, changes = apply_fountain(script, to_fountain(script), folder.name)
        same = dumps(after) == before and not changes
        failed += not same
        lines = sum(1 for _ in script.lines())
        print(
            f"{folder.name:<32} {lines:>6} lines  {'same' if same else 'CHANGED'}"
            f"{'' if same else ': ' + '; '.join(changes[:3])}  ({time.perf_counter() - t:.1f} s)",
            flush=True,
        )
    print(f"{len(novels) - failed} of {len(novels)} novels round-trip exactly")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
