"""Estimates from compressed cells equal the fit on the records (You Only Compress Once)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models.compressed import fit_compressed
from models.fixed_effects import fit
from models.spec import Spec
from panel.engines import get_engine

TOLERANCE = 1e-8


@pytest.fixture(scope="module")
def records():
    """Patent-level records: 120 firms x 8 years, 1-9 records per firm-year; regressors constant per firm-year."""
    rng = np.random.default_rng(7)
    firms, years = np.arange(120), np.arange(2012, 2020)
    cells = pd.DataFrame([(f, y) for f in firms for y in years], columns=["firm", "year"])
    cells["treated_post"] = ((cells["firm"] % 3 == 0) & (cells["year"] >= 2016)).astype(float)
    cells["subsidy_band"] = rng.integers(0, 3, len(cells)).astype(float)
    cells["industry"] = cells["firm"] % 7
    sizes = rng.integers(1, 10, len(cells))
    out = cells.loc[cells.index.repeat(sizes)].reset_index(drop=True)
    firm_effect = rng.normal(0, 1, len(firms))[out["firm"]]
    out["citations"] = (
        2.0
        + 0.4 * out["treated_post"]
        - 0.2 * out["subsidy_band"]
        + firm_effect
        + rng.normal(0, 1 + out["subsidy_band"], len(out))
    )
    out.loc[5, "citations"] = np.nan  # one missing outcome
    return out


KEYS = ["firm", "year", "industry", "treated_post", "subsidy_band"]


@pytest.mark.parametrize(
    "spec",
    [
        Spec("citations", ["treated_post", "subsidy_band"], fixed_effects=["firm", "year"], cluster=["firm"]),
        Spec(
            "citations", ["treated_post", "subsidy_band"], fixed_effects=["firm", "year"], cluster=["industry", "year"]
        ),
        Spec("citations", ["treated_post", "subsidy_band"], fixed_effects=["year"], vcov="hc1"),
        Spec("citations", ["treated_post", "subsidy_band"], vcov="iid"),
    ],
    ids=["twfe-cluster-firm", "twfe-two-way", "year-fe-hc1", "pooled-iid"],
)
def test_compressed_fit_equals_the_record_level_fit(records, spec):
    cells = get_engine("duckdb").compress(records, KEYS, "citations")
    assert cells.n_missing == 1
    assert len(cells.cells) == 960 and cells.cells["n"].sum() == len(records) - 1
    compressed, direct = fit_compressed(cells, spec), fit(records, spec)
    assert compressed.nobs == direct.nobs and compressed.df_resid == direct.df_resid
    np.testing.assert_allclose(compressed.coef, direct.coef, rtol=TOLERANCE, atol=0)
    np.testing.assert_allclose(
        np.sqrt(np.diag(compressed.cov_matrix)), np.sqrt(np.diag(direct.cov_matrix)), rtol=TOLERANCE
    )
    assert compressed.rsquared == pytest.approx(direct.rsquared, rel=TOLERANCE)
    assert compressed.rsquared_within == pytest.approx(direct.rsquared_within, rel=TOLERANCE)
    assert compressed.depvar_mean == pytest.approx(direct.depvar_mean, rel=1e-12)


def test_a_regressor_that_is_not_a_key_cannot_be_compressed(records):
    cells = get_engine("duckdb").compress(records, ["firm", "year", "treated_post"], "citations")
    with pytest.raises(InputError) as info:
        fit_compressed(cells, Spec("citations", ["treated_post", "subsidy_band"], fixed_effects=["firm"]))
    assert str(info.value) == (
        "not constant within the cells (not a compression key): subsidy_band; "
        "compress by every regressor, fixed effect and cluster variable, or fit the records directly"
    )
