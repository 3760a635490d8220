"""Each module imports only modules that come before it: no two modules of wellchild
import each other, directly or round a longer circle, counting imports made inside
functions (which only delay a circle) and leaving out those for type checking only; a
stage imports only its own and earlier stages (the order is the table of
docs/architecture.md); and no module imports another's private names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from paths import ROOT

SRC = ROOT / "src"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
# Private names still imported across modules, each with what removes it.
PRIVATE_IMPORTS_TO_REMOVE: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    modules = {}
    for path in SRC.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _stages() -> list[tuple[str, set[str]]]:
    """The stages of docs/architecture.md in order: each a name and its packages (the
    first-level packages and modules of ``wellchild``; ``wellchild`` is the package root)."""
    stages = []
    for line in ARCHITECTURE.read_text().splitlines():
        row = re.match(r"^\| (\d+)\. ([^|]+?) \| ([^|]+) \|", line)
        if row:
            stages.append((row[2], set(re.findall(r"`(\w+)`", row[3]))))
    return stages


def _stage_of(module: str, stages: list[tuple[str, set[str]]]) -> int:
    part = module.split(".")[1] if "." in module else module
    return next(i for i, (_, packages) in enumerate(stages) if part in packages)


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Every ``wellchild`` name imported outside ``if TYPE_CHECKING:`` blocks."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.extend(f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [n for n in names if n.startswith("wellchild")]


def _graph() -> dict[str, set[str]]:
    modules = _modules()

    def module_of(name: str) -> str:
        while name not in modules:
            name = name.rpartition(".")[0]
        return name

    return {
        name: {module_of(n) for n in _runtime_imports(ast.parse(path.read_text()))} - {name}
        for name, path in modules.items()
    }


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_package_has_a_stage() -> None:
    stages = _stages()
    named = [p for _, packages in stages for p in packages]
    assert len(named) == len(set(named)), "a package is in two stages"
    tops = {"wellchild"} | {
        path.stem if path.is_file() else path.name
        for path in (SRC / "wellchild").iterdir()
        if (path.suffix == ".py" or (path.is_dir() and any(path.glob("*.py"))))
        and path.name != "__init__.py"
    }
    assert tops == set(named)


def test_stages_import_only_themselves_and_earlier_stages() -> None:
    stages = _stages()
    upward = sorted(
        f"{module} ({stages[_stage_of(module, stages)][0]}) imports {other} "
        f"({stages[_stage_of(other, stages)][0]})"
        for module, imports in _graph().items()
        for other in imports
        if _stage_of(other, stages) > _stage_of(module, stages)
    )
    assert upward == []


def test_no_module_imports_private_names_of_another() -> None:
    found = set()
    for name, path in _modules().items():
        for imported in _runtime_imports(ast.parse(path.read_text())):
            last = imported.rpartition(".")[2]
            if last.startswith("_") and not last.startswith("__"):
                found.add((name, imported))
    assert found == PRIVATE_IMPORTS_TO_REMOVE


def test_an_import_inside_a_function_says_why() -> None:
    """Imports belong at the top; one inside a function (a heavy optional dependency,
    Django's set-up) has a comment above it saying which."""
    silent = []
    for name, path in _modules().items():
        lines = path.read_text().splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    above = node.lineno - 2
                    while above >= 0 and (
                        not lines[above].strip()  # between the groups of one import block
                        or lines[above].lstrip().startswith(("import ", "from "))
                    ):
                        above -= 1
                    if not lines[above].lstrip().startswith("#"):
                        silent.append(f"{name}:{node.lineno}")
    assert silent == []


def test_no_two_modules_import_each_other() -> None:
    assert _circles(_graph()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_the_hub_demo_and_the_outreach_charts_stand_on_earlier_modules() -> None:
    graph = _graph()
    assert "wellchild.hub.demo" not in graph["wellchild.hub.portal.demo"]
    for name in ("wellchild.outreach.report", "wellchild.outreach.rank_chart"):
        assert "wellchild.qi.render" not in graph[name]
        assert "wellchild.drawing" in graph[name]
