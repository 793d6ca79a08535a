"""Editing from a notebook: speaker and delivery fixes, voice profiles, with and without widgets."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from audiodrama.model import DELIVERIES, NARRATOR, Line, Script
from audiodrama.notebook.players import play
from audiodrama.notebook.steps import audition
from audiodrama.pipeline.edit import edit_line
from audiodrama.project.castfile import load_cast, update_profile
from audiodrama.project.lock import production_lock
from audiodrama.project.production import Project
from audiodrama.script import dialogue_counts
from audiodrama.voices.cast import Cast

# ipywidgets is there in a notebook only: each editor imports it when called.

UNATTRIBUTED = "(unattributed)"
NO_DELIVERY = "(none)"


def apply_fixes(script: Script, prod: Project, fixes: Mapping[str, Any]) -> list[str]:
    """Apply {line id: speaker} or {line id: {"speaker": ..., "delivery": ...}} with edit_line.

    Same as `audiodrama edit STORY ID --speaker NAME [--delivery D]` for each entry.
    """
    changes: list[str] = []
    with production_lock(prod) as lock:
        for line_id, fix in (fixes or {}).items():
            kwargs = dict(fix) if isinstance(fix, Mapping) else {"speaker": fix}
            changes += edit_line(script, prod, line_id, lock=lock, **kwargs)
    return changes


def speaker_editor(script: Script, prod: Project, line_ids: Iterable[str]):
    """ipywidgets dropdowns to change the speaker/delivery of the given lines; saves on change."""
    import ipywidgets as widgets

    counts = dialogue_counts(script)
    names = [NARRATOR, *[c.name for c in script.characters if c.name != NARRATOR and counts.get(c.name)]]
    return widgets.VBox([_speaker_row(script, prod, script.line_by_id(i), names) for i in line_ids])


def _current_speaker(script: Script, line: Line) -> str:
    """What the speaker dropdown of `line` shows: the cast name, unattributed, or the narrator."""
    if line.speaker:
        known = script.character(line.speaker)
        return known.name if known else line.speaker
    return UNATTRIBUTED if line.kind == "dialogue" else NARRATOR


def _speaker_row(script: Script, prod: Project, line: Line, names: list[str]):
    """One line's speaker and delivery dropdowns, a 'saved' label and the line's text."""
    import ipywidgets as widgets

    options = [UNATTRIBUTED, *names] if line.kind == "dialogue" and not line.speaker else list(names)
    current = _current_speaker(script, line)
    if current not in options:
        options.append(current)
    speaker = widgets.Dropdown(options=options, value=current, layout=widgets.Layout(width="160px"))
    delivery = widgets.Dropdown(
        options=[NO_DELIVERY, *DELIVERIES],
        value=line.delivery or NO_DELIVERY,
        layout=widgets.Layout(width="110px"),
    )
    status = widgets.Label("")

    def save_speaker(change: dict[str, Any]) -> None:
        if change["new"] != UNATTRIBUTED:
            status.value = "saved" if edit_line(script, prod, line.id, speaker=change["new"]) else ""

    def save_delivery(change: dict[str, Any]) -> None:
        d = None if change["new"] == NO_DELIVERY else change["new"]
        status.value = "saved" if edit_line(script, prod, line.id, delivery=d) else ""

    speaker.observe(save_speaker, names="value")
    delivery.observe(save_delivery, names="value")
    text = widgets.HTML(f"<code>{line.id}</code> {html.escape(line.text[:90])}")
    return widgets.HBox([speaker, delivery, status, text])


def set_profile(prod: Project, name: str, **fields: Any) -> Cast:
    """Change fields (voice, rate, pitch, volume, engine, effects) of one profile in voices/cast.toml.

    Comments and everything else in the file are kept; the result is validated before it is
    saved (CastError naming the problem). Returns the reloaded Cast. E.g.
    `set_profile(prod, "Willow", pitch=70, rate=160)` or `set_profile(prod, "Narrator", voice="en+m3")`.
    Same as castfile.update_profile(prod.cast_path, ...).
    """
    return update_profile(prod.cast_path, name, **fields)


def profile_editor(script: Script, prod: Project, name: str):
    """Sliders for one voice's pitch, rate and stereo position, a voice box and a button that saves
    and plays it."""
    import ipywidgets as widgets

    cast = load_cast(prod.cast_path)
    resolved = cast.resolve(name)
    p = cast.profile_of(resolved)
    voice = widgets.Text(value=p.voice, description="voice")
    pitch = widgets.IntSlider(value=p.pitch, min=0, max=99, description="pitch")
    rate = widgets.IntSlider(value=p.rate, min=80, max=450, description="rate (wpm)")
    pan = widgets.FloatSlider(value=p.pan, min=-1.0, max=1.0, step=0.1, description="pan (L..R)")
    button = widgets.Button(description=f"save + hear {resolved}")
    out = widgets.Output()

    def on_click(_button: Any = None) -> None:
        out.outputs = ()
        try:
            changed = {"pan": round(pan.value, 2)} if abs(pan.value - p.pan) > 1e-9 else {}
            new = set_profile(
                prod, resolved, voice=voice.value, pitch=pitch.value, rate=rate.value, **changed
            )
            out.append_display_data(
                play(audition(script, new, prod, resolved).path, f"<b>{html.escape(resolved)}</b>")
            )
        except Exception as exc:  # show the library's message next to the widget
            out.append_stdout(f"{exc}\n")

    button.on_click(on_click)
    box = widgets.VBox(
        [widgets.HTML(f"<b>{html.escape(resolved)}</b>"), voice, pitch, rate, pan, button, out]
    )
    box.save_and_play = on_click  # callable from code and tests
    return box


def voice_editor(script: Script, prod: Project, name: str | None = None):
    """A dropdown of the narrator and every character with a line in `script` over the profile
    editor of the one picked.

    Picking another name shows that voice's sliders; `name` picks the first one shown.
    """
    import ipywidgets as widgets

    cast = load_cast(prod.cast_path)
    speaking = {cast.name_for(n) for n in dialogue_counts(script)}
    names = [NARRATOR, *(n for n in cast.characters if n in speaking)]
    first = cast.resolve(name) if name else names[0]
    if first not in names:
        names.append(first)
    picker = widgets.Dropdown(options=names, value=first, description="voice")
    box = widgets.VBox([picker, profile_editor(script, prod, picker.value)])

    def show(change: dict[str, Any]) -> None:
        box.children = (picker, profile_editor(script, prod, change["new"]))

    picker.observe(show, names="value")
    return box
