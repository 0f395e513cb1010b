"""Supplier flags and the column-mapping adapter (CSV, Parquet, Stata, Excel)."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from data_schemas.errors import InputError
from panel.sources.generic import read_mapped
from panel.sources.suppliers import country_code, is_placeholder, read_suppliers


@pytest.mark.parametrize(
    "name",
    ["供应商一", "供应商五", "供应商 A", "供应商E", "第一名", "第三名供应商", "Supplier 1", "supplier #2",
     "客户一", "单位甲", "A公司", "深圳市**科技有限公司", "", None, "未披露"],
)
def test_placeholder_names_are_masked(name):
    assert is_placeholder(name)


@pytest.mark.parametrize("name", ["华为技术有限公司", "Applied Materials, Inc.", "Tokyo Electron Limited", "一汽集团"])
def test_real_names_are_not_masked(name):
    assert not is_placeholder(name)


def test_country_spellings():
    for spelling in ["中国", "China", "CN", "PRC", "中华人民共和国", " china "]:
        assert country_code(spelling) == "CN"
    assert country_code("United States") == "US"
    assert country_code("中国台湾") == "TW"
    assert country_code("未知") is None
    assert country_code("Ruritania") == "Ruritania"


def test_supplier_file_flags(tmp_path):
    path = tmp_path / "top5_suppliers.csv"
    path.write_text(
        "Stkcd,Year,Rank,SupplierName,Country,PurchaseShare\n"
        "1,2018,1,Applied Materials,USA,20\n"
        "1,2018,2,供应商二,美国,10\n"
        "1,2018,3,北方华创,中国,5\n"
        "1,2018,4,Some Vendor,,3\n"
        "1,2018,5,,日本,2\n",
        encoding="gbk",
    )
    table = read_suppliers(path)
    assert table["country"].tolist()[:3] == ["US", "US", "CN"]
    assert table["is_masked"].tolist() == [False, True, False, False, True]
    assert table["is_foreign"].tolist() == [True, pd.NA, False, pd.NA, pd.NA]
    assert str(table["is_foreign"].dtype) == "boolean"


def test_share_out_of_range(tmp_path):
    path = tmp_path / "top5_suppliers.csv"
    path.write_text("Stkcd,Year,Rank,SupplierName,Country,PurchaseShare\n1,2018,1,X,CN,120\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_suppliers(path)
    assert str(info.value) == (
        f"{path}: column 'PurchaseShare': expected a value from 0 to 100, got '120.0' (row 2); correct these cells"
    )


MAPPING = {"firm_id": "code", "year": "fyear", "subsidy": "govgrant"}
FRAME = pd.DataFrame({"code": [1, 600000], "fyear": [2019, 2020], "govgrant": [1.5, 2.0]})
EXPECTED = [{"firm_id": "000001", "year": 2019, "subsidy": 1.5}, {"firm_id": "600000", "year": 2020, "subsidy": 2.0}]


@pytest.mark.parametrize("suffix", ["csv", "parquet", "dta", "xlsx"])
def test_mapped_reading_of_every_format(tmp_path, suffix):
    path = tmp_path / f"grants.{suffix}"
    if suffix == "csv":
        FRAME.to_csv(path, index=False)
    elif suffix == "parquet":
        FRAME.to_parquet(path)
    elif suffix == "dta":
        pyreadstat.write_dta(FRAME, str(path))
    else:
        FRAME.to_excel(path, index=False)
    assert read_mapped(path, "subsidies", MAPPING).to_dict("records") == EXPECTED


def test_mapped_column_missing_or_misnamed(tmp_path):
    path = tmp_path / "grants.csv"
    FRAME.rename(columns={"govgrant": "gov_grant"}).to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        read_mapped(path, "subsidies", MAPPING)
    assert str(info.value) == (
        f"{path}: column 'govgrant': no such column for subsidy; did you mean 'gov_grant'?"
    )
    with pytest.raises(InputError) as info:
        read_mapped(path, "subsidies", {"firm": "code"})
    assert str(info.value) == (
        f"{path}: unknown subsidies column 'firm' in the column mapping; "
        "did you mean 'firm_id'? (choices: firm_id, year, subsidy)"
    )


def test_mapped_parquet_error_rows_are_row_numbers(tmp_path):
    path = tmp_path / "grants.parquet"
    pd.DataFrame({"code": ["1", "2", "2"], "fyear": [2019, 2019, 2019], "govgrant": [1.0, 2.0, 3.0]}).to_parquet(path)
    with pytest.raises(InputError) as info:
        read_mapped(path, "subsidies", MAPPING)
    assert str(info.value) == (
        f"{path}: duplicate key (code, fyear) = (000002, 2019) (rows 2, 3); keep one row per code, fyear"
    )
