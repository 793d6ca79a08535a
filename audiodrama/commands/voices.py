"""CLI commands of the voice stage: voices, audition, sides, status, names."""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ..errors import AudiodramaError, CastError, ScriptError

FMT = argparse.RawDescriptionHelpFormatter
SAMPLE_TEXT = "I never thought I would see you again, not after everything that happened here."


def _story_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--story", default=None,
                   help="story file or slug (default: the production's only script in script/)")


def register(subparsers) -> None:
    """Add `voices`, `audition`, `sides`, `status` and `names` to the CLI."""
    p = subparsers.add_parser(
        "voices", formatter_class=FMT, help="list the TTS engine's voices and variants",
        description="List espeak-ng's voices (accents, used as e.g. 'en-us', 'en-gb-x-rp', 'en') and "
                    "variants (timbres added with '+', e.g. 'en-us+f3'), with the gender each variant "
                    "file declares and its median pitch at pitch 50 where measured.",
        epilog="examples:\n  audiodrama voices\n  audiodrama voices --all      # every language")
    p.add_argument("--all", action="store_true", help="list every language, not only English")
    p.set_defaults(handler=cmd_voices)

    p = subparsers.add_parser(
        "audition", formatter_class=FMT, help="render a sample with a character's voice profile",
        description="Render TEXT (default: the character's first line, or a stock sentence) with the "
                    "character's profile from voices/cast.toml, lexicon applied, into "
                    "audio_out/auditions/<name>.wav, and print its length and measured pitch.",
        epilog='examples:\n  audiodrama audition Buffy\n  audiodrama audition Narrator "Chapter one."')
    p.add_argument("character", help="character name or alias, or Narrator")
    p.add_argument("text", nargs="?", default=None, help="what to say")
    _story_opt(p)
    p.set_defaults(handler=cmd_audition)

    p = subparsers.add_parser(
        "sides", formatter_class=FMT, help="write recording scripts (Markdown + CSV) per character",
        description="Write voices/sides/<story>-<character>.md and .csv: every line of the character "
                    "with its id, the line before it, the delivery note and the file name to save the "
                    "take as in voices/recorded/.",
        epilog="examples:\n  audiodrama sides            # every character and the narrator\n"
               "  audiodrama sides Willow --story demo")
    p.add_argument("character", nargs="?", default=None, help="only this character")
    _story_opt(p)
    p.set_defaults(handler=cmd_sides)

    p = subparsers.add_parser(
        "status", formatter_class=FMT, help="recorded takes: per character counts, orphans, odd lengths",
        description="Report how many lines of each character have a usable recorded take, takes set "
                    "aside because their line changed speaker, orphans (takes whose line is gone; "
                    "kept) and takes whose length does not fit their text (shorter than 0.4x or "
                    "longer than 2.5x the time the words take at 150 words per minute).",
        epilog="example:\n  audiodrama status --story demo")
    _story_opt(p)
    p.set_defaults(handler=cmd_status)

    p = subparsers.add_parser(
        "names", formatter_class=FMT, help="list the story's proper names, each with a rendered sample",
        description="List character names, aliases and other proper names of the story, render each "
                    "with the narrator's voice (voices/lexicon.toml applied) into "
                    "audio_out/names/<story>/, and show how the lexicon respells them.",
        epilog="example:\n  audiodrama names --story demo\n"
               "then fix a name in voices/lexicon.toml, e.g.  Xand = \"[[z'and]]\"")
    _story_opt(p)
    p.set_defaults(handler=cmd_names)


def _script(args: argparse.Namespace):
    """The script named by --story, or the production's only one."""
    from ..pipeline import load_script

    prod = args.production
    story = getattr(args, "story", None)
    if story is None:
        found = sorted(prod.script_dir.glob("*.json")) if prod.script_dir.is_dir() else []
        if len(found) != 1:
            raise ScriptError(("no script yet: run `audiodrama parse STORY` first" if not found else
                               f"{len(found)} scripts: choose one with --story "
                               f"({', '.join(p.stem for p in found)})"), prod.script_dir)
        story = str(found[0])
    script, _ = load_script(story, prod)
    return script


def _cast(args: argparse.Namespace, script=None):
    from ..casting import cast_script, load_cast

    prod = args.production
    if script is not None:
        return cast_script(script, prod)
    return load_cast(prod.cast_path)


def cmd_voices(args: argparse.Namespace) -> int:
    """Print the voices and variants."""
    from ..casting import BASE_F0
    from ..tts.pyttsx3_engine import espeak_voices

    langs, variants = espeak_voices()
    if not langs:
        raise AudiodramaError("espeak-ng's voices were not found; install it: sudo apt-get install espeak-ng")
    shown = [v for v in langs.values() if args.all or v.id == "en" or v.id.startswith("en-")]
    print(f"voices ({len(shown)}{'' if args.all else ' English; --all for every language'}):")
    for v in shown:
        print(f"  {v.id:<22} {v.name}")
    print(f"\nvariants ({len(variants)}), add with '+', e.g. en-us+f3:")
    for name, v in variants.items():
        hz = f"{BASE_F0[name]:.0f} Hz" if name in BASE_F0 else ""
        print(f"  +{name:<20} {v.gender:<8} {hz}")
    print("\nIn voices/cast.toml: voice = \"en-gb-x-rp+m3\", pitch 0..99 (50 = as listed), rate 80..450 wpm.")
    return 0


def cmd_audition(args: argparse.Namespace) -> int:
    """Render a sample of one character's voice."""
    import soundfile as sf

    from ..casting import measure_f0
    from ..model import NARRATOR, Line, Script
    from ..render import render_script

    prod = args.production
    script = None
    try:
        script = _script(args)
    except (ScriptError, AudiodramaError):
        if args.story:
            raise
    cast = _cast(args, script)
    name = cast.name_for(args.character)
    if args.character.lower() == NARRATOR.lower():
        name = NARRATOR
    if name != NARRATOR and name not in cast.characters:
        raise CastError(f"no character {args.character!r} in the cast (known: "
                        f"{', '.join([NARRATOR, *cast.characters])})", prod.cast_path)
    text = args.text
    if text is None and script is not None:
        text = next((l.text for l in script.lines() if l.kind == "dialogue"
                     and cast.name_for(l.speaker) == name), None)
    text = text or SAMPLE_TEXT
    line = Line(id="audition", kind="narration" if name == NARRATOR else "dialogue", text=text,
                span=(0, 0), speaker=None if name == NARRATOR else name)
    result = render_script(script or Script(title="audition"), cast, prod, lines=[line], progress=False)
    r = result["audition"]
    out = Path(prod.out_dir) / "auditions" / f"{name.replace('/', '_')}.wav"
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(r.path, out)
    x, sr = sf.read(str(out))
    profile = cast.narrator if name == NARRATOR else cast.characters[name]
    print(f"{name}: {profile.voice} rate {profile.rate} pitch {profile.pitch} volume {profile.volume}")
    print(f"  said: {r.text}")
    print(f"  {out}  ({r.duration:.1f} s, median pitch {measure_f0(x, sr):.0f} Hz)")
    return 0


def cmd_sides(args: argparse.Namespace) -> int:
    """Write recording scripts."""
    from ..takes import sides

    script = _script(args)
    cast = _cast(args, script)
    paths = sides(script, cast, args.production, args.character)
    if not paths:
        raise AudiodramaError(f"no lines for {args.character!r}; check the name (`audiodrama status` lists them)")
    for p in paths:
        print(p)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Report the recorded takes."""
    from ..takes import status

    print(status(_script(args), args.production).to_text())
    return 0


def cmd_names(args: argparse.Namespace) -> int:
    """List proper names with rendered samples."""
    from ..lexicon import name_samples

    script = _script(args)
    cast = _cast(args, script)
    rows = name_samples(script, cast, args.production)
    print(f"{'name':<18} {'count':>5}  {'spoken as':<22} sample")
    for name, count, spoken, path in rows:
        print(f"{name:<18} {count:>5}  {spoken:<22} {path}")
    print(f"\nFix a pronunciation in {args.production.lexicon_path}, e.g.  {rows[0][0] if rows else 'Name'} = \"Respelling\"")
    return 0
