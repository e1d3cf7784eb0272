"""Space-time links between two event tables: declared strikes and civilian-harm records.

:func:`match` pairs rows within a distance (geodesic, WGS84) and a number of days;
:func:`summary` tells, per incident, whether and how it is linked; :func:`by_area`
counts linked incidents per study area and month; :func:`unplaceable` lists the rows
that can never link (no usable point or date) and why.
"""

from geoconflict.link.api import match
from geoconflict.link.pairs import PAIR_COLUMNS, unplaceable
from geoconflict.link.tables import by_area, summary

__all__ = ["PAIR_COLUMNS", "by_area", "match", "summary", "unplaceable"]
