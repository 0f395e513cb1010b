"""The within transformation against the dummy-variable regression it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from models.absorb import Absorber, demean


def dummy_residuals(x: np.ndarray, codes: list[np.ndarray], weights: np.ndarray | None = None) -> np.ndarray:
    """Residuals of (weighted) least squares on an intercept and every fixed effect's dummies."""
    n = len(x)
    blocks = [np.ones((n, 1))]
    for code in codes:
        dummies = np.zeros((n, int(code.max()) + 1))
        dummies[np.arange(n), code] = 1.0
        blocks.append(dummies)
    design = np.hstack(blocks)
    root = np.ones(n) if weights is None else np.sqrt(weights)
    scaled = x * (root[:, None] if x.ndim == 2 else root)
    coef = np.linalg.lstsq(design * root[:, None], scaled, rcond=None)[0]
    return x - design @ coef


def dense(*arrays: np.ndarray) -> list[np.ndarray]:
    return [np.unique(a, return_inverse=True)[1] for a in arrays]


@pytest.mark.parametrize("method", ["direct", "cg"])
@pytest.mark.parametrize("n_effects", [1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_equals_dummy_regression(method: str, n_effects: int, weighted: bool) -> None:
    rng = np.random.default_rng(n_effects)
    codes = dense(*(rng.integers(0, g, 300) for g in (40, 12, 7)[:n_effects]))
    x = rng.normal(size=(300, 3))
    weights = rng.uniform(0.5, 2.0, 300) if weighted else None
    result = Absorber(codes, weights, method=method, tol=1e-14).demean(x)
    assert np.abs(result.values - dummy_residuals(x, codes, weights)).max() < 1e-11
    assert result.converged
    assert result.method == ("exact" if n_effects == 1 else method)


@pytest.mark.parametrize("method", ["direct", "cg"])
def test_disconnected_groups(method: str) -> None:
    """Two sets of firms and years that never meet: S is singular by two dimensions."""
    rng = np.random.default_rng(3)
    firm = np.concatenate([rng.integers(0, 20, 200), rng.integers(20, 40, 200)])
    year = np.concatenate([rng.integers(0, 5, 200), rng.integers(5, 9, 200)])
    codes = dense(firm, year, rng.integers(0, 3, 400))
    x = rng.normal(size=(400, 2))
    result = Absorber(codes, method=method, tol=1e-14).demean(x)
    assert np.abs(result.values - dummy_residuals(x, codes)).max() < 1e-11


def test_shape_follows_the_input_and_iterations_are_counted() -> None:
    rng = np.random.default_rng(4)
    codes = dense(rng.integers(0, 30, 200), rng.integers(0, 6, 200))
    x = rng.normal(size=200)
    direct = demean(x, codes)
    iterative = Absorber(codes, method="cg", tol=1e-13).demean(x)
    assert direct.values.shape == (200,) and direct.iterations == 0 and direct.method == "direct"
    assert 1 <= iterative.iterations <= 6  # CG ends in at most rank(S) = 5 steps, plus rounding
    assert np.abs(direct.values - iterative.values).max() < 1e-12


def test_reports_no_convergence() -> None:
    rng = np.random.default_rng(5)
    codes = dense(rng.integers(0, 50, 500), rng.integers(0, 40, 500))
    result = Absorber(codes, method="cg", tol=1e-15, max_iter=2).demean(rng.normal(size=500))
    assert (result.iterations, result.converged) == (2, False)


def test_levels_without_rows_are_ignored() -> None:
    """Codes need not be dense: a level with no rows has no weight and no effect."""
    firm, year = np.array([0, 0, 2, 2, 3, 3]), np.array([0, 1, 0, 1, 0, 1])
    x = np.array([1.0, 2.0, 3.0, 5.0, 0.0, 0.0])
    expected = dummy_residuals(x, dense(firm, year))
    assert np.abs(demean(x, [firm, year]).values - expected).max() < 1e-14


def test_reuse_shares_the_preparation_and_the_columns(monkeypatch) -> None:
    """Inside reuse_demeaning a model's columns are demeaned once; estimates equal those without reuse."""
    import pandas as pd

    from models import Spec, absorb, fit, reuse_demeaning

    rng = np.random.default_rng(6)
    data = pd.DataFrame({"firm": rng.integers(0, 40, 400), "year": rng.integers(0, 8, 400),
                         "x": rng.normal(size=400), "z": rng.normal(size=400)})
    data["y"] = data["x"] - data["z"] + rng.normal(size=400)
    specs = [Spec("y", ("x",), fixed_effects=("firm", "year")), Spec("y", ("x", "z"), fixed_effects=("firm", "year"))]
    alone = [fit(data, spec) for spec in specs]
    prepared, demeaned = [], []
    monkeypatch.setattr(absorb.Absorber, "__init__", _counting(absorb.Absorber.__init__, prepared))
    monkeypatch.setattr(absorb.Absorber, "demean", _counting(absorb.Absorber.demean, demeaned))
    with reuse_demeaning():
        shared = [fit(data, spec) for spec in specs]
    assert len(prepared) == 1
    assert [args[1].shape[1] for args in demeaned] == [2, 1]  # y and x, then z only
    for one, other in zip(alone, shared):
        np.testing.assert_allclose(one.coef, other.coef, rtol=1e-13)
        np.testing.assert_allclose(one.cov_matrix, other.cov_matrix, rtol=1e-12)


def _counting(method, calls: list):
    def wrapped(*args, **kwargs):
        calls.append(args)
        return method(*args, **kwargs)
    return wrapped
