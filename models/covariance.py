r"""Variance estimators of a linear model on its absorbed (demeaned) design.

All estimators take the design after the fixed effects have been absorbed and
the weights applied: :math:`\tilde X = \sqrt{w}\,\ddot X` and residuals
:math:`\tilde e = \sqrt{w}\,(\ddot y - \ddot X\hat\beta)`, where a double dot
is the within transformation.  With the bread :math:`B = (\tilde X'\tilde X)^{-1}`,
:math:`n` observations and :math:`K` parameters (regressors plus the degrees of
freedom of the absorbed fixed effects, see :func:`models.fixed_effects.fe_dof`):

``iid``
    :math:`V = s^2 B`, :math:`s^2 = \tilde e'\tilde e/(n-K)`.
``hc1``
    :math:`V = \frac{n}{n-K} B \left(\sum_i \tilde e_i^2 \tilde x_i \tilde x_i'\right) B`
    (Stata ``robust``, fixest ``hetero``, R ``sandwich::vcovHC(type="HC1")`` on
    the dummy-variable regression).
``cluster`` (one way, CRV1)
    :math:`V = \frac{G}{G-1}\frac{n-1}{n-K} B \left(\sum_g s_g s_g'\right) B`,
    :math:`s_g = \sum_{i\in g} \tilde x_i \tilde e_i`, with fixed effects nested in
    the cluster not counted in :math:`K` (reghdfe, fixest).
``cluster`` (two way, Cameron–Gelbach–Miller)
    :math:`V = c\,B (M_1 + M_2 - M_{12}) B` with :math:`M_j = \sum_g s_g s_g'` over
    the clusters of the first, second and intersected variable and
    :math:`c = \frac{G_{min}}{G_{min}-1}\frac{n-1}{n-K}`, :math:`G_{min}` the
    smaller number of clusters (reghdfe and fixest's default ``cluster.df="min"``);
    fixed effects nested in either cluster are not counted in :math:`K`; an
    indefinite result has its negative eigenvalues set to zero (CGM 2011, fixest).
``driscoll-kraay``
    :math:`V = B \left(\Omega_0 + \sum_{l=1}^{L} (1 - \tfrac{l}{L+1})(\Omega_l + \Omega_l')\right) B`
    with :math:`h_t = \sum_{i \in t} \tilde x_i \tilde e_i` and
    :math:`\Omega_l = \sum_t h_t h_{t-l}'` (periods in sorted order), no
    small-sample factor and :math:`L = \lfloor T^{1/4} \rfloor` by default, as
    R's ``plm::vcovSCC`` (``type="HC0"``, Bartlett weights).
"""

from __future__ import annotations

import numpy as np


def group_sums(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Column sums of ``values`` within each group code ``0..G-1``; shape (G, k)."""
    n_groups = int(groups.max()) + 1
    return np.column_stack(
        [np.bincount(groups, weights=values[:, j], minlength=n_groups) for j in range(values.shape[1])]
    ).reshape(n_groups, values.shape[1])


def iid(x: np.ndarray, resid: np.ndarray, bread: np.ndarray, df_resid: int) -> np.ndarray:
    """Classical covariance :math:`s^2 B` with :math:`s^2 = e'e/(n-K)`."""
    return float(resid @ resid) / df_resid * bread


def hc1(x: np.ndarray, resid: np.ndarray, bread: np.ndarray, df_resid: int) -> np.ndarray:
    """Heteroskedasticity-robust covariance with the factor :math:`n/(n-K)`."""
    n = x.shape[0]
    scores = x * resid[:, None]
    return n / df_resid * bread @ (scores.T @ scores) @ bread


def clustered(
    x: np.ndarray,
    resid: np.ndarray,
    bread: np.ndarray,
    df_resid: int,
    clusters: tuple[np.ndarray, ...],
    *,
    nobs: int | None = None,
) -> np.ndarray:
    """One- or two-way CRV1 covariance (two-way by Cameron–Gelbach–Miller).

    Parameters
    ----------
    x, resid, bread : ndarray
        Absorbed weighted design, residuals and :math:`(X'X)^{-1}`.
    df_resid : int
        :math:`n - K`, with fixed effects nested in a cluster not counted in K.
    clusters : tuple of ndarray
        Integer codes of one or two cluster variables.
    nobs : int, optional
        Observations in the small-sample factor when the rows of ``x`` are
        cells of several observations (``resid`` then holds each cell's
        residual sum); the rows of ``x`` by default.
    """
    n = x.shape[0] if nobs is None else nobs
    scores = x * resid[:, None]

    def meat(groups: np.ndarray) -> np.ndarray:
        sums = group_sums(scores, groups)
        return sums.T @ sums

    if len(clusters) == 1:
        total = meat(clusters[0])
    else:
        first, second = clusters
        both = np.unique(first * (int(second.max()) + 1) + second, return_inverse=True)[1]
        total = meat(first) + meat(second) - meat(both.ravel())
    g_min = min(int(c.max()) + 1 for c in clusters)
    factor = g_min / (g_min - 1) * (n - 1) / df_resid
    cov = factor * bread @ total @ bread
    return cov if len(clusters) == 1 else positive_semidefinite(cov)


def positive_semidefinite(cov: np.ndarray) -> np.ndarray:
    """``cov`` with negative eigenvalues set to zero (Cameron, Gelbach and Miller 2011, sec. 2.3).

    The two-way estimator subtracts the intersection's meat and can come out
    indefinite in small or unlucky samples, giving negative variances; like
    fixest, the negative part is removed. A positive semi-definite ``cov`` is
    returned unchanged.

    Examples
    --------
    >>> positive_semidefinite(np.array([[1.0, 0.0], [0.0, -2.0]])).tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    values, vectors = np.linalg.eigh((cov + cov.T) / 2)
    if values.min() >= 0:
        return cov
    return (vectors * np.clip(values, 0, None)) @ vectors.T


def driscoll_kraay(
    x: np.ndarray, resid: np.ndarray, bread: np.ndarray, time: np.ndarray, lags: int
) -> np.ndarray:
    """Driscoll–Kraay covariance: Newey–West with Bartlett weights on period sums of scores."""
    sums = group_sums(x * resid[:, None], time)
    spectral = sums.T @ sums
    for lag in range(1, lags + 1):
        gamma = sums[lag:].T @ sums[:-lag]
        spectral += (1 - lag / (lags + 1)) * (gamma + gamma.T)
    return bread @ spectral @ bread


def default_lags(n_periods: int) -> int:
    """Bartlett lags :math:`\\lfloor T^{1/4} \\rfloor`, the default of ``plm::vcovSCC``."""
    return int(np.floor(n_periods**0.25))
