"""The keys of a map spec that are not map options, and the spec reference written from code.

A map spec (``maps/*.toml``) has the four tables of map options (``[time]``,
``[filters]``, ``[layers]``, ``[page]``: :mod:`geoconflict.render.options`) and other
keys: its top level, ``[[inputs]]`` and their reader options, ``[outputs]`` and its cards
and video. Those are declared here as tables of :class:`~geoconflict.render.optionkeys.Key`
(:data:`SPEC_TOP`, :data:`SPEC_INPUT`, …), read by the spec validator
(:mod:`geoconflict.build.spec`). :func:`spec_tables` puts every table of a spec in the
order of the reference, the option groups' tables among them, and
:func:`reference_markdown` writes the reference (``docs/reference/spec.md``, through
:func:`geoconflict.render.options.spec_reference_markdown`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from geoconflict.render.assets import MODES as ASSET_MODES
from geoconflict.render.optionkeys import BASEMAPS, CHARTS, Key, option_keys
from geoconflict.vocab import STEPS

#: The shipped event tables a spec may name as an input (``[[inputs]] dataset = ...``).
EVENT_DATASETS: tuple[str, ...] = ("incidents", "strikes")

# One table of the reference: (heading, name, keys, intro).
SpecTable = tuple[str, str, dict[str, Key], str]


def _keys(*rows: Key) -> dict[str, Key]:
    return {row.name: row for row in rows}


#: The spec's top-level keys that are not tables.
SPEC_TOP: dict[str, Key] = _keys(
    Key("title", "string", None, "required; shown on the page as text, never HTML"),
    Key("subtitle", "string", None, "shown under the title"),
    Key("credits", "string", None, "the sources line"),
    Key(
        "areas",
        "list of study area ids, or a keyword",
        "default",
        "the study areas outlined; with no extent the page opens on them",
        allowed=("default", "none"),
    ),
    Key("extent", '"areas" or [west, south, east, north]', "areas", "what the page opens on"),
    Key("start", "date", None, "the start of the page's time range; earlier events are left out"),
    Key("end", "date", None, "the end of the page's time range; later events are left out"),
    Key(
        "basemap",
        'choice, or a tile URL ("https://…/{z}/{x}/{y}.png")',
        "osm",
        "none: no tiles, a vector context layer from the shipped data (works offline)",
        allowed=BASEMAPS,
    ),
    Key(
        "assets",
        "choice",
        "inline",
        "inline: JS/CSS in the page; local: in assets/ beside it; cdn: jsdelivr URLs",
        allowed=ASSET_MODES,
    ),
    Key(
        "chart",
        "choice",
        "events",
        "the older spelling of [page] chart (give one of the two)",
        allowed=CHARTS,
    ),
)
#: The keys of one ``[[inputs]]`` table.
SPEC_INPUT: dict[str, Key] = _keys(
    Key("path", "string", None, "an event file (or partitioned GeoParquet folder), relative"),
    Key(
        "dataset",
        "choice",
        None,
        "a shipped event table: the documented incidents, or the declared strikes",
        allowed=EVENT_DATASETS,
    ),
    Key(
        "synthetic",
        "integer",
        None,
        "this many synthetic events (flagged on the page)",
        low=1,
        high=10_000_000,
    ),
    Key("seed", "integer", 0, "seed of the synthetic events", low=0, high=2**31),
    Key("format", "string", None, "reader format of a path (default: detected)"),
    Key("columns", "table", {}, "contract column = column in the file, for a path"),
    Key("options", "table", {}, "reader options of a path, from [inputs.options] only"),
)
#: The reader options an input may set (``[[inputs]] options = {...}``).
SPEC_READER: dict[str, Key] = _keys(
    Key("encoding", "string", None, "a text encoding Python knows (checked when read)"),
    Key("chunksize", "integer", 100_000, "rows per CSV chunk", low=1, high=10**9),
    Key("dayfirst", "boolean", None, "03/04/2017 is 3 April (true) or 4 March (false)"),
    Key("gazetteer", "string", None, "format = releases: a CSV of places, relative"),
    Key("source_url", "string", None, "format = releases: the release's address"),
)
#: The keys of ``[outputs]``.
SPEC_OUTPUTS: dict[str, Key] = _keys(
    Key(
        "html",
        "true/false or a file name",
        True,
        "the page; true: `NAME.html`, NAME the spec file's stem",
    ),
    Key(
        "png",
        "false, a table or an array of tables",
        False,
        "PNG cards of the map (one per table), see [outputs.png]",
    ),
    Key(
        "pdf",
        "false, a table or an array of tables",
        False,
        "PDF cards (vector), with the keys of [outputs.png] but `path` and `scale`",
    ),
    Key("video", "false or a table", False, "the timeline as a video, see [outputs.video]"),
)
#: The keys of ``[outputs.png]`` (one card; ``png = [{...}, {...}]`` for several).
SPEC_PNG: dict[str, Key] = _keys(
    Key(
        "file",
        "string",
        None,
        "the card's file name (default: `NAME.png`, or `NAME-DATE.png` for several cards)",
    ),
    Key("path", "string", None, "the older spelling of `file` (give one of the two)"),
    Key("date", "date", None, "the date the card shows (default: the page's [time] date)"),
    Key("width", "integer", 1200, "card width in CSS pixels", low=16, high=8000),
    Key("height", "integer", 800, "card height in CSS pixels", low=16, high=8000),
    Key(
        "scale",
        "number",
        1.0,
        "device scale factor: the PNG is width*scale pixels wide",
        low=0.25,
        high=4,
    ),
)
#: The keys of ``[outputs.video]``.
SPEC_VIDEO: dict[str, Key] = _keys(
    Key(
        "file",
        "string",
        None,
        "the video's file name, ending in .webm, .mp4 or .gif (default: `NAME.webm`)",
    ),
    Key("fps", "integer", 4, "frames (slider steps) per second", low=1, high=60),
    Key("width", "integer", 1280, "frame width in CSS pixels (even)", low=16, high=3840),
    Key("height", "integer", 720, "frame height in CSS pixels (even)", low=16, high=2160),
    Key(
        "step",
        "choice",
        None,
        "one frame per this step of the slider (default: the page's [time] step)",
        allowed=STEPS,
    ),
)


def spec_tables(groups: Sequence[type[Any]]) -> tuple[SpecTable, ...]:
    """Every table of a spec, in the order of the reference: (heading, name, keys, intro).

    ``groups`` are the option groups, put between the inputs and the outputs: each with
    its ``TABLE`` name and a docstring whose first line, up to its first parenthesis,
    introduces it.

    Examples
    --------
    >>> from geoconflict.render.options import GROUPS
    >>> [name for _heading, name, _keys, _intro in spec_tables(GROUPS)][:5]
    ['', 'inputs', 'inputs.options', 'time', 'filters']
    """
    return (
        ("Top level", "", SPEC_TOP, "Texts, study areas, time range, basemap and assets."),
        (
            "[[inputs]]",
            "inputs",
            SPEC_INPUT,
            "Where the events come from; repeatable, each with exactly one of path, dataset"
            " or synthetic. No inputs: the shipped incidents.",
        ),
        (
            "[[inputs]] options",
            "inputs.options",
            SPEC_READER,
            "Reader options of a path input; format and columns have their own keys.",
        ),
        *(
            (
                f"[{g.TABLE}]",
                g.TABLE,
                {k.name: k for k in option_keys(g)},
                (g.__doc__ or "").strip().splitlines()[0].split(" (")[0]
                + f". In Python: `make_map({g.TABLE}=...)`, or `{g.__name__}`.",
            )
            for g in groups
        ),
        (
            "[outputs]",
            "outputs",
            SPEC_OUTPUTS,
            "What files the spec becomes (in the output folder).",
        ),
        (
            "[outputs.png]",
            "outputs.png",
            SPEC_PNG,
            "A card of the map rendered in headless Chromium: title, subtitle, the map with"
            " its scale bar, a legend, the date, the events shown, the share cleared and the"
            " credits, without the page's controls. An array of tables gives several cards.",
        ),
        (
            "[outputs.video]",
            "outputs.video",
            SPEC_VIDEO,
            "The slider played from start to end in the card layout, one frame per step,"
            " encoded with ffmpeg (WebM: VP9; MP4: H.264; GIF).",
        ),
    )


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, tuple):
        return ", ".join(f'`"{v}"`' for v in value)
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, dict):
        return "`{}`"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


#: How the reference names the option types.
_TYPE_NAMES = {
    "choice": "one of the allowed",
    "subset": "list from the allowed",
    "size": "CSS size",
}


def _type(key: Key, options: bool) -> str:
    name = _TYPE_NAMES.get(key.type, key.type)
    if key.low is None or key.high is None:
        return name
    if key.type == "integer":
        return f"{name} ({int(key.low)} to {int(key.high)})"
    if options:  # an option's number excludes its low end (check_value)
        return f"{name} (above {key.low:g}, up to {key.high:g})"
    return f"{name} ({key.low:g} to {key.high:g})"


def reference_markdown(tables: Sequence[SpecTable], options: Collection[str]) -> str:
    """The map spec reference, as MyST Markdown: every table of ``tables`` and its keys.

    ``options`` names the tables of map options, whose numbers are checked by
    :func:`~geoconflict.render.optionkeys.check_value` (above the low end, up to the
    high end); the numbers of other tables include both ends.

    Examples
    --------
    >>> text = reference_markdown([("[outputs.video]", "outputs.video", SPEC_VIDEO, "V.")], ())
    >>> "| `fps` | integer (1 to 60) | `4` |  | frames (slider steps) per second |" in text
    True
    """
    lines = [
        "# Spec reference",
        "",
        "<!-- Generated by geoconflict.render.options.spec_reference_markdown(); do not edit. -->",
        "",
        "A map spec is one TOML file in `maps/`, built by `geoconflict build`"
        " (see [builds](../guide/builds.md)). Every key is optional except `title`;"
        " unknown keys are errors, with a did-you-mean. Relative paths are relative to"
        " the spec file. The `[time]`, `[filters]`, `[layers]` and `[page]` tables are"
        " the option groups of `make_map` (see [maps](../guide/maps.md)), checked by"
        " the same code.",
        "",
    ]
    for heading, name, keys, intro in tables:
        lines += [f"## `{heading}`" if heading != "Top level" else f"## {heading}", ""]
        lines += [intro, ""]
        lines += ["| key | type | default | allowed | what it does |", "|---|---|---|---|---|"]
        for key in keys.values():
            kind = _type(key, name in options).replace("|", "\\|")
            allowed = _cell(key.allowed) if key.allowed else ""
            default = "all" if key.type == "subset" else _cell(key.default)
            doc = key.doc.replace("|", "\\|")
            lines.append(f"| `{key.name}` | {kind} | {default} | {allowed} | {doc} |")
        lines.append("")
    return "\n".join(lines)
