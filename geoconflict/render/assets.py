"""The page's JS/CSS dependencies, declared as data, and the policy that places them.

A map page needs Leaflet and, for the MGRS readout of the mouse position, the
``mgrs`` package (proj4js). Both come from npm at pinned versions; this module
declares them as :class:`Asset` records (name, npm package, version, file in the
package, the npm registry's ``dist.integrity`` of the tarball) so one function,
:func:`asset_tags`, can turn them into ``<script>``/``<link>`` tags for any mode:

``"cdn"``
    point at the jsdelivr npm URLs of the exact versions;
``"inline"``
    put the file contents into the page; files come from ``asset_dir`` (a
    ``node_modules`` directory) if given, else from the npm registry tarball,
    fetched once with :mod:`urllib`, checked against the pinned integrity and
    unpacked into a cache (``~/.cache/geoconflict/npm`` or ``$GEOCONFLICT_CACHE``);
``"local"``
    reference copies in an ``assets/`` folder beside the page (written by
    :func:`write_local_assets`).

CSS files are rewritten so the images they reference (Leaflet's layer icon)
never cause a request off the machine: inlined as ``data:`` URIs in inline mode,
copied beside the CSS in local mode. Nothing here is third-party code; the
packages are fetched at build time and never committed.

Written by hand because neither folium nor branca has an asset policy: folium
hard-codes CDN URLs per class.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import mimetypes
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from geoconflict._io import write_bytes
from geoconflict.errors import AssetError

Mode = Literal["cdn", "inline", "local"]
MODES: tuple[str, ...] = ("cdn", "inline", "local")

#: The npm registry tarballs are fetched from (overridable for tests and mirrors).
REGISTRY = "https://registry.npmjs.org"
#: The CDN that serves npm packages file by file.
CDN = "https://cdn.jsdelivr.net/npm"
#: Folder (beside the HTML) that local mode writes assets into.
LOCAL_DIR = "assets"

#: (package, version) -> the npm registry's ``dist.integrity`` of the tarball.
INTEGRITY: dict[tuple[str, str], str] = {
    ("leaflet", "1.9.4"): (
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
    ),
    ("mgrs", "2.2.0"): (
        "sha512-BHeewhEJ1n2MOFKvGXFPMxgfczWArFGltBYSZ+JTzlNfHSwJ7gEsXGXFjaU619yLmpmtyoLHu+d8Sd6ACsd0QA=="
    ),
}


@dataclass(frozen=True)
class Asset:
    """One JS or CSS file taken from a pinned npm package.

    Attributes
    ----------
    name : str
        Unique name on the page (``"leaflet_js"``).
    package, version : str
        The npm package and its exact version.
    path : str
        The file inside the package (``"dist/leaflet.js"``).
    kind : {"js", "css"}
        How the page loads it.

    Examples
    --------
    >>> LEAFLET_JS.cdn_url
    'https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js'
    >>> LEAFLET_JS.integrity.startswith("sha512-")
    True
    """

    name: str
    package: str
    version: str
    path: str
    kind: Literal["js", "css"]

    @property
    def integrity(self) -> str:
        """The pinned ``dist.integrity`` (sha512) of the package's npm tarball."""
        return INTEGRITY[(self.package, self.version)]

    @property
    def cdn_url(self) -> str:
        """The jsdelivr URL of this exact file and version."""
        return f"{CDN}/{self.package}@{self.version}/{self.path}"

    @property
    def local_path(self) -> str:
        """Where local mode puts the file, relative to the page."""
        return f"{LOCAL_DIR}/{self.package}@{self.version}/{self.path}"


LEAFLET_JS = Asset("leaflet_js", "leaflet", "1.9.4", "dist/leaflet.js", "js")
LEAFLET_CSS = Asset("leaflet_css", "leaflet", "1.9.4", "dist/leaflet.css", "css")
MGRS_JS = Asset("mgrs_js", "mgrs", "2.2.0", "dist/mgrs.min.js", "js")

#: Every asset a geoconflict map page loads, in load order.
PAGE_ASSETS: tuple[Asset, ...] = (LEAFLET_CSS, LEAFLET_JS, MGRS_JS)


def page_assets() -> list[dict[str, str]]:
    """The page's dependencies as plain records (for manifests and the build).

    Returns
    -------
    list of dict
        Keys ``name``, ``package``, ``version``, ``path``, ``kind``, ``integrity``,
        ``cdn_url``.

    Examples
    --------
    >>> [a["package"] for a in page_assets()]
    ['leaflet', 'leaflet', 'mgrs']
    """
    return [
        {
            "name": a.name,
            "package": a.package,
            "version": a.version,
            "path": a.path,
            "kind": a.kind,
            "integrity": a.integrity,
            "cdn_url": a.cdn_url,
        }
        for a in PAGE_ASSETS
    ]


def cache_dir() -> Path:
    """Where fetched npm packages are unpacked: ``$GEOCONFLICT_CACHE/npm`` or ``~/.cache/...``.

    Examples
    --------
    >>> cache_dir().name
    'npm'
    """
    base = os.environ.get("GEOCONFLICT_CACHE")
    root = Path(base) if base else Path.home() / ".cache" / "geoconflict"
    return root / "npm"


def integrity_of(data: bytes) -> str:
    """The npm-style ``sha512-<base64>`` integrity string of ``data``.

    Examples
    --------
    >>> integrity_of(b"")[:20]
    'sha512-z4PhNX7vuL3xV'
    """
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_package(
    package: str,
    version: str,
    *,
    integrity: str | None = None,
    registry: str | None = None,
    timeout_s: float = 60.0,
) -> Path:
    """Return the unpacked npm package, fetching and verifying it on first use.

    The tarball ``<registry>/<package>/-/<package>-<version>.tgz`` is downloaded
    once, checked against ``integrity`` (default: the pinned one) and unpacked
    into :func:`cache_dir`; later calls return the cached directory.

    Raises
    ------
    AssetError
        When the download fails or the tarball's integrity does not match.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["GEOCONFLICT_CACHE"] = tempfile.mkdtemp()
    >>> try:
    ...     fetch_package("leaflet", "0.0.0-not-pinned")
    ... except AssetError as e:
    ...     print("no pinned integrity" in str(e))
    True
    >>> del os.environ["GEOCONFLICT_CACHE"]
    """
    expected = integrity or INTEGRITY.get((package, version))
    if expected is None:
        raise AssetError(f"npm package {package}@{version} has no pinned integrity")
    target = cache_dir() / f"{package}@{version}"
    stamp = target / ".integrity"
    if stamp.exists() and stamp.read_text().strip() == expected:
        return target
    base = (registry or os.environ.get("GEOCONFLICT_NPM_REGISTRY") or REGISTRY).rstrip("/")
    leaf = package.rsplit("/", 1)[-1]
    url = f"{base}/{package}/-/{leaf}-{version}.tgz"
    try:
        import urllib.request  # only when a file is fetched (40 ms of imports)

        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            data = resp.read()
    except Exception as exc:
        raise AssetError(f"cannot fetch {package}@{version} from {url}: {exc}") from exc
    got = integrity_of(data)
    if got != expected:
        raise AssetError(
            f"integrity mismatch for {package}@{version} from {url}: expected {expected}, got {got}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{package}@{version}.", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(tmp, filter="data")
        # npm tarballs hold one top folder (usually "package/").
        tops = [p for p in tmp.iterdir()]
        inner = tops[0] if len(tops) == 1 and tops[0].is_dir() else tmp
        (inner / ".integrity").write_text(expected + "\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(inner, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def package_dir(package: str, version: str, *, asset_dir: str | os.PathLike[str] | None) -> Path:
    """The directory of an npm package: ``asset_dir/<package>`` or the verified cache.

    With ``asset_dir`` (a ``node_modules`` directory, e.g. after ``npm ci``) the
    package's ``package.json`` must name the pinned version.

    Raises
    ------
    AssetError
        When the package is missing from ``asset_dir`` or has another version.
    """
    if asset_dir is None:
        return fetch_package(package, version)
    path = Path(asset_dir) / package
    meta = path / "package.json"
    try:
        found = json.loads(meta.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError) as exc:
        raise AssetError(f"{meta}: cannot read the npm package {package}: {exc}") from exc
    if found != version:
        raise AssetError(f"{meta}: {package} is version {found!r}, the page pins {version!r}")
    return path


def asset_bytes(asset: Asset, *, asset_dir: str | os.PathLike[str] | None = None) -> bytes:
    """The file's bytes, from ``asset_dir`` or the verified npm cache."""
    path = package_dir(asset.package, asset.version, asset_dir=asset_dir) / asset.path
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AssetError(f"{path}: missing file of {asset.package}@{asset.version}") from exc


_SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=[^\n]*\s*$")
_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"#][^)'\"]*)\1\)")


def _css_refs(css: str) -> list[str]:
    """Relative file references in a stylesheet (``url(images/x.png)``)."""
    refs = []
    for _, ref in _CSS_URL.findall(css):
        if not re.match(r"^[a-z][a-z0-9+.-]*:|^/", ref, re.I) and ref not in refs:
            refs.append(ref)
    return refs


def _script_text(data: bytes) -> str:
    text = _SOURCE_MAP.sub(b"\n", data).decode("utf-8")
    # A literal "</script" inside a library would end the inline block early.
    return text.replace("</script", "<\\/script")


def _inline_css(asset: Asset, css: str, asset_dir: str | os.PathLike[str] | None) -> str:
    base = package_dir(asset.package, asset.version, asset_dir=asset_dir)
    folder = Path(asset.path).parent
    for ref in _css_refs(css):
        file = base / folder / ref
        if not file.exists():
            continue
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        uri = f"data:{mime};base64," + base64.b64encode(file.read_bytes()).decode("ascii")
        css = re.sub(r"url\((['\"]?)" + re.escape(ref) + r"\1\)", f'url("{uri}")', css)
    return css.replace("</style", "<\\/style")


def asset_tags(
    assets: Sequence[Asset] = PAGE_ASSETS,
    mode: str = "inline",
    *,
    asset_dir: str | os.PathLike[str] | None = None,
) -> str:
    """HTML tags that load ``assets`` in the given mode.

    Parameters
    ----------
    assets : sequence of Asset
        Usually :data:`PAGE_ASSETS`.
    mode : {"cdn", "inline", "local"}
        See the module docstring.
    asset_dir : path, optional
        A ``node_modules`` directory to take files from (inline and local modes).

    Returns
    -------
    str

    Examples
    --------
    >>> print(asset_tags([LEAFLET_JS], "cdn"))
    <script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"></script>
    >>> print(asset_tags([LEAFLET_CSS], "local"))
    <link rel="stylesheet" href="assets/leaflet@1.9.4/dist/leaflet.css"/>
    """
    check_mode(mode)
    out = []
    for a in assets:
        if mode in ("cdn", "local"):
            url = a.cdn_url if mode == "cdn" else a.local_path
            if a.kind == "js":
                out.append(f'<script src="{url}"></script>')
            else:
                out.append(f'<link rel="stylesheet" href="{url}"/>')
            continue
        data = asset_bytes(a, asset_dir=asset_dir)
        if a.kind == "js":
            out.append(
                f"<script>/* {a.package}@{a.version}/{a.path} */\n{_script_text(data)}</script>"
            )
        else:
            css = _inline_css(a, _SOURCE_MAP.sub(b"\n", data).decode("utf-8"), asset_dir)
            out.append(f"<style>/* {a.package}@{a.version}/{a.path} */\n{css}</style>")
    return "\n".join(out)


def write_local_assets(
    dest_dir: str | os.PathLike[str],
    assets: Iterable[Asset] = PAGE_ASSETS,
    *,
    asset_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Copy the assets (and files their CSS references) under ``dest_dir/assets/``.

    Each file is written atomically. Returns the written paths.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_local_assets(d, [], asset_dir=d)
    []
    """
    written: list[Path] = []
    for a in assets:
        base = package_dir(a.package, a.version, asset_dir=asset_dir)
        data = asset_bytes(a, asset_dir=asset_dir)
        files = [(a.local_path, _SOURCE_MAP.sub(b"\n", data))]
        if a.kind == "css":
            folder = Path(a.path).parent
            for ref in _css_refs(data.decode("utf-8")):
                src = base / folder / ref
                if src.exists():
                    rel = str(Path(a.local_path).parent / ref)
                    files.append((rel, src.read_bytes()))
        for rel, payload in files:
            target = Path(dest_dir) / rel
            write_bytes(target, payload)
            written.append(target)
    return written


def check_mode(mode: str) -> None:
    """Raise :class:`AssetError` unless ``mode`` is one of :data:`MODES`.

    Examples
    --------
    >>> check_mode("cdn")
    """
    if mode not in MODES:
        raise AssetError(f"assets mode must be one of {MODES}, got {mode!r}")
