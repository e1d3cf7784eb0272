"""One spec to one page: read its inputs into an event table, then render the map.

This is the part of a build that runs in a worker process. It only joins the
other stages (``sources``, ``datasets``, ``synthetic``, ``render``); the work
itself is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geoconflict.build.spec import InputSpec, MapSpec
from geoconflict.errors import GeoconflictError, SpecError


@dataclass
class LoadedEvents:
    """The events a spec's inputs gave, and the records they rejected.

    ``events`` is ``None`` when the spec names no inputs (the renderer then
    shows the shipped incidents). ``rejects`` has the ledger columns plus
    ``input`` (which input the record came from).
    """

    events: Any
    rejects: Any
    records: int = 0

    def add_skipped(self, skipped: Any) -> None:
        """Add the events the renderer could not draw to the ledger (input ``render``)."""
        if skipped is None or not len(skipped):
            return
        import pandas as pd

        from geoconflict.events import REJECT_COLUMNS

        extra = skipped[list(REJECT_COLUMNS)].copy()
        extra.insert(0, "input", "render")
        frames = [f for f in (self.rejects, extra) if f is not None and len(f)]
        self.rejects = pd.concat(frames, ignore_index=True)

    @property
    def rejected(self) -> int:
        if self.rejects is None or not len(self.rejects):
            return 0
        return int(self.rejects[["input", "row"]].drop_duplicates().shape[0])


def input_label(spec: MapSpec, item: InputSpec) -> str:
    """A short name for an input: its path relative to the spec's folder, or its kind.

    Examples
    --------
    >>> from pathlib import Path
    >>> spec = MapSpec(name="m", path=Path("/x/maps/m.toml"), title="M")
    >>> input_label(spec, InputSpec(kind="file", path=Path("/x/data/e.csv")))
    '../data/e.csv'
    >>> input_label(spec, InputSpec(kind="synthetic", synthetic=10, seed=2))
    'synthetic:10:2'
    """
    import os

    if item.kind == "file" and item.path is not None:
        return os.path.relpath(item.path, spec.path.parent).replace(os.sep, "/")
    if item.kind == "dataset":
        return f"dataset:{item.dataset}"
    return f"synthetic:{item.synthetic}:{item.seed}"


def load_events(spec: MapSpec) -> LoadedEvents:
    """Read every input of a spec into one event table (column contract).

    Files go through :func:`geoconflict.sources.read_events` (rejected records are
    kept in the ledger, never dropped silently); ``dataset`` inputs come from
    :func:`geoconflict.datasets.load`; ``synthetic`` inputs from
    :func:`geoconflict.synthetic.synthetic_events`. Repeated ``event_id`` values
    across inputs get ``-2``, ``-3`` suffixes.

    Examples
    --------
    >>> from pathlib import Path
    >>> spec = MapSpec(name="m", path=Path("m.toml"), title="M",
    ...                inputs=(InputSpec(kind="synthetic", synthetic=3, seed=1),))
    >>> loaded = load_events(spec)
    >>> len(loaded.events), loaded.rejected
    (3, 0)
    """
    import geopandas as gpd
    import pandas as pd

    from geoconflict.events import REJECT_COLUMNS, dedupe_ids

    if not spec.inputs:
        return LoadedEvents(events=None, rejects=None)
    frames = []
    rejects = []
    records = 0
    for i, item in enumerate(spec.inputs):
        label = input_label(spec, item)
        if item.kind == "file":
            frame, rej, n = _read_file(spec, i, item)
            if len(rej):
                rej = rej[list(REJECT_COLUMNS)].copy()
                rej.insert(0, "input", label)
                rejects.append(rej)
        elif item.kind == "dataset":
            frame = _load_dataset(spec, i, item)
            n = len(frame)
        else:
            from geoconflict.synthetic import synthetic_events

            frame = synthetic_events(item.synthetic, seed=item.seed)
            n = len(frame)
        records += n
        frames.append(_conformed(frame))
    events = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    events = gpd.GeoDataFrame(events, geometry="geometry", crs="EPSG:4326")
    if events["event_id"].duplicated().any():
        events["event_id"] = dedupe_ids(events["event_id"].astype(object).tolist())
    ledger = (
        pd.concat(rejects, ignore_index=True)
        if rejects
        else pd.DataFrame({c: [] for c in ("input", *REJECT_COLUMNS)})
    )
    return LoadedEvents(events=events, rejects=ledger, records=records)


def _conformed(frame: Any) -> Any:
    """The frame itself when it already follows the contract (readers' output), else conformed.

    Conforming again is not free (it coerces every text column), so skip it
    when the columns and CRS are already right.
    """
    from geoconflict.events import CRS, EVENT_COLUMNS, conform

    crs = getattr(frame, "crs", None)
    if set(EVENT_COLUMNS) <= set(frame.columns) and crs is not None and crs.equals(CRS):
        return frame
    return conform(frame)


def _read_file(spec: MapSpec, i: int, item: InputSpec) -> tuple[Any, Any, int]:
    from geoconflict.sources import read_events

    assert item.path is not None
    if not item.path.exists():
        raise SpecError(spec.path, f"inputs[{i}].path", f"no such file: {item.path}")
    options: dict[str, Any] = dict(item.options)
    if item.columns:
        options["columns"] = dict(item.columns)
    try:
        result = read_events(item.path, format=item.format, **options)
    except TypeError as exc:
        raise SpecError(spec.path, f"inputs[{i}]", f"reader options not accepted: {exc}") from None
    except GeoconflictError as exc:
        raise SpecError(spec.path, f"inputs[{i}]", f"cannot read the input: {exc}") from None
    return result.events, result.rejects, int(result.records)


def _load_dataset(spec: MapSpec, i: int, item: InputSpec) -> Any:
    from geoconflict import datasets

    try:
        frame = datasets.load(str(item.dataset))
    except (KeyError, ValueError, FileNotFoundError) as exc:
        raise SpecError(
            spec.path, f"inputs[{i}].dataset", f"not a shipped event dataset: {exc}"
        ) from None
    if "date_start" not in frame.columns:
        raise SpecError(
            spec.path,
            f"inputs[{i}].dataset",
            f"{item.dataset!r} is not an event dataset (no date_start); try 'incidents'",
        )
    return frame


@dataclass
class Page:
    """A rendered page, and the events the renderer could not draw (ledger columns)."""

    html: str
    skipped: Any = None


def render_page(spec: MapSpec, events: Any, *, asset_dir: str | None = None) -> Page:
    """Render a spec's map with :func:`geoconflict.render.make_map` and return its page.

    The HTML is byte-stable: the same spec and events give the same bytes. Events
    the map cannot draw (no date or no location) come back in ``Page.skipped``.
    """
    import warnings

    from geoconflict import render

    with warnings.catch_warnings():
        # Undrawable events are reported through Page.skipped, not as a warning.
        warnings.simplefilter("ignore", UserWarning)
        m = render.make_map(
            events,
            areas=_areas(spec),
            territory="default",
            places="default",
            title=spec.title,
            subtitle=spec.subtitle,
            credits=spec.credits,
            start=spec.start.isoformat() if spec.start else None,
            end=spec.end.isoformat() if spec.end else None,
            extent=_extent(spec),
            basemap=spec.basemap,
            options=_map_options(render, spec),
        )
    html: str = render.to_html(m, assets=spec.assets, asset_dir=asset_dir)
    return Page(html=html, skipped=getattr(m, "skipped", None))


def _areas(spec: MapSpec) -> Any:
    """The study areas to outline: ``"default"``, None, or the named shipped areas."""
    if spec.areas == "none":
        return None
    if spec.areas == "default":
        return "default"
    from geoconflict import datasets

    areas = datasets.load("areas")
    picked = areas[areas["area_id"].isin(list(spec.areas))]
    missing = sorted(set(spec.areas) - set(picked["area_id"]))
    if missing:
        known = sorted(areas["area_id"])
        raise SpecError(spec.path, "areas", f"{missing} not in the shipped study areas {known}")
    return picked


def _extent(spec: MapSpec) -> Any:
    if spec.extent is not None:
        return spec.extent
    if isinstance(spec.areas, tuple):
        return list(spec.areas)
    return None


def _map_options(render: Any, spec: MapSpec) -> Any:
    """The spec's page settings as the renderer's ``MapOptions`` (only the fields it has)."""
    import dataclasses

    cls = getattr(render, "MapOptions", None)
    if cls is None:
        return None
    wanted: dict[str, Any] = {
        "chart": spec.chart,
        "mode": spec.time.mode,
        "window_days": spec.time.window_days,
        "step": spec.time.step,
        "speed": spec.time.speed,
        "date": spec.time.date.isoformat() if spec.time.date else None,
        "kinds": tuple(spec.filters.kinds),
        "gradings": tuple(spec.filters.gradings),
        **dict(spec.layers),
    }
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in wanted.items() if k in names})
