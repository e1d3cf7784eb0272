"""Build ``data/strikes.csv`` and ``data/strikes_rejects.csv`` from the strike-release lines.

The source is the compilation of CENTCOM / CJTF-OIR release lines in
``<shared>/sources/centcom-strike-releases/all-edited-refined.csv`` (one row per
"Near PLACE, N strikes …" line, Dec 2014 – Oct 2016; see its README). Each run of rows
with the same ``date`` is one release: it is written back as release text (a dateline,
then an "In Syria," / "In Iraq," heading whenever the row's ``country`` changes, then the
rows' ``line`` verbatim, one per text line) and read by the release reader
(:func:`geoconflict.sources.releases.read_release_text`) with the shipped gazetteer, so
the table is dated, parsed and located exactly as a release file would be. Each row then
takes the strike sentence its own line gave (a line holding two sentences, repeated on
two rows, gives the first to the first row and the second to the second).

One run is joined to the release before it: the compilation's hand-edited rows 3047–3048
(1 = the first data row) are dated by the strike day (Nov. 21, 2015) and follow row 3046,
whose line ends with the Nov. 23 release's late-report heading ("Additionally on Nov. 21,
two strikes occurred in Syria that were previously unreported:"). A run made only of
hand-edited rows that directly follows a hand-edited row is read as the rest of that
release.

Located lines go to ``strikes.csv`` (the event-table columns, plus ``country``,
``place_id``, ``release_date`` and ``compilation_row``); every other row goes to
``strikes_rejects.csv`` with the reader's reason. accepted + rejected == rows read.

    python tools/derive_strikes.py                  # shared folder: $GEOCONFLICT_SHARED,
                                                     # else ../shared
    python tools/derive_strikes.py --shared DIR --out data
    python tools/derive_strikes.py --check           # rebuild in memory, compare bytes

The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoconflict import gazetteer  # noqa: E402
from geoconflict._io import write_text  # noqa: E402
from geoconflict.events import content_id  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
from derive_io import shared_dir  # noqa: E402

from geoconflict.sources.releases import ReleaseTotalsWarning, read_release_text  # noqa: E402

SOURCE_FILE = Path("sources") / "centcom-strike-releases" / "all-edited-refined.csv"
#: Credit, as the source README asks.
CREDIT = (
    "strike-release lines compiled by Kevin Schaul (uscentcom-isil-airstrikes-scraper), "
    "from CENTCOM/CJTF-OIR releases"
)
SOURCE_URL = (
    "https://github.com/kevinschaul/uscentcom-isil-airstrikes-scraper/blob/"
    "fbfe0cf02f213e6e96be99ad81116727238e43dd/data/all-edited-refined.csv"
)
STRIKE_COLUMNS = (
    "event_id", "dataset", "kind", "date_start", "date_end", "date_precision", "place",
    "lat", "lon", "location_precision_m", "actor", "target", "strikes", "source",
    "source_url", "notes", "country", "place_id", "release_date", "compilation_row",
)  # fmt: skip
REJECT_COLUMNS = (
    "row", "field", "value", "reason", "release_date", "date_start", "country", "location",
    "number", "line", "source",
)  # fmt: skip
_MONTH_NAMES = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
                "Oct.", "Nov.", "Dec.")  # fmt: skip


def _releases(rows: pd.DataFrame) -> list[np.ndarray]:
    """The row positions of each release: runs of one date (and the late-report join)."""
    dates = rows["date"].to_numpy()
    manual = rows["manually_edited"].fillna("").str.lower().eq("true").to_numpy()
    starts = np.flatnonzero(np.r_[True, dates[1:] != dates[:-1]])
    bounds = list(zip(starts, np.r_[starts[1:], len(rows)], strict=True))
    groups: list[np.ndarray] = []
    for start, end in bounds:
        if groups and manual[start:end].all() and manual[start - 1]:
            groups[-1] = np.r_[groups[-1], np.arange(start, end)]
        else:
            groups.append(np.arange(start, end))
    return groups


def _release_text(rows: pd.DataFrame, positions: np.ndarray) -> tuple[str, dict[int, int]]:
    """Release text for some rows, and each row's text line (row position -> line number)."""
    day = pd.Timestamp(rows["date"].iat[positions[0]])
    lines = [f"SOUTHWEST ASIA, {_MONTH_NAMES[day.month - 1]} {day.day}, {day.year} —"]
    where: dict[int, int] = {}
    country = None
    for pos in positions:
        row_country = str(rows["country"].iat[pos]).split(",")[-1].strip()
        # A line that ends with a heading of its own ("Additionally on Nov. 21, two strikes
        # occurred in Syria that were previously unreported:") heads the rows after it.
        if row_country != country and not lines[-1].rstrip().endswith(":"):
            lines.append(f"In {row_country},")
        country = row_country
        lines.append(str(rows["line"].iat[pos]).replace("\n", " "))
        where[int(pos)] = len(lines)
    return "\n".join(lines) + "\n", where


def derive_frames(shared_dir: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The strike table and its rejects, from the compilation in ``shared_dir``."""
    source = Path(shared_dir) / SOURCE_FILE
    rows = pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[""])
    gaz = gazetteer.load()
    refused: list[dict[str, object]] = []
    texts, where = [], {}
    offset = 0
    for positions in _releases(rows):
        text, lines_of = _release_text(rows, positions)
        texts.append(text)
        where.update({pos: number + offset for pos, number in lines_of.items()})
        offset += text.count("\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReleaseTotalsWarning)  # the text states no totals
        frame, problems, _ = read_release_text(
            "".join(texts), gazetteer=gaz, source_url=SOURCE_URL, path=source
        )
    ledger = problems.frame()
    why = dict(zip(ledger["row"] - 1, zip(ledger["field"], ledger["value"], ledger["reason"],
                                          strict=True), strict=True))  # fmt: skip
    text_line = frame["text_line"].to_numpy()
    first = np.searchsorted(text_line, list(where.values()), side="left")
    last = np.searchsorted(text_line, list(where.values()), side="right")
    by_line = {n: np.arange(a, b) for n, a, b in zip(where.values(), first, last, strict=True)}
    release_of = {int(pos): r for r, group in enumerate(_releases(rows)) for pos in group}
    repeats = pd.Series([(release_of[p], str(rows["line"].iat[p])) for p in where]).value_counts()
    seen: dict[tuple[int, str], int] = {}
    chosen: list[tuple[int, int, int]] = []
    for pos, number in where.items():
        line = str(rows["line"].iat[pos])
        key = (release_of[pos], line)
        k = seen.get(key, 0)
        seen[key] = k + 1
        records = by_line[number]
        reject = {
            "row": pos + 1,
            "release_date": pd.Timestamp(rows["date"].iat[pos]).strftime("%Y-%m-%d"),
            "country": rows["country"].iat[pos],
            "location": rows["location"].iat[pos],
            "number": rows["number"].iat[pos],
            "line": line,
        }
        if len(records) not in (1, repeats[key]):
            reason = f"{len(records)} strike sentences on a line of {repeats[key]} row(s)"
            refused.append({**reject, "field": "line", "value": line, "reason": reason})
            continue
        record = int(records[k] if len(records) > 1 else records[0])
        if record in why:
            field, value, reason = why[record]
            day = pd.Timestamp(frame["date_start"].iat[record])
            reject["date_start"] = None if pd.isna(day) else day.strftime("%Y-%m-%d")
            refused.append({**reject, "field": field, "value": value, "reason": reason})
            continue
        chosen.append((record, pos + 1, k))
    picked = np.array(chosen, dtype="int64")
    strikes = frame.iloc[picked[:, 0]].copy()
    strikes["compilation_row"] = picked[:, 1]
    strikes["occurrence"] = picked[:, 2]
    release = pd.to_datetime(strikes["release_date"])
    strikes["event_id"] = content_id(
        "strike-", release, strikes["notes"], strikes["place"], strikes["occurrence"]
    )
    strikes["source"] = "CENTCOM/CJTF-OIR strike release " + release.dt.strftime("%Y-%m-%d")
    strikes["source"] = strikes["source"] + "; " + CREDIT
    for col in ("date_start", "date_end", "release_date"):
        strikes[col] = pd.to_datetime(strikes[col]).dt.strftime("%Y-%m-%d")
    strikes = strikes.sort_values(["date_start", "compilation_row"], kind="stable")
    rejects = pd.DataFrame(refused, columns=list(REJECT_COLUMNS)).sort_values("row")
    rejects["source"] = "CENTCOM/CJTF-OIR strike release " + rejects["release_date"] + "; " + CREDIT
    return strikes[list(STRIKE_COLUMNS)].reset_index(drop=True), rejects.reset_index(drop=True)


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def derive(shared_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> dict[str, str]:
    """Write ``strikes.csv`` and ``strikes_rejects.csv`` into ``out_dir`` (atomically).

    Returns the texts written, by file name.
    """
    strikes, rejects = derive_frames(shared_dir)
    texts = {"strikes.csv": _csv(strikes), "strikes_rejects.csv": _csv(rejects)}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        write_text(out / name, text)
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="the shared folder")
    parser.add_argument("--out", type=Path, default=ROOT / "data", help="output folder")
    parser.add_argument("--check", action="store_true", help="compare with the files in --out")
    args = parser.parse_args(argv)
    shared = args.shared or shared_dir()
    if args.check:
        strikes, rejects = derive_frames(shared)
        wanted = {"strikes.csv": _csv(strikes), "strikes_rejects.csv": _csv(rejects)}
        stale = [n for n, t in wanted.items() if not (args.out / n).is_file()
                 or (args.out / n).read_text(encoding="utf-8") != t]  # fmt: skip
        for name in stale:
            print(f"{args.out / name} is not what {shared / SOURCE_FILE} gives", file=sys.stderr)
        return 1 if stale else 0
    texts = derive(shared, args.out)
    for name, text in texts.items():
        print(f"wrote {args.out / name} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
