"""The robustness table of a staggered design: TWFE and the heterogeneity-robust estimators side by side.

Reads only :class:`models.staggered.StaggeredResult`: one column per
estimator (grouped by design when several designs share the table), rows for
the overall ATT and the effects by event time, then the pre-trend test's
p-value, firms, treated firms, cohorts and observations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from models.distributions import normal_sf
from models.staggered import StaggeredResult
from models.staggered import results as staggered_results
from report.table import CoefficientRow, Estimate, Panel, StatisticRow, Table

#: Column titles and legend entries of the estimators.
ESTIMATOR_LABELS = {
    "twfe": "TWFE",
    "sun-abraham": "Sun–Abraham",
    "callaway-santanna": "Callaway–Sant'Anna",
    "imputation": "Imputation (BJS)",
}


@dataclass(frozen=True)
class StaggeredDesign:
    """One design of the table: its estimators' results and the firms behind them.

    Parameters
    ----------
    title : str
        Header over the design's columns (e.g. "Entity-List waves").
    results : mapping of str to StaggeredResult
        Estimator name -> result, in column order.
    cohorts : int, optional
        Number of treatment cohorts.
    excluded : int
        Firms left out before estimating, for ``excluded_reason``.
    excluded_reason : str
        Why they were left out.
    window : (int, int), optional
        Event times shown; all estimated ones by default.
    """

    title: str
    results: Mapping[str, StaggeredResult]
    cohorts: int | None = None
    excluded: int = 0
    excluded_reason: str = ""
    window: tuple[int, int] | None = field(default=None)


def table_estimate(value: staggered_results.Estimate) -> Estimate:
    """A staggered estimate as a table cell; the p-value is two-sided from the normal distribution."""
    z = value.estimate / value.std_error if value.std_error > 0 else np.nan
    return Estimate(value=value.estimate, std_error=value.std_error, pvalue=float(2 * normal_sf(abs(z))),
                    lower=value.lower, upper=value.upper)


def event_times(design: StaggeredDesign) -> list[int]:
    """The event times of the design's rows: every one any estimator gives, within its window."""
    times = sorted({k for result in design.results.values() for k in result.event_time})
    if design.window is not None:
        times = [k for k in times if design.window[0] <= k <= design.window[1]]
    return times


def event_points(result: StaggeredResult, window: tuple[int, int] | None = None) -> pd.DataFrame:
    """``event_time, estimate, lower, upper`` of one estimator, for :func:`report.figures.event_study_plot`."""
    rows = [(k, v.estimate, v.lower, v.upper) for k, v in result.event_time.items()
            if window is None or window[0] <= k <= window[1]]
    return pd.DataFrame(rows, columns=["event_time", "estimate", "lower", "upper"])


def staggered_table(designs: Sequence[StaggeredDesign], *, title: str, label: str,
                    extra_notes: Sequence[str] = ()) -> Table:
    """The robustness table: one column per estimator of each design.

    Parameters
    ----------
    designs : sequence of StaggeredDesign
        Left to right; each spans one column per estimator.
    title, label : str
        Caption and cross-reference key.
    extra_notes : sequence of str
        Further notes, after the generated ones.
    """
    if not designs or not all(design.results for design in designs):
        raise InputError("a staggered table needs at least one design with an estimator")
    columns = [(design, result) for design in designs for result in design.results.values()]
    att = CoefficientRow("att", "ATT", tuple(table_estimate(result.att) for _, result in columns))
    times = sorted({k for design in designs for k in event_times(design)})
    rows = tuple(
        CoefficientRow(f"event_{k}", f"Event time {k}",
                       tuple(table_estimate(result.event_time[k])
                             if k in result.event_time and k in event_times(design) else None
                             for design, result in columns))
        for k in times
    )
    statistics = (
        StatisticRow("Pre-trend test p-value",
                     tuple(None if result.pretrend is None else result.pretrend.pvalue for _, result in columns)),
        StatisticRow("Firms", tuple(result.n_units for _, result in columns), "count"),
        StatisticRow("Treated firms", tuple(result.n_treated_units for _, result in columns), "count"),
        StatisticRow("Cohorts", tuple(design.cohorts for design, _ in columns), "count"),
        StatisticRow("Observations", tuple(result.n_obs for _, result in columns), "count"),
    )
    return Table(
        title=title,
        column_groups=tuple((design.title, len(design.results)) for design in designs),
        panels=(Panel(None, (att,)), Panel("Effect by years since first treatment", rows)),
        statistics=statistics,
        notes=(*_notes(designs), *extra_notes),
        label=label,
        column_titles=tuple(ESTIMATOR_LABELS.get(name, name) for design in designs for name in design.results),
    )


def _notes(designs: Sequence[StaggeredDesign]) -> list[str]:
    """Each estimator's note once; prefixed by the designs it belongs to where designs differ."""
    where: dict[str, list[str]] = {}
    for design in designs:
        for result in design.results.values():
            text = f"{result.note.rstrip('.')}; ATT: {result.att_definition}."
            where.setdefault(text, []).append(design.title)
    notes = [text if len(titles) == len(designs) else f"{', '.join(titles)}: {text}" for text, titles in where.items()]
    notes.append("Stars from two-sided normal p-values. Pre-trend test: joint Wald test that the pre-treatment "
                 "event-time effects are zero.")
    for design in designs:
        if design.excluded:
            notes.append(f"{design.title}: {design.excluded:,} firm{'s' if design.excluded != 1 else ''} "
                         f"left out, {design.excluded_reason}.")
    return notes
