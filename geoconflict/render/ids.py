"""Stable element ids, so the same map renders to the same bytes.

branca gives every element a random 32-hex-digit id (``os.urandom``) that ends
up in variable names and ``div`` ids. Before rendering, :func:`stabilize` walks
the element tree in a fixed order and gives each element a sequential id; as a
safety net :func:`replace_random_ids` rewrites any random id that is still in
the HTML (an element created during rendering) in order of first appearance.
"""

from __future__ import annotations

import re
from typing import Any

# branca names look like ``map_<32 hex>``; only ids after ``<word>_`` are rewritten,
# and never inside the JSON data blocks (user text may hold hashes).
_RANDOM_ID = re.compile(r"(?<=[A-Za-z0-9]_)[0-9a-f]{32}(?![0-9a-f])")
_DATA_OPEN = '<script type="application/json"'
_DATA_CLOSE = "</script>"


# Keys under which rendering files an element's output in the Figure's header,
# html and script parts: ``<name>_<id>`` (plus ``_data`` for our data blocks and
# ``_ahead`` for what the page is told before one).
_RENDERED_KEY = re.compile(r"_(?:[0-9a-f]{32}|gc\d{4,})(?:_data|_ahead|_add)?$")


def _walk(element: Any) -> list[Any]:
    """The element and its descendants, depth first, in insertion order."""
    out: list[Any] = []
    stack = [element]
    seen: set[int] = set()
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        out.append(el)
        stack.extend(reversed(list(getattr(el, "_children", {}).values())))
    return out


def clear_rendered(figure: Any) -> None:
    """Drop what an earlier render filed in the Figure's header, html and script parts.

    Rendering adds each element's output under a key made from its name; when
    names change (random ids made stable) old output would be rendered twice.
    Children added by hand under other keys are kept.
    """
    for part in ("header", "html", "script"):
        sub = getattr(figure, part, None)
        children = getattr(sub, "_children", None)
        if children is None:
            continue
        for key in [k for k in children if _RENDERED_KEY.search(k)]:
            del children[key]
    # folium's Layer.render adds an "add to the map" child to each layer
    for el in _walk(figure):
        children = getattr(el, "_children", {})
        for key in [k for k in children if k.endswith("_add") and _RENDERED_KEY.search(k)]:
            del children[key]


def stabilize(root: Any, prefix: str = "gc") -> int:
    """Give every element under ``root`` a sequential id; return how many.

    Parameters
    ----------
    root : branca.element.Element
        Usually the map's Figure (``m.get_root()``).
    prefix : str
        Put in front of the counter.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> n = stabilize(m.get_root())
    >>> m.get_name()
    'map_gc0001'
    """
    clear_rendered(root)
    elements = _walk(root)
    for n, el in enumerate(elements):
        el._id = f"{prefix}{n:04d}"
    return len(elements)


def replace_random_ids(html: str, prefix: str = "gr") -> str:
    """Replace each 32-hex-digit id in ``html`` by a sequential one (first appearance order).

    Examples
    --------
    >>> replace_random_ids("a_" + "f" * 32 + " b_" + "0" * 32 + " c_" + "f" * 32)
    'a_gr0000 b_gr0001 c_gr0000'
    >>> replace_random_ids("x " + "f" * 32)  # not an element name: kept
    'x ffffffffffffffffffffffffffffffff'
    """
    mapping: dict[str, str] = {}

    def sub(match: re.Match[str]) -> str:
        key = match.group(0)
        if key not in mapping:
            mapping[key] = f"{prefix}{len(mapping):04d}"
        return mapping[key]

    parts = split_data_blocks(html)
    # Odd items are the JSON data blocks: left alone.
    return "".join(p if i % 2 else _RANDOM_ID.sub(sub, p) for i, p in enumerate(parts))


def split_data_blocks(html: str) -> list[str]:
    """``html`` cut around its JSON data blocks: odd items are the blocks, tags included.

    A block is ``<script type="application/json" ...>`` up to the next ``</script>``
    after its tag (a block's JSON has ``<`` escaped, so it cannot hold one); an
    unclosed opening is not a block. Found with ``str.find``: a lazy regex crawls
    through megabytes of data.

    Examples
    --------
    >>> split_data_blocks('a<script type="application/json" id="x">[1]</script>b')
    ['a', '<script type="application/json" id="x">[1]</script>', 'b']
    >>> split_data_blocks("no blocks")
    ['no blocks']
    """
    parts: list[str] = []
    pos = 0
    while True:
        start = html.find(_DATA_OPEN, pos)
        tag_end = html.find(">", start + len(_DATA_OPEN)) if start >= 0 else -1
        end = html.find(_DATA_CLOSE, tag_end + 1) if tag_end >= 0 else -1
        if end < 0:
            break
        end += len(_DATA_CLOSE)
        parts += [html[pos:start], html[start:end]]
        pos = end
    parts.append(html[pos:])
    return parts
