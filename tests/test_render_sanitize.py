"""The allow-list cleaner for opted-in HTML notes."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geoconflict.render.sanitize import ALLOWED_TAGS, clean_html, clean_html_series, safe_href


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser-like parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.tags


PIECES = [
    "<b>", "</b>", "<i>", "</i>", "<a href='https://x.org/a?b=1&c=2'>", "<a href=javascript:x>",
    "<a href=' java\tscript:alert(1)'>", "</a>", "<br>", "<br/>", "<p>", "</p>", "<li>",
    "<script>", "</script>", "<style>", "</style>", "<svg onload=x>", "</svg>",
    "<img src=x onerror=alert(1)>", "<iframe src=//evil>", "</iframe>", "<div class=x>",
    "</div>", "<!-- c -->", "<![CDATA[x]]>", "&lt;", "&amp;", "&#60;script&#62;", "<", ">",
    "\"", "'", "text", " ", "<B onclick=x>", "<u style='x'>", "</u>", "<template>",
    "</template>",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_only_allowed_markup_survives(parts: list[str]) -> None:
    out = clean_html("".join(parts))
    for tag, attrs in _tags(out):
        assert tag in ALLOWED_TAGS
        if tag == "a":
            assert set(attrs) <= {"href", "target", "rel"}
            if "href" in attrs:
                assert safe_href(attrs["href"]) is not None
        else:
            assert attrs == {}
    lowered = out.lower()
    assert "<script" not in lowered and "<svg" not in lowered and "<img" not in lowered
    assert "javascript:" not in lowered.replace("&gt;", "")
    # Cleaning is stable: what it produced passes through unchanged.
    assert clean_html(out) == out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain & simple", "plain &amp; simple"),
        ("<b>bold <i>both</b> after", "<b>bold <i>both</i></b> after"),
        ("<ul><li>one<li>two</ul>", "<ul><li>one</li><li>two</li></ul>"),
        ("<li>no list", "no list"),
        ("<p>one<p>two", "<p>one</p><p>two</p>"),
        ("<p><ul><li>x</li></ul></p>", "<p></p><ul><li>x</li></ul>"),
        ("<a href='https://a.org/'>a<a href='https://b.org/'>b</a></a>",
         '<a href="https://a.org/" target="_blank" rel="noopener noreferrer">a</a>'
         '<a href="https://b.org/" target="_blank" rel="noopener noreferrer">b</a>'),
        ("<p>never closed", "<p>never closed</p>"),
        ("</b>stray end", "stray end"),
        ("<a href='mailto:desk@example.org'>mail</a>", '<a href="mailto:desk@example.org" '
         'target="_blank" rel="noopener noreferrer">mail</a>'),
        ("<a href='https://x.org/?q=\"'>q</a>", '<a href="https://x.org/?q=&quot;" '
         'target="_blank" rel="noopener noreferrer">q</a>'),
        ("<a href='//evil.example/'>protocol-relative</a>", "<a>protocol-relative</a>"),
        ("<script>alert(1)</script>after", "after"),
        ("<style>b{}</style><b>x</b>", "<b>x</b>"),
    ],
)  # fmt: skip
def test_examples(text: str, expected: str) -> None:
    assert clean_html(text) == expected


def test_series_keeps_missing_values_and_index() -> None:
    s = pd.Series(["<b>x</b><script>y</script>", None, "a<b"], index=[10, 11, 12])
    out = clean_html_series(s)
    assert out.index.tolist() == [10, 11, 12]
    assert out.tolist() == ["<b>x</b>", None, "a&lt;b"]


@pytest.mark.browser
def test_chromium_parses_the_cleaned_markup_as_written(browser: Any) -> None:
    # The page sets the cleaned notes as innerHTML: if Chromium's parser re-nested
    # anything, reading innerHTML back would differ from what we wrote.
    import random

    rng = random.Random(7)
    page = browser.new_page()
    try:
        page.set_content("<div id='x'></div>")
        cases = ["".join(rng.choices(PIECES, k=rng.randint(1, 25))) for _ in range(300)]
        cleaned = [clean_html(c) for c in cases]
        parsed = page.evaluate(
            """texts => texts.map(t => {
                 const x = document.getElementById('x'); x.innerHTML = t; return x.innerHTML; })""",
            cleaned,
        )
    finally:
        page.close()
    differ = [(c, a, b) for c, a, b in zip(cases, cleaned, parsed, strict=True) if a != b]
    assert differ == []
