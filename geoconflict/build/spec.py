"""Map specs: one TOML file per publication map, parsed into a small dataclass model.

A spec names what a map shows (title, areas, time range, inputs, layers, basemap)
and what files it becomes (HTML, PNG). :func:`load_spec` reads and validates a
file; every problem is a :class:`~geoconflict.errors.SpecError` that names the
file, the key and what was expected, and unknown keys get a did-you-mean.

The parser is written here (on top of :mod:`tomllib`) because the checks are
specific to this format; it imports nothing heavy, so loading specs is cheap.
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
from typing import Any

from geoconflict.errors import SpecError

#: Allowed values of ``basemap`` besides a tile URL template.
BASEMAPS: tuple[str, ...] = ("osm", "none")
#: Allowed values of ``assets``.
ASSET_MODES: tuple[str, ...] = ("inline", "cdn", "local")
#: Allowed values of ``chart``.
CHARTS: tuple[str, ...] = ("events", "weapons", "none")
#: Allowed values of ``mode`` (how the time control selects events).
MODES: tuple[str, ...] = ("cumulative", "window")
#: Allowed values of ``step`` (one click of the time control).
STEPS: tuple[str, ...] = ("day", "week", "month")
#: Layers a spec can start shown or hidden (all are listed in the page's layer control).
LAYERS: dict[str, bool] = {
    "territory": True,
    "areas": True,
    "rivers": True,
    "places": True,
    "protected": True,
    "grid": True,
}
#: Event kinds and gradings the page's filters know.
KINDS: tuple[str, ...] = ("strike", "civcas", "ground", "other")
GRADINGS: tuple[str, ...] = ("confirmed", "fair", "weak", "contested", "discounted", "unknown")
#: Study areas known to the shipped data (``areas`` is checked against these).
AREA_IDS: tuple[str, ...] = ("mosul", "mosul_east", "mosul_west", "raqqa", "western_desert")
#: Study-area names that mean "the shipped default set" or "none".
AREA_KEYWORDS: tuple[str, ...] = ("default", "none")

_TOP_KEYS = (
    "title",
    "subtitle",
    "credits",
    "areas",
    "extent",
    "start",
    "end",
    "basemap",
    "assets",
    "chart",
    "inputs",
    "layers",
    "time",
    "filters",
    "outputs",
)
_INPUT_KEYS = ("path", "dataset", "synthetic", "seed", "format", "columns", "options")
#: Reader options an input may set in ``options = {...}`` (see ``read_events``).
READER_OPTIONS: tuple[str, ...] = ("encoding", "chunksize", "dayfirst", "gazetteer", "source_url")
#: ``read_events`` arguments a spec sets elsewhere (and why they are not options).
_OWN_KEYS = {
    "format": "set it with the input's own 'format' key, not in options",
    "columns": "set it with the input's own 'columns' table, not in options",
    "progress": "not a reader option in a spec: the build shows its own progress",
}
_TIME_KEYS = ("mode", "window_days", "step", "speed", "date")
_FILTER_KEYS = ("kinds", "gradings")
_OUTPUT_KEYS = ("html", "png")
_PNG_KEYS = ("path", "width", "height", "scale")
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
    """A static image of the page: ``width`` x ``height`` CSS pixels at ``scale``.

    The PNG file is ``width * scale`` by ``height * scale`` pixels.
    """

    path: str
    width: int = 1200
    height: int = 800
    scale: float = 1.0

    @property
    def pixel_size(self) -> tuple[int, int]:
        """Width and height of the image in pixels."""
        return round(self.width * self.scale), round(self.height * self.scale)


@dataclass(frozen=True)
class TimeSpec:
    """How the page's time control starts.

    ``mode`` cumulative or window (of ``window_days``), ``step`` day/week/month,
    ``speed`` steps per second when playing, ``date`` the slider's date when the
    page opens (default: the end).
    """

    mode: str = "cumulative"
    window_days: int = 30
    step: str = "week"
    speed: float = 4.0
    date: dt.date | None = None


@dataclass(frozen=True)
class FilterSpec:
    """The event kinds and gradings whose filter boxes start ticked."""

    kinds: tuple[str, ...] = KINDS
    gradings: tuple[str, ...] = GRADINGS


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
    layers : dict
        Layer name -> shown when the page opens (see :data:`LAYERS`).
    time : TimeSpec
    filters : FilterSpec
    basemap : str
        ``"osm"``, ``"none"`` (offline vector context) or a tile URL template.
    assets : str
        ``"inline"``, ``"cdn"`` or ``"local"``.
    chart : str
        ``"events"``, ``"weapons"`` or ``"none"``.
    html : str or None
        The HTML output, relative to the output folder.
    png : PngSpec or None
        The PNG output.
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
    layers: Mapping[str, bool] = field(default_factory=lambda: dict(LAYERS))
    time: TimeSpec = field(default_factory=TimeSpec)
    filters: FilterSpec = field(default_factory=FilterSpec)
    basemap: str = "osm"
    assets: str = "inline"
    chart: str = "events"
    html: str | None = None
    png: PngSpec | None = None

    @property
    def outputs(self) -> tuple[str, ...]:
        """The output files this spec writes, relative to the output folder."""
        out = []
        if self.html:
            out.append(self.html)
        if self.png:
            out.append(self.png.path)
        return tuple(out)

    def without_png(self) -> MapSpec:
        """The same spec with no PNG output."""
        return dataclasses.replace(self, png=None)


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
    v.keys(doc, _TOP_KEYS, "")
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
    v.keys(outputs, _OUTPUT_KEYS, "outputs")
    html = v.output_name(outputs, "html", f"{name}.html", ".html")
    png = v.png(outputs, name)
    if html is None and png is None:
        raise SpecError(path, "outputs", "writes nothing: set html = true or a [outputs.png] table")
    if png is not None and html is None:
        raise SpecError(path, "outputs.html", "a PNG is rendered from the page: keep html on")
    if html is not None and png is not None and html == png.path:
        raise SpecError(path, "outputs.png.path", "must differ from the HTML output")
    time = v.time(doc)
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
        layers=v.layers(doc),
        time=time,
        filters=v.filters(doc),
        basemap=v.basemap(doc),
        assets=v.choice(doc, "assets", ASSET_MODES, "inline"),
        chart=v.choice(doc, "chart", CHARTS, "events"),
        html=html,
        png=png,
    )


def _type_name(value: Any) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "an array",
        dict: "a table",
        dt.date: "a date",
        dt.datetime: "a date-time",
    }
    return names.get(type(value), type(value).__name__)


class _Validator:
    """Checks one parsed TOML document; every method raises SpecError with file and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str | None, message: str) -> SpecError:
        return SpecError(self.path, key, message)

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                full = f"{prefix}.{key}" if prefix else key
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected one of {allowed}"
                raise self.fail(full, f"unknown key; {hint}")

    def table(self, doc: Mapping[str, Any], key: str, prefix: str = "") -> dict[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(_join(prefix, key), f"expected a table, got {_type_name(value)}")
        return value

    def text(self, doc: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
        value = doc.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is required: expected a string")
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {_type_name(value)}")
        if required and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def date(self, doc: Mapping[str, Any], key: str, *, prefix: str = "") -> dt.date | None:
        value = doc.get(key)
        key = _join(prefix, key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            raise self.fail(key, "expected a date (YYYY-MM-DD), got a date-time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(key, f"expected a date like 2017-01-31, got {value!r}")

    def choice(
        self,
        doc: Mapping[str, Any],
        key: str,
        allowed: tuple[str, ...],
        default: str,
        *,
        prefix: str = "",
    ) -> str:
        value = doc.get(key, default)
        full = _join(prefix, key)
        if not isinstance(value, str):
            raise self.fail(full, f"expected one of {allowed}, got {_type_name(value)}")
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise self.fail(full, f"expected one of {allowed}, got {value!r}{hint}")
        return value

    def integer(
        self,
        doc: Mapping[str, Any],
        key: str,
        default: int,
        *,
        prefix: str = "",
        low: int = 1,
        high: int = 10**9,
    ) -> int:
        value = doc.get(key, default)
        full = _join(prefix, key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(full, f"expected an integer, got {_type_name(value)}")
        if not low <= value <= high:
            raise self.fail(full, f"expected an integer from {low} to {high}, got {value}")
        return value

    def basemap(self, doc: Mapping[str, Any]) -> str:
        value = doc.get("basemap", "osm")
        if not isinstance(value, str):
            raise self.fail("basemap", f"expected 'osm', 'none' or a URL, got {_type_name(value)}")
        if value in BASEMAPS:
            return value
        if value.startswith(("https://", "http://")):
            missing = [p for p in ("{z}", "{x}", "{y}") if p not in value]
            if missing:
                raise self.fail("basemap", f"a tile URL template needs {', '.join(missing)}")
            return value
        close = difflib.get_close_matches(value, BASEMAPS, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise self.fail(
            "basemap", f"expected 'osm', 'none' or an http(s) tile URL, got {value!r}{hint}"
        )

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
                raise self.fail(f"areas[{i}]", f"expected a string, got {_type_name(item)}")
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
        expected = "expected 'areas' or [west, south, east, north] in degrees"
        if not isinstance(value, list) or len(value) != 4:
            raise self.fail("extent", f"{expected}, got {value!r}")
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in value):
            raise self.fail("extent", f"{expected}: four numbers")
        w, s, e, n = (float(x) for x in value)
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            raise self.fail("extent", f"{expected} with west < east and south < north")
        return (w, s, e, n)

    def layers(self, doc: Mapping[str, Any]) -> dict[str, bool]:
        table = self.table(doc, "layers")
        self.keys(table, tuple(LAYERS), "layers")
        out = dict(LAYERS)
        for key, value in table.items():
            if not isinstance(value, bool):
                raise self.fail(f"layers.{key}", f"expected true/false, got {_type_name(value)}")
            out[key] = value
        return out

    def time(self, doc: Mapping[str, Any]) -> TimeSpec:
        table = self.table(doc, "time")
        self.keys(table, _TIME_KEYS, "time")
        speed = table.get("speed", 4.0)
        if isinstance(speed, bool) or not isinstance(speed, int | float) or not 0 < speed <= 100:
            raise self.fail("time.speed", f"expected steps per second (0 to 100), got {speed!r}")
        return TimeSpec(
            mode=self.choice(table, "mode", MODES, "cumulative", prefix="time"),
            window_days=self.integer(table, "window_days", 30, prefix="time", high=3660),
            step=self.choice(table, "step", STEPS, "week", prefix="time"),
            speed=float(speed),
            date=self.date(table, "date", prefix="time"),
        )

    def filters(self, doc: Mapping[str, Any]) -> FilterSpec:
        table = self.table(doc, "filters")
        self.keys(table, _FILTER_KEYS, "filters")
        return FilterSpec(
            kinds=self.subset(table, "kinds", KINDS, prefix="filters"),
            gradings=self.subset(table, "gradings", GRADINGS, prefix="filters"),
        )

    def subset(
        self, doc: Mapping[str, Any], key: str, allowed: tuple[str, ...], *, prefix: str
    ) -> tuple[str, ...]:
        value = doc.get(key, list(allowed))
        full = _join(prefix, key)
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise self.fail(full, f"expected a list of strings from {allowed}")
        if not value:
            raise self.fail(full, "is empty: the page would open showing no events")
        for i, item in enumerate(value):
            if item not in allowed:
                close = difflib.get_close_matches(item, allowed, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected one of {allowed}"
                raise self.fail(f"{full}[{i}]", f"unknown value {item!r}; {hint}")
            if item in value[:i]:
                raise self.fail(f"{full}[{i}]", f"{item!r} is listed twice")
        return tuple(value)

    def inputs(self, doc: Mapping[str, Any]) -> tuple[InputSpec, ...]:
        value = doc.get("inputs", [])
        if not isinstance(value, list):
            raise self.fail("inputs", "expected an array of tables: [[inputs]] path = ...")
        out = []
        for i, item in enumerate(value):
            key = f"inputs[{i}]"
            if not isinstance(item, dict):
                raise self.fail(key, f"expected a table, got {_type_name(item)}")
            self.keys(item, _INPUT_KEYS, key)
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
                raise self.fail(f"{key}.format", f"expected a string, got {_type_name(fmt)}")
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
                name = item["dataset"]
                if not isinstance(name, str) or not name:
                    raise self.fail(f"{key}.dataset", "expected a shipped dataset name")
                out.append(InputSpec(kind="dataset", dataset=name))
            else:
                n = self.integer(item, "synthetic", 0, prefix=key, high=10_000_000)
                seed = self.integer(item, "seed", 0, prefix=key, low=0, high=2**31)
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
            if name == "chunksize":
                out[name] = self.integer(table, name, 100_000, prefix=prefix)
                continue
            if name == "dayfirst":
                # true: 03/04/2017 is 3 April; false: 4 March (US); left out: inferred.
                if not isinstance(value, bool):
                    raise self.fail(full, f"expected true/false, got {_type_name(value)}")
                out[name] = value
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
            raise self.fail(full, f"expected true/false or a file name, got {_type_name(value)}")
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

    def png(self, outputs: Mapping[str, Any], name: str) -> PngSpec | None:
        value = outputs.get("png", False)
        if value is False:
            return None
        if value is True:
            value = {}
        if not isinstance(value, dict):
            raise self.fail("outputs.png", f"expected a table, got {_type_name(value)}")
        self.keys(value, _PNG_KEYS, "outputs.png")
        path = value.get("path", f"{name}.png")
        if not isinstance(path, str):
            raise self.fail("outputs.png.path", f"expected a file name, got {_type_name(path)}")
        scale = value.get("scale", 1.0)
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0.25 <= scale <= 4:
            raise self.fail("outputs.png.scale", f"expected a number from 0.25 to 4, got {scale!r}")
        return PngSpec(
            path=self.relative_name("outputs.png.path", path, ".png"),
            width=self.integer(value, "width", 1200, prefix="outputs.png", low=16, high=8000),
            height=self.integer(value, "height", 800, prefix="outputs.png", low=16, high=8000),
            scale=float(scale),
        )


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
