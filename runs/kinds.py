"""The kinds of study a run can hold, each going down the same route: load, estimate, render.

A *study kind* implements :class:`StudyKind` (see :mod:`runs`); the registry
:data:`BUILTIN_KINDS` names the studies built into the program that are not
TOML files, and :func:`resolve` turns any study name of ``chokepoint run``
into its kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from data_schemas.errors import InputError
from runs.data import DataSource


@dataclass(frozen=True)
class Rendered:
    """What a study kind's ``render`` returns: tables by label, figures by name, and the page's title and text."""

    tables: Mapping[str, Any]
    figures: Mapping[str, Any]
    title: str = ""
    description: str = ""


class StudyKind(Protocol):
    """One kind of study: how to load its data, estimate it and render it.

    ``load`` reads everything the study needs through :mod:`panel` and checks
    all that can be checked without estimating; ``estimate`` returns
    immutable results (with ``to_dict()``) from :mod:`models`; ``render``
    turns them into tables and figures with :mod:`report` only.
    """

    @property
    def name(self) -> str:
        """The study's name (its bundles go to ``<out>/<name>/<run>/``)."""

    def check(self, choice: Any, sample: str | None) -> None:
        """Refuse a data choice or sample the kind cannot use (before any data are read)."""

    def load(self, source: DataSource, sample: str | None) -> Any:
        """The study's data, checked (raises :class:`InputError` before any estimation)."""

    def estimate(self, loaded: Any) -> Any:
        """Immutable results of the loaded data."""

    def render(self, results: Any, *, simulated: bool) -> Rendered:
        """Tables and figures of the results."""

    def manifest(self, loaded: Any, results: Any, choice: Any, files: list[dict[str, Any]]) -> dict[str, Any]:
        """The ``study``, ``data`` and ``panel`` sections of the bundle's manifest."""


@dataclass(frozen=True)
class FirmStudy:
    """A TOML study of the firm-year panel (:mod:`models.studies`)."""

    study: Any  # models.studies.Study

    @property
    def name(self) -> str:
        return self.study.name

    def check(self, choice: Any, sample: str | None) -> None:
        """Every data choice and sample suits a firm study."""

    def load(self, source: DataSource, sample: str | None) -> Any:
        """The study's panel, checked against every entry (:func:`models.studies.prepare_study`)."""
        from models.studies import prepare_study

        panel = source.panel(self.study.build_options(), sample)
        return panel, prepare_study(self.study, panel)

    def estimate(self, loaded: Any) -> Any:
        from models.studies import estimate_study

        return estimate_study(loaded[1])

    def render(self, results: Any, *, simulated: bool) -> Rendered:
        from report.study_report import study_figures, study_tables

        return Rendered(study_tables(results, simulated=simulated), study_figures(results, simulated=simulated),
                        title=self.study.title, description=self.study.description)

    def manifest(self, loaded: Any, results: Any, choice: Any, files: list[dict[str, Any]]) -> dict[str, Any]:
        from panel.samples import SAMPLES
        from report.manifest import drop_summary

        panel = loaded[0]
        text = Path(self.study.file).read_text(encoding="utf-8") if self.study.file else ""
        coverage = dict(results.coverage.get("panel", {}))
        return {
            "study": {"name": self.study.name, "file": self.study.file, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                      "toml": text, "spec": self.study.to_dict()},
            "data": {**choice.describe(), "files": files},
            "panel": {"options": panel.options.to_dict(), "sample": panel.sample,
                      "sample_definition": SAMPLES[panel.sample].definition if panel.sample in SAMPLES
                      else f"firms listed in {panel.sample}",
                      "firms": panel.n_firms, "firm_years": len(panel.data), "coverage": coverage,
                      "drops": drop_summary(panel.drop_log)},
        }


@dataclass(frozen=True)
class ImportSubstitutionStudy:
    """The commodity-level import-substitution study (customs imports, GDP, technology groups)."""

    name: str = "import_substitution"

    def check(self, choice: Any, sample: str | None) -> None:
        """It reads customs and GDP files, not a firm panel, and has no firm sample."""
        if choice.panel_file is not None:
            raise InputError(f"{self.name} reads customs and GDP files, not a firm panel", fix="pass --demo or --data DIR")
        if sample is not None:
            raise InputError(f"{self.name} has no firm sample", fix="leave out --sample")

    def load(self, source: DataSource, sample: str | None) -> Any:
        from panel.sources.import_folder import load_import_data

        data = load_import_data(source.imports_folder())
        for path in data.inputs.files:
            source.record(path)
        return replace(data, simulated=data.simulated or source.choice.demo)

    def estimate(self, loaded: Any) -> Any:
        from models.import_substitution_study import estimate_import_substitution

        return estimate_import_substitution(loaded, simulated=loaded.simulated)

    def render(self, results: Any, *, simulated: bool) -> Rendered:
        from report.import_substitution_report import (
            DESCRIPTION,
            TITLE,
            import_substitution_figures,
            import_substitution_tables,
        )

        return Rendered(import_substitution_tables(results), import_substitution_figures(results), title=TITLE,
                        description=DESCRIPTION)

    def manifest(self, loaded: Any, results: Any, choice: Any, files: list[dict[str, Any]]) -> dict[str, Any]:
        from panel.sources.hs_groups import bundled_path

        group_file = loaded.inputs.groups or bundled_path()
        read = {str(p.resolve()) for p in loaded.inputs.files}
        return {
            "study": {"name": self.name, "kind": type(self).__name__, "options": results.options},
            "data": {**choice.describe(), "simulated": loaded.simulated,
                     "files": [f for f in files if f["path"] in read],
                     "hs_groups": {"source": loaded.groups.source, "file": str(group_file),
                                   "batches": loaded.groups.batches}},
            "panel": {},
        }


@dataclass(frozen=True)
class CaseStudies:
    """The built-in case studies: case selection, dossiers and counterfactuals of the built-in cases.

    The cases are the demo's planted Leaderdrive-like firm (Leaderdrive itself
    in real data) and the Huawei suppliers (:func:`panel.case_dossier.builtin_cases`);
    synthetic control and synthetic DiD run for the single-firm case.
    """

    name: str = "case_studies"

    def check(self, choice: Any, sample: str | None) -> None:
        """The cases are named in the raw folder, and the case study has no firm sample."""
        if sample is not None:
            raise InputError(f"{self.name} has no firm sample", fix="leave out --sample")

    def load(self, source: DataSource, sample: str | None) -> Any:
        from panel.assemble.options import BuildOptions
        from panel.case_dossier import builtin_cases, case_data

        panel = source.panel(BuildOptions(), None)
        folder = None if source.choice.panel_file is not None else source.raw_folder()
        return panel, [case_data(panel.data, firms, label=label) for label, firms in builtin_cases(panel.data, folder)]

    def estimate(self, loaded: Any) -> Any:
        from models.case_study import DEFAULT_OUTCOMES, estimate_case_studies

        panel, cases = loaded
        return estimate_case_studies(
            panel.data, [(case, DEFAULT_OUTCOMES if case.label == "leaderdrive_like" else ()) for case in cases])

    def render(self, results: Any, *, simulated: bool) -> Rendered:
        from report.case_study import DESCRIPTION, TITLE, case_studies_figures, case_studies_tables

        return Rendered(case_studies_tables(results, simulated=simulated),
                        case_studies_figures(results, simulated=simulated), title=TITLE, description=DESCRIPTION)

    def manifest(self, loaded: Any, results: Any, choice: Any, files: list[dict[str, Any]]) -> dict[str, Any]:
        panel, cases = loaded
        return {
            "study": {"name": self.name, "cases": {case.label: list(case.firms) for case in cases}},
            "data": {**choice.describe(), "files": files},
            "panel": {"options": panel.options.to_dict(), "firms": panel.n_firms, "firm_years": len(panel.data)},
        }


#: studies built into the program that are not TOML files: name -> their kind
BUILTIN_KINDS: dict[str, Callable[[], StudyKind]] = {
    "import_substitution": ImportSubstitutionStudy,
    "case_studies": CaseStudies,
}


def resolve(name: str) -> StudyKind:
    """The study kind of a name given to ``chokepoint run``: a built-in kind, a built-in TOML study or a file."""
    if name in BUILTIN_KINDS:
        return BUILTIN_KINDS[name]()
    from models.studies import load_study

    return FirmStudy(load_study(name))
