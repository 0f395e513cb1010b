"""Estimate a linear model with absorbed fixed effects (through linearmodels)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from linearmodels import AbsorbingLS
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from data_schemas.errors import InputError
from models import covariance
from models.collinearity import CollinearityWarning, collinear_columns
from models.design import Design, build_design
from models.result import Result
from models.spec import Spec

#: Tolerances of the LSMR solver that absorbs the fixed effects (linearmodels'
#: default of 1e-8 is too loose for estimates that must match to 1e-6).
ABSORB_OPTIONS = {"atol": 1e-12, "btol": 1e-12}


def fit(data: pd.DataFrame, spec: Spec, *, file: str | None = None) -> Result:
    """Estimate ``spec`` on ``data`` and return an immutable :class:`Result`.

    Rows with missing values and fixed-effect singletons are dropped and counted;
    the fixed effects are absorbed by ``linearmodels.AbsorbingLS`` (weighted
    when ``spec.weights`` is set); collinear regressors are dropped by name with
    a :class:`CollinearityWarning`; the covariance follows
    :mod:`models.covariance`.

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
    y, x, retained = absorb(design)
    dropped_idx = [j for j in range(design.x.shape[1]) if j not in retained]
    later = collinear_columns(x, _centered_sumsq(design.x[:, retained], design.weights))
    keep = [j for position, j in enumerate(retained) if position not in later]
    dropped_idx = sorted(dropped_idx + [retained[p] for p in later])
    x = x[:, [retained.index(j) for j in keep]]
    dropped = tuple(spec.regressors[j] for j in dropped_idx)
    if dropped:
        warnings.warn(f"Dropped collinear regressors: {', '.join(dropped)}", CollinearityWarning, stacklevel=2)
    if not keep:
        raise InputError("every regressor is collinear with the fixed effects", fix="choose other regressors")

    bread = np.linalg.inv(x.T @ x)
    coef = bread @ (x.T @ y)
    resid = y - x @ coef
    nobs = len(y)
    df_fe = fe_dof(design.fixed_effects)
    nested_df = fe_dof(design.fixed_effects, nested_in=design.clusters) if spec.vcov == "cluster" else df_fe
    df_model = len(keep) + nested_df
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
        names=tuple(spec.regressors[j] for j in keep),
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
    )


def absorb(design: Design) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Absorb the fixed effects (or the intercept) and apply the weights.

    Returns :math:`\\sqrt{w}\\,\\ddot y`, :math:`\\sqrt{w}\\,\\ddot X` and the
    positions of the regressors that linearmodels did not find fully absorbed.
    Weights are rescaled to mean one, as linearmodels does.
    """
    weights = _normalized(design.weights, len(design.y))
    if not design.fixed_effects:
        root = np.sqrt(weights)
        y = root * (design.y - np.average(design.y, weights=weights))
        x = root[:, None] * (design.x - np.average(design.x, axis=0, weights=weights))
        return y, x, list(range(design.x.shape[1]))
    names = [f"x{j}" for j in range(design.x.shape[1])]
    absorbed = pd.DataFrame(
        {f"fe{j}": pd.Categorical(codes) for j, codes in enumerate(design.fixed_effects)}
    )
    model = AbsorbingLS(
        pd.Series(design.y, name="y"),
        pd.DataFrame(design.x, columns=names),
        absorb=absorbed,
        weights=None if design.weights is None else pd.Series(design.weights),
        drop_absorbed=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(method="lsmr", absorb_options=ABSORB_OPTIONS, use_cache=False)
    retained = [names.index(name) for name in model.absorbed_exog.columns]
    return model.absorbed_dependent.to_numpy()[:, 0], model.absorbed_exog.to_numpy(), retained


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


def is_nested(effect: np.ndarray, cluster: np.ndarray) -> bool:
    """Whether every level of ``effect`` lies within a single cluster."""
    pairs = np.unique(effect * (int(cluster.max()) + 1) + cluster)
    return len(pairs) == int(effect.max()) + 1


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


def _centered_sumsq(x: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    w = _normalized(weights, x.shape[0])
    centered = x - np.average(x, axis=0, weights=w)
    return (w[:, None] * centered**2).sum(axis=0)


def _total_sumsq(design: Design) -> float:
    return float(_centered_sumsq(design.y[:, None], design.weights)[0])
