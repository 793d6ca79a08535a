"""What a quote holds: the quotes nested in it, or a written text (a letter, a poem) read out."""

from __future__ import annotations

import re

from audiodrama.parse.quotes import DQ_MARKS, NESTED_SQ_MARKS, Paragraph, Quote, is_apostrophe


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


def is_written(text: str, para: Paragraph, prev: Paragraph | None, quote: Quote) -> bool:
    """True when a quote is written text read out (a letter, a poem), not speech.

    Signs, all about layout: the paragraph is set off by indentation (how printed books set
    letters and verse), the quote is verse (several short lines), or the paragraph before
    is a letter's salutation (`MY DEAR MADAM,`, `Dear Sir,`).
    """
    s, e = quote.inner
    if e - s < 40:
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
