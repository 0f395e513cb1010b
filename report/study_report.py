"""A study's results as the tables and figures its TOML file declares.

Reads only :class:`models.studies.StudyResults`: the table declarations pick
models (or event studies) as columns, or staggered entries whose estimators
become the columns; the figure declarations pick event studies, staggered
entries (one series per estimator) or marginal-effect entries as series, or a
randomization test drawn as the histogram of its placebo coefficients.
Wild-bootstrap and randomization tests are notes under the tables holding their model.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from report.case_study import (
    DOSSIER_NOTE,
    counterfactuals_table,
    dossier_caption,
    dossier_figure,
    facts_table,
    synthetic_caption,
    synthetic_figure,
)
from report.figures import event_study_plot, marginal_return_plot, permutation_histogram
from report.page.content import Figure
from report.regression import Labels, regression_table
from report.stacking import stack_panels
from report.staggered_tables import (
    ESTIMATOR_LABELS,
    StaggeredDesign,
    event_points,
    staggered_table,
)
from report.table import Table

SIMULATED_NOTE = "SIMULATED demo data: not real firms."


def _event_labels(results) -> dict[str, str]:
    """Row labels of event-study coefficients: ``event_-2`` -> "Event time -2" (exposure designs: years from the event year)."""
    labels = {}
    for study in results.event_studies.values():
        for k, name in study.periods:
            labels[name] = f"Event time {k}"
    return labels


def sample_note(results) -> str:
    """Sample size and coverage of the panel the study ran on, for table notes."""
    panel = results.coverage.get("panel", {})
    parts = [f"Sample: {results.study.sample}"]
    if "firm_years" in panel and "firms" in panel:
        parts.append(f"{panel['firm_years']:,} firm-years of {panel['firms']:,} firms")
    return ", ".join(parts) + "."


def study_tables(results, *, rename: dict[str, str] | None = None, simulated: bool = False) -> dict[str, Table]:
    """Every table the study declares, keyed by ``<study>_<table>``.

    Parameters
    ----------
    results : StudyResults
        A study run.
    rename : dict, optional
        Extra labels (variable, fixed effect or coefficient name -> label).
    simulated : bool
        Add a note that the data are simulated.
    """
    labels = Labels({**_event_labels(results), **(rename or {})})
    tables = {}
    for entry in results.study.tables:
        notes = [n for n in (entry.notes, SIMULATED_NOTE if simulated else "") if n]
        label = f"{results.study.name}_{entry.name}"
        if entry.kind == "staggered":
            tables[label] = staggered_table(
                [_design(results, name, title or labels(results.staggered[name][next(iter(results.staggered[name]))].outcome))
                 for name, title in zip(entry.models, entry.column_titles or [""] * len(entry.models))],
                title=entry.title, label=label, extra_notes=[sample_note(results), *notes])
            tables[label] = replace(tables[label], second_row=entry.second_row, digits=entry.digits,
                                    numbers=entry.numbers)
            continue
        tables[label] = _regression_table(results, entry, label, labels, notes)
    return {**tables, **_case_tables(results, simulated)}


def _case_tables(results, simulated: bool) -> dict[str, Table]:
    """Each ``[[cases]]`` entry's facts table and, if it has counterfactuals, their table."""
    tables = {}
    for entry in results.study.cases:
        case = results.cases[entry.name]
        label = f"{results.study.name}_facts_{entry.name}"
        tables[label] = replace(facts_table(case.dossier, simulated=simulated), label=label)
        if case.counterfactuals:
            label = f"{results.study.name}_synth_{entry.name}"
            tables[label] = counterfactuals_table([case], simulated=simulated, start=entry.start, donors=entry.donors,
                                                  label=label)
    return tables


def _regression_table(results, entry, label: str, labels: Labels, notes: list[str]) -> Table:
    """A regression or panels table: one regression table per panel, stacked as Panel A, B ... when declared."""
    if entry.rename:
        labels = Labels({**labels.rename, **dict(entry.rename)}, dict(entry.rename))
    tables = []
    for models in entry.columns:
        columns = [getattr(results[name], "result", results[name]) for name in models]
        controls: tuple[str, ...] = ()
        if entry.controls_row:
            controls = tuple(dict.fromkeys(c for name in models for c in _controls(results, name)))
        tables.append(regression_table(
            columns,
            title=entry.title,
            label=label,
            labels=labels,
            keep=entry.keep,
            drop=entry.drop,
            order=entry.order,
            controls=controls,
            sample_note=sample_note(results),
            column_titles=entry.column_titles,
            extra_notes=[*_bootstrap_notes(results, models, labels), *_randomization_notes(results, models, labels),
                         *([] if entry.panels else notes)],
            extra_rows=entry.extra_rows,
            statistics=entry.statistics,
            row_digits=dict(entry.row_digits),
        ))
    table = tables[0]
    if entry.panels:
        table = stack_panels(tables, titles=[p.title for p in entry.panels], title=entry.title, label=label,
                             shared=entry.shared, column_titles=entry.column_titles, notes=notes)
    return replace(table, second_row=entry.second_row, digits=entry.digits, numbers=entry.numbers)


def _design(results, name: str, title: str) -> StaggeredDesign:
    """A staggered entry's results and coverage as one design of the robustness table."""
    entry = next(s for s in results.study.staggered if s.name == name)
    coverage = results.coverage.get("entries", {}).get(name, {})
    return StaggeredDesign(title, results.staggered[name], cohorts=len(coverage.get("cohorts", {})) or None,
                           excluded=coverage.get("excluded_firms", 0), excluded_reason=coverage.get("excluded_reason", ""),
                           window=entry.window)


def _bootstrap_notes(results, columns, labels: Labels) -> list[str]:
    """One note per wild cluster bootstrap test of a model in ``columns``."""
    notes = []
    for entry in results.study.wild_bootstrap:
        if entry.model not in columns:
            continue
        test = results.wild_bootstrap[entry.name]
        pvalue = f"p < {1 / test.draws:.4f}" if test.pvalue == 0 else f"p = {test.pvalue:.4f}"
        low, high = test.conf_int
        notes.append(
            f"Wild cluster bootstrap (restricted, {test.weights.capitalize()} weights, {test.draws:,} draws, "
            f"clustered by {labels(entry.cluster).lower()}, {test.n_clusters} clusters) for {labels(test.term)} "
            f"in column ({columns.index(entry.model) + 1}): {pvalue}; {test.level:.0%} confidence set "
            f"[{low:.3f}, {high:.3f}]."
        )
    return notes


def randomization_note(test, labels: Labels, column: int | None = None) -> str:
    """The note of one randomization test.

    E.g. "Randomization inference (placebo firms within industry, 999 draws): p = 0.0130 for Treated × Post in column (1)."
    The p-value counts the observed coefficient among the draws, so it is never below 1 / (draws + 1).

    Parameters
    ----------
    test : models.inference.RandomizationResult
    labels : Labels
        Names the term.
    column : int, optional
        The table column (1-based) holding the tested model.
    """
    within = f" within {test.strata}" if test.strata else ""
    where = "" if column is None else f" for {labels(test.term)} in column ({column})"
    return f"Randomization inference (placebo {test.placebo}{within}, {test.draws:,} draws): p = {test.pvalue:.4f}{where}."


def _randomization_notes(results, columns, labels: Labels) -> list[str]:
    """One note per randomization test of a model in ``columns``."""
    return [randomization_note(results.randomization[entry.name], labels, columns.index(entry.model) + 1)
            for entry in results.study.randomization if entry.model in columns]


def _controls(results, name: str) -> tuple[str, ...]:
    for group in (results.study.models, results.study.event_studies, results.study.marginal):
        for entry in group:
            if entry.name == name:
                return tuple(entry.controls)
    return ()


def study_figures(results, *, simulated: bool = False) -> dict[str, Figure]:
    """Every figure the study declares: name -> the figure (drawing function and caption)."""
    figures: dict[str, Figure] = {}
    cutoff = results.panel_options.get("cutoff_year")
    for entry in results.study.figures:
        note = " ".join(n for n in (entry.notes, "95 % confidence intervals.", SIMULATED_NOTE if simulated else "") if n)
        label = f"{results.study.name}_{entry.name}"
        if entry.kind == "event_study":
            series = {}
            for legend, name in zip(entry.labels or entry.sources, entry.sources):
                series.update(_event_series(results, name, legend, several=len(entry.sources) > 1))
            if entry.scale == "percent":
                series = {legend: percent_points(points) for legend, points in series.items()}
            reference = next((results.event_studies[n].reference for n in entry.sources if n in results.event_studies), -1)
            figures[label] = Figure(partial(
                event_study_plot, series, reference=reference, title=entry.title,
                xlabel=entry.xlabel, ylabel=entry.ylabel or ("Effect (%)" if entry.scale == "percent" else "Coefficient"),
                note=note,
            ), entry.title, note)
        elif entry.kind == "permutation":
            test = results.randomization[entry.sources[0]]
            permutation_note = " ".join(n for n in (entry.notes, SIMULATED_NOTE if simulated else "") if n)
            figures[label] = Figure(partial(permutation_histogram, test.distribution, test.observed, title=entry.title,
                                            xlabel=entry.xlabel or "Placebo coefficient", note=permutation_note),
                                    entry.title, permutation_note)
        else:
            series = {label: results[name].by_period.reset_index().rename(columns={results[name].by: "period"})
                      for label, name in zip(entry.labels or entry.sources, entry.sources)}
            figures[label] = Figure(partial(
                marginal_return_plot, series, cutoff=cutoff, title=entry.title,
                xlabel=entry.xlabel or "Year", ylabel=entry.ylabel or "Marginal return", note=note,
            ), entry.title, note)
    return {**figures, **_case_figures(results, simulated)}


def _case_figures(results, simulated: bool) -> dict[str, Figure]:
    """Each ``[[cases]]`` entry's dossier and, per counterfactual, the treated and synthetic paths."""
    note = SIMULATED_NOTE if simulated else ""
    figures = {}
    for name, case in results.cases.items():
        figures[f"{results.study.name}_dossier_{name}"] = Figure(
            partial(dossier_figure, case.dossier, note=note), dossier_caption(case.dossier),
            " ".join(n for n in (DOSSIER_NOTE, note) if n))
        for fit in case.counterfactuals:
            figures[f"{results.study.name}_synth_{name}_{fit.result.outcome}_{fit.result.method}"] = Figure(
                partial(synthetic_figure, fit.result, fit.placebo, note=note), synthetic_caption(name, fit.result), note)
    return figures


def percent_points(points: pd.DataFrame) -> pd.DataFrame:
    """Event-study points (log changes) as percentage changes: estimate and bounds become 100 (exp(v) - 1).

    Examples
    --------
    >>> points = pd.DataFrame({"event_time": [0], "estimate": [0.0], "lower": [-0.1], "upper": [0.1]})
    >>> percent_points(points).round(3).to_dict("records")
    [{'event_time': 0, 'estimate': 0.0, 'lower': -9.516, 'upper': 10.517}]
    """
    columns = ["estimate", "lower", "upper"]
    return points.assign(**{c: 100 * np.expm1(points[c].astype(float)) for c in columns})


def _event_series(results, name: str, legend: str, several: bool) -> dict:
    """Legend -> points of an event study, or of each estimator of a staggered entry."""
    if name in results.event_studies:
        study = results.event_studies[name]
        return {legend: study.coefficients().drop(index=study.reference).reset_index()}
    window = next(s.window for s in results.study.staggered if s.name == name)
    return {(f"{legend}: " if several else "") + ESTIMATOR_LABELS.get(estimator, estimator): event_points(result, window)
            for estimator, result in results.staggered[name].items()}
