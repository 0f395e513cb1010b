"""Firm-level customs transactions: monthly HS8 import series and firm-year foreign-dependence shares.

A transaction file (one row per firm, HS8 code, month and origin country;
hundreds of millions of rows, as CSV or Parquet, a folder of parts or a glob)
is read in one streaming pass by an engine of :mod:`panel.engines`.  Columns:

==============  ==========================================================
``Stkcd``       the importing firm's stock code (up to 6 digits)
``hs8``         the HS8 commodity code (dots and blanks are ignored)
``month``       ``YYYYMM`` or ``YYYY-MM``
``value_usd``   import value in US dollars (finite, not negative)
``origin``      country of origin, ISO 3166 alpha-2 (``US``, ``JP`` ...)
==============  ==========================================================

Two results come back:

* the **HS8-month series**: ``period, hs_code, value`` (the layout
  :func:`panel.sources.customs.read_customs` gives, so the import-substitution
  indices take it as it is);
* **firm-year foreign dependence**: per firm and year the import value, the
  share from the United States (``us_import_share``) and from the US and its
  allies (``allied_import_share``), the value and allied share of imports in
  the chokepoint groups of the HS group list (``chokepoint_import_value``,
  ``chokepoint_allied_share``), and the same by group in a long table.

"Allies" is a parameter; the default, :data:`US_ALLIES`, is this project's
choice of the economies that aligned their technology export controls with the
US or are the main other sources of the chokepoint goods (see the README).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from panel.engines import Aggregation, Engine, get_engine
from panel.engines.records import (
    Check,
    Column,
    Dialect,
    Output,
    RecordTable,
    SourceColumn,
    full_match_sql,
    number_sql,
    stock_code_sql,
    stock_codes,
)
from panel.sources.hs_groups import HSGroups, load_hs_groups

#: the default "US allies": Japan, South Korea, Taiwan, the Netherlands, Germany, France, the UK, Italy, Canada, Australia
US_ALLIES = ("JP", "KR", "TW", "NL", "DE", "FR", "GB", "IT", "CA", "AU")
COLUMNS = (
    Column("Stkcd", "firm_id"),
    Column("hs8", "hs_code"),
    Column("month", "month"),
    Column("value_usd", "value"),
    Column("origin", "origin"),
)


@dataclass(frozen=True)
class CustomsAggregates:
    """What the transactions yield.

    Parameters
    ----------
    hs8_month : pandas.DataFrame
        ``period`` (first day of the month), ``hs_code``, ``value`` (US dollars), sorted.
    firm_year : pandas.DataFrame
        ``firm_id, year, import_value, us_import_share, allied_import_share,
        chokepoint_import_value, chokepoint_allied_share``.
    firm_year_group : pandas.DataFrame
        ``firm_id, year, group, import_value, us_import_share, allied_import_share``
        for the chokepoint groups (imports outside the groups are not listed).
    aggregation : Aggregation
        Rows read, bad rows left out and why, the engine.
    """

    hs8_month: pd.DataFrame
    firm_year: pd.DataFrame
    firm_year_group: pd.DataFrame
    aggregation: Aggregation


def aggregate_customs_transactions(
    path: str | Path | list[Path],
    *,
    allies: Iterable[str] = US_ALLIES,
    groups: HSGroups | None = None,
    batch: str | None = None,
    engine: Engine | None = None,
    max_bad_share: float = 0.0,
) -> CustomsAggregates:
    """Aggregate firm-level customs transactions in one pass.

    Parameters
    ----------
    path : str, Path or list of Path
        CSV or Parquet file, folder of parts, glob or list of files.
    allies : iterable of str
        ISO alpha-2 codes counted with the US in ``allied_import_share``.
    groups : HSGroups, optional
        The chokepoint group list (the bundled approximation by default).
    batch : str, optional
        Which batch of ``groups`` assigns the groups (the first by default).
    engine : Engine, optional
        DuckDB with a 2 GB memory limit by default.
    max_bad_share : float
        Tolerated share of bad rows (left out, reported); above it the run stops.

    Returns
    -------
    CustomsAggregates

    Raises
    ------
    InputError
        An unreadable file, a missing column, or too many bad rows.
    """
    allies = tuple(sorted({_country(a) for a in allies} - {"US"}))
    groups = groups or load_hs_groups()
    batch = batch or groups.batches[0]
    if batch not in groups.batches:
        raise InputError(f"unknown batch {batch!r}", fix=f"choose one of {', '.join(groups.batches)}")
    codes = groups.codes[groups.codes["batch"] == batch]
    table = customs_table(allies, dict(zip(codes["hs_code"], codes["group"].astype(int))))
    result = (engine or get_engine("duckdb")).aggregate(table, path, max_bad_share=max_bad_share)
    series = result.outputs["hs8_month"]
    hs8_month = pd.DataFrame(
        {
            "period": pd.to_datetime((series["period"].astype("int64") * 100 + 1).astype(str), format="%Y%m%d").astype(
                "datetime64[ns]"
            ),
            "hs_code": series["hs_code"].astype(str),
            "value": series["value"].astype("float64"),
        }
    ).sort_values(["hs_code", "period"], ignore_index=True)
    by_bloc = result.outputs["firm_year_bloc"]
    return CustomsAggregates(
        hs8_month=hs8_month,
        firm_year=_firm_year(by_bloc),
        firm_year_group=_by_group(by_bloc),
        aggregation=result,
    )


def _country(code: str) -> str:
    text = str(code).strip().upper()
    if len(text) != 2 or not text.isalpha():
        raise InputError(f"expected an ISO alpha-2 country code, got {code!r}", fix="use codes such as 'JP', 'NL'")
    return text


def _shares(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Import value and US / US-and-allies shares per ``keys`` from values by bloc."""
    wide = frame.pivot_table(index=keys, columns="bloc", values="import_value", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=["us", "ally", "other"], fill_value=0.0)
    total = wide.sum(axis=1)
    positive = total.where(total > 0)
    return pd.DataFrame(
        {
            "import_value": total,
            "us_import_share": wide["us"] / positive,
            "allied_import_share": (wide["us"] + wide["ally"]) / positive,
        }
    )


def _firm_year(by_bloc: pd.DataFrame) -> pd.DataFrame:
    keys = ["firm_id", "year"]
    out = _shares(by_bloc, keys)
    chokepoint = _shares(by_bloc[by_bloc["tech_group"] > 0], keys).reindex(out.index)
    out["chokepoint_import_value"] = chokepoint["import_value"].fillna(0.0)
    out["chokepoint_allied_share"] = chokepoint["allied_import_share"]
    out = out.reset_index()
    return out.assign(firm_id=stock_codes(out["firm_id"])).astype({"year": "int64"})


def _by_group(by_bloc: pd.DataFrame) -> pd.DataFrame:
    inside = by_bloc[by_bloc["tech_group"] > 0].rename(columns={"tech_group": "group"})
    if inside.empty:
        return pd.DataFrame(
            columns=["firm_id", "year", "group", "import_value", "us_import_share", "allied_import_share"]
        )
    out = _shares(inside, ["firm_id", "year", "group"]).reset_index()
    return out.assign(firm_id=stock_codes(out["firm_id"])).astype({"year": "int64", "group": "int64"})


def customs_table(allies: tuple[str, ...], group_of: dict[str, int]) -> RecordTable:
    """The transaction file and its aggregates, for any engine.

    Parameters
    ----------
    allies : tuple of str
        ISO alpha-2 codes of the US allies.
    group_of : dict of str to int
        HS code (8, 6 or 4 digits) -> chokepoint group; the longest match wins.
    """

    def typed(sql: Dialect, cells: Mapping[str, SourceColumn | None]) -> str:
        code, hs_cell, month_cell, value, origin_cell = (
            cells[name] for name in ("firm_id", "hs_code", "month", "value", "origin")
        )
        assert code and hs_cell and month_cell and value and origin_cell  # required columns
        if hs_cell.kind == "integer":
            hs = f"CAST({hs_cell.sql} AS STRING)"
            hs_code = f"CASE WHEN {hs_cell.sql} BETWEEN 10000000 AND 99999999 THEN {hs} END"
        else:
            hs = f"replace(replace({hs_cell.text}, '.', ''), ' ', '')"
            hs_code = full_match_sql(hs, "[0-9]{8}")
        if month_cell.kind == "integer":
            m = month_cell.sql
            valid = f"{m} BETWEEN 100001 AND 999912 AND {m} % 100 BETWEEN 1 AND 12"
            period = f"CASE WHEN {valid} THEN CAST({m} AS INT) END"
            year = f"CASE WHEN {valid} THEN CAST(floor({m} / 100) AS INT) END"
        else:
            month = full_match_sql(f"replace({month_cell.text}, '-', '')", "[0-9]{4}(?:0[1-9]|1[0-2])")
            period, year = f"CAST({month} AS INT)", f"CAST(substr({month}, 1, 4) AS INT)"
        origin = full_match_sql(f"upper({origin_cell.text})", "[A-Z]{2}")
        blocs = {"US": "us", **{ally: "ally" for ally in allies}}
        return f"""
            {code.missing} AS code_missing,
            {code.text} AS code_text,
            {stock_code_sql(code)} AS firm_id,
            {hs_cell.text} AS hs_text,
            {hs_code} AS hs_code,
            {month_cell.text} AS month_text,
            {period} AS period,
            {year} AS year,
            {value.text} AS value_text,
            {number_sql(sql, value)} AS value,
            {origin_cell.text} AS origin_text,
            {origin_cell.missing} AS origin_missing,
            {origin} AS origin,
            coalesce({sql.lookup(origin, blocs)}, 'other') AS bloc,
            {_group_sql(sql, hs, group_of)} AS tech_group
        """

    return RecordTable(
        name="customs_transactions",
        columns=COLUMNS,
        typed=typed,
        checks=_CHECKS,
        outputs={
            "hs8_month": Output(keys=("hs_code", "period"), measures={"value": "sum(value)"}),
            "firm_year_bloc": Output(
                keys=("firm_id", "year", "bloc", "tech_group"), measures={"import_value": "sum(value)"}
            ),
        },
        record_columns=("firm_id", "hs_code", "period", "year", "value", "bloc", "tech_group"),
    )


def _group_sql(sql: Dialect, hs: str, group_of: dict[str, int]) -> str:
    """SQL: the chokepoint group of an HS8 code by its longest listed prefix, 0 for none."""
    lookups = [
        sql.lookup(f"substr({hs}, 1, {length})", {code: int(group) for code, group in sorted(listed.items())})
        for length in (8, 6, 4)
        if (listed := {code: group for code, group in group_of.items() if len(code) == length})
    ]
    return f"coalesce({', '.join(lookups)}, 0)" if lookups else "0"


_CHECKS = (
    Check("c0", "Stkcd", "code_missing", "code_text", "missing value in a required column", "fill these cells"),
    Check(
        "c1", "Stkcd", "firm_id IS NULL", "code_text", "expected a stock code of up to 6 digits", "correct these cells"
    ),
    Check("c2", "hs8", "hs_code IS NULL", "hs_text", "expected an 8-digit HS code", "correct these cells"),
    Check("c3", "month", "period IS NULL", "month_text", "expected a month (YYYYMM or YYYY-MM)", "correct these cells"),
    Check(
        "c4",
        "value_usd",
        "value IS NULL OR NOT (value >= 0 AND value < 1e308)",
        "value_text",
        "expected a finite, non-negative number",
        "correct these cells",
    ),
    Check(
        "c5",
        "origin",
        "origin_missing OR origin IS NULL",
        "origin_text",
        "expected an ISO alpha-2 country code",
        "correct these cells",
    ),
)

__all__ = ["US_ALLIES", "CustomsAggregates", "aggregate_customs_transactions", "customs_table"]
