"""The options of a map page in one schema: ``make_map``'s four groups, a spec's tables.

The options come in four groups, one per table of a map spec (``maps/*.toml``):

- :class:`TimeOptions` (``[time]``): how the time control starts;
- :class:`FilterOptions` (``[filters]``): the filter boxes ticked when the page opens;
- :class:`LayerOptions` (``[layers]``): the layers shown when the page opens;
- :class:`PageOptions` (``[page]``): the chart under the slider, the map's size, notes
  as HTML.

:class:`MapOptions` holds the four. Each field is declared once, here, with its type,
default, allowed values and a one-line doc (a :class:`~geoconflict.render.optionkeys.Key`
in the field's ``metadata``, read back by :func:`~geoconflict.render.optionkeys.option_keys`);
:func:`~geoconflict.render.optionkeys.check_value` applies it. ``make_map(time=..., ...)``,
the groups' constructors and the spec validator (:mod:`geoconflict.build.spec`) all go
through it, so a bad value gets the same :class:`~geoconflict.errors.OptionError` (a
:class:`~geoconflict.errors.GeoconflictError` and :class:`ValueError`) naming the option
and the allowed values, or, in a spec, the same message as a
:class:`~geoconflict.errors.SpecError` naming the file.

What a key is and how one value is checked live in :mod:`geoconflict.render.optionkeys`;
the spec's other keys (its top level, ``[[inputs]]``, ``[outputs]``) and the writer of the
spec reference in :mod:`geoconflict.render.speckeys`. This module puts the two together
(:data:`SPEC_TABLES`, :func:`spec_reference_markdown`) and re-exports their names, so
``from geoconflict.render.options import Key, SPEC_TOP, check_value`` works as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypeVar

from geoconflict.errors import OptionError
from geoconflict.render.optionkeys import BASEMAPS as BASEMAPS
from geoconflict.render.optionkeys import (
    CHARTS,
    MODES,
    WITHIN,
    Fail,
    check_value,
    close_match,
    option_error,
    option_field,
    option_keys,
    unknown_key,
)
from geoconflict.render.optionkeys import Key as Key
from geoconflict.render.optionkeys import check_basemap as check_basemap
from geoconflict.render.optionkeys import check_bbox as check_bbox
from geoconflict.render.optionkeys import type_name as type_name
from geoconflict.render.speckeys import EVENT_DATASETS as EVENT_DATASETS
from geoconflict.render.speckeys import SPEC_INPUT as SPEC_INPUT
from geoconflict.render.speckeys import SPEC_OUTPUTS as SPEC_OUTPUTS
from geoconflict.render.speckeys import SPEC_PNG as SPEC_PNG
from geoconflict.render.speckeys import SPEC_READER as SPEC_READER
from geoconflict.render.speckeys import SPEC_TOP as SPEC_TOP
from geoconflict.render.speckeys import SPEC_VIDEO as SPEC_VIDEO
from geoconflict.render.speckeys import SpecTable, reference_markdown, spec_tables
from geoconflict.vocab import GRADINGS, KINDS, STEPS

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

    mode: str = option_field(
        "choice",
        "cumulative",
        "cumulative: events with date_start <= D; window: those with a day in the window",
        allowed=MODES,
    )
    window_days: int = option_field(
        "integer", 30, "length of the window in days (window mode)", low=1, high=3660
    )
    step: str = option_field(
        "choice", "week", "what play and the step buttons advance by", allowed=STEPS
    )
    speed: float = option_field("number", 4.0, "steps per second when playing", low=0, high=100)
    date: dt.date | None = option_field(  # noqa: RUF009 - option_field returns a dataclasses.field
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

    kinds: tuple[str, ...] = option_field(
        "subset", KINDS, "the event kinds shown (non-empty, no repeats)", allowed=KINDS
    )
    gradings: tuple[str, ...] = option_field(
        "subset", GRADINGS, "the gradings shown (non-empty, no repeats)", allowed=GRADINGS
    )
    within: str = option_field(
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

    territory: bool = option_field("boolean", True, "cleared territory, coloured by status")
    areas: bool = option_field("boolean", True, "the study areas' outlines")
    rivers: bool = option_field("boolean", True, "rivers")
    places: bool = option_field("boolean", True, "towns and other places")
    protected: bool = option_field("boolean", True, "protected sites (mosques, hospitals, …)")
    grid: bool = option_field("boolean", True, "the MGRS grid, with the mouse position's reference")
    strikes: bool = option_field(
        "boolean",
        False,
        "add the declared strikes (in a spec: the shipped CENTCOM/CJTF-OIR releases): a circle"
        " per place, sized by its strikes in the slider's window",
    )
    links: bool = option_field(
        "boolean",
        False,
        "add the links: a line from each event to each declared strike near it in space and"
        " time, and a filter (only events with / without one)",
    )
    links_within_m: float = option_field(
        "number",
        5000.0,
        "links (only with links on): the greatest distance, in metres (geodesic)",
        low=0,
        high=500_000,
    )
    links_within_days: int = option_field(
        "integer",
        1,
        "links (only with links on): the most days between the two events' dates",
        low=0,
        high=3660,
    )
    links_uncertainty: bool = option_field(
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

    chart: str = option_field(
        "choice",
        "events",
        "the chart under the slider: events per period, or weapons released per month",
        allowed=CHARTS,
    )
    width: str = option_field("size", "100%", "CSS width of the map")
    height: str = option_field("size", "100%", "CSS height of the map")
    html_notes: bool = option_field(
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
                close = close_match(name, (*_GROUP_OF, *given_names))
                hint = f"did you mean {close!r}? " if close else ""
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


#: Every table of a spec, in the order of the reference: (heading, name, keys, intro).
SPEC_TABLES: tuple[SpecTable, ...] = spec_tables(GROUPS)


def spec_reference_markdown() -> str:
    """The map spec reference, as MyST Markdown: every table and key, from this schema.

    Committed as ``docs/reference/spec.md``; a test checks that the file is this text.

    Examples
    --------
    >>> text = spec_reference_markdown()
    >>> text.splitlines()[0], "| `window_days` | integer (1 to 3660) | `30` |" in text
    ('# Spec reference', True)
    """
    return reference_markdown(SPEC_TABLES, {g.TABLE for g in GROUPS})
