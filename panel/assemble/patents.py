"""Patent counts per firm-year, their logs, and the depreciated patent stock."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_schemas.errors import InputError

APPLY_TYPES = ("invention", "utility", "design")
GRANT_COLUMNS = ("invention_grant", "utility_grant", "design_grant")


def application_counts(patent_counts: pd.DataFrame, scope: str) -> pd.DataFrame:
    """Applications per firm-year (independent + joint) from the CNRDS table.

    Parameters
    ----------
    patent_counts : DataFrame
        Canonical ``patent_counts`` table.
    scope : str
        The ``Ftyp`` rows to use, e.g. ``"上市公司本身"`` (the listed firm only).

    Returns
    -------
    DataFrame
        ``firm_id, year, invention_apply, utility_apply, design_apply``.
    """
    rows = patent_counts[patent_counts["scope"] == scope]
    if rows.empty and not patent_counts.empty:
        found = ", ".join(sorted(patent_counts["scope"].dropna().unique())[:5])
        raise InputError(
            f"no patent rows with Ftyp {scope!r}",
            column="Ftyp",
            fix=f"choose a patent scope present in the file ({found})",
        )
    out = rows[["firm_id", "year"]].copy()
    for kind in APPLY_TYPES:
        out[f"{kind}_apply"] = rows[f"{kind}_apply_own"].fillna(0) + rows[f"{kind}_apply_joint"].fillna(0)
    return out


def attach_patents(
    panel: pd.DataFrame,
    applications: pd.DataFrame | None,
    grants: pd.DataFrame | None,
    depreciation: float,
) -> pd.DataFrame:
    """Add counts, ln(1+count) and the invention patent stock to the firm-years.

    A firm-year absent from a patent table that was supplied counts zero
    patents (the CNRDS convention of listing only firm-years with patents);
    with no table at all the counts stay missing.

    The stock follows ``stock_t = (1 - depreciation) * stock_{t-1} + invention_apply_t``
    over consecutive calendar years from the firm's first year in the panel,
    gaps counting zero applications.
    """
    out = panel
    if applications is not None:
        out = out.merge(applications, on=["firm_id", "year"], how="left")
        for kind in APPLY_TYPES:
            out[f"{kind}_apply"] = out[f"{kind}_apply"].fillna(0.0)
    else:
        out = out.assign(**{f"{kind}_apply": np.nan for kind in APPLY_TYPES})
    if grants is not None:
        out = out.merge(grants[["firm_id", "year", *GRANT_COLUMNS]], on=["firm_id", "year"], how="left")
        out[list(GRANT_COLUMNS)] = out[list(GRANT_COLUMNS)].fillna(0.0)
    else:
        out = out.assign(**{c: np.nan for c in GRANT_COLUMNS})
    for kind in APPLY_TYPES:
        out[f"ln_{kind}_apply"] = np.log1p(out[f"{kind}_apply"])
    out["ln_invention_grant"] = np.log1p(out["invention_grant"])
    out["patent_stock"] = (
        patent_stock(out[["firm_id", "year", "invention_apply"]], depreciation) if applications is not None else np.nan
    )
    out["ln_patent_stock"] = np.log1p(out["patent_stock"])
    return out


def patent_stock(frame: pd.DataFrame, depreciation: float) -> pd.Series:
    """Depreciated stock of ``invention_apply`` per firm, aligned to ``frame``'s index.

    Parameters
    ----------
    frame : DataFrame
        ``firm_id, year, invention_apply`` with unique firm-years.
    depreciation : float
        Yearly depreciation rate δ.

    Examples
    --------
    >>> f = pd.DataFrame({"firm_id": ["1", "1", "1"], "year": [2010, 2011, 2013],
    ...                   "invention_apply": [10.0, 0.0, 5.0]})
    >>> patent_stock(f, 0.5).tolist()
    [10.0, 5.0, 6.25]
    """
    grid = frame.set_index(["firm_id", "year"])["invention_apply"].unstack("year")
    years = np.arange(grid.columns.min(), grid.columns.max() + 1)
    grid = grid.reindex(columns=years)
    first = grid.notna().to_numpy().argmax(axis=1)
    flows = grid.to_numpy(dtype=float)
    stock = np.full_like(flows, np.nan)
    running = np.zeros(len(grid))
    for j in range(len(years)):
        started = j >= first
        running = np.where(started, (1 - depreciation) * running + np.nan_to_num(flows[:, j]), 0.0)
        stock[:, j] = np.where(started, running, np.nan)
    long = pd.DataFrame(stock, index=grid.index, columns=years).stack().rename("patent_stock")
    keys = pd.MultiIndex.from_frame(frame[["firm_id", "year"]])
    return pd.Series(long.reindex(keys).to_numpy(), index=frame.index)
