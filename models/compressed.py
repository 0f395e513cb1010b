"""Linear models estimated from compressed data (Wong, Forsell, Lewis, Mao and Wardrop 2021, "You Only Compress Once").

When every regressor, fixed effect and cluster variable is constant within
cells of records, least squares needs of each cell only its record count
:math:`n_c`, outcome mean :math:`\\bar y_c` and within-cell variance
:math:`v_c` (computed by an engine in one pass,
:mod:`panel.engines.compress`).  With cell-level design :math:`X` absorbed of
the fixed effects (weighted by :math:`n_c`) and cell residuals
:math:`r_c = \\tilde{\\bar y}_c - \\tilde x_c'\\hat\\beta`:

* :math:`\\hat\\beta` is the weighted least-squares fit of the cell means, equal
  to the fit on the records;
* the records' residual sum of squares in a cell is :math:`n_c v_c + n_c r_c^2`,
  which gives the classical and HC1 covariances;
* a cluster's score is :math:`\\sum_{c \\in g} \\tilde x_c n_c r_c`, which gives
  CRV1 (one- or two-way) with the degrees-of-freedom conventions of
  :func:`models.fixed_effects.fit` (singletons dropped, fixed effects nested in
  the cluster not counted).

The results equal :func:`models.fixed_effects.fit` on the uncompressed records
(tests: within 1e-8).

Designs that cannot be compressed this way
------------------------------------------
* a regressor that varies within the cells (a continuous control measured per
  record, such as a patent's citations): every record becomes its own cell;
* fixed effects or clusters finer than the cells (record-level effects);
* weights that vary within a cell;
* Driscoll–Kraay errors, wild or randomization inference that resample records,
  instrumental variables, quantile and other non-linear estimators (Poisson
  PML would need its own compressed likelihood, not provided here).
"""

from __future__ import annotations

import warnings

import numpy as np

from data_schemas.errors import InputError
from models import covariance
from models.absorb import demean
from models.collinearity import CollinearityWarning, collinear_columns
from models.design import codes
from models.fixed_effects import fe_dof
from models.result import Result
from models.spec import Spec
from panel.engines.compress import CompressedData


def fit_compressed(data: CompressedData, spec: Spec) -> Result:
    """Estimate ``spec`` from compressed cells.

    Parameters
    ----------
    data : CompressedData
        Cells whose keys include every regressor, fixed effect and cluster of ``spec``.
    spec : Spec
        The model; vcov ``iid``, ``hc1`` or ``cluster``, no weights.

    Returns
    -------
    Result
        As :func:`models.fixed_effects.fit` returns on the records.

    Raises
    ------
    InputError
        A variable that is not a cell key, an unsupported covariance or
        weights, a collinear design or too few observations.
    """
    _check_compressible(data, spec)
    cells = data.cells
    fixed = [codes(cells[f]) for f in spec.fixed_effects]
    keep = _non_singleton_cells(fixed, cells["n"].to_numpy())
    n_singletons = int(cells["n"].to_numpy()[~keep].sum())
    cells = cells[keep].reset_index(drop=True)
    fixed = [codes(cells[f]) for f in spec.fixed_effects]
    clusters = tuple(codes(cells[c]) for c in spec.cluster)
    n_c = cells["n"].to_numpy(dtype=float)
    mean = cells["mean_y"].to_numpy(dtype=float)
    within_ss = float((n_c * cells["var_y"].to_numpy(dtype=float)).sum())
    x_raw = cells[list(spec.regressors)].to_numpy(dtype=float)
    y_tilde, x_tilde = _absorb(mean, x_raw, fixed, n_c)

    root = np.sqrt(n_c)
    centered = x_raw - np.average(x_raw, axis=0, weights=n_c)
    dropped_idx = collinear_columns(root[:, None] * x_tilde, (n_c[:, None] * centered**2).sum(axis=0))
    keep_cols = [j for j in range(x_raw.shape[1]) if j not in dropped_idx]
    dropped = tuple(spec.regressors[j] for j in dropped_idx)
    if dropped:
        warnings.warn(f"Dropped collinear regressors: {', '.join(dropped)}", CollinearityWarning, stacklevel=2)
    if not keep_cols:
        raise InputError("every regressor is collinear with the fixed effects", fix="choose other regressors")
    x_tilde = x_tilde[:, keep_cols]

    bread = np.linalg.inv(x_tilde.T @ (n_c[:, None] * x_tilde))
    coef = bread @ (x_tilde.T @ (n_c * y_tilde))
    r = y_tilde - x_tilde @ coef
    cell_ssr = n_c * cells["var_y"].to_numpy(dtype=float) + n_c * r**2
    ssr = float(cell_ssr.sum())
    nobs = int(n_c.sum())
    df_fe = fe_dof(tuple(fixed))
    nested_df = fe_dof(tuple(fixed), nested_in=clusters) if spec.vcov == "cluster" else df_fe
    df_model = len(keep_cols) + nested_df
    df_resid = nobs - df_model
    if df_resid <= 0:
        raise InputError(
            f"{nobs} observations are too few for {df_model} parameters (regressors and fixed effects)",
            fix="use more data or fewer regressors and fixed effects",
        )
    if spec.vcov == "iid":
        cov = ssr / df_resid * bread
    elif spec.vcov == "hc1":
        meat = x_tilde.T @ (cell_ssr[:, None] * x_tilde)
        cov = nobs / df_resid * bread @ meat @ bread
    else:
        cov = covariance.clustered(x_tilde, n_c * r, bread, df_resid, clusters, nobs=nobs)
    grand = float((n_c * mean).sum() / nobs)
    sizes = tuple(int(c.max()) + 1 for c in clusters)
    return Result(
        spec=spec,
        names=tuple(spec.regressors[j] for j in keep_cols),
        coef=coef,
        cov_matrix=cov,
        nobs=nobs,
        n_missing=data.n_missing,
        n_singletons=n_singletons,
        dropped_collinear=dropped,
        rsquared=1 - ssr / (within_ss + float((n_c * (mean - grand) ** 2).sum())),
        rsquared_within=1 - ssr / (within_ss + float((n_c * y_tilde**2).sum())),
        depvar_mean=grand,
        cluster_sizes=sizes,
        df_fe=df_fe,
        df_model=df_model,
        df_resid=df_resid,
        df_inference=min(sizes) - 1 if sizes else df_resid,
    )


def _check_compressible(data: CompressedData, spec: Spec) -> None:
    if spec.outcome != data.outcome:
        raise InputError(
            f"the cells hold the outcome '{data.outcome}', not '{spec.outcome}'", fix="compress the model's outcome"
        )
    needed = [*spec.regressors, *spec.fixed_effects, *spec.cluster]
    missing = [name for name in needed if name not in data.keys]
    if missing:
        raise InputError(
            f"not constant within the cells (not a compression key): {', '.join(missing)}",
            fix="compress by every regressor, fixed effect and cluster variable, or fit the records directly",
        )
    if spec.weights is not None:
        raise InputError("weights are not supported on compressed data", fix="fit the records directly")
    if spec.vcov not in ("iid", "hc1", "cluster"):
        raise InputError(f"vcov '{spec.vcov}' cannot be computed from compressed data", fix="use iid, hc1 or cluster")


def _non_singleton_cells(fixed: list[np.ndarray], n: np.ndarray) -> np.ndarray:
    """Cells kept after dropping fixed-effect levels with a single record, repeatedly (as reghdfe)."""
    keep = np.ones(len(n), dtype=bool)
    while fixed:
        drop = np.zeros(len(n), dtype=bool)
        for fe in fixed:
            records = np.bincount(fe[keep], weights=n[keep], minlength=int(fe.max()) + 1)
            drop |= keep & (records[fe] == 1)
        if not drop.any():
            break
        keep &= ~drop
    return keep


def _absorb(
    y: np.ndarray, x: np.ndarray, fixed: list[np.ndarray], weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted within transformation of the cell means and regressors (intercept only without fixed effects)."""
    block = np.column_stack([y, x])
    if not fixed:
        return _split(block - np.average(block, axis=0, weights=weights))
    demeaned = demean(block, fixed, weights=weights)
    if not demeaned.converged:
        raise InputError("the fixed effects did not converge", fix="check the fixed effects for near-collinearity")
    return _split(demeaned.values)


def _split(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return block[:, 0], block[:, 1:]


__all__ = ["fit_compressed"]
