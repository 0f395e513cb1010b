"""Simplex-constrained least squares by Frank-Wolfe, for a stack of problems.

The unit and time weights of synthetic control and synthetic difference-in-differences
minimise, over the simplex,

.. math:: \\zeta^2 \\lVert x \\rVert^2 + \\frac{1}{n} \\lVert A x - b \\rVert^2,

with the Frank-Wolfe iteration, stopping rule and two-pass sparsification of
Arkhangelsky et al. (2021, Algorithm 1, and the ``synthdid`` package that produced
their tables): at most 100 steps from the starting weights, weights at or below a
quarter of the largest set to zero, then at most 10,000 steps more; a problem stops
once a step lowers its objective by no more than ``min_decrease ** 2``.  Following
those rules rather than solving to machine precision is what reproduces the
published estimates to their last digit.

Placebo inference solves one problem per donor, and the stopping rule may take
thousands of steps, so the iteration is compiled (numba): each step costs
``O(rows + candidates)`` through the Gram matrix ``A'A`` kept beside ``A x``.
Candidates a problem may not use (the donor that plays the treated unit) are masked.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

#: Steps before the weights are sparsified, and the most steps after.
STEPS_BEFORE_SPARSIFY = 100
MAX_STEPS = 10_000
#: Fewest problems per thread before a stack is split over the cores.
MIN_PROBLEMS_PER_THREAD = 16


def sparsify(weights: np.ndarray) -> np.ndarray:
    """Set each row's weights at or below a quarter of its largest to zero and rescale to sum one.

    Examples
    --------
    >>> sparsify(np.array([[0.5, 0.1, 0.4]])).round(4).tolist()
    [[0.5556, 0.0, 0.4444]]
    """
    kept = np.where(weights <= weights.max(axis=1, keepdims=True) / 4, 0.0, weights)
    return kept / kept.sum(axis=1, keepdims=True)


@numba.njit(cache=True, nogil=True)
def _solve_one(a, gram, b, x, zeta2, n_rows, allowed, min_decrease2, max_steps):  # pragma: no cover - compiled
    n, k = a.shape
    c = a.T @ b
    ax = a @ x
    g = gram @ x
    eta = n_rows * zeta2
    xx = 0.0
    for j in range(k):
        xx += x[j] * x[j]
    previous = np.nan
    for step in range(1, max_steps + 1):
        best = -1
        best_grad = np.inf
        grad_x = 0.0
        for j in range(k):
            grad = g[j] - c[j] + eta * x[j]
            grad_x += grad * x[j]
            if allowed[j] and grad < best_grad:
                best_grad = grad
                best = j
        d_err2 = 0.0
        for i in range(n):
            d = a[i, best] - ax[i]
            d_err2 += d * d
        denominator = d_err2 + eta * (xx - 2.0 * x[best] + 1.0)
        length = 0.0
        if denominator > 0.0:
            length = min(1.0, max(0.0, -(best_grad - grad_x) / denominator))
        keep = 1.0 - length
        xx = 0.0
        for j in range(k):
            x[j] *= keep
            if j == best:
                x[j] += length
            xx += x[j] * x[j]
            g[j] = keep * g[j] + length * gram[j, best]
        err2 = 0.0
        for i in range(n):
            ax[i] = keep * ax[i] + length * a[i, best]
            e = ax[i] - b[i]
            err2 += e * e
        value = zeta2 * xx + err2 / n_rows
        if step >= 2 and previous - value <= min_decrease2:
            break
        previous = value
    return x


@numba.njit(cache=True, nogil=True)
def _solve_stack(a, gram, b, x, zeta2, n_rows, allowed, min_decrease2, max_steps):  # pragma: no cover - compiled
    out = np.empty_like(x)
    shared = a.shape[0] == 1
    for p in range(x.shape[0]):
        q = 0 if shared else p
        out[p] = _solve_one(a[q], gram[q], b[p], x[p].copy(), zeta2[p], n_rows[p], allowed[p], min_decrease2[p],
                            max_steps)
    return out


def solve_simplex(
    a: np.ndarray,
    b: np.ndarray,
    zeta: np.ndarray,
    *,
    start: np.ndarray,
    min_decrease: np.ndarray,
    n_rows: np.ndarray,
    allowed: np.ndarray,
) -> np.ndarray:
    """Weights on the simplex for a stack of problems ``min ||A_p x - b_p||``.

    Parameters
    ----------
    a : ndarray, shape (1 or problems, rows, candidates)
        Candidate columns, shared by all problems when the first axis has length one.
        Rows a problem does not use must be zero in its ``a`` and ``b``.
    b : ndarray, shape (problems, rows)
        Target column of each problem.
    zeta : ndarray, shape (problems,)
        Ridge penalty on the weights.
    start : ndarray, shape (problems, candidates)
        Starting weights (each row on the simplex, zero where not allowed).
    min_decrease : ndarray, shape (problems,)
        Stop a problem once one step lowers its objective by no more than this squared.
    n_rows : ndarray, shape (problems,)
        Number of rows each problem uses (the ``n`` of the objective).
    allowed : ndarray of bool, shape (problems, candidates)
        Candidates each problem may weight.

    Returns
    -------
    ndarray, shape (problems, candidates)
        The weights after the sparsified second pass.
    """
    a = np.ascontiguousarray(a, dtype=float)
    args = (a, np.ascontiguousarray(np.einsum("pnk,pnl->pkl", a, a)), np.ascontiguousarray(b, dtype=float))
    rest = (
        np.asarray(zeta, dtype=float) ** 2, np.asarray(n_rows, dtype=float),
        np.ascontiguousarray(allowed, dtype=np.bool_), np.asarray(min_decrease, dtype=float) ** 2,
    )
    first = _in_threads(args, np.array(start, dtype=float), rest, STEPS_BEFORE_SPARSIFY)
    return _in_threads(args, sparsify(first), rest, MAX_STEPS)


def _in_threads(args: tuple, start: np.ndarray, rest: tuple, max_steps: int) -> np.ndarray:
    """Solve the stack, split over the machine's cores when it is large (the compiled loop releases the GIL)."""
    problems = len(start)
    workers = min(os.cpu_count() or 1, problems // MIN_PROBLEMS_PER_THREAD)
    if workers < 2:
        return _solve_stack(*args, start, *rest, max_steps)
    a, gram, b = args
    chunks = np.array_split(np.arange(problems), workers)

    def solve(rows: np.ndarray) -> np.ndarray:
        shared = len(a) == 1
        return _solve_stack(a if shared else a[rows], gram if shared else gram[rows], b[rows], start[rows],
                            *(value[rows] for value in rest), max_steps)

    with ThreadPoolExecutor(workers) as pool:
        return np.concatenate(list(pool.map(solve, chunks)))
