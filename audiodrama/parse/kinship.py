"""Kinship by names: who can be `his wife` or `her mother`, told by the cast's surnames and titles."""

from __future__ import annotations

from audiodrama.model import Character
from audiodrama.parse.names import HONORIFICS, name_key

# Kinship: `said his wife`, `cried her mother`. A family is told by a shared surname;
# a married woman by `Mrs.`/`Lady`, a father by `Mr.`/`Sir`/`Lord` + that surname.
_MARRIED_F = frozenset(("mrs", "lady", "dame"))
_TITLED_M = frozenset(("mr", "sir", "lord"))
# relations of the family a woman was born in, not the one she married into
_BIRTH_KIN = frozenset(("father", "papa", "brother", "sister"))
KIN_NOUNS = frozenset(
    [
        "wife",
        "lady",
        "husband",
        "mother",
        "mamma",
        "mama",
        "father",
        "papa",
        "sister",
        "brother",
        "daughter",
        "son",
    ]
)


def family_names(character: Character) -> tuple[set[str], set[str]]:
    """(surnames, titles) read off a character's names: `Mrs. Bennet` -> ({bennet}, {mrs}),
    `Elizabeth Bennet` -> ({bennet}, {}), `Sir William Lucas` -> ({lucas}, {sir})."""
    surnames: set[str] = set()
    titles: set[str] = set()
    for n in character.all_names():
        words = name_key(n).split()
        if not words or words[0].startswith("_"):
            continue
        if words[0] in HONORIFICS:
            titles.add(words[0])
            words = words[1:]
            if len(words) == 1:
                surnames.add(words[0])
                continue
        if len(words) >= 2 and words[-1][:1].isalpha():
            surnames.add(words[-1])
    return surnames, titles


def _married_surnames(character: Character) -> set[str]:
    """The surnames a woman bears with `Mrs.`/`Lady` (`Mrs. Bounderby` -> {bounderby})."""
    out = set()
    for n in character.all_names():
        words = name_key(n).split()
        if len(words) >= 2 and words[0] in _MARRIED_F:
            out.add(words[-1])
    return out


def kin_of(
    relation: str,
    owner: int,
    characters: list[Character],
    genders: list[str],
    families: list[tuple[set[str], set[str]]] | None = None,
) -> list[int]:
    """The characters that can be `owner`'s `relation` (wife, mother, sister, ...) by
    surname and title; [] when the names do not tell."""
    fam = families or [family_names(c) for c in characters]
    sur, titles = fam[owner]
    if not sur:
        return []
    rel = relation.lower()
    if rel in _BIRTH_KIN and titles & _MARRIED_F:
        # `her brother`, `her father` of Mrs. Bounderby are no Bounderbys: her married
        # name is her husband's family, not the one she was born in
        sur = sur - _married_surnames(characters[owner])
    out = []
    for c, (s2, t2) in enumerate(fam):
        if c == owner or not (sur & s2):
            continue
        g = genders[c] if c < len(genders) else "unknown"
        married_f = bool(t2 & _MARRIED_F)
        if rel in ("wife", "lady"):
            ok = g == "female" and married_f and not titles & _MARRIED_F
        elif rel == "husband":
            ok = g == "male" and bool(t2 & _TITLED_M) and bool(titles & _MARRIED_F)
        elif rel in ("mother", "mamma", "mama"):
            ok = g == "female" and married_f and not titles & _MARRIED_F
        elif rel in ("father", "papa"):
            ok = g == "male" and bool(t2 & _TITLED_M) and not titles & _TITLED_M
        elif rel in ("sister", "daughter"):
            ok = g == "female" and not married_f
        elif rel in ("brother", "son"):
            ok = g == "male" and not (rel == "son" and t2 & _TITLED_M and titles & _TITLED_M)
        else:
            ok = False
        if ok:
            out.append(c)
    return out
