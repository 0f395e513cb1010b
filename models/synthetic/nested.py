"""Synthetic control with predictors: donor weights for a predictor weighting chosen by pre-period fit.

Abadie and Gardeazabal (2003) and Abadie, Diamond and Hainmueller (2010) choose
donor weights ``W`` that match the treated unit's predictors ``X1`` with the
donors' ``X0`` in the norm a diagonal matrix ``V`` gives,

.. math:: W(V) = \\arg\\min_{W \\in \\Delta} (X_1 - X_0 W)' V (X_1 - X_0 W),

and choose ``V`` (non-negative, summing to one) so that ``W(V)`` fits the treated
unit's pre-period outcomes best, the mean squared gap ``||Z_1 - Z_0 W(V)||^2 / T``.
Predictors are first divided by their standard deviation across all units, as the
``Synth`` packages do.

The inner problem is solved exactly by an active-set method (compiled); the
outer problem, which is not convex, by differential evolution over ``log V``
(each generation's population evaluated in one compiled call) followed by a
Nelder-Mead polish, from a fixed seed so that a fit can be repeated to the last
digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

#: Differential-evolution settings of the search over the predictor weights.
GENERATIONS = 60
POPULATION_PER_PREDICTOR = 10
#: Smallest predictor weight searched, as a log (exp(-12) is about 6e-6).
LOG_WEIGHT_FLOOR = -12.0
#: Active-set iterations before giving up (each adds or drops one donor).
MAX_ACTIVE_SET_STEPS = 500
#: Ridge added to the donors' Gram matrix, relative to its largest diagonal entry: it makes the
#: inner problem strictly convex (one solution, no cycling) and moves weights by about 1e-10.
RIDGE = 1e-10


@dataclass(frozen=True)
class NestedFit:
    """Donor weights, predictor weights and the pre-period fit they reach."""

    donor_weights: np.ndarray
    predictor_weights: np.ndarray
    mspe: float


@numba.njit(cache=True)
def _equality_qp(gram, linear, support):  # pragma: no cover - compiled
    """Minimise w'Gw - 2c'w over the support subject to sum(w) = 1 (G positive definite there)."""
    n = support.size
    sub = np.empty((n, n))
    rhs = np.empty((n, 2))
    for i in range(n):
        for j in range(n):
            sub[i, j] = gram[support[i], support[j]]
        rhs[i, 0] = linear[support[i]]
        rhs[i, 1] = 1.0
    solved = np.linalg.solve(sub, rhs)
    # w = G^-1 c + mu G^-1 1, with mu chosen so that the weights sum to one
    free, ones = solved[:, 0], solved[:, 1]
    mu = (1.0 - free.sum()) / ones.sum()
    return free + mu * ones


@numba.njit(cache=True)
def simplex_least_squares(a, b):  # pragma: no cover - compiled
    """Weights ``w >= 0`` summing to one that minimise ``||a w - b||``, by a primal active-set method.

    Starts from the single best column and adds the column with the most negative
    reduced cost, or steps back to the boundary and drops a column whose weight
    would turn negative, until the Karush-Kuhn-Tucker conditions hold.
    """
    k = a.shape[1]
    gram = a.T @ a
    linear = a.T @ b
    scale = 0.0
    for j in range(k):
        scale = max(scale, gram[j, j])
    scale = max(scale, 1e-300)
    for j in range(k):
        gram[j, j] += RIDGE * scale
    tolerance = 1e-13 * scale
    best = 0
    best_value = np.inf
    for j in range(k):
        value = gram[j, j] - 2.0 * linear[j]
        if value < best_value:
            best_value = value
            best = j
    w = np.zeros(k)
    w[best] = 1.0
    active = np.zeros(k, dtype=np.bool_)
    active[best] = True
    for _ in range(MAX_ACTIVE_SET_STEPS):
        support = np.flatnonzero(active)
        target = _equality_qp(gram, linear, support)
        if np.all(target > 0.0):
            w[:] = 0.0
            w[support] = target
            gradient = gram @ w - linear
            level = 0.0
            for i in support:
                level += gradient[i]
            level /= support.size
            entering = -1
            most_negative = -tolerance
            for j in range(k):
                if not active[j] and gradient[j] - level < most_negative:
                    most_negative = gradient[j] - level
                    entering = j
            if entering < 0:
                return w
            active[entering] = True
        else:
            step = 1.0
            leaving = -1
            for i in range(support.size):
                if target[i] <= 0.0:
                    current = w[support[i]]
                    ratio = current / (current - target[i]) if current - target[i] > 0.0 else 0.0
                    if ratio < step:
                        step = ratio
                        leaving = support[i]
            for i in range(support.size):
                w[support[i]] += step * (target[i] - w[support[i]])
            if leaving < 0:
                leaving = support[np.argmin(target)]
            w[leaving] = 0.0
            active[leaving] = False
            for i in range(support.size):
                if w[support[i]] <= 0.0:
                    w[support[i]] = 0.0
                    active[support[i]] = False
    return w


@numba.njit(cache=True)
def _mspe_batch(x1, x0, z1, z0, log_v):  # pragma: no cover - compiled
    """Pre-period MSPE of ``W(V)`` for each column of ``log_v`` (V = softmax of the column)."""
    out = np.empty(log_v.shape[1])
    for s in range(log_v.shape[1]):
        v = np.exp(log_v[:, s] - log_v[:, s].max())
        root = np.sqrt(v / v.sum())
        scaled = np.empty_like(x0)
        for i in range(x0.shape[0]):
            scaled[i] = x0[i] * root[i]
        w = simplex_least_squares(scaled, x1 * root)
        gap = z1 - z0 @ w
        out[s] = gap @ gap / gap.size
    return out


def standardised(treated: np.ndarray, donors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Predictors divided by their standard deviation (ddof 1) over the treated unit and the donors."""
    spread = np.column_stack([treated, donors]).std(axis=1, ddof=1)
    spread = np.where(spread > 0, spread, 1.0)
    return treated / spread, donors / spread[:, None]


def donor_weights(treated: np.ndarray, donors: np.ndarray, predictor_weights: np.ndarray) -> np.ndarray:
    """``W(V)``: the donor weights matching standardised predictors in the norm ``V``."""
    root = np.sqrt(predictor_weights)
    return simplex_least_squares(np.ascontiguousarray(donors * root[:, None]), treated * root)


def fit_nested(
    treated_predictors: np.ndarray,
    donor_predictors: np.ndarray,
    treated_outcomes: np.ndarray,
    donor_outcomes: np.ndarray,
    *,
    seed: int = 0,
) -> NestedFit:
    """Choose predictor and donor weights as Abadie, Diamond and Hainmueller (2010) do.

    Parameters
    ----------
    treated_predictors : ndarray, shape (predictors,)
    donor_predictors : ndarray, shape (predictors, donors)
    treated_outcomes : ndarray, shape (periods,)
        The treated unit's outcomes in the periods whose fit chooses ``V``.
    donor_outcomes : ndarray, shape (periods, donors)
    seed : int
        Seed of the differential evolution.
    """
    from scipy.optimize import differential_evolution, minimize

    x1, x0 = standardised(treated_predictors, donor_predictors)
    x0 = np.ascontiguousarray(x0)
    z1, z0 = np.asarray(treated_outcomes, dtype=float), np.ascontiguousarray(donor_outcomes, dtype=float)
    n_predictors = len(x1)

    def weights_of(log_v: np.ndarray) -> np.ndarray:
        v = np.exp(log_v - log_v.max())
        return v / v.sum()

    def population_mspe(log_v: np.ndarray) -> np.ndarray:
        return _mspe_batch(x1, x0, z1, z0, np.ascontiguousarray(log_v.reshape(n_predictors, -1), dtype=float))

    def mspe(log_v: np.ndarray) -> float:
        return float(population_mspe(log_v)[0])

    if n_predictors == 1:
        best = np.zeros(1)
    else:
        search = differential_evolution(
            population_mspe, [(LOG_WEIGHT_FLOOR, 0.0)] * n_predictors, seed=seed, maxiter=GENERATIONS,
            popsize=POPULATION_PER_PREDICTOR, tol=1e-12, polish=False, init="sobol",
            x0=np.zeros(n_predictors), vectorized=True, updating="deferred",
        )
        polished = minimize(mspe, search.x, method="Nelder-Mead",
                            options={"maxfev": 200 * n_predictors, "xatol": 1e-10, "fatol": 1e-14})
        best = polished.x if polished.fun <= search.fun else search.x
    v = weights_of(best)
    return NestedFit(donor_weights(x1, x0, v), v, mspe(best))
