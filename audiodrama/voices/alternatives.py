"""One voice as each engine would speak it: what the notebook's audition plays side by side."""

from __future__ import annotations

from dataclasses import replace

from audiodrama.model import NARRATOR, VoiceProfile
from audiodrama.voices.cast import NARRATOR_SLOT, Cast, slot_profile
from audiodrama.voices.casting import NEURAL_NARRATOR, neural_profile
from audiodrama.voices.engines.neural import RATE_RANGE
from audiodrama.voices.pitch import is_neural


def engine_alternatives(profile: VoiceProfile, neural: tuple[str, ...]) -> dict[str, VoiceProfile]:
    """Engine -> `profile` moved to that engine: espeak-ng keeps an espeak-ng profile (else the
    default narrator's voice); each neural engine in `neural` takes its packaged voice at the
    same rate (within its range) and volume, at its own pitch. The profile's own engine keeps it."""
    out = {"pyttsx3": profile if not is_neural(profile) else replace(slot_profile(NARRATOR_SLOT))}
    for slot in NEURAL_NARRATOR:
        if slot[0] in neural:
            rate = min(RATE_RANGE[1], max(RATE_RANGE[0], int(profile.rate)))
            out[slot[0]] = replace(neural_profile(slot), rate=rate, volume=float(profile.volume))
    if is_neural(profile):
        out[profile.engine] = profile
    return out


def cast_with(cast: Cast, name: str, profile: VoiceProfile) -> Cast:
    """A copy of `cast` in which the cast name `name` (or the narrator) has `profile`."""
    if name == NARRATOR:
        return replace(cast, narrator=profile)
    return replace(cast, characters={**cast.characters, name: profile})
