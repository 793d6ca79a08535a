"""What a quote holds: the quotes nested in it, or a written text (a letter, a poem) read out."""

from __future__ import annotations

import re

from audiodrama.parse.keywords import folded, holds_any
from audiodrama.parse.quotes import DQ_MARKS, NESTED_SQ_MARKS, Paragraph, Quote, is_apostrophe
from audiodrama.parse.songs import introduces_song, is_verse, is_verse_paragraph


def nested_quotes(text: str, start: int, end: int, single: bool) -> list[tuple[int, int]]:
    """[start, end) of the quotes nested in the quote text[start:end] ('single in double').

    Used to split a long speech that quotes other people (Miss Bates: `'My dear,' said I,
    'you must...'`) into lines; unclosed nested quotes are ignored.
    """
    inner_single = not single
    marks = NESTED_SQ_MARKS if inner_single else DQ_MARKS
    out: list[tuple[int, int]] = []
    open_at = -1
    for m in marks.finditer(text, start, end):
        i = m.start()
        ch = text[i]
        if inner_single and is_apostrophe(text, i, open_at >= 0, end):
            continue
        if open_at < 0:
            if ch in (
                "'",
                "\u2018",
                '"',
                "\u201c",
                "\u201a",
                "\u201e",
                "\u2039",
                "\u203a",
                "\u00ab",
                "\u00bb",
            ):
                open_at = i
        elif ch in ("'", "\u2019", '"', "\u201d", "\u2018", "\u2039", "\u203a", "\u00ab", "\u00bb"):
            out.append((open_at, i + 1))
            open_at = -1
    return out


_INDENTED = re.compile(r"\n[ \t]{3,}\S")
_SALUTATION = re.compile(
    r"^(?:[\"'\u201c]?\s*)(?:(?:[Mm]y\s+)?[Dd]ear(?:est)?\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?,|"
    r"[A-Z][A-Z .'-]{3,40},)[\"'\u201d]?\s*$"
)


# A letter's salutation runs into its body after a dash ("My dear Anne,--I make no apology",
# or three spaces where a dash was stripped); a spoken "My dear Lizzy, do not..." goes on after a
# plain space, and a line break proves nothing (wrapped text breaks anywhere).
_LETTER_OPENING = re.compile(
    r"(?:(?:[Mm]y\s+)?(?:[Vv]ery\s+)?[Dd]ear(?:est)?\s+(?:[A-Z][\w.]*|sir|madam|friend)"
    r"(?:\s+[A-Z][\w.]*)?,?(?:\s*(?:--|\u2014)|[ \t]{3})"
    r"|(?:MY\s+)?DEAR(?:EST)?\s+[A-Z][A-Z.'\-]*(?:\s+[A-Z][A-Z.'\-]*)?,)"
)
# A letter's close at the very end of the quote, perhaps with a signature: "Yours affectionately,"
# "I remain, dear Miss Crawford, &c." "yours truly,--Wm. Elliot."
_LETTER_CLOSE = re.compile(
    r"(?:\b[Yy]ours\s+(?:ever|truly|sincerely|affectionately|faithfully|very\s+\w+|most\s+\w+)"
    r"|(?:^|[.!?]\s+)Yours|\bI\s+remain,[^.!?]*"
    r"|\b[Yy]our\s+(?:affectionate|obliged|sincere|faithful|loving|devoted)\b[^.!?]*)"
    r"[,.]?(?:\s*(?:--|\u2014)?\s*[\w.&, -]{0,40})?$"
)


_CAPS_SALUTATION = re.compile(r"(?:MY\s+)?DEAR(?:EST)?\s+[A-Z][A-Z .'-]*,$")
_LETTER_MIN = 150
"""A letter is long: a short "My dear Louisa--as Tom says." is speech."""


def opens_letter(words: str) -> bool:
    """True when quoted `words` open a letter: a long quote whose salutation runs into the
    body after a dash, or a salutation set on its own ("MY DEAR HARRIET,")."""
    if len(words) >= _LETTER_MIN and _LETTER_OPENING.match(words) is not None:
        return True
    return _CAPS_SALUTATION.match(words) is not None


# every match of _LETTER_CLOSE holds one of these (it is tried at each of 80 characters)
_LETTER_CLOSE_WORDS = (
    "ours",
    "remain,",
    "affectionate",
    "obliged",
    "sincere",
    "faithful",
    "loving",
    "devoted",
)


def closes_letter(words: str) -> bool:
    """True when quoted `words` end with a letter's valediction ("Yours affectionately,")."""
    tail = words[-80:]
    return any(w in tail for w in _LETTER_CLOSE_WORDS) and _LETTER_CLOSE.search(tail) is not None


def is_letter(words: str) -> bool:
    """True when quoted `words` open or close the way a letter does."""
    return opens_letter(words) or closes_letter(words)


# Narration that hands over a written text: "her eyes devoured the following words:", "It was
# as follows:", "These were the contents:". "as follows" also leads into speech ("spoke as
# follows:"), so without a word about writing a speech verb there makes it speech.
_WRITING = re.compile(
    r"\b(?:letters?|notes?|wrote|written|writes|writing|contents|envelope|epistle|billet"
    r"|postscript|handwriting)\b",
    re.I,
)
# every match of _WRITING holds one of these (keywords.py)
_WRITING_WORDS = ("letter", "note", "wrote", "writ", "content", "envelope", "epistle", "billet", "postscript")
_FOLLOWS = re.compile(r"\b(?:as\s+follows|ran\s+thus|following\s+words|to\s+this\s+effect)\b", re.I)
_SPEAKING = re.compile(
    r"\b(?:spoke|speak|speaking|said|say|says|saying|cried|replied|answered|exclaimed|began"
    r"|continued|addressed|asked|voice)\b",
    re.I,
)


# Print handed over by a colon: "This was the page at which the favourite volume always opened:"
_PRINTED = re.compile(
    r"\b(?:page|pages|volume|book|paragraph|passage|inscription|advertisement|newspaper|notice"
    r"|placard|handbill)\b",
    re.I,
)


def introduces_letter(text: str, para: Paragraph) -> bool:
    """True when a paragraph ends by introducing a written text (a letter, a note) that the
    next paragraphs quote: a colon after words about writing."""
    tail = text[max(para.start, para.end - 120) : para.end].rstrip()
    if not tail.endswith(":"):
        return False
    if _WRITING.search(tail):
        return True
    return (_FOLLOWS.search(tail) or _PRINTED.search(tail)) is not None and _SPEAKING.search(tail) is None


_SENTENCE_BREAK = re.compile(r"(?<=[.!?;:])\s+")
_INTERJECTION = re.compile(
    r"\s*(?:Oh|Ah|O|Well|Yes|No|Why|Nay|Aye|Ay|Dear me|La|Lord|Indeed|Hush|Alas)\b[!,.?-]"
)


def hands_over_writing(text: str, para: Paragraph) -> bool:
    """True when a narration paragraph ends on a sentence about a written text, with no one
    speaking: "So ended the first part, which had been put into an envelope." The long
    quoted paragraph after it is that text read out (see `reads_on`)."""
    if not para.pieces or any(p.kind == "q" for p in para.pieces):
        return False
    body = text[para.start : para.end]
    if DQ_MARKS.search(body):
        return False
    # the last sentence holds a key word only if the paragraph does: most paragraphs hold
    # none, and need no cut into sentences
    if not holds_any(folded(body), _WRITING_WORDS):
        return False
    last = _SENTENCE_BREAK.split(body.strip())[-1]
    if not holds_any(folded(last), _WRITING_WORDS):
        return False
    return _WRITING.search(last) is not None and _SPEAKING.search(last) is None


def reads_on(text: str, para: Paragraph) -> bool:
    """True when a quote-only paragraph can be a written text handed over by the narration
    before it: a long quote that does not open on a spoken interjection ("Oh! yes--")."""
    first = para.pieces[0].quote if para.pieces else None
    if first is None:
        return False
    words = text[slice(*first.inner)]
    return len(words) >= _LETTER_MIN and _INTERJECTION.match(words) is None


def in_recited_verse(text: str, para: Paragraph, prev: Paragraph | None) -> bool:
    """True when the paragraph is a stanza recited, not sung: the quotes inside it are the
    poem's ("You are old," said the youth, "as I mentioned before, / And have grown...") and
    the narrator who reads the poem reads them too. A sung stanza is the singer's."""
    if not is_verse_paragraph(text, para.start, para.end):
        return False
    return prev is None or not introduces_song(text, prev.start, prev.end)


def is_sung(text: str, para: Paragraph, prev: Paragraph | None, quote: Quote) -> bool:
    """True when a quoted verse is sung or recited by a character: the narration just
    before it (in its paragraph, else the paragraph before) leads into a song."""
    s, e = quote.inner
    if not is_verse(text, s, e):
        return False
    if quote.start > para.start:
        return introduces_song(text, para.start, quote.start)
    return prev is not None and introduces_song(text, prev.start, prev.end)


# `and then ... read it aloud.`: a character reads the letter out, in their own voice
_ALOUD = re.compile(r"\bread\b[^.!?\"\u201c]{0,60}?\b(?:aloud|out loud|out)\b[^.!?]{0,30}[.:,]?\s*$", re.I)


def _read_aloud(text: str, para: Paragraph, prev: Paragraph | None, quote: Quote) -> bool:
    """True when the narration just before a letter says someone reads it aloud."""
    if quote.start > para.start:
        before = text[max(para.start, quote.start - 200) : quote.start]
    elif prev is not None:
        before = text[max(prev.start, prev.end - 200) : prev.end]
    else:
        return False
    return _ALOUD.search(before.rstrip()) is not None


def is_written(text: str, para: Paragraph, prev: Paragraph | None, quote: Quote) -> bool:
    """True when a quote is written text read out (a letter, a poem), not speech.

    Signs, all about layout: the paragraph is set off by indentation (how printed books set
    letters and verse), the quote is verse (several short lines), the paragraph before
    is a letter's salutation (`MY DEAR MADAM,`, `Dear Sir,`), or the quote opens or closes
    the way letters do (`My dear Anne,--I make no apology`, `Yours affectionately,`). A verse
    the narration says is sung (`he sang this song:`) is the singer's line, not written text.
    """
    s, e = quote.inner
    if is_letter(text[s:e]):
        return not _read_aloud(text, para, prev, quote)
    if e - s < 40 or is_sung(text, para, prev, quote):
        return False
    line_start = text.rfind("\n", 0, para.start) + 1
    indent = para.start - line_start
    body = text[s:e]
    if (
        indent >= 3
        and text[line_start : para.start].strip() == ""
        and (_INDENTED.search(body) or e - s < 200)
    ):
        return True
    lines = [ln for ln in body.split("\n") if ln.strip()]
    if len(lines) >= 4:
        short = sum(1 for ln in lines if len(ln.strip()) < 45)
        if short >= 0.75 * len(lines):
            return True
    if len(lines) >= 3:
        # verse: every line opens with a capital (or is indented), which wrapped prose
        # lines rarely all do
        caps = all(ln[:1].isspace() or ln.lstrip()[:1].isupper() for ln in lines[1:])
        indented = any(ln[:1].isspace() for ln in lines[1:])
        if caps and (len(lines) >= 4 or indented):
            return True
    if prev is not None and prev.end - prev.start < 120:
        last_line = text[prev.start : prev.end].rsplit("\n", 1)[-1].strip()
        if _SALUTATION.match(last_line):
            return True
    return False
