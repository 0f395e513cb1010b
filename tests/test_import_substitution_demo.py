"""The simulated imports: every planted group pattern is recovered through the readers; tables and figures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from models.import_substitution import classify, gdp_shares, group_indices, growth_index, volatility_index
from panel.demo.imports import PLANS, simulate_imports, write_imports_demo
from panel.sources.customs import group_monthly, read_customs
from panel.sources.gdp import read_gdp
from panel.sources.hs_groups import load_hs_groups
from report.import_substitution_tables import gdp_share_table, group_index_table, pattern_matrix


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    paths = write_imports_demo(tmp_path_factory.mktemp("imports"))
    groups = load_hs_groups()
    monthly = group_monthly(read_customs(paths["customs"], groups), groups)
    indices = group_indices(monthly, groups.groups)
    shares = gdp_shares(monthly, groups.groups, read_gdp(paths["gdp"]))
    truth = json.loads(paths["truth"].read_text(encoding="utf-8"))
    return paths, monthly, indices, shares, truth


def test_every_planted_pattern_is_recovered(demo):
    _, _, indices, _, truth = demo
    whole = indices[indices["window"] == "whole"].set_index("group")
    planted = {group["group"]: group["pattern"] for group in truth["groups"]}
    assert len(planted) == 17
    assert whole["pattern"].to_dict() == planted
    for group in truth["groups"]:
        path = group["noise_free_path"]
        growth, volatility = growth_index(path), volatility_index(path)
        assert classify(growth, volatility) == group["pattern"]
        assert whole.loc[group["group"], "growth"] == pytest.approx(growth, abs=0.2)
        assert whole.loc[group["group"], "volatility"] == pytest.approx(volatility, abs=0.05)


def test_semiconductor_groups_spike_in_2020(demo):
    _, monthly, _, _, truth = demo
    annual = monthly.assign(year=monthly["period"].dt.year).groupby(["group", "year"])["value"].sum().unstack()
    for group in truth["groups"]:
        if group["semiconductor"] and group["spike"] >= 1:
            assert annual.loc[group["group"], 2020] > 1.2 * annual.loc[group["group"], 2018]


def test_files_say_simulated(demo):
    paths, _, _, _, truth = demo
    assert truth["simulated"] is True
    customs = pd.read_csv(paths["customs"], dtype=str)
    assert customs["商品名称"].str.startswith("SIMULATED").all()
    assert (pd.read_csv(paths["gdp"])["note"] == "SIMULATED").all()
    assert "SIMULATED" in paths["readme"].read_text(encoding="utf-8")


def test_deterministic_in_the_seed():
    first, second, other = simulate_imports(7), simulate_imports(7), simulate_imports(8)
    pd.testing.assert_frame_equal(first.customs, second.customs)
    assert not first.customs.equals(other.customs)
    assert [p.group for p in PLANS] == list(range(1, 18))


def test_pattern_matrix_places_every_group_once(demo):
    _, _, indices, _, _ = demo
    matrix = pattern_matrix(indices)
    assert matrix.shape == (2, 3)
    placed = [cell.split(" ", 1)[0] for row in matrix.to_numpy() for text in row if text for cell in text.split("; ")]
    assert sorted(int(g) for g in placed) == list(range(1, 18))
    assert matrix.loc["G > 0.5", "high V (> 0.3)"] == (
        "2 Integrated Circuits; 3 Silicon Processing; 6 Lithography for Electronics; 15 Medical and Bio Precision Equipment"
    )


def test_index_and_share_tables(demo):
    _, _, indices, shares, _ = demo
    table = group_index_table(indices)
    assert len(table) == 17
    assert {"growth_whole", "volatility_pre_2019", "pattern_post_2019"} <= set(table.columns)
    share_table = gdp_share_table(shares, 2015, 2024)
    row = share_table.set_index(["category", "semiconductors"]).loc[("capital", "excluded")]
    assert row["change_pp"] == pytest.approx(row["2024"] - row["2015"])
    assert len(share_table) == 8


def test_figures_write_pdf_and_png(demo, tmp_path):
    pytest.importorskip("matplotlib")
    from report.import_substitution_figures import plot_gdp_shares, plot_growth_volatility, plot_series_by_pattern

    _, monthly, indices, shares, _ = demo
    written = (
        plot_series_by_pattern(monthly, indices, tmp_path / "series", note="SIMULATED")
        + plot_growth_volatility(indices, tmp_path / "scatter")
        + plot_gdp_shares(shares, tmp_path / "shares")
    )
    assert [p.suffix for p in written] == [".pdf", ".png"] * 3
    assert all(p.stat().st_size > 1000 for p in written)
