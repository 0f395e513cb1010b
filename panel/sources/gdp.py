"""Read an annual GDP series (for imports as a share of GDP).

The file (CSV/XLSX) has a year column and a GDP column, by default named
``year`` and ``gdp`` (case-insensitive), with GDP in the currency of the
import values: US dollars for both customs layouts.  Other columns are
ignored.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_schemas.customs import gdp as GDP_SCHEMA
from data_schemas.errors import InputError
from panel.sources.coerce import parse_numbers
from panel.sources.tabular import read_raw
from panel.sources.validate import type_and_validate


def read_gdp(path: str | Path, *, year_column: str = "year", gdp_column: str = "gdp") -> pd.DataFrame:
    """Read annual GDP.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX file.
    year_column, gdp_column : str
        The file's headers for the year and the GDP value.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (int) and ``gdp`` (float, US dollars), one row per year.

    Raises
    ------
    InputError
        A missing column, a missing or non-positive GDP, a year listed twice.
    """
    raw = read_raw(path)
    by_name = {str(column).strip().lower(): column for column in raw.data.columns}
    labels = {}
    for name, header in (("year", year_column), ("gdp", gdp_column)):
        if header.lower() not in by_name:
            raise InputError(
                "required column not found",
                file=raw.path,
                column=header,
                fix=f"name the {name} column '{header}' or pass its header",
            )
        labels[name] = by_name[header.lower()]
    cells = raw.data[[labels["year"], labels["gdp"]]]
    cells.columns = ["year", "gdp"]
    values = parse_numbers(cells["gdp"], labels["gdp"], raw.path)
    not_positive = values <= 0
    if not_positive.any():
        raise InputError(
            f"expected GDP above 0, got '{cells['gdp'][not_positive].iloc[0]}'",
            file=raw.path,
            column=labels["gdp"],
            rows=cells.index[not_positive].tolist(),
            fix="correct these cells",
        )
    return type_and_validate(cells, GDP_SCHEMA, labels, raw.path, excel=raw.kind == "xlsx")
