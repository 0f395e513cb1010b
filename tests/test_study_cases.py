"""``[[cases]]`` in a study file: checked before estimating, estimated as ``chokepoint case`` does, rendered."""

from __future__ import annotations

import json
import textwrap

import pytest

from data_schemas.errors import InputError
from models.case_study import estimate_case
from models.studies import StudyResults, prepare_study, read_study, run_study, study_from_mapping
from panel.case_dossier import case_data
from report.study_report import study_figures, study_tables

BASE = 'name = "t"\n'
CASE = """
[[cases]]
name = "leader"
firms = ["{firm}"]
synth = ["invention_apply"]
methods = ["sc"]
donors = "auto"
"""


@pytest.fixture(scope="module")
def firm(small_demo) -> str:
    return json.loads((small_demo / "ground_truth.json").read_text(encoding="utf-8"))["cases"]["leaderdrive_like"]["firm_id"]


def error_of(tmp_path, text: str) -> str:
    path = tmp_path / "study.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_study(path)
    return str(caught.value).replace(str(path), "FILE")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('methods = ["sc"]', 'methods = ["sdi"]', "[[cases]] 'leader': unknown method 'sdi'; did you mean 'sdid'?"),
    ('donors = "auto"', 'donors = "industri"', "[[cases]] 'leader': unknown donor pool 'industri'; did you mean 'industry'?"),
    ('synth = ["invention_apply"]\n', "",
     "[[cases]] 'leader': 'methods' shapes the counterfactuals, but the case asks for none; "
     'add synth = ["invention_apply"] (outcomes), or remove it'),
    ('firms = ["000001"]', "firms = [1]",
     "[[cases]] 'leader': 'firms' must list firm codes as text, got [1]; "
     'write firms = ["688017"] (quoted, so codes keep their leading zeros)'),
    ('name = "leader"', 'name = "../leader"',
     "[[cases]] #1: 'name' '../leader' is not a safe name; use only letters, digits, '_' and '-', "
     "starting with a letter or digit (at most 100 characters)"),
    ('donors = "auto"', 'donor = "auto"', "[[cases]] #1: unknown key 'donor'; did you mean 'donors'?"),
])
def test_case_keys_are_checked_with_one_message(tmp_path, old, new, message):
    text = BASE + CASE.format(firm="000001")
    assert old in text
    assert error_of(tmp_path, text.replace(old, new)) == f"FILE: {message}"


def test_a_case_name_is_used_once(tmp_path):
    text = BASE + CASE.format(firm="000001") * 2
    assert error_of(tmp_path, text) == (
        "FILE: [[cases]] 'leader': the name is used by another entry; "
        "give every model, event study and marginal entry its own name")


def test_a_firm_not_in_the_panel_stops_before_estimating(small_panel, firm, monkeypatch):
    import models.case_study

    monkeypatch.setattr(models.case_study, "estimate_case", lambda *a, **k: pytest.fail("estimated"))
    study = study_from_mapping({"name": "t", "cases": [{"name": "c", "firms": [firm[:-1] + "x"]}]}, file="s.toml")
    with pytest.raises(InputError) as caught:
        prepare_study(study, small_panel)
    assert caught.value.message.startswith(f"s.toml: [[cases]] 'c': firm '{firm[:-1]}x' is not in the panel; "
                                           "nearest codes: ")
    study = study_from_mapping({"name": "t", "cases": [{"name": "c", "firms": [firm], "synth": ["invention_aply"]}]},
                               file="s.toml")
    with pytest.raises(InputError) as caught:
        prepare_study(study, small_panel)
    assert caught.value.message == ("s.toml: [[cases]] 'c': no column 'invention_aply' in the panel; "
                                    "did you mean 'invention_apply'?")


@pytest.fixture(scope="module")
def cased(small_panel, firm):
    import tomllib

    return run_study(study_from_mapping(tomllib.loads(BASE + CASE.format(firm=firm))), small_panel)


def test_a_case_goes_the_route_of_chokepoint_case(cased, small_panel, firm):
    by_hand = estimate_case(small_panel.data, case_data(small_panel.data, [firm], label="leader"),
                            outcomes=["invention_apply"], methods=["sc"], scope="auto")
    assert cased.cases["leader"].to_dict() == by_hand.to_dict()
    again = StudyResults.from_dict(json.loads(json.dumps(cased.to_dict())))
    assert again.cases["leader"] == cased.cases["leader"] and again.study.cases == cased.study.cases


def test_a_case_gets_its_facts_and_counterfactual_tables_and_figures(cased):
    tables = study_tables(cased, simulated=True)
    assert list(tables) == ["t_facts_leader", "t_synth_leader"]
    facts = tables["t_facts_leader"]
    assert facts.label == "t_facts_leader" and facts.indicators == () and len(facts.body) == len(
        cased.cases["leader"].dossier.facts)
    synth = tables["t_synth_leader"]
    fit = cased.cases["leader"].counterfactuals[0]
    assert synth.body[0].label == "leader: invention_apply, SC"
    assert synth.body[0].cells[0] == f"{fit.result.estimate:.3f}"
    assert "in the case's industries (their sections, or all firms" in synth.notes[0]
    figures = study_figures(cased)
    assert [(name, f.title) for name, f in figures.items()] == [
        ("t_dossier_leader", f"Dossier of leader ({cased.cases['leader'].dossier.firms[0]})"),
        ("t_synth_leader_invention_apply_sc", "leader: invention_apply, SC counterfactual")]


def test_studies_without_cases_keep_their_json_form(small_panel):
    study = study_from_mapping({"name": "t"})
    assert "cases" not in study.to_dict()


def test_the_readme_case_example_parses():
    import tomllib
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```toml\n")[1:]]
    block = next(b for b in blocks if "[[cases]]" in b)
    (case,) = study_from_mapping(tomllib.loads(BASE + block)).cases
    assert (case.name, case.firms, case.methods, case.donors) == ("huawei_suppliers", ("300024", "002747"),
                                                                    ("sc", "sdid"), "industry")
