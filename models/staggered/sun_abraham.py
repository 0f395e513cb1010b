"""Sun–Abraham interaction-weighted event study (through the ``diff_diff`` adapter).

A regression of the outcome on cohort × relative-period indicators (reference
period −1, never-treated units as controls) with unit and period fixed
effects, and optional covariates; the event-time effects average the cohort
coefficients with the cohorts' sample shares (fixest's ``sunab``).  Standard
errors are clustered by unit.

A cohort none of whose units is observed in its reference period (the
period before treatment) is left out, with a warning: its cohort × period
effects are not identified relative to that period (its indicators add up to
its units' fixed effects), and the library returns standard errors in the
thousands for them (seen in the 1,000-firm demo at seed 41, a single-unit
cohort missing that year: an ATT standard error of 4,650 against 0.048 at the
other seeds).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from data_schemas.errors import InputError
from models.staggered import diff_diff_adapter
from models.staggered.data import StaggeredData, prepare
from models.staggered.event_time import event_estimates, pretrend
from models.staggered.results import Estimate, StaggeredResult


def sun_abraham(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] = (),
    leads: int | None = None,
    file: str | None = None,
) -> StaggeredResult:
    """Sun and Abraham (2021) interaction-weighted estimator.

    Parameters are those of :func:`models.staggered.callaway_santanna` (the
    controls are always the never-treated units).

    Returns
    -------
    StaggeredResult
        ``att``: the post-period cohort × period effects weighted by their
        number of observations; ``event_time`` with −1 as reference;
        ``by_cohort``: each cohort's post-period average.

    Warns
    -----
    UserWarning
        When cohorts unobserved in their reference period are left out (see the module docstring).
    """
    panel, unidentified = _without_unidentified_cohorts(
        prepare(data, outcome, unit=unit, time=time, cohort=cohort, covariates=covariates, file=file,
                never_treated=True))
    left_out = (f"; cohorts unobserved in their reference period left out: {', '.join(map(str, unidentified))}"
                if unidentified else "")
    fitted = diff_diff_adapter.sun_abraham(panel)
    return StaggeredResult(
        estimator="sun-abraham",
        outcome=outcome,
        att=Estimate.normal(fitted.overall.estimate, fitted.overall.std_error),
        att_definition="post-period cohort x relative-period effects weighted by their observations",
        event_time=event_estimates(fitted.event_time),
        pretrend=pretrend(fitted.event_study, leads),
        control="never",
        n_obs=len(panel.frame),
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        note="Sun-Abraham interaction-weighted event study (never-treated controls, reference period -1); "
        f"standard errors clustered by unit{left_out}.",
    )


def _without_unidentified_cohorts(panel: StaggeredData) -> tuple[StaggeredData, list[int]]:
    """The panel without the cohorts none of whose units is observed in period cohort − 1, and those cohorts."""
    frame = panel.frame
    treated = frame.loc[frame["cohort"] > 0]
    observed = (treated["time"] == treated["cohort"] - 1).groupby(treated["cohort"]).any()
    unidentified = sorted(int(c) for c in observed.index[~observed])
    if not unidentified:
        return panel, []
    if len(unidentified) == len(observed):
        raise InputError("Sun-Abraham: no treated cohort is observed in the period before its treatment (the "
                         "reference period), so no effect is identified",
                         fix="use an estimator without a reference period (e.g. imputation) or a panel with those years")
    warnings.warn(f"Sun-Abraham leaves out cohort(s) {', '.join(map(str, unidentified))}: no unit of theirs is "
                  "observed in the period before its treatment (the reference period), so their effects are not "
                  "identified; the other estimators keep them", stacklevel=3)
    return replace(panel, frame=frame.loc[~frame["cohort"].isin(unidentified)]), unidentified
