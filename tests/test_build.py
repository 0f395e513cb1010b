"""The firm-year panel builder on small hand-made tables, checked against hand computations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.assemble.builder import build_panel
from panel.assemble.options import BuildOptions
from panel.firm_panel import load_panel


def _dates(values):
    return pd.to_datetime(pd.Series(values)).astype("datetime64[ns]")


def statement_rows(rows):
    """rows: (firm, period_end, typrep, dict of values)."""
    frame = pd.DataFrame([{"firm_id": f, "period_end": d, "statement_type": t, **v} for f, d, t, v in rows])
    frame["period_end"] = _dates(frame["period_end"])
    return frame


@pytest.fixture
def tables():
    bs = lambda a, l, e: {"cash": 1.0, "current_assets": 1.0, "total_assets": a, "total_liabilities": l, "total_equity": e}
    balance = statement_rows([
        ("000001", "2017-12-31", "A", bs(100.0, 40.0, 60.0)),
        ("000001", "2018-12-31", "A", bs(200.0, 50.0, 150.0)),
        ("000001", "2019-06-30", "A", bs(210.0, 50.0, 160.0)),
        ("000001", "2019-12-31", "A", bs(250.0, 100.0, 150.0)),
        ("000001", "2019-12-31", "B", bs(120.0, 20.0, 100.0)),
        ("000001", "2021-12-31", "A", bs(300.0, 100.0, 200.0)),
        ("000002", "2019-12-31", "A", bs(1000.0, 900.0, 100.0)),
        ("000003", "2018-12-31", "A", bs(50.0, 10.0, 40.0)),
        ("000003", "2019-12-31", "A", bs(60.0, 20.0, 40.0)),
        ("000003", "2020-12-31", "A", bs(80.0, 90.0, -10.0)),
        ("600001", "2020-12-31", "A", bs(80.0, 70.0, 10.0)),
    ])
    inc = lambda r, p, rd: {"revenue": r, "operating_cost": r / 2, "rd_expense": rd, "operating_profit": p * 1.2, "net_profit": p}
    income = statement_rows([
        ("000001", "2017-12-31", "A", inc(80.0, 5.0, None)),
        ("000001", "2018-12-31", "A", inc(100.0, 10.0, 4.0)),
        ("000001", "2019-12-31", "A", inc(120.0, 20.0, 6.0)),
        ("000001", "2021-12-31", "A", inc(150.0, 30.0, 9.0)),
        ("000002", "2019-12-31", "A", inc(50.0, 5.0, 0.0)),
        ("000003", "2019-12-31", "A", inc(30.0, 3.0, 1.0)),
        ("000003", "2020-12-31", "A", inc(40.0, -4.0, 2.0)),
        ("600001", "2020-12-31", "A", inc(40.0, 2.0, 1.0)),
        ("600009", "2020-12-31", "A", inc(40.0, 2.0, 1.0)),
    ])
    company = pd.DataFrame({
        "firm_id": ["000001", "000002", "000003", "600001"],
        "short_name": ["SIM 甲", "SIM 银行", "SIM 丙", "SIM 丁"],
        "list_date": _dates(["2008-03-01", "1991-04-03", "2019-06-01", "2010-01-05"]),
        "industry": ["C39", "J66", "C26", "F51"],
        "industry_name": [None] * 4,
        "province": ["广东省", "广东省", "江苏省", "上海市"],
        "market_type": [4, 4, 4, 1],
        "ownership": ["国有企业", "国有企业", "民营企业", "民营企业"],
        "status": ["正常交易"] * 4,
        "status_date": _dates([None] * 4),
    })
    annual_info = pd.DataFrame({
        "firm_id": ["000001", "000001"],
        "period_end": _dates(["2018-12-31", "2019-12-31"]),
        "short_name": ["*ST 甲", "SIM 甲"],
        "industry": ["C39", "C38"],
    })
    market = pd.DataFrame({
        "firm_id": ["000001", "000001"],
        "period_end": _dates(["2019-12-31", "2019-09-30"]),
        "market_value": [500.0, 450.0],
        "tobin_q": [2.0, 1.8],
    })
    counts = pd.DataFrame({
        "firm_id": ["000001", "000001", "000001", "000001"],
        "year": [2017, 2018, 2019, 2019],
        "scope": ["上市公司本身", "上市公司本身", "上市公司本身", "集团公司合计"],
        "invention_apply_own": [3.0, 5.0, 10.0, 99.0],
        "utility_apply_own": [1.0, 0.0, 2.0, 99.0],
        "design_apply_own": [0.0, 0.0, 0.0, 99.0],
        "invention_apply_joint": [1.0, None, 2.0, 99.0],
        "utility_apply_joint": [0.0, 0.0, 0.0, 99.0],
        "design_apply_joint": [0.0, 0.0, 1.0, 99.0],
    })
    suppliers = pd.DataFrame({
        "firm_id": ["000001"] * 5 + ["000003"] * 2,
        "year": [2018] * 5 + [2018, 2018],
        "rank": [1, 2, 3, 4, 5, 1, 2],
        "supplier_name": ["Intel", "供应商二", "华为", "Samsung", "某公司", "供应商一", "供应商二"],
        "country": ["US", None, "CN", "KR", "CN"],
        "purchase_share": [20.0, 15.0, 10.0, 10.0, 5.0, 30.0, 20.0],
        "is_masked": [False, True, False, False, False, True, True],
        "is_foreign": [True, None, False, True, False, None, None],
    } | {"country": ["US", None, "CN", "KR", "CN", None, None]})
    sanctions = pd.DataFrame({
        "firm_id": ["000003", "000003"],
        "entity": ["SIM 丙", "SIM 丙 subsidiary"],
        "announcement_date": _dates(["2020-05-22", None]),
        "effective_date": _dates(["2020-06-05", "2021-01-01"]),
        "rule": ["wave", "wave"],
    })
    return {
        "company": company, "annual_info": annual_info, "balance_sheet": balance, "income_statement": income,
        "market_value": market, "subsidies": None, "patent_counts": counts, "suppliers": suppliers,
        "sanctions": sanctions, "huawei_suppliers": None, "designations": None,
    }


def row(panel, firm, year):
    hit = panel.data[(panel.data["firm_id"] == firm) & (panel.data["year"] == year)]
    assert len(hit) == 1, f"{firm} {year} not in panel"
    return hit.iloc[0]


def test_kept_firm_years(tables):
    panel = build_panel(tables)
    kept = set(zip(panel.data["firm_id"], panel.data["year"]))
    assert kept == {("000001", 2017), ("000001", 2019), ("000001", 2021), ("000003", 2019), ("600001", 2020)}


def test_drop_log_names_every_dropped_row(tables):
    log = build_panel(tables).drop_log
    reasons = {(r.source, r.firm_id, r.year): r.reason for r in log.itertuples()}
    assert reasons[("balance_sheet", "000001", 2019)] in {"parent-only statement (Typrep B)", "not an annual report (period end 06-30)"}
    assert (log["reason"] == "parent-only statement (Typrep B)").sum() == 1
    assert (log["reason"] == "not an annual report (period end 06-30)").sum() == 1
    assert (log["reason"] == "not an annual report (period end 09-30)").sum() == 1
    assert reasons[("income_statement", "600009", 2020)] == "no balance sheet for this firm-year"
    assert reasons[("panel", "000001", 2018)] == "special treatment (ST, *ST or PT in the short name)"
    assert reasons[("panel", "000002", 2019)] == "financial industry (CSRC J66-J69)"
    assert reasons[("panel", "000003", 2018)] == "year before the listing year"
    assert reasons[("panel", "000003", 2020)] == "leverage above 1"
    assert len(log[log["stage"] == "filters"]) == 4


def test_ratios_and_flags(tables):
    panel = build_panel(tables)
    r = row(panel, "000001", 2019)
    assert r["roa"] == pytest.approx(20 / 250)
    assert r["roe"] == pytest.approx(20 / 150)
    assert r["leverage"] == pytest.approx(100 / 250)
    assert r["size"] == pytest.approx(math.log(250))
    assert r["margin"] == pytest.approx(24 / 120)
    assert r["rd_intensity"] == pytest.approx(6 / 120)
    assert r["sales_growth"] == pytest.approx(120 / 100 - 1)
    assert r["tobin_q"] == 2.0 and r["market_value"] == 500.0
    assert r["age"] == 11 and r["soe"] == 1
    assert r["industry"] == "C38" and r["industry_section"] == "C" and r["industry_year"] == "C38_2019"
    assert r["province_year"] == "广东省_2019"
    assert r["manufacturing"] == 1 and r["high_tech"] == 1 and r["upstream"] == 0
    assert math.isnan(row(panel, "000001", 2021)["sales_growth"]), "2020 is missing: no growth over a gap"
    assert math.isnan(row(panel, "000001", 2017)["rd_intensity"])
    assert row(panel, "600001", 2020)["upstream"] == 0 and row(panel, "000003", 2019)["upstream"] == 1


def test_lags_use_the_previous_year_even_if_filtered(tables):
    panel = build_panel(tables)
    assert row(panel, "000001", 2019)["roa_lag1"] == pytest.approx(10 / 200)
    assert math.isnan(row(panel, "000001", 2017)["roa_lag1"])
    assert math.isnan(row(panel, "000001", 2021)["size_lag1"])


def test_patents_and_stock(tables):
    panel = build_panel(tables)
    assert row(panel, "000001", 2017)["invention_apply"] == 4
    assert row(panel, "000001", 2019)["invention_apply"] == 12
    assert row(panel, "000001", 2019)["design_apply"] == 1
    assert row(panel, "000001", 2019)["ln_invention_apply"] == pytest.approx(math.log(13))
    # 2017: 4; 2018: 0.85*4+5 = 8.4; 2019: 0.85*8.4+12 = 19.14; 2020 (no row): 16.269; 2021: 13.82865
    assert row(panel, "000001", 2019)["patent_stock"] == pytest.approx(19.14)
    assert row(panel, "000001", 2021)["patent_stock"] == pytest.approx(0.85 * 0.85 * 19.14)
    assert row(panel, "600001", 2020)["invention_apply"] == 0


def test_supplier_share_and_exposure(tables):
    panel = build_panel(tables)
    r = row(panel, "000001", 2019)
    # 2018 named: Intel 20 (US), 华为 10 (CN), Samsung 10 (KR), 某公司 5 (CN) -> 30/45
    assert r["foreign_share_pre"] == pytest.approx(30 / 45)
    assert r["exposed"] == 1 and r["sanctioned"] == 0 and r["first_treat_year"] == 2019
    assert r["event_time"] == 0 and r["post"] == 1 and r["treated_post"] == 1
    assert row(panel, "000001", 2017)["event_time"] == -2
    s = row(panel, "000003", 2019)
    assert math.isnan(s["foreign_share_pre"]), "all names masked: no share"
    assert s["sanctioned"] == 1 and s["sanction_year"] == 2020 and s["exposed"] == 1
    assert s["sanction_date"] == pd.Timestamp("2020-06-05")
    assert s["event_time"] == -1 and s["treated_post"] == 0 and s["post"] == 1
    assert row(panel, "600001", 2020)["exposed"] == 0
    assert pd.isna(row(panel, "600001", 2020)["event_time"])


def test_announcement_dates_and_cutoff(tables):
    panel = build_panel(tables, BuildOptions(sanction_date="announcement", cutoff_year=2020))
    s = row(panel, "000003", 2019)
    assert s["sanction_date"] == pd.Timestamp("2020-05-22")
    assert s["post"] == 0
    assert row(panel, "000001", 2019)["foreign_share_pre"] == pytest.approx(30 / 45)


def test_filters_can_be_chosen(tables):
    panel = build_panel(tables, BuildOptions(filters=("finance",)))
    assert ("000001", 2018) in set(zip(panel.data["firm_id"], panel.data["year"]))
    assert "000002" not in set(panel.data["firm_id"])


def test_winsorize_pooled_clips_at_quantiles(tables):
    raw = build_panel(tables)
    clipped = build_panel(tables, BuildOptions(winsorize="pooled", winsor_limits=(0.25, 0.75)))
    low, high = raw.data["roa"].quantile(0.25), raw.data["roa"].quantile(0.75)
    assert clipped.data["roa"].min() == pytest.approx(low)
    assert clipped.data["roa"].max() == pytest.approx(high)
    inside = raw.data["roa"].between(low, high)
    assert (clipped.data["roa"][inside] == raw.data["roa"][inside]).all()


def test_winsorize_by_year(tables):
    clipped = build_panel(tables, BuildOptions(winsorize="by_year", winsor_limits=(0.0, 0.5)))
    raw = build_panel(tables)
    y2019 = raw.data[raw.data["year"] == 2019]["roa"]
    assert clipped.data[clipped.data["year"] == 2019]["roa"].max() == pytest.approx(y2019.median())


def test_empty_after_filters_is_an_error(tables):
    tables = dict(tables, company=tables["company"].assign(industry="J66"), annual_info=None)
    with pytest.raises(InputError) as caught:
        build_panel(tables)
    assert caught.value.message == (
        "no firm-years left after the filters (9 before: pre_listing, finance, st, leverage_above_one, "
        "negative_equity); check the raw files, or relax the filters"
    )


def test_unknown_filter_is_an_error():
    with pytest.raises(InputError, match="unknown filter 'st_firms'; choose from pre_listing, finance"):
        BuildOptions(filters=("st_firms",))


def test_save_and_load_round_trip(tables, tmp_path):
    panel = build_panel(tables, BuildOptions(cutoff_year=2020))
    paths = panel.save(tmp_path / "panel.parquet")
    assert sorted(p.name for p in paths.values()) == ["panel.codebook.csv", "panel.drops.csv", "panel.parquet"]
    loaded = load_panel(tmp_path / "panel.parquet")
    pd.testing.assert_frame_equal(loaded.data, panel.data)
    assert loaded.options == panel.options
    assert len(loaded.drop_log) == len(panel.drop_log)


def test_save_refuses_to_overwrite(tables, tmp_path):
    panel = build_panel(tables)
    panel.save(tmp_path / "panel.parquet")
    before = (tmp_path / "panel.parquet").read_bytes()
    with pytest.raises(InputError, match="panel.parquet already exists; pass --force"):
        panel.save(tmp_path / "panel.parquet")
    assert (tmp_path / "panel.parquet").read_bytes() == before
    panel.save(tmp_path / "panel.parquet", force=True)


def test_named_sample_and_its_log(tables):
    from panel.samples import select_sample

    panel = select_sample(build_panel(tables), "upstream")
    kept = set(zip(panel.data["firm_id"], panel.data["year"]))
    assert kept == {("000001", 2017), ("000001", 2021), ("000003", 2019)}, "000001 is C38 (downstream) in 2019 only"
    assert panel.sample == "upstream"
    dropped = panel.drop_log[panel.drop_log["reason"] == "outside sample 'upstream'"]
    assert set(zip(dropped["firm_id"], dropped["year"])) == {("000001", 2019), ("600001", 2020)}


def test_sample_from_file(tables, tmp_path):
    from panel.samples import select_sample

    ids = tmp_path / "firms.csv"
    ids.write_text("Stkcd,name\n1,a\n600001,b\n", encoding="utf-8")
    panel = select_sample(build_panel(tables), str(ids))
    assert set(panel.data["firm_id"]) == {"000001", "600001"}


def test_sample_errors(tables, tmp_path):
    from panel.samples import select_sample

    panel = build_panel(tables)
    with pytest.raises(InputError) as caught:
        select_sample(panel, "hightech")
    assert caught.value.message.startswith("unknown sample 'hightech'; choose from all, high_tech, manufacturing")
    with pytest.raises(InputError) as caught:
        select_sample(panel, "star")
    assert caught.value.message == "sample 'star' is empty: no firm-year of the panel is in it; choose another sample"
    bad = tmp_path / "ids.txt"
    bad.write_text("000001\nabc\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        select_sample(panel, str(bad))
    assert caught.value.message == (
        f"{bad}: not a firm id (up to six digits) (row 2); write one stock code per line, or a CSV with a firm_id column"
    )


def test_all_foreign_share_is_exactly_one(tables):
    """Summing shares with a masked row skipped (named) or zeroed (foreign) rounds differently."""
    from panel.assemble.suppliers import supplier_shares

    suppliers = tables["suppliers"][tables["suppliers"]["firm_id"] == "000001"].copy()
    suppliers["purchase_share"] = [22.85, 15.17, 16.11, 23.68, 12.73]
    suppliers["is_masked"] = [False, False, False, True, False]
    suppliers["is_foreign"] = pd.array([True, True, True, None, True], dtype="boolean")
    shares = supplier_shares(suppliers)
    assert shares["foreign_supplier_share"].tolist() == [1.0]
