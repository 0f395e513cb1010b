"""Event studies, exposure × period designs and linear combinations on simulated panels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models import Spec, add_interactions, add_year_interactions, event_study, exposure_event_study, fit, lincom
from models.marginal import marginal_by_period


def staggered_panel(seed: int = 7, pre_trend: float = 0.0) -> pd.DataFrame:
    """120 units, 2012–2023; cohorts first treated 2017, 2019, 2021 and never.

    The planted effect at event time k >= 0 is 0.5 + 0.1 k; before treatment it
    is ``pre_trend * k`` (zero by default).
    """
    rng = np.random.default_rng(seed)
    units, years = np.arange(120), np.arange(2012, 2024)
    cohort = np.array([2017.0, 2019.0, 2021.0, np.nan])[units % 4]
    frame = pd.DataFrame({"unit": np.repeat(units, len(years)), "year": np.tile(years, len(units))})
    frame["first"] = cohort[frame["unit"]]
    k = frame["year"] - frame["first"]
    effect = np.where(k >= 0, 0.5 + 0.1 * k, pre_trend * k)
    effect = np.where(np.isnan(k), 0.0, effect)
    frame["y"] = (
        rng.normal(size=120)[frame["unit"]] + 0.05 * (frame["year"] - 2012) + effect
        + rng.normal(scale=0.3, size=len(frame))
    )
    return frame


def test_event_study_recovers_planted_dynamic_effects_and_flat_pretrends():
    data = staggered_panel()
    result = event_study(data, "y", unit="unit", time="year", first_treated="first", window=(-4, 4))
    assert "event_-1" not in result.names
    ci = result.conf_int()
    for k in range(0, 5):
        truth = 0.5 + 0.1 * k
        assert ci.loc[f"event_{k}", "lower"] < truth < ci.loc[f"event_{k}", "upper"]
    for k in (-4, -3, -2):
        assert ci.loc[f"event_{k}", "lower"] < 0 < ci.loc[f"event_{k}", "upper"]
    assert result.pretrend.terms == ("event_-4", "event_-3", "event_-2")
    assert result.pretrend.df_num == 3
    assert result.pretrend.df_denom == 119  # clusters - 1
    assert result.pretrend.pvalue > 0.05
    assert result.n_clusters == {"unit": 120}  # never-treated units kept


def test_pretrend_test_rejects_a_planted_pre_trend():
    data = staggered_panel(pre_trend=0.15)
    result = event_study(data, "y", unit="unit", time="year", first_treated="first", window=(-4, 4))
    assert result.pretrend.pvalue < 0.01


def test_pretrend_statistic_is_the_wald_form():
    result = event_study(staggered_panel(), "y", unit="unit", time="year", first_treated="first", window=(-3, 3))
    b = result.params[["event_-3", "event_-2"]].to_numpy()
    v = result.cov.loc[["event_-3", "event_-2"], ["event_-3", "event_-2"]].to_numpy()
    assert result.pretrend.statistic == pytest.approx(b @ np.linalg.solve(v, b) / 2)


def test_unbinned_window_drops_treated_rows_outside_it_and_binning_keeps_them():
    data = staggered_panel()
    kept = event_study(data, "y", unit="unit", time="year", first_treated="first", window=(-2, 2))
    binned = event_study(data, "y", unit="unit", time="year", first_treated="first", window=(-2, 2),
                         bin_endpoints=True)
    k = data["year"] - data["first"]
    assert kept.nobs == int((k.isna() | k.between(-2, 2)).sum())
    assert binned.nobs == len(data)


def test_reference_period_can_be_set():
    result = event_study(staggered_panel(), "y", unit="unit", time="year", first_treated="first",
                         window=(-3, 3), reference=-3)
    assert "event_-3" not in result.names and "event_-1" in result.names
    assert result.pretrend.terms == ("event_-2", "event_-1")


def test_exposure_event_study():
    rng = np.random.default_rng(3)
    units, years = np.arange(200), np.arange(2015, 2024)
    data = pd.DataFrame({"unit": np.repeat(units, len(years)), "year": np.tile(years, len(units))})
    data["exposure"] = rng.uniform(0, 1, size=200)[data["unit"]]
    data["y"] = (0.8 * data["exposure"] * (data["year"] >= 2019) + rng.normal(size=200)[data["unit"]]
                 + rng.normal(scale=0.2, size=len(data)))
    result = exposure_event_study(data, "y", exposure="exposure", unit="unit", time="year", reference=2018)
    assert "exposure:year=2018" not in result.names
    average_post = lincom(result, {f"exposure:year={year}": 0.2 for year in range(2019, 2024)})
    assert average_post.lower < 0.8 < average_post.upper
    assert result.pretrend.terms == tuple(f"exposure:year={y}" for y in range(2015, 2018))
    assert result.pretrend.pvalue > 0.05


def test_lincom_and_marginal_return_by_year():
    rng = np.random.default_rng(11)
    units, years = np.arange(150), np.arange(2015, 2024)
    data = pd.DataFrame({"firm": np.repeat(units, len(years)), "year": np.tile(years, len(units))})
    data["patents"] = rng.gamma(2.0, size=len(data))
    data["post"] = (data["year"] >= 2019).astype(int)
    data["exposed"] = (data["firm"] % 2).astype(int)
    data["roa"] = (0.3 * data["patents"] - 0.1 * data["patents"] * data["post"]
                   - 0.15 * data["patents"] * data["post"] * data["exposed"]
                   + rng.normal(size=len(data)))
    frame = add_interactions(data, [("patents", "post"), ("patents", "post", "exposed")])
    result = fit(frame, Spec("roa", ("patents", "patents:post", "patents:post:exposed"),
                             fixed_effects=("firm", "year"), cluster=("firm",)))
    combo = lincom(result, {"patents": 1, "patents:post": 1, "patents:post:exposed": 1})
    names = ["patents", "patents:post", "patents:post:exposed"]
    assert combo.estimate == pytest.approx(result.params[names].sum())
    assert combo.std_error == pytest.approx(np.sqrt(result.cov.loc[names, names].to_numpy().sum()))
    assert combo.lower < 0.05 < combo.upper

    yearly_frame, terms = add_year_interactions(data, "patents", "year", reference=2015)
    yearly = fit(yearly_frame, Spec("roa", ("patents", *terms.values()), fixed_effects=("firm", "year"),
                                    cluster=("firm",)))
    by_year = marginal_by_period(yearly, "patents", terms, reference=2015)
    assert by_year.index.tolist() == list(range(2015, 2024))
    assert by_year.loc[2015, "estimate"] == pytest.approx(yearly.params["patents"])
    v = yearly.cov
    expected = np.sqrt(v.loc["patents", "patents"] + v.loc["patents:year=2020", "patents:year=2020"]
                       + 2 * v.loc["patents", "patents:year=2020"])
    assert by_year.loc[2020, "std_error"] == pytest.approx(expected)
