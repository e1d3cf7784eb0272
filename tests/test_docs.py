"""The docs site: generated references cover the code, the pages' examples really run."""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import geoconflict
from geoconflict.cli import make_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ext = _load(DOCS / "_ext" / "geoconflict_docs.py", "geoconflict_docs")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_cli_reference_has_every_subcommand_option_default_and_choice() -> None:
    parser = make_parser()
    page = ext.cli_markdown(parser)
    subs = _subparsers(parser)
    assert set(subs) == {"mgrs", "ingest", "summarize", "build", "link"}
    for name, sub in subs.items():
        assert f"## `geoconflict {name}`" in page
        section = page.split(f"## `geoconflict {name}`", 1)[1].split("\n## ", 1)[0]
        assert sub.format_usage().strip() in section
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for flag in action.option_strings:
                assert f"`{flag}" in section, (name, flag)
            row = next(line for line in section.splitlines() if ext._flags(action) in line)
            if isinstance(action.default, str | int) and action.nargs != 0:
                assert f"`{action.default}`" in row, (name, action.dest)
            for choice in action.choices or ():
                assert f"`{choice}`" in row, (name, action.dest, choice)
    # what argparse would print, e.g. build's output folder and its default
    build = page.split("## `geoconflict build`", 1)[1]
    assert "| `--out DIR` | `dist` | output folder (default: dist) |" in build
    assert "**required.**" in page.split("## `geoconflict ingest`", 1)[1].split("\n## ")[0]


def test_cli_help_with_pipes_stays_in_its_table_cell() -> None:
    summarize = ext.cli_markdown(make_parser()).split("## `geoconflict summarize`", 1)[1]
    (freq,) = [line for line in summarize.splitlines() if line.startswith("| `--freq")]
    assert "day \\| week \\| month \\| year" in freq
    assert len(re.findall(r"(?<!\\)\|", freq)) == 4  # three cells


def test_api_pages_cover_every_public_module_on_disk() -> None:
    on_disk = set()
    pkg = Path(geoconflict.__file__).parent
    for path in pkg.rglob("*.py"):
        parts = path.relative_to(pkg.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or parts[:2] == ("geoconflict", "cli"):
            continue
        on_disk.add(".".join(parts))
    modules = ext.public_modules()
    assert set(modules) == on_disk
    assert modules[0] == "geoconflict"
    assert {"geoconflict.grid", "geoconflict.vocab", "geoconflict.dates"} <= set(modules)


def test_api_pages_are_written_and_stale_ones_removed(tmp_path: Path) -> None:
    stale = tmp_path / "reference" / "api" / "geoconflict.gone.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("# gone\n")
    written = ext.write_api_pages(tmp_path)
    assert not stale.exists()
    assert sorted(p.stem for p in written) == sorted(ext.public_modules())
    grid_page = (tmp_path / "reference" / "api" / "geoconflict.grid.md").read_text()
    assert ".. automodule:: geoconflict.grid\n   :members:" in grid_page


def test_every_package_level_name_is_documented_somewhere() -> None:
    modules = ext.public_modules()
    names = [n for n in geoconflict.__all__ if not n.startswith("__")]
    homes = {n: ext.where_documented(n, modules) for n in names}
    assert all(homes.values()), homes
    assert homes["read_events"] == "geoconflict.sources"
    assert homes["ReadResult"] == "geoconflict.events"
    table = ext.api_names_markdown(modules)
    assert all(f"| `geoconflict.{n}` |" in table for n in names)


def test_every_guide_page_in_the_toctree_exists() -> None:
    index = (DOCS / "guide" / "index.md").read_text()
    toctree = index.split("```{toctree}", 1)[1].split("```", 1)[0]
    pages = [line.strip() for line in toctree.splitlines()[1:] if line.strip()]
    pages = [p for p in pages if not p.startswith(":")]
    assert pages[:2] == ["grid", "reading"] and "data" in pages
    assert all((DOCS / "guide" / f"{p}.md").is_file() for p in pages), pages


# --- the Markdown examples collector (conftest.py) -------------------------------------


def _run_pages(tmp_path: Path, pages: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run pytest over a throwaway project with this repository's conftest.py."""
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    for name, text in pages.items():
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # without Hypothesis's plugin, which imports Hypothesis at the end (a second a run)
    plugins = ["-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:hypothesispytest"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *plugins, "-v", "docs"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


PAGE = """# A page

Text with >>> in it is not an example.

```pycon
>>> x = 40
>>> x + 2
42
```

```python
>>> this_is_shown_not_run
```

Later examples see the earlier ones, like a notebook:

```pycon
>>> x
40
```
"""


def test_pycon_examples_of_a_page_run_as_one_doctest(tmp_path: Path) -> None:
    done = _run_pages(tmp_path, {"good.md": PAGE, "empty.md": "# No examples\n"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "docs/good.md::examples PASSED" in done.stdout
    assert "empty.md" not in done.stdout  # a page without examples gives no test
    assert "1 passed" in done.stdout


def test_a_wrong_output_fails_with_the_page_line(tmp_path: Path) -> None:
    bad = PAGE.replace("42\n```", "43\n```")
    done = _run_pages(tmp_path, {"guide/bad.md": bad})
    assert done.returncode == 1
    assert "docs/guide/bad.md::examples FAILED" in done.stdout
    line = bad.splitlines().index(">>> x + 2") + 1
    assert f'bad.md", line {line}' in done.stdout
    assert "Expected:\n    43\nGot:\n    42" in done.stdout


def test_the_closing_fence_is_not_expected_output() -> None:
    conftest = _load(ROOT / "conftest.py", "root_conftest")
    text = conftest.pycon_lines("```pycon\n>>> print('a')\na\n```\nb\n")
    assert text == "\n>>> print('a')\na\n\n\n"


WRITTEN_PAGES = sorted(
    p.relative_to(DOCS).as_posix()
    for p in DOCS.rglob("*.md")
    if not p.relative_to(DOCS).as_posix().startswith(("_build/", "reference/api/"))
)


@pytest.mark.parametrize("page", WRITTEN_PAGES)
def test_docs_pages_use_pycon_for_python_sessions(page: str) -> None:
    """A ``>>>`` session in a ```python block would be shown but never run."""
    text = (DOCS / page).read_text()
    for block in re.findall(r"```(?:python|py)\n(.*?)```", text, flags=re.S):
        assert ">>>" not in block, page


# --- tools/bench_docs.py ----------------------------------------------------------------

bench_docs = _load(ROOT / "tools" / "bench_docs.py", "bench_docs")


def test_quick_sizes_are_options_of_their_scripts() -> None:
    names = bench_docs.benchmark_names()
    assert "grid" in names and "link" in names
    assert set(bench_docs.QUICK) == set(names)
    for name, args in bench_docs.QUICK.items():
        source = (ROOT / "benchmarks" / f"bench_{name}.py").read_text()
        for flag in (a for a in args if a.startswith("--")):
            assert f'add_argument("{flag}"' in source, (name, flag)


def test_a_benchmark_file_is_what_the_script_printed(tmp_path: Path) -> None:
    script = tmp_path / "bench_fake.py"
    script.write_text("import sys\nprint('ratio 1.50x', sys.argv[1:])\n")
    text = bench_docs.run_one(script, ["--n", "3"], timeout_s=60)
    head, body = text.split("\n\n", 1)
    assert head.splitlines()[0] == f"$ python {tmp_path.name}/bench_fake.py --n 3"
    assert "CPUs (load average" in head and "took" in head
    assert body == "ratio 1.50x ['--n', '3']\n"


def test_a_failing_or_stopped_benchmark_says_so(tmp_path: Path) -> None:
    failing = tmp_path / "bench_fails.py"
    failing.write_text("print('half done')\nraise SystemExit('no chromium')\n")
    text = bench_docs.run_one(failing, [], timeout_s=60)
    assert "half done\n\n# exited with status 1; the end of its stderr:\n#   no chromium\n" in text
    hangs = tmp_path / "bench_hangs.py"
    hangs.write_text("import time\nprint('started', flush=True)\ntime.sleep(600)\n")
    text = bench_docs.run_one(hangs, [], timeout_s=1)
    assert text.endswith(
        "started\n\n# stopped after 1 s: it did not finish (its output so far is above)\n"
    )
