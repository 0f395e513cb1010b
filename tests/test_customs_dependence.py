"""Imported-input dependence from the demo's customs transactions: the panel's shares, and the planted effect."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models.fixed_effects import fit
from models.spec import Spec
from models.studies import load_study, run_study, study_from_mapping
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


def test_the_supply_chain_study_estimates_the_allied_share(small_panel):
    results = run_study(load_study("supply_chain_dependence"), small_panel)
    direct = fit(small_panel.data[small_panel.data["import_value"] > 0],
                 Spec("allied_import_share", ["exposed_post"], fixed_effects=["firm_id", "year"], cluster=["firm_id"]))
    assert results.models["allied_share_did"].coef[0] == pytest.approx(direct.coef[0], rel=1e-12)
    assert "allied_import_share_did" in [t.name for t in results.study.tables]


def test_without_customs_data_the_optional_models_and_their_table_are_skipped(small_panel):
    without = replace(small_panel, data=small_panel.data.assign(allied_import_share=np.nan, import_value=np.nan))
    with pytest.warns(UserWarning) as caught:
        results = run_study(load_study("supply_chain_dependence"), without)
    said = [str(w.message) for w in caught if "optional" in str(w.message)]
    assert said == [
        "[[models]] 'allied_share_did': skipped (optional): its outcome 'allied_import_share' has no value in the "
        "sample; so are [[tables]] 'allied_import_share_did'",
        "[[models]] 'allied_share_did_upstream': skipped (optional): its outcome 'allied_import_share' has no value "
        "in the sample; so are [[tables]] 'allied_import_share_did'",
    ]
    assert "allied_share_did" not in results.models
    assert "allied_import_share_did" not in [t.name for t in results.study.tables]
    assert "share_did" in results.models


def test_a_model_that_is_not_optional_is_never_skipped(small_panel):
    study = study_from_mapping({"name": "s", "models": [{"name": "m", "outcome": "allied_import_share",
                                                           "regressors": ["exposed_post"]}]})
    without = replace(small_panel, data=small_panel.data.assign(allied_import_share=np.nan))
    with pytest.raises(InputError):
        run_study(study, without)
