"""Financial ratios, growth and lags of the firm-year panel."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: variables that get a one-year lag (``<name>_lag1``)
LAGGED: tuple[str, ...] = ("ln_invention_apply", "size", "leverage", "roa", "rd_intensity")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, missing where the denominator is zero or missing."""
    return numerator / denominator.where(denominator != 0)


def add_ratios(panel: pd.DataFrame) -> pd.DataFrame:
    """ROA, ROE, leverage, size, age, margin, R&D intensity, subsidy ratio.

    Definitions are in :mod:`data_schemas.codebook`; ``size`` is missing for
    non-positive assets.
    """
    out = panel.copy()
    out["roa"] = _ratio(out["net_profit"], out["total_assets"])
    out["roe"] = _ratio(out["net_profit"], out["total_equity"])
    out["leverage"] = _ratio(out["total_liabilities"], out["total_assets"])
    out["size"] = np.log(out["total_assets"].where(out["total_assets"] > 0))
    out["age"] = (out["year"] - out["list_year"]).astype("Int64")
    out["margin"] = _ratio(out["operating_profit"], out["revenue"])
    out["rd_intensity"] = _ratio(out["rd_expense"], out["revenue"])
    out["subsidy_ratio"] = _ratio(out["subsidy"], out["revenue"])
    return out


def previous_year(panel: pd.DataFrame, column: str) -> pd.Series:
    """The value of ``column`` in the firm's previous calendar year (missing after a gap).

    ``panel`` must be sorted by firm and year with unique firm-years.
    """
    firm_changed = panel["firm_id"] != panel["firm_id"].shift()
    consecutive = (panel["year"] - panel["year"].shift() == 1) & ~firm_changed
    return panel[column].shift().where(consecutive)


def add_growth_and_lags(panel: pd.DataFrame) -> pd.DataFrame:
    """Sales growth over consecutive years and the one-year lags of :data:`LAGGED`."""
    out = panel.sort_values(["firm_id", "year"]).reset_index(drop=True)
    out["sales_growth"] = _ratio(out["revenue"], previous_year(out, "revenue")) - 1
    for column in LAGGED:
        out[f"{column}_lag1"] = previous_year(out, column)
    return out
