"""Naming a first-person narrator: by what the other characters call them.

In first-person stories the narrator's name shows up in the replies to the narrator's
own lines ("Hello, Jake," said Bill. / "Hello," I said.). We count the names addressed
in the quotes right next to the narrator's quotes; the most addressed one is the
narrator's name.
"""

from __future__ import annotations

import re

from audiodrama.model import Character
from audiodrama.parse.attribution import Attributor
from audiodrama.parse.characters import NARRATOR_FALLBACK, genders_for
from audiodrama.parse.name_runs import mid_sentence
from audiodrama.parse.names import HONORIFICS, NameIndex, name_key
from audiodrama.parse.person_words import FORMS_OF_ADDRESS, INTERJECTIONS
from audiodrama.parse.pet_names import same_person_names
from audiodrama.parse.quotes import SHORT_STORY_QUOTES, Paragraph
from audiodrama.parse.turns import QuoteState, Turn
from audiodrama.parse.vocatives import VOCATIVE
from audiodrama.parse.wordlists import NOT_NAMES


def addressed_in_replies(
    text: str, turns: list[Turn], narrator: int | None, i_tagged_only: bool = False
) -> dict[int, int]:
    """How often each character is addressed by name in a quote adjacent to a narrator's
    quote (a bare title, `Mademoiselle,`, is said to anyone so titled: the narrator too)."""
    counts: dict[int, int] = {}
    for ti, t in enumerate(turns):
        is_narr = any(
            (st.tag is not None and st.tag.subject == "I") if i_tagged_only else st.speaker == narrator
            for st in t.states
        )
        if not is_narr:
            continue
        for tj in (ti - 1, ti + 1):
            if 0 <= tj < len(turns) and abs(turns[tj].para.index - t.para.index) == 1:
                for st in turns[tj].states:
                    c = _called_by_name(text, st)
                    if c is not None:
                        counts[c] = counts.get(c, 0) + 1
    return counts


def _called_by_name(text: str, st: QuoteState) -> int | None:
    """The character a quote not tagged `I` addresses, unless by a bare title alone."""
    if st.addressee is None or (st.tag is not None and st.tag.subject == "I"):
        return None
    said = next((m for m in st.mentions if m.char == st.addressee), None)
    return st.addressee if said is None or not _bare_title(text[said.start : said.end]) else None


def name_narrator(
    text: str,
    paras: list[Paragraph],
    index: NameIndex,
    genders: list[str],
    characters: list[Character],
    cast_mode: bool = True,
) -> int | None:
    """The cast character who is the first-person narrator, or None: the one most addressed
    next to the `I said` quotes, else the one most addressed anywhere whom the narration never
    names (it says `I` for the narrator; a short text may not call them by name next to their
    own lines)."""
    turns = Attributor(text, paras, index, genders, None).prepare()
    best = _twice_or_more(addressed_in_replies(text, turns, None, i_tagged_only=True))
    if best is None:
        counts = {c: n for c, n in _addressed(text, turns).items() if n >= 2}
        best = _twice_or_more({c: n for c, n in counts.items() if not _narrated(text, paras, characters[c])})
    return best


def _addressed_by_partners(
    text: str, paras: list[Paragraph], index: NameIndex, genders: list[str]
) -> dict[int, int]:
    """How often each character is addressed next to an `I said` quote."""
    att = Attributor(text, paras, index, genders, None)
    return addressed_in_replies(text, att.prepare(), None, i_tagged_only=True)


def _twice_or_more(counts: dict[int, int]) -> int | None:
    best = max(counts, key=lambda c: counts[c]) if counts else None
    return best if best is not None and counts[best] >= 2 else None


def _addressed(text: str, turns: list[Turn]) -> dict[int, int]:
    """How often each character is addressed by name in the quotes not tagged `I`."""
    counts: dict[int, int] = {}
    for t in turns:
        for st in t.states:
            c = _called_by_name(text, st)
            if c is not None:
                counts[c] = counts.get(c, 0) + 1
    return counts


def _narrated(text: str, paras: list[Paragraph], character: Character) -> bool:
    """Whether the narration (outside the quotes) ever writes one of the character's names."""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in character.all_names()) + r")\b")
    return any(pattern.search(text, piece.start, piece.end) for p in paras for piece in p.narration)


def early_narrator(
    text: str, paras: list[Paragraph], characters: list[Character], prominence: list[float], index: NameIndex
) -> tuple[int | None, NameIndex]:
    """Without a cast: the discovered character the others address in reply to the `I said`
    lines, never named in a tag: the narrator, known before the quotes are attributed (so
    that `Hello, Jake` tells the ranker the narrator is spoken to). Another untagged name
    they call the narrator by (`Barnes`) is folded in; the characters and their prominence
    change in place, and the name index is built anew then."""
    counts = _addressed_by_partners(text, paras, index, genders_for(characters))
    untagged = {c: n for c, n in counts.items() if not characters[c].__dict__.get("_tagged", False)}
    if not untagged or max(counts.values()) != max(untagged.values()) or max(untagged.values()) < 2:
        return None, index
    best = max(untagged, key=lambda c: untagged[c])
    narr = characters[best]
    others = sorted((c for c, n in untagged.items() if c != best and n >= 3), reverse=True)
    for c in others:
        narr.aliases.extend(characters[c].all_names())
        prominence[best] += prominence[c]
        del characters[c], prominence[c]
    narr.aliases.append(NARRATOR_FALLBACK)
    return characters.index(narr), NameIndex(characters, prominence) if others else index


# the narrator naming themself in narration: "My name is Pip", "call me Ishmael",
# "I called myself Pip", "they called me Lucy", "I, Lemuel Gulliver, ..."
_SELF_NAME = re.compile(
    r"\b(?:[Mm]y (?:first |Christian |given )?name (?:is|was)|[Cc]all me|called me|I (?:called|call) myself"
    r"|I am called|I was called|I was christened|I was named)\s+"
    r"((?:Mr\.|Mrs\.|Miss|Dr\.)?\s?[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b"
    r"|(?:^|[.;!?]\s+)I,\s+((?:Mr\.|Mrs\.|Miss|Dr\.)?\s?[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}),"
)
# every match of _SELF_NAME holds one of these: a span with none needs no scan
_SELF_NAME_WORDS = ("name", "all me", "myself", "called", "christened", "I,")
# `"Come here, Jane," she said to me`: the name is the narrator's
_TO_ME = re.compile(r"[\s,]*(?:[a-z]+ly\s+)?to me\b")


def self_name(
    text: str, paras: list[Paragraph], turns: list[Turn] | None = None, narrator: int | None = None
) -> str | None:
    """The name a first-person narrator gives themself, in the narration (`I called myself
    Pip`, `I, Lemuel Gulliver,`) or in their own lines (`"My name is Ishmael," I said`), or
    None."""
    counts: dict[str, int] = {}
    spans = [(piece.start, piece.end) for p in paras for piece in p.narration]
    # (a line only guessed to be the narrator's may be the visitor's `My name is Carver`)
    spans += [
        st.quote.inner
        for t in turns or []
        for st in t.states
        if narrator is not None and st.speaker == narrator and st.confidence >= 0.5
    ]
    for s, e in spans:
        words = text[s:e]
        if not any(w in words for w in _SELF_NAME_WORDS):
            continue
        for m in _SELF_NAME.finditer(text, s, e):
            name = (m.group(1) or m.group(2)).strip()
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda n: counts[n]) if counts else None


def called_by_others(text: str, turns: list[Turn], narrator: int, characters: list[Character]) -> str | None:
    """The name the others call the narrator by, when it is no character's yet: a vocative in
    a quote said `to me` counts twice, in a reply next to the narrator's own line once; two
    are needed, and nobody who speaks by name in a tag is the narrator."""
    speaking = {n for c in characters if c.__dict__.get("_tagged") for n in c.all_names()}
    counts: dict[str, int] = {}
    for ti, t in enumerate(turns):
        next_to = _beside_narrators_line(turns, ti, narrator)
        for st in t.states:
            if st.speaker == narrator or (st.tag is not None and st.tag.subject == "I"):
                continue
            to_me = _said_to_me(text, st)
            if not (to_me or next_to):
                continue
            for name in _names_called(text, st.quote.inner, speaking):
                counts[name] = counts.get(name, 0) + (2 if to_me else 1)
    return _most_called(text, counts)


def called_never_narrated(
    text: str, paras: list[Paragraph], turns: list[Turn], narrator: int, characters: list[Character]
) -> str | None:
    """The name the others call someone by (`"Come on, Jake," he said`) that the narration
    never writes: a first-person narration says `I`, never the narrator's own name, while it
    names everyone else it shows. Two addresses are needed, anywhere in the others' lines; a
    name the narration or a tag writes in another form (`Michael` beside `Mike said`) is
    someone else's."""
    speaking = {n for c in characters if c.__dict__.get("_tagged") for n in c.all_names()}
    counts: dict[str, int] = {}
    # twice, in a novel (once is never enough); in a short story, where the narrator may be
    # named only once (`"That is not the point, George."`, in reply to the narrator), a bare
    # given name once, when no other name is called as often (`Aunt Mary` once is more likely
    # someone else there); once, elsewhere, it is more likely a newcomer greeted at the door
    need = 1 if sum(len(t.states) for t in turns) < SHORT_STORY_QUOTES else 2
    # (short story only) called in a reply to an `I said` line (to the narrator's, in a story
    # that never tags them), or in a line said `to me`
    to_me: set[str] = set()
    tags_me = need == 1 and any(
        st.tag is not None and st.tag.subject == "I" for t in turns for st in t.states
    )
    for ti, t in enumerate(turns):
        for st in t.states:
            if st.speaker == narrator or (st.tag is not None and st.tag.subject == "I"):
                continue
            names = _names_called(text, st.quote.inner, speaking)
            for name in names:
                counts[name] = counts.get(name, 0) + 1
            if (
                names
                and need == 1
                and (
                    _said_to_me(text, st) or _beside_narrators_line(turns, ti, None if tags_me else narrator)
                )
            ):
                to_me.update(names)
    forms = {n: _forms(n) for n, k in counts.items() if k >= 2 or (need == 1 and " " not in n and n in to_me)}
    said = {w for n in speaking for w in name_key(n).split()}
    forms = {n: f for n, f in forms.items() if not f & said}
    if not forms:
        return None
    # the narration read once for every form of every name left
    written = re.compile(
        # bounded by letters, not `\b`: `_Cottleston Pie_` (italics) writes the name too
        r"(?<![^\W_])(?:" + "|".join(map(re.escape, sorted(set().union(*forms.values())))) + r")(?![^\W_])",
        re.IGNORECASE,
    )
    seen = {
        m.group().lower()
        for p in paras
        for piece in p.narration
        for m in written.finditer(text, piece.start, piece.end)
    }
    left = {n: counts[n] for n, f in forms.items() if not f & seen}
    if need == 1 and len(left) > 1 and sorted(left.values())[-2] == max(left.values()):
        return None  # two names called as often: which is the narrator's, nothing tells
    return _most_called(text, left, need)


def _said_to_me(text: str, st: QuoteState) -> bool:
    """Whether the quote's tag goes on `to me` (`"Come here, Jane," she said to me`)."""
    return (
        st.tag is not None
        and bool(st.tag.end)
        and _TO_ME.match(text, st.tag.end, st.tag.end + 30) is not None
    )


def _beside_narrators_line(turns: list[Turn], ti: int, narrator: int | None) -> bool:
    """Whether the paragraph before or after turn `ti` holds a line of the narrator's: one
    given to `narrator`, or (None) one tagged `I said`."""
    return any(
        0 <= tj < len(turns)
        and abs(turns[tj].para.index - turns[ti].para.index) == 1
        and any(
            st.speaker == narrator if narrator is not None else st.tag is not None and st.tag.subject == "I"
            for st in turns[tj].states
        )
        for tj in (ti - 1, ti + 1)
    )


def _forms(name: str) -> set[str]:
    """The name's words past a title, with the other forms of its given name, lower case."""
    words = [w for w in name_key(name).split() if w not in HONORIFICS]
    return set(words) | (set(same_person_names(words[0])) if words else set())


def _names_called(text: str, span: tuple[int, int], speaking: set[str]) -> list[str]:
    """The names a quote addresses that may be the narrator's: not a speaker's named in a
    tag, not a title alone (`Mademoiselle,`) or after an abbreviated one (`Mlle. Blanche`),
    not an oath (`Hot, my God!` calls on no one) or a word that is never a name."""
    out = []
    for m in VOCATIVE.finditer(text, *span):
        name = m.group(1)
        low = name.lower()
        if name in speaking or low in INTERJECTIONS or low in FORMS_OF_ADDRESS or low in NOT_NAMES:
            continue
        if _after_title(text, m.start(1)) or (len(name.split()) == 1 and _bare_title(name)):
            continue
        out.append(name)
    return out


def _most_called(text: str, counts: dict[str, int], need: int = 2) -> str | None:
    """The most called name, called `need` times or more, that the text ever capitalises
    mid-sentence (`Besides, I ...` opens quotes as an address would, and names nobody); each
    check reads the whole text, so only the five most called are checked."""
    often = [n for n in sorted(counts, key=lambda n: -counts[n]) if counts[n] >= need][:5]
    return next((n for n in often if mid_sentence(text, n)), None)


# the word before a `.`: `Mlle. Blanche.` names someone, the period is the title's, not a
# sentence's end before a one-word address
_WORD_BEFORE_DOT = re.compile(r"(\w+)\.\s+$")


def _bare_title(words: str) -> bool:
    """Whether `words` are titles only (`Mademoiselle`, `Sir`), no name."""
    return all(w.lower().rstrip(".") in HONORIFICS for w in words.split())


def _after_title(text: str, at: int) -> bool:
    """Whether the name at `at` follows an abbreviated title (`Mlle. `, `Gen. `)."""
    m = _WORD_BEFORE_DOT.search(text, max(0, at - 20), at)
    return m is not None and m.group(1).lower() in HONORIFICS


def character_named(name: str, characters: list[Character]) -> int | None:
    """The character one of whose names is `name` (or whose first name it is), or None."""
    for i, c in enumerate(characters):
        if name in c.all_names():
            return i
    for i, c in enumerate(characters):
        if any(n.split()[0] == name for n in c.all_names() if n.split()):
            return i
    return None
