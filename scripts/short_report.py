#!/usr/bin/env python3
"""How the parser fares on short stories: every PDNC novel cut into pieces of about --chars
characters (at paragraph breaks), each piece parsed alone by the novel's leave-one-novel-out
model, with the gold cast and without a cast, and scored by the shared scorer on the gold
quotes inside it; beside it, the whole novel's LOO parse scored on the same quotes.

    .venv/bin/python scripts/train_attribution.py ../shared/pdnc --rounds 1 --loo-dir /tmp/loo
    .venv/bin/python scripts/short_report.py ../shared/pdnc /tmp/loo

A short story gives the parser less to go on than a novel: fewer tagged lines to learn each
character's words from, a name said once, a character not yet named. The gap between the two
columns is what the length of a novel lends.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import shutil
import sys
import tempfile
from pathlib import Path

from audiodrama.parse import parse_story
from audiodrama.parse.ranker import load_model
from audiodrama.script import dumps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loo_report import scorer
from pdnc import read_cast

csv.field_size_limit(10**9)


def cuts(text: str, size: int) -> list[tuple[int, int]]:
    """Consecutive pieces of about `size` characters, each ending at a paragraph break."""
    out, start = [], 0
    while start < len(text):
        end = text.find("\n\n", start + size)
        end = len(text) if end < 0 or len(text) - end < size // 2 else end
        out.append((start, end))
        start = end
    return out


def piece_folder(novel: Path, text: str, span: tuple[int, int], rows: list[dict], into: Path) -> int:
    """A PDNC folder of text[span] (the quotes inside it moved to its offsets): their count."""
    s, e = span
    into.mkdir(parents=True, exist_ok=True)
    (into / "novel_text.txt").write_text(text[s:e], encoding="utf-8")
    shutil.copy(novel / "character_info.csv", into / "character_info.csv")
    kept = []
    for r in rows:
        spans = ast.literal_eval(r["quoteByteSpans"])
        if spans[0][0] >= s and spans[-1][1] <= e:
            kept.append({**r, "quoteByteSpans": str([[a - s, b - s] for a, b in spans])})
    with open(into / "quotation_info.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(kept)
    return len(kept)


def _piece_length(value: str) -> int:
    """--chars: a whole number of 1,000 or more (a piece shorter holds no conversation)."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of characters") from None
    if n < 1000:
        raise argparse.ArgumentTypeError(f"{n} is too short: give 1,000 characters or more")
    return n


def shift(script: dict, s: int, e: int) -> dict:
    """The whole novel's script cut to the lines inside [s, e), at the piece's offsets."""
    out = json.loads(json.dumps(script))
    for sc_ in out.get("scenes", []):
        sc_["lines"] = [
            {**l, "span": [l["span"][0] - s, l["span"][1] - s]}
            for l in sc_.get("lines", [])
            if l.get("span") and s <= l["span"][0] and l["span"][1] <= e
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdnc", type=Path)
    ap.add_argument("loo_dir", type=Path)
    ap.add_argument(
        "--chars",
        type=_piece_length,
        default=40_000,
        help="piece length, 1,000 or more (default 40,000: some 7,000 words; 12,000: some 2,000)",
    )
    ap.add_argument("--scorer", type=Path, default=Path("/work/shared/bench/score_attribution.py"))
    a = ap.parse_args(argv)
    sc = scorer(a.scorer)
    novels = (
        sorted(p for p in a.pdnc.iterdir() if (p / "quotation_info.csv").exists()) if a.pdnc.is_dir() else []
    )
    missing = [n.name for n in novels if not (a.loo_dir / f"{n.name}.script.json").exists()]
    if not novels or missing:
        what = (
            f"no PDNC novel folders in {a.pdnc}"
            if not novels
            else f"{a.loo_dir} lacks {missing[0]}'s LOO run"
        )
        print(
            f"short_report: {what}: run scripts/train_attribution.py PDNC --loo-dir DIR first",
            file=sys.stderr,
        )
        return 2
    totals = {k: [0, 0] for k in ("gold piece", "gold novel", "none piece", "none novel")}
    print(
        "| novel | pieces | quotes | gold cast: piece | novel | no cast: piece | novel |\n|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in novels:
            text = (n / "novel_text.txt").read_text(encoding="utf-8")
            with open(n / "quotation_info.csv", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            model = load_model(a.loo_dir / f"{n.name}.json")
            cast = read_cast(n)
            whole = {
                mode: json.loads((a.loo_dir / f"{n.name}.{suffix}.json").read_text(encoding="utf-8"))
                for mode, suffix in (("gold", "script"), ("none", "nocast.script"))
            }
            mine = {k: [0, 0] for k in totals}
            pieces = cuts(text, a.chars)
            for i, (s, e) in enumerate(pieces):
                folder = Path(tmp) / f"{n.name}.{i}"
                if not piece_folder(n, text, (s, e), rows, folder):
                    continue
                gold = sc.Gold.load(folder)
                for mode, given in (("gold", cast), ("none", None)):
                    piece = json.loads(dumps(parse_story(text[s:e], cast=given, model=model)))
                    for what, script in (("piece", piece), ("novel", shift(whole[mode], s, e))):
                        r = sc.score(gold, script)
                        mine[f"{mode} {what}"][0] += r["correct"]
                        mine[f"{mode} {what}"][1] += r["quotes"]
            cells = [f"{ok / max(1, k):.3f}" for ok, k in mine.values()]
            print(f"| {n.name} | {len(pieces)} | {mine['gold piece'][1]} | {' | '.join(cells)} |", flush=True)
            for k, (ok, q) in mine.items():
                totals[k][0] += ok
                totals[k][1] += q
    cells = [f"**{ok / max(1, k):.3f}**" for ok, k in totals.values()]
    print(f"| **pooled** | | {totals['gold piece'][1]} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
