"""The project layer's script files: reading never writes, edits are found by content and are
applied under the lock, and no write discards a file it did not read."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from audiodrama.errors import ProductionError, ScriptError
from audiodrama.pipeline.parsing import load_script, parse_into_production
from audiodrama.project import fsutil
from audiodrama.project.lock import production_lock
from audiodrama.project.production import init_production
from audiodrama.project.scripts import apply_pending, open_script, read_script, save_script

STORY = '"Hello there," said Anna.\n\n"(sighs)" Anna said.\n\n"Hi," Ben replied.\n\nThey walked on.\n'


def cli(prod, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "audiodrama", "-C", str(prod.root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def parsed(tmp_path):
    prod = init_production(tmp_path / "p")
    story = prod.root / "s.txt"
    story.write_text(STORY, encoding="utf-8")
    parse_into_production(story, prod)
    return prod, story


def _files(prod) -> tuple[bytes, bytes]:
    return prod.script_json("s").read_bytes(), prod.script_fountain("s").read_bytes()


def test_reading_never_writes_and_pending_edits_are_found_by_content(parsed):
    prod, _ = parsed
    fountain = prod.script_fountain("s")
    fountain.write_text(fountain.read_text(encoding="utf-8").replace("Hi,", "Hi yourself,"), encoding="utf-8")
    old = os.stat(prod.script_json("s")).st_mtime_ns - 10**9
    os.utime(fountain, ns=(old, old))  # older than the JSON: an mtime rule would miss the edit
    before = _files(prod)
    script, changes = load_script("s", prod)
    assert any("words edited" in c and "not saved yet" in c for c in changes)
    assert any(l.text == "Hi yourself," for l in script.lines())
    r = cli(prod, "review", "s")
    assert r.returncode == 0, r.stderr
    assert _files(prod) == before  # neither the library nor `review` wrote
    with production_lock(prod) as lock:
        _, changes = apply_pending(prod, "s", lock)
    assert any("words edited" in c for c in changes)
    assert not read_script(prod.script_json("s"), prod.script_fountain("s")).changes  # in sync now


def test_the_dialogue_words_sighs_never_break_a_build(parsed):
    prod, _ = parsed
    script = open_script(prod.script_json("s"), prod.script_fountain("s")).script
    assert any(l.text == "(sighs)" and l.kind == "dialogue" and l.delivery is None for l in script.lines())
    prod.script_fountain("s").write_text(prod.script_fountain("s").read_text(encoding="utf-8") + "\n")
    with production_lock(prod) as lock:
        assert apply_pending(prod, "s", lock)[0].scenes  # the reworded Fountain applies cleanly


def test_a_truncated_fountain_fails_the_build_and_loses_nothing(parsed):
    prod, story = parsed
    before_json = prod.script_json("s").read_bytes()
    prod.script_fountain("s").write_text("", encoding="utf-8")
    r = cli(prod, "-q", "build", str(story))
    assert r.returncode == 2, r.stdout + r.stderr
    assert (
        r.stderr.count("\n") == 1
        and "no lines at all" in r.stderr
        and "`audiodrama apply s --accept`" in r.stderr
    )
    assert prod.script_json("s").read_bytes() == before_json
    assert prod.script_fountain("s").read_text(encoding="utf-8") == ""  # the person's file, as they left it
    r = cli(prod, "apply", "s", "--accept")
    assert r.returncode == 0, r.stderr
    backups = sorted(p.name for p in (prod.script_dir / ".backup").iterdir())
    assert [Path(b).suffix for b in backups] == [".fountain", ".json"] and "kept in" in r.stdout
    assert next((prod.script_dir / ".backup").glob("*.json")).read_bytes() == before_json


def test_an_editor_save_during_a_command_is_kept_and_applied_next_time(parsed):
    prod, _ = parsed
    fountain = prod.script_fountain("s")
    with production_lock(prod) as lock:
        files = read_script(prod.script_json("s"), fountain)
        files.script.scenes[0].lines[0].delivery = "phone"  # the command's own change
        # the person saves while the command runs
        fountain.write_text(
            fountain.read_text(encoding="utf-8").replace("Hi,", "Hi there,"), encoding="utf-8"
        )
        saved_by_editor = fountain.read_bytes()
        notes = save_script(files, files.script, lock)
    assert notes and "kept your newer file" in notes[0]
    assert fountain.read_bytes() == saved_by_editor
    with production_lock(prod) as lock:
        script, _ = apply_pending(prod, "s", lock)
    assert any(l.text == "Hi there," for l in script.lines())  # the editor's words
    assert script.scenes[0].lines[0].delivery == "phone"  # and the command's change


def test_a_script_write_elsewhere_is_refused_and_writers_take_the_lock(parsed, tmp_path):
    prod, _ = parsed
    other = init_production(tmp_path / "other")
    files = read_script(prod.script_json("s"), prod.script_fountain("s"))
    with production_lock(other) as lock, pytest.raises(Exception, match="outside the locked production"):
        save_script(files, files.script, lock)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from audiodrama.project.lock import production_lock;"
            "from audiodrama.project.production import Project;"
            f"cm = production_lock(Project(Path({str(prod.root)!r}))); cm.__enter__();"
            "print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        from audiodrama import notebook as nb

        script = files.script
        with pytest.raises(ProductionError, match="another audiodrama command"):
            nb.apply_fixes(script, prod, {script.scenes[0].lines[0].id: "Ben"})
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("slug", ["../../etc/passwd", "/tmp/x", "a/b", ".."])
def test_project_paths_never_leave_the_production(parsed, slug):
    prod, _ = parsed
    for path_of in (prod.script_json, prod.script_fountain, prod.episode_dir):
        with pytest.raises(ProductionError, match="not a safe file name"):
            path_of(slug)


def test_parse_json_writes_through_dev_stdout_and_symlinks(tmp_path):
    story = tmp_path / "s.txt"
    story.write_text(STORY, encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "audiodrama",
            "-C",
            str(tmp_path),
            "parse",
            str(story),
            "--json",
            "/dev/stdout",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and '"slug": "s"' in r.stdout, r.stderr
    link = tmp_path / "null.json"
    link.symlink_to(os.devnull)
    fsutil.write_text(link, "{}")
    assert link.is_symlink() and Path(os.devnull).is_char_device()


def test_writes_go_through_a_fifo_and_follow_a_symlink_to_a_file(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    fsutil.write_text(fifo, "through")
    reader.join(10)
    assert got == [b"through"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old")
    link.symlink_to(real)
    fsutil.write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_outputs_get_the_umask_permissions_without_changing_it(tmp_path):
    code = (
        "import os; os.umask(0o027); from audiodrama.project import fsutil;"
        f"fsutil.write_text({str(tmp_path / 'f.txt')!r}, 'x');"
        "print(oct(os.umask(0o027)))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "0o27"
    assert stat.S_IMODE(os.stat(tmp_path / "f.txt").st_mode) == 0o640


def test_a_read_only_command_shows_the_saved_script_when_pending_edits_would_lose_lines(parsed):
    prod, _ = parsed
    prod.script_fountain("s").write_text("", encoding="utf-8")
    before = _files(prod)
    r = cli(prod, "review", "s", "--threshold", "1.1")
    assert r.returncode == 0, r.stderr
    assert "no lines at all" in r.stderr and "audiodrama apply s --accept" in r.stderr
    assert "lines below" in r.stdout and _files(prod) == before


def test_editor_saves_racing_commands_are_never_lost(tmp_path):
    """40 editor saves (atomic, as editors write) land at random moments of `edit` commands."""
    import random
    import time

    from audiodrama.pipeline.edit import edit_line

    prod = init_production(tmp_path / "p")
    story = prod.root / "s.txt"
    story.write_text(
        "\n\n".join(f'"Line number {i} here," said {"Anna" if i % 2 else "Ben"}.' for i in range(50)),
        encoding="utf-8",
    )
    parse_into_production(story, prod)
    fountain = prod.script_fountain("s")
    rng = random.Random(7)

    def save(n: int, delay: float) -> None:
        time.sleep(delay)
        text = fountain.read_text(encoding="utf-8").replace(f"number {n} here,", f"number {n} edited,", 1)
        tmp = fountain.with_name(".editor.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(fountain)

    for n in range(40):
        editor = threading.Thread(target=save, args=(n, rng.uniform(0, 0.03)))
        editor.start()
        script, _ = load_script("s", prod)
        last = next(l for l in script.lines() if "number 49" in l.text)
        edit_line(script, prod, last.id, delivery=rng.choice(["phone", "memory", None]))
        editor.join()
    with production_lock(prod) as lock:
        final, _ = load_script("s", prod, lock)
    words = " ".join(l.text for l in final.lines())
    assert [n for n in range(40) if f"number {n} edited," not in words] == []


def test_a_script_with_duplicate_line_ids_is_refused_naming_them(parsed):
    prod, _ = parsed
    path = prod.script_json("s")
    data = json.loads(path.read_text(encoding="utf-8"))
    lines = [line for scene in data["scenes"] for line in scene["lines"]]
    lines[2]["id"] = lines[0]["id"]  # two lines would play the same audio
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ScriptError) as err:
        open_script(path, prod.script_fountain("s"))
    message = str(err.value)
    assert str(path) in message and lines[0]["id"] in message and "\n" not in message
    r = cli(prod, "review", "s")
    assert r.returncode == 2 and lines[0]["id"] in r.stderr and "Traceback" not in r.stderr
