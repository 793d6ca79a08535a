"""An RSS 2.0 podcast feed (itunes namespace) of a story's episodes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree as ET

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def rss_feed(
    *,
    title: str,
    description: str,
    base_url: str,
    author: str,
    episodes: Sequence[dict[str, Any]],
    cover_url: str | None = None,
    language: str = "en",
    link: str | None = None,
) -> str:
    """An RSS 2.0 podcast feed with the itunes namespace.

    `episodes`: dicts with title, file (name under base_url), length (bytes), duration (s),
    episode (number), and optionally description, guid, pub_date (datetime).
    """
    # Prefixed names and the xmlns attribute written as they are: ET.register_namespace
    # would change ElementTree's process-wide prefix map.
    it = lambda tag: f"itunes:{tag}"
    base = base_url.rstrip("/") + "/"
    rss = ET.Element("rss", {"version": "2.0", "xmlns:itunes": ITUNES})
    ch = ET.SubElement(rss, "channel")
    for tag, text in (
        ("title", title),
        ("link", link or base),
        ("description", description or title),
        ("language", language),
    ):
        ET.SubElement(ch, tag).text = text
    ET.SubElement(ch, it("author")).text = author or title
    ET.SubElement(ch, it("summary")).text = description or title
    ET.SubElement(ch, it("explicit")).text = "false"
    ET.SubElement(ch, it("type")).text = "serial"
    ET.SubElement(ch, it("category"), {"text": "Fiction"})
    if cover_url:
        ET.SubElement(ch, it("image"), {"href": cover_url})
    now = datetime.now(UTC).replace(microsecond=0)
    for k, ep in enumerate(episodes):
        item = ET.SubElement(ch, "item")
        ET.SubElement(item, "title").text = ep["title"]
        ET.SubElement(item, "description").text = ep.get("description") or ep["title"]
        url = base + ep["file"]
        ET.SubElement(
            item,
            "enclosure",
            {"url": url, "length": str(int(ep["length"])), "type": ep.get("type", "audio/mpeg")},
        )
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = ep.get("guid") or url
        pub = ep.get("pub_date") or (now - timedelta(minutes=len(episodes) - k))
        ET.SubElement(item, "pubDate").text = format_datetime(pub)
        secs = round(ep["duration"])
        ET.SubElement(
            item, it("duration")
        ).text = f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
        ET.SubElement(item, it("episode")).text = str(ep["episode"])
        ET.SubElement(item, it("episodeType")).text = "full"
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"
