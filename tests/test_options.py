"""The options schema split in three modules: what each holds, and what options re-exports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from geoconflict.errors import OptionError
from geoconflict.render import optionkeys, options, speckeys
from geoconflict.render.options import LayerOptions, MapOptions, TimeOptions

RENDER = Path(options.__file__).parent

#: The public names geoconflict.render.options had before the split, by their new home.
MOVED = {
    optionkeys: (
        "BASEMAPS",
        "CHARTS",
        "MODES",
        "WITHIN",
        "Fail",
        "Key",
        "check_basemap",
        "check_bbox",
        "check_value",
        "option_error",
        "option_keys",
        "type_name",
        "unknown_key",
    ),
    speckeys: (
        "EVENT_DATASETS",
        "SPEC_INPUT",
        "SPEC_OUTPUTS",
        "SPEC_PNG",
        "SPEC_READER",
        "SPEC_TOP",
        "SPEC_VIDEO",
    ),
}


@pytest.mark.parametrize(
    ("home", "name"), [(home, name) for home, names in MOVED.items() for name in names]
)
def test_a_moved_name_is_still_importable_from_options(home: object, name: str) -> None:
    assert getattr(options, name) is getattr(home, name)


def _imported(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_key_modules_are_below_options_and_speckeys_above_optionkeys() -> None:
    keys, spec = _imported(RENDER / "optionkeys.py"), _imported(RENDER / "speckeys.py")
    assert "geoconflict.render.options" not in keys | spec
    assert "geoconflict.render.speckeys" not in keys
    assert "geoconflict.render.optionkeys" in spec
    assert {"geoconflict.render.optionkeys", "geoconflict.render.speckeys"} <= _imported(
        RENDER / "options.py"
    )


def test_the_reference_has_every_group_table_between_inputs_and_outputs() -> None:
    names = [name for _heading, name, _keys, _intro in options.SPEC_TABLES]
    assert names == [
        "",
        "inputs",
        "inputs.options",
        "time",
        "filters",
        "layers",
        "page",
        "outputs",
        "outputs.png",
        "outputs.video",
    ]
    time = options.SPEC_TABLES[3]
    assert time[2] == {k.name: k for k in options.option_keys(TimeOptions)}
    assert time[3] == (
        "How the time control starts. In Python: `make_map(time=...)`, or `TimeOptions`."
    )


def test_an_option_number_and_a_spec_number_are_written_with_their_own_ranges() -> None:
    text = options.spec_reference_markdown()
    # check_value takes an option's number above its low end; the spec's own keys
    # (outputs.png scale) take both ends.
    assert "| `speed` | number (above 0, up to 100) | `4` |" in text
    assert "| `scale` | number (0.25 to 4) | `1` |" in text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("stepp", "stepp: unknown option; did you mean 'step'? MapOptions takes time,"),
        ("tme", "tme: unknown option; did you mean 'time'? MapOptions takes time,"),
        ("colour", "colour: unknown option; MapOptions takes time,"),
    ],
)
def test_a_misspelt_flat_option_gets_the_one_did_you_mean(name: str, message: str) -> None:
    with pytest.raises(OptionError) as info:
        MapOptions(**{name: "x"})
    assert str(info.value).startswith(message)


def test_the_option_groups_spec_tables_and_map_options_give_the_same_did_you_mean() -> None:
    keys = tuple(k.name for k in options.option_keys(LayerOptions))
    assert optionkeys.close_match("gird", keys) == "grid"
    assert optionkeys.close_match("xyz", keys) is None
    with pytest.raises(OptionError, match="did you mean 'grid'"):
        LayerOptions.from_dict({"gird": False})
    with pytest.raises(OptionError, match="did you mean 'grid'"):
        MapOptions(gird=False)
    with pytest.raises(OptionError, match="did you mean 'window'"):
        TimeOptions(mode="windw")
