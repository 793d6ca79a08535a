"""Plain-text and Markdown stories -> Source (emphasis marks, Gutenberg licence, title lines)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from audiodrama.sources.markup import html_to_source
from audiodrama.sources.source import Source

_TXT_MARK = re.compile(r"\*\*|\*|_|\n[ \t]*\n")


def _txt_emphasis(text: str, longest: int = 400) -> list[tuple[int, int, str]]:
    """_italic_, *italic* and **bold** spans (inner offsets), paired in one linear scan: a mark
    opens after a non-word character and before a non-space, closes after a non-space and
    before a non-word character, within one paragraph and 400 characters."""
    out: list[tuple[int, int, str]] = []
    open_at: dict[str, int] = {}
    n = len(text)
    for m in _TXT_MARK.finditer(text):
        mark = m.group(0)
        if mark[0] == "\n":
            open_at.clear()  # a blank line ends the paragraph
            continue
        a, z = m.start(), m.end()
        before = text[a - 1] if a else " "
        after = text[z] if z < n else " "
        can_close = not before.isspace() and not (after.isalnum() or after in "_*")
        can_open = not (before.isalnum() or before in "_*") and not after.isspace()
        start = open_at.get(mark)
        if can_close and start is not None and a - start <= longest:
            out.append((start, a, "bold" if mark == "**" else "italic"))
            del open_at[mark]
        elif can_open:
            open_at[mark] = z
    return sorted(out)


_GUTENBERG_START = re.compile(r"^\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_GUTENBERG_END = re.compile(r"^\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.M | re.I)


def text_to_source(text: str) -> Source:
    """A .txt story: the text itself; _underscored_ and *starred* words as emphasis spans;
    a Project Gutenberg header and licence as front matter; a 'Title / by Author' top."""
    src = Source(text=text, emphasis=_txt_emphasis(text))
    start, end = _GUTENBERG_START.search(text), _GUTENBERG_END.search(text)
    if start:
        src.front_matter.append((0, start.end()))
    if end:
        src.front_matter.append((end.start(), len(text)))
    body = text[start.end() if start else 0 :]
    paras = [p.strip() for p in re.split(r"\n[ \t]*\n", body[:3000]) if p.strip()]
    if len(paras) >= 2 and len(paras[0]) <= 100 and "\n" not in paras[0]:
        by = re.match(r"^(?:by|written by)\s+(.{2,80})$", paras[1], re.IGNORECASE)
        if by:
            src.title, src.author = paras[0].strip(" *#_"), by.group(1).strip(" *_")
    m = re.search(r"^\s*(?:title)\s*:\s*(.{1,120})$", text[:3000], re.M | re.I)
    if m and not src.title:
        src.title = m.group(1).strip()
    m = re.search(r"^\s*(?:author|written by)\s*:\s*(.{1,80})$", text[:3000], re.M | re.I)
    if m and not src.author:
        src.author = m.group(1).strip()
    return src


def markdown_to_source(md: str) -> Source:
    """A Markdown story, rendered with markdown-it (CommonMark) and read as HTML."""
    front = re.match(r"^---\n(.*?)\n---\n", md, re.S)  # YAML front matter: title/author/lang
    meta = {}
    if front:
        for line in front.group(1).splitlines():
            k, _, v = line.partition(":")
            meta[k.strip().lower()] = v.strip().strip("\"'")
        md = md[front.end() :]
    # a '---' or '===' line right under a paragraph is a scene break in fiction, not a
    # setext heading underline: give it its own paragraph
    md = re.sub(r"(?m)^[ \t]*(-{3,}|={3,})[ \t]*$", r"\n\1\n", md)
    html = MarkdownIt("commonmark", {"typographer": False}).render(md)
    src = html_to_source(html)
    src.format = "md"
    src.title = meta.get("title", src.title)
    src.author = meta.get("author", src.author)
    src.language = meta.get("lang", meta.get("language", src.language))
    src.description = meta.get("description", meta.get("summary", src.description))
    return src
