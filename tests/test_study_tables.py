"""Table keys of a study file: each refused with one exact message before estimating, each visible in the table."""

from __future__ import annotations

import textwrap
import tomllib

import pytest

from data_schemas.errors import InputError
from models.studies import read_study, run_study, study_from_mapping
from report.grid import to_grid
from report.render import render
from report.study_report import study_tables

MODELS = """
name = "t"
[[models]]
name = "roa_fe"
outcome = "roa"
regressors = ["ln_invention_apply"]
interactions = ["ln_invention_apply:post"]
controls = ["size"]
fixed_effects = ["firm_id", "year"]
cluster = ["firm_id"]

[[models]]
name = "roa_ind"
outcome = "roa"
regressors = ["ln_invention_apply"]
interactions = ["ln_invention_apply:post"]
controls = ["size"]
fixed_effects = ["firm_id", "year"]
cluster = ["industry"]

[[models]]
name = "roe_fe"
outcome = "roe"
regressors = ["ln_invention_apply"]
interactions = ["ln_invention_apply:post"]
controls = ["size"]
fixed_effects = ["firm_id", "year"]
cluster = ["firm_id"]

[[models]]
name = "roe_ind"
outcome = "roe"
regressors = ["ln_invention_apply"]
interactions = ["ln_invention_apply:post"]
controls = ["size"]
fixed_effects = ["firm_id", "year"]
cluster = ["industry"]
"""

TABLE = """
[[tables]]
name = "tab"
models = ["roa_fe", "roa_ind"]
"""

PANELS = """
[[tables]]
name = "perf"
kind = "panels"
title = "Performance"
[[tables.panels]]
title = "ROA"
models = ["roa_fe", "roa_ind"]
[[tables.panels]]
title = "ROE"
models = ["roe_fe", "roe_ind"]
"""


def error_of(tmp_path, text: str) -> str:
    path = tmp_path / "study.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_study(path)
    return str(caught.value).replace(str(path), "FILE")


@pytest.mark.parametrize(("extra", "message"), [
    ('statistics = ["nobs", "r2_withn"]',
     "'statistics': unknown statistic 'r2_withn'; did you mean 'r2_within'?"),
    ('second_row = "tstat"', "'second_row': unknown second row 'tstat'; choose from se, t, p, ci, none"),
    ('numbers = "signif"', "'numbers': unknown number format 'signif'; did you mean 'significant'?"),
    ("digits = 12", "'digits' must be a whole number from 0 to 10, got 12; write digits = 3"),
    ('extra_rows = { Sample = ["All"] }', "'extra_rows' row 'Sample' has 1 cells for 2 columns; give one cell per column"),
    ('keep = ["ln_inv(ention"]', "'keep' pattern 'ln_inv(ention' is not a regular expression "
                                 "(missing ), unterminated subpattern at position 6); e.g. 'event_.*' or '^(size|leverage)$'"),
    ('drop = ["ln_invention_aply.*"]', "drop names 'ln_invention_aply.*', which none of its models estimates; "
                                       "did you mean 'ln_invention_apply'?"),
    ('rename = { "ln_inventon_apply" = "Patents" }',
     "rename names 'ln_inventon_apply', which is no coefficient, outcome, fixed effect or cluster of its models; "
     "did you mean 'ln_invention_apply'?"),
    ('row_digits = { nob = 0 }', "row_digits names 'nob', which is no statistic and no coefficient of its models; "
                                 "did you mean 'nobs'?"),
    ("shared = false", "'shared' is for tables of kind = \"panels\"; add kind = \"panels\""),
])
def test_table_keys_are_checked_with_one_message(tmp_path, extra, message):
    assert error_of(tmp_path, MODELS + TABLE + extra + "\n") == f"FILE: [[tables]] 'tab': {message}"


def test_an_unknown_table_key_is_named_with_a_suggestion(tmp_path):
    assert error_of(tmp_path, MODELS + TABLE + 'colum_titles = ["a", "b"]\n') == (
        "FILE: [[tables]] #1: unknown key 'colum_titles'; did you mean 'column_titles'?")


def test_a_table_naming_a_missing_model(tmp_path):
    assert error_of(tmp_path, MODELS + TABLE.replace('"roa_ind"]', '"roa_indd"]')) == (
        "FILE: [[tables]] 'tab': names 'roa_indd', which is not a model or event study of the study; "
        "did you mean 'roa_ind'?")
    assert error_of(tmp_path, MODELS + PANELS.replace('["roe_fe", "roe_ind"]', '["roe_fe", "roe_inf"]')) == (
        "FILE: [[tables]] 'perf': names 'roe_inf', which is not a model or event study of the study; "
        "did you mean 'roe_ind'?")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('["roe_fe", "roe_ind"]', '["roe_fe"]', "panel 'ROE' has 1 models and panel 'ROA' has 2; give every panel one "
                                            "model per column"),
    ('title = "ROE"', 'title = "ROA"', "panel title 'ROA' is used twice; give every panel its own title"),
    ('["roe_fe", "roe_ind"]', '["roe_ind", "roe_fe"]',
     "shared = true, but column (1) has other standard errors in panel 'ROE' (roe_ind) than in panel 'ROA' (roa_fe); "
     "give each panel its own block (shared = false) or make the columns match"),
    ('kind = "panels"\n', 'kind = "panels"\nmodels = ["roa_fe"]\n',
     "'models' and 'panels' both given: a panels table takes its models from its panels; "
     "move the models into the [[tables.panels]] entries"),
    ('title = "ROE"\n', 'title = "ROE"\nmodles = ["x"]\n', "panels #2: unknown key 'modles'; did you mean 'models'?"),
    ('kind = "panels"', 'kind = "panel"', "unknown table kind 'panel'; did you mean 'panels'?"),
])
def test_conflicting_panel_definitions(tmp_path, old, new, message):
    assert error_of(tmp_path, MODELS + PANELS.replace(old, new, 1)) == f"FILE: [[tables]] 'perf': {message}"


def test_panels_table_needs_two_panels(tmp_path):
    text = MODELS + '[[tables]]\nname = "p"\nkind = "panels"\n[[tables.panels]]\ntitle = "A"\nmodels = ["roa_fe"]\n'
    assert error_of(tmp_path, text) == (
        "FILE: [[tables]] 'p': a panels table needs two or more [[tables.panels]] entries; "
        'add [[tables.panels]] with title = "..." and models = [...] for each panel')


FEATURES = MODELS + """
[[tables]]
name = "roa"
title = "ROA"
models = ["roa_fe", "roa_ind"]
statistics = ["nobs", "clusters"]
extra_rows = { Sample = ["All firms", "All firms"], Estimator = ["OLS", "OLS"] }
rename = { "ln_invention_apply" = "Invention apps", "ln_invention_apply:(.*)" = "Invention apps × \\\\1" }
order = ["ln_invention_apply:.*"]
second_row = "t"
numbers = "significant"
digits = 2
row_digits = { "ln_invention_apply" = 4 }
""" + PANELS.replace("[[tables]]\n", '[[tables]]\nsecond_row = "ci"\ndrop = ["ln_invention_apply:.*"]\n', 1)


@pytest.fixture(scope="module")
def feature_tables(small_panel):
    results = run_study(study_from_mapping(tomllib.loads(FEATURES), file="features.toml"), small_panel)
    return results, study_tables(results)


def test_every_table_key_takes_effect(feature_tables):
    results, tables = feature_tables
    roa = tables["t_roa"]
    assert [r.label for r in roa.panels[0].rows] == ["Invention apps × post", "Invention apps"]
    assert [r.digits for r in roa.panels[0].rows] == [None, 4]
    assert [r.label for r in roa.statistics] == ["Observations", "Clusters (firm)", "Clusters (industry (csrc 2012))"]
    assert {r.label: r.cells for r in roa.indicators}["Sample"] == ("All firms", "All firms")
    assert {r.label: r.cells for r in roa.indicators}["Standard errors"] == ("By firm", "By industry (csrc 2012)")
    grid = to_grid(roa)
    cells = {(row.kind, row.label): row.cells for row in grid.rows}
    fit = results["roa_fe"]
    tstat = fit.params["ln_invention_apply:post"] / fit.std_errors["ln_invention_apply:post"]
    # four significant digits in the row given them, two elsewhere; t statistics under the coefficients
    assert cells[("coef", "Invention apps")][0] == f"{fit.params['ln_invention_apply']:.4g}***" == "0.01131***"
    assert cells[("coef", "Invention apps × post")][0] == f"{fit.params['ln_invention_apply:post']:.2g}***"
    assert [row.cells[0] for row in grid.rows if row.kind == "second"] == [f"({tstat:.2g})", "(8.1)"]
    assert "t statistics in parentheses." in grid.notes and "R²" not in render(roa, "md")


def test_panels_table_stacks_with_one_shared_block(feature_tables):
    results, tables = feature_tables
    perf = tables["t_perf"]
    assert [p.title for p in perf.panels] == ["Panel A: ROA", "Panel B: ROE"]
    assert [[r.term for r in p.rows] for p in perf.panels] == [["ln_invention_apply"]] * 2
    assert [r.label for r in perf.indicators] == ["Firm FE", "Year FE", "Controls", "Standard errors"]
    assert perf.second_row == "ci"
    grid = to_grid(perf)
    low, high = results["roe_ind"].conf_int(0.95).loc["ln_invention_apply"]
    assert [row.cells[1] for row in grid.rows if row.kind == "second"][1] == f"[{low:.3f}, {high:.3f}]"
    assert "95 % confidence intervals in brackets." in grid.notes


def test_table_keys_round_trip_through_the_study_mapping(feature_tables):
    results, _ = feature_tables
    again = study_from_mapping(results.study.to_dict())
    assert again.tables == results.study.tables
    assert results.study.to_dict()["tables"][1]["panels"][1] == {"title": "ROE", "models": ["roe_fe", "roe_ind"]}


def test_the_readme_table_example_parses():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n")[2].split("```", 1)[0]
    study = study_from_mapping(tomllib.loads(MODELS + block))
    roa, performance = study.tables
    assert roa.statistics == ("nobs", "r2_within", "clusters") and roa.row_digits == (("nobs", 0), ("ln_invention_apply", 4))
    assert [p.title for p in performance.panels] == ["ROA", "ROE"] and performance.shared
