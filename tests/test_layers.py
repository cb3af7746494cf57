"""The layers point one way, and no two files import each other.

domain <- storage <- bot's runtime basics (settings, texts) <- bot/core <- services, delivery
and the scheduler <- handlers <- adapters <- the app. Every import counts: at module level,
inside functions and under TYPE_CHECKING alike, since each is a dependency a reader must
follow. Read from the source with `ast`, nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "storage", "bot", "handlers")

# Lower numbers lie deeper; a module may import its own layer and those below it.
LAYERS: tuple[tuple[str, int], ...] = (
    ("domain", 0),
    ("storage", 1),
    ("bot.settings", 2),
    ("bot.texts", 2),
    ("bot.core", 3),
    ("bot.scheduler", 4),
    ("bot.services", 4),
    ("bot.delivery", 4),
    ("handlers", 5),
    ("bot.adapters", 6),
    ("bot.app", 7),
    ("bot", 7),  # the package itself
)
# Platform libraries belong to the adapters alone.
PLATFORM_LIBRARIES = ("aiogram", "vk_api")


def layer_of(module: str) -> int:
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules (and platform libraries) `module` imports, by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from bot.core import events` imports the module bot.core.events.
                candidate = f"{base}.{alias.name}"
                names.add(candidate if candidate in known else base)
    found = set()
    for name in names:
        top = name.split(".")[0]
        if top in PLATFORM_LIBRARIES:
            found.add(top)
        elif top in PACKAGES:
            # A name below a module (`storage.models.User`) is that module.
            while name not in known and "." in name:
                name = name.rpartition(".")[0]
            if name in known:
                found.add(name)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for module, imported in sorted(import_graph().items()):
        for other in sorted(imported):
            if other in PLATFORM_LIBRARIES:
                if not module.startswith("bot.adapters"):
                    wrong.append(f"{module} imports the platform library {other}")
            elif layer_of(other) > layer_of(module):
                wrong.append(
                    f"{module} (layer {layer_of(module)}) imports {other} (layer {layer_of(other)})"
                )
    assert not wrong, "\n".join(wrong)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in graph), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_two_files_import_each_other() -> None:
    graph = {
        m: {i for i in imported if i not in PLATFORM_LIBRARIES}
        for m, imported in import_graph().items()
    }
    # A package's __init__ that re-exports its modules is not a cycle with them.
    for module, imported in graph.items():
        graph[module] = {i for i in imported if not module.startswith(i + ".")}
    cycles = strongly_connected(graph)
    assert not cycles, "\n".join(" <-> ".join(group) for group in cycles)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from storage.models import User", {"storage.models"}),
        ("import bot.core.events", {"bot.core.events"}),
        ("from bot.core import events", {"bot.core.events"}),
        ("from . import events", {"bot.core.events"}),
        ("from .events import Incoming", {"bot.core.events"}),
        ("def f():\n    from handlers import common", {"handlers.common"}),
        ("from aiogram import Bot", {"aiogram"}),
    ],
)
def test_imports_are_read_as_python_resolves_them(
    tmp_path: Path, source: str, expected: set[str]
) -> None:
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    known = {"storage.models", "bot.core.events", "bot.core", "handlers.common", "handlers"}
    assert imports_of("bot.core.probe", path, known) == expected


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
