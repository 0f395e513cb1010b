"""Invariances every fixed-effects fit must have, checked with hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Spec, fit

VCOVS = [
    {"vcov": "iid"},
    {"vcov": "hc1"},
    {"cluster": ("firm",)},
    {"cluster": ("firm", "year")},
    {"vcov": "driscoll-kraay", "time": "year"},
]


def panel(seed: int) -> pd.DataFrame:
    """A small unbalanced firm-year panel with two regressors."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"firm": np.repeat(np.arange(12), 6), "year": np.tile(np.arange(2015, 2021), 12)})
    frame = frame.loc[rng.random(len(frame)) > 0.15].reset_index(drop=True)
    n = len(frame)
    frame["x1"] = rng.normal(size=n) + rng.normal(size=12)[frame["firm"]]
    frame["x2"] = rng.gamma(2.0, size=n)
    frame["y"] = 0.4 * frame["x1"] - 0.2 * frame["x2"] + rng.normal(size=12)[frame["firm"]] + rng.normal(size=n)
    return frame


def spec(vcov: dict) -> Spec:
    return Spec("y", ("x1", "x2"), fixed_effects=("firm", "year"), **vcov)


common = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False), vcov=st.sampled_from(VCOVS))
def test_row_order_does_not_change_results(seed, order, vcov):
    data = panel(seed)
    rows = list(data.index)
    order.shuffle(rows)
    first, second = fit(data, spec(vcov)), fit(data.loc[rows], spec(vcov))
    np.testing.assert_allclose(second.params, first.params, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(second.std_errors, first.std_errors, rtol=1e-8)
    assert second.nobs == first.nobs


@common
@given(seed=st.integers(0, 10_000), shift=st.lists(st.floats(-1e3, 1e3), min_size=12, max_size=12),
       vcov=st.sampled_from(VCOVS))
def test_a_constant_per_firm_added_to_y_does_not_change_slopes(seed, shift, vcov):
    data = panel(seed)
    shifted = data.assign(y=data["y"] + np.asarray(shift)[data["firm"]])
    first, second = fit(data, spec(vcov)), fit(shifted, spec(vcov))
    np.testing.assert_allclose(second.params, first.params, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(second.std_errors, first.std_errors, rtol=1e-6)


@common
@given(seed=st.integers(0, 10_000), scale=st.floats(-1e3, 1e3).filter(lambda c: abs(c) > 1e-3),
       vcov=st.sampled_from(VCOVS))
def test_scaling_y_scales_params_and_standard_errors(seed, scale, vcov):
    data = panel(seed)
    first, second = fit(data, spec(vcov)), fit(data.assign(y=scale * data["y"]), spec(vcov))
    np.testing.assert_allclose(second.params, scale * first.params, rtol=1e-8)
    np.testing.assert_allclose(second.std_errors, abs(scale) * first.std_errors, rtol=1e-8)
    np.testing.assert_allclose(second.rsquared_within, first.rsquared_within, rtol=1e-10)
