"""One spec to one page: read its inputs into an event table, then render the map.

This is the part of a build that runs in a worker process. It only joins the
other stages (``sources``, ``datasets``, ``synthetic``, ``render``); the work
itself is theirs. The one thing it adds is :func:`input_cache`: specs that
share an event file read it once per build.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoconflict.build.spec import InputSpec, MapSpec
from geoconflict.errors import GeoconflictError, SpecError

#: ``renderer(spec, events, asset_dir=...)`` -> HTML text, or a :class:`Page`.
Renderer = Callable[..., Any]
#: ``reader(path, format, options)`` -> ``(events, rejects, records)``: reads one input
#: file (default :func:`read_input`); a build can be given another (e.g. in tests).
Reader = Callable[[Path, Any, dict[str, Any]], tuple[Any, Any, int]]


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


def load_events(spec: MapSpec, *, reader: Reader | None = None) -> LoadedEvents:
    """Read every input of a spec into one event table (column contract).

    Files go through ``reader`` (default :func:`read_input`, which calls
    :func:`geoconflict.sources.read_events`; rejected records are
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
            frame, rej, n = _read_file(spec, i, item, reader or read_input)
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


#: Inputs already read in this build (see :func:`input_cache`); None when off.
_CACHE: dict[tuple[Any, ...], tuple[Any, Any, int]] | None = None
#: Reads still to come of each file the build's specs share; None: keep every read.
_USES: dict[tuple[Any, ...], int] | None = None


@contextlib.contextmanager
def input_cache(
    specs: Iterable[MapSpec] | None = None,
) -> Iterator[dict[tuple[Any, ...], tuple[Any, Any, int]]]:
    """Read each input file once while the block runs, however many specs name it.

    A desk's specs often share one event file; reading and validating it again
    for every spec is most of a build's work. Inside the block, :func:`load_events`
    keeps what it read, keyed by the file's identity and content stamp (resolved
    path, size, modification and change times in ns, inode) and the reader
    options, so a file that changes is read again. Tables are shared, not copied:
    pandas' copy-on-write keeps the cached table unchanged when a caller edits
    its own. Worker processes forked inside the block start with what the
    parent already read. The cache is dropped when the block ends.

    Parameters
    ----------
    specs : list of MapSpec, optional
        The specs about to be built. Given, only files that two or more of them
        name are kept, each until its last reader has had it, so memory holds
        no more than the shared inputs. None keeps every file read.

    Examples
    --------
    >>> from pathlib import Path
    >>> import tempfile
    >>> from geoconflict.build.spec import InputSpec, MapSpec
    >>> f = Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = f.write_text("event_id,date_start,lat,lon\\na,2017-01-02,36.3,43.1\\n")
    >>> spec = MapSpec(name="m", path=f.with_name("m.toml"), title="M",
    ...                inputs=(InputSpec(kind="file", path=f, format="csv"),))
    >>> with input_cache() as cache:
    ...     first, second = load_events(spec), load_events(spec)
    ...     len(cache), len(first.events), len(second.events)
    (1, 1, 1)
    """
    global _CACHE, _USES
    previous = _CACHE, _USES
    _CACHE = {}
    _USES = None if specs is None else shared_inputs(specs)
    try:
        yield _CACHE
    finally:
        _CACHE, _USES = previous


def _options(item: InputSpec) -> dict[str, Any]:
    options: dict[str, Any] = dict(item.options)
    if item.columns:
        options["columns"] = dict(item.columns)
    return options


def _cache_key(path: Path, fmt: Any, options: dict[str, Any]) -> tuple[Any, ...] | None:
    """What identifies one read of a file: its stamp and the reader options (None: don't cache)."""
    import json

    try:
        st = path.stat()
        opts = json.dumps(options, sort_keys=True, default=repr)
    except (OSError, TypeError, ValueError):
        return None
    if not path.is_file():  # a partitioned folder: its files may change beneath the stamp
        return None
    stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
    return (str(path.resolve()), stamp, str(fmt), opts)


def file_inputs(specs: Iterable[MapSpec]) -> Iterator[tuple[tuple[Any, ...], MapSpec, int]]:
    """(cache key, spec, input number) of every file input that can be cached.

    Examples
    --------
    >>> list(file_inputs([MapSpec(name="m", path=Path("m.toml"), title="M")]))
    []
    """
    for spec in specs:
        for i, item in enumerate(spec.inputs):
            if item.kind == "file" and item.path is not None:
                key = _cache_key(item.path, item.format, _options(item))
                if key is not None:
                    yield key, spec, i


def shared_inputs(specs: Iterable[MapSpec]) -> dict[tuple[Any, ...], int]:
    """How many times each file named by two or more of ``specs`` will be read.

    Examples
    --------
    >>> shared_inputs([MapSpec(name="m", path=Path("m.toml"), title="M")])
    {}
    """
    from collections import Counter

    counts = Counter(key for key, _spec, _i in file_inputs(specs))
    return {key: n for key, n in counts.items() if n > 1}


def shared_bytes(specs: Iterable[MapSpec]) -> int:
    """The bytes of the files two or more of ``specs`` name, each file counted once.

    Parameters
    ----------
    specs : iterable of MapSpec
        The specs of one build.

    Returns
    -------
    int
        The size of every file input named by two or more of them, summed.

    Examples
    --------
    >>> shared_bytes([MapSpec(name="m", path=Path("m.toml"), title="M")])
    0
    """
    # A key's second field is the file's stamp, which starts with its size.
    return sum(int(key[1][0]) for key in shared_inputs(specs))


def _read_file(
    spec: MapSpec, i: int, item: InputSpec, reader: Reader, *, use: bool = True
) -> tuple[Any, Any, int]:
    """Read one file input with ``reader`` (through the cache when one is active)."""
    assert item.path is not None
    if not item.path.exists():
        raise SpecError(spec.path, f"inputs[{i}].path", f"no such file: {item.path}")
    options = _options(item)
    key = _cache_key(item.path, item.format, options) if _CACHE is not None else None
    if key is not None and _CACHE is not None and key in _CACHE:
        read = _CACHE[key]
    else:
        try:
            read = reader(item.path, item.format, options)
        except TypeError as exc:
            raise SpecError(
                spec.path, f"inputs[{i}]", f"reader options not accepted: {exc}"
            ) from None
        except GeoconflictError as exc:
            raise SpecError(spec.path, f"inputs[{i}]", f"cannot read the input: {exc}") from None
        if key is not None and _CACHE is not None and (_USES is None or key in _USES):
            _CACHE[key] = read
    if use and key is not None and _USES is not None and key in _USES:
        _USES[key] -= 1
        if _USES[key] <= 0:  # its last reader: free the memory
            del _USES[key]
            if _CACHE is not None:
                _CACHE.pop(key, None)
    return read


def read_input(path: Path, fmt: Any, options: dict[str, Any]) -> tuple[Any, Any, int]:
    """Read one input file with :func:`geoconflict.sources.read_events`: the build's reader.

    Returns the events, the rejects ledger and the number of records read.

    Examples
    --------
    >>> from pathlib import Path
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = f.write_text("event_id,date_start,lat,lon\\na,2017-01-02,36.3,43.1\\nb,x,1,2\\n")
    >>> events, rejects, records = read_input(f, "csv", {})
    >>> len(events), len(rejects), records
    (1, 1, 2)
    """
    from geoconflict.sources import read_events

    result = read_events(path, format=fmt, **options)
    return result.events, result.rejects, int(result.records)


def preread(specs: Iterable[MapSpec], *, reader: Reader | None = None) -> int:
    """Read the files two or more of ``specs`` share into the active cache now.

    For a parallel build: read in the parent before the workers fork, a shared
    file is read once rather than once per worker. Returns the number of files
    read. A file that fails to read is left alone: each spec that names it
    reports the error when it is built.

    Examples
    --------
    >>> preread([])  # no cache active: nothing to do
    0
    """
    if _CACHE is None:
        return 0
    specs = list(specs)
    shared = shared_inputs(specs)
    done = 0
    seen: set[tuple[Any, ...]] = set()
    for key, spec, i in file_inputs(specs):
        if key in seen or key not in shared or key in _CACHE:
            continue
        seen.add(key)
        with contextlib.suppress(Exception):
            _read_file(spec, i, spec.inputs[i], reader or read_input, use=False)
            done += 1
    return done


def _load_dataset(spec: MapSpec, i: int, item: InputSpec) -> Any:
    """A shipped event table (one of ``EVENT_DATASETS``: incidents, declared strikes)."""
    from geoconflict import datasets
    from geoconflict.render.options import EVENT_DATASETS

    if item.dataset not in EVENT_DATASETS:
        raise SpecError(
            spec.path,
            f"inputs[{i}].dataset",
            f"{item.dataset!r} is not a shipped event table; choose one of {EVENT_DATASETS}",
        )
    try:
        return datasets.load(str(item.dataset))
    except (KeyError, ValueError, FileNotFoundError) as exc:
        raise SpecError(spec.path, f"inputs[{i}].dataset", f"cannot load: {exc}") from None


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

    # Imported here: folium and the layers are for the workers, not for parsing specs.
    from geoconflict.render.make import make_map
    from geoconflict.render.page import to_html

    with warnings.catch_warnings():
        # Undrawable events are reported through Page.skipped, not as a warning.
        warnings.simplefilter("ignore", UserWarning)
        m = make_map(
            events,
            title=spec.title,
            subtitle=spec.subtitle,
            credits=spec.credits,
            start=spec.start.isoformat() if spec.start else None,
            end=spec.end.isoformat() if spec.end else None,
            extent=_extent(spec),
            basemap=spec.basemap,
            options=spec.options,
            areas=_areas(spec),
        )
    html: str = to_html(m, assets=spec.assets, asset_dir=asset_dir)
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
