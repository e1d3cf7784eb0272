"""Map specs: one TOML file per publication map, parsed into a small dataclass model.

A spec names what a map shows (title, areas, time range, inputs, layers, basemap)
and what files it becomes (HTML, PNG cards, a video). :func:`load_spec` reads and validates a
file; every problem is a :class:`~geoconflict.errors.SpecError` that names the
file, the key and what was expected, and unknown keys get a did-you-mean.

Every key is declared once: the ``[time]``, ``[filters]``, ``[layers]`` and
``[page]`` tables are ``make_map``'s option groups (:mod:`geoconflict.render.options`)
and are checked by them (the same message in a spec and in Python); the other
keys' names, defaults and ranges come from the ``SPEC_*`` tables of
:mod:`geoconflict.render.speckeys`, and the checks
only a spec needs (paths, inputs, outputs, dates against each other) are here.
The parser is written on top of :mod:`tomllib`; it imports nothing heavy, so
loading specs is cheap.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import difflib
import encodings.aliases
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from geoconflict.errors import SpecError
from geoconflict.render.options import (
    GROUPS,
    SPEC_INPUT,
    SPEC_OUTPUTS,
    SPEC_PNG,
    SPEC_READER,
    SPEC_TOP,
    SPEC_VIDEO,
    FilterOptions,
    Key,
    LayerOptions,
    MapOptions,
    PageOptions,
    TimeOptions,
    check_basemap,
    check_bbox,
    check_value,
    type_name,
    unknown_key,
)

#: Study areas known to the shipped data (``areas`` is checked against these).
AREA_IDS: tuple[str, ...] = ("mosul", "mosul_east", "mosul_west", "raqqa", "western_desert")
#: Study-area names that mean "the shipped default set" or "none".
AREA_KEYWORDS: tuple[str, ...] = SPEC_TOP["areas"].allowed or ()
#: Reader options an input may set in ``options = {...}`` (see ``read_events``).
READER_OPTIONS: tuple[str, ...] = tuple(SPEC_READER)
#: Every top-level key and table of a spec.
TOP_KEYS: tuple[str, ...] = (*SPEC_TOP, "inputs", *(g.TABLE for g in GROUPS), "outputs")
#: ``read_events`` arguments a spec sets elsewhere (and why they are not options).
_OWN_KEYS = {
    "format": "set it with the input's own 'format' key, not in options",
    "columns": "set it with the input's own 'columns' table, not in options",
    "progress": "not a reader option in a spec: the build shows its own progress",
}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class InputSpec:
    """One source of events for a map: a file, a shipped dataset, or synthetic events.

    Attributes
    ----------
    kind : {"file", "dataset", "synthetic"}
    path : pathlib.Path or None
        The event file (``kind="file"``), resolved against the spec's folder.
    dataset : str or None
        A shipped dataset name (``kind="dataset"``), e.g. ``"incidents"``.
    synthetic : int
        Number of synthetic events (``kind="synthetic"``).
    seed : int
        Seed of the synthetic events.
    format : str or None
        Reader format (``None``: detected from the file).
    columns : dict
        Column mapping passed to the reader (contract name -> column in the file).
    options : dict
        Further reader options, from :data:`READER_OPTIONS` only: ``encoding``
        (checked with :func:`codecs.lookup`), ``chunksize``, ``dayfirst`` (a
        boolean: the day/month order of slash/dot dates), and for the
        ``releases`` format ``gazetteer`` (a CSV, resolved against the spec's
        folder) and ``source_url``.
    """

    kind: str
    path: Path | None = None
    dataset: str | None = None
    synthetic: int = 0
    seed: int = 0
    format: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PngSpec:
    """A card of the map: ``width`` x ``height`` CSS pixels at ``scale``, at ``date``.

    The PNG file is ``width * scale`` by ``height * scale`` pixels; ``date`` None
    shows the page's opening date.
    """

    path: str
    width: int = SPEC_PNG["width"].default
    height: int = SPEC_PNG["height"].default
    scale: float = SPEC_PNG["scale"].default
    date: dt.date | None = None

    @property
    def format(self) -> str:
        """``"png"``, or ``"pdf"`` for a PDF card (``outputs.pdf``: vector, no scale)."""
        return "pdf" if self.path.lower().endswith(".pdf") else "png"

    @property
    def pixel_size(self) -> tuple[int, int]:
        """Width and height of the image in pixels."""
        return round(self.width * self.scale), round(self.height * self.scale)


@dataclass(frozen=True)
class VideoSpec:
    """The timeline as a video: one frame per ``step`` from start to end, at ``fps``.

    ``step`` None steps as the page's ``[time] step``. The format follows the
    file's suffix: ``.webm`` (VP9), ``.mp4`` (H.264) or ``.gif``.
    """

    path: str
    fps: int = SPEC_VIDEO["fps"].default
    width: int = SPEC_VIDEO["width"].default
    height: int = SPEC_VIDEO["height"].default
    step: str | None = None

    @property
    def format(self) -> str:
        """``"webm"``, ``"mp4"`` or ``"gif"``, from the file name."""
        return Path(self.path).suffix.lower().lstrip(".")


#: The video formats (file suffixes) a spec may ask for.
VIDEO_FORMATS: tuple[str, ...] = ("webm", "mp4", "gif")


@dataclass(frozen=True)
class MapSpec:
    """One publication map, as read from ``maps/<name>.toml``.

    Attributes
    ----------
    name : str
        The spec file's stem; output names default to it.
    path : pathlib.Path
        The spec file.
    title, subtitle, credits : str or None
        Texts shown on the page (as text, never HTML).
    areas : tuple of str, or "default" / "none"
        Study areas outlined on the map.
    extent : tuple of four floats or None
        ``(west, south, east, north)`` in degrees; ``None`` fits the areas.
    start, end : datetime.date or None
        The time range the page covers.
    inputs : tuple of InputSpec
        Where the events come from; empty means the shipped incidents.
    time : TimeOptions
        ``[time]``: how the time control starts.
    filters : FilterOptions
        ``[filters]``: the filter boxes ticked when the page opens.
    layers : LayerOptions
        ``[layers]``: the layers shown when the page opens.
    page : PageOptions
        ``[page]``: the chart, the map's size, notes as HTML.
    basemap : str
        ``"osm"``, ``"none"`` (offline vector context) or a tile URL template.
    assets : str
        ``"inline"``, ``"cdn"`` or ``"local"``.
    html : str or None
        The HTML output, relative to the output folder.
    cards : tuple of PngSpec
        The cards: PNG (``png`` is the first, or None), then PDF.
    video : VideoSpec or None
        The video of the timeline.
    """

    name: str
    path: Path
    title: str
    subtitle: str | None = None
    credits: str | None = None
    areas: tuple[str, ...] | str = "default"
    extent: tuple[float, float, float, float] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    inputs: tuple[InputSpec, ...] = ()
    time: TimeOptions = field(default_factory=TimeOptions)
    filters: FilterOptions = field(default_factory=FilterOptions)
    layers: LayerOptions = field(default_factory=LayerOptions)
    page: PageOptions = field(default_factory=PageOptions)
    basemap: str = SPEC_TOP["basemap"].default
    assets: str = SPEC_TOP["assets"].default
    html: str | None = None
    cards: tuple[PngSpec, ...] = ()
    video: VideoSpec | None = None

    @property
    def png(self) -> PngSpec | None:
        """The first PNG card (the one of a spec that asks for a single PNG), or None."""
        return next((card for card in self.cards if card.format == "png"), None)

    @property
    def options(self) -> MapOptions:
        """The spec's ``[time]``, ``[filters]``, ``[layers]`` and ``[page]`` as ``MapOptions``."""
        return MapOptions(self.time, self.filters, self.layers, self.page)

    @property
    def outputs(self) -> tuple[str, ...]:
        """The output files this spec writes, relative to the output folder."""
        out = []
        if self.html:
            out.append(self.html)
        out.extend(card.path for card in self.cards)
        if self.video:
            out.append(self.video.path)
        return tuple(out)

    def without_png(self) -> MapSpec:
        """The same spec with no output that needs Chromium (no cards, no video)."""
        return dataclasses.replace(self, cards=(), video=None)


def load_spec(path: str | Path) -> MapSpec:
    """Read and validate one map spec.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.toml`` file.

    Returns
    -------
    MapSpec

    Raises
    ------
    SpecError
        Names the file, the key and what was expected.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "demo.toml").write_text('title = "Demo"\\nstart = 2017-01-01\\n')
    >>> spec = load_spec(d / "demo.toml")
    >>> spec.name, spec.title, spec.start.isoformat(), spec.html
    ('demo', 'Demo', '2017-01-01', 'demo.html')
    >>> _ = (d / "bad.toml").write_text('title = "Bad"\\nbasemapp = "osm"\\n')
    >>> load_spec(d / "bad.toml")
    Traceback (most recent call last):
    ...
    geoconflict.errors.SpecError: ...bad.toml, key 'basemapp': unknown key; did you mean 'basemap'?
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(path, None, f"cannot read the spec file: {exc.strerror or exc}") from None
    return parse_spec(raw, path)


def parse_spec(raw: bytes | str, path: str | Path) -> MapSpec:
    """Validate TOML text as a map spec; ``path`` names it and anchors relative inputs.

    Examples
    --------
    >>> text = 'title = "T"\\n[outputs]\\npng = {width = 600, height = 400}\\n'
    >>> spec = parse_spec(text, "x.toml")
    >>> spec.png.path, spec.png.pixel_size
    ('x.png', (600, 400))
    """
    path = Path(path)
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path, None, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:  # pragma: no cover - decode happens above
        raise SpecError(path, None, f"not UTF-8 text: {exc}") from None
    v = _Validator(path)
    v.keys(doc, TOP_KEYS, "")
    name = path.stem
    if not _NAME_RE.match(name):
        raise SpecError(path, None, "the file name must be letters, digits, '.', '_' or '-'")
    title = v.text(doc, "title", required=True)
    assert title is not None
    start = v.date(doc, "start")
    end = v.date(doc, "end")
    if start and end and end < start:
        raise SpecError(path, "end", f"must not be before start ({start.isoformat()})")
    outputs = v.table(doc, "outputs")
    v.keys(outputs, tuple(SPEC_OUTPUTS), "outputs")
    html = v.output_name(outputs, "html", f"{name}.html", ".html")
    cards = v.cards(outputs, name, "png", start, end) + v.cards(outputs, name, "pdf", start, end)
    video = v.video(outputs, name)
    if html is None and not cards and video is None:
        raise SpecError(path, "outputs", "writes nothing: set html = true or a [outputs.png] table")
    if (cards or video) and html is None:
        what = "a PNG card" if cards else "a video"
        raise SpecError(path, "outputs.html", f"{what} is rendered from the page: keep html on")
    v.distinct_outputs(html, cards, video)
    time = v.group(doc, TimeOptions)
    if time.date is not None:
        if start and time.date < start:
            raise SpecError(path, "time.date", f"is before start ({start.isoformat()})")
        if end and time.date > end:
            raise SpecError(path, "time.date", f"is after end ({end.isoformat()})")
    return MapSpec(
        name=name,
        path=path,
        title=title,
        subtitle=v.text(doc, "subtitle"),
        credits=v.text(doc, "credits"),
        areas=v.areas(doc),
        extent=v.extent(doc),
        start=start,
        end=end,
        inputs=v.inputs(doc),
        time=time,
        filters=v.group(doc, FilterOptions),
        layers=v.group(doc, LayerOptions),
        page=v.page(doc),
        basemap=check_basemap(doc.get("basemap", SPEC_TOP["basemap"].default), v.fail),
        assets=v.value(doc, SPEC_TOP["assets"]),
        html=html,
        cards=cards,
        video=video,
    )


G = TypeVar("G", TimeOptions, FilterOptions, LayerOptions, PageOptions)


class _Validator:
    """Checks one parsed TOML document; every method raises SpecError with file and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str | None, message: str) -> SpecError:
        return SpecError(self.path, key, message)

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                raise unknown_key(key, allowed, _join(prefix, key), self.fail)

    def value(self, doc: Mapping[str, Any], key: Key, *, prefix: str = "") -> Any:
        """A key checked against its schema entry (the same check as a map option's)."""
        return check_value(key, doc.get(key.name, key.default), _join(prefix, key.name), self.fail)

    def group(self, doc: Mapping[str, Any], cls: type[G]) -> G:
        """An option table (``[time]``, ...), checked by the option group itself."""
        return cls.from_dict(self.table(doc, cls.TABLE), self.fail)

    def page(self, doc: Mapping[str, Any]) -> PageOptions:
        """``[page]``, and ``chart`` at the top level: its older spelling."""
        page = self.group(doc, PageOptions)
        if "chart" in doc:
            if "chart" in self.table(doc, "page"):
                raise self.fail("chart", "given twice, here and as [page] chart: keep one")
            page = dataclasses.replace(page, chart=self.value(doc, SPEC_TOP["chart"]))
        return page

    def table(self, doc: Mapping[str, Any], key: str, prefix: str = "") -> dict[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(_join(prefix, key), f"expected a table, got {type_name(value)}")
        return value

    def text(self, doc: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
        value = doc.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is required: expected a string")
            return None
        text: str = self.value(doc, SPEC_TOP[key])
        if required and not text.strip():
            raise self.fail(key, "must not be empty")
        return text

    def date(self, doc: Mapping[str, Any], key: str) -> dt.date | None:
        day: dt.date | None = self.value(doc, SPEC_TOP[key])
        return day

    def integer(self, doc: Mapping[str, Any], key: Key, *, prefix: str = "") -> int:
        number: int = self.value(doc, key, prefix=prefix)
        return number

    def areas(self, doc: Mapping[str, Any]) -> tuple[str, ...] | str:
        value = doc.get("areas", "default")
        if isinstance(value, str):
            value = value if value in AREA_KEYWORDS else [value]
            if isinstance(value, str):
                return value
        if not isinstance(value, list) or not value:
            raise self.fail("areas", "expected 'default', 'none' or a list of study area ids")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(f"areas[{i}]", f"expected a string, got {type_name(item)}")
            if item not in AREA_IDS:
                close = difflib.get_close_matches(item, AREA_IDS, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"known: {AREA_IDS}"
                raise self.fail(f"areas[{i}]", f"unknown study area {item!r}; {hint}")
            out.append(item)
        return tuple(out)

    def extent(self, doc: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
        value = doc.get("extent", "areas")
        if value == "areas":
            return None
        if isinstance(value, str):
            raise self.fail(
                "extent", f"expected 'areas' or [west, south, east, north], got {value!r}"
            )
        return check_bbox(value, self.fail)

    def inputs(self, doc: Mapping[str, Any]) -> tuple[InputSpec, ...]:
        value = doc.get("inputs", [])
        if not isinstance(value, list):
            raise self.fail("inputs", "expected an array of tables: [[inputs]] path = ...")
        out = []
        for i, item in enumerate(value):
            key = f"inputs[{i}]"
            if not isinstance(item, dict):
                raise self.fail(key, f"expected a table, got {type_name(item)}")
            self.keys(item, tuple(SPEC_INPUT), key)
            sources = [k for k in ("path", "dataset", "synthetic") if k in item]
            if len(sources) != 1:
                raise self.fail(key, "needs exactly one of 'path', 'dataset' or 'synthetic'")
            columns = self.table(item, "columns", key)
            for src, dst in columns.items():
                if not isinstance(dst, str):
                    raise self.fail(f"{key}.columns.{src}", "expected a column name (string)")
            self.table(item, "options", key)
            fmt = item.get("format")
            if fmt is not None and not isinstance(fmt, str):
                raise self.fail(f"{key}.format", f"expected a string, got {type_name(fmt)}")
            if sources[0] != "path":
                extra = [k for k in ("format", "columns", "options") if k in item]
                if extra:
                    raise self.fail(f"{key}.{extra[0]}", "only applies to inputs with a 'path'")
            options = self.reader_options(item, key, fmt)
            if sources[0] != "synthetic" and "seed" in item:
                raise self.fail(f"{key}.seed", "only applies to synthetic inputs")
            if sources[0] == "path":
                rel = item["path"]
                if not isinstance(rel, str) or not rel:
                    raise self.fail(f"{key}.path", "expected a file path (string)")
                out.append(
                    InputSpec(
                        kind="file",
                        path=(self.path.parent / rel).resolve(),
                        format=fmt,
                        columns=dict(columns),
                        options=options,
                    )
                )
            elif sources[0] == "dataset":
                name = self.value(item, SPEC_INPUT["dataset"], prefix=key)
                if not isinstance(name, str) or not name:
                    raise self.fail(f"{key}.dataset", "expected a shipped dataset name")
                out.append(InputSpec(kind="dataset", dataset=name))
            else:
                n = self.integer(item, SPEC_INPUT["synthetic"], prefix=key)
                seed = self.integer(item, SPEC_INPUT["seed"], prefix=key)
                out.append(InputSpec(kind="synthetic", synthetic=n, seed=seed))
        return tuple(out)

    def reader_options(self, item: Mapping[str, Any], key: str, fmt: str | None) -> dict[str, Any]:
        """``[[inputs]].options``: only :data:`READER_OPTIONS`, each of the right type."""
        table = self.table(item, "options", key)
        prefix = f"{key}.options"
        out: dict[str, Any] = {}
        for name, value in table.items():
            full = f"{prefix}.{name}"
            if name in _OWN_KEYS:
                raise self.fail(full, _OWN_KEYS[name])
            if name not in READER_OPTIONS:
                close = difflib.get_close_matches(name, READER_OPTIONS, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {READER_OPTIONS}"
                raise self.fail(full, f"unknown reader option; {hint}")
            if name in ("chunksize", "dayfirst"):
                # dayfirst true: 03/04/2017 is 3 April; false: 4 March (US); left out: inferred.
                out[name] = self.value(table, SPEC_READER[name], prefix=prefix)
                continue
            if not isinstance(value, str) or not value.strip():
                raise self.fail(full, f"expected a non-empty string, got {value!r}")
            if name in ("gazetteer", "source_url") and fmt not in (None, "releases"):
                raise self.fail(full, f"only applies to format = 'releases', not {fmt!r}")
            if name == "encoding":
                try:
                    codecs.lookup(value)
                except LookupError:
                    known = sorted(set(encodings.aliases.aliases.values()))
                    close = difflib.get_close_matches(value.lower(), known, n=1, cutoff=0.6)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise self.fail(full, f"unknown text encoding {value!r}{hint}") from None
            if name == "gazetteer":
                value = str((self.path.parent / value).resolve())
            out[name] = value
        return out

    def output_name(
        self, table: Mapping[str, Any], key: str, default: str, suffix: str
    ) -> str | None:
        value = table.get(key, True)
        full = f"outputs.{key}"
        if value is False:
            return None
        if value is True:
            return default
        if not isinstance(value, str):
            raise self.fail(full, f"expected true/false or a file name, got {value!r}")
        return self.relative_name(full, value, suffix)

    def relative_name(self, key: str, value: str, suffix: str) -> str:
        p = Path(value)
        if p.is_absolute() or ".." in p.parts or not value:
            raise self.fail(key, f"expected a file name inside the output folder, got {value!r}")
        if p.suffix.lower() != suffix:
            raise self.fail(key, f"expected a file name ending in {suffix}, got {value!r}")
        if any(part.startswith(".") for part in p.parts):
            raise self.fail(key, f"names starting with '.' are reserved, got {value!r}")
        return p.as_posix()

    def cards(
        self,
        outputs: Mapping[str, Any],
        name: str,
        kind: str,
        start: dt.date | None,
        end: dt.date | None,
    ) -> tuple[PngSpec, ...]:
        """``outputs.png`` / ``outputs.pdf``: false, true, a table, or an array of tables."""
        value = outputs.get(kind, False)
        table = f"outputs.{kind}"
        if value is False:
            return ()
        if value is True:
            value = {}
        if isinstance(value, dict):
            return (self.card(value, table, f"{name}.{kind}", kind, (start, end)),)
        if not isinstance(value, list) or not value:
            raise self.fail(
                table, f"expected a table or an array of tables, got {type_name(value)}"
            )
        out = []
        for i, item in enumerate(value):
            key = f"{table}[{i}]"
            if not isinstance(item, dict):
                raise self.fail(key, f"expected a table, got {type_name(item)}")
            day = self.value(item, SPEC_PNG["date"], prefix=key)
            default = f"{name}-{day.isoformat()}.{kind}" if day else f"{name}-{i + 1}.{kind}"
            out.append(self.card(item, key, default, kind, (start, end)))
        return tuple(out)

    def card(
        self,
        value: Mapping[str, Any],
        key: str,
        default: str,
        kind: str,
        span: tuple[dt.date | None, dt.date | None],
    ) -> PngSpec:
        # A PDF is vector: no scale; "path" is the PNG key's older spelling only.
        allowed = tuple(SPEC_PNG) if kind == "png" else ("file", "date", "width", "height")
        self.keys(value, allowed, key)
        if "file" in value and "path" in value:
            raise self.fail(f"{key}.file", "given twice, as file and path: keep one")
        file_key = "path" if "path" in value else "file"
        path = value.get(file_key, default)
        if not isinstance(path, str):
            raise self.fail(f"{key}.{file_key}", f"expected a file name, got {path!r}")
        scale_key = SPEC_PNG["scale"]
        scale = value.get("scale", scale_key.default)
        low, high = scale_key.low or 0, scale_key.high or 0
        if (
            isinstance(scale, bool)
            or not isinstance(scale, int | float)
            or not low <= scale <= high
        ):
            raise self.fail(
                f"{key}.scale", f"expected a number from {low:g} to {high:g}, got {scale!r}"
            )
        day = self.value(value, SPEC_PNG["date"], prefix=key)
        start, end = span
        if day is not None and start and day < start:
            raise self.fail(f"{key}.date", f"is before start ({start.isoformat()})")
        if day is not None and end and day > end:
            raise self.fail(f"{key}.date", f"is after end ({end.isoformat()})")
        return PngSpec(
            path=self.relative_name(f"{key}.{file_key}", path, f".{kind}"),
            width=self.integer(value, SPEC_PNG["width"], prefix=key),
            height=self.integer(value, SPEC_PNG["height"], prefix=key),
            scale=float(scale),
            date=day,
        )

    def video(self, outputs: Mapping[str, Any], name: str) -> VideoSpec | None:
        """``outputs.video``: false, true (the defaults) or a table."""
        value = outputs.get("video", False)
        if value is False:
            return None
        if value is True:
            value = {}
        if not isinstance(value, dict):
            raise self.fail("outputs.video", f"expected a table, got {type_name(value)}")
        key = "outputs.video"
        self.keys(value, tuple(SPEC_VIDEO), key)
        path = value.get("file", f"{name}.webm")
        if not isinstance(path, str):
            raise self.fail(f"{key}.file", f"expected a file name, got {path!r}")
        suffix = Path(path).suffix.lower().lstrip(".")
        if suffix not in VIDEO_FORMATS:
            raise self.fail(
                f"{key}.file", f"expected a name ending in .webm, .mp4 or .gif, got {path!r}"
            )
        width = self.integer(value, SPEC_VIDEO["width"], prefix=key)
        height = self.integer(value, SPEC_VIDEO["height"], prefix=key)
        for dim, number in (("width", width), ("height", height)):
            if number % 2:
                raise self.fail(
                    f"{key}.{dim}", f"must be even (video encoders need it), got {number}"
                )
        return VideoSpec(
            path=self.relative_name(f"{key}.file", path, f".{suffix}"),
            fps=self.integer(value, SPEC_VIDEO["fps"], prefix=key),
            width=width,
            height=height,
            step=self.value(value, SPEC_VIDEO["step"], prefix=key) if "step" in value else None,
        )

    def distinct_outputs(
        self, html: str | None, cards: tuple[PngSpec, ...], video: VideoSpec | None
    ) -> None:
        """No two outputs of a spec may share a file name."""
        seen = {html: "outputs.html"} if html else {}
        named = [(f"outputs.{c.format}", c.path) for c in cards]
        if video is not None:
            named.append(("outputs.video", video.path))
        for key, path in named:
            if path in seen:
                raise self.fail(key, f"writes {path!r}, as {seen[path]} does: give another name")
            seen[path] = key


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
