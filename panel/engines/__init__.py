"""Engines for record-level tables: DuckDB on one machine, Apache Spark beyond it.

A record-level table (the patent register, customs transactions) is described
once, engine-neutrally, as a :class:`~panel.engines.records.RecordTable`; an
engine reads the files as they are (a CSV or Parquet file, a folder of parts, a
glob) and computes every aggregate and the bad-row counts in one streaming pass.
Both engines give identical results on the same input.

* ``duckdb`` (default): this machine, a memory limit, spill to disk.
* ``spark``: a ``SparkSession``: ``local[*]``, a cluster URL, or a session you
  built yourself (pass ``session=``); needs ``pip install 'chokepoint-panel[spark]'``
  and Java 17.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from data_schemas.errors import InputError
from panel.engines.compress import CompressedData
from panel.engines.records import Aggregation, RecordTable

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What the loaders need from an engine."""

    name: str

    def aggregate(
        self, table: RecordTable, location: str | Path | list[Path], *, params: dict | None = None, max_bad_share: float = 0.0
    ) -> Aggregation:
        """Compute ``table``'s outputs over the files at ``location`` in one pass."""

    def compress(self, data, keys: list[str], outcome: str) -> CompressedData:
        """Compress records to cells of ``keys`` (count, outcome mean and variance) in one pass."""


def get_engine(name: str = "duckdb", **options) -> Engine:
    """The engine called ``name``, configured by ``options``.

    Parameters
    ----------
    name : str
        ``"duckdb"`` or ``"spark"``.
    **options
        DuckDB: ``memory_limit``, ``threads``, ``scratch_root``.
        Spark: ``master`` (``"local[*]"`` by default, or a cluster URL such as
        ``"spark://host:7077"``), ``session`` (an existing ``SparkSession``),
        ``config`` (extra Spark settings).

    Raises
    ------
    InputError
        An unknown engine name or option.
    """
    factory: Callable[..., Engine]
    if name == "duckdb":
        from panel.engines.duckdb_engine import DuckDBEngine

        factory = DuckDBEngine
    elif name == "spark":
        from panel.engines.spark_engine import SparkEngine

        factory = SparkEngine
    else:
        raise InputError(f"unknown engine {name!r}", fix=f"choose one of {', '.join(ENGINES)}")
    try:
        return factory(**options)
    except TypeError as exc:
        raise InputError(f"engine {name!r}: {exc}", fix="check the engine options") from None


__all__ = ["ENGINES", "Aggregation", "CompressedData", "Engine", "RecordTable", "get_engine"]
