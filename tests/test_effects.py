"""Effects synthesised in code: transitions, cues, ambience, deliveries."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from audiodrama.audio import ambience, deliveries, effects

SR = 44100


def band_db(x: np.ndarray, lo: float, hi: float, sr: int = SR) -> float:
    f, pxx = signal.welch(x, sr, nperseg=8192)
    return 10 * np.log10(pxx[(f >= lo) & (f <= hi)].mean() + 1e-30)


@pytest.mark.parametrize("name", ["sting", "whoosh", "chime", "bridge"])
def test_transitions_are_sound_of_the_stated_length(name):
    x = effects.transition(name, SR)
    assert x.dtype == np.float32
    assert abs(len(x) / SR - effects.duration(name)) < 0.01
    peak = np.abs(x).max()
    assert 10 ** (-12 / 20) < peak <= 10 ** (-5 / 20)
    assert np.array_equal(x, effects.transition(name, SR))  # deterministic
    assert abs(x[-1]) < 0.01  # ends without a click


def test_none_and_crossfade_are_silent_and_unknown_names_fail():
    assert len(effects.transition("none", SR)) == 0
    with pytest.raises(ValueError, match="sting"):
        effects.transition("kaboom", SR)
    with pytest.raises(ValueError):
        effects.duration("kaboom")


@pytest.mark.parametrize("name", effects.CUES)
def test_cues(name):
    x = effects.cue(name, SR)
    assert abs(len(x) / SR - effects.duration(name)) < 0.01 and np.abs(x).max() > 0.2


def test_cues_in_text():
    assert effects.cues_in("Ring! Ring! Buffy rubbed her hands over her eyes.") == ["ring"]
    assert effects.cues_in("She twisted her wedding ring.") == []
    assert effects.cues_in("Knock, knock. Who could that be?") == ["knock"]
    assert effects.cues_in("Someone knocked on the door, and the door creaked open.") == ["knock", "door"]
    assert effects.cues_in("He slammed the door.") == ["door"]


@pytest.mark.parametrize("name", ["room", "rain", "street", "wind"])
def test_ambience_beds(name):
    x = ambience.ambience(name, 30.0, SR)
    assert len(x) == 30 * SR
    mid = x[5 * SR : 25 * SR]
    rms_db = 20 * np.log10(np.sqrt(np.mean(mid**2)))
    assert -50 < rms_db < -40
    assert abs(x[0]) < 1e-4 and abs(x[-1]) < 1e-4  # faded in and out


def test_ambience_differ_in_colour():
    rain = ambience.ambience("rain", 10, SR)
    room = ambience.ambience("room", 10, SR)
    assert (
        band_db(rain, 3000, 8000) - band_db(rain, 50, 200)
        > band_db(room, 3000, 8000) - band_db(room, 50, 200) + 20
    )


def test_duck_envelope_dips_under_speech():
    env = ambience.duck_envelope(10 * SR, SR, [(4.0, 6.0)], depth_db=-10)
    assert env[SR] == pytest.approx(1.0)
    assert 20 * np.log10(env[5 * SR]) == pytest.approx(-10, abs=0.1)
    assert 20 * np.log10(env[int(4.0 * SR)]) < -9  # fully down when speech starts


def test_phone_delivery_is_a_telephone_band():
    x = np.random.default_rng(0).standard_normal(3 * SR).astype(np.float32) * 0.1
    y = deliveries.apply_delivery(x, SR, "phone")
    inband = band_db(y, 500, 3000)
    assert inband - band_db(y, 20, 150) > 40
    assert inband - band_db(y, 6800, 15000) > 40
    assert band_db(y, 500, 3000) > band_db(x, 500, 3000) - 10  # the voice itself stays


@pytest.mark.parametrize("delivery", ["memory", "flashback", "dream", "thought"])
def test_reverberant_deliveries_are_softer_with_a_tail(delivery):
    x = np.zeros(SR, np.float32)
    x[: SR // 2] = np.sin(2 * np.pi * 300 * np.arange(SR // 2) / SR) * 0.5
    y = deliveries.apply_delivery(x, SR, delivery)
    assert len(y) > len(x)
    assert np.sqrt(np.mean(y[: SR // 2] ** 2)) < np.sqrt(np.mean(x[: SR // 2] ** 2))
    tail = y[SR // 2 + SR // 20 : SR]  # after the dry sound has stopped
    assert np.abs(tail).max() > 0.005


def test_plain_deliveries_are_untouched():
    x = np.ones(100, np.float32)
    for d in (None, "whisper", "shout"):
        assert deliveries.apply_delivery(x, SR, d) is x


def test_fades():
    x = np.ones(SR, np.float32)
    y = effects.fade(x, SR, 0.1, 0.2)
    assert y[0] == 0 and y[-1] == 0 and y[SR // 2] == 1 and x[0] == 1


@pytest.mark.parametrize(
    "text, found",
    [
        ("Ring! Ring! Buffy rubbed her hands over her eyes.", ["ring"]),
        ("Brrring. Brrring. Nobody moved.", ["ring"]),
        ("She sat down. Ring! There it was again.", ["ring"]),
        ("Her phone rang twice.", ["ring"]),
        ("She found the ring! It had been in her pocket.", []),
        ("He gave her a ring, a ring of gold.", []),
        ("Ding! The lift arrived.", []),
    ],
)
def test_ring_cue_detection(text, found):
    assert effects.cues_in(text) == found
