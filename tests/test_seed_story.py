"""The story this project was made for (../shared/stories) keeps its speakers: >= 0.95 of its
70 quotations right with a cast that gives no genders and without a cast (issue 15), against
the hand-annotated gold in bench/gold/seed_story.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiodrama.model import Character, Script
from audiodrama.parse import parse_story
from audiodrama.sources.reader import read_source_bytes

GOLD = Path(__file__).resolve().parents[1] / "bench" / "gold" / "seed_story.json"


@pytest.fixture(scope="module")
def story(request: pytest.FixtureRequest) -> Path:
    path = Path(request.config.getoption("--shared")) / "stories" / "000_9d0325433fa443fc.txt"
    if not path.is_file():
        pytest.skip(f"the seed story is not at {path} (pass --shared DIR)")
    return path


def accuracy(script: Script, gold: dict) -> float:
    """The share of gold quotations whose overlapping dialogue lines all go to a name of the
    gold speaker (a quotation of nobody's: no line given to anyone)."""
    names = {g: {g, *aliases} for g, aliases in gold["characters"].items()}
    lines = [l for l in script.lines() if l.kind == "dialogue"]
    right = 0
    for q in gold["quotes"]:
        s, e = q["span"]
        said = [l.speaker for l in lines if l.span[0] < e and s < l.span[1]]
        if q["speaker"] is None:
            right += all(sp is None for sp in said)
        else:
            right += bool(said) and all(sp in names[q["speaker"]] for sp in said)
    return right / len(gold["quotes"])


def parsed(path: Path, cast: list[Character] | None) -> Script:
    return parse_story(read_source_bytes(path.read_bytes(), path.name), slug=path.stem, cast=cast)


def test_the_seed_story_keeps_its_speakers_without_a_cast(story: Path) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    assert accuracy(parsed(story, None), gold) >= 0.95


def test_the_seed_story_keeps_its_speakers_with_a_cast_that_gives_no_genders(story: Path) -> None:
    # a cast file may name the characters and nothing else: the text tells who is `he`
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    cast = [Character(name, list(aliases), "unknown") for name, aliases in gold["characters"].items()]
    assert accuracy(parsed(story, cast), gold) >= 0.95
