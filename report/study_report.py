"""A study's results as the tables and figures its TOML file declares.

Reads only :class:`models.studies.StudyResults`: the table declarations pick
models (or event studies) as columns, the figure declarations pick event
studies or marginal-effect entries as series.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from report.figures import event_study_plot, marginal_return_plot
from report.regression import Labels, regression_table
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
        columns = [getattr(results[name], "result", results[name]) for name in entry.models]
        controls: tuple[str, ...] = ()
        if entry.controls_row:
            controls = tuple(dict.fromkeys(c for name in entry.models for c in _controls(results, name)))
        notes = [n for n in (entry.notes, SIMULATED_NOTE if simulated else "") if n]
        label = f"{results.study.name}_{entry.name}"
        tables[label] = regression_table(
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
            extra_notes=notes,
        )
    return tables


def _controls(results, name: str) -> tuple[str, ...]:
    for group in (results.study.models, results.study.event_studies, results.study.marginal):
        for entry in group:
            if entry.name == name:
                return tuple(entry.controls)
    return ()


def study_figures(results, *, simulated: bool = False) -> dict[str, Callable[[Path], list[Path]]]:
    """Every figure the study declares: name -> function drawing it to a stem."""
    figures = {}
    cutoff = results.panel_options.get("cutoff_year")
    for entry in results.study.figures:
        note = " ".join(n for n in (entry.notes, "95 % confidence intervals.", SIMULATED_NOTE if simulated else "") if n)
        label = f"{results.study.name}_{entry.name}"
        if entry.kind == "event_study":
            studies = [results[name] for name in entry.sources]
            series = {label: s.coefficients().drop(index=s.reference).reset_index()
                      for label, s in zip(entry.labels or entry.sources, studies)}
            figures[label] = partial(
                event_study_plot, series, reference=studies[0].reference, title=entry.title,
                xlabel=entry.xlabel, ylabel=entry.ylabel or "Coefficient", note=note,
            )
        else:
            series = {label: results[name].by_period.reset_index().rename(columns={results[name].by: "period"})
                      for label, name in zip(entry.labels or entry.sources, entry.sources)}
            figures[label] = partial(
                marginal_return_plot, series, cutoff=cutoff, title=entry.title,
                xlabel=entry.xlabel or "Year", ylabel=entry.ylabel or "Marginal return", note=note,
            )
    return figures
