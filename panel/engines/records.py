"""What a record-level aggregation is, independent of the engine that runs it.

A :class:`RecordTable` describes one kind of record file (patent records,
customs transactions): the columns it needs, how each raw cell becomes a typed
value (SQL written through a :class:`Dialect`, so DuckDB and Spark run the same
definition), the checks that make a row bad, and the aggregates it yields.
An engine runs it in one streaming pass and returns an :class:`Aggregation`:
the aggregates over the good rows and, for every check that failed, how many
rows failed it, the first few line numbers and an example cell.

Bad rows are counted, not fatal one by one.  ``max_bad_share`` decides what
happens next: when the bad rows are at most that share of all rows they are
left out of the aggregates and reported; above it the run stops with an
:class:`~data_schemas.errors.InputError` naming the commonest failure (the
default 0 stops on the first bad row, as a small file should).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from data_schemas.errors import InputError, missing_column


class Dialect(Protocol):
    """The SQL pieces that differ between engines."""

    def lookup(self, key: str, mapping: Mapping[str, str | int]) -> str:
        """SQL: the value ``mapping`` holds for ``key``, NULL if none."""

    def to_date(self, text: str) -> str:
        """SQL: the date in ``text`` (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD), NULL if none."""

    def to_double(self, text: str) -> str:
        """SQL: ``text`` as a double, NULL if it is not a number."""

    def grouping_id(self, columns: list[str]) -> str:
        """SQL: the grouping bit mask of ``columns`` (1 = not grouped; first column highest)."""

    def quote(self, name: str) -> str:
        """SQL: ``name`` as a quoted identifier."""

    def trim(self, text: str) -> str:
        """SQL: ``text`` without the Unicode space separators (category Zs: blank, no-break, ideographic ...) around it.

        Tabs and line breaks are kept: a cell holding one is bad wherever it is read.
        """


@dataclass(frozen=True)
class SourceColumn:
    """A column of the file as the typed SQL sees it.

    Parameters
    ----------
    sql : str
        The column's stored value (its type as read).
    kind : str
        ``"date"`` (a stored date or timestamp), ``"integer"``, ``"float"``
        (floating or decimal) or ``"text"``.
    text : str
        SQL: the trimmed cell text, NULL for an empty cell.  A missing-value
        token (``NA``, ``null``, ``-`` ...) is kept: test :attr:`missing`.
        Typed values are made from this text with string functions only
        (no ``CASE``), which DuckDB runs once per distinct value of a
        dictionary-encoded column instead of once per row.
    """

    sql: str
    kind: str
    text: str

    @property
    def missing(self) -> str:
        """SQL: whether the cell is missing (empty, a missing-value token, NaN)."""
        if self.kind == "text":
            return f"({self.text} IS NULL OR (length({self.text}) <= {MISSING_LENGTH} AND lower({self.text}) IN {MISSING_SQL}))"
        if self.kind == "float":
            return f"({self.sql} IS NULL OR isnan({self.sql}))"
        return f"({self.sql} IS NULL)"


#: rows of each failed check whose line numbers are reported
LINES_SHOWN = 5

#: cell texts that mean "missing" (trimmed, lower case), and the longest of them
MISSING_SQL = "('', 'na', 'n/a', 'nan', 'null', 'none', '-', '--')"
MISSING_LENGTH = 4
EMPTY = "''"


@dataclass(frozen=True)
class FileColumn:
    """A column of the file: its quoted name and its kind (``"date"``, ``"integer"``, ``"float"``, ``"text"``)."""

    sql: str
    kind: str


@dataclass(frozen=True)
class Output:
    """One aggregate of a record table.

    Parameters
    ----------
    keys : tuple of str
        Typed columns it is grouped by; groups with a NULL key are dropped.
    measures : mapping of str to str
        Result column -> SQL aggregate over the typed rows, each standing for
        ``_records`` records (may hold ``{name}`` placeholders filled from the
        run's parameters).
    """

    keys: tuple[str, ...]
    measures: Mapping[str, str]


@dataclass(frozen=True)
class Column:
    """A column of a record file.

    Parameters
    ----------
    code : str
        The header in the file (matched case-insensitively).
    name : str
        The canonical name the typed SQL refers to.
    required : bool
        Whether a file without it is refused (an absent optional column is NULL).
    """

    code: str
    name: str
    required: bool = True


@dataclass(frozen=True)
class Check:
    """A condition that makes a row bad.

    Parameters
    ----------
    reason : str
        Short identifier (a SQL-safe word), e.g. ``"bad_date"``.
    column : str
        The file header named in messages.
    condition : str
        SQL over the typed relation, true on a bad row.
    shown : str
        The typed column holding the raw cell text shown as an example.
    problem, fix : str
        The message parts; ``problem`` gets ``", got '<cell>'"`` appended when it
        says what was expected.
    """

    reason: str
    column: str
    condition: str
    shown: str
    problem: str
    fix: str


def full_match_sql(text: str, pattern: str, group: int = 0) -> str:
    """SQL (any engine): the text matched by ``group`` of ``pattern`` when it matches ``text`` entirely, else NULL.

    ``pattern`` must not match an empty text.  Written with ``regexp_extract``
    rather than a boolean match, as DuckDB runs ``regexp_extract`` once per
    distinct value of a dictionary-encoded column.
    """
    return f"nullif(regexp_extract({text}, '^(?:{pattern})$', {group}), '')"


def stock_code_sql(column: SourceColumn) -> str:
    """SQL: the stock code in ``column`` as an integer (``1``, ``000001`` or ``1.0`` -> 1), NULL if none.

    A stored integer must lie in 0..999999; a text must be up to six digits,
    optionally followed by ``.0``.  Pad it to six digits with :func:`stock_codes`
    after aggregating.
    """
    if column.kind == "integer":
        return f"CASE WHEN {column.sql} BETWEEN 0 AND 999999 THEN CAST({column.sql} AS INT) END"
    return f"CAST({full_match_sql(column.text, '([0-9]{1,6})(?:[.]0+)?', 1)} AS INT)"


def stock_codes(codes: pd.Series) -> pd.Series:
    """Integer stock codes from :func:`stock_code_sql` as six-digit texts (1 -> ``"000001"``)."""
    return codes.astype("int64").astype(str).str.zfill(6)


def number_sql(dialect: Dialect, column: SourceColumn) -> str:
    """SQL: ``column`` as a double (a stored number directly, a text parsed), NULL if not a number."""
    if column.kind in ("integer", "float"):
        return f"CAST({column.sql} AS DOUBLE)"
    return dialect.to_double(column.text)


@dataclass(frozen=True)
class RecordTable:
    """One kind of record file and what is computed from it.

    Parameters
    ----------
    name : str
        Table name, e.g. ``"patent_records"``.
    columns : tuple of Column
        The columns used.
    typed : callable
        ``typed(dialect, cells) -> str``: the SELECT list that yields the
        typed columns; ``cells`` maps a canonical name to a
        :class:`SourceColumn` (``None`` when an optional column is absent).
    checks : tuple of Check
        Evaluated in order; a row counts under its first failed check.
    outputs : mapping of str to Output
        The aggregates, by name.
    record_columns : tuple of str
        The typed columns the outputs use (keys and measure inputs).
    distinct_records : bool
        Whether identical records (equal in ``record_columns``) count once.
    cell_keys : tuple of str
        Columns (every output key and measure input among them) by which the
        records are counted before the outputs are formed; the measures then
        weight each row by ``_records``.  Empty: the measures see one row
        per record (``_records`` is 1).
    """

    name: str
    columns: tuple[Column, ...]
    typed: Callable[[Dialect, Mapping[str, SourceColumn | None]], str]
    checks: tuple[Check, ...]
    outputs: Mapping[str, Output]
    record_columns: tuple[str, ...]
    distinct_records: bool = False
    cell_keys: tuple[str, ...] = ()

    def match_columns(
        self, header: Mapping[str, str], file: str | None, dialect: Dialect
    ) -> dict[str, FileColumn | None]:
        """Canonical name -> the file's column; a missing required column is an error.

        Parameters
        ----------
        header : mapping of str to str
            The file's columns and their kinds (``"date"``, ``"integer"``, ``"float"`` or ``"text"``).
        file : str or None
            For messages.
        dialect : Dialect
            Quotes the column names.

        Raises
        ------
        InputError
            Naming the missing column and the closest header (or the headers there are).
        """
        by_code = {c.lower(): c for c in header}
        found: dict[str, FileColumn | None] = {}
        for column in self.columns:
            match = by_code.get(column.code.lower())
            if match is None and column.required:
                raise missing_column(column.code, header, file=file)
            found[column.name] = None if match is None else FileColumn(dialect.quote(match), header[match])
        return found

    def bad_reason_sql(self) -> str:
        """SQL: the reason of a row's first failed check, NULL for a good row.

        The checks are first tested together (cheap boolean columns), and
        the reason is looked up only for the rows that fail one.
        """
        if not self.checks:
            return "CAST(NULL AS STRING)"
        cases = " ".join(f"WHEN {check.condition} THEN '{check.reason}'" for check in self.checks)
        any_failed = " OR ".join(f"coalesce({check.condition}, FALSE)" for check in self.checks)
        return f"CASE WHEN {any_failed} THEN (CASE {cases} END) END"

    def typed_sql(
        self, dialect: Dialect, found: Mapping[str, FileColumn | None], source: str, keep: Sequence[str] = ()
    ) -> str:
        """SQL: the typed rows of ``source`` (each with ``_bad``, its first failed check), plus the ``keep`` columns.

        Each used cell's text is made once, in an inner query (trimmed for a
        column stored as text); a stored number or date is typed directly,
        and its text is made only where a message shows it.
        """
        kept = "".join(f"{name}, " for name in keep)
        raw, cells = [], {}
        for index, (name, column) in enumerate(found.items()):
            cells[name] = None if column is None else SourceColumn(f"_r{index}", column.kind, f"_t{index}")
            if column is None:
                continue
            raw.append(f"{column.sql} AS _r{index}")
            text = f"CAST({column.sql} AS STRING)"
            raw.append(f"{f'nullif({dialect.trim(text)}, {EMPTY})' if column.kind == 'text' else text} AS _t{index}")
        read = f"SELECT {kept}{', '.join(raw)} FROM {source}"
        typed = f"SELECT {kept}{self.typed(dialect, cells)} FROM ({read}) AS _cells"
        return f"SELECT *, {self.bad_reason_sql()} AS _bad FROM ({typed}) AS _typed"

    def summary_sql(
        self, dialect: Dialect, found: Mapping[str, FileColumn | None], source: str, params: Mapping[str, int]
    ) -> str:
        """One aggregate query computing every output and the bad-row counts in a single pass.

        With ``distinct_records``, identical records (same used columns and
        first failed check) are first reduced to one.  With ``cell_keys``,
        the records are then counted per cell (``_records``), so the outputs
        group a few cells instead of every record.  Then the used columns of
        bad rows are set to NULL, so they fall into groups with a NULL key,
        which are dropped.  The
        outputs are grouping sets of one ``GROUP BY``, and a last grouping set
        counts the rows by ``_bad`` (``_rows``).  Split the result with
        :meth:`split_summary`.
        """
        columns = ", ".join(self.record_columns)
        rows = f"SELECT {columns}, _bad FROM ({self.typed_sql(dialect, found, source)}) AS _flagged"
        if self.distinct_records:
            rows = f"SELECT {columns}, _bad, count(*) AS _rows FROM ({rows}) AS _typed GROUP BY {columns}, _bad"
        else:
            rows = f"SELECT {columns}, _bad, 1 AS _rows FROM ({rows}) AS _typed"
        if self.cell_keys:
            cells = ", ".join(self.cell_keys)
            rows = f"SELECT {cells}, _bad, count(*) AS _records, sum(_rows) AS _rows FROM ({rows}) AS _distinct GROUP BY {cells}, _bad"
        else:
            rows = f"SELECT *, 1 AS _records FROM ({rows}) AS _distinct"
        kept = self.cell_keys or self.record_columns
        used = ", ".join(f"CASE WHEN _bad IS NULL THEN {c} END AS {c}" for c in kept)
        rows = f"SELECT {used}, _bad, _records, _rows FROM ({rows}) AS _counted"
        keys = self.key_columns()
        measures = [
            f"{sql.format(**params)} AS {name}"
            for output in self.outputs.values()
            for name, sql in output.measures.items()
        ]
        sets = [f"({', '.join(output.keys)})" for output in self.outputs.values()] + ["(_bad)"]
        return f"""
            SELECT {dialect.grouping_id([*keys, "_bad"])} AS _set, {", ".join(keys)}, _bad,
                   sum(_rows) AS _rows, {", ".join(measures)}
            FROM ({rows}) AS _records
            GROUP BY GROUPING SETS ({", ".join(sets)})
        """

    def key_columns(self) -> list[str]:
        """Every key of every output, once, in order."""
        return list(dict.fromkeys(k for output in self.outputs.values() for k in output.keys))

    def split_summary(self, summary: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
        """The outputs and the bad-row counts by reason from :meth:`summary_sql`'s result.

        Returns
        -------
        outputs : dict of str to DataFrame
            Each output's keys and measures, groups with a NULL key dropped,
            sorted by the keys, with a fresh index.
        counts : dict of str to int
            Rows by first failed check; the key ``""`` holds the good rows.
        """
        grouped = [*self.key_columns(), "_bad"]
        mask = {name: 1 << (len(grouped) - 1 - i) for i, name in enumerate(grouped)}
        full = (1 << len(grouped)) - 1
        outputs = {}
        for name, output in self.outputs.items():
            rows = summary[summary["_set"] == full - sum(mask[k] for k in output.keys)]
            frame = rows[[*output.keys, *output.measures]].dropna(subset=list(output.keys))
            outputs[name] = frame.sort_values(list(output.keys)).reset_index(drop=True)
        by_reason = summary[summary["_set"] == full - mask["_bad"]]
        counts = {("" if pd.isna(r) else str(r)): int(n) for r, n in zip(by_reason["_bad"], by_reason["_rows"])}
        return outputs, counts


@dataclass(frozen=True)
class BadRows:
    """The rows that failed one check.

    Parameters
    ----------
    check : Check
        The check.
    count : int
        How many rows failed it (first failure per row).
    file : str or None
        The part file the listed lines belong to.
    lines : tuple of int
        Line numbers (CSV) or row numbers (Parquet) of the first few, where the engine knows them.
    example : str or None
        The first bad row's cell.
    """

    check: Check
    count: int
    file: str | None
    lines: tuple[int, ...]
    example: str | None

    def error(self) -> InputError:
        """The one-line error describing these rows."""
        problem = self.check.problem
        if "expected" in problem and self.example is not None:
            problem += f", got '{self.example}'"
        if self.count > len(self.lines) and self.lines:
            problem += f" in {self.count:,} rows"
        elif not self.lines:
            problem += f" ({self.count:,} row{'s' if self.count != 1 else ''})"
        return InputError(problem, file=self.file, column=self.check.column, rows=self.lines, fix=self.check.fix)

    def line(self) -> str:
        """One line for the bad-row report."""
        where = f"; first at {self.file} " + ", ".join(str(n) for n in self.lines) if self.lines else ""
        column = f"{self.check.column}: " if self.check.column else ""
        return f"{column}{self.check.problem}: {self.count:,} rows{where}"


@dataclass(frozen=True)
class Aggregation:
    """What one pass over a record file yields.

    Parameters
    ----------
    outputs : dict of str to DataFrame
        The aggregates over the good rows, by output name.
    n_rows : int
        Rows read.
    bad : tuple of BadRows
        The failed checks, commonest first.
    engine : str
        The engine that ran the pass.
    """

    outputs: dict[str, pd.DataFrame]
    n_rows: int
    bad: tuple[BadRows, ...] = field(default=())
    engine: str = "duckdb"

    @property
    def n_bad(self) -> int:
        """Rows left out as bad."""
        return sum(b.count for b in self.bad)

    def report(self) -> str:
        """A short text report: rows read, rows left out and why."""
        lines = [f"{self.n_rows:,} rows read ({self.engine}); {self.n_bad:,} left out as bad"]
        lines += ["  " + b.line() for b in self.bad]
        return "\n".join(lines)


def enforce_bad_share(bad: list[BadRows], n_rows: int, max_bad_share: float) -> tuple[BadRows, ...]:
    """Order the failed checks (commonest first) and stop if too many rows are bad.

    Parameters
    ----------
    bad : list of BadRows
        Failed checks with a positive count.
    n_rows : int
        Rows read.
    max_bad_share : float
        The largest share of bad rows that is tolerated (0 = none).

    Raises
    ------
    InputError
        The commonest failure's message, when the bad share exceeds ``max_bad_share``.
    """
    ordered = tuple(sorted(bad, key=lambda b: -b.count))
    n_bad = sum(b.count for b in ordered)
    if n_bad and n_bad > max_bad_share * n_rows:
        raise ordered[0].error()
    return ordered


def check_share(max_bad_share: float) -> float:
    """Validate a bad-row share threshold."""
    if not 0.0 <= float(max_bad_share) < 1.0:
        raise InputError(
            f"max_bad_share must be at least 0 and below 1, got {max_bad_share}", fix="pass a share such as 0.001"
        )
    return float(max_bad_share)
