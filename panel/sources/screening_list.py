"""The Consolidated Screening List (trade.gov) as Entity List events for listed firms.

A user downloads the list (CSV or JSON) from the International Trade
Administration's Consolidated Screening List page; its columns include
``_id, source, entity_number, type, programs, name, title, addresses,
federal_register_notice, start_date, end_date, ..., alt_names, ...``.  In the
CSV, ``addresses`` and ``alt_names`` hold several values separated by ``"; "``
and each address ends with its country code (``"..., Shenzhen, Guangdong,
CN"``); in the JSON they are lists (addresses as objects with a ``country``).

Only rows of the Entity List are kept.  The list does not carry stock codes,
so a crosswalk file the user keeps (columns ``name`` and ``Stkcd``; a name may
be the entity's name or one of its alternate names) maps entities to firms.
Names are compared ignoring case, blanks and punctuation.

Examples
--------
>>> entities = read_screening_list("consolidated.csv", china_only=True)  # doctest: +SKIP
>>> sanctions = screening_list_sanctions(entities, "entity_crosswalk.csv")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from data_schemas.raw import sanctions as sanctions_schema
from panel.sources.coerce import parse_dates, parse_stock_codes, parse_text
from panel.sources.tabular import read_raw
from panel.sources.validate import validate_table

ENTITY_LIST_SOURCE = "Entity List (EL) - Bureau of Industry and Security"
_REQUIRED = ("source", "name", "start_date")
_KEPT = ("entity_number", "name", "alt_names", "addresses", "programs", "federal_register_notice",
         "start_date", "end_date")
_CHINA = frozenset({"CN", "CHINA"})


def read_screening_list(path: str | Path, *, china_only: bool = False) -> pd.DataFrame:
    """Read the Entity List rows of a downloaded Consolidated Screening List.

    Parameters
    ----------
    path : str or Path
        The CSV or JSON download.
    china_only : bool
        Keep only entities with at least one address in China (``CN``).

    Returns
    -------
    pandas.DataFrame
        ``entity_number, name, alt_names`` (tuple of str), ``addresses``
        (text), ``countries`` (tuple of country codes), ``programs,
        federal_register_notice, start_date, end_date`` (datetimes); index =
        line (CSV) or record (JSON) number.

    Raises
    ------
    InputError
        An unreadable file, a missing column or a date that does not parse.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        records = _json_records(path)
    else:
        records = read_raw(path).data
    columns = {str(c).lower(): c for c in records.columns}
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise InputError(
            "required column not found",
            file=path,
            column=missing[0],
            fix="download the Consolidated Screening List as CSV or JSON and pass that file",
        )
    records = records.rename(columns={v: k for k, v in columns.items()})
    entity_list = records.loc[records["source"].map(lambda s: str(s).strip() == ENTITY_LIST_SOURCE)]
    table = pd.DataFrame(index=entity_list.index)
    for column in _KEPT:
        values = entity_list[column] if column in entity_list else pd.Series(None, index=entity_list.index)
        if column in ("start_date", "end_date"):
            table[column] = parse_dates(values, column, path)
        elif column == "alt_names":
            table[column] = values.map(_split)
        elif column == "addresses":
            table["countries"] = values.map(_countries)
            table[column] = parse_text(values.map(_address_text))
        else:
            table[column] = parse_text(values)
    if china_only:
        table = table.loc[table["countries"].map(lambda codes: bool(_CHINA & set(codes)))]
    return table


def _json_records(path: Path) -> pd.DataFrame:
    try:
        content = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(
            "not a readable JSON file", file=path, fix="download the list again as JSON or CSV"
        ) from None
    rows = content.get("results", []) if isinstance(content, dict) else content
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise InputError(
            "expected a list of records (or an object with 'results')",
            file=path,
            fix="download the list again as JSON or CSV",
        )
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _split(value: object) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    return tuple(part.strip() for part in str(value).split(";") if part.strip())


def _countries(value: object) -> tuple[str, ...]:
    """Country codes of the addresses (JSON objects, or CSV text ending in the code)."""
    if isinstance(value, (list, tuple)):
        return tuple(str(a.get("country") or "").strip().upper() for a in value if isinstance(a, dict))
    return tuple(part.rsplit(",", 1)[-1].strip().upper() for part in _split(value))


def _address_text(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return "; ".join(
            ", ".join(str(a[k]) for k in ("address", "city", "state", "postal_code", "country") if a.get(k))
            for a in value
            if isinstance(a, dict)
        )
    return value


def normalise_name(name: str) -> str:
    """A company name without case, blanks or punctuation (``"Co., Ltd."`` -> ``"coltd"``)."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", "and")
    return re.sub(r"[\W_]+", "", text)


def screening_list_sanctions(entities: pd.DataFrame, crosswalk: str | Path) -> pd.DataFrame:
    """Map Entity List entities to listed firms through a crosswalk file.

    Parameters
    ----------
    entities : pandas.DataFrame
        As returned by :func:`read_screening_list`.
    crosswalk : str or Path
        CSV/XLSX with columns ``name`` (an entity name or alternate name as in
        the list) and ``Stkcd`` (the listed firm's code).

    Returns
    -------
    pandas.DataFrame
        The ``sanctions`` table: ``firm_id``, ``entity`` (the list's name),
        ``announcement_date`` (missing), ``effective_date`` (the list's
        ``start_date``), ``rule`` (the Federal Register notice).  Crosswalk
        names found nowhere in the list are reported in a warning.

    Raises
    ------
    InputError
        A crosswalk without ``name``/``Stkcd`` columns or with a bad code.
    """
    raw = read_raw(crosswalk)
    columns = {str(c).lower(): c for c in raw.data.columns}
    for needed in ("name", "stkcd"):
        if needed not in columns:
            raise InputError(
                "required column not found",
                file=raw.path,
                column="Stkcd" if needed == "stkcd" else needed,
                fix="give the crosswalk two columns: name (as in the screening list) and Stkcd",
            )
    names = parse_text(raw.data[columns["name"]])
    codes = parse_stock_codes(raw.data[columns["stkcd"]], columns["stkcd"], raw.path)
    firm_by_name = {normalise_name(n): c for n, c in zip(names, codes) if n is not None and c is not None}
    rows, used = [], set()
    for _, entity in entities.iterrows():
        for key in {normalise_name(n) for n in (entity["name"], *entity["alt_names"]) if n}:
            if key in firm_by_name:
                used.add(key)
                rows.append(
                    {
                        "firm_id": firm_by_name[key],
                        "entity": entity["name"],
                        "announcement_date": pd.NaT,
                        "effective_date": entity["start_date"],
                        "rule": entity["federal_register_notice"],
                    }
                )
    unmatched = [name for name in names.dropna() if normalise_name(name) not in used]
    if unmatched:
        warnings.warn(
            f"{raw.path}: {len(unmatched)} crosswalk name(s) not on the Entity List: " + ", ".join(unmatched[:5]),
            stacklevel=2,
        )
    table = pd.DataFrame(rows, columns=list(sanctions_schema.columns)).drop_duplicates()
    table = table.astype({"announcement_date": "datetime64[ns]", "effective_date": "datetime64[ns]"})
    undated = table["effective_date"].isna()
    if undated.any():
        raise InputError(
            "Entity List entries without a start_date: " + ", ".join(table.loc[undated, "entity"].head(3)),
            file=raw.path,
            fix="add their effective dates in an entity_list_events file instead",
        )
    return validate_table(table, sanctions_schema, {}, raw.path)
