"""Where a record-level table lives: one file, a folder of part files or a glob, checked part by part.

Record-level tables (patent registers, customs transactions) arrive as one
CSV or Parquet file, as a folder of Parquet parts (what Spark, Hive or an
export tool writes: ``part-00000.parquet`` ..., in subfolders for partitioned
data) or as a glob (``/data/customs/2015-*.parquet``).  All parts must have the
same format.  Each part is checked before the engine reads it, so an
unreadable part is named instead of failing deep in a query: a Parquet part
must start and end with the ``PAR1`` magic bytes, a CSV part must be text in a
supported encoding, and CSV parts must have the columns of the first part
(in any order, matched by name without regard to case or surrounding blanks;
the engines align them by name).  CSV parts that are not UTF-8 (GBK/GB18030, UTF-16) are
transcoded into the run's scratch folder, which is removed when the run ends
or is interrupted.
"""

from __future__ import annotations

import codecs
import csv
import glob
import shutil
from dataclasses import dataclass
from pathlib import Path

from data_schemas.errors import InputError
from panel.sources.encoding import detect_encoding, is_binary

#: file suffix -> format
RECORD_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".txt": "csv"}
_MAGIC = b"PAR1"
_SAMPLE_BYTES = 1 << 20
_FIX = "re-export the records as CSV or Parquet"
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class RecordInput:
    """The part files of a record-level table, ready for an engine.

    Parameters
    ----------
    label : str
        What the user named (a file, folder or glob), for messages.
    files : tuple of Path
        The parts, UTF-8 CSV or Parquet, in name order.
    format : str
        ``"csv"`` (with a header line) or ``"parquet"``.
    originals : tuple of Path
        The user's files, parallel to ``files`` (differs where a part was transcoded).
    headers : tuple of tuple of str
        CSV: each part's header, parallel to ``files`` (empty for Parquet).
        The parts hold the same columns, possibly in another order or spelt
        with other case or blanks; an engine aligns them by name.
    """

    label: str
    files: tuple[Path, ...]
    format: str
    originals: tuple[Path, ...]
    headers: tuple[tuple[str, ...], ...] = ()

    @property
    def first_line(self) -> int:
        """The line (CSV) or row (Parquet) number of a part's first record."""
        return 2 if self.format == "csv" else 1


def resolve_input(location: str | Path | list[Path], scratch: Path) -> RecordInput:
    """Find and check the parts of a record-level table.

    Parameters
    ----------
    location : str, Path or list of Path
        A CSV or Parquet file, a folder of part files (searched recursively;
        names starting with ``.`` or ``_`` such as ``_SUCCESS`` are skipped),
        a glob pattern, or a list of files.
    scratch : Path
        A folder for transcoded copies of non-UTF-8 CSV parts.

    Returns
    -------
    RecordInput

    Raises
    ------
    InputError
        No such file, no parts, parts of mixed formats, an empty or unreadable
        part, a CSV part whose columns differ from the first part's.
    """
    if isinstance(location, (list, tuple)):
        label, parts = ", ".join(str(p) for p in location), [_file(Path(p)) for p in location]
    else:
        label, parts = str(location), _parts(location)
    if not parts:
        raise InputError("no record files given", fix="pass a file, a folder of parts or a glob")
    formats = {_format_of(p) for p in parts}
    if len(formats) > 1:
        raise InputError(
            "parts of mixed formats (" + ", ".join(sorted(formats)) + ")", file=label, fix="keep one format per table"
        )
    kind = formats.pop()
    files = []
    for index, part in enumerate(parts):
        files.append(_checked_parquet(part) if kind == "parquet" else _checked_csv(part, scratch / f"part-{index}.csv"))
    headers = _same_columns(files, parts) if kind == "csv" else ()
    return RecordInput(label=label, files=tuple(files), format=kind, originals=tuple(parts), headers=headers)


def column_key(name: str) -> str:
    """How CSV part headers are matched: without surrounding blanks, case-insensitively."""
    return name.strip().casefold()


def _same_columns(files: list[Path], originals: list[Path]) -> tuple[tuple[str, ...], ...]:
    """Each CSV part's header, after checking that every part has the first part's columns (by :func:`column_key`)."""
    headers = tuple(_csv_header(path) for path in files)
    first = [column_key(name) for name in headers[0]]
    for header, original in zip(headers[1:], originals[1:]):
        names = [column_key(name) for name in header]
        if sorted(names) != sorted(first):
            missing = [name for name in headers[0] if column_key(name) not in names]
            extra = [name for name in header if column_key(name) not in first]
            differences = [f"{what}: {', '.join(columns)}" for what, columns in (("lacks", missing), ("adds", extra)) if columns]
            raise InputError(
                f"the columns differ from those of the first part {originals[0]} ("
                + ("; ".join(differences) or "a column repeated")
                + ")",
                file=original,
                fix="give every part the same columns",
            )
    return headers


def _csv_header(path: Path) -> tuple[str, ...]:
    """The header line of a UTF-8 CSV part, split at its commonest delimiter."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        line = handle.readline().rstrip("\r\n")
    delimiter = max(_DELIMITERS, key=line.count)
    return tuple(next(csv.reader([line], delimiter=delimiter)))


def _parts(location: str | Path) -> list[Path]:
    text = str(location)
    if any(ch in text for ch in "*?["):
        found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not found:
            raise InputError("no files match the pattern", file=text, fix="check the pattern")
        return found
    path = Path(location)
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
            and p.suffix.lower() in RECORD_FORMATS
        )
        if not found:
            raise InputError("the folder holds no CSV or Parquet part files", file=path, fix=_FIX)
        return found
    return [_file(path)]


def _file(path: Path) -> Path:
    if not path.is_file():
        raise InputError("file not found", file=path, fix="check the path")
    return path


def _format_of(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == _MAGIC:
        return "parquet"
    return RECORD_FORMATS.get(path.suffix.lower(), "csv")


def _checked_parquet(path: Path) -> Path:
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(max(path.stat().st_size - 4, 0))
        tail = handle.read(4)
    if head != _MAGIC or tail != _MAGIC or path.stat().st_size < 12:
        raise InputError("not a readable CSV/Parquet file", file=path, fix=_FIX)
    return path


def _checked_csv(path: Path, target: Path) -> Path:
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    if not sample.strip():
        raise InputError("the file is empty", file=path, fix=_FIX)
    if is_binary(sample):
        raise InputError("not a readable CSV/Parquet file", file=path, fix=_FIX)
    codec = detect_encoding(sample, path)
    if codec in ("utf-8", "utf-8-sig"):
        return path
    try:
        with codecs.open(str(path), "r", encoding=codec) as src, target.open("w", encoding="utf-8") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except UnicodeDecodeError:
        raise InputError(
            f"unreadable text encoding (invalid {codec} bytes)", file=path, fix="save the file as CSV UTF-8"
        ) from None
    return target
