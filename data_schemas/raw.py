"""Schemas of the canonical raw tables, as the source adapters return them.

Adapters rename vendor codes to the canonical names of
:mod:`panel.sources.formats`, parse types, and validate against these schemas.
Money is in RMB yuan; shares are in percent (0-100) as disclosed.
"""

from __future__ import annotations

import pandera.pandas as pa

FIRM_ID = pa.Column(str, pa.Check.str_matches(r"^\d{6}$"), nullable=False)
DATE = pa.Column("datetime64[ns]", nullable=False)
OPTIONAL_DATE = pa.Column("datetime64[ns]", nullable=True)
MONEY = pa.Column(float, nullable=True)
#: total assets: size is log(total assets), so zero or negative totals are input errors
POSITIVE_MONEY = pa.Column(float, pa.Check.gt(0), nullable=True)
YEAR = pa.Column(int, pa.Check.in_range(1980, 2100), nullable=False)
COUNT = pa.Column(float, pa.Check.ge(0), nullable=True)
TEXT = pa.Column(str, nullable=False)
OPTIONAL_TEXT = pa.Column(str, nullable=True)
STATEMENT_TYPE = pa.Column(str, pa.Check.isin(["A", "B"]), nullable=False)

company = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "short_name": TEXT,
        "list_date": DATE,
        "industry": pa.Column(str, pa.Check.str_matches(r"^[A-S]\d{2}$"), nullable=True),
        "industry_name": OPTIONAL_TEXT,
        "province": OPTIONAL_TEXT,
        "market_type": pa.Column(int, pa.Check.isin([1, 2, 4, 8, 16, 32, 64]), nullable=False),
        "ownership": OPTIONAL_TEXT,
        "status": OPTIONAL_TEXT,
        "status_date": OPTIONAL_DATE,
    },
    unique=["firm_id"],
    name="company",
)

annual_info = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "period_end": DATE,
        "short_name": TEXT,
        "industry": pa.Column(str, pa.Check.str_matches(r"^[A-S]\d{2}$"), nullable=True),
    },
    unique=["firm_id", "period_end"],
    name="annual_info",
)

balance_sheet = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "period_end": DATE,
        "statement_type": STATEMENT_TYPE,
        "cash": MONEY,
        "current_assets": MONEY,
        "total_assets": POSITIVE_MONEY,
        "total_liabilities": MONEY,
        "total_equity": MONEY,
    },
    unique=["firm_id", "period_end", "statement_type"],
    name="balance_sheet",
)

income_statement = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "period_end": DATE,
        "statement_type": STATEMENT_TYPE,
        "revenue": MONEY,
        "operating_cost": MONEY,
        "rd_expense": MONEY,
        "operating_profit": MONEY,
        "net_profit": MONEY,
    },
    unique=["firm_id", "period_end", "statement_type"],
    name="income_statement",
)

market_value = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "period_end": DATE,
        "market_value": MONEY,
        "tobin_q": pa.Column(float, pa.Check.ge(0), nullable=True),
    },
    unique=["firm_id", "period_end"],
    name="market_value",
)

subsidies = pa.DataFrameSchema(
    {"firm_id": FIRM_ID, "year": YEAR, "subsidy": pa.Column(float, pa.Check.ge(0), nullable=True)},
    unique=["firm_id", "year"],
    name="subsidies",
)

patent_counts = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "year": YEAR,
        "scope": TEXT,
        "invention_apply_own": COUNT,
        "utility_apply_own": COUNT,
        "design_apply_own": COUNT,
        "invention_apply_joint": COUNT,
        "utility_apply_joint": COUNT,
        "design_apply_joint": COUNT,
    },
    unique=["firm_id", "year", "scope"],
    name="patent_counts",
)

#: patent-level records aggregated to firm-year (see panel.sources.patents): one row per
#: firm-year with at least one application or grant; a firm-year absent here had none
patent_firm_year = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "year": YEAR,
        "invention_apply": COUNT,
        "utility_apply": COUNT,
        "design_apply": COUNT,
        "invention_grant": COUNT,
        "utility_grant": COUNT,
        "design_grant": COUNT,
    },
    unique=["firm_id", "year"],
    name="patent_firm_year",
)

#: firm-level, from the same records: the share of a firm's patent records applied for
#: before the cutoff whose IPC starts with H01L or H10 (semiconductor devices)
semiconductor_share = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "n_records_pre": pa.Column(int, pa.Check.ge(0), nullable=False),
        "semiconductor_patent_share": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
    },
    unique=["firm_id"],
    name="semiconductor_share",
)

PATENT_TYPES = ["invention", "utility_model", "design"]

patent_records = pa.DataFrameSchema(
    {
        "patent_id": TEXT,
        "firm_id": FIRM_ID,
        "application_date": DATE,
        "grant_date": OPTIONAL_DATE,
        "patent_type": pa.Column(str, pa.Check.isin(PATENT_TYPES), nullable=False),
        "ipc": OPTIONAL_TEXT,
    },
    unique=["patent_id"],
    name="patent_records",
)

suppliers = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "year": YEAR,
        "rank": pa.Column(int, pa.Check.in_range(1, 5), nullable=False),
        "supplier_name": OPTIONAL_TEXT,
        "country": OPTIONAL_TEXT,
        "purchase_share": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "is_masked": pa.Column(bool, nullable=False),
        "is_foreign": pa.Column("boolean", nullable=True),
    },
    unique=["firm_id", "year", "rank"],
    name="suppliers",
    description=(
        "Top-five supplier disclosures, one row per firm, year and rank. country is an "
        "ISO 3166 alpha-2 code where recognised (CN for mainland China); is_masked flags "
        "placeholder names; is_foreign is missing when masked or the country is unknown."
    ),
)

sanctions = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "entity": TEXT,
        "announcement_date": OPTIONAL_DATE,
        "effective_date": DATE,
        "rule": OPTIONAL_TEXT,
    },
    name="sanctions",
)

huawei_suppliers = pa.DataFrameSchema(
    {"firm_id": FIRM_ID, "company": OPTIONAL_TEXT},
    unique=["firm_id"],
    name="huawei_suppliers",
)

designations = pa.DataFrameSchema(
    {
        "firm_id": FIRM_ID,
        "program": TEXT,
        "batch": pa.Column("Int64", nullable=True),
        "year": YEAR,
    },
    unique=["firm_id", "program"],
    name="designations",
)

#: every raw schema, by canonical table name (same keys as panel.sources.formats.LAYOUTS)
RAW_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    schema.name: schema
    for schema in (
        company,
        annual_info,
        balance_sheet,
        income_statement,
        market_value,
        subsidies,
        patent_counts,
        patent_firm_year,
        semiconductor_share,
        patent_records,
        suppliers,
        sanctions,
        huawei_suppliers,
        designations,
    )
}
