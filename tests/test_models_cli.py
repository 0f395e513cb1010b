"""``chokepoint fit``: output and exact one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from scripts.cli import main

WAGES = Path(__file__).parent / "reference" / "wage_panel.csv"
MODEL = ["--y", "lwage", "--x", "expersq,union,married", "--fe", "nr,year"]


def run(*args: str):
    return CliRunner().invoke(main, ["fit", *args])


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta"])
def test_json_output_on_each_format(tmp_path, suffix):
    data = pd.read_csv(WAGES)
    path = tmp_path / f"wages{suffix}"
    {".csv": lambda: data.to_csv(path, index=False), ".parquet": lambda: data.to_parquet(path),
     ".dta": lambda: data.to_stata(path, write_index=False)}[suffix]()
    outcome = run(str(path), *MODEL, "--cluster", "nr", "--format", "json")
    assert outcome.exit_code == 0, outcome.output
    payload = json.loads(outcome.stdout)
    assert payload["params"]["union"] == pytest.approx(0.080002, abs=5e-7)
    assert payload["std_errors"]["union"] == pytest.approx(0.022743, abs=5e-7)  # CRV1 as fixest
    assert payload["nobs"] == 4360
    assert payload["vcov"] == "cluster"
    assert payload["fixed_effects"] == ["nr", "year"]
    assert payload["n_clusters"] == {"nr": 545}
    assert payload["rsquared_within"] == pytest.approx(0.0216, abs=1e-4)


def test_text_output_names_the_convention():
    outcome = run(str(WAGES), *MODEL, "--vcov", "hc1")
    assert outcome.exit_code == 0
    assert "union" in outcome.stdout
    assert "Heteroskedasticity-robust standard errors (HC1, n/(n-K))." in outcome.stdout
    assert "Observations: 4360 (0 dropped for missing values, 0 singletons dropped)" in outcome.stdout


def test_collinear_regressor_is_named_on_stderr():
    outcome = run(str(WAGES), "--y", "lwage", "--x", "union,exper", "--fe", "nr,year")
    assert outcome.exit_code == 0
    assert outcome.stderr == "Warning: Dropped collinear regressors: exper\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([str(WAGES), "--y", "lwage", "--x", "unoin"],
         f"Error: {WAGES}: column 'unoin': no such column; did you mean 'union'?\n"),
        ([str(WAGES), "--y", "lwage", "--x", "union", "--vcov", "cluter", "--cluster", "nr"],
         "Error: unknown vcov 'cluter'; did you mean 'cluster'? (choices: iid, hc1, cluster, driscoll-kraay)\n"),
        ([str(WAGES), "--y", "lwage", "--x", "union", "--vcov", "driscoll-kraay"],
         "Error: vcov 'driscoll-kraay' needs the time column; give it with time='year' or --time year\n"),
        (["missing.csv", "--y", "lwage", "--x", "union"], "Error: missing.csv: no such file\n"),
    ],
)
def test_bad_arguments_get_one_error_line_and_exit_2(args, message):
    outcome = run(*args)
    assert outcome.exit_code == 2
    assert outcome.stderr == message


def test_cluster_column_with_one_value(tmp_path):
    path = tmp_path / "one.csv"
    pd.read_csv(WAGES).assign(country=1).to_csv(path, index=False)
    outcome = run(str(path), "--y", "lwage", "--x", "union", "--cluster", "country")
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        f"Error: {path}: column 'country': cluster column has a single value in the estimation sample; "
        "cluster on a column with at least two groups\n"
    )


def test_unreadable_file(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_text("not parquet")
    outcome = run(str(path), "--y", "y", "--x", "x")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"Error: {path}: cannot read the file (")
    assert outcome.stderr.endswith("; check that it is a valid CSV, Parquet or Stata file\n")
    assert outcome.stderr.count("\n") == 1


def test_unknown_format_is_a_usage_error():
    outcome = run(str(WAGES), "--y", "lwage", "--x", "union", "--format", "xml")
    assert outcome.exit_code == 2
    assert "Invalid value for '--format'" in outcome.stderr
