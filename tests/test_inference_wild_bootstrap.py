"""Wild cluster bootstrap against a draw-by-draw refit with models.fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models import Spec, fit
from models.inference import wild_cluster_bootstrap
from models.inference.wild_bootstrap import _weights


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    firms, years = 60, 6
    frame = pd.DataFrame({"firm": np.repeat(np.arange(firms), years), "year": np.tile(np.arange(years), firms)})
    frame["industry"] = frame["firm"] % 8
    frame["x"] = rng.normal(size=len(frame)) + 0.3 * frame["industry"]
    frame["z"] = rng.normal(size=len(frame))
    frame["y"] = 0.2 * frame["x"] - 0.1 * frame["z"] + rng.normal(size=len(frame)) + rng.normal(size=8)[frame["industry"]]
    return frame


def test_tstat_is_fits_and_pvalue_is_the_refit_one(panel):
    spec = Spec("y", ("x", "z"), fixed_effects=("firm", "year"), cluster=("industry",))
    result = wild_cluster_bootstrap(panel, spec, "x", draws=999, seed=5)
    assert result.tstat == pytest.approx(fit(panel, spec).tstats["x"], rel=1e-9)
    assert result.draws == 2**8  # 8 clusters: every sign vector once
    # the same test by brute force: impose x's coefficient = 0, refit each draw with models.fit
    restricted = fit(panel, Spec("y", ("z",), fixed_effects=("firm", "year"), cluster=("industry",)))
    from models.design import build_design
    from models.fixed_effects import partial_out

    within = partial_out(build_design(panel, Spec("y", ("z",), fixed_effects=("firm", "year"), cluster=("industry",))))
    y_abs, z_abs = within.y, within.x
    resid = y_abs - z_abs @ restricted.params.to_numpy()
    fitted_part = y_abs - resid
    x_abs = partial_out(build_design(panel, Spec("x", ("z",), fixed_effects=("firm", "year")))).y
    tstats = []
    for w in _weights("rademacher", 999, 8, 5):
        star = pd.DataFrame({"y": fitted_part + resid * w[panel["industry"].to_numpy()], "x": x_abs, "z": z_abs[:, 0],
                             "industry": panel["industry"], "one": 1})
        refit = fit(star, Spec("y", ("x", "z"), cluster=("industry",)))
        # same CRV1 factor as the model with the fixed effects: rescale by its residual degrees of freedom
        tstats.append(refit.tstats["x"] * np.sqrt(refit.df_resid / fit(panel, spec).df_resid))
    expected = np.mean(np.abs(tstats) >= abs(result.tstat) - 1e-12)
    assert result.pvalue == pytest.approx(expected, abs=1e-12)


def test_confidence_set_boundaries_have_pvalue_alpha_and_seed_repeats(panel):
    spec = Spec("y", ("x",), fixed_effects=("firm", "year"), cluster=("industry",))
    first = wild_cluster_bootstrap(panel, spec, "x", draws=499, weights="webb", seed=2)
    again = wild_cluster_bootstrap(panel, spec, "x", draws=499, weights="webb", seed=2)
    assert first == again
    low, high = first.conf_int
    assert low < first.estimate < high
    inside = wild_cluster_bootstrap(panel, spec, "x", null=(low + first.estimate) / 2, draws=499, weights="webb", seed=2)
    outside = wild_cluster_bootstrap(panel, spec, "x", null=low - (high - low), draws=499, weights="webb", seed=2)
    assert inside.pvalue >= 0.05 > outside.pvalue


def test_bad_requests_raise_input_errors(panel):
    spec = Spec("y", ("x",), fixed_effects=("firm",), vcov="hc1")
    with pytest.raises(InputError, match="clustered by one column"):
        wild_cluster_bootstrap(panel, spec, "x")
    spec = Spec("y", ("x",), cluster=("industry",))
    with pytest.raises(InputError, match="'w' is not a regressor"):
        wild_cluster_bootstrap(panel, spec, "w")
