"""CLI commands of the voice stage: voices, audition, sides, status, names."""

from __future__ import annotations

import argparse

from audiodrama.cli.commands import Handler, add_command
from audiodrama.errors import AudiodramaError, ScriptError
from audiodrama.pipeline.audition import render_audition
from audiodrama.pipeline.parsing import load_script
from audiodrama.pipeline.voicing import cast_script, name_samples, take_status, write_sides
from audiodrama.project.castfile import load_cast
from audiodrama.voices.engines.espeak_voices import espeak_voices
from audiodrama.voices.engines.pyttsx3_engine import Pyttsx3Engine
from audiodrama.voices.engines.registry import neural_inventory
from audiodrama.voices.pitch import BASE_F0


def _add(
    subparsers, name: str, handler: Handler, help_: str, description: str, epilog: str, *, story: bool = True
) -> argparse.ArgumentParser:
    """One voice-stage subcommand (see add_command), with --story unless `story` is False."""
    p = add_command(subparsers, name, handler, help_, description=description, epilog=epilog)
    if story:
        p.add_argument(
            "--story",
            default=None,
            help="story file or slug (default: the production's only script in script/)",
        )
    return p


def register(subparsers) -> None:
    """Add `voices`, `audition`, `sides`, `status` and `names` to the CLI."""
    _register_voices_and_audition(subparsers)
    _register_takes_and_names(subparsers)


def _register_voices_and_audition(subparsers) -> None:
    p = _add(
        subparsers,
        "voices",
        cmd_voices,
        "list every engine's voices, with gender and licence",
        "List espeak-ng's voices (accents, used as e.g. 'en-us', 'en-gb-x-rp', 'en') and "
        "variants (timbres added with '+', e.g. 'en-us+f3'), with the gender each variant "
        "file declares and its median pitch at pitch 50 where measured; then the neural "
        "engines' voices (hibari, piper), with gender and licence, or how to install them.",
        "examples:\n  audiodrama voices\n  audiodrama voices --all      # every language",
        story=False,
    )
    p.add_argument("--all", action="store_true", help="list every language, not only English")
    p.set_defaults(needs_production=False)

    p = _add(
        subparsers,
        "audition",
        cmd_audition,
        "render a sample with a character's voice profile",
        "Render TEXT (default: the character's first line, or a stock sentence) with the "
        "character's profile from voices/cast.toml, lexicon applied, into "
        "audio_out/auditions/<name>.wav, and print its length and measured pitch.",
        'examples:\n  audiodrama audition Buffy\n  audiodrama audition Narrator "Chapter one."',
    )
    p.add_argument("character", help="character name or alias, or Narrator")
    p.add_argument("text", nargs="?", default=None, help="what to say")


def _register_takes_and_names(subparsers) -> None:
    p = _add(
        subparsers,
        "sides",
        cmd_sides,
        "write recording scripts (Markdown + CSV) per character",
        "Write voices/sides/<story>-<character>.md and .csv: every line of the character "
        "with its id, the line before it, the delivery note and the file name to save the "
        "take as in voices/recorded/.",
        "examples:\n  audiodrama sides            # every character and the narrator\n"
        "  audiodrama sides Willow --story demo",
    )
    p.add_argument("character", nargs="?", default=None, help="only this character")

    _add(
        subparsers,
        "status",
        cmd_status,
        "recorded takes: per character counts, orphans, odd lengths",
        "Report how many lines of each character have a usable recorded take, takes set "
        "aside because their line changed speaker, orphans (takes whose line is gone; "
        "kept) and takes whose length does not fit their text (shorter than 0.4x or "
        "longer than 2.5x the time the words take at 150 words per minute).",
        "example:\n  audiodrama status --story demo",
    )

    _add(
        subparsers,
        "names",
        cmd_names,
        "list the story's proper names, each with a rendered sample",
        "List character names, aliases and other proper names of the story, render each "
        "with the narrator's voice (voices/lexicon.toml applied) into "
        "audio_out/names/<story>/, and show how the lexicon respells them.",
        "example:\n  audiodrama names --story demo\n"
        'then fix a name in voices/lexicon.toml, e.g.  Xand = "[[z\'and]]"',
    )


def _script(args: argparse.Namespace):
    """The script named by --story, or the production's only one."""
    prod = args.production
    story = getattr(args, "story", None)
    if story is None:
        found = sorted(prod.script_dir.glob("*.json")) if prod.script_dir.is_dir() else []
        if len(found) != 1:
            raise ScriptError(
                (
                    "no script yet: run `audiodrama parse STORY` first"
                    if not found
                    else f"{len(found)} scripts: choose one with --story ({', '.join(p.stem for p in found)})"
                ),
                prod.script_dir,
            )
        story = str(found[0])
    script, _ = load_script(story, prod)
    return script


def _cast(args: argparse.Namespace, script=None):
    prod = args.production
    if script is not None:
        return cast_script(script, prod)
    return load_cast(prod.cast_path)


def cmd_voices(args: argparse.Namespace) -> int:
    """Print the voices and variants."""
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
    print('\nIn voices/cast.toml: voice = "en-gb-x-rp+m3", pitch 0..99 (50 = as listed), rate 80..450 wpm.')
    print(f"(engine pyttsx3, licence: {Pyttsx3Engine.licence})")
    for engine, licence, voices in neural_inventory():
        print(f'\nengine = "{engine}" (licence: {licence}):')
        if not voices:
            print(f"  not installed: pip install 'audiodrama[{'neural' if engine == 'hibari' else 'piper'}]'")
        for v in voices:
            print(f"  {v.id:<22} {v.gender:<8} {v.name}; {v.licence}")
    print('  piper also takes a path: voice = "/path/to/voice.onnx" (with voice.onnx.json beside it)')
    return 0


def cmd_audition(args: argparse.Namespace) -> int:
    """Render a sample of one character's voice."""
    script = None
    try:
        script = _script(args)
    except (ScriptError, AudiodramaError):
        if args.story:
            raise
    cast = _cast(args, script)
    sample = render_audition(script, cast, args.production, args.character, args.text, save=True)
    profile = sample.profile
    print(f"{sample.name}: {profile.voice} rate {profile.rate} pitch {profile.pitch} volume {profile.volume}")
    print(f"  said: {sample.rendered.text}")
    print(f"  {sample.path}  ({sample.rendered.duration:.1f} s, median pitch {sample.median_f0():.0f} Hz)")
    return 0


def cmd_sides(args: argparse.Namespace) -> int:
    """Write recording scripts."""
    script = _script(args)
    cast = _cast(args, script)
    paths = write_sides(script, cast, args.production, args.character)
    if not paths:
        raise AudiodramaError(
            f"no lines for {args.character!r}; check the name (`audiodrama status` lists them)"
        )
    for p in paths:
        print(p)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Report the recorded takes."""
    print(take_status(_script(args), args.production).to_text())
    return 0


def cmd_names(args: argparse.Namespace) -> int:
    """List proper names with rendered samples."""
    script = _script(args)
    cast = _cast(args, script)
    rows = name_samples(script, cast, args.production)
    print(f"{'name':<18} {'count':>5}  {'spoken as':<22} sample")
    for name, count, spoken, path in rows:
        print(f"{name:<18} {count:>5}  {spoken:<22} {path}")
    print(
        f'\nFix a pronunciation in {args.production.lexicon_path}, e.g.  {rows[0][0] if rows else "Name"} = "Respelling"'
    )
    return 0
