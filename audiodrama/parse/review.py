"""Low-confidence lines for a person to check (the CLI and notebooks list them)."""

from __future__ import annotations

from audiodrama.model import Line, Script


def review(script: Script, threshold: float = 0.6) -> list[Line]:
    """Dialogue lines whose attribution confidence is below `threshold`, least sure first.

    Lines without a speaker count as confidence 0. Ties keep story order.
    """
    out = []
    for order, line in enumerate(script.lines()):
        if line.kind != "dialogue":
            continue
        if line.rule == "epigraph":
            continue  # deliberately nobody's line
        conf = line.confidence if line.speaker else 0.0
        if conf < threshold:
            out.append((conf, order, line))
    out.sort(key=lambda t: (t[0], t[1]))
    return [line for _, _, line in out]
