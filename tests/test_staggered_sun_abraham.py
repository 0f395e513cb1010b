"""Sun–Abraham with a cohort never observed in its reference period: left out with a warning."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models.staggered import diff_diff_adapter, sun_abraham
from models.staggered.data import prepare


def _panel(gap: bool) -> pd.DataFrame:
    """40 units over 2010-2019: 20 never treated, cohorts 2014 and 2016, and unit 40 alone in cohort 2017.

    With ``gap``, unit 40 is not observed in 2014-2016, so cohort 2017 has no row in its reference period 2016.
    """
    rng = np.random.default_rng(3)
    units = np.arange(1, 41)
    cohort = np.where(units <= 20, 0, np.where(units <= 30, 2014, 2016))
    cohort[-1] = 2017
    frame = pd.DataFrame([(u, t, c) for u, c in zip(units, cohort) for t in range(2010, 2020)],
                         columns=["firm", "year", "cohort"])
    if gap:
        frame = frame[~((frame["firm"] == 40) & frame["year"].between(2014, 2016))]
    treated = (frame["cohort"] > 0) & (frame["year"] >= frame["cohort"])
    frame = frame.assign(y=0.1 * frame["firm"] % 1 + 0.05 * (frame["year"] - 2010) + 0.5 * treated
                         + rng.normal(0, 0.2, len(frame)))
    return frame


def test_the_library_alone_gives_no_meaningful_att_there():
    panel = prepare(_panel(gap=True), "y", unit="firm", time="year", cohort="cohort", never_treated=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        overall = diff_diff_adapter.sun_abraham(panel).overall
    assert not (np.isfinite(overall.estimate) and 0 < overall.std_error < 1)  # NaN here, SE 4,650 at demo seed 41


def test_a_cohort_unobserved_in_its_reference_period_is_left_out_with_a_warning():
    data = _panel(gap=True)
    with pytest.warns(UserWarning, match=r"^Sun-Abraham leaves out cohort\(s\) 2017: no unit of theirs is observed"):
        result = sun_abraham(data, "y", unit="firm", time="year", cohort="cohort")
    without = sun_abraham(data[data["cohort"] != 2017], "y", unit="firm", time="year", cohort="cohort")
    assert result.att.estimate == pytest.approx(without.att.estimate, rel=1e-12)
    assert result.att.std_error == pytest.approx(without.att.std_error, rel=1e-12)
    assert result.att.std_error < 0.2
    assert result.note.endswith("cohorts unobserved in their reference period left out: 2017.")
    assert result.n_treated_units == 19


def test_a_single_unit_cohort_observed_in_its_reference_period_is_kept(recwarn):
    result = sun_abraham(_panel(gap=False), "y", unit="firm", time="year", cohort="cohort")
    assert not [w for w in recwarn if "Sun-Abraham" in str(w.message)]
    assert result.note.endswith("standard errors clustered by unit.")
    assert result.n_treated_units == 20
    assert result.att.std_error < 0.2


def test_no_identified_cohort_is_an_input_error():
    data = _panel(gap=True)
    data = data[~((data["cohort"] == 2014) & (data["year"] == 2013)) & ~((data["cohort"] == 2016) & (data["year"] == 2015))]
    with pytest.raises(InputError, match=r"^Sun-Abraham: no treated cohort is observed in the period before its "):
        sun_abraham(data, "y", unit="firm", time="year", cohort="cohort")
