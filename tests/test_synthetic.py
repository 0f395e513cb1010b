"""Synthetic estimators: input checks, inference by hand on small panels, JSON round trips, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from data_schemas.errors import InputError
from models.synthetic import SyntheticResult, fit_synthetic, synthetic_design
from models.synthetic.inference import (
    jackknife_se,
    leave_one_donor_out,
    placebo_in_space,
    placebo_in_time,
)
from scripts.cli import main

PROP99 = Path(__file__).parent / "reference" / "synthetic" / "california_prop99.csv"


def _panel(effect: float = 0.0, n_units: int = 8, n_periods: int = 10, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    trend = np.cumsum(rng.normal(size=n_periods))
    for i in range(n_units):
        level = rng.normal() * 2
        for t in range(n_periods):
            y = level + trend[t] + 0.3 * rng.normal() + (effect if i == 0 and t >= 6 else 0.0)
            rows.append((f"u{i}", 2000 + t, y))
    return pd.DataFrame(rows, columns=["unit", "year", "y"])


def _design(data: pd.DataFrame, **kw):
    args = {"unit": "unit", "time": "year", "outcome": "y", "treated": ["u0"], "start": 2006}
    args.update(kw)
    return synthetic_design(data, **args)


def test_did_is_the_two_by_two_contrast():
    data = _panel(effect=5.0)
    wide = data.pivot(index="unit", columns="year", values="y")
    post, pre = wide.loc[:, 2006:].mean(axis=1), wide.loc[:, :2005].mean(axis=1)
    by_hand = (post["u0"] - pre["u0"]) - (post.drop("u0") - pre.drop("u0")).mean()
    assert fit_synthetic(_design(data), "did").estimate == pytest.approx(by_hand, abs=1e-12)


@pytest.mark.parametrize("method", ["sc", "sdid", "did"])
def test_estimate_is_the_mean_post_gap(method):
    result = fit_synthetic(_design(_panel(effect=4.0)), method)
    gap = list(result.gap.values())
    assert result.estimate == pytest.approx(np.mean(gap[result.n_pre:]), abs=1e-12)
    assert sum(result.unit_weights.values()) == pytest.approx(1.0, abs=1e-12)
    assert result.pre_rmspe == pytest.approx(np.sqrt(np.mean(np.square(gap[: result.n_pre]))), abs=1e-12)


def test_placebo_in_space_counts_ratios_by_hand():
    design = _design(_panel(effect=6.0))
    result = fit_synthetic(design, "sdid")
    placebo = placebo_in_space(design, result)
    larger = sum(ratio >= placebo.treated_ratio for ratio in placebo.ratios.values())
    assert placebo.p_value == (1 + larger) / (len(placebo.ratios) + 1)
    assert placebo.p_value == 1 / 8  # the planted effect of 6 beats every placebo
    # each placebo equals a direct fit with that donor treated and the real treated unit left out
    data = _panel(effect=6.0)
    direct = fit_synthetic(_design(data[data.unit != "u0"], treated=["u3"]), "sdid")
    assert placebo.estimates["u3"] == pytest.approx(direct.estimate, abs=1e-10)


def test_leave_one_out_equals_refit_without_the_donor():
    data = _panel(effect=2.0)
    design = _design(data)
    result = fit_synthetic(design, "sc")
    loo = leave_one_donor_out(design, result)
    donor = next(iter(loo.estimates))
    refit = fit_synthetic(_design(data[data.unit != donor]), "sc")
    assert loo.estimates[donor] == pytest.approx(refit.estimate, abs=1e-10)


def test_placebo_in_time_uses_pre_periods_only():
    data = _panel(effect=9.0)
    backdated = placebo_in_time(_design(data), "did", 2003)
    direct = fit_synthetic(_design(data[data.year < 2006], start=2003), "did")
    assert backdated.estimate == pytest.approx(direct.estimate, abs=1e-12)


def test_jackknife_needs_two_treated_units():
    design = _design(_panel())
    assert jackknife_se(design, fit_synthetic(design, "did")) is None
    two = _design(_panel(), treated=["u0", "u1"])
    assert jackknife_se(two, fit_synthetic(two, "did")) > 0


def test_result_json_round_trip():
    result = fit_synthetic(_design(_panel(effect=1.0)), "sdid", se="placebo")
    again = SyntheticResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"treated": ["u99"]}, "unit 'u99' is not in the data; did you mean 'u9'?"),
        ({"start": 2002}, "only 2 period(s) before the treatment start 2002; at least 3 are needed"),
        ({"start": 2030}, "treatment start 2030 is outside the data's pre- and post-periods (2000-2009)"),
        ({"donors": ["u1"]}, "donor pool has 1 unit(s) with a complete outcome; at least 2 are needed"),
    ],
)
def test_bad_designs(change, message):
    with pytest.raises(InputError, match=None) as caught:
        _design(_panel(n_units=10), **change)
    assert message in caught.value.message


def test_missing_treated_outcome_and_duplicates():
    data = _panel()
    gap = data.copy()
    gap.loc[(gap.unit == "u0") & (gap.year == 2004), "y"] = np.nan
    with pytest.raises(InputError) as caught:
        _design(gap)
    assert "outcome missing for the treated unit in 1 period(s): u0 2004" in caught.value.message
    with pytest.raises(InputError) as caught:
        _design(pd.concat([data, data.iloc[[3]]]))
    assert caught.value.message == "data: duplicate unit-year pairs (u0 2003); keep one row per unit and period"


def test_cli_json_prints_the_summary():
    out = CliRunner().invoke(main, ["synth", str(PROP99), "--unit", "State", "--time", "Year", "--y",
                                    "PacksPerCapita", "--treated", "California", "--start", "1989",
                                    "--estimator", "did", "--format", "json"])
    assert out.exit_code == 0, out.output
    printed = json.loads(out.output)
    assert set(printed) == {"estimate", "std_error", "unit_weights", "time_weights", "pre_rmspe"}
    assert round(printed["estimate"], 1) == -27.3
    assert round(printed["std_error"], 2) == 17.29
    assert printed["unit_weights"]["Utah"] == pytest.approx(1 / 38)


def test_cli_error_is_one_line(tmp_path):
    out = CliRunner().invoke(main, ["synth", str(PROP99), "--unit", "State", "--time", "Year", "--y",
                                    "PacksPerCapita", "--treated", "Californa", "--start", "1989"])
    assert out.exit_code == 2
    assert out.output == (f"Error: {PROP99}: column 'State': unit 'Californa' is not in the data; "
                          "did you mean 'California'?; give a unit that appears in that column\n")



@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["a,2002,x"], "column 'y': expected a number, got 'x' (row 4); correct these cells or leave them empty"),
        (["a,2002,3", "c,2001,2"], "duplicate unit-year pairs (rows 11, 13); keep one row per unit and period"),
        (["a,2002,inf"], "column 'y': expected a finite number, got 'inf' (row 4); correct these cells or leave them "
                         "empty (an infinite amount is never a value)"),
        (["a,2002,"], "column 'y': outcome missing for the treated unit in 1 period(s): a 2002; fill those periods or "
                      "shorten the window"),
    ],
)
def test_cli_names_bad_rows_by_file_line(tmp_path, lines, message):
    """Line 1 is the header, so the third data row is line 4."""
    body = ["unit,year,y", "a,2000,1", "a,2001,2", lines[0], "a,2003,4", "b,2000,1", "b,2001,1", "b,2002,1",
            "b,2003,1", "c,2000,1", "c,2001,2", "c,2002,2", *lines[1:], "c,2003,2"]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(body) + "\n")
    out = CliRunner().invoke(main, ["synth", str(path), "--unit", "unit", "--time", "year", "--y", "y",
                                    "--treated", "a", "--start", "2003", "--se", "none"])
    assert out.exit_code == 2
    assert out.output == f"Error: {path}: {message}\n"


def test_ratios_and_rank_with_exact_fits():
    from models.synthetic.inference import rank_p_value, rmspe_ratios

    ratios = rmspe_ratios(np.array([3.0, 2.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 2.0]))
    assert ratios[0] == 3.0 and ratios[1] == np.inf and np.isnan(ratios[2]) and ratios[3] == 0.5
    assert rank_p_value(ratios, 2.5) == 3 / 4


def test_an_infinite_outcome_is_refused():
    data = pd.DataFrame({"unit": ["a"] * 5 + ["b"] * 5 + ["c"] * 5, "year": list(range(2000, 2005)) * 3,
                         "y": [1.0, 2.0, np.inf, 4.0, 5.0] + [1.0] * 10})
    with pytest.raises(InputError) as caught:
        synthetic_design(data, unit="unit", time="year", outcome="y", treated=["a"], start=2003, source="data")
    assert caught.value.message == ("data: column 'y': infinite value (a 2002); "
                                    "replace infinite values by numbers or leave them missing")
