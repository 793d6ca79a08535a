"""A story's podcast feed files in audio_out/<story>/: feed.xml, its cover and the state that keeps it stable.

The feed lists the MP3s of one (mode, profile) variant as they are on disk when it is written:
lengths from stat, durations from the files. `.feed<variant>.json` beside it keeps the resolved
channel and each episode's first publication date, so that a later mix can write the feed again
(its lengths then match the new files) and an episode's pubDate never moves.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import mutagen

from audiodrama.audio.feed import Channel, Episode, chapters_json, check_cover, cover_png, rss_feed
from audiodrama.errors import AudiodramaError, ProductionError
from audiodrama.project import fsutil
from audiodrama.project.outputs import EpisodeOutputs


def feed_name(suffix: str) -> str:
    """feed.xml for drama/podcast, feed-audiobook.xml... (suffix: outputs.variant())."""
    return f"feed{suffix}.xml"


def _state_path(out: EpisodeOutputs, suffix: str) -> Path:
    return out.path(f".feed{suffix}.json")


def install_cover(out: EpisodeOutputs, image: Path | None, title: str, author: str) -> str:
    """Put the cover art next to the episodes and return its file name: `image` (checked against
    the platforms' rules) copied as cover.png/cover.jpg, or, with none, one made from the title."""
    if image is not None:
        try:
            data = image.read_bytes()
        except OSError as exc:
            raise ProductionError(
                f"cannot be read as the cover ({exc.strerror}); fix [feed] image or [master] cover", image
            ) from None
        name = "cover." + check_cover(data, image)
    else:
        data, name = cover_png(title, author), "cover.png"
    target = out.path(name)
    if not target.exists() or target.read_bytes() != data:
        fsutil.write_bytes(target, data)
    for other in ("cover.png", "cover.jpg"):
        if other != name:
            out.path(other).unlink(missing_ok=True)
    return name


def write_feed(out: EpisodeOutputs, slug: str, suffix: str, channel: Channel) -> Path:
    """Write the feed of `slug`'s episodes of one variant (and its state); the path of the feed."""
    state = _read_state(out, suffix)
    published = dict(state.get("published", {})) if isinstance(state.get("published"), dict) else {}
    episodes = _episodes(out, slug, suffix, published)
    if not episodes:
        raise AudiodramaError(
            f"no episodes ({slug}-eNN{suffix}.mp3) to list; run `audiodrama build` (with mp3 in "
            "[master] formats) first",
            out.folder,
        )
    path = out.path(channel.feed_name)
    fsutil.write_text(path, rss_feed(channel, episodes))
    data = {"channel": asdict(channel), "published": published}
    fsutil.write_text(_state_path(out, suffix), json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def refresh_feed(out: EpisodeOutputs, slug: str, suffix: str) -> Path | None:
    """Write a variant's feed again after a mix, if `audiodrama feed` wrote one; its path, or None."""
    state = _read_state(out, suffix)
    if "channel" not in state or not out.path(feed_name(suffix)).exists():
        return None
    try:
        raw = dict(state["channel"])
        channel = Channel(**{**raw, "category": tuple(raw["category"])})
    except (TypeError, KeyError, ValueError):
        return None  # a state from another version: the next `audiodrama feed` writes it anew
    try:
        return write_feed(out, slug, suffix, channel)
    except AudiodramaError:
        return None  # no MP3 in this build: the feed is left for `audiodrama feed` to say so


def _read_state(out: EpisodeOutputs, suffix: str) -> dict[str, Any]:
    try:
        data = json.loads(_state_path(out, suffix).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _episodes(out: EpisodeOutputs, slug: str, suffix: str, published: dict[str, str]) -> list[Episode]:
    """Every <slug>-eNN<suffix>.mp3 in the folder, as it is now; new ones get a publication date."""
    pattern = re.compile(rf"{re.escape(slug)}-e(\d+){re.escape(suffix)}\.mp3")
    found = sorted((int(m.group(1)), p) for p in out.folder.glob("*.mp3") if (m := pattern.fullmatch(p.name)))
    now = datetime.now(UTC).replace(microsecond=0)
    episodes = []
    for k, (number, mp3) in enumerate(found):
        stem = mp3.name[: -len(".mp3")]
        try:
            pub = datetime.fromisoformat(str(published[stem]))
        except (KeyError, ValueError):  # new (or a date edited out of shape): in episode order, a
            pub = now - timedelta(minutes=len(found) - k)  # minute apart, as apps sort by date
            published[stem] = pub.isoformat()
        episodes.append(_episode(out, number, mp3, stem, pub))
    return episodes


def _episode(out: EpisodeOutputs, number: int, mp3: Path, stem: str, pub: datetime) -> Episode:
    timeline: dict[str, Any] = {}
    try:
        timeline = json.loads(out.path(f"{stem}.timeline.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass  # an MP3 without its timeline: named by number, no chapters
    # "Story, episode 2: The park" -> "The park": apps show the podcast's name and the number
    # beside it, and Apple asks for neither in an episode's title
    full = str(timeline.get("title") or "")
    title = re.sub(rf"^.*?, episode {number}(?::\s*|$)", "", full) or f"Episode {number}"
    chapters = out.path(f"{stem}.chapters.json")
    if not chapters.exists() and timeline.get("scenes"):  # an episode mixed before chapters files
        marks = [(s.get("title", ""), s["start"], s["end"]) for s in timeline["scenes"]]
        out.write_json(chapters.name, chapters_json(full or title, marks))
    vtt = out.path(f"{stem}.vtt")
    audio = mutagen.File(mp3)
    duration = float(audio.info.length) if audio is not None else float(timeline.get("duration", 0.0))
    return Episode(
        number=number,
        title=title,
        guid=stem,
        pub_date=pub,
        duration=duration,
        file=mp3.name,
        length=mp3.stat().st_size,
        transcript=vtt.name if vtt.exists() else "",
        chapters=chapters.name if chapters.exists() else "",
    )
