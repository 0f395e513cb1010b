"""The DuckDB engine: one streaming pass over the files as they are, within a memory limit.

DuckDB reads CSV and Parquet parts in place (no copy into a table), runs the
record table's single aggregate query with a memory limit and spills what
does not fit (hash tables of the aggregate) to a scratch folder, which is
removed when the run ends, fails or is interrupted (Ctrl-C).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from panel.engines.compress import CompressedData, compression_sql
from panel.engines.inputs import RecordInput, column_key, resolve_input
from panel.engines.records import (
    LINES_SHOWN,
    Aggregation,
    BadRows,
    Check,
    RecordTable,
    check_share,
    enforce_bad_share,
)

_DATE_TYPES = ("DATE", "TIMESTAMP")
_NUMBER_KINDS = {
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "HUGEINT": "integer",
    "UTINYINT": "integer",
    "USMALLINT": "integer",
    "UINTEGER": "integer",
    "UBIGINT": "integer",
    "FLOAT": "float",
    "DOUBLE": "float",
    "DECIMAL": "float",
}


class DuckDBEngine:
    """Aggregate record files with DuckDB on this machine.

    Parameters
    ----------
    memory_limit : str
        DuckDB's memory limit (``"2GB"``, ``"500MB"``); what exceeds it spills to disk.
    threads : int, optional
        Worker threads (DuckDB's default: all cores).
    scratch_root : str or Path, optional
        Where the scratch folder (spill files, transcoded CSV) is made; the
        system temporary folder by default.
    """

    name = "duckdb"

    def __init__(
        self, *, memory_limit: str = "2GB", threads: int | None = None, scratch_root: str | Path | None = None
    ) -> None:
        self.memory_limit = memory_limit
        self.threads = threads
        self.scratch_root = None if scratch_root is None else Path(scratch_root)

    # -- dialect -------------------------------------------------------------------------------
    def lookup(self, key: str, mapping: Mapping[str, str | int]) -> str:
        pairs = ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in mapping.items())
        return f"MAP {{{pairs}}}[{key}]"

    def to_date(self, text: str) -> str:
        return f"coalesce(try_cast({text} AS DATE), CAST(try_strptime({text}, '%Y%m%d') AS DATE))"

    def to_double(self, text: str) -> str:
        return f"try_cast({text} AS DOUBLE)"

    def grouping_id(self, columns: list[str]) -> str:
        return f"GROUPING({', '.join(columns)})"

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def trim(self, text: str) -> str:
        return f"trim({text})"  # DuckDB's trim takes off exactly the space separators (Zs)

    # -- runs ----------------------------------------------------------------------------------
    def connect(self, scratch: Path):
        """A DuckDB connection with the memory limit and ``scratch`` as its spill folder."""
        import duckdb

        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET memory_limit = '{self.memory_limit}'")
        con.execute(f"SET temp_directory = '{_quote(scratch / 'spill')}'")
        con.execute("SET preserve_insertion_order = false")
        if self.threads is not None:
            con.execute(f"SET threads = {int(self.threads)}")
        return con

    def aggregate(
        self,
        table: RecordTable,
        location: str | Path | list[Path],
        *,
        params: Mapping[str, int] | None = None,
        max_bad_share: float = 0.0,
    ) -> Aggregation:
        """Run ``table``'s aggregates over the files at ``location`` in one pass.

        Parameters
        ----------
        table : RecordTable
            What to compute.
        location : str, Path or list of Path
            A CSV/Parquet file, a folder of parts or a glob.
        params : mapping, optional
            Integer parameters of the measures (e.g. ``cutoff_year``).
        max_bad_share : float
            Largest tolerated share of bad rows (left out and reported); above it the run stops.

        Returns
        -------
        Aggregation

        Raises
        ------
        InputError
            An unreadable part, a missing column, or too many bad rows.
        """
        import duckdb

        share = check_share(max_bad_share)
        with tempfile.TemporaryDirectory(prefix="chokepoint-", dir=self.scratch_root) as scratch:
            records = resolve_input(location, Path(scratch))
            with ctrl_c_interrupts(), self.connect(Path(scratch)) as con:
                source = _source_sql(records, rejects=True)
                header = _header(con, source, records)
                found = table.match_columns(header, records.label, self)
                sql = table.summary_sql(self, found, source, dict(params or {}))
                try:
                    summary = con.execute(sql).df()
                except duckdb.InterruptException:
                    raise
                except duckdb.Error as exc:
                    raise _read_error(exc, records) from None
                outputs, counts = table.split_summary(summary)
                bad = [
                    self._bad_rows(con, table, records, found, check, counts[check.reason])
                    for check in table.checks
                    if counts.get(check.reason)
                ]
                if records.format == "csv":
                    bad += _malformed_lines(con, records)
                n_rows = sum(counts.values()) + sum(b.count for b in bad if b.check is MALFORMED)
        return Aggregation(outputs=outputs, n_rows=n_rows, bad=enforce_bad_share(bad, n_rows, share), engine=self.name)

    def compress(self, data: str | Path | pd.DataFrame, keys: list[str], outcome: str) -> CompressedData:
        """Compress records to cells of ``keys`` (count, outcome mean and variance) in one pass.

        Parameters
        ----------
        data : str, Path or pandas.DataFrame
            A CSV/Parquet file, folder of parts or glob, or a DataFrame.
        keys : list of str
            Regressors, fixed effects and cluster variables (each constant within a cell).
        outcome : str
            The outcome column.

        Returns
        -------
        CompressedData
        """
        with tempfile.TemporaryDirectory(prefix="chokepoint-", dir=self.scratch_root) as scratch:
            with ctrl_c_interrupts(), self.connect(Path(scratch)) as con:
                if isinstance(data, pd.DataFrame):
                    con.register("chokepoint_records", data)
                    source, label = "chokepoint_records", "the data"
                else:
                    records = resolve_input(data, Path(scratch))
                    source, label = _source_sql(records, typed=True), records.label
                columns = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
                missing = [c for c in [*keys, outcome] if c not in columns]
                if missing:
                    raise InputError(
                        "column(s) not found: " + ", ".join(missing), file=label, fix="check the model's variable names"
                    )
                frame = con.execute(compression_sql(self.quote, source, keys, outcome)).df()
        return CompressedData.from_query(frame, keys, outcome, self.name)

    def _bad_rows(self, con, table: RecordTable, records: RecordInput, found, check, count: int) -> BadRows:
        """The first few lines failing ``check``: part by part, each scan stopping at the fifth."""
        for index, (part, original) in enumerate(zip(records.files, records.originals)):
            one = RecordInput(records.label, (part,), records.format, (original,))
            numbered = _numbered_source_sql(
                one, records.headers[0] if records.headers else (), _part_header(records, index)
            )
            flagged = table.typed_sql(self, found, numbered, keep=("_line",))
            rows = con.execute(
                f"SELECT _line, {check.shown} FROM ({flagged}) WHERE _bad = '{check.reason}' LIMIT {LINES_SHOWN}"
            ).fetchall()
            if rows:
                lines = tuple(sorted(int(line) + records.first_line - 1 for line, _ in rows))
                example = next((cell for line, cell in sorted(rows)), None)
                return BadRows(check, count, str(original), lines, None if example is None else str(example))
        return BadRows(check, count, records.label, (), None)


@contextmanager
def ctrl_c_interrupts() -> Iterator[None]:
    """Turn DuckDB's answer to Ctrl-C ("Query interrupted") back into :class:`KeyboardInterrupt`.

    The CLI then stops with its interrupt message and exit code 130 instead of
    a library error; nothing has been written at that point.
    """
    import duckdb

    try:
        yield
    except (duckdb.InterruptException, RuntimeError) as exc:
        if isinstance(exc, duckdb.InterruptException) or str(exc).startswith("Query interrupted"):
            raise KeyboardInterrupt from None
        raise


#: CSV lines DuckDB could not split into the header's fields
MALFORMED = Check(
    reason="malformed",
    column="",
    condition="FALSE",
    shown="",
    problem="malformed CSV lines (wrong number of fields or an unclosed quote)",
    fix="correct or remove these lines",
)


def _malformed_lines(con, records: RecordInput) -> list[BadRows]:
    """The malformed lines DuckDB skipped, counted, with the first few line numbers of the first such part."""
    count = con.execute("SELECT count(DISTINCT (file_id, line)) FROM reject_errors").fetchone()[0]
    if not count:
        return []
    first = con.execute(
        """SELECT s.file_path, e.file_id, e.line FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
           ORDER BY e.file_id, e.line"""
    ).fetchall()
    path, file_id = first[0][0], first[0][1]
    lines = sorted({int(line) for _, fid, line in first if fid == file_id})[:LINES_SHOWN]
    original = next((o for p, o in zip(records.files, records.originals) if str(p) == str(path)), Path(path))
    return [BadRows(MALFORMED, int(count), str(original), tuple(lines), None)]


def _literal(value: str | int) -> str:
    return str(int(value)) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def _quote(path: Path | str) -> str:
    return str(path).replace("'", "''")


def _file_list(records: RecordInput) -> str:
    return "[" + ", ".join(f"'{_quote(p)}'" for p in records.files) + "]"


def _source_sql(records: RecordInput, *, typed: bool = False, rejects: bool = False) -> str:
    """The DuckDB table function reading every part.

    CSV cells are read as text unless ``typed``; with ``rejects``, malformed
    CSV lines (wrong number of fields, an unclosed quote) are skipped and
    recorded in DuckDB's ``reject_errors`` table instead of failing the read.
    """
    if records.format == "parquet":
        return f"read_parquet({_file_list(records)}, union_by_name = true)"
    options = f"header = true, all_varchar = {str(not typed).lower()}"
    options += ", store_rejects = true" if rejects else ", union_by_name = true"
    return f"read_csv({_file_list(records)}, {options})"


def _numbered_source_sql(records: RecordInput, names: tuple[str, ...] = (), header: tuple[str, ...] = ()) -> str:
    """One part with a 1-based record number ``_line`` (in file order).

    A CSV part whose ``header`` spells or orders the columns differently
    from ``names`` (the first part's header) gets them renamed to ``names``.
    """
    if records.format == "parquet":
        return (
            f"(SELECT file_row_number + 1 AS _line, * FROM read_parquet({_file_list(records)}, file_row_number = true))"
        )
    columns = "*"
    if names and header and names != header:
        spelling = {column_key(name): name for name in names}
        # DuckDB strips the blanks around header names and binds them case-insensitively
        columns = ", ".join(f"{_identifier(name.strip())} AS {_identifier(spelling[column_key(name)])}" for name in header)
    read = f"read_csv({_file_list(records)}, header = true, all_varchar = true)"
    return f"(SELECT row_number() OVER () AS _line, {columns} FROM {read})"


def _part_header(records: RecordInput, index: int) -> tuple[str, ...]:
    return records.headers[index] if records.headers else ()


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _header(con, source: str, records: RecordInput) -> dict[str, str]:
    """The columns of the parts and their kinds (``"date"``, ``"integer"``, ``"float"`` or ``"text"``)."""
    import duckdb

    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as exc:
        raise _read_error(exc, records) from None
    return {name: _kind(str(kind)) for name, kind, *_ in described}


def _kind(type_name: str) -> str:
    if type_name.startswith(_DATE_TYPES):
        return "date"
    return _NUMBER_KINDS.get(type_name.split("(")[0], "text")


def _read_error(exc: Exception, records: RecordInput) -> InputError:
    """An engine error while reading, naming the part file when the message does."""
    text = str(exc)
    part = next((orig for p, orig in zip(records.files, records.originals) if str(p) in text), None)
    if part is None and len(records.files) == 1:
        part = records.originals[0]
    detail = text.splitlines()[0][:200]
    return InputError(
        f"not a readable CSV/Parquet file ({detail})",
        file=part if part is not None else records.label,
        fix="re-export the records as CSV or Parquet",
    )
