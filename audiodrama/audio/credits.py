"""Opening and closing credits: narrator lines filled from a template of plain {field} names."""

from __future__ import annotations

import re
from collections.abc import Mapping

from audiodrama.audio.assembly import RenderedLineLike, line_durations
from audiodrama.audio.timeline import split_by_length
from audiodrama.errors import SettingsError
from audiodrama.ids import base_id
from audiodrama.model import Line, Script
from audiodrama.settings import Settings

FIELDS = ("title", "by", "author", "episode", "cast")
# Only "{name}" is a field ("{{" and "}}" are literal braces): str.format would also evaluate
# "{title.__class__...}" or "{cast[0]}", reaching into the objects behind the fields.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def fill(template: str, fields: Mapping[str, object], setting: str) -> str:
    """`template` with each {field} replaced; a one-line error naming any other {...}."""

    def one(m: re.Match[str]) -> str:
        token, name = m.group(0), m.group(1)
        if token in ("{{", "}}"):
            return token[0]
        if name not in fields:
            bad = token if name is not None else f"a lone {token!r}"
            raise SettingsError(
                f"[mix] {setting}: bad field {bad}; use {' '.join('{' + f + '}' for f in FIELDS)} "
                "(double a brace for a literal one)",
                "audiodrama.toml",
            )
        return str(fields[name])

    return _TOKEN.sub(one, template)


def _cast_names(script: Script, episode: int) -> str:
    speakers: dict[str, int] = {}
    for scene in script.episodes().get(episode, []):
        for line in scene.lines:
            if line.is_spoken_by_character and line.speaker:
                speakers[line.speaker] = speakers.get(line.speaker, 0) + 1
    # Order of first appearance: re-attributing one line must not re-render the credits.
    names = list(speakers)
    return (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else "".join(names)


def credit_lines(script: Script, settings: Settings, episode: int = 1) -> tuple[list[Line], list[Line]]:
    """(opening, closing) credits of an episode, as narrator lines for the render stage to voice.

    Empty when settings.mix.credits is false. The texts come from settings.mix.opening_credits /
    closing_credits (fields {title} {by} {author} {episode} {cast}) or the defaults. Ids are
    'cr-' + the text's id, so they never collide with the story's lines; render them like any
    other line and hand them to the mix with the others.
    """
    if not settings.mix.credits:
        return [], []
    eps = script.episodes()
    cast = _cast_names(script, episode)
    author = settings.mix.author
    fields = {
        "title": script.title or script.slug or "Untitled",
        "author": author,
        "episode": episode,
        "cast": cast,
        "by": f" by {author}" if author else "",
    }
    if settings.mix.opening_credits:
        opening = fill(settings.mix.opening_credits, fields, "opening_credits")
    else:  # the episode's title is text, not a template: appended, never filled
        opening = fill("{title}{by}.", fields, "opening_credits")
        if len(eps) > 1:
            ep_title = next((s.title for s in eps.get(episode, []) if s.title), "")
            opening += f" Episode {episode}" + (f": {ep_title}." if ep_title else ".")
    close_text = "You have been listening to {title}{by}." + (" With the voices of {cast}." if cast else "")
    close_text += " Narration by the narrator. Produced with audiodrama."
    closing = fill(settings.mix.closing_credits or close_text, fields, "closing_credits")
    mk = lambda text: (
        [Line(id="cr-" + base_id(text), kind="narration", text=text, span=(0, 0))] if text else []
    )
    return mk(opening.strip()), mk(closing.strip())


def credits_to_render(
    script: Script, rendered: Mapping[str, RenderedLineLike], settings: Settings
) -> list[Line]:
    """Every credit line the mix will look for, for the render stage to voice (narrator).

    Call it after rendering the story's lines: when settings.mix.episode_minutes splits the
    story by length, the episodes (and so the credits) depend on the lines' durations.
    """
    if settings.mix.episode_minutes > 0:
        script = split_by_length(script, line_durations(rendered), settings)
    out: dict[str, Line] = {}
    for n in script.episodes():
        for part in credit_lines(script, settings, n):
            out.update({l.id: l for l in part})
    return list(out.values())
