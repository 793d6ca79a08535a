"""The dialogue stage: quotes, characters, speaker attribution and speech tags.

`segment_and_attribute` is the entry point parse_story calls. It splits every body
paragraph into narration, dialogue and speech-tag lines that tile the paragraph,
finds (or takes from the cast) the characters, and attributes each quote to one.
It never raises: on an internal error it degrades to one narration line per paragraph.

First-person narrator: when the narration says `I said` often enough, the narrator is a
character. Without a cast it is named after the name the other characters most often
address in reply to the narrator's lines (`"Hello, Jake."`), else "Narrator (I)". With
a cast, the cast character with an alias `_narr`, `Narrator`, `I` or `Narrator (I)` is the
narrator, else the cast character most often addressed next to the narrator's lines.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from audiodrama.model import NARRATOR, Character, Line
from audiodrama.parse.attribution import Attributor
from audiodrama.parse.characters import (
    NARRATOR_FALLBACK,
    detect_first_person,
    discover,
    gendered_cast,
    genders_for,
)
from audiodrama.parse.eldest import key_eldest, key_surname_bearer
from audiodrama.parse.embedded import demote_embedded
from audiodrama.parse.first_names import gender_priors
from audiodrama.parse.lines import build_lines, epigraph_paragraphs
from audiodrama.parse.names import NameIndex
from audiodrama.parse.narrator import (
    addressed_in_replies,
    called_by_others,
    called_never_narrated,
    character_named,
    early_narrator,
    name_narrator,
    self_name,
)
from audiodrama.parse.quotes import (
    Paragraph,
    find_quotes,
    uses_single_quotes,
)
from audiodrama.parse.ranker import decode
from audiodrama.parse.revealed import fold, fold_revealed, is_description
from audiodrama.parse.turns import Turn, renumber_speakers

log = logging.getLogger(__name__)

_NARRATOR_ALIASES = {"_narr", "narrator", "i", "narrator (i)", "me"}


def segment_and_attribute(
    text: str,
    paragraphs: list[tuple[int, int]],
    cast: list[Character] | None,
    model: Mapping[str, float] | None = None,
) -> tuple[list[Line], list[Character]]:
    """Lines (narration / dialogue / tag) tiling each paragraph, and the characters.
    `model`: the ranker's weights (None: the packaged model)."""
    try:
        return _segment_and_attribute(text, paragraphs, cast, model)
    except Exception:
        log.exception("dialogue attribution failed; falling back to plain narration")
        lines = []
        for i, (s, e) in enumerate(paragraphs):
            words = " ".join(text[s:e].split())
            if words:
                lines.append(Line(id="", kind="narration", text=words, span=(s, e), paragraph=i))
        return lines, list(cast or [])


def setup(
    text: str, paragraphs: list[tuple[int, int]], cast: list[Character] | None
) -> tuple[list[Paragraph], list[Character], Attributor]:
    """Quotes, characters and a ready Attributor (not yet run) for a story."""
    paras = demote_embedded(text, find_quotes(text, paragraphs, uses_single_quotes(text)))
    first_person = detect_first_person(text, paras)
    narrator: int | None = None
    if cast is not None:
        characters = list(cast)
        index = NameIndex(characters)
        key_eldest(index, text)
        key_surname_bearer(index)
        if first_person:
            narrator = next(
                (
                    i
                    for i, c in enumerate(characters)
                    if any(n.lower() in _NARRATOR_ALIASES for n in c.all_names())
                ),
                None,
            )
    else:
        characters, prominence = discover(text, paras)
        index = NameIndex(characters, prominence)
        if first_person:
            narrator, index = early_narrator(text, paras, characters, prominence, index)
        if first_person and narrator is None:
            characters.append(Character(name=NARRATOR_FALLBACK, gender="unknown"))
            narrator = len(characters) - 1
    genders = genders_for(characters)
    if cast is not None and all(g == "unknown" for g in genders):
        # a cast that gives no gender at all is a list of names (a cast file may be no more):
        # the text genders them, as discovery does (and the script says so, for the voices);
        # one that gives some is taken at its word
        characters = gendered_cast(text, paras, characters)
        genders = genders_for(characters)
    if first_person and cast is not None and narrator is None:
        # Whom do the narrator's partners address? That is the narrator's name.
        narrator = name_narrator(text, paras, index, genders, characters, cast_mode=True)
    attributor = Attributor(text, paras, index, genders, narrator)
    attributor.referents = {
        at: i for i, c in enumerate(characters) for at in c.__dict__.pop("_referred_at", [])
    }
    return paras, characters, attributor


def _segment_and_attribute(
    text: str,
    paragraphs: list[tuple[int, int]],
    cast: list[Character] | None,
    model: Mapping[str, float] | None = None,
) -> tuple[list[Line], list[Character]]:
    paras, characters, attributor = setup(text, paragraphs, cast)
    # an epigraph (a lyric opening the story) is nobody's line: keep it out of the
    # conversation the ranker reasons about
    attributor.skip = epigraph_paragraphs(paras, attributor.prepare())
    attributor.run_precise()
    decode(attributor, model)
    turns = attributor.turns
    narrator = attributor.narrator
    if cast is None:
        characters, narrator = _fold_descriptions(text, characters, turns, attributor, narrator)
    if cast is None and narrator is not None and characters[narrator].name == NARRATOR_FALLBACK:
        characters, turns = _rename_narrator(text, paras, characters, turns, narrator, attributor)
    for c in characters:
        c.__dict__.pop("_tagged", None)
        if cast is None and NARRATOR_FALLBACK in c.all_names() and NARRATOR not in c.aliases:
            # a first-person narrator answers to "Narrator" too, as annotators and cast
            # files call them (`_narr` / "Narrator" in PDNC; a cast alias marks the narrator)
            c.aliases.append(NARRATOR)
    lines = build_lines(text, paras, turns, characters, cast is not None)
    if cast is None:
        characters = _order(characters, lines)
    return lines, characters


def _fold_descriptions(
    text: str, characters: list[Character], turns: list[Turn], attributor: Attributor, narrator: int | None
) -> tuple[list[Character], int | None]:
    """Descriptions whose name the text reveals folded into that character (descriptions.py)."""
    described = {i for i, c in enumerate(characters) if is_description(c)}
    into = fold_revealed(text, characters, turns, attributor.index, described) if described else {}
    if not into:
        return characters, narrator
    kept = fold(characters, turns, into)
    if narrator is None:
        return kept, None
    return kept, next(i for i, c in enumerate(kept) if c is characters[narrator])


def _rename_narrator(
    text: str,
    paras: list[Paragraph],
    characters: list[Character],
    turns: list[Turn],
    narrator: int,
    attributor: Attributor,
) -> tuple[list[Character], list[Turn]]:
    """Name the discovered narrator after what the others call them.

    The name most often addressed in the quotes next to the narrator's own lines, among
    the characters never named in a speech tag (the narrator is tagged `I`, never by
    name), is the narrator's name; that character and the narrator are merged.
    """
    counts = addressed_in_replies(text, turns, narrator)
    counts = {
        c: n for c, n in counts.items() if c != narrator and not characters[c].__dict__.get("_tagged", False)
    }
    # "My name is Pip": the narrator's word beats the others'
    own = (
        self_name(text, paras, turns, narrator)
        or called_by_others(text, turns, narrator, characters)
        or called_never_narrated(text, paras, turns, narrator, characters)
    )
    named = character_named(own, characters) if own else None
    if own and named is None:
        characters[narrator].name = own
        characters[narrator].aliases = [NARRATOR_FALLBACK]
        characters[narrator].gender = gender_priors([[own]])[0]  # Jane: the first-name list
    if counts or named is not None:
        best = named if named is not None else max(counts, key=lambda c: counts[c])
        if named is not None or counts[best] >= 3:
            other = characters[best]
            narr = characters[narrator]
            narr.name = other.name
            narr.aliases = [*other.aliases, NARRATOR_FALLBACK]
            narr.gender = other.gender
            for t in turns:
                for st in t.states:
                    if st.speaker == best:
                        st.speaker = narrator
                    if st.addressee == best:
                        st.addressee = narrator
            other.name = ""  # dropped below
    new_index: dict[int, int] = {}
    kept: list[Character] = []
    for i, c in enumerate(characters):
        if c.name:
            new_index[i] = len(kept)
            kept.append(c)
    renumber_speakers(turns, new_index)
    return kept, turns


def _order(characters: list[Character], lines: list[Line]) -> list[Character]:
    """Main characters first: by number of dialogue lines, then as discovered."""
    counts: dict[str, int] = {}
    for l in lines:
        if l.kind == "dialogue" and l.speaker:
            counts[l.speaker] = counts.get(l.speaker, 0) + 1
    order = sorted(range(len(characters)), key=lambda i: (-counts.get(characters[i].name, 0), i))
    return [characters[i] for i in order]
