"""Pet names folded into the character whose given name they shorten: `Lizzy` is Elizabeth,
`Loo` Louisa, `Jem` James.

The others call a character by a pet name in their quotes (`"Dear Lizzy, ..."`) while the
tags name her in full (`said Elizabeth`): found only in vocatives, the pet name became a
character of its own, and a vocative to it no longer told the ranker who was spoken to.
Only a pet name no tag ever names folds, and only into the one character whose first name
it shortens: `Tom` who speaks in tags beside a `Thomas Gradgrind` is his son, not him.
"""

from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer

from audiodrama.model import Character
from audiodrama.parse.names import HONORIFICS, name_key

# The `nicknames` package (a curated English name/nickname list) maps a pet name to the given
# names it shortens; it lacks a few pet names of the period novels people adapt, added here.
_PERIOD: dict[str, frozenset[str]] = {
    "loo": frozenset({"louisa", "louise"}),
    "kitty": frozenset({"catherine", "katherine"}),
    "charley": frozenset({"charles"}),
    "kate": frozenset({"catherine"}),
    "jenny": frozenset({"jane"}),
    "nancy": frozenset({"anne", "ann"}),
    "nell": frozenset({"eleanor", "helen"}),
    "jemmy": frozenset({"james"}),
}


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()  # reads the package's CSV once per process


@lru_cache(maxsize=4096)
def given_names_of(pet: str) -> frozenset[str]:
    """The given names `pet` (lower case) shortens; empty when it is no known pet name."""
    return frozenset(_namer().canonicals_of(pet)) | _PERIOD.get(pet, frozenset())


@lru_cache(maxsize=4096)
def same_person_names(given: str) -> frozenset[str]:
    """`given` (lower case) with the pet names of it and the given names it shortens
    (`michael`: `mike`, `mick`, ...; `mike`: `michael`, ...)."""
    pets = {p for p, full in _PERIOD.items() if given in full}
    return frozenset({given, *given_names_of(given), *_namer().nicknames_of(given), *pets})


def fold_pet_names(chars: list[Character], prom: list[float], tagged: set[str]) -> None:
    """Fold each character known only by an untagged pet name into the one character whose
    first name it shortens; in place, prominence added up."""
    for ci in range(len(chars) - 1, -1, -1):
        names = chars[ci].all_names()
        if len(names) != 1 or names[0] in tagged:
            continue
        pet = name_key(names[0])
        # a pet name shortens: the list also maps `robert` to `bill` and `bob`, and Robert
        # is not Bill
        full = frozenset(g for g in given_names_of(pet) if len(g) >= len(pet))
        if not full:
            continue
        o = _owner(chars, ci, full)
        if o is None:
            continue
        chars[o].aliases.append(names[0])
        prom[o] += prom[ci]
        del chars[ci], prom[ci]


def _owner(chars: list[Character], ci: int, full: frozenset[str]) -> int | None:
    """The one character other than `ci` whose first given name is one of `full`, or None
    (`Ned` beside an Edmund and an Edward is nobody's)."""
    owners = [i for i, c in enumerate(chars) if i != ci and full & _first_names(c)]
    return owners[0] if len(owners) == 1 else None


def _first_names(char: Character) -> set[str]:
    """The first words past a title of a character's names (`elizabeth` of `Elizabeth
    Bennet`, `Miss Elizabeth`), lower case."""
    return {w[0] for n in char.all_names() if (w := [x for x in name_key(n).split() if x not in HONORIFICS])}
