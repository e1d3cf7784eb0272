"""Reference pages generated from the code at build time, so they cannot drift from it.

- **API**: one page per public module of the package (every module whose name has no
  part starting with ``_``, found by walking the package, so a module added, moved
  or renamed is documented without editing the docs), written to
  ``docs/reference/api/`` (not committed) before Sphinx reads the sources. Each page
  is ``automodule :members:``; a package with ``__all__`` documents what it
  re-exports. ``docs/reference/api.md`` lists them, and the names of
  ``geoconflict.__all__`` with where each is documented.
- **Benchmarks**: ``<!-- geoconflict:benchmarks -->`` becomes one section per
  ``benchmarks/bench_*.py`` with what it printed (``docs/benchmarks/<name>.txt``).
- **CLI**: the line ``<!-- geoconflict:cli -->`` in a page is replaced with the
  reference of :func:`geoconflict.cli.make_parser`: every subcommand, its usage,
  and each argument's flags, default, choices and help.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PACKAGE = "geoconflict"
#: Documented elsewhere (the CLI page) or not importable without side effects.
SKIP = ("geoconflict.cli", "geoconflict.__main__")
API_DIR = Path("reference") / "api"
CLI_MARKER = "<!-- geoconflict:cli -->"
API_MARKER = "<!-- geoconflict:api-names -->"
BENCH_MARKER = "<!-- geoconflict:benchmarks -->"


def public_modules(package: str = PACKAGE) -> list[str]:
    """Every public module of ``package``, sorted (the package itself first).

    Examples
    --------
    >>> mods = public_modules()
    >>> mods[0], "geoconflict.grid" in mods, any("._" in m for m in mods)
    ('geoconflict', True, False)
    """
    pkg = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")):
            continue
        if any(name == s or name.startswith(s + ".") for s in SKIP):
            continue
        names.append(name)
    return [package, *sorted(names[1:])]


def summary_line(obj: Any) -> str:
    r"""The first paragraph of ``obj``'s docstring, its reST literals and roles as Markdown code.

    Examples
    --------
    >>> def f(): ...
    >>> f.__doc__ = "Errors, all under :class:`GeoconflictError`, for ``maps/*.toml``.\n\nMore."
    >>> summary_line(f)
    'Errors, all under `GeoconflictError`, for `maps/*.toml`.'
    """
    doc = inspect.getdoc(obj) or ""
    first = doc.strip().split("\n\n", 1)[0].replace("\n", " ")
    first = re.sub(r":[\w:]+:`~?([^`]+)`", r"`\1`", first)
    return re.sub(r"``([^`]+)``", r"`\1`", first)


def api_page(module: str) -> str:
    """The MyST source of the API page of ``module``.

    Examples
    --------
    >>> print(api_page("geoconflict.grid"))
    # `geoconflict.grid`
    <BLANKLINE>
    ```{eval-rst}
    .. automodule:: geoconflict.grid
       :members:
       :show-inheritance:
    ```
    <BLANKLINE>
    """
    lines = [f"# `{module}`", "", "```{eval-rst}", f".. automodule:: {module}"]
    shown = reexported(module)
    if module != PACKAGE:  # the package's own names are listed on the API index page
        lines += ["   :members:", "   :show-inheritance:"]
    if shown:
        lines.append(f"   :exclude-members: {', '.join(shown)}")
    lines += ["```", ""]
    if shown:
        parent = module.rsplit(".", 1)[0]
        names = ", ".join(f"{{py:obj}}`~{parent}.{n}`" for n in shown)
        lines += [f"Documented on the page of `{parent}`, which re-exports them: {names}.", ""]
    return "\n".join(lines)


def reexported(module: str) -> list[str]:
    """Names of ``module`` that its parent package (below the top level) re-exports.

    Such objects are documented once, on the package's page.

    Examples
    --------
    >>> "make_map" in reexported("geoconflict.render.make")
    True
    >>> reexported("geoconflict.grid")
    []
    """
    parent_name = module.rsplit(".", 1)[0]
    if parent_name == PACKAGE or "." not in module:
        return []
    parent = importlib.import_module(parent_name)
    return sorted(n for n in getattr(parent, "__all__", ()) if defined_in(module, n))


def defined_in(module: str, name: str) -> bool:
    """Whether ``module`` defines ``name`` (a function or class of its own, or a top-level
    assignment in its source), rather than importing it.

    Examples
    --------
    >>> defined_in("geoconflict.render.make", "make_map")
    True
    >>> defined_in("geoconflict.render.make", "MapOptions")
    False
    """
    mod = importlib.import_module(module)
    if name not in vars(mod):
        return False
    owner = getattr(vars(mod)[name], "__module__", None)
    if isinstance(owner, str) and not isinstance(vars(mod)[name], dict | list | tuple | str):
        return owner == module
    tree = ast.parse(inspect.getsource(mod))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def where_documented(name: str, modules: Iterable[str]) -> str | None:
    """The module among ``modules`` that documents the package-level ``name``.

    A module when ``name`` is a module; otherwise the first module (package
    re-export lists first) that exports the same object.

    Examples
    --------
    >>> where_documented("grid", public_modules())
    'geoconflict.grid'
    >>> where_documented("make_map", public_modules())
    'geoconflict.render'
    """
    pkg = importlib.import_module(PACKAGE)
    obj = getattr(pkg, name)
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    mods = [importlib.import_module(m) for m in modules if m != PACKAGE]
    # a package that lists the name in its __all__, then the module that defines it
    for mod in mods:
        if name in getattr(mod, "__all__", ()) and getattr(mod, name, None) is obj:
            return mod.__name__
    for mod in mods:
        if getattr(obj, "__module__", None) == mod.__name__:
            return mod.__name__
    return None


def api_names_markdown(modules: Iterable[str]) -> str:
    """A table of ``geoconflict.__all__``: each name, where it is documented, what it is."""
    pkg = importlib.import_module(PACKAGE)
    modules = list(modules)
    rows = ["| name | documented in | summary |", "|---|---|---|"]
    for name in pkg.__all__:
        if name.startswith("__"):
            continue
        home = where_documented(name, modules)
        obj = getattr(pkg, name)
        if home is None:
            link = "—"
        elif isinstance(obj, types.ModuleType):
            link = f"[`{home}`](api/{home}.md)"
        else:
            link = f"{{py:obj}}`{home}.{name}`"
        rows.append(f"| `{PACKAGE}.{name}` | {link} | {_cell(summary_line(obj))} |")
    return "\n".join(rows) + "\n"


def write_api_pages(srcdir: Path) -> list[Path]:
    """Write one page per public module under ``srcdir/reference/api``; drop stale ones."""
    out = srcdir / API_DIR
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for module in public_modules():
        path = out / f"{module}.md"
        text = api_page(module)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in set(out.glob("*.md")) - set(written):
        stale.unlink()
    return written


# --- the command line ---------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _flags(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    takes_value = action.nargs != 0
    if action.metavar:
        metavar = action.metavar
    elif action.choices is not None:  # as argparse shows it in the usage line
        metavar = "{" + ",".join(str(c) for c in action.choices) + "}"
    else:
        metavar = action.dest.upper()
    return ", ".join(f"`{o} {metavar}`" if takes_value else f"`{o}`" for o in action.option_strings)


def _default(action: argparse.Action) -> str:
    d = action.default
    if d is None or d is argparse.SUPPRESS or d is False or d == [] or action.nargs == 0:
        return ""
    if isinstance(d, list):
        return " ".join(f"`{v}`" for v in d)
    return f"`{d}`"


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        text = f"{text} (one of {', '.join(f'`{c}`' for c in action.choices)})".strip()
    if action.required and action.option_strings:
        text = f"**required.** {text}"
    return _cell(text)


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, helps.get(name, ""), sub))
    return out


def _arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        a
        for a in parser._actions
        if a.help is not argparse.SUPPRESS
        and not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
    ]


def cli_markdown(parser: argparse.ArgumentParser) -> str:
    """The reference of a command line parser with subcommands, as MyST Markdown.

    Examples
    --------
    >>> p = argparse.ArgumentParser(prog="tool", description="A tool.")
    >>> sub = p.add_subparsers(dest="command")
    >>> s = sub.add_parser("go", help="go somewhere", description="Go somewhere.")
    >>> _ = s.add_argument("--speed", type=int, default=3, help="how fast")
    >>> print(cli_markdown(p))  # doctest: +ELLIPSIS
    A tool.
    ...
    ## `tool go`
    <BLANKLINE>
    Go somewhere.
    <BLANKLINE>
    ```text
    usage: tool go [-h] [--speed SPEED]
    ```
    <BLANKLINE>
    | argument | default | description |
    |---|---|---|
    | `--speed SPEED` | `3` | how fast |
    <BLANKLINE>
    """
    lines = [parser.description or "", ""]
    lines += ["```text", parser.format_usage().strip(), "```", ""]
    top = _arguments(parser)
    if top:
        lines += _table(top)
    subs = _subcommands(parser)
    if subs:
        lines += ["| command | what it does |", "|---|---|"]
        lines += [
            f"| [`{parser.prog} {n}`](#{_anchor(parser.prog, n)}) | {_cell(h)} |"
            for n, h, _ in subs
        ]
        lines.append("")
    for name, help_text, sub in subs:
        lines += [f"({_anchor(parser.prog, name)})=", f"## `{sub.prog}`", ""]
        lines += [sub.description or help_text, ""]
        lines += ["```text", sub.format_usage().strip(), "```", ""]
        lines += _table(_arguments(sub))
    return "\n".join(lines)


def _anchor(prog: str, name: str) -> str:
    return f"cli-{prog}-{name}".replace(" ", "-")


def _table(actions: list[argparse.Action]) -> list[str]:
    rows = ["| argument | default | description |", "|---|---|---|"]
    rows += [f"| {_flags(a)} | {_default(a)} | {_help(a)} |" for a in actions]
    return [*rows, ""]


# --- the benchmarks -----------------------------------------------------------------


def benchmarks_markdown(srcdir: Path) -> str:
    """One section per ``benchmarks/bench_*.py``: what it compares (its docstring's first
    line) and what it printed when last run (``docs/benchmarks/<name>.txt``, written by
    ``tools/bench_docs.py``).

    Examples
    --------
    >>> text = benchmarks_markdown(Path(__file__).resolve().parent.parent)
    >>> "## `bench_grid.py`" in text
    True
    """
    lines: list[str] = []
    for script in sorted((srcdir.parent / "benchmarks").glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
        first = doc.strip().split("\n\n", 1)[0].replace("\n", " ")
        lines += [f"## `{script.name}`", "", first, ""]
        if (srcdir / "benchmarks" / f"{name}.txt").is_file():
            lines += ["```{literalinclude} " + f"benchmarks/{name}.txt", ":language: text", "```"]
        else:
            lines.append(f"Not run yet: `python tools/bench_docs.py --only {name}`.")
        lines.append("")
    return "\n".join(lines)


# --- Sphinx -------------------------------------------------------------------------


def module_sections_as_rubrics(lines: list[str]) -> list[str]:
    """Numpydoc section titles of a module docstring (``Examples`` over dashes) as rubrics.

    autodoc parses a module's docstring with section titles allowed, so every
    module's ``Examples`` would be a section of the same name: one label per page,
    duplicated across pages. A rubric shows the same heading without a label.

    Examples
    --------
    >>> module_sections_as_rubrics(["Text.", "", "Examples", "--------", ">>> 1", "1"])
    ['Text.', '', '.. rubric:: Examples', '', '>>> 1', '1']
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        under = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if title and under and set(under) == {"-"} and len(under) == len(title):
            out += [f".. rubric:: {title}", ""]
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return out


#: ``|x|`` written for an absolute value, which reStructuredText would read as a substitution
_ABSOLUTE = re.compile(r"(?<![\w`|\\])\|([A-Za-z_]\w*)\|(?![\w`|])")


def absolute_values_as_text(line: str) -> str:
    r"""``|lat| > 90`` in a docstring shown as written (the bars escaped), not as a substitution.

    Examples
    --------
    >>> absolute_values_as_text("values (|lat| > 90) give None; str | None")
    'values (\\|lat\\| > 90) give None; str | None'
    """
    return _ABSOLUTE.sub(r"\\|\1\\|", line)


def _on_process_docstring(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what == "module":
        lines[:] = module_sections_as_rubrics(lines)
    lines[:] = [absolute_values_as_text(line) for line in lines]


#: marker -> the function (of the docs' source folder) that makes its Markdown
GENERATORS: dict[str, Callable[[Path], str]] = {
    CLI_MARKER: lambda _: cli_markdown(importlib.import_module("geoconflict.cli").make_parser()),
    API_MARKER: lambda _: api_names_markdown(public_modules()),
    BENCH_MARKER: benchmarks_markdown,
}


def _on_builder_inited(app: Any) -> None:
    write_api_pages(Path(app.srcdir))
    story = Path(app.srcdir) / "_static" / "story"
    if (story / "build_map.py").is_file():  # the example story's map, built from its spec
        subprocess.run([sys.executable, str(story / "build_map.py")], check=True)


def _on_source_read(app: Any, docname: str, source: list[str]) -> None:
    for marker, make in GENERATORS.items():
        if marker in source[0]:
            source[0] = source[0].replace(marker, make(Path(app.srcdir)))


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    app.connect("source-read", _on_source_read)
    # before numpydoc (priority 500), which would turn the sections into its own markup
    app.connect("autodoc-process-docstring", _on_process_docstring, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
