"""A title alone names the story's one character of that title: `the Colonel` is its one
`Colonel Brandon`, `said the captain` its one `Captain Eli Wardlow`."""

from __future__ import annotations

from audiodrama.model import Character
from audiodrama.parse.honorifics import HONORIFICS, OFFICES


def fold_bare_titles(chars: list[Character], prom: list[float]) -> None:
    """`the Colonel` is the story's one `Colonel Brandon`, when it has one (in place)."""
    for i in range(len(chars) - 1, -1, -1):
        words = chars[i].name.split()
        if len(words) != 2 or words[0] != "the" or words[1].lower() not in HONORIFICS:
            continue
        titled = [j for j in _holders(chars, words[1]) if j != i]
        if len(titled) == 1:
            chars[titled[0]].aliases.extend(chars[i].all_names())
            prom[titled[0]] += prom[i]
            del chars[i], prom[i]


def lower_titles(chars: list[Character], subjects: set[str]) -> None:
    """`said the captain` is the story's one `Captain Eli Wardlow`, when it has one: the
    title in lower case is how the narration goes on to name a titled man (in place)."""
    for subject in subjects:
        words = subject.split()
        if len(words) != 2 or words[0] != "the" or words[1] not in OFFICES:
            continue
        titled = _holders(chars, words[1])
        if len(titled) == 1 and subject not in chars[titled[0]].aliases:
            chars[titled[0]].aliases.append(subject)


def _holders(chars: list[Character], title: str) -> list[int]:
    """The characters with a name of two words or more that opens on `title` (`Colonel`,
    `captain`: any case, a period after it or not)."""
    title = title.lower()
    return [
        j
        for j, c in enumerate(chars)
        if any(len(n.split()) > 1 and n.split()[0].lower().rstrip(".") == title for n in c.all_names())
    ]
