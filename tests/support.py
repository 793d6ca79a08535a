"""Helpers the tests share: small scripts, rendered-line stand-ins, ffmpeg's meters.

Not a test module: tests import these from here; fixtures live in conftest.py.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from audiodrama.audio import credits
from audiodrama.ids import assign_ids, base_id
from audiodrama.model import Character, Line, Scene, Script
from audiodrama.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "stories" / "demo.txt"
PDNC = REPO.parent / "shared" / "pdnc"
DEMO_SCENES = [
    "\"I don't like walking",
    "Buffy opened her eyes",
    '"Hey Buffster!"',
    "Buffy found a wooden bench",
    "Buffy didn't have time to register",
]
"""How each of the demo's five scenes begins."""


def demo_opening(scenes: int = 2) -> str:
    """The demo's first `scenes` scenes (two: 60 of its 149 lines, Buffy, Spike and Willow speak),
    for the tests that need real rendering or mixing but not the whole demo (test_pipeline builds
    all of it)."""
    demo = DEMO.read_text(encoding="utf-8")
    cut = demo.find("\n\n" + DEMO_SCENES[scenes])
    assert cut > 0, "the demo's scenes moved: update support.DEMO_SCENES"
    return demo[: cut + 1]


SAMPLE = "I never thought I would see you again, not after everything that happened here."


def make_script(people: dict[str, tuple[str, int]], narration: int = 1, extra: str = "") -> Script:
    """A script with `n` dialogue lines for each name -> (gender, n)."""
    texts: list[tuple[str, str | None]] = [(f"The story begins {extra}{i}.", None) for i in range(narration)]
    for name, (_, n) in people.items():
        texts += [
            (f"{SAMPLE} {name} line {i}." if i == 0 else f"This is {name} speaking, line {i}.", name)
            for i in range(n)
        ]
    ids = assign_ids(t for t, _ in texts)
    lines = [
        Line(id=i, kind="dialogue" if who else "narration", text=t, span=(k, k + 1), speaker=who)
        for k, (i, (t, who)) in enumerate(zip(ids, texts))
    ]
    chars = [Character(name, [], g, n) for name, (g, n) in people.items()]
    return Script(title="t", characters=chars, scenes=[Scene(id="s-1", lines=lines)], slug="t")


@dataclass
class Rendered:
    path: Path
    source: str = "tts"


def L(kind, text, speaker=None, para=0, delivery=None):
    return Line(
        id=base_id(text),
        kind=kind,
        text=text,
        span=(0, 0),
        speaker=speaker,
        paragraph=para,
        delivery=delivery,
    )


def demo_script(two_episodes: bool = False) -> Script:
    s1 = [
        L("heading", "Chapter One"),
        L("narration", "Buffy sat on the bench in the park.", para=1),
        L("dialogue", "Hello there,", "Willow", 2),
        L("tag", "Willow said.", para=2),
        L("dialogue", "how are you?", "Willow", 2),
        L("dialogue", "I am fine, I sup-", "Buffy", 3),
        L("dialogue", "You are not fine.", "Willow", 4),
    ]
    s2 = [
        L("narration", "Ring! Ring! Buffy reached for her phone.", para=5),
        L("dialogue", "Hello, it is me on the phone.", "Dawn", 6, "phone"),
        L("dialogue", "I remember the old days.", "Buffy", 7, "memory"),
    ]
    scenes = [
        Scene(id="s-park", lines=s1, title="The park"),
        Scene(id="s-phone", lines=s2, transition="whoosh"),
    ]
    if two_episodes:
        scenes[1].episode = 2
    return Script(title="Demo Story", slug="demo", scenes=scenes)


VOICES = {"Willow": "en-us+f3", "Buffy": "en-gb+f2", "Dawn": "en-us+f4"}


def render_fixture(script: Script, settings: Settings, folder: Path) -> dict[str, Rendered]:
    """Voice every line (and the credits) with the real espeak-ng, like the render stage would."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = list(script.lines())
    for n in script.episodes():
        for part in credits.credit_lines(script, settings, n):
            lines += part
    out = {}
    for line in lines:
        path = folder / f"{line.id}.wav"
        if not path.exists():
            subprocess.run(
                ["espeak-ng", "-v", VOICES.get(line.speaker, "en-gb"), "-w", str(path), line.text],
                check=True,
                capture_output=True,
            )
        out[line.id] = Rendered(path)
    return out


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) by ffmpeg's own meter."""
    err = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    ).stderr
    summary = err[err.rindex("Summary:") :]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return lufs, peak


def ffprobe_duration(path: Path) -> float:
    return float(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def python_calls(fn: Callable[..., object], *args: Any) -> int:
    """How many Python function calls `fn(*args)` makes: a measure of work that, unlike time,
    does not depend on the machine's load."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return count


def load_script_module(name: str) -> ModuleType:
    """scripts/<name>.py imported as a module (scripts/ is no package; its modules import
    each other by bare name, so it goes on the path)."""
    scripts = REPO / "scripts"
    if str(scripts) not in sys.path:
        sys.path.insert(0, str(scripts))
    spec = importlib.util.spec_from_file_location(name, scripts / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


# a first-person scene where the others call the narrator `Jake`, never next to the narrator's
# own lines, and the narration names everyone else it shows
JAKE_AT_THE_BAR = [
    "I sat at the bar with Brett. Cohn was dancing. I was tired.",
    '"Isn\'t it a fine band?" I said.',
    '"Rather," said Brett.',
    "The music stopped.",
    'Cohn came up. "Come on, Jake," he said, "have a drink."',
    "We walked over to the bar and drank. Nobody spoke for a while.",
    "Brett laughed. \"It's wrong of you, Jake. It's an insult to all of us.\"",
    "Cohn looked at her and went back to the floor. I watched him go.",
    '"He is a fine dancer," I said.',
]


def spoken_by(script: Script) -> dict[str, str | None]:
    """Each dialogue line's text (its first 20 characters) -> its speaker."""
    return {line.text[:20]: line.speaker for line in script.lines() if line.kind == "dialogue"}


def names_and_lines(story: str) -> tuple[set[str], dict[str, str | None]]:
    """A story's character names, and each dialogue line's speaker (`spoken_by`)."""
    from audiodrama.parse import parse_story

    script = parse_story(story)
    return {c.name for c in script.characters}, spoken_by(script)
