"""`geoconflict mgrs` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser("mgrs", help="(not yet available)")
    return p


def run(args: argparse.Namespace) -> int:
    print("geoconflict mgrs: not yet available")
    return 2
