"""Annual consolidated financial statements merged into firm-year rows."""

from __future__ import annotations

import pandas as pd

from panel.assemble.drop_log import DropLog

_KEY = ["firm_id", "year"]


def annual_rows(frame: pd.DataFrame, table: str, log: DropLog) -> pd.DataFrame:
    """Keep the annual (period end 12-31), consolidated (Typrep A) rows of a statement.

    Parameters
    ----------
    frame : DataFrame
        A canonical statement table with ``firm_id``, ``period_end`` and, for
        financial statements, ``statement_type``.
    table : str
        Its name, for the drop log.
    log : DropLog
        Receives every row that is not kept, with the reason.

    Returns
    -------
    DataFrame
        One row per firm-year, ``period_end``/``statement_type`` replaced by ``year``.
    """
    frame = frame.assign(year=frame["period_end"].dt.year.astype("int64"))
    if "statement_type" in frame:
        parent_only = frame["statement_type"] != "A"
        log.record(frame[parent_only], stage="statements", source=table, reason="parent-only statement (Typrep B)")
        frame = frame[~parent_only]
    year_end = (frame["period_end"].dt.month == 12) & (frame["period_end"].dt.day == 31)
    interim = frame[~year_end]
    log.record(
        interim,
        stage="statements",
        source=table,
        reason="not an annual report (period end " + interim["period_end"].dt.strftime("%m-%d") + ")",
    )
    return frame[year_end].drop(columns=[c for c in ("period_end", "statement_type") if c in frame])


def merge_statements(
    balance_sheet: pd.DataFrame,
    income_statement: pd.DataFrame,
    market_value: pd.DataFrame | None,
    subsidies: pd.DataFrame | None,
    log: DropLog,
) -> pd.DataFrame:
    """Firm-year financials: the annual balance sheet, with income, market value and subsidies.

    The balance sheet defines the firm-years. Income-statement rows without a
    balance sheet are logged and dropped; market value and subsidies are
    optional and left missing where absent.

    Returns
    -------
    DataFrame
        One row per firm-year with every financial field.
    """
    spine = annual_rows(balance_sheet, "balance_sheet", log)
    income = annual_rows(income_statement, "income_statement", log)
    orphan = income.merge(spine[_KEY], on=_KEY, how="left", indicator=True)
    orphan = orphan[orphan["_merge"] == "left_only"]
    log.record(orphan, stage="statements", source="income_statement", reason="no balance sheet for this firm-year")
    out = spine.merge(income, on=_KEY, how="left")
    if market_value is not None:
        out = out.merge(annual_rows(market_value, "market_value", log), on=_KEY, how="left")
    else:
        out = out.assign(market_value=float("nan"), tobin_q=float("nan"))
    if subsidies is not None:
        out = out.merge(subsidies, on=_KEY, how="left")
    else:
        out = out.assign(subsidy=float("nan"))
    return out
