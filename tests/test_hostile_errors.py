"""Hostile inputs, kind 3: one ``Error:`` line naming the fix, never a traceback.

The CLI turns any exception no check caught into one line naming the command
line and the step (traceback only with ``--debug``); the causes the issue found
each have a check of their own with a message that names the fix.
"""

from __future__ import annotations

import pytest

from data_schemas.errors import InputError, during, failed_step
from panel.engines.duckdb_engine import ctrl_c_interrupts
from panel.sources.formats import LAYOUTS
from panel.sources.tabular import read_raw
from panel.sources.vendor import read_export
from tests.hostile import DEMO_ROWS, cli, did_table, last_error, tiny_panel, tiny_study, write_layout

DID = ("--y", "y", "--unit", "id", "--time", "t", "--cohort", "g")


@pytest.mark.parametrize("cell,problem", [("-100", "expected a value above 0, got '-100.0'"),
                                          ("0", "expected a value above 0, got '0.0'"),
                                          ("-inf", "expected a finite number, got '-inf'")])
def test_zero_negative_or_infinite_total_assets(tmp_path, cell, problem):
    rows = [list(r) for r in DEMO_ROWS["balance_sheet"]]
    rows[0][5] = cell
    path = write_layout(tmp_path, LAYOUTS["balance_sheet"], rows)
    with pytest.raises(InputError) as caught:
        read_export(path, LAYOUTS["balance_sheet"])
    assert caught.value.message.startswith(f"{path}: column 'A001000000': {problem} (row 4); ")


def test_an_unreadable_file_names_it(tmp_path, monkeypatch):
    path = tmp_path / "FS_Combas.csv"
    path.write_text("a,b\n1,2\n")
    real_open = type(path).open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(path), "open", refuse)
    with pytest.raises(InputError) as caught:
        read_raw(path)
    assert caught.value.message == (f"{path}: cannot open the file (Permission denied); "
                                    "check that you may read it (permissions) and that it is not locked")


def test_did_without_never_treated_units_names_the_fix(tmp_path):
    path = did_table(tmp_path / "d.csv", keep_never=False)
    for estimator in ("callaway-santanna", "sun-abraham"):
        result = cli("did", path, *DID, "--estimator", estimator)
        assert result.exit_code == 2
        assert last_error(result) == (
            f"Error: {path}: column 'g': no never-treated unit (cohort 0 or empty): this estimator compares with "
            "them; use the imputation or twfe estimator, or Callaway-Sant'Anna with not-yet-treated controls "
            "(--control notyet)")
    assert cli("did", path, *DID, "--control", "notyet").exit_code == 0


def test_did_with_never_treated_coded_9999(tmp_path):
    path = did_table(tmp_path / "d.csv", recode={0: 9999})
    result = cli("did", path, *DID)
    assert result.exit_code == 2
    assert last_error(result) == (
        f"Error: {path}: column 'g': cohort 9999 lies after the last period 2009 (20 units); code never-treated "
        "units (and units first treated after the last period) as 0 or empty")


def test_did_twfe_with_a_cohort_before_the_panel_counts_and_leaves_it_out(tmp_path):
    path = did_table(tmp_path / "d.csv", recode={2004: 1998})
    result = cli("did", path, *DID, "--estimator", "twfe")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == ("Warning: 20 units treated in or before the first period 2000 (always treated) "
                                     "left out: no untreated period identifies their effect")
    assert "units: 40 (20 treated)" in result.stdout


def test_a_string_cutoff_year_in_a_study(tmp_path):
    study = tiny_study(tmp_path, extra='[panel]\ncutoff_year = "2019"\n')
    result = cli("run", study, "--panel", tiny_panel(tmp_path), "--out", tmp_path / "res")
    assert result.exit_code == 2
    assert last_error(result) == (f"Error: {study}: [panel]: 'cutoff_year' must be a whole number, got '2019'; "
                                  "write cutoff_year = 2019")


@pytest.mark.parametrize("column", ["year", "firm_id"])
def test_a_panel_without_its_keys(tmp_path, column):
    panel = tiny_panel(tmp_path, drop=(column,))
    result = cli("run", tiny_study(tmp_path), "--panel", panel, "--out", tmp_path / "res")
    assert result.exit_code == 2
    assert last_error(result) == (f"Error: {panel}: the panel has no column '{column}'; pass a panel written by "
                                  "'chokepoint build' (firm_id and year identify its rows)")


def test_a_panel_without_the_sample_flag(tmp_path):
    panel = tiny_panel(tmp_path, drop=("high_tech",))
    result = cli("run", tiny_study(tmp_path), "--panel", panel, "--out", tmp_path / "res", "--sample", "high_tech")
    assert result.exit_code == 2
    assert last_error(result) == ("Error: sample 'high_tech' needs the column 'high_tech', which the panel lacks; "
                                  "rebuild the panel with 'chokepoint build', or choose another sample")
    assert not (tmp_path / "res").exists()


def test_ctrl_c_in_duckdb_becomes_an_interrupt():
    with pytest.raises(KeyboardInterrupt):
        with ctrl_c_interrupts():
            raise RuntimeError("Query interrupted")
    with pytest.raises(RuntimeError, match="Catalog Error"):
        with ctrl_c_interrupts():
            raise RuntimeError("Catalog Error: no table")


def test_ctrl_c_during_a_build_exits_130_and_writes_nothing(small_demo, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("panel.sources.folder.aggregate_patent_records", interrupted)
    result = cli("build", "--data", small_demo, "--out", tmp_path / "p.parquet", "--jobs", "1")
    assert result.exit_code == 130
    assert result.stderr == "Error: interrupted (Ctrl-C); no output was written\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("after", [1.5, 6.0])
def test_ctrl_c_at_a_terminal_stops_a_parallel_run_and_its_workers_and_writes_nothing(small_demo, tmp_path, after):
    """A real SIGINT to the process group, as a terminal sends it: while the data load, or while the studies run."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    command = [sys.executable, "-m", "scripts.cli", "run", "all", "--data", str(small_demo), "--out", str(out),
               "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "TMPDIR": str(tmp_path)})
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    # 130, or now and then (Ctrl-C while the fork server starts) death by the SIGINT: a shell reports both as 130
    assert process.returncode in (130, -signal.SIGINT), stderr
    assert [line for line in stderr.splitlines() if not line.startswith("Warning: ")] == [
        "Error: interrupted (Ctrl-C); no output was written"]  # no traceback from the workers or the fork server
    left = time.monotonic() + 10  # the fork server leaves once it has imported what it was importing
    while subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True).stdout and time.monotonic() < left:
        time.sleep(0.2)
    assert subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True).stdout == b""  # no worker left
    assert not out.exists() or [p for p in out.rglob("*") if p.is_file()] == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "out") == []  # no temporary file left


def test_any_other_exception_is_one_line_naming_command_and_step(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        with during("estimating the first model"):
            raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("models.studies.estimate_study", broken)  # in this process: --jobs 1
    study = tiny_study(tmp_path)
    args = ("run", study, "--panel", tiny_panel(tmp_path), "--out", tmp_path / "res", "--jobs", "1")
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: 'chokepoint {' '.join(map(str, args))}' failed while estimating the first "
                             "model (ZeroDivisionError: float division by zero); rerun with --debug to see the "
                             "traceback\n")
    debug = cli("--debug", *args)
    assert isinstance(debug.exception, ZeroDivisionError) and failed_step(debug.exception) == "estimating the first model"


def test_during_keeps_the_innermost_step_and_passes_input_errors():
    with pytest.raises(KeyError) as caught:
        with during("outer"), during("inner"):
            raise KeyError("x")
    assert failed_step(caught.value) == "inner"
    with pytest.raises(InputError) as error:
        with during("outer"):
            raise InputError("bad")
    assert failed_step(error.value) is None
