"""Aggregate patent-level records to firm-year counts with DuckDB.

A patent-record file (CSV or Parquet, columns of the ``patent_records`` layout:
``patent_id, Scode, application_date, grant_date, patent_type, ipc``) can hold
tens of millions of rows, so it is scanned by DuckDB and never loaded into
pandas; only the aggregates come back.

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

import codecs
import difflib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from data_schemas.raw import patent_firm_year as patent_firm_year_schema
from data_schemas.raw import semiconductor_share as semiconductor_share_schema
from panel.sources.encoding import detect_encoding, is_binary
from panel.sources.formats import OPTIONAL_FIELDS, PATENT_RECORDS
from panel.sources.validate import validate_table

SEMICONDUCTOR_IPC_PREFIXES = ("H01L", "H10")
_PATENT_TYPES = {
    "invention": ("invention", "发明", "发明专利", "发明申请", "发明授权"),
    "utility": ("utility_model", "utility model", "utility", "实用新型", "实用新型专利"),
    "design": ("design", "外观设计", "外观设计专利", "外观"),
}
_MISSING_SQL = "('', 'na', 'n/a', 'nan', 'null', 'none', '-', '--')"
_SAMPLE_BYTES = 1 << 20


@dataclass(frozen=True)
class PatentAggregates:
    """What the patent records yield.

    Parameters
    ----------
    firm_year : pandas.DataFrame
        The ``patent_firm_year`` table.
    semiconductor_share : pandas.DataFrame
        The ``semiconductor_share`` table (one row per firm).
    """

    firm_year: pd.DataFrame
    semiconductor_share: pd.DataFrame


def aggregate_patent_records(path: str | Path, *, cutoff_year: int = 2019) -> PatentAggregates:
    """Count a patent-record file's applications and grants by firm and year.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8, UTF-16 or GBK/GB18030) or Parquet file of patent records.
    cutoff_year : int
        Records applied for before this year count for the semiconductor share.

    Returns
    -------
    PatentAggregates

    Raises
    ------
    InputError
        A missing column, a stock code, date or patent type that does not
        parse, or an unreadable file; rows are file line numbers (CSV) or
        row numbers (Parquet).
    """
    import duckdb

    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=path, fix="check the path")
    with tempfile.TemporaryDirectory() as scratch, duckdb.connect() as con, _ctrl_c_interrupts():
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET temp_directory = '{_quote(Path(scratch))}'")
        source, first_line = _source_sql(path, Path(scratch))
        try:
            columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        except duckdb.Error:
            raise InputError(
                "not a readable CSV/Parquet file", file=path, fix="re-export the records as CSV or Parquet"
            ) from None
        con.execute(f"CREATE TEMP TABLE records AS {_typed_sql(source, _match_columns(columns, path))}")
        _check_records(con, source, path, first_line)
        firm_year = con.execute(_FIRM_YEAR_SQL).df()
        share = con.execute(_SHARE_SQL, [cutoff_year]).df()
    firm_year = firm_year.astype({"year": "int64"} | {c: "float64" for c in firm_year.columns[2:]})
    share = share.astype({"n_records_pre": "int64", "semiconductor_patent_share": "float64"})
    return PatentAggregates(
        firm_year=validate_table(firm_year, patent_firm_year_schema, {}, path),
        semiconductor_share=validate_table(share, semiconductor_share_schema, {}, path),
    )


@contextmanager
def _ctrl_c_interrupts() -> Iterator[None]:
    """Turn DuckDB's "Query interrupted" (its answer to Ctrl-C) back into :class:`KeyboardInterrupt`."""
    import duckdb

    try:
        yield
    except (duckdb.InterruptException, RuntimeError) as exc:
        if isinstance(exc, duckdb.InterruptException) or str(exc).startswith("Query interrupted"):
            raise KeyboardInterrupt from None
        raise


def _source_sql(path: Path, scratch: Path) -> tuple[str, int]:
    """DuckDB table function reading ``path``, and the line number of its first record."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    if sample.startswith(b"PAR1") or path.suffix.lower() == ".parquet":
        return f"read_parquet('{_quote(path)}')", 1
    if not sample.strip() or is_binary(sample):
        raise InputError(
            "the file is empty" if not sample.strip() else "not a readable CSV/Parquet file",
            file=path,
            fix="re-export the records as CSV or Parquet",
        )
    codec = detect_encoding(sample, path)
    if codec not in ("utf-8", "utf-8-sig"):
        path = _transcode(path, codec, scratch / "records.csv")
    return f"read_csv('{_quote(path)}', header = true, all_varchar = true)", 2


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _transcode(path: Path, codec: str, target: Path) -> Path:
    """Stream a non-UTF-8 text file into a UTF-8 copy (DuckDB reads UTF-8 only)."""
    try:
        with codecs.open(path, "r", encoding=codec) as src, target.open("w", encoding="utf-8") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except UnicodeDecodeError:
        raise InputError(
            f"unreadable text encoding (invalid {codec} bytes)",
            file=path,
            fix="save the file as CSV UTF-8",
        ) from None
    return target


def _match_columns(columns: list[str], path: Path) -> dict[str, str | None]:
    """Canonical name -> the file's column (``None`` for an absent optional one)."""
    by_code = {c.lower(): c for c in columns}
    optional = OPTIONAL_FIELDS["patent_records"]
    matched: dict[str, str | None] = {}
    for field in PATENT_RECORDS.fields:
        column = by_code.get(field.code.lower())
        if column is None and field.name not in optional:
            close = difflib.get_close_matches(field.code.lower(), list(by_code), n=1, cutoff=0.6)
            raise InputError(
                "required column not found" + (f" (closest: '{by_code[close[0]]}')" if close else ""),
                file=path,
                column=field.code,
                fix=f"rename '{by_code[close[0]]}' to '{field.code}'" if close else f"add the column {field.code}",
            )
        matched[field.name] = column
    return matched


def _text(column: str | None) -> str:
    """SQL for a trimmed text cell, NULL when missing."""
    if column is None:
        return "CAST(NULL AS VARCHAR)"
    value = f'trim(CAST("{column}" AS VARCHAR))'
    return f"CASE WHEN lower({value}) IN {_MISSING_SQL} THEN NULL ELSE {value} END"


def _date(text: str) -> str:
    return f"coalesce(try_cast({text} AS DATE), CAST(try_strptime({text}, '%Y%m%d') AS DATE))"


def _typed_sql(source: str, columns: dict[str, str | None]) -> str:
    code, kind = _text(columns["firm_id"]), _text(columns["patent_type"])
    kinds = " ".join(
        f"WHEN lower({kind}) IN ({', '.join(repr(v) for v in names)}) THEN '{short}'"
        for short, names in _PATENT_TYPES.items()
    )
    prefixes = " OR ".join(f"starts_with(ipc_text, '{p}')" for p in SEMICONDUCTOR_IPC_PREFIXES)
    return f"""
        SELECT *, {prefixes} AS semiconductor
        FROM (
            SELECT
                {_text(columns["patent_id"])} AS patent_id,
                {code} AS code_text,
                CASE WHEN regexp_full_match({code}, '\\d{{1,6}}(\\.0+)?')
                     THEN lpad(regexp_extract({code}, '^\\d+'), 6, '0') END AS firm_id,
                {_text(columns["application_date"])} AS application_text,
                {_date(_text(columns["application_date"]))} AS application_date,
                {_text(columns["grant_date"])} AS grant_text,
                {_date(_text(columns["grant_date"]))} AS grant_date,
                {kind} AS type_text,
                CASE {kinds} END AS patent_type,
                upper(replace(coalesce({_text(columns["ipc"])}, ''), ' ', '')) AS ipc_text
            FROM {source}
        )
    """


#: (canonical column, SQL condition of a bad row, problem, fix)
_CHECKS = (
    ("patent_id", "patent_id IS NULL", "missing value in a required column", "fill these cells"),
    ("firm_id", "code_text IS NULL", "missing value in a required column", "fill these cells"),
    ("firm_id", "firm_id IS NULL", "expected a stock code of up to 6 digits", "correct these cells"),
    ("application_date", "application_text IS NULL", "missing value in a required column", "fill these cells"),
    (
        "application_date",
        "application_date IS NULL",
        "expected a date (YYYY-MM-DD or YYYY/MM/DD)",
        "correct these cells",
    ),
    (
        "grant_date",
        "grant_text IS NOT NULL AND grant_date IS NULL",
        "expected a date (YYYY-MM-DD or YYYY/MM/DD)",
        "correct these cells or leave them empty",
    ),
    (
        "patent_type",
        "patent_type IS NULL",
        "expected one of invention, utility_model, design",
        "correct these cells",
    ),
)
_SHOWN_CELL = {
    "patent_id": "patent_id",
    "firm_id": "code_text",
    "application_date": "application_text",
    "grant_date": "grant_text",
    "patent_type": "type_text",
}


def _check_records(con, source: str, path: Path, first_line: int) -> None:
    """Raise on the first failed check, with the line numbers of up to a few bad rows."""
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {cond})" for _, cond, _, _ in _CHECKS) + " FROM records"
    ).fetchone()
    for (name, condition, problem, fix), n_bad in zip(_CHECKS, counts):
        if not n_bad:
            continue
        cell = _SHOWN_CELL[name]
        bad = con.execute(
            f"SELECT line, {cell} FROM (SELECT row_number() OVER () + {first_line - 1} AS line, * FROM records) "
            f"WHERE {condition} ORDER BY line LIMIT 5"
        ).fetchall()
        example = "" if bad[0][1] is None else f", got '{bad[0][1]}'"
        raise InputError(
            problem + (example if "expected" in problem else ""),
            file=path,
            column=next(f.code for f in PATENT_RECORDS.fields if f.name == name),
            rows=[line for line, _ in bad],
            fix=fix,
        )


_FIRM_YEAR_SQL = """
    WITH applied AS (
        SELECT firm_id, year(application_date) AS year,
               count(DISTINCT patent_id) FILTER (WHERE patent_type = 'invention') AS invention_apply,
               count(DISTINCT patent_id) FILTER (WHERE patent_type = 'utility') AS utility_apply,
               count(DISTINCT patent_id) FILTER (WHERE patent_type = 'design') AS design_apply
        FROM records GROUP BY ALL
    ), granted AS (
        SELECT firm_id, year(grant_date) AS year,
               count(DISTINCT patent_id) FILTER (WHERE patent_type = 'invention') AS invention_grant,
               count(DISTINCT patent_id) FILTER (WHERE patent_type = 'utility') AS utility_grant,
               count(DISTINCT patent_id) FILTER (WHERE patent_type = 'design') AS design_grant
        FROM records WHERE grant_date IS NOT NULL GROUP BY ALL
    )
    SELECT firm_id, year,
           coalesce(invention_apply, 0) AS invention_apply,
           coalesce(utility_apply, 0) AS utility_apply,
           coalesce(design_apply, 0) AS design_apply,
           coalesce(invention_grant, 0) AS invention_grant,
           coalesce(utility_grant, 0) AS utility_grant,
           coalesce(design_grant, 0) AS design_grant
    FROM applied FULL OUTER JOIN granted USING (firm_id, year)
    ORDER BY firm_id, year
"""

_SHARE_SQL = """
    SELECT firm_id,
           count(DISTINCT patent_id) FILTER (WHERE year(application_date) < $1) AS n_records_pre,
           count(DISTINCT patent_id) FILTER (WHERE year(application_date) < $1 AND semiconductor)
             / nullif(count(DISTINCT patent_id) FILTER (WHERE year(application_date) < $1), 0)
             AS semiconductor_patent_share
    FROM records GROUP BY firm_id ORDER BY firm_id
"""
