"""Two-way fixed effects, in the staggered results' form, for side-by-side tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from models.event_study import event_study
from models.fixed_effects import fit
from models.spec import Spec
from models.staggered._library import nearest_leads
from models.staggered.data import prepare
from models.staggered.results import Estimate, PretrendTest, StaggeredResult


def twfe(
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
    """Static and dynamic TWFE: ``att`` is the coefficient of treated × post, ``event_time`` the leads and lags.

    Both regressions have unit and period fixed effects and standard errors
    clustered by unit (CRV1, :func:`models.fit`); the event study omits period
    −1 and keeps every observed event time; the pre-trend test is its joint
    test of the leads (reported in chi-squared form).
    """
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, covariates=covariates, file=file)
    frame = panel.frame.assign(
        treated_post=((panel.frame["cohort"] > 0) & (panel.frame["time"] >= panel.frame["cohort"])).astype(float),
        first_treated=panel.frame["cohort"].where(panel.frame["cohort"] > 0),
    )
    static = fit(frame, Spec(outcome, ("treated_post", *covariates), fixed_effects=("unit", "time"), cluster=("unit",)))
    dynamic = event_study(frame, outcome, unit="unit", time="time", first_treated="first_treated", controls=covariates)
    z = float(np.abs(dynamic.conf_int().iloc[0, 0] - dynamic.params.iloc[0]) / dynamic.std_errors.iloc[0])
    events = {
        int(name.removeprefix("event_")): Estimate.normal(dynamic.params[name], dynamic.std_errors[name], z)
        for name in dynamic.names if name.startswith("event_")
    }
    test = dynamic.pretrend
    terms = [] if test is None else nearest_leads(
        list(test.terms), [int(name.removeprefix("event_")) for name in test.terms], leads)
    pre = None if not terms else PretrendTest.from_estimates(
        [int(name.removeprefix("event_")) for name in terms],
        dynamic.params[terms].to_numpy(),
        dynamic.cov.loc[terms, terms].to_numpy(),
    )
    t_static = float(np.abs(static.conf_int().loc["treated_post", "lower"] - static.params["treated_post"])
                     / static.std_errors["treated_post"])
    return StaggeredResult(
        estimator="twfe",
        outcome=outcome,
        att=Estimate.normal(static.params["treated_post"], static.std_errors["treated_post"], t_static),
        att_definition="coefficient of treated x post with unit and period fixed effects",
        event_time=events,
        pretrend=pre,
        control="all",
        n_obs=static.nobs,
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        note="Two-way fixed effects (unit and period); " + static.vcov_note,
    )
