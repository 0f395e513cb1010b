r"""Poisson pseudo-maximum likelihood by iteratively reweighted least squares.

Each iteration regresses the working outcome
:math:`z = \eta - o + (y - \mu)/\mu` on the regressors and the fixed effects
by weighted least squares with weights :math:`w\mu` (:math:`o` the offset,
:math:`w` the observation weights): the fixed effects are absorbed by the
weighted within-transformation (:func:`models.absorb.demean`), the
coefficients come from the demeaned regression, and the new linear predictor is
:math:`\eta = o + z - \tilde r`, with :math:`\tilde r` the residual of the
demeaned regression (Guimarães and Portugal 2010; Correia, Guimarães and
Zylkin 2020).  Iterations stop when the relative change of the deviance,
:math:`|D - D_{old}|/(0.1 + |D|)`, falls below the tolerance (fixest's rule,
with a tighter default); a step that raises the deviance is halved (from the
second iteration on: the starting means are not fitted values of the model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from models.absorb import demean

#: Default convergence tolerance on the relative change of the deviance.
TOLERANCE = 1e-10

#: Default tolerance of the within-transformation in the last iterations.
DEMEAN_TOLERANCE = 1e-11

#: The within-transformation starts this loose and is tightened as IRLS converges.
DEMEAN_START_TOLERANCE = 1e-5

#: Largest absolute linear predictor allowed (exp(700) is near the float limit).
ETA_LIMIT = 700.0


@dataclass(frozen=True)
class IrlsFit:
    """The converged IRLS state.

    Attributes
    ----------
    coef : ndarray, shape (k,)
        Coefficients.
    mu : ndarray, shape (n,)
        Fitted means.
    x_within : ndarray, shape (n, k)
        Regressors after the within-transformation weighted by :math:`w\\mu`
        at the final :math:`\\mu` (not scaled by the square root of the weights).
    deviance : float
        Final deviance.
    iterations : int
        IRLS iterations.
    converged : bool
        Whether the tolerance was met within the iteration limit.
    """

    coef: np.ndarray
    mu: np.ndarray
    x_within: np.ndarray
    deviance: float
    iterations: int
    converged: bool


def deviance(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> float:
    """Poisson deviance :math:`2\\sum_i w_i [y_i\\log(y_i/\\mu_i) - (y_i - \\mu_i)]`, with :math:`0\\log 0 = 0`."""
    positive = y > 0
    ylogy = np.zeros_like(y)
    ylogy[positive] = y[positive] * np.log(y[positive] / mu[positive])
    return float(2 * np.sum(weights * (ylogy - (y - mu))))


def loglik(y: np.ndarray, mu: np.ndarray, weights: np.ndarray) -> float:
    """Poisson log-likelihood :math:`\\sum_i w_i [y_i\\log\\mu_i - \\mu_i - \\log\\Gamma(y_i + 1)]`."""
    from scipy.special import gammaln

    return float(np.sum(weights * (y * np.log(mu) - mu - gammaln(y + 1))))


def irls(
    y: np.ndarray,
    x: np.ndarray,
    codes: list[np.ndarray],
    offset: np.ndarray,
    weights: np.ndarray,
    *,
    tol: float = TOLERANCE,
    demean_tol: float = DEMEAN_TOLERANCE,
    max_iter: int = 100,
) -> IrlsFit:
    """Maximise the Poisson pseudo-likelihood with absorbed fixed effects.

    Parameters
    ----------
    y : ndarray, shape (n,)
        Non-negative outcome.
    x : ndarray, shape (n, k)
        Regressors, linearly independent of each other and of the fixed effects.
    codes : list of ndarray
        Integer codes of each fixed effect (one constant code for an intercept only).
    offset : ndarray, shape (n,)
        Offset of the linear predictor.
    weights : ndarray, shape (n,)
        Observation weights.
    tol : float
        Tolerance on the relative change of the deviance.
    demean_tol : float
        Tolerance of the within-transformation once IRLS is near convergence.
    max_iter : int
        Most IRLS iterations.

    Returns
    -------
    IrlsFit
    """
    mu = (y + np.average(y, weights=weights)) / 2
    eta = np.log(mu)
    dev = deviance(y, mu, weights)
    inner_tol = max(demean_tol, DEMEAN_START_TOLERANCE)
    converged = False
    iteration = 0
    coef = np.zeros(x.shape[1])
    for iteration in range(1, max_iter + 1):
        working = weights * mu
        z = eta - offset + (y - mu) / mu
        within = demean(np.column_stack([z, x]), codes, working, tol=inner_tol).values
        weighted = working[:, None] * within[:, 1:]
        full = linalg.solve(weighted.T @ within[:, 1:], weighted.T @ within[:, 0], assume_a="pos")
        target = offset + z - (within[:, 0] - within[:, 1:] @ full)
        eta_new, mu_new, dev_new, step = _step(y, eta, target, weights, np.inf if iteration == 1 else dev)
        coef = coef + step * (full - coef)
        change = abs(dev_new - dev) / (0.1 + abs(dev_new))
        eta, mu, dev = eta_new, mu_new, dev_new
        if change < tol and inner_tol <= demean_tol:
            converged = True
            break
        inner_tol = max(demean_tol, min(inner_tol, change * 1e-3))
    x_within = demean(x, codes, weights * mu, tol=demean_tol).values
    return IrlsFit(coef=coef, mu=mu, x_within=x_within, deviance=dev, iterations=iteration, converged=converged)


def _step(
    y: np.ndarray, eta: np.ndarray, target: np.ndarray, weights: np.ndarray, dev: float
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Move the linear predictor towards ``target``, halving the step while the deviance rises.

    Returns the new linear predictor, means and deviance, and the step taken (1 for a full step).
    """
    step = 1.0
    for _ in range(30):
        eta_new = np.clip(eta + step * (target - eta), -ETA_LIMIT, ETA_LIMIT)
        mu_new = np.exp(eta_new)
        dev_new = deviance(y, mu_new, weights)
        if np.isfinite(dev_new) and dev_new <= dev * (1 + 1e-12) + 1e-12:
            return eta_new, mu_new, dev_new, step
        step /= 2
    return eta_new, mu_new, dev_new, step
