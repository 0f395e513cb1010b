"""The pre-trend test of every staggered estimator can be limited to the leads nearest the treatment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models.staggered import ESTIMATORS


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(3)
    units, years = 120, np.arange(2010, 2021)
    cohort = rng.choice([0, 2015, 2017], size=units, p=[0.5, 0.25, 0.25])
    frame = pd.DataFrame({"unit": np.repeat(np.arange(units), len(years)), "year": np.tile(years, units)})
    frame["cohort"] = np.repeat(cohort, len(years))
    treated = (frame["cohort"] > 0) & (frame["year"] >= frame["cohort"])
    frame["y"] = rng.normal(size=len(frame)) + 0.5 * treated + 0.1 * frame["unit"] % 7
    return frame


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_leads_limit_the_pretrend_test(panel, name):
    full = ESTIMATORS[name](panel, "y", unit="unit", time="year", cohort="cohort")
    short = ESTIMATORS[name](panel, "y", unit="unit", time="year", cohort="cohort", leads=3)
    assert len(short.pretrend.event_times) == 3 == short.pretrend.df
    assert set(short.pretrend.event_times) <= set(full.pretrend.event_times)
    nearest = sorted(full.pretrend.event_times, reverse=True)[:3]
    assert sorted(short.pretrend.event_times, reverse=True) == nearest


def test_leads_must_be_positive(panel):
    with pytest.raises(InputError, match="leads must be at least 1, got 0"):
        ESTIMATORS["sun-abraham"](panel, "y", unit="unit", time="year", cohort="cohort", leads=0)
