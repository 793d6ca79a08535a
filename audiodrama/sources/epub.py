"""EPUB -> Source: the spine's documents in order, TOC entries as chapter headings."""

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
from audiodrama.sources.archive import Members
from audiodrama.sources.builder import Builder
from audiodrama.sources.decode import clean_controls
from audiodrama.sources.markup import BLOCK_TAGS, FRONT_REGION, WHOLE_FRONT, has_text, names_of, soup_of, walk
from audiodrama.sources.source import Source

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
    z = Members(zipfile.ZipFile(io.BytesIO(data)), path)
    opf_path = _package_path(z, path)
    opf = ElementTree.fromstring(_member(z, opf_path, "package file"))
    base = posixpath.dirname(opf_path)

    def resolve(href: str, rel_to: str = base) -> str:
        return posixpath.normpath(posixpath.join(rel_to, unquote(href.split("#")[0])))

    manifest = {}
    for item in opf.iterfind(".//opf:manifest/opf:item", _OPF_NS):
        href = item.get("href")
        if href is None:
            continue  # a damaged manifest entry: nothing to read
        manifest[item.get("id")] = (
            resolve(href),
            item.get("media-type", ""),
            item.get("properties", ""),
        )
    spine_el = opf.find(".//opf:spine", _OPF_NS)
    if spine_el is None:
        raise StoryError("is not an EPUB (no spine: no reading order); check the file", path)
    spine = [
        (manifest[r.get("idref")], r.get("linear", "yes"))
        for r in spine_el.iterfind("opf:itemref", _OPF_NS)
        if r.get("idref") in manifest
    ]
    toc = _epub_toc(z, manifest, spine_el, resolve)
    meta = lambda tag: (opf.findtext(f".//dc:{tag}", "", _OPF_NS) or "").strip()
    b = Builder()
    b.src.title, b.src.author, b.src.language = meta("title"), meta("creator"), meta("language")
    # dc:description may hold markup (EPUB 2 books often do): its text only, on one line
    about = meta("description")
    b.src.description = " ".join(soup_of(about).get_text(" ").split()) if "<" in about else about
    for (href, media, props), linear in spine:
        if "nav" in props.split() or "html" not in media:
            continue
        html = clean_controls(_member(z, href, "spine").decode("utf-8", errors="replace"))
        _add_document(html, linear == "no", toc.get(href), b)
    src = b.result()
    src.format = "epub"
    return src


def _member(z: Members, name: str, what: str) -> bytes:
    """A member the book needs; StoryError naming it if the archive lacks it."""
    try:
        return z.read(name)
    except KeyError:
        raise StoryError(
            f"its {what} names {name}, which the archive does not hold; "
            "repair the EPUB (e.g. with Calibre) or convert it to .txt",
            z.path,
        ) from None


def _package_path(z: Members, path: Path) -> str:
    """The path of the package (.opf) file: as META-INF/container.xml says, else the first."""
    try:
        container = ElementTree.fromstring(z.read("META-INF/container.xml"))
        full_path = container.find(".//c:rootfile", _OPF_NS).get("full-path")  # type: ignore[union-attr]
        if not full_path:
            raise KeyError("full-path")  # a rootfile naming no file: look for one
        return full_path
    except (KeyError, AttributeError):
        opfs = [n for n in z.names() if n.endswith(".opf")]
        if not opfs:
            raise StoryError("is not an EPUB (no package file); check the file", path) from None
        return opfs[0]


def _add_document(html: str, nonlinear: bool, label: str | None, b: Builder) -> None:
    """Add one spine document's paragraphs to `b`; a TOC `label` opens a chapter."""
    soup = soup_of(html)
    body = soup.body or soup
    if _is_toc_page(body):
        return
    # a whole document is front matter when its body, or a section holding nearly all of
    # its text, says so (epub:type="titlepage", class="copyright-page", ...)
    total = len(body.get_text(strip=True))
    wrappers = [
        el for el in body.find_all(["section", "div"], limit=3) if len(el.get_text(strip=True)) >= 0.9 * total
    ]
    names = [n for el in [body, *wrappers] for n in names_of(el)]
    front = nonlinear or any(WHOLE_FRONT.match(n) for n in names)
    if label and not front:
        _mark_toc_heading(body, label, b)
    walk(body, b, front=front)
    b.flush("p", 0, front)


def _norm(s: str) -> str:
    return re.sub(r"[\W_]+", " ", s).strip().lower()


def _mark_toc_heading(body: Any, label: str, b: Any) -> None:
    """A TOC entry opens a chapter: its document's first heading, or the first paragraph
    that reads as the label, becomes the heading; failing both, the label is added."""

    def in_notes(el: Any) -> bool:
        return any(
            FRONT_REGION.match(n) or WHOLE_FRONT.match(n)
            for p in [el, *el.parents]
            if getattr(p, "attrs", None) is not None
            for n in names_of(p)
        )

    first = next(
        (
            el
            for el in body.find_all(True)
            if has_text(el)
            and not el.find([*list(BLOCK_TAGS), "h1", "h2", "h3", "h4", "h5", "h6"])
            and not in_notes(el)
        ),
        None,
    )
    if first is not None and re.fullmatch(r"h[1-6]", first.name or ""):
        return
    first_text = _norm(first.get_text(" ")) if first is not None else ""
    if (
        first is not None
        and first_text
        and len(first_text) <= 120
        and (first_text == _norm(label) or first_text.startswith(_norm(label) + " "))
    ):
        first.name = "h1"
        return
    b.flush()
    b.add(" ".join(label.split()), frozenset())
    b.flush("h", 1)


def _epub_toc(z: Members, manifest: dict, spine_el: Any, resolve: Any) -> dict[str, str]:
    """{document path: label} of the first TOC entry pointing into each document."""
    out: dict[str, str] = {}
    nav = next((v for v in manifest.values() if "nav" in v[2].split()), None)
    if nav:
        try:
            soup = soup_of(z.read(nav[0]).decode("utf-8", errors="replace"))
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
                if content is not None and content.get("src"):  # an entry pointing nowhere: skipped
                    out.setdefault(resolve(content.get("src", ""), posixpath.dirname(ncx[0])), label.strip())
        except (KeyError, ElementTree.ParseError):
            pass
    return out


def _is_toc_page(body: Any) -> bool:
    """A contents page: nearly all its text is links."""
    text = body.get_text(" ", strip=True)
    links = " ".join(a.get_text(" ", strip=True) for a in body.find_all("a", href=True))
    return len(text) > 0 and len(links) >= 0.8 * len(text) and len(body.find_all("a", href=True)) >= 2
