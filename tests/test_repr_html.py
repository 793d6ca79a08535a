"""Results display themselves in Jupyter: each `_repr_html_` is built from the object's fields."""

from __future__ import annotations

from pathlib import Path

from audiodrama.audio.timeline import Item, SceneSpan, Timeline
from audiodrama.model import VoiceProfile
from audiodrama.render.plan import RenderedLine, RenderResult
from audiodrama.results import EpisodeResult
from audiodrama.voices.cast import Cast


def test_timeline_shows_length_scenes_and_lines() -> None:
    tl = Timeline(
        2,
        93.5,
        [
            Item("line", "a1", 0.5, 2.0, "s1", "Willow", "dialogue", "Hi"),
            Item("cue", "door", 2.0, 3.0, "s1"),
            Item("line", "a2", 60.0, 62.0, "s2", "Narrator", "narration", "Later <that> day"),
        ],
        [
            SceneSpan("s1", "The Library", 0.0, 59.0, "cut", ""),
            SceneSpan("s2", "Night & Day", 59.0, 93.5, "fade", ""),
        ],
    )
    page = tl._repr_html_()
    assert "Episode 2" in page and "93.5 s" in page and "2 lines" in page and "2 scenes" in page
    assert "The Library" in page and "Night &amp; Day" in page and "59.0" in page


def test_cast_shows_every_profile_narrator_first_and_warnings() -> None:
    cast = Cast(
        narrator=VoiceProfile(engine="pyttsx3", voice="en-gb-x-rp", rate=165, pitch=42),
        characters={
            "Willow": VoiceProfile(engine="pyttsx3", voice="en-us+f3", rate=170, pitch=70, effects=["phone"])
        },
        warnings=["Willow and <Buffy> may sound alike"],
    )
    page = cast._repr_html_()
    assert page.index("Narrator") < page.index("Willow")
    assert "en-gb-x-rp" in page and "en-us+f3" in page and "170" in page and "phone" in page
    assert "&lt;Buffy&gt; may sound alike" in page


def test_render_result_shows_counts_voices_and_warnings() -> None:
    result = RenderResult()
    result["a"] = RenderedLine(Path("a.wav"), "tts", False, "Willow", duration=1.25)
    result["b"] = RenderedLine(Path("b.wav"), "recorded", True, "Willow", duration=2.0)
    result["c"] = RenderedLine(Path("c.wav"), "tts", True, "Narrator", duration=4.0)
    result.synthesised, result.cached, result.recorded = 1, 1, 1
    result.warnings.append("take b.wav clips")
    page = result._repr_html_()
    assert "rendered 1, cached 1, recorded 1" in page
    assert (
        "<td>Willow</td><td>2</td><td>3.2</td>" in page and "<td>Narrator</td><td>1</td><td>4.0</td>" in page
    )
    assert "take b.wav clips" in page


def test_episode_result_is_a_summary_from_its_fields_without_reading_files(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"  # no file exists: the summary must not need one
    ep = EpisodeResult(
        3,
        missing / "d-e03.wav",
        missing / "d-e03.mp3",
        missing / "d-e03.timeline.json",
        None,
        754.0,
        -16.04,
        -1.52,
    )
    page = ep._repr_html_()
    assert "Episode 3" in page and "12.6 min" in page and "-16.0 LUFS" in page and "-1.5 dBTP" in page
    assert "d-e03.mp3" in page and "d-e03.timeline.json" in page and "<audio" not in page
