"""README.md's commands stay true: CI runs exactly the test command the README gives."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_command in readme
    assert "pytest" in ci_command


def test_the_readme_study_example_runs(small_panel, tmp_path):
    from models.studies import read_study, run_study
    from report.study_report import study_figures, study_tables

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "my_study.toml"
    path.write_text(example, encoding="utf-8")
    results = run_study(read_study(path), small_panel)
    assert list(study_tables(results)) == ["my_study_roa"]
    assert list(study_figures(results)) == ["my_study_patents"]
