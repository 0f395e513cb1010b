"""Case firms planted in the demo: a Leaderdrive-like firm and a comparison firm left alone.

The published profile of Leaderdrive (harmonic reducers, first Little Giant batch) says
subsidies were 6 % of revenue over 2019-2022 against 3 % in 2017-2018, revenue more
than doubled and total assets more than tripled from 2019 to 2022.  The demo gives one
simulated, never-exposed manufacturing firm exactly that profile:

* revenue of year ``t`` in 2019-2022 is its 2019 revenue times ``2.2 ** ((t - 2019) / 3)``
  (every income-statement line of the year scaled alike; later years keep the 2022 scale);
* total assets likewise with ``3.4`` (every balance-sheet line and the market value scaled
  alike, so leverage and Tobin's Q keep their simulated values);
* subsidies are 3 % of the (scaled) revenue in 2017-2018 and 6 % in 2019-2022;
* it enters the first Little Giant batch (2019);
* its own invention applications rise by :data:`PATENT_EFFECT` from 2019 on (with the
  patent records to match), and nothing else: its foreign-supplier share carries no effect.

Both firms name suppliers in every year 2015-2024, so their foreign-supplier share is observed.
A second never-exposed firm of the same kind is named in the ground truth as the
non-case comparison, with no effect at all.  Both, their planted figures and their
effect paths are written to ``ground_truth.json`` under ``cases``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from panel.demo.treatment import LITTLE_GIANT
from panel.sources.formats import LAYOUTS

#: Planted profile of the Leaderdrive-like firm.
SUBSIDY_SHARE = {(2017, 2018): 0.03, (2019, 2022): 0.06}
REVENUE_MULTIPLE = 2.2
ASSET_MULTIPLE = 3.4
GROWTH_YEARS = (2019, 2022)
#: Extra own invention applications of the case firm by year (its planted effect path).
PATENT_EFFECT = {2019: 8, 2020: 12, 2021: 16, 2022: 20, 2023: 20, 2024: 20}
LISTED_SCOPE = "上市公司本身"


#: Years in which a case firm must name a supplier (so that its foreign-supplier share is observed).
NAMED_SUPPLIER_YEARS = range(2015, 2025)


def _eligible(firms: pd.DataFrame, truth: dict, suppliers: pd.DataFrame) -> list[str]:
    """Never-exposed, never-designated manufacturing firms listed by 2012, through 2024, naming suppliers 2015-2024."""
    groups = truth["groups"]
    taken = set(groups["exposed"]) | set(groups["little_giants"]) | set(groups["first_treat_year"])
    taken |= set(groups["sanctioned"]) | set(groups["huawei_suppliers"]) | set(groups["delisted"])
    keep = (
        firms["manufacturing"] & ~firms["finance"] & ~firms["soe"] & (firms["list_year"] <= 2012)
        & firms["delist_date"].isna() & ~firms["firm_id"].isin(taken)
    )
    named = suppliers[suppliers["country"].notna()].groupby("firm_id")["year"].agg(set)
    covered = {firm for firm, years in named.items() if set(NAMED_SUPPLIER_YEARS) <= years}
    return sorted(firm for firm in firms.loc[keep, "firm_id"].astype(str) if firm in covered)


def _year_factors(annual: pd.Series, multiple: float) -> dict[int, float]:
    """Scale factor per year that makes the 2019-2022 path grow by ``multiple`` (later years keep 2022's)."""
    first, last = GROWTH_YEARS
    span = last - first
    factors: dict[int, float] = {}
    for year in annual.index:
        step = min(max(year - first, 0), span)
        if year >= first:
            factors[year] = annual[first] * multiple ** (step / span) / annual[year] if year <= last else factors[last]
    return factors


def _scale(table: pd.DataFrame, firm: str, factors: dict[int, float], columns: list[str]) -> pd.DataFrame:
    table = table.copy()
    year = pd.to_datetime(table["period_end"]).dt.year
    for y, factor in factors.items():
        rows = (table["firm_id"] == firm) & (year == y)
        table.loc[rows, columns] = np.round(table.loc[rows, columns].to_numpy(float) * factor, 2)
    return table


def _annual(table: pd.DataFrame, firm: str, column: str) -> pd.Series:
    end = pd.to_datetime(table["period_end"])
    rows = (table["firm_id"] == firm) & (table["statement_type"] == "A") & (end.dt.month == 12)
    return table.loc[rows].set_index(end[rows].dt.year)[column]


def _patent_records(records: pd.DataFrame, firm: str) -> pd.DataFrame:
    own = records[records["firm_id"] == firm]
    ipc = own["ipc"].mode().iloc[0] if len(own) else "F16H49/00"
    rows = []
    for year, extra in PATENT_EFFECT.items():
        for n in range(extra):
            rows.append({
                "patent_id": f"SIMCASE{year}{firm}{n + 1:04d}", "firm_id": firm,
                "application_date": pd.Timestamp(year=year, month=1 + n % 12, day=15), "grant_date": pd.NaT,
                "patent_type": "invention", "ipc": ipc,
            })
    added = pd.DataFrame(rows).astype({c: records[c].dtype for c in records.columns})
    return pd.concat([records, added], ignore_index=True)


def plant_cases(tables: dict[str, pd.DataFrame], truth: dict, firms: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], dict]:
    """Give the first eligible firm the Leaderdrive-like profile and name the second as the non-case firm."""
    eligible = _eligible(firms, truth, tables["suppliers"])
    if len(eligible) < 2:
        return tables, truth
    case, other = eligible[0], eligible[1]
    tables = dict(tables)
    revenue = _annual(tables["income_statement"], case, "revenue")
    assets = _annual(tables["balance_sheet"], case, "total_assets")
    income_columns = [c for c in tables["income_statement"].columns if c not in ("firm_id", "period_end", "statement_type")]
    balance_columns = [c for c in tables["balance_sheet"].columns if c not in ("firm_id", "period_end", "statement_type")]
    revenue_factors = _year_factors(revenue, REVENUE_MULTIPLE)
    asset_factors = _year_factors(assets, ASSET_MULTIPLE)
    tables["income_statement"] = _scale(tables["income_statement"], case, revenue_factors, income_columns)
    tables["balance_sheet"] = _scale(tables["balance_sheet"], case, asset_factors, balance_columns)
    tables["market_value"] = _scale(tables["market_value"], case, asset_factors, ["market_value"])
    scaled_revenue = _annual(tables["income_statement"], case, "revenue")
    subsidies = tables["subsidies"].copy()
    for (first, last), share in SUBSIDY_SHARE.items():
        for year in range(first, last + 1):
            rows = (subsidies["firm_id"] == case) & (subsidies["year"] == year)
            subsidies.loc[rows, "subsidy"] = round(float(scaled_revenue[year]) * share, 2)
    tables["subsidies"] = subsidies
    designation = pd.DataFrame({"firm_id": [case], "program": [LITTLE_GIANT], "batch": [1], "year": [2019]})
    tables["designations"] = pd.concat(
        [tables["designations"], designation.astype(tables["designations"].dtypes.to_dict())], ignore_index=True)
    counts = tables["patent_counts"].copy()
    for year, extra in PATENT_EFFECT.items():
        rows = (counts["firm_id"] == case) & (counts["year"] == year)
        counts.loc[rows, "invention_apply_own"] += extra
    tables["patent_counts"] = counts
    tables["patent_records"] = _patent_records(tables["patent_records"], case)
    truth = dict(truth)
    truth["files"] = {**truth["files"], **{f"{LAYOUTS[name].file_stem}.csv": len(tables[name])
                                          for name in ("designations", "patent_records")}}
    truth["groups"] = {**truth["groups"], "little_giants": {**truth["groups"]["little_giants"], case: 2019}}
    no_effect = {str(y): 0.0 for y in PATENT_EFFECT}
    truth["cases"] = {
        "leaderdrive_like": {
            "firm_id": case, "little_giant": {"batch": 1, "year": 2019},
            "subsidy_share": {f"{a}-{b}": s for (a, b), s in SUBSIDY_SHARE.items()},
            "revenue_multiple": {"years": list(GROWTH_YEARS), "value": REVENUE_MULTIPLE},
            "asset_multiple": {"years": list(GROWTH_YEARS), "value": ASSET_MULTIPLE},
            "effect_paths": {"invention_apply": {str(y): float(e) for y, e in PATENT_EFFECT.items()},
                             "foreign_supplier_share": no_effect},
        },
        "non_case": {"firm_id": other, "effect_paths": {"invention_apply": no_effect, "foreign_supplier_share": no_effect}},
    }
    return tables, truth
