"""Compression of record-level data to sufficient statistics (Wong et al. 2021, "You Only Compress Once").

When every regressor, fixed effect and cluster variable of a linear model is
constant within groups of records (cells), the records enter the least-squares
fit only through each cell's record count, outcome mean and outcome variance.
:func:`compression_sql` is the one aggregate query that produces them, run by
any engine (:meth:`DuckDBEngine.compress <panel.engines.duckdb_engine.DuckDBEngine.compress>`,
:meth:`SparkEngine.compress <panel.engines.spark_engine.SparkEngine.compress>`);
:func:`models.compressed.fit_compressed` estimates from the cells.

The within-cell variance is computed by the engine's numerically stable
``var_pop`` rather than as ``sum(y^2) - sum(y)^2/n``, which loses digits when
the mean is large relative to the spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

#: the columns a compressed table has besides its keys
STATISTICS = ("n", "mean_y", "var_y")


def compression_sql(quote, source: str, keys: Sequence[str], outcome: str) -> str:
    """SQL: per distinct combination of ``keys``, the record count and the outcome's mean and population variance.

    Records with a missing key or outcome are not in any cell; they are
    counted in the same pass, in the one row whose ``complete`` is false.

    Parameters
    ----------
    quote : callable
        The engine's identifier quoting.
    source : str
        The relation to read (a table function or a view name).
    keys : sequence of str
        The regressors, fixed effects and cluster variables (all cell-level).
    outcome : str
        The outcome column.

    Returns
    -------
    str
        A query with columns ``k0 .. k{m-1}`` (the keys, in order), ``complete``,
        ``n``, ``mean_y``, ``var_y``.
    """
    names = [f"k{i}" for i in range(len(keys))]
    complete = " AND ".join(f"{quote(c)} IS NOT NULL" for c in [*keys, outcome])
    nulled = ", ".join(f"CASE WHEN _complete THEN {quote(k)} END AS {name}" for k, name in zip(keys, names))
    return f"""
        SELECT {", ".join(names)}, _complete AS complete, count(*) AS n, avg(_y) AS mean_y, var_pop(_y) AS var_y
        FROM (
            SELECT {nulled}, _complete, CASE WHEN _complete THEN CAST({quote(outcome)} AS DOUBLE) END AS _y
            FROM (SELECT *, ({complete}) AS _complete FROM {source}) AS _flagged
        ) AS _cells
        GROUP BY {", ".join(names)}, _complete
    """


@dataclass(frozen=True)
class CompressedData:
    """Records compressed to cells.

    Parameters
    ----------
    cells : pandas.DataFrame
        The keys, ``n`` (records), ``mean_y`` and ``var_y`` (population
        variance of the outcome within the cell), sorted by the keys.
    keys : tuple of str
        The key columns.
    outcome : str
        The outcome compressed.
    n_missing : int
        Records left out for a missing key or outcome.
    engine : str
        The engine that compressed them.
    """

    cells: pd.DataFrame
    keys: tuple[str, ...]
    outcome: str
    n_missing: int
    engine: str

    @classmethod
    def from_query(cls, frame: pd.DataFrame, keys: Sequence[str], outcome: str, engine: str) -> CompressedData:
        """From the result of :func:`compression_sql`."""
        complete = frame["complete"].astype(bool)
        missing = int(frame.loc[~complete, "n"].sum())
        cells = frame.loc[complete].drop(columns="complete").rename(columns={f"k{i}": k for i, k in enumerate(keys)})
        cells = cells.sort_values(list(keys)).reset_index(drop=True)
        cells = cells.astype({"n": "int64", "mean_y": "float64", "var_y": "float64"})
        return cls(cells=cells, keys=tuple(keys), outcome=outcome, n_missing=missing, engine=engine)
