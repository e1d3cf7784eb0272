"""Build the story's map: ``maps/mosul-2016-17.toml`` as ``map.html`` beside the story page.

    python docs/_static/story/build_map.py            # into docs/_static/story/
    python docs/_static/story/build_map.py OUT_DIR    # elsewhere (the tests do this)

The page is rendered as ``geoconflict build`` renders it (the same spec gives the
same bytes); assets come from ``node_modules`` when it is there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geoconflict._io import write_text
from geoconflict.build.pipeline import load_events, render_page
from geoconflict.build.spec import load_spec

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SPEC = ROOT / "maps" / "mosul-2016-17.toml"


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE
    spec = load_spec(SPEC)
    modules = ROOT / "node_modules"
    asset_dir = str(modules) if (modules / "leaflet").is_dir() else None
    page = render_page(spec, load_events(spec).events, asset_dir=asset_dir)
    write_text(out / "map.html", page.html)
    print(f"wrote {out / 'map.html'} from {SPEC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
