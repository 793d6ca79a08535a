"""HTML and EPUB -> plain text + structure (paragraphs, headings, breaks, notes, emphasis).

The rules are those of audiodrama.sources.reader: one paragraph per block element, separated by a
blank line; headings are paragraphs of their own; <hr> becomes "* * *"; whitespace collapsed;
italics/bold kept as spans, never in the text.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree

from audiodrama.errors import StoryError
from audiodrama.sources.reader import BREAK_TEXT, Source, Span

# ----------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {
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
_ITALIC_TAGS = {"i", "em", "cite", "var", "dfn"}
_BOLD_TAGS = {"b", "strong"}
#: Ids/classes of containers whose paragraphs are notes, not story (AO3/FFN downloads, EPUB).
_FRONT_REGION = re.compile(
    r"^(?:preface|afterword|endnotes|end-notes|notes|chapter-notes|summary|"
    r"byline|authors?-?notes?|a-n|disclaimer|meta|message|landmarks|"
    r"frontmatter|front-matter|backmatter|copyright(?:-page)?|titlepage|"
    r"title-page|dedication|acknowledgments|toc)$",
    re.IGNORECASE,
)
_WHOLE_FRONT = re.compile(
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
_NL = "\x00"  # a <br> inside a paragraph, until whitespace is collapsed


class _Builder:
    """Accumulates paragraphs (runs of text with emphasis marks) into the plain text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.chars: list[str] = []
        self.marks: list[frozenset[str]] = []
        self.src = Source(text="")
        self.pending_label = ""

    def add(self, s: str, marks: frozenset[str]) -> None:
        self.chars.extend(s)
        self.marks.extend([marks] * len(s))

    def flush(self, kind: str = "p", level: int = 0, front: bool = False) -> Span | None:
        """End the current paragraph; returns its span in the text (None if it was empty)."""
        out: list[str] = []
        out_marks: list[frozenset[str]] = []
        space = False
        for ch, mk in zip(self.chars, self.marks):
            if ch == _NL:
                while out and out[-1] == " ":
                    out.pop(), out_marks.pop()
                if out and out[-1] != "\n":
                    out.append("\n"), out_marks.append(frozenset())
                space = False
            elif ch.isspace():
                space = bool(out) and out[-1] != "\n"
            else:
                if space:
                    out.append(" "), out_marks.append(mk & out_marks[-1] if out_marks else mk)
                    space = False
                out.append(ch), out_marks.append(mk)
        self.chars, self.marks = [], []
        while out and out[-1] in " \n":
            out.pop(), out_marks.pop()
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
        offset = 0
        if self.pending_label:
            para = f"{self.pending_label}: {para}"
            offset = len(self.pending_label) + 2
            out_marks = [frozenset()] * offset + out_marks
            self.pending_label = ""
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(para)
        self.pos += len(para)
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
        span = (start, self.pos)
        if kind == "h":
            self.src.headings.append((start, self.pos, level))
        elif kind == "break":
            self.src.breaks.append(span)
        if front and kind != "h":
            self.src.front_matter.append(span)
        return span

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


def _soup(html: str) -> Any:
    try:
        from bs4 import BeautifulSoup
    except ImportError as exc:  # pragma: no cover - beautifulsoup4 is a dependency
        raise StoryError("reading HTML/EPUB needs beautifulsoup4: pip install beautifulsoup4") from exc
    import warnings

    for parser in ("lxml", "html.parser"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # XHTML read as HTML on purpose
                return BeautifulSoup(html, parser)
        except Exception:
            continue
    raise StoryError("cannot parse this HTML")


def html_to_source(html: str, builder: _Builder | None = None, *, whole_front: bool = False) -> Source:
    """A saved story page or an archive download: paragraphs, headings, breaks, emphasis, notes."""
    soup = _soup(html)
    own = builder is None
    b = builder or _Builder()
    root = soup.body or soup
    if own:
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
        html_tag = soup.find("html")
        b.src.language = (html_tag.get("lang") or html_tag.get("xml:lang") or "") if html_tag else ""
        container = _story_container(soup)
        if container is not None:
            root = container
    _walk(root, b, front=whole_front)
    if own:
        src = b.result()
        src.format = "html"
        if not src.title:
            h1 = soup.find("h1")
            src.title = " ".join(h1.get_text().split()) if h1 else ""
        return src
    b.flush()
    return b.src


def _story_container(soup: Any) -> Any:
    """The element holding the story (and its notes) on a saved archive page, if recognisable."""
    if soup.select_one("#preface") or soup.select_one("#afterword"):
        return None  # an AO3 download: the whole body, notes marked
    for sel in _STORY_CONTAINERS:
        found = soup.select(sel)
        if len(found) == 1 and len(found[0].get_text(strip=True)) > 200:
            return found[0]
    return None


def _names(tag: Any) -> list[str]:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    epub_type = (tag.get("epub:type") or "").split()
    return [n for n in [tag.get("id") or "", *classes, *epub_type] if n]


def _walk(root: Any, b: _Builder, front: bool = False) -> None:
    from bs4 import Comment, NavigableString, Tag

    # iterative walk: (node, marks, front, whole) ; None entries close a block
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
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower().split(":")[-1]
        if (
            name in _SKIP_TAGS
            or node.get("hidden") is not None
            or re.search(r"display\s*:\s*none", node.get("style") or "")
        ):
            continue
        if name == "br":
            b.add(_NL, marks)
            # two <br> in a row end the paragraph (FFN-style text)
            nxt = node.next_sibling
            while nxt is not None and isinstance(nxt, NavigableString) and not str(nxt).strip():
                nxt = nxt.next_sibling
            if getattr(nxt, "name", None) == "br":
                b.flush("p", 0, fr)
            continue
        if name == "hr":
            b.flush("p", 0, fr)
            b.add(BREAK_TEXT, frozenset())
            b.flush("break", 0, fr)
            continue
        names = _names(node)
        if any(_FRONT_REGION.match(n) or _WHOLE_FRONT.match(n) for n in names):
            fr = True
            whole = whole or any(_WHOLE_FRONT.match(n) for n in names)
        style = (node.get("style") or "").lower()
        m = set(marks)
        if name in _ITALIC_TAGS or "italic" in style:
            m.add("italic")
        if name in _BOLD_TAGS or re.search(r"font-weight\s*:\s*(?:bold|[6-9]00)", style):
            m.add("bold")
        marks2 = frozenset(m)
        heading = re.fullmatch(r"h([1-6])", name)
        if name in _BLOCK_TAGS or heading:
            b.flush("p", 0, fr)
            if heading:
                kind, level = ("p", 0) if whole else ("h", int(heading.group(1)))
                if kind == "h" and not node.get_text(strip=True):
                    # an empty heading (a Markdown line holding only '#') is a scene break
                    b.add(BREAK_TEXT, frozenset())
                    b.flush("break", 0, fr)
                    continue
                stack.append(("close", kind, level, fr and kind != "h"))
            elif _is_ornament_block(node, style):
                stack.append(("close", "break", 0, fr))
            else:
                stack.append(("close", "p", 0, fr))
        children = list(node.children)
        for child in reversed(children):
            stack.append((child, marks2, fr, whole))


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
    text = node.get_text(strip=True)
    from audiodrama.parse.structure import is_break_text

    return is_break_text(text) or (centred and 0 < len(text) <= 12 and not re.search(r"[^\W\d_]{2,}", text))


# ----------------------------------------------------------------------------- EPUB

_OPF_NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}


def read_epub(data: bytes, path: Path) -> Source:
    """An EPUB: the spine's documents in order; TOC entries become chapter headings."""
    if not data.startswith(b"PK"):
        raise StoryError("is not an EPUB (not a zip archive); check the file", path)
    z = zipfile.ZipFile(io.BytesIO(data))
    try:
        container = ElementTree.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//c:rootfile", _OPF_NS).get("full-path")
    except (KeyError, AttributeError):
        opfs = [n for n in z.namelist() if n.endswith(".opf")]
        if not opfs:
            raise StoryError("is not an EPUB (no package file); check the file", path)
        opf_path = opfs[0]
    opf = ElementTree.fromstring(z.read(opf_path))
    base = posixpath.dirname(opf_path)

    def resolve(href: str, rel_to: str = base) -> str:
        return posixpath.normpath(posixpath.join(rel_to, unquote(href.split("#")[0])))

    manifest = {}
    for item in opf.iterfind(".//opf:manifest/opf:item", _OPF_NS):
        manifest[item.get("id")] = (
            resolve(item.get("href")),
            item.get("media-type", ""),
            item.get("properties", ""),
        )
    spine_el = opf.find(".//opf:spine", _OPF_NS)
    spine = [
        (manifest[r.get("idref")], r.get("linear", "yes"))
        for r in spine_el.iterfind("opf:itemref", _OPF_NS)
        if r.get("idref") in manifest
    ]
    toc = _epub_toc(z, manifest, spine_el, resolve)
    meta = lambda tag: (opf.findtext(f".//dc:{tag}", "", _OPF_NS) or "").strip()
    b = _Builder()
    b.src.title, b.src.author, b.src.language = meta("title"), meta("creator"), meta("language")
    for (href, media, props), linear in spine:
        if "nav" in props.split() or "html" not in media:
            continue
        try:
            html = z.read(href).decode("utf-8", errors="replace")
        except KeyError:
            continue
        soup = _soup(html)
        body = soup.body or soup
        if _is_toc_page(body):
            continue
        # a whole document is front matter when its body, or a section holding nearly all of
        # its text, says so (epub:type="titlepage", class="copyright-page", ...)
        total = len(body.get_text(strip=True))
        wrappers = [
            el
            for el in body.find_all(["section", "div"], limit=3)
            if len(el.get_text(strip=True)) >= 0.9 * total
        ]
        names = [n for el in [body, *wrappers] for n in _names(el)]
        front = linear == "no" or any(_WHOLE_FRONT.match(n) for n in names)
        label = toc.get(href)
        if label and not front:
            _mark_toc_heading(body, label, b)
        _walk(body, b, front=front)
        b.flush("p", 0, front)
    src = b.result()
    src.format = "epub"
    return src


def _norm(s: str) -> str:
    return re.sub(r"[\W_]+", " ", s).strip().lower()


def _mark_toc_heading(body: Any, label: str, b: Any) -> None:
    """A TOC entry opens a chapter: its document's first heading, or the first paragraph
    that reads as the label, becomes the heading; failing both, the label is added."""

    def in_notes(el: Any) -> bool:
        return any(
            _FRONT_REGION.match(n) or _WHOLE_FRONT.match(n)
            for p in [el, *el.parents]
            if getattr(p, "attrs", None) is not None
            for n in _names(p)
        )

    first = next(
        (
            el
            for el in body.find_all(True)
            if el.get_text(strip=True)
            and not el.find([*list(_BLOCK_TAGS), "h1", "h2", "h3", "h4", "h5", "h6"])
            and not in_notes(el)
        ),
        None,
    )
    if first is not None and re.fullmatch(r"h[1-6]", first.name or ""):
        return
    first_text = _norm(first.get_text(" ")) if first is not None else ""
    if (
        first_text
        and len(first_text) <= 120
        and (first_text == _norm(label) or first_text.startswith(_norm(label) + " "))
    ):
        first.name = "h1"
        return
    b.flush()
    b.add(" ".join(label.split()), frozenset())
    b.flush("h", 1)


def _epub_toc(z: zipfile.ZipFile, manifest: dict, spine_el: Any, resolve: Any) -> dict[str, str]:
    """{document path: label} of the first TOC entry pointing into each document."""
    out: dict[str, str] = {}
    nav = next((v for v in manifest.values() if "nav" in v[2].split()), None)
    if nav:
        try:
            soup = _soup(z.read(nav[0]).decode("utf-8", errors="replace"))
            toc_nav = soup.find("nav", attrs={"epub:type": "toc"}) or soup.find("nav")
            for a in toc_nav.find_all("a", href=True) if toc_nav else []:
                out.setdefault(resolve(a["href"], posixpath.dirname(nav[0])), a.get_text(" ", strip=True))
        except KeyError:
            pass
    ncx_id = spine_el.get("toc") if spine_el is not None else None
    ncx = (
        manifest.get(ncx_id)
        if ncx_id
        else next((v for v in manifest.values() if v[1] == "application/x-dtbncx+xml"), None)
    )
    if ncx and not out:
        try:
            root = ElementTree.fromstring(z.read(ncx[0]))
            for point in root.iter(f"{{{_OPF_NS['ncx']}}}navPoint"):
                label = point.findtext(f"{{{_OPF_NS['ncx']}}}navLabel/{{{_OPF_NS['ncx']}}}text", "")
                content = point.find(f"{{{_OPF_NS['ncx']}}}content")
                if content is not None:
                    out.setdefault(resolve(content.get("src"), posixpath.dirname(ncx[0])), label.strip())
        except (KeyError, ElementTree.ParseError):
            pass
    return out


def _is_toc_page(body: Any) -> bool:
    """A contents page: nearly all its text is links."""
    text = body.get_text(" ", strip=True)
    links = " ".join(a.get_text(" ", strip=True) for a in body.find_all("a", href=True))
    return len(text) > 0 and len(links) >= 0.8 * len(text) and len(body.find_all("a", href=True)) >= 2
