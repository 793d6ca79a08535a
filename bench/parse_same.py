#!/usr/bin/env python3
"""Whether a change to the parser changed any output: parse every PDNC novel (without a cast
and with the gold cast), every story under the shared stories folder and a long one-paragraph
exchange, and write the script JSON of each, or compare it with what was written before.

    PYTHONHASHSEED=0 .venv/bin/python bench/parse_same.py write /tmp/before   # on main
    PYTHONHASHSEED=0 .venv/bin/python bench/parse_same.py compare /tmp/before # on the branch

PYTHONHASHSEED=0 in both runs: the gold casts list aliases from a Python set literal, whose
order changes with the hash seed. Exits 1 when any output differs (the new JSON is written
next to the old one, `NAME.new.json`, to diff).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from pdnc import read_cast

from audiodrama.model import Script
from audiodrama.parse import parse_story
from audiodrama.parse.ranker import load_model
from audiodrama.script import dumps
from audiodrama.sources.reader import read_source_bytes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXCHANGE = (
    '"Where are you going?" asked Anna. "To the market," said Ben. '
    '"May I come?" she said. "Of course," he replied. '
)


def jobs(shared: Path) -> list[tuple[str, Callable[[], Script]]]:
    """(name, parse) of every story to compare."""
    model = load_model()
    out: list[tuple[str, Callable[[], Script]]] = []
    for folder in sorted((shared / "pdnc").iterdir()):
        novel = folder / "novel_text.txt"
        if novel.exists():
            out.append(
                (f"{folder.name}.nocast", lambda n=novel: parse_story(n.read_text("utf-8"), model=model))
            )
            out.append(
                (
                    f"{folder.name}.cast",
                    lambda n=novel, f=folder: parse_story(
                        n.read_text("utf-8"), cast=read_cast(f), model=model
                    ),
                )
            )
    for path in sorted((shared / "stories").glob("*")):
        out.append(
            (path.name, lambda p=path: parse_story(read_source_bytes(p.read_bytes(), p.name), slug=p.stem))
        )
    out.append(("one_paragraph", lambda: parse_story(EXCHANGE * 2000, model=model)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["write", "compare"])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--shared", type=Path, default=SHARED)
    a = ap.parse_args(argv)
    a.folder.mkdir(parents=True, exist_ok=True)
    differ = 0
    for name, parse in jobs(a.shared):
        c0 = time.process_time()
        got = dumps(parse())
        took = time.process_time() - c0
        path = a.folder / f"{name}.json"
        if a.mode == "write":
            path.write_text(got, encoding="utf-8")
            print(f"{name:40} {took:6.2f} s CPU  written")
            continue
        same = path.exists() and path.read_text(encoding="utf-8") == got
        if not same:
            differ += 1
            path.with_suffix(".new.json").write_text(got, encoding="utf-8")
        print(f"{name:40} {took:6.2f} s CPU  {'same' if same else 'DIFFERENT'}")
    if a.mode == "compare":
        print(f"{differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
