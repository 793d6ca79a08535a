"""HTML -> plain text + structure (paragraphs, headings, breaks, notes, emphasis).

The rules are those of audiodrama.sources.reader (EPUB documents are read with them too): one paragraph per block element, separated by a
blank line; headings are paragraphs of their own; <hr> becomes "* * *"; whitespace collapsed;
italics/bold kept as spans, never in the text.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from audiodrama.errors import StoryError
from audiodrama.sources.builder import NL, Builder
from audiodrama.sources.source import BREAK_TEXT, Source, is_break_text

# ----------------------------------------------------------------------------- HTML

BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "center",
    "address",
    "body",
    "html",
    "nav",
    "form",
    "fieldset",
    "details",
    "summary",
    "hgroup",
    "tbody",
    "thead",
    "caption",
}
_SKIP_TAGS = {
    "script",
    "style",
    "head",
    "noscript",
    "template",
    "svg",
    "button",
    "select",
    "input",
    "iframe",
    "object",
    "textarea",
    "title",
    "meta",
    "link",
}
#: Deeper element nesting is refused: no story needs it, and a page of 100,000 nested
#: elements is an attack or a broken export.
MAX_DEPTH = 1000
_ITALIC_TAGS = {"i", "em", "cite", "var", "dfn"}
_BOLD_TAGS = {"b", "strong"}
#: Ids/classes of containers whose paragraphs are notes, not story (AO3/FFN downloads, EPUB).
FRONT_REGION = re.compile(
    r"^(?:preface|afterword|endnotes|end-notes|notes|chapter-notes|summary|"
    r"byline|authors?-?notes?|a-n|disclaimer|meta|message|landmarks|"
    r"frontmatter|front-matter|backmatter|copyright(?:-page)?|titlepage|"
    r"title-page|dedication|acknowledgments|toc)$",
    re.IGNORECASE,
)
WHOLE_FRONT = re.compile(
    r"^(?:preface|afterword|titlepage|title-page|copyright(?:-page)?|"
    r"frontmatter|front-matter|backmatter|toc|landmarks|pg-header|pg-footer|pg-machine-header|"
    r"pg-start-separator|pg-end-separator)$",
    re.IGNORECASE,
)
#: Containers holding the story on a saved web page (FFN, AO3, Wattpad, generic).
_STORY_CONTAINERS = (
    "#storytext",
    "#chapters",
    "#workskin",
    "div.storytext",
    "div.chapter-content",
    "div.panel-reading",
    "article",
    "main",
    "#content",
)


def soup_of(html: str) -> Any:
    """The parsed document (lxml when installed, else Python's parser); StoryError if its
    elements nest deeper than MAX_DEPTH."""
    for parser in ("lxml", "html.parser"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # XHTML read as HTML on purpose
                soup = BeautifulSoup(html, parser)
        except Exception:
            continue
        _check_depth(soup)
        return soup
    raise StoryError("cannot parse this HTML")


def _check_depth(soup: Any) -> None:
    """Refuse elements nested over MAX_DEPTH deep (an iterative walk): each element's text is
    looked at, so the work grows with the depth times the number of elements."""
    stack = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise StoryError(
                f"nests HTML elements over {MAX_DEPTH} deep; fix the markup or save the story as .txt"
            )
        stack.extend((child, depth + 1) for child in node.contents if isinstance(child, Tag))


def has_text(node: Any) -> bool:
    """Whether an element holds any non-blank text (stops at the first: no whole-subtree walk)."""
    return next(node.stripped_strings, None) is not None


def short_text(node: Any, limit: int) -> str:
    """The element's text as `get_text(strip=True)` gives it, read only until it is longer
    than `limit` (a caller that wants short text needs no more)."""
    parts, size = [], 0
    for s in node.stripped_strings:
        parts.append(s)
        size += len(s)
        if size > limit:
            break
    return "".join(parts)


def html_to_source(html: str) -> Source:
    """A saved story page or an archive download: paragraphs, headings, breaks, emphasis, notes."""
    soup = soup_of(html)
    b = Builder()
    root = soup.body or soup
    title = soup.select_one("#preface h1") or soup.find("title")  # AO3: the work's h1
    b.src.title = " ".join(title.get_text().split()) if title else ""
    author = soup.find("meta", attrs={"name": re.compile("^(author|dc.creator)$", re.I)})
    byline = soup.select_one("a[rel=author]") or soup.select_one("#profile_top a[href^='/u/']")
    ffn_title = soup.select_one("#profile_top b")  # a saved FanFiction.net page
    if ffn_title is not None:
        b.src.title = " ".join(ffn_title.get_text().split())
    b.src.author = (author.get("content", "") if author else "") or (
        " ".join(byline.get_text().split()) if byline else ""
    )
    about = soup.find("meta", attrs={"name": re.compile("^(description|dc.description)$", re.I)})
    b.src.description = " ".join(str(about.get("content", "")).split()) if about else ""
    html_tag = soup.find("html")
    b.src.language = (html_tag.get("lang") or html_tag.get("xml:lang") or "") if html_tag else ""
    container = _story_container(soup)
    walk(container if container is not None else root, b)
    src = b.result()
    src.format = "html"
    if not src.title:
        h1 = soup.find("h1")
        src.title = " ".join(h1.get_text().split()) if h1 else ""
    return src


def _story_container(soup: Any) -> Any:
    """The element holding the story (and its notes) on a saved archive page, if recognisable."""
    if soup.select_one("#preface") or soup.select_one("#afterword"):
        return None  # an AO3 download: the whole body, notes marked
    for sel in _STORY_CONTAINERS:
        found = soup.select(sel)
        if len(found) == 1 and len(found[0].get_text(strip=True)) > 200:
            return found[0]
    return None


def names_of(tag: Any) -> list[str]:
    """An element's id, classes and epub:type values."""
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    epub_type = (tag.get("epub:type") or "").split()
    return [n for n in [tag.get("id") or "", *classes, *epub_type] if n]


def walk(root: Any, b: Builder, front: bool = False) -> None:
    """Add the paragraphs under `root` to `b` (`front`: all of them are notes)."""
    # iterative walk: (node, marks, front, whole); ("close", kind, level, front) ends a block
    stack: list[Any] = [(root, frozenset(), front, front)]
    while stack:
        item = stack.pop()
        if item[0] == "close":
            _, kind, level, fr = item
            b.flush(kind, level, fr)
            continue
        node, marks, fr, whole = item
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            if type(node) is NavigableString or node.__class__.__name__ == "CData":
                b.add(str(node), marks)
            continue
        if isinstance(node, Tag):
            _visit_tag(node, marks, fr, whole, b, stack)


def _visit_tag(node: Any, marks: frozenset[str], fr: bool, whole: bool, b: Builder, stack: list[Any]) -> None:
    """Handle one element: skip it, add a line or scene break, or open a block and push
    its children (and the block's end) on `stack`."""
    name = (node.name or "").lower().split(":")[-1]
    if (
        name in _SKIP_TAGS
        or node.get("hidden") is not None
        or re.search(r"display\s*:\s*none", node.get("style") or "")
    ):
        return
    if name == "br":
        b.add(NL, marks)
        # two <br> in a row end the paragraph (FFN-style text)
        nxt = node.next_sibling
        while nxt is not None and isinstance(nxt, NavigableString) and not str(nxt).strip():
            nxt = nxt.next_sibling
        if getattr(nxt, "name", None) == "br":
            b.flush("p", 0, fr)
        return
    if name == "hr":
        b.flush("p", 0, fr)
        b.add(BREAK_TEXT, frozenset())
        b.flush("break", 0, fr)
        return
    names = names_of(node)
    if any(FRONT_REGION.match(n) or WHOLE_FRONT.match(n) for n in names):
        fr = True
        whole = whole or any(WHOLE_FRONT.match(n) for n in names)
    style = (node.get("style") or "").lower()
    heading = re.fullmatch(r"h([1-6])", name)
    if name in BLOCK_TAGS or heading:
        b.flush("p", 0, fr)
        if heading:
            kind, level = ("p", 0) if whole else ("h", int(heading.group(1)))
            if kind == "h" and not has_text(node):
                # an empty heading (a Markdown line holding only '#') is a scene break
                b.add(BREAK_TEXT, frozenset())
                b.flush("break", 0, fr)
                return
            stack.append(("close", kind, level, fr and kind != "h"))
        elif _is_ornament_block(node, style):
            stack.append(("close", "break", 0, fr))
        else:
            stack.append(("close", "p", 0, fr))
    child_marks = _marks(name, style, marks)
    for child in reversed(list(node.children)):
        stack.append((child, child_marks, fr, whole))


def _marks(name: str, style: str, marks: frozenset[str]) -> frozenset[str]:
    """The emphasis of an element's children: its parent's plus its own tag's or style's."""
    m = set(marks)
    if name in _ITALIC_TAGS or "italic" in style:
        m.add("italic")
    if name in _BOLD_TAGS or re.search(r"font-weight\s*:\s*(?:bold|[6-9]00)", style):
        m.add("bold")
    return frozenset(m)


def _is_ornament_block(node: Any, style: str) -> bool:
    """A scene-break ornament (***, xXx, ~o~...), or a short centred paragraph holding no word."""
    if node.name not in ("p", "div", "center"):
        return False
    centred = (
        node.name == "center"
        or (node.get("align") or "").lower() == "center"
        or "center" in style
        or "center" in " ".join(node.get("class") or [])
    )
    text = short_text(node, 40)  # longer text is neither an ornament nor a centred mark
    return is_break_text(text) or (centred and 0 < len(text) <= 12 and not re.search(r"[^\W\d_]{2,}", text))
