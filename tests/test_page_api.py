"""The page API a story drives (``geoconflict.maps``), and the story page, in real Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geoconflict import territory
from geoconflict.build import build_maps
from geoconflict.synthetic import synthetic_events

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SPEC = (
    'title = "API"\nareas = ["mosul_east", "mosul_west"]\n'
    'start = 2016-10-17\nend = 2017-07-20\nbasemap = "none"\nassets = "inline"\n'
    "[[inputs]]\nsynthetic = 400\nseed = 4\n"
    '[filters]\nwithin = "all"\n'  # the synthetic events scatter outside the areas
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("api")
    (folder / "maps").mkdir()
    (folder / "maps" / "api.toml").write_text(SPEC, encoding="utf-8")
    node_modules = ROOT / "node_modules"
    report = build_maps(folder / "maps", folder / "dist", jobs=1, asset_dir=node_modules)
    assert report.summary() == "built 1, unchanged 0, failed 0"
    return folder / "dist" / "api.html"


def _open(browser: Any, url: str, width: int = 1000, height: int = 640) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.goto(url)
    page.wait_for_function("window.geoconflictReady === true")
    assert errors == []
    return page


def _events() -> pd.DataFrame:
    events = synthetic_events(400, seed=4)
    return events[events["date_start"].between("2016-10-17", "2017-07-20")]


def test_set_date_moves_the_slider_the_counts_and_fires_date(browser: Any, built: Path) -> None:
    page = _open(browser, built.as_uri())
    assert page.evaluate("geoconflict.maps.length") == 1
    # (in braces: on() returns the map's API, which Python would be sent whole, page and all)
    page.evaluate(
        "() => { window.seen = []; geoconflict.maps[0].on('date', (d) => window.seen.push(d)); }"
    )
    shown = page.evaluate("geoconflict.maps[0].setDate('2017-01-24')")
    assert shown == "2017-01-24"
    # The slider and its label follow.
    slider = int(page.evaluate("document.querySelector('.gc-slider').value"))
    assert slider == (pd.Timestamp("2017-01-24") - pd.Timestamp("1970-01-01")).days
    assert page.evaluate("document.querySelector('.gc-date').dataset.day") == "2017-01-24"
    state = page.evaluate("geoconflict.maps[0].getState()")
    events = _events()
    expected = int((events["date_start"] <= "2017-01-24").sum())
    assert state["date"] == "2017-01-24" and state["counts"]["shown"] == expected
    assert sum(state["counts"]["byKind"].values()) == state["counts"]["inView"]
    assert 0 < state["counts"]["inView"] <= expected
    # Dates before the start are clamped to it; setting the date shown fires nothing.
    assert page.evaluate("geoconflict.maps[0].setDate('2001-01-01')") == "2016-10-17"
    page.evaluate("geoconflict.maps[0].setDate('2016-10-17')")
    assert page.evaluate("window.seen") == ["2017-01-24", "2016-10-17"]
    # "ready" registered after the page was ready is called at once.
    assert (
        page.evaluate("new Promise((r) => geoconflict.maps[0].on('ready', () => r('called')))")
        == "called"
    )
    page.close()


@pytest.mark.parametrize("day", ["2016-12-01", "2017-01-24", "2017-03-07", "2017-06-30"])
def test_share_cleared_on_the_page_is_territory_share_cleared(
    browser: Any, built: Path, day: str
) -> None:
    page = _open(browser, built.as_uri())
    page.evaluate(f"geoconflict.maps[0].setDate('{day}')")
    cleared = page.evaluate("geoconflict.maps[0].getState().cleared")
    assert set(cleared) == {"mosul_east", "mosul_west"}
    for area, share in cleared.items():
        # The page carries share_cleared's own steps (to 4 decimals).
        assert share == pytest.approx(territory.share_cleared(area, day), abs=1e-4)
    page.close()


#: The state's counts with the whole world in view (every event: the layer's per-group
#: counts) and with a view that leaves some out (each event tested against it).
COUNTS_JS = """() => { const m = geoconflict.maps[0], map = GC.pages[0].map;
  const ev = GC.pages[0].events;
  map.setView([20, 40], 2, {animate: false});
  const all = m.getState().counts;
  all.byGroup = ev.countsByGroup(map.getBounds());
  map.setView([36.3, 43.1], 9, {animate: false});
  const part = m.getState().counts;
  part.byGroup = ev.countsByGroup(map.getBounds());
  return [all, part]; }"""


@pytest.mark.parametrize("mode", ["cumulative", "window"])
def test_counts_by_kind_are_pythons_with_every_event_in_view(
    browser: Any, built: Path, mode: str
) -> None:
    page = _open(browser, built.as_uri())
    page.evaluate("geoconflict.maps[0].setDate('2017-03-07')")
    events = _events()
    keep = events["date_start"] <= "2017-03-07"
    if mode == "window":
        page.evaluate("window.geoconflict.setMode('window', 30)")
        end = events["date_end"].fillna(events["date_start"])
        keep &= end >= pd.Timestamp("2017-03-07") - pd.Timedelta(days=29)
    page.evaluate("geoconflict.maps[0].setFilters({kinds: ['strike', 'civcas', 'ground']})")
    keep &= events["kind"].isin(["strike", "civcas", "ground"])
    all_, part = page.evaluate(COUNTS_JS)
    want = events[keep]["kind"].value_counts().to_dict()
    assert all_["byGroup"] is True and part["byGroup"] is False  # each way was taken
    assert all_["byKind"] == want and all_["shown"] == all_["inView"] == len(events[keep])
    # A closer view walks the events: the same shown, fewer in view, by kind alike.
    assert part["shown"] == all_["shown"] and 0 < part["inView"] < part["shown"]
    assert sum(part["byKind"].values()) == part["inView"]
    assert all(part["byKind"][k] <= all_["byKind"][k] for k in part["byKind"])
    page.close()


def test_set_filters_and_fly_to(browser: Any, built: Path) -> None:
    page = _open(browser, built.as_uri())
    api = "geoconflict.maps[0]"
    filters = page.evaluate(f"{api}.setFilters({{kinds: ['civcas']}})")
    assert filters["kinds"] == ["civcas"] and len(filters["gradings"]) == 6
    events = _events()
    assert page.evaluate(f"{api}.getState().counts.shown") == int(
        (events["kind"] == "civcas").sum()
    )
    assert page.evaluate("document.querySelector('.gc-kind-filter[value=strike]').checked") is False
    with pytest.raises(Exception, match="unknown kinds value bombing"):
        page.evaluate(f"{api}.setFilters({{kinds: ['bombing']}})")

    before = page.evaluate(f"{api}.getState().bounds")
    after = page.evaluate(f"{api}.flyTo('mosul_west', {{animate: false}})")
    assert after != before and after == page.evaluate(f"{api}.getState().bounds")
    from geoconflict import datasets

    area = datasets.load("areas").set_index("area_id").loc["mosul_west", "geometry"]
    w, s, e, n = area.bounds
    assert after[0] <= w and after[1] <= s and after[2] >= e and after[3] >= n
    assert after[2] - after[0] < before[2] - before[0]  # the view closed in on the area
    box = [43.0, 36.3, 43.1, 36.4]
    animated = page.evaluate(f"{api}.flyTo({box}, {{duration: 0.3}})")
    assert animated[0] <= 43.0 and animated[2] >= 43.1 and animated[2] - animated[0] < 0.4
    with pytest.raises(Exception, match="flyTo wants"):
        page.evaluate(f"{api}.flyTo('atlantis')")
    page.close()


def test_the_page_answers_messages_from_the_page_embedding_it(browser: Any, built: Path) -> None:
    # Pages opened from file:// (or from another site) cannot reach into each other:
    # the embedding page talks to the map with postMessage.
    host = built.with_name("host.html")
    host.write_text(
        '<!DOCTYPE html><iframe id="m" src="api.html" style="width:420px;height:300px"></iframe>',
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 600, "height": 400})
    page.add_init_script(
        "window.got = [];"
        "window.addEventListener('message', (e) => { if (e.data && e.data.geoconflict)"
        " window.got.push(e.data); });"
    )
    page.goto(host.as_uri())
    page.wait_for_function("window.got.some((m) => m.geoconflict === 'ready')")
    page.evaluate(
        "document.getElementById('m').contentWindow.postMessage("
        "{geoconflict: 'setDate', args: ['2017-01-24'], id: 7}, '*')"
    )
    page.wait_for_function("window.got.some((m) => m.geoconflict === 'result')")
    result = page.evaluate("window.got.find((m) => m.geoconflict === 'result')")
    assert result["id"] == 7 and result["value"] == "2017-01-24"
    assert result["state"]["date"] == "2017-01-24"
    dates = page.evaluate("window.got.filter((m) => m.geoconflict === 'date').map((m) => m.date)")
    assert dates == ["2017-01-24"]
    frame = next(f for f in page.frames if f.url.endswith("api.html"))
    assert frame.evaluate("geoconflict.maps[0].getDate()") == "2017-01-24"
    # Only the API's own methods answer.
    page.evaluate(
        "document.getElementById('m').contentWindow.postMessage({geoconflict: 'card', id: 8}, '*')"
    )
    page.evaluate(
        "document.getElementById('m').contentWindow.postMessage("
        "{geoconflict: 'getState', id: 9}, '*')"
    )
    page.wait_for_function("window.got.some((m) => m.id === 9)")
    assert not page.evaluate("window.got.some((m) => m.id === 8)")
    assert frame.evaluate("document.documentElement.classList.contains('gc-card')") is False
    page.close()


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped story page next to its map, built by the shipped script."""
    folder = tmp_path_factory.mktemp("story")
    shutil.copytree(ROOT / "docs" / "_static" / "story", folder, dirs_exist_ok=True)
    subprocess.run(
        [sys.executable, str(ROOT / "docs" / "_static" / "story" / "build_map.py"), str(folder)],
        check=True,
        cwd=ROOT,
    )
    assert (folder / "map.html").is_file()
    return folder / "index.html"


STEPS = [
    ("offensive", "2016-10-17"),
    ("east-entered", "2016-11-01"),
    ("east-cleared", "2017-01-24"),
    ("west", "2017-03-07"),
    ("old-city", "2017-07-10"),
]


@pytest.mark.parametrize(("width", "height"), [(1200, 800), (380, 700)])
def test_the_story_page_steps_the_map_through_its_sections(
    browser: Any, story: Path, width: int, height: int
) -> None:
    page = _open_story(browser, story, width, height)
    frame = next(f for f in page.frames if f.url.endswith("map.html"))
    home = frame.evaluate("geoconflict.maps[0].getState().bounds")
    for section, date in STEPS:
        page.evaluate(f"document.getElementById('{section}').scrollIntoView({{block: 'center'}})")
        page.wait_for_function(
            f"story.section === '{section}' && story.date === '{date}'", timeout=10_000
        )
        assert frame.evaluate("geoconflict.maps[0].getDate()") == date
        active = page.evaluate(
            "Array.from(document.querySelectorAll('.step.is-active'), (s) => s.id)"
        )
        assert active == [section]
    # The last sections flew to west Mosul: the view moved and is centred over it.
    from geoconflict import datasets

    w, s, e, n = datasets.load("areas").set_index("area_id").loc["mosul_west"].geometry.bounds
    frame.wait_for_function(
        f"(() => {{ const b = geoconflict.maps[0].getState().bounds;"
        f" const x = (b[0] + b[2]) / 2, y = (b[1] + b[3]) / 2;"
        f" return x > {w} && x < {e} && y > {s} && y < {n}"
        f" && JSON.stringify(b) !== '{json.dumps(home, separators=(',', ':'))}'; }})()",
        timeout=10_000,
    )
    # The map fills its frame at this size, with its time control on screen.
    box = frame.evaluate(
        "(() => { const r = document.querySelector('.gc-time').getBoundingClientRect();"
        " return [r.left, r.bottom, innerWidth, innerHeight]; })()"
    )
    assert box[0] >= 0 and box[1] <= box[3] + 1
    page.close()


def _open_story(browser: Any, story: Path, width: int, height: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(  # the OSM tiles of the shipped spec are not fetched in tests
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.goto(story.as_uri())
    page.wait_for_function("window.story && window.story.ready === true", timeout=30_000)
    assert errors == []
    return page


@pytest.mark.parametrize(("width", "height"), [(240, 160), (1600, 500)])
def test_an_embedded_map_fills_an_iframe_of_any_size(
    browser: Any, built: Path, width: int, height: int
) -> None:
    host = built.with_name(f"embed-{width}.html")
    host.write_text(
        '<!DOCTYPE html><body style="margin:0"><div style="position:relative;width:100%;'
        "height:0;padding-bottom:"
        f'{100 * height / width:.4f}%"><iframe src="api.html" title="map" style="position:'
        'absolute;inset:0;width:100%;height:100%;border:0"></iframe></div>',
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": width, "height": height + 50})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(host.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(".gc-slider").wait_for(state="attached")
    inner = next(f for f in page.frames if f.url.endswith("api.html"))
    inner.wait_for_function("window.geoconflictReady === true")
    size = inner.evaluate(
        "(() => { const r = document.querySelector('.folium-map').getBoundingClientRect();"
        " return [Math.round(r.width), Math.round(r.height), innerWidth, innerHeight]; })()"
    )
    assert size[:2] == size[2:] and abs(size[0] - width) <= 1 and abs(size[1] - height) <= 1
    assert inner.evaluate("geoconflict.maps[0].setDate('2017-01-24')") == "2017-01-24"
    assert errors == []
    page.close()
