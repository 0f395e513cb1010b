"""Raw export layouts: which source column holds which canonical field.

One :class:`Layout` per raw table.  The adapters read through these maps and the
demo simulator writes through them, so a file the simulator writes is read back
by the same definition.  Codes and Chinese labels follow the CSMAR/CNRDS
codebook bundled in ``panel/reference/csmar_cnrds_codebook.md``; tables for
which no vendor layout is documented (patent records, supplier disclosures,
subsidies, treatment inputs) use the project's own plain layout, marked
``vendor=None``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One column of a raw export.

    Parameters
    ----------
    code : str
        Column name in the export (matched case-insensitively).
    name : str
        Canonical field name used inside the project.
    label_zh : str
        The Chinese label row text (CSMAR/CNRDS second header row).
    unit : str
        The unit row text (CSMAR third header row); empty if none.
    """

    code: str
    name: str
    label_zh: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Layout:
    """A raw table layout.

    Parameters
    ----------
    table : str
        Canonical table name (key into :mod:`data_schemas.raw`).
    file_stem : str
        File name stem the folder discovery looks for (``FS_Combas`` matches
        ``FS_Combas.csv``, ``FS_Combas.xlsx``, ``FS_Combas_2024.csv`` ...).
    fields : tuple of Field
        The columns, in export order.
    extra_header_rows : int
        Rows below the code row that are labels/units, not data
        (2 for CSMAR, 1 for CNRDS, 0 for plain tables).
    vendor : str or None
        ``"CSMAR"``, ``"CNRDS"`` or ``None`` for the project's plain layout.
    """

    table: str
    file_stem: str
    fields: tuple[Field, ...]
    extra_header_rows: int = 0
    vendor: str | None = None

    @property
    def rename(self) -> dict[str, str]:
        """Map from lower-cased source code to canonical name."""
        return {f.code.lower(): f.name for f in self.fields}


COMPANY = Layout(
    table="company",
    file_stem="TRD_Co",
    vendor="CSMAR",
    extra_header_rows=2,
    fields=(
        Field("Stkcd", "firm_id", "证券代码", "没有单位"),
        Field("Stknme", "short_name", "证券简称", "没有单位"),
        Field("Listdt", "list_date", "上市日期", "没有单位"),
        Field("Nnindcd", "industry", "行业代码C", "没有单位"),
        Field("Nnindnme", "industry_name", "行业名称C", "没有单位"),
        Field("PROVINCE", "province", "所属省份", "没有单位"),
        Field("Markettype", "market_type", "上市市场", "没有单位"),
        Field("OWNERSHIPTYPE", "ownership", "股权性质", "没有单位"),
        Field("Statco", "status", "公司状态", "没有单位"),
        Field("Statdt", "status_date", "状态变动日期", "没有单位"),
    ),
)

ANNUAL_INFO = Layout(
    table="annual_info",
    file_stem="STK_LISTEDCOINFOANL",
    vendor="CSMAR",
    extra_header_rows=2,
    fields=(
        Field("Symbol", "firm_id", "股票代码", "没有单位"),
        Field("EndDate", "period_end", "统计截止日期", "没有单位"),
        Field("ShortName", "short_name", "股票简称", "没有单位"),
        Field("IndustryCode", "industry", "行业代码", "没有单位"),
    ),
)

BALANCE_SHEET = Layout(
    table="balance_sheet",
    file_stem="FS_Combas",
    vendor="CSMAR",
    extra_header_rows=2,
    fields=(
        Field("Stkcd", "firm_id", "证券代码", "没有单位"),
        Field("Accper", "period_end", "会计期间", "没有单位"),
        Field("Typrep", "statement_type", "报表类型", "没有单位"),
        Field("A001101000", "cash", "货币资金", "元"),
        Field("A001100000", "current_assets", "流动资产合计", "元"),
        Field("A001000000", "total_assets", "资产总计", "元"),
        Field("A002000000", "total_liabilities", "负债合计", "元"),
        Field("A003000000", "total_equity", "所有者权益合计", "元"),
    ),
)

INCOME_STATEMENT = Layout(
    table="income_statement",
    file_stem="FS_Comins",
    vendor="CSMAR",
    extra_header_rows=2,
    fields=(
        Field("Stkcd", "firm_id", "证券代码", "没有单位"),
        Field("Accper", "period_end", "会计期间", "没有单位"),
        Field("Typrep", "statement_type", "报表类型", "没有单位"),
        Field("B001101000", "revenue", "营业收入", "元"),
        Field("B001201000", "operating_cost", "营业成本", "元"),
        Field("B001216000", "rd_expense", "研发费用", "元"),
        Field("B001300000", "operating_profit", "营业利润", "元"),
        Field("B002000000", "net_profit", "净利润", "元"),
    ),
)

MARKET_VALUE = Layout(
    table="market_value",
    file_stem="FI_T10",
    vendor="CSMAR",
    extra_header_rows=2,
    fields=(
        Field("Stkcd", "firm_id", "证券代码", "没有单位"),
        Field("Accper", "period_end", "统计截止日期", "没有单位"),
        Field("F100801A", "market_value", "市值A", "元"),
        Field("F100901A", "tobin_q", "托宾Q值A", "没有单位"),
    ),
)

SUBSIDIES = Layout(
    table="subsidies",
    file_stem="subsidies",
    fields=(
        Field("Stkcd", "firm_id"),
        Field("Year", "year"),
        Field("Subsidy", "subsidy"),
    ),
)

PATENT_COUNTS = Layout(
    table="patent_counts",
    file_stem="CNRDS_PatentApply",
    vendor="CNRDS",
    extra_header_rows=1,
    fields=(
        Field("Scode", "firm_id", "股票代码"),
        Field("Year", "year", "会计年度"),
        Field("Ftyp", "scope", "公司类型"),
        Field("Invia", "invention_apply_own", "当年独立申请的发明数量"),
        Field("Umia", "utility_apply_own", "当年独立申请的实用新型数量"),
        Field("Desia", "design_apply_own", "当年独立申请的外观设计数量"),
        Field("Invja", "invention_apply_joint", "当年联合申请的发明数量"),
        Field("Umja", "utility_apply_joint", "当年联合申请的实用新型数量"),
        Field("Desja", "design_apply_joint", "当年联合申请的外观设计数量"),
    ),
)

PATENT_RECORDS = Layout(
    table="patent_records",
    file_stem="patent_records",
    fields=(
        Field("patent_id", "patent_id"),
        Field("Scode", "firm_id"),
        Field("application_date", "application_date"),
        Field("grant_date", "grant_date"),
        Field("patent_type", "patent_type"),
        Field("ipc", "ipc"),
    ),
)

SUPPLIERS = Layout(
    table="suppliers",
    file_stem="top5_suppliers",
    fields=(
        Field("Stkcd", "firm_id"),
        Field("Year", "year"),
        Field("Rank", "rank"),
        Field("SupplierName", "supplier_name"),
        Field("Country", "country"),
        Field("PurchaseShare", "purchase_share"),
    ),
)

SANCTIONS = Layout(
    table="sanctions",
    file_stem="entity_list_events",
    fields=(
        Field("Stkcd", "firm_id"),
        Field("Entity", "entity"),
        Field("AnnouncementDate", "announcement_date"),
        Field("EffectiveDate", "effective_date"),
        Field("Rule", "rule"),
    ),
)

HUAWEI_SUPPLIERS = Layout(
    table="huawei_suppliers",
    file_stem="huawei_suppliers",
    fields=(
        Field("Stkcd", "firm_id"),
        Field("Company", "company"),
    ),
)

DESIGNATIONS = Layout(
    table="designations",
    file_stem="designations",
    fields=(
        Field("Stkcd", "firm_id"),
        Field("Program", "program"),
        Field("Batch", "batch"),
        Field("Year", "year"),
    ),
)

#: every layout, by canonical table name
LAYOUTS: dict[str, Layout] = {
    layout.table: layout
    for layout in (
        COMPANY,
        ANNUAL_INFO,
        BALANCE_SHEET,
        INCOME_STATEMENT,
        MARKET_VALUE,
        SUBSIDIES,
        PATENT_COUNTS,
        PATENT_RECORDS,
        SUPPLIERS,
        SANCTIONS,
        HUAWEI_SUPPLIERS,
        DESIGNATIONS,
    )
}

#: canonical fields an export may leave out (they are read as missing);
#: every other field of a layout is required
OPTIONAL_FIELDS: dict[str, frozenset[str]] = {
    "company": frozenset({"industry_name", "province", "ownership", "status", "status_date"}),
    "annual_info": frozenset({"industry"}),
    "balance_sheet": frozenset({"cash", "current_assets"}),
    "income_statement": frozenset({"operating_cost", "rd_expense"}),
    "market_value": frozenset({"market_value"}),
    "patent_records": frozenset({"grant_date", "ipc"}),
    "suppliers": frozenset({"country"}),
    "sanctions": frozenset({"announcement_date", "rule"}),
    "huawei_suppliers": frozenset({"company"}),
    "designations": frozenset({"batch"}),
}
