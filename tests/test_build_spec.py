"""Map specs: the TOML model, and the errors a broken spec gets (file, key, expectation)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from geoconflict.build import InputSpec, load_spec, parse_spec
from geoconflict.errors import SpecError
from geoconflict.render.options import MapOptions, PageOptions

FULL = """
title = "Mosul, 2016–17"
subtitle = "East then west of the Tigris"
credits = "Airwars; AFCENT"
areas = ["mosul_east", "mosul_west"]
extent = [42.9, 36.2, 43.3, 36.5]
start = 2016-10-17
end = "2017-07-20"
basemap = "none"
assets = "local"
chart = "weapons"

[[inputs]]
path = "data/events.csv"
format = "csv"
columns = { date_start = "When", lat = "Y" }
options = { encoding = "latin-1", chunksize = 5000 }

[[inputs]]
dataset = "incidents"

[[inputs]]
synthetic = 500
seed = 7

[layers]
grid = false
places = false

[time]
mode = "window"
window_days = 14
step = "day"
speed = 2
date = 2017-01-01

[filters]
kinds = ["civcas", "strike"]

[outputs]
html = "pages/mosul.html"
png = { path = "cards/mosul.png", width = 1200, height = 630, scale = 2 }
"""


def _spec(tmp_path: Path, text: str, name: str = "m") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_spec_is_parsed_into_the_model(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path, FULL, "mosul"))
    assert spec.name == "mosul"
    assert spec.title == "Mosul, 2016–17"
    assert spec.subtitle == "East then west of the Tigris"
    assert spec.credits == "Airwars; AFCENT"
    assert spec.areas == ("mosul_east", "mosul_west")
    assert spec.extent == (42.9, 36.2, 43.3, 36.5)
    assert spec.start == dt.date(2016, 10, 17) and spec.end == dt.date(2017, 7, 20)
    assert (spec.basemap, spec.assets, spec.page.chart) == ("none", "local", "weapons")
    assert spec.inputs[0] == InputSpec(
        kind="file",
        path=(tmp_path / "data" / "events.csv").resolve(),
        format="csv",
        columns={"date_start": "When", "lat": "Y"},
        options={"encoding": "latin-1", "chunksize": 5000},
    )
    assert spec.inputs[1] == InputSpec(kind="dataset", dataset="incidents")
    assert spec.inputs[2] == InputSpec(kind="synthetic", synthetic=500, seed=7)
    assert spec.layers.to_dict() == {
        "territory": True,
        "areas": True,
        "rivers": True,
        "places": False,
        "protected": True,
        "grid": False,
        "strikes": False,
        "links": False,
        "links_within_m": 5000.0,
        "links_within_days": 1,
        "links_uncertainty": False,
    }
    assert (spec.time.mode, spec.time.window_days, spec.time.step) == ("window", 14, "day")
    assert (spec.time.speed, spec.time.date) == (2.0, dt.date(2017, 1, 1))
    assert spec.filters.kinds == ("civcas", "strike")
    assert "discounted" in spec.filters.gradings
    assert spec.html == "pages/mosul.html"
    assert spec.png is not None and spec.png.path == "cards/mosul.png"
    assert spec.png.pixel_size == (2400, 1260)
    assert spec.outputs == ("pages/mosul.html", "cards/mosul.png")
    assert spec.without_png().outputs == ("pages/mosul.html",)


def test_defaults(tmp_path: Path) -> None:
    spec = load_spec(_spec(tmp_path, 'title = "T"', "t"))
    assert spec.inputs == ()
    assert (spec.areas, spec.extent, spec.start, spec.end) == ("default", None, None, None)
    assert (spec.basemap, spec.assets, spec.page.chart) == ("osm", "inline", "events")
    assert spec.html == "t.html" and spec.png is None
    shown = {
        k: v for k, v in spec.layers.to_dict().items() if not k.startswith(("strikes", "links"))
    }
    assert all(shown.values()) and not (spec.layers.strikes or spec.layers.links)
    assert spec.options == MapOptions()


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ('title = "T"\nbasemapp = "osm"', "basemapp", "did you mean 'basemap'"),
        ('title = "T"\n[layers]\nterritry = false', "layers.territry", "did you mean 'territory'"),
        (
            'title = "T"\n[outputs.png]\nwidht = 10',
            "outputs.png.widht",
            "did you mean 'width'",
        ),
        (
            'title = "T"\n[[inputs]]\npath = "a.csv"\nformt = "csv"',
            "inputs[0].formt",
            "did you mean 'format'",
        ),
        ("subtitle = 'x'", "title", "is required"),
        ("title = 3", "title", "expected a string, got an integer"),
        ('title = "T"\nstart = "17/03/2017"', "start", "expected a date like 2017-01-31"),
        ('title = "T"\nstart = 2017-03-01\nend = 2017-01-01', "end", "must not be before"),
        ('title = "T"\nbasemap = "osn"', "basemap", "did you mean 'osm'"),
        ('title = "T"\nbasemap = "https://t.example/{z}/{x}.png"', "basemap", "needs {y}"),
        (
            'title = "T"\nbasemap = "https://me:pw@t.example/{z}/{x}/{y}.png"',
            "basemap",
            "plain http(s) URL with a host name",
        ),
        ('title = "T"\nassets = "online"', "assets", "expected one of ('cdn', 'inline', 'local')"),
        ('title = "T"\nchart = "weapon"', "chart", "did you mean 'weapons'"),
        ('title = "T"\nareas = ["mosul", "raqa"]', "areas[1]", "did you mean 'raqqa'"),
        ('title = "T"\nextent = [43, 36]', "extent", "[west, south, east, north]"),
        ('title = "T"\nextent = [44, 36, 43, 37]', "extent", "west < east"),
        ('title = "T"\n[layers]\ngrid = "yes"', "layers.grid", "expected true/false"),
        ('title = "T"\n[time]\nspeed = 0', "time.speed", "expected a number above 0 and up to 100"),
        ('title = "T"\n[time]\ndate = "soon"', "time.date", "expected a date"),
        (
            'title = "T"\n[filters]\nkinds = ["civcass"]',
            "filters.kinds[0]",
            "did you mean 'civcas'",
        ),
        ('title = "T"\n[filters]\nkinds = []', "filters.kinds", "would open showing no events"),
        (
            'title = "T"\n[filters]\ngradings = ["fair", "weak", "fair"]',
            "filters.gradings[2]",
            "'fair' is listed twice",
        ),
        (
            'title = "T"\nstart = 2017-01-01\nend = 2017-06-30\n[time]\ndate = 2016-12-31',
            "time.date",
            "is before start (2017-01-01)",
        ),
        (
            'title = "T"\nend = 2017-06-30\n[time]\ndate = 2017-07-01',
            "time.date",
            "is after end (2017-06-30)",
        ),
        ('title = "T"\n[time]\nstep = "year"', "time.step", "expected one of"),
        ('title = "T"\n[time]\nwindow_days = 0', "time.window_days", "from 1 to"),
        (
            'title = "T"\n[[inputs]]\npath = "a.csv"\ndataset = "incidents"',
            "inputs[0]",
            "exactly one of",
        ),
        ('title = "T"\n[[inputs]]\nsynthetic = -5', "inputs[0].synthetic", "from 1 to"),
        ('title = "T"\n[[inputs]]\ndataset = "x"\nseed = 1', "inputs[0].seed", "only applies"),
        ('title = "T"\n[outputs]\nhtml = "../up.html"', "outputs.html", "inside the output"),
        ('title = "T"\n[outputs]\nhtml = "page.htm"', "outputs.html", "ending in .html"),
        ('title = "T"\n[outputs]\nhtml = false', "outputs", "writes nothing"),
        (
            'title = "T"\n[outputs.png]\nscale = 9',
            "outputs.png.scale",
            "from 0.25 to 4, got 9",
        ),
    ],
)
def test_errors_name_file_key_and_expectation(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    path = _spec(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    err = info.value
    assert err.key == key
    assert str(path) in str(err)
    assert f"key {key!r}" in str(err)
    assert expected in str(err)


_OPT = 'title = "T"\n[[inputs]]\npath = "a.csv"\n{fmt}options = {{ {opts} }}\n'


@pytest.mark.parametrize(
    ("opts", "fmt", "key", "expected"),
    [
        ('encoding = "nosuch-enc"', "", "encoding", "unknown text encoding 'nosuch-enc'"),
        ('encoding = "utf8x"', "", "encoding", "did you mean 'utf_8'"),
        ("encoding = 8", "", "encoding", "expected a non-empty string, got 8"),
        ("columns = 5", "", "columns", "the input's own 'columns' table"),
        ('format = "csv"', "", "format", "the input's own 'format' key"),
        ("progress = true", "", "progress", "the build shows its own progress"),
        ("chunksize = 0", "", "chunksize", "from 1 to"),
        ('chunksize = "big"', "", "chunksize", "expected an integer, got a string"),
        ("chunksise = 10", "", "chunksise", "did you mean 'chunksize'"),
        ('delimiter = ";"', "", "delimiter", "unknown reader option; expected ('encoding'"),
        ('gazetteer = "g.csv"', 'format = "csv"\n', "gazetteer", "only applies to format"),
        ('source_url = ""', 'format = "releases"\n', "source_url", "non-empty string"),
    ],
)
def test_reader_options_are_an_allow_list_with_types(
    tmp_path: Path, opts: str, fmt: str, key: str, expected: str
) -> None:
    path = _spec(tmp_path, _OPT.format(fmt=fmt, opts=opts))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.key == f"inputs[0].options.{key}"
    assert str(path) in str(info.value) and expected in str(info.value)


def test_allowed_reader_options_are_kept(tmp_path: Path) -> None:
    opts = 'encoding = "latin-1", chunksize = 10, gazetteer = "g/places.csv", source_url = "u"'
    text = _OPT.format(fmt='format = "releases"\n', opts=opts)
    spec = load_spec(_spec(tmp_path, text))
    assert dict(spec.inputs[0].options) == {
        "encoding": "latin-1",
        "chunksize": 10,
        "gazetteer": str((tmp_path / "g" / "places.csv").resolve()),
        "source_url": "u",
    }


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = _spec(tmp_path, 'title = "unterminated\n')
    with pytest.raises(SpecError, match="not valid TOML") as info:
        load_spec(path)
    assert str(path) in str(info.value) and info.value.key is None


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read the spec file"):
        load_spec(tmp_path / "nope.toml")


def test_unknown_key_without_a_close_match_lists_the_keys() -> None:
    with pytest.raises(SpecError, match=r"expected one of \('title'"):
        parse_spec('title = "T"\nzzzzzz = 1', "x.toml")


def test_shipped_specs_parse(root: Path) -> None:
    specs = sorted((root / "maps").glob("*.toml"))
    names = [p.stem for p in specs]
    assert names == [
        "air-campaign-overview",
        "mosul-2016-17",
        "raqqa-2017",
        "strikes-2014-16",
        "western-desert-2016-17",
    ]
    parsed = {p.stem: load_spec(p) for p in specs}
    assert parsed["mosul-2016-17"].areas == ("mosul_east", "mosul_west")
    assert parsed["raqqa-2017"].areas == ("raqqa",)
    assert parsed["western-desert-2016-17"].areas == ("western_desert",)
    overview = parsed["air-campaign-overview"]
    assert overview.page.chart == "weapons"
    assert set(overview.areas) == {"mosul", "raqqa", "western_desert"}
    for spec in parsed.values():
        assert spec.assets == "inline" and spec.html == f"{spec.name}.html"
        assert spec.start is not None and spec.end is not None and spec.start < spec.end


def test_spec_vocabularies_match_the_toolkit() -> None:
    from geoconflict import datasets, vocab
    from geoconflict.build import spec
    from geoconflict.render import options

    assert set(spec.AREA_IDS) == set(datasets.load("areas")["area_id"])
    # The option tables take their allowed values from the one home of each list.
    assert options.FilterOptions().kinds == vocab.KINDS
    assert options.FilterOptions().gradings == vocab.GRADINGS
    step = {k.name: k for k in options.option_keys(options.TimeOptions)}["step"]
    assert step.allowed == vocab.STEPS
    for name in ("KINDS", "GRADINGS", "STEPS", "MODES", "CHARTS", "LAYERS", "TimeSpec"):
        assert not hasattr(spec, name)  # no second copy in the spec parser


def test_page_table_and_the_older_top_level_chart(tmp_path: Path) -> None:
    text = 'title = "T"\n[page]\nchart = "none"\nheight = "600px"\nhtml_notes = true\n'
    spec = load_spec(_spec(tmp_path, text))
    assert spec.page == PageOptions(chart="none", height="600px", html_notes=True)
    assert spec.options.page is spec.page
    # chart at the top level (the shipped specs' spelling) is [page] chart
    assert load_spec(_spec(tmp_path, 'title = "T"\nchart = "weapons"', "c")).page.chart == "weapons"
    both = 'title = "T"\nchart = "weapons"\n[page]\nchart = "none"\n'
    with pytest.raises(SpecError, match="given twice") as info:
        load_spec(_spec(tmp_path, both, "both"))
    assert info.value.key == "chart"
    with pytest.raises(SpecError, match="expected a CSS size") as info:
        load_spec(_spec(tmp_path, 'title = "T"\n[page]\nwidth = "wide"\n', "w"))
    assert info.value.key == "page.width"


@pytest.mark.parametrize(
    ("table", "values"),
    [
        ("time", {"step": "year"}),
        ("time", {"window_days": 0}),
        ("time", {"speed": 0}),
        ("filters", {"kinds": ["bombing"]}),
        ("filters", {"gradings": ["fair", "fair"]}),
        ("layers", {"grid": "yes"}),
        ("layers", {"gird": False}),
        ("page", {"chart": "weapon"}),
    ],
)
def test_a_bad_option_gets_the_same_message_in_a_spec_and_in_make_map(
    tmp_path: Path, table: str, values: dict[str, Any]
) -> None:
    from geoconflict.errors import OptionError
    from geoconflict.render import make_map

    key, value = next(iter(values.items()))
    toml_value = json.dumps(value) if not isinstance(value, bool) else "true"
    if isinstance(value, str):
        toml_value = json.dumps(value)
    path = _spec(tmp_path, f'title = "T"\n[{table}]\n{key} = {toml_value}\n')
    with pytest.raises(SpecError) as in_spec:
        load_spec(path)
    with pytest.raises(OptionError) as in_python:
        make_map(**{table: values})  # type: ignore[arg-type]
    assert isinstance(in_python.value, ValueError)
    where = in_spec.value.key
    assert where is not None and where.startswith(f"{table}.{key}")
    message = str(in_spec.value).split(f"key {where!r}: ")[1]
    assert str(in_python.value) == f"{where}: {message}"


def test_the_committed_spec_reference_is_the_generated_one(root: Path) -> None:
    from geoconflict.render.options import SPEC_TABLES, spec_reference_markdown

    text = (root / "docs" / "reference" / "spec.md").read_text(encoding="utf-8")
    assert text == spec_reference_markdown()
    # Every key the validator accepts is in it, under its table.
    for heading, _name, keys, _intro in SPEC_TABLES:
        title = f"## `{heading}`" if heading.startswith("[") else f"## {heading}"
        section = text.split(f"\n{title}\n")[1].split("\n## ")[0]
        for key in keys:
            assert f"| `{key}` |" in section, (heading, key)


def test_the_reference_lists_every_key_the_parser_accepts(tmp_path: Path) -> None:
    from geoconflict.render.options import SPEC_INPUT, SPEC_PNG, SPEC_TOP, spec_reference_markdown

    text = spec_reference_markdown()
    # A spec that sets every documented key parses (nothing is documented that the
    # parser refuses) ...
    top = {"title": '"T"', "subtitle": '"S"', "credits": '"C"', "areas": '["mosul"]',
           "extent": '"areas"', "start": "2017-01-01", "end": "2017-02-01",
           "basemap": '"none"', "assets": '"cdn"', "chart": '"none"'}  # fmt: skip
    assert set(top) == set(SPEC_TOP)
    body = "\n".join(f"{k} = {v}" for k, v in top.items())
    body += '\n[[inputs]]\nsynthetic = 5\nseed = 2\n[outputs]\nhtml = "x.html"\n'
    body += "[outputs.png]\n" + "\n".join(
        f"{k} = {v}"
        for k, v in {
            "file": '"x.png"', "date": "2017-01-05", "width": 20, "height": 20, "scale": 1
        }.items()
    )  # fmt: skip
    body += '\n[outputs.video]\nfile = "x.webm"\nfps = 2\nwidth = 20\nheight = 20\nstep = "day"\n'
    # "path" is the older spelling of "file" (one of the two).
    assert set(SPEC_PNG) == {"file", "path", "date", "width", "height", "scale"}
    spec = load_spec(_spec(tmp_path, body, "x"))
    assert spec.png is not None and spec.png.date is not None and spec.video is not None
    assert {"path", "dataset", "synthetic", "seed", "format", "columns", "options"} == set(
        SPEC_INPUT
    )
    # ... and every table the parser knows has a section.
    from geoconflict.build.spec import TOP_KEYS

    for key in TOP_KEYS:
        assert f"| `{key}` |" in text or f"## `[{key}]`" in text or f"## `[[{key}]]`" in text


def test_the_spec_options_reach_the_page(tmp_path: Path) -> None:
    from geoconflict.build.pipeline import render_page

    text = (
        'title = "T"\nareas = "none"\nbasemap = "none"\nassets = "cdn"\n'
        '[[inputs]]\nsynthetic = 20\n[time]\nstep = "day"\nmode = "window"\n'
        '[filters]\nkinds = ["civcas"]\n[page]\nhtml_notes = true\nchart = "none"\n'
    )
    spec = load_spec(_spec(tmp_path, text))
    page = render_page(spec, None).html
    config = re.search(r'"options":(\{[^}]*\})', page)
    assert config is not None
    assert json.loads(config.group(1)) == {
        **MapOptions().page_config(),
        "step": "day",
        "mode": "window",
        "kinds": ["civcas"],
        "html_notes": True,
        "chart": "none",
    }


@pytest.mark.parametrize(
    ("key", "toml", "python"),
    [
        ("extent", "[44, 36, 43, 37]", (44, 36, 43, 37)),
        ("extent", "[200, 36, 210, 37]", [200, 36, 210, 37]),
        ("basemap", '"osn"', "osn"),
        ("basemap", '"https://a@b.example/{z}/{x}/{y}.png"', "https://a@b.example/{z}/{x}/{y}.png"),
    ],
)
def test_extent_and_basemap_are_checked_alike_in_a_spec_and_in_make_map(
    tmp_path: Path, key: str, toml: str, python: Any
) -> None:
    from geoconflict.errors import OptionError
    from geoconflict.render import make_map

    with pytest.raises(SpecError) as in_spec:
        load_spec(_spec(tmp_path, f'title = "T"\n{key} = {toml}\n'))
    with pytest.raises(OptionError) as in_python:
        make_map(**{key: python})
    assert in_spec.value.key == key
    assert str(in_python.value) == f"{key}: " + str(in_spec.value).split(f"key {key!r}: ")[1]
