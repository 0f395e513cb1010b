"""The estimation sample: complete rows, no singletons, integer-coded groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, line_number
from models.reuse import digest, memory, remembered
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
    sample_key : tuple or None
        What identifies the sample inside :func:`models.reuse.reuse_demeaning`
        (None outside, or when it cannot be told safely).
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
    sample_key: tuple[Any, ...] | None = None


def codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Integer codes ``0..levels-1`` of a column, levels in sorted order.

    Whole numbers spanning a range not much longer than the column are coded
    in one pass (a table of the values present), others by a sort.

    Examples
    --------
    >>> codes(np.array([2012, 2010, 2012, 2015])).tolist(), codes(pd.Series(["b", "a", "b"])).tolist()
    ([1, 0, 1, 2], [1, 0, 1])
    """
    array = values if isinstance(values, np.ndarray) else None
    if array is not None and array.dtype.kind in "iu" and len(array):
        low = array.min()
        span = int(array.max()) - int(low) + 1
        if span <= 4 * len(array) + 1024:  # then every offset below fits, whatever the integer type
            offsets = (array - low if array.dtype.kind == "u" else array.astype(np.int64) - int(low)).astype(np.intp)
            present = np.zeros(span, dtype=bool)
            present[offsets] = True
            return (np.cumsum(present) - 1)[offsets].astype(np.int64)
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
    Inside :func:`models.reuse.reuse_demeaning` the estimation rows and codes
    of a sample are kept (a :class:`Sample`): models on the same complete rows,
    fixed effects, clusters, time and weights share them.

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
    columns = {name: data[name] for name in spec.columns}
    numeric = list(dict.fromkeys([spec.outcome, *spec.regressors] + ([spec.weights] if spec.weights else [])))
    for name in numeric:
        _check_numeric(columns[name], name, file)
    values = {name: _finite_numbers(columns[name], name, file) for name in numeric}
    complete = np.ones(len(data), dtype=bool)
    for name in spec.columns:
        if name in values:
            complete &= ~np.isnan(values[name])
        elif _may_miss(columns[name]):
            complete &= columns[name].notna().to_numpy()
    n_missing = int((~complete).sum())
    if spec.weights is not None:
        w = values[spec.weights][complete]
        bad = np.flatnonzero(~(w > 0) | ~np.isfinite(w))
        if len(bad):
            raise InputError(
                "weights must be positive and finite", file=file, column=spec.weights,
                rows=[line_number(i, file) for i in np.flatnonzero(complete)[bad]],
            )
    key = _sample_key(columns, spec, complete) if memory() is not None else None
    sample = (remembered(("sample", key), lambda: _sample(columns, spec, complete, n_missing, file)) if key is not None
              else _sample(columns, spec, complete, n_missing, file))
    rows = sample.rows
    every_row = len(rows) == len(data)  # rows are then 0, 1, ..., n - 1
    x = np.empty((len(rows), len(spec.regressors)), order="F")  # column by column, as the absorber reads it
    for j, name in enumerate(spec.regressors):
        x[:, j] = values[name] if every_row else values[name][rows]
    return Design(
        y=values[spec.outcome].copy() if every_row else values[spec.outcome][rows],
        x=x,
        fixed_effects=sample.fixed_effects,
        clusters=sample.clusters,
        time=sample.time,
        weights=(values[spec.weights].copy() if every_row else values[spec.weights][rows]) if spec.weights else None,
        index=data.index if every_row else data.index[rows],  # indexing by 0..n-1 would take 0.7 ms at 85,000 rows
        n_missing=n_missing,
        n_singletons=sample.n_singletons,
        sample_key=key,
    )


@dataclass(frozen=True)
class Sample:
    """The estimation rows of a model and their integer-coded groups (shared by models on the same sample).

    Attributes
    ----------
    rows : ndarray of int
        Positions, in the data, of the rows kept.
    fixed_effects, clusters : tuple of ndarray
        Integer codes of each fixed effect and cluster column on those rows.
    time : ndarray or None
        Integer codes of the time column in sorted order of its values.
    n_singletons : int
        Rows dropped as singletons of a fixed effect (iteratively).
    """

    rows: np.ndarray
    fixed_effects: tuple[np.ndarray, ...]
    clusters: tuple[np.ndarray, ...]
    time: np.ndarray | None
    n_singletons: int


def _sample(columns: dict[str, pd.Series], spec: Spec, complete: np.ndarray, n_missing: int, file: str | None) -> Sample:
    """The rows kept of the complete ones once singletons are dropped, and their codes (``columns``: by name)."""
    complete_rows = np.flatnonzero(complete)
    fixed_effects = [codes(_column_values(columns[name])[complete_rows]) for name in spec.fixed_effects]
    keep = singleton_mask(fixed_effects) if fixed_effects else np.ones(len(complete_rows), dtype=bool)
    n_singletons = int((~keep).sum())
    rows = complete_rows[keep]
    if len(rows) == 0:
        raise InputError(
            "no rows left to estimate on after dropping missing values and singletons",
            file=file,
            fix=f"{n_missing} rows had a missing value, {n_singletons} were singletons",
        )
    clusters = tuple(codes(_column_values(columns[name])[rows]) for name in spec.cluster)
    for name, cluster in zip(spec.cluster, clusters):
        if cluster.max() < 1:
            raise InputError(
                "cluster column has a single value in the estimation sample",
                file=file,
                column=name,
                fix="cluster on a column with at least two groups",
            )
    return Sample(
        rows=rows,
        fixed_effects=tuple(dense_codes(fe[keep]) for fe in fixed_effects),
        clusters=clusters,
        time=codes(_column_values(columns[spec.time])[rows]) if spec.time else None,
        n_singletons=n_singletons,
    )


def _check_numeric(column: pd.Series, name: str, file: str | None) -> None:
    """Raise :class:`InputError` naming the rows of a column that are not numbers."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return
    converted = pd.to_numeric(column, errors="coerce")
    bad = np.flatnonzero(converted.isna().to_numpy() & column.notna().to_numpy())
    raise InputError(
        f"expected numbers, got {column.iloc[bad[0]]!r}" if len(bad) else "expected numbers",
        file=file,
        column=name,
        rows=[line_number(i, file) for i in bad],
        fix="convert the column to numbers",
    )


def _finite_numbers(column: pd.Series, name: str, file: str | None) -> np.ndarray:
    """A numeric column as floats (missing as NaN); :class:`InputError` naming the rows of an infinite value."""
    values = column.to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(np.isinf(values))
    if len(bad):
        raise InputError(
            f"infinite value {values[bad[0]]:+}",
            file=file,
            column=name,
            rows=[line_number(i, file) for i in bad],
            fix="replace infinite values by numbers or leave them missing",
        )
    return values


def _may_miss(column: pd.Series) -> bool:
    """Whether a column can hold missing values (columns of numpy integers or booleans cannot)."""
    return not (isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub")


def _column_values(column: pd.Series) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """The values of a column, to take rows of by position (a categorical keeps its categories' order)."""
    return column.to_numpy() if isinstance(column.dtype, np.dtype) else column.array


def _sample_key(columns: dict[str, pd.Series], spec: Spec, complete: np.ndarray) -> tuple[Any, ...] | None:
    """What decides a model's :class:`Sample`: the complete rows and the contents of its grouping columns.

    None when a grouping column holds Python objects, whose digest could take
    ``1`` and ``"1"`` for the same value: such a sample is not shared.
    """
    roles = (spec.fixed_effects, spec.cluster, (spec.time,) if spec.time else ())
    digests = {name: _column_digest(columns[name]) for group in roles for name in group}
    if any(value is None for value in digests.values()):
        return None
    return (digest(complete), *(tuple(digests[name] for name in group) for group in roles))


def _column_digest(column: pd.Series) -> bytes | None:
    """A digest of a column's contents and type, None for a column of Python objects."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = _column_digest(pd.Series(dtype.categories))
        return None if categories is None else digest(column.cat.codes.to_numpy(), categories,
                                                      str(dtype.ordered).encode())
    if isinstance(dtype, np.dtype):
        return None if dtype.kind == "O" else digest(column.to_numpy())
    if isinstance(dtype, pd.StringDtype):
        return digest(pd.util.hash_pandas_object(column, index=False).to_numpy(), b"str")
    return None
