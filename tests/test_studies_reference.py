"""Study models on a slice of the demo panel against R (tests/reference/reference.R).

R builds the interactions and the supplier subsample from the raw columns of
demo_panel_slice.csv and drops fixed-effect singletons itself; here the same
models run through the study runner, so interactions, conditions, singletons
and every variance estimator are checked at 1e-6 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.studies import run_study, study_from_mapping

REFERENCE = Path(__file__).parent / "reference"
TOLERANCE = 1e-6
ROA = {
    "outcome": "roa",
    "regressors": ["ln_invention_apply"],
    "interactions": ["ln_invention_apply:post", "ln_invention_apply:post:exposed"],
    "controls": ["size", "leverage"],
}
#: the models of reference.R, as study entries (without name and variance estimator)
MODELS = {
    "roa_firm_year": {**ROA, "fixed_effects": ["firm_id", "year"]},
    "roa_firm_industry_year": {**ROA, "fixed_effects": ["firm_id", "industry_year"]},
    "share_supplier_firms": {"outcome": "foreign_supplier_share", "regressors": ["exposed_post"],
                             "fixed_effects": ["firm_id", "year"], "where": "supplier_coverage == 1"},
}


def _entry(model: str, vcov: str, vcov_arg: str) -> dict:
    entry = {**MODELS[model], "name": f"{model}__{vcov}__{vcov_arg}"}
    if vcov == "cluster":
        entry["cluster"] = vcov_arg.split("+")
    else:
        entry["vcov"] = {"dk": "driscoll-kraay"}.get(vcov, vcov)
    return entry


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "study_reference_values.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def results(reference):
    from panel.assemble.drop_log import DROP_LOG_COLUMNS
    from panel.firm_panel import FirmPanel

    data = pd.read_csv(REFERENCE / "demo_panel_slice.csv", dtype={"firm_id": str, "industry_year": str})
    keys = reference[["model", "vcov", "vcov_arg"]].drop_duplicates().itertuples(index=False)
    study = study_from_mapping({"name": "reference", "models": [_entry(*key) for key in keys]})
    return run_study(study, FirmPanel(data=data, drop_log=pd.DataFrame(columns=DROP_LOG_COLUMNS)))


def test_every_vcov_type_is_covered(reference):
    assert set(reference["vcov"]) == {"iid", "hc1", "cluster", "dk"}
    assert "firm_id+year" in set(reference["vcov_arg"])


def test_study_models_match_r(reference, results):
    for (model, vcov, vcov_arg), group in reference.groupby(["model", "vcov", "vcov_arg"]):
        result = results.models[f"{model}__{vcov}__{vcov_arg}"]
        terms = group["term"].tolist()
        assert result.nobs == group["nobs"].iloc[0], model
        params = result.params[terms].to_numpy()
        errors = result.std_errors[terms].to_numpy()
        expected_params = group["estimate"].to_numpy(dtype=float)
        expected_errors = group["std_error"].to_numpy(dtype=float)
        assert np.max(np.abs(params - expected_params) / np.abs(expected_params)) < TOLERANCE, (model, vcov)
        assert np.max(np.abs(errors - expected_errors) / np.abs(expected_errors)) < TOLERANCE, (model, vcov, vcov_arg)
