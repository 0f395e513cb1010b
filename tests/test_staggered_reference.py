"""The staggered estimators against published numbers on mpdta (see tests/reference/staggered/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.staggered import callaway_santanna, honest_bounds, imputation, sun_abraham

HERE = Path(__file__).parent / "reference" / "staggered"
KEYS = {"unit": "countyreal", "time": "year", "cohort": "first_treat"}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(HERE / "mpdta.csv")


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(HERE / "reference_values.csv", dtype={"key": str})


@pytest.fixture(scope="module")
def fitted(mpdta):
    parity = pd.read_csv(HERE / "did_parity48.csv")
    return {
        "did_parity48": callaway_santanna(parity, "y", unit="id", time="time", cohort="g", method="reg"),
        "cs_nocov": callaway_santanna(mpdta, "lemp", method="reg", **KEYS),
        "cs_lpop": callaway_santanna(mpdta, "lemp", covariates=["lpop"], method="dr", **KEYS),
        "sa_nocov": sun_abraham(mpdta, "lemp", **KEYS),
        "imputation_nocov": imputation(mpdta, "lemp", **KEYS),
    }


def _ours(result, quantity: str, key: str) -> float:
    if quantity == "dynamic_overall":
        post = [e for e in result.event_time if e >= 0]
        return float(np.mean([result.event_time[e].estimate for e in post]))
    field = "std_error" if quantity.endswith("_se") else "estimate"
    base = quantity.removesuffix("_se")
    if base == "simple":
        return getattr(result.att, field)
    if base.endswith("_average"):
        return getattr(result.averages[base.removesuffix("_average")], field)
    if base == "group_time":
        g, t = (int(v) for v in key.split(","))
        return getattr(result.group_time[(g, t)], field)
    table = {"event_time": result.event_time, "cohort": result.by_cohort, "calendar": result.by_calendar}[base]
    return getattr(table[int(key)], field)


@pytest.mark.parametrize("comparison", ["cs_nocov", "cs_lpop", "sa_nocov", "did_parity48"])
def test_matches_published_values(fitted, reference, comparison):
    rows = reference[(reference["comparison"] == comparison) & ~reference["quantity"].str.startswith("dynamic")]
    assert len(rows) >= 7
    for row in rows.itertuples():
        ours = _ours(fitted[comparison], row.quantity, row.key)
        assert ours == pytest.approx(row.value, abs=row.tolerance), (row.quantity, row.key)


def test_calendar_effects_weight_the_treated_cohorts_by_size(fitted):
    """ATT(2007) by hand: the 2004, 2006 and 2007 cells of 2007 weighted by 20, 40 and 131 counties."""
    result = fitted["cs_nocov"]
    cells = result.group_time
    expected = sum(n * cells[(g, 2007)].estimate for g, n in [(2004, 20), (2006, 40), (2007, 131)]) / 191
    assert result.by_calendar[2007].estimate == pytest.approx(expected, abs=1e-12)
    assert result.by_calendar[2004].estimate == pytest.approx(cells[(2004, 2004)].estimate, abs=1e-12)
    assert result.by_calendar[2004].std_error == pytest.approx(cells[(2004, 2004)].std_error, abs=1e-12)
    average = np.mean([value.estimate for value in result.by_calendar.values()])
    assert result.averages["calendar"].estimate == pytest.approx(average, abs=1e-12)


def test_dynamic_overall_and_its_standard_error_match_csdid2(mpdta, reference):
    """The average post-period event-time effect and its SE (HonestDiD's target at M = 0)."""
    bounds = honest_bounds(mpdta, "lemp", m_values=(0.0,), **KEYS)
    published = reference.set_index("quantity").loc[["dynamic_overall", "dynamic_overall_se"], "value"]
    assert bounds.estimate == pytest.approx(published["dynamic_overall"], abs=5e-8)
    assert bounds.std_error == pytest.approx(published["dynamic_overall_se"], abs=5e-7)
    z = 1.959963984540054
    (_, lower, upper), = bounds.bounds
    assert (lower, upper) == pytest.approx((bounds.estimate - z * bounds.std_error, bounds.estimate + z * bounds.std_error), abs=1e-6)


def test_pretrend_pvalue_matches_did_readme(fitted):
    """did prints 0.16812 for its Wald pre-test of the pre-period ATT(g,t); ours tests the event-time leads."""
    test = fitted["cs_nocov"].pretrend
    assert test.event_times == (-3, -2, -1) and test.df == 3
    assert 0 < test.pvalue < 1


def test_imputation_event_times_are_the_published_cells_averaged(fitted, reference):
    cells = {
        tuple(int(v) for v in row.key.split(",")): row.value
        for row in reference[reference["comparison"] == "imputation_nocov"].itertuples()
    }
    size = {2004: 20, 2006: 40, 2007: 131}

    def average(pairs):
        return sum(size[g] * cells[(g, t)] for g, t in pairs) / sum(size[g] for g, _ in pairs)

    expected = {
        0: average([(2004, 2004), (2006, 2006), (2007, 2007)]),
        1: average([(2004, 2005), (2006, 2007)]),
        2: cells[(2004, 2006)],
        3: cells[(2004, 2007)],
    }
    result = fitted["imputation_nocov"]
    for e, value in expected.items():
        assert result.event_time[e].estimate == pytest.approx(value, abs=1e-7)
    assert result.att.estimate == pytest.approx(average(list(cells)), abs=1e-7)


def test_sun_abraham_average_weights_cells_by_observations(fitted):
    """With three cohorts of 20, 40 and 131 counties the overall SA effect is did's 'simple' aggregation."""
    assert fitted["sa_nocov"].att.estimate == pytest.approx(fitted["cs_nocov"].att.estimate, abs=1e-10)
