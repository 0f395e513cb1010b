"""Reading CSMAR/CNRDS exports through their layouts: encodings, header rows, types, messages."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.sources.formats import BALANCE_SHEET, COMPANY, INCOME_STATEMENT, PATENT_COUNTS, SUBSIDIES
from panel.sources.vendor import read_export

CODES = "Stkcd,Accper,Typrep,A001101000,A001100000,A001000000,A002000000,A003000000"
LABELS = "证券代码,会计期间,报表类型,货币资金,流动资产合计,资产总计,负债合计,所有者权益合计"
UNITS = "没有单位,没有单位,没有单位,元,元,元,元,元"
ROWS = [
    "000001,2019-12-31,A,100,200,1000,600,400",
    "600000,2019/12/31,A,\"1,500.5\",200,2000,1200,800",
]


def write(tmp_path, text, name="FS_Combas.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def balance_csv(rows=ROWS, header_rows=(LABELS, UNITS)):
    return "\n".join([CODES, *header_rows, *rows]) + "\n"


def message(path, layout=BALANCE_SHEET):
    with pytest.raises(InputError) as info:
        read_export(path, layout)
    return str(info.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_reads_every_supported_encoding_with_the_two_csmar_header_rows(tmp_path, encoding):
    sheet = read_export(write(tmp_path, balance_csv(), encoding=encoding), BALANCE_SHEET)
    assert sheet["firm_id"].tolist() == ["000001", "600000"]
    assert sheet["cash"].tolist() == [100.0, 1500.5]
    assert sheet["period_end"].tolist() == [pd.Timestamp("2019-12-31")] * 2
    assert str(sheet["period_end"].dtype) == "datetime64[ns]"
    assert list(sheet.columns) == [f.name for f in BALANCE_SHEET.fields]


def test_files_without_the_label_rows_and_with_lost_zeros_read_the_same(tmp_path):
    rows = ["1,2019-12-31,A,100,200,1000,600,400", "600000,20191231,A,1500.5,200,2000,1200,800"]
    text = balance_csv(rows, header_rows=()).replace("Stkcd", "STKCD").replace("A001000000", "a001000000")
    sheet = read_export(write(tmp_path, text), BALANCE_SHEET)
    assert sheet["firm_id"].tolist() == ["000001", "600000"]
    assert sheet["total_assets"].tolist() == [1000.0, 2000.0]
    assert sheet["period_end"].iloc[1] == pd.Timestamp("2019-12-31")


def test_cnrds_single_label_row_is_dropped(tmp_path):
    text = (
        "Scode,Year,Ftyp,Invia,Umia,Desia,Invja,Umja,Desja\n"
        "股票代码,会计年度,公司类型,当年独立申请的发明数量,当年独立申请的实用新型数量,"
        "当年独立申请的外观设计数量,当年联合申请的发明数量,当年联合申请的实用新型数量,当年联合申请的外观设计数量\n"
        "2,2019,上市公司本身,3,1,0,1,0,0\n"
    )
    counts = read_export(write(tmp_path, text, "CNRDS_PatentApply.csv", "gbk"), PATENT_COUNTS)
    assert counts.loc[0, "firm_id"] == "000002"
    assert counts.loc[0, "scope"] == "上市公司本身"
    assert counts.loc[0, "invention_apply_own"] + counts.loc[0, "invention_apply_joint"] == 4.0


def test_xlsx_with_two_header_rows_numeric_codes_and_excel_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CODES.split(","))
    sheet.append(LABELS.split(","))
    sheet.append(UNITS.split(","))
    sheet.append([1, dt.datetime(2019, 12, 31), "A", 100, 200, 1000, 600, 400])
    sheet.append([600000, 43830, "A", 1500.5, 200, 2000, 1200, 800])  # 43830 = 2019-12-31
    sheet.append(["000002", "2018-12-31", "A", "1,000", 200, 3000, 1200, 1800])
    path = tmp_path / "FS_Combas.xlsx"
    book.save(path)
    table = read_export(path, BALANCE_SHEET)
    assert table["firm_id"].tolist() == ["000001", "600000", "000002"]
    assert table["period_end"].dt.strftime("%Y-%m-%d").tolist() == ["2019-12-31", "2019-12-31", "2018-12-31"]
    assert table["cash"].tolist() == [100.0, 1500.5, 1000.0]


def test_xlsx_error_rows_are_excel_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (CODES.split(","), LABELS.split(","), UNITS.split(",")):
        sheet.append(row)
    sheet.append(["000001", "2019-12-31", "A", 1, 2, "n.a.", 4, 5])
    path = tmp_path / "FS_Combas.xlsx"
    book.save(path)
    assert message(path) == (
        f"{path}: column 'A001000000': expected a number, got 'n.a.' (row 4); correct these cells or leave them empty"
    )


def test_missing_column_suggests_the_closest_code(tmp_path):
    path = write(tmp_path, balance_csv().replace("A001000000", "A00100000"))
    assert message(path) == (
        f"{path}: column 'A001000000': required column not found (closest: 'A00100000'); "
        "rename 'A00100000' to 'A001000000'"
    )


def test_missing_column_without_a_close_code(tmp_path):
    text = balance_csv().replace(",A003000000", "").replace(",所有者权益合计", "").replace(",元\n", "\n", 1)
    text = "\n".join(line.rsplit(",", 1)[0] if i > 2 else line for i, line in enumerate(text.splitlines())) + "\n"
    path = write(tmp_path, text)
    assert message(path) == (
        f"{path}: column 'A003000000': required column not found; "
        "re-export FS_Combas with the field A003000000 所有者权益合计"
    )


def test_optional_columns_may_be_left_out(tmp_path):
    text = "Stkcd,Stknme,Listdt,Nnindcd,Markettype\n1,平安银行,1991-04-03,J66,4\n"
    company = read_export(write(tmp_path, text, "TRD_Co.csv"), COMPANY)
    assert company.loc[0, "firm_id"] == "000001"
    assert company["province"].isna().all()
    assert company.loc[0, "market_type"] == 4


def test_wrong_type_names_the_file_lines(tmp_path):
    rows = [ROWS[0], "600000,2019-12-31,A,100,200,abc,1200,800", "600001,2019-12-31,A,1,2,x,3,4"]
    path = write(tmp_path, balance_csv(rows))
    assert message(path) == (
        f"{path}: column 'A001000000': expected a number, got 'abc' (rows 5, 6); "
        "correct these cells or leave them empty"
    )


def test_unparseable_date(tmp_path):
    path = write(tmp_path, balance_csv([ROWS[0], "600000,2019-13-31,A,1,2,3,4,5"]))
    assert message(path) == (
        f"{path}: column 'Accper': expected a date (YYYY-MM-DD or YYYY/MM/DD), got '2019-13-31' (row 5); "
        "correct these cells or leave them empty"
    )


def test_duplicate_firm_year(tmp_path):
    text = "Stkcd,Year,Subsidy\n000001,2019,5\n000002,2019,1\n1,2019,6\n"
    path = write(tmp_path, text, "subsidies.csv")
    assert message(path, SUBSIDIES) == (
        f"{path}: duplicate key (Stkcd, Year) = (000001, 2019) (rows 2, 4); keep one row per Stkcd, Year"
    )


def test_failed_schema_check_is_one_line(tmp_path):
    path = write(tmp_path, balance_csv([ROWS[0], "600000,2019-12-31,C,1,2,3,4,5"]))
    assert message(path) == f"{path}: column 'Typrep': expected one of A, B, got 'C' (row 5); correct these cells"


def test_missing_required_value(tmp_path):
    path = write(tmp_path, balance_csv([ROWS[0], ",2019-12-31,A,1,2,3,4,5"]))
    assert message(path) == (
        f"{path}: column 'Stkcd': missing value in a required column (row 5); fill these cells or drop the rows"
    )


def test_bad_stock_code(tmp_path):
    path = write(tmp_path, balance_csv([ROWS[0], "60000X,2019-12-31,A,1,2,3,4,5"]))
    assert message(path) == (
        f"{path}: column 'Stkcd': expected a stock code of up to 6 digits, got '60000X' (row 5); correct these cells"
    )


def test_empty_file_and_header_only(tmp_path):
    empty = write(tmp_path, "", "FS_Combas.csv")
    assert message(empty) == f"{empty}: the file is empty; re-export the table"
    header_only = write(tmp_path, balance_csv(rows=[]), "FS_Combas_2.csv")
    assert message(header_only) == f"{header_only}: no data rows below the header; re-export the table with its data"


def test_income_statement_saved_under_the_balance_sheet_name(tmp_path):
    text = (
        "Stkcd,Accper,Typrep,B001101000,B001201000,B001216000,B001300000,B002000000\n"
        "000001,2019-12-31,A,1,2,3,4,5\n"
    )
    path = write(tmp_path, text)
    assert message(path) == (
        f"{path}: does not look like a balance_sheet export (FS_Combas): 5 of its 8 columns are missing; "
        "it looks like an income_statement export (FS_Comins); check that the right file was saved under this name"
    )


def test_unrelated_table_matches_no_layout(tmp_path):
    path = write(tmp_path, "name,value\nx,1\n")
    assert message(path, INCOME_STATEMENT) == (
        f"{path}: does not look like an income_statement export (FS_Comins): 8 of its 8 columns are missing; "
        "it matches no known layout; check that the right file was saved under this name"
    )


def test_binary_and_corrupt_xlsx_are_refused(tmp_path):
    binary = write(tmp_path, "", "FS_Combas.csv")
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    assert message(binary) == f"{binary}: not a readable CSV/XLSX file; re-export the table as CSV or XLSX"
    corrupt = tmp_path / "FS_Combas.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    assert message(corrupt) == f"{corrupt}: not a readable CSV/XLSX file; re-export the table as CSV or XLSX"


def test_unreadable_encoding_is_refused_not_mangled(tmp_path):
    path = tmp_path / "FS_Combas.csv"
    path.write_bytes(balance_csv(header_rows=()).encode("ascii") + "café,\n".encode("latin-1"))
    assert message(path) == (
        f"{path}: unreadable text encoding (not UTF-8, UTF-16 or GBK/GB18030); "
        "open it in Excel or a text editor and save it as CSV UTF-8"
    )


def test_xlsx_saved_under_a_csv_name_is_read_as_xlsx(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Stkcd", "Year", "Subsidy"])
    book.active.append([1, 2019, 12.5])
    path = tmp_path / "subsidies.csv"
    book.save(path)
    assert read_export(path, SUBSIDIES).to_dict("records") == [{"firm_id": "000001", "year": 2019, "subsidy": 12.5}]


def test_empty_text_cells_read_as_missing(tmp_path):
    from panel.sources.formats import SUPPLIERS

    path = write(
        tmp_path,
        "Stkcd,Year,Rank,SupplierName,Country,PurchaseShare\n1,2019,1,Intel,,10\n1,2019,2,供应商二, ,5\n",
        name="top5_suppliers.csv",
    )
    frame = read_export(path, SUPPLIERS)
    assert frame["country"].isna().all(), "an empty or blank country is missing, not ''"
