"""Every story input is bounded (file type and size, EPUB inflation, HTML depth) and every bad one
is a one-line StoryError naming the file; control characters never reach the text."""

from __future__ import annotations

import io
import os
import threading
import zipfile

import pytest
from support import python_calls

from audiodrama.errors import StoryError
from audiodrama.parse import parse_story
from audiodrama.sources.decode import MAX_MARKUP_BYTES
from audiodrama.sources.markup import MAX_DEPTH, html_to_source
from audiodrama.sources.reader import read_source, read_source_bytes

CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)
CHAPTER = '<html><body><p>"Hello," said Anna. "Hi," said Ben.</p></body></html>'


def _opf(hrefs: list[str], spine: bool = True) -> str:
    items = "".join(
        f'<item id="c{i}" href="{h}" media-type="application/xhtml+xml"/>' for i, h in enumerate(hrefs)
    )
    refs = "".join(f'<itemref idref="c{i}"/>' for i in range(len(hrefs)))
    return (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        f"<metadata/><manifest>{items}</manifest>{f'<spine>{refs}</spine>' if spine else ''}</package>"
    )


def _epub(members: dict[str, str | bytes], hrefs: list[str], spine: bool = True) -> bytes:
    """An EPUB whose spine lists `hrefs` (under OEBPS/) and which holds `members`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", CONTAINER)
        z.writestr("OEBPS/content.opf", _opf(hrefs, spine))
        for name, data in members.items():
            z.writestr(f"OEBPS/{name}", data)
    return buf.getvalue()


def _refused(data: bytes, name: str, *needles: str) -> str:
    with pytest.raises(StoryError) as err:
        read_source_bytes(data, name)
    msg = str(err.value)
    assert "\n" not in msg and name in msg, msg
    assert all(n in msg for n in needles), msg
    return msg


def _patch(data: bytes, member: str, field: str, value: int) -> bytes:
    """The archive with a header field ("flags" or "method") of `member` rewritten, in its
    local and central headers (zipfile writes neither encrypted nor deflate64 members)."""
    out = bytearray(data)
    name = member.encode()
    local, central = {"flags": (6, 8), "method": (8, 10)}[field]
    for sig, offset, name_at in ((b"PK\x03\x04", local, 30), (b"PK\x01\x02", central, 46)):
        at = out.find(sig)
        while at >= 0:
            if out[at + name_at : at + name_at + len(name)] == name:
                out[at + offset : at + offset + 2] = value.to_bytes(2, "little")
            at = out.find(sig, at + 4)
    return bytes(out)


# ---------------------------------------------------------------- files that are not files


def test_a_fifo_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)
    # a writer, so that a reader that opens the pipe gets a story instead of blocking forever
    writer = threading.Thread(target=lambda: fifo.write_text("Hello, said Anna.\n"), daemon=True)
    writer.start()
    try:
        with pytest.raises(StoryError, match="not a regular file") as err:
            read_source(fifo)
        assert "story.txt" in str(err.value)
    finally:
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # let the writer finish
        writer.join(5)
        os.close(reader)


def test_a_device_is_refused():
    with pytest.raises(StoryError, match="not a regular file"):
        read_source("/dev/zero")


def test_an_html_file_over_the_markup_limit_is_refused_unread(tmp_path):
    p = tmp_path / "big.html"
    with p.open("wb") as f:
        f.write(b"<html><body><p>x</p>")
        f.truncate(MAX_MARKUP_BYTES + 10)  # sparse: no 16 MB written
    with pytest.raises(StoryError, match="16 MB") as err:
        read_source(p)
    assert "big.html" in str(err.value) and "split" in str(err.value)


# ---------------------------------------------------------------- EPUB


def test_an_epub_zip_bomb_is_refused_before_inflating():
    # a tiny archive holding one chapter of 17 MB (in a comment: cheap to parse if read)
    bomb = "<html><body><!--" + "a" * (MAX_MARKUP_BYTES + 2**20) + "--><p>Hi.</p></body></html>"
    data = _epub({"c.xhtml": bomb}, ["c.xhtml"])
    assert len(data) < 100_000
    _refused(data, "bomb.epub", "16 MB", "c.xhtml")


def test_epub_chapters_share_one_inflation_budget():
    half = "<html><body><!--" + "a" * (MAX_MARKUP_BYTES // 2 + 1000) + "--><p>Hi.</p></body></html>"
    ok = _epub({"a.xhtml": half}, ["a.xhtml"])
    assert read_source_bytes(ok, "ok.epub").text == "Hi."
    _refused(_epub({"a.xhtml": half, "b.xhtml": half}, ["a.xhtml", "b.xhtml"]), "two.epub", "16 MB")


def test_an_epub_chapter_that_is_a_zip_is_refused():
    inner = _epub({"c.xhtml": CHAPTER}, ["c.xhtml"])
    _refused(_epub({"c.xhtml": inner}, ["c.xhtml"]), "nested.epub", "zip", "c.xhtml")


def test_an_encrypted_epub_member_is_refused():
    data = _patch(_epub({"c.xhtml": CHAPTER}, ["c.xhtml"]), "OEBPS/c.xhtml", "flags", 0x1)
    _refused(data, "drm.epub", "encrypted", "c.xhtml")


def test_an_epub_member_with_unsupported_compression_is_refused():
    data = _patch(_epub({"c.xhtml": CHAPTER}, ["c.xhtml"]), "OEBPS/c.xhtml", "method", 9)  # deflate64
    _refused(data, "d64.epub", "c.xhtml", "method 9")


def test_an_epub_spine_naming_a_missing_file_is_refused():
    data = _epub({"a.xhtml": CHAPTER}, ["a.xhtml", "gone.xhtml"])
    _refused(data, "holes.epub", "OEBPS/gone.xhtml", "does not hold")


def test_an_epub_without_spine_or_package_is_refused():
    _refused(_epub({"a.xhtml": CHAPTER}, ["a.xhtml"], spine=False), "nospine.epub", "no spine")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("META-INF/container.xml", CONTAINER)  # names OEBPS/content.opf: absent
    _refused(buf.getvalue(), "nopackage.epub", "OEBPS/content.opf")


def test_an_ncx_entry_without_src_is_skipped():
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>'
        "<navPoint><navLabel><text>One</text></navLabel><content/></navPoint></navMap></ncx>"
    )
    opf = _opf(["c.xhtml"]).replace(
        "</manifest>", '<item id="n" href="toc.ncx" media-type="application/x-dtbncx+xml"/></manifest>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("META-INF/container.xml", CONTAINER)
        z.writestr("OEBPS/content.opf", opf.replace("<spine>", '<spine toc="n">'))
        z.writestr("OEBPS/toc.ncx", ncx)
        z.writestr("OEBPS/c.xhtml", CHAPTER)
    assert "said Anna" in read_source_bytes(buf.getvalue(), "ncx.epub").text


# ---------------------------------------------------------------- HTML


def test_html_nested_deeper_than_the_limit_is_refused():
    depth = MAX_DEPTH + 500
    page = "<html><body>" + "<div>" * depth + "<p>Hi.</p>" + "</div>" * depth + "</body></html>"
    _refused(page.encode(), "deep.html", "deep", str(MAX_DEPTH))


def test_nested_html_reads_in_linear_work():
    # each nested block's text used to be gathered whole, to ask whether it was an ornament
    def page(depth: int) -> str:
        return "<html><body>" + '<div><p>"Hi," said Anna.</p>' * depth + "</div>" * depth + "</body></html>"

    small, large = python_calls(html_to_source, page(200)), python_calls(html_to_source, page(400))
    assert large / small < 2.2, (small, large)


def test_a_bogus_html_charset_falls_back_to_detection():
    page = b'<html><head><meta charset="no-such-charset"></head><body><p>Caf\xc3\xa9 time.</p></body></html>'
    assert read_source_bytes(page, "bogus.html").text == "Caf\u00e9 time."


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize("name", ["story.txt", "story.md", "story.html"])
def test_control_characters_become_spaces_in_the_text(name):
    prose = "The rain went on all night. " * 200  # past the head that binary sniffing reads
    story = f'{prose}\n\n"Stop\x00right there,\x07" said Anna.\x0b\n\nShe left.\x1b\n'
    data = (
        f"<html><body><p>{prose}</p><p>{story[len(prose) + 2 :]}</p></body></html>"
        if name.endswith(".html")
        else story
    )
    src = read_source_bytes(data.encode(), name)
    assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in src.text)
    spoken = [l.text for l in parse_story(src).lines() if l.kind == "dialogue"]
    assert spoken == ["Stop right there,"], spoken
    if name == "story.txt":  # one character for one: offsets into the file's text hold
        assert len(src.text) == len(story)


def test_a_corrupt_epub_member_is_one_line():
    data = bytearray(_epub({"c.xhtml": CHAPTER * 50}, ["c.xhtml"]))
    at = data.find(b"OEBPS/c.xhtml") + len("OEBPS/c.xhtml") + 5  # into its deflated bytes
    data[at : at + 40] = b"\xff" * 40
    _refused(bytes(data), "corrupt.epub", "cannot read this epub")
