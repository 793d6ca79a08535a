"""The cast script's two text forms, as a pure stage: JSON (for machines) and Fountain (for people).

Text in, Script out and back; no file is read or written here (that is audiodrama.project.scripts).
"""

from audiodrama.script.apply import RiskyEditError, apply_fountain
from audiodrama.script.fountain import fountain_hash, to_fountain
from audiodrama.script.jsonform import (
    FORMAT,
    dialogue_counts,
    dumps,
    from_dict,
    loads,
    recount_lines,
    to_dict,
)

__all__ = [
    "FORMAT",
    "RiskyEditError",
    "apply_fountain",
    "dialogue_counts",
    "dumps",
    "fountain_hash",
    "from_dict",
    "loads",
    "recount_lines",
    "to_dict",
    "to_fountain",
]
