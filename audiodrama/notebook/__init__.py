"""Notebook helpers: tables, players, editors and plots over the library (no logic of their own).

The notebooks under notebooks/ call these; each one is also one CLI command away:

    open_production / load_script   audiodrama parse STORY
    script_table / review_table     audiodrama review STORY
    apply_fixes / speaker_editor    audiodrama edit STORY ID --speaker NAME --delivery D
    cast_voices / profiles_table    audiodrama cast STORY
    audition / auditions            audiodrama audition NAME ["TEXT"]
    engine_auditions                one line by each engine (set engine/voice in voices/cast.toml)
    set_profile / voice_editor      edit voices/cast.toml
    render_lines                    audiodrama render STORY
    mix_episode                     audiodrama mix STORY
    mastering_table                 audiodrama check FILE (or the mix report)
"""

from audiodrama.notebook.editors import apply_fixes, profile_editor, set_profile, speaker_editor, voice_editor
from audiodrama.notebook.players import (
    EMBED_LIMIT,
    Player,
    join_segments,
    line_paths,
    play,
    play_character,
    play_episode,
    play_line,
    play_scene,
)
from audiodrama.notebook.plots import (
    SPEAKER_COLOURS,
    TARGET_LUFS,
    TARGET_TRUE_PEAK,
    plot_episode,
    short_term_loudness,
)
from audiodrama.notebook.production import load_script, open_production
from audiodrama.notebook.progress import widget_progress
from audiodrama.notebook.steps import (
    audition,
    auditions,
    cast_voices,
    engine_auditions,
    mix_episode,
    render_lines,
)
from audiodrama.notebook.tables import (
    character_counts,
    mastering_table,
    profiles_table,
    render_sources,
    rendered_table,
    review_table,
    script_table,
)
from audiodrama.pipeline.audition import SAMPLE_TEXT

__all__ = [
    "EMBED_LIMIT",
    "SAMPLE_TEXT",
    "SPEAKER_COLOURS",
    "TARGET_LUFS",
    "TARGET_TRUE_PEAK",
    "Player",
    "apply_fixes",
    "audition",
    "auditions",
    "cast_voices",
    "character_counts",
    "engine_auditions",
    "join_segments",
    "line_paths",
    "load_script",
    "mastering_table",
    "mix_episode",
    "open_production",
    "play",
    "play_character",
    "play_episode",
    "play_line",
    "play_scene",
    "plot_episode",
    "profile_editor",
    "profiles_table",
    "render_lines",
    "render_sources",
    "rendered_table",
    "review_table",
    "script_table",
    "set_profile",
    "short_term_loudness",
    "speaker_editor",
    "voice_editor",
    "widget_progress",
]
