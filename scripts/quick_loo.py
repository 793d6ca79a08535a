#!/usr/bin/env python3
"""A quick leave-one-novel-out check of the speaker ranker, for iterating on its features.

    PYTHONPATH=$PWD .venv/bin/python scripts/quick_loo.py /work/shared/pdnc

Like train_attribution.py's LOO, each novel is decoded by weights trained without it, but:
the cross-fitted histories come from one fixed split of all the novels (not re-split per
held-out novel), no calibration is fitted, nothing is parsed or written, and only the turns
the precise rules leave open are scored (with the gold cast), greedily as in training and
by the beam decoder as at parse time. About 4 minutes instead of 15 on a busy machine; the
beam figure moves with the issue's pooled LOO figure, but confirm a change with the full run
(train_attribution.py --loo-dir, then loo_report.py).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import numpy as np

from audiodrama.parse.ranker import FEATURES, decode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_attribution as T


def beam_right(novel: T.Novel, weights: dict[str, float]) -> tuple[int, int]:
    """(right, scored) over the open turns with a gold speaker, decoded by the beam."""
    att = copy.deepcopy(novel.att)  # decoding writes the speakers into the sieve
    decode(att, weights)
    scored = right = 0
    for ti, t in enumerate(novel.att.turns):
        if t.speaker is None and novel.labels[ti] is not None:
            scored += 1
            right += att.turns[ti].states[0].speaker == novel.labels[ti]
    return right, scored


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdnc", type=Path)
    ap.add_argument("--l2", type=float, default=3.0)
    a = ap.parse_args(argv)
    folders = sorted(p for p in a.pdnc.iterdir() if (p / "quotation_info.csv").exists())
    novels = [T.prepare(f) for f in folders]
    gold = {n.name: T.examples(n, None) for n in novels}
    cross: dict[str, list] = {}
    for mine, other in ((novels[0::2], novels[1::2]), (novels[1::2], novels[0::2])):
        w = T.to_weights(T.fit([g for n in other for g in gold[n.name]], a.l2))
        cross.update((n.name, T.examples(n, w)) for n in mine)
    totals = np.zeros(4, dtype=int)  # greedy right, greedy scored, beam right, beam scored
    for held in novels:
        rest = [n.name for n in novels if n is not held]
        crossed = [([g for n in rest for g in cross[n]], T.CROSS_WEIGHT)]
        w = T.to_weights(T.fit([g for n in rest for g in gold[n]], a.l2, crossed))
        test = T.examples(held, w)
        greedy = round(T.accuracy(test, np.array([w[f] for f in FEATURES])) * len(test))
        row = np.array([greedy, len(test), *beam_right(held, w)])
        totals += row
        print(f"  {held.name}: greedy {row[0] / row[1]:.3f} beam {row[2] / max(1, row[3]):.3f} of {row[3]}")
    g_ok, g_n, b_ok, b_n = totals
    print(f"pooled open turns: greedy {g_ok / g_n:.4f} ({g_ok}/{g_n}), beam {b_ok / b_n:.4f} ({b_ok}/{b_n})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
