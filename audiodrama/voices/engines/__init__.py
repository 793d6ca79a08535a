"""TTS engines behind one small interface: pyttsx3/espeak-ng (default), silent (tests), recorded takes."""

from audiodrama.voices.engines.base import SAMPLE_RATE, Engine, SynthJob, VoiceInfo, engine_names, get_engine

__all__ = ["SAMPLE_RATE", "Engine", "SynthJob", "VoiceInfo", "engine_names", "get_engine"]
