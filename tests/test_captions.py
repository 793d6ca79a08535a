"""Caption-sized transcripts: cue limits and boundaries, word-timed cues on a real espeak-ng
render, no speech-tag fragments in drama mode, and credits that name performers or engines."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiodrama.audio import captions, credits, transcript
from audiodrama.audio.timeline import plan_episode
from audiodrama.errors import CastError
from audiodrama.model import NARRATOR, Scene, Script, VoiceProfile
from audiodrama.parse import parse_story
from audiodrama.project.store import Store
from audiodrama.render.lines import render_lines
from audiodrama.render.runners import WorkerPool
from audiodrama.settings import Settings
from audiodrama.sources.reader import read_source_bytes
from audiodrama.voices.cast import Cast, cast_from_data
from tests.support import L

WORD = st.text(alphabet=st.characters(categories=("L", "N"), max_codepoint=0x2FF), min_size=1, max_size=20)
PUNCT = st.sampled_from(["", "", "", ",", ".", "?", "!", ";", "...", "\u2014", ":"])
TEXT = st.lists(st.tuples(WORD, PUNCT).map("".join), min_size=1, max_size=120).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_cues_hold_at_most_two_lines_of_42_characters_and_every_word_once(text):
    cues = captions.split_cues(text)
    assert [w for c in cues for line in c.lines for w in line.split()] == text.split()
    assert [c.first for c in cues] == [0, *[c.end for c in cues[:-1]]] and cues[-1].end == len(text.split())
    for c in cues:
        assert 1 <= len(c.lines) <= captions.MAX_LINES
        assert all(0 < len(line) <= captions.MAX_CHARS for line in c.lines)


def test_a_word_longer_than_a_line_stands_alone_and_is_never_cut():
    url = "https://example.org/" + "a" * 50
    cues = captions.split_cues(f"See {url} now.")
    assert url in [line for c in cues for line in c.lines]


def test_cues_are_cut_at_sentence_ends_then_clause_marks_then_words():
    text = (
        "The rain had not stopped for three days and nights. "
        "Thomas climbed the stairs two at a time to the lamp room. Yes."
    )
    cues = [" ".join(c.lines) for c in captions.split_cues(text)]
    assert cues == [
        "The rain had not stopped for three days and nights.",
        "Thomas climbed the stairs two at a time to the lamp room. Yes.",
    ]
    clauses = (
        "he said, his voice heavy with sadness as he stroked her hair, his fingers getting "
        "tangled in her golden locks, and she looked up"
    )
    cues = [" ".join(c.lines) for c in captions.split_cues(clauses)]
    assert all(c.endswith(",") for c in cues[:-1]), cues
    words = " ".join(["word"] * 60)  # no boundary at all: cut between words
    assert len(captions.split_cues(words)) == 4  # 16 words fit a cue: as few cues as can be
    ellipsis = "No please... not yet, why do you always have to go away from me when I need you most?"
    assert not any(
        c.endswith("please...") for c in map(" ".join, (x.lines for x in captions.split_cues(ellipsis)))
    )


def test_word_starts_take_the_engines_times_and_estimate_the_rest():
    text = "Buffy opened her eyes slowly."
    assert captions.word_starts(text, 2.9) == pytest.approx([0.0, 0.6, 1.3, 1.7, 2.2])  # by characters
    # the engine heard a lexicon respelling ("Buffee"): matched words take its times, the
    # respelled one is placed between its neighbours by characters
    text = "Spike met Buffy at dawn."
    timed = [("Spike", 0.1), ("met", 0.5), ("Buffee", 0.8), ("at", 1.4), ("dawn.", 1.6)]
    assert captions.word_starts(text, 2.5, timed) == pytest.approx([0.1, 0.5, 0.86, 1.4, 1.6])
    assert captions.word_starts("It cost $3.50 today.", 2.0, [("It", 0.0), ("today.", 1.5)])[2] < 1.5


def _gaps(path: Path, min_gap: float = 0.12) -> list[float]:
    """Where sound starts again after each silence of at least `min_gap` seconds."""
    x, sr = sf.read(str(path))
    hop = int(sr * 0.01)
    rms = np.sqrt(np.convolve(x.astype(float) ** 2, np.ones(hop) / hop, mode="same"))[::hop]
    loud = rms > 10 ** (-45 / 20)
    out, quiet = [], 0
    for k, on in enumerate(loud):
        if on and quiet * 0.01 >= min_gap and k * 0.01 > min_gap:
            out.append(k * 0.01)
        quiet = 0 if on else quiet + 1
    return out


def test_cues_start_within_a_quarter_second_of_the_spoken_words(tmp_path):
    """A real espeak-ng render: the word starts are stored beside the line's audio, come back
    from the cache, and each cue after the first starts where the audio resumes after the
    pause that ends the sentence before it (found in the samples, not taken from espeak-ng)."""
    text = (
        "The lamp turned slowly above the black water all night long. "
        "Nobody in the village below could sleep through the storm. "
        "At dawn the keeper finally came down the stairs."
    )
    line = L("narration", text)
    cast = Cast(narrator=VoiceProfile(voice="en-us", rate=175))
    store = Store(tmp_path / "store")
    with WorkerPool(1) as pool:
        first = render_lines([line], cast, store=store, runner=pool)
        again = render_lines([line], cast, store=store, runner=pool)
    assert first.synthesised == 1 and again.cached == 1
    rendered = again[line.id]
    assert rendered.words and rendered.words == first[line.id].words
    assert rendered.words_path is not None and rendered.words_path.parent == rendered.path.parent
    script_scene = Scene(id="s", lines=[line])
    tl = plan_episode(
        [script_scene],
        {line.id: rendered.duration},
        Settings(),
        words=captions.line_words(again),
        head=0.0,
    )
    cues = transcript.cues(tl)
    assert [" ".join(c.lines) for c in cues][1].startswith("Nobody")
    gaps = _gaps(rendered.path)
    starts = [c.start for c in cues if c.lines[0].split()[0] in ("Nobody", "At")]
    assert len(starts) == 2
    for t in starts:
        assert min(abs(t - g) for g in gaps) < 0.25, (t, gaps)
    spoken = {w: t for w, t in rendered.words}  # the cues start at espeak-ng's own word times
    assert starts == pytest.approx([spoken["Nobody"], spoken["At"]], abs=1e-3)
    estimated = transcript.cues(
        plan_episode([script_scene], {line.id: rendered.duration}, Settings(), head=0.0)
    )
    assert [c.lines for c in estimated] == [c.lines for c in cues]  # same cues, estimated times


def _drama_vtt(story: str, mode: str = "drama") -> str:
    script = parse_story(story, slug="s")
    durations = {l.id: 0.5 + len(l.text) / 15 for l in script.lines()}
    tl = plan_episode(script.scenes, durations, Settings(), mode=mode)
    return transcript.webvtt(tl)


def test_drama_mode_leaves_no_speech_tag_fragments_in_the_transcript():
    story = (
        "\u201cIt\u2019s time, luv,\u201d he said, his voice heavy with sadness as he stroked her hair.\n\n"
        "\u201cNo please, not yet,\u201d she begged. Buffy buried her face in his chest.\n\n"
        "\u201cHello there,\u201d Willow said, \u201chow are you?\u201d\n"
    )
    vtt = _drama_vtt(story)
    texts = [re.sub(r"<v [^>]+>", "", t) for t in re.findall(r"^<v [^>]+>.*$", vtt, re.M)]
    assert not any(re.match(r"(?i)(he|she|willow) (said|begged)\b", t) for t in texts), texts
    assert "<v Narrator>His voice heavy with sadness" in vtt
    assert "not yet." in vtt and "not yet," not in vtt  # the dropped tag leaves no dangling comma
    assert "Hello there," in vtt  # ... but a speech that goes on after its tag keeps its comma
    audiobook = _drama_vtt(story, "audiobook")  # every word read: the tags are there
    assert "he said," in audiobook and "his voice heavy" in audiobook


def _credits(script: Script, voices: dict | None = None, **mix) -> tuple[str, str]:
    s = Settings()
    s = replace(s, mix=replace(s.mix, **mix))
    opening, closing = credits.credit_lines(script, s, 1, voices)
    return opening[0].text, closing[0].text


def test_credits_name_performers_only_when_the_cast_has_them():
    script = Script(
        title="The Lighthouse",
        scenes=[
            Scene(
                id="s",
                lines=[
                    L("heading", "The Lighthouse"),
                    L("dialogue", "Hello.", "Buffy"),
                    L("dialogue", "Hi.", "Spike"),
                ],
            )
        ],
        author="Ann Writer",
    )
    opening, closing = _credits(script)
    assert opening == "The Lighthouse by Ann Writer."
    assert closing == "With Buffy and Spike, featuring the voices of espeak-ng. Produced with audiodrama."
    assert "The Lighthouse" not in closing and "narrator" not in closing.lower()
    voices = {
        "Buffy": VoiceProfile(performer="Sarah Lee"),
        "Spike": VoiceProfile(performer="Tom Hart"),
        NARRATOR: VoiceProfile(performer="Jo Bell"),
    }
    _, closing = _credits(script, voices)
    assert (
        closing
        == "With Sarah Lee as Buffy and Tom Hart as Spike. Narrated by Jo Bell. Produced with audiodrama."
    )
    _, closing = _credits(script, {"Buffy": VoiceProfile(performer="Sarah Lee")})
    assert closing == (
        "With Sarah Lee as Buffy, and Spike, featuring the voices of espeak-ng. Produced with audiodrama."
    )
    assert _credits(script, author="Pen Name")[0] == "The Lighthouse by Pen Name."  # [mix] author wins
    # the title is said once: the heading that repeats it is not read after the opening credits
    o, c = credits.credit_lines(script, Settings(), 1)
    durations = {l.id: 1.0 for l in [*script.lines(), *o, *c]}
    tl = plan_episode(script.scenes, durations, Settings(), credits=(o, c))
    assert [i.text for i in tl.lines()].count("The Lighthouse") == 0
    assert sum("The Lighthouse" in i.text for i in tl.lines()) == 1


def test_a_performer_must_be_a_name():
    base = {"characters": {"Buffy": {"voice": "en-us", "performer": "Sarah  Lee"}}}
    assert cast_from_data(base, None).characters["Buffy"].performer == "Sarah Lee"
    for bad in ("", "  ", 3, ["Sarah"]):
        data = {"characters": {"Buffy": {"voice": "en-us", "performer": bad}}}
        with pytest.raises(CastError, match=r'\[characters\."Buffy"\] performer must be'):
            cast_from_data(data, Path("voices/cast.toml"))


def test_the_story_author_comes_from_the_story_file():
    text = "---\ntitle: Night Watch\nauthor: Ann Writer\n---\n\nIt rained all night.\n"
    script = parse_story(read_source_bytes(text.encode("utf-8"), "story.md"), slug="n")
    assert script.author == "Ann Writer"
    assert credits.story_author(script, Settings()) == "Ann Writer"
    assert credits.story_author(replace(script, author=""), Settings()) == ""
