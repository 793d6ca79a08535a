"""Opening and closing credits: narrator lines filled from a template of plain {field} names."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from audiodrama.audio.assembly import RenderedLineLike, line_durations
from audiodrama.audio.timeline import split_by_length
from audiodrama.errors import SettingsError
from audiodrama.ids import base_id
from audiodrama.model import NARRATOR, Line, Script, VoiceProfile
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


ENGINE_CREDITS = {"pyttsx3": "espeak-ng", "espeak": "espeak-ng", "silent": "a test tone"}
"""How the closing credits name the voices of an engine (others by their engine name)."""


def story_author(script: Script, settings: Settings) -> str:
    """Who wrote the story: [mix] author when set, else the author the story file names
    (front matter, "by ..." line, EPUB/HTML metadata), else ""."""
    return settings.mix.author.strip() or script.author.strip()


def _speakers(script: Script, episode: int) -> list[str]:
    """The characters with a line in the episode, in order of first appearance (re-attributing
    one line must not re-render the credits)."""
    speakers: dict[str, None] = {}
    for scene in script.episodes().get(episode, []):
        for line in scene.lines:
            if line.is_spoken_by_character and line.speaker:
                speakers.setdefault(line.speaker)
    return list(speakers)


def _and(names: Sequence[str]) -> str:
    return (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else "".join(names)


def cast_credits(names: Sequence[str], voices: Mapping[str, object]) -> str:
    """The closing credits' cast: "With Ann Lee as Buffy and Tom as Spike. Narrated by Jo." when
    the cast file names performers, else "With Buffy and Spike, featuring the voices of espeak-ng."
    (the engines that voice them). A character without a performer joins the engines' part."""
    default = VoiceProfile()

    def performer(name: str) -> str:
        return str(getattr(voices.get(name), "performer", "") or "").strip()

    def engine(name: str) -> str:
        real = str(getattr(voices.get(name), "engine", "") or default.engine)
        return ENGINE_CREDITS.get(real, real)

    played = [f"{performer(n)} as {n}" for n in names if performer(n)]
    rest = [n for n in names if not performer(n)]
    narrated = performer(NARRATOR)
    engines = list(dict.fromkeys(engine(n) for n in [*rest, *([] if narrated else [NARRATOR])]))
    featuring = f"featuring the voices of {_and(engines)}" if engines else ""
    if played:
        text = f"With {_and(played)}" + (f", and {_and(rest)}" if rest else "")
        text += f", {featuring}." if featuring else "."
    elif names:
        text = f"With {_and(names)}" + (f", {featuring}." if featuring else ".")
    else:
        text = (featuring[0].upper() + featuring[1:] + ".") if featuring else ""
    if narrated:
        text += f" Narrated by {narrated}."
    return text.strip()


def credit_lines(
    script: Script, settings: Settings, episode: int = 1, voices: Mapping[str, object] | None = None
) -> tuple[list[Line], list[Line]]:
    """(opening, closing) credits of an episode, as narrator lines for the render stage to voice.

    Empty when settings.mix.credits is false. The texts come from settings.mix.opening_credits /
    closing_credits (fields {title} {by} {author} {episode} {cast}) or the defaults: the opening
    says the title (once: a heading repeating it is not read, see timeline.plan_episode), the
    author and the episode; the closing says who plays whom (`voices`: speaker or "Narrator" ->
    profile with `performer` and `engine`, see `cast_credits`). Ids are 'cr-' + the text's id, so
    they never collide with the story's lines; render them like any other line and hand them
    to the mix with the others (with the same `voices`).
    """
    if not settings.mix.credits:
        return [], []
    eps = script.episodes()
    names = _speakers(script, episode)
    author = story_author(script, settings)
    fields = {
        "title": script.title or script.slug or "Untitled",
        "author": author,
        "episode": episode,
        "cast": _and(names),
        "by": f" by {author}" if author else "",
    }
    if settings.mix.opening_credits:
        opening = fill(settings.mix.opening_credits, fields, "opening_credits")
    else:  # the episode's title is text, not a template: appended, never filled
        opening = fill("{title}{by}.", fields, "opening_credits")
        if len(eps) > 1:
            ep_title = next((s.title for s in eps.get(episode, []) if s.title), "")
            opening += f" Episode {episode}" + (f": {ep_title}." if ep_title else ".")
    if settings.mix.closing_credits:
        closing = fill(settings.mix.closing_credits, fields, "closing_credits")
    else:  # performers' and characters' names are text, never filled
        closing = cast_credits(names, voices or {}) + " Produced with audiodrama."
    mk = lambda text: (
        [Line(id="cr-" + base_id(text), kind="narration", text=text, span=(0, 0))] if text else []
    )
    return mk(opening.strip()), mk(closing.strip())


def credits_to_render(
    script: Script,
    rendered: Mapping[str, RenderedLineLike],
    settings: Settings,
    voices: Mapping[str, object] | None = None,
) -> list[Line]:
    """Every credit line the mix will look for, for the render stage to voice (narrator).

    Call it after rendering the story's lines: when settings.mix.episode_minutes splits the
    story by length, the episodes (and so the credits) depend on the lines' durations.
    `voices` are the ones the mix gets (speaker -> profile).
    """
    if settings.mix.episode_minutes > 0:
        script = split_by_length(script, line_durations(rendered), settings)
    out: dict[str, Line] = {}
    for n in script.episodes():
        for part in credit_lines(script, settings, n, voices):
            out.update({l.id: l for l in part})
    return list(out.values())
