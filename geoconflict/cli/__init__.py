"""The ``geoconflict`` command.

Each subcommand lives in its own module in this package and exposes
``add_parser(subparsers)`` and ``run(args) -> int``. Exit codes: 0 all done,
1 done with rejected records or failed specs, 2 usage or input errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from geoconflict import __version__
from geoconflict.errors import GeoconflictError

#: subcommand name -> module under geoconflict.cli
SUBCOMMANDS: dict[str, str] = {
    "mgrs": "geoconflict.cli.mgrs",
    "ingest": "geoconflict.cli.ingest",
    "summarize": "geoconflict.cli.summarize",
    "build": "geoconflict.cli.build",
    "link": "geoconflict.cli.link",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="geoconflict",
        description="Map conflict events: MGRS grids, event readers, study areas, maps.",
    )
    parser.add_argument("--version", action="version", version=f"geoconflict {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        p = module.add_parser(sub)
        p.set_defaults(_run=module.run, _name=name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except GeoconflictError as exc:
        print(f"geoconflict {args._name}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A path the user gave cannot be read or written: say which, no traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"geoconflict {args._name}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
