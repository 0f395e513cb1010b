"""Recovery of the demo's planted staggered effects on ln(1 + invention applications)."""

from __future__ import annotations

import json

import pytest

from models.staggered import ESTIMATORS


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The 4,000-firm demo panel and its realised effects, simulated once for every estimator."""
    from panel.assemble.builder import build_panel
    from panel.demo import simulate
    from panel.sources import load_folder

    folder = simulate(tmp_path_factory.mktemp("demo") / "demo", seed=0, n_firms=4000)
    frame = build_panel(load_folder(folder)).data.reset_index()
    truth = json.loads((folder / "ground_truth.json").read_text())["effects"]["invention_apply"]["realised_att_ln1p"]
    return frame, truth


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ["callaway-santanna", "sun-abraham", "imputation"])
def test_robust_estimators_recover_realised_effects_by_event_time(demo, estimator):
    frame, truth = demo
    result = ESTIMATORS[estimator](frame, "ln_invention_apply", unit="firm_id", time="year", cohort="first_treat_year")
    for e, cell in truth["by_event_time"].items():
        assert result.event_time[int(e)].estimate == pytest.approx(cell["att"], abs=0.08)
    assert result.att.estimate == pytest.approx(truth["overall"], abs=0.06)
