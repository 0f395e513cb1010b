"""Run a study on a built firm-year panel."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd

from data_schemas.errors import did_you_mean
from models.reuse import reuse_demeaning
from models.studies.declarations import UNIT, Where
from models.studies.results import StudyResults
from models.studies.study import Study


def run_study(study: Study, panel) -> StudyResults:
    """Estimate every entry of ``study`` on ``panel``: :func:`prepare_study`, then :func:`estimate_study`.

    Everything that can be checked without estimating is checked first (build
    options, columns, empty subsamples, controls that a fixed effect absorbs),
    so a mistake in the study fails with one :class:`InputError` before any
    model runs.

    Parameters
    ----------
    study : Study
        A parsed study (:func:`models.studies.read_study`).
    panel : panel.firm_panel.FirmPanel
        The built panel.

    Returns
    -------
    StudyResults
    """
    return estimate_study(prepare_study(study, panel))


@dataclass(frozen=True)
class PreparedStudy:
    """A study checked against its panel, with the estimation sample of every entry.

    Parameters
    ----------
    study : Study
        The study.
    options : dict
        The build options of the panel.
    base : pandas.DataFrame
        The study's sample of the panel.
    frames : dict of str to pandas.DataFrame
        Each estimated entry's data, by name.
    test_frames : dict of str to pandas.DataFrame
        Each test's data (its model's, with the test's columns), by name.
    cases : dict of str to panel.case_dossier.CaseData
        Each case's rows, peers and events, its firms checked, by name.
    """

    study: Study
    options: dict[str, Any]
    base: pd.DataFrame = field(repr=False)
    frames: dict[str, pd.DataFrame] = field(repr=False)
    test_frames: dict[str, pd.DataFrame] = field(repr=False)
    cases: dict[str, Any] = field(default_factory=dict, repr=False)


def prepare_study(study: Study, panel) -> PreparedStudy:
    """Check everything ``study`` needs of ``panel`` and cut each entry's data; nothing is estimated.

    Raises
    ------
    InputError
        Build options the panel lacks, missing columns, empty subsamples,
        regressors that a fixed effect absorbs.
    """
    from panel.samples import select_sample

    _check_build_options(study, panel)
    base = select_sample(panel, study.sample).data
    study.check_columns(base.columns)
    study = _without_unavailable(study, base)
    frames = {entry.name: _prepare(study, entry, base) for entry in study.entries}
    test_frames = {test.name: _test_frame(study, test, base) for test in study.tests}
    cases = {case.name: case.case_data(base, case.where(study.file)) for case in study.cases}
    return PreparedStudy(study, panel.options.to_dict(), base, frames, test_frames, cases)


def _without_unavailable(study: Study, base: pd.DataFrame) -> Study:
    """The study without its optional models whose outcome has no value in ``base``, each skip warned of."""
    skipped = [m for m in study.models if m.unavailable(base)]
    for model in skipped:
        dropped = [*(f"[[tables]] '{t.name}'" for t in study.tables if model.name in t.all_models),
                   *(f"[[figures]] '{f.name}'" for f in study.figures if model.name in f.sources)]
        warnings.warn(f"{model.where(study.file).label}: skipped (optional): its outcome '{model.outcome}' has no value "
                      "in the sample" + (f"; so are {', '.join(dropped)}" if dropped else ""), stacklevel=3)
    return study.without(m.name for m in skipped) if skipped else study


def estimate_study(prepared: PreparedStudy) -> StudyResults:
    """Estimate every entry of a prepared study."""
    study, frames = prepared.study, prepared.frames
    with reuse_demeaning():  # one preparation per sample and fixed effects serves every entry
        estimates = {e.name: _attributed(e.where(study.file), partial(e.estimate, frames[e.name], e.where(study.file)))
                     for e in study.entries}
        tests = {t.name: _attributed(t.where(study.file), partial(t.estimate, prepared.test_frames[t.name],
                                                                  study.model(t.model), t.where(study.file)))
                 for t in study.tests}
    cases = {c.name: _attributed(c.where(study.file), partial(c.estimate, prepared.base, prepared.cases[c.name]))
             for c in study.cases}

    def by_name(entries: Iterable[Any], values: Mapping[str, Any]) -> dict[str, Any]:
        return {entry.name: values[entry.name] for entry in entries}

    coverage = {
        "panel": _panel_coverage(prepared.base, study.sample),
        "entries": {e.name: e.coverage(frames[e.name], estimates[e.name]) for e in study.entries},
    }
    return StudyResults(study, by_name(study.models, estimates), by_name(study.event_studies, estimates),
                        by_name(study.marginal, estimates), coverage, prepared.options,
                        by_name(study.staggered, estimates), by_name(study.wild_bootstrap, tests),
                        by_name(study.randomization, tests), cases)


def _attributed(at: Where, estimate: Callable[[], Any]) -> Any:
    """``estimate()``, its user warnings raised again naming the entry, and one if its clusters are few.

    E.g. "[[models]] 'roa': Dropped collinear regressors: exposed:post".
    """
    from models.inference.wild_bootstrap import few_clusters_warning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = estimate()
    for warning in caught:
        if issubclass(warning.category, UserWarning):
            warnings.warn(f"{at.label}: {warning.message}", warning.category, stacklevel=3)
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    clusters = getattr(getattr(value, "result", value), "n_clusters", None)
    if isinstance(clusters, dict) and (few := few_clusters_warning(clusters)):
        warnings.warn(f"{at.label}: {few}", UserWarning, stacklevel=3)
    return value


def _check_build_options(study: Study, panel) -> None:
    built = panel.options.to_dict()
    for key, wanted in study.panel.items():
        have = built[key]
        if (list(wanted) if isinstance(wanted, (list, tuple)) else wanted) != have:
            raise Where(study.file, "[panel]").error(
                f"the study needs {key} = {wanted!r}, but the panel was built with {have!r}",
                fix="rebuild the panel with the study's options (Study.build_options())",
            )


def _prepare(study: Study, entry: Any, base: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The entry's subsample, its columns (and ``extra`` ones) only, prepared by the entry."""
    from panel.samples import SAMPLES

    at = entry.where(study.file)
    keep = pd.Series(True, index=base.index)
    if entry.subsample.sample is not None:
        keep &= SAMPLES[entry.subsample.sample].rule(base).fillna(False).astype(bool)
    if entry.subsample.where is not None:
        keep &= entry.subsample.where.mask(base)
    frame = base.loc[keep, list(dict.fromkeys([UNIT, *entry.columns, *extra]))].reset_index(drop=True)
    if frame.empty:
        raise at.error("its subsample has no firm-year", fix="check its sample and where condition")
    return entry.prepare(frame, at)


def _test_frame(study: Study, test: Any, base: pd.DataFrame) -> pd.DataFrame:
    """The tested model's data with the test's own columns (e.g. its cluster or cohort column)."""
    for column in test.columns:
        if column not in base.columns:
            raise test.where(study.file).error(
                f"no column '{column}' in the panel",
                fix=did_you_mean(column, [str(c) for c in base.columns]) or "name a column of the panel, e.g. industry")
    return _prepare(study, study.model(test.model), base, extra=test.columns)


def _panel_coverage(base: pd.DataFrame, sample: str) -> dict[str, Any]:
    out: dict[str, Any] = {"sample": sample, "firm_years": len(base), "firms": int(base[UNIT].nunique())}
    if "supplier_coverage" in base.columns:
        named = int((base["supplier_coverage"] == 1).sum())
        out.update(supplier_firm_years=named, supplier_share=named / len(base),
                   supplier_firms=int(base.loc[base["supplier_coverage"] == 1, UNIT].nunique()))
    if "exposed" in base.columns:
        out["exposed_firms"] = int(base.loc[base["exposed"] == 1, UNIT].nunique())
    return out
