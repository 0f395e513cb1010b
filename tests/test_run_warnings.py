"""Warnings a run raises go into its bundle: results.json, the page, in order, each once; the page rebuilds byte for byte."""

from __future__ import annotations

import json
import warnings

import pytest

from report.page.rebuild import read_stored_bundle
from report.style import Style
from runs import DataChoice, run_studies

STUDY = """
name = "warned"

[[models]]
name = "collinear"
outcome = "roa"
regressors = ["exposed_post"]
interactions = ["exposed:post"]
fixed_effects = ["firm_id", "year"]
cluster = ["soe"]

[[models]]
name = "clean"
outcome = "roa"
regressors = ["ln_invention_apply"]
fixed_effects = ["firm_id", "year"]
cluster = ["firm_id"]

[[tables]]
name = "t"
models = ["collinear", "clean"]
"""

WARNINGS = [
    "[[models]] 'collinear': Dropped collinear regressors: exposed:post",
    "[[models]] 'collinear': only 2 clusters of 'soe': cluster-robust standard errors are unreliable with fewer "
    "than 20; test the coefficient with the wild cluster bootstrap ([[wild_bootstrap]] in a study, Webb weights)",
]


@pytest.fixture(scope="module")
def bundle(small_panel, tmp_path_factory):
    folder = tmp_path_factory.mktemp("warned")
    small_panel.save(folder / "panel.parquet")
    (folder / "warned.toml").write_text(STUDY, encoding="utf-8")
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        written = run_studies([str(folder / "warned.toml")], DataChoice(panel_file=folder / "panel.parquet"),
                              sample=None, out_root=folder / "out", run_name="r", formats=("csv",), style=Style())
    return written[0], [str(w.message) for w in shown if issubclass(w.category, UserWarning)]


def test_the_run_keeps_its_warnings_in_results_json_in_order(bundle):
    folder, shown = bundle
    stored = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert stored["page"]["warnings"] == WARNINGS
    assert [w for w in shown if w in WARNINGS] == WARNINGS  # still shown on the console


def test_the_page_lists_the_warnings_and_rebuilds_byte_for_byte(bundle):
    folder, _ = bundle
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<p>Warnings raised while the data were read and the models estimated: 2</p>" in page
    assert "<li>[[models]] &#x27;collinear&#x27;: Dropped collinear regressors: exposed:post</li>" in page
    assert read_stored_bundle(folder).page() == page
