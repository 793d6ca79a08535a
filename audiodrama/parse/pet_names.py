"""Pet names folded into the character whose given name they shorten: `Lizzy` is Elizabeth,
`Loo` Louisa, `Jem` James.

The others call a character by a pet name in their quotes (`"Dear Lizzy, ..."`) while the
tags name her in full (`said Elizabeth`): found only in vocatives, the pet name became a
character of its own, and a vocative to it no longer told the ranker who was spoken to.
Only a pet name no tag ever names folds, and only into the one character whose first name
it shortens: `Tom` who speaks in tags beside a `Thomas Gradgrind` is his son, not him.
"""

from __future__ import annotations

from audiodrama.model import Character
from audiodrama.parse.names import HONORIFICS, name_key

# pet name -> the given names it shortens (English usage, as in the novels people adapt)
_PET: dict[str, tuple[str, ...]] = {
    "bill": ("william",),
    "billy": ("william",),
    "will": ("william",),
    "willy": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "dick": ("richard",),
    "tom": ("thomas",),
    "tommy": ("thomas",),
    "jack": ("john",),
    "johnny": ("john",),
    "harry": ("henry",),
    "hal": ("henry",),
    "ned": ("edward", "edmund"),
    "teddy": ("edward", "theodore"),
    "jim": ("james",),
    "jimmy": ("james",),
    "jem": ("james", "jeremiah"),
    "jemmy": ("james",),
    "charley": ("charles",),
    "charlie": ("charles",),
    "kit": ("christopher", "catherine"),
    "mike": ("michael",),
    "sam": ("samuel",),
    "sammy": ("samuel",),
    "ben": ("benjamin",),
    "joe": ("joseph",),
    "dan": ("daniel",),
    "fred": ("frederick",),
    "freddy": ("frederick",),
    "sandy": ("alexander",),
    "nat": ("nathaniel",),
    "lizzy": ("elizabeth", "eliza"),
    "lizzie": ("elizabeth", "eliza"),
    "liz": ("elizabeth",),
    "bess": ("elizabeth",),
    "betsy": ("elizabeth",),
    "betty": ("elizabeth",),
    "kitty": ("catherine", "katherine"),
    "kate": ("catherine", "katherine"),
    "katie": ("catherine", "katherine"),
    "molly": ("mary",),
    "polly": ("mary",),
    "peggy": ("margaret",),
    "meg": ("margaret",),
    "maggie": ("margaret",),
    "fanny": ("frances",),
    "nancy": ("anne", "ann"),
    "nan": ("anne", "ann"),
    "sally": ("sarah",),
    "patty": ("martha",),
    "nelly": ("eleanor", "ellen", "helen"),
    "nell": ("eleanor", "ellen", "helen"),
    "jenny": ("jane", "jennifer"),
    "sukey": ("susan",),
    "susie": ("susan",),
    "loo": ("louisa", "louise"),
    "lou": ("louisa", "louise"),
    "dolly": ("dorothy",),
}


def fold_pet_names(chars: list[Character], prom: list[float], tagged: set[str]) -> None:
    """Fold each character known only by an untagged pet name into the one character whose
    first name it shortens; in place, prominence added up."""
    for ci in range(len(chars) - 1, -1, -1):
        names = chars[ci].all_names()
        if len(names) != 1 or names[0] in tagged:
            continue
        full = _PET.get(name_key(names[0]))
        if not full:
            continue
        o = _owner(chars, ci, full)
        if o is None:
            continue
        chars[o].aliases.append(names[0])
        prom[o] += prom[ci]
        del chars[ci], prom[ci]


def _owner(chars: list[Character], ci: int, full: tuple[str, ...]) -> int | None:
    """The one character other than `ci` called by the first given name in `full` that
    any character is called by (`Elizabeth` before `Eliza` for `Lizzy`), or None."""
    for given in full:
        owners = [i for i, c in enumerate(chars) if i != ci and given in _first_names(c)]
        if owners:
            return owners[0] if len(owners) == 1 else None
    return None


def _first_names(char: Character) -> set[str]:
    """The first words past a title of a character's names (`elizabeth` of `Elizabeth
    Bennet`, `Miss Elizabeth`), lower case."""
    return {w[0] for n in char.all_names() if (w := [x for x in name_key(n).split() if x not in HONORIFICS])}
