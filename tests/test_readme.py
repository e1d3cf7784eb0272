"""The README's test command is what CI runs, verbatim; the README stays a short tour."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.S)


def _test_command() -> str:
    return next(c for c in _commands((ROOT / "README.md").read_text()) if "pytest" in c)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == _test_command()


def test_the_test_command_checks_lint_types_docs_and_the_whole_suite() -> None:
    steps = [s.strip() for s in _test_command().split("&&")]
    assert 'pip install -q -e ".[test]"' in steps
    assert {"ruff check .", "ruff format --check .", "mypy"} <= set(steps)
    (docs,) = [s for s in steps if s.startswith("sphinx-build")]
    assert {"-W", "-E", "--keep-going"} <= set(docs.split()) and " docs docs/_build/html" in docs
    # the whole suite, not a tier of it, and after the docs build
    assert steps[-1] == "python -m pytest -n 2"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_extra = extras["optional-dependencies"]["test"]
    assert any(r.startswith("geoconflict[") and "docs" in r for r in test_extra)


def test_getting_started_gives_the_same_commands() -> None:
    page = (ROOT / "docs" / "getting-started.md").read_text()
    assert f"$ {_test_command()}\n" in page
    assert "$ pip install . && geoconflict build maps/ --out dist/\n" in page


def test_readme_main_job_builds_maps() -> None:
    commands = _commands((ROOT / "README.md").read_text())
    assert any("geoconflict build maps/" in c and c.startswith("pip install .") for c in commands)


def test_readme_is_a_short_tour_whose_links_resolve() -> None:
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 200
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if "://" not in link]
    assert local and all((ROOT / link).exists() for link in local), local
    # its examples are collected and run with the docs' (pyproject testpaths)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert {"README.md", "docs"} <= set(config["testpaths"])
    assert ">>> import geoconflict as gc" in text
