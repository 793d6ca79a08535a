"""audiodrama: turn a written story into a full-cast audio drama (parse, cast, voice, mix)."""

from __future__ import annotations

__version__ = "0.1.0"
