"""`chokepoint run import_substitution`: the bundle's tables, figures and manifest, checked by hand on the demo."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from panel.demo.imports import write_imports_demo
from panel.sources.hs_groups import bundled_path
from report.table import Table
from scripts.cli import main

TABLES = ("import_substitution_matrix", "import_substitution_indices", "import_substitution_gdp_shares")
FIGURES = ("import_substitution_series_by_pattern", "import_substitution_growth_volatility",
           "import_substitution_gdp_shares")


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("imports")
    write_imports_demo(folder)
    return folder


@pytest.fixture(scope="module")
def bundle(demo_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    result = run("run", "import_substitution", "--data", demo_folder, "--out", out, "--name", "r1",
                 "--format", "latex,md")
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out / 'import_substitution' / 'r1'}\n"
    return out / "import_substitution" / "r1"


def stored_table(bundle, name) -> Table:
    return Table.from_dict(json.loads((bundle / "results.json").read_text(encoding="utf-8"))["tables"][name])


def hand_indices(folder) -> pd.DataFrame:
    """V and G of each group straight from the customs file: its lines summed by month, by the group's name."""
    customs = pd.read_csv(folder / "customs_imports.csv", dtype={"商品编码": str})
    customs["group_name"] = customs["商品名称"].str.removeprefix("SIMULATED ")
    rows = {}
    for name, lines in customs.groupby("group_name"):
        x = lines.groupby("数据年月")["美元"].sum().sort_index().to_numpy(dtype=float)
        t = np.arange(1, len(x) + 1)
        rows[name] = {"volatility": x.std(ddof=1) / x.mean(), "growth": (t * (x / x[0] - 1)).sum() / t.sum()}
    return pd.DataFrame.from_dict(rows, orient="index")


def matrix_cells(table: Table) -> dict[str, tuple[str, str]]:
    """Group label -> (growth row, volatility column) as the matrix table shows it."""
    columns = [name for name, _ in table.column_groups]
    placed, growth = {}, None
    for row in table.body:
        growth = row.label or growth
        for column, cell in zip(columns, row.cells):
            if cell and cell != "—":
                assert cell not in placed, f"{cell} placed twice"
                placed[cell] = (growth, column)
    return placed


def test_bundle_holds_every_table_and_figure(bundle):
    tables = sorted(p.name for p in (bundle / "tables").iterdir())
    assert tables == sorted(f"{t}{suffix}" for t in TABLES for suffix in (".tex", ".standalone.tex", ".md"))
    figures = sorted(p.name for p in (bundle / "figures").iterdir())
    assert figures == sorted(f"{f}{suffix}" for f in FIGURES for suffix in (".pdf", ".png"))
    assert all((bundle / "figures" / name).stat().st_size > 5000 for name in figures)
    for table in TABLES:
        text = (bundle / "tables" / f"{table}.md").read_text(encoding="utf-8")
        assert "SIMULATED demo data" in text
        assert "approximate HS6 mapping" in text


def test_matrix_places_every_group_as_planted_and_as_computed_by_hand(bundle, demo_folder):
    truth = json.loads((demo_folder / "imports_truth.json").read_text(encoding="utf-8"))
    placed = matrix_cells(stored_table(bundle, "import_substitution_matrix"))
    assert len(placed) == 17
    hand = hand_indices(demo_folder)
    for group in truth["groups"]:
        growth, column = placed[f"{group['group']} {group['group_name']}"]
        by_hand = hand.loc[group["group_name"]]
        assert growth == ("G > 0.5" if by_hand["growth"] > 0.5 else "G ≤ 0.5")
        band = "high" if by_hand["volatility"] > 0.3 else "medium" if by_hand["volatility"] >= 0.24 else "low"
        assert column.startswith(f"{band} V")
        expected_growth = "G ≤ 0.5" if group["pattern"] == "import_substitution" else "G > 0.5"
        assert growth == expected_growth, group["group_name"]
        if growth == "G > 0.5":
            assert (column == "high V (> 0.3)") == (group["pattern"] == "stockpiling"), group["group_name"]


def test_matrix_as_the_markdown_shows_it(bundle):
    text = (bundle / "tables" / "import_substitution_matrix.md").read_text(encoding="utf-8")
    assert "| Growth index | high V (\\> 0.3) | medium V (0.24 to 0.3) | low V (\\< 0.24) |" in text
    assert ("| G \\> 0.5 | 2 Integrated Circuits | 9 Fluid Control Equipment | "
            "5 Laser or Optical Measurement Devices |") in text
    assert "| G ≤ 0.5 | 1 Passive Component | 13 Batteries and Components | 4 Energy Equipment |" in text


def test_index_and_share_tables_match_hand_computation(bundle, demo_folder):
    hand = hand_indices(demo_folder)
    table = stored_table(bundle, "import_substitution_indices")
    assert [name for name, _ in table.column_groups] == ["Category", "Semicond.", "Whole period", "Before 2019",
                                                         "From 2019"]
    rows = {row.label.split(" ", 1)[1]: row.cells for row in table.body}
    assert len(rows) == 17
    for name, cells in rows.items():
        assert cells[2] == f"{hand.loc[name, 'volatility']:.3f}"
        assert cells[3] == f"{hand.loc[name, 'growth']:.3f}"
    assert rows["Integrated Circuits"][:2] == ("intermediate", "yes")
    assert rows["Integrated Circuits"][4] == "stockpiling"

    customs = pd.read_csv(demo_folder / "customs_imports.csv", dtype={"数据年月": str})
    gdp = pd.read_csv(demo_folder / "gdp.csv").set_index("year")["gdp"]
    ic = customs[customs["商品名称"] == "SIMULATED Integrated Circuits"]
    by_year = ic.groupby(ic["数据年月"].str[:4].astype(int))["美元"].sum()
    shares = {row.label: row.cells for row in stored_table(bundle, "import_substitution_gdp_shares").body}
    intermediate = customs[customs["商品名称"].str.removeprefix("SIMULATED ").isin(
        ["Integrated Circuits", "Bearings and Alloy Steel", "Polymers", "Batteries and Components",
         "Automotive and Power Systems"])]
    total = intermediate.groupby(intermediate["数据年月"].str[:4].astype(int))["美元"].sum()
    share_2015, share_2024 = 100 * total[2015] / gdp[2015], 100 * total[2024] / gdp[2024]
    assert shares["Intermediate goods"][0] == f"{share_2015:.2f}"
    assert shares["Intermediate goods"][9] == f"{share_2024:.2f}"
    assert shares["Intermediate goods"][10] == f"{share_2024 - share_2015:.2f}"
    without_ic = 100 * (total[2024] - by_year[2024]) / gdp[2024]
    assert shares["Intermediate goods, excl. semiconductor groups"][9] == f"{without_ic:.2f}"


def test_manifest_hashes_the_inputs_and_records_the_options(bundle, demo_folder):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    files = {f["path"]: f["sha256"] for f in manifest["data"]["files"]}
    for path in (demo_folder / "customs_imports.csv", demo_folder / "gdp.csv", bundled_path()):
        assert files[str(path)] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["data"]["simulated"] is True
    assert manifest["data"]["hs_groups"]["source"] == "bundled approximation"
    options = manifest["study"]["options"]
    assert options["weights"] == "linear" and options["ddof"] == 1
    assert [w["name"] for w in options["windows"]] == ["whole", "pre_2019", "post_2019"]
    assert {"pandas", "numpy", "matplotlib"} <= set(manifest["packages"])


def test_standalone_latex_compiles(bundle, tmp_path):
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI: .ci/run must install texlive")
        pytest.skip("pdflatex not installed")
    for table in TABLES:
        shutil.copy(bundle / "tables" / f"{table}.standalone.tex", tmp_path)
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{table}.standalone.tex"],
                              check=False, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:]
        log = (tmp_path / f"{table}.standalone.log").read_text(errors="replace")
        assert "Missing character" not in log and "Overfull" not in log, table


def test_a_built_panel_is_refused(tmp_path):
    result = run("run", "import_substitution", "--panel", tmp_path / "panel.parquet", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == "Error: import_substitution reads customs and GDP files, not a firm panel; pass --demo or --data DIR\n"
    assert not (tmp_path / "out" / "import_substitution").exists()


def test_a_folder_without_customs_files_names_what_is_missing(tmp_path, demo_folder):
    empty = tmp_path / "empty"
    empty.mkdir()
    fix = ("the import_substitution study needs monthly imports by HS code (China Customs or Comtrade layout) and "
           "annual GDP in US dollars; 'chokepoint demo' writes examples of both")
    result = run("run", "import_substitution", "--data", empty, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {empty}: no customs import file (customs_imports.csv or .xlsx) and no GDP file (gdp.csv or .xlsx); "
        f"{fix}\n"
    )
    only_gdp = tmp_path / "only_gdp"
    only_gdp.mkdir()
    shutil.copy(demo_folder / "gdp.csv", only_gdp)
    result = run("run", "import_substitution", "--data", only_gdp, "--out", tmp_path / "out")
    assert result.output == f"Error: {only_gdp}: no customs import file (customs_imports.csv or .xlsx); {fix}\n"
    assert not (tmp_path / "out" / "import_substitution").exists()


def test_the_same_month_in_two_customs_files_is_an_error(tmp_path, demo_folder):
    folder = tmp_path / "twice"
    folder.mkdir()
    for name in ("customs_imports.csv", "gdp.csv"):
        shutil.copy(demo_folder / name, folder)
    shutil.copy(demo_folder / "customs_imports.csv", folder / "customs_imports_copy.csv")
    result = run("run", "import_substitution", "--data", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2
    first = pd.read_csv(demo_folder / "customs_imports.csv", dtype=str).sort_values(["商品编码", "数据年月"]).iloc[0]
    month = f"{first['数据年月'][:4]}-{first['数据年月'][4:]}"
    assert result.output == (
        f"Error: {folder}: HS code '{first['商品编码']}' in {month} is in several files: customs_imports.csv, "
        "customs_imports_copy.csv; each customs file must cover other months or codes; remove the duplicate download\n"
    )


@pytest.mark.slow
def test_run_all_demo_includes_it(tmp_path):
    result = run("run", "all", "--demo", "--firms", 300, "--out", tmp_path, "--name", "a", "--format", "md")
    assert result.exit_code == 0, result.output
    assert f"Wrote {tmp_path / 'import_substitution' / 'a'}\n" in result.output
    bundle = tmp_path / "import_substitution" / "a"
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["kind"] == "demo" and manifest["data"]["simulated"] is True
    assert len(matrix_cells(stored_table(bundle, "import_substitution_matrix"))) == 17


def test_page_has_the_study_title_description_and_descriptive_tables(bundle):
    from report.import_substitution_report import DESCRIPTION, TITLE

    stored = json.loads((bundle / "results.json").read_text(encoding="utf-8"))
    assert (stored["page"]["title"], stored["page"]["description"]) == (TITLE, DESCRIPTION)
    assert [f["title"] for f in stored["page"]["figures"]][2] == "Imports of the technology groups as a share of GDP"
    for name in TABLES:  # descriptive tables hold text rows in their body, not fixed-effect-style indicators
        assert stored["tables"][name]["indicators"] == [] and stored["tables"][name]["body"]
    page = (bundle / "index.html").read_text(encoding="utf-8")
    from report.escape import html

    assert f"<h1>{html(TITLE)}</h1>" in page and f'<p class="description">{html(DESCRIPTION)}</p>' in page
