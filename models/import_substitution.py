"""Import substitution at the commodity level: volatility and growth indices and their partition.

Following Naughton & Fang ("China's Self-Reliance Goal: How Much Progress?"),
for each series i (a technology group's monthly imports) over periods
t = 1..T of a window:

* volatility index ``V_i = SD(x_i) / Mean(x_i)``, the coefficient of
  variation, with the sample standard deviation (``ddof=1``) unless asked
  otherwise;
* growth index ``G_i = sum_t w_t X'_it / sum_t w_t`` with
  ``X'_it = (x_it - x_i1) / x_i1``, the growth over the window's first
  period; the sums run over all t = 1..T (the first period enters with
  ``X' = 0``).  Weights: ``"linear"`` ``w_t = t`` (recent periods weigh more;
  the default) or ``"equal"`` ``w_t = 1``.

The partition, with the thresholds as the definitions state them:

* ``stockpiling`` (stockpiling or other policy disturbance): G > 0.5 and V > 0.3;
* ``no_discernible_effect``: G > 0.5 and V <= 0.3;
* ``import_substitution``: G <= 0.5.

High growth is G > 0.5 and high volatility V > 0.3, both strict, so the
points the published wording leaves open go to the lower class: G = 0.5 is
import substitution, V = 0.3 (with G > 0.5) no discernible effect.  The
volatility bands of the published matrix are high V > 0.3, medium
0.24 <= V < 0.3, low V <= 0.23; they leave (0.23, 0.24) and 0.3 unassigned
(values were reported to two decimals), so here low is V < 0.24 and medium is
0.24 <= V <= 0.3, which keeps both stated inclusive edges and agrees with the
partition's V > 0.3.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, check_columns
from panel.sources.validate import check_unique

#: the weighting schemes of the growth index
WEIGHTS = ("linear", "equal")
GROWTH_THRESHOLD = 0.5
VOLATILITY_THRESHOLD = 0.3
#: lower edge (inclusive) of the medium volatility band
MEDIUM_VOLATILITY_FLOOR = 0.24

STOCKPILING = "stockpiling"
NO_DISCERNIBLE_EFFECT = "no_discernible_effect"
IMPORT_SUBSTITUTION = "import_substitution"
#: pattern code -> its wording in the paper
PATTERNS = {
    STOCKPILING: "stockpiling or other policy disturbance",
    NO_DISCERNIBLE_EFFECT: "no discernible effect",
    IMPORT_SUBSTITUTION: "successful import substitution",
}
#: volatility bands, highest first
BANDS = ("high", "medium", "low")
#: the cutoff year of the pre/post windows (the Entity List listing of Huawei, May 2019)
CUTOFF_YEAR = 2019

#: the index table's columns
INDEX_COLUMNS = [
    "series", "n_periods", "first_period", "last_period", "volatility", "growth", "volatility_band", "pattern",
]


def period_weights(n_periods: int, weights: str = "linear") -> np.ndarray:
    """The weights w_1..w_T of the growth index.

    Parameters
    ----------
    n_periods : int
        T.
    weights : {"linear", "equal"}
        ``w_t = t`` or ``w_t = 1``.
    """
    if weights not in WEIGHTS:
        raise InputError(f"unknown weights '{weights}'", fix="use one of: " + ", ".join(WEIGHTS))
    t = np.arange(1, n_periods + 1, dtype=float)
    return t if weights == "linear" else np.ones_like(t)


def volatility_index(values: Iterable[float], ddof: int = 1) -> float:
    """The coefficient of variation SD(x) / Mean(x).

    Parameters
    ----------
    values : iterable of float
        One series in period order (at least two values, mean above zero).
    ddof : int
        1 for the sample standard deviation (default), 0 for the population one.
    """
    x = np.asarray(list(values), dtype=float)
    return float(np.std(x, ddof=ddof) / np.mean(x))


def growth_index(values: Iterable[float], weights: str = "linear") -> float:
    """The weighted mean growth over the first period, sum w_t (x_t - x_1) / x_1 / sum w_t.

    Parameters
    ----------
    values : iterable of float
        One series in period order (first value above zero).
    weights : {"linear", "equal"}
        See :func:`period_weights`.
    """
    x = np.asarray(list(values), dtype=float)
    w = period_weights(len(x), weights)
    return float(np.sum(w * (x - x[0]) / x[0]) / np.sum(w))


def classify(growth: float, volatility: float) -> str:
    """The pattern of a series: ``stockpiling``, ``no_discernible_effect`` or ``import_substitution``."""
    if growth <= GROWTH_THRESHOLD:
        return IMPORT_SUBSTITUTION
    return STOCKPILING if volatility > VOLATILITY_THRESHOLD else NO_DISCERNIBLE_EFFECT


def volatility_band(volatility: float) -> str:
    """``high`` (V > 0.3), ``medium`` (0.24 <= V <= 0.3) or ``low`` (V < 0.24)."""
    if volatility > VOLATILITY_THRESHOLD:
        return "high"
    return "medium" if volatility >= MEDIUM_VOLATILITY_FLOOR else "low"


@dataclass(frozen=True)
class Window:
    """A span of periods the indices are computed over.

    Parameters
    ----------
    name : str
        ``whole``, ``pre_2019``, ``post_2019`` or a name of the user's.
    first, last : str, optional
        First and last month included (``"2019-01"``); open-ended when None.
    """

    name: str
    first: str | None = None
    last: str | None = None

    def contains(self, periods: pd.Series) -> pd.Series:
        """Whether each period (a datetime) lies in the window."""
        inside = pd.Series(True, index=periods.index)
        if self.first is not None:
            inside &= periods >= pd.Timestamp(self.first)
        if self.last is not None:
            inside &= periods < pd.Timestamp(self.last) + pd.offsets.MonthBegin(1)
        return inside


#: the whole period and the pre/post windows around the cutoff year
WINDOWS = (
    Window("whole"),
    Window(f"pre_{CUTOFF_YEAR}", last=f"{CUTOFF_YEAR - 1}-12"),
    Window(f"post_{CUTOFF_YEAR}", first=f"{CUTOFF_YEAR}-01"),
)


def series_indices(
    frame: pd.DataFrame,
    *,
    series: str = "series",
    period: str = "period",
    value: str = "value",
    weights: str = "linear",
    ddof: int = 1,
    file: str | Path | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """V, G, volatility band and pattern of every series of a long table.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per series and period; index = file line numbers where known
        (used in messages).
    series, period, value : str
        Column names.  Periods must sort in time order.
    weights : {"linear", "equal"}
        Weights of the growth index.
    ddof : int
        Delta degrees of freedom of the standard deviation (1: sample SD).
    file : str or Path, optional
        For messages.
    labels : mapping, optional
        Column name -> the user's name for it, for messages.

    Returns
    -------
    pandas.DataFrame
        One row per series, in order of first appearance: ``series``,
        ``n_periods``, ``first_period``, ``last_period``, ``volatility``,
        ``growth``, ``volatility_band``, ``pattern``.

    Raises
    ------
    InputError
        A missing or negative value, a series/period pair listed twice, a
        series with fewer than two periods, zero in every period, or zero in
        its first period.
    """
    period_weights(2, weights)
    _check_values(frame, series, period, value, file, dict(labels or {}))
    by_series = dict(list(frame.sort_values(period, kind="stable").groupby(series, sort=False)))
    rows = []
    for name in frame[series].drop_duplicates():
        one = by_series[name]
        x = one[value].to_numpy(dtype=float)
        _check_series(name, one, x, file)
        g = growth_index(x, weights)
        v = volatility_index(x, ddof)
        rows.append((name, len(x), one[period].iloc[0], one[period].iloc[-1], v, g, volatility_band(v), classify(g, v)))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def _check_values(
    frame: pd.DataFrame, series: str, period: str, value: str, file: str | Path | None, labels: dict[str, str]
) -> None:
    check_columns((series, period, value), frame.columns, file=file)
    if frame.empty:
        raise InputError("no data rows", file=file, fix="pass a table with at least one series")
    values = frame[value]
    if not pd.api.types.is_numeric_dtype(values.dtype):
        raise InputError("expected numbers", file=file, column=labels.get(value, value), fix="parse the column as numbers")
    for column in (series, period, value):
        missing = frame[column].isna()
        if missing.any():
            raise InputError(
                "missing value in a required column",
                file=file,
                column=labels.get(column, column),
                rows=frame.index[missing].tolist(),
                fix="fill these cells or drop the rows",
            )
    negative = values < 0
    if negative.any():
        raise InputError(
            f"expected a value of at least 0, got '{values[negative].iloc[0]:g}'",
            file=file,
            column=labels.get(value, value),
            rows=frame.index[negative].tolist(),
            fix="imports cannot be negative; correct these cells",
        )
    check_unique(frame, [series, period], labels, file)


def _check_series(name: object, one: pd.DataFrame, x: np.ndarray, file: str | Path | None) -> None:
    if len(x) < 2:
        raise InputError(
            f"series '{name}' has a single period",
            file=file,
            rows=one.index.tolist(),
            fix="the indices need at least two periods per series; drop it or add periods",
        )
    if not x.any():
        raise InputError(
            f"series '{name}' is zero in every period, so its volatility and growth are undefined",
            file=file,
            rows=one.index.tolist(),
            fix="drop the series",
        )
    if x[0] == 0:
        raise InputError(
            f"series '{name}' is zero in its first period, so its growth index is undefined",
            file=file,
            rows=one.index[:1].tolist(),
            fix="start the series at its first period with imports",
        )


def group_indices(
    monthly: pd.DataFrame,
    groups: pd.DataFrame,
    *,
    windows: Iterable[Window] = WINDOWS,
    weights: str = "linear",
    ddof: int = 1,
) -> pd.DataFrame:
    """The indices of every technology group in every window (and batch).

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``batch``, ``group``, ``period`` (month starts), ``value``, as
        :func:`panel.sources.customs.group_monthly` returns.
    groups : pandas.DataFrame
        Group attributes: ``group``, ``group_name``, ``category``, ``semiconductor``.
    windows : iterable of Window
        Whole period and pre/post 2019 by default.  Within a window, growth
        is measured over the window's first month.
    weights, ddof
        See :func:`series_indices`.

    Returns
    -------
    pandas.DataFrame
        ``batch``, ``window``, ``group``, ``group_name``, ``category``,
        ``semiconductor`` and the columns of :func:`series_indices`.
    """
    frames = []
    for window in windows:
        inside = monthly[window.contains(monthly["period"]).to_numpy()]
        if inside.empty:
            raise InputError(f"no months in the window '{window.name}'", fix="use a window within the data's months")
        for batch, one in inside.groupby("batch", sort=False):
            table = series_indices(one, series="group", period="period", value="value", weights=weights, ddof=ddof)
            frames.append(table.rename(columns={"series": "group"}).assign(batch=batch, window=window.name))
    indices = pd.concat(frames, ignore_index=True).merge(groups, on="group", how="left")
    lead = ["batch", "window", "group", "group_name", "category", "semiconductor"]
    return indices[lead + [c for c in INDEX_COLUMNS if c != "series"]]


#: category rows of the share-of-GDP table, beyond the groups' own categories
CAPITAL_AND_INTERMEDIATE = "capital_and_intermediate"


def gdp_shares(monthly: pd.DataFrame, groups: pd.DataFrame, gdp: pd.DataFrame) -> pd.DataFrame:
    """Annual imports by category as a share of GDP, with and without semiconductor groups.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``group``, ``period``, ``value`` for one batch.
    groups : pandas.DataFrame
        ``group``, ``category``, ``semiconductor``.
    gdp : pandas.DataFrame
        ``year``, ``gdp`` in the currency of the imports.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``category`` (capital, intermediate, consumption and
        capital_and_intermediate), ``semiconductors`` (``included`` or
        ``excluded``), ``imports``, ``gdp``, ``share_pct`` (100 × imports / GDP).
        Only years with all twelve months are kept (a warning names the others).

    Raises
    ------
    InputError
        If GDP is missing for a year of imports, or a group has no attributes.
    """
    data = monthly.merge(groups[["group", "category", "semiconductor"]], on="group", how="left")
    if data["category"].isna().any():
        unknown = int(data.loc[data["category"].isna(), "group"].iloc[0])
        raise InputError(f"group {unknown} has no category", fix="add it to the group list with its category")
    data = data.assign(year=data["period"].dt.year)
    months = data.groupby("year")["period"].nunique()
    partial = months.index[months < 12].tolist()
    if partial:
        warnings.warn(f"years with fewer than 12 months left out of the GDP shares: {partial}", stacklevel=2)
    data = data[~data["year"].isin(partial)]
    missing_gdp = sorted(set(data["year"]) - set(gdp["year"]))
    if missing_gdp:
        raise InputError(
            f"no GDP for {missing_gdp[0]}" + (f" and {len(missing_gdp) - 1} more years" if len(missing_gdp) > 1 else ""),
            fix="add these years to the GDP file",
        )
    pieces = []
    combined = data.assign(category=data["category"].where(data["category"] == "consumption", CAPITAL_AND_INTERMEDIATE))
    for source in (data, combined[combined["category"] == CAPITAL_AND_INTERMEDIATE]):
        without = source[~source["semiconductor"].astype(bool)]
        for label, subset in (("included", source), ("excluded", without)):
            sums = subset.groupby(["year", "category"], as_index=False)["value"].sum()
            pieces.append(sums.assign(semiconductors=label))
    table = pd.concat(pieces, ignore_index=True).rename(columns={"value": "imports"})
    table = table.merge(gdp[["year", "gdp"]], on="year", how="left")
    table["share_pct"] = 100 * table["imports"] / table["gdp"]
    order = {name: i for i, name in enumerate(["capital", "intermediate", "consumption", CAPITAL_AND_INTERMEDIATE])}
    table = table.sort_values(
        ["category", "semiconductors", "year"], key=lambda c: c.map(order) if c.name == "category" else c
    )
    return table[["year", "category", "semiconductors", "imports", "gdp", "share_pct"]].reset_index(drop=True)


def share_change(shares: pd.DataFrame, start_year: int, end_year: int) -> pd.DataFrame:
    """The change of each share of GDP between two years.

    Parameters
    ----------
    shares : pandas.DataFrame
        From :func:`gdp_shares`.
    start_year, end_year : int
        The two years compared.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``semiconductors``, ``share_start``, ``share_end`` (percent
        of GDP), ``change_pp`` (percentage points) and ``change_pct`` (relative
        change, percent).
    """
    years = set(shares["year"])
    for year in (start_year, end_year):
        if year not in years:
            raise InputError(
                f"no share of GDP for {year}",
                fix=f"choose years from {min(years)} to {max(years)} with all twelve months of imports",
            )
    keys = ["category", "semiconductors"]
    start = shares[shares["year"] == start_year].set_index(keys)["share_pct"]
    end = shares[shares["year"] == end_year].set_index(keys)["share_pct"]
    table = pd.DataFrame({"share_start": start, "share_end": end}).loc[start.index]
    table["change_pp"] = table["share_end"] - table["share_start"]
    table["change_pct"] = 100 * table["change_pp"] / table["share_start"]
    return table.reset_index()
