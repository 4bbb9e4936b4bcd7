"""The package reads as the pipeline: each subpackage imports only those before it, no module
imports itself back through others, no module is over 400 lines, the library never prints.

Imports inside functions count too (they are how a heavy library is deferred, not a licence
for a back-edge); imports under ``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tool"
ORDER = ["core", "format", "workbook", "read", "text", "compare", "check", "collect", "report", "publish",
         "workspace", "demo", "cli"]
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(TOOL.rglob("*.py")):
        parts = p.relative_to(TOOL.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The tool modules a module imports (absolute names), outside TYPE_CHECKING blocks."""
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in modules and m != name}


MODULES = _modules()
GRAPH = {name: _imports(name, path, MODULES) for name, path in MODULES.items()}


def _stage(module: str) -> int | None:
    parts = module.split(".")
    return ORDER.index(parts[1]) if len(parts) > 1 and parts[1] in ORDER else None


def test_every_subpackage_is_a_stage():
    found = {p.name for p in TOOL.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert found == set(ORDER)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_from_a_later_stage(module):
    here = _stage(module)
    later = sorted(m for m in GRAPH[module] if here is not None and (_stage(m) or 0) > here)
    assert not later, f"{module} imports later stages: {later}"


def test_no_import_cycle():
    state: dict[str, int] = {}

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for n in sorted(GRAPH[m]):
            if n.startswith(m + "."):  # a package's __init__ importing its own modules is not a cycle
                continue
            if state.get(n) == 1:
                raise AssertionError("import cycle: " + " → ".join([*stack, m, n]))
            if n not in state:
                visit(n, [*stack, m])
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m, [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_size(module):
    lines = len(MODULES[module].read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _stage(m) != ORDER.index("cli")))
def test_library_never_prints_or_imports_click(module):
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "print", f"{module}:{node.lineno} prints"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            assert not any(n == "click" or n.startswith("click.") for n in names), f"{module}:{node.lineno}"
