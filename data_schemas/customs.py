"""Schemas of the commodity-level tables: monthly imports by HS code, the HS-to-group list, GDP.

Import values and GDP are in the same currency (US dollars in both customs
layouts the adapters read); periods are calendar months, stored as the first
day of the month.
"""

from __future__ import annotations

import pandera.pandas as pa

#: an HS code of 4, 6 or 8 digits (China Customs extends the 6-digit HS to 8)
HS_CODE_PATTERN = r"^\d{4}(\d{2}(\d{2})?)?$"

#: the three use categories of the technology groups
CATEGORIES = ["capital", "intermediate", "consumption"]

#: one row per line of a customs file (several lines may share a code and
#: month, e.g. one per trade partner); ``line`` is the file line number
customs_imports = pa.DataFrameSchema(
    {
        "period": pa.Column("datetime64[ns]", nullable=False),
        "hs_code": pa.Column(str, pa.Check.str_matches(r"^\d{6}(\d{2})?$"), nullable=False),
        "value": pa.Column(float, pa.Check.ge(0), nullable=False),
    },
    name="customs_imports",
    description="Monthly import value by HS6 or HS8 code, in US dollars.",
)

#: the technology-group list: which HS codes make up which group, per batch
hs_groups = pa.DataFrameSchema(
    {
        "batch": pa.Column(str, nullable=False),
        "group": pa.Column(int, pa.Check.in_range(1, 999), nullable=False),
        "hs_code": pa.Column(str, pa.Check.str_matches(HS_CODE_PATTERN), nullable=False),
    },
    unique=["batch", "hs_code"],
    name="hs_groups",
    description="HS codes (4, 6 or 8 digits) assigned to technology groups; one list per batch.",
)

#: the technology groups themselves
tech_groups = pa.DataFrameSchema(
    {
        "group": pa.Column(int, pa.Check.in_range(1, 999), nullable=False),
        "group_name": pa.Column(str, nullable=False),
        "category": pa.Column(str, pa.Check.isin(CATEGORIES), nullable=False),
        "semiconductor": pa.Column(bool, nullable=False),
    },
    unique=["group"],
    name="tech_groups",
)

#: annual GDP, in the currency of the imports
gdp = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(1980, 2100), nullable=False),
        "gdp": pa.Column(float, pa.Check.gt(0), nullable=False),
    },
    unique=["year"],
    name="gdp",
    description="Annual GDP in US dollars (the currency of the import values).",
)
