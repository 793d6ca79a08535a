"""TTS engines behind one small interface: pyttsx3/espeak-ng (default) and silent (tests)."""
