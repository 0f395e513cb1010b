"""Interaction terms and linear combinations of coefficients with their standard errors.

The returns-to-innovation design needs, for instance, the marginal return of
patents in year t (:math:`\\beta_x + \\beta_{x \\times t}`) and for exposed
firms after 2019 (:math:`\\beta_x + \\beta_{x\\times post} +
\\beta_{x\\times post \\times exposed}`), each with a standard error from the
full covariance: :math:`se = \\sqrt{a' V a}` for weights :math:`a`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, check_columns
from models.distributions import t_quantile, t_sf
from models.result import Result

SEPARATOR = ":"


def interaction_name(columns: Sequence[str]) -> str:
    """Name of the product of ``columns``, e.g. ``"patents:post:exposed"``."""
    return SEPARATOR.join(columns)


def add_interactions(data: pd.DataFrame, terms: Iterable[Sequence[str]]) -> pd.DataFrame:
    """Return a copy of ``data`` with the product of each tuple of columns added.

    Parameters
    ----------
    data : DataFrame
        The data.
    terms : iterable of sequences of str
        E.g. ``[("patents", "post"), ("patents", "post", "exposed")]``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": [1.0, 2.0], "post": [0, 1], "exposed": [1, 1]})
    >>> add_interactions(frame, [("x", "post"), ("x", "post", "exposed")]).columns.tolist()
    ['x', 'post', 'exposed', 'x:post', 'x:post:exposed']
    """
    out = data.copy()
    for columns in terms:
        check_columns(columns, out.columns)
        product = out[columns[0]].astype(float)
        for name in columns[1:]:
            product = product * out[name].astype(float)
        out[interaction_name(columns)] = product
    return out


def add_year_interactions(
    data: pd.DataFrame, x: str, time: str, reference: int
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Add ``x × 1{time == t}`` for every period t but ``reference``.

    Returns the new frame and the mapping period → column name
    (``"x:year=2020"``).
    """
    periods = sorted(int(t) for t in data[time].dropna().unique())
    if reference not in periods:
        raise InputError(f"reference period {reference} is not in the data", column=time,
                         fix=f"choose one of {periods[0]}..{periods[-1]}")
    out = data.copy()
    names = {}
    for period in periods:
        if period == reference:
            continue
        name = f"{x}{SEPARATOR}{time}={period}"
        out[name] = out[x].astype(float) * (out[time] == period).astype(float)
        names[period] = name
    return out, names


@dataclass(frozen=True)
class LinearCombination:
    """An estimate of :math:`a'\\beta` with its standard error and interval."""

    weights: tuple[tuple[str, float], ...]
    estimate: float
    std_error: float
    tstat: float
    pvalue: float
    lower: float
    upper: float


def lincom(result: Result, weights: Mapping[str, float], level: float = 0.95) -> LinearCombination:
    """Estimate a linear combination of coefficients, e.g. ``{"x": 1, "x:post": 1}``.

    Inference uses a t distribution with ``result.df_inference`` degrees of freedom.
    """
    a = np.zeros(len(result.names))
    for name, weight in weights.items():
        if name not in result.names:
            raise InputError(f"no coefficient '{name}' in the model",
                             fix=f"the coefficients are: {', '.join(result.names)}")
        a[result.names.index(name)] = weight
    estimate = float(a @ result.coef)
    se = float(np.sqrt(a @ result.cov_matrix @ a))
    tstat = estimate / se
    half = t_quantile(0.5 + level / 2, result.df_inference) * se
    return LinearCombination(
        weights=tuple(weights.items()),
        estimate=estimate,
        std_error=se,
        tstat=tstat,
        pvalue=float(2 * t_sf(abs(tstat), result.df_inference)),
        lower=estimate - half,
        upper=estimate + half,
    )


def marginal_by_period(result: Result, x: str, interactions: Mapping[int, str], reference: int) -> pd.DataFrame:
    """The marginal effect of ``x`` in each period: :math:`\\beta_x + \\beta_{x\\times t}`.

    Parameters
    ----------
    result : Result
        A model with ``x`` and its period interactions (see :func:`add_year_interactions`).
    x : str
        The main regressor.
    interactions : mapping of int to str
        Period → interaction coefficient name.
    reference : int
        The period without an interaction (its effect is :math:`\\beta_x`).

    Returns
    -------
    DataFrame
        Indexed by period: estimate, std_error, lower, upper, pvalue.
    """
    rows = {reference: lincom(result, {x: 1.0})}
    for period, name in interactions.items():
        rows[period] = lincom(result, {x: 1.0, name: 1.0})
    frame = pd.DataFrame(
        {
            period: {"estimate": c.estimate, "std_error": c.std_error, "lower": c.lower,
                     "upper": c.upper, "pvalue": c.pvalue}
            for period, c in sorted(rows.items())
        }
    ).T
    frame.index.name = "period"
    return frame
