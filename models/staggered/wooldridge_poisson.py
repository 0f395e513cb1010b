"""Wooldridge's extended TWFE with a Poisson link for staggered adoption (through the ``diff_diff`` adapter).

Wooldridge (2023, "Simple approaches to nonlinear difference-in-differences
with panel data", Econometrics Journal 26(3)) estimates a pooled Poisson
regression of the outcome on cohort and period dummies and an indicator for
each treated cohort g and post-treatment period t ≥ g, whose coefficient
:math:`\\delta_{gt}` shifts the log mean of that cell.  The effect on the
treated in cell (g, t) is on the outcome's own scale,
:math:`ATT(g,t) = \\overline{\\hat\\mu}_{gt}(1 - e^{-\\hat\\delta_{gt}})`, the mean of
the fitted counts less their counterfactual; the overall ATT and the effects by
event time, cohort and period average the cells by their observations, with
delta-method standard errors clustered by unit.  Parallel trends hold in the
log mean, not in levels, and units not yet treated are controls.

``diff_diff.WooldridgeDiD(method="poisson")`` does the work; its cell
coefficients equal :func:`models.poisson.fit_poisson` with the same dummies
absorbed (and with unit instead of cohort effects in a balanced panel), which
tests/test_staggered_wooldridge_poisson.py checks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from models.staggered import diff_diff_adapter
from models.staggered.data import prepare
from models.staggered.event_time import event_estimates
from models.staggered.results import Estimate, StaggeredResult


def wooldridge_poisson(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] = (),
    file: str | None = None,
) -> StaggeredResult:
    """Extended TWFE with a Poisson link (Wooldridge 2023), aggregated on the outcome's scale.

    Parameters
    ----------
    data : DataFrame
        One row per unit and period.
    outcome : str
        A non-negative outcome (counts; non-integers allowed).
    unit, time, cohort : str
        Unit id, period (integers) and first treated period (0 or missing = never treated).
    covariates : sequence of str
        Further regressors entering the linear index (not interacted).
    file : str, optional
        The file the data came from, named in error messages.

    Returns
    -------
    StaggeredResult
        ``att``: the average over treated post-treatment cells of the fitted
        count less its counterfactual, cells weighted by their observations;
        ``event_time`` (0, 1, ...), ``by_cohort`` and ``by_calendar`` the same
        within event times, cohorts and periods; no pre-trend test.

    Raises
    ------
    InputError
        For a negative outcome, or those of :func:`models.staggered.data.prepare`.
    """
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, covariates=covariates, file=file)
    negative = np.flatnonzero(panel.frame[outcome].to_numpy() < 0)
    if len(negative):
        raise InputError("a Poisson outcome cannot be negative", file=file, column=outcome,
                         fix="use counts or other non-negative values (non-integers are allowed)")
    fitted = diff_diff_adapter.wooldridge_poisson(panel)
    cells = {
        cell: Estimate.normal(value.estimate, value.std_error)
        for cell, value in fitted.group_time.items()
        if np.isfinite(value.estimate) and np.isfinite(value.std_error)
    }
    return StaggeredResult(
        estimator="wooldridge-poisson",
        outcome=outcome,
        att=Estimate.normal(fitted.overall.estimate, fitted.overall.std_error),
        att_definition="mean over treated post-treatment cells of the fitted count less its counterfactual "
        "(Poisson extended TWFE), cells weighted by their observations",
        event_time=event_estimates(fitted.event_time),
        by_cohort=event_estimates(fitted.by_cohort),
        by_calendar=event_estimates(fitted.by_calendar),
        group_time=cells,
        control="notyet",
        n_obs=fitted.n_obs,
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        note="Wooldridge (2023) extended TWFE with a Poisson link: cohort and period effects, one log-mean shift per "
        "treated cohort and post-treatment period, effects in counts with delta-method standard errors clustered by "
        "unit; parallel trends in the log mean.",
    )
