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
import re
from collections.abc import Mapping

from audiodrama.model import Character, Line
from audiodrama.parse.attribution import Attributor
from audiodrama.parse.characters import NARRATOR_FALLBACK, detect_first_person, discover, genders_for
from audiodrama.parse.names import NameIndex
from audiodrama.parse.narrator import name_narrator
from audiodrama.parse.quotes import (
    Paragraph,
    find_quotes,
    is_written,
    nested_quotes,
    trim,
    uses_single_quotes,
)
from audiodrama.parse.ranker import decode
from audiodrama.parse.reported import is_reported_speech
from audiodrama.parse.tags import is_pure_tag, split_leading_tag
from audiodrama.parse.turns import CONFIDENCE, Turn

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
    paras = find_quotes(text, paragraphs, uses_single_quotes(text))
    first_person = detect_first_person(text, paras)
    narrator: int | None = None
    if cast is not None:
        characters = list(cast)
        index = NameIndex(characters)
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
            characters.append(Character(name=NARRATOR_FALLBACK, gender="unknown"))
            narrator = len(characters) - 1
    genders = genders_for(characters)
    if first_person and cast is not None and narrator is None:
        # Whom do the narrator's partners address? That is the narrator's name.
        narrator = name_narrator(text, paras, index, genders, characters, cast_mode=True)
    return paras, characters, Attributor(text, paras, index, genders, narrator)


def _segment_and_attribute(
    text: str,
    paragraphs: list[tuple[int, int]],
    cast: list[Character] | None,
    model: Mapping[str, float] | None = None,
) -> tuple[list[Line], list[Character]]:
    paras, characters, attributor = setup(text, paragraphs, cast)
    # an epigraph (a lyric opening the story) is nobody's line: keep it out of the
    # conversation the ranker reasons about
    attributor.skip = _epigraph(paras, attributor.prepare())
    attributor.run_precise()
    decode(attributor, model)
    turns = attributor.turns
    narrator = attributor.narrator
    if cast is None and narrator is not None and characters[narrator].name == NARRATOR_FALLBACK:
        characters, turns = _rename_narrator(text, paras, characters, turns, narrator, attributor)
    for c in characters:
        c.__dict__.pop("_tagged", None)
    lines = _lines(text, paras, turns, characters, cast is not None)
    if cast is None:
        characters = _order(characters, lines)
    return lines, characters


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
    from audiodrama.parse.narrator import addressed_in_replies

    counts = addressed_in_replies(turns, narrator)
    counts = {
        c: n for c, n in counts.items() if c != narrator and not characters[c].__dict__.get("_tagged", False)
    }
    if counts:
        best = max(counts, key=lambda c: counts[c])
        if counts[best] >= 3:
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
    new_index = {}
    kept = []
    for i, c in enumerate(characters):
        if c.name:
            new_index[i] = len(kept)
            kept.append(c)
    for t in turns:
        for st in t.states:
            if st.speaker is not None:
                st.speaker = new_index.get(st.speaker)
            if st.addressee is not None:
                st.addressee = new_index.get(st.addressee)
    return kept, turns


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _lines(
    text: str, paras: list[Paragraph], turns: list[Turn], characters: list[Character], cast_given: bool
) -> list[Line]:
    """Build the Line objects: every piece of every paragraph becomes one or two lines."""
    states = {id(st.quote): st for t in turns for st in t.states}
    tag_pieces: set[tuple[int, int]] = set()
    for t in turns:
        for st in t.states:
            if st.tag_piece is not None:
                tag_pieces.add((t.para.index, st.tag_piece))
    out: list[Line] = []
    single = bool(paras) and paras[0].single
    epigraph = _epigraph(paras, turns)
    for para in paras:
        prev_para = paras[para.index - 1] if para.index > 0 else None
        for pi, piece in enumerate(para.pieces):
            if piece.kind == "q" and piece.quote is not None and para.index in epigraph:
                # quoted, but nobody's line: no speaker, so the narrator voices it
                out.append(
                    Line(
                        id="",
                        kind="dialogue",
                        text=_collapse(text[slice(*piece.quote.inner)]),
                        span=_spoken_span(text, piece.start, piece.end, *piece.quote.inner),
                        paragraph=para.index,
                        confidence=0.9,
                        rule="epigraph",
                    )
                )
                continue
            if (
                piece.kind == "q"
                and piece.quote is not None
                and is_written(text, para, prev_para, piece.quote)
            ):
                # a letter or a poem read out: the narrator reads it
                out.append(
                    Line(
                        id="",
                        kind="narration",
                        text=_collapse(text[piece.start : piece.end]),
                        span=(piece.start, piece.end),
                        paragraph=para.index,
                    )
                )
                continue
            if (
                piece.kind == "q"
                and piece.quote is not None
                and is_reported_speech(_collapse(text[slice(*piece.quote.inner)]))
            ):
                out.append(
                    Line(
                        id="",
                        kind="narration",
                        text=_collapse(text[piece.start : piece.end]),
                        span=(piece.start, piece.end),
                        paragraph=para.index,
                        rule="reported",
                    )
                )
                continue
            if piece.kind == "q" and piece.quote is not None:
                st = states.get(id(piece.quote))
                s, e = piece.quote.inner
                words = _collapse(text[s:e]) or _collapse(text[piece.start : piece.end])
                speaker = addressee = None
                rule, conf = "", 0.0
                if st is not None and st.speaker is not None and st.speaker < len(characters):
                    speaker = characters[st.speaker].name
                    rule, conf = st.rule, st.confidence
                elif cast_given and not characters:
                    rule, conf = "cast-none", CONFIDENCE["cast-none"]
                else:
                    rule, conf = "unattributed", 0.0
                if st is not None and st.addressee is not None and st.addressee < len(characters):
                    addressee = characters[st.addressee].name
                parts = [
                    c
                    for p in _split_nested(text, piece.start, piece.end, piece.quote.inner, single)
                    for c in _chunk(text, *p)
                ]
                for ps, pe in parts:
                    ws, we = max(ps, s), min(pe, e)
                    part_words = _collapse(text[ws:we]) if len(parts) > 1 else words
                    out.append(
                        Line(
                            id="",
                            kind="dialogue",
                            text=part_words or words,
                            span=_spoken_span(text, ps, pe, s, e),
                            speaker=speaker,
                            paragraph=para.index,
                            confidence=round(conf, 3),
                            rule=rule,
                            addressee=addressee,
                        )
                    )
                continue
            frag = text[piece.start : piece.end]
            if (para.index, pi) in tag_pieces:
                if is_pure_tag(frag):
                    out.append(
                        Line(
                            id="",
                            kind="tag",
                            text=_collapse(frag),
                            span=(piece.start, piece.end),
                            paragraph=para.index,
                        )
                    )
                    continue
                cut = split_leading_tag(text, piece.start, piece.end)
                if cut is not None:
                    rest = cut
                    while rest < piece.end and text[rest].isspace():
                        rest += 1
                    out.append(
                        Line(
                            id="",
                            kind="tag",
                            text=_collapse(text[piece.start : cut]),
                            span=(piece.start, cut),
                            paragraph=para.index,
                        )
                    )
                    out.append(
                        Line(
                            id="",
                            kind="narration",
                            text=_collapse(text[rest : piece.end]),
                            span=(rest, piece.end),
                            paragraph=para.index,
                        )
                    )
                    continue
            out.append(
                Line(
                    id="",
                    kind="narration",
                    text=_collapse(frag),
                    span=(piece.start, piece.end),
                    paragraph=para.index,
                )
            )
    return out


def _spoken_span(text: str, start: int, end: int, inner_start: int, inner_end: int) -> tuple[int, int]:
    """The span of the words spoken: the quote marks and the space inside them are
    typography, not speech, so a dialogue line's span leaves them out (a line that is
    nothing but marks keeps its whole piece)."""
    s, e = trim(text, max(start, inner_start), min(end, inner_end))
    return (s, e) if e > s else (start, end)


def _epigraph(paras: list[Paragraph], turns: list[Turn]) -> set[int]:
    """Paragraphs of an epigraph: a story that opens, before any narration, with an
    untagged quotation running over several paragraphs (a song lyric, a motto). It stays
    a quoted (dialogue) line but with no speaker: the narrator voices it."""
    tagged = {t.para.index for t in turns if any(st.tag is not None for st in t.states)}
    out: list[int] = []
    for para in paras:
        if not para.pieces:
            continue
        if any(p.kind == "n" for p in para.pieces) or para.index in tagged:
            break
        qs = para.quotes
        if not out:
            if len(qs) != 1 or qs[0].closed:
                break  # an opening line of dialogue, not a multi-paragraph lyric
            out.append(para.index)
        elif qs and qs[0].continued:
            out.append(para.index)
            if qs[-1].closed:
                break
        else:
            break
    return set(out) if len(out) >= 2 else set()


def _split_nested(
    text: str, start: int, end: int, inner: tuple[int, int], single: bool
) -> list[tuple[int, int]]:
    """A long speech that quotes others is split at its nested quotes (same speaker), so
    that each line stays a readable unit; short quotes stay whole."""
    s, e = inner
    if e - s < 300:
        return [(start, end)]
    cuts: list[int] = []
    for ns, ne in nested_quotes(text, s, e, single):
        cuts.extend((ns, ne))
    # `(with a smile)`: a stage direction inside a long speech gets its own line
    for m in _PAREN.finditer(text, s, e):
        cuts.extend((m.start(), m.end()))
    cuts.sort()
    if not cuts:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    pos = start
    for c in cuts:
        if c > pos:
            out.append((pos, c))
            pos = c
    if end > pos:
        out.append((pos, end))
    # trim whitespace at the cut points; drop empty parts
    trimmed = [(ps, pe) for ps, pe in (trim(text, *p) for p in out) if pe > ps]
    return trimmed or [(start, end)]


_PAREN = re.compile(r"\([^()\n]{1,60}\)")
_SENTENCE_END = re.compile(r"(?:[.!?;]|--|\u2014)[\"'\u201d\u2019)_]*\s+")


def _chunk(text: str, start: int, end: int, size: int = 250, longer_than: int = 500) -> list[tuple[int, int]]:
    """Split a long speech into runs of whole sentences of about `size` characters (one
    line each, same speaker), so a listener-facing line stays a breath long."""
    if end - start <= longer_than:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    pos = start
    last_cut = None
    for m in _SENTENCE_END.finditer(text, start, end):
        cut = m.end()
        if cut >= end - 40:
            break
        if cut - pos > size and last_cut is not None and last_cut > pos:
            out.append((pos, last_cut))
            pos = last_cut
        last_cut = cut
        if cut - pos >= size:
            out.append((pos, cut))
            pos = cut
    out.append((pos, end))
    trimmed = []
    for ps, pe in out:
        while pe > ps and text[pe - 1].isspace():
            pe -= 1
        if pe > ps:
            trimmed.append((ps, pe))
    return trimmed


def _order(characters: list[Character], lines: list[Line]) -> list[Character]:
    """Main characters first: by number of dialogue lines, then as discovered."""
    counts: dict[str, int] = {}
    for l in lines:
        if l.kind == "dialogue" and l.speaker:
            counts[l.speaker] = counts.get(l.speaker, 0) + 1
    order = sorted(range(len(characters)), key=lambda i: (-counts.get(characters[i].name, 0), i))
    return [characters[i] for i in order]
