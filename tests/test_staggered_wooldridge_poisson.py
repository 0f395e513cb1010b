"""Wooldridge's Poisson extended TWFE: its cells equal our own PPML, aggregation by observations, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models import Spec
from models.poisson import fit_poisson
from models.staggered import wooldridge_poisson


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    units, periods = 120, 7
    unit = np.repeat(np.arange(units), periods)
    year = np.tile(np.arange(2016, 2016 + periods), units)
    cohort = rng.choice([0, 2019, 2020, 2021], size=units)[unit]
    treated = (cohort > 0) & (year >= cohort)
    mean = np.exp(0.8 + rng.normal(scale=0.7, size=units)[unit] + 0.05 * (year - 2016) + 0.25 * treated)
    return pd.DataFrame({"firm": unit, "year": year, "g": cohort, "patents": rng.poisson(mean).astype(float)})


@pytest.fixture(scope="module")
def result():
    return wooldridge_poisson(_panel(), "patents", unit="firm", time="year", cohort="g")


def test_cells_equal_our_poisson_with_cohort_and_period_effects(result):
    data = _panel()
    cells = {}
    for g in (2019, 2020, 2021):
        for t in range(g, 2023):
            cells[(g, t)] = f"d_{g}_{t}"
            data[cells[(g, t)]] = ((data["g"] == g) & (data["year"] == t)).astype(float)
    by_cohort = fit_poisson(data, Spec("patents", list(cells.values()), fixed_effects=["g", "year"], family="poisson"))
    by_unit = fit_poisson(data, Spec("patents", list(cells.values()), fixed_effects=["firm", "year"], family="poisson"))
    # a balanced panel: unit effects give the same cell coefficients as cohort effects (Wooldridge 2023)
    np.testing.assert_allclose(by_unit.params, by_cohort.params, atol=1e-9)
    assert set(result.group_time) == set(cells)
    for (g, t), name in cells.items():
        # the cell dummy's score sets the mean fitted count to the mean count of the cell
        mean = data.loc[(data["g"] == g) & (data["year"] == t), "patents"].mean()
        expected = mean * (1 - np.exp(-by_cohort.params[name]))
        assert result.group_time[(g, t)].estimate == pytest.approx(expected, rel=1e-7)


def test_att_and_event_times_average_cells_by_observations(result):
    data = _panel()
    sizes = {(g, t): int(((data["g"] == g) & (data["year"] == t)).sum()) for g, t in result.group_time}
    total = sum(sizes.values())
    att = sum(result.group_time[c].estimate * n for c, n in sizes.items()) / total
    assert result.att.estimate == pytest.approx(att, rel=1e-10)
    at_impact = [(c, n) for c, n in sizes.items() if c[1] == c[0]]
    impact = sum(result.group_time[c].estimate * n for c, n in at_impact) / sum(n for _, n in at_impact)
    assert result.event_time[0].estimate == pytest.approx(impact, rel=1e-10)
    assert sorted(result.event_time) == [0, 1, 2, 3]
    assert result.estimator == "wooldridge-poisson" and result.pretrend is None
    assert 0 < result.att.std_error < abs(result.att.estimate)


def test_negative_outcome_refused():
    data = _panel()
    data.loc[3, "patents"] = -2.0
    with pytest.raises(InputError, match="^column 'patents': a Poisson outcome cannot be negative"):
        wooldridge_poisson(data, "patents", unit="firm", time="year", cohort="g")
