"""Read a CSV, XLSX, Parquet or Stata file into an untyped table with file line numbers.

The result keeps every cell as the file holds it (text for CSV; text, numbers
or datetimes for XLSX; typed columns for Parquet and Stata) and indexes the rows
by their line number in the file (the header is line 1), so every later error
can point at the lines a user sees in a text editor or in Excel.  Typing and
validation happen in :mod:`panel.sources.coerce` and
:mod:`panel.sources.validate`.

The format is decided by the file's first bytes where they are unambiguous
(an XLSX saved under a ``.csv`` name is still read as XLSX), else by the suffix.

Nothing is lost silently: a CSV whose data lines have fewer fields than the
header, or whose last line is shorter than every other data line and has no
line break after it, looks cut off and is refused; so is a workbook with data
on more than one sheet (the message lists the sheets).  A file that cannot be
opened (permissions) is an error naming it.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from panel.sources.encoding import decode_text, is_binary

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_PARQUET_MAGIC = b"PAR1"
_DELIMITERS = (",", "\t", ";", "|")

#: file suffixes the adapters read
READABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".parquet", ".dta")


@dataclass(frozen=True)
class RawTable:
    """A file's cells before typing.

    Parameters
    ----------
    data : pandas.DataFrame
        One column per header cell (names as in the file, stripped), index =
        line number in the file (for Parquet and Stata: 1-based row number).
    path : Path
        The file read.
    kind : str
        ``"csv"``, ``"xlsx"``, ``"parquet"`` or ``"dta"``.
    """

    data: pd.DataFrame
    path: Path
    kind: str

    @property
    def typed(self) -> bool:
        """Whether the cells already carry types (Parquet, Stata) rather than text."""
        return self.kind in ("parquet", "dta")


def sniff_kind(path: Path, head: bytes) -> str:
    """Tell the file format from its first bytes, else from its suffix."""
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".parquet", ".dta", ".xls"):
        return suffix[1:]
    return "csv"


def read_raw(path: str | Path) -> RawTable:
    """Read any supported file into a :class:`RawTable`.

    Raises
    ------
    InputError
        If the file is missing, empty, not a readable CSV/XLSX/Parquet/Stata
        file, or in an unsupported text encoding.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=path, fix="check the path")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(f"cannot open the file ({exc.strerror or exc.__class__.__name__})", file=path,
                         fix="check that you may read it (permissions) and that it is not locked") from None
    kind = sniff_kind(path, head)
    if kind == "xls":
        raise InputError(
            "old Excel .xls format is not supported",
            file=path,
            fix="open it in Excel and save it as .xlsx or CSV UTF-8",
        )
    readers = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet, "dta": _read_dta}
    data = readers[kind](path)
    return RawTable(data=data, path=path, kind=kind)


def _unreadable(path: Path, what: str = "CSV/XLSX") -> InputError:
    return InputError(
        f"not a readable {what} file",
        file=path,
        fix="re-export the table as CSV or XLSX",
    )


def _empty(path: Path) -> InputError:
    return InputError("the file is empty", file=path, fix="re-export the table")


def _read_csv(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise _empty(path)
    if is_binary(data):
        raise _unreadable(path)
    text = decode_text(data, path).lstrip("\ufeff")
    if not text.strip():
        raise _empty(path)
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    _check_complete(text, delimiter, path)
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            f"not a readable CSV file ({str(exc).strip().splitlines()[0]})",
            file=path,
            fix="check that every line has the same number of fields as the header",
        ) from None
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    blank = cells.apply(lambda column: column.fillna("").str.strip().eq("")).all(axis=1)
    return _with_header(cells, path, blank)


_CUT_FIX = "the file looks cut off: export or copy it again (if it is complete, end it with a line break)"


def _check_complete(text: str, delimiter: str, path: Path) -> None:
    """Refuse a CSV that looks cut off (see the module docstring); ``text`` has no leading blank lines."""
    lines = text.rstrip("\r\n").splitlines()
    lines = [line for line in lines if line.strip()]
    if len(lines) < 2:
        return
    header, last = (next(csv.reader([line], delimiter=delimiter)) for line in (lines[0], lines[-1]))
    if '"' not in lines[-1] and len(last) < len(header):
        raise InputError(f"the last line has {len(last)} fields, the header {len(header)}", file=path,
                         rows=[_last_line_number(text)], fix="the file looks cut off: export or copy it again")
    if text.endswith(("\n", "\r")) or len(lines) < 4:
        return
    if len(lines[-1]) < min(len(line) for line in lines[1:-1]):
        raise InputError("the last line is shorter than every other line and has no line break after it",
                         file=path, rows=[_last_line_number(text)], fix=_CUT_FIX)


def _last_line_number(text: str) -> int:
    """Line number (1 = first) of the last line of ``text`` that is not empty."""
    return text.rstrip("\r\n").count("\n") + 1


def _read_xlsx(path: Path) -> pd.DataFrame:
    import openpyxl

    with path.open("rb") as handle:  # a handle: openpyxl would refuse an XLSX named .csv
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            filled = [sheet for sheet in book.worksheets if _has_data(sheet)]
            rows = list((filled or book.worksheets)[0].iter_rows(values_only=True))
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
            raise _unreadable(path) from None
    if len(filled) > 1:
        names = ", ".join(f"'{sheet.title}'" for sheet in filled)
        raise InputError(f"the workbook has data on {len(filled)} sheets ({names}); one sheet per file is read",
                         file=path, fix="keep the table on one sheet (move notes and other tables to files of "
                                        "their own, one per table) or save the table's sheet as CSV")
    if not rows:
        raise _empty(path)
    width = max(len(row) for row in rows)
    cells = pd.DataFrame([list(row) + [None] * (width - len(row)) for row in rows], dtype=object)
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    return _with_header(cells, path, cells.map(_is_blank).all(axis=1))


def _has_data(sheet) -> bool:
    """Whether a worksheet holds any non-blank cell."""
    return any(not _is_blank(value) for row in sheet.iter_rows(values_only=True) for value in row)


def _with_header(cells: pd.DataFrame, path: Path, blank: pd.Series) -> pd.DataFrame:
    """Use the first non-blank row as header; drop the ``blank`` rows; keep line numbers."""
    cells = cells.loc[~blank]
    if cells.empty:
        raise _empty(path)
    header = [("" if _is_blank(v) else str(v).strip()) for v in cells.iloc[0]]
    keep = [i for i, name in enumerate(header) if name]
    names = [header[i] for i in keep]
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise InputError(
                "column appears twice in the header",
                file=path,
                column=name,
                fix="remove or rename one of the two columns",
            )
        seen.add(name.lower())
    body = cells.iloc[1:, keep]
    body.columns = names
    return body


def _is_blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, float) and math.isnan(value))


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        data = pd.read_parquet(path)
    except Exception:  # pyarrow raises several unrelated types for a corrupt file
        raise _unreadable(path, "Parquet") from None
    data.index = pd.RangeIndex(1, len(data) + 1)
    data.columns = [str(c).strip() for c in data.columns]
    return data


def _read_dta(path: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        data, _ = pyreadstat.read_dta(str(path))
    except Exception:  # pyreadstat.ReadstatError and OSError variants
        raise _unreadable(path, "Stata .dta") from None
    data.index = pd.RangeIndex(1, len(data) + 1)
    data.columns = [str(c).strip() for c in data.columns]
    return data
