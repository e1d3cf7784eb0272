"""The page script: one file per layer or control (static/js), assembled in a fixed order."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from geoconflict.render import page
from geoconflict.render.page import PAGE_SCRIPTS, page_script

JS_DIR = Path(page.__file__).parent / "static" / "js"


def test_every_part_is_listed_once_and_assembled_in_order() -> None:
    on_disk = sorted(p.stem for p in JS_DIR.glob("*.js"))
    assert sorted(PAGE_SCRIPTS) == on_disk
    assert len(set(PAGE_SCRIPTS)) == len(PAGE_SCRIPTS)
    js = page_script()
    at = [js.index(f"/* {name}.js: ") for name in PAGE_SCRIPTS]
    assert at == sorted(at)
    for name in PAGE_SCRIPTS:
        assert (JS_DIR / f"{name}.js").read_text(encoding="utf-8") in js


def test_a_name_is_defined_before_the_parts_that_use_it_at_load() -> None:
    js = page_script()
    # the factories registry comes before every layer that registers a factory
    assert js.index("var FACTORIES = {};") < js.index("FACTORIES.events =")
    assert js.index("FACTORIES.grid =") < js.index("GC.start = function")
    # GC.start is last: it may use everything
    assert js.index("/* start.js: ") > max(js.index(f"/* {n}.js: ") for n in PAGE_SCRIPTS[:-1])


#: Parses each file named on the command line as a classic script (``node --check`` does
#: the same, one process per file); prints one JSON object: file name -> error or null.
_CHECK_JS = """
const fs = require("fs"), vm = require("vm");
const out = {};
for (const file of process.argv.slice(1)) {
  try { new vm.Script(fs.readFileSync(file, "utf8"), { filename: file }); out[file] = null; }
  catch (e) { out[file] = String(e.stack); }
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for a syntax check")
def test_assembled_script_and_each_part_parse(tmp_path: Path) -> None:
    whole = tmp_path / "page.js"
    whole.write_text(page_script(), encoding="utf-8")
    (tmp_path / "parts").mkdir()
    parts = {}
    for name in PAGE_SCRIPTS:
        # each part on its own is a valid function body (the closure the page wraps it in)
        part = tmp_path / "parts" / f"{name}.js"
        text = (JS_DIR / f"{name}.js").read_text(encoding="utf-8")
        part.write_text(f'(function () {{\n"use strict";\n{text}}});\n', encoding="utf-8")
        parts[name] = str(part)
    # one node process parses them all (a process per file took seconds)
    files = [str(whole), *parts.values()]
    proc = subprocess.run(["node", "-e", _CHECK_JS, *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    errors = json.loads(proc.stdout)
    assert sorted(errors) == sorted(files)  # every file was parsed
    assert errors[str(whole)] is None, errors[str(whole)]
    for name, part in parts.items():
        assert errors[part] is None, f"{name}.js: {errors[part]}"


def test_a_syntax_error_is_reported_by_the_check(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("needs node for a syntax check")
    bad, good = tmp_path / "bad.js", tmp_path / "good.js"
    bad.write_text("var a = (1;\n", encoding="utf-8")
    good.write_text("var b = 1;\n", encoding="utf-8")
    proc = subprocess.run(
        ["node", "-e", _CHECK_JS, str(bad), str(good)], capture_output=True, text=True, check=True
    )
    errors = json.loads(proc.stdout)
    assert errors[str(good)] is None
    assert "SyntaxError" in errors[str(bad)] and "bad.js:1" in errors[str(bad)]


def test_same_files_same_bytes() -> None:
    page_script.cache_clear()
    first = page_script()
    page_script.cache_clear()
    assert page_script() == first
    assert first.startswith("/* geoconflict map page") and first.endswith("})();\n")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run dom.js")
def test_count_range_shows_the_known_ends(tmp_path: Path) -> None:
    # the one rule the popups and the events table show civilians killed by (dom.js)
    probe = tmp_path / "probe.js"
    cases = "[[13, 46], [7, 7], [-1, 7], [3, -1], [-1, -1], [0, 0]]"
    probe.write_text(
        "var GC = {};\n"
        + (JS_DIR / "dom.js").read_text(encoding="utf-8")
        + f"\nconsole.log(JSON.stringify({cases}.map((c) => countRange(c[0], c[1]))));\n",
        encoding="utf-8",
    )
    out = subprocess.run(["node", str(probe)], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == ["13–46", "7", "7", "3", "", "0"]
