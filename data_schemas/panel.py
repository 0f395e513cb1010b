"""Schema of the built firm-year panel.

Every codebook variable is a column; identifiers and flags have fixed types
and ranges; (firm_id, year) is unique.
"""

from __future__ import annotations

import pandera.pandas as pa

from data_schemas.codebook import CODEBOOK

_FLAG = pa.Column("int8", pa.Check.isin([0, 1]), nullable=False)
_SPECIAL: dict[str, pa.Column] = {
    "firm_id": pa.Column(str, pa.Check.str_matches(r"^\d{6}$"), nullable=False),
    "year": pa.Column("int64", pa.Check.in_range(1980, 2100), nullable=False),
    "short_name": pa.Column(str, nullable=True),
    "industry": pa.Column(str, nullable=True),
    "industry_section": pa.Column(str, nullable=True),
    "industry_year": pa.Column(str, nullable=True),
    "province_year": pa.Column(str, nullable=True),
    "province": pa.Column(str, nullable=True),
    "market_type": pa.Column("int64", nullable=False),
    "sanction_date": pa.Column("datetime64[ns]", nullable=True),
    "total_assets": pa.Column(float, pa.Check.gt(0), nullable=True),
    "invention_apply": pa.Column(float, pa.Check.ge(0), nullable=True),
    "utility_apply": pa.Column(float, pa.Check.ge(0), nullable=True),
    "design_apply": pa.Column(float, pa.Check.ge(0), nullable=True),
    "foreign_supplier_share": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
}
_FLAGS = {
    v.name for v in CODEBOOK if v.unit == "0/1"
}
_INTEGER_YEARS = {"list_year", "age", "sanction_year", "little_giant_year", "first_treat_year", "event_time"}


def _column(name: str) -> pa.Column:
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name in _FLAGS:
        return _FLAG
    if name in _INTEGER_YEARS:
        return pa.Column("Int64", nullable=True)
    return pa.Column(float, nullable=True)


firm_panel = pa.DataFrameSchema(
    {v.name: _column(v.name) for v in CODEBOOK},
    unique=["firm_id", "year"],
    strict=False,
    name="firm_panel",
)
