"""Raw tables -> one validated firm-year panel, with every dropped row logged."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from data_schemas.codebook import CODEBOOK
from data_schemas.errors import InputError
from data_schemas.panel import firm_panel as panel_schema
from panel.build.derived import add_growth_and_lags, add_ratios
from panel.build.drop_log import DropLog
from panel.build.filters import apply_filters, winsorize
from panel.build.imports import attach_import_shares
from panel.build.firms import attach_firm_attributes, industry_classification
from panel.build.options import WINSORIZED_VARIABLES, BuildOptions
from panel.build.patents import application_counts, attach_patents
from panel.build.statements import merge_statements
from panel.build.suppliers import pre_period_share, supplier_shares
from panel.build.treatment import attach_treatment
from panel.firm_panel import FirmPanel

REQUIRED_TABLES = ("company", "balance_sheet", "income_statement")


def build_panel(
    tables: Mapping[str, pd.DataFrame | None],
    options: BuildOptions | None = None,
    *,
    industries: pd.DataFrame | None = None,
) -> FirmPanel:
    """Merge canonical raw tables into the firm-year panel.

    Steps, in order: annual consolidated statements (balance sheet, income
    statement, market value, subsidies); firm attributes and industry flags;
    patents and the patent stock; supplier shares; treatment timing and
    exposure; ratios, growth and lags; the standard filters; winsorizing.
    Derived variables are computed before the filters, so a lag is the
    previous year's value even where that year is later filtered out.

    Parameters
    ----------
    tables : mapping of str to DataFrame or None
        Canonical raw tables by name (see :mod:`data_schemas.raw`); company,
        balance_sheet and income_statement are required. An optional
        ``semiconductor_share`` table (``firm_id, semiconductor_patent_share``)
        flags semiconductor firms.
    options : BuildOptions, optional
        Cutoff year, exposure threshold, filters, winsorizing ...
    industries : DataFrame, optional
        Industry classification; the bundled one by default.

    Returns
    -------
    FirmPanel
        The panel, its options and the drop log.
    """
    options = options or BuildOptions()
    missing = [name for name in REQUIRED_TABLES if tables.get(name) is None]
    if missing:
        raise InputError(f"missing raw table(s): {', '.join(missing)}", fix="add the company file and both statements")
    log = DropLog()
    panel = _merge_sources(tables, options, industries if industries is not None else industry_classification(), log)
    panel = add_growth_and_lags(add_ratios(panel))
    before = len(panel)
    panel = apply_filters(panel, options.filters, log)
    if panel.empty:
        raise InputError(
            f"no firm-years left after the filters ({before} before: {', '.join(options.filters)})",
            fix="check the raw files, or relax the filters",
        )
    if options.winsorize != "none":
        panel = winsorize(panel, WINSORIZED_VARIABLES, options.winsor_limits, by_year=options.winsorize == "by_year")
    panel = _conform(panel)
    return FirmPanel(data=panel, drop_log=log.frame(), options=options, sample="all")


def _merge_sources(
    tables: Mapping[str, pd.DataFrame | None], options: BuildOptions, industries: pd.DataFrame, log: DropLog
) -> pd.DataFrame:
    """Statements, firm attributes, patents, suppliers and treatment, before derived variables."""
    panel = merge_statements(
        tables["balance_sheet"], tables["income_statement"], tables.get("market_value"), tables.get("subsidies"), log
    )
    panel = attach_firm_attributes(panel, tables["company"], tables.get("annual_info"), industries, log)
    counts = tables.get("patent_counts")
    panel = attach_patents(
        panel,
        application_counts(counts, options.patent_scope) if counts is not None else None,
        tables.get("patent_firm_year"),
        options.depreciation,
    )
    semiconductor = tables.get("semiconductor_share")
    share = (
        panel["firm_id"].map(semiconductor.set_index("firm_id")["semiconductor_patent_share"])
        if semiconductor is not None
        else pd.Series(np.nan, index=panel.index)
    )
    panel["semiconductor"] = (share >= options.semiconductor_share).astype("int8")
    suppliers = tables.get("suppliers")
    if suppliers is not None:
        shares = supplier_shares(suppliers)
        panel = panel.merge(shares, on=["firm_id", "year"], how="left")
        panel["supplier_coverage"] = panel["supplier_coverage"].fillna(0).astype("int8")
        pre = pre_period_share(shares, options.cutoff_year, options.pre_years)
    else:
        panel = panel.assign(foreign_supplier_share=np.nan, supplier_coverage=np.int8(0), top5_purchase_share=np.nan)
        pre = pd.Series(dtype=float, name="foreign_share_pre", index=pd.Index([], name="firm_id", dtype=str))
    panel = attach_import_shares(panel, tables.get("import_shares"))
    return attach_treatment(
        panel, tables.get("sanctions"), tables.get("huawei_suppliers"), tables.get("designations"), pre, options
    )


def _conform(panel: pd.DataFrame) -> pd.DataFrame:
    """Codebook column order, declared types, sorted by firm and year; validated."""
    order = [v.name for v in CODEBOOK]
    extra = [c for c in panel.columns if c not in order]
    panel = panel[order + extra].sort_values(["firm_id", "year"]).reset_index(drop=True)
    panel["year"] = panel["year"].astype("int64")
    panel["market_type"] = panel["market_type"].astype("int64")
    panel["sanction_date"] = panel["sanction_date"].astype("datetime64[ns]")
    empty = [v.name for v in CODEBOOK if v.name in panel and panel[v.name].isna().all()]
    if empty and len(panel):
        warnings.warn(f"variables left empty (missing in every firm-year of the built panel): {', '.join(empty)}", stacklevel=3)
    try:
        return panel_schema.validate(panel, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        column, check = str(cases["column"].iloc[0]), str(cases["check"].iloc[0])
        index = cases["index"].dropna()
        where = panel.loc[int(index.iloc[0]), ["firm_id", "year"]] if len(index) else None
        at = f" (firm {where['firm_id']}, {where['year']}; {len(index)} firm-years)" if where is not None else ""
        raise InputError(f"built variable '{column}' fails its check {check}, got {cases['failure_case'].iloc[0]!r}{at}",
                         fix="check the raw values it is derived from (see data_schemas/codebook.py)") from None
