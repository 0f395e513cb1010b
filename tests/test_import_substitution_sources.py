"""Customs, GDP and group-list readers for the import-substitution study, on small hand-made files."""

from __future__ import annotations

import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.sources.customs import group_monthly, read_customs
from panel.sources.gdp import read_gdp
from panel.sources.hs_groups import load_hs_groups
from panel.sources.series_table import read_series_table


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


CUSTOMS = (
    "数据年月,商品编码,商品名称,贸易伙伴名称,美元\n"
    "201901,85423100,处理器,日本,100\n"
    "201901,85423100,处理器,美国,\"1,000\"\n"
    "201902,85423100,处理器,日本,300\n"
    "2019-02,84862031,光刻机,荷兰,50\n"
    "201903,30049090,药品,德国,7\n"
)


def test_china_customs_export_sums_lines_by_code_and_month(tmp_path):
    imports = read_customs(write(tmp_path / "customs.csv", CUSTOMS, encoding="gb18030"))
    assert imports.to_dict("list") == {
        "period": [pd.Timestamp("2019-03-01"), pd.Timestamp("2019-02-01"), pd.Timestamp("2019-01-01"),
                   pd.Timestamp("2019-02-01")],
        "hs_code": ["30049090", "84862031", "85423100", "85423100"],
        "value": [7.0, 50.0, 1100.0, 300.0],
    }


def test_group_monthly_fills_months_without_lines_with_zero(tmp_path):
    groups = load_hs_groups()
    monthly = group_monthly(read_customs(write(tmp_path / "customs.csv", CUSTOMS)), groups)
    chips = monthly[monthly["group"] == 2]
    assert chips["value"].tolist() == [1100.0, 300.0, 0.0]
    assert set(monthly["group"]) == {2, 6, 17}
    assert set(monthly["batch"]) == {"approximation"}


def test_english_headers_and_xlsx(tmp_path):
    pytest.importorskip("openpyxl")
    frame = pd.DataFrame({"Date of data": [201901, 201902], "Commodity code": [85423100, 85423100],
                          "US dollar": [5.0, 6.0]})
    path = tmp_path / "customs.xlsx"
    frame.to_excel(path, index=False)
    imports = read_customs(path)
    assert imports["hs_code"].tolist() == ["85423100", "85423100"]
    assert imports["value"].tolist() == [5.0, 6.0]


def test_comtrade_table_keeps_imports_only(tmp_path):
    text = (
        "refYear,period,reporterISO,flowCode,cmdCode,primaryValue\n"
        "2020,202001,CHN,M,854231,10\n"
        "2020,202001,CHN,X,854231,99\n"
        "2020,202002,CHN,M,848620,4.5\n"
    )
    imports = read_customs(write(tmp_path / "comtrade.csv", text))
    assert imports["hs_code"].tolist() == ["848620", "854231"]
    assert imports["value"].tolist() == [4.5, 10.0]


def test_unknown_hs_code(tmp_path):
    text = CUSTOMS + "201903,01012100,马,法国,3\n201904,02011000,牛肉,澳大利亚,3\n"
    with pytest.raises(InputError) as error:
        read_customs(write(tmp_path / "customs.csv", text))
    assert str(error.value) == (
        f"{tmp_path / 'customs.csv'}: column '商品编码': HS code '01012100' (and 1 other code) maps to no "
        "technology group (rows 7, 8); add it to the group list (bundled approximation) or remove these lines"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("201903,85423100,x,y,-5", "column '美元': expected a value of at least 0, got '-5.0' (row 7); correct these cells"),
        ("201903,85423100,x,y,", "column '美元': missing value in a required column (row 7); fill these cells or drop the rows"),
        ("201913,85423100,x,y,5", "column '数据年月': expected a month (YYYYMM or YYYY-MM), got '201913' (row 7); correct these cells"),
        ("201903,8542,x,y,5", "column '商品编码': expected text matching ^\\d{6}(\\d{2})?$, got '8542' (row 7); correct these cells"),
    ],
)
def test_bad_customs_lines(tmp_path, line, message):
    path = write(tmp_path / "customs.csv", CUSTOMS + line + "\n")
    with pytest.raises(InputError) as error:
        read_customs(path)
    assert str(error.value) == f"{path}: {message}"


def test_not_a_customs_file(tmp_path):
    path = write(tmp_path / "other.csv", "a,b\n1,2\n")
    with pytest.raises(InputError) as error:
        read_customs(path)
    assert str(error.value) == (
        f"{path}: does not look like a customs import file; expected the columns of a China Customs export: "
        "数据年月, 商品编码, 美元; Comtrade table: period, cmdCode, primaryValue"
    )


def test_bundled_group_list():
    groups = load_hs_groups()
    assert groups.groups["group"].tolist() == list(range(1, 18))
    semis = groups.groups.loc[groups.groups["semiconductor"], "group"].tolist()
    assert semis == [1, 2, 3, 6, 8, 11]
    assert groups.groups.set_index("group").loc[17, "category"] == "consumption"
    codes = groups.codes.set_index("hs_code")["group"]
    assert codes["854231"] == 2 and codes["848610"] == 3 and codes["848620"] == 6
    assert codes["853224"] == 1 and codes["848210"] == 10 and codes["300490"] == 17 and codes["850760"] == 13
    assert groups.codes["hs_code"].str.len().eq(6).all()


def test_user_list_longest_code_wins_and_batches_side_by_side(tmp_path):
    text = "hs_code,group,batch\n8542,2,greenbook\n85423100,6,greenbook\n854231,2,tariff\n"
    groups = load_hs_groups(write(tmp_path / "mine.csv", text))
    assert groups.batches == ["greenbook", "tariff"]
    codes = pd.Series(["85423100", "85423900", "85423190"])
    assert groups.lookup(codes, "greenbook").tolist() == [6, 2, 2]
    assert groups.lookup(codes, "tariff").tolist()[0] == 2
    assert pd.isna(groups.lookup(codes, "tariff").iloc[1])
    assert groups.groups["group_name"].tolist() == ["Integrated Circuits", "Lithography for Electronics"]


def test_user_list_with_own_group_needs_its_attributes(tmp_path):
    path = write(tmp_path / "mine.csv", "hs_code,group\n85423100,18\n")
    with pytest.raises(InputError) as error:
        load_hs_groups(path)
    assert str(error.value) == (
        f"{path}: column 'group': group 18 is not one of the bundled groups 1-17; "
        "add the columns group_name, category and semiconductor for your own groups"
    )
    own = write(tmp_path / "own.csv", "hs_code,group,group_name,category,semiconductor\n85423100,18,Memory,intermediate,1\n")
    assert load_hs_groups(own).groups.to_dict("records") == [
        {"group": 18, "group_name": "Memory", "category": "intermediate", "semiconductor": True}
    ]


def test_user_list_duplicate_code(tmp_path):
    path = write(tmp_path / "mine.csv", "hs_code,group\n854231,2\n854231,6\n")
    with pytest.raises(InputError) as error:
        load_hs_groups(path)
    assert str(error.value) == f"{path}: duplicate key (batch, hs_code) = (mine, 854231) (rows 2, 3); keep one row per batch, hs_code"


def test_gdp(tmp_path):
    gdp = read_gdp(write(tmp_path / "gdp.csv", "Year,GDP,note\n2015,1.1e13,x\n2016,\"11,500,000,000,000\",x\n"))
    assert gdp.to_dict("list") == {"year": [2015, 2016], "gdp": [1.1e13, 1.15e13]}
    path = write(tmp_path / "bad.csv", "year,gdp\n2015,1e13\n2016,0\n")
    with pytest.raises(InputError) as error:
        read_gdp(path)
    assert str(error.value) == f"{path}: column 'gdp': expected GDP above 0, got '0' (row 3); correct these cells"


def test_series_table_orders_numbers_and_months(tmp_path):
    # numbers and months mixed: read as months, so the numbers are the offending cells
    path = write(tmp_path / "s.csv", "g,t,v\nA,10,1\nA,9,2\nB,2019-10,1\nB,2019-9,2\n")
    with pytest.raises(InputError) as error:
        read_series_table(path, series="g", period="t", value="v")
    assert str(error.value) == f"{path}: column 't': expected a month (YYYYMM or YYYY-MM), got '10' (rows 2, 3); correct these cells"
    numbers = read_series_table(write(tmp_path / "n.csv", "g,t,v\nA,10,1\nA,9,2\n"), series="g", period="t", value="v")
    assert numbers["period"].tolist() == [10, 9]
    months = read_series_table(write(tmp_path / "m.csv", "g,t,v\nB,2019-10,1\nB,2019-9,2\n"), series="g", period="t", value="v")
    assert months["period"].tolist() == [pd.Timestamp("2019-10-01"), pd.Timestamp("2019-09-01")]
