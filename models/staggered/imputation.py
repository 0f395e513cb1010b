"""Borusyak–Jaravel–Spiess imputation estimator (through ``diff_diff``).

Unit and period effects (and covariates) are fitted on the untreated
observations only (never- and not-yet-treated), each treated observation's
effect is its outcome less the imputed untreated outcome, and the effects are
averaged overall and by event time; standard errors are the paper's
conservative clustered ones (unit clusters).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from models.staggered._library import event_estimates, quietly
from models.staggered.data import prepare
from models.staggered.results import Estimate, PretrendTest, StaggeredResult


def imputation(
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
    """Borusyak, Jaravel and Spiess (2024) imputation estimator.

    Parameters are those of :func:`models.staggered.callaway_santanna`.

    Returns
    -------
    StaggeredResult
        ``att``: the average effect over all treated observations;
        ``event_time`` for periods 0, 1, …; ``by_cohort``; the pre-trend test is
        BJS's Wald test of pre-period indicators added to the untreated model
        (chi-squared form, F times its degrees of freedom).
    """
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, covariates=covariates, file=file)
    from diff_diff import ImputationDiD

    model = ImputationDiD(cluster="unit", pretrends=True)
    fitted = quietly(lambda: model.fit(panel.frame, outcome=outcome, unit="unit", time="time", first_treat="cohort",
                                       covariates=list(covariates) or None, aggregate="all"))
    events = {e: v for e, v in fitted.event_study_effects.items() if int(e) >= 0}
    test = quietly(lambda: fitted.pretrend_test(n_leads=leads))
    statistic = float(test["f_stat"]) * int(test["df"])
    pre = PretrendTest(tuple(int(e) for e in test["lead_coefficients"]), statistic, int(test["df"]),
                       float(stats.chi2.sf(statistic, int(test["df"])))) if np.isfinite(statistic) else None
    return StaggeredResult(
        estimator="imputation",
        outcome=outcome,
        att=Estimate.normal(fitted.overall_att, fitted.overall_se),
        att_definition="average effect over all treated observations",
        event_time=event_estimates(events),
        by_cohort={int(g): Estimate.normal(v["effect"], v["se"]) for g, v in (fitted.group_effects or {}).items()},
        pretrend=pre,
        control="notyet",
        n_obs=len(panel.frame),
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        note="Borusyak-Jaravel-Spiess imputation (untreated model with unit and period effects); "
        "conservative standard errors clustered by unit.",
    )
