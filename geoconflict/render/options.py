"""The options of a map page in one schema: ``make_map``'s four groups, a spec's tables.

The options come in four groups, one per table of a map spec (``maps/*.toml``):

- :class:`TimeOptions` (``[time]``): how the time control starts;
- :class:`FilterOptions` (``[filters]``): the filter boxes ticked when the page opens;
- :class:`LayerOptions` (``[layers]``): the layers shown when the page opens;
- :class:`PageOptions` (``[page]``): the chart under the slider, the map's size, notes
  as HTML.

:class:`MapOptions` holds the four. Each field is declared once, here, with its type,
default, allowed values and a one-line doc (the field's ``metadata``, read back by
:func:`option_keys`); :func:`check_value` applies it. ``make_map(time=..., ...)``, the
groups' constructors and the spec validator (:mod:`geoconflict.build.spec`) all go
through it, so a bad value gets the same :class:`~geoconflict.errors.OptionError`
(a :class:`~geoconflict.errors.GeoconflictError` and :class:`ValueError`) naming the
option and the allowed values, or, in a spec, the same message as a
:class:`~geoconflict.errors.SpecError` naming the file.

The spec's other keys (its top level, ``[[inputs]]``, ``[outputs]``) are not map
options; they are declared here too (:data:`SPEC_TABLES`), so that
:func:`spec_reference_markdown` writes the whole spec reference from code.
"""

from __future__ import annotations

import datetime as dt
import difflib
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from geoconflict.errors import OptionError
from geoconflict.render.assets import MODES as ASSET_MODES
from geoconflict.vocab import GRADINGS, KINDS, STEPS

#: How the time control selects events.
MODES: tuple[str, ...] = ("cumulative", "window")
#: The chart under the slider.
CHARTS: tuple[str, ...] = ("events", "weapons", "none")
#: Basemaps besides a tile URL template.
BASEMAPS: tuple[str, ...] = ("osm", "none")
#: The shipped event tables a spec may name as an input (``[[inputs]] dataset = ...``).
EVENT_DATASETS: tuple[str, ...] = ("incidents", "strikes")
#: Which events a map keeps (``[filters] within``).
WITHIN: tuple[str, ...] = ("auto", "areas", "extent", "all")

#: ``fail(key, message)`` -> the exception to raise (an OptionError, or a SpecError).
Fail = Callable[[str, str], Exception]

_SIZE_RE = re.compile(r"^[0-9]+(\.[0-9]+)?(px|%)$")
#: A tile server's host: a name, an IPv6 literal, or Leaflet's ``{s}.`` subdomain prefix.
_HOST_RE = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]|\{s\}\.[a-z0-9.-]+")


@dataclass(frozen=True)
class Key:
    """One key of the schema: a map option, or another key of a map spec.

    Attributes
    ----------
    name : str
        The key (the field of the option group, the key in the spec's table).
    type : str
        ``"boolean"``, ``"integer"``, ``"number"``, ``"string"``, ``"date"``,
        ``"size"`` (CSS), ``"choice"`` (one of ``allowed``) or ``"subset"`` (a list
        from ``allowed``) for options; a description for other spec keys.
    default : object
        The value when the key is left out.
    doc : str
        One line on what it does.
    allowed : tuple of str, optional
        The allowed values (``choice`` and ``subset``).
    low, high : float, optional
        The range of a number.

    Examples
    --------
    >>> key = option_keys(TimeOptions)[0]
    >>> key.name, key.type, key.default, key.allowed
    ('mode', 'choice', 'cumulative', ('cumulative', 'window'))
    """

    name: str
    type: str
    default: Any
    doc: str
    allowed: tuple[str, ...] | None = None
    low: float | None = None
    high: float | None = None


def _option(
    type_: str,
    default: Any,
    doc: str,
    *,
    allowed: tuple[str, ...] | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """A dataclass field whose metadata is its schema (see :func:`option_keys`)."""
    meta = {"type": type_, "doc": doc, "allowed": allowed, "low": low, "high": high}
    return field(default=default, metadata=meta)


def option_keys(group: type | object) -> tuple[Key, ...]:
    """The schema of an option group: one :class:`Key` per field, in order.

    Examples
    --------
    >>> [k.name for k in option_keys(FilterOptions)]
    ['kinds', 'gradings', 'within']
    """
    return tuple(
        Key(name=f.name, default=f.default, **f.metadata)
        for f in fields(group)  # type: ignore[arg-type]
    )


def type_name(value: Any) -> str:
    """How an error names a value's type: ``"a string"``, ``"true/false"``, ``"a table"``, …

    Examples
    --------
    >>> type_name(3), type_name([1])
    ('an integer', 'an array')
    """
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "an array",
        tuple: "an array",
        dict: "a table",
        dt.date: "a date",
        dt.datetime: "a date-time",
    }
    return names.get(type(value), type(value).__name__)


def _hint(value: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def option_error(key: str, message: str) -> OptionError:
    """The error a bad option value raises outside a spec: ``OptionError("key: message")``.

    Examples
    --------
    >>> str(option_error("time.step", "expected one of ('day', 'week', 'month')"))
    "time.step: expected one of ('day', 'week', 'month')"
    """
    return OptionError(f"{key}: {message}")


def check_value(key: Key, value: Any, where: str, fail: Fail = option_error) -> Any:
    """Check one option value against its :class:`Key`; return it in its stored form.

    Lists become tuples, ISO date strings :class:`datetime.date`, integers given as
    floats stay errors. ``where`` is the key's full name (``"time.step"``) used in
    the error; ``fail(where, message)`` makes the exception (default an
    :class:`~geoconflict.errors.OptionError`).

    Examples
    --------
    >>> step = option_keys(TimeOptions)[2]
    >>> check_value(step, "month", "time.step")
    'month'
    >>> check_value(step, "mnth", "time.step")
    Traceback (most recent call last):
    ...
    geoconflict.errors.OptionError: time.step: expected one of ('day', 'week', 'month'), \
got 'mnth'; did you mean 'month'?
    """
    kind = key.type
    if kind == "boolean":
        if not isinstance(value, bool):
            raise fail(where, f"expected true/false, got {type_name(value)}")
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise fail(where, f"expected an integer, got {type_name(value)}")
        low, high, number = int(key.low or 0), int(key.high or 0), int(value)
        if not low <= number <= high:
            raise fail(where, f"expected an integer from {low} to {high}, got {number}")
        return number
    if kind == "number":
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not ok or not (key.low or 0) < value <= (key.high or 0):
            raise fail(
                where, f"expected a number above {key.low:g} and up to {key.high:g}, got {value!r}"
            )
        return float(value)
    if kind == "string":
        if not isinstance(value, str):
            raise fail(where, f"expected a string, got {type_name(value)}")
        return value
    if kind == "size":
        if not isinstance(value, str) or not _SIZE_RE.match(value):
            raise fail(where, f"expected a CSS size such as '100%' or '800px', got {value!r}")
        return value
    if kind == "date":
        return _date(value, where, fail)
    allowed = key.allowed or ()
    if kind == "choice":
        if not isinstance(value, str):
            raise fail(where, f"expected one of {allowed}, got {type_name(value)}")
        if value not in allowed:
            raise fail(where, f"expected one of {allowed}, got {value!r}{_hint(value, allowed)}")
        return value
    if kind == "subset":
        return _subset(value, allowed, where, fail)
    raise TypeError(f"{where}: no check for option type {kind!r}")  # pragma: no cover


def _date(value: Any, where: str, fail: Fail) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise fail(where, "expected a date (YYYY-MM-DD), got a date-time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise fail(where, f"expected a date like 2017-01-31, got {value!r}")


def _subset(value: Any, allowed: tuple[str, ...], where: str, fail: Fail) -> tuple[str, ...]:
    items = list(value) if isinstance(value, list | tuple) else None
    if items is None or not all(isinstance(x, str) for x in items):
        raise fail(where, f"expected a list of strings from {allowed}")
    if not items:
        raise fail(where, "is empty: the page would open showing no events")
    for i, item in enumerate(items):
        if item not in allowed:
            hint = _hint(item, allowed)
            raise fail(f"{where}[{i}]", f"unknown value {item!r}{hint} (allowed: {allowed})")
        if item in items[:i]:
            raise fail(f"{where}[{i}]", f"{item!r} is listed twice")
    return tuple(items)


def unknown_key(key: str, allowed: tuple[str, ...], where: str, fail: Fail) -> Exception:
    """The error for a key a table does not have, with a did-you-mean or the known keys.

    Examples
    --------
    >>> str(unknown_key("stepp", ("mode", "step"), "time.stepp", option_error))
    "time.stepp: unknown key; did you mean 'step'?"
    """
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"expected one of {allowed}"
    return fail(where, f"unknown key; {hint}")


G = TypeVar("G", bound="OptionGroup")


class OptionGroup:
    """What the four option groups share: the check of every field, and ``from_dict``."""

    #: The spec table (and ``make_map`` argument) of this group.
    TABLE: ClassVar[str] = ""
    #: Options that do something only while a switch of the group is on: option -> switch.
    NEEDS: ClassVar[Mapping[str, str]] = {}

    def __post_init__(self) -> None:
        for key in option_keys(self):
            value = check_value(key, getattr(self, key.name), f"{self.TABLE}.{key.name}")
            object.__setattr__(self, key.name, value)
        self.check_needs(self.to_dict())

    @classmethod
    def check_needs(cls, values: Mapping[str, Any], fail: Fail = option_error) -> None:
        """Raise when an option of :attr:`NEEDS` is set while its switch is off.

        "Set" means a value other than the option's default: the groups cannot tell a
        default given on purpose from one left out (``to_dict``, ``MapOptions.replace``
        and the flat options pass every field), and the default is the value the option
        takes when the switch is turned on, so it asks for nothing that is ignored.
        Every entry point (the constructor, :meth:`from_dict`, ``make_map``, a spec)
        runs this check.

        Parameters
        ----------
        values : mapping of option -> checked value
            The group's options (missing ones are their defaults).
        fail : callable, optional
            ``fail(key, message)`` -> the exception to raise.

        Raises
        ------
        OptionError
            (or what ``fail`` returns) naming the option that is set and its switch.

        Examples
        --------
        >>> LayerOptions.check_needs({"links": True, "links_within_m": 2500.0})
        >>> LayerOptions(links_within_m=2500)
        Traceback (most recent call last):
        ...
        geoconflict.errors.OptionError: layers.links_within_m: is set but layers.links is off, \
where it does nothing: turn links on or drop links_within_m
        """
        defaults = {key.name: key.default for key in option_keys(cls)}
        for name, switch in cls.NEEDS.items():
            value = values.get(name, defaults[name])
            if value != defaults[name] and not values.get(switch, defaults[switch]):
                raise fail(
                    f"{cls.TABLE}.{name}",
                    f"is set but {cls.TABLE}.{switch} is off, where it does nothing:"
                    f" turn {switch} on or drop {name}",
                )

    @classmethod
    def from_dict(cls: type[G], values: Mapping[str, Any] | None, fail: Fail = option_error) -> G:
        """Options from a plain dict (``make_map``'s argument, a spec's table).

        Unknown keys and bad values raise ``fail(key, message)`` (default an
        :class:`~geoconflict.errors.OptionError`), the key in full (``time.stepp``).

        Examples
        --------
        >>> TimeOptions.from_dict({"step": "month", "window_days": 14}).step
        'month'
        >>> FilterOptions.from_dict({"kinds": ["civcas"]}).kinds
        ('civcas',)
        >>> LayerOptions.from_dict({"gird": False})
        Traceback (most recent call last):
        ...
        geoconflict.errors.OptionError: layers.gird: unknown key; did you mean 'grid'?
        """
        values = dict(values or {})
        keys = {key.name: key for key in option_keys(cls)}
        out = {}
        for name, value in values.items():
            where = f"{cls.TABLE}.{name}"
            if name not in keys:
                raise unknown_key(str(name), tuple(keys), where, fail)
            out[name] = check_value(keys[name], value, where, fail)
        cls.check_needs(out, fail)
        return cls(**out)

    def to_dict(self) -> dict[str, Any]:
        """The options as a plain dict (field -> value).

        Examples
        --------
        >>> LayerOptions(grid=False).to_dict()["grid"]
        False
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class TimeOptions(OptionGroup):
    """How the time control starts (``make_map(time=...)``, the spec's ``[time]``).

    Examples
    --------
    >>> TimeOptions(mode="window", window_days=14).window_days
    14
    """

    TABLE: ClassVar[str] = "time"

    mode: str = _option(
        "choice",
        "cumulative",
        "cumulative: events with date_start <= D; window: those with a day in the window",
        allowed=MODES,
    )
    window_days: int = _option(
        "integer", 30, "length of the window in days (window mode)", low=1, high=3660
    )
    step: str = _option(
        "choice", "week", "what play and the step buttons advance by", allowed=STEPS
    )
    speed: float = _option("number", 4.0, "steps per second when playing", low=0, high=100)
    date: dt.date | None = _option(  # noqa: RUF009 - _option returns a dataclasses.field
        "date", None, "the slider's date when the page opens (default: the end)"
    )


@dataclass(frozen=True)
class FilterOptions(OptionGroup):
    """The filter boxes ticked when the page opens (``filters=``, the spec's ``[filters]``).

    Examples
    --------
    >>> FilterOptions(kinds=["civcas", "strike"]).kinds
    ('civcas', 'strike')
    """

    TABLE: ClassVar[str] = "filters"

    kinds: tuple[str, ...] = _option(
        "subset", KINDS, "the event kinds shown (non-empty, no repeats)", allowed=KINDS
    )
    gradings: tuple[str, ...] = _option(
        "subset", GRADINGS, "the gradings shown (non-empty, no repeats)", allowed=GRADINGS
    )
    within: str = _option(
        "choice",
        "auto",
        "the events kept: those inside the study areas, inside the extent, or all; "
        "auto: the areas when the map names its areas, else the extent when one is given, "
        "else all",
        allowed=WITHIN,
    )


@dataclass(frozen=True)
class LayerOptions(OptionGroup):
    """The layers shown when the page opens (``layers=``, the spec's ``[layers]``).

    Each layer is in the page's layer control either way; leave a layer out of the
    page with ``make_map(territory=None)`` and the like. The declared-strikes layer
    and the links are the exception: they are added only when ``strikes`` or
    ``links`` is true, drawn from ``make_map``'s ``strikes=`` table (by default the
    shipped CENTCOM/CJTF-OIR strike table, ``datasets.load("strikes")``).
    ``links_within_m``, ``links_within_days`` and ``links_uncertainty`` set to anything
    but their defaults while ``links`` is off raise :class:`OptionError` (they would
    do nothing; see :meth:`OptionGroup.check_needs`).

    Examples
    --------
    >>> LayerOptions(grid=False).grid
    False
    >>> o = LayerOptions(links=True, links_within_m=5000, links_within_days=1)
    >>> o.links, o.links_within_m, o.strikes
    (True, 5000.0, False)
    """

    TABLE: ClassVar[str] = "layers"
    NEEDS: ClassVar[Mapping[str, str]] = {
        "links_within_m": "links",
        "links_within_days": "links",
        "links_uncertainty": "links",
    }

    territory: bool = _option("boolean", True, "cleared territory, coloured by status")
    areas: bool = _option("boolean", True, "the study areas' outlines")
    rivers: bool = _option("boolean", True, "rivers")
    places: bool = _option("boolean", True, "towns and other places")
    protected: bool = _option("boolean", True, "protected sites (mosques, hospitals, …)")
    grid: bool = _option("boolean", True, "the MGRS grid, with the mouse position's reference")
    strikes: bool = _option(
        "boolean",
        False,
        "add the declared strikes (in a spec: the shipped CENTCOM/CJTF-OIR releases): a circle"
        " per place, sized by its strikes in the slider's window",
    )
    links: bool = _option(
        "boolean",
        False,
        "add the links: a line from each event to each declared strike near it in space and"
        " time, and a filter (only events with / without one)",
    )
    links_within_m: float = _option(
        "number",
        5000.0,
        "links (only with links on): the greatest distance, in metres (geodesic)",
        low=0,
        high=500_000,
    )
    links_within_days: int = _option(
        "integer",
        1,
        "links (only with links on): the most days between the two events' dates",
        low=0,
        high=3660,
    )
    links_uncertainty: bool = _option(
        "boolean",
        False,
        "links (only with links on): measure between the events' uncertainty circles"
        " (location_precision_m)",
    )


@dataclass(frozen=True)
class PageOptions(OptionGroup):
    """The page around the map (``page=``, the spec's ``[page]``).

    Examples
    --------
    >>> PageOptions(chart="weapons", height="600px").height
    '600px'
    """

    TABLE: ClassVar[str] = "page"

    chart: str = _option(
        "choice",
        "events",
        "the chart under the slider: events per period, or weapons released per month",
        allowed=CHARTS,
    )
    width: str = _option("size", "100%", "CSS width of the map")
    height: str = _option("size", "100%", "CSS height of the map")
    html_notes: bool = _option(
        "boolean", False, "show notes as HTML, cleaned to an allow-list (off: all text is text)"
    )


#: The four groups, in the order of :class:`MapOptions`.
GROUPS: tuple[type[OptionGroup], ...] = (TimeOptions, FilterOptions, LayerOptions, PageOptions)
#: Option name -> its group, for the flat spelling ``MapOptions(step="month")``.
_GROUP_OF: dict[str, type[OptionGroup]] = {
    key.name: group for group in GROUPS for key in option_keys(group)
}


def _group(cls: type[G], value: Any, fail: Fail = option_error) -> G:
    return value if isinstance(value, cls) else cls.from_dict(_as_dict(cls, value, fail), fail)


def _as_dict(cls: type[OptionGroup], value: Any, fail: Fail = option_error) -> dict[str, Any]:
    """A group given as the group, a dict or None, as a dict of its options."""
    if isinstance(value, cls):
        return value.to_dict()
    if value is None or isinstance(value, Mapping):
        return dict(value or {})
    raise fail(cls.TABLE, f"expected a {cls.__name__} or a dict, got {type(value).__name__}")


@dataclass(frozen=True, init=False)
class MapOptions:
    """Every option of a map page, in its four groups.

    Parameters
    ----------
    time, filters, layers, page : option group or dict, optional
        :class:`TimeOptions`, :class:`FilterOptions`, :class:`LayerOptions`,
        :class:`PageOptions`, or plain dicts of their fields.
    **flat
        The options by their own names (``step="month"``, ``chart="weapons"``):
        the spelling of geoconflict before the groups, still accepted, each put
        into its group.

    Examples
    --------
    >>> o = MapOptions(time={"mode": "window", "window_days": 14}, layers={"grid": False})
    >>> o.time.window_days, o.layers.grid, o.page.chart
    (14, False, 'events')
    >>> MapOptions(step="month", chart="weapons").time.step
    'month'
    >>> MapOptions(time={"step": "year"})
    Traceback (most recent call last):
    ...
    geoconflict.errors.OptionError: time.step: expected one of ('day', 'week', 'month'), got 'year'
    """

    time: TimeOptions
    filters: FilterOptions
    layers: LayerOptions
    page: PageOptions

    def __init__(
        self,
        time: TimeOptions | Mapping[str, Any] | None = None,
        filters: FilterOptions | Mapping[str, Any] | None = None,
        layers: LayerOptions | Mapping[str, Any] | None = None,
        page: PageOptions | Mapping[str, Any] | None = None,
        **flat: Any,
    ) -> None:
        given: dict[type[OptionGroup], Any] = {
            TimeOptions: time,
            FilterOptions: filters,
            LayerOptions: layers,
            PageOptions: page,
        }
        given_names = [cls.TABLE for cls in given]
        extra: dict[type[OptionGroup], dict[str, Any]] = {}
        for name, value in flat.items():
            if name not in _GROUP_OF:
                close = difflib.get_close_matches(name, [*_GROUP_OF, *given_names], n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise OptionError(
                    f"{name}: unknown option; {hint}MapOptions takes time, filters, layers,"
                    f" page (or an option by its own name: {', '.join(_GROUP_OF)})"
                )
            extra.setdefault(_GROUP_OF[name], {})[name] = value
        for cls, value in given.items():
            # One check of the whole group: the grouped and the flat options merged.
            group = (
                cls.from_dict({**_as_dict(cls, value), **extra[cls]})
                if cls in extra
                else _group(cls, value)
            )
            object.__setattr__(self, cls.TABLE, group)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> MapOptions:
        """Options from a plain dict: grouped (``{"time": {...}}``) or flat (``{"step": ...}``).

        Examples
        --------
        >>> MapOptions.from_dict({"filters": {"kinds": ["civcas"]}}).filters.kinds
        ('civcas',)
        >>> MapOptions.from_dict({"colour": "red"})
        Traceback (most recent call last):
        ...
        geoconflict.errors.OptionError: colour: unknown option; MapOptions takes time, filters, ...
        """
        values = dict(values or {})
        return cls(**{str(k): v for k, v in values.items()})

    def replace(self, **groups: Any) -> MapOptions:
        """These options with some groups replaced (None keeps a group as it is).

        Examples
        --------
        >>> MapOptions().replace(page={"chart": "none"}).page.chart
        'none'
        """
        current = {cls.TABLE: getattr(self, cls.TABLE) for cls in GROUPS}
        current.update({k: v for k, v in groups.items() if v is not None})
        return MapOptions(**current)

    def page_config(self) -> dict[str, Any]:
        """The options the page's JS reads (JSON-able).

        Examples
        --------
        >>> MapOptions().page_config()["step"]
        'week'
        """
        t, f, p = self.time, self.filters, self.page
        return {
            "mode": t.mode,
            "window_days": int(t.window_days),
            "step": t.step,
            "speed": float(t.speed),
            "chart": p.chart,
            "kinds": list(f.kinds),
            "gradings": list(f.gradings),
            "html_notes": bool(p.html_notes),
        }


def check_basemap(value: Any, fail: Fail = option_error) -> str:
    """Check a basemap: ``"osm"``, ``"none"`` or a plain http(s) tile URL template.

    A tile URL needs ``{z}``, ``{x}`` and ``{y}`` and a plain host name (no
    credentials, no markup: the host is shown in the page's attribution).

    Examples
    --------
    >>> check_basemap("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    'https://{s}.tile.example.org/{z}/{x}/{y}.png'
    >>> check_basemap("osn")
    Traceback (most recent call last):
    ...
    geoconflict.errors.OptionError: basemap: expected 'osm', 'none' or a plain http(s) tile URL, \
got 'osn'; did you mean 'osm'?
    """
    if not isinstance(value, str):
        raise fail("basemap", f"expected 'osm', 'none' or a URL, got {type_name(value)}")
    if value in BASEMAPS:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not value.startswith(("https://", "http://")):
        raise fail(
            "basemap",
            f"expected 'osm', 'none' or a plain http(s) tile URL, got {value!r}"
            + _hint(value, BASEMAPS),
        )
    if "@" in parts.netloc or not _HOST_RE.fullmatch(parts.hostname or ""):
        raise fail(
            "basemap", f"a tile URL must be a plain http(s) URL with a host name, got {value!r}"
        )
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in value]
    if missing:
        raise fail("basemap", f"a tile URL template needs {', '.join(missing)}")
    return value


def check_bbox(value: Any, fail: Fail = option_error) -> tuple[float, float, float, float]:
    """Check an extent given as a box: ``[west, south, east, north]`` in degrees.

    Examples
    --------
    >>> check_bbox([42.9, 36.2, 43.3, 36.5])
    (42.9, 36.2, 43.3, 36.5)
    >>> check_bbox((44, 36, 43, 35))
    Traceback (most recent call last):
    ...
    geoconflict.errors.OptionError: extent: expected [west, south, east, north] in degrees \
with west < east and south < north
    """
    expected = "expected [west, south, east, north] in degrees"
    if not isinstance(value, list | tuple) or len(value) != 4:
        raise fail("extent", f"{expected}, got {value!r}")
    if not all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in value):
        raise fail("extent", f"{expected}: four numbers")
    w, s, e, n = (float(x) for x in value)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise fail("extent", f"{expected} with west < east and south < north")
    return (w, s, e, n)


# -- the spec's other keys (documented here, checked by geoconflict.build.spec) ------------
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

#: Every table of a spec, in the order of the reference: (heading, name, keys, intro).
SPEC_TABLES: tuple[tuple[str, str, dict[str, Key], str], ...] = (
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
        for g in GROUPS
    ),
    ("[outputs]", "outputs", SPEC_OUTPUTS, "What files the spec becomes (in the output folder)."),
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


def spec_reference_markdown() -> str:
    """The map spec reference, as MyST Markdown: every table and key, from this schema.

    Committed as ``docs/reference/spec.md``; a test checks that the file is this text.

    Examples
    --------
    >>> text = spec_reference_markdown()
    >>> text.splitlines()[0], "| `window_days` | integer (1 to 3660) | `30` |" in text
    ('# Spec reference', True)
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
    groups = {g.TABLE for g in GROUPS}
    for heading, name, keys, intro in SPEC_TABLES:
        lines += [f"## `{heading}`" if heading != "Top level" else f"## {heading}", ""]
        lines += [intro, ""]
        lines += ["| key | type | default | allowed | what it does |", "|---|---|---|---|---|"]
        for key in keys.values():
            kind = _type(key, name in groups).replace("|", "\\|")
            allowed = _cell(key.allowed) if key.allowed else ""
            default = "all" if key.type == "subset" else _cell(key.default)
            doc = key.doc.replace("|", "\\|")
            lines.append(f"| `{key.name}` | {kind} | {default} | {allowed} | {doc} |")
        lines.append("")
    return "\n".join(lines)
