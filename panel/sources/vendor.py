"""Read a raw export (CSMAR, CNRDS or the project's plain layouts) through its :class:`Layout`.

The code row is the header; column codes match case-insensitively.  The
Chinese label row and unit row that CSMAR puts below the codes (CNRDS: the
label row only) are detected and dropped, so files with or without them read
the same.  A file whose columns belong to another layout (an income statement
saved as ``FS_Combas.csv``) is named as such.

Examples
--------
>>> from panel.sources.formats import BALANCE_SHEET
>>> sheet = read_export("FS_Combas.csv", BALANCE_SHEET)  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from data_schemas.errors import InputError, closest
from data_schemas.raw import RAW_SCHEMAS
from panel.sources.formats import LAYOUTS, OPTIONAL_FIELDS, Layout
from panel.sources.tabular import RawTable, read_raw
from panel.sources.validate import type_and_validate

#: a layout is "recognised" in a file when at least this share of its codes are there
_RECOGNISED_SHARE = 0.8


def read_export(path: str | Path, layout: Layout) -> pd.DataFrame:
    """Read one raw export into its canonical table.

    Parameters
    ----------
    path : str or Path
        A CSV (any supported encoding) or XLSX file.
    layout : Layout
        The export's layout (:data:`panel.sources.formats.LAYOUTS`).

    Returns
    -------
    pandas.DataFrame
        Canonical column names, parsed types, validated against the layout's
        schema in :mod:`data_schemas.raw` (columns the schema derives from
        others, such as supplier flags, are not added here).

    Raises
    ------
    InputError
        For any problem, naming the file, the column code and the line numbers.
    """
    raw = read_raw(path)
    return export_frame(raw, layout)


def export_frame(raw: RawTable, layout: Layout) -> pd.DataFrame:
    """:func:`read_export` for a file already read by :func:`panel.sources.tabular.read_raw`."""
    by_code = {str(column).lower(): column for column in raw.data.columns}
    check_layout(raw, layout, by_code)
    found = [field for field in layout.fields if field.code.lower() in by_code]
    cells = raw.data[[by_code[field.code.lower()] for field in found]]
    cells.columns = [field.name for field in found]
    cells = drop_label_rows(cells, layout)
    labels = {field.name: by_code.get(field.code.lower(), field.code) for field in layout.fields}
    return type_and_validate(cells, layout_schema(layout), labels, raw.path, excel=raw.kind == "xlsx")


def layout_schema(layout: Layout) -> pa.DataFrameSchema:
    """The part of the table's schema that the layout's columns fill."""
    return RAW_SCHEMAS[layout.table].select_columns([field.name for field in layout.fields])


def check_layout(raw: RawTable, layout: Layout, by_code: dict[str, str]) -> None:
    """Raise if the file is another table or misses a required column.

    Raises
    ------
    InputError
        ``does not look like a <table> export`` when under half of the
        layout's codes are present (naming the layout it does look like, if
        any), else ``required column not found`` for the first missing
        required code, with the closest code in the file.
    """
    present = set(by_code)
    share = _share_present(layout, present)
    if share < 0.5:
        raise InputError(
            f"does not look like {_a(layout.table)} export ({layout.file_stem}): "
            f"{_count_missing(layout, present)} of its {len(layout.fields)} columns are missing; "
            + _resemblance(layout, present),
            file=raw.path,
            fix="check that the right file was saved under this name",
        )
    optional = OPTIONAL_FIELDS.get(layout.table, frozenset())
    missing = [f for f in layout.fields if f.code.lower() not in present and f.name not in optional]
    if not missing:
        return
    field = missing[0]
    unused = present - {f.code.lower() for f in layout.fields}
    close = closest(field.code, sorted(unused))
    problem = "required column not found"
    if close:
        problem += f" (closest: '{by_code[close[0]]}')"
    if len(missing) > 1:
        problem += "; also missing: " + ", ".join(f.code for f in missing[1:])
    label = f" {field.label_zh}" if field.label_zh else ""
    fix = (
        f"rename '{by_code[close[0]]}' to '{field.code}'"
        if close
        else f"re-export {layout.file_stem} with the field {field.code}{label}"
    )
    raise InputError(problem, file=raw.path, column=field.code, fix=fix)


def _share_present(layout: Layout, present: set[str]) -> float:
    return 1 - _count_missing(layout, present) / len(layout.fields)


def _count_missing(layout: Layout, present: set[str]) -> int:
    return sum(field.code.lower() not in present for field in layout.fields)


def _resemblance(layout: Layout, present: set[str]) -> str:
    """Which other layout the file's columns belong to, in words."""
    candidates = [
        (_share_present(other, present), other)
        for other in LAYOUTS.values()
        if other.table != layout.table
    ]
    share, best = max(candidates, key=lambda pair: pair[0])
    if share >= _RECOGNISED_SHARE:
        return f"it looks like {_a(best.table)} export ({best.file_stem})"
    return "it matches no known layout"


def _a(noun: str) -> str:
    """``noun`` with its indefinite article."""
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def drop_label_rows(cells: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """Drop the label/unit rows right below the header, if the file has them.

    A leading row is a label row when one of its cells is a label or unit of
    the layout, or when its stock-code cell holds text without any digit
    (``证券代码``, ``没有单位``).  At most ``layout.extra_header_rows`` rows
    are dropped; files saved without them are read unchanged.
    """
    known = {text for field in layout.fields for text in (field.label_zh, field.unit) if text}
    n_drop = 0
    for _, row in cells.head(layout.extra_header_rows).iterrows():
        texts = {str(value).strip() for value in row if value is not None}
        code = row.get("firm_id")
        code_text = "" if code is None else str(code).strip()
        looks_like_label = bool(texts & known) or (code_text != "" and not any(c.isdigit() for c in code_text))
        if not looks_like_label:
            break
        n_drop += 1
    return cells.iloc[n_drop:]
