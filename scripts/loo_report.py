#!/usr/bin/env python3
"""Leave-one-novel-out attribution report, with and without the gold cast.

    .venv/bin/python scripts/train_attribution.py /work/shared/pdnc --loo-dir /tmp/loo
    .venv/bin/python scripts/loo_report.py /work/shared/pdnc /tmp/loo

For every novel the LOO model `<novel>.json` (written by train_attribution.py, trained
without that novel) parses the novel twice: with the gold cast (`<novel>.script.json`,
already written by the training script) and without a cast (`<novel>.nocast.script.json`,
written here). With --reparse both are parsed again with the LOO models (for a change that
leaves the ranker's training alone). Both are scored by the shared scorer's own `score` (bench/README.md), so
the figures are the ones `score_attribution.py score GOLD SCRIPT` prints, pooled here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

from audiodrama.parse import parse_story
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
    for mode in ("gold", "none"):
        tot = ok = 0
        pooled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for n in novels:
            suffix = "script" if mode == "gold" else "nocast.script"
            path = a.loo_dir / f"{n.name}.{suffix}.json"
            if a.reparse or not path.exists():
                weights = json.loads((a.loo_dir / f"{n.name}.json").read_text())["weights"]
                text, cast, _ = load_novel(n)
                script = parse_story(text, cast=cast if mode == "gold" else None, model=weights)
                path.write_text(dumps(script), encoding="utf-8")
            r = sc.score(sc.Gold.load(n), json.loads(path.read_text(encoding="utf-8")))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
