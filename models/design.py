"""The estimation sample: complete rows, no singletons, integer-coded groups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from models.spec import Spec


@dataclass(frozen=True)
class Design:
    """The arrays a model is estimated from, after dropping rows.

    Attributes
    ----------
    y : ndarray, shape (n,)
        Outcome.
    x : ndarray, shape (n, k)
        Regressors, in the order of ``spec.regressors``.
    fixed_effects : tuple of ndarray
        Integer codes ``0..levels-1`` of each fixed effect.
    clusters : tuple of ndarray
        Integer codes of each cluster column.
    time : ndarray or None
        Integer codes of the time column in sorted order of its values.
    weights : ndarray or None
        Observation weights.
    index : pandas.Index
        Labels of the rows kept, from the input frame.
    n_missing : int
        Rows dropped for a missing value in a column the model reads.
    n_singletons : int
        Rows dropped as singletons of a fixed effect (iteratively).
    """

    y: np.ndarray
    x: np.ndarray
    fixed_effects: tuple[np.ndarray, ...]
    clusters: tuple[np.ndarray, ...]
    time: np.ndarray | None
    weights: np.ndarray | None
    index: pd.Index
    n_missing: int
    n_singletons: int


def codes(values: pd.Series) -> np.ndarray:
    """Integer codes ``0..levels-1`` of a column, levels in sorted order."""
    return pd.factorize(values, sort=True)[0].astype(np.int64)


def dense_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes renumbered ``0..levels-1`` after rows were dropped, keeping their order (one pass).

    Examples
    --------
    >>> dense_codes(np.array([4, 0, 4, 2])).tolist()
    [2, 0, 2, 1]
    """
    if len(values) == 0:
        return values.astype(np.int64)
    used = np.zeros(int(values.max()) + 1, dtype=bool)
    used[values] = True
    return (np.cumsum(used) - 1)[values].astype(np.int64)


def singleton_mask(fixed_effects: list[np.ndarray]) -> np.ndarray:
    """Rows to keep after dropping singletons of every fixed effect, repeatedly.

    A singleton is the only row of a level of some fixed effect; its residual is
    zero and it carries no information, so reghdfe and fixest drop it.  Dropping
    one can create another, so the pass repeats until none is left.

    Parameters
    ----------
    fixed_effects : list of ndarray
        Integer codes of each fixed effect.

    Returns
    -------
    ndarray of bool
        True for the rows kept.

    Examples
    --------
    >>> import numpy as np
    >>> singleton_mask([np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 1, 1])]).tolist()
    [True, True, True, True, False]
    """
    n = len(fixed_effects[0]) if fixed_effects else 0
    keep = np.ones(n, dtype=bool)
    while True:
        drop = np.zeros(n, dtype=bool)
        for fe in fixed_effects:
            counts = np.bincount(fe[keep], minlength=int(fe.max()) + 1 if n else 0)
            drop |= keep & (counts[fe] == 1)
        if not drop.any():
            return keep
        keep &= ~drop


def build_design(data: pd.DataFrame, spec: Spec, file: str | None = None) -> Design:
    """Select, clean and code the columns ``spec`` reads from ``data``.

    Rows with a missing value in any column the model reads are dropped and
    counted, then singletons of the fixed effects are dropped and counted.

    Parameters
    ----------
    data : DataFrame
        The data; the columns named in ``spec``.
    spec : Spec
        The model.
    file : str, optional
        The file the data came from, for error messages.

    Raises
    ------
    InputError
        If a column is missing, not numeric or holds an infinite value,
        weights are not positive, no
        rows are left, or a cluster column has a single value.
    """
    spec.check_columns(data.columns, file=file)
    frame = data.loc[:, list(spec.columns)]
    numeric = [spec.outcome, *spec.regressors] + ([spec.weights] if spec.weights else [])
    for name in numeric:
        if not (pd.api.types.is_numeric_dtype(frame[name]) or pd.api.types.is_bool_dtype(frame[name])):
            converted = pd.to_numeric(frame[name], errors="coerce")
            bad = np.flatnonzero(converted.isna().to_numpy() & frame[name].notna().to_numpy())
            raise InputError(
                f"expected numbers, got {frame[name].iloc[bad[0]]!r}" if len(bad) else "expected numbers",
                file=file,
                column=name,
                rows=[_row_number(i, file) for i in bad],
                fix="convert the column to numbers",
            )
    for name in numeric:
        values = frame[name].to_numpy(dtype=float, na_value=np.nan)
        bad = np.flatnonzero(np.isinf(values))
        if len(bad):
            raise InputError(
                f"infinite value {values[bad[0]]:+}",
                file=file,
                column=name,
                rows=[_row_number(i, file) for i in bad],
                fix="replace infinite values by numbers or leave them missing",
            )
    complete = frame.notna().all(axis=1).to_numpy()
    n_missing = int((~complete).sum())
    frame = frame.loc[complete]
    if spec.weights is not None:
        w = frame[spec.weights].to_numpy(dtype=float)
        bad = np.flatnonzero(~(w > 0) | ~np.isfinite(w))
        if len(bad):
            raise InputError(
                "weights must be positive and finite", file=file, column=spec.weights,
                rows=[_row_number(i, file) for i in np.flatnonzero(complete)[bad]],
            )
    fixed_effects = [codes(frame[name]) for name in spec.fixed_effects]
    keep = singleton_mask(fixed_effects) if fixed_effects else np.ones(len(frame), dtype=bool)
    n_singletons = int((~keep).sum())
    frame = frame.loc[keep]
    if len(frame) == 0:
        raise InputError(
            "no rows left to estimate on after dropping missing values and singletons",
            file=file,
            fix=f"{n_missing} rows had a missing value, {n_singletons} were singletons",
        )
    clusters = tuple(codes(frame[name]) for name in spec.cluster)
    for name, cluster in zip(spec.cluster, clusters):
        if cluster.max() < 1:
            raise InputError(
                "cluster column has a single value in the estimation sample",
                file=file,
                column=name,
                fix="cluster on a column with at least two groups",
            )
    return Design(
        y=frame[spec.outcome].to_numpy(dtype=float),
        x=frame[list(spec.regressors)].to_numpy(dtype=float),
        fixed_effects=tuple(dense_codes(fe[keep]) for fe in fixed_effects),
        clusters=clusters,
        time=codes(frame[spec.time]) if spec.time else None,
        weights=frame[spec.weights].to_numpy(dtype=float) if spec.weights else None,
        index=frame.index,
        n_missing=n_missing,
        n_singletons=n_singletons,
    )


def _row_number(position: int, file: str | None) -> int:
    """Line number of a data row in a file with one header line, else the 0-based position."""
    return int(position) + 2 if file else int(position)
