"""An allow-list for the one place a page shows HTML: notes, when a map opts in.

``MapOptions(html_notes=True)`` lets ``notes`` carry light formatting (bold,
italics, line breaks, lists, links). The notes still come from data files, so
they are cleaned before they are written into the page: the tags below are kept
(without any attribute, except a link's ``http(s)`` or ``mailto`` address), the
text inside ``script``/``style``/``template`` and similar elements is dropped,
other tags are removed (their text kept) and stray ``<`` ``>`` ``&`` are escaped, so
that they show as text. The page then only ever
parses markup this module produced.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

#: Tags kept (all attributes dropped, except ``href`` on ``a``).
ALLOWED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "s", "sub", "sup", "br", "p", "ul", "ol", "li"}
)
#: Tags without content or end tag.
_VOID = frozenset({"br"})
#: Elements whose content is not text a reader should see: dropped whole.
_DROP_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math"}
)
_LINK_SCHEMES = ("http", "https", "mailto")


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an ``http(s)``/``mailto`` address, else None.

    >>> safe_href("https://airwars.org/x"), safe_href("javascript:alert(1)")
    ('https://airwars.org/x', None)
    >>> safe_href(" JaVaScRiPt:alert(1)"), safe_href("mailto:desk@example.org")
    (None, 'mailto:desk@example.org')
    """
    if not url:
        return None
    url = url.strip()
    # Browsers ignore control characters and whitespace inside a scheme.
    squeezed = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    try:
        scheme = urlsplit(squeezed).scheme.lower()
    except ValueError:
        return None
    if scheme not in _LINK_SCHEMES:
        return None
    if scheme != "mailto" and not urlsplit(squeezed).netloc:
        return None
    return url


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        # Keep the nesting a browser would keep, so the page shows what is written
        # here: no link inside a link, no list or paragraph inside a paragraph, a list
        # item only inside a list and never directly inside another item.
        if tag == "a" and "a" in self.open:
            self.handle_endtag("a")
        if tag in ("p", "ul", "ol") and "p" in self.open:
            self.handle_endtag("p")
        if tag == "li":
            lists = [i for i, t in enumerate(self.open) if t in ("ul", "ol")]
            if not lists:
                return
            if "li" in self.open[lists[-1] :]:
                self.handle_endtag("li")
        if tag == "a":
            href = safe_href(dict(attrs).get("href"))
            if href is None:
                self.out.append("<a>")
            else:
                target = ' target="_blank" rel="noopener noreferrer"'
                self.out.append(f'<a href="{html.escape(href, quote=True)}"{target}>')
        else:
            self.out.append(f"<{tag}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        # Close what was left open inside it, so the output stays well nested.
        while self.open:
            last = self.open.pop()
            self.out.append(f"</{last}>")
            if last == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def clean_html(text: str) -> str:
    """Keep the allowed formatting of ``text``; everything else shows as text or goes.

    Examples
    --------
    >>> print(clean_html("<b>3 killed</b><br>per <a href='https://airwars.org/'>Airwars</a>"))
    ... # doctest: +NORMALIZE_WHITESPACE
    <b>3 killed</b><br>per
    <a href="https://airwars.org/" target="_blank" rel="noopener noreferrer">Airwars</a>
    >>> clean_html('<img src=x onerror="alert(1)">a <script>alert(2)</script>& b')
    'a &amp; b'
    >>> clean_html("<i onclick=alert(1)>x</i> <a href='javascript:alert(1)'>y")
    '<i>x</i> <a>y</a>'
    >>> clean_html("5 < 7 and <unknown>kept as text</unknown>")
    '5 &lt; 7 and kept as text'
    """
    cleaner = _Cleaner()
    cleaner.feed(text)
    return cleaner.result()


def clean_html_series(values: pd.Series) -> pd.Series:
    """:func:`clean_html` on each non-missing value (each distinct value cleaned once).

    >>> clean_html_series(pd.Series(["<b>x</b>", None, "<b>x</b>"])).tolist()
    ['<b>x</b>', None, '<b>x</b>']
    """
    present = values.notna().to_numpy()
    out = np.full(len(values), None, dtype=object)
    if present.any():
        codes, uniques = pd.factorize(values[present].astype(str))
        cleaned = np.array([clean_html(u) for u in uniques], dtype=object)
        out[present] = cleaned[codes]
    return pd.Series(out, index=values.index, dtype=object)
