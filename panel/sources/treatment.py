"""Treatment inputs from the bundled reference data: export controls, programs, Huawei suppliers.

The user's own event tables (``entity_list_events``, ``huawei_suppliers``,
``designations`` layouts) are read by :func:`panel.sources.vendor.read_export`.
This module turns the bundled, sourced reference files
(``panel/reference/*.csv``, see its README) into DataFrames that keep their
``source`` and ``confidence`` columns, and into the canonical ``sanctions`` and
``huawei_suppliers`` tables for the A-share firms they name.

Confidence levels are ordered ``low < low-medium < medium < medium-high <
high``; a row's level is the lowest one its ``confidence`` text mentions
(``"high (listing); low (parent)"`` is low: the mapping to the listed firm is
uncertain).
"""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd

from data_schemas.errors import InputError
from data_schemas.raw import huawei_suppliers as huawei_suppliers_schema
from data_schemas.raw import sanctions as sanctions_schema
from panel.sources.validate import validate_table

CONFIDENCE_LEVELS = ("low", "low-medium", "medium", "medium-high", "high")
_LEVEL = re.compile(r"\b(low-medium|medium-high|low|medium|high)\b")
_A_SHARE_CODE = re.compile(r"\b(\d{6})\b")


def _reference(name: str) -> pd.DataFrame:
    with resources.files("panel").joinpath("reference", name).open("rb") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False).replace("", None)


def confidence_rank(text: object) -> int:
    """Index in :data:`CONFIDENCE_LEVELS` of the lowest level ``text`` mentions (-1 if none)."""
    levels = _LEVEL.findall(str(text or "").lower())
    return min((CONFIDENCE_LEVELS.index(level) for level in levels), default=-1)


def _check_level(min_confidence: str) -> int:
    if min_confidence not in CONFIDENCE_LEVELS:
        raise InputError(
            f"unknown confidence level '{min_confidence}'",
            fix="use one of " + ", ".join(CONFIDENCE_LEVELS),
        )
    return CONFIDENCE_LEVELS.index(min_confidence)


def a_share_code(listed_code: object) -> str | None:
    """The first 6-digit (SSE/SZSE/BSE) code in a ``listed_code`` cell such as ``"003816; 1816"``."""
    match = _A_SHARE_CODE.search(str(listed_code or ""))
    return match.group(1) if match else None


def export_controls() -> pd.DataFrame:
    """The bundled export-control calendar.

    Returns
    -------
    pandas.DataFrame
        ``effective_date`` (datetime), ``rule``, ``entity``, ``entity_zh``,
        ``firm_id`` (6-digit A-share code where the listed code is one, else
        missing), ``listed_code`` and ``exchange`` as written, ``parent``,
        ``source``, ``confidence``.
    """
    calendar = _reference("export_controls.csv")
    firm_id = calendar["listed_code"].map(a_share_code)
    return pd.DataFrame(
        {
            "effective_date": pd.to_datetime(calendar["date"], format="%Y-%m-%d").astype("datetime64[ns]"),
            "rule": calendar["rule"],
            "entity": calendar["entity"],
            "entity_zh": calendar["entity_zh"],
            "firm_id": firm_id,
            "listed_code": calendar["listed_code"],
            "exchange": calendar["exchange"],
            "parent": calendar["parent"],
            "source": calendar["source"],
            "confidence": calendar["confidence"],
        }
    )


def sanctions_from_export_controls(
    calendar: pd.DataFrame | None = None, *, min_confidence: str = "medium"
) -> pd.DataFrame:
    """The ``sanctions`` table for the A-share firms on the Entity List in the calendar.

    Parameters
    ----------
    calendar : pandas.DataFrame, optional
        As returned by :func:`export_controls` (the bundled one by default).
    min_confidence : str
        Keep rows whose confidence is at least this level.

    Returns
    -------
    pandas.DataFrame
        ``firm_id, entity, announcement_date (missing: not in the calendar),
        effective_date, rule``; only Entity List additions (not the Unverified
        List or general licences).
    """
    calendar = export_controls() if calendar is None else calendar
    level = _check_level(min_confidence)
    keep = (
        calendar["firm_id"].notna()
        & calendar["rule"].str.startswith("Entity List")
        & (calendar["confidence"].map(confidence_rank) >= level)
    )
    rows = calendar.loc[keep]
    table = pd.DataFrame(
        {
            "firm_id": rows["firm_id"],
            "entity": rows["entity"],
            "announcement_date": pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]"),
            "effective_date": rows["effective_date"],
            "rule": rows["rule"],
        }
    )
    return validate_table(table, sanctions_schema, {}, "panel/reference/export_controls.csv")


def program_batches() -> pd.DataFrame:
    """The bundled program batches ("Little Giant", Single-Item Champion).

    Returns
    -------
    pandas.DataFrame
        ``program, batch, year_announced`` (text: some rows span batches or
        years, e.g. ``"3-7"``), ``n_firms`` (nullable integer),
        ``n_firms_note, source, confidence``.
    """
    batches = _reference("program_batches.csv")
    return batches.assign(n_firms=pd.to_numeric(batches["n_firms"]).astype("Int64"))


def huawei_supplier_reference() -> pd.DataFrame:
    """The bundled list of listed firms named as Huawei suppliers, with ``firm_id`` added.

    Returns
    -------
    pandas.DataFrame
        ``company, company_zh, listed_code, exchange, evidence, source,
        confidence`` as bundled, plus ``firm_id`` (6-digit A-share code, else
        missing).
    """
    suppliers = _reference("huawei_suppliers.csv")
    return suppliers.assign(firm_id=suppliers["listed_code"].map(a_share_code))


def huawei_suppliers_from_reference(
    reference: pd.DataFrame | None = None, *, min_confidence: str = "medium"
) -> pd.DataFrame:
    """The ``huawei_suppliers`` table for the A-share firms of the bundled list.

    Rows whose evidence says the firm is not a supplier (the bundled file keeps
    such a row for the Huawei Marine deal) are left out.

    Parameters
    ----------
    reference : pandas.DataFrame, optional
        As returned by :func:`huawei_supplier_reference` (bundled by default).
    min_confidence : str
        Keep rows whose confidence is at least this level.
    """
    reference = huawei_supplier_reference() if reference is None else reference
    level = _check_level(min_confidence)
    keep = (
        reference["firm_id"].notna()
        & ~reference["evidence"].fillna("").str.lower().str.startswith("not a supplier")
        & (reference["confidence"].map(confidence_rank) >= level)
    )
    rows = reference.loc[keep].drop_duplicates("firm_id")
    table = pd.DataFrame({"firm_id": rows["firm_id"], "company": rows["company"]})
    return validate_table(table, huawei_suppliers_schema, {}, "panel/reference/huawei_suppliers.csv")
