"""Case selection from a fitted panel model: statistics checked against refits and hand computations."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models.case_selection import CaseSelection, firm_statistics, select_cases
from models.spec import Spec


def _panel(seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(30):
        alpha = rng.normal()
        for year in range(2015, 2021):
            x = rng.normal() + (3.0 if i == 7 else 0.0)
            noise = rng.normal() * (4.0 if i == 11 else 0.5)
            rows.append((f"F{i:03d}", year, x, alpha + 0.8 * x + noise, f"Firm {i}", "C39" if i % 2 else "C35", i % 3 == 0))
    return pd.DataFrame(rows, columns=["firm_id", "year", "x", "y", "short_name", "industry", "exposed"])


def _fit_beta(data: pd.DataFrame) -> float:
    demeaned = data[["x", "y"]] - data.groupby("firm_id")[["x", "y"]].transform("mean")
    return float(demeaned.x @ demeaned.y / (demeaned.x @ demeaned.x))


def test_dfbeta_is_the_leave_one_firm_out_change():
    data = _panel()
    spec = Spec("y", ["x"], fixed_effects=["firm_id"])
    stats, beta, se = firm_statistics(data, spec, "x")
    assert beta == pytest.approx(_fit_beta(data), abs=1e-12)
    for firm in ("F007", "F011", "F020"):
        change = beta - _fit_beta(data[data.firm_id != firm])
        assert stats.dfbeta[firm] * se == pytest.approx(change, abs=1e-12)


def test_types_rank_the_planted_firms_first():
    selection = select_cases(_panel(), Spec("y", ["x"], fixed_effects=["firm_id", "year"]), "x", top=3)
    assert selection.of_type("deviant")[0].firm == "F011"
    assert selection.of_type("extreme")[0].firm == "F007"
    first = selection.of_type("typical")[0]
    number = int(first.firm[1:])
    assert (first.name, first.industry, first.n_obs, first.exposed) == (
        f"Firm {number}", "C39" if number % 2 else "C35", 6, float(number % 3 == 0))
    assert [c.rank for c in selection.of_type("influential")] == [1, 2, 3]
    assert selection.n_firms == 30


def test_rms_residual_by_hand():
    data = _panel()
    stats, beta, _ = firm_statistics(data, Spec("y", ["x"], fixed_effects=["firm_id"]), "x")
    firm = data[data.firm_id == "F003"]
    resid = (firm.y - firm.y.mean()) - beta * (firm.x - firm.x.mean())
    assert stats.rms_residual["F003"] == pytest.approx(np.sqrt(np.mean(resid**2)), abs=1e-12)


def test_json_round_trip():
    selection = select_cases(_panel(), Spec("y", ["x"], fixed_effects=["firm_id"]), "x", top=2)
    assert CaseSelection.from_dict(json.loads(json.dumps(selection.to_dict()))) == selection


def test_unknown_regressor():
    with pytest.raises(InputError) as caught:
        select_cases(_panel(), Spec("y", ["x"], fixed_effects=["firm_id"]), "xx")
    assert caught.value.message == "'xx' is not a regressor of the model; did you mean 'x'?; choose one of x"
