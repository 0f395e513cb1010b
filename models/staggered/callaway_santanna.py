"""Callaway–Sant'Anna group-time ATTs and their aggregations (through the ``diff_diff`` adapter).

``diff_diff.CallawaySantAnna`` follows R's ``did::att_gt``/``aggte``: each
ATT(g, t) compares cohort g with the never-treated (or not-yet-treated) units
between t and the period before g (the "varying" base period for pre-periods),
without covariates or with them by outcome regression, inverse probability
weighting or the doubly robust estimator; analytic standard errors come from
the influence functions, clustered by unit; the multiplier bootstrap gives
uniform bands.  Agreement with the published output of ``did`` and Stata's
``csdid`` on ``mpdta`` is tested in ``tests/test_staggered_reference.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, check_choice
from models.staggered import cs_aggregation, cs_cells, diff_diff_adapter
from models.staggered.data import StaggeredData, check_control, prepare
from models.staggered.event_time import event_estimates, pretrend
from models.staggered.results import Estimate, StaggeredResult

#: Estimators of each 2x2 comparison when covariates are given.
METHODS = ("reg", "ipw", "dr")


def unbalanced_warning(panel: StaggeredData) -> str:
    """Why Callaway-Sant'Anna on an unbalanced panel can differ from the regression-based estimators."""
    periods = panel.frame["time"].nunique()
    complete = int((panel.frame.groupby("unit")["time"].nunique() == periods).sum())
    return (f"Callaway-Sant'Anna runs on an unbalanced panel ({complete} of {panel.n_units} units observed in all "
            f"{periods} periods): each ATT(g,t) compares the units observed at t with those observed in the base "
            "period (R did's allow_unbalanced_panel), so a change in which units are observed enters the effects; "
            "compare it with the imputation and Sun-Abraham estimates, which follow each unit")


def callaway_santanna(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] = (),
    control: str = "never",
    method: str = "dr",
    bootstrap: int = 0,
    seed: int | None = None,
    leads: int | None = None,
    file: str | None = None,
) -> StaggeredResult:
    """Callaway and Sant'Anna (2021) difference-in-differences with staggered adoption.

    Parameters
    ----------
    data : DataFrame
        A long panel, one row per unit and period.
    outcome, unit, time, cohort : str
        Columns; ``cohort`` is each unit's first treated period (0 or missing =
        never treated).
    covariates : sequence of str
        Covariates of conditional parallel trends (their base-period values).
    control : {"never", "notyet"}
        Never-treated units, or never- and not-yet-treated units, as controls.
    method : {"reg", "ipw", "dr"}
        Outcome regression, inverse probability weighting or doubly robust (the
        three coincide without covariates).
    bootstrap : int
        Multiplier-bootstrap draws; 0 (default) gives analytic standard errors
        and pointwise intervals, more gives bootstrap standard errors and
        uniform bands over event times.
    seed : int, optional
        Seed of the bootstrap.
    leads : int, optional
        Number of pre-period event times, those nearest the treatment, in the
        joint pre-trend test; all of them by default (far leads rest on the
        few treated units of the earliest cohorts).
    file : str, optional
        Named in error messages.

    Returns
    -------
    StaggeredResult
        ``att``: the simple aggregation (ATT(g, t) for t ≥ g weighted by cohort
        size); ``event_time``, ``by_cohort``, ``by_calendar`` and
        ``group_time``; ``averages``: the overall averages of the cohort,
        event-time and calendar aggregations (see
        :func:`models.staggered.cs_aggregation.averages`); the pre-trend test of
        the pre-period event-time effects.  Calendar effects and the averages
        always carry analytic standard errors.  Unbalanced panels are used as
        they are (``allow_unbalanced_panel``), with a warning: the units
        observed at t and at the base period then differ.  Where the cells' influence
        functions cannot be computed (covariates collinear within a
        comparison, a propensity score that does not converge), calendar
        effects and averages are left out and the note says why.

    Raises
    ------
    InputError
        For bad input (see :func:`models.staggered.data.prepare`), and for
        outcome regression with covariates on an unbalanced panel, whose
        standard errors diff-diff 3.13 understates.
    """
    check_control(control)
    check_choice(method, METHODS, what="method")
    if bootstrap < 0:
        raise InputError(f"bootstrap draws must be zero or more, got {bootstrap}")
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, covariates=covariates, file=file,
                    never_treated=control == "never")
    if covariates and method == "reg" and not panel.balanced:
        raise InputError("outcome regression ('reg') with covariates is not available on an unbalanced panel: "
                         "diff-diff 3.13 scales the control regressions' estimation effect down by the number of "
                         "observations, so its standard errors would be too small", file=file,
                         fix="use method 'dr' or 'ipw', or a balanced panel")
    if not panel.balanced:
        warnings.warn(unbalanced_warning(panel), UserWarning, stacklevel=2)
    fitted = diff_diff_adapter.callaway_santanna(panel, control=control, method=method, bootstrap=bootstrap,
                                                 seed=seed)
    critical = fitted.uniform_critical
    cells = {
        cell: Estimate.normal(value.estimate, value.std_error)
        for cell, value in fitted.group_time.items()
        if np.isfinite(value.estimate) and np.isfinite(value.std_error)
    }
    inference = f"multiplier bootstrap ({bootstrap} draws), uniform bands over event times" if bootstrap else (
        "analytic influence-function standard errors clustered by unit, pointwise 95% intervals")
    try:
        cells_influence = cs_aggregation.CellInfluence(cs_cells.group_time_cells(panel, control, method))
    except cs_cells.CellsUnavailable as reason:
        calendar: dict[int, Estimate] = {}
        averages: dict[str, Estimate] = {}
        inference += f"; calendar-period effects and overall averages not computed ({reason})"
    else:
        calendar = {t: cells_influence.estimate(value)
                    for t, value in cs_aggregation.by_calendar(cells_influence).items()}
        averages = cs_aggregation.averages(cells_influence)
        if bootstrap:
            inference += "; analytic standard errors for calendar periods and averages"
    return StaggeredResult(
        estimator="callaway-santanna",
        outcome=outcome,
        att=Estimate.normal(fitted.overall.estimate, fitted.overall.std_error),
        att_definition="ATT(g,t) for t >= g averaged with weights proportional to cohort size (did's 'simple')",
        event_time=event_estimates(fitted.event_time, critical),
        by_cohort={g: Estimate.normal(v.estimate, v.std_error) for g, v in fitted.by_cohort.items()},
        by_calendar=calendar,
        averages=averages,
        group_time=cells,
        pretrend=pretrend(fitted.event_study, leads),
        control=control,
        n_obs=len(panel.frame),
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        uniform_critical=critical,
        note=f"Callaway-Sant'Anna ({method}, {'never' if control == 'never' else 'not-yet'}-treated controls, "
        f"varying base period); {inference}.",
    )
