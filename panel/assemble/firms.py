"""Firm attributes: company file, annual short names and industries, industry flags."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from panel.assemble.drop_log import DropLog

#: ownership texts that mark a state-owned enterprise
SOE_PATTERN = r"国有|国企|中央|地方国资|state"
INDUSTRY_FLAGS = ("manufacturing", "high_tech", "chokepoint")


def industry_classification(path: str | Path | None = None) -> pd.DataFrame:
    """The industry classification: CSRC-2012 division code and the project's flags.

    Parameters
    ----------
    path : str or Path, optional
        A user's own CSV with columns ``code, manufacturing, high_tech,
        position, chokepoint``; the bundled ``panel/reference/industries.csv``
        by default.

    Returns
    -------
    DataFrame
        Indexed by ``code``.
    """
    source = resources.files("panel") / "reference" / "industries.csv" if path is None else path
    frame = pd.read_csv(source, dtype={"code": str})
    missing = [c for c in ("code", *INDUSTRY_FLAGS, "position") if c not in frame]
    if missing:
        raise InputError(
            "industry classification lacks columns " + ", ".join(missing),
            file=str(source),
            fix="give code, manufacturing, high_tech, position, chokepoint",
        )
    return frame.set_index("code")


def attach_firm_attributes(
    financials: pd.DataFrame,
    company: pd.DataFrame,
    annual_info: pd.DataFrame | None,
    industries: pd.DataFrame,
    log: DropLog,
) -> pd.DataFrame:
    """Add name, industry, province, market, ownership and industry flags to firm-years.

    Year-specific short names and industries (STK_LISTEDCOINFOANL) take
    precedence over the company file's current values. Firm-years of firms
    absent from the company file are dropped and logged.
    """
    known = financials["firm_id"].isin(company["firm_id"])
    log.record(financials[~known], stage="firms", source="panel", reason="firm not in the company file")
    out = financials[known].merge(
        company[["firm_id", "short_name", "industry", "province", "market_type", "ownership", "list_date"]],
        on="firm_id",
        how="left",
    )
    if annual_info is not None and not annual_info.empty:
        yearly = annual_info.assign(year=annual_info["period_end"].dt.year.astype("int64"))
        yearly = yearly.drop_duplicates(["firm_id", "year"], keep="last")[["firm_id", "year", "short_name", "industry"]]
        out = out.merge(yearly, on=["firm_id", "year"], how="left", suffixes=("", "_year"))
        out["short_name"] = out["short_name_year"].fillna(out["short_name"])
        out["industry"] = out["industry_year"].fillna(out["industry"])
        out = out.drop(columns=["short_name_year", "industry_year"])
    out["industry_section"] = out["industry"].str[0]
    out["industry_year"] = out["industry"] + "_" + out["year"].astype(str)
    out["province_year"] = out["province"] + "_" + out["year"].astype(str)
    out["list_year"] = out["list_date"].dt.year.astype("Int64")
    out["soe"] = out["ownership"].fillna("").str.contains(SOE_PATTERN, case=False, regex=True).astype("int8")
    flags = industries.reindex(out["industry"])
    for flag in INDUSTRY_FLAGS:
        out[flag if flag != "chokepoint" else "chokepoint_industry"] = (
            flags[flag].fillna(0).astype("int8").to_numpy()
        )
    out["upstream"] = np.where(flags["position"].to_numpy() == "upstream", 1, 0).astype("int8")
    return out.drop(columns=["list_date", "ownership"])
