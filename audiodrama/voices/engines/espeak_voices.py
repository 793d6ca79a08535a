"""espeak-ng's voices: where its data is, which voice and variant names it takes, and the
checks and delivery settings of an espeak-ng voice profile (no synthesis here)."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

from audiodrama import procs
from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.base import VoiceInfo, volume_problems

RATE_RANGE = (80, 450)
PITCH_RANGE = (0, 99)
_DATA_CANDIDATES = (
    "/usr/lib/x86_64-linux-gnu/espeak-ng-data",
    "/usr/lib/aarch64-linux-gnu/espeak-ng-data",
    "/usr/share/espeak-ng-data",
    "/usr/local/share/espeak-ng-data",
    "/usr/lib/espeak-ng-data",
)


@functools.lru_cache(maxsize=1)
def espeak_info() -> tuple[str, Path | None]:
    """(espeak-ng version, data folder) from `espeak-ng --version`, or the usual places."""
    exe = shutil.which("espeak-ng")
    if exe:
        try:
            out = procs.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout
            m = re.search(r"text-to-speech:\s*(\S+).*?Data at:\s*(\S+)", out, re.S)
            if m:
                return m.group(1), Path(m.group(2))
        except (OSError, subprocess.SubprocessError):
            pass
    for cand in _DATA_CANDIDATES:
        if Path(cand, "phontab").exists():
            return "unknown", Path(cand)
    return "missing", None


def _declared_gender(path: Path) -> str:
    try:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split()
            if parts and parts[0] == "gender" and len(parts) > 1:
                g = parts[1].lower()
                return g if g in ("male", "female") else "unknown"
    except OSError:
        pass
    return "unknown"


@functools.lru_cache(maxsize=1)
def espeak_voices() -> tuple[dict[str, VoiceInfo], dict[str, VoiceInfo]]:
    """({language voice name: info}, {variant name: info}) from espeak-ng's data folder.

    Language voices are matched by their file name (case-insensitive), e.g. 'en-us',
    'en-gb-x-rp', 'en' (British English; 'en-gb' is a language code, not a voice name).
    """
    _, data = espeak_info()
    langs: dict[str, VoiceInfo] = {}
    variants: dict[str, VoiceInfo] = {}
    if data is None:
        return langs, variants
    lang_dir = data / "lang"
    if lang_dir.is_dir():
        for f in sorted(lang_dir.rglob("*")):
            if f.is_file():
                name = f.name.lower()
                langs.setdefault(name, VoiceInfo(id=name, name=str(f.relative_to(lang_dir)), kind="voice"))
    var_dir = data / "voices" / "!v"
    if var_dir.is_dir():
        for f in sorted(var_dir.iterdir()):
            if f.is_file():
                variants[f.name] = VoiceInfo(
                    id="+" + f.name, name=f.name, kind="variant", gender=_declared_gender(f)
                )
    return langs, variants


@functools.lru_cache(maxsize=1)
def espeak_languages() -> dict[str, str]:
    """{language code: voice file} from the `language` lines of espeak-ng's voice files.

    espeak-ng also selects a voice by the language it declares: 'en-gb' is gmw/en,
    'zh' is sit/cmn; so `en-gb+f4` is a voice as good as `en+f4`.
    """
    _, data = espeak_info()
    codes: dict[str, str] = {}
    lang_dir = data / "lang" if data is not None else None
    if lang_dir is None or not lang_dir.is_dir():
        return codes
    for f in sorted(lang_dir.rglob("*")):
        if f.is_file():
            for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split()
                if len(parts) > 1 and parts[0] == "language":
                    codes.setdefault(parts[1].lower(), str(f.relative_to(lang_dir)))
    return codes


def voice_file_name(voice: str) -> str:
    """The name espeak-ng's SetVoiceByName takes for `voice`: a language code such as 'en-gb'
    becomes the file that declares it ('en'); the variant is kept. `espeak-ng -v` does this
    itself, the library call does not."""
    base, variant = split_voice(voice)
    langs, _ = espeak_voices()
    if base not in langs and base in espeak_languages():
        base = espeak_languages()[base].rsplit("/", 1)[-1].lower()
        return f"{base}+{variant}" if variant else base
    return voice


def split_voice(voice: str) -> tuple[str, str | None]:
    """'en-us+f3' -> ('en-us', 'f3'); 'gmw/en-US' -> ('en-us', None)."""
    base, _, variant = voice.partition("+")
    base = base.strip().lower().rsplit("/", 1)[-1]
    return base, (variant.strip() or None)


def validate_profile(profile: VoiceProfile) -> list[str]:
    """Problems with an espeak-ng profile, each naming the field and the fix."""
    problems = []
    langs, variants = espeak_voices()
    base, variant = split_voice(str(profile.voice))
    if not langs:
        problems.append(
            "voice: espeak-ng's data folder was not found (install espeak-ng: sudo apt-get install espeak-ng)"
        )
    elif base not in langs and base not in espeak_languages():
        near = sorted(n for n in langs if n.startswith(base.split("-")[0]))[:8]
        problems.append(
            f"voice: {profile.voice!r} is not an espeak-ng voice (use one of "
            f"{', '.join(near) or 'the names `audiodrama voices` lists'}; "
            f"British English is 'en')"
        )
    if variant is not None and variant not in variants:
        problems.append(
            f"voice: variant '+{variant}' does not exist (run `audiodrama voices`; e.g. +m3, +f3, +klatt)"
        )
    if (
        isinstance(profile.rate, bool)
        or not isinstance(profile.rate, int)
        or not (RATE_RANGE[0] <= profile.rate <= RATE_RANGE[1])
    ):
        problems.append(
            f"rate: {profile.rate!r} must be a whole number of words per minute "
            f"from {RATE_RANGE[0]} to {RATE_RANGE[1]} (175 is normal)"
        )
    if (
        isinstance(profile.pitch, bool)
        or not isinstance(profile.pitch, int)
        or not (PITCH_RANGE[0] <= profile.pitch <= PITCH_RANGE[1])
    ):
        problems.append(
            f"pitch: {profile.pitch!r} must be a whole number from {PITCH_RANGE[0]} "
            f"to {PITCH_RANGE[1]} (50 is the voice's own pitch)"
        )
    return problems + volume_problems(profile)


def delivered(profile: VoiceProfile, delivery: str | None) -> tuple[str, int, int, float]:
    """(voice, rate, pitch, volume) for a synthesis delivery (whisper | shout)."""
    voice, rate, pitch, volume = profile.voice, profile.rate, profile.pitch, float(profile.volume)
    if delivery == "whisper":
        base, variant = split_voice(voice)
        _, variants = espeak_voices()
        female = variant is not None and variants.get(variant, VoiceInfo("", "", "")).gender == "female"
        voice = f"{base}+{'whisperf' if female else 'whisper'}"
        rate = max(RATE_RANGE[0], int(rate * 0.88))
        volume = volume * 0.7
    elif delivery == "shout":
        rate = min(RATE_RANGE[1], int(rate * 1.1))
        pitch = min(PITCH_RANGE[1], pitch + 30)
        volume = 1.0
    return voice, rate, pitch, volume
