"""The Spark engine: the same record-table query on a ``SparkSession``, on one machine or a cluster.

The session is ``local[*]`` by default (all cores of this machine), a cluster
given by its master URL (``spark://host:7077``, ``yarn``, ``k8s://...``), or
a session the caller built (``SparkEngine(session=spark)``), which is then
used as it is and never stopped here.  Local paths are checked part by part
before Spark reads them (as with DuckDB); a URI with a scheme
(``hdfs://``, ``s3a://``, ``abfss://``, ``gs://``) goes to Spark unchecked, as
only the cluster can read it.

Spark does not number the lines of a file it reads in parallel; for a local
CSV input the bad-row report finds the true line numbers of the first few
bad rows (of the first part that has any) by numbering the part's lines
itself.  For Parquet parts and remote files it gives counts and an example
cell, without line numbers.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from functools import reduce
from pathlib import Path

from data_schemas.errors import InputError
from panel.engines.compress import CompressedData, compression_sql
from panel.engines.inputs import RecordInput, column_key, resolve_input
from panel.engines.records import LINES_SHOWN, Aggregation, BadRows, RecordTable, check_share, enforce_bad_share

_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
#: settings of a session made here (one made by the caller is left as it is)
DEFAULT_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


class SparkEngine:
    """Aggregate record files with Apache Spark.

    Parameters
    ----------
    master : str
        ``"local[*]"`` (default), ``"local[4]"`` or a cluster URL.
    session : pyspark.sql.SparkSession, optional
        An existing session; ``master`` and ``config`` are then ignored.
    config : mapping, optional
        Extra Spark settings for a session made here
        (``{"spark.executor.memory": "8g"}``).
    """

    name = "spark"

    def __init__(self, *, master: str = "local[*]", session=None, config: Mapping[str, str] | None = None) -> None:
        self.master = master
        self.config = {**DEFAULT_CONFIG, **dict(config or {})}
        self._session = session
        self._own_session = session is None

    # -- dialect -------------------------------------------------------------------------------
    def lookup(self, key: str, mapping: Mapping[str, str | int]) -> str:
        items = ", ".join(f"{_literal(k)}, {_literal(v)}" for k, v in mapping.items())
        return f"try_element_at(map({items}), {key})"

    def to_date(self, text: str) -> str:
        formats = ("yyyy-MM-dd", "yyyy/MM/dd", "yyyyMMdd")
        return "coalesce(" + ", ".join(f"try_to_date({text}, '{f}')" for f in formats) + ")"

    def to_double(self, text: str) -> str:
        return f"try_cast({text} AS DOUBLE)"

    def grouping_id(self, columns: list[str]) -> str:
        return f"grouping_id({', '.join(columns)})"

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def trim(self, text: str) -> str:
        return rf"regexp_replace({text}, '^\\p{{Zs}}+|\\p{{Zs}}+$', '')"  # Spark's trim takes off only U+0020

    # -- session -------------------------------------------------------------------------------
    @property
    def session(self):
        """The ``SparkSession`` (made on first use)."""
        if self._session is None:
            self._session = _make_session(self.master, self.config)
        return self._session

    def stop(self) -> None:
        """Stop a session made here (a caller's session is left running)."""
        if self._own_session and self._session is not None:
            self._session.stop()
            self._session = None

    # -- runs ----------------------------------------------------------------------------------
    def aggregate(
        self,
        table: RecordTable,
        location: str | Path | list[Path],
        *,
        params: Mapping[str, int] | None = None,
        max_bad_share: float = 0.0,
    ) -> Aggregation:
        """Run ``table``'s aggregates over the files at ``location`` in one Spark job.

        Parameters, returns and errors as :meth:`panel.engines.duckdb_engine.DuckDBEngine.aggregate`.
        """
        share = check_share(max_bad_share)
        with tempfile.TemporaryDirectory(prefix="chokepoint-") as scratch:
            frame, label, records = self._read(location, Path(scratch))
            view = f"chokepoint_records_{uuid.uuid4().hex}"
            frame.createOrReplaceTempView(view)
            try:
                header = {f.name: _kind(f.dataType) for f in frame.schema.fields}
                found = table.match_columns(header, label, self)
                summary = self.session.sql(table.summary_sql(self, found, view, dict(params or {}))).toPandas()
                outputs, counts = table.split_summary(summary)
                n_rows = sum(counts.values())
                bad = [
                    self._bad_rows(table, view, found, check, counts[check.reason], label, records)
                    for check in table.checks
                    if counts.get(check.reason)
                ]
            finally:
                self.session.catalog.dropTempView(view)
        return Aggregation(outputs=outputs, n_rows=n_rows, bad=enforce_bad_share(bad, n_rows, share), engine=self.name)

    def compress(self, data, keys: list[str], outcome: str) -> CompressedData:
        """Compress records to cells of ``keys`` in one Spark job.

        Parameters
        ----------
        data : str, Path or pyspark.sql.DataFrame
            Files (as for :meth:`aggregate`) or a Spark DataFrame.
        keys, outcome
            As :meth:`panel.engines.duckdb_engine.DuckDBEngine.compress`.
        """
        with tempfile.TemporaryDirectory(prefix="chokepoint-") as scratch:
            if hasattr(data, "createOrReplaceTempView"):
                frame, label = data, "the data"
            else:
                frame, label, _ = self._read(data, Path(scratch), infer=True)
            missing = [c for c in [*keys, outcome] if c not in frame.columns]
            if missing:
                raise InputError(
                    "column(s) not found: " + ", ".join(missing), file=label, fix="check the model's variable names"
                )
            view = f"chokepoint_records_{uuid.uuid4().hex}"
            frame.createOrReplaceTempView(view)
            try:
                result = self.session.sql(compression_sql(self.quote, view, keys, outcome)).toPandas()
            finally:
                self.session.catalog.dropTempView(view)
        return CompressedData.from_query(result, keys, outcome, self.name)

    def _read(self, location: str | Path | list[Path], scratch: Path, *, infer: bool = False):
        """A DataFrame over the parts (checked first where they are local), a label for messages, the local parts."""
        text = str(location)
        reader = self.session.read
        headers: tuple[tuple[str, ...], ...]
        records: RecordInput | None
        if _REMOTE.match(text) and not text.startswith("file://"):
            kind = "csv" if Path(text.rstrip("/")).suffix.lower() in (".csv", ".txt") else "parquet"
            files, label, headers, records = [text], text, (), None
        else:
            records = resolve_input(location, scratch)
            kind, files, label = records.format, [str(p) for p in records.files], records.label
            headers = records.headers
        if kind == "parquet":
            return reader.option("mergeSchema", "true").parquet(*files), label, records
        csv = reader.option("header", "true").option("inferSchema", str(infer).lower())
        if len(set(headers)) <= 1:
            return csv.csv(files), label, records
        # Spark reads every part by the first part's column positions: read each part alone and align by name
        spelling = {column_key(name): name for name in headers[0]}
        frames = [csv.csv(file) for file in files]
        frames = [frame.toDF(*(spelling[column_key(name)] for name in frame.columns)) for frame in frames]
        return reduce(lambda left, right: left.unionByName(right), frames), label, records

    def _bad_rows(
        self, table: RecordTable, view: str, found, check, count: int, label: str, records: RecordInput | None
    ) -> BadRows:
        """The failed check's count and first bad cell; for local CSV parts also the first few line numbers."""
        if records is not None and records.format == "csv":
            for index, (part, original) in enumerate(zip(records.files, records.originals)):
                rows = self._bad_lines(table, found, check, part, records.headers[0], records.headers[index])
                if rows:
                    example = rows[0][1]
                    lines = tuple(line for line, _ in rows)
                    return BadRows(check, count, str(original), lines, None if example is None else str(example))
        flagged = table.typed_sql(self, found, view)
        example = self.session.sql(
            f"SELECT {check.shown} FROM ({flagged}) AS _flagged WHERE _bad = '{check.reason}' LIMIT 1"
        ).collect()
        cell = example[0][0] if example else None
        return BadRows(check, count, label, (), None if cell is None else str(cell))

    def _bad_lines(self, table: RecordTable, found, check, part: Path, names, header) -> list[tuple[int, object]]:
        """The line numbers (and shown cells) of the first few rows of one CSV part failing ``check``.

        The part is read as lines of text, each numbered by its position in
        the file: Spark numbers the rows of each split (``monotonically_increasing_id``
        holds the split in its upper bits), and the rows of the splits before
        it are added.  Each non-blank line after the header is split into
        cells as Spark's CSV reader does (one record a line).
        """
        from pyspark.sql import functions as F

        lines = self.session.read.text(str(part)).select(
            "value", F.spark_partition_id().alias("_split"), F.monotonically_increasing_id().alias("_id")
        )
        sizes = dict(lines.groupBy("_split").count().collect())
        before, offsets = 0, {}
        for split in sorted(sizes):
            offsets[split], before = before, before + sizes[split]
        offset = F.create_map(*(F.lit(v) for pair in offsets.items() for v in pair))
        numbered = lines.select(
            "value",
            (offset[F.col("_split")] + F.col("_id") - F.shiftleft(F.col("_split").cast("long"), 33) + 1).alias("_line"),
        )
        spelling = {column_key(name): name for name in names}
        schema = ", ".join(f"{self.quote(spelling[column_key(name)])} STRING" for name in header)
        cells = (
            numbered.where("_line > 1 AND value <> ''")
            .select("_line", F.from_csv("value", schema).alias("_cells"))
            .select("_line", "_cells.*")
        )
        view = f"chokepoint_lines_{uuid.uuid4().hex}"
        cells.createOrReplaceTempView(view)
        try:
            flagged = table.typed_sql(self, found, view, keep=("_line",))
            rows = self.session.sql(
                f"SELECT _line, {check.shown} FROM ({flagged}) AS _flagged WHERE _bad = '{check.reason}' "
                f"ORDER BY _line LIMIT {LINES_SHOWN}"
            ).collect()
        finally:
            self.session.catalog.dropTempView(view)
        return [(int(row[0]), row[1]) for row in rows]


def _literal(value: str | int) -> str:
    if isinstance(value, int):
        return str(int(value))
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _kind(data_type) -> str:
    name = type(data_type).__name__
    if name in ("DateType", "TimestampType", "TimestampNTZType"):
        return "date"
    if name in ("ByteType", "ShortType", "IntegerType", "LongType"):
        return "integer"
    if name in ("FloatType", "DoubleType", "DecimalType"):
        return "float"
    return "text"


def _make_session(master: str, config: Mapping[str, str]):
    """A new (or the running) local or cluster session; a clear error without pyspark or Java."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(
            "the Spark engine needs pyspark", fix="pip install 'chokepoint-panel[spark]' (and Java 17)"
        ) from None
    if shutil.which("java") is None:
        raise InputError(
            "the Spark engine needs Java (17 or later) on the PATH",
            fix="install a JRE, e.g. apt-get install openjdk-17-jre-headless",
        )
    builder = SparkSession.builder.master(master).appName("chokepoint")
    for key, value in config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


__all__ = ["DEFAULT_CONFIG", "SparkEngine"]
