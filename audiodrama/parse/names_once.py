"""Names written or called too seldom for discovery's main rule that still name somebody:
in a story that names fewer than two people, or a short one, a first name its narration
writes twice (`Anne pulled a weed`, `Holmes sat`), and a name called twice whose narration
writes it or its surname (`Mr. Keech` ... `Samuel Keech`)."""

from __future__ import annotations

import re
from collections import Counter

from audiodrama.parse.first_names import name_genders
from audiodrama.parse.name_runs import mid_sentence

# a verb in the past that someone does: -ed, or one of the common irregular ones
DEEDS = (
    r"(?:[a-z]{2,}ed|took|saw|went|came|did|felt|thought|knew|found|made|got|sat|stood|ran|heard|"
    r"told|gave|began|left|put|kept|drew|rose|fell|held)\b"
)
_ACTED = re.compile(r"\s+" + DEEDS)  # after a name


def called_twice(
    text: str, voc_counts: Counter[str], run_counts: Counter[str], names: dict[str, float]
) -> None:
    """A short story's names called twice that its narration writes too, or their surname
    (`"I did, Arthur."` ... `Arthur went out.`; `Mr. Keech` ... `Samuel Keech`): the nephew,
    the witness, who speak but are never tagged (added to `names` in place)."""
    written = {r.split()[-1]: k for r, k in run_counts.items()}
    for n, c in voc_counts.items():
        seen = run_counts.get(n, 0) or (written.get(n.split()[-1], 0) if " " in n else 0)
        if c == 2 and n not in names and seen > 0 and mid_sentence(text, n):
            names[n] = 0.5 * c + seen


def names_written_twice(
    text: str, run_counts: Counter[str], names: dict[str, float], ends: dict[str, list[int]]
) -> dict[str, float]:
    """In a story that names fewer than two people, the first names (the first-name list's)
    its narration writes twice or more: the sister whose lines only beats mark (`"I could
    not sleep." Anne pulled a weed.`) is somebody; so is a name the list does not know that
    does something twice (`Holmes took the glove`, `Holmes sat`), where a place would not."""
    plain = [
        n
        for n, c in run_counts.items()
        if c >= 2
        and n not in names
        and n[:1].isupper()
        and len(n.split()) <= 2
        and n.replace(" ", "").isalpha()
    ]
    listed = name_genders(n.split()[0] for n in plain)
    return {
        n: float(run_counts[n])
        for n in plain
        if n.split()[0].lower() in listed
        or (" " not in n and sum(_ACTED.match(text, e) is not None for e in ends.get(n, [])) >= 2)
    }
