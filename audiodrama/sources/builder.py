"""Accumulate paragraphs of marked-up text (runs of characters with emphasis marks) into a Source."""

from __future__ import annotations

import re

from audiodrama.sources.source import Source, Span

_LABEL_ONLY = re.compile(
    r"^(?:summary|notes?|chapter notes|chapter end notes|end notes|"
    r"author'?s'? notes?|disclaimer|a/n|[\w' ]{2,30}:)$",
    re.IGNORECASE,
)
#: A paragraph holding only one of these labels is prefixed to the next one ("Summary: ...").
_NOTE_LABEL = re.compile(
    r"^(?:summary|synopsis|notes?|chapter notes|chapter end notes|end notes|"
    r"author'?s'? notes?|disclaimer|a/n)\s*:?$",
    re.IGNORECASE,
)
NL = "\x00"  # a <br> inside a paragraph, until whitespace is collapsed

Marks = frozenset[str]


def _collapse(chars: list[str], marks: list[Marks]) -> tuple[list[str], list[Marks]]:
    """The paragraph's characters with runs of whitespace as one space, a <br> as one line
    break, and no whitespace at either end; each kept character with its marks."""
    out: list[str] = []
    out_marks: list[Marks] = []
    space = False
    for ch, mk in zip(chars, marks):
        if ch == NL:
            while out and out[-1] == " ":
                out.pop()
                out_marks.pop()
            if out and out[-1] != "\n":
                out.append("\n")
                out_marks.append(frozenset())
            space = False
        elif ch.isspace():
            space = bool(out) and out[-1] != "\n"
        else:
            if space:
                out.append(" ")
                out_marks.append(mk & out_marks[-1] if out_marks else mk)
                space = False
            out.append(ch)
            out_marks.append(mk)
    while out and out[-1] in " \n":
        out.pop()
        out_marks.pop()
    return out, out_marks


class Builder:
    """Accumulates paragraphs (runs of text with emphasis marks) into the plain text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.chars: list[str] = []
        self.marks: list[Marks] = []
        self.src = Source(text="")
        self.pending_label = ""

    def add(self, s: str, marks: Marks) -> None:
        self.chars.extend(s)
        self.marks.extend([marks] * len(s))

    def flush(self, kind: str = "p", level: int = 0, front: bool = False) -> Span | None:
        """End the current paragraph; returns its span in the text (None if it was empty)."""
        out, out_marks = _collapse(self.chars, self.marks)
        self.chars, self.marks = [], []
        if not out:
            return None
        para = "".join(out)
        if (
            not self.pending_label
            and kind == "p"
            and len(para) <= 40
            and (_NOTE_LABEL.match(para) or (front and _LABEL_ONLY.match(para)))
        ):
            self.pending_label = para.rstrip(":").strip()
            return None
        if self.pending_label:
            para = f"{self.pending_label}: {para}"
            out_marks = [frozenset()] * (len(self.pending_label) + 2) + out_marks
            self.pending_label = ""
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(para)
        self.pos += len(para)
        self._emphasis(start, para, out_marks)
        span = (start, self.pos)
        if kind == "h":
            self.src.headings.append((start, self.pos, level))
        elif kind == "break":
            self.src.breaks.append(span)
        if front and kind != "h":
            self.src.front_matter.append(span)
        return span

    def _emphasis(self, start: int, para: str, out_marks: list[Marks]) -> None:
        """Record the italic and bold runs of a paragraph starting at `start`."""
        for kind_name in ("italic", "bold"):
            run = None
            for k, mk in enumerate(out_marks):
                if kind_name in mk and para[k] not in "\n":
                    run = k if run is None else run
                elif run is not None:
                    self._emph(start, run, k, para, kind_name)
                    run = None
            if run is not None:
                self._emph(start, run, len(para), para, kind_name)

    def _emph(self, base: int, a: int, b: int, para: str, kind: str) -> None:
        while a < b and para[a].isspace():
            a += 1
        while b > a and para[b - 1].isspace():
            b -= 1
        if a < b:
            self.src.emphasis.append((base + a, base + b, kind))

    def result(self) -> Source:
        self.flush()
        src = self.src
        src.text = "".join(self.parts)
        src.emphasis.sort()
        levels = [lvl for _, _, lvl in src.headings]
        repeated = sorted({lvl for lvl in levels if levels.count(lvl) >= 2})
        src.chapter_level = repeated[0] if repeated else (min(levels) if levels else 1)
        return src
