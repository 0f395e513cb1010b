"""Read any canonical table from a user file with an explicit column mapping.

For data that does not come in a vendor layout (a Stata file from a colleague,
a Parquet extract, an Excel sheet with English headers): name, for each
canonical column, the column of the file that holds it.  Parsing, validation
and messages are those of the vendor adapter.

Examples
--------
>>> subsidies = read_mapped(  # doctest: +SKIP
...     "grants.dta", "subsidies", {"firm_id": "code", "year": "fyear", "subsidy": "govgrant"}
... )
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from data_schemas.errors import check_choice, missing_column
from data_schemas.raw import RAW_SCHEMAS
from panel.sources.formats import LAYOUTS, OPTIONAL_FIELDS
from panel.sources.tabular import read_raw
from panel.sources.validate import type_and_validate


def read_mapped(path: str | Path, table: str, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Read ``path`` as canonical ``table`` using ``mapping``.

    Parameters
    ----------
    path : str or Path
        CSV, XLSX, Parquet or Stata ``.dta`` file (header in the first row).
    table : str
        Canonical table name, a key of :data:`data_schemas.raw.RAW_SCHEMAS`.
    mapping : mapping of str to str
        Canonical column name -> the file's column name (matched
        case-insensitively).  Canonical columns left out are read under their
        canonical name when the file has such a column.

    Returns
    -------
    pandas.DataFrame
        The canonical table, validated (derived columns such as supplier
        flags are not added here).

    Raises
    ------
    InputError
        An unknown table or canonical name, a column missing from the file,
        or any cell or check problem.
    """
    schema = mapped_schema(table)
    for name in mapping:
        check_choice(name, schema.columns, what=f"{table} column", where="in the column mapping", file=path)
    raw = read_raw(path)
    by_name = {str(column).lower(): column for column in raw.data.columns}
    sources = {name: mapping.get(name, name) for name in schema.columns}
    optional = OPTIONAL_FIELDS.get(table, frozenset())
    for name, source in sources.items():
        if source.lower() in by_name or (name in optional and name not in mapping):
            continue
        raise missing_column(source, raw.data.columns, file=raw.path, where=f"for {name}")
    found = {name: by_name[source.lower()] for name, source in sources.items() if source.lower() in by_name}
    cells = raw.data[list(found.values())]
    cells.columns = list(found)
    return type_and_validate(cells, schema, found, raw.path, excel=raw.kind == "xlsx")


def mapped_schema(table: str) -> pa.DataFrameSchema:
    """The schema columns a file can supply for ``table`` (derived ones excluded)."""
    check_choice(table, RAW_SCHEMAS, what="table")
    layout = LAYOUTS.get(table)
    schema = RAW_SCHEMAS[table]
    if layout is None:
        return schema
    return schema.select_columns([field.name for field in layout.fields])
