"""Read monthly import files by HS code: China-Customs-style exports and Comtrade-style long tables.

Two layouts are recognised from their header (CSV in any supported encoding,
or XLSX):

* **China Customs** (the online statistics query, 海关统计数据在线查询平台):
  ``数据年月`` (month, ``YYYYMM``), ``商品编码`` (HS8 code), ``美元`` (value in
  US dollars); other columns such as ``商品名称`` or the trade partner are
  ignored.  The English interface's headers (``Date of data``, ``Commodity
  code``, ``US dollar``) are read the same way.  The query is run for imports,
  so every line is an import.
* **Comtrade** (UN Comtrade API/bulk download): ``period`` (``YYYYMM``),
  ``cmdCode`` (HS6 code), ``primaryValue`` (US dollars), and where present
  ``flowCode`` (only ``M`` lines, imports, are kept).  The legacy headers
  ``Period``, ``Commodity Code``, ``Trade Value (US$)``, ``Trade Flow Code``
  (``1`` = import) are read too.

Lines sharing a code and month (one per partner country, say) are summed.
Every code must belong to a technology group of the group list
(:mod:`panel.sources.hs_groups`); a code that maps to none is an error naming
its lines, so no import silently falls out of the groups.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.customs import customs_imports as CUSTOMS_SCHEMA
from data_schemas.errors import InputError
from panel.sources.coerce import is_missing, parse_text
from panel.sources.hs_groups import HSGroups, load_hs_groups
from panel.sources.tabular import RawTable, read_raw
from panel.sources.validate import type_and_validate

_MONTH_DIGITS = re.compile(r"^(\d{4})(\d{2})(?:\d{2})?$")
_MONTH_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*\d{1,2}\s*日?)?$")


@dataclass(frozen=True)
class CustomsLayout:
    """How one kind of customs file names its columns.

    Parameters
    ----------
    name : str
        The layout's name in messages.
    columns : dict
        Canonical name (``period``, ``hs_code``, ``value``) -> accepted
        headers (matched case-insensitively), preferred first.
    flow_columns : tuple of str
        Headers of a trade-flow column, if the file may hold exports too.
    import_flows : frozenset of str
        The flow values (lower case) that mean imports.
    """

    name: str
    columns: dict[str, tuple[str, ...]]
    flow_columns: tuple[str, ...] = ()
    import_flows: frozenset[str] = frozenset()

    def find(self, by_name: dict[str, str]) -> dict[str, str] | None:
        """Canonical name -> the file's header, or None if a column is missing."""
        found = {}
        for name, headers in self.columns.items():
            match = next((by_name[h.lower()] for h in headers if h.lower() in by_name), None)
            if match is None:
                return None
            found[name] = match
        return found


CHINA_CUSTOMS = CustomsLayout(
    name="China Customs export",
    columns={
        "period": ("数据年月", "Date of data"),
        "hs_code": ("商品编码", "Commodity code"),
        "value": ("美元", "US dollar"),
    },
)

COMTRADE = CustomsLayout(
    name="Comtrade table",
    columns={
        "period": ("period",),
        "hs_code": ("cmdCode", "Commodity Code"),
        "value": ("primaryValue", "Trade Value (US$)"),
    },
    flow_columns=("flowCode", "Trade Flow Code"),
    import_flows=frozenset({"m", "1"}),
)

#: the layouts tried, in order
CUSTOMS_LAYOUTS = (CHINA_CUSTOMS, COMTRADE)


def read_customs(path: str | Path, groups: HSGroups | None = None) -> pd.DataFrame:
    """Read a monthly import file into one row per month and HS code.

    Parameters
    ----------
    path : str or Path
        A China-Customs-style or Comtrade-style CSV/XLSX file.
    groups : HSGroups, optional
        The group list every code must belong to (the bundled approximation
        by default).

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (first day of the month), ``hs_code``, ``value``
        (US dollars, summed over the file's lines), sorted by code and month.

    Raises
    ------
    InputError
        An unrecognised layout, a bad month, code or value (missing or
        negative), or a code that maps to no technology group.
    """
    raw = read_raw(path)
    layout, found = detect_layout(raw)
    cells = raw.data[list(found.values())]
    cells.columns = list(found)
    cells = _imports_only(cells, raw, layout)
    labels = dict(found)
    cells = cells.assign(
        period=parse_months(cells["period"], labels["period"], raw.path),
        hs_code=parse_hs_codes(cells["hs_code"]),
    )
    table = type_and_validate(cells, CUSTOMS_SCHEMA, labels, raw.path, excel=raw.kind == "xlsx")
    table.index = cells.index
    check_mapped(table, groups or load_hs_groups(), labels["hs_code"], raw.path)
    summed = table.groupby(["hs_code", "period"], as_index=False, sort=True)["value"].sum()
    return summed[["period", "hs_code", "value"]]


def detect_layout(raw: RawTable) -> tuple[CustomsLayout, dict[str, str]]:
    """The layout whose columns the file has, with the file's header for each.

    Raises
    ------
    InputError
        If the file matches no customs layout.
    """
    by_name = {str(column).strip().lower(): column for column in raw.data.columns}
    for layout in CUSTOMS_LAYOUTS:
        found = layout.find(by_name)
        if found is not None:
            return layout, found
    expected = "; ".join(f"{layout.name}: " + ", ".join(h[0] for h in layout.columns.values()) for layout in CUSTOMS_LAYOUTS)
    raise InputError(
        "does not look like a customs import file",
        file=raw.path,
        fix=f"expected the columns of a {expected}",
    )


def _imports_only(cells: pd.DataFrame, raw: RawTable, layout: CustomsLayout) -> pd.DataFrame:
    """Keep import lines where the file has a trade-flow column."""
    by_name = {str(column).strip().lower(): column for column in raw.data.columns}
    flow = next((by_name[h.lower()] for h in layout.flow_columns if h.lower() in by_name), None)
    if flow is None:
        return cells
    is_import = parse_text(raw.data[flow]).str.lower().isin(layout.import_flows).fillna(False).astype(bool)
    if not is_import.any():
        raise InputError(
            "no import lines",
            file=raw.path,
            column=flow,
            fix="download the table with the import flow (flowCode M)",
        )
    return cells[is_import]


def parse_months(raw: pd.Series, column: str, file: str | Path | None) -> pd.Series:
    """Parse calendar months into the first day of the month (missing stays missing).

    Accepts ``YYYYMM``, ``YYYY-MM``, ``YYYY/MM``, ``YYYY年MM月``, full dates
    (``YYYY-MM-DD``, ``YYYYMMDD``; the day is dropped) and date cells.

    Raises
    ------
    InputError
        Naming the lines whose cells are not a month.
    """
    parsed = [_one_month(value) for value in raw]
    bad = pd.Series([value == "?" for value in parsed], index=raw.index, dtype=bool)
    if bad.any():
        raise InputError(
            f"expected a month (YYYYMM or YYYY-MM), got '{str(raw[bad].iloc[0]).strip()}'",
            file=file,
            column=column,
            rows=raw.index[bad].tolist(),
            fix="correct these cells",
        )
    return pd.Series(pd.to_datetime(pd.Series(parsed, index=raw.index, dtype=object)), index=raw.index).astype(
        "datetime64[ns]"
    )


def _one_month(value: object) -> pd.Timestamp | str | None:
    if is_missing(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return pd.Timestamp(value.year, value.month, 1)
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(float(value)))
    text = str(value).strip().split(" ")[0].split("T")[0]
    match = _MONTH_DIGITS.match(text) or _MONTH_SEPARATED.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return "?"
    return pd.Timestamp(int(match.group(1)), int(match.group(2)), 1)


def parse_hs_codes(raw: pd.Series) -> pd.Series:
    """HS codes as digit strings.

    Dots and blanks are removed (``8542.31.00`` -> ``85423100``); a code stored
    as a number that lost its leading zero (``3041000`` for ``03041000``) gets
    it back.  Malformed codes are left for the schema check to report.
    """
    numeric = raw.map(lambda value: isinstance(value, numbers.Real) and not isinstance(value, bool))
    text = parse_text(raw).str.replace(r"[.\s]", "", regex=True)
    odd = numeric.astype(bool) & text.str.len().isin([5, 7]).fillna(False).astype(bool)
    return text.where(~odd, "0" + text)


def check_mapped(table: pd.DataFrame, groups: HSGroups, column: str, file: str | Path | None) -> None:
    """Raise if a code of ``table`` belongs to no group in any batch of ``groups``.

    Parameters
    ----------
    table : pandas.DataFrame
        With an ``hs_code`` column, index = file line numbers.
    groups : HSGroups
        The group list.
    column, file
        For the message.
    """
    unmapped = ~groups.covered(table["hs_code"]).to_numpy()
    if not unmapped.any():
        return
    codes = list(dict.fromkeys(table.loc[unmapped, "hs_code"]))
    others = f" (and {len(codes) - 1} other code{'s' if len(codes) > 2 else ''})" if len(codes) > 1 else ""
    raise InputError(
        f"HS code '{codes[0]}'{others} maps to no technology group",
        file=file,
        column=column,
        rows=table.index[unmapped].tolist(),
        fix=f"add it to the group list ({groups.source}) or remove these lines",
    )


def group_monthly(imports: pd.DataFrame, groups: HSGroups) -> pd.DataFrame:
    """Monthly import value by batch and technology group.

    Parameters
    ----------
    imports : pandas.DataFrame
        From :func:`read_customs` (``period``, ``hs_code``, ``value``).
    groups : HSGroups
        The group list; each of its batches is applied separately.

    Returns
    -------
    pandas.DataFrame
        Columns ``batch``, ``group``, ``period``, ``value``: every month from
        the file's first to its last for each group with imports in the batch
        (a month without lines for a group counts as zero imports).
    """
    months = pd.date_range(imports["period"].min(), imports["period"].max(), freq="MS")
    frames = []
    for batch in groups.batches:
        group = groups.lookup(imports["hs_code"], batch)
        in_batch = imports.assign(group=group)[group.notna()]
        totals = in_batch.groupby(["group", "period"])["value"].sum()
        grid = pd.MultiIndex.from_product([sorted(in_batch["group"].unique()), months], names=["group", "period"])
        totals = totals.reindex(grid, fill_value=0.0).reset_index()
        frames.append(totals.assign(batch=batch, group=totals["group"].astype("int64")))
    columns = ["batch", "group", "period", "value"]
    return pd.concat(frames, ignore_index=True)[columns]
