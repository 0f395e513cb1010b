"""Find regressors that are linear combinations of earlier ones or of the fixed effects."""

from __future__ import annotations

import numpy as np

#: A regressor is collinear when its part not explained by the earlier regressors
#: and the fixed effects is below this share of its variance about the mean.
TOLERANCE = 1e-9
#: Smallest scale of a regressor relative to its sum of squares about zero (see :func:`collinearity_scale`).
RELATIVE_FLOOR = 1e-12


class CollinearityWarning(UserWarning):
    """Regressors were dropped because they are collinear."""


def collinear_columns(absorbed: np.ndarray, centered_sumsq: np.ndarray) -> list[int]:
    """Positions of columns to drop, keeping the earlier of collinear columns.

    Works through the columns of the absorbed design in order (a sequential
    Cholesky decomposition of :math:`\\tilde X'\\tilde X`): a column is dropped
    when its residual sum of squares on the kept columns is at most
    ``TOLERANCE`` times ``centered_sumsq`` (its sum of squares about the mean
    before absorbing the fixed effects).

    Parameters
    ----------
    absorbed : ndarray, shape (n, k)
        Regressors after the fixed effects are absorbed.
    centered_sumsq : ndarray, shape (k,)
        Sum of squares of each regressor about its mean, before absorbing.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 1.0], [0.0, 0.0, 5.0], [1.0, 2.0, 2.0]])
    >>> x = x - x.mean(axis=0)
    >>> collinear_columns(x, (x**2).sum(axis=0))
    [1]
    """
    gram = absorbed.T @ absorbed
    kept: list[int] = []
    dropped: list[int] = []
    for j in range(gram.shape[0]):
        if kept:
            sub = gram[np.ix_(kept, kept)]
            cross = gram[kept, j]
            residual = gram[j, j] - cross @ np.linalg.solve(sub, cross)
        else:
            residual = gram[j, j]
        scale = max(float(centered_sumsq[j]), np.finfo(float).tiny)
        if residual <= TOLERANCE * scale:
            dropped.append(j)
        else:
            kept.append(j)
    return dropped


def collinearity_scale(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """What each regressor's absorbed sum of squares is compared with to call it collinear.

    Its weighted sum of squares about the mean, but at least ``RELATIVE_FLOOR``
    of its sum of squares about zero, so that a constant column (whose spread
    about its mean is rounding noise) is found absorbed too.

    Examples
    --------
    >>> import numpy as np
    >>> collinearity_scale(np.array([[7.0, 1.0], [7.0, 3.0]]), np.ones(2))
    array([9.8e-11, 2.0e+00])
    """
    centered = x - np.average(x, axis=0, weights=weights)
    spread = (weights[:, None] * centered**2).sum(axis=0)
    return np.maximum(spread, RELATIVE_FLOOR * (weights[:, None] * x**2).sum(axis=0))
