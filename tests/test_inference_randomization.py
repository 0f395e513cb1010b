"""Randomization inference: exact enumeration on a tiny panel, null behaviour, the demo's planted effect."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models import Spec, fit
from models.inference import RandomizationResult, randomization_inference
from models.inference.randomization import _Timing, randomization_pvalue

KEYS = {"unit": "firm", "time": "year", "cohort": "first"}
SPEC = Spec("y", ("treated_post",), fixed_effects=("firm", "year"), cluster=("firm",))


def _panel(firms: int, years: int, cohorts: dict[int, int], effect: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"firm": np.repeat(np.arange(firms), years), "year": np.tile(np.arange(2015, 2015 + years), firms)})
    frame["first"] = frame["firm"].map(cohorts).fillna(0).astype(int)
    frame["treated_post"] = ((frame["first"] > 0) & (frame["year"] >= frame["first"])).astype(float)
    frame["industry"] = frame["firm"] % 3
    frame["y"] = (rng.normal(size=firms)[frame["firm"]] + 0.1 * (frame["year"] - 2015)
                  + effect * frame["treated_post"] + rng.normal(size=len(frame)))
    return frame


def test_draws_are_refits_on_permuted_firms_and_pvalue_counts_the_observed():
    """Six firms, two treated in 2017: 15 possible assignments; each draw is the fit on one of them."""
    frame = _panel(6, 4, {0: 2017, 1: 2017}, effect=1.0, seed=0)
    exact = set()
    for treated in itertools.combinations(range(6), 2):
        placebo = frame.assign(first=np.where(frame["firm"].isin(treated), 2017, 0))
        placebo["treated_post"] = ((placebo["first"] > 0) & (placebo["year"] >= 2017)).astype(float)
        exact.add(round(fit(placebo, SPEC).params["treated_post"], 9))
    result = randomization_inference(frame, SPEC, "treated_post", draws=40, seed=3, **KEYS)
    assert result.observed == pytest.approx(fit(frame, SPEC).params["treated_post"], abs=1e-12)
    assert {round(b, 9) for b in result.distribution} <= exact
    assert len({round(b, 9) for b in result.distribution}) > 5
    exceed = sum(abs(b) >= abs(result.observed) - 1e-12 for b in result.distribution)
    assert result.pvalue == pytest.approx((1 + exceed) / 41)


def test_pvalue_formula_by_hand():
    assert randomization_pvalue(2.0, np.array([-3.0, 1.0, 2.0, 0.5, np.nan])) == pytest.approx(3 / 5)


def test_permutation_keeps_cohort_sizes_within_strata():
    frame = _panel(30, 3, {0: 2016, 3: 2016, 4: 2017, 7: 2017, 8: 2016}, effect=0.0, seed=1)
    timing = _Timing.from_rows(frame, "treated_post", strata="industry", file=None, **KEYS)
    draws = timing.permuted_units(np.random.default_rng(0), 50)
    for stratum in range(3):
        members = timing.unit_stratum == stratum
        expected = np.sort(timing.unit_cohort[members])
        assert all(np.array_equal(np.sort(row[members]), expected) for row in draws)
    assert len({tuple(row) for row in draws}) > 40


def test_seed_repeats_and_result_round_trips_through_json():
    frame = _panel(40, 5, {i: 2017 + i % 2 for i in range(12)}, effect=0.3, seed=2)
    frame["control"] = frame["industry"] * frame["year"]
    spec = Spec("y", ("treated_post", "control"), fixed_effects=("firm", "year"), cluster=("firm",))
    first = randomization_inference(frame, SPEC, "treated_post", placebo="years", draws=60, seed=4, **KEYS)
    again = randomization_inference(frame, SPEC, "treated_post", placebo="years", draws=60, seed=4, **KEYS)
    assert first == again and first.draws == 60
    assert RandomizationResult.from_dict(json.loads(json.dumps(first.to_dict()))) == first
    other = randomization_inference(frame, SPEC, "treated_post", placebo="years", draws=60, seed=5, **KEYS)
    assert other.distribution != first.distribution
    with_control = randomization_inference(frame, spec, "treated_post", strata="industry", draws=20, seed=1, **KEYS)
    assert with_control.observed == pytest.approx(fit(frame, spec).params["treated_post"], abs=1e-12)
    assert with_control.strata == "industry" and with_control.draws == 20


def test_placebo_years_match_refits_with_moved_cohorts():
    frame = _panel(20, 5, {0: 2018, 1: 2018, 2: 2017}, effect=0.0, seed=6)
    result = randomization_inference(frame, SPEC, "treated_post", placebo="years", years=[2016, 2017], draws=30,
                                     seed=0, **KEYS)
    exact = set()
    for y2017, y2018 in itertools.product([2016, 2017], repeat=2):
        moved = frame.assign(first=frame["first"].map({0: 0, 2017: y2017, 2018: y2018}))
        moved["treated_post"] = ((moved["first"] > 0) & (moved["year"] >= moved["first"])).astype(float)
        exact.add(round(fit(moved, SPEC).params["treated_post"], 9))
    assert {round(b, 9) for b in result.distribution} == exact


def test_pvalues_are_roughly_uniform_when_the_null_holds():
    pvalues = []
    for seed in range(16):
        frame = _panel(40, 4, {i: 2017 for i in range(10)}, effect=0.0, seed=100 + seed)
        pvalues.append(randomization_inference(frame, SPEC, "treated_post", draws=99, seed=seed, **KEYS).pvalue)
    pvalues = np.array(pvalues)
    assert 0.3 < pvalues.mean() < 0.7
    assert (pvalues < 0.1).sum() <= 4 and (pvalues > 0.5).sum() >= 4


def test_demo_patent_effect_is_far_in_the_tail(small_panel):
    frame = small_panel.data.reset_index()
    spec = Spec("ln_invention_apply", ("treated_post",), fixed_effects=("firm_id", "industry_year"), cluster=("firm_id",))
    result = randomization_inference(frame, spec, "treated_post", unit="firm_id", time="year", cohort="first_treat_year",
                                     strata="industry", draws=199, seed=0)
    assert result.pvalue < 0.01
    assert abs(np.nanmean(result.distribution)) < result.observed / 4


def test_bad_requests_raise_input_errors():
    frame = _panel(10, 3, {0: 2016}, effect=0.0, seed=0)
    with pytest.raises(InputError, match="unknown placebo 'firm'; did you mean 'firms'"):
        randomization_inference(frame, SPEC, "treated_post", placebo="firm", **KEYS)
    broken = frame.assign(treated_post=frame["treated_post"].where(frame["year"] != 2017, 0.0))
    with pytest.raises(InputError, match="'treated_post' is not the indicator of year >= first"):
        randomization_inference(broken, SPEC, "treated_post", **KEYS)
    moving = frame.assign(industry=frame["year"])
    with pytest.raises(InputError, match="changes over time within a unit"):
        randomization_inference(moving, SPEC, "treated_post", strata="industry", **KEYS)


def test_permutation_histogram_writes_pdf_and_png(tmp_path):
    from report.figures import permutation_histogram

    paths = permutation_histogram([0.1, -0.2, 0.05, float("nan")] * 10, 0.4, tmp_path / "placebo", "Placebo firms")
    assert [p.name for p in paths] == ["placebo.pdf", "placebo.png"] and all(p.stat().st_size > 0 for p in paths)
    with pytest.raises(InputError, match="no placebo coefficients"):
        permutation_histogram([float("nan")], 0.4, tmp_path / "empty")
