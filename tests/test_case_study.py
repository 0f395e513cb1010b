"""Firm dossiers and case counterfactuals on the small demo: planted figures recovered, errors, the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from data_schemas.errors import InputError
from models.case_study import CaseStudy, counterfactual
from models.dossier import build_dossier
from panel.case_dossier import case_data
from scripts.cli import main


@pytest.fixture(scope="module")
def truth(small_demo) -> dict:
    return json.loads((small_demo / "ground_truth.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def case(small_panel, truth):
    return case_data(small_panel.data, [truth["leaderdrive_like"]["firm_id"]], label="leaderdrive_like")


def test_dossier_recovers_the_planted_profile(case, truth):
    planted = truth["leaderdrive_like"]
    dossier = build_dossier(case)
    assert dossier.fact("subsidies / revenue 2019-2022").value == pytest.approx(planted["subsidy_share"]["2019-2022"], abs=1e-9)
    assert dossier.fact("subsidies / revenue 2017-2018").value == pytest.approx(planted["subsidy_share"]["2017-2018"], abs=1e-9)
    assert dossier.fact("revenue multiple 2019-2022").value == pytest.approx(planted["revenue_multiple"]["value"], abs=1e-9)
    assert dossier.fact("total_assets multiple 2019-2022").value == pytest.approx(planted["asset_multiple"]["value"], abs=1e-9)
    assert dossier.fact("revenue multiple 2019-2022").formula == "revenue[2022] / revenue[2019]"
    assert {"kind": "little_giant", "date": "2019", "firm": planted["firm_id"], "label": "Little Giant"} in dossier.events
    assert dossier.lines["revenue"]["2019"] == 1.0


def test_fact_by_hand_for_a_group(small_panel, truth):
    firms = [truth["leaderdrive_like"]["firm_id"], truth["non_case"]["firm_id"]]
    dossier = build_dossier(case_data(small_panel.data, firms))
    rows = small_panel.data[small_panel.data.firm_id.isin(firms) & small_panel.data.year.between(2019, 2022)]
    rows = rows.dropna(subset=["subsidy", "revenue"])
    assert dossier.fact("subsidies / revenue 2019-2022").value == pytest.approx(rows.subsidy.sum() / rows.revenue.sum(), rel=1e-12)


@pytest.mark.parametrize("who", ["leaderdrive_like", "non_case"])
def test_counterfactual_recovers_the_planted_effect_path(small_panel, truth, who):
    firm = truth[who]["firm_id"]
    path = truth[who]["effect_paths"]["invention_apply"]
    planted = sum(path.values()) / len(path)
    fit = counterfactual(small_panel.data, case_data(small_panel.data, [firm]), "invention_apply", "sdid", scope="all")
    assert abs(fit.result.estimate - planted) <= 1.96 * fit.result.std_error
    study = CaseStudy(build_dossier(case_data(small_panel.data, [firm])), (fit,))
    assert CaseStudy.from_dict(json.loads(json.dumps(study.to_dict()))) == study


def test_unknown_firm_names_near_codes(small_panel):
    known = sorted(small_panel.data.firm_id.astype(str).unique())
    with pytest.raises(InputError) as caught:
        case_data(small_panel.data, [known[0][:-1] + "x"])
    assert caught.value.message.startswith(f"panel: column 'firm_id': firm '{known[0][:-1]}x' is not in the panel; nearest codes: ")


def test_case_names_must_be_safe(small_panel):
    firm = str(small_panel.data.firm_id.iloc[0])
    with pytest.raises(InputError) as caught:
        case_data(small_panel.data, [firm], label="../evil")
    assert caught.value.message == ("case name '../evil' is not a safe name; use only letters, digits, '_' and '-', "
                                    "starting with a letter or digit (at most 100 characters)")


@pytest.mark.slow
def test_cli_writes_the_case_folder(small_demo, truth, tmp_path):
    firm = truth["leaderdrive_like"]["firm_id"]
    args = ["case", firm, "--data", str(small_demo), "--out", str(tmp_path), "--synth", "invention_apply",
            "--donors", "all", "--name", "ld"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "subsidies / revenue 2019-2022: 0.0600" in out.output
    assert {p.name for p in (tmp_path / "ld").iterdir()} >= {"dossier.png", "facts.md", "facts.tex", "case.json",
                                                             "synth_invention_apply_sdid.png", "estimates.tex"}
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2
    assert again.output.startswith("Error: ")
    bad = CliRunner().invoke(main, ["case", "99999x", "--data", str(small_demo), "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and bad.output.count("\n") == 1
    assert not (tmp_path / "bad").exists()


def test_builtin_cases_and_tables(small_demo, small_panel, truth):
    from models.case_selection import firm_statistics
    from models.case_study import SELECTION_REGRESSOR, SELECTION_SPEC, estimate_case_studies
    from panel.case_dossier import builtin_cases
    from report.case_study import case_studies_tables

    cases = builtin_cases(small_panel.data, small_demo)
    assert cases[0] == ("leaderdrive_like", (truth["leaderdrive_like"]["firm_id"],))
    assert cases[1][0] == "huawei_suppliers"
    assert set(cases[1][1]) == set(small_panel.data.loc[small_panel.data.huawei_supplier == 1, "firm_id"].astype(str))
    result = estimate_case_studies(small_panel.data, [(case_data(small_panel.data, f, label=n), ()) for n, f in cases])
    stats, _, _ = firm_statistics(small_panel.data, SELECTION_SPEC, SELECTION_REGRESSOR)
    assert result.selection.of_type("deviant")[0].firm == stats.rms_residual.idxmax()
    tables = case_studies_tables(result, simulated=True)
    assert sorted(tables) == ["case_selection", "facts_huawei_suppliers", "facts_leaderdrive_like"]
    assert len(tables["case_selection"].body) == 20
    assert tables["facts_leaderdrive_like"].body[0].cells[0] == "6.0 %"
    assert tables["case_selection"].notes[-1] == "Simulated demo data (not real firms)."


@pytest.mark.slow
def test_run_case_studies_on_the_demo(tmp_path):
    out = CliRunner().invoke(main, ["run", "case_studies", "--demo", "--firms", "300", "--seed", "1",
                                    "--out", str(tmp_path), "--name", "r1"])
    assert out.exit_code == 0, out.output
    bundle = tmp_path / "case_studies" / "r1"
    results = json.loads((bundle / "results.json").read_text(encoding="utf-8"))
    fits = results["results"]["studies"][0]["counterfactuals"]
    assert {(f["result"]["outcome"], f["result"]["method"]) for f in fits} == {
        ("invention_apply", "sc"), ("invention_apply", "sdid"), ("foreign_supplier_share", "sc"),
        ("foreign_supplier_share", "sdid")}
    assert (bundle / "figures" / "dossier_leaderdrive_like.png").is_file()


def test_the_dossier_note_stays_clear_of_a_two_row_legend(case, tmp_path, monkeypatch):
    """The saved file, cropped to what is drawn, keeps the legend above the note (it once slid onto it)."""
    import dataclasses

    from matplotlib.figure import Figure

    from report.case_study import dossier_figure

    events = [{"kind": kind, "date": date, "firm": "", "label": label} for kind, date, label in [
        ("entity_list", "2022-12-15", "Entity List"), ("little_giant", "2019", "Little Giant"),
        ("huawei_listed", "2019-05-16", "Huawei on the Entity List")]]
    dossier = dataclasses.replace(build_dossier(case), events=events)  # six entries: two legend rows
    extents = []
    original = Figure.savefig

    def saving(figure, path, **kwargs):
        def measure(event):
            note = next(t for t in figure.texts if t.get_text() == "Simulated demo data.")
            extents.append((figure.legends[0].get_window_extent(event.renderer), note.get_window_extent(event.renderer)))
        hook = figure.canvas.mpl_connect("draw_event", measure)
        try:
            return original(figure, path, **kwargs)
        finally:
            figure.canvas.mpl_disconnect(hook)

    monkeypatch.setattr(Figure, "savefig", saving)
    dossier_figure(dossier, tmp_path / "dossier", note="Simulated demo data.")
    assert len(extents) == 2  # the PDF and the PNG
    for legend, note in extents:
        assert note.y1 < legend.y0
