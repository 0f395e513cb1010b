"""Estimates and standard errors against R (sandwich, clubSandwich, plm) and published values.

The reference values come from tests/reference/reference.R (see the README
there); they are compared at 1e-6 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models import Spec, fit

REFERENCE = Path(__file__).parent / "reference"
TOLERANCE = 1e-6


def _split(text: object) -> tuple[str, ...]:
    return () if pd.isna(text) or text == "" else tuple(str(text).split("+"))


def _cases() -> list[tuple[tuple, pd.DataFrame]]:
    values = pd.read_csv(REFERENCE / "reference_values.csv", keep_default_na=False)
    keys = ["dataset", "outcome", "regressors", "fixed_effects", "weights", "vcov", "vcov_arg"]
    return [(key, group) for key, group in values.groupby(keys, sort=False)]


def reference_spec(fixed_effects: str, outcome: str, regressors: str, weights: str, vcov: str, vcov_arg: str) -> Spec:
    """The :class:`Spec` of one row group of reference_values.csv."""
    return Spec(
        outcome,
        _split(regressors),
        fixed_effects=_split(fixed_effects),
        cluster=_split(vcov_arg) if vcov == "cluster" else (),
        vcov={"dk": "driscoll-kraay"}.get(vcov, vcov),
        weights=weights or None,
        time=vcov_arg if vcov == "dk" else None,
    )


def relative_differences(key: tuple, group: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Relative differences of estimates and standard errors from R's."""
    dataset, outcome, regressors, fixed_effects, weights, vcov, vcov_arg = key
    data = pd.read_csv(REFERENCE / f"{dataset}.csv")
    result = fit(data, reference_spec(fixed_effects, outcome, regressors, weights, vcov, vcov_arg))
    terms = group["term"].tolist()
    params = result.params[terms].to_numpy()
    errors = result.std_errors[terms].to_numpy()
    expected_params = group["estimate"].to_numpy(dtype=float)
    expected_errors = group["std_error"].to_numpy(dtype=float)
    return (
        np.abs(params - expected_params) / np.abs(expected_params),
        np.abs(errors - expected_errors) / np.abs(expected_errors),
    )


@pytest.mark.parametrize(("key", "group"), _cases(), ids=lambda v: "-".join(map(str, v)) if isinstance(v, tuple) else "")
def test_matches_r(key, group):
    params, errors = relative_differences(key, group)
    assert params.max() < TOLERANCE
    assert errors.max() < TOLERANCE


PUBLIC = [
    # (data, spec, term, estimate, std error, tolerance) from ../shared/reference/validation_public.csv
    ("grunfeld", Spec("invest", ("value", "capital"), fixed_effects=("firm",)), "value", 0.110124, 0.011857),
    ("grunfeld", Spec("invest", ("value", "capital"), fixed_effects=("firm",)), "capital", 0.310065, 0.017355),
    ("grunfeld", Spec("invest", ("value", "capital"), fixed_effects=("firm", "year")), "value", 0.117716, 0.013751),
    ("grunfeld", Spec("invest", ("value", "capital"), fixed_effects=("firm", "year")), "capital", 0.357916, 0.022719),
    ("grunfeld", Spec("invest", ("value", "capital"), fixed_effects=("firm",), cluster=("firm",)), "value", 0.110124, 0.015194),
    ("grunfeld", Spec("invest", ("value", "capital"), fixed_effects=("firm",), cluster=("firm",)), "capital", 0.310065, 0.052752),
    ("wage_panel", Spec("lwage", ("expersq", "union", "married"), fixed_effects=("nr", "year")), "expersq", -0.005185, 0.000704),
    ("wage_panel", Spec("lwage", ("expersq", "union", "married"), fixed_effects=("nr", "year")), "union", 0.080002, 0.019310),
    ("wage_panel", Spec("lwage", ("expersq", "union", "married"), fixed_effects=("nr", "year")), "married", 0.046680, 0.018310),
    ("wage_panel", Spec("lwage", ("expersq", "union", "married"), fixed_effects=("nr", "year"), cluster=("nr",)), "union", 0.080002, 0.022743),
]


@pytest.mark.parametrize(("dataset", "spec", "term", "estimate", "std_error"), PUBLIC)
def test_matches_published_values(dataset, spec, term, estimate, std_error):
    """The published values carry six decimals, so they agree to half a unit in the last place."""
    result = fit(pd.read_csv(REFERENCE / f"{dataset}.csv"), spec)
    assert result.params[term] == pytest.approx(estimate, abs=5e-7)
    assert result.std_errors[term] == pytest.approx(std_error, abs=5e-7)
