"""Sun–Abraham interaction-weighted event study (through the ``diff_diff`` adapter).

A regression of the outcome on cohort × relative-period indicators (reference
period −1, never-treated units as controls) with unit and period fixed
effects, and optional covariates; the event-time effects average the cohort
coefficients with the cohorts' sample shares (fixest's ``sunab``).  Standard
errors are clustered by unit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from models.staggered import diff_diff_adapter
from models.staggered.data import prepare
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
    """
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, covariates=covariates, file=file,
                    never_treated=True)
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
        "standard errors clustered by unit.",
    )
