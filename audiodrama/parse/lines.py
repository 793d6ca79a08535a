"""The lines of the cast script: every piece of every paragraph as narration, dialogue or a
speech tag, a long speech cut into breath-long lines (same speaker)."""

from __future__ import annotations

import re

from audiodrama.model import Character, Line
from audiodrama.parse.quoted import (
    hands_over_writing,
    in_recited_verse,
    introduces_letter,
    is_letter,
    is_written,
    nested_quotes,
    reads_on,
)
from audiodrama.parse.quotes import Paragraph, Piece, trim
from audiodrama.parse.reported import (
    MIN_LENGTH_IN_NARRATION,
    is_reported_speech,
    is_unspoken,
    sits_in_narration,
)
from audiodrama.parse.tags import is_pure_tag, split_leading_tag
from audiodrama.parse.turns import CONFIDENCE, QuoteState, Turn


def _collapse(s: str) -> str:
    return " ".join(s.split())


def build_lines(
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
    epigraph = epigraph_paragraphs(paras, turns)
    reading = False  # this paragraph goes on with a letter
    handed_over = False  # the narration before ends on a written text
    for para in paras:
        prev_para = paras[para.index - 1] if para.index > 0 else None
        quote_only = bool(para.pieces) and all(p.kind == "q" for p in para.pieces)
        reading = quote_only and (
            (reading and _goes_on_letter(text, para)) or (handed_over and reads_on(text, para))
        )
        verse = in_recited_verse(text, para, prev_para)
        next_reading = False
        for pi, piece in enumerate(para.pieces):
            if piece.kind == "q" and piece.quote is not None:
                if para.index in epigraph:
                    out.append(_epigraph_line(text, para.index, piece))
                elif not text[slice(*piece.quote.inner)].strip(_MARKS):
                    # stray marks with nothing between them ("?" and ". . ." are replies)
                    out.append(_narration(text, para.index, piece.start, piece.end))
                elif reading or verse or is_written(text, para, prev_para, piece.quote):
                    # a letter or a poem read out: the narrator reads it. The quoted paragraphs
                    # that follow a letter go on with it (its next paragraph, a signature, a P.S.)
                    next_reading = quote_only and (reading or is_letter(text[slice(*piece.quote.inner)]))
                    out.append(_narration(text, para.index, piece.start, piece.end))
                elif is_unspoken(text, para, piece) or _reported(text, para, piece):
                    out.append(_narration(text, para.index, piece.start, piece.end, rule="reported"))
                else:
                    state = states.get(id(piece.quote))
                    out.extend(
                        _dialogue_lines(text, para.index, piece, state, characters, cast_given, single)
                    )
            else:
                out.extend(_narration_lines(text, para.index, piece, (para.index, pi) in tag_pieces))
        if para.pieces and para.pieces[-1].kind == "n":
            next_reading = introduces_letter(text, para)
        reading = next_reading
        handed_over = hands_over_writing(text, para)
    return out


_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u2039\u203a \t\n"


def _reported(text: str, para: Paragraph, piece: Piece) -> bool:
    """is_reported_speech of the piece's quote, its spaces collapsed; a quote shorter than
    the least minimum before collapsing is shorter after: not collapsed for nothing."""
    if piece.quote is None:
        return False
    s, e = piece.quote.inner
    if e - s < MIN_LENGTH_IN_NARRATION:
        return False
    return is_reported_speech(_collapse(text[s:e]), sits_in_narration(text, para, piece))


_LETTER_PARAGRAPH = 150
_SIGNATURE = 40


def _goes_on_letter(text: str, para: Paragraph) -> bool:
    """True when a quoted paragraph right after a letter's can go on with the letter: it
    continues the letter's open quote, is long (a next paragraph, a P.S.), or is a signature.
    A short question or exclamation there is someone's reply."""
    first = para.pieces[0].quote
    if first is None or first.continued:
        return first is not None
    words = text[slice(*first.inner)]
    if len(words) >= _LETTER_PARAGRAPH or is_letter(words):
        return True
    return len(words) <= _SIGNATURE and not any(c in words for c in "?!")


def _narration(text: str, para_index: int, start: int, end: int, rule: str = "") -> Line:
    return Line(
        id="",
        kind="narration",
        text=_collapse(text[start:end]),
        span=(start, end),
        paragraph=para_index,
        rule=rule,
    )


def _epigraph_line(text: str, para_index: int, piece: Piece) -> Line:
    """Quoted, but nobody's line: no speaker, so the narrator voices it."""
    assert piece.quote is not None
    return Line(
        id="",
        kind="dialogue",
        text=_collapse(text[slice(*piece.quote.inner)]),
        span=_spoken_span(text, piece.start, piece.end, *piece.quote.inner),
        paragraph=para_index,
        confidence=0.9,
        rule="epigraph",
    )


def _dialogue_lines(
    text: str,
    para_index: int,
    piece: Piece,
    st: QuoteState | None,
    characters: list[Character],
    cast_given: bool,
    single: bool,
) -> list[Line]:
    """A quote as dialogue: one line, or several (nested quotes, long speeches)."""
    assert piece.quote is not None
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
    if e - s < _NESTED_FROM and piece.end - piece.start <= _CHUNK_OVER:
        parts = [(piece.start, piece.end)]  # what the two below give a short quote, uncalled
    else:
        parts = [
            c
            for p in _split_nested(text, piece.start, piece.end, piece.quote.inner, single)
            for c in _chunk(text, *p)
        ]
    out = []
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
                paragraph=para_index,
                confidence=round(conf, 3),
                rule=rule,
                addressee=addressee,
            )
        )
    return out


def _narration_lines(text: str, para_index: int, piece: Piece, holds_tag: bool) -> list[Line]:
    """A narration piece: narration, a speech tag, or a tag and the narration after it."""
    frag = text[piece.start : piece.end]
    if holds_tag:
        if is_pure_tag(frag):
            return [
                Line(
                    id="",
                    kind="tag",
                    text=_collapse(frag),
                    span=(piece.start, piece.end),
                    paragraph=para_index,
                )
            ]
        cut = split_leading_tag(text, piece.start, piece.end)
        if cut is not None:
            rest = cut
            while rest < piece.end and text[rest].isspace():
                rest += 1
            return [
                Line(
                    id="",
                    kind="tag",
                    text=_collapse(text[piece.start : cut]),
                    span=(piece.start, cut),
                    paragraph=para_index,
                ),
                _narration(text, para_index, rest, piece.end),
            ]
    return [_narration(text, para_index, piece.start, piece.end)]


def _spoken_span(text: str, start: int, end: int, inner_start: int, inner_end: int) -> tuple[int, int]:
    """The span of the words spoken: the quote marks and the space inside them are
    typography, not speech, so a dialogue line's span leaves them out (a line that is
    nothing but marks keeps its whole piece)."""
    s, e = trim(text, max(start, inner_start), min(end, inner_end))
    return (s, e) if e > s else (start, end)


def epigraph_paragraphs(paras: list[Paragraph], turns: list[Turn]) -> set[int]:
    """Paragraphs of an epigraph: a story that opens, before any narration, with an
    untagged quotation running over several paragraphs (a song lyric, a motto). It stays
    a quoted (dialogue) line but with no speaker: the narrator voices it."""
    tagged: set[int] | None = None  # built only if the story opens on a quote
    out: list[int] = []
    for para in paras:
        if not para.pieces:
            continue
        if any(p.kind == "n" for p in para.pieces):
            break
        if tagged is None:
            tagged = {t.para.index for t in turns if any(st.tag is not None for st in t.states)}
        if para.index in tagged:
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


# a speech this long (its words) or longer is split at its nested quotes
_NESTED_FROM = 300
# a stretch longer than this is cut into sentences
_CHUNK_OVER = 300


def _split_nested(
    text: str, start: int, end: int, inner: tuple[int, int], single: bool
) -> list[tuple[int, int]]:
    """A long speech that quotes others is split at its nested quotes (same speaker), so
    that each line stays a readable unit; short quotes stay whole."""
    s, e = inner
    if e - s < _NESTED_FROM:
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
    # trim whitespace at the cut points; drop empty parts and the bare closing marks after a
    # nested quote that ends the speech (`...say 'No?'"`): typography, not a line
    trimmed = [(ps, pe) for ps, pe in (trim(text, *p) for p in out) if text[ps:pe].strip(_MARKS)]
    return trimmed or [(start, end)]


_PAREN = re.compile(r"\([^()\n]{1,60}\)")
_SENTENCE_END = re.compile(r"(?:[.!?;]|--|\u2014)[\"'\u201d\u2019)_]*\s+")


def _chunk(
    text: str, start: int, end: int, size: int = 250, longer_than: int = _CHUNK_OVER
) -> list[tuple[int, int]]:
    """Split a long speech into runs of whole sentences of about `size` characters (one
    line each, same speaker), so a listener-facing line stays a breath long. Anything over
    `longer_than` is cut: a story told in dialogue holds other voices and narration whose
    marks are often lost, and a line of a whole page would hide them."""
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
