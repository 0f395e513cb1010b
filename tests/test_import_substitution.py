"""Volatility and growth indices, the partition and the GDP shares, against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models.import_substitution import (
    Window,
    classify,
    gdp_shares,
    group_indices,
    growth_index,
    period_weights,
    series_indices,
    share_change,
    volatility_band,
    volatility_index,
)


def test_volatility_is_sample_sd_over_mean():
    # x = 2, 4, 6: mean 4, sample SD 2, population SD sqrt(8/3)
    assert volatility_index([2, 4, 6]) == pytest.approx(0.5)
    assert volatility_index([2, 4, 6], ddof=0) == pytest.approx(math.sqrt(8 / 3) / 4)


def test_growth_linear_and_equal_weights():
    # x = 2, 3, 5, 4: X' = 0, 0.5, 1.5, 1
    # linear: (1*0 + 2*0.5 + 3*1.5 + 4*1) / 10 = 0.95; equal: 3 / 4 = 0.75
    assert growth_index([2, 3, 5, 4]) == pytest.approx(0.95)
    assert growth_index([2, 3, 5, 4], weights="equal") == pytest.approx(0.75)
    assert period_weights(3).tolist() == [1.0, 2.0, 3.0]
    assert period_weights(3, "equal").tolist() == [1.0, 1.0, 1.0]


def test_unknown_weights():
    with pytest.raises(InputError) as error:
        growth_index([1, 2], weights="exponential")
    assert str(error.value) == "unknown weights 'exponential'; use one of: linear, equal"


@pytest.mark.parametrize(
    ("growth", "volatility", "pattern"),
    [
        (0.51, 0.31, "stockpiling"),
        (0.5000001, 0.3000001, "stockpiling"),
        (0.51, 0.3, "no_discernible_effect"),
        (0.51, 0.29, "no_discernible_effect"),
        (0.5, 0.9, "import_substitution"),
        (0.5, 0.1, "import_substitution"),
        (0.49, 0.31, "import_substitution"),
        (-0.4, 0.05, "import_substitution"),
    ],
)
def test_partition_at_and_around_thresholds(growth, volatility, pattern):
    assert classify(growth, volatility) == pattern


@pytest.mark.parametrize(
    ("volatility", "band"),
    [(0.31, "high"), (0.3000001, "high"), (0.3, "medium"), (0.29, "medium"), (0.24, "medium"),
     (0.2399, "low"), (0.235, "low"), (0.23, "low"), (0.0, "low")],
)
def test_volatility_bands(volatility, band):
    assert volatility_band(volatility) == band


def long_table(series: dict[str, list[float]], first_line: int = 2) -> pd.DataFrame:
    rows = [(name, period, value) for name, values in series.items() for period, value in enumerate(values, 1)]
    frame = pd.DataFrame(rows, columns=["series", "period", "value"])
    frame.index = range(first_line, first_line + len(frame))
    return frame


def test_series_indices_table():
    # A: 1, 2, 3 -> V = 1/2, G = (0 + 2*1 + 3*2)/6 = 4/3: stockpiling
    # B: 4, 4, 5 -> V = SD(4,4,5)/(13/3), G = (3*0.25)/6 = 0.125: import substitution
    # C: 10, 12, 13 -> G = (2*0.2 + 3*0.3)/6 = 0.2167
    table = series_indices(long_table({"A": [1, 2, 3], "B": [4, 4, 5], "C": [10, 12, 13]}))
    assert table["series"].tolist() == ["A", "B", "C"]
    assert table["volatility"].tolist() == pytest.approx([0.5, np.std([4, 4, 5], ddof=1) / (13 / 3), np.std([10, 12, 13], ddof=1) / (35 / 3)])
    assert table["growth"].tolist() == pytest.approx([4 / 3, 0.125, 1.3 / 6])
    assert table["pattern"].tolist() == ["stockpiling", "import_substitution", "import_substitution"]
    assert table["n_periods"].tolist() == [3, 3, 3]


def test_series_are_ordered_by_period_not_by_row():
    frame = long_table({"A": [1, 2, 3]}).iloc[[2, 0, 1]]
    assert series_indices(frame)["growth"].iloc[0] == pytest.approx(4 / 3)


def test_no_discernible_effect_on_a_steady_series():
    # x = 20, 21, ..., 39 (20 periods): X'_t = (t-1)/20, G_linear = sum t (t-1) / 20 / sum t
    # = (2870 - 210) / 20 / 210 = 0.6333; V = SD(20..39) / 29.5 = 5.916 / 29.5 = 0.2005
    values = list(range(20, 40))
    table = series_indices(long_table({"steady": values}))
    assert table["growth"].iloc[0] == pytest.approx(0.6333333, abs=1e-6)
    assert table["volatility"].iloc[0] == pytest.approx(np.std(values, ddof=1) / 29.5)
    assert table["pattern"].iloc[0] == "no_discernible_effect"


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ({"A": [1.0, -3.0, 2.0]},
         "data.csv: column 'value': expected a value of at least 0, got '-3' (row 3); "
         "imports cannot be negative; correct these cells"),
        ({"A": [1.0, float("nan"), 2.0]},
         "data.csv: column 'value': missing value in a required column (row 3); fill these cells or drop the rows"),
        ({"A": [1.0, 2.0], "Z": [0.0, 0.0, 0.0]},
         "data.csv: series 'Z' is zero in every period, so its volatility and growth are undefined "
         "(rows 4, 5, 6); drop the series"),
        ({"A": [0.0, 2.0, 3.0]},
         "data.csv: series 'A' is zero in its first period, so its growth index is undefined (row 2); "
         "start the series at its first period with imports"),
        ({"A": [1.0]},
         "data.csv: series 'A' has a single period (row 2); the indices need at least two periods per series; "
         "drop it or add periods"),
    ],
)
def test_bad_series(series, message):
    with pytest.raises(InputError) as error:
        series_indices(long_table(series), file="data.csv")
    assert str(error.value) == message


def test_duplicate_period():
    frame = long_table({"A": [1.0, 2.0]})
    frame = pd.concat([frame, frame.iloc[[1]].set_axis([9])])
    with pytest.raises(InputError) as error:
        series_indices(frame, file="data.csv")
    assert str(error.value) == "data.csv: duplicate key (series, period) = (A, 2) (rows 3, 9); keep one row per series, period"


def monthly_groups() -> pd.DataFrame:
    """Group 1 (semiconductor, capital) and 2 (other, intermediate), 2018-01..2019-12."""
    months = pd.date_range("2018-01", "2019-12", freq="MS")
    one = pd.DataFrame({"batch": "b", "group": 1, "period": months, "value": np.arange(1.0, 25.0)})
    two = pd.DataFrame({"batch": "b", "group": 2, "period": months, "value": 10.0})
    return pd.concat([one, two], ignore_index=True)


GROUPS = pd.DataFrame({
    "group": [1, 2], "group_name": ["Chips", "Steel"], "category": ["capital", "intermediate"],
    "semiconductor": [True, False],
})


def test_windows_restart_growth_at_their_first_month():
    table = group_indices(monthly_groups(), GROUPS, windows=(Window("whole"), Window("pre_2019", last="2018-12"),
                                                             Window("post_2019", first="2019-01")))
    chips = table[table["group"] == 1].set_index("window")
    # pre: x = 1..12, G = sum t (t-1) / sum t = 572/78; post: x = 13..24, G = sum t (t-1)/13 / 78 = 572/13/78
    assert chips.loc["pre_2019", "growth"] == pytest.approx(572 / 78)
    assert chips.loc["post_2019", "growth"] == pytest.approx(572 / 13 / 78)
    assert chips.loc["whole", "n_periods"] == 24
    assert chips.loc["post_2019", "first_period"] == pd.Timestamp("2019-01-01")
    steel = table[table["group"] == 2]
    assert steel["growth"].tolist() == [0.0, 0.0, 0.0]
    assert set(steel["category"]) == {"intermediate"}


def test_gdp_shares_with_and_without_semiconductors():
    gdp = pd.DataFrame({"year": [2018, 2019], "gdp": [1000.0, 2000.0]})
    shares = gdp_shares(monthly_groups(), GROUPS, gdp).set_index(["year", "category", "semiconductors"])
    # chips 2018: 1+...+12 = 78, 2019: 13+...+24 = 222; steel 120 a year
    assert shares.loc[(2018, "capital", "included"), "share_pct"] == pytest.approx(7.8)
    assert (2018, "capital", "excluded") not in shares.index
    assert shares.loc[(2019, "intermediate", "excluded"), "share_pct"] == pytest.approx(6.0)
    assert shares.loc[(2019, "capital_and_intermediate", "included"), "share_pct"] == pytest.approx(17.1)
    assert shares.loc[(2019, "capital_and_intermediate", "excluded"), "share_pct"] == pytest.approx(6.0)
    change = share_change(shares.reset_index(), 2018, 2019).set_index(["category", "semiconductors"])
    # capital and intermediate, included: 19.8 % -> 17.1 %
    assert change.loc[("capital_and_intermediate", "included"), "change_pp"] == pytest.approx(-2.7)
    assert change.loc[("capital_and_intermediate", "included"), "change_pct"] == pytest.approx(-2.7 / 19.8 * 100)


def test_gdp_shares_need_gdp_for_every_year():
    gdp = pd.DataFrame({"year": [2018], "gdp": [1000.0]})
    with pytest.raises(InputError) as error:
        gdp_shares(monthly_groups(), GROUPS, gdp)
    assert str(error.value) == "no GDP for 2019; add these years to the GDP file"


def test_partial_years_are_left_out_with_a_warning():
    monthly = monthly_groups()
    monthly = monthly[monthly["period"] < "2019-07-01"]
    gdp = pd.DataFrame({"year": [2018, 2019], "gdp": [1000.0, 2000.0]})
    with pytest.warns(UserWarning, match=r"fewer than 12 months left out of the GDP shares: \[2019\]"):
        shares = gdp_shares(monthly, GROUPS, gdp)
    assert set(shares["year"]) == {2018}
    with pytest.raises(InputError) as error:
        share_change(shares, 2018, 2019)
    assert str(error.value) == "no share of GDP for 2019; choose years from 2018 to 2018 with all twelve months of imports"
