"""The README's test command is what CI runs, verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", text, flags=re.S)


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    commands = _commands(readme)
    test_cmd = next(c for c in commands if "pytest" in c)
    assert ci[-1] == test_cmd


def test_readme_main_job_builds_maps() -> None:
    commands = _commands((ROOT / "README.md").read_text())
    assert any("geoconflict build maps/" in c and c.startswith("pip install .") for c in commands)
