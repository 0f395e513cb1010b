"""The run page: contents, offline, rebuilt byte for byte by ``chokepoint report``, refused on edited results."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from report.bundle import BundleContent, write_bundle
from report.page.content import Figure
from report.page.rebuild import write_run_index
from report.style import Style
from scripts.cli import main
from tests.test_report_tables import hostile_table

MANIFEST = {
    "created_utc": "2026-12-01T04:00:00Z",
    "command": ["/home/u/.venv/bin/chokepoint", "run", "all", "--demo", "--name", "my run"],
    "data": {"kind": "demo", "simulated": True, "seed": 3, "firms": 1200,
             "files": [{"path": "demo/FS_Combas.csv", "bytes": 123456, "sha256": "0f" * 32}]},
    "panel": {"firms": 1180, "firm_years": 15234, "sample": "high_tech", "sample_definition": "listed high-tech firms",
              "options": {"cutoff_year": 2019, "winsorize": "none"},
              "drops": [{"stage": "merge", "reason": "no balance sheet", "rows": 7},
                        {"stage": "filters", "reason": "financial firm", "rows": 1200}]},
    "python": "3.11.2",
    "packages": {"numpy": "2.1.0"},
}


def _draw(stem):
    path = stem.with_suffix(".png")
    path.write_bytes(b"\x89PNG fake")
    return [path]


@pytest.fixture
def results_dir(tmp_path):
    root = tmp_path / "results"
    bundles = []
    for study in ("beta", "alpha"):
        content = BundleContent(
            tables={"hostile_table": hostile_table()}, results={"n": 1},
            manifest={**MANIFEST, "study": {"name": study}},
            figures={f"{study}_effects": Figure(_draw, "Effects <by> year", "95 % intervals & more.")},
            title=f"Study {study}", description="Does it <work>?", warnings=("Dropped collinear regressors: size",),
        )
        bundles.append(write_bundle(root / study / "run1", content, formats=("latex", "csv"), style=Style()))
    write_run_index(root, bundles)
    return root


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_page_shows_provenance_tables_figures_and_command(results_dir):
    page = (results_dir / "alpha" / "run1" / "index.html").read_text(encoding="utf-8")
    for text in (
        "<title>Study alpha · chokepoint</title>",
        '<p class="banner">SIMULATED demo data: every number on this page comes from simulated firms, not real ones.</p>',
        '<p class="description">Does it &lt;work&gt;?</p>',
        "<dt>Data</dt><dd>Simulated demo data (seed 3, 1,200 firms): not real firms.</dd>",
        "<dt>Panel</dt><dd>15,234 firm-years of 1,180 firms</dd>",
        "<dt>Sample</dt><dd>high_tech: listed high-tech firms</dd>",
        "<dt>Build options</dt><dd>cutoff_year = 2019; winsorize = none</dd>",
        "<summary>Rows dropped while building the panel: 1,207</summary>",
        '<td class="hash">' + "0f" * 32 + "</td>",
        '<a href="#table-hostile_table">1. Returns to R&amp;D_share (5%) #firms</a>',
        '<p class="downloads">Files: <a href="tables/hostile_table.tex">LaTeX</a>'
        '<a href="tables/hostile_table.standalone.tex">standalone LaTeX</a><a href="tables/hostile_table.csv">CSV</a></p>',
        '<table class="chokepoint" id="hostile_table">',
        '<figure id="figure-alpha_effects">',
        '<img src="figures/alpha_effects.png" alt="Effects &lt;by&gt; year">',
        '<figcaption><strong>Figure 1.</strong> Effects &lt;by&gt; year. <span class="note">95 % intervals &amp; more.</span></figcaption>',
        '<ul class="notes warnings">\n<li>Dropped collinear regressors: size</li>',
        "<pre><code>chokepoint run all --demo --name &#x27;my run&#x27;</code></pre>",
        "@media print",
    ):
        assert text in page, text
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "a page fetches nothing"
    assert "<script" not in page


def test_run_index_links_the_studies(results_dir):
    index = (results_dir / "run1.html").read_text(encoding="utf-8")
    assert re.findall(r'<a class="title" href="([^"]+)">', index) == ["alpha/run1/index.html", "beta/run1/index.html"]
    assert "<h1>2 studies</h1>" in index


def test_report_rebuilds_every_page_byte_for_byte(results_dir):
    before = _files(results_dir)
    for path in (results_dir / "run1.html", *results_dir.glob("*/run1/index.html")):
        path.unlink()
    result = CliRunner().invoke(main, ["report", str(results_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"Wrote {results_dir / p}" for p in
                                          ("alpha/run1/index.html", "beta/run1/index.html", "run1.html")]
    assert _files(results_dir) == before
    bundle = results_dir / "beta" / "run1"
    again = CliRunner().invoke(main, ["report", str(bundle)])
    assert (again.exit_code, again.output) == (0, f"Wrote {bundle / 'index.html'}\n")
    assert _files(results_dir) == before


@pytest.mark.parametrize("damage", ["edit", "truncate"])
def test_edited_or_truncated_results_stop_before_writing(results_dir, damage):
    results = results_dir / "alpha" / "run1" / "results.json"
    text = results.read_text(encoding="utf-8")
    damaged = text.replace('"value": 0.1234', '"value": 0.2234', 1) if damage == "edit" else text[: len(text) // 2]
    assert damaged != text
    results.write_text(damaged, encoding="utf-8")
    (results_dir / "beta" / "run1" / "index.html").write_text("old page", encoding="utf-8")
    before = _files(results_dir)
    result = CliRunner().invoke(main, ["report", str(results_dir)])
    assert (result.exit_code, result.output) == (2, (
        f"Error: {results}: not the file the run wrote (its SHA-256 differs from the one in manifest.json): "
        "edited or truncated; restore it or re-run the study; nothing was written\n"))
    assert _files(results_dir) == before


def test_report_errors(tmp_path, results_dir):
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    manifest = results_dir / "alpha" / "run1" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    del data["results_sha256"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    cases = {
        str(empty): f"Error: no run bundle in {empty}; pass a run folder (results/<study>/<run>) or the folder holding them\n",
        str(tmp_path / "nowhere"): f"Error: no folder {tmp_path / 'nowhere'}; pass a run folder or a results folder\n",
        str(manifest.parent): f"Error: {manifest}: no SHA-256 of results.json recorded (the bundle predates run pages); "
                              "re-run the study to write a bundle with its page\n",
    }
    for folder, expected in cases.items():
        result = runner.invoke(main, ["report", folder])
        assert (result.exit_code, result.output) == (2, expected)
