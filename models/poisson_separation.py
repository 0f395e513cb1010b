r"""Observations whose Poisson estimates would not exist: separation.

A Poisson likelihood has no finite maximum when some linear combination of the
regressors and fixed effects, :math:`z_i = x_i'\gamma + d_i'\alpha`, is zero
wherever :math:`y_i > 0` and non-negative (somewhere positive) where
:math:`y_i = 0`: pushing the estimates along :math:`-\gamma` fits those zeros
ever better.  The observations with :math:`z_i > 0` are *separated*; their
fitted means tend to zero.  Dropping them leaves the likelihood of the other
observations, whose maximum is finite and is the limit the other estimates tend
to (Correia, Guimarães and Zylkin 2021, "Verifying the existence of maximum
likelihood estimates for generalized linear models").

Two kinds are found here:

* a level of a fixed effect whose outcomes are all zero (its own effect goes to
  minus infinity): :func:`zero_group_mask` drops it, with singletons, until no
  such level is left, as fixest and ppmlhdfe do;
* separation by the regressors (with the fixed effects): :func:`separated_by_regressors`,
  the iterative rectifier of Correia, Guimarães and Zylkin.
"""

from __future__ import annotations

import numpy as np

from data_schemas.errors import InputError
from models.absorb import Absorber
from models.design import singleton_mask

#: Fitted values of the rectifier below this (its target is 1 on separated rows) count as zero.
RECTIFIER_TOLERANCE = 1e-6

#: Weight of the observations with a positive outcome in the rectifier's regressions,
#: relative to one on the zeros: it holds their fitted values at zero.
POSITIVE_WEIGHT = 1e8

#: At most this many rectifier iterations (it converges in a handful in practice).
RECTIFIER_MAX_ITERATIONS = 1000


def zero_group_mask(y: np.ndarray, fixed_effects: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rows kept after dropping fixed-effect levels with only zero outcomes, and singletons.

    The two are dropped in turn until neither is left (dropping a level can
    leave a singleton in another fixed effect, and a singleton's removal can
    leave a level with only zeros).

    Parameters
    ----------
    y : ndarray
        Outcome (non-negative).
    fixed_effects : list of ndarray
        Integer codes of each fixed effect.

    Returns
    -------
    keep : ndarray of bool
        Rows kept.
    zero_groups : ndarray of bool
        Rows dropped because a level of theirs had only zeros (the rest of the
        dropped rows were singletons).

    Examples
    --------
    >>> import numpy as np
    >>> firm = np.array([0, 0, 1, 1, 2, 2])
    >>> year = np.array([0, 1, 0, 1, 0, 1])
    >>> keep, zeros = zero_group_mask(np.array([1.0, 0, 0, 0, 2, 3]), [firm, year])
    >>> keep.tolist(), zeros.tolist()
    ([True, True, False, False, True, True], [False, False, True, True, False, False])
    """
    n = len(y)
    keep = np.ones(n, dtype=bool)
    zero_groups = np.zeros(n, dtype=bool)
    if not fixed_effects:
        return keep, zero_groups
    positive = (y > 0).astype(float)
    while True:
        before = int(keep.sum())
        for fe in fixed_effects:
            totals = np.bincount(fe[keep], weights=positive[keep], minlength=int(fe.max()) + 1)
            drop = keep & (totals[fe] == 0)
            zero_groups |= drop
            keep &= ~drop
        kept_codes = [fe[keep] for fe in fixed_effects]
        if kept_codes[0].size:
            singles = np.flatnonzero(keep)[~singleton_mask(kept_codes)]
            keep[singles] = False
        if int(keep.sum()) == before:
            return keep, zero_groups


def separated_by_regressors(
    y: np.ndarray, x: np.ndarray, fixed_effects: list[np.ndarray], *, tol: float = RECTIFIER_TOLERANCE
) -> np.ndarray:
    r"""Rows separated by the regressors and fixed effects (the iterative rectifier).

    Starting from :math:`u = 1\{y = 0\}`, regress :math:`u` on the regressors and
    the fixed effects by least squares, with the rows where :math:`y > 0`
    weighted so heavily that their fitted values are held at zero; set fitted
    values within ``tol`` of zero to zero; if none is negative the rows with a
    positive fitted value are the separated ones, otherwise replace :math:`u`
    on the zero rows by the positive part of the fitted values and repeat
    (Correia, Guimarães and Zylkin 2021, section 3.3).

    Parameters
    ----------
    y : ndarray, shape (n,)
        Outcome, non-negative.
    x : ndarray, shape (n, k)
        Regressors.
    fixed_effects : list of ndarray
        Integer codes of each fixed effect; none means an intercept.
    tol : float
        Fitted values below this are taken as zero.

    Returns
    -------
    ndarray of bool
        True for the separated rows (all with a zero outcome).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0.0, 0, 1, 2, 0, 3])
    >>> x = np.array([[1.0], [1], [0], [0], [0], [0]])
    >>> separated_by_regressors(y, x, []).tolist()
    [True, True, False, False, False, False]
    """
    zero = y == 0
    if not zero.any() or x.shape[1] == 0:
        return np.zeros(len(y), dtype=bool)
    codes = list(fixed_effects) if fixed_effects else [np.zeros(len(y), dtype=np.int64)]
    weights = np.where(zero, 1.0, POSITIVE_WEIGHT)
    absorber = Absorber(codes, weights)
    x_dm = absorber.demean(x).values
    root = np.sqrt(weights)
    q, r = np.linalg.qr(root[:, None] * x_dm)
    rank = np.abs(np.diag(r)) > 1e-10 * max(1.0, float(np.abs(np.diag(r)).max(initial=0.0)))
    q = q[:, rank]
    u = zero.astype(float)
    for _ in range(RECTIFIER_MAX_ITERATIONS):
        u_dm = absorber.demean(u)
        # fitted values of u on [x, fixed effects] = u - residual of the within regression
        resid = u_dm.values - (q @ (q.T @ (root * u_dm.values))) / root
        fitted = u - resid
        fitted[np.abs(fitted) < tol] = 0.0
        if (fitted[zero] >= 0).all():
            return zero & (fitted > 0)
        u = np.where(zero, np.clip(fitted, 0.0, None), 0.0)
    raise InputError(
        f"the check for separated observations did not settle in {RECTIFIER_MAX_ITERATIONS} iterations",
        fix="look for regressors that are zero wherever the outcome is positive and drop or recode them",
    )
