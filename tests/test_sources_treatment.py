"""Treatment inputs: bundled export-control calendar, programs, Huawei suppliers, the screening list."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.sources.screening_list import normalise_name, read_screening_list, screening_list_sanctions
from panel.sources.treatment import (
    a_share_code,
    confidence_rank,
    export_controls,
    huawei_suppliers_from_reference,
    program_batches,
    sanctions_from_export_controls,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
CSL = FIXTURES / "consolidated_screening_list.csv"
CROSSWALK = FIXTURES / "entity_crosswalk.csv"


def test_export_control_calendar_keeps_sources_and_finds_a_share_codes():
    calendar = export_controls()
    assert {"effective_date", "rule", "entity", "firm_id", "exchange", "source", "confidence"} <= set(calendar)
    cgn = calendar.loc[calendar["listed_code"] == "003816; 1816"]
    assert cgn["firm_id"].tolist() == ["003816"]
    sensetime = calendar.loc[calendar["listed_code"] == "0020"]
    assert sensetime["firm_id"].isna().all()  # Hong Kong code, no A-share firm
    assert calendar["source"].notna().all()


def test_confidence_is_the_lowest_level_mentioned():
    assert confidence_rank("high") == 4
    assert confidence_rank("high (listing); low (parent)") == 0
    assert confidence_rank("medium-high") == 3
    assert a_share_code("601800; 1800") == "601800"


def test_sanctions_from_the_calendar_are_entity_list_rows_of_listed_firms():
    sanctions = sanctions_from_export_controls()
    by_firm = sanctions.groupby("firm_id")["effective_date"].min()
    assert by_firm["002415"] == pd.Timestamp("2019-10-09")  # Hikvision
    assert by_firm["688981"] == pd.Timestamp("2020-12-18")  # SMIC
    assert "600487" not in by_firm.index  # Huawei Marine row: low confidence
    assert "002371" not in by_firm.index  # Naura: Unverified List, not Entity List
    assert sanctions["announcement_date"].isna().all()
    everything = sanctions_from_export_controls(min_confidence="low")
    assert "600487" in set(everything["firm_id"])
    with pytest.raises(InputError, match="unknown confidence level 'certain'"):
        sanctions_from_export_controls(min_confidence="certain")


def test_program_batches_and_huawei_suppliers():
    batches = program_batches()
    first = batches.loc[(batches["program"] == "little_giant") & (batches["batch"] == "1")]
    assert first["n_firms"].tolist() == [248]
    assert "source" in batches
    suppliers = huawei_suppliers_from_reference()
    assert "600745" in set(suppliers["firm_id"])  # Wingtech
    assert "600487" not in set(suppliers["firm_id"])  # evidence: not a supplier
    assert suppliers["firm_id"].str.fullmatch(r"\d{6}").all()


def test_screening_list_keeps_entity_list_rows_and_filters_china():
    entities = read_screening_list(CSL)
    assert entities["name"].tolist() == [
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "Semiconductor Manufacturing International Corporation",
        "Example Trading FZE",
    ]
    assert entities.iloc[0]["alt_names"] == ("Hikvision", "Hangzhou Hikvision")
    assert entities.iloc[1]["countries"] == ("CN", "CN")
    china = read_screening_list(CSL, china_only=True)
    assert len(china) == 2


def test_screening_list_json_reads_the_same(tmp_path):
    path = tmp_path / "csl.json"
    path.write_text(
        json.dumps(
            {
                "total": 2,
                "results": [
                    {
                        "source": "Entity List (EL) - Bureau of Industry and Security",
                        "name": "Semiconductor Manufacturing International Corporation",
                        "alt_names": ["SMIC"],
                        "addresses": [{"address": "18 Zhangjiang Road", "city": "Shanghai", "country": "CN"}],
                        "federal_register_notice": "85 FR 83416",
                        "start_date": "2020-12-22",
                    },
                    {"source": "Nonproliferation Sanctions (ISN) - State Department", "name": "X",
                     "addresses": [], "start_date": "2020-01-01"},
                ],
            }
        ),
        encoding="utf-8",
    )
    entities = read_screening_list(path, china_only=True)
    assert entities["alt_names"].tolist() == [("SMIC",)]
    assert entities["addresses"].tolist() == ["18 Zhangjiang Road, Shanghai, CN"]


def test_crosswalk_maps_entities_to_firms_by_name_or_alt_name():
    with pytest.warns(UserWarning, match="1 crosswalk name"):
        sanctions = screening_list_sanctions(read_screening_list(CSL), CROSSWALK)
    assert sanctions[["firm_id", "effective_date", "rule"]].to_dict("list") == {
        "firm_id": ["002415", "688981"],
        "effective_date": [pd.Timestamp("2019-10-09"), pd.Timestamp("2020-12-22")],
        "rule": ["84 FR 54002", "85 FR 83416"],
    }
    assert normalise_name("Hikvision Co., Ltd.") == normalise_name("HIKVISION CO LTD")


def test_screening_list_without_its_columns(tmp_path):
    path = tmp_path / "csl.csv"
    path.write_text("id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_screening_list(path)
    assert str(info.value) == (
        f"{path}: column 'source': required column not found; "
        "download the Consolidated Screening List as CSV or JSON and pass that file"
    )
