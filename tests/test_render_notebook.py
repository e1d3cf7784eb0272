"""examples/quickstart.ipynb runs headless (nbclient) and displays a map inline."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.slow
def test_quickstart_notebook_runs_and_shows_a_map(root: Path, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(root / "examples" / "quickstart.ipynb", as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    html = [
        out["data"]["text/html"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "text/html" in out.get("data", {})
    ]
    maps = [h for h in html if "<iframe srcdoc=" in h]
    assert len(maps) == 2
    # the map's page is in the iframe (HTML-escaped): Leaflet, our page code, the data
    for page in maps:
        assert "leaflet@1.9.4/dist/leaflet.js" in page
        assert "GC.start(" in page and "geoconflictReady" in page
        assert "folium-map" in page
    assert "Documented incidents, 2016–2017" in maps[0]
    # the summary table shows the three study areas
    assert any("raqqa" in h and "western_desert" in h for h in html)
