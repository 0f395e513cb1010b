"""`chokepoint run`, `chokepoint studies` and re-rendering a bundle: the user's daily path, end to end."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scripts.cli import main


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


@pytest.fixture(scope="module")
def bundles(small_demo, tmp_path_factory):
    """One firm study run into a fresh root (``run all`` is in the slow set)."""
    out = tmp_path_factory.mktemp("results")
    result = run("run", "returns_to_innovation", "--data", small_demo, "--out", out, "--name", "r1")
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_run_all_writes_one_bundle_per_study(small_demo, tmp_path):
    result = run("run", "all", "--data", small_demo, "--out", tmp_path, "--name", "r1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "case_studies", "import_substitution", "patenting_response", "r1.html", "returns_to_innovation", "supply_chain_dependence"]


def test_a_bundle_holds_every_table_format_and_figure(bundles):
    bundle = bundles / "returns_to_innovation" / "r1"
    assert (bundle / "index.html").is_file()
    tables = sorted(p.name for p in (bundle / "tables").iterdir())
    assert "returns_to_innovation_roa_invention.tex" in tables
    assert "returns_to_innovation_roa_invention.standalone.tex" in tables
    assert {"returns_to_innovation_roa_invention.md", "returns_to_innovation_roa_invention.html",
            "returns_to_innovation_roa_invention.csv"} <= set(tables)
    assert sorted(p.name for p in (bundle / "figures").iterdir()) == [
        "returns_to_innovation_roa_return_by_year.pdf", "returns_to_innovation_roa_return_by_year.png"]


def test_manifest_traces_the_run(bundles, small_demo):
    manifest = json.loads((bundles / "returns_to_innovation" / "r1" / "manifest.json").read_text())
    assert manifest["study"]["name"] == "returns_to_innovation" and "[[models]]" in manifest["study"]["toml"]
    assert manifest["data"]["kind"] == "data" and manifest["data"]["path"] == str(small_demo)
    hashed = {f["path"].rsplit("/", 1)[-1] for f in manifest["data"]["files"]}
    assert {"FS_Combas.csv", "FS_Comins.csv", "TRD_Co.csv"} <= hashed
    assert all(len(f["sha256"]) == 64 for f in manifest["data"]["files"])
    assert manifest["panel"]["sample"] == "all" and manifest["panel"]["firm_years"] > 0
    assert set(manifest["packages"]) >= {"linearmodels", "pandas", "numpy"}


def test_table_rerenders_byte_identically(bundles):
    bundle = bundles / "returns_to_innovation" / "r1"
    for fmt, suffix in (("latex", ".tex"), ("md", ".md"), ("html", ".html"), ("csv", ".csv")):
        result = run("table", bundle, "--table", "returns_to_innovation_roa_invention", "--format", fmt)
        assert result.exit_code == 0
        assert result.output == (bundle / "tables" / f"returns_to_innovation_roa_invention{suffix}").read_text(encoding="utf-8")


def test_an_earlier_run_is_kept(bundles, small_demo):
    before = (bundles / "returns_to_innovation" / "r1" / "results.json").read_bytes()
    result = run("run", "returns_to_innovation", "--data", small_demo, "--out", bundles, "--name", "r1")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {bundles / 'returns_to_innovation' / 'r1'} already exists; pass --force to overwrite it, "
        "or choose another output path\n"
    )
    assert (bundles / "returns_to_innovation" / "r1" / "results.json").read_bytes() == before


def test_a_users_study_file_and_sample(small_demo, tmp_path):
    study = tmp_path / "mine.toml"
    study.write_text(
        'name = "mine"\ntitle = "Mine"\n\n[[models]]\nname = "m"\noutcome = "roa"\nregressors = ["ln_invention_apply"]\n'
        'fixed_effects = ["firm_id", "year"]\ncluster = ["firm_id"]\n\n'
        '[[tables]]\nname = "t"\ntitle = "ROA"\nmodels = ["m"]\n',
        encoding="utf-8",
    )
    result = run("run", study, "--data", small_demo, "--sample", "manufacturing", "--out", tmp_path / "out",
                 "--name", "x", "--format", "md")
    assert result.exit_code == 0, result.output
    bundle = tmp_path / "out" / "mine" / "x"
    assert sorted(p.name for p in (bundle / "tables").iterdir()) == ["mine_t.md"]
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["panel"]["sample"] == "manufacturing"
    assert "manufacturing firms" in manifest["panel"]["sample_definition"]


def test_a_bad_study_file_is_one_line_and_writes_nothing(small_demo, tmp_path):
    study = tmp_path / "bad.toml"
    study.write_text('name = "bad"\n\n[[models]]\nname = "m"\noutcome = "roa"\nregresors = ["x"]\n', encoding="utf-8")
    result = run("run", study, "--data", small_demo, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == f"Error: {study}: [[models]] #1: unknown key 'regresors'; did you mean 'regressors'?\n"
    assert not (tmp_path / "out").exists()


def test_unknown_study_and_data_choice(tmp_path):
    result = run("run", "returns", "--demo")
    assert result.exit_code == 2
    assert result.output == (
        "Error: no study file or built-in study 'returns'; give a .toml file or one of: "
        "patenting_response, returns_to_innovation, supply_chain_dependence\n"
    )
    result = run("run", "all")
    assert (result.exit_code, result.output) == (2, "Error: give exactly one of --demo, --data DIR or --panel FILE\n")


def test_jobs_below_one_is_one_line_and_writes_nothing(small_demo, tmp_path):
    from runs.parallel import usable_cores

    result = run("run", "returns_to_innovation", "--data", small_demo, "--out", tmp_path / "out", "--jobs", "0")
    assert (result.exit_code, result.output) == (2, "Error: --jobs must be a whole number of at least 1, got 0; give 1 to "
                                                    f"run one job at a time, or up to {usable_cores()} (the cores available)\n")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_studies_lists_the_builtins():
    result = run("studies")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines() if line and not line.startswith(" ")]
    assert names[:3] == ["patenting_response", "returns_to_innovation", "supply_chain_dependence"]


def test_progress_is_quiet_without_a_terminal(bundles):
    import io

    from scripts.progress import Progress

    stream = io.StringIO()
    progress = Progress(3, stream=stream)
    progress.step("x")
    assert stream.getvalue() == ""
    loud = Progress(2, stream=stream, enabled=True)
    loud.step("returns_to_innovation: panel")
    assert stream.getvalue() == "[1/2] returns_to_innovation: panel (1 left)\n"


@pytest.mark.slow
def test_run_all_on_a_panel_runs_the_firm_studies(small_panel, tmp_path):
    panel_file = tmp_path / "panel.parquet"
    small_panel.save(panel_file)
    result = run("run", "all", "--panel", panel_file, "--out", tmp_path / "out", "--name", "p", "--format", "md")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "p.html", "patenting_response", "returns_to_innovation", "supply_chain_dependence"]


def test_the_commodity_study_has_no_firm_sample(tmp_path):
    result = run("run", "import_substitution", "--demo", "--sample", "high_tech")
    assert (result.exit_code, result.output) == (2, "Error: import_substitution has no firm sample; leave out --sample\n")
