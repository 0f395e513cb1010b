"""The staggered robustness table and estimator overlay: cells against the results, the figure, LaTeX, the CLI run."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from models.studies import StudyResults
from report.staggered_tables import ESTIMATOR_LABELS
from report.study_report import study_figures, study_tables
from scripts.cli import main

ESTIMATORS = ["twfe", "sun-abraham", "callaway-santanna", "imputation"]


@pytest.fixture(scope="module")
def bundle(small_demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    result = CliRunner().invoke(main, ["run", "patenting_response", "--data", str(small_demo), "--out", str(out),
                                       "--name", "r"])
    assert result.exit_code == 0, result.output
    return out / "patenting_response" / "r"


@pytest.fixture(scope="module")
def results(bundle):
    return StudyResults.from_dict(json.loads((bundle / "results.json").read_text())["results"])


def test_run_writes_the_robustness_table_and_overlay(bundle):
    tables = {p.name for p in (bundle / "tables").iterdir()}
    assert {"patenting_response_patenting_staggered.tex", "patenting_response_patenting_staggered.standalone.tex",
            "patenting_response_patenting_staggered.md"} <= tables
    figures = {p.name for p in (bundle / "figures").iterdir()}
    assert {"patenting_response_patenting_staggered_event_study.png",
            "patenting_response_patenting_staggered_event_study.pdf"} <= figures


def test_cells_are_the_estimators_numbers(results):
    table = study_tables(results)["patenting_response_patenting_staggered"]
    waves = results.staggered["invention_staggered"]
    assert table.column_titles[:4] == tuple(ESTIMATOR_LABELS[e] for e in ESTIMATORS)
    assert table.column_groups == (("Entity-List waves", 4), ("Little Giant batches", 4))
    att_row, = table.panels[0].rows
    for cell, name in zip(att_row.cells, ESTIMATORS):
        assert (cell.value, cell.std_error, cell.lower, cell.upper) == (
            waves[name].att.estimate, waves[name].att.std_error, waves[name].att.lower, waves[name].att.upper)
    rows = {row.term: row for row in table.panels[1].rows}
    assert sorted(int(t.removeprefix("event_")) for t in rows) == list(range(-5, 6))
    assert rows["event_2"].cells[2].value == waves["callaway-santanna"].event_time[2].estimate
    assert rows["event_-2"].cells[3] is None  # imputation has no pre-period effects
    assert rows["event_-1"].cells[0] is None and rows["event_-1"].cells[2] is not None  # TWFE omits -1, CS does not
    stats = {row.label: row.values for row in table.statistics}
    assert stats["Pre-trend test p-value"][:4] == tuple(waves[e].pretrend.pvalue for e in ESTIMATORS)
    assert stats["Firms"][:4] == tuple(waves[e].n_units for e in ESTIMATORS)
    assert stats["Cohorts"][0] == len(results.coverage["entries"]["invention_staggered"]["cohorts"])
    excluded = results.coverage["entries"]["invention_staggered"]["excluded_firms"]
    assert any(note.startswith(f"Entity-List waves: {excluded:,} firm") for note in table.notes)


def test_tvalue_star_of_a_cell_by_hand(results):
    from scipy import stats

    table = study_tables(results)["patenting_response_patenting_staggered"]
    cell = table.panels[0].rows[0].cells[1]
    att = results.staggered["invention_staggered"]["sun-abraham"].att
    assert cell.pvalue == pytest.approx(2 * stats.norm.sf(abs(att.estimate / att.std_error)), rel=1e-12)


def test_bootstrap_note_under_the_did_table(results):
    table = study_tables(results)["patenting_response_patenting_did"]
    test = results.wild_bootstrap["invention_did_industry_bootstrap"]
    note, = [n for n in table.notes if n.startswith("Wild cluster bootstrap")]
    assert "Webb weights, 9,999 draws" in note and f"{test.n_clusters} clusters" in note and "column (1)" in note
    assert f"[{test.conf_int[0]:.3f}, {test.conf_int[1]:.3f}]" in note


def test_overlay_figure_has_one_series_per_estimator(results):
    figure = study_figures(results)["patenting_response_patenting_staggered_event_study"]
    series = figure.draw.args[0]
    assert list(series) == [ESTIMATOR_LABELS[e] for e in ESTIMATORS]
    twfe = results.staggered["invention_staggered"]["twfe"]
    points = series["TWFE"].set_index("event_time")
    assert list(points.index) == [k for k in twfe.event_time if -5 <= k <= 5]
    assert points.loc[3, "estimate"] == twfe.event_time[3].estimate


def test_standalone_latex_compiles(bundle, tmp_path):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed")
    source = tmp_path / "table.tex"
    shutil.copy(bundle / "tables" / "patenting_response_patenting_staggered.standalone.tex", source)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "Missing character" not in (tmp_path / "table.log").read_text(errors="replace")
