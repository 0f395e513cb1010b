"""Firm-year import shares from customs transactions: a second measure of foreign dependence."""

from __future__ import annotations

import numpy as np
import pandas as pd

IMPORT_COLUMNS = ("import_value", "us_import_share", "allied_import_share")


def attach_import_shares(panel: pd.DataFrame, shares: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``import_value``, ``us_import_share`` and ``allied_import_share`` to the firm-years.

    A firm-year without transactions gets an import value of zero and no
    shares (a share of nothing is undefined); without a transactions table
    every column stays missing.

    Parameters
    ----------
    panel : DataFrame
        The firm-years (``firm_id``, ``year`` ...).
    shares : DataFrame or None
        ``firm_id, year, import_value, us_import_share, allied_import_share ...``
        (:func:`panel.sources.customs_transactions.aggregate_customs_transactions`).
    """
    if shares is None:
        return panel.assign(**dict.fromkeys(IMPORT_COLUMNS, np.nan))
    out = panel.merge(shares[["firm_id", "year", *IMPORT_COLUMNS]], on=["firm_id", "year"], how="left")
    out["import_value"] = out["import_value"].fillna(0.0)
    return out
