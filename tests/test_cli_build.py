"""`chokepoint build` and `chokepoint samples` from the command line: outputs, exit codes, exact errors."""

from __future__ import annotations

import shutil

import pandas as pd
from click.testing import CliRunner

from scripts.cli import main


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_build_writes_panel_codebook_and_drop_log(small_demo, tmp_path):
    out = tmp_path / "panel.parquet"
    result = run("build", "--data", small_demo, "--out", out)
    assert result.exit_code == 0, result.output
    panel = pd.read_parquet(out)
    assert result.output.startswith(f"Panel: {len(panel):,} firm-years, {panel['firm_id'].nunique():,} firms")
    log = pd.read_csv(tmp_path / "panel.drops.csv", dtype={"firm_id": str})
    assert {"parent-only statement (Typrep B)", "financial industry (CSRC J66-J69)"} <= set(log["reason"])
    assert not set(zip(log.loc[log.stage == "filters", "firm_id"], log.loc[log.stage == "filters", "year"])) & set(
        zip(panel["firm_id"], panel["year"])
    ), "a firm-year logged as dropped is not in the panel"
    codebook = pd.read_csv(tmp_path / "panel.codebook.csv")
    assert list(codebook["name"]) == [c for c in panel.columns if c in set(codebook["name"])]


def test_build_on_one_process_writes_the_same_panel(small_demo, tmp_path):
    for jobs in ("1", "2"):
        result = run("build", "--data", small_demo, "--out", tmp_path / f"jobs{jobs}.parquet", "--jobs", jobs)
        assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "jobs1.parquet"), pd.read_parquet(tmp_path / "jobs2.parquet"))
    assert (tmp_path / "jobs1.drops.csv").read_bytes() == (tmp_path / "jobs2.drops.csv").read_bytes()


def test_build_a_named_sample(small_demo, tmp_path):
    out = tmp_path / "ht.parquet"
    result = run("build", "--data", small_demo, "--out", out, "--sample", "high_tech", "--winsorize", "by_year")
    assert result.exit_code == 0, result.output
    panel = pd.read_parquet(out)
    assert (panel["high_tech"] == 1).all()
    assert "sample 'high_tech'" in result.output


def test_existing_output_is_kept_without_force(small_demo, tmp_path):
    out = tmp_path / "panel.parquet"
    out.write_bytes(b"earlier run")
    result = run("build", "--data", small_demo, "--out", out)
    assert result.exit_code == 2
    assert result.output == f"Error: {out} already exists; pass --force to overwrite it, or choose another output path\n"
    assert out.read_bytes() == b"earlier run"
    assert run("build", "--data", small_demo, "--out", out, "--force").exit_code == 0


def test_missing_folder(tmp_path):
    result = run("build", "--data", tmp_path / "nope", "--out", tmp_path / "p.parquet")
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope'}: data folder not found; pass the folder holding the raw files\n"


def test_bad_raw_file_stops_with_one_line_and_writes_nothing(small_demo, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_demo, data)
    path = data / "FS_Combas.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    column = header.index("A001000000")
    cells = lines[5].split(",")
    cells[column] = "12O.5"
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out = tmp_path / "panel.parquet"
    result = run("build", "--data", data, "--out", out)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path}: column 'A001000000': expected a number, got '12O.5' (row 6); "
        "correct these cells or leave them empty\n"
    )
    assert list(tmp_path.glob("panel*")) == [] and list(tmp_path.glob(".panel*")) == []


def test_duplicate_firm_year_is_an_error(small_demo, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_demo, data)
    path = data / "FS_Comins.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(lines + [lines[3]]) + "\n", encoding="utf-8-sig")
    result = run("build", "--data", data, "--out", tmp_path / "p.parquet")
    assert result.exit_code == 2
    firm, period = lines[3].split(",")[:2]
    assert result.output == (
        f"Error: {path}: duplicate key (Stkcd, Accper, Typrep) = ({firm}, {period}, A) (rows 4, {len(lines) + 1}); "
        "keep one row per Stkcd, Accper, Typrep\n"
    )


def test_empty_sample_is_an_error(small_demo, tmp_path):
    ids = tmp_path / "firms.txt"
    ids.write_text("999999\n", encoding="utf-8")
    out = tmp_path / "p.parquet"
    result = run("build", "--data", small_demo, "--out", out, "--sample", ids)
    assert result.exit_code == 2
    assert result.output == f"Error: sample '{ids}' is empty: no firm-year of the panel is in it; choose another sample\n"
    assert not out.exists()


def test_data_or_demo_exactly_once(tmp_path):
    result = run("build", "--out", tmp_path / "p.parquet")
    assert result.exit_code == 2
    assert "Error: give exactly one of --demo or --data DIR" in result.output


def test_samples_lists_sizes(small_demo, tmp_path):
    out = tmp_path / "panel.parquet"
    run("build", "--data", small_demo, "--out", out)
    result = run("samples", "--panel", out)
    assert result.exit_code == 0
    panel = pd.read_parquet(out)
    line = next(l for l in result.output.splitlines() if l.startswith("soe "))
    assert line.split()[1:3] == [f"{panel.loc[panel.soe == 1, 'firm_id'].nunique():,}", f"{(panel.soe == 1).sum():,}"]
