"""Turn raw cells into typed columns, naming the file lines that will not convert.

Cells arrive as text (CSV), as text, numbers or datetimes (XLSX), or typed
(Parquet, Stata).  Each parser accepts all three and raises
:class:`~data_schemas.errors.InputError` naming the user's column and the
offending line numbers (the series index).

* stock codes: digits, zero-padded to 6 (``1`` -> ``000001``; ``000001.SZ``
  and ``SZ000001`` accepted);
* dates: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYYMMDD`` (an optional time part
  is ignored), datetime cells, and Excel serial day numbers (five-digit whole
  numbers, 1954-10-14 .. 2173-10-14; in XLSX cells or CSV text);
* numbers: thousands separators and surrounding blanks stripped; empty,
  ``NA``, ``N/A``, ``NULL``, ``-``, ``--`` mean missing; ``inf``, ``-inf``
  and numbers too large for a float (``1e400``) are errors, never values;
* whole numbers: as numbers, and the value must be integral.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from data_schemas.errors import InputError

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "#n/a"})
_STOCK_CODE = re.compile(r"^(?:S[HZ]|BJ)?(\d{1,6})(?:\.0+)?(?:\.(?:S[HZ]|BJ|SS))?$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Excel serial day numbers accepted as dates (1954-10-14 .. 2173-10-14)
_SERIAL_RANGE = (20_000, 100_000)
_SHOWN_VALUES = 1


def is_missing(value: object) -> bool:
    """Whether a raw cell means "no value"."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in MISSING_TOKENS
    if isinstance(value, float):
        return np.isnan(value)
    return value is pd.NaT or value is pd.NA


def _all_text(raw: pd.Series) -> bool:
    """Whether every cell is a string (CSV input): the vectorised paths apply."""
    if raw.dtype != object:
        return pd.api.types.is_string_dtype(raw.dtype)
    return bool(raw.map(type).eq(str).all())


def _missing_mask(text: pd.Series) -> pd.Series:
    return text.str.strip().str.lower().isin(MISSING_TOKENS) | text.isna()


def _bad(problem: str, bad: pd.Series, column: str, file: str | Path | None, fix: str) -> InputError:
    example = bad.iloc[0]
    return InputError(
        f"{problem}, got '{str(example).strip()}'",
        file=file,
        column=column,
        rows=bad.index.tolist(),
        fix=fix,
    )


def parse_stock_codes(raw: pd.Series, column: str, file: str | Path | None) -> pd.Series:
    """Parse stock codes into zero-padded 6-digit strings (missing stays missing)."""

    def one(value: object) -> str | None:
        if is_missing(value):
            return None
        if isinstance(value, numbers.Integral) or (isinstance(value, float) and value.is_integer()):
            text = str(int(value))
        else:
            text = str(value).strip()
        match = _STOCK_CODE.match(text)
        return match.group(1).zfill(6) if match else "?"

    if _all_text(raw):
        stripped = raw.str.strip()
        if stripped.str.fullmatch(r"\d{6}").all():  # the usual case: codes already in their six digits
            return text_series(stripped.tolist(), raw.index)
        missing = _missing_mask(raw)
        digits = stripped.str.extract(_STOCK_CODE, expand=False)
        bad = digits.isna() & ~missing
        codes = digits.str.zfill(6).where(~missing, None).tolist()
    else:
        codes = [one(value) for value in raw]
        bad = pd.Series([code == "?" for code in codes], index=raw.index, dtype=bool)
    if bad.any():
        raise _bad(
            "expected a stock code of up to 6 digits", raw[bad], column, file, "correct these cells"
        )
    return text_series(codes, raw.index)


def parse_numbers(raw: pd.Series, column: str, file: str | Path | None, *, whole: bool = False) -> pd.Series:
    """Parse numbers (float64; whole numbers checked to be integral).

    Parameters
    ----------
    raw : pandas.Series
        Raw cells, index = file line numbers.
    column : str
        The user's column name, for messages.
    file : str or Path, optional
        For messages.
    whole : bool
        Require integral values (years, ranks, batches).
    """
    if pd.api.types.is_bool_dtype(raw.dtype):
        raise _bad("expected a number", raw, column, file, "correct these cells")
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.astype("float64")
    elif _all_text(raw):
        # Cells that already read as numbers skip the cleaning; only the rest are cleaned.
        values = pd.to_numeric(raw.astype(object), errors="coerce").astype("float64")
        todo = values.isna()
        if todo.any():
            rest = raw[todo]
            missing = _missing_mask(rest)
            cleaned = rest.str.replace(r"[,，\s]", "", regex=True).where(~missing, None)
            values[todo] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
            bad = values.isna() & ~missing.reindex(raw.index, fill_value=True)
            if bad.any():
                raise _bad("expected a number", raw[bad], column, file, "correct these cells or leave them empty")
    else:
        missing = raw.map(is_missing).astype(bool)
        cleaned = raw.map(_number_text)
        values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
        bad = values.isna() & ~missing
        if bad.any():
            raise _bad("expected a number", raw[bad], column, file, "correct these cells or leave them empty")
    infinite = np.isinf(values)
    if infinite.any():
        raise _bad("expected a finite number", raw[infinite], column, file,
                   "correct these cells or leave them empty (an infinite amount is never a value)")
    if whole:
        fractional = values.notna() & (values != np.floor(values))
        if fractional.any():
            raise _bad("expected a whole number", raw[fractional], column, file, "correct these cells")
    return values


def _number_text(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").replace(" ", "")
        return None if text.lower() in MISSING_TOKENS else text
    if isinstance(value, (dt.date, dt.datetime, bool)):
        return "not a number"
    return value


_DATE_PROBLEM = "expected a date (YYYY-MM-DD or YYYY/MM/DD)"
_DATE_FIX = "correct these cells or leave them empty"


def parse_dates(raw: pd.Series, column: str, file: str | Path | None, *, excel: bool = False) -> pd.Series:
    """Parse dates into ``datetime64[ns]`` (missing -> NaT).

    Parameters
    ----------
    raw : pandas.Series
        Raw cells, index = file line numbers.
    column, file
        For messages.
    excel : bool
        Accept numeric cells as Excel serial day numbers (XLSX input).
    """
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw.dt.tz_localize(None).astype("datetime64[ns]") if raw.dt.tz else raw.astype("datetime64[ns]")
    if _all_text(raw):
        text = raw.str.strip().str.replace(r"(?s)[ T].*", "", regex=True)  # the date part of a date and time
        fast = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        for fmt in _DATE_FORMATS:
            todo = fast.isna()
            fast[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        serial = pd.to_numeric(text.where(text.str.fullmatch(r"\d{5}"), None), errors="coerce")
        serial = serial.where((serial >= _SERIAL_RANGE[0]) & (serial < _SERIAL_RANGE[1]))
        fast = fast.fillna(_EXCEL_EPOCH + pd.to_timedelta(serial, unit="D"))
        bad = fast.isna() & ~_missing_mask(raw)
        if bad.any():
            raise _bad(_DATE_PROBLEM, raw[bad], column, file, _DATE_FIX)
        return fast
    parsed = raw.map(lambda value: _one_date(value, excel))
    bad = parsed.map(lambda value: value is _UNPARSEABLE).astype(bool)
    if bad.any():
        raise _bad(_DATE_PROBLEM, raw[bad], column, file, _DATE_FIX)
    return pd.to_datetime(parsed.where(parsed.notna(), None)).astype("datetime64[ns]")


_UNPARSEABLE = object()


def _one_date(value: object, excel: bool) -> object:
    if is_missing(value):
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if excel and _SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + pd.Timedelta(days=int(number))
        value = str(int(number)) if number.is_integer() else str(value)
    text = str(value).strip().split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    return _UNPARSEABLE


def parse_text(raw: pd.Series) -> pd.Series:
    """Strip text cells; empty cells become missing."""

    def one(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        return text or None

    if _all_text(raw):
        text = raw.str.strip()
        return text_series(text.where(text != "", None).tolist(), raw.index)
    return text_series([one(value) for value in raw], raw.index)


def map_distinct(values: pd.Series, function: Callable[[object], object]) -> pd.Series:
    """``values.map(function)`` with ``function`` called once per distinct value (and once for missing cells).

    Examples
    --------
    >>> map_distinct(pd.Series(["a", "b", "a", None]), lambda v: "?" if v is None else v.upper()).tolist()
    ['A', 'B', 'A', '?']
    """
    codes, distinct = pd.factorize(values)
    mapped = np.array([*(function(value) for value in distinct), function(None)], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)  # code -1 (missing) takes the last


def text_series(values: list[str | None], index: pd.Index) -> pd.Series:
    """A text column in pandas' default text dtype, ``None`` for missing."""
    return pd.Series(values, index=index, dtype="str")


def type_columns(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    labels: dict[str, str],
    file: str | Path | None,
    *,
    excel: bool = False,
) -> pd.DataFrame:
    """Parse every schema column of ``frame`` by the schema's type.

    Parameters
    ----------
    frame : pandas.DataFrame
        Raw cells with canonical column names, index = file line numbers.
        Columns the schema has and ``frame`` lacks are added as missing.
    schema : pandera.DataFrameSchema
        The canonical table's schema (:mod:`data_schemas.raw`).
    labels : dict
        Canonical name -> the user's column name, for messages.
    file : str or Path, optional
        For messages.
    excel : bool
        Numeric date cells are Excel serial day numbers.

    Returns
    -------
    pandas.DataFrame
        The schema's columns, in schema order, typed; other columns dropped.

    Raises
    ------
    InputError
        A cell that does not parse, or a missing value in a required column.
    """
    typed: dict[str, pd.Series] = {}
    for name, column in schema.columns.items():
        label = labels.get(name, name)
        raw = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        dtype = str(column.dtype)
        if name == "firm_id":
            values = parse_stock_codes(raw, label, file)
        elif dtype.startswith("datetime64"):
            values = parse_dates(raw, label, file, excel=excel)
        elif dtype in ("float64", "int64", "Int64"):
            values = parse_numbers(raw, label, file, whole=dtype != "float64")
        elif dtype in ("str", "object") or dtype.startswith("string"):
            values = parse_text(raw)
        else:
            values = raw
        if not column.nullable and values.isna().any():
            raise InputError(
                "missing value in a required column",
                file=file,
                column=label,
                rows=values.index[values.isna()].tolist(),
                fix="fill these cells or drop the rows",
            )
        if dtype == "int64":
            values = values.astype("int64")
        elif dtype == "Int64":
            values = values.astype("Int64")
        typed[name] = values
    return pd.DataFrame(typed, index=frame.index)
