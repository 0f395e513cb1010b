"""TWFE in the staggered results' form: event times and intervals carried from the regressions as data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from models.event_study import event_study
from models.staggered import twfe


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    units, years = 60, np.arange(2010, 2018)
    cohort = rng.choice([0, 2013, 2015], size=units, p=[0.4, 0.3, 0.3])
    frame = pd.DataFrame({"unit": np.repeat(np.arange(units), len(years)), "year": np.tile(years, units)})
    frame["cohort"] = np.repeat(cohort, len(years))
    frame["y"] = rng.normal(size=len(frame)) + 0.4 * ((frame["cohort"] > 0) & (frame["year"] >= frame["cohort"]))
    return frame


def test_event_times_are_every_observed_one_but_the_reference(panel):
    result = twfe(panel, "y", unit="unit", time="year", cohort="cohort")
    assert sorted(result.event_time) == [e for e in range(-5, 5) if e != -1]
    assert result.pretrend is not None and result.pretrend.event_times == (-5, -4, -3, -2)


def test_intervals_use_the_t_critical_value_with_g_minus_one_degrees_of_freedom(panel):
    result = twfe(panel, "y", unit="unit", time="year", cohort="cohort")
    critical = stats.t.ppf(0.975, 59)
    for value in [result.att, *result.event_time.values()]:
        assert value.upper - value.estimate == pytest.approx(critical * value.std_error, rel=1e-12)
    frame = panel.assign(first=panel["cohort"].where(panel["cohort"] > 0))
    dynamic = event_study(frame, "y", unit="unit", time="year", first_treated="first")
    assert result.event_time[2].estimate == pytest.approx(dynamic.params["event_2"], abs=1e-12)
    assert result.event_time[2].lower == pytest.approx(dynamic.conf_int().loc["event_2", "lower"], abs=1e-12)
