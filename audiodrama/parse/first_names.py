"""First-name gender prior from the name list of the `gender-guesser` package.

A name the text never genders ("Siobhan", met only in tags and vocatives) would otherwise
be `unknown`, so the wrong voice and no pronoun evidence for the ranker. The list is a
prior only: pronouns next to the name's mentions outvote it (`characters._gender`).
Without the package installed every name is simply unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from audiodrama.model import Character
from audiodrama.parse.names import HONORIFICS

_DETERMINERS = frozenset(["the", "a", "an", "my", "his", "her", "their", "our", "your"])
# gender-guesser's verdicts, as votes for a gender: a name given to both sexes ("andy") or
# not listed gives none
_VOTES = {
    "male": ("male", 2),
    "mostly_male": ("male", 1),
    "female": ("female", 2),
    "mostly_female": ("female", 1),
}


def name_genders(names: Iterable[str]) -> dict[str, tuple[str, int]]:
    """(gender, weight) per listed first name (lower case); weight 2 for a name the list
    gives to one sex only, 1 for "mostly" one sex."""
    wanted = {n.lower() for n in names if n.isalpha()}
    if not wanted:
        return {}
    try:
        # optional dependency, imported only when a name needs it
        from gender_guesser.detector import Detector
    except ImportError:
        return {}
    det = _subset_detector(Detector, wanted)
    out: dict[str, tuple[str, int]] = {}
    for n in wanted:
        vote = _VOTES.get(det.get_gender(n))
        if vote:
            out[n] = vote
    return out


def _subset_detector(detector: type, wanted: set[str]) -> Any:
    """A gender-guesser Detector that reads only the list lines of the wanted names (the full
    list takes a second to load; a story needs a handful of names). Its verdicts are the
    package's own: the lines are fed to its own line reader."""
    pat = re.compile(r"^\S+\s+(?:" + "|".join(map(re.escape, sorted(wanted))) + r")\s", re.I | re.M)

    class Subset(detector):
        def _parse(self, filename: str) -> None:
            self.names: dict[str, dict[str, str]] = {}
            with open(filename, encoding="utf-8") as f:
                data = f.read()
            for m in pat.finditer(data):
                end = data.find("\n", m.start())
                self._eat_name_line(data[m.start() : end if end >= 0 else len(data)].strip())

    return Subset(case_sensitive=False)


def gender_priors(characters: list[list[str]]) -> list[str]:
    """For each character (its name and aliases), the gender its first names point to, or
    "unknown" (no listed first name, or names of both sexes). A description has no first
    name (`the Grandmother`), nor has a form opening with a title (`Mr. Hale`, `the
    General`): those are left to the pronouns."""
    firsts = [[f.split()[0] for f in forms if _first_name(f)] for forms in characters]
    known = name_genders({n for fs in firsts for n in fs})
    out = []
    for fs in firsts:
        votes: dict[str, int] = {}
        for n in set(fs):
            g, w = known.get(n.lower(), ("", 0))
            if w:
                votes[g] = votes.get(g, 0) + w
        out.append(next(iter(votes)) if len(votes) == 1 else "unknown")
    return out


def _first_name(form: str) -> bool:
    """Whether `form` opens with what can be a first name: capitalised, no title."""
    words = form.split()
    return (
        bool(words)
        and words[0][:1].isupper()
        and words[0].lower().rstrip(".") not in HONORIFICS | _DETERMINERS
    )


def fill_genders(characters: list[Character]) -> None:
    """Give each character of unknown gender the one its first names point to ("Siobhan");
    the pronoun evidence has had its say already (characters._gender)."""
    unknown = [c for c in characters if c.gender not in ("male", "female")]
    for c, g in zip(unknown, gender_priors([c.all_names() for c in unknown])):
        c.gender = g
