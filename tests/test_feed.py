"""The podcast feed read back as a platform would, and each (mode, profile)'s own files."""

from __future__ import annotations

import io
import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from mutagen.id3 import ID3
from PIL import Image
from support import demo_script, render_fixture

from audiodrama.audio.feed import Channel, Episode, StoryMeta, chapters_json, resolve_channel, rss_feed
from audiodrama.errors import AudiodramaError, SettingsError
from audiodrama.pipeline.mixing import mix_script
from audiodrama.pipeline.publish import publish_feed
from audiodrama.project.production import Project
from audiodrama.script.jsonform import to_dict
from audiodrama.settings import Feed, Settings

IT = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
ATOM = "{http://www.w3.org/2005/Atom}"
POD = "{https://podcastindex.org/namespace/1.0}"
FEED_TOML = """[feed]
base_url = "https://example.org/pod/"
owner_email = "me@example.org"
category = "Fiction > Drama"
"""
HOSTILE = 'Tom & Jerry\'s "<b>Best</b>" ]]> \u2603\U0001f3a7 <!-- & -->'


def _mp3_only(settings: Settings, bitrate: str = "192k") -> Settings:
    return replace(settings, master=replace(settings.master, formats=("mp3",), mp3_bitrate=bitrate))


def _production(root: Path, script, toml: str = FEED_TOML) -> Project:
    """A production whose script/<slug>.json holds `script` (title, author, description)."""
    (root / "script").mkdir(parents=True, exist_ok=True)
    (root / "script" / f"{script.slug}.json").write_text(json.dumps(to_dict(script)))
    (root / "audiodrama.toml").write_text(toml)
    return Project(root)


@pytest.fixture(scope="module")
def lines_dir(tmp_path_factory):
    """The demo's voiced lines, synthesised once for the module (each test mixes its own copy)."""
    return tmp_path_factory.mktemp("lines")


@pytest.fixture
def built(tmp_path, lines_dir):
    """A two-episode story with metadata, mixed to MP3, with its rendered lines."""
    script = demo_script(two_episodes=True)
    script.author, script.description = "Joss W.", "Buffy grieves; Willow finds a way."
    prod = _production(tmp_path / "prod", script)
    settings = _mp3_only(prod.settings)
    rendered = render_fixture(script, settings, lines_dir)
    results = mix_script(script, rendered, prod, settings, progress=False)
    return prod, script, rendered, results


def test_feed_has_every_tag_apple_requires(built):
    prod, _, _, results = built
    path = publish_feed(prod, "demo")
    rss = ET.parse(path).getroot()
    ch = rss.find("channel")
    text = lambda el, tag: (el.findtext(tag) or "").strip()
    assert (
        text(ch, "title") == "Demo Story" and text(ch, "description") == "Buffy grieves; Willow finds a way."
    )
    assert text(ch, "language") == "en" and text(ch, IT + "author") == "Joss W."
    assert text(ch, IT + "explicit") == "false" and text(ch, IT + "type") == "serial"
    cat = ch.find(IT + "category")
    assert cat.get("text") == "Fiction" and cat.find(IT + "category").get("text") == "Drama"
    owner = ch.find(IT + "owner")
    assert text(owner, IT + "name") == "Joss W." and text(owner, IT + "email") == "me@example.org"
    self_link = ch.find(ATOM + "link")
    assert self_link.get("rel") == "self" and self_link.get("href") == "https://example.org/pod/feed.xml"
    image = ch.find(IT + "image").get("href")
    assert image == "https://example.org/pod/cover.png"
    with Image.open(path.parent / "cover.png") as im:  # generated from the title: Apple's largest square
        assert im.size == (3000, 3000) and im.format == "PNG" and im.mode == "RGB"
    items = ch.findall("item")
    assert [text(i, "title") for i in items] == ["The park", "Episode 2"]  # no show name, no number
    for item, r in zip(items, results):
        assert text(item, "title") and text(item, IT + "episode") == str(r.episode)
        assert text(item, "guid") == f"demo-e{r.episode:02d}"
        assert datetime.strptime(text(item, "pubDate"), "%a, %d %b %Y %H:%M:%S %z")
        h, m, s = map(int, text(item, IT + "duration").split(":"))
        assert abs(h * 3600 + m * 60 + s - r.duration) <= 1
        enc = item.find("enclosure")
        assert enc.get("url") == f"https://example.org/pod/{r.mp3.name}" and enc.get("type") == "audio/mpeg"
        assert int(enc.get("length")) == os.path.getsize(r.mp3)
        transcript = item.find(POD + "transcript")
        assert transcript.get("url").endswith(f"demo-e{r.episode:02d}.vtt")
        assert transcript.get("type") == "text/vtt"
        chapters = item.find(POD + "chapters")
        assert chapters.get("type") == "application/json+chapters"
        local = json.loads((path.parent / chapters.get("url").rsplit("/", 1)[1]).read_text())
        tl = json.loads(r.timeline.read_text())
        assert local["version"] == "1.2.0"
        assert [c["startTime"] for c in local["chapters"]] == [round(s["start"], 3) for s in tl["scenes"]]


def test_feed_follows_the_files_across_a_remix(built, tmp_path):
    """A re-mix writes the published feed again: lengths of the new files, same guids and dates."""
    prod, script, rendered, results = built
    path = publish_feed(prod, "demo")
    before = ET.parse(path).getroot().findall("./channel/item")
    old_size = os.path.getsize(results[0].mp3)
    [again] = mix_script(
        script, rendered, prod, _mp3_only(prod.settings, "96k"), episodes=[1], progress=False
    )
    assert os.path.getsize(again.mp3) != old_size
    after = ET.parse(path).getroot().findall("./channel/item")
    assert int(after[0].find("enclosure").get("length")) == os.path.getsize(again.mp3)
    for a, b in zip(before, after):
        assert a.findtext("guid") == b.findtext("guid") and a.findtext("pubDate") == b.findtext("pubDate")
    publish_feed(prod, "demo")  # and a rerun of the command agrees
    rerun = ET.parse(path).getroot().findall("./channel/item")
    assert [i.findtext("guid") for i in rerun] == [i.findtext("guid") for i in before]
    assert int(rerun[0].find("enclosure").get("length")) == os.path.getsize(again.mp3)


def test_the_feed_names_the_author_the_mp3_does(tmp_path, lines_dir):
    """With a story author and a [mix] author, itunes:author is the MP3's artist (one rule)."""
    script = demo_script()
    script.author, script.description = "Joss W.", "Buffy grieves."
    prod = _production(tmp_path / "prod", script, FEED_TOML + '[mix]\nauthor = "Ann Mixer"\n')
    settings = _mp3_only(prod.settings)
    [result] = mix_script(script, render_fixture(script, settings, lines_dir), prod, settings, progress=False)
    channel = ET.parse(publish_feed(prod, "demo")).getroot().find("channel")
    assert channel.findtext(IT + "author") == str(ID3(str(result.mp3))["TPE1"]) == "Ann Mixer"


def _channel(**kw) -> Channel:
    base = dict(
        title=HOSTILE,
        author=HOSTILE,
        description=HOSTILE,
        language="en",
        owner_name=HOSTILE,
        owner_email="a&b@example.org",
        category=("Kids & Family", "Stories for Kids"),
        explicit=True,
        type="episodic",
        base_url="https://example.org/a&b/",
    )
    return Channel(**{**base, **kw})


def test_feed_is_well_formed_with_hostile_metadata():
    ep = Episode(
        1, HOSTILE, "g&<1>", datetime(2026, 1, 2, tzinfo=UTC), 61.4, 'e "1".mp3', 10, "x&.vtt", "c.json"
    )
    xml = rss_feed(_channel(), [ep])
    rss = ET.fromstring(xml.encode("utf-8"))
    ch = rss.find("channel")
    assert ch.findtext("title") == HOSTILE and ch.findtext(IT + "author") == HOSTILE
    assert ch.find(IT + "owner").findtext(IT + "name") == HOSTILE
    assert ch.find(IT + "category").get("text") == "Kids & Family"
    item = ch.find("item")
    assert item.findtext("title") == HOSTILE and item.findtext("guid") == "g&<1>"
    assert item.find("enclosure").get("url") == 'https://example.org/a&b/e "1".mp3'
    assert item.findtext(IT + "duration") == "00:01:01"
    meta = StoryMeta("s", HOSTILE, HOSTILE, HOSTILE, "fr")
    feed = Feed(base_url="https://x.org/p", owner_email="o@x.org", category="comedy")
    channel = resolve_channel(feed, meta, "audiodrama.toml")
    assert channel.base_url == "https://x.org/p/" and channel.category == ("Comedy",)
    assert ET.fromstring(rss_feed(channel, [ep])).find("channel").findtext("language") == "fr"


@pytest.mark.parametrize(
    ("feed", "meta", "match"),
    [
        (Feed(owner_email="o@x.org"), StoryMeta("s", "T", "A", "D"), r"\[feed\] base_url is not set"),
        (Feed(base_url="https://x.org/"), StoryMeta("s", "T", "A", "D"), r"\[feed\] owner_email is not set"),
        (Feed(base_url="https://x.org/", owner_email="o@x.org"), StoryMeta("s", "T", "A"), "description"),
        (Feed(base_url="https://x.org/", owner_email="o@x.org"), StoryMeta("s", "T", "", "D"), "author"),
        (
            Feed(base_url="https://x.org/", owner_email="o@x.org", category="Fiction > Horror"),
            StoryMeta("s", "T", "A", "D"),
            "subcategories of Fiction are Comedy Fiction, Drama, Science Fiction",
        ),
    ],
)
def test_a_missing_feed_value_is_one_line_naming_setting_and_file(feed, meta, match):
    with pytest.raises(SettingsError, match=match) as err:
        resolve_channel(feed, meta, "/p/audiodrama.toml")
    assert str(err.value).startswith("/p/audiodrama.toml: ") and "\n" not in str(err.value)


def test_a_cover_platforms_would_refuse_is_an_error(built):
    prod, *_ = built
    Image.new("RGB", (1400, 1000)).save(prod.root / "wide.png")
    (prod.root / "audiodrama.toml").write_text(FEED_TOML + 'image = "wide.png"\n')
    with pytest.raises(SettingsError, match=r"wide.png: is 1400x1000; cover art must be square"):
        publish_feed(Project(prod.root), "demo")
    Image.new("RGB", (1400, 1400), "navy").save(prod.root / "art.jpg", "JPEG")
    (prod.root / "audiodrama.toml").write_text(FEED_TOML + 'image = "art.jpg"\n')
    path = publish_feed(Project(prod.root), "demo")
    assert ET.parse(path).getroot().find(f"channel/{IT}image").get("href").endswith("/cover.jpg")
    assert (path.parent / "cover.jpg").read_bytes() == (prod.root / "art.jpg").read_bytes()
    assert not (path.parent / "cover.png").exists()  # the generated one it replaces


def test_chapters_json_is_podcasting_2_format():
    data = chapters_json("Ep", [("The park", 0.0, 12.3456), ("", 12.3456, 20.0)])
    assert data["version"] == "1.2.0"
    assert data["chapters"] == [
        {"startTime": 0.0, "endTime": 12.346, "title": "The park"},
        {"startTime": 12.346, "endTime": 20.0, "title": "Part 2"},
    ]


def test_each_mode_and_profile_has_its_own_files(built):
    prod, script, rendered, results = built
    folder = results[0].mp3.parent
    podcast = {p.name: p.read_bytes() for p in folder.glob("demo-e01.*")}
    assert set(podcast) >= {
        "demo-e01.mp3",
        "demo-e01.vtt",
        "demo-e01.timeline.json",
        "demo-e01.chapters.json",
    }
    settings = _mp3_only(prod.settings)
    [book] = mix_script(script, rendered, prod, settings, episodes=[1], mode="audiobook", progress=False)
    [acx] = mix_script(script, rendered, prod, settings, episodes=[1], profile="acx", progress=False)
    assert book.mp3.name == "demo-e01-audiobook.mp3" and acx.mp3.name == "demo-e01-acx.mp3"
    assert json.loads(book.timeline.read_text())["mode"] == "audiobook"
    assert json.loads(acx.timeline.read_text())["profile"] == "acx"
    assert {p.name: p.read_bytes() for p in folder.glob("demo-e01.*")} == podcast  # untouched
    with pytest.raises(AudiodramaError, match=r"no episodes \(demo-eNN-audiobook-acx.mp3\)"):
        publish_feed(prod, "demo", mode="audiobook", profile="acx")
    book_feed = publish_feed(prod, "demo", mode="audiobook")
    assert book_feed.name == "feed-audiobook.xml"
    [item] = ET.parse(book_feed).getroot().findall("./channel/item")
    assert item.findtext("guid") == "demo-e01-audiobook"
    assert item.find("enclosure").get("url").endswith("/demo-e01-audiobook.mp3")


def test_files_of_an_earlier_run_are_not_left_beside_a_new_episode(tmp_path, lines_dir):
    script = demo_script(two_episodes=True)
    prod = _production(tmp_path / "prod", script)
    settings = replace(prod.settings, master=replace(prod.settings.master, formats=("wav", "mp3")))
    rendered = render_fixture(script, settings, lines_dir)
    first = mix_script(script, rendered, prod, settings, stems=True, progress=False)
    folder = first[0].mp3.parent
    assert set(first[1].stems) >= {"Dawn", "Buffy"} and first[1].labels.exists()
    # the story changes: Dawn's line goes, everything is one episode, and no WAV or stems are asked for
    script.scenes[1].lines = [line for line in script.scenes[1].lines if line.speaker != "Dawn"]
    script.scenes[1].episode = 1
    [again] = mix_script(script, rendered, prod, _mp3_only(settings), stems=False, progress=False)
    assert again.wav is None and not again.stems and again.mp3.exists()
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert names == [
        "demo-e01.chapters.json",
        "demo-e01.mp3",
        "demo-e01.srt",
        "demo-e01.timeline.json",
        "demo-e01.vtt",
    ]
    # stems asked for again: a fresh folder with only the characters now in the episode
    [third] = mix_script(script, rendered, prod, _mp3_only(settings), stems=True, progress=False)
    stems = sorted(p.name for p in (folder / "demo-e01.stems").iterdir())
    assert stems == sorted(f"{n}.wav" for n in third.stems) and "Dawn.wav" not in stems
    assert not [p for p in folder.iterdir() if ".tmp" in p.name]


def test_generated_cover_is_stable(tmp_path):
    from audiodrama.audio.feed import cover_png

    a = cover_png(HOSTILE, "Someone", side=1400)
    assert a == cover_png(HOSTILE, "Someone", side=1400)
    with Image.open(io.BytesIO(a)) as im:
        assert im.size == (1400, 1400)


def test_a_killed_stems_swap_is_swept(tmp_path):
    from audiodrama.project.store import sweep_temporaries

    half = tmp_path / "demo" / ".demo-e01.stems.k2j4.tmp"
    half.mkdir(parents=True)
    (half / "Willow.wav").write_bytes(b"RIFF")
    (tmp_path / "demo" / "demo-e01.stems").mkdir()
    assert sweep_temporaries(tmp_path) == 1
    assert not half.exists() and (tmp_path / "demo" / "demo-e01.stems").is_dir()


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ({"base_url": "example.org/pod"}, r"\[feed\] base_url = 'example.org/pod': use the public http"),
        ({"owner_email": "me"}, r"\[feed\] owner_email = 'me': use an email address"),
        ({"type": "daily"}, r"\[feed\] type = 'daily': use serial \| episodic"),
        ({"explicit": "no"}, r"\[feed\] explicit = 'no' should be a bool"),
    ],
)
def test_bad_feed_settings_are_refused_when_read(table, match):
    from audiodrama.settings import settings_from_dict

    with pytest.raises(SettingsError, match=match):
        settings_from_dict({"feed": table}, "/p/audiodrama.toml")
