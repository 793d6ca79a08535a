"""A podcast feed (RSS 2.0 with the itunes, atom and podcast namespaces), its chapters JSON and a cover."""

from __future__ import annotations

import io
import textwrap
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from audiodrama.errors import SettingsError
from audiodrama.settings import Feed

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"
PODCAST = "https://podcastindex.org/namespace/1.0"
#: The podcast:guid namespace (Podcasting 2.0): a channel's guid is uuid5 of its feed URL.
_PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

#: Apple Podcasts categories and their subcategories (Spotify reads the same tag).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Softball",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}

#: Apple's limits for cover art: square, this many pixels a side, JPEG or PNG.
COVER_SIDE = (1400, 3000)


@dataclass(frozen=True)
class StoryMeta:
    """What the story says about itself (the parsed Script's metadata)."""

    slug: str
    title: str = ""
    author: str = ""
    """As the credits and the MP3's artist tag name it (audio.credits.story_author)."""
    description: str = ""
    language: str = ""


@dataclass(frozen=True)
class Channel:
    """The podcast as the feed describes it: every value resolved and checked."""

    title: str
    author: str
    description: str
    language: str
    owner_name: str
    owner_email: str
    category: tuple[str, ...]
    explicit: bool
    type: str
    base_url: str
    """Ends with "/": every file's URL is base_url + its name."""
    feed_name: str = "feed.xml"
    image_name: str = "cover.png"

    def url(self, name: str) -> str:
        return self.base_url + name


@dataclass(frozen=True)
class Episode:
    """One item of the feed: its MP3 as it is on disk, and the files beside it."""

    number: int
    title: str
    guid: str
    """Never changes for this episode (the file stem: podcast apps key downloads on it)."""
    pub_date: datetime
    duration: float
    file: str
    length: int
    """Bytes of the file at feed time."""
    transcript: str = ""
    """File name of the WebVTT transcript ("" if none)."""
    chapters: str = ""
    """File name of the chapters JSON ("" if none)."""
    description: str = ""
    mime: str = "audio/mpeg"


def _need(value: str, key: str, why: str, example: str, where: str | Path) -> str:
    if not value.strip():
        raise SettingsError(f"[feed] {key} is not set ({why}); add {key} = {example} under [feed]", where)
    return value.strip()


def resolve_channel(
    feed: Feed,
    story: StoryMeta,
    where: str | Path,
    *,
    feed_name: str = "feed.xml",
    image_name: str = "cover.png",
) -> Channel:
    """The channel from the [feed] settings, falling back on the story's metadata.

    `where` is the settings file named in errors: a required value missing is one SettingsError.
    """
    base = _need(
        feed.base_url,
        "base_url",
        "where the episodes will be online",
        '"https://example.org/podcast/"',
        where,
    )
    email = _need(
        feed.owner_email, "owner_email", "platforms verify ownership there", '"you@example.org"', where
    )
    title = feed.title or story.title or story.slug
    author = _need(
        feed.author or story.author,
        "author",
        "the story names no author",
        '"Your Name"',
        where,
    )
    description = _need(
        feed.description or story.description,
        "description",
        'the story has no description or "Summary:" paragraph',
        '"What the story is about."',
        where,
    )
    return Channel(
        title=title,
        author=author,
        description=description,
        language=feed.language or story.language or "en",
        owner_name=feed.owner_name or author,
        owner_email=email,
        category=parse_category(feed.category, where),
        explicit=feed.explicit,
        type=feed.type,
        base_url=base.rstrip("/") + "/",
        feed_name=feed_name,
        image_name=image_name,
    )


def parse_category(text: str, where: str | Path) -> tuple[str, ...]:
    """ "Fiction > Drama" -> ("Fiction", "Drama"), checked against Apple's list."""
    parts = tuple(p.strip() for p in text.split(">"))
    top = {k.lower(): k for k in CATEGORIES}.get(parts[0].lower())
    if top is None or len(parts) > 2:
        raise SettingsError(
            f"[feed] category = {text!r} is not an Apple Podcasts category; use one of "
            + ", ".join(CATEGORIES),
            where,
        )
    if len(parts) == 1:
        return (top,)
    sub = {k.lower(): k for k in CATEGORIES[top]}.get(parts[1].lower())
    if sub is None:
        choices = ", ".join(CATEGORIES[top]) or "none: use it alone"
        raise SettingsError(f"[feed] category = {text!r}: subcategories of {top} are {choices}", where)
    return (top, sub)


def _duration(seconds: float) -> str:
    secs = round(seconds)
    return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"


def rss_feed(channel: Channel, episodes: Sequence[Episode]) -> str:
    """The feed's XML text: everything Apple Podcasts and Spotify require, and Podcasting 2.0 links."""
    # Prefixed names and xmlns attributes written as they are: ET.register_namespace would
    # change ElementTree's process-wide prefix map.
    rss = ET.Element(
        "rss",
        {"version": "2.0", "xmlns:itunes": ITUNES, "xmlns:atom": ATOM, "xmlns:podcast": PODCAST},
    )
    ch = ET.SubElement(rss, "channel")
    feed_url = channel.url(channel.feed_name)
    ET.SubElement(ch, "atom:link", {"href": feed_url, "rel": "self", "type": "application/rss+xml"})
    for tag, text in (
        ("title", channel.title),
        ("link", channel.base_url),
        ("description", channel.description),
        ("language", channel.language),
        ("itunes:author", channel.author),
        ("itunes:summary", channel.description),
        ("itunes:explicit", "true" if channel.explicit else "false"),
        ("itunes:type", channel.type),
    ):
        ET.SubElement(ch, tag).text = text
    owner = ET.SubElement(ch, "itunes:owner")
    ET.SubElement(owner, "itunes:name").text = channel.owner_name
    ET.SubElement(owner, "itunes:email").text = channel.owner_email
    ET.SubElement(ch, "itunes:image", {"href": channel.url(channel.image_name)})
    image = ET.SubElement(ch, "image")
    for tag, text in (
        ("url", channel.url(channel.image_name)),
        ("title", channel.title),
        ("link", channel.base_url),
    ):
        ET.SubElement(image, tag).text = text
    category = ET.SubElement(ch, "itunes:category", {"text": channel.category[0]})
    if len(channel.category) > 1:
        ET.SubElement(category, "itunes:category", {"text": channel.category[1]})
    guid = uuid.uuid5(_PODCAST_GUID_NS, feed_url.split("://", 1)[-1].rstrip("/"))
    ET.SubElement(ch, "podcast:guid").text = str(guid)
    for ep in episodes:
        _item(ch, channel, ep)
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def _item(ch: ET.Element, channel: Channel, ep: Episode) -> None:
    item = ET.SubElement(ch, "item")
    for tag, text in (
        ("title", ep.title),
        ("description", ep.description or ep.title),
        ("itunes:title", ep.title),
        ("itunes:episode", str(ep.number)),
        ("itunes:episodeType", "full"),
        ("itunes:duration", _duration(ep.duration)),
        ("pubDate", format_datetime(ep.pub_date)),
    ):
        ET.SubElement(item, tag).text = text
    ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = ep.guid
    ET.SubElement(item, "enclosure", {"url": channel.url(ep.file), "length": str(ep.length), "type": ep.mime})
    if ep.transcript:
        ET.SubElement(
            item,
            "podcast:transcript",
            {"url": channel.url(ep.transcript), "type": "text/vtt", "rel": "captions"},
        )
    if ep.chapters:
        ET.SubElement(
            item, "podcast:chapters", {"url": channel.url(ep.chapters), "type": "application/json+chapters"}
        )


def chapters_json(title: str, chapters: Sequence[tuple[str, float, float]]) -> dict[str, object]:
    """The Podcasting 2.0 JSON chapters of an episode: (title, start, end) in seconds."""
    return {
        "version": "1.2.0",
        "title": title,
        "chapters": [
            {"startTime": round(start, 3), "endTime": round(end, 3), "title": name or f"Part {k}"}
            for k, (name, start, end) in enumerate(chapters, 1)
        ],
    }


def check_cover(data: bytes, where: str | Path) -> str:
    """The cover's file extension ("png" or "jpg") after checking Apple's rules; SettingsError if broken."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt, (w, h) = im.format, im.size
    except (UnidentifiedImageError, OSError):
        raise SettingsError("is not a JPEG or PNG image; set [feed] image to one", where) from None
    if fmt not in ("PNG", "JPEG"):
        raise SettingsError(f"is a {fmt} image; platforms take JPEG or PNG: set [feed] image to one", where)
    low, high = COVER_SIDE
    if w != h or not low <= w <= high:
        raise SettingsError(
            f"is {w}x{h}; cover art must be square, {low} to {high} pixels a side "
            "(set [feed] image to such a file, or leave it empty for a generated cover)",
            where,
        )
    return "png" if fmt == "PNG" else "jpg"


def _drawable(text: str) -> str:
    """`text` without what the cover's font has no glyph for (emoji, symbols: drawn as boxes)."""
    kept = "".join(
        c for c in text if ord(c) <= 0xFFFF and unicodedata.category(c) not in ("So", "Co", "Cs", "Cn")
    )
    return " ".join(kept.split())


def cover_png(title: str, author: str = "", side: int = 3000) -> bytes:
    """A plain square cover: the title, large and centred, the author under it. Same input, same bytes."""
    seed = uuid.uuid5(uuid.NAMESPACE_OID, title).bytes  # a stable colour per title
    title, author = _drawable(title) or "Untitled", _drawable(author)
    background = (20 + seed[0] % 40, 24 + seed[1] % 40, 40 + seed[2] % 50)
    im = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(im)
    margin = side // 10
    size = side // 8
    while True:  # the largest size at which the wrapped title fits the square's middle
        font = ImageFont.load_default(size=size)
        width = max(1, int((side - 2 * margin) / max(font.getlength("n"), 1)))
        lines = textwrap.wrap(title, width=width) or [title]
        fits = all(font.getlength(line) <= side - 2 * margin for line in lines)
        if (fits and len(lines) * size * 1.2 <= side * 0.6) or size <= side // 40:
            break
        size = int(size * 0.85)
    top = side / 2 - len(lines) * size * 1.2 / 2
    for k, line in enumerate(lines):
        draw.text((side / 2, top + k * size * 1.2), line, font=font, anchor="mt", fill=(244, 236, 220))
    if author:
        small = ImageFont.load_default(size=side // 30)
        draw.text((side / 2, side - margin), author, font=small, anchor="mb", fill=(200, 190, 170))
    draw.rectangle(
        (margin // 2, margin // 2, side - margin // 2, side - margin // 2),
        outline=(200, 170, 90),
        width=side // 300,
    )
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()
