"""Hostile inputs, kind 4: cases that were accepted silently or with a misleading message.

Each now either works as the user meant or says plainly what happened:
missing or misnamed optional tables, a Parquet panel under a ``.csv`` name,
few clusters, always-treated units, month gaps, sample ids not in the panel,
LaTeX commands in ``$...$`` notes.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from data_schemas.errors import InputError
from panel.assemble.builder import build_panel
from panel.sources import load_folder
from panel.sources.formats import LAYOUTS
from panel.sources.series_table import read_series_table
from report.escape import latex
from tests.hostile import DEMO_ROWS, cli, did_table, last_error, tiny_panel, tiny_study, write_layout

STEMS = ("TRD_Co, STK_LISTEDCOINFOANL, FS_Combas, FS_Comins, FI_T10, subsidies, CNRDS_PatentApply, patent_records, "
         "top5_suppliers, entity_list_events, huawei_suppliers, designations")


def test_missing_and_misnamed_optional_tables_are_listed(tmp_path):
    for kind in ("company", "balance_sheet", "income_statement", "market_value", "patent_counts", "patent_records",
                 "suppliers", "sanctions", "huawei_suppliers", "designations", "annual_info"):
        write_layout(tmp_path, LAYOUTS[kind], DEMO_ROWS[kind])
    write_layout(tmp_path, LAYOUTS["subsidies"], DEMO_ROWS["subsidies"], name="subsidy_2019.csv")
    (tmp_path / "README.txt").write_text("notes")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        panel = build_panel(load_folder(tmp_path))
    assert [str(w.message) for w in caught] == [
        "no file for the optional table(s) subsidies (subsidies.csv/.xlsx); the panel variables built from them are "
        "left empty",
        f"file(s) not recognised as any table, not read: subsidy_2019.csv (did you mean subsidies?); name each file "
        f"after its table ({STEMS}) or point sources.toml at it",
        "variables left empty (missing in every firm-year of the built panel): subsidy, sales_growth, subsidy_ratio, "
        "foreign_share_pre, import_value, us_import_share, allied_import_share, little_giant_year, "
        "ln_invention_apply_lag1, size_lag1, leverage_lag1, roa_lag1, rd_intensity_lag1",
    ]
    assert panel.data["subsidy"].isna().all()


def test_build_refuses_a_csv_name_for_a_parquet_panel(tmp_path):
    result = cli("build", "--data", tmp_path, "--out", tmp_path / "p.csv")
    assert result.exit_code == 2
    assert last_error(result) == f"Error: --out {tmp_path / 'p.csv'}: the panel is written as Parquet; name it *.parquet"
    assert not (tmp_path / "p.csv").exists()


def test_two_clusters_point_to_the_wild_bootstrap(tmp_path):
    data = pd.read_parquet(tiny_panel(tmp_path)).assign(group=lambda d: (d["firm_id"] < "000016").astype(int))
    data.to_csv(tmp_path / "d.csv", index=False)
    result = cli("fit", tmp_path / "d.csv", "--y", "roa", "--x", "size", "--cluster", "group")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("Warning: only 2 clusters of 'group': cluster-robust standard errors are unreliable with "
                             "fewer than 20; test the coefficient with the wild cluster bootstrap ([[wild_bootstrap]] "
                             "in a study, Webb weights)\n")


def test_always_treated_units_are_counted_in_did(tmp_path):
    result = cli("did", did_table(tmp_path / "d.csv", recode={2004: 1995}), "--y", "y", "--unit", "id", "--time", "t",
                 "--cohort", "g")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == ("Warning: 20 units treated in or before the first period 2000 (always treated) "
                                     "left out: no untreated period identifies their effect")


def test_a_monthly_series_with_a_gap_is_an_error(tmp_path):
    rows = [("g1", f"2020-{m:02d}", 100 + m) for m in range(1, 13) if m not in (4, 5)]
    rows += [("g2", f"2020-{m:02d}", 50) for m in range(1, 13)]
    path = tmp_path / "series.csv"
    pd.DataFrame(rows, columns=["group", "month", "usd"]).to_csv(path, index=False)
    with pytest.raises(InputError) as caught:
        read_series_table(path, series="group", period="month", value="usd")
    assert caught.value.message == (
        f"{path}: column 'month': series 'g1' has no row for 2 month(s) between 2020-01 and 2020-12: 2020-04, "
        "2020-05; add the missing months (value 0 if nothing was imported) or leave the series out")


def test_sample_ids_not_in_the_panel_are_counted(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("000001\n000002\n999998\n999999\n999997\n")
    result = cli("run", tiny_study(tmp_path), "--panel", tiny_panel(tmp_path), "--out", tmp_path / "res",
                 "--sample", ids)
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"Warning: 3 of the 5 firm ids in {ids} are not in the panel (not listed, or all their "
                             "firm-years dropped by the filters; see the drop log)\n"
                             "Warning: [[models]] 'm': only 2 clusters of 'firm_id': cluster-robust standard errors are "
                             "unreliable with fewer than 20; test the coefficient with the wild cluster bootstrap "
                             "([[wild_bootstrap]] in a study, Webb weights)\n")


def test_math_in_notes_passes_but_commands_do_not():
    assert latex(r"$\hat{\beta}_1 \times 100$ in %") == r"$\hat{\beta}_1 \times 100$ in \%"
    assert latex(r"see $\input{/etc/passwd}$") == r"see \$\textbackslash{}input\{/etc/passwd\}\$"
    assert latex(r"$\text{\write18{rm -rf x}}$") == r"\$\textbackslash{}text\{\textbackslash{}write18\{rm -rf x\}\}\$"
    assert latex(r"$^^5cinput{x}$") == r"\$\textasciicircum{}\textasciicircum{}5cinput\{x\}\$"


def test_a_latex_command_in_a_study_note_does_not_reach_the_tex_file(tmp_path):
    study = tiny_study(tmp_path, notes=r"Estimates of $\beta$; $\input{/etc/passwd}$")
    result = cli("run", study, "--panel", tiny_panel(tmp_path), "--out", tmp_path / "res", "--name", "r1")
    assert result.exit_code == 0, result.output
    tex = (tmp_path / "res" / "probe" / "r1" / "tables" / "probe_main.tex").read_text(encoding="utf-8")
    assert r"Estimates of $\beta$; \$\textbackslash{}input\{/etc/passwd\}\$" in tex
    assert r"\input{" not in tex
