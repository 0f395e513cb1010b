"""chokepoint did: outputs and exact error lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scripts.cli import main

MPDTA = str(Path(__file__).parent / "reference" / "staggered" / "mpdta.csv")
BASE = [MPDTA, "--y", "lemp", "--unit", "countyreal", "--time", "year", "--cohort", "first_treat"]


def run(*args):
    return CliRunner().invoke(main, ["did", *args])


def test_json_has_att_and_event_times():
    result = run(*BASE, "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["att"]["estimate"] == pytest.approx(-0.0399513, abs=5e-8)
    assert out["event_time"]["0"]["std_error"] == pytest.approx(0.0118264, abs=5e-8)


@pytest.mark.parametrize("estimator", ["sun-abraham", "imputation", "twfe"])
def test_each_estimator_prints_a_table(estimator):
    result = run(*BASE, "--estimator", estimator)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{estimator}: lemp")


def test_errors_are_one_line_exit_2(tmp_path):
    result = run(MPDTA, "--y", "lemp", "--unit", "countyreal", "--time", "yr", "--cohort", "first_treat")
    assert result.exit_code == 2
    assert result.output == f"Error: {MPDTA}: column 'yr': no such column; did you mean 'year'?\n"
    result = run(*BASE, "--estimator", "twfe", "--control", "notyet")
    assert result.output == "Error: --control notyet applies to callaway-santanna only; drop --control or use --estimator callaway-santanna\n"
    bad = tmp_path / "bad.csv"
    bad.write_text("u,t,g,y\n1,1,0,1.0\n1,1,0,2.0\n2,1,2,1.0\n2,2,2,3.0\n")
    result = run(str(bad), "--y", "y", "--unit", "u", "--time", "t", "--cohort", "g")
    assert result.exit_code == 2
    assert result.output == (f"Error: {bad}: column 'u': a unit appears twice in the same period (row 3); "
                             "keep one row per unit and period\n")
    result = run(*BASE, "--estimator", "bacon")
    assert result.exit_code == 2
