"""Render a canonical table through its raw layout into a CSV file.

One writer for every demo file: the code row of :class:`Layout.fields`, then
the layout's extra header rows (CSMAR: Chinese label row and unit row;
CNRDS: label row; plain layouts: none), then the data.  CSMAR files start
with a UTF-8 byte-order mark as CSMAR's exports do; the others are plain
UTF-8.  Dates are written as ``YYYY-MM-DD``, money with a fixed number of
decimals (never in exponent notation), missing values as empty cells.
Strings are quoted only in a file where some value needs it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from panel.sources.formats import Layout

UTF8_BOM = b"\xef\xbb\xbf"
_NEEDS_QUOTES = r'[,"\r\n]'


@dataclass(frozen=True)
class WrittenFile:
    """One file the demo wrote.

    Attributes
    ----------
    name : str
        File name.
    rows : int
        Data rows (header rows not counted).
    size_bytes : int
        File size.
    """

    name: str
    rows: int
    size_bytes: int


def header_rows(layout: Layout) -> list[list[str]]:
    """The header rows of a layout: codes, then labels and units as the vendor writes them."""
    rows = [[field.code for field in layout.fields]]
    if layout.extra_header_rows >= 1:
        rows.append([field.label_zh for field in layout.fields])
    if layout.extra_header_rows >= 2:
        rows.append([field.unit for field in layout.fields])
    return rows


def _arrow_column(values: pd.Series, decimals: int | None) -> pa.Array:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return pa.array(values.to_numpy(dtype="datetime64[ns]"), from_pandas=True).cast(pa.date32())
    if pd.api.types.is_float_dtype(values.dtype):
        array = pa.array(values.to_numpy(dtype=float), from_pandas=True)
        if decimals is None:
            return array
        return pc.round(array, decimals).cast(pa.decimal128(38, decimals))
    if pd.api.types.is_integer_dtype(values.dtype):
        return pa.array(values.to_numpy(dtype=np.int64))
    return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def write_table(
    frame: pd.DataFrame, layout: Layout, path: Path, decimals: Mapping[str, int] | None = None
) -> WrittenFile:
    """Write a canonical table as a raw export in ``layout``.

    Parameters
    ----------
    frame : DataFrame
        Canonical columns (the ``name`` of each layout field).
    layout : Layout
        The export layout; its field order is the column order.
    path : Path
        Target file.
    decimals : mapping of str to int, optional
        Fixed decimals per canonical float column (others are written in the
        shortest exact form).

    Returns
    -------
    WrittenFile
    """
    decimals = decimals or {}
    arrays = [_arrow_column(frame[field.name], decimals.get(field.name)) for field in layout.fields]
    table = pa.Table.from_arrays(arrays, names=[field.code for field in layout.fields])
    needs_quotes = any(
        pa.types.is_string(array.type) and pc.any(pc.match_substring_regex(array, _NEEDS_QUOTES)).as_py()
        for array in arrays
    )
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerows(header_rows(layout))
    with open(path, "wb") as handle:
        if layout.vendor == "CSMAR":
            handle.write(UTF8_BOM)
        handle.write(header.getvalue().encode("utf-8"))
        options = pacsv.WriteOptions(include_header=False, quoting_style="needed" if needs_quotes else "none")
        pacsv.write_csv(table, handle, options)
    return WrittenFile(name=path.name, rows=len(frame), size_bytes=path.stat().st_size)
