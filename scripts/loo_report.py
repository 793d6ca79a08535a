#!/usr/bin/env python3
"""Leave-one-novel-out attribution report, with and without the gold cast.

    .venv/bin/python scripts/train_attribution.py /work/shared/pdnc --loo-dir /tmp/loo
    .venv/bin/python scripts/loo_report.py /work/shared/pdnc /tmp/loo

For every novel the LOO model `<novel>.json` (written by train_attribution.py, trained
and calibrated without that novel) has parsed the novel twice: with the gold cast
(`<novel>.script.json`) and without a cast (`<novel>.nocast.script.json`), both written by
the training script (a missing one is parsed here). With --reparse both are parsed again
with the LOO models (for a change that leaves the ranker's training alone). It prints the
reliability tables (stated confidence against observed accuracy per tenth of the confidence
scale, and per decile of the lines: ten groups of equal count), how far their largest gaps can
be trusted (the novels resampled with replacement), and the review
curve (the share of the wrong lines among the least sure ones; `audiodrama review` lists the
15% least sure by default). Both are scored by the shared scorer's own `score` (bench/README.md), so
the figures are the ones `score_attribution.py score GOLD SCRIPT` prints, pooled here.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.util
import json
import random
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

from audiodrama.parse import parse_story
from audiodrama.parse.ranker import load_model
from audiodrama.script import dumps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pdnc import load_novel

TYPES = ("explicit", "anaphoric", "implicit")


def scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_attribution", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def span_outcomes(sc: ModuleType, gold_dir: Path, script: dict) -> dict[tuple[int, int], bool]:
    """Speaker right or not, by line span, for every dialogue line on a gold quotation."""
    gold = sc.Gold.load(gold_dir)
    mapping = sc.map_characters(script, gold)
    quotes = sorted((q["spans"][0][0], q["spans"][-1][1], q["speaker"]) for q in gold.quotes)
    starts = [q[0] for q in quotes]
    out = {}
    for line in sc.predicted_lines(script):
        if line.get("rule") == "epigraph":
            continue
        s, e = line["span"]
        i = bisect.bisect_right(starts, e - 1) - 1
        while i >= 0 and quotes[i][1] <= s and s - quotes[i][1] < 5000:
            i -= 1  # a long quote that starts earlier may still cover the line
        if i < 0 or not (quotes[i][0] < e and quotes[i][1] > s) or quotes[i][2] is None:
            continue  # no gold quotation: a spurious line, counted by the span precision
        out[(s, e)] = mapping.get(line.get("speaker") or "") == quotes[i][2]
    return out


def line_outcomes(sc: ModuleType, gold_dir: Path, script: dict) -> list[tuple[float, bool]]:
    """(stated confidence, speaker right) for every dialogue line on a gold quotation."""
    right = span_outcomes(sc, gold_dir, script)
    out = []
    for line in sc.predicted_lines(script):
        ok = right.get(tuple(line["span"]))
        if ok is not None and line.get("rule") != "epigraph":
            conf = float(line.get("confidence") or 0.0) if line.get("speaker") else 0.0
            out.append((conf, ok))
    return out


def tenths(rows: list[tuple[float, bool]]) -> list[tuple[str, int, float, float]]:
    """(label, lines, mean stated, observed) per tenth of the confidence scale (0.3-0.4...)."""
    groups = (
        (
            f"{d / 10:.1f}-{(d + 1) / 10:.1f}",
            [r for r in rows if d / 10 <= r[0] < (d + 1) / 10 or (d == 9 and r[0] >= 1.0)],
        )
        for d in range(10)
    )
    return [_summary(label, b) for label, b in groups if b]


def deciles(rows: list[tuple[float, bool]]) -> list[tuple[str, int, float, float]]:
    """(label, lines, mean stated, observed) per decile in the statistical sense: the lines
    sorted by stated confidence (ties in story order) cut into ten groups of equal count."""
    rows = sorted(rows, key=lambda r: r[0])
    groups = ((f"{d + 1}", rows[len(rows) * d // 10 : len(rows) * (d + 1) // 10]) for d in range(10))
    return [_summary(label, b) for label, b in groups if b]


def _summary(label: str, group: list[tuple[float, bool]]) -> tuple[str, int, float, float]:
    """(label, lines, mean stated, observed) of a non-empty group of lines."""
    return label, len(group), sum(r[0] for r in group) / len(group), sum(r[1] for r in group) / len(group)


def largest_gap(table: list[tuple[str, int, float, float]]) -> float:
    """The largest |observed - stated| over the groups of 100 lines or more."""
    return max((abs(ob - st) for _, n, st, ob in table if n >= 100), default=0.0)


# novels drawn with replacement per bootstrap sample (fixed seed: the report is reproducible)
BOOTSTRAP = 400


def bootstrap(per_novel: dict[str, list[tuple[float, bool]]]) -> dict[str, tuple[float, float]]:
    """How far the largest gaps can be trusted: the novels resampled with replacement
    (a new story is a new novel, and errors cluster by novel), per measure the median
    largest gap and the share of samples where it is 0.05 or less."""
    rng = random.Random(0)
    names = sorted(per_novel)
    gaps: dict[str, list[float]] = {"tenths": [], "deciles": []}
    for _ in range(BOOTSTRAP):
        rows = [r for n in rng.choices(names, k=len(names)) for r in per_novel[n]]
        gaps["tenths"].append(largest_gap(tenths(rows)))
        gaps["deciles"].append(largest_gap(deciles(rows)))
    return {k: (statistics.median(v), sum(g <= 0.05 for g in v) / len(v)) for k, v in gaps.items()}


def print_table(table: list[tuple[str, int, float, float]], head: str) -> None:
    print(f"| {head} | lines | mean stated | observed | gap |\n|---|---|---|---|---|")
    for label, n, st, ob in table:
        print(f"| {label} | {n} | {st:.3f} | {ob:.3f} | {ob - st:+.3f} |")


def reliability(per_novel: dict[str, list[tuple[float, bool]]], title: str) -> None:
    """Observed accuracy per tenth of the confidence scale and per decile of the lines, how
    far their largest gaps can be trusted, and the review curve (the share of the wrong
    lines among the least sure ones)."""
    # stable: ties keep story order, as review does
    rows = sorted((r for n in sorted(per_novel) for r in per_novel[n]), key=lambda r: r[0])
    wrong = sum(1 for r in rows if not r[1])
    print(f"\n{title}: {len(rows)} lines on gold quotations, {wrong} wrong")
    print_table(tenths(rows), "stated confidence")
    print(f"largest gap in a tenth of the scale with 100 lines or more: {largest_gap(tenths(rows)):.3f}")
    for share in (0.05, 0.10, 0.15, 0.20, 0.30):
        k = int(len(rows) * share)
        caught = sum(1 for r in rows[:k] if not r[1])
        print(
            f"reviewing the {share:.0%} least sure lines catches {caught / max(1, wrong):.3f} of the wrong ones"
        )
    print("\nper decile of the lines (ten groups of equal count, least sure first):")
    print_table(deciles(rows), "decile")
    print(f"largest gap in an equal-count decile: {largest_gap(deciles(rows)):.3f}")
    boot = bootstrap(per_novel)
    for k, what in (("tenths", "tenths of the scale"), ("deciles", "equal-count deciles")):
        med, ok = boot[k]
        print(
            f"novels resampled {BOOTSTRAP} times, {what}: median largest gap {med:.3f}, "
            f"0.05 or less in {ok:.0%} of samples"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("pdnc", type=Path)
    ap.add_argument("loo_dir", type=Path)
    ap.add_argument("--scorer", type=Path, default=Path("/work/shared/bench/score_attribution.py"))
    ap.add_argument(
        "--reparse",
        action="store_true",
        help="parse again with the LOO models (the code changed, not the model)",
    )
    a = ap.parse_args(argv)
    sc = scorer(a.scorer)
    novels = sorted(p for p in a.pdnc.iterdir() if (p / "quotation_info.csv").exists())
    print("| novel | cast | overall | explicit | anaphoric | implicit | quote recall | span precision |")
    print("|---|---|---|---|---|---|---|---|")
    outcomes: dict[str, dict[str, list[tuple[float, bool]]]] = {"gold": {}, "none": {}}
    for mode in ("gold", "none"):
        tot = ok = 0
        pooled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for n in novels:
            suffix = "script" if mode == "gold" else "nocast.script"
            path = a.loo_dir / f"{n.name}.{suffix}.json"
            if a.reparse or not path.exists():
                model = load_model(a.loo_dir / f"{n.name}.json")
                text, cast, _ = load_novel(n)
                parsed = parse_story(text, cast=cast if mode == "gold" else None, model=model)
                path.write_text(dumps(parsed), encoding="utf-8")
            script = json.loads(path.read_text(encoding="utf-8"))
            r = sc.score(sc.Gold.load(n), script)
            outcomes[mode][n.name] = line_outcomes(sc, n, script)
            tot += r["quotes"]
            ok += r["correct"]
            cells = []
            for t in TYPES:
                acc, k = r["by_type"].get(t, (0.0, 0))
                pooled[t][0] += round(acc * k)
                pooled[t][1] += k
                cells.append(f"{acc:.3f}" if k else "-")
            print(
                f"| {n.name} | {mode} | {r['accuracy']:.3f} | {' | '.join(cells)} | "
                f"{r['recall']:.3f} | {r['span_precision']:.3f} |",
                flush=True,
            )
        cells = [f"{c / k:.3f}" if k else "-" for c, k in (pooled[t] for t in TYPES)]
        print(f"| **pooled** | {mode} | **{ok / tot:.3f}** | {' | '.join(cells)} | | |", flush=True)
    reliability(outcomes["gold"], "reliability, gold cast")
    reliability(outcomes["none"], "reliability, no cast")
    return 0


if __name__ == "__main__":
    sys.exit(main())
