"""Tokenized text made ordinary prose again, with a map back to the original offsets.

Text taken from an NLP corpus comes tokenized: a space before every comma and full stop,
on both sides of every quote mark, clitics split off (`" Yes , Mr . Bounderby , " said
Louisa .`, `do n't`, `Emma 's`). The parser reads prose: there `Mr .` ends a sentence,
`" Yes` opens no quote and the titles and tags it keys on are not found (a tokenized piece
of Hard Times kept 11% of its speakers). `detokenized` removes those spaces (and writes
PTB's ``quote marks'' as plain ones) only when most commas and full stops are spaced, so
prose, French spacing (`Bonjour !`) included, is never touched. Only characters are
removed or replaced one for one, so every offset of the new text maps back to the old.
"""

from __future__ import annotations

import re

_MIN_MARKS = 20
# spaces that tokenizing put in: before closing punctuation and clitics, after openers
_BEFORE = re.compile(r"[ \t]+(?=[,.;:!?)\]}%]|'(?:s|re|ve|ll|d|m)\b|n't\b|''|\u201d|\u2019(?:\s|$))")
_AFTER = re.compile(r"(?:(?<=[(\[{$\u201c])|(?<=``))[ \t]+")
_STRAIGHT_QUOTE = re.compile(r'"')


def looks_tokenized(text: str) -> bool:
    """Most commas and full stops stand apart from the word before them (`word ,`).
    (str.count, not a regex: this is asked of every story, and a regex opening on a word character is
    tried at every character of it.)"""
    marks = text.count(",") + text.count(".")
    return marks >= _MIN_MARKS and (text.count(" ,") + text.count(" .")) * 2 > marks


def detokenized(text: str) -> tuple[str, list[int]] | None:
    """(prose, back) when `text` looks tokenized, else None. back[i] is the offset in
    `text` of the prose's character i; back[len(prose)] is len(text)."""
    if not looks_tokenized(text):
        return None
    drop = bytearray(len(text))
    chars = list(text)
    for rx in (_BEFORE, _AFTER):
        for m in rx.finditer(text):
            drop[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    for pair, mark in (("``", '"'), ("''", '"')):
        for m in re.finditer(re.escape(pair), text):
            chars[m.start()] = mark
            drop[m.start() + 1] = 1
    _straight_quotes(text, drop)
    keep = [i for i in range(len(text)) if not drop[i]]
    back = [*keep, len(text)]
    return "".join(chars[i] for i in keep), back


def _straight_quotes(text: str, drop: bytearray) -> None:
    """`" Yes , " said he`: within a paragraph, marks pair up in turn; an opening mark loses the
    space after it, a closing one the space before it."""
    # paragraphs: blocks between blank lines, or lines when the text has no blank line
    block = r"(?:[^\n]|\n(?![ \t]*\n))+" if re.search(r"\n[ \t]*\n", text) else r"[^\n]+"
    for line in re.finditer(block, text):
        opening = True
        for m in _STRAIGHT_QUOTE.finditer(text, line.start(), line.end()):
            i = m.start()
            if opening:
                j = i + 1
                while j < line.end() and text[j] in " \t":
                    drop[j] = 1
                    j += 1
            else:
                j = i - 1
                while j > line.start() and text[j] in " \t":
                    drop[j] = 1
                    j -= 1
            opening = not opening


def forward(back: list[int]) -> list[int]:
    """The inverse map: forward[o] is the prose offset of the text's offset o (a dropped
    character maps to the prose character after it)."""
    out = [0] * back[-1] + [len(back) - 1]
    j = 0
    for o in range(back[-1]):
        while back[j] < o:
            j += 1
        out[o] = j
    return out
