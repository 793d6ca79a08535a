"""Publishing a story: its podcast feed (feed.xml, cover art, chapters) under the production lock."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from audiodrama.audio.credits import story_author
from audiodrama.audio.feed import StoryMeta, resolve_channel
from audiodrama.audio.profiles import get_profile
from audiodrama.errors import AudiodramaError
from audiodrama.model import Script
from audiodrama.parse import summary_text
from audiodrama.project.feedfiles import feed_name, install_cover, write_feed
from audiodrama.project.lock import production_lock
from audiodrama.project.outputs import EpisodeOutputs, variant
from audiodrama.project.production import Project, slugify
from audiodrama.project.scripts import open_script
from audiodrama.settings import Settings


def story_slug(prod: Project, story: str | None) -> str:
    """The slug of `story` (a slug or a story file name), or of the production's only script."""
    if story:
        return slugify(story)
    scripts = sorted(prod.script_dir.glob("*.json")) if prod.script_dir.exists() else []
    if len(scripts) != 1:
        raise AudiodramaError(
            "name the story (one of: " + (", ".join(p.stem for p in scripts) or "none yet") + ")",
            prod.script_dir,
        )
    return scripts[0].stem


def story_meta(script: Script | None, slug: str, settings: Settings) -> StoryMeta:
    """What the parsed script says of the story (a script parsed before it kept the description:
    its "Summary:" paragraph), its author as the credits and the artist tag name them."""
    if script is None:
        return StoryMeta(slug, author=settings.mix.author.strip())
    return StoryMeta(
        slug,
        title=script.title,
        author=story_author(script, settings),
        description=script.description or summary_text(script),
        language=script.language,
    )


def publish_feed(
    prod: Project,
    story: str | None = None,
    *,
    mode: str | None = None,
    profile: str | None = None,
    base_url: str | None = None,
    title: str | None = None,
    author: str | None = None,
    description: str | None = None,
) -> Path:
    """Write audio_out/<story>/feed<variant>.xml and its cover art; the feed's path.

    `base_url`, `title`, `author`, `description` replace the [feed] settings for this call (None:
    the setting); `mode` / `profile` choose which episodes it lists (default: the settings').
    """
    settings = prod.settings
    given: dict[str, Any] = {
        "base_url": base_url,
        "title": title,
        "author": author,
        "description": description,
    }
    feed = replace(settings.feed, **{k: v for k, v in given.items() if v is not None})
    slug = story_slug(prod, story)
    script = None
    if prod.script_json(slug).exists():
        script = open_script(prod.script_json(slug), prod.script_fountain(slug)).script
    suffix = variant(mode or settings.mix.mode, get_profile(profile or settings.master.profile).name)
    channel = resolve_channel(
        feed,
        story_meta(script, slug, settings),
        prod.settings_path,
        feed_name=feed_name(suffix),
    )
    image = feed.image or settings.master.cover
    with production_lock(prod):
        out = EpisodeOutputs(prod, slug)
        cover = install_cover(out, prod.root / image if image else None, channel.title, channel.author)
        return write_feed(out, slug, suffix, replace(channel, image_name=cover))
