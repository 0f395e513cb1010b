"""Borusyak–Jaravel–Spiess imputation estimator (through the ``diff_diff`` adapter).

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

from models.distributions import chi2_sf
from models.staggered import diff_diff_adapter
from models.staggered.data import prepare
from models.staggered.event_time import event_estimates
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
    fitted = diff_diff_adapter.imputation(panel, leads)
    test = fitted.lead_test
    statistic = test.f_statistic * test.df
    pre = PretrendTest(test.event_times, statistic, test.df,
                       chi2_sf(statistic, test.df)) if np.isfinite(statistic) else None
    return StaggeredResult(
        estimator="imputation",
        outcome=outcome,
        att=Estimate.normal(fitted.overall.estimate, fitted.overall.std_error),
        att_definition="average effect over all treated observations",
        event_time=event_estimates({e: v for e, v in fitted.event_time.items() if e >= 0}),
        by_cohort={g: Estimate.normal(v.estimate, v.std_error) for g, v in fitted.by_cohort.items()},
        pretrend=pre,
        control="notyet",
        n_obs=len(panel.frame),
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        note="Borusyak-Jaravel-Spiess imputation (untreated model with unit and period effects); "
        "conservative standard errors clustered by unit.",
    )
