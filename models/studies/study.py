"""A study: named models, event studies and marginal effects, with table and figure declarations."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from data_schemas.errors import InputError, did_you_mean
from models.studies.case_declarations import CaseEntry
from models.studies.declarations import (
    Entry,
    EventStudyEntry,
    FigureEntry,
    MarginalEntry,
    ModelEntry,
    RandomizationEntry,
    StaggeredEntry,
    Where,
    WildBootstrapEntry,
    check_names,
    unique_names,
)
from models.studies.table_declarations import TableEntry, check_table
from panel.files import SAFE_NAME_RULE, name_problem

STUDY_KEYS = ("name", "title", "description", "sample", "panel", "models", "event_studies", "marginal", "staggered",
              "wild_bootstrap", "randomization", "tables", "figures", "cases")
#: the arrays of entries, by TOML key
ENTRY_KINDS: dict[str, type[Entry]] = {kind.SECTION: kind for kind in (
    ModelEntry, EventStudyEntry, MarginalEntry, StaggeredEntry, WildBootstrapEntry, RandomizationEntry, TableEntry,
    FigureEntry, CaseEntry)}
#: arrays written by :meth:`Study.to_dict` only when they hold entries (added after the first format)
OPTIONAL_KINDS = ("cases",)
#: build options a study may set in its [panel] table (fields of panel.assemble.options.BuildOptions)
PANEL_KEYS = ("cutoff_year", "exposure_threshold", "pre_years", "sanction_date", "winsorize", "winsor_limits", "filters")


@dataclass(frozen=True)
class Study:
    """A parsed, checked study (see :mod:`models.studies` for the TOML format).

    Attributes
    ----------
    name, title, description : str
        What the study is.
    sample : str
        Named sample of :mod:`panel.samples` every entry starts from.
    panel : dict
        Build options the study expects the panel to be built with.
    models, event_studies, marginal, staggered : tuple
        The entries to estimate, in file order.
    wild_bootstrap : tuple
        Wild cluster bootstrap tests of model coefficients.
    randomization : tuple
        Randomization tests of model coefficients.
    cases : tuple
        Firm dossiers and their counterfactuals.
    tables, figures : tuple
        Declarations for the reporter.
    file : str or None
        The file the study was read from, named in error messages.
    """

    name: str
    title: str
    description: str
    sample: str
    panel: Mapping[str, Any]
    models: tuple[ModelEntry, ...]
    event_studies: tuple[EventStudyEntry, ...]
    marginal: tuple[MarginalEntry, ...]
    tables: tuple[TableEntry, ...]
    figures: tuple[FigureEntry, ...]
    file: str | None = None
    staggered: tuple[StaggeredEntry, ...] = ()
    wild_bootstrap: tuple[WildBootstrapEntry, ...] = ()
    randomization: tuple[RandomizationEntry, ...] = ()
    cases: tuple[CaseEntry, ...] = ()

    def build_options(self):
        """The :class:`panel.assemble.options.BuildOptions` of the ``[panel]`` table (defaults elsewhere)."""
        from panel.assemble.options import BuildOptions

        return BuildOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in self.panel.items()})

    @property
    def entries(self) -> tuple[ModelEntry | EventStudyEntry | MarginalEntry | StaggeredEntry, ...]:
        """Every estimated entry: models, event studies, marginal effects, staggered designs."""
        return (*self.models, *self.event_studies, *self.marginal, *self.staggered)

    @property
    def tests(self) -> tuple[WildBootstrapEntry | RandomizationEntry, ...]:
        """Every test of a model's coefficient: wild bootstrap, then randomization."""
        return (*self.wild_bootstrap, *self.randomization)

    def model(self, name: str) -> ModelEntry:
        """The ``[[models]]`` entry called ``name`` (names are checked when the study is read)."""
        return {m.name: m for m in self.models}[name]

    def without(self, models: Iterable[str]) -> Study:
        """The study without the named models and the tables, figures and tests that name them."""
        gone = set(models)
        return replace(
            self,
            models=tuple(m for m in self.models if m.name not in gone),
            tables=tuple(t for t in self.tables if not gone & set(t.all_models)),
            figures=tuple(f for f in self.figures if not gone & set(f.sources)),
            wild_bootstrap=tuple(t for t in self.wild_bootstrap if t.model not in gone),
            randomization=tuple(t for t in self.randomization if t.model not in gone),
        )

    def check_columns(self, available: Iterable[str]) -> None:
        """Raise one :class:`InputError` for the first entry naming a column not in ``available``."""
        have = [str(c) for c in available]
        for entry in (*self.entries, *self.cases):
            for column in entry.columns:
                if column not in have:
                    hint = did_you_mean(column, have)
                    raise entry.where(self.file).error(
                        f"no column '{column}' in the panel",
                        fix=hint or "name a column of the panel (see data_schemas/codebook.py)",
                    )

    def to_dict(self) -> dict[str, Any]:
        """The study as the mapping its TOML file holds (read back by :func:`study_from_mapping`)."""
        out: dict[str, Any] = {"name": self.name, "title": self.title, "description": self.description,
                               "sample": self.sample}
        if self.panel:
            out["panel"] = dict(self.panel)
        for f in fields(self):
            if f.name in ENTRY_KINDS and (getattr(self, f.name) or f.name not in OPTIONAL_KINDS):
                out[f.name] = [entry.to_dict() for entry in getattr(self, f.name)]
        return out


def read_study(path: str | Path) -> Study:
    """Read and check a study TOML file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the study file ({exc.__class__.__name__})", file=path,
                         fix="give the path of a .toml study file or a built-in study name") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", file=path, fix="fix the TOML syntax") from None
    return study_from_mapping(data, file=str(path))


def study_from_mapping(data: Mapping[str, Any], file: str | None = None) -> Study:
    """Check a parsed study mapping and build the :class:`Study`."""
    top = Where(file, "study")
    top.check_keys(data, STUDY_KEYS, ("name",))
    if problem := name_problem(top.text(data, "name")):
        raise top.error(f"'name' {problem}", fix=SAFE_NAME_RULE)
    panel = data.get("panel", {})
    Where(file, "[panel]").check_keys(panel, PANEL_KEYS)
    lists: dict[str, Any] = {}
    for key, kind in ENTRY_KINDS.items():
        raw = data.get(key, [])
        if not isinstance(raw, list):
            raise top.error(f"'{key}' must be an array of tables", fix=f"write each entry under [[{key}]]")
        lists[key] = tuple(kind.read(table, file, position) for position, table in enumerate(raw, start=1))
    from panel.samples import SAMPLES

    sample = top.required_text(data, "sample", "all")
    top.choice(sample, list(SAMPLES), "sample")
    study = Study(
        name=top.required_text(data, "name"), title=top.required_text(data, "title", data["name"]),
        description=top.required_text(data, "description", ""), sample=sample, panel=dict(panel), file=file, **lists,
    )
    _check_panel_options(study)
    _check_references(study)
    return study


def _check_panel_options(study: Study) -> None:
    try:
        study.build_options()
    except (InputError, TypeError) as exc:
        problem = exc.problem if isinstance(exc, InputError) else str(exc)
        raise Where(study.file, "[panel]").error(problem, getattr(exc, "fix", None)) from None


def _check_references(study: Study) -> None:
    taken: set[str] = set()
    for entries, kind in ((study.models, "[[models]]"), (study.event_studies, "[[event_studies]]"),
                          (study.marginal, "[[marginal]]"), (study.staggered, "[[staggered]]")):
        unique_names(entries, kind, study.file, taken)
    unique_names(study.wild_bootstrap, "[[wild_bootstrap]]", study.file, set())
    unique_names(study.randomization, "[[randomization]]", study.file, set())
    unique_names(study.cases, "[[cases]]", study.file, set())
    models = {m.name: m for m in study.models}
    event_studies = {e.name for e in study.event_studies}
    staggered = {s.name for s in study.staggered}
    for table in study.tables:
        check_table(Where(study.file, f"[[tables]] '{table.name}'"), table, models, event_studies, staggered)
    for kind, tests in (("wild_bootstrap", study.wild_bootstrap), ("randomization", study.randomization)):
        for test in tests:
            _check_tested_term(Where(study.file, f"[[{kind}]] '{test.name}'"), test, models)
    kinds = {"event_study": event_studies | staggered, "marginal": {m.name for m in study.marginal},
             "permutation": {r.name for r in study.randomization}}
    plural = {"event_study": "event studies", "marginal": "marginal entries", "permutation": "randomization tests"}
    for figure in study.figures:
        if figure.kind == "permutation" and len(figure.sources) != 1:
            raise Where(study.file, f"[[figures]] '{figure.name}'").error(
                f"a permutation figure draws one randomization test, not {len(figure.sources)}",
                fix="give one source per permutation figure")
        for name in figure.sources:
            if name not in kinds[figure.kind]:
                hint = did_you_mean(name, kinds[figure.kind])
                raise Where(study.file, f"[[figures]] '{figure.name}'").error(
                    f"names '{name}', which is not one of the study's {plural[figure.kind]}",
                    fix=hint or f"choose from {', '.join(sorted(kinds[figure.kind])) or '(none declared)'}",
                )


def _check_tested_term(at: Where, test, models: Mapping[str, ModelEntry]) -> None:
    """Raise unless ``test.model`` is a least-squares model of the study and ``test.term`` (if given) one of its regressors."""
    check_names(at, (test.model,), models, "[[models]] entry")
    if models[test.model].spec.family != "gaussian":
        raise at.error(f"model '{test.model}' is a {models[test.model].spec.family} model; the test needs least squares",
                       fix="test a least-squares model")
    regressors = models[test.model].spec.regressors
    if test.term is not None and test.term not in regressors:
        raise at.error(f"term '{test.term}' is not a coefficient of model '{test.model}'",
                       fix=did_you_mean(test.term, regressors) or f"choose from {', '.join(regressors)}")

