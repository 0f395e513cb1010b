"""A study's declared tables and figures: columns, labels, notes and legends come from the results."""

from __future__ import annotations

import pytest

from data_schemas.errors import InputError
from models.studies import run_study_file, study_from_mapping
from report.render import render
from report.study_report import study_figures, study_tables


@pytest.fixture(scope="module")
def returns(small_panel):
    return run_study_file("returns_to_innovation", small_panel)


def test_tables_follow_the_declarations(returns):
    tables = study_tables(returns, simulated=True)
    assert list(tables) == ["returns_to_innovation_roa_invention", "returns_to_innovation_performance_invention"]
    roa = tables["returns_to_innovation_roa_invention"]
    assert roa.column_titles[1] == "× Post"
    rows = [r.label for r in roa.panels[0].rows]
    assert rows[:3] == ["ln(1+invention applications)", "ln(1+invention applications) × Post",
                        "ln(1+invention applications) × Post × Exposed"]
    assert {r.label: r.cells for r in roa.indicators}["Controls"] == ("Yes",) * 5
    assert "SIMULATED demo data: not real firms." in roa.notes
    assert roa.notes[-2].startswith("Post: year >= 2019.") and roa.notes[-1].startswith("SIMULATED")
    md = render(roa, "md")
    assert "Clusters" in md and "Industry×Year FE" in md


def test_figure_legends_come_from_labels(returns, tmp_path, monkeypatch):
    seen = {}
    import report.study_report as module

    monkeypatch.setattr(module, "marginal_return_plot", lambda series, stem, **kw: seen.update(series=series))
    figures = study_figures(returns)
    figures["returns_to_innovation_roa_return_by_year"](tmp_path / "f")
    assert list(seen["series"]) == ["Exposed firms", "Other firms"]
    assert list(seen["series"]["Exposed firms"].columns[:2]) == ["period", "estimate"]


def test_one_label_per_source():
    study = {
        "name": "s",
        "marginal": [{"name": "m", "outcome": "roa", "x": "ln_invention_apply"}],
        "figures": [{"name": "f", "kind": "marginal", "sources": ["m"], "labels": ["a", "b"]}],
    }
    with pytest.raises(InputError, match=r"\[\[figures\]\] 'f': 2 labels for 1 sources; give one legend label per source"):
        study_from_mapping(study)
