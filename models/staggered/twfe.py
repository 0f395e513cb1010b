"""Two-way fixed effects, in the staggered results' form, for side-by-side tables."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from models.event_study import event_study, event_term
from models.fixed_effects import fit
from models.spec import Spec
from models.staggered.data import prepare
from models.staggered.event_time import nearest_leads
from models.staggered.results import Estimate, PretrendTest, StaggeredResult

#: The event time left out of the dynamic regression.
REFERENCE = -1


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
    test of the leads (reported in chi-squared form).  Intervals use the
    regressions' t critical values.
    """
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, covariates=covariates, file=file)
    frame = panel.frame.assign(
        treated_post=((panel.frame["cohort"] > 0) & (panel.frame["time"] >= panel.frame["cohort"])).astype(float),
        first_treated=panel.frame["cohort"].where(panel.frame["cohort"] > 0),
    )
    static = fit(frame, Spec(outcome, ("treated_post", *covariates), fixed_effects=("unit", "time"), cluster=("unit",)))
    observed = frame["time"] - frame["first_treated"]
    window = (int(observed.min()), int(observed.max()))
    dynamic = event_study(frame, outcome, unit="unit", time="time", first_treated="first_treated", controls=covariates,
                          window=window, reference=REFERENCE)
    terms = {k: event_term(k) for k in range(window[0], window[1] + 1)
             if k != REFERENCE and event_term(k) in dynamic.names}
    critical = dynamic.critical_value()
    events = {k: Estimate.normal(dynamic.params[name], dynamic.std_errors[name], critical) for k, name in terms.items()}
    tested = set() if dynamic.pretrend is None else set(dynamic.pretrend.terms)
    pre_periods = [k for k, name in terms.items() if name in tested]
    pre_periods = nearest_leads(pre_periods, pre_periods, leads)
    names = [terms[k] for k in pre_periods]
    pre = None if not pre_periods else PretrendTest.from_estimates(
        pre_periods, dynamic.params[names].to_numpy(), dynamic.cov.loc[names, names].to_numpy())
    return StaggeredResult(
        estimator="twfe",
        outcome=outcome,
        att=Estimate.normal(static.params["treated_post"], static.std_errors["treated_post"], static.critical_value()),
        att_definition="coefficient of treated x post with unit and period fixed effects",
        event_time=events,
        pretrend=pre,
        control="all",
        n_obs=static.nobs,
        n_units=panel.n_units,
        n_treated_units=panel.n_treated_units,
        note="Two-way fixed effects (unit and period); " + static.vcov_note,
    )
