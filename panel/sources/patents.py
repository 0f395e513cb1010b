"""Aggregate patent-level records to firm-year counts with DuckDB.

A patent-record file (CSV or Parquet, columns of the ``patent_records`` layout:
``patent_id, Scode, application_date, grant_date, patent_type, ipc``), a folder
of Parquet parts or a glob can hold tens of millions of rows, so it is read in
one streaming pass by an engine of :mod:`panel.engines` (DuckDB by default,
Spark beyond one machine) and never loaded into pandas; only the aggregates
come back.  Identical records (same firm, patent, type, application and grant
year, semiconductor flag) count once; the same patent under two firms counts
for each.

* ``patent_firm_year``: distinct patents applied for per firm, application
  year and type (``invention_apply``, ``utility_apply``, ``design_apply``),
  and granted per firm, grant year and type (``..._grant``); one row per
  firm-year with at least one application or grant.
* ``semiconductor_share``: per firm, the share of its distinct patents applied
  for before the cutoff year whose (first) IPC code starts with ``H01L`` or
  ``H10`` (semiconductor devices), and how many pre-cutoff patents it has.

Patent types are ``invention``, ``utility_model`` and ``design``; the Chinese
names 发明, 实用新型 and 外观设计 are accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_schemas.raw import patent_firm_year as patent_firm_year_schema
from data_schemas.raw import semiconductor_share as semiconductor_share_schema
from panel.engines import Aggregation, Engine, get_engine
from panel.engines.records import (
    Check,
    Column,
    Dialect,
    Output,
    RecordTable,
    SourceColumn,
    stock_code_sql,
    stock_codes,
)
from panel.sources.formats import OPTIONAL_FIELDS, PATENT_RECORDS
from panel.sources.validate import validate_table

SEMICONDUCTOR_IPC_PREFIXES = ("H01L", "H10")
_PATENT_TYPES = {
    "invention": ("invention", "发明", "发明专利", "发明申请", "发明授权"),
    "utility": ("utility_model", "utility model", "utility", "实用新型", "实用新型专利"),
    "design": ("design", "外观设计", "外观设计专利", "外观"),
}
_COUNT_COLUMNS = [f"{kind}_{event}" for event in ("apply", "grant") for kind in _PATENT_TYPES]
#: the integer code the engine groups a patent type by (narrower than its name), and back
_TYPE_CODES = {kind: code for code, kind in enumerate(_PATENT_TYPES, start=1)}
_TYPE_NAMES = {code: kind for kind, code in _TYPE_CODES.items()}


@dataclass(frozen=True)
class PatentAggregates:
    """What the patent records yield.

    Parameters
    ----------
    firm_year : pandas.DataFrame
        The ``patent_firm_year`` table.
    semiconductor_share : pandas.DataFrame
        The ``semiconductor_share`` table (one row per firm).
    aggregation : Aggregation, optional
        Rows read, bad rows left out and why, the engine.
    """

    firm_year: pd.DataFrame
    semiconductor_share: pd.DataFrame
    aggregation: Aggregation | None = None


def aggregate_patent_records(
    path: str | Path,
    *,
    cutoff_year: int = 2019,
    engine: Engine | None = None,
    max_bad_share: float = 0.0,
) -> PatentAggregates:
    """Count a patent-record file's applications and grants by firm and year.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8, UTF-16 or GBK/GB18030) or Parquet file of patent records,
        a folder of part files or a glob.
    cutoff_year : int
        Records applied for before this year count for the semiconductor share.
    engine : Engine, optional
        The engine that reads the records (DuckDB with a 2 GB memory limit by default).
    max_bad_share : float
        Share of bad rows (missing or malformed cells) that is tolerated: they
        are left out and reported in ``aggregation``; above it (default: any)
        the run stops.

    Returns
    -------
    PatentAggregates

    Raises
    ------
    InputError
        A missing column, too many stock codes, dates or patent types that do
        not parse, or an unreadable file; rows are file line numbers (CSV) or
        row numbers (Parquet).
    """
    engine = engine or get_engine("duckdb")
    result = engine.aggregate(PATENT_TABLE, path, params={"cutoff_year": int(cutoff_year)}, max_bad_share=max_bad_share)
    firm_year = _firm_year(result.outputs["applied"], result.outputs["granted"])
    share = result.outputs["share"]
    share = pd.DataFrame(
        {
            "firm_id": stock_codes(share["firm_id"]),
            "n_records_pre": share["n_pre"].astype("int64"),
            "semiconductor_patent_share": np.where(
                share["n_pre"] > 0, share["n_semiconductor"] / share["n_pre"].where(share["n_pre"] > 0), np.nan
            ),
        }
    )
    return PatentAggregates(
        firm_year=validate_table(firm_year, patent_firm_year_schema, {}, path),
        semiconductor_share=validate_table(share, semiconductor_share_schema, {}, path),
        aggregation=result,
    )


def _firm_year(applied: pd.DataFrame, granted: pd.DataFrame) -> pd.DataFrame:
    """Wide firm-year counts from the long (firm, year, type code) counts."""
    wide = []
    for frame, year, event, n in (
        (applied, "application_year", "apply", "n_applied"),
        (granted, "grant_year", "grant", "n_granted"),
    ):
        counts = frame.assign(
            firm_id=stock_codes(frame["firm_id"]),
            column=frame["patent_type"].astype("int64").map(_TYPE_NAMES) + f"_{event}",
            year=frame[year].astype("int64"),
        )
        wide.append(counts.pivot_table(index=["firm_id", "year"], columns="column", values=n, aggfunc="sum"))
    out = pd.concat(wide, axis=1).reindex(columns=_COUNT_COLUMNS).fillna(0.0).astype("float64")
    out = out.sort_index().reset_index()
    out.columns.name = None
    return out.astype({"firm_id": str})


def _typed_sql(sql: Dialect, cells: Mapping[str, SourceColumn | None]) -> str:
    """The typed columns of a patent record, whether each cell is missing, and the raw texts for messages.

    The patent type is typed as its code in :data:`_TYPE_CODES`: the engine
    groups every record by it, and an integer key is cheaper than a text.
    """

    def text(name: str) -> str:
        column = cells[name]
        return "CAST(NULL AS STRING)" if column is None else column.text

    def missing(name: str) -> str:
        column = cells[name]
        return "TRUE" if column is None else column.missing

    def date(name: str) -> str:
        column = cells[name]
        if column is not None and column.kind == "date":
            return f"CAST({column.sql} AS DATE)"
        return sql.to_date(text(name))

    code = cells["firm_id"]
    assert code is not None  # a required column
    kinds = {name.lower(): _TYPE_CODES[short] for short, names in _PATENT_TYPES.items() for name in names}
    prefixes = "|".join(SEMICONDUCTOR_IPC_PREFIXES)
    ipc = f"upper(replace({text('ipc')}, ' ', ''))"
    return f"""
        {text("patent_id")} AS patent_id,
        {missing("patent_id")} AS patent_missing,
        {code.missing} AS code_missing,
        {code.text} AS code_text,
        {stock_code_sql(code)} AS firm_id,
        {missing("application_date")} AS application_missing,
        {text("application_date")} AS application_text,
        year({date("application_date")}) AS application_year,
        {missing("grant_date")} AS grant_missing,
        {text("grant_date")} AS grant_text,
        year({date("grant_date")}) AS grant_year,
        {text("patent_type")} AS type_text,
        {sql.lookup(f"lower({text('patent_type')})", kinds)} AS patent_type,
        coalesce(regexp_extract({ipc}, '^({prefixes})', 1) <> '', FALSE) AS semiconductor
    """


_DATE_PROBLEM = "expected a date (YYYY-MM-DD or YYYY/MM/DD)"
_CHECKS = (
    ("patent_id", "patent_missing", "patent_id", "missing value in a required column", "fill these cells"),
    ("firm_id", "code_missing", "code_text", "missing value in a required column", "fill these cells"),
    ("firm_id", "firm_id IS NULL", "code_text", "expected a stock code of up to 6 digits", "correct these cells"),
    (
        "application_date",
        "application_missing",
        "application_text",
        "missing value in a required column",
        "fill these cells",
    ),
    ("application_date", "application_year IS NULL", "application_text", _DATE_PROBLEM, "correct these cells"),
    (
        "grant_date",
        "NOT grant_missing AND grant_year IS NULL",
        "grant_text",
        _DATE_PROBLEM,
        "correct these cells or leave them empty",
    ),
    (
        "patent_type",
        "patent_type IS NULL",
        "type_text",
        "expected one of invention, utility_model, design",
        "correct these cells",
    ),
)

#: the patent-record file and its aggregates, for any engine
PATENT_TABLE = RecordTable(
    name="patent_records",
    columns=tuple(
        Column(f.code, f.name, required=f.name not in OPTIONAL_FIELDS["patent_records"]) for f in PATENT_RECORDS.fields
    ),
    typed=_typed_sql,
    checks=tuple(
        Check(f"c{i}", next(f.code for f in PATENT_RECORDS.fields if f.name == name), cond, shown, problem, fix)
        for i, (name, cond, shown, problem, fix) in enumerate(_CHECKS)
    ),
    outputs={
        "applied": Output(keys=("firm_id", "application_year", "patent_type"), measures={"n_applied": "sum(_records)"}),
        "granted": Output(keys=("firm_id", "grant_year", "patent_type"), measures={"n_granted": "sum(_records)"}),
        "share": Output(
            keys=("firm_id",),
            measures={
                "n_pre": "sum(CASE WHEN application_year < {cutoff_year} THEN _records ELSE 0 END)",
                "n_semiconductor": (
                    "sum(CASE WHEN application_year < {cutoff_year} AND semiconductor THEN _records ELSE 0 END)"
                ),
            },
        ),
    },
    record_columns=("firm_id", "patent_id", "patent_type", "application_year", "grant_year", "semiconductor"),
    distinct_records=True,
    cell_keys=("firm_id", "patent_type", "application_year", "grant_year", "semiconductor"),
)
