"""Sphinx configuration of the geoconflict documentation.

Build (warnings are errors, as in the test command)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

Nothing is fetched from the network: no intersphinx, the theme's assets are local.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # the checkout being documented, before any installed copy

import geoconflict  # noqa: E402

project = "geoconflict"
author = "geoconflict developers"
copyright = "geoconflict developers"
version = release = geoconflict.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "geoconflict_docs",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
# "--reverse" stays two hyphens (command-line options are all over these pages)
smartquotes = False
exclude_patterns = ["_build"]

# MyST: Markdown pages; ```pycon blocks are shown as Python sessions (and run by pytest).
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc + numpydoc: the docstrings are numpydoc; members in source order.
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False

# no intersphinx: the build runs offline
html_theme = "pydata_sphinx_theme"
html_title = f"geoconflict {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_static_path = ["_static"]
html_show_sourcelink = False
