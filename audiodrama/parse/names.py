"""Names: find proper-name mentions and map them to characters.

`NameIndex` maps the names and aliases of a character list to the characters and finds
their mentions in a stretch of text. Mentions are found as runs of capitalised words
(`Mr. Darcy`, `Lady Catherine de Bourgh`, `the Mock Turtle`), then the longest run of
words that is a known name wins. No big alternation regex: a dictionary look-up per run
keeps the whole novel well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from audiodrama.model import Character
from audiodrama.parse.description_scan import DescriptionScan
from audiodrama.parse.honorifics import HONORIFICS, HONORIFICS_FEMALE, HONORIFICS_MALE
from audiodrama.parse.name_runs import runs

# Foreign and long forms of honorifics, looked up as their English short form.
_HON_SYNONYMS = {
    "monsieur": "mr",
    "mister": "mr",
    "herr": "mr",
    "senor": "mr",
    "señor": "mr",
    "signor": "mr",
    "madame": "mrs",
    "mme": "mrs",
    "senora": "mrs",
    "señora": "mrs",
    "mademoiselle": "miss",
    "mlle": "miss",
    "signorina": "miss",
    "senorita": "miss",
}
# `the lady`, `the master` in lower case is anyone so described, not the cast's `Lady
# Bertram` (`the colonel`, `the doctor` is the one holding the title)
_TITLE_WORDS = HONORIFICS - frozenset(["lady", "madam", "madame", "master", "mistress", "dame"])
# Honorifics that never stand alone as a name (`Miss` alone is not a character).
_DETERMINERS = ("the ", "a ", "an ")


@lru_cache(maxsize=65536)  # pure, called per run (the same few hundred names): strings cached
def name_key(name: str) -> str:
    """Normalised form of a name for look-ups: lowercase, no periods, no leading article."""
    k = name.lower().replace("\u2019", "'").replace(".", " ")
    k = " ".join(k.split()).strip(" -,;:!?\"'\u2014")
    first, _, rest = k.partition(" ")
    if first in _HON_SYNONYMS:
        # `Mademoiselle Reisz` and a lone `Mademoiselle` are looked up as `Miss`
        k = (_HON_SYNONYMS[first] + " " + rest).strip()
    for d in _DETERMINERS:
        if k.startswith(d):
            k = k[len(d) :]
            break
    if k.endswith("'s"):
        k = k[:-2]
    return k


@dataclass
class Mention:
    """A name mention in the text."""

    start: int
    end: int
    char: int
    """Index into the index's characters."""


class NameIndex:
    """Names and aliases of a list of characters, for look-up and mention finding."""

    def __init__(self, characters: list[Character], prominence: list[float] | None = None):
        self.characters = characters
        self._cache: dict[str, list[tuple[int, int, int]]] = {}
        self.keys: dict[str, int] = {}
        self.max_words = 1
        self.shared: dict[str, set[int]] = {}
        """Short forms several characters share (`Charles` of two Charleses): no key."""
        self._add_names(prominence or [0.0] * len(characters))
        self._add_derived()
        self.kin = self._kin_keys()
        desc = {d for d in self._descriptions() if d in self.keys and not d.startswith("_")}
        # `an old Crab` is the cast's `An Old Crab`: a description of two words after `a` or
        # `an` as the cast itself writes it, the text with a capital (`a man` is anyone)
        indef = [
            name_key(n)
            for c in characters
            for n in c.all_names()
            if n.lower().startswith(("a ", "an ")) and len(n.split()) == 3 and name_key(n) in self.keys
        ]
        self._desc = DescriptionScan(desc, indef) if desc or indef else None
        # the narrator's relatives discovery names (`my mother`): `My mother looked up`
        mine = sorted((k[3:] for k in self.keys if k.startswith("my ")), key=len, reverse=True)
        self._my = (
            re.compile(r"\b(?:[Mm]y|[Oo]ur)\s+(" + "|".join(map(re.escape, mine)) + r")\b") if mine else None
        )
        # a description discovery names (`a tall man`, all lower case): written so in the text
        self._lower_indef = {
            name_key(n)
            for c in characters
            for n in c.all_names()
            if n.startswith(("a ", "an ")) and n.islower()
        }

    def _add_names(self, prom: list[float]) -> None:
        """Every name and alias, keyed; an alias two characters share goes to the more
        prominent one (the first given, for a cast without counts): the reader takes it
        that way too. A name with a qualifying note is keyed without it as well."""
        owners: dict[str, list[int]] = {}
        for i, c in enumerate(self.characters):
            for n in c.all_names() + _unqualified(c.all_names()):
                k = name_key(n)
                if not k or k.startswith("_"):
                    continue
                owners.setdefault(k, [])
                if i not in owners[k]:
                    owners[k].append(i)
        for k, idx in owners.items():
            best = max(idx, key=lambda i: (prom[i], -i))
            self.keys[k] = best
            self.max_words = max(self.max_words, len(k.split()))

    def _add_derived(self) -> None:
        """Derived names: a cast lists `Bill Gorton`, the story says `Bill` and `Gorton`
        and `Mr. Gorton`. Only parts that name exactly one character are kept."""
        derived: dict[str, set[int]] = {}
        for i, c in enumerate(self.characters):
            for n in c.all_names():
                for part in _name_parts(n, c.gender):
                    derived.setdefault(part, set()).add(i)
        for k, chars in derived.items():
            if k not in self.keys:
                if len(chars) == 1:
                    self.keys[k] = next(iter(chars))
                    self.max_words = max(self.max_words, len(k.split()))
                else:
                    self.shared[k] = chars
                continue
            # A bare surname listed as a character of its own, with no gender and no other
            # name (`Bounderby` beside `Josiah Bounderby`, `Mrs. Bounderby`): the story's
            # `said Bounderby` is the one man of the family the cast names
            owner = self.characters[self.keys[k]]
            if (
                owner.gender == "unknown"
                and len(k.split()) == 1
                and {name_key(n) for n in owner.all_names()} == {k}
            ):
                men = [j for j in chars if self.characters[j].gender == "male"]
                if len(men) == 1:
                    self.keys[k] = men[0]

    def _kin_keys(self) -> dict[str, int]:
        """`aunt Bertram`, `uncle Gardiner`: a kin title before a surname is the one married
        woman (`Lady Bertram`, `Mrs. Bertram`) or man (`Sir Thomas Bertram`) of that family
        the cast names -- never the daughter or son who shares the surname."""
        found: dict[str, set[int]] = {}
        for i, c in enumerate(self.characters):
            for n in c.all_names():
                words = name_key(n).split()
                kin = _KIN_TITLE.get(words[0]) if len(words) >= 2 else None
                if kin is not None and words[-1] not in _PARTICLES:
                    found.setdefault(kin + " " + words[-1], set()).add(i)
        return {k: next(iter(v)) for k, v in found.items() if len(v) == 1 and k not in self.keys}

    def _descriptions(self) -> set[str]:
        """Descriptions written in lower case in the text: `the count`, `her sister`, `the
        drummer` (found by a second, small regex); a lone honorific (`the colonel`) names the
        only character holding it, and is keyed for them."""
        characters = self.characters
        desc: set[str] = set()
        for i, c in enumerate(characters):
            for n in c.all_names():
                words = n.split()
                if (
                    len(words) >= 2
                    and words[0].lower() in ("the", "a", "an", "her", "his")
                    and len(words) <= 3
                ):
                    desc.add(" ".join(w.lower() for w in words[1:]))
                k = name_key(n)
                kw = k.split()
                if len(kw) == 2 and kw[0] in _TITLE_WORDS and self.keys.get(kw[0], i) == i:
                    desc.add(kw[0])
                    derived_hon = kw[0]
                    if derived_hon not in self.keys:
                        # the characters holding it, each once (`Mademoiselle Reisz` and
                        # `Mlle. Reisz` are one): one is named by it, several share it
                        holders = {
                            j
                            for j, c2 in enumerate(characters)
                            for n2 in c2.all_names()
                            if name_key(n2).split()[:1] == [derived_hon] and len(name_key(n2).split()) > 1
                        }
                        if holders == {i}:
                            self.keys[derived_hon] = i
                        else:
                            self.shared[derived_hon] = holders
        return desc

    def lookup(self, phrase: str) -> int | None:
        """The character a whole phrase names (`Mr. Darcy`, `the Hatter`), or None."""
        k = name_key(phrase)
        if k in self.keys:
            return self.keys[k]
        # `her sister`, `poor Alice`, `old Mr. Bennet`: drop leading modifiers one by one.
        words = k.split()
        for i in range(1, len(words)):
            sub = " ".join(words[i:])
            if sub in self.keys:
                return self.keys[sub]
        return None

    def mentions(
        self, text: str, start: int, end: int, spans: Iterable[tuple[int, int]] | None = None
    ) -> list[Mention]:
        """Mentions of known characters in text[start:end], in order. `spans`: its runs of
        capitalised words (`name_runs.runs`) when the caller has them already."""
        out: list[Mention] = []
        for s, e in runs(text, start, end) if spans is None else spans:
            self._match_run(text[s:e], s, out)
            if self.kin:
                self._kin_mention(text, start, s, out)
        if self._desc is not None:
            extra = []
            for s, e, ds, phrase, capital in self._desc.hits(text, start, end):
                k = " ".join(phrase.lower().split())
                if capital and phrase.islower() and k not in self._lower_indef:
                    continue
                if k in self.keys and not any(o.start <= ds < o.end for o in out):
                    extra.append(Mention(s, e, self.keys[k]))
            if extra:
                out = sorted(out + extra, key=lambda x: x.start)
        if self._my is not None:
            mine = [
                Mention(m.start(), m.end(), self.keys["my " + m.group(1)])
                for m in self._my.finditer(text, start, end)
            ]
            out = sorted(out + mine, key=lambda x: x.start) if mine else out
        return out

    def _kin_mention(self, text: str, start: int, s: int, out: list[Mention]) -> None:
        """`her kinder aunt Bertram observed`: the run at `s` after a kin word is the
        family's aunt or uncle (`_kin_keys`), not whoever its surname alone would name."""
        kin = _KIN_BEFORE.search(text, max(start, s - 7), s)
        word = _WORD.match(text, s, s + 40) if kin else None
        if kin is None or word is None:
            return
        k = kin.group(1).lower() + " " + name_key(word.group(0))
        if k in self.kin:
            # the surname's own match (`Bertram` the son) gives way; the run's later hits stay
            # (`out` is in text order: the run's hits are its tail)
            before = [m for m in out if m.start < s]
            rest = [m for m in out if m.start >= word.end()]
            out[:] = [*before, Mention(kin.start(), word.end(), self.kin[k]), *rest]

    def _match_run(self, run: str, offset: int, out: list[Mention]) -> None:
        # Runs repeat a lot (`Emma`, `Mr. Knightley`): cache each run's matches.
        hits = self._cache.get(run)
        if hits is None:
            hits = self._match_uncached(run)
            self._cache[run] = hits
        for s, e, c in hits:
            out.append(Mention(s + offset, e + offset, c))

    def _match_uncached(self, run: str) -> list[tuple[int, int, int]]:
        """Longest known sub-runs of words, left to right, as (start, end, char) in run."""
        words = [(w.start(), w.end(), w.group(0)) for w in _NON_SPACE.finditer(run)]
        hits: list[tuple[int, int, int]] = []
        i = 0
        n = len(words)
        while i < n:
            found = False
            for j in range(min(n, i + self.max_words + 1), i, -1):
                k = name_key(" ".join(w[2] for w in words[i:j]))
                if k in self.keys and not (j == i + 1 < n and k in HONORIFICS and _titles_next(words[i][2])):
                    end = words[j - 1][1]
                    last = words[j - 1][2]
                    if last.endswith(".") and last[:-1].lower() not in HONORIFICS:
                        end -= 1  # `Will.` ends a sentence: the period is not the name's
                    hits.append((words[i][0], end, self.keys[k]))
                    i = j
                    found = True
                    break
            if not found:
                i += 1
        return hits


def _titles_next(word: str) -> bool:
    """Whether a title written `word` belongs to the word after it in a run: a lone title is
    keyed for the one character holding it (`the colonel`), but in `Mr. Lowe` it is another
    man's; `Colonel. Alice` ends a sentence (abbreviated titles are at most five letters)."""
    return not word.endswith((",", ";", ":", "!", "?")) and (not word.endswith(".") or len(word) <= 5)


# `Christopher Robin - Story`, `John (the elder)`: a cast name with a note telling two
# entries apart; the story says just `Christopher Robin`
_QUALIFIER = re.compile(r"\s+(?:-+|\u2013|\u2014)\s+\S.*$|\s*\([^()]*\)\s*$")


def _unqualified(names: list[str]) -> list[str]:
    """The names without their qualifying note, for those that carry one."""
    return [base for n in names if (base := _QUALIFIER.sub("", n)) != n and base.strip()]


_PARTICLES = frozenset(["de", "van", "von", "of", "la", "le", "du", "da", "di", "the", "a", "an"])
# the titles of a married woman or man, as the kin word before their surname names them
_KIN_TITLE = {"mrs": "aunt", "lady": "aunt", "mr": "uncle", "sir": "uncle", "lord": "uncle"}
_KIN_BEFORE = re.compile(r"\b(aunt|uncle|Aunt|Uncle)\s+$")
_NON_SPACE = re.compile(r"\S+")
_WORD = re.compile(r"[\w'\u2019]+")


def _name_parts(name: str, gender: str) -> list[str]:
    """Shorter forms a story may use for a full name: first name, surname, `Mr. Surname`."""
    k = name_key(name)
    if k.startswith("_") or name.islower() or name.lower().startswith(("the ", "a ", "an ")):
        # a description (`the old man`, `A Modestly, Plainly Dressed Lady`) has no parts:
        # `man`, `lady` is anybody
        return []
    words = k.split()
    hon = words[0] if words and words[0] in HONORIFICS else None
    core = [w for w in (words[1:] if hon else words)]
    if len(core) == 1 and hon in HONORIFICS_MALE and len(core[0]) > 2 and core[0] not in _PARTICLES:
        # `Mr. Tilney` is the story's `his name was Tilney` (when no other character has it)
        return [core[0]]
    if len(core) < 2 or any(w in _PARTICLES for w in core[:1]):
        return []
    # `Lady Catherine de Bourgh` -> `lady catherine`; `Bill Gorton` -> `bill`, `gorton`.
    out = []
    first, last = core[0], core[-1]
    if not hon:
        out.append(first)
        if gender == "male":
            out.append("mr " + last)
    elif hon:
        out.append(hon + " " + first)
    if last not in _PARTICLES and len(last) > 2:
        out.append(last)
    return out


def gender_of_honorific(word: str) -> str | None:
    """'male' / 'female' for an honorific word (Mr., Lady), else None."""
    w = word.lower().rstrip(".")
    if w in HONORIFICS_MALE:
        return "male"
    if w in HONORIFICS_FEMALE:
        return "female"
    return None
