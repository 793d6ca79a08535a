"""The shape of the house: layered imports (import-linter), no cycles, small modules and functions."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "audiodrama"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: Our modules that exist to hold an optional heavy dependency, imported only when it is used.
LAZY_MODULES = {"audiodrama.render.dask_worker": "imports dask, needed only with --scheduler"}


def _sources() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _modules() -> dict[str, ast.Module]:
    return {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in _sources().items()}


def _imported(name: str, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """Project modules an import statement loads (`from pkg import mod` counts mod)."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in known}
    base = node.module or ""
    found = {base} if base in known else set()
    found |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known}
    return found


def _graph(modules: dict[str, ast.Module], *, top_level_only: bool) -> dict[str, set[str]]:
    known = set(modules)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, tree in modules.items():
        nodes = tree.body if top_level_only else list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                graph[name] |= _imported(name, node, known) - {name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def _is_package_parent(a: str, b: str) -> bool:
    # A package's __init__ importing its own submodule (and back) is how re-exports work.
    return b.startswith(a + ".") or a.startswith(b + ".")


def test_no_import_cycles() -> None:
    graph = _graph(_modules(), top_level_only=False)
    for name in list(graph):
        graph[name] = {m for m in graph[name] if not _is_package_parent(name, m)}
    assert _cycles(graph) == []


def test_project_imports_sit_at_module_top() -> None:
    """Imports inside functions only for optional heavy dependencies, never for our own modules."""
    late = []
    for name, tree in _modules().items():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
                if module.startswith("audiodrama") and module not in LAZY_MODULES:
                    late.append(f"{name}:{node.lineno} {module}")
    assert late == []


def test_modules_and_functions_are_small() -> None:
    big = []
    sources = _sources()
    for name, tree in _modules().items():
        lines = len(sources[name].read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            big.append(f"module {name}: {lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    big.append(f"function {name}.{node.name}: {length} lines")
    assert big == []


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed in this environment (make test installs it)")
    return found


def test_layers_point_one_way() -> None:
    """import-linter checks the contract in pyproject.toml: data <- stages <- project <- pipeline <- cli."""
    proc = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
