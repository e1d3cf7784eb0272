"""One key of the options schema, and the check of one value against it.

A :class:`Key` says what a key of a map spec takes: its type, default, allowed values,
range and a one-line doc. The option groups (:mod:`geoconflict.render.options`) declare
each field with :func:`option_field`, which keeps the field's key in its ``metadata``
(read back by :func:`option_keys`); the spec's other keys are tables of keys
(:mod:`geoconflict.render.speckeys`). :func:`check_value` applies a key to a value, and
:func:`check_basemap` and :func:`check_bbox` check the two values that are not one key's
type. ``make_map``, the groups' constructors and the spec validator
(:mod:`geoconflict.build.spec`) all go through them, so a bad value gets the same
:class:`~geoconflict.errors.OptionError` (a :class:`~geoconflict.errors.GeoconflictError`
and :class:`ValueError`) naming the option and the allowed values, or, in a spec, the
same message as a :class:`~geoconflict.errors.SpecError` naming the file: each check
takes ``fail(key, message)``, the exception to raise.

The allowed values of the options' choices and the basemap's keywords are declared here,
once each.
"""

from __future__ import annotations

import datetime as dt
import difflib
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from geoconflict.errors import OptionError

#: How the time control selects events.
MODES: tuple[str, ...] = ("cumulative", "window")
#: The chart under the slider.
CHARTS: tuple[str, ...] = ("events", "weapons", "none")
#: Basemaps besides a tile URL template.
BASEMAPS: tuple[str, ...] = ("osm", "none")
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
    >>> key = Key("mode", "choice", "cumulative", "how the slider selects", allowed=MODES)
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


def option_field(
    type_: str,
    default: Any,
    doc: str,
    *,
    allowed: tuple[str, ...] | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """A dataclass field whose metadata is its :class:`Key` (read by :func:`option_keys`).

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Group:
    ...     days: int = option_field("integer", 30, "a length in days", low=1, high=90)
    >>> Group().days, option_keys(Group)[0].high
    (30, 90)
    """
    meta = {"type": type_, "doc": doc, "allowed": allowed, "low": low, "high": high}
    return field(default=default, metadata=meta)


def option_keys(group: type | object) -> tuple[Key, ...]:
    """The schema of an option group: one :class:`Key` per field, in order.

    Examples
    --------
    >>> from geoconflict.render.options import FilterOptions
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


def close_match(value: str, allowed: Sequence[str]) -> str | None:
    """The allowed value closest to a misspelt one (for a did-you-mean), or None.

    Examples
    --------
    >>> close_match("mnth", ("day", "week", "month")), close_match("year", ("day", "week"))
    ('month', None)
    """
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    return close[0] if close else None


def _hint(value: str, allowed: tuple[str, ...]) -> str:
    close = close_match(value, allowed)
    return f"; did you mean {close!r}?" if close else ""


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
    >>> from geoconflict.vocab import STEPS
    >>> step = Key("step", "choice", "week", "what play advances by", allowed=STEPS)
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
    close = close_match(key, allowed)
    hint = f"did you mean {close!r}?" if close else f"expected one of {allowed}"
    return fail(where, f"unknown key; {hint}")


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
