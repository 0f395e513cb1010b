"""The Spark engine: the same record-table query on a ``SparkSession``, on one machine or a cluster.

The session is ``local[*]`` by default (all cores of this machine), a cluster
given by its master URL (``spark://host:7077``, ``yarn``, ``k8s://...``), or
a session the caller built (``SparkEngine(session=spark)``), which is then
used as it is and never stopped here.  Local paths are checked part by part
before Spark reads them (as with DuckDB); a URI with a scheme
(``hdfs://``, ``s3a://``, ``abfss://``, ``gs://``) goes to Spark unchecked, as
only the cluster can read it.

Spark does not number the lines of a file it reads in parallel, so its
bad-row reports give counts and an example cell, not line numbers (run the
DuckDB engine on one part to find the lines).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

from data_schemas.errors import InputError
from panel.engines.compress import CompressedData, compression_sql
from panel.engines.inputs import resolve_input
from panel.engines.records import Aggregation, BadRows, RecordTable, check_share, enforce_bad_share

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
        location: str | Path,
        *,
        params: Mapping[str, int] | None = None,
        max_bad_share: float = 0.0,
    ) -> Aggregation:
        """Run ``table``'s aggregates over the files at ``location`` in one Spark job.

        Parameters, returns and errors as :meth:`panel.engines.duckdb_engine.DuckDBEngine.aggregate`.
        """
        share = check_share(max_bad_share)
        with tempfile.TemporaryDirectory(prefix="chokepoint-") as scratch:
            frame, label = self._read(location, Path(scratch))
            view = f"chokepoint_records_{uuid.uuid4().hex}"
            frame.createOrReplaceTempView(view)
            try:
                header = {f.name: _kind(f.dataType) for f in frame.schema.fields}
                found = table.match_columns(header, label, self)
                summary = self.session.sql(table.summary_sql(self, found, view, dict(params or {}))).toPandas()
                outputs, counts = table.split_summary(summary)
                n_rows = sum(counts.values())
                bad = [
                    self._bad_rows(table, view, found, check, counts[check.reason], label)
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
                frame, label = self._read(data, Path(scratch), infer=True)
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

    def _read(self, location: str | Path, scratch: Path, *, infer: bool = False):
        """A DataFrame over the parts (checked first where they are local), and a label for messages."""
        text = str(location)
        reader = self.session.read
        if _REMOTE.match(text) and not text.startswith("file://"):
            kind = "csv" if Path(text.rstrip("/")).suffix.lower() in (".csv", ".txt") else "parquet"
            files, label = [text], text
        else:
            records = resolve_input(location, scratch)
            kind, files, label = records.format, [str(p) for p in records.files], records.label
        if kind == "parquet":
            return reader.option("mergeSchema", "true").parquet(*files), label
        return reader.option("header", "true").option("inferSchema", str(infer).lower()).csv(files), label

    def _bad_rows(self, table: RecordTable, view: str, found, check, count: int, label: str) -> BadRows:
        flagged = table.typed_sql(self, found, view)
        example = self.session.sql(
            f"SELECT {check.shown} FROM ({flagged}) AS _flagged WHERE _bad = '{check.reason}' LIMIT 1"
        ).collect()
        cell = example[0][0] if example else None
        return BadRows(check, count, label, (), None if cell is None else str(cell))


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
