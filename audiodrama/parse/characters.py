"""Character discovery when no cast is given, and first-person narrator detection.

Candidates are the names a text uses in speech tags (`said Emma`, `the Hatter said`)
plus honorific names (`Mr. Darcy`, `Lady Catherine`) and names addressed in quotes.
They are clustered into characters (clusters.py): `Darcy` joins `Mr. Darcy`, `Frank` joins
`Frank Churchill`, `Miss Woodhouse` joins `Emma Woodhouse` (same surname, female),
nicknames that begin a known name (`Buff`, `Will`) join it. Gender comes from
honorifics, then from the pronouns that follow the name's mentions. Characters are
ordered by how often they are named next to speech (main characters first).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import replace
from functools import lru_cache

from audiodrama.model import Character
from audiodrama.parse.clusters import cluster_forms, main_name
from audiodrama.parse.descriptions import described_speakers, description_sex, head_noun
from audiodrama.parse.first_names import fill_genders, name_genders
from audiodrama.parse.full_names import join_titled_surnames
from audiodrama.parse.name_runs import mid_sentence
from audiodrama.parse.names import HONORIFICS, name_key
from audiodrama.parse.names_once import DEEDS, called_twice, names_written_twice
from audiodrama.parse.person_words import FORMS_OF_ADDRESS, INTERJECTIONS
from audiodrama.parse.pet_names import fold_pet_names
from audiodrama.parse.piece_memo import runs_of_piece, tag_after_piece, tag_before_piece
from audiodrama.parse.pronoun_genders import SEXES, gender_of_forms, name_gender
from audiodrama.parse.quotes import Paragraph, is_short_story
from audiodrama.parse.referents import referents
from audiodrama.parse.tags import Tag
from audiodrama.parse.title_alone import fold_bare_titles, lower_titles
from audiodrama.parse.vocatives import VOCATIVE
from audiodrama.parse.wordlists import NOT_NAMES

NARRATOR_FALLBACK = "Narrator (I)"

# (regexes that open on the capital or on I/m, the look-behind after it: the regex engine
# skips to those in C, where a pattern opening on a look-behind or `\b` is tried at every
# character; tests/test_parse_fastpaths.py holds the plain forms)
_NAME_IN_QUOTE = re.compile(r"([A-Z](?<=[a-z,] [A-Z])[a-z]{2,})(?=\s*[?!.,])")

_FIRST_PERSON = re.compile(r"[Im](?<!\w.)(?:(?<=I)|(?<=m)(?:e|y(?:self)?))\b")  # I, me, my, myself
_I_TAG = re.compile(
    r"(?:\bI\s+(?:[a-z]+ly\s+)?(?:said|asked|answered|replied|says|called|shouted)\b|"
    r"\b(?:said|asked|answered|replied)\s+I\b)"
)

_MY_TAG = re.compile(
    r"\b(?:said|asked|answered|replied|cried|observed|remarked)\s+my\s+[a-z]+|"
    r"\b[Mm]y\s+[a-z]+\s+(?:said|asked|answered|replied)\b|\b(?:said|whispered|called)\s+to\s+me\b"
)

# `my` or `me`, which every `_MY_TAG` holds: a scan that opens on the letter, 3x cheaper
_MY_OR_ME = re.compile(r"[Mm](?<!\w.)(?:y|(?<=m)e)\b")

_I_ACTS = re.compile(r"\bI\s+(?:was|had|" + DEEDS[3:])  # I and a verb in the past


def detect_first_person(text: str, paras: list[Paragraph]) -> bool:
    """True when the narration is told by an `I` who speaks (`I said`)."""
    segs = [text[piece.start : piece.end] for p in paras for piece in p.narration]
    chars = sum(map(len, segs))
    if chars == 0:
        return False
    # every `I said` holds an I: most narration needs no scan
    tags = sum(len(_I_TAG.findall(seg)) for seg in segs if "I" in seg)
    # `said my companion`, `he said to me`: told by one who is there (no third-person piece
    # of 12,000 characters of the PDNC novels has one in its narration)
    tags += sum(len(_MY_TAG.findall(seg)) for seg in segs if _MY_OR_ME.search(seg))
    if tags >= 10:
        return True  # the I/me/my count decides nothing: not counted
    # First-person narration uses I/me/my all the time; a third-person narrator rarely. One
    # `I said` is enough in a short story whose narration keeps saying I; none, where it says
    # I ten times in a thousand characters (a third-person piece of 12,000 characters of a
    # PDNC novel says it at most 7.1 times, in the letters it quotes).
    i_count = sum(len(_FIRST_PERSON.findall(seg)) for seg in segs)
    if tags == 0:
        # or eight, where the I also does things (`I took my supper`; the third-person piece
        # at 7.1 quotes a letter's `I was`: no `I stared`)
        density = i_count * 1000 / chars
        return i_count >= 3 and (density >= 10.0 or (density >= 8.0 and _i_acts(segs) >= 2))
    return i_count * 1000 / chars >= 2.0


def _i_acts(segs: list[str]) -> int:
    """How often the narration's I does something in the past (`I took`, `I stared`)."""
    return sum(len(_I_ACTS.findall(seg)) for seg in segs if "I" in seg)


# pure, and a novel repeats the same phrases (`said Emma`) thousands of times: memoised
# (strings in, a string out: nothing in the cache can be changed by a caller)
@lru_cache(maxsize=65536)
def _clean_name(phrase: str) -> str | None:
    phrase = phrase.replace("\u2019", "'")
    # `Harvey. So` / `Cohn. He`: a run swept over a sentence end; keep the first sentence
    # (but `Mr. Darcy` keeps its abbreviation).
    cut = _sentence_cut(phrase)
    if cut is not None:
        phrase = phrase[:cut]
    of = _OF_TITLE.search(phrase)
    if of:
        phrase = phrase[: of.start()]  # `asked Robert of Mrs. Pontellier`: she is asked
    words = _strip_leading(phrase.split())
    if not words or words[-1] == "I" or words[0].lower() in _POSSESSIVES:
        # `"..." Whereupon I told her`: the pronoun is the subject, the word before it only
        # opens the sentence; `Her brother`, `His wife`: a relation, said of whoever is
        # near, not a name
        return None
    if words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    if words[0] == "The":
        words = ["the", *words[1:]]  # `The Rabbit checked his watch` is `the Rabbit`
    name = " ".join(words).strip(",.;:!?")
    k = name_key(name)
    if not k or k in NOT_NAMES or all(w in NOT_NAMES for w in k.split()):
        return None
    if not any(w[:1].isupper() for w in name.split()):
        return None
    if k in HONORIFICS and words[0] != "the":
        # a bare title is no name, but `the General`, `the Doctor` is a character of its own
        return None
    return name


_POSSESSIVES = frozenset(["his", "her", "their", "my", "your", "our", "its"])
_OF_TITLE = re.compile(r"\s+of\s+(?:the\s+)?(?:Mr|Mrs|Miss|Ms|Dr|Sir|Lady|Madame|Mademoiselle|Monsieur)\b")


def _strip_leading(words: list[str]) -> list[str]:
    """Without the leading words that are no part of a name: lowercase words (`while Bill`,
    `the good-hearted Mrs. John Knightley`) and determiners, but `the` before a capital
    (`the Hatter`: the key ignores it anyway)."""
    while words:
        w = words[0]
        if w.lower() == "the" and len(words) > 1 and words[1][:1].isupper():
            break
        if not (w[:1].islower() or w.lower() in ("the", "a", "an", "poor", "old", "young", "little")):
            break
        words = words[1:]
    return words


_WORD_PERIOD = re.compile(r"(\w+)\.\s")


def _sentence_cut(phrase: str) -> int | None:
    """Offset of the first sentence end inside a name phrase, abbreviations skipped."""
    for m in _WORD_PERIOD.finditer(phrase):
        if m.group(1).lower() not in HONORIFICS and len(m.group(1)) > 1:
            return m.start() + len(m.group(1))
    return None


def speech_tags(text: str, paras: list[Paragraph]) -> list[Tag]:
    """The speech tag of every quote that has one, in text order."""
    tags: list[Tag] = []
    for p in paras:
        pieces = p.pieces
        for pi, piece in enumerate(pieces):
            if piece.kind != "q":
                continue
            tag = None
            if pi + 1 < len(pieces) and pieces[pi + 1].kind == "n":
                tag = tag_after_piece(text, pieces[pi + 1])
            if tag is None and pi > 0 and pieces[pi - 1].kind == "n":
                tag = tag_before_piece(text, pieces[pi - 1])
            if tag is not None:
                tags.append(tag)
    return tags


def discover(text: str, paras: list[Paragraph]) -> tuple[list[Character], list[float]]:
    """Characters found in the text (main ones first) and a prominence score for each."""
    tags = speech_tags(text, paras)
    # `said the Hispaniola's captain`: the captain speaks, not the ship
    spoken = [t.subject for t in tags if not t.subject.rstrip().endswith(("'s", "\u2019s"))]
    tag_counts = Counter(n for n in map(_clean_name, spoken) if n)
    run_counts, titled, ends = _narration_runs(text, paras)
    voc_counts, nick_counts = _called(text, paras)
    names: dict[str, float] = {}
    for n, c in voc_counts.items():
        if c >= 3 and mid_sentence(text, n):
            names[n] = 0.5 * c
    for n, c in tag_counts.items():
        names[n] = names.get(n, 0.0) + 3.0 * c + run_counts.get(n, 0)
    # a story that would name nobody, or a short story: a titled name its narration writes
    # once is somebody (`Mrs. Hale, my landlady, met me on the stairs.` / `"There's a
    # gentleman," she said.`; `Old Colonel Marsh was against it.` / `"...," he said.`)
    short = is_short_story(paras)
    once = 1 if not names or short else 2
    for n, c in run_counts.items():
        words = n.split()
        first = words[0].lower().rstrip(".")
        if first in HONORIFICS and len(words) > 1 and c >= once and not n.isupper():  # (a heading)
            names[n] = names.get(n, 0.0) + c
        elif first == "the" and len(words) == 2 and words[1].lower() in HONORIFICS and titled[n] >= 3:
            # `the Admiral` again and again in the narration: someone there, tagged or not
            names[n] = names.get(n, 0.0) + c
    if len(names) < 2 or short:  # (the steward `Abel Fish` who speaks only after beats)
        names.update(names_written_twice(text, run_counts, names, ends))
    if short:
        called_twice(text, voc_counts, run_counts, names)
    chars, prom = _cluster(names, run_counts, text, ends)
    join_titled_surnames(text, chars, prom, run_counts, _talk(tags, paras))
    fold_bare_titles(chars, prom)
    lower_titles(chars, {t.subject for t in tags})
    _nicknames(chars, nick_counts)
    fold_pet_names(chars, prom, {n for n, c in tag_counts.items() if c})
    fill_genders(chars)  # a name the text never genders: the first-name list's verdict
    chars, prom = _with_descriptions(text, paras, tags, chars, prom)
    for char in chars:
        # remember which characters are ever named in a speech tag (see narrator.py)
        char.__dict__["_tagged"] = char.__dict__.get("_tagged", False) or any(
            tag_counts.get(n, 0) for n in char.all_names()
        )
    return chars, prom


def _called(text: str, paras: list[Paragraph]) -> tuple[Counter[str], Counter[str]]:
    """The names addressed in quotes (`"Good-night, Jake."`: people even if never tagged),
    and those with the other names the quotes write (for the nicknames)."""
    voc_counts: Counter[str] = Counter()
    for p in paras:
        for q in p.quotes:
            for m in VOCATIVE.finditer(text, q.inner[0], q.inner[1]):
                name = _clean_name(m.group(1))
                if name and name.lower() not in INTERJECTIONS and name.lower() not in FORMS_OF_ADDRESS:
                    voc_counts[name] += 1
    nick_counts: Counter[str] = Counter(voc_counts)
    for p in paras:
        for q in p.quotes:
            for m in _NAME_IN_QUOTE.finditer(text, q.inner[0], q.inner[1]):
                nick_counts[m.group(1)] += 1
    return voc_counts, nick_counts


def _narration_runs(
    text: str, paras: list[Paragraph]
) -> tuple[Counter[str], Counter[str], dict[str, list[int]]]:
    """Honorific names and plain capitalised runs in narration: how often each is written,
    how often a `the ...` run is written other than as a possessive, and where each ends."""
    run_counts: Counter[str] = Counter()
    titled: Counter[str] = Counter()
    ends: dict[str, list[int]] = defaultdict(list)
    for p in paras:
        for piece in p.narration:
            for s, e in runs_of_piece(text, piece):
                run = text[s:e]
                name = _clean_name(run)
                if name:
                    run_counts[name] += 1
                    if name.startswith("the ") and not run.endswith(("'s", "\u2019s")):
                        titled[name] += 1  # `the Queen's (Academy)` is no one there
                    if len(ends[name]) < 150:
                        # `the Rabbit. Alice`: a run swept over a sentence end; the name's
                        # own end is where the pronouns after it are read
                        at = text.find(name, s, e)
                        ends[name].append(at + len(name) if at >= 0 else e)
    return run_counts, titled, ends


def _talk(tags: list[Tag], paras: list[Paragraph]) -> list[tuple[int, str]]:
    """The name each speech tag gives, with its paragraph's index, in text order."""
    starts = [p.start for p in paras]
    out = []
    for t in tags:
        name = _clean_name(t.subject)
        if name:
            out.append((bisect.bisect_right(starts, t.start) - 1, name))
    return out


def _with_descriptions(
    text: str,
    paras: list[Paragraph],
    tags: list[Tag],
    chars: list[Character],
    prom: list[float],
) -> tuple[list[Character], list[float]]:
    """The named characters and the speakers known by a description (`the mariner`), by
    prominence; a description's gender the head noun does not tell, its pronouns tell."""
    known = {name_key(n) for c in chars for n in c.all_names()}
    sexes = {c.gender for c in chars}
    by_tag, beats = referents(text, paras, tags, sexes)
    referred = Counter(by_tag.values()) + beats
    described, dprom = described_speakers(text, paras, tags, known, sexes, referred)
    for c in described:
        ends = c.__dict__.pop("_ends")
        c.__dict__["_tagged"] = True
        # the pronoun tags that name it (read by the explicit rule, rules_tags.py)
        c.__dict__["_referred_at"] = tagged = [at for at, d in by_tag.items() if d in c.aliases]
        if tagged and c.gender == "unknown":
            c.gender = description_sex(head_noun(c.aliases[0])) or "unknown"  # the pronoun's
        if c.gender == "unknown":
            c.gender = gender_of_forms([c.name], text, {c.name: ends}, {})
    order = sorted(range(len(chars) + len(described)), key=lambda i: -[*prom, *dprom][i])
    every = [*chars, *described]
    return [every[i] for i in order], [[*prom, *dprom][i] for i in order]


def _nicknames(chars: list[Character], voc_counts: Counter[str]) -> None:
    """A name addressed in quotes that begins exactly one character's name is that
    character's nickname: `Will` for Willow, `Buff` for Buffy, `Xand` for Xander."""
    known = {name_key(n) for c in chars for n in c.all_names()}
    # each character's first words past a title, kept up to date as nicknames join
    firsts = [[w for n in c.all_names() for w in _first_word(n)] for c in chars]
    for voc in voc_counts:
        k = name_key(voc)
        if k in known or " " in k or len(k) < 3:
            continue
        owners = [i for i, ws in enumerate(firsts) if any(w.startswith(k) and len(w) > len(k) for w in ws)]
        if len(owners) == 1:
            chars[owners[0]].aliases.append(voc)
            firsts[owners[0]].extend(_first_word(voc))


def _first_word(name: str) -> list[str]:
    """The first word of a name's key that is no title ([] for none)."""
    return [x for x in name_key(name).split() if x not in HONORIFICS][:1]


def _cluster(
    names: dict[str, float], run_counts: Counter[str], text: str, ends: dict[str, list[int]]
) -> tuple[list[Character], list[float]]:
    """Group name forms into characters (clusters.py), each named and gendered."""
    firsts = name_genders({w for n in names for w in n.split()[:2]})
    chars: list[Character] = []
    prom: list[float] = []
    for cl in cluster_forms(names, run_counts, firsts):
        total = sum(names[f] for f in cl)
        main = main_name(cl, names)
        aliases = [f for f in cl if f != main]
        for f in cl:
            # `the March Hare` is also written `March Hare`
            if f.lower().startswith("the ") and f[4:] not in cl:
                aliases.append(f[4:])
        chars.append(Character(name=main, aliases=aliases, gender=name_gender(cl, text, ends, firsts)))
        prom.append(total)
    order = sorted(range(len(chars)), key=lambda i: -prom[i])
    return [chars[i] for i in order], [prom[i] for i in order]


def gendered_cast(text: str, paras: list[Paragraph], cast: list[Character]) -> list[Character]:
    """Copies of the cast's characters (the cast passed in is left as given), each of no
    gender gendered as discovery genders what it finds: a title or noun in its names, the
    pronouns after them, else its first name's in the list (a cast file may give none)."""
    ends = _narration_runs(text, paras)[2]
    firsts = name_genders({w for c in cast for n in c.all_names() for w in n.split()[:2]})
    out = []
    for c in cast:
        # `The Hatter` is written `the Hatter` mid-sentence, the form the runs are counted by
        forms = [*c.all_names(), *(f"the {f[4:]}" for f in c.all_names() if f.startswith("The "))]
        gender = c.gender if c.gender in SEXES else name_gender(forms, text, ends, firsts)
        out.append(replace(c, aliases=list(c.aliases), gender=gender))
    fill_genders(out)
    return out


def genders_for(characters: list[Character]) -> list[str]:
    """The gender list the attributor uses (unknown for anything else)."""
    return [c.gender if c.gender in ("male", "female") else "unknown" for c in characters]
