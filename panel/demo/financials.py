"""Simulated statements (FS_Combas, FS_Comins), market value (FI_T10) and subsidies.

Data-generating process (annual consolidated rows, listed years only)
---------------------------------------------------------------------
* ``size = ln(total_assets)``: the firm's ``size_base`` plus a firm growth
  rate N(0.08, 0.04) per year since its first panel year plus N(0, 0.08).
* ``leverage = total_liabilities / total_assets``: firm level Beta(4, 5)
  plus N(0, 0.04), clipped to [0.02, 0.98] (banks and insurers about 0.9);
  in a share ``leverage_above_one_share`` of firm-years leverage is 1.02–1.5,
  so equity is negative.  ``total_equity = total_assets - total_liabilities``.
* ROA (the builder's ``net_profit / total_assets``)::

      roa_it = a_i + g_t + b1·ln(1+inv_it) + b2·ln(1+inv_it)·post_t
               + b3·ln(1+inv_it)·post_t·exposed_i + c_size·(size_it - 22)
               + c_lev·leverage_it + soe·SOE_i + st·ST_it + e_it

  with ``inv_it`` the CNRDS invention applications of the listed firm,
  ``a_i ~ N(0.03, roa_firm_sd)``, ``e_it ~ N(0, roa_noise_sd)``; size and
  leverage are the values the builder computes from the written statements.
  ``net_profit = roa · total_assets`` rounded to the fen, so the builder's
  ratio reproduces ``roa_it`` to about 1e-12.  A share ``roa_outlier_share``
  of firm-years replaces ROA by an extreme value (±0.4 to ±1.0).
* Revenue = total assets × a firm turnover (lognormal around 0.6) with
  noise; operating cost from a firm gross margin; operating profit
  = 1.15 × net profit + noise; cash and current assets as shares of assets.
* R&D expense (B001216000) = revenue × a firm intensity (about 5 % in
  high-tech divisions, 1.2 % elsewhere); the line item starts in 2018, so it
  is missing before 2018 for ``rd_missing_before_line_item`` of the firms,
  and for 3 % of later firm-years; banks and insurers never report it.
* Tobin's Q (F100901A, market value / total assets): firm level around 2
  (higher in high-tech) times market-wide year effects and noise, rounded to
  four decimals; ``market_value = Q · total_assets``.  A share
  ``tobin_q_outlier_share`` is 30–120; 2 % of firm-years miss both values,
  1 % only Q.
* Subsidies = revenue × a firm ratio (about 0.8 %, doubled in high-tech)
  with noise; 8 % zero, 3 % missing.
* Besides the annual consolidated rows (``Typrep`` A, ``Accper`` 12-31) the
  statements have parent-only rows (B), half-year rows (06-30, 60 % of
  firm-years) and opening-balance rows (01-01, 15 %); FI_T10 has 06-30 rows
  too.  The builder must keep only A/12-31.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from panel.demo.params import FIRST_YEAR, RD_LINE_ITEM_YEAR, DemoParams

HALF_YEAR_SHARE = 0.60
OPENING_ROW_SHARE = 0.15
LATER_RD_MISSING_SHARE = 0.03
Q_BOTH_MISSING_SHARE = 0.02
Q_ONLY_MISSING_SHARE = 0.01
SUBSIDY_ZERO_SHARE = 0.08
SUBSIDY_MISSING_SHARE = 0.03
NET_TO_OPERATING = 1.15
#: market-wide log Tobin's Q year effects, FIRST_YEAR..LAST_YEAR
Q_YEAR_EFFECTS = (0.1, -0.1, -0.2, 0.0, 0.15, 0.45, 0.25, 0.1, -0.3, -0.1, 0.1, 0.15, -0.1, -0.15, -0.2)
BALANCE_COLUMNS = ("cash", "current_assets", "total_assets", "total_liabilities", "total_equity")
INCOME_COLUMNS = ("revenue", "operating_cost", "rd_expense", "operating_profit", "net_profit")


@dataclass(frozen=True)
class Financials:
    """The simulated financial tables and the firm-years given planted oddities.

    Attributes
    ----------
    balance_sheet, income_statement, market_value, subsidies : DataFrame
        Canonical tables.
    planted : dict of str to list of [firm_id, year]
        ``roa_outliers``, ``tobin_q_outliers``, ``leverage_above_one``,
        ``tobin_q_missing`` firm-years.
    """

    balance_sheet: pd.DataFrame
    income_statement: pd.DataFrame
    market_value: pd.DataFrame
    subsidies: pd.DataFrame
    planted: dict[str, list[list]]


def _fen(values: np.ndarray) -> np.ndarray:
    """Round money to the fen (0.01 yuan)."""
    return np.round(values, 2)


def simulate_financials(
    rng: np.random.Generator,
    firms: pd.DataFrame,
    firm_years: pd.DataFrame,
    invention_apply: np.ndarray,
    exposed: np.ndarray,
    st: np.ndarray,
    params: DemoParams,
) -> Financials:
    """Draw the financial tables of the listed firm-years.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream of this step.
    firms, firm_years : DataFrame
        Firm universe and listed firm-years (``fi`` column).
    invention_apply : ndarray
        Invention applications of the listed firm per firm-year (CNRDS
        上市公司本身, own + joint).
    exposed : ndarray of bool
        Per firm, the builder's ``exposed``.
    st : ndarray of bool
        Per firm-year, ST/*ST status.
    params : DemoParams
        Planted parameters.
    """
    n_firms, n = len(firms), len(firm_years)
    fi = firm_years["fi"].to_numpy()
    year = firm_years["year"].to_numpy()
    finance = firms["finance"].to_numpy()
    high_tech = firms["high_tech"].to_numpy()

    first_year = np.maximum(firms["list_year"].to_numpy(), FIRST_YEAR)
    growth = rng.normal(0.08, 0.04, size=n_firms)
    size = firms["size_base"].to_numpy()[fi] + growth[fi] * (year - first_year[fi]) + rng.normal(0, 0.08, n)
    total_assets = _fen(np.exp(size))
    firm_leverage = np.where(finance, rng.uniform(0.85, 0.93, n_firms), rng.beta(4.0, 5.0, n_firms))
    leverage = np.clip(firm_leverage[fi] + rng.normal(0, 0.04, n), 0.02, 0.98)
    above_one = (rng.random(n) < params.leverage_above_one_share) & ~finance[fi]
    leverage = np.where(above_one, rng.uniform(1.02, 1.5, n), leverage)
    total_liabilities = _fen(leverage * total_assets)
    total_equity = _fen(total_assets - total_liabilities)

    year_effect = np.asarray(params.roa_year_effects)[year - FIRST_YEAR]
    ln_inv = np.log1p(invention_apply)
    post = year >= params.cutoff_year
    firm_roa = np.where(finance, rng.normal(0.01, 0.005, n_firms), rng.normal(0.03, params.roa_firm_sd, n_firms))
    roa = (
        firm_roa[fi]
        + year_effect
        + params.roa_b1 * ln_inv
        + params.roa_b2 * ln_inv * post
        + params.roa_b3 * ln_inv * post * exposed[fi]
        + params.roa_size * (np.log(total_assets) - 22.0)
        + params.roa_leverage * (total_liabilities / total_assets)
        + params.roa_soe * firms["soe"].to_numpy()[fi]
        + params.roa_st * st
        + rng.normal(0, params.roa_noise_sd, n)
    )
    outlier = rng.random(n) < params.roa_outlier_share
    sign = np.where(rng.random(n) < 0.7, -1.0, 1.0)
    roa = np.where(outlier, sign * rng.uniform(0.4, 1.0, n), roa)
    net_profit = _fen(roa * total_assets)

    turnover = np.where(finance, 0.05, rng.lognormal(np.log(0.6), 0.4, n_firms))
    revenue = _fen(total_assets * turnover[fi] * np.exp(rng.normal(0, 0.1, n)))
    gross_margin = rng.uniform(0.1, 0.5, n_firms)
    operating_cost = _fen(revenue * (1 - gross_margin[fi] + rng.normal(0, 0.02, n)))
    operating_profit = _fen(NET_TO_OPERATING * net_profit + revenue * rng.normal(0, 0.01, n))
    intensity = np.where(high_tech, rng.lognormal(np.log(0.05), 0.5, n_firms), rng.lognormal(np.log(0.012), 0.6, n_firms))
    rd_expense = _fen(revenue * intensity[fi] * np.exp(rng.normal(0, 0.15, n)))
    early_missing = rng.random(n_firms) < params.rd_missing_before_line_item
    rd_missing = finance[fi] | np.where(
        year < RD_LINE_ITEM_YEAR, early_missing[fi], rng.random(n) < LATER_RD_MISSING_SHARE
    )
    rd_expense = np.where(rd_missing, np.nan, rd_expense)
    cash = _fen(total_assets * rng.uniform(0.03, 0.25, n))
    current_assets = np.maximum(_fen(total_assets * rng.uniform(0.3, 0.75, n)), cash)

    firm_q = np.where(finance, rng.normal(np.log(1.05), 0.05, n_firms), rng.normal(np.log(2.0), 0.45, n_firms) + 0.2 * high_tech)
    tobin_q = np.round(np.exp(firm_q[fi] + np.asarray(Q_YEAR_EFFECTS)[year - FIRST_YEAR] + rng.normal(0, 0.15, n)), 4)
    q_outlier = rng.random(n) < params.tobin_q_outlier_share
    tobin_q = np.where(q_outlier, np.round(rng.uniform(30.0, 120.0, n), 4), tobin_q)
    market_value = _fen(tobin_q * total_assets)
    draw = rng.random(n)
    market_value = np.where(draw < Q_BOTH_MISSING_SHARE, np.nan, market_value)
    q_missing = draw < Q_BOTH_MISSING_SHARE + Q_ONLY_MISSING_SHARE
    tobin_q = np.where(q_missing, np.nan, tobin_q)

    subsidy_ratio = rng.lognormal(np.log(0.008), 0.7, n_firms) * np.where(high_tech, 2.0, 1.0)
    subsidy = _fen(revenue * subsidy_ratio[fi] * np.exp(rng.normal(0, 0.5, n)))
    draw = rng.random(n)
    subsidy = np.where(draw < SUBSIDY_ZERO_SHARE, 0.0, subsidy)
    subsidy = np.where(draw > 1 - SUBSIDY_MISSING_SHARE, np.nan, subsidy)

    annual = pd.DataFrame(
        {
            "firm_id": firm_years["firm_id"].to_numpy(),
            "year": year,
            "cash": cash,
            "current_assets": current_assets,
            "total_assets": total_assets,
            "total_liabilities": total_liabilities,
            "total_equity": total_equity,
            "revenue": revenue,
            "operating_cost": operating_cost,
            "rd_expense": rd_expense,
            "operating_profit": operating_profit,
            "net_profit": net_profit,
            "market_value": market_value,
            "tobin_q": tobin_q,
        }
    )
    statements = _with_extra_rows(rng, annual, fi, n_firms)
    ids = firm_years["firm_id"].to_numpy()

    def firm_year_list(mask: np.ndarray) -> list[list]:
        return [[firm_id, int(y)] for firm_id, y in zip(ids[mask], year[mask])]

    return Financials(
        balance_sheet=statements[["firm_id", "period_end", "statement_type", *BALANCE_COLUMNS]].reset_index(drop=True),
        income_statement=statements[["firm_id", "period_end", "statement_type", *INCOME_COLUMNS]].reset_index(drop=True),
        market_value=_market_value_rows(statements),
        subsidies=pd.DataFrame({"firm_id": ids, "year": year.astype("int64"), "subsidy": subsidy}),
        planted={
            "roa_outliers": firm_year_list(outlier),
            "tobin_q_outliers": firm_year_list(q_outlier & ~q_missing),
            "leverage_above_one": firm_year_list(above_one),
            "tobin_q_missing": firm_year_list(q_missing),
        },
    )


def _with_extra_rows(rng: np.random.Generator, annual: pd.DataFrame, fi: np.ndarray, n_firms: int) -> pd.DataFrame:
    """Annual A rows plus parent-only (B), half-year (06-30) and opening (01-01) rows.

    Returns
    -------
    DataFrame
        ``firm_id, period_end, statement_type`` and all money columns,
        sorted by firm, period end and statement type.
    """
    n = len(annual)
    money = [*BALANCE_COLUMNS, *INCOME_COLUMNS, "market_value"]
    flows = list(INCOME_COLUMNS)
    half = rng.random(n) < HALF_YEAR_SHARE
    opening = rng.random(n) < OPENING_ROW_SHARE
    variants = [
        (np.ones(n, dtype=bool), "12-31", 1.0, 0.0),
        (half, "06-30", 0.48, 0.05),
        (opening, "01-01", 1.0, 0.03),
    ]
    parent_factor = rng.uniform(0.35, 0.9, n_firms)[fi]
    frames = []
    for keep, month_day, flow_scale, noise in variants:
        rows = annual.loc[keep].copy()
        for column in money:
            scale = flow_scale if column in flows else 1.0
            rows[column] = _fen(rows[column].to_numpy() * scale * np.exp(rng.normal(0, noise, len(rows))))
        for statement_type in ("A", "B"):
            part = rows.copy()
            if statement_type == "B":
                factor = parent_factor[keep]
                for column in money:
                    part[column] = _fen(part[column].to_numpy() * factor * np.exp(rng.normal(0, 0.1, len(part))))
            part["total_equity"] = _fen(part["total_assets"] - part["total_liabilities"])
            if month_day != "12-31" or statement_type == "B":
                part["tobin_q"] = np.round(part["market_value"] / part["total_assets"], 4)
            part["period_end"] = pd.to_datetime(part["year"].astype(str) + f"-{month_day}").astype("datetime64[ns]")
            part["statement_type"] = statement_type
            part["_fi"] = fi[keep]
            frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["_fi", "period_end", "statement_type"], kind="stable", ignore_index=True)


def _market_value_rows(statements: pd.DataFrame) -> pd.DataFrame:
    """FI_T10 rows: market value and Tobin's Q at each consolidated 12-31 and 06-30 date."""
    month = statements["period_end"].dt.month
    rows = statements[(statements["statement_type"] == "A") & month.isin([6, 12])]
    return rows[["firm_id", "period_end", "market_value", "tobin_q"]].reset_index(drop=True)
