r"""Poisson pseudo-maximum likelihood (PPML) with absorbed fixed effects.

The model is :math:`E[y_i \mid x_i] = \exp(x_i'\beta + d_i'\alpha + o_i)` with
fixed effects :math:`d_i'\alpha` and an optional offset :math:`o_i`; the
estimates solve the Poisson score equations, which stay consistent whenever the
conditional mean is right, whatever the distribution of the (non-negative, not
necessarily integer) outcome (Santos Silva and Tenreyro 2006).

Covariance, with :math:`\tilde X` the regressors after the within-transformation
weighted by :math:`w_i\hat\mu_i`, :math:`B = (\tilde X' W \hat M \tilde X)^{-1}`
and scores :math:`s_i = w_i \tilde x_i (y_i - \hat\mu_i)`:

``iid``
    :math:`\frac{n-1}{n-K} B` (the inverse Hessian; fixest's default small-sample factor).
``hc1``
    :math:`\frac{n}{n-K} B (\sum_i s_i s_i') B`.
``cluster``
    :math:`\frac{G}{G-1}\frac{n-1}{n-K} B (\sum_g s_g s_g') B`, two-way by
    Cameron–Gelbach–Miller with the smaller :math:`G`, fixed effects nested in a
    cluster not counted in :math:`K` (:mod:`models.covariance`).

These equal R's ``glm(family = poisson)`` with the fixed effects as dummies,
``sandwich``'s meat and fixest's small-sample factor (see
tests/reference/poisson/).  :math:`K` counts the regressors and the degrees of
freedom of the fixed effects (:func:`models.fixed_effects.fe_dof`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from models import covariance
from models.absorb import demean
from models.collinearity import CollinearityWarning, collinear_columns, collinearity_scale
from models.fixed_effects import fe_dof
from models.poisson_irls import TOLERANCE, irls, loglik
from models.poisson_result import PoissonResult
from models.poisson_sample import poisson_sample
from models.spec import Spec


class ConvergenceWarning(UserWarning):
    """The IRLS iterations of a Poisson model stopped before meeting the tolerance."""


def fit_poisson(
    data: pd.DataFrame, spec: Spec, *, file: str | None = None, tol: float = TOLERANCE, max_iter: int = 100
) -> PoissonResult:
    """Estimate a Poisson model with absorbed fixed effects (``spec.family == "poisson"``).

    Parameters
    ----------
    data : DataFrame
        One row per observation with the columns named in ``spec``.
    spec : Spec
        The model; ``offset`` or ``exposure`` and ``weights`` are used when set.
    file : str, optional
        The file ``data`` was read from, named in messages.
    tol : float
        Tolerance on the relative change of the deviance between iterations.
    max_iter : int
        Most IRLS iterations; a :class:`ConvergenceWarning` says when they ran out.

    Returns
    -------
    PoissonResult

    Raises
    ------
    InputError
        For a negative, non-finite or all-zero outcome, a non-positive exposure,
        every regressor collinear with the fixed effects, or too few rows.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"y": [0, 1, 3, 2, 5, 4, 0, 2], "x": [0.1, 0.5, 0.9, 0.4, 1.2, 1.0, 0.2, 0.3],
    ...                      "firm": [1, 1, 2, 2, 3, 3, 4, 4]})
    >>> result = fit_poisson(data, Spec("y", ["x"], fixed_effects=["firm"], family="poisson"))
    >>> round(float(result.params["x"]), 6), result.nobs
    (1.505745, 8)
    """
    if spec.family != "poisson":
        raise InputError(f"fit_poisson needs family 'poisson', got '{spec.family}'", fix="use models.fit")
    sample = poisson_sample(data, spec, file=file)
    codes = list(sample.fixed_effects) or [np.zeros(len(sample.y), dtype=np.int64)]
    keep, dropped = _independent(sample.x, codes, sample.y, sample.weights, spec)
    fit = irls(sample.y, sample.x[:, keep], codes, sample.offset, sample.weights, tol=tol, max_iter=max_iter)
    if not fit.converged:
        warnings.warn(f"the Poisson iterations did not converge in {max_iter} iterations", ConvergenceWarning,
                      stacklevel=2)
    nobs = len(sample.y)
    clustered = spec.vcov == "cluster"
    df_fe = fe_dof(sample.fixed_effects)
    df_model = len(keep) + (fe_dof(sample.fixed_effects, nested_in=sample.clusters) if clustered else df_fe)
    df_resid = nobs - df_model
    if df_resid <= 0:
        raise InputError(
            f"{nobs} observations are too few for {df_model} parameters (regressors and fixed effects)",
            file=file, fix="use more data or fewer regressors and fixed effects",
        )
    cov = _covariance(spec, sample.y, fit.mu, fit.x_within, sample.weights, sample.clusters, df_resid)
    sizes = tuple(int(c.max()) + 1 for c in sample.clusters)
    ll = loglik(sample.y, fit.mu, sample.weights)
    ll_null = loglik(sample.y, _null_means(sample.y, sample.offset, sample.weights), sample.weights)
    return PoissonResult(
        spec=spec,
        names=tuple(spec.regressors[j] for j in keep),
        coef=fit.coef,
        cov_matrix=cov,
        nobs=nobs,
        n_missing=sample.n_missing,
        n_singletons=sample.n_singletons,
        dropped_collinear=dropped,
        rsquared=float("nan"),
        rsquared_within=float("nan"),
        depvar_mean=float(sample.y.mean()),
        cluster_sizes=sizes,
        df_fe=df_fe,
        df_model=df_model,
        df_resid=df_resid,
        df_inference=min(sizes) - 1 if sizes else df_resid,
        deviance=fit.deviance,
        loglik=ll,
        loglik_null=ll_null,
        pseudo_rsquared=1 - ll / ll_null,
        n_separated=sample.n_separated,
        n_separated_regressors=sample.n_separated_regressors,
        converged=fit.converged,
        iterations=fit.iterations,
    )


def _independent(
    x: np.ndarray, codes: list[np.ndarray], y: np.ndarray, weights: np.ndarray, spec: Spec
) -> tuple[list[int], tuple[str, ...]]:
    """Regressors kept and dropped as collinear, judged at the starting weights of the iterations."""
    start = weights * (y + np.average(y, weights=weights)) / 2
    within = demean(x, codes, start).values
    root = np.sqrt(start)[:, None]
    later = collinear_columns(root * within, collinearity_scale(x, start))
    keep = [j for j in range(x.shape[1]) if j not in later]
    dropped = tuple(spec.regressors[j] for j in later)
    if dropped:
        warnings.warn(f"Dropped collinear regressors: {', '.join(dropped)}", CollinearityWarning, stacklevel=3)
    if not keep:
        raise InputError("every regressor is collinear with the fixed effects", fix="choose other regressors")
    return keep, dropped


def _covariance(
    spec: Spec,
    y: np.ndarray,
    mu: np.ndarray,
    x_within: np.ndarray,
    weights: np.ndarray,
    clusters: tuple[np.ndarray, ...],
    df_resid: int,
) -> np.ndarray:
    """The covariance of :mod:`models.poisson`'s docstring, through :mod:`models.covariance`."""
    n = len(y)
    x = np.sqrt(weights * mu)[:, None] * x_within
    bread = np.linalg.inv(x.T @ x)
    # x * resid = w (y - mu) x_within, the score of each observation
    resid = np.sqrt(weights / mu) * (y - mu)
    if spec.vcov == "iid":
        return (n - 1) / df_resid * bread
    if spec.vcov == "hc1":
        return covariance.hc1(x, resid, bread, df_resid)
    return covariance.clustered(x, resid, bread, df_resid, clusters)


def _null_means(y: np.ndarray, offset: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Fitted means of the constant-only model (with the offset): :math:`\\hat\\mu_i = e^{a + o_i}`."""
    return np.exp(offset) * np.sum(weights * y) / np.sum(weights * np.exp(offset))
