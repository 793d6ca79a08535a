"""The lines most likely wrong, for a person to check (the CLI and notebooks list them)."""

from __future__ import annotations

import math

from audiodrama.model import Line, Script

REVIEW_SHARE = 0.15
"""By default review lists this share of the dialogue lines, the least sure: confidence is
the calibrated probability that the speaker is right (parse.calibration), so these are the
lines most likely wrong (on PDNC, leave-one-novel-out, they hold about half of the wrong
ones: README, Speaker attribution)."""


def review(script: Script, threshold: float | None = None, share: float = REVIEW_SHARE) -> list[Line]:
    """Dialogue lines to check, least sure first: those below `threshold` confidence, or
    (no threshold) the `share` least sure of all dialogue lines.

    Lines without a speaker count as confidence 0. Ties keep story order.
    """
    out = []
    for order, line in enumerate(script.lines()):
        if line.kind != "dialogue":
            continue
        if line.rule == "epigraph":
            continue  # deliberately nobody's line
        out.append((line.confidence if line.speaker else 0.0, order, line))
    out.sort(key=lambda t: (t[0], t[1]))
    if threshold is not None:
        return [line for conf, _, line in out if conf < threshold]
    return [line for _, _, line in out[: math.ceil(share * len(out))]]
