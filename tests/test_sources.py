"""Sources: .txt/.md/.html/.epub give the same plain text, lines and speakers; bad files fail clearly."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from audiodrama.errors import StoryError
from audiodrama.parse import parse_story, summary_line
from audiodrama.parse.structure import paragraphs
from audiodrama.project.sourcefile import save_source_text, source_text_path
from audiodrama.script import to_dict
from audiodrama.sources.decode import BINARY_MAGIC
from audiodrama.sources.emphasis import emphasis_for_lines
from audiodrama.sources.markup import html_to_source
from audiodrama.sources.reader import read_source, read_source_bytes, read_story
from audiodrama.sources.text import markdown_to_source

DATA = Path(__file__).resolve().parent / "data"
ITALIC_WORDS = "Bourbon and smoke."


def _story(demo_text: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The demo as front matter + two chapters (one with a scene break), one line per paragraph."""
    paras = [" ".join(demo_text[s:e].split()) for s, e in paragraphs(demo_text)]
    front, body = paras[:2], paras[2:]
    ch1, ch2 = body[:29], body[29:]
    ch2 = [*ch2[:12], "* * *", *ch2[12:]]
    return front, [("Chapter 1", ch1), ("Chapter Two: Headquarters", ch2)]


def _txt(front, chapters) -> str:
    return "\n\n".join(front + [p for head, ps in chapters for p in [head, *ps]])


def _md_escape(p: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#!])", r"\\\1", p)


def _md(front, chapters) -> str:
    out = [_md_escape(p) for p in front]
    for head, ps in chapters:
        out.append(f"## {_md_escape(head)}")
        for p in ps:
            if p == "* * *":
                out.append("***")
            else:
                out.append(_md_escape(p).replace(_md_escape(ITALIC_WORDS), f"*{ITALIC_WORDS}*"))
    return "\n\n".join(out) + "\n"


def _html_para(p: str) -> str:
    if p == "* * *":
        return "<hr/>"
    return "<p>" + html.escape(p, quote=False).replace(ITALIC_WORDS, f"<em>{ITALIC_WORDS}</em>") + "</p>"


def _html(front, chapters) -> str:
    body = "".join(_html_para(p) for p in front)
    for head, ps in chapters:
        body += f"<h2>{html.escape(head)}</h2>\n" + "\n".join(_html_para(p) for p in ps)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Demo</title>"
        f"<style>p {{margin: 0}}</style><script>var x = 1;</script></head><body>\n"
        f"<h1>Demo</h1>{body}</body></html>"
    )


def _epub(path, front, chapters) -> None:
    epub = pytest.importorskip("ebooklib.epub")
    book = epub.EpubBook()
    book.set_identifier("demo-1")
    book.set_title("Demo")
    book.set_language("en")
    book.add_author("Anon")
    fm = epub.EpubHtml(title="Notes", file_name="front.xhtml", lang="en")
    fm.content = "<html><body>" + "".join(_html_para(p) for p in front) + "</body></html>"
    book.add_item(fm)
    docs = [fm]
    for i, (head, ps) in enumerate(chapters):
        c = epub.EpubHtml(title=head, file_name=f"chap{i + 1}.xhtml", lang="en")
        # the chapter heading comes from the TOC only for the first chapter
        h = "" if i == 0 else f"<h1>{html.escape(head)}</h1>"
        c.content = f"<html><body>{h}" + "".join(_html_para(p) for p in ps) + "</body></html>"
        book.add_item(c)
        docs.append(c)
    book.toc = docs[1:]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *docs]
    epub.write_epub(str(path), book)


def _script_view(script):
    return [
        (s.id, s.episode, s.title, [(l.id, l.kind, l.speaker, l.text, l.span, l.delivery) for l in s.lines])
        for s in script.scenes
    ]


def test_formats_round_trip(demo_text, tmp_path):
    front, chapters = _story(demo_text)
    canonical = _txt(front, chapters)
    files = {
        "txt": tmp_path / "demo.txt",
        "md": tmp_path / "demo.md",
        "html": tmp_path / "demo.html",
        "epub": tmp_path / "demo.epub",
    }
    files["txt"].write_text(canonical, encoding="utf-8")
    files["md"].write_text(_md(front, chapters), encoding="utf-8")
    files["html"].write_text(_html(front, chapters).replace("<h1>Demo</h1>", ""), encoding="utf-8")
    _epub(files["epub"], front, chapters)
    views, emphasis = {}, {}
    for fmt, path in files.items():
        src = read_source(path)
        assert src.format == fmt
        assert src.text == canonical, fmt
        if fmt != "txt":
            assert [(src.text[a:b], k) for a, b, k in src.emphasis] == [(ITALIC_WORDS, "italic")]
        script = parse_story(src, title="Demo", slug="demo", source=str(path))
        views[fmt] = {k: v for k, v in to_dict(script).items() if k not in ("source", "author")}
        assert script.author == ("Anon" if fmt == "epub" else "")  # the file's own metadata
        emphasis[fmt] = [(l.id, l.text[a:b], k) for l in script.lines() for a, b, k in l.emphasis]
        for scene in views[fmt]["scenes"]:  # formatting is compared below, words here
            for line in scene["lines"]:
                line.pop("emphasis", None)
        assert views[fmt]["scenes"] and _script_view(script)
        assert max(s.episode for s in script.scenes) == 2
        assert summary_line(script).text.startswith("Summary: Goes very AU")
    assert views["md"] == views["txt"]
    assert views["html"] == views["txt"]
    assert views["epub"] == views["txt"]
    # the italics ride beside the line's words, offsets into its text, the same in every
    # marked-up format (plain text has none)
    assert emphasis["txt"] == []
    assert len(emphasis["md"]) == 1 and emphasis["md"][0][1] == ITALIC_WORDS
    assert emphasis["html"] == emphasis["md"] == emphasis["epub"]
    titles = [s.title for s in parse_story(read_source(files["epub"])).scenes if s.title]
    assert titles == ["Chapter 1", "Chapter Two: Headquarters"]


def test_read_story_returns_the_text(tmp_path):
    p = tmp_path / "s.txt"
    p.write_bytes(b'Title\r\n\r\n"Hi," she said.\r\n')
    assert read_story(p) == 'Title\n\n"Hi," she said.\n'


def test_html_archive_download_notes_and_headings():
    page = """<html lang="fr"><head><title>A Work - Chapter 1</title></head><body>
    <div id="preface"><h1>A Work</h1><div class="byline">by <a rel="author" href="/u/x">Xy</a></div>
      <dl class="tags"><dt>Rating:</dt><dd>General</dd></dl>
      <p>Summary</p><blockquote class="userstuff"><p>She finds the <i>key</i>.</p></blockquote></div>
    <div id="chapters"><div class="meta group"><h2 class="heading">Chapter 1: The Key</h2>
      <p>Chapter Notes</p><blockquote><p>Thanks to my beta.</p></blockquote></div>
      <div class="userstuff"><p>Anna opened the door.<br/>It creaked.</p>
      <p style="text-align:center">~o~</p><p>Ben <strong>waited</strong>.</p></div>
      <div class="meta group"><h2 class="heading">Chapter 2: The Door</h2></div>
      <div class="userstuff"><p>Anna left.</p></div></div>
    <div id="afterword"><p>End Notes</p><blockquote><p>Please comment!</p></blockquote></div>
    </body></html>"""
    src = html_to_source(page)
    paras = src.text.split("\n\n")
    assert "Summary: She finds the key." in paras
    assert "Chapter Notes: Thanks to my beta." in paras
    assert "Anna opened the door.\nIt creaked." in paras
    assert [src.text[s:e] for s, e, _ in src.headings] == ["Chapter 1: The Key", "Chapter 2: The Door"]
    assert [src.text[s:e] for s, e in src.breaks] == ["~o~"]
    assert [src.text[s:e] for s, e, _ in src.emphasis] == ["key", "waited"]
    assert src.author == "Xy" and src.language == "fr"
    script = parse_story(src)
    assert script.language == "fr"
    kinds = {l.text: l.kind for l in script.lines()}
    assert kinds["Summary: She finds the key."] == "front_matter"
    assert kinds["Chapter Notes: Thanks to my beta."] == "front_matter"
    assert kinds["End Notes: Please comment!"] == "front_matter"
    assert kinds["Anna left."] == "narration"
    assert [s.episode for s in script.scenes] == [1, 1, 2]


def test_html_headings_without_chapter_words_open_chapters():
    src = html_to_source(
        "<body><h1>Story</h1><h2>The Ball</h2><p>Anna danced all night long.</p>"
        "<h2>The Morning</h2><p>Ben slept.</p><h3>Later</h3><p>Ben woke.</p></body>"
    )
    script = parse_story(src)
    assert [(s.episode, s.title) for s in script.scenes] == [
        (1, "Story, The Ball"),
        (2, "The Morning"),
        (2, "Later"),
    ]


def test_ffn_style_br_paragraphs():
    src = html_to_source(
        "<html><body><div id='storytext'>"
        + 'Anna sat.<br><br>"Hi," Ben said.' * 1
        + "<br><br>"
        + "x " * 120
        + "</div><div>Footer menu</div></body></html>"
    )
    assert src.text.split("\n\n")[:2] == ["Anna sat.", '"Hi," Ben said.']
    assert "Footer" not in src.text


def test_markdown_features():
    src = markdown_to_source(
        "---\ntitle: T\nauthor: A\nlang: de\n---\n# Chapter 1\n\nHe said *hi* and **bold**.\n\n#\n\nNext.\n"
    )
    assert src.text == "Chapter 1\n\nHe said hi and bold.\n\n* * *\n\nNext."
    assert (src.title, src.author, src.language) == ("T", "A", "de")
    assert [(src.text[a:b], k) for a, b, k in src.emphasis] == [("hi", "italic"), ("bold", "bold")]


def test_epub_ncx_only_and_front_matter(tmp_path):
    p = tmp_path / "b.epub"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/c.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        z.writestr(
            "OEBPS/c.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" '
            'version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<dc:title>B</dc:title><dc:language>de-DE</dc:language></metadata><manifest>"
            '<item id="t" href="title.html" media-type="application/xhtml+xml"/>'
            '<item id="a" href="text/a.html" media-type="application/xhtml+xml"/>'
            '<item id="n" href="toc.ncx" media-type="application/x-dtbncx+xml"/></manifest>'
            '<spine toc="n"><itemref idref="t"/><itemref idref="a"/></spine></package>',
        )
        z.writestr(
            "OEBPS/toc.ncx",
            '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/">'
            '<navMap><navPoint id="p1"><navLabel><text>Erstes Kapitel</text></navLabel>'
            '<content src="text/a.html#x"/></navPoint></navMap></ncx>',
        )
        z.writestr(
            "OEBPS/title.html",
            '<html><body epub:type="titlepage"><h1>B</h1><p>Copyright 2020</p></body></html>',
        )
        z.writestr(
            "OEBPS/text/a.html", "<html><body><p>Er ging nach Hause und sie war nicht da.</p></body></html>"
        )
    src = read_source(p)
    assert src.text == "B\n\nCopyright 2020\n\nErstes Kapitel\n\nEr ging nach Hause und sie war nicht da."
    assert src.language == "de-DE"
    script = parse_story(src)
    assert script.language == "de"
    assert [l.kind for l in script.lines()] == ["front_matter", "front_matter", "heading", "narration"]


def test_emphasis_for_lines():
    src = html_to_source('<p>"<i>Run</i>," she said. "Now."</p>')
    script = parse_story(src)
    found = emphasis_for_lines(script.lines(), src.emphasis)
    assert [v for v in found.values()] == [[(1, 4, "italic")]]
    run = next(l for l in script.lines() if l.kind == "dialogue")
    assert run.text == "Run," and run.emphasis == [(0, 3, "italic")]
    # kept in the JSON script, and dropped when the words are edited in the Fountain script
    from audiodrama.script import apply_fountain, from_dict, to_fountain

    assert next(from_dict(to_dict(script)).lines()).emphasis == [(0, 3, "italic")]
    edited, _ = apply_fountain(script, to_fountain(script).replace("Run,", "Walk,"), "x.fountain")
    walk = next(l for l in edited.lines() if l.text.startswith("Walk"))
    assert walk.emphasis == []


def test_source_text_path(production):
    assert source_text_path(production, "demo") == production.root / "script" / "demo.txt"


def test_save_source_text_writes_only_a_changed_text(production):
    path = save_source_text(production, "demo", "One.\n")
    assert path == source_text_path(production, "demo") and path.read_text(encoding="utf-8") == "One.\n"
    stamp = path.stat().st_mtime_ns
    assert save_source_text(production, "demo", "One.\n") == path
    assert path.stat().st_mtime_ns == stamp  # the same text: not rewritten
    save_source_text(production, "demo", "Two.\n")
    assert path.read_text(encoding="utf-8") == "Two.\n"


@pytest.mark.parametrize(
    "name,data,needle",
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n \n", "empty"),
        ("png.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        ("zip.txt", b"PK\x03\x04" + b"\x00" * 40, "zip"),
        ("noise.html", bytes(range(1, 32)) * 50, "binary"),
        ("bad.epub", b"PK\x03\x04 not really a zip", "epub"),
        ("notepub.epub", b"just some text", "EPUB"),
        ("empty.html", b"<html><body><script>x()</script></body></html>", "empty"),
        ("broken16.txt", "Hello there, story.".encode("utf-16") + b"\x00", "encoding"),
        ("noise.txt", bytes(range(256)) * 20, "binary"),
    ],
)
def test_bad_inputs(tmp_path, name, data, needle):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(StoryError) as err:
        read_source(p)
    assert needle.lower() in str(err.value).lower() and name in str(err.value)


def test_missing_and_folder(tmp_path):
    with pytest.raises(StoryError, match="no such file"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(StoryError, match="folder"):
        read_source(tmp_path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "\u201cCaf\u00e9?\u201d she asked. \u201cNo \u2014 tea,\u201d he said, na\u00efvely.\n\nThe end of the story."
    p = tmp_path / "s.txt"
    p.write_bytes(text.encode(encoding))
    assert read_story(p) == text


def test_html_encoding_from_meta(tmp_path):
    p = tmp_path / "s.html"
    p.write_bytes(
        '<html><head><meta charset="windows-1252"></head><body><p>\u201cCaf\u00e9,\u201d '
        "she said.</p></body></html>".encode("cp1252")
    )
    assert read_story(p) == "\u201cCaf\u00e9,\u201d she said."


def test_gutenberg_header_is_front_matter():
    text = (
        "The Project Gutenberg eBook of X\n\nLicence words.\n\n*** START OF THE PROJECT GUTENBERG "
        "EBOOK X ***\n\nAnna sat down.\n\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\n\nMore licence."
    )
    from audiodrama.sources.text import text_to_source

    script = parse_story(text_to_source(text))
    assert [l.text for l in script.lines() if l.kind != "front_matter"] == ["Anna sat down."]


def test_ao3_download_fixture():
    src = read_source(DATA / "formats_ao3.html")
    assert (src.title, src.author, src.language) == ("The Lantern Keeper", "testwriter", "en")
    script = parse_story(src)
    assert [(s.episode, s.title) for s in script.scenes] == [
        (1, "Chapter 1: The Storm"),
        (1, ""),
        (2, "Calm Water"),
    ]
    story = [l.text for l in script.lines() if l.kind in ("narration", "dialogue", "tag")]
    assert story[0] == "Winter, on the island" and story[-1] == "Mara said."
    assert not any(w in " ".join(story) for w in ("Posted", "Kudos", "Rating", "comment", "Notes"))
    front = [l.text for l in script.lines() if l.kind == "front_matter"]
    assert "Rating: General Audiences" in front
    assert "Chapter End Notes: Thanks for reading! Kudos make my day." in front
    assert summary_line(script).text == "Summary: Mara keeps the last lantern on the island."
    assert [src.text[a:b] for a, b, _ in src.emphasis] == [
        "The Lantern Keeper",
        "island",
        "Winter, on the island",
        "minute",
    ]


def test_epub_toc_label_names_a_styled_paragraph(tmp_path):
    epub = pytest.importorskip("ebooklib.epub")
    book = epub.EpubBook()
    book.set_identifier("x")
    book.set_title("X")
    c = epub.EpubHtml(title="Chapter 1", file_name="c1.xhtml")
    c.content = (
        '<html><body><section id="pg-header"><p>The Project Gutenberg eBook of X</p></section>'
        '<p class="ct"><span>Chapter 1: The Storm</span></p><p>Anna sat.</p></body></html>'
    )
    book.add_item(c)
    book.toc = [c]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", c]
    epub.write_epub(str(tmp_path / "x.epub"), book)
    src = read_source(tmp_path / "x.epub")
    assert src.text == "The Project Gutenberg eBook of X\n\nChapter 1: The Storm\n\nAnna sat."
    assert [src.text[a:b] for a, b, _ in src.headings] == ["Chapter 1: The Storm"]
    assert [src.text[a:b] for a, b in src.front_matter] == ["The Project Gutenberg eBook of X"]


def test_ffn_saved_page_fixture():
    src = read_source(DATA / "formats_ffn.html")
    assert (src.title, src.author) == ("The Lighthouse", "testwriter")
    assert src.text.startswith("A/N: Thanks") and src.text.endswith("Next chapter soon.")
    assert "Login" not in src.text and "Post Review" not in src.text and "Storm" not in src.text
    assert [src.text[a:b] for a, b in src.breaks] == ["xXx"]
    script = parse_story(src)
    kinds = [(l.kind, l.text[:12]) for l in script.lines() if l.kind in ("front_matter", "heading")]
    assert kinds == [
        ("front_matter", "A/N: Thanks "),
        ("front_matter", "Disclaimer: "),
        ("heading", "Chapter 2: F"),
        ("front_matter", "Please revie"),
    ]
    assert [s.lines[0].text[:10] for s in script.scenes] == ["A/N: Thank", "By noon th"]


def test_markdown_rule_under_a_paragraph_is_a_break():
    src = markdown_to_source("She left.\n---\nNext scene.\n\nA\n===\nB\n")
    assert src.text == "She left.\n\n* * *\n\nNext scene.\n\nA\n\n===\n\nB"


def test_nested_emphasis_reaches_a_line_inside_both():
    class L:
        def __init__(self, id_, span):
            self.id, self.span = id_, span

    # italic 0-40 holds bold 10-20; a line at 25-30 lies in the italic only, one at 12-15 in both
    found = emphasis_for_lines([L("a", (25, 30)), L("b", (12, 15))], [(10, 20, "bold"), (0, 40, "italic")])
    assert found == {"a": [(25, 30, "italic")], "b": [(12, 15, "italic"), (12, 15, "bold")]}


# ---- properties (hypothesis) ------------------------------------------------------------------------

TEXT_CHARS = "abcXYZéüß019 .,;:!?'\"-\u2014\u201c\u201d\u00ab\u00bb\n\r\t"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=TEXT_CHARS, max_size=300))
def test_txt_bytes_read_back_as_the_text(text):
    """A UTF-8 .txt is the text itself, line endings normalised; with no word in it, a StoryError."""
    data = text.encode("utf-8")
    assume(not data.startswith(BINARY_MAGIC))
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\w", expected):
        assert read_source_bytes(data, "story.txt").text == expected
    else:
        with pytest.raises(StoryError, match=r"story\.txt"):
            read_source_bytes(data, "story.txt")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcXYZé019 ,.!?'\"\n\t", min_size=1, max_size=40).filter(
            lambda s: any(ch.isdigit() for ch in s)  # a digit: never a note label such as "Notes:"
        ),
        min_size=1,
        max_size=6,
    )
)
def test_html_paragraphs_become_blank_line_separated_paragraphs(paras):
    """Each <p> is one paragraph of the text, its whitespace collapsed, paragraphs separated
    by one blank line."""
    page = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paras) + "</body></html>"
    src = read_source_bytes(page.encode("utf-8"), "story.html")
    assert src.text == "\n\n".join(" ".join(p.split()) for p in paras)
