"""Quote finding: split each paragraph into quoted speech and the narration around it.

Handles straight and curly double quotes, British single-quote dialogue (detected when
a text uses it), quotes interrupted by a speech tag, quotes that continue over
paragraphs (the old convention: no closing mark at the end of a paragraph, an
opening mark at the start of the next), nested quotes ('single inside double' is just
content of the outer quote) and unbalanced quotes (capped at the paragraph end).
Other languages' conventions are read too: « French » and »German« guillemets (the
direction is detected per text), „German“ low-high quotes, ‹single› guillemets, and
dash-led dialogue (— Oui, dit-il. / —Hola —dijo él—. ¿Qué tal?).

Pure functions over the text; never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audiodrama.parse.songs import introduces_song, is_verse

# Double-quote marks: which ones can open, which can close.
_DQ_OPEN = {"\u201c", "\u00ab", "\u201e"}
_DQ_CLOSE = {"\u201d", "\u00bb"}
_DQ_BOTH = {'"'}
# Single-quote marks (only used when the text writes dialogue in single quotes).
_SQ_OPEN = {"\u2018"}
_SQ_CLOSE = {"\u2019"}
_SQ_BOTH = {"'"}

# a single quote opening a word after a space, bracket or dash: found from the quote mark,
# which the regex engine skips to in C (from the space, it stopped at every space)
_SQ_OPENER_RE = re.compile(r"['\u2018](?<=[\s(\[\u2014].)[A-Za-z\u00c0-\u024f]")
_DQ_CHARS = '"\u201c\u201d\u00ab\u00bb\u201e\u2039\u203a'
DQ_MARKS = re.compile(f"[{_DQ_CHARS}]")
_SQ_AT_START = re.compile(r"\s*['\u2018][A-Za-z\u00c0-\u024f]")
_SQ_MARKS = re.compile(r"['\u2018\u2019]")
NESTED_SQ_MARKS = re.compile(r"['\u2018\u2019\u201a\u2039\u203a]")
_TAG_START = re.compile(
    r"\s+(?:said|says|asked|cried|he|she|they|I|we|replied|answered|added|continued|thought)\b"
)


@dataclass
class Quote:
    """One quoted stretch inside a paragraph."""

    start: int
    """Offset of the opening mark (or of the first word when the mark is missing)."""
    end: int
    """Offset just past the closing mark (or the paragraph end when unclosed)."""
    inner: tuple[int, int]
    """[start, end) of the quoted words, marks and surrounding spaces excluded."""
    paragraph: int
    """Index of the paragraph (into the `paragraphs` list)."""
    closed: bool = True
    """False when the paragraph ended before a closing mark."""
    continued: bool = False
    """True when this quote continues an unclosed quote of the previous paragraph."""


@dataclass
class Piece:
    """A stretch of a paragraph: quoted speech ('q') or narration ('n')."""

    kind: str
    start: int
    end: int
    quote: Quote | None = None


@dataclass
class Paragraph:
    """A body paragraph split into pieces that tile it."""

    index: int
    start: int
    end: int
    pieces: list[Piece] = field(default_factory=list)
    single: bool = False
    """True when the text writes dialogue in single quotes."""

    @property
    def quotes(self) -> list[Quote]:
        """The quotes of the paragraph in order (a new list)."""
        # `_views`' test inlined: read tens of thousands of times, mostly while it holds
        views = self.__dict__.get("_views_of")
        if views is None or views[2] is not self.pieces or views[3] != len(self.pieces):
            views = self._views()
        return list(views[0])

    @property
    def narration(self) -> list[Piece]:
        """The narration pieces in order (a new list)."""
        views = self.__dict__.get("_views_of")
        if views is None or views[2] is not self.pieces or views[3] != len(self.pieces):
            views = self._views()
        return list(views[1])

    def _views(self) -> tuple[tuple[Quote, ...], tuple[Piece, ...], list[Piece], int]:
        """(quotes, narration) of the pieces, kept while the pieces are the same list of the
        same length (the attribution reads them tens of thousands of times per novel; the
        pieces are built by appending, and replaced, never set one by one once read)."""
        views: tuple[tuple[Quote, ...], tuple[Piece, ...], list[Piece], int] | None
        views = self.__dict__.get("_views_of")
        pieces = self.pieces
        if views is None or views[2] is not pieces or views[3] != len(pieces):
            quotes = tuple(p.quote for p in pieces if p.quote is not None)
            narration = tuple(p for p in pieces if p.kind == "n")
            views = self.__dict__["_views_of"] = (quotes, narration, pieces, len(pieces))
        return views


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """[s, e) without the whitespace at either end (empty spans come back with s == e)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def uses_single_quotes(text: str) -> bool:
    """True when the text writes dialogue in single quotes ('Hello,' she said)."""
    doubles = sum(map(text.count, _DQ_CHARS))  # DQ_MARKS' matches, counted without a list
    singles = len(_SQ_OPENER_RE.findall(text)) + (1 if _SQ_AT_START.match(text) else 0)
    # British texts have nested double quotes now and then; dialogue in single quotes
    # shows as many more single openers than double marks.
    return singles >= 2 and doubles * 3 < singles


@dataclass(frozen=True)
class Convention:
    """How a text marks its dialogue: which marks open and close a quote."""

    opens: frozenset[str]
    closes: frozenset[str]
    both: frozenset[str]
    single: bool = False
    """Dialogue in single quotes ('Hello,' she said)."""


_GERMAN_GUILLEMET_OPEN = re.compile(r"(?:^|\s)[\u00bb\u203a](?=\w)")
_FRENCH_GUILLEMET_OPEN = re.compile(r"(?:^|\s)[\u00ab\u2039]")


def quote_convention(text: str, single: bool | None = None) -> Convention:
    """The text's quote marks: single or double, and for double which way guillemets
    point (« French » or »German«) and whether “ closes („German“) or opens (“English”)."""
    if single is None:
        single = uses_single_quotes(text)
    if single:
        return Convention(frozenset(_SQ_OPEN), frozenset(_SQ_CLOSE), frozenset(_SQ_BOTH), True)
    opens, closes = set(_DQ_OPEN) | {"\u2039"}, set(_DQ_CLOSE) | {"\u203a"}
    # (no » or › in the text: no German guillemet, and no need to scan it twice)
    german = len(_GERMAN_GUILLEMET_OPEN.findall(text)) if "\u00bb" in text or "\u203a" in text else 0
    if german and german > len(_FRENCH_GUILLEMET_OPEN.findall(text)):
        opens, closes = (
            (opens - {"\u00ab", "\u2039"}) | {"\u00bb", "\u203a"},
            (closes - {"\u00bb", "\u203a"}) | {"\u00ab", "\u2039"},
        )
    if text.count("\u201e") >= max(1, text.count("\u201d")):
        opens, closes = opens - {"\u201c"}, closes | {"\u201c"}  # „so“
    return Convention(frozenset(opens), frozenset(closes), frozenset(_DQ_BOTH))


def is_apostrophe(text: str, i: int, is_open: bool, para_end: int) -> bool:
    """In single-quote mode, tell an apostrophe (don't, boys', 'tis) from a quote mark."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isalnum() and nxt.isalnum():
        return True  # don't, o'clock
    if is_open:
        # A closing candidate must follow a word or punctuation.
        if prev.isspace():
            return True  # ' floating after a space inside a quote: 'em, 'tis
        if prev in "sS" and nxt == " ":
            # plural possessive (the boys' books) unless a speech tag follows
            rest = text[i + 1 : min(para_end, i + 40)]
            if rest[1:2].islower() and not _TAG_START.match(rest):
                return True
        return False
    # An opening candidate must precede a word, after a space or the paragraph start.
    return not (prev.isspace() or prev in "([\u2014-" or i == 0) or nxt.isspace()


def split_paragraph(
    text: str,
    index: int,
    start: int,
    end: int,
    single: bool,
    continues: bool,
    convention: Convention | None = None,
) -> Paragraph:
    """Split text[start:end] into narration and quote pieces that tile it.

    `continues`: the previous paragraph ended inside an open quote, so a quote
    opening at the very start of this one continues it. `convention`: the text's quote
    marks (default: English marks and ‹ ›, single or double as `single` says).
    """
    convention = convention or quote_convention("", single)
    opens, both = convention.opens, convention.both
    para = Paragraph(index, start, end)
    open_at = -1
    virtual_open = -1
    if continues and text[start] not in opens and text[start] not in both:
        # The previous paragraph's quote went on without a new opening mark: if this
        # paragraph has an odd number of marks, its first mark closes that quote.
        n_marks = len(DQ_MARKS.findall(text, start, end))
        if n_marks % 2 == 1 and not single:
            open_at = start
            virtual_open = start
    quotes = _quote_marks(text, start, end, single, convention, open_at)
    pos = start
    for qs, qe, closed in quotes:
        if qs > pos:
            _add_narration(text, para, pos, qs)
        inner_s, inner_e = trim(text, qs + (qs != virtual_open), qe - 1 if closed else qe)
        q = Quote(qs, qe, (inner_s, inner_e), index, closed, continued=continues and qs == start)
        para.pieces.append(Piece("q", qs, qe, q))
        pos = qe
    if pos < end:
        _add_narration(text, para, pos, end)
    return para


def _quote_marks(
    text: str, start: int, end: int, single: bool, convention: Convention, open_at: int
) -> list[tuple[int, int, bool]]:
    """(open mark pos, close end, closed) of the quotes in text[start:end], pairing the marks
    left to right; `open_at` >= 0: a quote is already open there."""
    opens, closes, both = convention.opens, convention.closes, convention.both
    quotes: list[tuple[int, int, bool]] = []
    mark_re = _SQ_MARKS if single else DQ_MARKS
    for mm in mark_re.finditer(text, start, end):
        i = mm.start()
        ch = text[i]
        if single and (ch in both or ch in _SQ_CLOSE) and is_apostrophe(text, i, open_at >= 0, end):
            continue
        if open_at < 0:
            if ch in opens or ch in both:
                open_at = i
            elif (
                not single and i + 1 < end and text[i + 1].isalpha() and (i == start or text[i - 1].isspace())
            ):
                open_at = i  # a closing curly mark used as an opener
        elif ch in closes or ch in both or i + 1 >= end or text[i + 1].isspace():
            # a closing mark; or an opening mark where a close belongs ("Hi,“ she said)
            quotes.append((open_at, i + 1, True))
            open_at = -1
    if open_at >= 0:
        quotes.append((open_at, end, False))
    return quotes


def _add_narration(text: str, para: Paragraph, s: int, e: int) -> None:
    """Add text[s:e] as a narration piece, trimmed; nothing if it is all whitespace."""
    s, e = trim(text, s, e)
    if e > s:
        para.pieces.append(Piece("n", s, e))


def find_quotes(text: str, paragraphs: list[tuple[int, int]], single: bool | None = None) -> list[Paragraph]:
    """Split every paragraph into quote and narration pieces.

    `single`: force single-quote (True) or double-quote (False) dialogue; None detects it.
    """
    if single is None:
        single = uses_single_quotes(text)
    convention = quote_convention(text, single)
    dashes = uses_dash_dialogue(text, paragraphs)
    out: list[Paragraph] = []
    prev_open = prev_song = inset = False
    for index, (s, e) in enumerate(paragraphs):
        s, e = max(0, s), min(len(text), e)
        if e <= s:
            out.append(Paragraph(index, s, max(s, e), single=single))
            prev_open = False
            continue
        if dashes and _DASH_LED.match(text, s, e):
            para = split_dash_paragraph(text, index, s, e)
        else:
            para = split_paragraph(text, index, s, e, single, prev_open, convention)
        qs = para.quotes  # read once: each read copies the list
        if not qs and prev_open and _inset_verse(text, s, e):
            # a verse the speaker quotes, set off from the speech, which goes on after it
            para.single, inset = single, True
            out.append(para)
            continue
        # a sung stanza may end on a line it quotes (`Ask me a riddle and I reply: / "Cottleston
        # Pie."`): the whole stanza is still the song (a tagged quote inside stays dialogue)
        unquoted = not qs or (len(qs) == 1 and para.pieces[-1].kind == "q")
        song = unquoted and index > 0 and _unmarked_song(text, s, e, paragraphs[index - 1], prev_song)
        if song or (inset and prev_open and not qs):
            # a song; or the speech going on, with no new opening mark, after a quoted verse
            q = Quote(s, e, (s, e), index, closed=song, continued=not song)
            para = Paragraph(index, s, e, [Piece("q", s, e, q)])
            qs = para.quotes
        prev_song, inset = song, False
        para.single = single
        prev_open = bool(qs) and not qs[-1].closed
        out.append(para)
    return out


def _inset_verse(text: str, s: int, e: int) -> bool:
    """True when text[s:e] is a short indented paragraph of short lines (verse set off)."""
    indent = s - (text.rfind("\n", 0, s) + 1)
    return indent >= 4 and e - s <= 400 and all(len(ln.strip()) <= 60 for ln in text[s:e].split("\n"))


def _unmarked_song(text: str, s: int, e: int, prev: tuple[int, int], prev_song: bool) -> bool:
    """True when the paragraph text[s:e], with no quote marks, is a song a character sings:
    indented verse after narration that leads into a song ("It went like this:"), or the
    next stanza of one."""
    indent = s - (text.rfind("\n", 0, s) + 1)
    if indent < 2 or not is_verse(text, s, e):
        return False
    return prev_song or introduces_song(text, max(0, prev[0]), min(len(text), prev[1]))


_DASH_LED = re.compile(r"[ \t]*[\u2014\u2015\u2013][ \t\u00a0]*(?=\S)")
# An incise after dash-led speech: Spanish/Italian set it off with dashes
# (—Hola —dijo él—. ¿Qué tal?), French with a comma and an inverted verb (— Oui, dit-il.).
_DASH_INCISE = re.compile(r"\s[\u2014\u2015\u2013](?=[^\W\d_])")
_DASH_INCISE_END = re.compile(r"[\u2014\u2015\u2013]")
_INVERTED_VERB = re.compile(
    r"[,!?\u2026]\s+(?=[^\W\d_]+-(?:t-)?(?:il|elle|ils|elles|on|je|tu|nous|vous)\b"
    r"|(?:dit|répondit|demanda|reprit|ajouta|murmura|cria|s'écria|fit|continua|lança)\s+\w)"
)
_INCISE_WORDS = re.compile(r"[^,.;:!?\u2026]*")


def uses_dash_dialogue(text: str, paragraphs: list[tuple[int, int]]) -> bool:
    """True when the text writes dialogue as paragraphs led by a dash (— Oui, dit-il.)
    rather than in quote marks: several dash-led paragraphs, and fewer quoted ones."""
    led = quoted = 0
    for s, e in paragraphs:
        if _DASH_LED.match(text, s, e):
            led += 1
        elif DQ_MARKS.search(text, s, e):
            quoted += 1
    return led >= 3 and led > quoted


def split_dash_paragraph(text: str, index: int, start: int, end: int) -> Paragraph:
    """Split a dash-led paragraph into speech and incises (the tag between two dashes, or
    after a comma and an inverted verb); the speech resumes after a closing dash or comma."""
    para = Paragraph(index, start, end)
    lead = _DASH_LED.match(text, start, end)
    pos = lead.end() if lead else start
    opening = lead.start() + len(lead.group()) - len(lead.group().lstrip(" \t")) if lead else start
    speaking = True
    while pos < end and speaking:
        spanish = _DASH_INCISE.search(text, pos, end)
        french = _INVERTED_VERB.search(text, pos, end)
        cut = min((m for m in (spanish, french) if m is not None), key=lambda m: m.start(), default=None)
        speech_end = cut.start() + (1 if cut is french and cut is not None else 0) if cut else end
        _add_speech(text, para, index, opening, pos, speech_end)
        if cut is None:
            return para
        if cut is spanish:
            close = _DASH_INCISE_END.search(text, cut.end(), end)
            tag_end = close.end() if close else end
            resume = tag_end
            while resume < end and (text[resume] in ".,;: \t\u00a0\n"):
                resume += 1
            # "—dijo él—. ¿Qué tal?" goes on speaking; "—dijo él." ends the speech
            speaking = close is not None and resume < end
        else:
            words = _INCISE_WORDS.match(text, cut.end(), end)
            tag_end = words.end() if words else end
            speaking = tag_end < end and text[tag_end] == ","
            resume = tag_end + 1 if speaking else end
            while speaking and resume < end and text[resume].isspace():
                resume += 1
            speaking = speaking and resume < end
        _add_narration(text, para, speech_end, resume if speaking else end)
        pos = opening = resume
    return para


def _add_speech(text: str, para: Paragraph, index: int, mark: int, s: int, e: int) -> None:
    """Add text[s:e] as a quote piece starting at `mark` (its dash, when it has one)."""
    s, e = trim(text, s, e)
    if e > s:
        para.pieces.append(Piece("q", mark, e, Quote(mark, e, (s, e), index, True)))


SHORT_STORY_QUOTES = 100
"""Fewer quotes than this make a short story (a 12,000-character piece of a PDNC novel holds 36
on average, 87 in the talkiest, The Sun Also Rises): names said once or twice count there."""


def is_short_story(paras: list[Paragraph]) -> bool:
    return sum(len(p.quotes) for p in paras) < SHORT_STORY_QUOTES
