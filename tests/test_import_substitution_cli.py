"""``chokepoint indices`` with click's CliRunner: output, exit codes and exact error lines."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scripts.cli import main

TABLE = "grp,month,usd\nA,2019-01,1\nA,2019-02,2\nA,2019-03,3\nB,2019-01,4\nB,2019-02,4\nB,2019-03,5\n"


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "imports.csv"
    path.write_text(TABLE, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, ["indices", *map(str, args)])


def test_json_output(data):
    result = run(data, "--series", "grp", "--period", "month", "--value", "usd", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["series"] for r in records] == ["A", "B"]
    # A: V = 1/2, G = (2*1 + 3*2)/6; B: G = 3*0.25/6
    assert records[0]["volatility"] == pytest.approx(0.5)
    assert records[0]["growth"] == pytest.approx(4 / 3)
    assert records[1]["growth"] == pytest.approx(0.125)
    assert [r["pattern"] for r in records] == ["stockpiling", "import_substitution"]
    assert records[0]["first_period"] == "2019-01" and records[0]["last_period"] == "2019-03"


def test_equal_weights(data):
    result = run(data, "--series", "grp", "--period", "month", "--value", "usd", "--weights", "equal", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["growth"] == pytest.approx(1.0)


def test_text_output(data):
    result = run(data, "--series", "grp", "--period", "month", "--value", "usd")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "series  periods        V         G  V band  pattern"
    assert lines[1] == "A             3    0.500     1.333  high    stockpiling"


def test_unknown_column(data):
    result = run(data, "--series", "group", "--period", "month", "--value", "usd")
    assert result.exit_code == 2
    assert result.output == f"Error: {data}: column 'group': no such column for the series; did you mean 'grp'?\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("B,2019-02,-4", "column 'usd': expected a value of at least 0, got '-4' (row 6); imports cannot be negative; correct these cells"),
        ("B,2019-02,", "column 'usd': missing value in a required column (row 6); fill these cells or drop the rows"),
        ("B,2019-02,n/a", "column 'usd': missing value in a required column (row 6); fill these cells or drop the rows"),
        ("B,2019-02,lots", "column 'usd': expected a number, got 'lots' (row 6); correct these cells or leave them empty"),
    ],
)
def test_bad_values(tmp_path, line, message):
    path = tmp_path / "bad.csv"
    path.write_text(TABLE.replace("B,2019-02,4", line), encoding="utf-8")
    result = run(path, "--series", "grp", "--period", "month", "--value", "usd")
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: {message}\n"


def test_duplicate_period_names_the_users_columns(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text(TABLE + "A,2019-01,9\n", encoding="utf-8")
    result = run(path, "--series", "grp", "--period", "month", "--value", "usd")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: duplicate key (grp, month) = (A, 2019-01-01) (rows 2, 8); keep one row per grp, month\n"
    )


def test_series_of_zeros(tmp_path):
    path = tmp_path / "zeros.csv"
    path.write_text("grp,month,usd\nA,2019-01,1\nA,2019-02,2\nZ,2019-01,0\nZ,2019-02,0\n", encoding="utf-8")
    result = run(path, "--series", "grp", "--period", "month", "--value", "usd")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: series 'Z' is zero in every period, so its volatility and growth are undefined "
        "(rows 4, 5); drop the series\n"
    )


def test_bad_weights_is_a_usage_error(data):
    result = run(data, "--series", "grp", "--period", "month", "--value", "usd", "--weights", "log")
    assert result.exit_code == 2
    assert "Invalid value for '--weights': 'log' is not one of 'linear', 'equal'." in result.output
