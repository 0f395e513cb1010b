"""Foreign-supplier shares from the top-five supplier disclosures."""

from __future__ import annotations

import pandas as pd


def supplier_shares(suppliers: pd.DataFrame) -> pd.DataFrame:
    """Per firm-year: foreign share among named suppliers, coverage and top-five share.

    Parameters
    ----------
    suppliers : DataFrame
        Canonical supplier disclosures with ``is_masked`` and ``is_foreign``
        flags (see :mod:`panel.sources`).

    Returns
    -------
    DataFrame
        ``firm_id, year, foreign_supplier_share, supplier_coverage,
        top5_purchase_share``. ``foreign_supplier_share`` is
        Σ share(named, foreign) / Σ share(named), missing when no supplier is
        named or the named suppliers' shares are all missing.
    """
    rows = suppliers.assign(
        named_share=suppliers["purchase_share"].where(~suppliers["is_masked"].astype(bool)),
    )
    rows["foreign_share"] = rows["named_share"].where(rows["is_foreign"].fillna(False).astype(bool), 0.0)
    rows["is_named"] = (~rows["is_masked"].astype(bool)).astype("int64")
    grouped = rows.groupby(["firm_id", "year"], sort=True)
    out = grouped.agg(
        named=("named_share", "sum"),
        foreign=("foreign_share", "sum"),
        n_named=("is_named", "sum"),
        top5_purchase_share=("purchase_share", "sum"),
    ).reset_index()
    # the two sums are rounded separately: an all-foreign year can come out a hair above 1
    share = out["foreign"] / out["named"].where(out["named"] > 0)
    out["foreign_supplier_share"] = share.clip(upper=1.0)
    out["supplier_coverage"] = (out["n_named"] > 0).astype("int8")
    return out[["firm_id", "year", "foreign_supplier_share", "supplier_coverage", "top5_purchase_share"]]


def pre_period_share(shares: pd.DataFrame, cutoff_year: int, pre_years: int) -> pd.Series:
    """Mean foreign-supplier share over the ``pre_years`` years before ``cutoff_year``.

    Returns
    -------
    Series
        ``foreign_share_pre`` indexed by ``firm_id`` (firms with no named
        supplier in the window are absent).
    """
    window = shares[(shares["year"] >= cutoff_year - pre_years) & (shares["year"] < cutoff_year)]
    return window.groupby("firm_id")["foreign_supplier_share"].mean().dropna().rename("foreign_share_pre")
