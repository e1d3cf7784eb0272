"""House rules on the package's structure: no import cycle, no use of another module's privates.

Both checks read the source with :mod:`ast` (nothing is imported), so they see every
import: at module level and inside functions, absolute and relative, also inside
``try`` blocks. Imports under ``if TYPE_CHECKING:`` never run and are left out, and so
are imports by a string (``importlib.import_module``), which the lazy package
``__init__`` files use.

The import graph has an edge from a module to each package module it imports:
``from geoconflict.a import b`` is an edge to ``geoconflict.a.b`` when that is a module,
else to ``geoconflict.a``. Importing a module also runs its packages' ``__init__``, but
that implicit step is not an edge, and a package ``__init__`` importing its own
submodules to re-export them is not one either: otherwise every package with a
re-export list would be a cycle with each of its modules.

A private name (``_x``) belongs to what defines it: a private function, class or
constant of ``geoconflict.a.b`` is for ``geoconflict.a.b`` alone (also when that is a
package ``__init__``); a private module ``geoconflict.a._c`` is for the modules of
package ``geoconflict.a`` (its own private names for itself); ``geoconflict._io`` is for
the whole package.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "geoconflict"


class Module(NamedTuple):
    name: str
    path: Path
    is_package: bool
    tree: ast.Module


def package_modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Module]:
    """Every ``.py`` file of the package, by dotted name."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules[".".join(parts)] = Module(".".join(parts), path, is_package, tree)
    return modules


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (imports there never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _base(module: Module, node: ast.ImportFrom) -> str:
    """The absolute module named by ``from <base> import ...`` (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    parts = package.split(".")
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


class Imported(NamedTuple):
    target: str  # the package module the import runs
    path: str  # the full dotted path named (module, or module.attribute)
    local: str | None  # the local name bound to a module, if one is
    line: int


def imports(module: Module, modules: dict[str, Module]) -> list[Imported]:
    """The package modules ``module`` imports, with what each import names."""
    skipped = _type_checking_nodes(module.tree)
    found = []
    for node in ast.walk(module.tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    local = alias.asname or alias.name.split(".")[0]
                    bound = alias.name if alias.asname else PACKAGE
                    found.append(Imported(alias.name, alias.name, None, node.lineno))
                    found.append(Imported(alias.name, bound, local, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, node)
            if base != PACKAGE and not base.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:  # a submodule
                    found.append(Imported(full, full, alias.asname or alias.name, node.lineno))
                else:  # an attribute of the module ``base``
                    found.append(Imported(base, full, None, node.lineno))
    return [i for i in found if i.target in modules]


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, module in modules.items():
        for imp in imports(module, modules):
            target = imp.target
            if target == name:
                continue
            if module.is_package and target.startswith(name + "."):
                continue  # a package re-exporting its own submodules
            graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a closed path) per strongly connected component with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm; the package is small enough to recurse
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_closed_path(c, graph) for c in components]


def _closed_path(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside the component."""
    start, inside = component[0], set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v] & inside):
                if w == start:
                    path = [start]
                    while v != start:
                        path.append(v)
                        v = previous[v]
                    return [start, *reversed(path[1:]), start]
                if w not in previous:
                    previous[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


def _private_step(path: str, importer: str, modules: dict[str, Module]) -> str | None:
    """The first private part of ``path`` that ``importer`` may not use, as a dotted prefix.

    A private module is for the modules of its package; a private name defined in a
    module (a package ``__init__`` too) is for that module alone.
    """
    parts = path.split(".")
    for k in range(1, len(parts)):
        name = parts[k]
        if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
            continue
        owner, step = ".".join(parts[:k]), ".".join(parts[: k + 1])
        if step in modules:  # a private module: its package's
            if importer == owner or importer.startswith(owner + "."):
                continue
            return step
        return None if importer == owner else step
    return None


def private_uses(modules: dict[str, Module]) -> list[str]:
    """``module:line: name`` for each use of another module's private name."""
    found = []
    for name, module in modules.items():
        bound: dict[str, str] = {}  # local name -> package module it stands for
        for imp in imports(module, modules):
            step = _private_step(imp.path, name, modules)
            if step:
                found.append(f"{name}:{imp.line}: {step}")
            if imp.local:
                bound[imp.local] = imp.path
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Attribute):
                continue
            chain = [node.attr]
            value = node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if not isinstance(value, ast.Name) or value.id not in bound:
                continue
            step = _private_step(".".join([bound[value.id], *reversed(chain)]), name, modules)
            if step:
                found.append(f"{name}:{node.lineno}: {step}")
    return sorted(set(found), key=lambda s: (s.split(":")[0], int(s.split(":")[1]), s))


# --------------------------------------------------------------------------- the checks

MODULES = package_modules()


def test_the_package_has_no_import_cycle() -> None:
    found = cycles(import_graph(MODULES))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_module_uses_another_modules_private_names() -> None:
    found = private_uses(MODULES)
    assert not found, "private names used outside their module:\n" + "\n".join(found)


# --------------------------------------------------------------------------- the checkers


def _fake_package(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    for rel, text in files.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package_modules(tmp_path)


def test_cycle_finder_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    modules = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "def f():\n    from geoconflict import b\n",
            "b.py": "from .sub import c\n",
            "sub/__init__.py": "from geoconflict.sub import c\nfrom . import d\n",
            "sub/c.py": "import geoconflict.a\n",
            "sub/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from geoconflict import a\n",
        },
    )
    graph = import_graph(modules)
    assert graph["geoconflict.b"] == {"geoconflict.sub.c"}
    assert graph["geoconflict.sub"] == set()  # re-exports of its own submodules
    assert graph["geoconflict.sub.d"] == set()  # TYPE_CHECKING only
    assert cycles(graph) == [
        ["geoconflict.a", "geoconflict.b", "geoconflict.sub.c", "geoconflict.a"]
    ]


def test_cycle_finder_passes_a_one_way_package(tmp_path: Path) -> None:
    modules = _fake_package(
        tmp_path,
        {
            "__init__.py": "from geoconflict import a, b\n",
            "a.py": "from geoconflict import b\n",
            "b.py": "from geoconflict._io import x\n",
            "_io.py": "x = 1\n",
        },
    )
    assert cycles(import_graph(modules)) == []


def test_private_use_finder_lists_each_kind(tmp_path: Path) -> None:
    modules = _fake_package(
        tmp_path,
        {
            "__init__.py": "",
            "_io.py": "x = 1\n",
            "a.py": "_hidden = 1\n",
            "pkg/__init__.py": "_shared = 1\n",
            "pkg/_common.py": "def helper():\n    pass\n",
            "pkg/user.py": "from geoconflict.pkg._common import helper\n"  # own package: fine
            "from geoconflict._io import x\n"  # the top package's private module: fine
            "from geoconflict.pkg import _shared\n",  # the __init__'s own private name
            "b.py": "from geoconflict.a import _hidden\n"
            "from geoconflict import a as mod\n"
            "import geoconflict.pkg._common\n"
            "def f():\n"
            "    from geoconflict.pkg import _common\n"
            "    return mod._hidden, mod.public, geoconflict.pkg._common.helper\n",
        },
    )
    assert private_uses(modules) == [
        "geoconflict.b:1: geoconflict.a._hidden",
        "geoconflict.b:3: geoconflict.pkg._common",
        "geoconflict.b:5: geoconflict.pkg._common",
        "geoconflict.b:6: geoconflict.a._hidden",
        "geoconflict.b:6: geoconflict.pkg._common",
        "geoconflict.pkg.user:3: geoconflict.pkg._shared",
    ]
