"""[[randomization]] study entries: parsing with exact messages, the runner, JSON, table note and figure."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from data_schemas.errors import InputError
from models.inference import randomization_inference
from models.studies import StudyResults, run_study, study_from_mapping
from report.study_report import study_figures, study_tables

MODEL = {"name": "m", "outcome": "ln_invention_apply", "regressors": ["treated_post"],
         "fixed_effects": ["firm_id", "year"], "cluster": ["firm_id"]}
BASE = {
    "name": "t",
    "models": [MODEL, {**MODEL, "name": "e", "regressors": ["exposed_post"]}],
    "randomization": [{"name": "r", "model": "m", "placebo": "firms", "strata": "industry", "draws": 199, "seed": 3}],
    "tables": [{"name": "did", "models": ["e", "m"]}],
    "figures": [{"name": "hist", "kind": "permutation", "sources": ["r"], "title": "Placebo firms"}],
}


def error_of(change) -> str:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(InputError) as caught:
        study_from_mapping(data, file="F")
    return str(caught.value)


def test_defaults_and_round_trip_of_the_declaration():
    data = copy.deepcopy(BASE)
    data["randomization"].append({"name": "y", "model": "m", "placebo": "years", "years": [2012, 2013]})
    study = study_from_mapping(data)
    firms, years = study.randomization
    assert (firms.term, firms.cohort, firms.strata, firms.years, firms.draws, firms.seed) == (
        None, "first_treat_year", "industry", None, 199, 3)
    assert (years.strata, years.years, years.draws, years.seed) == (None, (2012, 2013), 999, 0)
    assert study.figures[0].kind == "permutation"
    assert study_from_mapping(study.to_dict()) == study


@pytest.mark.parametrize("change, message", [
    (lambda d: d["randomization"][0].update(stratum="industry"),
     "F: [[randomization]] #1: unknown key 'stratum'; did you mean 'strata'?"),
    (lambda d: d["randomization"][0].pop("placebo"), "F: [[randomization]] #1: missing key 'placebo'; add placebo = ..."),
    (lambda d: d["randomization"][0].update(placebo="firm"),
     "F: [[randomization]] 'r': unknown placebo 'firm'; did you mean 'firms'?"),
    (lambda d: d["randomization"][0].update(placebo="years"),
     "F: [[randomization]] 'r': 'strata' goes with placebo = \"firms\" only; remove 'strata'"),
    (lambda d: d["randomization"][0].update(years=[2015]),
     "F: [[randomization]] 'r': 'years' goes with placebo = \"years\" only; remove 'years'"),
    (lambda d: d.update(randomization=[{"name": "r", "model": "m", "placebo": "years", "years": "2015"}]),
     "F: [[randomization]] 'r': 'years' must be a list of years, got '2015'; write years = [2014, 2015, 2016]"),
    (lambda d: d["randomization"][0].update(draws=50),
     "F: [[randomization]] 'r': 50 draws are too few; use at least 99 draws (999 by default)"),
    (lambda d: d["randomization"][0].update(model="mm"),
     "F: [[randomization]] 'r': names 'mm', which is not a [[models]] entry of the study; did you mean 'm'?"),
    (lambda d: d["randomization"][0].update(term="post"),
     "F: [[randomization]] 'r': term 'post' is not a coefficient of model 'm'; choose from treated_post"),
    (lambda d: d["randomization"].append(dict(d["randomization"][0])),
     ("F: [[randomization]] 'r': the name is used by another entry; "
      "give every model, event study and marginal entry its own name")),
    (lambda d: d["figures"][0].update(sources=["rr"]),
     "F: [[figures]] 'hist': names 'rr', which is not one of the study's randomization tests; did you mean 'r'?"),
    (lambda d: d["figures"][0].update(sources=["r", "r2"]),
     "F: [[figures]] 'hist': a permutation figure draws one randomization test, not 2; give one source per permutation figure"),
    (lambda d: d["figures"][0].update(kind="permutations"),
     "F: [[figures]] 'hist': unknown figure kind 'permutations'; did you mean 'permutation'?"),
])
def test_exact_errors(change, message):
    assert error_of(change) == message


@pytest.fixture(scope="module")
def results(small_panel) -> StudyResults:
    return run_study(study_from_mapping(copy.deepcopy(BASE)), small_panel)


def test_the_test_matches_a_direct_call_and_counts_by_hand(results, small_panel):
    test = results.randomization["r"]
    assert test.observed == pytest.approx(results.models["m"].params["treated_post"], rel=1e-9)
    frame = small_panel.data[["firm_id", "year", "ln_invention_apply", "treated_post", "first_treat_year", "industry"]]
    direct = randomization_inference(frame, study_from_mapping(BASE).models[0].spec, "treated_post", unit="firm_id",
                                     time="year", cohort="first_treat_year", strata="industry", draws=199, seed=3)
    assert test.distribution == pytest.approx(direct.distribution, rel=1e-9, nan_ok=True)
    values = np.asarray(test.distribution)
    assert len(values) == 199 and test.strata == "industry" and test.seed == 3
    exceed = int((np.abs(values[np.isfinite(values)]) >= abs(test.observed)).sum())
    assert test.pvalue == pytest.approx((1 + exceed) / (1 + test.draws))


def test_json_round_trip_and_older_json_without_randomization(results):
    back = StudyResults.from_dict(json.loads(results.to_json()))
    assert back.randomization["r"] == results.randomization["r"]
    assert back.study == results.study
    older = results.to_dict()
    del older["randomization"]
    older["study"].pop("randomization")
    older["study"]["figures"] = []
    assert dict(StudyResults.from_dict(older).randomization) == {}


def test_note_under_the_table_holding_the_model(results):
    test = results.randomization["r"]
    notes = study_tables(results)["t_did"].notes
    expected = (f"Randomization inference (placebo firms within industry, 199 draws): p = {test.pvalue:.4f} "
                "for Treated × Post in column (2).")
    assert expected in notes


def test_the_figure_gets_the_distribution(results, tmp_path, monkeypatch):
    drawn = {}

    def fake_histogram(distribution, observed, stem, title="", *, xlabel="", note=""):
        drawn.update(distribution=distribution, observed=observed, stem=stem, title=title, note=note)
        return []

    monkeypatch.setattr("report.study_report.permutation_histogram", fake_histogram)
    study_figures(results, simulated=True)["t_hist"](tmp_path / "hist")
    test = results.randomization["r"]
    assert drawn == {"distribution": test.distribution, "observed": test.observed, "stem": tmp_path / "hist",
                     "title": "Placebo firms", "note": "SIMULATED demo data: not real firms."}


def test_run_time_problems_name_the_entry(small_panel):
    data = copy.deepcopy(BASE)
    data["randomization"][0].update(model="e")
    with pytest.raises(InputError) as caught:
        run_study(study_from_mapping(data, file="F"), small_panel)
    assert str(caught.value).startswith(
        "F: [[randomization]] 'r': column 'exposed_post': 'exposed_post' is not the indicator of "
        "year >= first_treat_year (0 or missing first_treat_year = never treated)")
    data["randomization"][0].update(model="m", strata="industri")
    with pytest.raises(InputError) as caught:
        run_study(study_from_mapping(data, file="F"), small_panel)
    assert str(caught.value) == "F: [[randomization]] 'r': no column 'industri' in the panel; did you mean 'industry'?"
