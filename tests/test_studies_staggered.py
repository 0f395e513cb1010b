"""[[staggered]] and [[wild_bootstrap]] study entries: parsing with exact messages, the runner, JSON."""

from __future__ import annotations

import copy
import json

import pytest

from data_schemas.errors import InputError
from models.staggered import callaway_santanna, sun_abraham
from models.studies import StudyResults, run_study, study_from_mapping

BASE = {
    "name": "t",
    "models": [{"name": "m", "outcome": "ln_invention_apply", "regressors": ["treated_post"],
                "fixed_effects": ["firm_id", "year"], "cluster": ["firm_id"]}],
    "staggered": [{"name": "g", "outcome": "ln_invention_apply", "cohort": "first_treat_year"}],
}


def error_of(change) -> str:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(InputError) as caught:
        study_from_mapping(data, file="F")
    return str(caught.value)


def test_defaults_and_round_trip_of_the_declaration():
    data = {**copy.deepcopy(BASE), "tables": [{"name": "r", "kind": "staggered", "models": ["g"]}],
            "figures": [{"name": "f", "kind": "event_study", "sources": ["g"]}]}
    study = study_from_mapping(data)
    entry = study.staggered[0]
    assert entry.estimators == ("twfe", "sun-abraham", "callaway-santanna", "imputation")
    assert (entry.control, entry.cluster, entry.window, entry.covariates) == ("never", ("firm_id",), None, ())
    assert study.tables[0].kind == "staggered"
    assert study_from_mapping(study.to_dict()) == study


@pytest.mark.parametrize("change, message", [
    (lambda d: d["staggered"][0].update(cohorts="x"), "F: [[staggered]] #1: unknown key 'cohorts'; did you mean 'cohort'?"),
    (lambda d: d["staggered"][0].pop("cohort"), "F: [[staggered]] #1: missing key 'cohort'; add cohort = ..."),
    (lambda d: d["staggered"][0].update(estimators=["callaway-santana"]),
     "F: [[staggered]] 'g': unknown estimator 'callaway-santana'; did you mean 'callaway-santanna'?"),
    (lambda d: d["staggered"][0].update(estimators=[]),
     "F: [[staggered]] 'g': no estimators; leave 'estimators' out to run all four"),
    (lambda d: d["staggered"][0].update(control="not_yet"),
     "F: [[staggered]] 'g': unknown control group 'not_yet'; did you mean 'notyet'?"),
    (lambda d: d["staggered"][0].update(cluster=["industry"]),
     ("F: [[staggered]] 'g': the staggered estimators cluster by firm, not by industry; "
      'write cluster = ["firm_id"] or leave it out')),
    (lambda d: d["staggered"][0].update(window=[3, -2]),
     "F: [[staggered]] 'g': 'window' must be two whole numbers [first, last], got [3, -2]; write window = [-5, 5]"),
    (lambda d: d["staggered"][0].update(name="m"),
     "F: [[staggered]] 'm': the name is used by another entry; give every model, event study and marginal entry its own name"),
    (lambda d: d.update(tables=[{"name": "r", "kind": "staggered", "models": ["m"]}]),
     "F: [[tables]] 'r': names 'm', which is not a [[staggered]] entry of the study; choose from g"),
    (lambda d: d.update(tables=[{"name": "r", "kind": "stagered", "models": ["g"]}]),
     "F: [[tables]] 'r': unknown table kind 'stagered'; did you mean 'staggered'?"),
    (lambda d: d.update(tables=[{"name": "r", "kind": "staggered", "models": ["g"], "drop": ["x"]}]),
     "F: [[tables]] 'r': 'drop' is for regression tables, not staggered ones; remove 'drop'"),
    (lambda d: d.update(figures=[{"name": "f", "kind": "event_study", "sources": ["gg"]}]),
     "F: [[figures]] 'f': names 'gg', which is not one of the study's event studies; did you mean 'g'?"),
    (lambda d: d.update(wild_bootstrap=[{"name": "b", "model": "mm", "cluster": "industry"}]),
     "F: [[wild_bootstrap]] 'b': names 'mm', which is not a [[models]] entry of the study; did you mean 'm'?"),
    (lambda d: d.update(wild_bootstrap=[{"name": "b", "model": "m", "term": "post", "cluster": "industry"}]),
     "F: [[wild_bootstrap]] 'b': term 'post' is not a coefficient of model 'm'; choose from treated_post"),
    (lambda d: d.update(wild_bootstrap=[{"name": "b", "model": "m", "cluster": "industry", "weights": "web"}]),
     "F: [[wild_bootstrap]] 'b': unknown weights 'web'; did you mean 'webb'?"),
    (lambda d: d.update(wild_bootstrap=[{"name": "b", "model": "m", "cluster": "industry", "draws": 10}]),
     "F: [[wild_bootstrap]] 'b': 10 draws are too few; use at least 99 draws (9,999 by default)"),
])
def test_exact_errors(change, message):
    assert error_of(change) == message


def test_a_missing_cohort_column_is_named_before_estimating(small_panel):
    data = copy.deepcopy(BASE)
    data["staggered"][0]["cohort"] = "first_treat_yr"
    with pytest.raises(InputError) as caught:
        run_study(study_from_mapping(data, file="F"), small_panel)
    assert str(caught.value) == ("F: [[staggered]] 'g': no column 'first_treat_yr' in the panel; "
                                 "did you mean 'first_treat_year'?")


@pytest.fixture(scope="module")
def run(small_panel):
    data = copy.deepcopy(BASE)
    data["staggered"][0].update(estimators=["sun-abraham", "callaway-santanna"], control="notyet", window=[-3, 3])
    data["wild_bootstrap"] = [{"name": "b", "model": "m", "cluster": "industry", "draws": 999}]
    return run_study(study_from_mapping(data), small_panel)


def _without_early_treated(frame):
    """Hand rule: drop firms whose first treatment year is at or before their first panel year."""
    first = frame.groupby("firm_id")["year"].transform("min")
    early = frame.loc[frame["first_treat_year"].notna() & (frame["first_treat_year"] <= first), "firm_id"].unique()
    return frame[~frame["firm_id"].isin(early)], len(early)


def test_estimators_run_on_the_firms_with_a_pre_treatment_year(run, small_panel):
    kept, n_early = _without_early_treated(small_panel.data)
    assert n_early >= 1 and small_panel.data["sanctioned_before_listing"].eq(1).any()
    coverage = run.coverage["entries"]["g"]
    assert coverage["excluded_firms"] == n_early and "before listing" in coverage["excluded_reason"]
    assert coverage["firms"] == kept["firm_id"].nunique()
    cohorts = kept.groupby("firm_id")["first_treat_year"].first().dropna().astype(int).value_counts()
    assert coverage["cohorts"] == {str(k): int(v) for k, v in sorted(cohorts.items())}
    assert list(run.staggered["g"]) == ["sun-abraham", "callaway-santanna"]
    direct = callaway_santanna(kept, "ln_invention_apply", unit="firm_id", time="year", cohort="first_treat_year",
                               control="notyet")
    assert run.staggered["g"]["callaway-santanna"].att == direct.att
    assert run.staggered["g"]["callaway-santanna"].control == "notyet"
    sa = sun_abraham(kept, "ln_invention_apply", unit="firm_id", time="year", cohort="first_treat_year")
    assert run.staggered["g"]["sun-abraham"].event_time == sa.event_time


def test_wild_bootstrap_tests_the_models_coefficient(run, small_panel):
    test = run.wild_bootstrap["b"]
    assert test.term == "treated_post" and test.weights == "webb" and test.draws == 999
    assert test.estimate == pytest.approx(run.models["m"].params["treated_post"], rel=1e-10)
    assert test.conf_int[0] < test.estimate < test.conf_int[1]
    assert test.n_clusters == small_panel.data["industry"].nunique()


def test_json_round_trip(run):
    back = StudyResults.from_dict(json.loads(run.to_json()))
    assert back.to_dict() == json.loads(run.to_json())
    assert back.staggered["g"]["sun-abraham"] == run.staggered["g"]["sun-abraham"]
    assert back.wild_bootstrap["b"] == run.wild_bootstrap["b"]
