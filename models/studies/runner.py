"""Run a study on a built firm-year panel."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from models.absorb import reuse_demeaning
from models.estimate import fit
from models.event_study import event_study, event_term, exposure_event_study
from models.marginal import add_interactions, add_year_interactions
from models.names import did_you_mean
from models.spec import Spec
from models.studies.declarations import (
    TIME,
    UNIT,
    EventStudyEntry,
    MarginalEntry,
    ModelEntry,
    RandomizationEntry,
    StaggeredEntry,
    Where,
    WildBootstrapEntry,
)
from models.studies.results import EventStudyResult, MarginalResult, StudyResults
from models.studies.study import ESTIMATED, Study

_EVENT_NAME = re.compile(r"^" + re.escape(event_term(0)[:-1]) + r"(-?\d+)$")
#: why firms are left out of a staggered entry (the reason logged in its coverage and table note)
EARLY_TREATED_REASON = "treated in or before their first year in the sample (no pre-treatment year, e.g. sanctioned before listing)"


def run_study(study: Study, panel) -> StudyResults:
    """Estimate every entry of ``study`` on ``panel``.

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
    from panel.samples import select_sample

    _check_build_options(study, panel)
    base = select_sample(panel, study.sample).data
    study.check_columns(base.columns)
    frames = {entry.name: _prepare(study, entry, base) for entry in study.entries}
    bootstrap_frames = {test.name: _test_frame(study, test, base, "wild_bootstrap", (test.cluster,))
                        for test in study.wild_bootstrap}
    randomization_frames = {test.name: _test_frame(study, test, base, "randomization", test.columns)
                            for test in study.randomization}
    with reuse_demeaning():  # one preparation per sample and fixed effects serves every entry
        models = {m.name: fit(frames[m.name], m.spec) for m in study.models}
        event_studies = {e.name: _event_study(e, frames[e.name]) for e in study.event_studies}
        marginal = {m.name: _marginal(m, frames[m.name]) for m in study.marginal}
        staggered = {s.name: _staggered(study, s, frames[s.name]) for s in study.staggered}
        wild_bootstrap = {t.name: _wild_bootstrap(study, t, bootstrap_frames[t.name]) for t in study.wild_bootstrap}
        randomization = {t.name: _randomization(study, t, randomization_frames[t.name]) for t in study.randomization}
    results = {**models, **{k: v.result for k, v in event_studies.items()}, **{k: v.result for k, v in marginal.items()}}
    coverage = {
        "panel": _panel_coverage(base, study.sample),
        "entries": {**{name: _entry_coverage(frames[name], results[name]) for name in results},
                    **{s.name: _staggered_coverage(s, frames[s.name]) for s in study.staggered}},
    }
    return StudyResults(study, models, event_studies, marginal, coverage, panel.options.to_dict(),
                        staggered, wild_bootstrap, randomization)


def _check_build_options(study: Study, panel) -> None:
    built = panel.options.to_dict()
    for key, wanted in study.panel.items():
        have = built[key]
        if (list(wanted) if isinstance(wanted, (list, tuple)) else wanted) != have:
            raise Where(study.file, "[panel]").error(
                f"the study needs {key} = {wanted!r}, but the panel was built with {have!r}",
                fix="rebuild the panel with the study's options (Study.build_options())",
            )


def _at(study: Study, entry) -> Where:
    return Where(study.file, f"[[{ESTIMATED[type(entry)]}]] '{entry.name}'")


def _prepare(study: Study, entry, base: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The entry's subsample, its columns (and ``extra`` ones) only, with interaction and timing columns added."""
    from panel.samples import SAMPLES

    at = _at(study, entry)
    keep = pd.Series(True, index=base.index)
    if entry.subsample.sample is not None:
        keep &= SAMPLES[entry.subsample.sample].rule(base).fillna(False).astype(bool)
    if entry.subsample.where is not None:
        keep &= entry.subsample.where.mask(base)
    frame = base.loc[keep, list(dict.fromkeys([UNIT, *entry.columns, *extra]))].reset_index(drop=True)
    if frame.empty:
        raise at.error("its subsample has no firm-year", fix="check its sample and where condition")
    if isinstance(entry, StaggeredEntry):
        return frame
    if isinstance(entry, ModelEntry):
        frame = add_interactions(frame, entry.interaction_parts)
        _check_absorbed(at, frame, (*entry.regressors, *entry.controls), entry.spec.fixed_effects)
    elif isinstance(entry, MarginalEntry):
        _check_absorbed(at, frame, (entry.x, *entry.regressors, *entry.controls), entry.fixed_effects)
    else:
        _check_absorbed(at, frame, entry.controls, entry.fixed_effects)
        if entry.treated is not None:
            treated = pd.to_numeric(frame[entry.treated], errors="coerce")
            frame[_first_year_column(entry)] = np.where(treated == 1, float(entry.timing), np.nan)
        if entry.exposure is not None and entry.window is not None:
            low, high = entry.timing + entry.window[0], entry.timing + entry.window[1]
            frame = frame[frame[TIME].between(low, high)].reset_index(drop=True)
    return frame


def _check_absorbed(at: Where, frame: pd.DataFrame, names, fixed_effects) -> None:
    """Raise if a regressor never varies within the levels of a fixed effect (it would be absorbed)."""
    for name in names:
        for effect in fixed_effects:
            if frame.groupby(effect, observed=True)[name].nunique().max() <= 1:
                raise at.error(
                    f"'{name}' does not vary within {effect}, so the {effect} fixed effects absorb it",
                    fix=f"drop '{name}' from this entry or estimate it without {effect} fixed effects",
                )


def _test_frame(study: Study, test, base: pd.DataFrame, kind: str, extra: tuple[str, ...]) -> pd.DataFrame:
    """The tested model's data with the test's ``extra`` columns (e.g. its cluster or cohort column)."""
    model = next(m for m in study.models if m.name == test.model)
    for column in extra:
        if column not in base.columns:
            raise Where(study.file, f"[[{kind}]] '{test.name}'").error(
                f"no column '{column}' in the panel",
                fix=did_you_mean(column, [str(c) for c in base.columns]) or "name a column of the panel, e.g. industry")
    return _prepare(study, model, base, extra=extra)


def _wild_bootstrap(study: Study, test: WildBootstrapEntry, frame: pd.DataFrame):
    """The restricted wild cluster bootstrap test of the model's coefficient, clustered by ``test.cluster``."""
    from dataclasses import replace

    from models.inference import wild_cluster_bootstrap

    model = next(m for m in study.models if m.name == test.model)
    spec = replace(model.spec, cluster=(test.cluster,), vcov="cluster")
    return wild_cluster_bootstrap(frame, spec, test.term or model.spec.regressors[0], draws=test.draws,
                                  weights=test.weights, seed=test.seed)


def _randomization(study: Study, test: RandomizationEntry, frame: pd.DataFrame):
    """The randomization test of the model's treatment indicator under the entry's placebo assignments."""
    from models.inference import randomization_inference

    model = next(m for m in study.models if m.name == test.model)
    try:
        return randomization_inference(frame, model.spec, test.term or model.spec.regressors[0], unit=UNIT, time=TIME,
                                       cohort=test.cohort, placebo=test.placebo, strata=test.strata, years=test.years,
                                       draws=test.draws, seed=test.seed)
    except InputError as exc:
        column = f"column '{exc.column}': " if exc.column else ""
        raise Where(study.file, f"[[randomization]] '{test.name}'").error(f"{column}{exc.problem}", exc.fix) from None


def _early_treated(entry: StaggeredEntry, frame: pd.DataFrame) -> pd.Index:
    """Firms whose cohort is at or before their first year in the entry's sample."""
    cohort = pd.to_numeric(frame[entry.cohort], errors="coerce").groupby(frame[UNIT]).max()
    first_year = frame.groupby(UNIT)[TIME].min()
    return cohort.index[(cohort > 0) & (cohort <= first_year.reindex(cohort.index))]


def _leads(entry: StaggeredEntry) -> int | None:
    """Pre-trend leads of a staggered entry: those inside its window (all without one)."""
    return -entry.window[0] if entry.window and entry.window[0] < 0 else None


def _staggered(study: Study, entry: StaggeredEntry, frame: pd.DataFrame) -> dict:
    """Each estimator of the entry on its sample less the firms treated before their first year."""
    from models.staggered import ESTIMATORS

    frame = frame[~frame[UNIT].isin(_early_treated(entry, frame))]
    out = {}
    for name in entry.estimators:
        options = {"control": entry.control} if name == "callaway-santanna" else {}
        try:
            out[name] = ESTIMATORS[name](frame, entry.outcome, unit=UNIT, time=TIME, cohort=entry.cohort,
                                         covariates=entry.covariates, leads=_leads(entry), **options)
        except InputError as exc:
            column = f"column '{exc.column}': " if exc.column else ""
            raise _at(study, entry).error(f"{name}: {column}{exc.problem}", exc.fix) from None
    return out


def _staggered_coverage(entry: StaggeredEntry, frame: pd.DataFrame) -> dict[str, Any]:
    early = _early_treated(entry, frame)
    kept = frame[~frame[UNIT].isin(early)]
    cohort = pd.to_numeric(kept[entry.cohort], errors="coerce").fillna(0).groupby(kept[UNIT]).max()
    cohorts = cohort[cohort > 0].astype(int).value_counts().sort_index()
    return {"firm_years": len(kept), "firms": int(kept[UNIT].nunique()),
            "cohorts": {str(year): int(n) for year, n in cohorts.items()},
            "never_treated_firms": int((cohort == 0).sum()),
            "excluded_firms": len(early), "excluded_reason": EARLY_TREATED_REASON}


def _first_year_column(entry: EventStudyEntry) -> str:
    return f"{entry.treated}_from_{entry.timing}"


def _event_study(entry: EventStudyEntry, frame: pd.DataFrame) -> EventStudyResult:
    common = {"controls": entry.controls, "fixed_effects": entry.fixed_effects, "cluster": entry.cluster, "vcov": entry.vcov,
              "family": entry.family}
    if entry.exposure is not None:
        reference_year = entry.timing + entry.reference
        result = exposure_event_study(frame, entry.outcome, exposure=entry.exposure, unit=UNIT, time=TIME,
                                      reference=reference_year, **common)
        prefix = f"{entry.exposure}:{TIME}="
        periods = tuple((int(n[len(prefix):]) - entry.timing, n) for n in result.names if n.startswith(prefix))
        design = "exposure"
    else:
        timing = entry.timing if isinstance(entry.timing, str) else _first_year_column(entry)
        result = event_study(frame, entry.outcome, unit=UNIT, time=TIME, first_treated=timing, window=entry.window,
                             reference=entry.reference, bin_endpoints=entry.bin_endpoints, **common)
        periods = tuple(sorted((_k(n), n) for n in result.names if _k(n) is not None))
        design = "event_time"
    return EventStudyResult(entry.name, result, periods, entry.reference, entry.timing, design)


def _k(name: str) -> int | None:
    """The event time of an event-study coefficient name, or None for other coefficients."""
    match = _EVENT_NAME.match(name)
    return int(match[1]) if match else None


def _marginal(entry: MarginalEntry, frame: pd.DataFrame) -> MarginalResult:
    periods = sorted(int(t) for t in frame[entry.by].dropna().unique())
    reference = entry.reference if entry.reference is not None else periods[0]
    data, names = add_year_interactions(frame, entry.x, entry.by, reference)
    spec = Spec(entry.outcome, (entry.x, *names.values(), *entry.regressors, *entry.controls),
                fixed_effects=entry.fixed_effects, cluster=entry.cluster, vcov=entry.vcov,
                time=TIME if entry.vcov == "driscoll-kraay" else None)
    result = fit(data, spec)
    if entry.x not in result.names:
        raise InputError(f"[[marginal]] '{entry.name}': '{entry.x}' was dropped as collinear", fix="choose another x or fixed effects")
    kept = tuple((t, n) for t, n in names.items() if n in result.names)
    return MarginalResult(entry.name, result, entry.x, entry.by, reference, kept)


def _panel_coverage(base: pd.DataFrame, sample: str) -> dict[str, Any]:
    out: dict[str, Any] = {"sample": sample, "firm_years": len(base), "firms": int(base[UNIT].nunique())}
    if "supplier_coverage" in base.columns:
        named = int((base["supplier_coverage"] == 1).sum())
        out.update(supplier_firm_years=named, supplier_share=named / len(base),
                   supplier_firms=int(base.loc[base["supplier_coverage"] == 1, UNIT].nunique()))
    if "exposed" in base.columns:
        out["exposed_firms"] = int(base.loc[base["exposed"] == 1, UNIT].nunique())
    return out


def _entry_coverage(frame: pd.DataFrame, result) -> dict[str, Any]:
    return {"firm_years": len(frame), "firms": int(frame[UNIT].nunique()) if UNIT in frame.columns else None,
            "nobs": result.nobs, "n_missing": result.n_missing, "n_singletons": result.n_singletons}
