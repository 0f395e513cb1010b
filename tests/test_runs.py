"""runs/: the one route of every study, all-or-nothing multi-study runs, and the bundle comparison."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from data_schemas.errors import InputError
from report.style import Style
from runs import (
    BUILTIN_KINDS,
    CaseStudies,
    DataChoice,
    FirmStudy,
    ImportSubstitutionStudy,
    Rendered,
    resolve,
    run_studies,
    study_names,
)
from runs.compare import compare_roots

STUDY = """
name = "{name}"
title = "t"
description = "d"

[[models]]
name = "m"
outcome = "roa"
regressors = ["{x}"]
fixed_effects = ["firm_id", "year"]
cluster = ["firm_id"]

[[tables]]
name = "t"
models = ["m"]
"""


@pytest.fixture(scope="module")
def panel_file(small_panel, tmp_path_factory):
    path = tmp_path_factory.mktemp("panel") / "panel.parquet"
    small_panel.save(path)
    return path


def study(tmp_path, name, x="ln_invention_apply"):
    path = tmp_path / f"{name}.toml"
    path.write_text(STUDY.format(name=name, x=x), encoding="utf-8")
    return str(path)


def run(names, panel_file, out, **options):
    return run_studies(names, DataChoice(panel_file=panel_file), sample=None, out_root=out, run_name="r",
                       formats=("csv",), style=Style(), **options)


def test_every_study_name_resolves_to_a_kind(tmp_path):
    assert isinstance(resolve("import_substitution"), ImportSubstitutionStudy)
    assert isinstance(resolve("returns_to_innovation"), FirmStudy)
    assert isinstance(resolve("case_studies"), CaseStudies)
    assert list(BUILTIN_KINDS) == ["import_substitution", "case_studies"]
    assert study_names("all", DataChoice(demo=True))[-2:] == ["import_substitution", "case_studies"]
    with_panel = study_names("all", DataChoice(panel_file=tmp_path / "p.parquet"))
    assert "import_substitution" not in with_panel and "case_studies" not in with_panel


def test_a_run_writes_its_bundles(panel_file, tmp_path):
    written = run([study(tmp_path, "a"), study(tmp_path, "b")], panel_file, tmp_path / "out")
    assert written == [tmp_path / "out" / "a" / "r", tmp_path / "out" / "b" / "r", tmp_path / "out" / "r.html"]
    stored = json.loads((written[0] / "results.json").read_text(encoding="utf-8"))
    assert list(stored["results"]["models"]) == ["m"]
    assert compare_roots(tmp_path / "out", tmp_path / "out").identical


def test_a_study_that_fails_its_checks_stops_the_run_before_any_estimate(panel_file, tmp_path, monkeypatch):
    estimated = []
    monkeypatch.setattr(FirmStudy, "estimate", lambda self, loaded: estimated.append(self.name))
    names = [study(tmp_path, "a"), study(tmp_path, "b", x="no_such_column")]
    with pytest.raises(InputError, match="no_such_column"):
        run(names, panel_file, tmp_path / "out")
    assert estimated == []
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").rglob("*")) == []


class Results:
    """What the failing kind estimates."""

    def to_dict(self):
        return {}


def fail_to_draw(stem):
    raise InputError("figure failed", file="figure.toml")


@dataclass(frozen=True)
class Failing:
    """A study kind that fails while estimating or while its figure is drawn, in whatever process runs it."""

    name: str
    late: bool

    def check(self, choice, sample):
        pass

    def load(self, source, sample):
        return None

    def estimate(self, loaded):
        if not self.late:
            raise InputError("singular design", file="f.toml", column="x", rows=[3], fix="drop x")
        return Results()

    def render(self, results, *, simulated):
        return Rendered({}, {"broken": fail_to_draw})

    def manifest(self, loaded, results, choice, files):
        return {"study": {"name": self.name}, "data": {}, "panel": {}}


def with_failing(monkeypatch, *, late):
    import runs.run

    resolve_name = runs.run.resolve
    monkeypatch.setattr(runs.run, "resolve", lambda name: Failing(name, late) if name.startswith("failing") else
                        resolve_name(name))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_study_that_fails_late_leaves_no_bundle_of_the_run(panel_file, tmp_path, monkeypatch, jobs):
    with_failing(monkeypatch, late=True)
    with pytest.raises(InputError, match="^figure.toml: figure failed$"):
        run([study(tmp_path, "a"), "failing_b"], panel_file, tmp_path / "out", jobs=jobs)
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_estimate_that_fails_reaches_the_user_whole_and_writes_nothing(panel_file, tmp_path, monkeypatch, jobs):
    with_failing(monkeypatch, late=False)
    with pytest.raises(InputError) as raised:
        run([study(tmp_path, "a"), "failing_b", "failing_c"], panel_file, tmp_path / "out", jobs=jobs)
    assert raised.value.message == "f.toml: column 'x': singular design (row 3); drop x"
    assert not (tmp_path / "out").exists() or [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_an_interrupted_write_leaves_no_empty_study_folder(panel_file, tmp_path, monkeypatch):
    from report import bundle

    def interrupt(folder, content, figure_files, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(bundle, "finish_bundle", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run([study(tmp_path, "a"), study(tmp_path, "b")], panel_file, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_studies_estimated_side_by_side_write_the_same_bundles(panel_file, tmp_path):
    names = [study(tmp_path, "a"), study(tmp_path, "b", x="ln_patent_stock")]
    one = run(names, panel_file, tmp_path / "one", jobs=1)
    two = run(names, panel_file, tmp_path / "two", jobs=2)
    assert [p.relative_to(tmp_path / "two") for p in two] == [p.relative_to(tmp_path / "one") for p in one]
    comparison = compare_roots(tmp_path / "one", tmp_path / "two")
    assert comparison.identical, comparison.differences


def test_the_import_study_refuses_a_panel_and_a_sample(panel_file):
    kind = ImportSubstitutionStudy()
    with pytest.raises(InputError, match="^import_substitution reads customs and GDP files, not a firm panel"):
        kind.check(DataChoice(panel_file=panel_file), None)
    with pytest.raises(InputError, match="^import_substitution has no firm sample; leave out --sample$"):
        kind.check(DataChoice(demo=True), "soe")


def test_the_comparison_names_every_difference(panel_file, tmp_path):
    run([study(tmp_path, "a")], panel_file, tmp_path / "one")
    run([study(tmp_path, "a")], panel_file, tmp_path / "two")
    results = tmp_path / "two" / "a" / "r" / "results.json"
    stored = json.loads(results.read_text(encoding="utf-8"))
    stored["results"]["models"]["m"]["nobs"] += 1
    results.write_text(json.dumps(stored), encoding="utf-8")
    table = tmp_path / "two" / "a" / "r" / "tables" / "a_t.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",(1)", ",(9)"), encoding="utf-8")
    comparison = compare_roots(tmp_path / "one", tmp_path / "two")
    nobs = stored["results"]["models"]["m"]["nobs"]
    assert comparison.differences == [f"a/results.json: $.results.models.m.nobs: {nobs - 1} != {nobs}",
                                      "a/tables/a_t.csv: row 2, column 2: '(1)' != '(9)'"]
