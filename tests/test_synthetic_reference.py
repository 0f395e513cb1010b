"""Synthetic control, synthetic DiD and DiD against Arkhangelsky et al. (2021) Table 1 on Proposition 99.

See tests/reference/synthetic/README.md for the data, its licence and what is not checked.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from models.synthetic import fit_synthetic, synthetic_design

HERE = Path(__file__).parent / "reference" / "synthetic"
#: Our placebo standard errors (every donor treated once), stored to catch any change.
OUR_PLACEBO_SE = {"did": 17.2868, "sc": 10.6153, "sdid": 9.3710}


@pytest.fixture(scope="module")
def prop99():
    data = pd.read_csv(HERE / "california_prop99.csv", sep=";")
    return synthetic_design(data, unit="State", time="Year", outcome="PacksPerCapita",
                            treated=["California"], start=1989, source="california_prop99.csv")


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return pd.read_csv(HERE / "reference_values.csv")


@pytest.fixture(scope="module")
def fits(prop99):
    return {method: fit_synthetic(prop99, method, se="placebo") for method in ("did", "sc", "sdid")}


def test_panel_is_the_published_one(prop99):
    assert (len(prop99.donors), len(prop99.periods), prop99.n_pre) == (38, 31, 19)


@pytest.mark.parametrize("method", ["did", "sc", "sdid"])
def test_estimates_match_table_1(fits, published, method):
    row = published.query("quantity == 'estimate' and method == @method").iloc[0]
    assert abs(fits[method].estimate - row.published) <= row.tolerance


@pytest.mark.parametrize("method", ["did", "sc", "sdid"])
def test_placebo_standard_errors(fits, published, method):
    row = published.query("quantity == 'std_error' and method == @method").iloc[0]
    assert fits[method].std_error == pytest.approx(OUR_PLACEBO_SE[method], abs=5e-5)
    assert abs(fits[method].std_error / row.published - 1) < 0.12


def test_full_precision_estimates(fits):
    assert fits["did"].estimate == pytest.approx(-27.349111, abs=1e-6)
    assert fits["sc"].estimate == pytest.approx(-19.619663, abs=1e-6)
    assert fits["sdid"].estimate == pytest.approx(-15.603828, abs=1e-6)


def test_sc_weights(fits):
    weights = {k: round(v, 3) for k, v in fits["sc"].unit_weights.items() if v > 0}
    assert weights == {"Colorado": 0.013, "Connecticut": 0.104, "Delaware": 0.004, "Montana": 0.232, "Nevada": 0.204,
                       "New Hampshire": 0.045, "Utah": 0.396}


def test_sdid_matches_diff_diff(prop99, fits):
    """diff-diff's SyntheticDiD (an independent port of the same algorithm) gives the same weights."""
    import warnings

    from diff_diff import SyntheticDiD

    data = pd.read_csv(HERE / "california_prop99.csv", sep=";")
    data["treated"] = (data.State == "California").astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = SyntheticDiD(variance_method="jackknife").fit(
            data, "PacksPerCapita", "treated", "State", "Year", post_periods=list(range(1989, 2001)))
    ours = fits["sdid"]
    assert ours.estimate == pytest.approx(theirs.att, abs=1e-8)
    for donor, weight in theirs.unit_weights.items():
        assert ours.unit_weights[donor] == pytest.approx(weight, abs=1e-8)
    for year, weight in theirs.time_weights.items():
        assert ours.time_weights[str(year)] == pytest.approx(weight, abs=1e-8)
