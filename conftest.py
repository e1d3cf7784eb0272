"""Runs the ```` ```pycon ```` examples of the Markdown docs (``docs/**/*.md``, ``README.md``).

Each page is one doctest, its examples run top to bottom in one namespace, like a
notebook. Only the lines inside ```` ```pycon ```` fences count (everything else
becomes a blank line, so a failure reports the page's own line number, and the
closing fence is never mistaken for expected output, as it is with
``--doctest-glob``). The option flags are pytest's ``doctest_optionflags``, as
for the package's own doctests. A page without examples yields no test.
"""

from __future__ import annotations

import doctest
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent

# The run keeps its bytecode (the __pycache__ folders git ignores), also where
# PYTHONDONTWRITEBYTECODE is set: otherwise every worker rewrites the asserts of every
# test module (about 4 s of each worker's collection) and every Python the tests start
# compiles the package again.
sys.dont_write_bytecode = False

#: Not collected as modules: Sphinx's configuration and build output.
collect_ignore = ["docs/conf.py"]
collect_ignore_glob = ["docs/_build/*"]

_FENCE = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\n]*)$")
_PYCON = {"pycon", "{code-block} pycon", "{code} pycon"}


def pycon_lines(text: str) -> str:
    """``text`` with every line outside a ```` ```pycon ```` fence (and the fences) blanked.

    Examples
    --------
    >>> page = "# Title\\n\\n```pycon\\n>>> 1 + 1\\n2\\n```\\n\\n```python\\n>>> 3\\n```\\n"
    >>> pycon_lines(page).splitlines()
    ['', '', '', '>>> 1 + 1', '2', '', '', '', '', '']
    """
    out: list[str] = []
    fence: str | None = None  # the fence that opened the block we are in
    keep = False
    for line in text.splitlines():
        m = _FENCE.match(line)
        if fence is None and m:
            fence, keep = m["fence"], m["info"].strip() in _PYCON
            out.append("")
        elif fence is not None and m and m["fence"].startswith(fence) and not m["info"].strip():
            fence, keep = None, False
            out.append("")
        else:
            out.append(line if keep else "")
    return "\n".join(out) + "\n"


def _optionflags(config: pytest.Config) -> int:
    flags = 0
    for name in config.getini("doctest_optionflags") or ["ELLIPSIS"]:
        flags |= doctest.OPTIONFLAGS_BY_NAME.get(name, 0)
    return flags


class MarkdownExamples(pytest.Item):
    """The examples of one Markdown page, run as one doctest."""

    def __init__(self, *, test: doctest.DocTest, **kw: Any) -> None:
        super().__init__(**kw)
        self.test = test

    def runtest(self) -> None:
        runner = doctest.DocTestRunner(optionflags=_optionflags(self.config))
        report: list[str] = []
        result = runner.run(self.test, out=report.append, clear_globs=True)
        if result.failed:
            raise MarkdownExampleFailure("".join(report))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, MarkdownExampleFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"[markdown examples] {self.name}"


class MarkdownExampleFailure(Exception):
    """Raised with the doctest report when an example's output differs."""


class MarkdownFile(pytest.File):
    def collect(self) -> Iterator[MarkdownExamples]:
        text = pycon_lines(self.path.read_text(encoding="utf-8"))
        name = self.path.relative_to(ROOT).as_posix() if self.path.is_relative_to(ROOT) else ""
        test = doctest.DocTestParser().get_doctest(
            text, {"__name__": "__main__"}, name or self.path.name, str(self.path), 0
        )
        if test.examples:
            yield MarkdownExamples.from_parent(self, name="examples", test=test)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".md" and (
        file_path == ROOT / "README.md" or ROOT / "docs" in file_path.parents
    ):
        return MarkdownFile.from_parent(parent, path=file_path)
    return None
