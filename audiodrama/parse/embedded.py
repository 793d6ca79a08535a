"""Quoted words inside a narration sentence (scare quotes, titles, signs): narration, not speech.

`He called it his "study", though it was a cupboard.` `a card marked "Private"`, `the
"Lady of the Lake"`: the quote marks set off a word or a name the narrator mentions; nobody
says it. Such a quote sits inside the sentence: a word of the narration leads straight into
it (an article, a possessive, a preposition, "called", "the word", "marked", a past copula:
`the teas were "an institution", and she`), it is short, it
has no exclamation or question, no "I" or "you", and the sentence goes on after it in lower
case. Speech keeps its marks and its line: after a speech verb, a comma or a colon; a whole
sentence; an exclamation; anything addressed to someone.
"""

from __future__ import annotations

import re

from audiodrama.parse.honorifics import HONORIFICS
from audiodrama.parse.quotes import Paragraph, Piece
from audiodrama.parse.wordlists import SPEECH_VERBS

# The narration word just before the opening mark: the quote is a noun phrase of that sentence.
_LEAD_WORD = re.compile(
    r"(?:\b(?:of|the|a|an|his|her|their|its|my|your|our|to|as|by|from|about|upon|no|this|these"
    r"|those|some|any|every|in|on|for|into|word|words|called|named|marked|labelled|labeled"
    r"|entitled|inscribed|reading|titled|name|was|were|be|been|became|seemed)|['\u2019]s)$",
    re.I,
)
# Words written, not said: after "marked", "printed", "wrote down" ..., or in capitals (a sign,
# a label: `the words "DRINK ME," beautifully printed`, `the name "W. RABBIT,"`)
_WRITTEN_LEAD = re.compile(
    r"\b(?:marked|labelled|labeled|entitled|inscribed|titled|written|printed|engraved|painted"
    r"|name|so-called|wr(?:ote|ite|ites|itten)\s+(?:\w+\s+)?down)$",
    re.I,
)
_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Ww]e|[Uu]s|[Oo]ur|[Yy]ou|[Yy]our|[Tt]hee|[Tt]hou|[Yy]e)\b")
_EXCLAIM = re.compile(r"[!?\u00a1\u00bf]")
MAX_LENGTH = 60


def is_embedded(text: str, para: Paragraph, piece: Piece) -> bool:
    """True when the quote `piece` is a word or name mentioned inside a narration sentence."""
    quote = piece.quote
    if quote is None or not quote.closed or quote.continued:
        return False
    s, e = quote.inner
    words = text[s:e]
    if not words or len(words) > MAX_LENGTH or _EXCLAIM.search(words) or _PERSON.search(words):
        return False
    before = text[max(para.start, piece.start - 24) : piece.start].rstrip()
    if not before[-1:].isalpha():
        return False
    title = _is_title(words, before)
    if _LEAD_WORD.search(before) is None and _WRITTEN_LEAD.search(before) is None and not title:
        return False
    if words.rstrip()[-1:] == "," and not title and not _written(words, before):
        return False  # "Yes," he said / the words "my son," and "Frank,": said aloud
    after = text[piece.end : min(para.end, piece.end + 8)].lstrip()
    if words.rstrip().endswith(".") and not after[:1].islower():
        return False  # `her reproach of "They spoil the children."`: a sentence said
    return not after[:1].isupper()


def _is_title(words: str, before: str) -> bool:
    """True when the quoted `words` are a title or a name in capitals after a narration word
    that is not a speech verb: `the schooner "The Swallow" of Bath`, `finished "Bleak
    House" off Cape Ann`, `hum "Old Hundred" under his breath`. Two capitalised words at
    least: one (`"Hallo"`) is as often a word called out."""
    ws = words.rstrip(",").split()
    if not ws or len(ws) > 6 or not all(w[:1].isupper() or w in _SMALL for w in ws):
        return False
    if any(not w[-1:].isalpha() for w in ws[:-1]) or "." in words or ws[0].lower() in HONORIFICS:
        # `"Come, Fanny," she cried`; a name announced (`as "Mr. Henry Tilney,"`, `"Lady Elliot"`)
        return False
    if sum(w[:1].isupper() for w in ws) < 2 or not ws[-1][-1:].isalpha():
        return False
    last = before.rsplit(None, 1)[-1]
    return last.islower() and last not in SPEECH_VERBS


_SMALL = frozenset(["of", "the", "a", "an", "and", "in", "on", "to", "at", "for", "de", "or"])


def _written(words: str, before: str) -> bool:
    """True when the quoted `words` are written ones, so the comma after them is the
    sentence's: `a bottle marked "poison," it is`."""
    capitals = not any(c.islower() for c in words) and sum(c.isupper() for c in words) >= 2
    return capitals or _WRITTEN_LEAD.search(before) is not None


def demote_embedded(text: str, paras: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs with every embedded quote merged into the narration around it (the
    pieces still tile each paragraph)."""
    for para in paras:
        if not any(p.quote is not None and is_embedded(text, para, p) for p in para.pieces):
            continue
        pieces: list[Piece] = []
        for p in para.pieces:
            narration = p.kind == "n" or (p.quote is not None and is_embedded(text, para, p))
            if narration and pieces and pieces[-1].kind == "n":
                pieces[-1] = Piece("n", pieces[-1].start, p.end)
            elif narration:
                pieces.append(Piece("n", p.start, p.end))
            else:
                pieces.append(p)
        para.pieces = pieces
    return paras
