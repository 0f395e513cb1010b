"""Load every raw table of a data folder: discovery by file name, or a ``sources.toml``.

Discovery
---------
Each layout of :mod:`panel.sources.formats` has a file stem; a file belongs to
a table when its name (case-insensitive) is the stem, optionally followed by
``_``, ``-``, ``.`` or a blank and more text, with a suffix ``.csv``, ``.txt``,
``.tsv``, ``.xlsx``, ``.xls``, ``.parquet`` or ``.dta``: ``FS_Combas.csv``,
``fs_combas.xlsx`` and ``FS_Combas_2010.csv`` + ``FS_Combas_2020.csv`` (read
and concatenated) all give the balance sheet.  CSMAR's field-description files
(``FS_Combas[DES][csv].txt``) do not match.  Patent-level records
(``patent_records.*``) are aggregated to ``patent_firm_year`` and
``semiconductor_share``; supplier disclosures get their masked/foreign flags.

company, balance_sheet and income_statement are required; every other table
is ``None`` when the folder has no file for it.

sources.toml
------------
An optional ``sources.toml`` in the folder (or passed as ``config``) points
tables at other files and gives column mappings for files in no vendor layout.
Paths are relative to the folder holding the TOML file.  One section per
table; keys:

* ``file``: a path, or a list of paths (concatenated);
* ``columns``: ``{canonical name = "file column"}``; the file is then read
  with :func:`panel.sources.generic.read_mapped` instead of the layout;
* ``source`` (sanctions and huawei_suppliers only): ``"reference"`` for the
  bundled, sourced lists (with ``min_confidence``, default ``"medium"``);
  for sanctions also ``"screening_list"`` with ``file`` (the Consolidated
  Screening List download), ``crosswalk`` (name -> Stkcd) and ``china_only``.

Example::

    [balance_sheet]
    file = ["downloads/FS_Combas_2000-2014.xlsx", "downloads/FS_Combas_2015-2024.xlsx"]

    [subsidies]
    file = "grants.dta"
    columns = { firm_id = "code", year = "fyear", subsidy = "govgrant" }

    [patent_records]
    file = "/data/cnipa/records.parquet"

    [sanctions]
    source = "screening_list"
    file = "consolidated.csv"
    crosswalk = "entity_to_stkcd.csv"
    china_only = true

    [huawei_suppliers]
    source = "reference"
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from data_schemas.errors import InputError, check_choice, closest, during
from data_schemas.raw import RAW_SCHEMAS
from panel.engines import Engine
from panel.jobs import JobRunner, largest_first
from panel.sources.customs_transactions import aggregate_customs_transactions
from panel.sources.formats import LAYOUTS
from panel.sources.generic import read_mapped
from panel.sources.patents import PatentAggregates, aggregate_patent_records
from panel.sources.screening_list import read_screening_list, screening_list_sanctions
from panel.sources.suppliers import finish_suppliers
from panel.sources.tabular import READABLE_SUFFIXES
from panel.sources.treatment import huawei_suppliers_from_reference, sanctions_from_export_controls
from panel.sources.validate import check_unique
from panel.sources.vendor import read_export

REQUIRED_TABLES = ("company", "balance_sheet", "income_statement")
#: file stem of firm-level customs transactions (read in one engine pass into ``import_shares``)
TRANSACTIONS_STEM = "customs_transactions"
#: file stems of other studies' inputs (commodity imports) that may share the folder
OTHER_STEMS = ("customs_imports", "gdp", "hs_groups")
CONFIG_NAME = "sources.toml"
_ENTRY_KEYS = {
    "file": "a path or a list of paths",
    "columns": "a table {canonical name = 'file column'}",
    "source": "'reference' or 'screening_list'",
    "crosswalk": "a path",
    "china_only": "true or false",
    "min_confidence": "a confidence level",
}
_SOURCES = {"sanctions": ("reference", "screening_list"), "huawei_suppliers": ("reference",)}


@dataclass(frozen=True)
class FileRecord:
    """Where a table came from: the file, its size in bytes and its SHA-256."""

    path: Path
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> FileRecord:
        """The record of the file at ``path`` (read in 1 MiB chunks)."""
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return cls(path=path.resolve(), size=path.stat().st_size, sha256=digest.hexdigest())

    def to_dict(self) -> dict[str, Any]:
        """As stored in a manifest: ``path``, ``bytes``, ``sha256``."""
        return {"path": str(self.path), "bytes": self.size, "sha256": self.sha256}


@dataclass(frozen=True, eq=False)
class RawTables(Mapping):
    """The canonical raw tables of a data folder, and the files they came from.

    Reads as a mapping from table name to DataFrame (``None`` where the
    folder has no such table), so it can go straight to the panel builder.

    Parameters
    ----------
    company, balance_sheet, income_statement : pandas.DataFrame
        Required tables.
    annual_info, market_value, subsidies, patent_counts, patent_firm_year : pandas.DataFrame or None
        Optional tables.
    semiconductor_share, suppliers, sanctions, huawei_suppliers, designations : pandas.DataFrame or None
        Optional tables.
    import_shares : pandas.DataFrame or None
        Firm-year imports and shares from the US and its allies, from
        firm-level customs transactions (``customs_transactions*`` files).
    provenance : mapping of str to tuple of FileRecord
        For each table read, its files.
    """

    company: pd.DataFrame
    balance_sheet: pd.DataFrame
    income_statement: pd.DataFrame
    annual_info: pd.DataFrame | None = None
    market_value: pd.DataFrame | None = None
    subsidies: pd.DataFrame | None = None
    patent_counts: pd.DataFrame | None = None
    patent_firm_year: pd.DataFrame | None = None
    semiconductor_share: pd.DataFrame | None = None
    suppliers: pd.DataFrame | None = None
    sanctions: pd.DataFrame | None = None
    huawei_suppliers: pd.DataFrame | None = None
    designations: pd.DataFrame | None = None
    import_shares: pd.DataFrame | None = None
    provenance: Mapping[str, tuple[FileRecord, ...]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame | None:
        if name not in TABLE_NAMES:
            raise KeyError(name)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(TABLE_NAMES)

    def __len__(self) -> int:
        return len(TABLE_NAMES)


TABLE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RawTables) if f.name != "provenance")


def load_folder(
    path: str | Path, config: str | Path | Mapping | None = None, *, cutoff_year: int = 2019, engine: Engine | None = None,
    run: JobRunner | None = None,
) -> RawTables:
    """Read every raw table of a folder.

    Parameters
    ----------
    path : str or Path
        The data folder.
    config : str, Path or mapping, optional
        A ``sources.toml`` file (default: the folder's own, if any), or its
        parsed content (paths then relative to ``path``).
    cutoff_year : int
        Patents applied for before this year count for the semiconductor share.
    engine : Engine, optional
        The engine that aggregates patent-level records (:mod:`panel.engines`; DuckDB by default).
    run : callable, optional
        A job runner (:mod:`panel.jobs`), e.g. :meth:`runs.parallel.Workers.run`
        to read the tables side by side, the largest files first; by default
        they are read here one after another.  Each job reads one table (or
        aggregates one record-level table), so it must not be given with an
        ``engine`` that cannot be pickled.

    Returns
    -------
    RawTables

    Raises
    ------
    InputError
        A required table with no file, a bad ``sources.toml``, or any problem
        in a file.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError("data folder not found", file=folder, fix="pass the folder holding the raw files")
    entries, base = _read_config(folder, config)
    jobs: list[Callable[[], dict[str, tuple[pd.DataFrame | None, tuple[FileRecord, ...]]]]] = []
    sizes: list[int] = []
    for name in (*LAYOUTS, "patent_firm_year"):
        entry = entries.get(name, {})
        files = _entry_files(entry, base, name) or (discover(folder, LAYOUTS[name].file_stem) if name in LAYOUTS else [])
        if files or "source" in entry:
            jobs.append(partial(_load_entry, name, entry, files, base, cutoff_year, engine))
            sizes.append(_bytes(files))
    transactions = discover(folder, TRANSACTIONS_STEM)
    if transactions:
        jobs.append(partial(_load_transactions, transactions, engine))
        sizes.append(_bytes(transactions))
    tables: dict[str, pd.DataFrame | None] = {}
    provenance: dict[str, tuple[FileRecord, ...]] = {}
    for loaded in largest_first(run, jobs, sizes):  # the largest files first, the values in table order
        for name, (table, records) in loaded.items():
            tables[name], provenance[name] = table, records
    missing = [name for name in REQUIRED_TABLES if tables.get(name) is None]
    if not missing:
        _warn_unmatched(folder, tables, entries, provenance)
    if missing:
        looked_for = ", ".join(f"{LAYOUTS[name].file_stem}.csv/.xlsx" for name in missing)
        raise InputError(
            f"required table(s) missing: {', '.join(missing)} (looked for {looked_for})",
            file=folder,
            fix=f"add the files or point {CONFIG_NAME} at them",
        )
    return RawTables(**{name: tables.get(name) for name in TABLE_NAMES}, provenance=provenance)


def _bytes(files: list[Path]) -> int:
    """The size of ``files`` together (every path of a table is a file: see :func:`discover`, :func:`_entry_files`)."""
    return sum(path.stat().st_size for path in files)


def _load_entry(name: str, entry: Mapping, files: list[Path], base: Path, cutoff_year: int,
                engine: Engine | None) -> dict[str, tuple[pd.DataFrame | None, tuple[FileRecord, ...]]]:
    """One table of the folder (two for patent records: firm-year counts and semiconductor shares) and its files."""
    with during(f"reading the {name} table from {', '.join(str(f) for f in files) or 'the bundled reference'}"):
        if name == "patent_records":
            aggregates = _patent_aggregates(files, cutoff_year, engine)
            records = _records(files)
            return {"patent_firm_year": (aggregates.firm_year, records),
                    "semiconductor_share": (aggregates.semiconductor_share, records)}
        table, used = _read_table(name, entry, files, base)
        return {name: (table, _records(used))}


def _load_transactions(files: list[Path], engine: Engine | None) -> dict[str, tuple[pd.DataFrame, tuple[FileRecord, ...]]]:
    """Firm-year import shares from customs transactions, and the files."""
    return {"import_shares": (aggregate_customs_transactions(files, engine=engine).firm_year, _records(files))}


def _warn_unmatched(folder: Path, tables: Mapping[str, pd.DataFrame | None], entries: Mapping[str, dict],
                    provenance: Mapping[str, tuple[FileRecord, ...]]) -> None:
    """Warn about optional tables without a file and about data files no table read.

    README files and CSMAR's field descriptions (``FS_Combas[DES][csv].txt``)
    are not data; commodity-import files belong to another study.
    """
    absent = [name for name in LAYOUTS if tables.get(name) is None and name not in entries
              and not (name == "patent_records" and tables.get("patent_firm_year") is not None)]
    if absent:
        warnings.warn("no file for the optional table(s) " + ", ".join(
            f"{name} ({LAYOUTS[name].file_stem}.csv/.xlsx)" for name in absent)
            + "; the panel variables built from them are left empty", stacklevel=3)
    stems = [LAYOUTS[name].file_stem for name in LAYOUTS] + [TRANSACTIONS_STEM, *OTHER_STEMS]
    claimed = {path.resolve() for stem in stems for path in discover(folder, stem)}
    claimed |= {Path(record.path).resolve() for records in provenance.values() for record in records}
    stray = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES
                   and p.resolve() not in claimed and not p.name.upper().startswith("README") and "[DES]" not in p.name)
    if stray:
        named = [f"{name} (did you mean {close[0]}?)" if (close := _closest_stem(name, stems)) else name
                 for name in stray]
        warnings.warn(f"file(s) not recognised as any table, not read: {', '.join(named)}; name each file after "
                      f"its table ({', '.join(stems[:len(LAYOUTS)])}) or point {CONFIG_NAME} at it", stacklevel=3)


def _closest_stem(name: str, stems: list[str]) -> list[str]:
    """The table stem a misnamed file was probably meant to have (``subsidy_2019.csv`` -> ``subsidies``)."""
    stem = Path(name).stem
    return closest(stem, stems) or closest(re.split(r"[_\-. ]", stem)[0], stems)


def discover(folder: Path, stem: str) -> list[Path]:
    """Files of ``folder`` named for ``stem`` (see the module docstring), sorted by name."""
    pattern = re.compile(
        rf"^{re.escape(stem)}(?:[_\-. ][^\[\]]*)?({'|'.join(re.escape(s) for s in READABLE_SUFFIXES)})$",
        re.IGNORECASE,
    )
    return sorted(p for p in folder.iterdir() if p.is_file() and pattern.match(p.name))


def _read_config(folder: Path, config: str | Path | Mapping | None) -> tuple[dict[str, dict], Path]:
    """The table entries of the configuration and the folder its paths are relative to."""
    if isinstance(config, Mapping):
        content, base, where = dict(config), folder, None
    else:
        toml_path = Path(config) if config is not None else folder / CONFIG_NAME
        if config is None and not toml_path.is_file():
            return {}, folder
        if not toml_path.is_file():
            raise InputError("file not found", file=toml_path, fix="check the path of the sources file")
        try:
            content = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"not valid TOML ({exc})", file=toml_path, fix="fix the syntax") from None
        base, where = toml_path.parent, toml_path
    allowed = (*LAYOUTS, "patent_firm_year")
    for name, entry in content.items():
        check_choice(name, allowed, what="table", file=where)
        _check_entry(name, entry, where)
    return content, base


def _check_entry(name: str, entry: object, where: Path | None) -> None:
    if not isinstance(entry, Mapping):
        raise InputError(f"[{name}] must be a table of keys", file=where, fix="see the sources.toml example")
    for key in entry:
        check_choice(key, _ENTRY_KEYS, what="key", where=f"in [{name}]", file=where)
    source = entry.get("source")
    if source is not None and source not in _SOURCES.get(name, ()):
        allowed = _SOURCES.get(name, ())
        raise InputError(
            f"unknown source '{source}' in [{name}]",
            file=where,
            fix=("sources: " + ", ".join(allowed)) if allowed else f"[{name}] takes no source; give a file",
        )
    if name not in LAYOUTS and "columns" not in entry:
        raise InputError(f"[{name}] has no vendor layout: give its columns", file=where, fix="add columns = { ... }")
    if "file" not in entry and source in (None, "screening_list"):
        raise InputError(f"[{name}] needs a file", file=where, fix=f'add file = "..." to [{name}]')


def _entry_files(entry: Mapping, base: Path, name: str) -> list[Path]:
    listed = entry.get("file", [])
    paths = [base / p for p in ([listed] if isinstance(listed, str) else listed)]
    for path in paths:
        if not path.is_file():
            raise InputError(f"file for [{name}] not found", file=path, fix="check the path in sources.toml")
    return paths


def _read_table(name: str, entry: Mapping, files: list[Path], base: Path) -> tuple[pd.DataFrame, list[Path]]:
    """One table from its files (or a bundled or screening-list source), and the files used."""
    source = entry.get("source")
    if source == "reference":
        level = entry.get("min_confidence", "medium")
        if name == "sanctions":
            return sanctions_from_export_controls(min_confidence=level), [_bundled("export_controls.csv")]
        return huawei_suppliers_from_reference(min_confidence=level), [_bundled("huawei_suppliers.csv")]
    if source == "screening_list":
        if "crosswalk" not in entry:
            raise InputError("[sanctions] from a screening list needs a crosswalk file", fix='add crosswalk = "..."')
        crosswalk = base / entry["crosswalk"]
        frames = [read_screening_list(f, china_only=bool(entry.get("china_only", False))) for f in files]
        return screening_list_sanctions(pd.concat(frames), crosswalk), [*files, crosswalk]
    if "columns" in entry:
        frames = [read_mapped(f, name, entry["columns"]) for f in files]
    else:
        frames = [read_export(f, LAYOUTS[name]) for f in files]
    if name == "suppliers":
        frames = [finish_suppliers(frame, f) for frame, f in zip(frames, files)]
    return _concat(name, frames, files), files


def _bundled(name: str) -> Path:
    from importlib import resources

    return Path(str(resources.files("panel").joinpath("reference", name)))


def _patent_aggregates(files: list[Path], cutoff_year: int, engine: Engine | None) -> PatentAggregates:
    if len(files) > 1:
        raise InputError(
            "several patent-record files: " + ", ".join(f.name for f in files),
            fix=f"combine them into one file, or name one under [patent_records] in {CONFIG_NAME}",
        )
    return aggregate_patent_records(files[0], cutoff_year=cutoff_year, engine=engine)


def _concat(name: str, frames: list[pd.DataFrame], files: list[Path]) -> pd.DataFrame:
    """Concatenate the tables of several files; a key in two files is an error."""
    if len(frames) == 1:
        return frames[0]
    combined = pd.concat(frames, ignore_index=True)
    keys = list(RAW_SCHEMAS[name].unique or [])
    if keys:
        origin = pd.Series([f.name for f, frame in zip(files, frames) for _ in range(len(frame))])
        try:
            check_unique(combined, keys, {}, None)
        except InputError as exc:
            overlap = combined.duplicated(subset=keys, keep=False)
            names = sorted(set(origin[overlap]))
            raise InputError(
                exc.problem + " in more than one file: " + ", ".join(names),
                fix="remove the overlap between the files",
            ) from None
    return combined


def _records(paths: list[Path]) -> tuple[FileRecord, ...]:
    return tuple(FileRecord.of(p) for p in paths)
