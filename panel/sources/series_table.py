"""Read any long table of series (one row per series and period) for the index commands.

The user names the three columns.  Values are parsed as numbers (missing
cells stay missing, for the index functions to report); periods are ordered
as numbers when every period is a number (``1, 2, 10`` or years), otherwise as
calendar months (``YYYY-MM``, ``YYYYMM``, dates).  A monthly series that
skips a month is an error: the indices weigh periods by their position.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError, missing_column
from panel.sources.coerce import is_missing, parse_numbers, parse_text
from panel.sources.customs import parse_months
from panel.sources.tabular import read_raw


def read_series_table(path: str | Path, *, series: str, period: str, value: str) -> pd.DataFrame:
    """Read a long table of series.

    Parameters
    ----------
    path : str or Path
        CSV, XLSX, Parquet or Stata file.
    series, period, value : str
        The file's headers (case-insensitive) for the series name, the period
        and the value.

    Returns
    -------
    pandas.DataFrame
        Columns ``series`` (text), ``period`` (numbers or month starts, in
        order) and ``value`` (float), index = file line numbers.

    Raises
    ------
    InputError
        A column not in the file, a value that is not a number, a period that
        is neither a number nor a month, a missing series name or period.
    """
    raw = read_raw(path)
    by_name = {str(column).strip().lower(): column for column in raw.data.columns}
    headers = {}
    for role, header in (("series", series), ("period", period), ("value", value)):
        if header.lower() not in by_name:
            raise missing_column(header, raw.data.columns, file=raw.path, where=f"for the {role}")
        headers[role] = by_name[header.lower()]
    cells = raw.data
    names = parse_text(cells[headers["series"]])
    periods = _periods(cells[headers["period"]], headers["period"], raw.path)
    for role, column in (("series", names), ("period", periods)):
        if column.isna().any():
            raise InputError(
                "missing value in a required column",
                file=raw.path,
                column=headers[role],
                rows=column.index[column.isna()].tolist(),
                fix="fill these cells or drop the rows",
            )
    values = parse_numbers(cells[headers["value"]], headers["value"], raw.path)
    table = pd.DataFrame({"series": names, "period": periods, "value": values}, index=cells.index)
    if pd.api.types.is_datetime64_any_dtype(periods.dtype):
        _check_no_month_gaps(table, headers["period"], raw.path)
    return table


def _check_no_month_gaps(table: pd.DataFrame, column: str, file: Path) -> None:
    """Raise if a monthly series skips a month: the indices weigh periods by position, a gap would shift them."""
    for name, rows in table.groupby("series", sort=False):
        months = pd.PeriodIndex(rows["period"].drop_duplicates().sort_values(), freq="M")
        expected = pd.period_range(months.min(), months.max(), freq="M")
        missing = expected.difference(months)
        if len(missing):
            shown = ", ".join(str(m) for m in missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            raise InputError(f"series '{name}' has no row for {len(missing)} month(s) between {months.min()} and "
                             f"{months.max()}: {shown}", file=file, column=column,
                             fix="add the missing months (value 0 if nothing was imported) or leave the series out")


def _periods(raw: pd.Series, column: str, file: Path) -> pd.Series:
    """Numbers when every period is one (whole numbers as integers), else calendar months.

    Numeric ``YYYYMM`` months order correctly as numbers.
    """
    present = raw[~raw.map(is_missing).astype(bool)]
    numeric = pd.to_numeric(present.map(lambda v: str(v).strip()), errors="coerce")
    if present.empty or numeric.isna().any():
        return parse_months(raw, column, file)
    numbers = parse_numbers(raw, column, file)
    whole = numbers.dropna()
    return numbers.astype("Int64") if (whole == whole.round()).all() else numbers
