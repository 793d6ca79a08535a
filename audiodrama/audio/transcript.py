"""Transcripts of a timeline: the timeline JSON, WebVTT (with voice tags) and SubRip captions, Audacity labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audiodrama.audio.captions import split_cues, word_starts
from audiodrama.audio.timeline import Item, Timeline


def timeline_dict(
    tl: Timeline,
    story: str,
    sr: int,
    sources: dict[str, str],
    extra: dict[str, Any] | None = None,
    voices: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The timeline JSON: story, episode, duration, sample_rate, lines, scenes, effects (seconds).

    `voices`: line id -> (engine, voice) that spoke it ('recorded' and the take for a take)."""
    voices = voices or {}
    r = lambda v: round(float(v), 4)
    return {
        "story": story,
        "episode": tl.episode,
        "duration": r(tl.duration),
        "sample_rate": sr,
        "lines": [
            {
                "id": i.name,
                "speaker": i.speaker,
                "kind": i.line_kind,
                "text": i.text,
                "start": r(i.start),
                "end": r(i.end),
                "source": sources.get(i.name, ""),
                "engine": voices.get(i.name, ("", ""))[0],
                "voice": voices.get(i.name, ("", ""))[1],
                "scene": i.scene,
                **({"delivery": i.delivery} if i.delivery else {}),
            }
            for i in tl.lines()
        ],
        "scenes": [
            {
                "id": s.id,
                "title": s.title,
                "start": r(s.start),
                "end": r(s.end),
                "transition": s.transition,
                "ambience": s.ambience,
            }
            for s in tl.scenes
        ],
        "effects": [
            {"kind": i.kind, "name": i.name, "start": r(i.start), "end": r(i.end), "scene": i.scene}
            for i in tl.items
            if i.kind in ("transition", "cue")
        ],
        **(extra or {}),
    }


def _clock(t: float, sep: str = ".") -> str:
    ms = round(max(0.0, t) * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class TimedCue:
    """One caption of a voiced line: when it shows, who speaks, its 1 or 2 lines."""

    line: str
    """The line id."""
    speaker: str
    start: float
    end: float
    lines: tuple[str, ...]


def line_cues(item: Item) -> list[TimedCue]:
    """The captions of one voiced item: its text cut into cues (captions.split_cues), each
    starting when its first word is heard (captions.word_starts) and ending when the next starts."""
    text = " ".join(item.text.split())
    cues = split_cues(text)
    starts = word_starts(text, item.end - item.start, item.words)
    speaker = " ".join(item.speaker.split())
    out = []
    for k, cue in enumerate(cues):
        start = item.start if k == 0 else item.start + starts[cue.first]
        end = item.start + starts[cues[k + 1].first] if k + 1 < len(cues) else item.end
        out.append(TimedCue(item.name, speaker, start, max(start, end), cue.lines))
    return out


def cues(tl: Timeline) -> list[TimedCue]:
    """Every caption of the episode, in order."""
    return [c for item in tl.lines() for c in line_cues(item)]


def webvtt(tl: Timeline, title: str = "", timed: list[TimedCue] | None = None) -> str:
    """A WebVTT transcript: caption-sized cues (2 lines of 42 characters at most), each with
    its speaker's <v Speaker> voice tag; cue ids are '<n>-<line id>'. `timed`: cues(tl) when
    the caller has them already (the SRT uses the same)."""
    out = ["WEBVTT" + (f" - {title}" if title else ""), ""]
    for k, c in enumerate(cues(tl) if timed is None else timed, 1):
        voice = f"<v {_vtt_escape(c.speaker)}>"
        out += [
            f"{k}-{c.line}",
            f"{_clock(c.start)} --> {_clock(c.end)}",
            *(voice + _vtt_escape(line) for line in c.lines),
            "",
        ]
    return "\n".join(out)


def srt(tl: Timeline, timed: list[TimedCue] | None = None) -> str:
    """A SubRip transcript: the same cues as the WebVTT one, numbered from 1, without speaker
    names (SubRip has no voice tags, and a name prefix would break the 42-character lines)."""
    out = []
    for k, c in enumerate(cues(tl) if timed is None else timed, 1):
        out += [str(k), f"{_clock(c.start, ',')} --> {_clock(c.end, ',')}", *c.lines, ""]
    return "\n".join(out)


def audacity_labels(tl: Timeline) -> str:
    """An Audacity label track: start, end, 'line id speaker' per voiced line (tab-separated)."""
    return "".join(f"{i.start:.6f}\t{i.end:.6f}\t{i.name} {i.speaker}\n" for i in tl.lines())
