"""`geoconflict mgrs`: convert MGRS grid references to latitude/longitude, and back.

    geoconflict mgrs 38SLF2939918898 "4qfj 12345 67890"
    geoconflict mgrs --input refs.csv --column grid --output out.csv
    geoconflict mgrs --reverse -- 36.3,43.1 -33.9,18.4
    geoconflict mgrs --reverse --input points.csv --lat lat --lon lon --precision 4

Exit codes: 0 all converted, 1 some rejected (each says why), 2 usage or input errors.
REF arguments (either way) are converted without pandas or pyarrow, for a quick start;
CSV files are read with pandas.
A band letter one band off next to a band edge is read, as GeographicLib reads it, and
noted ("band letter adjusted: 50SMK5045027900").
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

from geoconflict.errors import GeoconflictError, SourceFormatError


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        "mgrs",
        help="convert MGRS grid references to lat/lon (or back with --reverse)",
        description=(
            "Convert MGRS grid references to latitude/longitude (any case, spaces between "
            "groups, 1- or 2-digit zones, 0-5 digit pairs). With --reverse, convert "
            "'LAT,LON' pairs (or --lat/--lon columns) to MGRS. Rejected references get a "
            "reason. Exit 0 when all converted, 1 when some were rejected, 2 on usage errors. "
            "Put '--' before negative coordinates: geoconflict mgrs --reverse -- -33.9,18.4"
        ),
    )
    p.add_argument("refs", nargs="*", metavar="REF", help="references (or LAT,LON with --reverse)")
    p.add_argument("--input", "-i", metavar="CSV", help="read a CSV file instead of REF arguments")
    p.add_argument(
        "--column",
        "-c",
        default="mgrs",
        help="column of references in --input (default: mgrs); with --reverse, the column written",
    )
    p.add_argument(
        "--output", "-o", metavar="CSV", help="write the CSV here (atomically); default stdout"
    )
    p.add_argument(
        "--anchor",
        choices=("center", "sw"),
        default="center",
        help="point of the grid cell to return: its centre (default) or south-west corner",
    )
    p.add_argument("--reverse", action="store_true", help="latitude/longitude -> MGRS")
    p.add_argument(
        "--lat", default="lat", help="latitude column with --reverse --input (default lat)"
    )
    p.add_argument(
        "--lon", default="lon", help="longitude column with --reverse --input (default lon)"
    )
    p.add_argument(
        "--precision",
        type=int,
        choices=range(6),
        default=5,
        metavar="{0..5}",
        help="digits per axis with --reverse: 5 = 1 m (default) … 0 = 100 km",
    )
    return p


def run(args: argparse.Namespace) -> int:
    if args.input and args.refs:
        raise GeoconflictError("give either REF arguments or --input, not both")
    if not args.input and not args.refs:
        raise GeoconflictError("nothing to convert: give REF arguments or --input CSV")
    if args.input:
        return _run_file(args)
    return _run_args(args)


def _fmt(value: float) -> str:
    return f"{value:.8f}"


def _run_args(args: argparse.Namespace) -> int:
    from geoconflict import grid

    rejected = 0
    lines = []
    if args.reverse:
        lat, lon, bad = _pairs(args.refs)
        refs = grid.from_latlon(lat, lon, precision=args.precision)
        for text, ref, why in zip(args.refs, refs, bad, strict=True):
            if ref is None:
                rejected += 1
                reason = why or "latitude must be within -90..90 and longitude within -180..180"
                lines.append(f"{text}\terror: {reason}")
            else:
                lines.append(f"{text}\t{ref}")
    else:
        cols = grid.parse_arrays(args.refs, anchor=args.anchor)  # numpy only, no pandas
        for i, text in enumerate(args.refs):
            if cols["error"][i]:
                rejected += 1
                lines.append(f"{text}\terror: {cols['error'][i]}")
            else:
                lat, lon, size = cols["lat"][i], cols["lon"][i], int(cols["precision_m"][i])
                line = f"{text}\t{_fmt(lat)}\t{_fmt(lon)}\t{size}"
                if cols["band_adjusted"][i]:  # read as GeographicLib does; say so
                    line += f"\tband letter adjusted: {cols['canonical'][i]}"
                lines.append(line)
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 1 if rejected else 0


def _pairs(texts: list[str]) -> tuple[list[float], list[float], list[str]]:
    """Parse 'LAT,LON' arguments; a malformed one gets NaN and a reason."""
    nan = float("nan")
    lat, lon, why = [], [], []
    for text in texts:
        parts = text.replace(";", ",").split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            a, b = float(parts[0]), float(parts[1])
        except ValueError:
            lat.append(nan)
            lon.append(nan)
            why.append(f"expected LAT,LON in degrees, got {text!r}")
            continue
        lat.append(a)
        lon.append(b)
        why.append("")
    return lat, lon, why


def _read_csv(path: Path, columns: list[str]) -> Any:
    import pandas as pd

    if not path.is_file():
        raise SourceFormatError("no such file", path=path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SourceFormatError(f"cannot read as CSV: {exc}", path=path) from exc
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise SourceFormatError(
            "the header names a column more than once", path=path, field=twice[0]
        )
    for col in columns:
        if col not in frame.columns:
            have = ", ".join(map(str, frame.columns)) or "none"
            raise SourceFormatError(f"no such column (columns: {have})", path=path, field=col)
    return frame


def _refuse_overwrite(frame: Any, path: Path, added: list[str]) -> None:
    """The output adds ``added`` columns: refuse when the input already has one of them."""
    clash = [c for c in added if c in frame.columns]
    if clash:
        raise SourceFormatError(
            f"already has column(s) {clash}, which the output would overwrite; rename them first",
            path=path,
            field=clash[0],
        )


def _write_csv(frame: Any, output: str | None) -> None:
    from geoconflict._io import atomic_open

    if output is None:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    with atomic_open(output, "w", newline="") as fh:
        frame.to_csv(fh, index=False, lineterminator="\n")


def _run_file(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from geoconflict import grid

    path = Path(args.input)
    adjusted = 0
    if args.reverse:
        frame = _read_csv(path, [args.lat, args.lon])
        _refuse_overwrite(frame, path, [args.column, "error"])
        lat = pd.to_numeric(frame[args.lat].str.strip(), errors="coerce").to_numpy(float)
        lon = pd.to_numeric(frame[args.lon].str.strip(), errors="coerce").to_numpy(float)
        refs = grid.from_latlon(lat, lon, precision=args.precision)
        missing = np.asarray(pd.isna(refs), dtype=bool)
        frame[args.column] = refs
        frame["error"] = np.where(
            missing, "latitude/longitude missing, not a number or out of range", ""
        )
        rejected = int(missing.sum())
    else:
        frame = _read_csv(path, [args.column])
        _refuse_overwrite(frame, path, ["lat", "lon", "precision_m", "error"])
        parsed = grid.parse(frame[args.column], anchor=args.anchor)
        frame["lat"] = parsed["lat"].round(8)
        frame["lon"] = parsed["lon"].round(8)
        frame["precision_m"] = parsed["precision_m"].astype("Int64")
        frame["error"] = parsed["error"]
        rejected = int((parsed["error"] != "").sum())
        adjusted = int(parsed["band_adjusted"].sum())
    _write_csv(frame, args.output)
    total = len(frame)
    print(
        f"geoconflict mgrs: {total - rejected} of {total} converted, {rejected} rejected"
        + (f" (see the error column of {args.output})" if rejected and args.output else "")
        + (f"; {adjusted} read with the band letter adjusted" if adjusted else ""),
        file=sys.stderr,
    )
    return 1 if rejected else 0
