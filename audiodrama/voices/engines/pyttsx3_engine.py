"""The default engine: espeak-ng through pyttsx3's espeak driver, driven line by line.

pyttsx3's runAndWait() polls every 10 ms, can return before the WAV exists, and its
driver builds the audio with `bytes +=` (quadratic) while forwarding every word event
through Python. So each worker process initialises pyttsx3's espeak driver once (it owns
espeak-ng's initialisation, voice selection and parameters) and then, per line:
sets voice, rate, pitch and volume through the driver; hands the text to espeak-ng
through pyttsx3's own ctypes binding (`_espeak.Synth`, with the phoneme or SSML flag when
the line needs it); and blocks on a threading.Event that a synth callback installed by us
sets on espeak-ng's MSG_TERMINATED, the same end-of-utterance signal that drives the
driver's `finished-utterance` notification. The callback just appends audio chunks to a
list, and notes espeak-ng's word events (where each word starts in the input and in the audio)
so that captions can be timed from the words as spoken. No polling, one utterance at a time, so the audio is complete before we read it,
and parameter changes are applied in order (espeak-ng queues them with the text in one
FIFO). The driver's own callback (and its "Audio saved to" print) never runs. espeak-ng
allows one engine per process: one Pyttsx3Engine per render worker.
"""

from __future__ import annotations

import ctypes
import io
import re
import threading
import wave
from importlib.metadata import version as package_version
from typing import Any
from xml.sax.saxutils import escape

from audiodrama.errors import RenderError
from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.base import SAMPLE_RATE, VoiceInfo, mono_wav
from audiodrama.voices.engines.espeak_voices import (
    delivered,
    espeak_info,
    espeak_voices,
    validate_profile,
    voice_file_name,
)
from audiodrama.voices.speakable import cutoff_fragment, emphasised_words, is_cut_off

_LETTER_PHONEMES = [
    ("th", "T"),
    ("sh", "S"),
    ("ch", "tS"),
    ("ph", "f"),
    ("wh", "w"),
    ("ck", "k"),
    ("c", "k"),
    ("j", "dZ"),
    ("q", "k"),
    ("x", "ks"),
    ("y", "j"),
]
_FRAGMENT = re.compile(r"\b([A-Za-z]{1,4})(?:-(?=\s)|\u2014$)")
_PHONEMES_FLAG, _SSML_FLAG, _ENDPAUSE, _UTF8 = 0x100, 0x10, 0x1000, 1


def _fragment_phonemes(frag: str) -> str:
    out = frag.lower()
    for letters, ph in _LETTER_PHONEMES:
        out = out.replace(letters, ph)
    return out


def fragments_as_phonemes(text: str) -> str:
    """Broken-off fragments without a vowel ("Sp—", "D- d- don't") as espeak-ng phonemes
    [[...]], so that no engine spells them out; other broken-off words lose their dash."""

    def frag(m: re.Match) -> str:
        word = m.group(1)
        if not cutoff_fragment(word):
            return m.group(0).rstrip("-\u2014") + ("," if m.group(0).endswith("-") else "")
        return f"[[{_fragment_phonemes(word)}]]" + ("," if m.group(0).endswith("-") else "")

    return _FRAGMENT.sub(frag, text).rstrip("\u2014").rstrip()


def espeak_input(text: str) -> tuple[str, int]:
    """(espeak-ng input, Synth flags) for speakable text.

    Broken-off fragments without a vowel and lexicon phonemes ([[...]]) are passed as
    phonemes; ALL-CAPS emphasis (speakable.emphasised_words) as SSML <emphasis> when the
    line has no phonemes; a cut-off line gets no end pause.
    """
    flags = _UTF8 | (0 if is_cut_off(text) else _ENDPAUSE)
    body = fragments_as_phonemes(text)
    if "[[" in body:
        return body, flags | _PHONEMES_FLAG
    spans = emphasised_words(body)
    if spans:
        parts, pos = [], 0
        for a, b in spans:
            parts.append(escape(body[pos:a]))
            parts.append(f"<emphasis>{escape(body[a:b].lower())}</emphasis>")
            pos = b
        parts.append(escape(body[pos:]))
        return "<speak>" + "".join(parts) + "</speak>", flags | _SSML_FLAG
    return body, flags


class Pyttsx3Engine:
    """espeak-ng via pyttsx3, one initialised driver per process."""

    name = "pyttsx3"
    parallel = True
    memory_mb = 220
    licence = "pyttsx3 MPL-2.0; espeak-ng GPL-3.0-or-later"

    def __init__(self) -> None:
        # pyttsx3's engine, driver and ctypes binding: untyped, loaded by start()
        self._engine: Any = None
        self._driver: Any = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self._words: list[tuple[int, int, int]] = []
        """(1-based character position in the input, its length, first sample) per word event."""
        self._espeak: Any = None

    def version(self) -> str:
        return f"pyttsx3-{package_version('pyttsx3')}+espeak-ng-{espeak_info()[0]}"

    def model_id(self, voice: str) -> str:
        return ""  # espeak-ng's data is covered by its version

    def validate(self, profile: VoiceProfile) -> list[str]:
        return validate_profile(profile)

    def voices(self) -> list[VoiceInfo]:
        langs, variants = espeak_voices()
        return [*langs.values(), *variants.values()]

    def start(self) -> None:
        """Load pyttsx3 and espeak-ng (once per instance; a render worker calls it on start).

        Imported here, not at the top: loading libespeak-ng starts a thread, and a process
        that has one must not fork the render workers.
        """
        if self._driver is not None:
            return
        try:
            import pyttsx3
        except Exception as exc:  # ImportError, OSError when libespeak-ng is missing
            raise RenderError(
                f"pyttsx3/espeak-ng cannot be loaded ({exc}); install them: "
                "sudo apt-get install espeak-ng && pip install pyttsx3"
            ) from None
        try:
            self._engine = pyttsx3.init("espeak")
        except Exception as exc:
            raise RenderError(
                f"espeak-ng could not be initialised ({exc}); check that `espeak-ng hello` works"
            ) from None
        self._engine.connect("finished-utterance", lambda **_: self._done.set())
        self._driver = self._engine.proxy._driver
        self._install_fast_callback()

    def _install_fast_callback(self) -> None:
        """Collect audio chunks in a list instead of the driver's `bytes +=` (quadratic).

        Same protocol as the driver's own callback: the audio is complete when espeak-ng
        sends MSG_TERMINATED, and then the driver's `finished-utterance` is notified.
        Word events are noted (input position, sample) rather than forwarded to the driver.
        """
        from pyttsx3.drivers import _espeak  # loaded with pyttsx3 in start()

        chunks, words = self._chunks, self._words
        proxy = self._driver._proxy
        terminated, list_end = _espeak.EVENT_MSG_TERMINATED, _espeak.EVENT_LIST_TERMINATED
        word = _espeak.EVENT_WORD

        def on_synth(wav, numsamples, events):  # runs on espeak-ng's thread
            if numsamples > 0:
                chunks.append(ctypes.string_at(wav, numsamples * 2))
            i = 0
            while True:
                kind = events[i].type
                if kind == list_end:
                    break
                if kind == word and events[i].length > 0:
                    words.append((events[i].text_position, events[i].length, events[i].sample))
                if kind == terminated:
                    proxy.notify("finished-utterance", completed=True)
                    break
                i += 1
            return 0

        self._espeak = _espeak
        _espeak.SetSynthCallback(on_synth)

    def synthesize(self, text: str, profile: VoiceProfile, delivery: str | None = None) -> bytes:
        """The WAV bytes of `text` spoken with `profile`."""
        return self.synthesize_timed(text, profile, delivery)[0]

    def synthesize_timed(
        self, text: str, profile: VoiceProfile, delivery: str | None = None
    ) -> tuple[bytes, list[tuple[str, float]]]:
        """(WAV bytes, (word, seconds) where espeak-ng started each word of its input)."""
        if not text.strip():
            raise RenderError("nothing to say (empty text)")
        voice, rate, pitch, volume = delivered(profile, delivery)
        with self._lock:
            self.start()
            drv = self._driver
            try:
                drv.setProperty("voice", voice_file_name(voice))
            except ValueError:
                raise RenderError(
                    f"espeak-ng rejected voice {voice!r}; fix it in voices/cast.toml "
                    "(run `audiodrama voices` for the names)"
                ) from None
            drv.setProperty("rate", int(rate))
            drv.setProperty("pitch", int(pitch))
            drv.setProperty("volume", float(volume))
            inp, flags = espeak_input(text)
            self._done.clear()
            self._chunks.clear()
            self._words.clear()
            self._espeak.Synth(inp.encode("utf-8"), flags=flags)
            if not self._done.wait(timeout=60 + len(text) / 20):
                self._espeak.Cancel()
                raise RenderError(f"espeak-ng did not finish the line {text[:40]!r} in time")
            data = mono_wav(b"".join(self._chunks))
            words = spoken_words(inp, self._words)
        if len(data) <= 44:
            raise RenderError(f"espeak-ng produced no audio for {text[:40]!r}")
        return data, words


def spoken_words(inp: str, events: list[tuple[int, int, int]]) -> list[tuple[str, float]]:
    """(word of `inp`, seconds) from espeak-ng's word events (1-based character position,
    length, sample). A number read as several words ("1984") gives several events inside one
    input word: only the first counts. The word is the input's up to the next space."""
    out: list[tuple[str, float]] = []
    reached = 0
    for pos, length, sample in events:
        start = pos - 1
        if start < reached or start >= len(inp):
            continue
        end = start
        while end < len(inp) and not inp[end].isspace():
            end += 1
        out.append((inp[start:end], sample / SAMPLE_RATE))
        reached = max(start + length, end)
    return out


def wav_duration(data: bytes) -> float:
    """Duration in seconds of WAV bytes."""
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()
