"""Publishing profiles: what a platform checks (loudness, true peak, rate, room tone) and how we master to it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from audiodrama.errors import AudiodramaError


@dataclass(frozen=True)
class Profile:
    """What a publishing platform checks, and how we master to it."""

    name: str
    description: str
    lufs: float | None = None
    """Integrated loudness target (LUFS), or None to level by RMS."""
    lufs_tolerance: float = 1.0
    rms_db: float | None = None
    """RMS level target (dBFS) when levelling by RMS (ACX)."""
    rms_range: tuple[float, float] | None = None
    true_peak: float = -1.0
    """Highest allowed true peak (dBTP)."""
    ceiling: float = -1.5
    """The limiter's ceiling (dBTP): a margin under `true_peak` for lossy encoders."""
    noise_floor: float | None = None
    """Highest allowed noise floor (dBFS RMS of the quietest 500 ms), or None."""
    sample_rate: int = 44100
    channels: int | None = 2
    head: tuple[float, float] | None = None
    """Allowed seconds of room tone at the start of a file."""
    tail: tuple[float, float] | None = None
    """Allowed seconds of room tone at the end of a file."""
    mp3_bitrate: str = "192k"


PROFILES: dict[str, Profile] = {
    "podcast": Profile(
        "podcast",
        "podcast platforms: -16 LUFS integrated, true peak <= -1 dBTP, 44.1 kHz stereo",
        lufs=-16.0,
        true_peak=-1.0,
        ceiling=-1.5,
        channels=2,
    ),
    "acx": Profile(
        "acx",
        "ACX/Audible: RMS -23..-18 dB, peaks <= -3 dB, noise floor <= -60 dB, 44.1 kHz, "
        "0.5-1 s room tone at the head and 1-5 s at the tail, MP3 192 kbps CBR",
        rms_db=-20.0,
        rms_range=(-23.0, -18.0),
        true_peak=-3.0,
        ceiling=-3.5,
        noise_floor=-60.0,
        channels=None,
        head=(0.5, 1.0),
        tail=(1.0, 5.0),
    ),
    "none": Profile(
        "none",
        "no levelling; only a limiter at -1 dBTP so nothing clips",
        true_peak=-1.0,
        ceiling=-1.0,
        channels=None,
    ),
}


def get_profile(name: str) -> Profile:
    """The profile called `name`; an error naming the choices if unknown."""
    try:
        return PROFILES[name]
    except KeyError:
        raise AudiodramaError(
            f"unknown mastering profile {name!r}; use one of {', '.join(PROFILES)}"
        ) from None


def db(x: float) -> float:
    """Amplitude ratio -> dB (-inf for 0)."""
    return 20 * math.log10(x) if x > 0 else -math.inf
