"""Patent records aggregated to firm-year with DuckDB, against hand counts."""

from __future__ import annotations

import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.sources.patents import aggregate_patent_records

RECORDS = """patent_id,Scode,application_date,grant_date,patent_type,ipc
P1,1,2017-03-01,2019-05-01,invention,H01L 21/00
P2,000001,2017/06/01,,utility_model,G06F 1/00
P3,000001,2018-01-01,2018-12-01,发明,H10K 50/00
P3,000001,2018-01-01,2018-12-01,发明,H10K 50/00
P4,000001,20200101,,design,
P5,600000,2020-02-01,2021-01-01,invention,h01l 33/00
P6,600000,2020-03-01,2021-02-01,utility_model,
"""

# Hand counts (P3 is listed twice and counted once):
#   000001: applied 2017: invention P1, utility P2; 2018: invention P3; 2020: design P4
#           granted 2018: invention P3; 2019: invention P1
#   600000: applied 2020: invention P5, utility P6; granted 2021: P5 invention, P6 utility
EXPECTED = pd.DataFrame(
    [
        ["000001", 2017, 1, 1, 0, 0, 0, 0],
        ["000001", 2018, 1, 0, 0, 1, 0, 0],
        ["000001", 2019, 0, 0, 0, 1, 0, 0],
        ["000001", 2020, 0, 0, 1, 0, 0, 0],
        ["600000", 2020, 1, 1, 0, 0, 0, 0],
        ["600000", 2021, 0, 0, 0, 1, 1, 0],
    ],
    columns=["firm_id", "year", "invention_apply", "utility_apply", "design_apply",
             "invention_grant", "utility_grant", "design_grant"],
)


def counts_of(frame):
    return frame.astype({c: "int64" for c in EXPECTED.columns[2:]}).astype({"firm_id": object})


@pytest.mark.parametrize("form", ["csv", "gbk", "parquet"])
def test_counts_by_application_and_grant_year(tmp_path, form):
    if form == "parquet":
        path = tmp_path / "patent_records.parquet"
        pd.read_csv(pd.io.common.StringIO(RECORDS), dtype=str).to_parquet(path)
    else:
        path = tmp_path / "patent_records.csv"
        path.write_bytes(RECORDS.encode("gbk" if form == "gbk" else "utf-8"))
    aggregates = aggregate_patent_records(path)
    pd.testing.assert_frame_equal(counts_of(aggregates.firm_year), EXPECTED.astype({"firm_id": object}))


def test_semiconductor_share_before_the_cutoff(tmp_path):
    path = tmp_path / "patent_records.csv"
    path.write_text(RECORDS, encoding="utf-8")
    share = aggregate_patent_records(path, cutoff_year=2019).semiconductor_share.set_index("firm_id")
    # 000001 before 2019: P1 (H01L), P2 (G06F), P3 (H10K) -> 2 of 3; 600000 has none before 2019
    assert share.loc["000001", "n_records_pre"] == 3
    assert share.loc["000001", "semiconductor_patent_share"] == pytest.approx(2 / 3)
    assert share.loc["600000", "n_records_pre"] == 0
    assert pd.isna(share.loc["600000", "semiconductor_patent_share"])
    later = aggregate_patent_records(path, cutoff_year=2021).semiconductor_share.set_index("firm_id")
    assert later.loc["600000", "semiconductor_patent_share"] == pytest.approx(1 / 2)  # h01l lower case counts


def bad(tmp_path, text, name="patent_records.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        aggregate_patent_records(path)
    return path, str(info.value)


def test_unparseable_grant_date_names_the_lines(tmp_path):
    path, text = bad(tmp_path, RECORDS.replace("2018-12-01", "soon"))
    assert text == (
        f"{path}: column 'grant_date': expected a date (YYYY-MM-DD or YYYY/MM/DD), got 'soon' (rows 4, 5); "
        "correct these cells or leave them empty"
    )


def test_missing_column_suggests_the_closest(tmp_path):
    path, text = bad(tmp_path, RECORDS.replace("application_date", "applicaton_date"))
    assert text == (
        f"{path}: column 'application_date': no such column; did you mean 'applicaton_date'?"
    )


def test_unknown_patent_type_and_bad_code(tmp_path):
    path, text = bad(tmp_path, RECORDS.replace("design,", "trademark,"))
    assert text == (
        f"{path}: column 'patent_type': expected one of invention, utility_model, design, got 'trademark' (row 6); "
        "correct these cells"
    )
    path, text = bad(tmp_path, RECORDS.replace("P5,600000", "P5,SH60"))
    assert text == (
        f"{path}: column 'Scode': expected a stock code of up to 6 digits, got 'SH60' (row 7); correct these cells"
    )


def test_empty_and_binary_files(tmp_path):
    path, text = bad(tmp_path, "")
    assert text == f"{path}: the file is empty; re-export the records as CSV or Parquet"
    broken = tmp_path / "patent_records.parquet"
    broken.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(InputError) as info:
        aggregate_patent_records(broken)
    assert str(info.value) == f"{broken}: not a readable CSV/Parquet file; re-export the records as CSV or Parquet"
