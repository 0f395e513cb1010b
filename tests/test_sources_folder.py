"""Loading a whole data folder: discovery by file stem, concatenation, sources.toml, provenance."""

from __future__ import annotations

import csv
import hashlib

import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.sources import RawTables, load_folder
from panel.sources.formats import LAYOUTS, Layout

#: one small row set per demo file, in the layouts' code order
DEMO_ROWS: dict[str, list[list[object]]] = {
    "company": [
        ["000001", "Alpha", "2001-05-01", "C39", "Electronics", "Guangdong", 4, "SOE", "正常交易", ""],
        ["600000", "Beta", "1999-11-10", "C34", "Machinery", "Shanghai", 1, "private", "正常交易", ""],
    ],
    "annual_info": [["000001", "2019-12-31", "Alpha", "C39"], ["600000", "2019-12-31", "ST Beta", "C34"]],
    "balance_sheet": [
        ["000001", "2019-12-31", "A", 10, 50, 100, 60, 40],
        ["600000", "2019-12-31", "A", 20, 80, 200, 150, 50],
    ],
    "income_statement": [
        ["000001", "2019-12-31", "A", 90, 60, 5, 12, 10],
        ["600000", "2019-12-31", "A", 150, 120, 3, 8, 6],
    ],
    "market_value": [["000001", "2019-12-31", 300, 1.8], ["600000", "2019-12-31", 250, 1.1]],
    "subsidies": [["000001", 2019, 1.5]],
    "patent_counts": [["000001", 2019, "上市公司本身", 3, 1, 0, 1, 0, 0]],
    "patent_records": [
        ["P1", "000001", "2018-03-01", "2019-06-01", "invention", "H01L 21/02"],
        ["P2", "000001", "2019-04-01", "", "utility_model", "G06F 3/00"],
    ],
    "suppliers": [
        ["000001", 2019, 1, "Applied Materials", "USA", 12.5],
        ["000001", 2019, 2, "供应商二", "", 8.0],
        ["000001", 2019, 3, "华为技术有限公司", "中国", 5.0],
    ],
    "sanctions": [["000001", "Alpha Ltd", "2019-05-15", "2019-05-16", "84 FR 22961"]],
    "huawei_suppliers": [["600000", "Beta"]],
    "designations": [["600000", "little_giant", 1, 2019]],
}


def write_layout(folder, layout: Layout, rows, name=None):
    """Write rows in a layout, with the vendor's extra header rows."""
    path = folder / (name or f"{layout.file_stem}.csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.code for f in layout.fields])
        if layout.extra_header_rows >= 1:
            writer.writerow([f.label_zh for f in layout.fields])
        if layout.extra_header_rows >= 2:
            writer.writerow([f.unit for f in layout.fields])
        writer.writerows(rows)
    return path


@pytest.fixture
def demo_folder(tmp_path):
    for table, rows in DEMO_ROWS.items():
        write_layout(tmp_path, LAYOUTS[table], rows)
    (tmp_path / "customs_transactions.csv").write_text(
        "Stkcd,hs8,month,value_usd,origin\n000001,85423100,201903,100,US\n", encoding="utf-8"
    )
    return tmp_path


def test_demo_file_names_load_without_configuration(demo_folder):
    names = sorted(p.name for p in demo_folder.iterdir())
    assert names == sorted(
        [
            "TRD_Co.csv", "STK_LISTEDCOINFOANL.csv", "FS_Combas.csv", "FS_Comins.csv", "FI_T10.csv",
            "subsidies.csv", "CNRDS_PatentApply.csv", "patent_records.csv", "top5_suppliers.csv",
            "entity_list_events.csv", "huawei_suppliers.csv", "designations.csv", "customs_transactions.csv",
        ]
    )
    tables = load_folder(demo_folder)
    assert isinstance(tables, RawTables)
    assert all(tables[name] is not None for name in tables)
    assert tables.balance_sheet["total_assets"].tolist() == [100.0, 200.0]
    assert tables.annual_info["short_name"].tolist() == ["Alpha", "ST Beta"]
    assert tables.patent_firm_year.set_index("year").loc[2019, ["invention_grant", "utility_apply"]].tolist() == [
        1.0,
        1.0,
    ]
    assert tables.semiconductor_share["semiconductor_patent_share"].tolist() == [1.0]
    assert tables.suppliers["is_masked"].tolist() == [False, True, False]
    assert tables.suppliers["is_foreign"].tolist() == [True, pd.NA, False]
    assert tables.designations["batch"].tolist() == [1]
    assert tables.sanctions["effective_date"].tolist() == [pd.Timestamp("2019-05-16")]


def test_provenance_records_size_and_sha256(demo_folder):
    tables = load_folder(demo_folder)
    (record,) = tables.provenance["balance_sheet"]
    data = (demo_folder / "FS_Combas.csv").read_bytes()
    assert record.size == len(data)
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert tables.provenance["patent_firm_year"][0].path.name == "patent_records.csv"


def test_optional_tables_are_none_and_names_match_case_insensitively(tmp_path):
    for table in ("company", "balance_sheet", "income_statement"):
        layout = LAYOUTS[table]
        write_layout(tmp_path, layout, DEMO_ROWS[table], name=f"{layout.file_stem.lower()}.csv")
    (tmp_path / "FS_Combas[DES][csv].txt").write_text("Stkcd [证券代码] - ...\n", encoding="utf-8")
    tables = load_folder(tmp_path)
    assert tables.suppliers is None and tables.patent_firm_year is None
    assert tables.get("sanctions") is None
    assert len(tables.company) == 2


def test_several_files_for_one_stem_are_concatenated(demo_folder):
    (demo_folder / "FS_Combas.csv").unlink()
    layout = LAYOUTS["balance_sheet"]
    write_layout(demo_folder, layout, DEMO_ROWS["balance_sheet"], name="FS_Combas_2019.csv")
    write_layout(demo_folder, layout, [["000001", "2018-12-31", "A", 9, 45, 90, 55, 35]], name="FS_Combas_2018.csv")
    tables = load_folder(demo_folder)
    assert sorted(tables.balance_sheet["period_end"].dt.year.tolist()) == [2018, 2019, 2019]
    assert [r.path.name for r in tables.provenance["balance_sheet"]] == ["FS_Combas_2018.csv", "FS_Combas_2019.csv"]


def test_overlapping_files_are_an_error(demo_folder):
    layout = LAYOUTS["balance_sheet"]
    write_layout(demo_folder, layout, DEMO_ROWS["balance_sheet"][:1], name="FS_Combas_copy.csv")
    with pytest.raises(InputError) as info:
        load_folder(demo_folder)
    assert str(info.value) == (
        "duplicate key (firm_id, period_end, statement_type) = (000001, 2019-12-31, A) in more than one file: "
        "FS_Combas.csv, FS_Combas_copy.csv; remove the overlap between the files"
    )


def test_missing_required_tables_are_listed(tmp_path):
    write_layout(tmp_path, LAYOUTS["company"], DEMO_ROWS["company"])
    with pytest.raises(InputError) as info:
        load_folder(tmp_path)
    assert str(info.value) == (
        f"{tmp_path}: required table(s) missing: balance_sheet, income_statement "
        "(looked for FS_Combas.csv/.xlsx, FS_Comins.csv/.xlsx); add the files or point sources.toml at them"
    )


def test_sources_toml_points_at_files_and_maps_columns(demo_folder):
    (demo_folder / "subsidies.csv").unlink()
    other = demo_folder / "downloads"
    other.mkdir()
    (demo_folder / "FS_Combas.csv").rename(other / "balance.csv")
    pd.DataFrame({"code": [1, 600000], "fyear": [2019, 2019], "grant": [2.0, 3.0]}).to_parquet(
        other / "grants.parquet"
    )
    (demo_folder / "sources.toml").write_text(
        '[balance_sheet]\nfile = "downloads/balance.csv"\n\n'
        '[subsidies]\nfile = "downloads/grants.parquet"\n'
        'columns = { firm_id = "code", year = "fyear", subsidy = "grant" }\n\n'
        '[huawei_suppliers]\nsource = "reference"\n',
        encoding="utf-8",
    )
    tables = load_folder(demo_folder)
    assert tables.balance_sheet["total_assets"].tolist() == [100.0, 200.0]
    assert tables.subsidies.to_dict("list") == {"firm_id": ["000001", "600000"], "year": [2019, 2019],
                                                "subsidy": [2.0, 3.0]}
    assert "600745" in set(tables.huawei_suppliers["firm_id"])  # bundled list, not the folder's file
    assert tables.provenance["huawei_suppliers"][0].path.name == "huawei_suppliers.csv"


def test_sources_toml_typos_are_errors(demo_folder):
    config = demo_folder / "sources.toml"
    config.write_text('[balance_shet]\nfile = "FS_Combas.csv"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_folder(demo_folder)
    assert str(info.value).startswith(f"{config}: unknown table 'balance_shet'; did you mean 'balance_sheet'? (choices: ")
    config.write_text('[balance_sheet]\nfiles = "FS_Combas.csv"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_folder(demo_folder)
    assert str(info.value).startswith(f"{config}: unknown key 'files' in [balance_sheet]; did you mean 'file'? (choices: ")


def test_config_mapping_with_bundled_sanctions(demo_folder):
    tables = load_folder(demo_folder, {"sanctions": {"source": "reference", "min_confidence": "high"}})
    hikvision = tables.sanctions.loc[tables.sanctions["firm_id"] == "002415"]
    assert hikvision["effective_date"].tolist() == [pd.Timestamp("2019-10-09")]
    assert "000001" not in set(tables.sanctions["firm_id"])


def test_tables_read_side_by_side_equal_those_read_one_after_another(small_demo):
    from runs.parallel import Workers

    alone = load_folder(small_demo)
    with Workers(2) as workers:
        side_by_side = load_folder(small_demo, run=workers.run)
    assert list(side_by_side.provenance) == list(alone.provenance)
    assert side_by_side.provenance == alone.provenance
    for name in alone:
        if alone[name] is None:
            assert side_by_side[name] is None
        else:
            pd.testing.assert_frame_equal(side_by_side[name], alone[name])


def test_a_bad_file_read_side_by_side_is_the_error_met_one_after_another(demo_folder):
    from runs.parallel import Workers

    (demo_folder / "FI_T10.csv").write_text((demo_folder / "FI_T10.csv").read_text(encoding="utf-8") + "000002,x,1,2\n",
                                            encoding="utf-8")
    (demo_folder / "subsidies.csv").write_text("Stkcd,Year,Subsidy\n000001,2019,lots\n", encoding="utf-8")
    with pytest.raises(InputError) as alone:
        load_folder(demo_folder)
    with Workers(2) as workers, pytest.raises(InputError) as side_by_side:
        load_folder(demo_folder, run=workers.run)
    assert side_by_side.value.message == alone.value.message
    assert "FI_T10.csv" in alone.value.message
