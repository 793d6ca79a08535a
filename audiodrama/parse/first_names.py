"""First-name gender prior from the name list of the `gender-guesser` package.

A name the text never genders ("Siobhan", met only in tags and vocatives) would otherwise
be `unknown`, so the wrong voice and no pronoun evidence for the ranker. The list is a
prior only: pronouns next to the name's mentions outvote it (`characters._gender`).
Without the package installed every name is simply unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
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

    class Subset(detector):
        def _parse(self, filename: str) -> None:
            self.names: dict[str, dict[str, str]] = {}
            lines = _list_lines(filename)
            for name in sorted(wanted):
                for line in lines.get(name, ()):
                    self._eat_name_line(line)

    return Subset(case_sensitive=False)


# The package's name list never changes: it is read and indexed once per process (4 MB;
# reading and scanning it per story cost more than the rest of character discovery). The
# index is read-only (a mapping proxy of tuples).
@lru_cache(maxsize=1)
def _list_lines(filename: str) -> Mapping[str, tuple[str, ...]]:
    """The list's name lines (`M  Ann   ...`, stripped) by their name in lower case, in file
    order; comment lines left out."""
    with open(filename, encoding="utf-8") as f:
        data = f.read()
    index: dict[str, list[str]] = {}
    for line in data.split("\n"):
        if line[:1] in ("", "#", "=") or line[:1].isspace():
            continue
        parts = line.split(None, 2)
        if len(parts) >= 2:
            index.setdefault(parts[1].lower(), []).append(line.strip())
    return MappingProxyType({k: tuple(v) for k, v in index.items()})


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
