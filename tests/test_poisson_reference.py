"""Poisson estimates against R: glm(family = poisson) with dummies, sandwich, fixest's small-sample factor.

The reference values come from tests/reference/poisson/reference.R (see the
README there); estimates are compared at 1e-8 absolute and relative, standard
errors, deviance, log-likelihood and pseudo-R² at 1e-6 relative.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models import Spec
from models.poisson import fit_poisson
from models.poisson_sample import SeparationWarning

REFERENCE = Path(__file__).parent / "reference" / "poisson"
KEYS = ["dataset", "outcome", "regressors", "fixed_effects", "weights", "exposure", "vcov", "cluster"]


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split("+")) if text else ()


def _cases() -> list[tuple[tuple, pd.DataFrame]]:
    values = pd.read_csv(REFERENCE / "reference_values.csv", keep_default_na=False)
    return list(values.groupby(KEYS, sort=False))


def _fit(key: tuple):
    dataset, outcome, regressors, fixed_effects, weights, exposure, vcov, cluster = key
    spec = Spec(outcome, _split(regressors), fixed_effects=_split(fixed_effects), cluster=_split(cluster),
                vcov=vcov, weights=weights or None, exposure=exposure or None, family="poisson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeparationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return fit_poisson(pd.read_csv(REFERENCE / f"{dataset}.csv"), spec)


def _label(value: object) -> str:
    return "-".join(map(str, value)) if isinstance(value, tuple) else ""


@pytest.mark.parametrize(("key", "group"), _cases(), ids=_label)
def test_matches_r(key, group):
    result = _fit(key)
    terms = group["term"].tolist()
    first = group.iloc[0]
    assert result.nobs == first["nobs"]
    assert result.n_separated_regressors == first["n_separated_regressors"]
    assert result.converged
    np.testing.assert_allclose(result.params[terms], group["estimate"].astype(float), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(result.std_errors[terms], group["std_error"].astype(float), rtol=1e-6)
    np.testing.assert_allclose(
        [result.deviance, result.loglik, result.pseudo_rsquared],
        [float(first["deviance"]), float(first["loglik"]), float(first["pseudo_rsquared"])],
        rtol=1e-6,
    )


def largest_differences() -> dict[str, float]:
    """Largest relative differences from R of estimates and standard errors over every case."""
    est, se = 0.0, 0.0
    for key, group in _cases():
        result = _fit(key)
        terms = group["term"].tolist()
        est = max(est, float(np.max(np.abs(result.params[terms] / group["estimate"].astype(float).to_numpy() - 1))))
        se = max(se, float(np.max(np.abs(result.std_errors[terms] / group["std_error"].astype(float).to_numpy() - 1))))
    return {"estimates": est, "std_errors": se}
