"""Tail probabilities and quantiles of the t, F, chi-squared and standard normal distributions.

The functions evaluate the special functions ``scipy.stats`` evaluates for the
same quantities (``stdtr``, ``fdtrc``, ``chdtrc``, ``ndtr`` and their
inverses), so every p-value and critical value is the same to the last digit;
what they save is ``scipy.stats`` itself, whose import takes about half a
second, longer than a hundred small fits.

Examples
--------
>>> round(float(t_sf(2.0, 10)), 6), round(float(normal_quantile(0.975)), 6)
(0.036694, 1.959964)
"""

from __future__ import annotations

import numpy as np
from scipy import special


def t_sf(x: np.ndarray | float, df: float) -> np.ndarray:
    """:math:`P(T > x)` for Student's t with ``df`` degrees of freedom."""
    return np.asarray(special.stdtr(df, -np.asarray(x, dtype=float)))


def t_quantile(q: float, df: float) -> float:
    """The ``q`` quantile of Student's t with ``df`` degrees of freedom."""
    return float(special.stdtrit(df, q))


def f_sf(x: float, dfn: float, dfd: float) -> float:
    """:math:`P(F > x)` for the F distribution with ``dfn`` and ``dfd`` degrees of freedom (1 below 0)."""
    return 1.0 if x < 0 else float(special.fdtrc(dfn, dfd, x))


def chi2_sf(x: float, df: float) -> float:
    """:math:`P(\\chi^2 > x)` with ``df`` degrees of freedom (1 below 0)."""
    return 1.0 if x < 0 else float(special.chdtrc(df, x))


def normal_sf(x: np.ndarray | float) -> np.ndarray:
    """:math:`P(Z > x)` for the standard normal."""
    return np.asarray(special.ndtr(-np.asarray(x, dtype=float)))


def normal_quantile(q: float) -> float:
    """The ``q`` quantile of the standard normal."""
    return float(special.ndtri(q))
