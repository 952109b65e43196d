"""The package's layout holds: parts by domain, no import cycle, layers that keep apart.

The import graph is read with `ast` from the source (nothing is imported), including
imports inside functions and under TYPE_CHECKING: a cycle hidden in a function is
still a cycle a reader has to untangle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "facilitator"
PARTS = {"store", "cafe", "organise", "planner", "harvest", "exports", "coaching", "web"}
# Parts that hold the domain: pure logic and the database, no web framework.
DOMAIN = {"store", "cafe", "organise", "planner", "harvest", "exports", "coaching"}
# Parts that import nothing of the app but themselves.
SELF_CONTAINED = {"planner", "harvest"}
WEB_FRAMEWORKS = ("flask", "flask_socketio", "flask_babel", "flask_wtf", "socketio", "engineio")


def module_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (absolute names), at any depth of the file."""
    name = module_of(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if is_module(sub) else base)
    return found


def graph() -> dict[str, set[str]]:
    """The package's import graph: module -> the package modules it imports."""
    files = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    return {
        module_of(p): {m for m in imports_of(p) if m.split(".")[0] == "facilitator"} for p in files
    }


def all_imports() -> dict[str, set[str]]:
    files = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    return {module_of(p): imports_of(p) for p in files}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def part_of(module: str) -> str | None:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 2 and pieces[1] in PARTS else None


def test_the_package_has_no_import_cycle() -> None:
    assert find_cycle(graph()) is None, " -> ".join(find_cycle(graph()) or [])


def test_the_cycle_finder_sees_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(edges) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_domain_and_store_import_no_web_framework_and_nothing_of_web() -> None:
    wrong = {
        (module, imported)
        for module, imported_set in all_imports().items()
        if part_of(module) in DOMAIN
        for imported in imported_set
        if imported.split(".")[0] in WEB_FRAMEWORKS or imported.startswith("facilitator.web")
    }
    assert not wrong, sorted(wrong)


def test_planner_and_harvest_import_nothing_of_the_app() -> None:
    wrong = {
        (module, imported)
        for module, imported_set in graph().items()
        if part_of(module) in SELF_CONTAINED
        for imported in imported_set
        if part_of(imported) != part_of(module)
    }
    assert not wrong, sorted(wrong)


def test_the_top_of_the_package_is_a_few_modules_beside_its_parts() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert folders == PARTS
    assert len(modules) <= 10, modules
    for part in PARTS:
        doc = ast.get_docstring(ast.parse((PACKAGE / part / "__init__.py").read_text()))
        summary = (doc or "").split("\n")[0]
        assert summary.endswith("."), f"{part}/__init__.py needs a one-line summary"


def test_handlers_and_jobs_do_not_import_the_app_factory() -> None:
    importers = {m for m, imported in graph().items() if "facilitator.web.app" in imported}
    assert importers <= {"facilitator.cli", "facilitator"}, sorted(importers)


def test_every_module_the_makefile_runs_exists() -> None:
    makefile = (PACKAGE.parent / "Makefile").read_text()
    modules = re.findall(r"python -m ([\w.]+)", makefile)
    assert "bench.run_all" in modules
    for module in modules:
        path = PACKAGE.parent.joinpath(*module.split("."))
        assert path.with_suffix(".py").exists() or (path / "__main__.py").exists(), module
