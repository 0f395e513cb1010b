"""The three tables of the import-substitution study, as plain DataFrames for the renderers.

* :func:`matrix_members` and :func:`pattern_matrix`: the 2x3 matrix placing each technology group by
  growth class (G > 0.5, G <= 0.5) and volatility band (high, medium, low);
* :func:`group_index_table`: V, G and pattern of every group in every window;
* :func:`gdp_share_table`: imports by category as a percent of GDP, with and
  without the semiconductor groups, by year, and the change between two years.
"""

from __future__ import annotations

import pandas as pd

from data_schemas.errors import InputError
from models.import_substitution import BANDS, GROWTH_THRESHOLD, share_change

#: row labels of the matrix, high growth first
GROWTH_ROWS = (f"G > {GROWTH_THRESHOLD}", f"G ≤ {GROWTH_THRESHOLD}")
#: column labels of the matrix, by volatility band
BAND_COLUMNS = {"high": "high V (> 0.3)", "medium": "medium V (0.24 to 0.3)", "low": "low V (< 0.24)"}


def _one(indices: pd.DataFrame, column: str, value: str | None) -> pd.DataFrame:
    """Rows of one batch or window (the only one when ``value`` is None)."""
    if value is None:
        values = list(dict.fromkeys(indices[column]))
        if len(values) != 1:
            raise InputError(f"the indices hold several {column}es: {', '.join(map(str, values))}",
                             fix=f"name the {column} to tabulate")
        return indices
    if value not in set(indices[column]):
        raise InputError(f"no {column} '{value}' in the indices", fix=f"{column}s: " + ", ".join(map(str, set(indices[column]))))
    return indices[indices[column] == value]


def group_label(group: int, name: str) -> str:
    """How a group is named in every table: ``"2 Integrated Circuits"``."""
    return f"{group} {name}"


def matrix_members(indices: pd.DataFrame, *, window: str = "whole", batch: str | None = None) -> pd.DataFrame:
    """The groups in each cell of the growth-by-volatility matrix.

    Parameters
    ----------
    indices : pandas.DataFrame
        From :func:`models.import_substitution.group_indices`.
    window : str
        The window tabulated.
    batch : str, optional
        The batch tabulated (needed when the indices hold several).

    Returns
    -------
    pandas.DataFrame
        Index: the two growth classes (:data:`GROWTH_ROWS`); columns: the
        three volatility bands (:data:`BAND_COLUMNS`); cells: tuples of the
        groups' labels (:func:`group_label`) in group order, empty if none.
    """
    rows = _one(_one(indices, "window", window), "batch", batch)
    high_growth = rows["growth"] > GROWTH_THRESHOLD
    cells = {}
    for band in BANDS:
        in_band = rows["volatility_band"] == band
        cells[BAND_COLUMNS[band]] = [
            tuple(group_label(r.group, r.group_name) for r in rows[in_band & mask].sort_values("group").itertuples())
            for mask in (high_growth, ~high_growth)
        ]
    return pd.DataFrame(cells, index=pd.Index(GROWTH_ROWS, name="growth"))


def pattern_matrix(indices: pd.DataFrame, *, window: str = "whole", batch: str | None = None) -> pd.DataFrame:
    """Groups placed by growth class and volatility band, one text cell each.

    Parameters
    ----------
    indices, window, batch
        See :func:`matrix_members`.

    Returns
    -------
    pandas.DataFrame
        Index: the two growth classes; columns: the three volatility bands;
        cells: the groups' ``number name`` joined by ``"; "`` (empty if none).
    """
    return matrix_members(indices, window=window, batch=batch).map("; ".join)


def group_index_table(indices: pd.DataFrame, *, batch: str | None = None) -> pd.DataFrame:
    """V, G and pattern of every group, one column set per window.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group``, ``group_name``, ``category``,
        ``semiconductor``, then ``volatility_<window>``, ``growth_<window>``,
        ``pattern_<window>`` for each window in the order of ``indices``.
    """
    rows = _one(indices, "batch", batch)
    keys = ["group", "group_name", "category", "semiconductor"]
    table = rows[keys].drop_duplicates("group").set_index("group")
    for window in dict.fromkeys(rows["window"]):
        one = rows[rows["window"] == window].set_index("group")
        for column in ("volatility", "growth", "pattern"):
            table[f"{column}_{window}"] = one[column]
    return table.reset_index().sort_values("group").reset_index(drop=True)


def gdp_share_table(shares: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """Imports as a percent of GDP by year, with the change between two years.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`models.import_substitution.gdp_shares`.
    start_year, end_year : int
        The years compared in the last columns.

    Returns
    -------
    pandas.DataFrame
        One row per category and ``semiconductors`` (included/excluded); one
        column per year (percent of GDP), then ``change_pp`` (percentage points)
        and ``change_pct`` (relative change, percent) from ``start_year`` to
        ``end_year``.
    """
    keys = ["category", "semiconductors"]
    wide = shares.pivot(index=keys, columns="year", values="share_pct")
    wide.columns = [str(year) for year in wide.columns]
    change = share_change(shares, start_year, end_year).set_index(keys)[["change_pp", "change_pct"]]
    order = shares[keys].drop_duplicates()
    return wide.join(change).loc[pd.MultiIndex.from_frame(order)].reset_index()
