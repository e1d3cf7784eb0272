"""``geoconflict build``: render map specs (``maps/*.toml``) into ``dist/``.

Examples::

    geoconflict build maps/ --out dist/
    geoconflict build maps/raqqa-2017.toml --out dist/ --force --no-png
    geoconflict build maps/ --out dist/ --only mosul-2016-17 --asset-dir node_modules
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        "build",
        help="build the map specs in maps/ into pages and images",
        description=(
            "Build map specs (TOML) into self-contained HTML pages and PNG images."
            " Only specs whose spec, inputs, data, assets or toolkit changed are rebuilt;"
            " outputs are written atomically and listed in OUT/manifest.json."
        ),
    )
    p.add_argument(
        "specs",
        nargs="*",
        default=["maps"],
        metavar="SPECS_DIR_OR_FILES",
        help="spec files, or folders of *.toml specs (default: maps)",
    )
    p.add_argument("--out", default="dist", metavar="DIR", help="output folder (default: dist)")
    p.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=None,
        metavar="N",
        help="worker processes (default: the number of cores)",
    )
    p.add_argument("--force", action="store_true", help="rebuild every spec")
    p.add_argument(
        "--only",
        action="append",
        default=None,
        metavar="NAME",
        help="build only this spec (file stem); repeat or separate names with commas",
    )
    p.add_argument(
        "--asset-dir",
        default=None,
        metavar="DIR",
        help="take the pinned JS/CSS npm packages from DIR (e.g. node_modules)"
        " instead of the npm registry",
    )
    p.add_argument("--no-png", action="store_true", help="skip PNG outputs (HTML only)")
    p.add_argument(
        "--timestamp", action="store_true", help="record the build time in manifest.json"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument(
        "--verbose", "-v", action="store_true", help="one line per spec as it starts and ends"
    )
    return p


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from geoconflict.build import build_maps

    only = None
    if args.only:
        only = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    report = build_maps(
        args.specs,
        args.out,
        jobs=args.jobs,
        force=args.force,
        only=only,
        asset_dir=args.asset_dir,
        png=not args.no_png,
        timestamp=args.timestamp,
        progress="log" if args.verbose else not args.quiet,
    )
    for r in report.results:
        if r.status == "failed":
            print(f"failed: {r.error}", file=sys.stderr)
    print(report.summary())
    return report.exit_code
