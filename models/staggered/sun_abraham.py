"""Sun–Abraham interaction-weighted event study (through ``diff_diff``).

A regression of the outcome on cohort × relative-period indicators (reference
period −1, never-treated units as controls) with unit and period fixed
effects, and optional covariates; the event-time effects average the cohort
coefficients with the cohorts' sample shares (fixest's ``sunab``).  Standard
errors are clustered by unit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from models.staggered._library import event_estimates, pretrend, quietly
from models.staggered.data import prepare
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
    from diff_diff import SunAbraham

    model = SunAbraham(control_group="never_treated", cluster="unit")
    fitted = quietly(lambda: model.fit(panel.frame, outcome=outcome, unit="unit", time="time", first_treat="cohort",
                                       covariates=list(covariates) or None))
    index = [int(e) for e in fitted.event_study_vcov_index]
    estimates = np.array([fitted.event_study_effects[e]["effect"] for e in fitted.event_study_vcov_index])
    return StaggeredResult(
        estimator="sun-abraham",
        outcome=outcome,
        att=Estimate.normal(fitted.overall_att, fitted.overall_se),
        att_definition="post-period cohort x relative-period effects weighted by their observations",
        event_time=event_estimates(fitted.event_study_effects),
        pretrend=pretrend(index, estimates, fitted.event_study_vcov, leads),
        control="never",
        n_obs=len(panel.frame),
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        note="Sun-Abraham interaction-weighted event study (never-treated controls, reference period -1); "
        "standard errors clustered by unit.",
    )
