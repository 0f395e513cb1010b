r"""Restricted wild cluster bootstrap (WCR) for one coefficient of a :class:`models.Spec`.

The fixed effects are absorbed once (:func:`models.fixed_effects.partial_out`); on
the absorbed design :math:`\tilde y, \tilde X` the null :math:`\beta_j = b`
is imposed by regressing :math:`\tilde y - b\tilde x_j` on the other columns,
giving restricted residuals :math:`u(b) = u_0 - b\,M\tilde x_j` (linear in b).
A draw multiplies each cluster's residuals by one weight :math:`w_g`
(Rademacher ±1, or Webb's six points :math:`\pm\sqrt{1/2}, \pm1, \pm\sqrt{3/2}`).
Everything the t statistic of a draw needs is linear in the weights, so all
draws are computed at once from cluster sums:

* numerator :math:`\hat\beta^*_j - b = \sum_g w_g c_g`,
  :math:`c_g = r'\tilde X_g' u_g` with :math:`r` the j-th column of
  :math:`(\tilde X'\tilde X)^{-1}`;
* cluster score of the draw :math:`r'\tilde X_h' e^*_h = w_h c_h - q_h' a(w)`,
  :math:`q_h = \tilde X_h'\tilde X_h r`, :math:`a(w) = \sum_g w_g (\tilde X'\tilde X)^{-1}\tilde X_g' u_g`;
* the CRV1 variance uses the same factor as :func:`models.fit`, so the
  original t statistic is the one in the :class:`models.Result`.

Since :math:`c` and :math:`a` are linear in b, each draw's numerator and sum
of squared scores are a line and a parabola in b: their coefficients are
computed once, and the t statistics of the draws under any b cost one pass
over the draws.  The p-value is the share of draws with :math:`|t^*| \ge |t|`
(symmetric); the confidence set collects the b not rejected, found by
bisection on the same draws (test inversion, as boottest).  With G clusters Rademacher weights have
only :math:`2^G` distinct draws; when ``draws`` is at least that, every sign
vector is enumerated once instead (exact p-value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from models.covariance import group_sums
from models.design import build_design
from models.fixed_effects import fe_dof, partial_out
from models.spec import Spec

#: Weight distributions of the draws.
WEIGHTS = ("rademacher", "webb")
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
#: Draws evaluated per block (bounds the memory to about ``CHUNK × G`` floats).
CHUNK = 2000


#: below this many clusters, cluster-robust standard errors over-reject (Cameron, Gelbach and Miller 2008)
FEW_CLUSTERS = 20


def few_clusters_warning(n_clusters: dict[str, int]) -> str | None:
    """A warning for a clustering with fewer than :data:`FEW_CLUSTERS` clusters, pointing to this bootstrap.

    Examples
    --------
    >>> print(few_clusters_warning({"province": 2}))
    only 2 clusters of 'province': cluster-robust standard errors are unreliable with fewer than 20; test the coefficient with the wild cluster bootstrap ([[wild_bootstrap]] in a study, Webb weights)
    >>> few_clusters_warning({"firm_id": 300}) is None
    True
    """
    few = {name: n for name, n in n_clusters.items() if n < FEW_CLUSTERS}
    if not few:
        return None
    which = ", ".join(f"{n} clusters of '{name}'" for name, n in few.items())
    return (f"only {which}: cluster-robust standard errors are unreliable with fewer than {FEW_CLUSTERS}; "
            "test the coefficient with the wild cluster bootstrap ([[wild_bootstrap]] in a study, Webb weights)")


@dataclass(frozen=True)
class WildBootstrapResult:
    """The WCR test of one coefficient and its confidence set.

    Attributes
    ----------
    term : str
        The coefficient tested.
    estimate, tstat : float
        Its estimate and CRV1 t statistic (as in :func:`models.fit`).
    null : float
        The value tested (0 by default).
    pvalue : float
        Symmetric bootstrap p-value of ``term == null``.
    conf_int : (float, float)
        The values not rejected at ``level`` (by test inversion).
    level : float
        Confidence level.
    draws : int
        Draws used (``2**G`` when enumerated).
    weights : str
        ``"rademacher"`` or ``"webb"``.
    n_clusters : int
        G.
    seed : int
        Seed of the weights.
    """

    term: str
    estimate: float
    tstat: float
    null: float
    pvalue: float
    conf_int: tuple[float, float]
    level: float
    draws: int
    weights: str
    n_clusters: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {
            "term": self.term, "estimate": self.estimate, "tstat": self.tstat, "null": self.null,
            "pvalue": self.pvalue, "conf_int": list(self.conf_int), "level": self.level, "draws": self.draws,
            "weights": self.weights, "n_clusters": self.n_clusters, "seed": self.seed,
        }


def wild_cluster_bootstrap(
    data: pd.DataFrame,
    spec: Spec,
    term: str,
    *,
    null: float = 0.0,
    draws: int = 9999,
    weights: str = "rademacher",
    level: float = 0.95,
    seed: int = 0,
) -> WildBootstrapResult:
    """Restricted wild cluster bootstrap test and confidence set for ``term``.

    Parameters
    ----------
    data : DataFrame
        The estimation data.
    spec : Spec
        A model with ``vcov="cluster"`` and one cluster column (e.g. industry).
    term : str
        The regressor tested.
    null : float
        Value of the coefficient under the null.
    draws : int
        Bootstrap draws (9,999 by default).
    weights : {"rademacher", "webb"}
        Weight distribution; Webb's is advised with fewer than about 12 clusters.
    level : float
        Level of the confidence set.
    seed : int
        Seed: the same seed gives the same draws.

    Raises
    ------
    InputError
        If the spec is not clustered by one column, the term is not a
        regressor, or an option is out of range.
    """
    if spec.vcov != "cluster" or len(spec.cluster) != 1:
        raise InputError("the wild cluster bootstrap needs a model clustered by one column",
                         fix="give the spec one cluster column, e.g. cluster=('industry',)")
    if term not in spec.regressors:
        raise InputError(f"'{term}' is not a regressor of the model", fix=f"choose one of: {', '.join(spec.regressors)}")
    if weights not in WEIGHTS:
        raise InputError(f"unknown bootstrap weights '{weights}'", fix="choose rademacher or webb")
    if draws < 99 or not 0 < level < 1:
        raise InputError("use at least 99 draws and a level between 0 and 1")
    design = build_design(data, spec)
    within = partial_out(design)
    y, x = within.y, within.x
    if spec.regressors.index(term) not in within.kept:
        raise InputError(f"'{term}' is absorbed by the fixed effects or collinear with other regressors", column=term)
    j = within.kept.index(spec.regressors.index(term))
    clusters = design.clusters[0]
    n_clusters = int(clusters.max()) + 1
    df_resid = len(y) - (x.shape[1] + fe_dof(design.fixed_effects, nested_in=design.clusters))
    factor = n_clusters / (n_clusters - 1) * (len(y) - 1) / df_resid

    bread = np.linalg.inv(x.T @ x)
    estimate = float((bread @ (x.T @ y))[j])
    r = bread[:, j]
    others = np.delete(x, j, axis=1)
    project = (lambda v: v - others @ np.linalg.lstsq(others, v, rcond=None)[0]) if others.shape[1] else (lambda v: v)
    u0, ux = project(y), project(x[:, j])  # restricted residuals are u0 - b * ux

    xr = x @ r
    c0, cx = np.bincount(clusters, xr * u0, n_clusters), np.bincount(clusters, xr * ux, n_clusters)
    a0 = group_sums(x * u0[:, None], clusters) @ bread  # rows: cluster g's (X'X)^-1 X_g' u_g
    ax = group_sums(x * ux[:, None], clusters) @ bread
    q = np.stack([group_sums(x * x[:, [k]], clusters) @ r for k in range(x.shape[1])], axis=1)  # X_h'X_h r

    resid = y - x @ (bread @ (x.T @ y))
    score = np.bincount(clusters, xr * resid, n_clusters)
    tstat = (estimate - null) / np.sqrt(factor * score @ score)

    weight_draws = _weights(weights, draws, n_clusters, seed)
    numerator, score_moments = _draw_moments(weight_draws, c0, cx, a0, ax, q)

    def t_draws(b: float) -> np.ndarray:
        squares = score_moments[0] - 2 * b * score_moments[1] + b * b * score_moments[2]
        return (numerator[0] - b * numerator[1]) / np.sqrt(factor * squares)

    def pvalue(b: float) -> float:
        t_original = (estimate - b) / np.sqrt(factor * score @ score)
        return float(np.mean(np.abs(t_draws(b)) >= abs(t_original) - 1e-12))

    se = np.sqrt(factor * score @ score)
    alpha = 1 - level
    lower = _boundary(pvalue, estimate, estimate - 2 * se, alpha)
    upper = _boundary(pvalue, estimate, estimate + 2 * se, alpha)
    return WildBootstrapResult(term, estimate, float(tstat), float(null), pvalue(null), (lower, upper), level,
                               len(weight_draws), weights, n_clusters, seed)


def _draw_moments(weight_draws: np.ndarray, c0: np.ndarray, cx: np.ndarray, a0: np.ndarray, ax: np.ndarray,
                  q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Per draw, what its t statistic under any null b is made of, computed once for all b.

    A draw's numerator is :math:`N_0 - bN_x` and its cluster scores are
    :math:`S_0 - bS_x` (both linear in b), so its sum of squared scores is
    :math:`S_0'S_0 - 2b\,S_0'S_x + b^2 S_x'S_x`. Returns the numerators
    (2, draws) and the three score moments (3, draws).
    """
    numerator = np.empty((2, len(weight_draws)))
    moments = np.empty((3, len(weight_draws)))
    for start in range(0, len(weight_draws), CHUNK):
        w = weight_draws[start:start + CHUNK]
        rows = slice(start, start + len(w))
        s0 = w * c0 - (w @ a0) @ q.T
        sx = w * cx - (w @ ax) @ q.T
        numerator[:, rows] = (w @ np.column_stack([c0, cx])).T
        moments[0, rows] = np.einsum("ij,ij->i", s0, s0)
        moments[1, rows] = np.einsum("ij,ij->i", s0, sx)
        moments[2, rows] = np.einsum("ij,ij->i", sx, sx)
    return numerator, moments


def _weights(kind: str, draws: int, n_clusters: int, seed: int) -> np.ndarray:
    """Draws × clusters weights; all sign vectors when Rademacher has no more than ``draws`` of them."""
    if kind == "rademacher" and 2**n_clusters <= draws:
        grid = (np.arange(2**n_clusters)[:, None] >> np.arange(n_clusters)) & 1
        return (2.0 * grid - 1.0)
    rng = np.random.default_rng(seed)
    if kind == "rademacher":
        return rng.integers(0, 2, size=(draws, n_clusters)) * 2.0 - 1.0
    return _WEBB[rng.integers(0, 6, size=(draws, n_clusters))]


def _boundary(pvalue, inside: float, outside: float, alpha: float, steps: int = 40) -> float:
    """The b between ``inside`` (not rejected) and beyond ``outside`` where the p-value crosses alpha."""
    step = outside - inside
    for _ in range(20):  # widen until rejected
        if pvalue(outside) < alpha:
            break
        outside += step
    for _ in range(steps):
        middle = (inside + outside) / 2
        if pvalue(middle) >= alpha:
            inside = middle
        else:
            outside = middle
    return float((inside + outside) / 2)
