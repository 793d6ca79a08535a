"""Titles and first names that tell whether two name forms can be one person.

`Mrs. Weston` is not `Mr. Weston`, `Miss Miller` not `Mrs. Miller`, `Sir Walter Elliot` not
`Mr. Elliot`, `Miss Musgrove` not `Charles Musgrove`, and `Mrs. John Dashwood` is John's wife,
not `Mrs. Dashwood`. The first names' sexes come from the first-name list (first_names.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from audiodrama.parse.names import gender_of_honorific

MARRIED = frozenset(["mrs", "madame", "mme", "signora", "senora", "frau"])
UNMARRIED = frozenset(["miss", "mademoiselle", "mlle", "signorina", "senorita", "fraulein"])


def titles_clash(a: str, b: str) -> bool:
    """Whether two honorifics cannot name one person: another sex, a married and an
    unmarried woman's title (`Mrs. Miller` is Daisy Miller's mother, not `Miss Miller`), or
    a rank and a plain title (`Sir Walter Elliot` is never `Mr. Elliot`: that is his heir;
    `Admiral Crawford` is not `Mr. Crawford`)."""
    ga, gb = gender_of_honorific(a), gender_of_honorific(b)
    if ga is None or gb is None:
        return False
    if ga != gb:
        return True
    ka, kb = title_kind(a), title_kind(b)
    if ka != kb and "plain" in (ka, kb) and "rank" in (ka, kb):
        return True
    ka, kb = a.lower().rstrip("."), b.lower().rstrip(".")
    return (ka in MARRIED and kb in UNMARRIED) or (ka in UNMARRIED and kb in MARRIED)


# Titles a person is always called by once they hold them (a knight, an officer, a peer);
# a doctor or a clergyman may still be `Mr.`
_RANKS = frozenset(
    [
        "sir",
        "lord",
        "colonel",
        "col",
        "captain",
        "capt",
        "major",
        "general",
        "gen",
        "admiral",
        "lieutenant",
        "sergeant",
        "count",
        "baron",
        "duke",
        "prince",
        "king",
        "lady",
        "countess",
        "baroness",
        "duchess",
        "princess",
        "queen",
        "dame",
    ]
)
_PLAIN = frozenset(
    [
        "mr",
        "mister",
        "monsieur",
        "herr",
        "senor",
        "señor",
        "signor",
        "mrs",
        "madame",
        "mme",
        "senora",
        "señora",
        "signora",
        "miss",
        "ms",
        "mademoiselle",
        "mlle",
        "signorina",
        "senorita",
        "fraulein",
    ]
)


def title_kind(word: str) -> str:
    w = word.lower().rstrip(".")
    return "rank" if w in _RANKS else "plain" if w in _PLAIN else "other"


def by_title(word: str) -> bool:
    """`Sir`, `Lady`, `Lord`, `Dame` + a first name: how that person is always called."""
    return word.lower().rstrip(".") in ("sir", "lady", "lord", "dame")


def first_name_gender(word: str, firsts: dict[str, tuple[str, int]]) -> str | None:
    """The sex the first-name list gives `word` without doubt (weight 2), else None."""
    g, w = firsts.get(word.lower(), ("", 0))
    return g if w == 2 else None


def first_name_clash(title: str, first: str, firsts: dict[str, tuple[str, int]]) -> bool:
    """A title of one sex and a first name of the other: `Miss Musgrove` / `Charles Musgrove`."""
    tg = gender_of_honorific(title)
    fg = first_name_gender(first, firsts) if gender_of_honorific(first) is None else None
    return tg is not None and fg is not None and tg != fg


def husbands_name(words: list[str], firsts: dict[str, tuple[str, int]]) -> bool:
    """`Mrs. John Dashwood`, `Mrs. Charles Musgrove`: a wife called by her husband's names."""
    return (
        len(words) >= 3
        and words[0].lower().rstrip(".") in MARRIED
        and first_name_gender(words[1], firsts) == "male"
    )


def named_apart(counts: Mapping[str, int], firsts: dict[str, tuple[str, int]]) -> set[tuple[str, str]]:
    """(given name, surname) of the men the text tells apart from a plain `Mr. Surname`.

    A wife is called by her husband's full name (`Mrs. John Knightley`) when plain `Mrs.
    Knightley` would be another man's wife: the head of the family, `Mr. Knightley`, the
    elder brother or the father. Unless a `Mrs. Knightley` of her own is named as often
    (the widowed mother: `Mrs. John Dashwood` beside `Mrs. Dashwood`, and then John may
    well be the only `Mr. Dashwood` left)."""
    out: set[tuple[str, str]] = set()
    for form, n in counts.items():
        words = form.split()
        if husbands_name(words, firsts) and len(words) == 3 and n >= counts.get(f"{words[0]} {words[2]}", 0):
            out.add((words[1], words[2]))
    return out
