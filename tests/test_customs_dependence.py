"""Imported-input dependence from the demo's customs transactions: the panel's shares, and the planted effect."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from models.fixed_effects import fit
from models.spec import Spec
from panel.demo.customs_transactions import ALLIED_SHARE_EFFECT, TRUTH_FILE
from panel.sources.customs_transactions import US_ALLIES


def test_panel_shares_equal_a_hand_computation(small_demo, small_panel):
    lines = pd.read_csv(small_demo / "customs_transactions.csv", dtype={"Stkcd": str, "hs8": str})
    lines["year"] = lines["month"] // 100
    allied = lines["origin"].isin(("US", *US_ALLIES))
    by_hand = (lines["value_usd"] * allied).groupby([lines["Stkcd"], lines["year"]]).sum() / lines.groupby(
        ["Stkcd", "year"]
    )["value_usd"].sum()
    panel = small_panel.data.set_index(["firm_id", "year"])
    common = by_hand.index.intersection(panel.index)
    assert len(common) > 500
    np.testing.assert_allclose(panel.loc[common, "allied_import_share"], by_hand.loc[common], rtol=1e-12)
    outside = panel.index.difference(by_hand.index)
    assert (panel.loc[outside, "import_value"] == 0).all() and panel.loc[outside, "allied_import_share"].isna().all()


def test_the_planted_effect_on_the_allied_share_is_recovered(small_demo, small_panel):
    truth = json.loads((small_demo / TRUTH_FILE).read_text(encoding="utf-8"))
    assert truth["allied_import_share_effect"]["exposed_post"] == ALLIED_SHARE_EFFECT
    data = small_panel.data[small_panel.data["import_value"] > 0]
    result = fit(
        data, Spec("allied_import_share", ["exposed_post"], fixed_effects=["firm_id", "year"], cluster=["firm_id"])
    )
    estimate, se = result.coef[0], np.sqrt(result.cov_matrix[0, 0])
    assert abs(estimate - ALLIED_SHARE_EFFECT) < 3 * se
    assert se < 0.05  # informative enough to tell a 0.04 fall from a 0.15 one
