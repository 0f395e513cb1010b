"""Event studies: leads and lags around each unit's first treatment, and exposure × period.

Both build their indicator columns, fit them with :func:`models.fit` (unit and
time fixed effects, clustered by unit, unless told otherwise) and attach the
joint F test that the pre-period coefficients are zero as ``Result.pretrend``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from data_schemas.errors import InputError, check_columns
from models.estimate import fit
from models.marginal import add_year_interactions
from models.result import Result
from models.spec import Spec


def event_term(k: int) -> str:
    """Name of the coefficient of event time ``k``, e.g. ``"event_-2"``."""
    return f"event_{k}"


def event_study(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    first_treated: str,
    window: tuple[int, int] | None = None,
    reference: int = -1,
    bin_endpoints: bool = False,
    controls: Sequence[str] = (),
    fixed_effects: Sequence[str] | None = None,
    cluster: Sequence[str] | None = None,
    vcov: str | None = None,
    weights: str | None = None,
    family: str = "gaussian",
) -> Result:
    """Leads and lags of event time ``time - first_treated`` (a dynamic TWFE regression).

    Parameters
    ----------
    data : DataFrame
        A panel with ``unit``, ``time`` and ``first_treated`` (the period of the
        unit's first treatment; missing for never-treated units, which stay in
        the sample as controls with every indicator zero).
    outcome : str
        Dependent variable.
    unit, time : str
        Panel identifiers.
    first_treated : str
        Column with each unit's first treatment period.
    window : (int, int), optional
        Event times kept, e.g. ``(-4, 4)``; the default is every event time
        observed. Treated observations outside the window are dropped unless
        ``bin_endpoints``, in which case they join the endpoint indicators.
    reference : int
        Omitted event time; −1 by default.
    bin_endpoints : bool
        Bin event times beyond the window into the endpoints.
    controls : sequence of str
        Further regressors.
    fixed_effects, cluster, vcov, weights
        As in :class:`Spec`; default ``(unit, time)`` effects clustered by ``unit``.
    family : {"gaussian", "poisson"}
        Least squares, or Poisson pseudo-maximum likelihood (coefficients are
        then log changes of the expected outcome; the pre-trend test is a
        chi-squared test).

    Returns
    -------
    Result
        Coefficients ``event_k`` for each k in the window but ``reference``, and
        ``pretrend``: the joint test of the leads (k < 0).
    """
    check_columns((unit, time, first_treated, outcome), data.columns)
    # float, so that a nullable first_treated (Int64 with <NA>) gives NaN for
    # never-treated units: their indicators are then 0, not missing
    event_time = data[time].astype(float) - data[first_treated].astype(float)
    treated = event_time.notna()
    observed = event_time[treated]
    if observed.empty:
        raise InputError("no unit is ever treated", column=first_treated, fix="check the treatment column")
    low, high = window if window is not None else (int(observed.min()), int(observed.max()))
    if not low <= reference <= high:
        raise InputError(f"reference period {reference} lies outside the window ({low}, {high})")
    if bin_endpoints:
        event_time = event_time.clip(lower=low, upper=high)
        frame = data.copy()
    else:
        inside = ~treated | event_time.between(low, high)
        frame = data.loc[inside].copy()
        event_time = event_time[inside]
    terms = []
    for k in range(low, high + 1):
        if k != reference:
            frame[event_term(k)] = (event_time == k).astype(float).to_numpy()
            terms.append(event_term(k))
    leads = [event_term(k) for k in range(low, 0) if k != reference]
    return _fit_with_pretrend(frame, outcome, terms, leads, unit, time, controls, fixed_effects, cluster, vcov, weights,
                              family)


def exposure_event_study(
    data: pd.DataFrame,
    outcome: str,
    *,
    exposure: str,
    unit: str,
    time: str,
    reference: int,
    controls: Sequence[str] = (),
    fixed_effects: Sequence[str] | None = None,
    cluster: Sequence[str] | None = None,
    vcov: str | None = None,
    weights: str | None = None,
    family: str = "gaussian",
) -> Result:
    """Continuous-exposure event study: ``exposure × 1{time == t}`` for each t but ``reference``.

    The pre-trend test covers the periods before ``reference``. Other
    parameters as in :func:`event_study`.
    """
    check_columns((unit, time, exposure, outcome), data.columns)
    frame, names = add_year_interactions(data, exposure, time, reference)
    terms = list(names.values())
    leads = [name for period, name in names.items() if period < reference]
    return _fit_with_pretrend(frame, outcome, terms, leads, unit, time, controls, fixed_effects, cluster, vcov, weights,
                              family)


def _fit_with_pretrend(
    frame: pd.DataFrame,
    outcome: str,
    terms: list[str],
    leads: list[str],
    unit: str,
    time: str,
    controls: Sequence[str],
    fixed_effects: Sequence[str] | None,
    cluster: Sequence[str] | None,
    vcov: str | None,
    weights: str | None,
    family: str,
) -> Result:
    spec = Spec(
        outcome,
        (*terms, *controls),
        fixed_effects=(unit, time) if fixed_effects is None else tuple(fixed_effects),
        cluster=(unit,) if cluster is None and vcov in (None, "cluster") else tuple(cluster or ()),
        vcov=vcov,
        weights=weights,
        time=time if vcov == "driscoll-kraay" else None,
        family=family,
    )
    result = fit(frame, spec)
    tested = [name for name in leads if name in result.names]
    return result.with_pretrend(tested) if tested else result
