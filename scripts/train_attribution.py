#!/usr/bin/env python3
"""Train the speaker ranker (audiodrama/parse/ranker.py) on the PDNC novels.

    .venv/bin/python scripts/train_attribution.py ../shared/pdnc        # LOO report + model
    .venv/bin/python scripts/train_attribution.py ../shared/pdnc --loo-dir /tmp/loo
    .venv/bin/python scripts/train_attribution.py ../shared/pdnc --no-loo     # model only
    .venv/bin/python scripts/train_attribution.py ../shared/pdnc --hold-out author --loo-dir /tmp/loao

For every quote paragraph the precise rules leave open, the candidates and their features
are built exactly as at parse time (with the gold cast); the gold speaker is the label.
A conditional-logit model (softmax over the candidates) is fitted with L-BFGS; the L2
penalty (--l2, default 3) pulls each weight towards its hand-set value in
ranker.DEFAULT_WEIGHTS (a Gaussian prior), so those hand-set weights are the documented
priors and a feature PDNC rarely fires keeps its designed strength. The history features
(who spoke the turns before) are trained on two kinds of history: the gold speakers, and
the speakers a ranker chose on novels it was not trained on (cross-fitting: the training
novels in two halves, each decoded by the model trained on the other), so the model learns
how far its own earlier choices can be trusted (on gold histories only it trusted them as
much as the truth, and one wrong turn derailed a conversation). With --rounds 2 a second
round adds the first model's own decisions on its training novels. The run is
deterministic: the shipped model is exactly what this script writes.

The model file also holds the confidence calibration (audiodrama/parse/calibration.py): a
logistic map from a line's features to the probability that its speaker is right, fitted
on out-of-fold predictions: every novel parsed (with the gold cast and without a cast) by
the ranker trained without it, each line scored right or wrong by the shared scorer
(--scorer). The LOO model of novel k holds a calibration fitted on the other novels' rows
only, so its confidences are as honest as its speakers; the shipped one is fitted on all
(--no-loo: no calibration is written). It prints
leave-one-novel-out accuracy (each novel scored by a model trained without it); with
--loo-dir it writes there, per novel, the LOO model (<novel>.json) and the novel's cast script
parsed with that model, with the gold cast (<novel>.script.json) and without a cast
(<novel>.nocast.script.json): score one with `../shared/bench/score_attribution.py score
GOLD SCRIPT`, or all of them by `scripts/loo_report.py PDNC LOO_DIR`; and it writes the model trained on
all novels to audiodrama/data/attribution_model.json. The shipped model was trained on the
novels its `trained_on` lists (a folder holding only those reproduces it byte for byte).

--hold-out author scores each novel by a model trained without any novel by its author
(scripts/pdnc.py's AUTHORS: six are Jane Austen's, two Charles Dickens's): the figure for an
author the training never read. That run is a report: it writes the LOO folder, not the
shipped model.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from audiodrama.model import Script
from audiodrama.parse import parse_story
from audiodrama.parse.attribution import Attributor
from audiodrama.parse.calibration import FEATURES as CAL_FEATURES
from audiodrama.parse.calibration import calibrate, line_features, scored_lines
from audiodrama.parse.dialogue import setup
from audiodrama.parse.ranker import DEFAULT_WEIGHTS, FEATURES, model_from_json, score
from audiodrama.parse.ranker_context import Context
from audiodrama.parse.ranker_features import candidates
from audiodrama.parse.structure import detect_structure
from audiodrama.script import dumps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loo_report import scorer, span_outcomes
from pdnc import author, load_novel

OUT = Path(__file__).resolve().parent.parent / "audiodrama" / "data" / "attribution_model.json"


@dataclass(frozen=True)
class Novel:
    """One training novel, read and run through the precise rules once (with the gold cast):
    the sieve, and the gold speaker of each turn (None: no gold quote there)."""

    name: str
    att: Attributor
    labels: list[int | None]


def prepare(folder: Path) -> Novel:
    """The novel in `folder`, ready for `examples` (the sieve is only read from then on)."""
    text, cast, gold = load_novel(folder)
    blocks = detect_structure(text)
    paras = [(b.start, b.end) for b in blocks if b.role == "body"]
    _, _characters, att = setup(text, paras, cast)
    att.run_precise()
    starts = [g[0] for g in gold]
    labels: list[int | None] = []
    for t in att.turns:
        s, e = t.states[0].quote.inner
        i = bisect.bisect_right(starts, e) - 1
        lab = None
        while i >= 0 and gold[i][1] > s:
            if gold[i][0] < e:
                lab = gold[i][2]
                break
            i -= 1
        labels.append(lab)
    return Novel(folder.name, att, labels)


def examples(novel: Novel, weights: dict[str, float] | None):
    """Candidate feature groups and labels for the open turns of one novel: the history is
    the gold speakers (weights None), or the speakers `weights` chose, greedily, left to
    right (the ranker's own mistakes, as at parse time)."""
    att, labels = novel.att, novel.labels
    ctx = Context(att)
    speakers = [t.speaker for t in att.turns]
    groups = []
    for ti, t in enumerate(att.turns):
        if t.speaker is not None:
            continue
        cands = candidates(ctx, ti, speakers)
        # as at parse time: whoever the quote addresses does not speak it
        kept = {c: v for c, v in cands.items() if not v.get("voc_here")}
        cands = kept or cands
        lab = labels[ti]
        keys = list(cands)
        if cands and weights is not None:
            pred = max(keys, key=lambda c: score(cands[c], weights))
        else:
            pred = lab if lab is not None else None
        speakers[ti] = pred
        if lab is None or not cands:
            continue
        X = np.array([[cands[c].get(f, 0.0) for f in FEATURES] for c in keys])
        y = keys.index(lab) if lab in keys else -1
        groups.append((X, y))
    return groups


def prior() -> np.ndarray:
    """The hand-set weights (ranker.DEFAULT_WEIGHTS) as the mean of the Gaussian prior:
    the L2 penalty pulls a weight towards its hand-set value, not towards 0, so a feature
    the corpus says little about (a rare vocative pattern, a beat) keeps its designed
    strength, and one the corpus speaks clearly about is learned."""
    return np.array([DEFAULT_WEIGHTS.get(f, 0.0) for f in FEATURES])


def fit(groups, l2: float = 1.0, weighted=()) -> np.ndarray:
    """Conditional logit by L-BFGS (MAP with the prior above); groups whose label is not a
    candidate are skipped; the groups of `weighted` ((groups, weight) pairs) count `weight`
    each. All groups are stacked in one matrix (a softmax per group by segment sums), so a
    fit over 16 novels takes seconds."""
    parts = [(groups, 1.0), *weighted]
    data = [(X, y, wt) for gs, wt in parts for X, y in gs if y >= 0 and len(X) > 1]
    w0 = prior()
    if not data:
        return w0
    sizes = [len(X) for X, _, _ in data]
    Xa = np.vstack([X for X, _, _ in data])
    off = np.cumsum([0, *sizes[:-1]])
    gid = np.repeat(np.arange(len(data)), sizes)
    yi = off + np.array([y for _, y, _ in data])
    gw = np.array([wt for _, _, wt in data])
    x_right = gw @ Xa[yi]

    def f(w):
        s = Xa @ w
        m = np.maximum.reduceat(s, off)
        e = np.exp(s - m[gid])
        z = np.add.reduceat(e, off)
        loss = 0.5 * l2 * (w - w0) @ (w - w0) - float(gw @ (s[yi] - m - np.log(z)))
        grad = l2 * (w - w0) - x_right + ((gw / z)[gid] * e) @ Xa
        return loss, grad

    res = minimize(f, w0.copy(), jac=True, method="L-BFGS-B")
    return res.x


def accuracy(groups, w) -> float:
    ok = sum(1 for X, y in groups if y >= 0 and int(np.argmax(X @ w)) == y)
    return ok / max(1, len(groups))


def to_weights(w: np.ndarray) -> dict[str, float]:
    """Fitted weights by name; a feature that never fired in training stays at its prior,
    the hand-set default (e.g. `gender_only`: PDNC always has someone of the told gender
    around)."""
    return {f: round(float(v), 4) for f, v in zip(FEATURES, w)}


def outcome_rows(sc, folder: Path, weights: dict[str, float]) -> tuple[list, list[Script]]:
    """Calibration examples of one novel parsed by `weights` (uncalibrated), with the gold
    cast and without: each attributed line's calibration features and whether its speaker is
    right (by the shared scorer's character mapping); and the two scripts."""
    text, cast, _ = load_novel(folder)
    rows, scripts = [], []
    for given in (cast, None):
        script = parse_story(text, cast=given, model=weights)
        scripts.append(script)
        right = span_outcomes(sc, folder, json.loads(dumps(script)))
        lines = list(script.lines())
        for line, feats in zip(scored_lines(lines), line_features(lines)):
            ok = right.get(line.span)
            if ok is not None:
                rows.append((np.array([feats.get(f, 0.0) for f in CAL_FEATURES]), ok, given is not None))
    return rows, scripts


def fit_calibration(rows: list[tuple[np.ndarray, bool, bool]]) -> dict[str, object]:
    """The calibration of the model file: for lines parsed with a cast and for lines parsed
    without, a logistic map and the knots of a monotone correction of its probabilities.
    The logistic map is fitted on the lines of both (the same features tell the same about
    a line's speaker; twice the lines kept every decile of the leave-one-novel-out
    reliability tables nearer the truth: largest gap 0.030 and 0.039 against 0.047 and 0.044
    fitted apart, the same review curve); the knots, by mode, carry what differs."""
    out: dict[str, object] = {}
    weights = fit_logistic(rows)
    w = np.array([weights[f] for f in CAL_FEATURES])
    for mode, given in (("cast", True), ("nocast", False)):
        mine = [r for r in rows if r[2] == given]
        p = 0.5 * (1.0 + np.tanh(0.5 * (np.array([r[0] for r in mine]) @ w)))
        out[mode] = weights
        out[f"{mode}_knots"] = knots(p, np.array([float(r[1]) for r in mine]))
    return out


def knots(p: np.ndarray, y: np.ndarray, bins: int = 20) -> list[list[float]]:
    """Isotonic correction, coarsely: the lines in `bins` equal-count bins of stated
    probability, each bin's mean stated and observed accuracy, the observed made monotone
    by pooling adjacent violators (weighted by bin size)."""
    order = np.argsort(p, kind="stable")
    blocks = []  # [mean stated, mean observed, lines]
    for part in np.array_split(order, bins):
        if len(part):
            blocks.append([float(p[part].mean()), float(y[part].mean()), len(part)])
    pooled: list[list[float]] = []
    for b in blocks:
        pooled.append(b)
        while len(pooled) > 1 and pooled[-2][1] >= pooled[-1][1]:
            (x1, y1, n1), (x2, y2, n2) = pooled[-2], pooled.pop()
            n = n1 + n2
            pooled[-1] = [(x1 * n1 + x2 * n2) / n, (y1 * n1 + y2 * n2) / n, n]
    return [[round(x, 4), round(yv, 4)] for x, yv, _ in pooled]


# the calibration's L2 penalty: some 80 features, some of them rare (a rule times a slope);
# leave-one-novel-out, 30 caught more wrong lines in the least sure 15% than 1 (0.504 vs
# 0.491 with the cast, 0.459 vs 0.445 without) and kept every decile within 0.05
CAL_L2 = 30.0


def fit_logistic(rows: list[tuple[np.ndarray, bool, bool]], l2: float = CAL_L2) -> dict[str, float]:
    """Logistic regression of `speaker right` on the calibration features (MAP, Gaussian
    prior at 0): its probabilities are the lines' confidences. Newton's method: the loss is
    convex, so a dozen exact steps reach the optimum L-BFGS only approached."""
    X = np.array([r[0] for r in rows])
    y = np.array([float(r[1]) for r in rows])
    w = np.zeros(X.shape[1])
    for _ in range(100):
        p = 0.5 * (1.0 + np.tanh(0.5 * (X @ w)))
        grad = X.T @ (p - y) + l2 * w
        hess = (X * (p * (1.0 - p))[:, None]).T @ X + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return {k: round(float(v), 4) for k, v in zip(CAL_FEATURES, w)}


def model_json(weights: dict[str, float], calibration: dict[str, object] | None, **extra) -> str:
    body = {"weights": weights, "features": list(FEATURES)}
    if calibration is not None:
        body["calibration"] = calibration
    return json.dumps({**body, **extra}, indent=1) + "\n"


# each cross-fitted example counts half a gold one: the histories a ranker makes are
# noisier than its own will be, and wholly trusting them would unlearn turn-taking that
# is right
CROSS_WEIGHT = 0.5


def cross_fitted(novels: list[Novel], gold_hist: dict, l2: float) -> list:
    """Examples of `novels` with the histories a ranker makes on text it never saw: the
    novels split in two halves, each half decoded by the model trained (on gold histories)
    on the other. Trained on gold histories only, the ranker trusts the turn-taking of its
    own earlier choices as much as a true history, and one wrong turn derails the rest of a
    conversation; with these examples too it learns how far its own history can be trusted."""
    halves = (novels[0::2], novels[1::2])
    out = []
    for mine, other in ((halves[0], halves[1]), (halves[1], halves[0])):
        if not mine or not other:
            continue
        w = to_weights(fit([g for n in other for g in gold_hist[n.name]], l2))
        for n in mine:
            out.extend(examples(n, w))
    return out


def train(novels: list[Novel], gold_hist: dict, a: argparse.Namespace) -> dict[str, float]:
    """The ranker's weights trained on `novels`: gold histories and cross-fitted ones
    (`cross_fitted`); with two rounds, also the first model's own decisions."""
    train_g = [g for n in novels for g in gold_hist[n.name]]
    crossed = [(cross_fitted(novels, gold_hist, a.l2), CROSS_WEIGHT)]
    w = fit(train_g, a.l2, crossed)
    if a.rounds == 2:
        train2 = [g for n in novels for g in examples(n, to_weights(w))]
        w = fit(train_g + train2, a.l2, crossed)
    return to_weights(w)


def trained_apart(novels: list[Path], hold_out: str) -> dict[str, set[str]]:
    """Per novel, the novels its model is trained on: all others, or (hold_out "author")
    those by other authors."""
    group = author if hold_out == "author" else (lambda n: n.name)
    return {h.name: {n.name for n in novels if group(n) != group(h)} for h in novels}


def leave_one_out(
    novels: list[Path], prepared: dict[str, Novel], gold_hist: dict, a: argparse.Namespace
) -> dict[str, list]:
    """Per novel, the LOO weights' accuracy on its open turns (printed) and its
    out-of-fold calibration rows; with --loo-dir, the calibrated LOO model and the novel
    parsed by it, with the gold cast and without (the calibration of novel k is fitted on
    the other novels' out-of-fold rows only)."""
    sc = scorer(a.scorer)
    print(f"leave-one-{a.hold_out}-out (open turns only; 'reachable' = gold among candidates)")
    weights: dict[str, dict[str, float]] = {}
    rows: dict[str, list] = {}
    scripts: dict[str, list[Script]] = {}
    apart = trained_apart(novels, a.hold_out)
    for held in novels:
        others = [prepared[n.name] for n in novels if n.name in apart[held.name]]
        w = weights[held.name] = train(others, gold_hist, a)
        test = examples(prepared[held.name], w)
        wv = np.array([w[f] for f in FEATURES])
        reach = sum(1 for _, y in test if y >= 0) / max(1, len(test))
        print(f"  {held.name}: {accuracy(test, wv):.3f} of {len(test)} open turns (reachable {reach:.3f})")
        rows[held.name], scripts[held.name] = outcome_rows(sc, held, w)
    if a.loo_dir:
        a.loo_dir.mkdir(parents=True, exist_ok=True)
        for held in novels:
            cal = fit_calibration([r for n, rs in rows.items() if n in apart[held.name] for r in rs])
            held_out = sorted(set(rows) - apart[held.name])
            text_json = model_json(weights[held.name], cal, trained_without=", ".join(held_out))
            (a.loo_dir / f"{held.name}.json").write_text(text_json)
            model = model_from_json(text_json)
            # calibrating is parse_story's last step (nothing after it reads a confidence), so
            # the uncalibrated parses calibrated here are what parse_story(model=model) gives
            for script, given, suffix in zip(scripts[held.name], (True, False), ("script", "nocast.script")):
                calibrate(list(script.lines()), given, model.calibration)
                (a.loo_dir / f"{held.name}.{suffix}.json").write_text(dumps(script), encoding="utf-8")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdnc", type=Path)
    ap.add_argument("--loo-dir", type=Path)
    ap.add_argument("--l2", type=float, default=3.0)
    ap.add_argument(
        "--no-loo",
        action="store_true",
        help="skip the leave-one-out run (the model is then written without a calibration)",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=2,
        choices=(1, 2),
        help="1: history = gold speakers only; 2: also the model's own decisions",
    )
    ap.add_argument(
        "--hold-out",
        choices=("novel", "author"),
        default="novel",
        help="author: each novel is scored by a model trained without any novel by its author"
        " (a report only: the shipped model is not written)",
    )
    ap.add_argument("--scorer", type=Path, default=Path("/work/shared/bench/score_attribution.py"))
    a = ap.parse_args(argv)
    novels = sorted(p for p in a.pdnc.iterdir() if (p / "quotation_info.csv").exists())
    prepared = {n.name: prepare(n) for n in novels}
    gold_hist = {name: examples(n, None) for name, n in prepared.items()}
    rows = {} if a.no_loo else leave_one_out(novels, prepared, gold_hist, a)
    if a.hold_out == "author":
        return 0  # the shipped model's calibration is fitted on leave-one-novel-out rows
    w = train(list(prepared.values()), gold_hist, a)
    cal = fit_calibration([r for rs in rows.values() for r in rs]) if rows else None
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        model_json(
            w,
            cal,
            trained_on=[n.name for n in novels],
            rounds=a.rounds,
            script="scripts/train_attribution.py",
        )
    )
    print(f"wrote {OUT}")
    for f_, v in sorted(w.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {f_:22} {v:+.3f}")
    for mode in ("cast", "nocast") if cal else ():
        for f_, v in sorted(cal[mode].items(), key=lambda kv: -abs(kv[1])):
            print(f"  calibration ({mode}) {f_:22} {v:+.3f}")
        print(f"  calibration ({mode}) knots {cal[mode + '_knots']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
