"""The voice files of a production besides the cast: voices/lexicon.toml and voices/recorded/."""

from __future__ import annotations

import json
from pathlib import Path

from audiodrama.errors import CastError, RecordingError
from audiodrama.project import fsutil
from audiodrama.project.production import Project
from audiodrama.render.recorded import INDEX_FILE, TakeIndex, takes_by_line
from audiodrama.voices.lexicon import Lexicon, parse_lexicon


def read_lexicon(prod: Project) -> Lexicon | None:
    """The production's lexicon, or None when voices/lexicon.toml does not exist."""
    path = prod.lexicon_path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise CastError("is not UTF-8 text; save it as UTF-8", path) from None
    return parse_lexicon(text, path)


def take_files(prod: Project) -> list[Path]:
    """The files in voices/recorded/ (takes and anything else)."""
    folder = prod.recorded_dir
    return [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []


def read_take_index(prod: Project) -> TakeIndex:
    """voices/recorded/: its takes and takes.json (whom each take was recorded for)."""
    path = prod.recorded_dir / INDEX_FILE
    entries: dict[str, dict[str, str]] = {}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data.get("takes", {}) if isinstance(data, dict) else {}
        except (ValueError, OSError):
            raise RecordingError(
                "is not valid JSON; fix it or delete it (speakers of takes are "
                "then learnt again from the current script)",
                path,
            ) from None
    return TakeIndex(prod.recorded_dir, entries, takes_by_line(take_files(prod)))


def save_take_index(index: TakeIndex) -> None:
    """Write takes.json if something new was learnt (atomically)."""
    if not index.dirty:
        return
    data = {
        "about": "Speaker each recorded take was made for (learnt when first seen). "
        "A take is not used if its line now has another speaker. Edit to re-assign.",
        "takes": dict(sorted(index.entries.items())),
    }
    fsutil.write_text(index.dir / INDEX_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    index.dirty = False
