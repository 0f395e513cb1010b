"""Record-level aggregation in one DuckDB pass: parts, globs, bad rows counted by reason, clean interruption."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.engines import get_engine
from panel.sources.customs_transactions import aggregate_customs_transactions
from panel.sources.patents import PATENT_TABLE, aggregate_patent_records
from tests.test_sources_patents import EXPECTED, RECORDS, counts_of

TRANSACTIONS = """Stkcd,hs8,month,value_usd,origin
1,85423100,201901,100,US
000001,8542.31.00,2019-01,50,JP
000001,85423100,201902,25,DE
000001,39011000,201902,25,CN
600000,85423100,201903,10,cn
600000,84864000,202001,40,KR
"""


def parts(tmp_path, text, n_parts=3):
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    folder = tmp_path / "records"
    (folder / "year=all").mkdir(parents=True)
    for i in range(n_parts):
        frame.iloc[i::n_parts].to_parquet(folder / "year=all" / f"part-{i:05d}.parquet")
    (folder / "_SUCCESS").write_text("")
    return folder


def test_a_folder_of_parts_and_a_glob_give_the_counts_of_one_file(tmp_path):
    folder = parts(tmp_path, RECORDS)
    for location in (folder, str(folder / "*" / "part-*.parquet")):
        aggregates = aggregate_patent_records(location)
        pd.testing.assert_frame_equal(counts_of(aggregates.firm_year), EXPECTED.astype({"firm_id": object}))
        assert aggregates.aggregation.n_rows == 7


def test_bad_rows_are_counted_by_reason_and_left_out_below_the_threshold(tmp_path):
    path = tmp_path / "patent_records.csv"
    text = RECORDS.replace("2018-12-01", "soon").replace("P6,600000", "P6,SH60")
    path.write_text(text + "P7,000001,2017-01-01,,design,\n" * 20, encoding="utf-8")
    aggregates = aggregate_patent_records(path, max_bad_share=0.2)
    result = aggregates.aggregation
    assert (result.n_rows, result.n_bad) == (27, 3)
    assert [(b.check.column, b.count, b.lines, b.example) for b in result.bad] == [
        ("grant_date", 2, (4, 5), "soon"),
        ("Scode", 1, (8,), "SH60"),
    ]
    assert result.report() == (
        "27 rows read (duckdb); 3 left out as bad\n"
        f"  grant_date: expected a date (YYYY-MM-DD or YYYY/MM/DD): 2 rows; first at {path} 4, 5\n"
        f"  Scode: expected a stock code of up to 6 digits: 1 rows; first at {path} 8"
    )
    counts = aggregates.firm_year.set_index(["firm_id", "year"])
    assert counts.loc[("000001", 2017), "design_apply"] == 1  # twenty identical records count once
    assert ("000001", 2018) not in counts.index  # P3's two rows had the bad grant date
    assert counts.loc[("600000", 2020), "utility_apply"] == 0  # P6 had the bad code


def test_above_the_threshold_the_commonest_failure_stops_the_run(tmp_path):
    path = tmp_path / "patent_records.csv"
    path.write_text(RECORDS + "P8,000001,someday,,design,\n" * 12, encoding="utf-8")
    with pytest.raises(InputError) as info:
        aggregate_patent_records(path, max_bad_share=0.1)
    assert str(info.value) == (
        f"{path}: column 'application_date': expected a date (YYYY-MM-DD or YYYY/MM/DD), got 'someday' in 12 rows "
        "(rows 9, 10, 11, 12, 13); correct these cells"
    )


def test_malformed_csv_lines_are_counted_not_fatal(tmp_path):
    path = tmp_path / "patent_records.csv"
    path.write_text(RECORDS + "P9,000001,2017-01-01\nP10,000001,2017-01-01,,design,,extra\n", encoding="utf-8")
    result = aggregate_patent_records(path, max_bad_share=0.5)
    pd.testing.assert_frame_equal(counts_of(result.firm_year), EXPECTED.astype({"firm_id": object}))
    assert result.aggregation.report() == (
        "9 rows read (duckdb); 2 left out as bad\n"
        f"  malformed CSV lines (wrong number of fields or an unclosed quote): 2 rows; first at {path} 9, 10"
    )
    with pytest.raises(InputError) as info:
        aggregate_patent_records(path)
    assert str(info.value) == (
        f"{path}: malformed CSV lines (wrong number of fields or an unclosed quote) (rows 9, 10); "
        "correct or remove these lines"
    )


def test_an_unreadable_part_is_named(tmp_path):
    folder = parts(tmp_path, RECORDS)
    broken = folder / "year=all" / "part-00001.parquet"
    broken.write_bytes(broken.read_bytes()[:-40])
    with pytest.raises(InputError) as info:
        aggregate_patent_records(folder)
    assert str(info.value) == f"{broken}: not a readable CSV/Parquet file; re-export the records as CSV or Parquet"


def test_an_interrupted_run_leaves_no_scratch_files(tmp_path, monkeypatch):
    path = tmp_path / "patent_records.csv"
    path.write_bytes(RECORDS.encode("gbk"))  # transcoded into the scratch folder
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    def interrupt(self, summary):
        assert any(scratch.iterdir())
        raise KeyboardInterrupt

    monkeypatch.setattr(type(PATENT_TABLE), "split_summary", interrupt)
    with pytest.raises(KeyboardInterrupt):
        aggregate_patent_records(path, engine=get_engine("duckdb", scratch_root=scratch))
    assert list(scratch.iterdir()) == []


def test_unknown_engine_and_option():
    with pytest.raises(InputError, match="^unknown engine 'dask'; choose one of duckdb, spark$"):
        get_engine("dask")
    with pytest.raises(InputError, match="^engine 'duckdb': .*memory_limt"):
        get_engine("duckdb", memory_limt="1GB")


def test_customs_transactions_by_hand(tmp_path):
    path = tmp_path / "transactions.csv"
    path.write_text(TRANSACTIONS, encoding="utf-8")
    result = aggregate_customs_transactions(path)
    series = result.hs8_month.set_index(["hs_code", "period"])["value"]
    assert series.to_dict() == {
        ("39011000", pd.Timestamp("2019-02-01")): 25.0,
        ("84864000", pd.Timestamp("2020-01-01")): 40.0,
        ("85423100", pd.Timestamp("2019-01-01")): 150.0,
        ("85423100", pd.Timestamp("2019-02-01")): 25.0,
        ("85423100", pd.Timestamp("2019-03-01")): 10.0,
    }
    firm_year = result.firm_year.set_index(["firm_id", "year"])
    # 000001 in 2019: US 100, JP 50, DE 25, CN 25; 85423100 is a chokepoint code, 39011000 is not
    assert firm_year.loc[("000001", 2019)].to_dict() == {
        "import_value": 200.0,
        "us_import_share": 0.5,
        "allied_import_share": 0.875,
        "chokepoint_import_value": 175.0,
        "chokepoint_allied_share": 1.0,
    }
    assert firm_year.loc[("600000", 2019), "allied_import_share"] == 0.0  # 'cn' is China, upper-cased
    only_us = aggregate_customs_transactions(path, allies=[]).firm_year.set_index(["firm_id", "year"])
    assert only_us.loc[("000001", 2019), "allied_import_share"] == 0.5


def test_customs_bad_values_are_reported(tmp_path):
    path = tmp_path / "transactions.csv"
    path.write_text(TRANSACTIONS + "000001,85423100,201913,5,US\n000001,85423100,201912,inf,US\n", encoding="utf-8")
    result = aggregate_customs_transactions(path, max_bad_share=0.25).aggregation
    assert [(b.check.column, b.lines, b.example) for b in result.bad] == [
        ("month", (8,), "201913"),
        ("value_usd", (9,), "inf"),
    ]
    with pytest.raises(InputError) as info:
        aggregate_customs_transactions(path)
    assert (
        str(info.value)
        == f"{path}: column 'month': expected a month (YYYYMM or YYYY-MM), got '201913' (row 8); correct these cells"
    )


def test_stored_numbers_and_dates_give_the_results_of_their_texts(tmp_path):
    """Parquet columns stored as integers, doubles and dates are typed directly, with the results of the CSV texts."""
    csv = tmp_path / "transactions.csv"
    csv.write_text(TRANSACTIONS.replace("2019-01", "201901").replace("8542.31.00", "85423100"), encoding="utf-8")
    typed = pd.read_csv(csv, dtype={"origin": str})
    assert list(typed.dtypes.astype(str))[:4] == ["int64", "int64", "int64", "int64"]
    typed.astype({"value_usd": "float64"}).to_parquet(tmp_path / "transactions.parquet")
    from_text, from_numbers = (
        aggregate_customs_transactions(path) for path in (csv, tmp_path / "transactions.parquet")
    )
    for name in ("hs8_month", "firm_year", "firm_year_group"):
        pd.testing.assert_frame_equal(getattr(from_numbers, name), getattr(from_text, name))
    patents = pd.read_csv(io.StringIO(RECORDS), dtype=str).assign(Scode=lambda f: f["Scode"].astype("int32"))
    for column in ("application_date", "grant_date"):
        patents[column] = pd.to_datetime(patents[column].str.replace("/", "-"), format="mixed")
    patents.to_parquet(tmp_path / "patents.parquet")
    counts = aggregate_patent_records(tmp_path / "patents.parquet").firm_year
    pd.testing.assert_frame_equal(counts_of(counts), EXPECTED.astype({"firm_id": object}))


def test_missing_value_tokens_are_missing_cells(tmp_path):
    path = tmp_path / "transactions.csv"
    path.write_text(TRANSACTIONS + "000001,85423100,201901,5,NA\n NULL ,85423100,201901,5,US\n", encoding="utf-8")
    result = aggregate_customs_transactions(path, max_bad_share=0.5).aggregation
    assert [(b.check.column, b.check.problem, b.lines, b.example) for b in result.bad] == [
        ("Stkcd", "missing value in a required column", (9,), "NULL"),
        ("origin", "expected an ISO alpha-2 country code", (8,), "NA"),
    ]


def csv_parts(tmp_path, text, headers):
    """The rows of ``text`` split into CSV parts, each with its own header (columns reordered to it)."""
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    folder = tmp_path / "csv_parts"
    folder.mkdir()
    for i, header in enumerate(headers):
        names = [name.strip().lower() for name in header]
        by_lower = {c.lower(): c for c in frame.columns}
        part = frame.iloc[i :: len(headers)][[by_lower[n] for n in names]]
        part.set_axis(header, axis=1).to_csv(folder / f"part-{i}.csv", index=False)
    return folder


def test_csv_parts_with_columns_in_other_orders_are_aligned_by_name(tmp_path):
    columns = TRANSACTIONS.splitlines()[0].split(",")
    headers = [columns, columns[::-1], [f" {c.upper()} " for c in columns[2:] + columns[:2]]]
    text = TRANSACTIONS + "600000,85423100,202001,7,JP\n000001,84864000,2019-05,3,US\n000001,85423100,201913,5,US\n"
    folder = csv_parts(tmp_path, text, headers)
    single = tmp_path / "one.csv"
    single.write_text(text, encoding="utf-8")
    aligned, expected = (aggregate_customs_transactions(p, max_bad_share=0.2) for p in (folder, single))
    pd.testing.assert_frame_equal(aligned.firm_year, expected.firm_year)
    pd.testing.assert_frame_equal(aligned.hs8_month, expected.hs8_month)
    bad = aligned.aggregation.bad[0]  # the ninth row is the third record of the third part
    assert (bad.check.column, bad.file, bad.lines, bad.example) == ("month", str(folder / "part-2.csv"), (4,), "201913")


def test_csv_parts_with_other_columns_are_refused(tmp_path):
    columns = TRANSACTIONS.splitlines()[0].split(",")
    folder = csv_parts(tmp_path, TRANSACTIONS, [columns, columns])
    renamed = folder / "part-1.csv"
    renamed.write_text(renamed.read_text(encoding="utf-8").replace("origin", "country", 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        aggregate_customs_transactions(folder)
    assert str(info.value) == (
        f"{folder / 'part-1.csv'}: the columns differ from those of the first part {folder / 'part-0.csv'} "
        "(lacks: origin; adds: country); give every part the same columns"
    )


#: TRANSACTIONS with cells padded by an ideographic and a no-break space, and one stock code behind a tab
PADDED_TRANSACTIONS = (TRANSACTIONS.replace("000001,8542.31.00", "\u3000000001\u3000,8542.31.00")
                       .replace("600000,84864000,202001,40,KR", "600000\u00a0,84864000, 202001,40,\u3000KR")
                       + "\t600000,84864000,202001,40,KR\n")


def test_cells_padded_with_unicode_spaces_read_as_their_text_and_a_tab_is_bad(tmp_path):
    plain, padded = tmp_path / "plain.csv", tmp_path / "padded.csv"
    plain.write_text(TRANSACTIONS, encoding="utf-8")
    padded.write_text(PADDED_TRANSACTIONS, encoding="utf-8")
    expected = aggregate_customs_transactions(plain)
    result = aggregate_customs_transactions(padded, max_bad_share=0.2)
    for name in ("hs8_month", "firm_year", "firm_year_group"):
        pd.testing.assert_frame_equal(getattr(result, name), getattr(expected, name))
    assert [(b.check.column, b.lines) for b in result.aggregation.bad] == [("Stkcd", (8,))]
