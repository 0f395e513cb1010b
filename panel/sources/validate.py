"""Check a typed table against its pandera schema; report problems as one-line InputErrors.

Duplicate keys are checked first (the message names the key and its value);
then the schema's checks run and the first failing column is reported with the
offending line numbers.  pandera's multi-line report never reaches the user.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from data_schemas.errors import InputError
from panel.sources.coerce import type_columns


def check_unique(
    frame: pd.DataFrame, keys: list[str], labels: dict[str, str], file: str | Path | None
) -> None:
    """Raise if two rows share the same key.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed table, index = file line numbers.
    keys : list of str
        Canonical key columns.
    labels : dict
        Canonical name -> the user's column name.
    file : str or Path, optional
        For the message.
    """
    duplicated = frame.duplicated(subset=keys, keep=False)
    if not duplicated.any():
        return
    first = frame.loc[duplicated, keys].iloc[0]
    same = (frame[keys] == first).all(axis=1)
    user_keys = ", ".join(labels.get(key, key) for key in keys)
    value = ", ".join(_show(v) for v in first)
    raise InputError(
        f"duplicate key ({user_keys}) = ({value})",
        file=file,
        rows=frame.index[same].tolist(),
        fix=f"keep one row per {user_keys}",
    )


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def validate_table(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    labels: dict[str, str],
    file: str | Path | None,
) -> pd.DataFrame:
    """Validate a typed table and return it with a fresh 0..n-1 index.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed table, index = file line numbers.
    schema : pandera.DataFrameSchema
        The canonical schema.
    labels : dict
        Canonical name -> the user's column name.
    file : str or Path, optional
        For messages.

    Raises
    ------
    InputError
        On a duplicate key or a failed check.
    """
    if schema.unique:
        check_unique(frame, list(schema.unique), labels, file)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise schema_error_to_input_error(exc, schema, labels, file) from None
    return frame.reset_index(drop=True)


def schema_error_to_input_error(
    exc: pa.errors.SchemaErrors,
    schema: pa.DataFrameSchema,
    labels: dict[str, str],
    file: str | Path | None,
) -> InputError:
    """The first failure of a lazy pandera validation, as one InputError."""
    cases = exc.failure_cases
    column = str(cases["column"].iloc[0])
    check = str(cases["check"].iloc[0])
    mine = cases[(cases["column"] == column) & (cases["check"] == check)]
    rows = [int(i) for i in mine["index"].dropna()]
    example = mine["failure_case"].iloc[0]
    return InputError(
        f"{_describe(check, schema, column)}, got '{example}'",
        file=file,
        column=labels.get(column, column),
        rows=rows,
        fix="correct these cells",
    )


def _describe(check: str, schema: pa.DataFrameSchema, column: str) -> str:
    """Plain words for a pandera check name such as ``isin(['A', 'B'])``."""
    found = schema.columns.get(column)
    for candidate in [] if found is None else found.checks:
        if str(candidate.error) != check and candidate.name != check:
            continue
        stats = candidate.statistics
        if candidate.name == "isin":
            return "expected one of " + ", ".join(str(v) for v in stats["allowed_values"])
        if candidate.name == "in_range":
            return f"expected a value from {stats['min_value']} to {stats['max_value']}"
        if candidate.name == "greater_than_or_equal_to":
            return f"expected a value of at least {stats['min_value']}"
        if candidate.name == "greater_than":
            return f"expected a value above {stats['min_value']}"
        if candidate.name == "str_matches":
            return f"expected text matching {stats['pattern']}"
    if check.startswith("dtype("):
        return f"expected type {check[6:-1]}"
    return f"failed check {check}"


def type_and_validate(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    labels: dict[str, str],
    file: str | Path | None,
    *,
    excel: bool = False,
) -> pd.DataFrame:
    """Parse (:func:`panel.sources.coerce.type_columns`) then validate a table of raw cells.

    Raises
    ------
    InputError
        If the table has no rows, a cell does not parse, or a check fails.
    """
    if frame.empty:
        raise InputError("no data rows below the header", file=file, fix="re-export the table with its data")
    typed = type_columns(frame, schema, labels, file, excel=excel)
    return validate_table(typed, schema, labels, file)
