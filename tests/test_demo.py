"""The demo simulator: determinism, real layouts, schemas, internal consistency, planted truth, CLI."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from data_schemas.errors import InputError
from data_schemas.raw import RAW_SCHEMAS
from panel.demo import generate, simulate
from panel.demo.patents import grown_count
from panel.demo.simulate import file_name
from panel.demo.suppliers import MASK_STYLES
from panel.demo.writer import UTF8_BOM
from panel.sources.formats import LAYOUTS
from panel.sources.vendor import read_export
from scripts.cli import main

N_FIRMS = 200
CSV_FILES = sorted(file_name(name) for name in LAYOUTS)
IMPORT_FILES = ["README_SIMULATED.txt", "customs_imports.csv", "gdp.csv", "imports_truth.json"]
TRANSACTION_FILES = ["customs_transactions.csv", "customs_transactions_truth.json"]
ALL_FILES = sorted([*CSV_FILES, "ground_truth.json", "README.txt", *IMPORT_FILES, *TRANSACTION_FILES])


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    return simulate(tmp_path_factory.mktemp("demo") / "seed1", seed=1, n_firms=N_FIRMS)


@pytest.fixture(scope="module")
def data():
    return generate(seed=1, n_firms=N_FIRMS)


@pytest.fixture(scope="module")
def truth(demo_dir) -> dict:
    return json.loads((demo_dir / "ground_truth.json").read_text(encoding="utf-8"))


def read(demo_dir: Path, table: str) -> pd.DataFrame:
    """Read a demo file back with pandas alone (code row as header, label/unit rows skipped)."""
    layout = LAYOUTS[table]
    frame = pd.read_csv(
        demo_dir / file_name(table),
        skiprows=range(1, 1 + layout.extra_header_rows),
        dtype={field.code: str for field in layout.fields if field.name == "firm_id"},
        encoding="utf-8-sig",
    )
    return frame.rename(columns={field.code: field.name for field in layout.fields})


def test_writes_every_file(demo_dir):
    assert sorted(p.name for p in demo_dir.iterdir()) == ALL_FILES


def test_same_seed_gives_identical_bytes_and_another_seed_differs(demo_dir, tmp_path):
    again = simulate(tmp_path / "again", seed=1, n_firms=N_FIRMS)
    other = simulate(tmp_path / "other", seed=2, n_firms=N_FIRMS)
    for name in ALL_FILES:
        assert (again / name).read_bytes() == (demo_dir / name).read_bytes(), name
    differing = [name for name in CSV_FILES + ["ground_truth.json"] if (other / name).read_bytes() != (demo_dir / name).read_bytes()]
    assert differing == CSV_FILES + ["ground_truth.json"]


def test_files_written_side_by_side_are_the_same_bytes(demo_dir, tmp_path):
    from runs.parallel import Workers

    with Workers(2) as workers:
        side_by_side = simulate(tmp_path / "side_by_side", seed=1, n_firms=N_FIRMS, run=workers.run)
    assert sorted(p.name for p in side_by_side.iterdir()) == ALL_FILES
    for name in ALL_FILES:
        assert (side_by_side / name).read_bytes() == (demo_dir / name).read_bytes(), name


@pytest.mark.parametrize("table", sorted(LAYOUTS))
def test_header_rows_follow_the_layout(demo_dir, table):
    layout = LAYOUTS[table]
    raw = (demo_dir / file_name(table)).read_bytes()
    assert raw.startswith(UTF8_BOM) == (layout.vendor == "CSMAR")
    lines = raw.removeprefix(UTF8_BOM).decode("utf-8").split("\n")
    assert lines[0].split(",") == [field.code for field in layout.fields]
    if layout.vendor == "CSMAR":
        assert layout.extra_header_rows == 2
        assert lines[1].split(",") == [field.label_zh for field in layout.fields]
        assert lines[2].split(",") == [field.unit for field in layout.fields]
    elif layout.vendor == "CNRDS":
        assert layout.extra_header_rows == 1
        assert lines[1].split(",") == [field.label_zh for field in layout.fields]
    first_data = lines[1 + layout.extra_header_rows]
    assert first_data.split(",")[0].strip('"').isdigit() or table == "patent_records"


@pytest.mark.parametrize("table", sorted(LAYOUTS))
def test_canonical_tables_validate_against_raw_schemas(data, table):
    schema = RAW_SCHEMAS[table].select_columns([field.name for field in LAYOUTS[table].fields])
    frame = data.tables[table]
    schema.validate(frame)
    assert list(frame.columns) == [field.name for field in LAYOUTS[table].fields]


@pytest.mark.parametrize("table", sorted(LAYOUTS))
def test_files_read_back_through_the_layouts_equal_the_canonical_tables(demo_dir, data, table):
    back = read_export(demo_dir / file_name(table), LAYOUTS[table]).reset_index(drop=True)
    expected = data.tables[table].reset_index(drop=True)
    for column in expected.columns:
        if pd.api.types.is_string_dtype(expected[column].dtype) or expected[column].dtype == object:
            back[column] = back[column].astype(object)
            expected[column] = expected[column].astype(object)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_dates_are_iso_and_no_float_exponents(demo_dir):
    sheet = (demo_dir / "FS_Combas.csv").read_text(encoding="utf-8-sig").split("\n")[3]
    assert sheet.split(",")[1].count("-") == 2 and len(sheet.split(",")[1]) == 10
    for name in ("FS_Combas.csv", "FS_Comins.csv", "FI_T10.csv", "subsidies.csv"):
        assert "e+" not in (demo_dir / name).read_text(encoding="utf-8-sig")


def test_cnrds_own_counts_equal_the_records_by_application_year(demo_dir):
    counts = read(demo_dir, "patent_counts")
    records = read(demo_dir, "patent_records")
    records["year"] = pd.to_datetime(records["application_date"]).dt.year
    by_type = records.groupby(["firm_id", "year", "patent_type"]).size().unstack(fill_value=0)
    own = counts[counts["scope"] == "上市公司本身"].set_index(["firm_id", "year"]).fillna(0)
    group = counts[counts["scope"] == "集团公司合计"].set_index(["firm_id", "year"]).fillna(0)
    by_type = by_type.reindex(own.index, fill_value=0)
    assert records.groupby(["firm_id", "year"]).ngroups == len(by_type[by_type.sum(axis=1) > 0])
    for kind, patent_type in (("invention", "invention"), ("utility", "utility_model"), ("design", "design")):
        total = own[f"{kind}_apply_own"] + own[f"{kind}_apply_joint"]
        assert (total.to_numpy() == by_type[patent_type].to_numpy()).all(), kind
        assert (group[f"{kind}_apply_own"] >= own[f"{kind}_apply_own"]).all()
    assert own.index.equals(group.index)
    blank = counts.drop(columns=["firm_id", "year", "scope"]).isna().all(axis=1)
    assert blank.any()


def test_patent_records_grants_and_ipc(demo_dir, truth):
    records = read(demo_dir, "patent_records")
    applied = pd.to_datetime(records["application_date"])
    granted = pd.to_datetime(records["grant_date"])
    lag_days = (granted - applied).dt.days
    inventions = records["patent_type"] == "invention"
    assert lag_days[inventions].dropna().between(365, 4 * 365).all()
    assert (granted.dropna() <= pd.Timestamp("2024-12-31")).all()
    assert records.loc[records["patent_type"] == "design", "ipc"].isna().all()
    assert records["patent_id"].str.startswith("SIM").all() and records["patent_id"].is_unique
    semiconductor = records["firm_id"].isin(truth["groups"]["semiconductor"]) & records["ipc"].notna()
    h01l = records["ipc"].str.startswith("H01L", na=False)
    if semiconductor.any():
        assert h01l[semiconductor].mean() > 0.7
    assert h01l[~records["firm_id"].isin(truth["groups"]["semiconductor"])].mean() < 0.1


def _hand_foreign_share_pre(suppliers: pd.DataFrame) -> pd.Series:
    placeholders = {name for style in MASK_STYLES for name in style}
    named = suppliers[~suppliers["supplier_name"].isin(placeholders)].copy()
    named["foreign_part"] = np.where(named["country"].isin(["中国", "CN"]), 0.0, named["purchase_share"])
    yearly = named.groupby(["firm_id", "year"])[["foreign_part", "purchase_share"]].sum()
    share = (yearly["foreign_part"] / yearly["purchase_share"]).rename("share").reset_index()
    return share[share["year"].between(2016, 2018)].groupby("firm_id")["share"].mean()


def test_ground_truth_groups_match_the_files(demo_dir, truth):
    assert truth["simulated"] is True and truth["seed"] == 1 and truth["n_firms"] == N_FIRMS
    for key in ("params", "process", "effects", "groups", "foreign_share_pre", "firm_years", "files", "definitions"):
        assert key in truth
    company = read(demo_dir, "company").set_index("firm_id")
    events = read(demo_dir, "sanctions")
    events["effective_date"] = pd.to_datetime(events["effective_date"])
    sanctioned = truth["groups"]["sanctioned"]
    assert set(sanctioned) == set(events["firm_id"])
    first = events.groupby("firm_id")["effective_date"].min()
    assert {f: v["sanction_year"] for f, v in sanctioned.items()} == first.dt.year.to_dict()
    assert set(truth["groups"]["huawei_suppliers"]) == set(read(demo_dir, "huawei_suppliers")["firm_id"])
    designations = read(demo_dir, "designations")
    assert truth["groups"]["little_giants"] == dict(zip(designations["firm_id"], designations["year"]))
    assert (designations["year"] == 2018 + designations["batch"]).all()
    for firm_id in truth["groups"]["listed_after_sanction"]:
        assert pd.Timestamp(company.loc[firm_id, "list_date"]) > first[firm_id]
    assert len(truth["groups"]["listed_after_sanction"]) >= 1

    fsp = _hand_foreign_share_pre(read(demo_dir, "suppliers"))
    assert fsp.to_dict() == pytest.approx(truth["foreign_share_pre"], abs=1e-12)
    exposed = set(sanctioned) | set(truth["groups"]["huawei_suppliers"]) | set(fsp[fsp >= 0.30].index)
    assert set(truth["groups"]["exposed"]) == exposed
    expected_first = {f: sanctioned[f]["sanction_year"] if f in sanctioned else 2019 for f in exposed}
    assert truth["groups"]["first_treat_year"] == expected_first
    assert set(truth["groups"]["exposed_upstream"]) | set(truth["groups"]["exposed_downstream"]) == exposed
    assert truth["files"] == {file_name(name): len(read(demo_dir, name)) for name in LAYOUTS}


def test_firm_universe_and_listing_rules(demo_dir, truth):
    company = read(demo_dir, "company")
    list_date = pd.to_datetime(company["list_date"])
    star = company["firm_id"].str.startswith("688")
    assert (company.loc[star, "market_type"] == 32).all() and (list_date[star] >= "2019-07-22").all()
    assert (company.loc[company["firm_id"].str.startswith("300"), "market_type"] == 16).all()
    assert company["short_name"].str.startswith("模拟").all()
    delisted = company[company["status"] == "终止上市"]
    assert set(delisted["firm_id"]) == set(truth["groups"]["delisted"])
    sheet = read(demo_dir, "balance_sheet")
    sheet["period_end"] = pd.to_datetime(sheet["period_end"])
    last_year = sheet.groupby("firm_id")["period_end"].max().dt.year
    for firm_id, date in truth["groups"]["delisted"].items():
        assert last_year[firm_id] < int(date[:4])
    first_year = sheet.groupby("firm_id")["period_end"].min().dt.year
    assert (first_year >= np.maximum(list_date.dt.year.to_numpy(), 2010)).all()
    assert set(sheet["period_end"].dt.strftime("%m-%d")) == {"01-01", "06-30", "12-31"}
    assert set(sheet["statement_type"]) == {"A", "B"}
    info = read(demo_dir, "annual_info")
    assert info["short_name"].str.contains("ST").sum() == len(truth["firm_years"]["st"])


def test_planted_ratios_hold_exactly_as_the_builder_computes_them(demo_dir, truth):
    sheet = read(demo_dir, "balance_sheet")
    income = read(demo_dir, "income_statement")
    value = read(demo_dir, "market_value")
    annual = (
        sheet.merge(income, on=["firm_id", "period_end", "statement_type"])
        .merge(value, on=["firm_id", "period_end"], how="left")
        .query("statement_type == 'A' and period_end.str.endswith('12-31')")
    )
    annual["year"] = annual["period_end"].str[:4].astype(int)
    annual = annual.set_index(["firm_id", "year"])
    above_one = [tuple(fy) for fy in truth["firm_years"]["leverage_above_one"]]
    assert (annual.loc[above_one, "total_equity"] < 0).all()
    outliers = [tuple(fy) for fy in truth["firm_years"]["roa_outliers"]]
    roa = annual["net_profit"] / annual["total_assets"]
    assert (roa.loc[outliers].abs() >= 0.4 - 1e-9).all()
    q = annual["tobin_q"].dropna()
    implied = annual.loc[q.index, "market_value"] / annual.loc[q.index, "total_assets"]
    assert np.allclose(implied, q, atol=6e-5)
    assert np.allclose(annual["total_equity"], annual["total_assets"] - annual["total_liabilities"], atol=0.011)


def test_roa_equation_recovered_by_two_way_demeaning():
    params_truth = generate(seed=5, n_firms=600)
    tables, truth = params_truth.tables, params_truth.truth
    income = tables["income_statement"]
    sheet = tables["balance_sheet"]
    keep = (income["statement_type"] == "A") & (income["period_end"].dt.month == 12)
    annual = income[keep].merge(sheet, on=["firm_id", "period_end", "statement_type"])
    annual["year"] = annual["period_end"].dt.year
    counts = tables["patent_counts"]
    own = counts[counts["scope"] == "上市公司本身"].fillna({"invention_apply_own": 0, "invention_apply_joint": 0})
    own = own.assign(inv=own["invention_apply_own"] + own["invention_apply_joint"])[["firm_id", "year", "inv"]]
    frame = annual.merge(own, on=["firm_id", "year"])
    bad = {tuple(x) for key in ("roa_outliers", "leverage_above_one", "st") for x in truth["firm_years"][key]}
    frame = frame[[(f, y) not in bad for f, y in zip(frame["firm_id"], frame["year"])]]
    frame = frame[~frame["firm_id"].isin(truth["groups"]["finance"])]
    exposed = frame["firm_id"].isin(truth["groups"]["exposed"]).to_numpy()
    post = (frame["year"] >= 2019).to_numpy()
    ln_inv = np.log1p(frame["inv"].to_numpy())
    design = pd.DataFrame(
        {
            "roa": frame["net_profit"] / frame["total_assets"],
            "b1": ln_inv,
            "b2": ln_inv * post,
            "b3": ln_inv * post * exposed,
            "size": np.log(frame["total_assets"]),
            "leverage": frame["total_liabilities"] / frame["total_assets"],
        }
    )
    for _ in range(30):
        design = design - design.groupby(frame["firm_id"].to_numpy()).transform("mean")
        design = design - design.groupby(frame["year"].to_numpy()).transform("mean")
    x = design.drop(columns="roa").to_numpy()
    estimate = dict(zip(["b1", "b2", "b3", "size", "leverage"], np.linalg.lstsq(x, design["roa"].to_numpy(), rcond=None)[0]))
    planted = truth["effects"]["roa"]
    assert estimate["b1"] == pytest.approx(planted["b1"], abs=0.002)
    assert estimate["b3"] == pytest.approx(planted["b3"], abs=0.004)
    assert estimate["leverage"] == pytest.approx(planted["leverage_coef"], abs=0.02)


def test_realised_invention_effect_follows_tau(truth):
    effects = truth["effects"]["invention_apply"]
    assert effects["tau_by_event_time"] == {"0": 0.25, "1": 0.35, "2": 0.45, "3": 0.55, "4": 0.65, "5": 0.75}
    cohorts = effects["realised_att_ln1p"]["by_cohort_and_event_time"]
    assert set(cohorts) <= {str(y) for y in range(2019, 2025)}
    assert sum(effects["cohort_sizes"].values()) == len(truth["groups"]["first_treat_year"])


def test_growth_is_added_unbiasedly_on_the_ln1p_scale():
    v = (np.arange(10_000) + 0.5) / 10_000
    for count, growth in ((0, np.log(1.5)), (3, 0.3), (40, 0.06), (7, 0.0)):
        grown = grown_count(np.full(v.size, count), np.full(v.size, growth), v)
        # ln(1 + count) + growth lies between ln(1 + k) and ln(2 + k); k + 1 with the share that matches the mean
        assert set(np.unique(grown)) <= {int(np.floor(np.expm1(np.log1p(count) + growth))) + d for d in (0, 1)}
        assert np.log1p(grown).mean() == pytest.approx(np.log1p(count) + growth, abs=1e-4)
    # 0 grown by ln 1.5: ln(1 + y) must average ln 1.5, so y = 1 for a share ln 1.5 / ln 2 of the draws
    assert grown_count(np.zeros(v.size), np.full(v.size, np.log(1.5)), v).mean() == pytest.approx(np.log(1.5) / np.log(2), abs=1e-4)


def test_realised_supplier_shift_is_the_planted_shift_where_the_clip_allows(truth, demo_dir):
    planted = truth["effects"]["foreign_supplier_share"]
    realised = planted["realised_post"]
    assert realised["exposed_upstream"]["att"] == planted["exposed_upstream_post"] == 0.0
    suppliers = read(demo_dir, "suppliers")
    named = suppliers[suppliers["country"].notna()]
    foreign = named["purchase_share"].where(~named["country"].isin(["中国", "CN"]), 0.0)
    share = foreign.groupby([named["firm_id"], named["year"]]).sum() / named.groupby(["firm_id", "year"])["purchase_share"].sum()
    firm, year = share.index.get_level_values(0), share.index.get_level_values(1)
    down = share[firm.isin(truth["groups"]["exposed_downstream"]) & (year >= 2019)]
    # a share seen above zero was not clipped: it fell by the full 0.03; a zero share fell by 0 to 0.03
    unclipped = (down > 1e-9).mean()
    assert realised["exposed_downstream"]["n"] == len(down) > 0
    assert -0.03 - 1e-12 <= realised["exposed_downstream"]["att"] <= -0.03 * unclipped + 1e-12
    assert set(realised["exposed_downstream"]["by_year"]) <= {str(y) for y in range(2019, 2025)}


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def fail(folder, seed):
        (Path(folder) / "half.csv").write_text("x")
        raise RuntimeError("disk full")

    monkeypatch.setattr(sys.modules["panel.demo.simulate"], "write_imports_demo", fail)
    with pytest.raises(RuntimeError):
        simulate(tmp_path / "out", seed=1, n_firms=60)
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_non_empty_folder(tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--firms", "60"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {out} already exists; pass --force to overwrite it, or choose another output path"
    )
    assert (out / "keep.txt").read_text() == "mine"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--firms", "60", "--force"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {out} is not a folder chokepoint wrote (it holds no ground_truth.json); --force replaces only "
        "chokepoint's own output; choose another output path or move the folder away yourself"
    )
    assert (out / "keep.txt").read_text() == "mine"


def test_cli_writes_and_force_replaces(tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "ground_truth.json").write_text("{}")
    (out / "old.txt").write_text("old")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--firms", "60", "--seed", "3", "--force"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ALL_FILES
    assert "SIMULATED" in result.stdout and "patent_records.csv" in result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]


def test_cli_rejects_out_of_range_firms(tmp_path):
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "x"), "--firms", "10"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --firms 10 is out of range; choose between 50 and 6000 firms (default 4000)"
    with pytest.raises(InputError):
        generate(seed=0, n_firms=9000)


@pytest.mark.slow
def test_default_size_generates_in_seconds(tmp_path):
    start = time.perf_counter()
    folder = simulate(tmp_path / "full", seed=0, n_firms=4000)
    elapsed = time.perf_counter() - start
    records = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))["files"]["patent_records.csv"]
    assert 700_000 < records < 1_500_000
    assert elapsed < 30
