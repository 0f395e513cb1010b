"""Synthetic control, synthetic difference-in-differences and plain DiD as one weighted contrast.

All three estimators of Arkhangelsky et al. (2021, eq. 1-4) compare the treated units'
mean path with a weighted mean of the donors' paths:

.. math:: \\hat\\tau = (\\bar y_{post} - \\omega' Y_{post}) - \\lambda' (y_{pre} - \\omega' Y_{pre}),

where ``omega`` weights donors and ``lambda`` weights pre-periods (``y`` is the treated
units' mean path, ``Y`` the donors' paths, ``post`` the mean over post-periods):

* **did**: uniform ``omega`` and ``lambda``;
* **sc**: ``omega`` fitted to the pre-period levels without intercept and ``lambda = 0``
  (ridge ``1e-6 · sigma``), so the effect is the mean post-period gap;
* **sdid**: ``omega`` fitted with intercept and ridge ``(N_1 T_1)^{1/4} sigma``,
  ``lambda`` fitted with intercept and ridge ``1e-6 · sigma``,

with ``sigma`` the standard deviation of the donors' first differences over the
pre-periods.  :func:`fit_weights` solves a stack of such problems at once, one per
row of ``targets``, each with its own set of usable donors: the fit itself is a stack
of one, placebo and leave-one-out runs are stacks of many.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.synthetic.frank_wolfe import solve_simplex

METHODS = ("sdid", "sc", "did")

#: Ridge of the time weights (and of the synthetic-control unit weights), times sigma.
SMALL_RIDGE = 1e-6
#: A problem stops once a step lowers its objective by at most (this · sigma) squared.
MIN_DECREASE = 1e-5


@dataclass(frozen=True)
class Penalties:
    """Ridge penalties and stopping rule of a stack of problems (one value per problem)."""

    zeta_omega: np.ndarray
    zeta_lambda: np.ndarray
    min_decrease: np.ndarray

    def take(self, index: np.ndarray) -> Penalties:
        """The penalties of the problems at ``index``."""
        return Penalties(self.zeta_omega[index], self.zeta_lambda[index], self.min_decrease[index])


@dataclass(frozen=True)
class WeightFit:
    """Unit weights, time weights and effects of a stack of problems."""

    omega: np.ndarray  # (problems, donors)
    lam: np.ndarray  # (problems, pre-periods)
    estimate: np.ndarray  # (problems,)
    synthetic: np.ndarray  # (problems, periods): weighted donor path plus the fitted level shift


def noise_level(donors: np.ndarray, allowed: np.ndarray, n_pre: int) -> np.ndarray:
    """Standard deviation (ddof 1) of the usable donors' pre-period first differences, per problem."""
    diffs = np.diff(donors[:, :n_pre], axis=1)
    count = allowed.sum(axis=1) * diffs.shape[1]
    total = allowed @ diffs.sum(axis=1)
    squares = allowed @ (diffs**2).sum(axis=1)
    mean = total / count
    return np.sqrt(np.maximum(squares - count * mean**2, 0.0) / (count - 1))


def penalties(method: str, donors: np.ndarray, allowed: np.ndarray, n_pre: int, n_treated: int) -> Penalties:
    """The penalties Arkhangelsky et al. (2021) use for ``method``, from each problem's donors."""
    sigma = noise_level(donors, allowed, n_pre)
    n_post = donors.shape[1] - n_pre
    if method == "sdid":
        zeta_omega = (n_treated * n_post) ** 0.25 * sigma
    else:
        zeta_omega = SMALL_RIDGE * sigma
    return Penalties(zeta_omega, SMALL_RIDGE * sigma, MIN_DECREASE * sigma)


def _uniform(allowed: np.ndarray) -> np.ndarray:
    return allowed / allowed.sum(axis=1, keepdims=True)


def _unit_weights(
    method: str, donors_pre: np.ndarray, targets_pre: np.ndarray, allowed: np.ndarray,
    penalty: Penalties, start: np.ndarray,
) -> np.ndarray:
    """Donor weights: rows are the pre-periods, candidates the donors, the target the treated path."""
    a, b = donors_pre.T, targets_pre
    if method == "sdid":
        a, b = a - a.mean(axis=0), b - b.mean(axis=1, keepdims=True)
    n_rows = np.full(len(b), float(a.shape[0]))
    return solve_simplex(
        a[None], b, penalty.zeta_omega, start=start, min_decrease=penalty.min_decrease, n_rows=n_rows,
        allowed=allowed,
    )


def _time_weights(
    donors_pre: np.ndarray, donor_post: np.ndarray, allowed: np.ndarray, penalty: Penalties, start: np.ndarray
) -> np.ndarray:
    """Pre-period weights: rows are each problem's donors, candidates the pre-periods, the target the post mean."""
    rows = np.column_stack([donors_pre, donor_post])
    count = allowed.sum(axis=1)
    means = (allowed @ rows) / count[:, None]
    stacked = (rows[None] - means[:, None, :]) * allowed[:, :, None]
    return solve_simplex(
        stacked[:, :, :-1], stacked[:, :, -1], penalty.zeta_lambda, start=start,
        min_decrease=penalty.min_decrease, n_rows=count.astype(float),
        allowed=np.ones((len(allowed), donors_pre.shape[1]), dtype=bool),
    )


def fit_weights(
    method: str,
    donors: np.ndarray,
    targets: np.ndarray,
    n_pre: int,
    allowed: np.ndarray,
    penalty: Penalties,
    *,
    omega_start: np.ndarray | None = None,
    lambda_start: np.ndarray | None = None,
) -> WeightFit:
    """Fit ``method`` for each target path against the donors it is allowed to use.

    Parameters
    ----------
    method : {"sdid", "sc", "did"}
    donors : ndarray, shape (donors, periods)
        Donor paths, pre-periods first.
    targets : ndarray, shape (problems, periods)
        The (mean) treated path of each problem.
    n_pre : int
        Number of pre-periods (the first ``n_pre`` columns).
    allowed : ndarray of bool, shape (problems, donors)
        Donors each problem may weight.
    penalty : Penalties
        Ridge penalties and stopping rule per problem.
    omega_start, lambda_start : ndarray, optional
        Starting weights (uniform by default), as the placebo standard error uses.
    """
    problems = len(targets)
    pre, post = slice(0, n_pre), slice(n_pre, None)
    donor_post = donors[:, post].mean(axis=1)
    omega_start = _uniform(allowed) if omega_start is None else omega_start
    if method == "did":
        omega = _uniform(allowed)
        lam = np.full((problems, n_pre), 1.0 / n_pre)
    else:
        omega = _unit_weights(method, donors[:, pre], targets[:, pre], allowed, penalty, omega_start)
        if method == "sc":
            lam = np.zeros((problems, n_pre))
        else:
            start = np.full((problems, n_pre), 1.0 / n_pre) if lambda_start is None else lambda_start
            lam = _time_weights(donors[:, pre], donor_post, allowed, penalty, start)
    weighted = omega @ donors
    shift = np.einsum("pt,pt->p", lam, targets[:, pre] - weighted[:, pre])
    synthetic = weighted + shift[:, None]
    estimate = (targets[:, post] - synthetic[:, post]).mean(axis=1)
    return WeightFit(omega, lam, estimate, synthetic)
