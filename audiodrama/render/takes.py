"""Recording sides (what an actor reads) and the status of recorded takes.

`sides` makes, per character, a Markdown and a CSV recording script (the pipeline writes
them into voices/sides/): every line the character speaks with its id, the line before it for
context, the delivery note, and the file name to save the take as.

`status` reports per character how many lines have a usable take, takes set aside because
their line now has another speaker, orphans (takes whose line id is not in the script —
kept, never deleted; in a series they may belong to another story), and takes whose
length is implausible for their text. The rule: at a normal 150 words per minute a line
of W words lasts about W/2.5 s; a take is implausible when it is shorter than
0.4 x that - 0.3 s, or longer than 2.5 x that + 2 s (durations as recorded, silence
included).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf

from audiodrama import procs
from audiodrama.model import NARRATOR, VOICED_KINDS, Line, Script, plural
from audiodrama.render.recorded import TakeFile, TakeIndex
from audiodrama.voices.cast import Cast

WORDS_PER_SECOND = 2.5


def _slug(name: str) -> str:
    """A file-name part for a title or a character's name, in the case it is written in."""
    return re.sub(r"[^\w]+", "-", name).strip("-") or "x"


def _speaker(line: Line, cast: Cast | None) -> str:
    if line.kind != "dialogue" or not line.speaker:
        return NARRATOR
    return cast.name_for(line.speaker) if cast is not None else line.speaker


def next_take_name(line_id: str, existing: list[TakeFile]) -> str:
    """The file name for a new take of a line: <id>.wav, else <id>.takeN.wav."""
    if not existing:
        return f"{line_id}.wav"
    return f"{line_id}.take{max(t.number for t in existing) + 1}.wav"


@dataclass
class SideLine:
    """One row of a recording script."""

    line_id: str
    character: str
    text: str
    context: str
    delivery: str
    file: str
    recorded: str


def side_lines(
    script: Script, cast: Cast | None, takes: dict[str, list[TakeFile]], character: str
) -> list[SideLine]:
    """The rows of `character`'s recording script (`takes`: line id -> its recorded takes)."""
    rows = []
    prev: Line | None = None
    for line in script.lines():
        if line.kind not in VOICED_KINDS:
            continue
        who = _speaker(line, cast)
        if who == character:
            context = f"{_speaker(prev, cast)}: {prev.text}" if prev is not None else "(start of story)"
            existing = takes.get(line.id, [])
            rows.append(
                SideLine(
                    line.id,
                    who,
                    line.text,
                    context,
                    line.delivery or "",
                    next_take_name(line.id, existing),
                    ", ".join(t.path.name for t in existing),
                )
            )
        prev = line
    return rows


@dataclass
class Side:
    """One character's recording script: file stem, Markdown and CSV text."""

    stem: str
    """<story>-<character>; the files are <stem>.md and <stem>.csv."""
    markdown: str
    csv: str


def _markdown(script: Script, name: str, rows: list[SideLine], recorded_dir: Path) -> str:
    md = [
        f"# Recording script: {name} — {script.title or script.slug}",
        "",
        f"{plural(len(rows), 'line')}. Save each take in `{recorded_dir}` under the file name given "
        "(any of .wav .flac .mp3 .ogg .m4a; further takes as `<id>.take2.wav`). "
        "Leave a second of silence around each line; it is trimmed.",
        "",
    ]
    for i, r in enumerate(rows, 1):
        md.append(f"## {i}. `{r.file}`" + (f" — *{r.delivery}*" if r.delivery else ""))
        md.append("")
        md.append(f"> {r.context}")
        md.append("")
        md.append(f"**{name}:** {r.text}")
        if r.recorded:
            md.append("")
            md.append(f"_Recorded already: {r.recorded}_")
        md.append("")
    return "\n".join(md)


def _csv(rows: list[SideLine]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["line_id", "character", "file", "delivery", "context", "text", "recorded"])
    for r in rows:
        w.writerow([r.line_id, r.character, r.file, r.delivery, r.context, r.text, r.recorded])
    return buf.getvalue()


def sides(
    script: Script,
    cast: Cast | None,
    takes: dict[str, list[TakeFile]],
    recorded_dir: Path,
    character: str | None = None,
) -> list[Side]:
    """Recording scripts for one character or all (those with no line are left out)."""
    names = (
        [character]
        if character
        else [
            NARRATOR,
            *sorted({_speaker(l, cast) for l in script.lines() if l.kind == "dialogue" and l.speaker}),
        ]
    )
    if character and cast is not None:
        names = [cast.name_for(character)]
    out = []
    for name in names:
        rows = side_lines(script, cast, takes, name)
        if rows:
            stem = f"{script.slug or _slug(script.title)}-{_slug(name)}"
            out.append(Side(stem, _markdown(script, name, rows, recorded_dir), _csv(rows)))
    return out


def recorded_duration(path: Path) -> float | None:
    """Seconds of audio in a take file (None if unreadable)."""
    try:
        return float(sf.info(str(path)).duration)
    except Exception:  # soundfile cannot read it (e.g. .m4a): ask ffprobe
        pass
    ffprobe = shutil.which("ffprobe")
    if not ffprobe:
        return None
    proc = procs.run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", str(path)],
        capture_output=True,
        text=True,
    )
    try:
        return float(proc.stdout.strip())
    except ValueError:
        return None


def plausible(duration: float, text: str) -> bool:
    """The length rule of the module docstring."""
    expected = max(1, len(text.split())) / WORDS_PER_SECOND
    return 0.4 * expected - 0.3 <= duration <= 2.5 * expected + 2.0


@dataclass
class Status:
    """What `audiodrama status` reports."""

    lines: dict[str, int] = field(default_factory=dict)
    """character -> lines to voice."""
    recorded: dict[str, int] = field(default_factory=dict)
    """character -> lines with a usable take."""
    set_aside: list[str] = field(default_factory=list)
    """Takes not used because their line now has another speaker."""
    orphans: list[str] = field(default_factory=list)
    """Take files whose line id is not in the script."""
    implausible: list[str] = field(default_factory=list)
    """Takes whose length does not fit their text."""

    def to_text(self) -> str:
        out = ["character            recorded / lines"]
        for name in sorted(self.lines, key=lambda n: (-self.lines[n], n)):
            out.append(f"  {name:<20} {self.recorded.get(name, 0):>4} / {self.lines[name]}")
        for title, items in (
            ("set aside (line now spoken by someone else)", self.set_aside),
            ("orphans (no such line in this script; kept)", self.orphans),
            ("implausible length", self.implausible),
        ):
            out.append(f"{title}: {len(items)}")
            out += [f"  {i}" for i in items]
        return "\n".join(out)


def status(script: Script, cast: Cast | None, index: TakeIndex) -> Status:
    """Per character recorded counts, set-aside takes, orphans and implausible lengths."""
    st = Status()
    ids = set()
    for line in script.lines():
        if line.kind not in VOICED_KINDS:
            continue
        ids.add(line.id)
        who = _speaker(line, cast)
        st.lines[who] = st.lines.get(who, 0) + 1
        take = index.chosen(line)
        if take is None:
            continue
        meant_for = index.entries.get(take.path.name, {}).get("speaker", who)
        if meant_for != who:
            st.set_aside.append(f"{take.path.name}: recorded for {meant_for}, line now {who}'s")
            continue
        st.recorded[who] = st.recorded.get(who, 0) + 1
        for t in index.takes.get(line.id, []):
            d = recorded_duration(t.path)
            if d is None:
                st.implausible.append(f"{t.path.name}: unreadable")
            elif not plausible(d, line.text):
                st.implausible.append(
                    f"{t.path.name}: {d:.1f} s for {len(line.text.split())} words "
                    f"(about {len(line.text.split()) / WORDS_PER_SECOND:.1f} s expected)"
                )
    for line_id, takes in index.takes.items():
        if line_id not in ids:
            st.orphans += [t.path.name for t in takes]
    return st
