"""The study format: parsing, checks with exact messages, the runner against hand computations, JSON."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models import Spec, event_study, fit
from models.studies import (
    StudyResults,
    builtin_studies,
    load_study,
    parse_condition,
    read_study,
    run_study,
    run_study_file,
)

BASE = """
name = "t"
[[models]]
name = "m"
outcome = "roa"
regressors = ["ln_invention_apply"]
interactions = ["ln_invention_apply:post"]
controls = ["size"]
fixed_effects = ["firm_id", "year"]
cluster = ["firm_id"]
"""


def write(tmp_path, text: str, name: str = "study.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_study(path)
    return str(caught.value).replace(str(path), "FILE")


# --- the bundled studies -------------------------------------------------------
def test_builtin_studies_are_listed_and_parse():
    bundled = builtin_studies()
    assert sorted(bundled) == ["patenting_response", "returns_to_innovation", "supply_chain_dependence"]
    for name, path in bundled.items():
        study = load_study(name)
        assert study.name == name and study.file == str(path)
        assert study.models and study.tables


def test_unknown_study_name_suggests_the_builtin():
    with pytest.raises(InputError, match="did you mean 'patenting_response'"):
        load_study("patenting_respons")


# --- checks before estimating, with exact messages -----------------------------
def test_unknown_key_is_an_error_with_a_suggestion(tmp_path):
    text = BASE.replace("regressors =", "regresors =")
    assert error_of(tmp_path, text) == "FILE: [[models]] #1: unknown key 'regresors'; did you mean 'regressors'?"


def test_unknown_top_level_and_panel_keys(tmp_path):
    assert error_of(tmp_path, "titel = 'x'\n" + BASE) == "FILE: study: unknown key 'titel'; did you mean 'title'?"
    text = BASE + "\n[panel]\ncutof_year = 2019\n"
    assert error_of(tmp_path, text) == "FILE: [panel]: unknown key 'cutof_year'; did you mean 'cutoff_year'?"


def test_table_naming_a_missing_model(tmp_path):
    text = BASE + '\n[[tables]]\nname = "tab"\nmodels = ["n"]\n'
    assert error_of(tmp_path, text) == (
        "FILE: [[tables]] 'tab': names 'n', which is not a model or event study of the study; choose from m"
    )


def test_table_keep_naming_a_coefficient_no_model_has(tmp_path):
    text = BASE + '\n[[tables]]\nname = "tab"\nmodels = ["m"]\nkeep = ["ln_invention_aply"]\n'
    assert error_of(tmp_path, text) == (
        "FILE: [[tables]] 'tab': keep names 'ln_invention_aply', which none of its models estimates; "
        "did you mean 'ln_invention_apply'?"
    )


def test_bad_vcov_sample_condition_and_figure(tmp_path):
    assert error_of(tmp_path, BASE.replace('cluster = ["firm_id"]', 'vcov = "hc2"')) == (
        "FILE: [[models]] 'm': unknown vcov 'hc2'; did you mean 'hc1'? (choices: iid, hc1, cluster, driscoll-kraay)"
    )
    assert error_of(tmp_path, BASE + 'sample = "hightech"\n') == (
        "FILE: [[models]] 'm': unknown sample 'hightech'; did you mean 'high_tech'?"
    )
    assert error_of(tmp_path, BASE + 'where = "year = 2019"\n').startswith(
        "FILE: [[models]] 'm': cannot read the condition part 'year = 2019'"
    )
    figure = BASE + '\n[[figures]]\nname = "f"\nkind = "event_study"\nsources = ["m"]\n'
    assert error_of(tmp_path, figure) == (
        "FILE: [[figures]] 'f': names 'm', which is not one of the study's event studies; choose from (none declared)"
    )


def test_event_study_timing_rules(tmp_path):
    text = '''
    name = "t"
    [[event_studies]]
    name = "e"
    outcome = "roa"
    timing = 2019
    '''
    assert error_of(tmp_path, text) == (
        "FILE: [[event_studies]] 'e': a fixed-year timing needs exactly one of 'treated' (a 0/1 column) or "
        "'exposure' (continuous); add treated = \"exposed\" or exposure = \"foreign_share_pre\""
    )
    assert "outside the window" in error_of(tmp_path, text + 'treated = "exposed"\nwindow = [0, 3]\n')


def test_missing_column_fails_before_anything_is_estimated(tmp_path, small_panel, monkeypatch):
    from models import fixed_effects

    monkeypatch.setattr(fixed_effects, "fit", lambda *a, **k: pytest.fail("estimated before checking columns"))
    path = write(tmp_path, BASE.replace('controls = ["size"]', 'controls = ["sise"]'))
    with pytest.raises(InputError) as caught:
        run_study_file(path, small_panel)
    assert str(caught.value) == f"{path}: [[models]] 'm': no column 'sise' in the panel; did you mean 'size'?"


def test_time_invariant_control_under_firm_effects_is_refused(tmp_path, small_panel):
    path = write(tmp_path, BASE.replace('controls = ["size"]', 'controls = ["size", "soe"]'))
    with pytest.raises(InputError) as caught:
        run_study_file(path, small_panel)
    assert str(caught.value) == (
        f"{path}: [[models]] 'm': 'soe' does not vary within firm_id, so the firm_id fixed effects absorb it; "
        "drop 'soe' from this entry or estimate it without firm_id fixed effects"
    )


def test_panel_built_with_other_options_is_refused(tmp_path, small_panel):
    path = write(tmp_path, BASE + "\n[panel]\ncutoff_year = 2020\n")
    with pytest.raises(InputError, match=r"\[panel\]: the study needs cutoff_year = 2020, but the panel was built with 2019"):
        run_study_file(path, small_panel)


# --- the condition language ----------------------------------------------------
def test_conditions_against_hand_filters():
    frame = pd.DataFrame({"a": [1, 0, 1, np.nan], "b": [2019, 2020, 2021, 2022], "c": ["x", "y", "x", "x"]})
    assert parse_condition("a == 1").mask(frame).tolist() == [True, False, True, False]
    assert parse_condition("a == 1 and b >= 2020").mask(frame).tolist() == [False, False, True, False]
    assert parse_condition("c != 'x'").mask(frame).tolist() == [False, True, False, False]
    assert parse_condition("b < 2.0205e3").mask(frame).tolist() == [True, True, False, False]


@pytest.mark.parametrize("text", ["a = 1", "a == 1 or b == 2", "__import__('os').system('x') == 1", "a == b", ""])
def test_conditions_outside_the_language_are_refused(text):
    with pytest.raises(InputError):
        parse_condition(text)


# --- the runner against hand computations --------------------------------------
def test_model_with_interaction_and_subsample_equals_a_hand_fit(tmp_path, small_panel):
    path = write(tmp_path, BASE + 'sample = "manufacturing"\nwhere = "year >= 2012"\n')
    result = run_study_file(path, small_panel).models["m"]
    data = small_panel.data
    data = data[(data["manufacturing"] == 1) & (data["year"] >= 2012)].copy()
    data["ln_invention_apply:post"] = data["ln_invention_apply"] * data["post"]
    by_hand = fit(data, Spec("roa", ("ln_invention_apply", "ln_invention_apply:post", "size"),
                             fixed_effects=("firm_id", "year"), cluster=("firm_id",)))
    np.testing.assert_allclose(result.params, by_hand.params, rtol=1e-12)
    np.testing.assert_allclose(result.std_errors, by_hand.std_errors, rtol=1e-12)
    assert result.nobs == by_hand.nobs


def test_marginal_effects_are_sums_of_coefficients_with_full_covariance(tmp_path, small_panel):
    text = '''
    name = "t"
    [[marginal]]
    name = "r"
    outcome = "roa"
    x = "ln_invention_apply"
    reference = 2015
    controls = ["size"]
    fixed_effects = ["firm_id", "year"]
    cluster = ["firm_id"]
    '''
    marginal = run_study_file(write(tmp_path, text), small_panel).marginal["r"]
    table, result = marginal.by_period, marginal.result
    assert table.loc[2015, "estimate"] == pytest.approx(result.params["ln_invention_apply"], rel=1e-12)
    name = dict(marginal.periods)[2020]
    assert name == "ln_invention_apply:year=2020"
    a = result.cov.loc[["ln_invention_apply", name], ["ln_invention_apply", name]].to_numpy()
    assert table.loc[2020, "estimate"] == pytest.approx(result.params["ln_invention_apply"] + result.params[name], rel=1e-12)
    assert table.loc[2020, "std_error"] == pytest.approx(np.sqrt(a.sum()), rel=1e-12)


def test_fixed_year_event_study_equals_event_study_on_a_hand_made_timing_column(tmp_path, small_panel):
    text = '''
    name = "t"
    [[event_studies]]
    name = "e"
    outcome = "ln_invention_apply"
    timing = 2019
    treated = "exposed"
    window = [-3, 2]
    bin_endpoints = true
    '''
    es = run_study_file(write(tmp_path, text), small_panel).event_studies["e"]
    data = small_panel.data.assign(first=np.where(small_panel.data["exposed"] == 1, 2019.0, np.nan))
    by_hand = event_study(data, "ln_invention_apply", unit="firm_id", time="year", first_treated="first",
                          window=(-3, 2), bin_endpoints=True)
    np.testing.assert_allclose(es.result.params, by_hand.params, rtol=1e-12)
    assert [k for k, _ in es.periods] == [-3, -2, 0, 1, 2]
    assert es.pretrend.terms == ("event_-3", "event_-2")
    coefficients = es.coefficients()
    assert coefficients.loc[-1, "estimate"] == 0 and np.isnan(coefficients.loc[-1, "std_error"])


def test_exposure_event_study_window_and_periods(tmp_path, small_panel):
    text = '''
    name = "t"
    [[event_studies]]
    name = "e"
    outcome = "ln_invention_apply"
    timing = 2019
    exposure = "foreign_share_pre"
    window = [-4, 3]
    '''
    es = run_study_file(write(tmp_path, text), small_panel).event_studies["e"]
    assert [k for k, _ in es.periods] == [-4, -3, -2, 0, 1, 2, 3]
    assert dict(es.periods)[-4] == "foreign_share_pre:year=2015"
    assert es.pretrend.df_num == 3


def test_event_study_keeps_never_treated_firms_with_a_nullable_timing_column(small_panel):
    data = small_panel.data
    assert str(data["first_treat_year"].dtype) == "Int64"
    nullable = event_study(data, "ln_invention_apply", unit="firm_id", time="year", first_treated="first_treat_year",
                           window=(-3, 3), bin_endpoints=True)
    floats = event_study(data.assign(first_treat_year=data["first_treat_year"].astype(float)), "ln_invention_apply",
                         unit="firm_id", time="year", first_treated="first_treat_year", window=(-3, 3), bin_endpoints=True)
    assert nullable.n_missing == 0
    assert nullable.nobs == floats.nobs
    np.testing.assert_allclose(nullable.params, floats.params, rtol=1e-12)


# --- results ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def supply_results(small_panel):
    return run_study_file("supply_chain_dependence", small_panel)


def test_results_are_immutable_and_found_by_name(supply_results):
    with pytest.raises(TypeError):
        supply_results.models["x"] = None
    assert supply_results["share_did"] is supply_results.models["share_did"]
    assert supply_results["share_es"] is supply_results.event_studies["share_es"]
    with pytest.raises(InputError, match="did you mean 'share_did'"):
        supply_results["share_dd"]


def test_json_round_trip_keeps_estimates_coverage_and_declarations(supply_results, tmp_path):
    path = tmp_path / "results.json"
    supply_results.to_json(path)
    again = StudyResults.read_json(path)
    assert again.to_dict() == json.loads(path.read_text(encoding="utf-8"))
    for name, result in supply_results.models.items():
        np.testing.assert_array_equal(again.models[name].coef, result.coef)
        np.testing.assert_array_equal(again.models[name].cov_matrix, result.cov_matrix)
    es = again.event_studies["share_es"]
    assert es.pretrend.pvalue == supply_results.event_studies["share_es"].pretrend.pvalue
    pd.testing.assert_frame_equal(es.coefficients(), supply_results.event_studies["share_es"].coefficients())
    assert again.coverage == supply_results.coverage
    assert again.study.tables == supply_results.study.tables
    assert again.study.figures[0].sources == ("share_es_upstream", "share_es_downstream")


def test_study_to_dict_reads_back_as_the_same_study(tmp_path):
    from models.studies import study_from_mapping

    for name in builtin_studies():
        study = load_study(name)
        again = study_from_mapping(study.to_dict(), file=study.file)
        assert again == study


def test_run_study_takes_a_parsed_study(small_panel):
    study = load_study("patenting_response")
    results = run_study(study, small_panel)
    assert set(results.models) == {m.name for m in study.models}
    assert results.coverage["panel"]["firm_years"] == len(small_panel.data)


def test_the_documented_example_parses_and_runs(tmp_path, small_panel):
    import models.studies

    doc = models.studies.__doc__
    example = doc.split("Copy, save as ``my_study.toml`` and run ``run_study_file(\"my_study.toml\", panel)``::")[1]
    example = textwrap.dedent(example.split("\nResults\n")[0])
    results = run_study_file(write(tmp_path, example, "my_study.toml"), small_panel)
    assert set(results.models) == {"roa_post", "roa_post_industry_year"}
    assert results.event_studies["patents_es"].pretrend is not None
    assert results.coverage["panel"]["sample"] == "high_tech"
    assert results.study.tables[0].column_titles == ("Year FE", "Industry x year FE")
