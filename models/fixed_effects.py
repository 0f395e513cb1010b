"""Estimate a linear model with absorbed fixed effects."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from data_schemas.errors import InputError
from models import covariance
from models.absorb import demeaned_columns
from models.collinearity import CollinearityWarning, collinear_columns, collinearity_scale
from models.design import Design, build_design
from models.result import Result
from models.reuse import digest, memory, remembered
from models.spec import Spec


class ConvergenceWarning(UserWarning):
    """The fixed effects were not absorbed to the tolerance within the iteration limit."""


def fit(data: pd.DataFrame, spec: Spec, *, file: str | None = None) -> Result:
    """Estimate ``spec`` on ``data`` and return an immutable :class:`Result`.

    Rows with missing values and fixed-effect singletons are dropped and counted;
    the fixed effects are absorbed by :mod:`models.absorb` (weighted when
    ``spec.weights`` is set); collinear regressors, also those absorbed by the
    fixed effects, are dropped by name with a :class:`CollinearityWarning`; the
    covariance follows :mod:`models.covariance`.

    Parameters
    ----------
    data : DataFrame
        One row per observation with the columns named in ``spec``.
    spec : Spec
        The model.
    file : str, optional
        The file ``data`` was read from, named in error messages.

    Returns
    -------
    Result
    """
    design = build_design(data, spec, file=file)
    within = partial_out(design)
    dropped = tuple(spec.regressors[j] for j in within.dropped)
    if dropped:
        warnings.warn(f"Dropped collinear regressors: {', '.join(dropped)}", CollinearityWarning, stacklevel=2)
    if not within.kept:
        raise InputError("every regressor is collinear with the fixed effects", fix="choose other regressors")
    x, y = within.x, within.y
    bread = np.linalg.inv(x.T @ x)
    coef = bread @ (x.T @ y)
    resid = y - x @ coef
    nobs = len(y)
    df_fe = _sample_fe_dof(design, nested=False)
    nested_df = _sample_fe_dof(design, nested=True) if spec.vcov == "cluster" else df_fe
    df_model = len(within.kept) + nested_df
    df_resid = nobs - df_model
    if df_resid <= 0:
        raise InputError(
            f"{nobs} observations are too few for {df_model} parameters (regressors and fixed effects)",
            file=file,
            fix="use more data or fewer regressors and fixed effects",
        )
    cov = _covariance(spec, design, x, resid, bread, df_resid)
    lags = _lags(spec, design)
    sizes = tuple(int(c.max()) + 1 for c in design.clusters)
    ssr = float(resid @ resid)
    return Result(
        spec=spec,
        names=tuple(spec.regressors[j] for j in within.kept),
        coef=coef,
        cov_matrix=cov,
        nobs=nobs,
        n_missing=design.n_missing,
        n_singletons=design.n_singletons,
        dropped_collinear=dropped,
        rsquared=1 - ssr / _total_sumsq(design),
        rsquared_within=1 - ssr / float(y @ y),
        depvar_mean=float(design.y.mean()),
        cluster_sizes=sizes,
        df_fe=df_fe,
        df_model=df_model,
        df_resid=df_resid,
        df_inference=min(sizes) - 1 if sizes else df_resid,
        lags=lags,
        absorb_iterations=within.iterations,
        absorb_converged=within.converged,
    )


@dataclass(frozen=True)
class Within:
    """A design with the fixed effects (or the intercept) absorbed and the weights applied.

    Attributes
    ----------
    y : ndarray, shape (n,)
        :math:`\\sqrt{w}\\,\\ddot y`.
    x : ndarray, shape (n, len(kept))
        :math:`\\sqrt{w}\\,\\ddot X` for the regressors kept.
    kept, dropped : tuple of int
        Positions (in ``spec.regressors``) of the regressors kept and of those
        dropped as collinear with earlier ones or with the fixed effects.
    iterations : int
        Iterations the absorption took (0 when solved directly).
    converged : bool
        Whether the absorption reached its tolerance.
    """

    y: np.ndarray
    x: np.ndarray
    kept: tuple[int, ...]
    dropped: tuple[int, ...]
    iterations: int
    converged: bool


def partial_out(design: Design) -> Within:
    """Absorb the fixed effects (or the intercept), apply the weights and drop collinear regressors.

    Weights are rescaled to mean one. A regressor is dropped when what is left
    of it after absorbing and partialling out the earlier regressors is
    negligible (:func:`models.collinearity.collinear_columns`): constants and
    all-zero columns included.

    Warns
    -----
    ConvergenceWarning
        When the iterative absorption stops at its iteration limit.
    """
    columns = np.empty((len(design.y), 1 + design.x.shape[1]), order="F")
    columns[:, 0], columns[:, 1:] = design.y, design.x
    absorbed, iterations, converged = absorb_columns(design, columns)
    if not converged:
        warnings.warn(
            f"the fixed effects were not absorbed to the tolerance within {iterations} iterations; "
            "estimates may be inexact: check that the fixed effects are connected",
            ConvergenceWarning, stacklevel=3)
    x = absorbed[:, 1:]
    dropped = collinear_columns(x, _collinearity_scales(design))
    kept = tuple(j for j in range(x.shape[1]) if j not in dropped)
    return Within(np.ascontiguousarray(absorbed[:, 0]), x if not dropped else np.asfortranarray(x[:, list(kept)]), kept,
                  tuple(dropped), iterations, converged)


def absorb_columns(design: Design, columns: np.ndarray, *, remember: bool = True) -> tuple[np.ndarray, int, bool]:
    """Columns ((n, k), rows of ``design``) with the design's fixed effects absorbed, times :math:`\\sqrt{w}`.

    Without fixed effects the (weighted) mean is removed. Inside
    :func:`models.reuse.reuse_demeaning` the preparation and columns already
    demeaned are reused (``remember=False``: the columns are one-off, not
    kept). Returns the columns, the iterations and whether the absorption converged.
    """
    weights = _normalized(design.weights, len(design.y))
    iterations, converged = 0, True
    if design.fixed_effects:
        demeaned = demeaned_columns(design.fixed_effects, design.weights, columns, remember=remember)
        absorbed, iterations, converged = demeaned.values, demeaned.iterations, demeaned.converged
    else:
        absorbed = columns - np.average(columns, axis=0, weights=weights)
    return (absorbed if design.weights is None else absorbed * np.sqrt(weights)[:, None]), iterations, converged


def _collinearity_scales(design: Design) -> np.ndarray:
    """:func:`models.collinearity.collinearity_scale` of each regressor (column by column: a column's temporaries at a time).

    Inside a reuse block once per column and weights.
    """
    weights = _normalized(design.weights, len(design.y))
    if memory() is None:
        return np.array([_collinearity_scale_of(column, weights) for column in design.x.T])
    weights_key = b"" if design.weights is None else digest(design.weights)
    return np.array([
        remembered(("collinearity_scale", digest(np.ascontiguousarray(column)), weights_key),
                   partial(_collinearity_scale_of, column, weights))
        for column in design.x.T])


def _collinearity_scale_of(column: np.ndarray, weights: np.ndarray) -> float:
    return float(collinearity_scale(column[:, None], weights)[0])


def fe_dof(fixed_effects: tuple[np.ndarray, ...], nested_in: tuple[np.ndarray, ...] = ()) -> int:
    """Degrees of freedom of the absorbed fixed effects and intercept, as reghdfe counts them.

    Fixed effects nested in one of ``nested_in`` (each of their levels inside a
    single cluster) are left out, as reghdfe and fixest do for clustered
    standard errors.  Of the others, the first counts its levels, the second
    its levels less the number of connected components of the two (exact, so
    equal to the rank of the dummy variables), each further one its levels less
    one (fixest's approximation).  The intercept is always counted: without any
    counted fixed effect it adds one.

    Examples
    --------
    >>> import numpy as np
    >>> firm, year = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 0, 1, 0, 1])
    >>> fe_dof((firm, year)), fe_dof((firm, year), nested_in=(firm,)), fe_dof(())
    (4, 2, 1)
    """
    counted = [fe for fe in fixed_effects if not any(is_nested(fe, cluster) for cluster in nested_in)]
    if not counted:
        return 1
    total = 0
    for position, fe in enumerate(counted):
        levels = int(fe.max()) + 1
        if position == 0:
            redundant = 0
        elif position == 1:
            redundant = _components(counted[0], fe)
        else:
            redundant = 1
        total += levels - redundant
    return total


def _sample_fe_dof(design: Design, *, nested: bool) -> int:
    """:func:`fe_dof` of the design (fixed effects nested in its clusters left out if ``nested``), once per sample."""
    def count() -> int:
        return fe_dof(design.fixed_effects, nested_in=design.clusters if nested else ())

    return count() if design.sample_key is None else remembered(("fe_dof", design.sample_key, nested), count)


def is_nested(effect: np.ndarray, cluster: np.ndarray) -> bool:
    """Whether every level of ``effect`` lies within a single cluster (one pass, no sort).

    Examples
    --------
    >>> import numpy as np
    >>> is_nested(np.array([0, 0, 1, 2]), np.array([5, 5, 5, 7])), is_nested(np.array([0, 0]), np.array([1, 2]))
    (True, False)
    """
    seen = np.empty(int(effect.max()) + 1, dtype=cluster.dtype)
    seen[effect] = cluster
    return bool((seen[effect] == cluster).all())


def _components(first: np.ndarray, second: np.ndarray) -> int:
    """Connected components of the bipartite graph linking levels that share a row."""
    n_first = int(first.max()) + 1
    size = n_first + int(second.max()) + 1
    graph = coo_matrix((np.ones(len(first)), (first, second + n_first)), shape=(size, size))
    return int(connected_components(graph, directed=False)[0])


def _covariance(
    spec: Spec, design: Design, x: np.ndarray, resid: np.ndarray, bread: np.ndarray, df_resid: int
) -> np.ndarray:
    if spec.vcov == "iid":
        return covariance.iid(x, resid, bread, df_resid)
    if spec.vcov == "hc1":
        return covariance.hc1(x, resid, bread, df_resid)
    if spec.vcov == "cluster":
        return covariance.clustered(x, resid, bread, df_resid, design.clusters)
    return covariance.driscoll_kraay(x, resid, bread, design.time, _lags(spec, design))  # type: ignore[arg-type]


def _lags(spec: Spec, design: Design) -> int | None:
    if spec.vcov != "driscoll-kraay":
        return None
    if spec.lags is not None:
        return int(spec.lags)
    return covariance.default_lags(int(design.time.max()) + 1)  # type: ignore[union-attr]


def _normalized(weights: np.ndarray | None, n: int) -> np.ndarray:
    return np.ones(n) if weights is None else weights / weights.mean()


def _centered_sumsq(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    centered = x - np.average(x, axis=0, weights=weights)
    return (weights[:, None] * centered**2).sum(axis=0)


def _total_sumsq(design: Design) -> float:
    return float(_centered_sumsq(design.y[:, None], _normalized(design.weights, len(design.y)))[0])
