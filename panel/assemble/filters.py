"""The standard sample filters of Chinese listed-firm research, and winsorizing.

Each filter is a named rule that marks firm-years to drop; the builder logs
every dropped row with the filter's reason.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from panel.assemble.drop_log import DropLog

#: name -> (reason logged, rule returning True for firm-years to drop)
FILTERS: dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series]]] = {
    "pre_listing": ("year before the listing year", lambda p: (p["year"] < p["list_year"]).fillna(False)),
    "finance": ("financial industry (CSRC J66-J69)", lambda p: p["industry_section"].eq("J").fillna(False)),
    "st": (
        "special treatment (ST, *ST or PT in the short name)",
        lambda p: p["short_name"].str.contains(r"ST|PT", regex=True).fillna(False),
    ),
    "leverage_above_one": ("leverage above 1", lambda p: (p["leverage"] > 1).fillna(False)),
    "negative_equity": ("negative total equity", lambda p: (p["total_equity"] < 0).fillna(False)),
}


def apply_filters(panel: pd.DataFrame, names: tuple[str, ...], log: DropLog) -> pd.DataFrame:
    """Drop the firm-years each named filter marks, in order, logging each drop.

    A firm-year marked by several filters is logged under the first.
    """
    for name in names:
        reason, rule = FILTERS[name]
        drop = rule(panel).astype(bool)
        log.record(panel[drop], stage="filters", source="panel", reason=reason)
        panel = panel[~drop]
    return panel


def winsorize(panel: pd.DataFrame, columns: tuple[str, ...], limits: tuple[float, float], by_year: bool) -> pd.DataFrame:
    """Clip ``columns`` at the ``limits`` quantiles, pooled or within each year.

    Quantiles use pandas' linear interpolation over non-missing values.
    """
    out = panel.copy()
    low, high = limits
    for column in columns:
        values = out[column]
        if by_year:
            groups = values.groupby(out["year"])
            lower, upper = groups.transform(lambda v: v.quantile(low)), groups.transform(lambda v: v.quantile(high))
        else:
            lower, upper = values.quantile(low), values.quantile(high)
        out[column] = values.clip(lower=lower, upper=upper)
    return out
