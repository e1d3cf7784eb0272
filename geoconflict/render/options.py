"""MapOptions: the few settings of a map page that are not data, in one dataclass."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from geoconflict.errors import GeoconflictError
from geoconflict.events import GRADINGS, KINDS

MODES = ("cumulative", "window")
STEPS = ("day", "week", "month")
CHARTS = ("events", "weapons", "none")


@dataclass(frozen=True)
class MapOptions:
    """How the page behaves; data and titles are :func:`~geoconflict.make_map` arguments.

    Attributes
    ----------
    mode : {"cumulative", "window"}
        Cumulative shows events with ``date_start <= D``; window shows those with
        any day in the window: ``date_start <= D`` and ``date_end > D - window_days``.
    window_days : int
        Length of the window in days.
    step : {"day", "week", "month"}
        What play and the step buttons advance by.
    speed : float
        Steps per second when playing.
    date : str or None
        The slider's date when the page opens (default: the last date).
    chart : {"events", "weapons", "none"}
        The chart under the slider: events per period, or weapons released per
        month (``datasets.load("weapons_monthly")``).
    kinds, gradings : tuple of str
        The kinds and gradings whose filter boxes start ticked.
    territory, areas, rivers, places, protected, grid : bool
        Which layers start shown (each can be toggled in the layer control).
    width, height : str
        CSS size of the map (``"100%"``, ``"800px"``).
    html_notes : bool
        Opt-in: show ``notes`` as HTML in popups, cleaned to an allow-list of
        formatting tags and ``http(s)``/``mailto`` links
        (:mod:`geoconflict.render.sanitize`); anything else shows as text or is
        dropped. Off by default: all text shows as text.

    Examples
    --------
    >>> MapOptions(mode="window", window_days=14).window_days
    14
    >>> MapOptions(step="year")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoconflict.errors.GeoconflictError: MapOptions.step must be one of (...), got 'year'
    """

    mode: str = "cumulative"
    window_days: int = 30
    step: str = "week"
    speed: float = 4.0
    date: str | None = None
    chart: str = "events"
    kinds: tuple[str, ...] = KINDS
    gradings: tuple[str, ...] = GRADINGS
    territory: bool = True
    areas: bool = True
    rivers: bool = True
    places: bool = True
    protected: bool = True
    grid: bool = True
    width: str = "100%"
    height: str = "100%"
    html_notes: bool = False

    def __post_init__(self) -> None:
        fixed: tuple[tuple[str, tuple[str, ...]], ...] = (
            ("mode", MODES),
            ("step", STEPS),
            ("chart", CHARTS),
        )
        for key, values in fixed:
            value = getattr(self, key)
            if value not in values:
                raise GeoconflictError(f"MapOptions.{key} must be one of {values}, got {value!r}")
        if int(self.window_days) < 1:
            raise GeoconflictError(f"MapOptions.window_days must be >= 1, got {self.window_days}")
        if not float(self.speed) > 0:
            raise GeoconflictError(f"MapOptions.speed must be > 0, got {self.speed}")
        choices: tuple[tuple[str, tuple[str, ...]], ...] = (
            ("kinds", KINDS),
            ("gradings", GRADINGS),
        )
        for name, allowed in choices:
            bad = [v for v in getattr(self, name) if v not in allowed]
            if bad:
                raise GeoconflictError(f"MapOptions.{name}: {bad} not in {allowed}")

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> MapOptions:
        """Make options from a plain dict (a spec's table), naming unknown keys.

        Examples
        --------
        >>> MapOptions.from_dict({"step": "month", "kinds": ["civcas"]}).kinds
        ('civcas',)
        """
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise GeoconflictError(f"unknown MapOptions keys {unknown}; known: {sorted(known)}")
        for name in ("kinds", "gradings"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)

    def page_config(self) -> dict[str, Any]:
        """The options the page's JS reads (JSON-able)."""
        return {
            "mode": self.mode,
            "window_days": int(self.window_days),
            "step": self.step,
            "speed": float(self.speed),
            "chart": self.chart,
            "kinds": list(self.kinds),
            "gradings": list(self.gradings),
            "html_notes": bool(self.html_notes),
        }
