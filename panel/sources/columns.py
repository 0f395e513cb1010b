"""Read named columns of an analysis file (CSV, Parquet or Stata) with their types, for ``fit`` and ``did``.

Unlike the vendor readers (:func:`panel.sources.tabular.read_raw`, every cell
as text), this keeps the file's own column types: it reads data a user has
already prepared, such as a panel written by ``chokepoint build``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError, check_columns

#: file suffix -> reader
READERS = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet", ".dta": "stata"}


def file_columns(path: Path) -> list[str]:
    """The column names of an analysis file, read without its rows.

    Raises
    ------
    InputError
        An unknown suffix, a missing or unreadable file.
    """
    kind = _kind(path)
    try:
        if kind == "csv":
            return [str(c) for c in pd.read_csv(path, nrows=0).columns]
        if kind == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        return [str(c) for c in pd.read_stata(path, iterator=True).variable_labels()]
    except Exception as exc:  # any parser failure is the user's file being unreadable
        raise _unreadable(path, exc) from exc


def read_columns(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    """The named columns of an analysis file (each once, in the order given), with one-line errors.

    Raises
    ------
    InputError
        An unknown suffix, a missing or unreadable file, a column the file lacks.
    """
    wanted = list(dict.fromkeys(columns))
    check_columns(wanted, file_columns(path), file=str(path))
    kind = _kind(path)
    try:
        if kind == "csv":
            return pd.read_csv(path, usecols=wanted)
        if kind == "parquet":
            return pd.read_parquet(path, columns=wanted)
        return pd.read_stata(path, columns=wanted, convert_categoricals=False)
    except Exception as exc:  # any parser failure is the user's file being unreadable
        raise _unreadable(path, exc) from exc


def _kind(path: Path) -> str:
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"cannot read files of type '{path.suffix}'", file=str(path),
                         fix="give a .csv, .parquet or .dta file")
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    return kind


def _unreadable(path: Path, exc: Exception) -> InputError:
    return InputError(f"cannot read the file ({type(exc).__name__}: {exc})".splitlines()[0], file=str(path),
                      fix="check that it is a valid CSV, Parquet or Stata file")
