"""Hostile inputs, kind 2: no silent wrong number from raw files or in JSON output.

Non-finite raw amounts are errors (never values, never silently missing);
cut-off CSV files and workbooks with data on several sheets are refused;
Excel serial dates are read; ``--format json`` is strict JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.sources import load_folder
from panel.sources.coerce import parse_dates, parse_numbers
from panel.sources.formats import LAYOUTS
from panel.sources.tabular import read_raw
from panel.sources.vendor import read_export
from report.json_text import strict_json
from tests.hostile import DEMO_ROWS, cli, did_table, last_error, write_layout

FINITE_FIX = "correct these cells or leave them empty (an infinite amount is never a value)"


@pytest.mark.parametrize("cell", ["inf", "+inf", "1e400", "-inf", "-1E999", "Infinity"])
def test_non_finite_raw_amounts_are_errors(tmp_path, cell):
    rows = [list(r) for r in DEMO_ROWS["balance_sheet"]]
    rows[1][6] = cell  # total liabilities of the second firm
    path = write_layout(tmp_path, LAYOUTS["balance_sheet"], rows)
    with pytest.raises(InputError) as caught:
        read_export(path, LAYOUTS["balance_sheet"])
    assert caught.value.message == (f"{path}: column 'A002000000': expected a finite number, got '{cell}' (row 5); "
                                    + FINITE_FIX)


def test_non_finite_typed_cells_are_errors_too():
    with pytest.raises(InputError) as caught:
        parse_numbers(pd.Series([1.0, float("inf")], index=[2, 3]), "size", "x.parquet")
    assert caught.value.message == f"x.parquet: column 'size': expected a finite number, got 'inf' (row 3); {FINITE_FIX}"


def test_a_last_line_with_fewer_fields_is_refused(tmp_path):
    path = tmp_path / "FS_Combas.csv"
    write_layout(tmp_path, LAYOUTS["balance_sheet"], DEMO_ROWS["balance_sheet"])
    path.write_text(path.read_text(encoding="utf-8") + "600001,2019-12-31,A,14\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_raw(path)
    assert caught.value.message == (f"{path}: the last line has 4 fields, the header 8 (row 6); "
                                    "the file looks cut off: export or copy it again")


def test_a_short_last_line_without_a_line_break_is_refused(tmp_path):
    path = tmp_path / "roa.csv"
    path.write_text("firm_id,year,roa\n000001,2019,0.0512345\n000002,2019,0.0398765\n000003,2019,14", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_raw(path)
    assert caught.value.message == (
        f"{path}: the last line is shorter than every other line and has no line break after it (row 4); "
        "the file looks cut off: export or copy it again (if it is complete, end it with a line break)")


def test_complete_files_without_a_final_line_break_are_read(tmp_path):
    path = tmp_path / "roa.csv"
    path.write_text("firm_id,year,roa\n000001,2019,0.05\n000002,2019,0.04\n000003,2019,0.07", encoding="utf-8")
    assert read_raw(path).data["roa"].tolist() == ["0.05", "0.04", "0.07"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_data_on_a_second_sheet_is_not_lost_silently(tmp_path):
    path = _workbook(tmp_path / "FS_Combas.xlsx", {"2010-2018": [["Stkcd", "Accper"], ["000001", "2018-12-31"]],
                                                   "2019-2024": [["Stkcd", "Accper"], ["000001", "2019-12-31"]]})
    with pytest.raises(InputError) as caught:
        read_raw(path)
    assert caught.value.message == (
        f"{path}: the workbook has data on 2 sheets ('2010-2018', '2019-2024'); one sheet per file is read; "
        "keep the table on one sheet (move notes and other tables to files of their own, one per table) "
        "or save the table's sheet as CSV")


def test_a_notes_sheet_first_names_the_sheets(tmp_path):
    path = _workbook(tmp_path / "TRD_Co.xlsx", {"Notes": [["Downloaded from CSMAR"]],
                                                "Data": [["Stkcd", "Stknme"], ["000001", "Alpha"]]})
    with pytest.raises(InputError, match=r"has data on 2 sheets \('Notes', 'Data'\)"):
        read_raw(path)


def test_empty_extra_sheets_are_ignored(tmp_path):
    path = _workbook(tmp_path / "x.xlsx", {"Sheet1": [], "Data": [["a", "b"], [1, 2]], "Sheet3": []})
    assert read_raw(path).data.to_dict("list") == {"a": [1], "b": [2]}


def test_excel_serial_dates_are_read_in_csv_and_xlsx():
    text = parse_dates(pd.Series(["43830", "2019-12-31", "20191231", ""], index=[2, 3, 4, 5]), "Accper", "f.csv")
    cells = parse_dates(pd.Series([43830, 43830.0], index=[2, 3], dtype=object), "Accper", "f.xlsx", excel=True)
    assert text.dt.strftime("%Y-%m-%d").tolist()[:3] == ["2019-12-31"] * 3 and pd.isna(text.iloc[3])
    assert cells.dt.strftime("%Y-%m-%d").tolist() == ["2019-12-31", "2019-12-31"]


def test_a_raw_folder_with_a_serial_date_balance_sheet_loads(tmp_path):
    for kind in ("company", "balance_sheet", "income_statement"):
        rows = [list(r) for r in DEMO_ROWS[kind]]
        if kind == "balance_sheet":
            rows[0][1] = "43830"
        write_layout(tmp_path, LAYOUTS[kind], rows)
    tables = load_folder(tmp_path)
    assert tables.balance_sheet["period_end"].dt.strftime("%Y-%m-%d").tolist() == ["2019-12-31", "2019-12-31"]


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_strict_json_writes_null_for_nan_and_infinities():
    text = strict_json({"a": float("nan"), "b": [float("inf"), -float("inf"), 1.5], "c": pd.NA, "d": pd.Timestamp(0)})
    assert _strict(text) == {"a": None, "b": [None, None, 1.5], "c": "<NA>", "d": "1970-01-01 00:00:00"}


def test_fit_json_with_a_nan_statistic_is_valid_json(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame({"y": [1.0, 2.0, 3.5, 4.0, 5.5], "x": [1.0, 2.0, 3.0, 4.0, 5.0]}).to_csv(path, index=False)
    result = cli("fit", path, "--y", "y", "--x", "x", "--format", "json")
    assert result.exit_code == 0, result.output
    data = _strict(result.stdout)
    assert data["spec"]["outcome"] == "y" and "NaN" not in result.stdout


def test_did_json_is_valid_json(tmp_path):
    result = cli("did", did_table(tmp_path / "d.csv"), "--y", "y", "--unit", "id", "--time", "t", "--cohort", "g",
                 "--estimator", "imputation", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout and _strict(result.stdout)["estimator"]
