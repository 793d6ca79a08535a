"""Transcripts of a timeline: the timeline JSON, a WebVTT transcript with voice tags, Audacity labels."""

from __future__ import annotations

from typing import Any

from audiodrama.audio.timeline import Timeline


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


def _vtt_time(t: float) -> str:
    ms = round(t * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(tl: Timeline, title: str = "") -> str:
    """A WebVTT transcript: one cue per voiced line, with a <v Speaker> voice tag."""
    out = ["WEBVTT" + (f" - {title}" if title else ""), ""]
    for k, item in enumerate(tl.lines(), 1):
        speaker = _vtt_escape(item.speaker).replace("\n", " ")
        text = " ".join(item.text.split())
        out += [
            f"{k}-{item.name}",
            f"{_vtt_time(item.start)} --> {_vtt_time(item.end)}",
            f"<v {speaker}>{_vtt_escape(text)}",
            "",
        ]
    return "\n".join(out)


def audacity_labels(tl: Timeline) -> str:
    """An Audacity label track: start, end, 'line id speaker' per voiced line (tab-separated)."""
    return "".join(f"{i.start:.6f}\t{i.end:.6f}\t{i.name} {i.speaker}\n" for i in tl.lines())
