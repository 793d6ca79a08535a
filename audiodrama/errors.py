"""Errors a user can act on: each message names the file and says what to do."""

from __future__ import annotations

from pathlib import Path


class AudiodramaError(Exception):
    """Base class: the CLI prints `audiodrama: <message>` and exits with code 2."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None):
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class StoryError(AudiodramaError):
    """The story file cannot be read or has nothing to voice."""


class ScriptError(AudiodramaError):
    """A cast script (JSON or editable form) is malformed."""


class CastError(AudiodramaError):
    """voices/cast.toml is malformed or names something that does not exist."""


class SettingsError(AudiodramaError):
    """audiodrama.toml is malformed."""


class RenderError(AudiodramaError):
    """A line could not be synthesised."""


class RecordingError(AudiodramaError):
    """A recorded take cannot be used."""


class ProductionError(AudiodramaError):
    """The production folder is missing something, or is busy."""
