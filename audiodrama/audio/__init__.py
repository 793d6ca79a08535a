"""The mix stage: timeline, assembly with pydub, effects, mastering, encoding, transcripts (pure; no production folder)."""
