r"""Callaway–Sant'Anna's ATT(g, t) cells and their influence functions, computed here.

Each cell compares cohort g with its control units (never treated, or never
and not yet treated at both periods) between period t and a base period: the
period before t for pre-periods, the last period before g otherwise (the
"varying" base period).  The influence function :math:`\psi` of a cell is
kept over all sampling rows, scaled so that its variance is
:math:`\sum_i \psi_i^2` (R ``did``'s ``bstrap = FALSE`` convention), which is
what the aggregations in :mod:`models.staggered.cs_aggregation` combine.

On a balanced panel the rows are units and each cell is a comparison of the
units' changes ``y_t - y_base``:

* without covariates, a difference in means (``reg``, ``ipw`` and ``dr``
  coincide);
* ``reg``: outcome regression on the controls' base-period covariates
  (DRDID's ``reg_did_panel``), with the estimation effect of the regression
  in the controls' influence;
* ``ipw``: a logit propensity score, trimmed to [0.01, 0.99], and
  normalised odds weights on the controls (DRDID's ``std_ipw_did_panel``),
  with the estimation effect of the logit;
* ``dr``: outcome regression plus the odds-weighted control residuals, in
  diff-diff's form (the augmentation is divided by the number of treated
  units), with the estimation effects of both first steps.

These follow diff-diff 3.13 term by term, so that the aggregations combine
the same influence functions as diff-diff's own cells and standard errors.

On an unbalanced panel (R's ``allow_unbalanced_panel``) the rows are
observations, each cell compares the treated and control observations at t
and at the base period as repeated cross-sections (covariates taken in each
observation's own period), and standard errors cluster the rows by unit:

* without covariates, the difference of the four means;
* ``ipw``: DRDID's ``std_ipw_did_rc``, one logit on the four groups pooled;
* ``dr``: DRDID's locally efficient ``drdid_rc``, with outcome regressions
  in each of the four groups;
* ``reg`` (DRDID's ``reg_did_rc``) is not covered: diff-diff 3.13 understates
  the estimation effect of its control regressions, so there is nothing
  consistent to aggregate (:func:`group_time_cells` raises
  :class:`CellsUnavailable`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from models.staggered.data import StaggeredData

#: Propensity scores are trimmed to [PSCORE_TRIM, 1 - PSCORE_TRIM] (diff-diff's default).
PSCORE_TRIM = 0.01

#: Newton steps of the logit stop when no coefficient moves by more than this (relative to their size).
LOGIT_TOLERANCE = 1e-10

#: At most this many Newton steps.
LOGIT_MAX_STEPS = 100

Cell = tuple[int, int]


class CellsUnavailable(Exception):
    """The cells' influence functions are not computed for this panel or specification."""


@dataclass(frozen=True)
class Cells:
    """ATT(g, t) cells and their influence functions over the sampling rows.

    Attributes
    ----------
    estimates : dict of (int, int) to float
        ATT(g, t) of every estimable cell.
    influence : dict of (int, int) to ndarray
        Each cell's influence function, one value per row.
    row_cohort : ndarray
        The cohort of each row (0 = never treated).
    row_unit : ndarray
        The unit (coded 0, 1, ...) of each row.
    n_units : int
        Number of units.
    pooled : bool
        Whether rows are observations of an unbalanced panel (standard errors
        cluster them by unit) rather than units.
    """

    estimates: dict[Cell, float]
    influence: dict[Cell, np.ndarray]
    row_cohort: np.ndarray
    row_unit: np.ndarray
    n_units: int
    pooled: bool

    def unit_share(self) -> np.ndarray:
        """Each row's share of its unit: 1 on a balanced panel, 1 / (the unit's observations) otherwise."""
        return 1.0 / np.bincount(self.row_unit, minlength=self.n_units)[self.row_unit]

    def cohort_sizes(self) -> dict[int, int]:
        """Number of units in each cohort (0 = never treated)."""
        first = np.unique(self.row_unit, return_index=True)[1]
        cohorts, counts = np.unique(self.row_cohort[first], return_counts=True)
        return dict(zip(cohorts.tolist(), counts.tolist()))

    def std_error(self, psi: np.ndarray) -> float:
        r"""Standard error of a statistic with influence function ``psi``.

        :math:`\sqrt{\sum_i \psi_i^2}` over units; on an unbalanced panel the
        cluster-robust form over units,
        :math:`\sqrt{G/(G-1)\,\sum_j (\Psi_j - \bar\Psi)^2}` with
        :math:`\Psi_j` the sum of unit j's rows.
        """
        if not self.pooled:
            return float(np.sqrt(np.sum(psi**2)))
        by_unit = np.bincount(self.row_unit, weights=psi, minlength=self.n_units)
        centered = by_unit - by_unit.mean()
        return float(np.sqrt(self.n_units / (self.n_units - 1) * np.sum(centered**2)))


def group_time_cells(data: StaggeredData, control: str, method: str) -> Cells:
    """Estimate every ATT(g, t) cell and its influence function.

    Parameters
    ----------
    data : StaggeredData
        The coded panel (:func:`models.staggered.data.prepare`).
    control : {"never", "notyet"}
        Never-treated, or never- and not-yet-treated, comparison units.
    method : {"reg", "ipw", "dr"}
        Estimator of each comparison when ``data`` has covariates.

    Returns
    -------
    Cells

    Raises
    ------
    CellsUnavailable
        For outcome regression with covariates on an unbalanced panel,
        covariates collinear within a comparison, or a propensity score whose
        logit does not converge.
    """
    periods = sorted(int(t) for t in data.frame["time"].unique())
    if data.balanced:
        return _panel_cells(data, periods, control, method)
    if data.covariates and method not in _POOLED_ESTIMATORS:
        raise CellsUnavailable("outcome regression with covariates on unbalanced panels is not covered")
    return _pooled_cells(data, periods, control, method)


def _comparisons(cohorts: np.ndarray, periods: list[int],
                 control: str) -> Iterator[tuple[int, int, int, Callable[[np.ndarray], np.ndarray]]]:
    """Each cell (g, t), its base period and its control rule (a function of the rows' cohorts)."""
    for g in sorted(int(c) for c in np.unique(cohorts) if c > 0):
        for t in periods[1:]:
            threshold = g if t >= g else t
            base = periods[bisect.bisect_left(periods, threshold) - 1]
            latest = max(t, base)

            def is_control(row_cohort: np.ndarray, g: int = g, latest: int = latest) -> np.ndarray:
                never = row_cohort == 0
                return never if control == "never" else never | ((row_cohort > latest) & (row_cohort != g))

            yield g, t, base, is_control


def _panel_cells(data: StaggeredData, periods: list[int], control: str, method: str) -> Cells:
    frame = data.frame
    wide = {name: frame.pivot(index="unit", columns="time", values=name) for name in (data.outcome, *data.covariates)}
    outcome = wide[data.outcome]
    cohort = frame.groupby("unit")["cohort"].first().reindex(outcome.index).to_numpy()
    n_units = len(cohort)
    estimator = _PANEL_ESTIMATORS[method] if data.covariates else _difference_in_means
    estimates, influence = {}, {}
    for g, t, base, is_control in _comparisons(cohort, periods, control):
        treated, controls = cohort == g, is_control(cohort)
        if not treated.any() or not controls.any():
            continue
        change = (outcome[t] - outcome[base]).to_numpy()
        covariates = np.column_stack([wide[name][base].to_numpy() for name in data.covariates]) \
            if data.covariates else np.empty((n_units, 0))
        att, psi_treated, psi_control = estimator(change[treated], change[controls], covariates[treated],
                                                  covariates[controls])
        if not np.isfinite(att):
            continue
        psi = np.zeros(n_units)
        psi[treated], psi[controls] = psi_treated, psi_control
        estimates[(g, t)], influence[(g, t)] = att, psi
    return Cells(estimates, influence, cohort, np.arange(n_units), n_units, pooled=False)


def _pooled_cells(data: StaggeredData, periods: list[int], control: str, method: str) -> Cells:
    frame = data.frame
    units, row_unit = np.unique(frame["unit"].to_numpy(), return_inverse=True)
    time, cohort = frame["time"].to_numpy(), frame["cohort"].to_numpy()
    y = frame[data.outcome].to_numpy(dtype=float)
    x = frame[list(data.covariates)].to_numpy(dtype=float)
    estimator = _POOLED_ESTIMATORS[method] if data.covariates else _four_means
    estimates, influence = {}, {}
    for g, t, base, is_control in _comparisons(cohort, periods, control):
        treated, controls = cohort == g, is_control(cohort)
        groups = [treated & (time == t), treated & (time == base), controls & (time == t), controls & (time == base)]
        if any(not rows.any() for rows in groups):
            continue
        att, parts = estimator(Quarters(*(y[rows] for rows in groups)), Quarters(*(x[rows] for rows in groups)))
        if not np.isfinite(att):
            continue
        psi = np.zeros(len(y))
        for rows, part in zip(groups, parts):
            psi[rows] = part
        estimates[(g, t)], influence[(g, t)] = att, psi
    return Cells(estimates, influence, cohort, row_unit, len(units), pooled=True)


Comparison = tuple[float, np.ndarray, np.ndarray]


def _difference_in_means(dy_t: np.ndarray, dy_c: np.ndarray, x_t: np.ndarray, x_c: np.ndarray) -> Comparison:
    """Treated minus control mean change (no covariates)."""
    mean_t, mean_c = float(np.mean(dy_t)), float(np.mean(dy_c))
    return mean_t - mean_c, (dy_t - mean_t) / len(dy_t), -(dy_c - mean_c) / len(dy_c)


def _outcome_regression(dy_t: np.ndarray, dy_c: np.ndarray, x_t: np.ndarray, x_c: np.ndarray) -> Comparison:
    """DRDID's ``reg_did_panel``: the treated changes minus the controls' regression prediction."""
    design_c = _with_intercept(x_c)
    beta = _least_squares(design_c, dy_c)
    residual_t = dy_t - _with_intercept(x_t) @ beta
    residual_c = dy_c - design_c @ beta
    att = float(np.mean(residual_t))
    mean_c = x_c.mean(axis=0)
    centered = x_c - mean_c
    projection = 1.0 / len(dy_c) + centered @ _solve(centered.T @ centered, x_t.mean(axis=0) - mean_c)
    return att, (residual_t - att) / len(dy_t), -residual_c * projection


def _inverse_probability(dy_t: np.ndarray, dy_c: np.ndarray, x_t: np.ndarray, x_c: np.ndarray) -> Comparison:
    """DRDID's ``std_ipw_did_panel``: treated mean minus the odds-weighted control mean (weights normalised)."""
    n_t = len(dy_t)
    design, treated, score = _propensity(x_t, x_c)
    odds = score[n_t:] / (1 - score[n_t:])
    weights = odds / np.sum(odds)
    mean_t, mean_c = float(np.mean(dy_t)), float(np.sum(weights * dy_c))
    psi = np.concatenate([(dy_t - mean_t) / n_t, -weights * (dy_c - mean_c)])
    moment = np.sum((weights * (dy_c - mean_c))[:, None] * design[n_t:], axis=0)
    psi -= _logit_effect(design, treated, score, moment)
    return mean_t - mean_c, psi[:n_t], psi[n_t:]


def _doubly_robust(dy_t: np.ndarray, dy_c: np.ndarray, x_t: np.ndarray, x_c: np.ndarray) -> Comparison:
    """Outcome regression plus odds-weighted control residuals, both divided by the number of treated units."""
    n_t = len(dy_t)
    design_t, design_c = _with_intercept(x_t), _with_intercept(x_c)
    beta = _least_squares(design_c, dy_c)
    fitted_t, fitted_c = design_t @ beta, design_c @ beta
    design, treated, score = _propensity(x_t, x_c)
    odds = score[n_t:] / (1 - score[n_t:])
    att = float(np.mean(dy_t - fitted_t)) + float(np.sum(odds * (fitted_c - dy_c)) / n_t)
    psi = np.concatenate([(dy_t - fitted_t - att) / n_t, odds * (fitted_c - dy_c) / n_t])
    moment = np.sum(((odds / n_t) * (fitted_c - dy_c))[:, None] * design[n_t:], axis=0)
    psi += _logit_effect(design, treated, score, moment)
    regression_moment = (-np.sum(design_t, axis=0) + np.sum(odds[:, None] * design_c, axis=0)) / n_t
    psi[n_t:] += ((dy_c - fitted_c)[:, None] * design_c) @ _solve(design_c.T @ design_c, regression_moment)
    return att, psi[:n_t], psi[n_t:]


_PANEL_ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], Comparison]] = {
    "reg": _outcome_regression,
    "ipw": _inverse_probability,
    "dr": _doubly_robust,
}


def _with_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x])


def _least_squares(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise CellsUnavailable("covariates are collinear among the control units of a comparison")
    return np.linalg.lstsq(design, y, rcond=None)[0]


def _solve(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    if np.linalg.matrix_rank(matrix) < matrix.shape[0]:
        raise CellsUnavailable("covariates are collinear within a comparison")
    return np.linalg.solve(matrix, vector)


def _propensity(x_t: np.ndarray, x_c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The logit design (treated rows first), the treatment indicator and the trimmed propensity scores."""
    design = _with_intercept(np.vstack([x_t, x_c]))
    treated = np.concatenate([np.ones(len(x_t)), np.zeros(len(x_c))])
    return design, treated, np.clip(_logit(design, treated), PSCORE_TRIM, 1 - PSCORE_TRIM)


def _logit(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fitted probabilities of a logit by Newton's method from zero."""
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise CellsUnavailable("covariates are collinear in a propensity score")
    beta = np.zeros(design.shape[1])
    for _ in range(LOGIT_MAX_STEPS):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        step = np.linalg.solve(design.T @ ((p * (1 - p))[:, None] * design), design.T @ (y - p))
        beta = beta + step
        if np.max(np.abs(step)) <= LOGIT_TOLERANCE * (1.0 + np.max(np.abs(beta))):
            return 1.0 / (1.0 + np.exp(-(design @ beta)))
    raise CellsUnavailable(f"a propensity score's logit did not converge in {LOGIT_MAX_STEPS} steps")


def _logit_effect(design: np.ndarray, treated: np.ndarray, score: np.ndarray, moment: np.ndarray) -> np.ndarray:
    """The estimation effect of the logit on a statistic whose derivative in its coefficients is ``moment``."""
    n = len(treated)
    hessian = design.T @ ((score * (1 - score))[:, None] * design) / n
    return (treated - score) * (design @ _solve(hessian, moment)) / n



@dataclass(frozen=True)
class Quarters:
    """Four groups of a repeated cross-section comparison: treated and control rows at t and at the base period."""

    treated_t: np.ndarray
    treated_base: np.ndarray
    control_t: np.ndarray
    control_base: np.ndarray

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.treated_t, self.treated_base, self.control_t, self.control_base))


PooledComparison = tuple[float, list[np.ndarray]]


def _four_means(y: Quarters, x: Quarters) -> PooledComparison:
    """(Treated minus control mean at t) minus (the same at the base period), without covariates."""
    att, parts = 0.0, []
    for values, sign in zip(y, (1.0, -1.0, -1.0, 1.0)):
        mean = float(np.mean(values))
        att += sign * mean
        parts.append(sign * (values - mean) / len(values))
    return att, parts


def _pooled_inverse_probability(y: Quarters, x: Quarters) -> PooledComparison:
    """DRDID's ``std_ipw_did_rc``: treated means minus odds-weighted control means, at t and at the base period."""
    design, treated, score = _pooled_propensity(x)
    odds_t, odds_base = _control_odds(y, score)
    mean_t, mean_base = float(np.mean(y.treated_t)), float(np.mean(y.treated_base))
    control_t, control_base = (float(np.sum(odds * values) / np.sum(odds))
                               for odds, values in ((odds_t, y.control_t), (odds_base, y.control_base)))
    att = (mean_t - control_t) - (mean_base - control_base)
    residual_t = odds_t * (y.control_t - control_t) / np.sum(odds_t)
    residual_base = odds_base * (y.control_base - control_base) / np.sum(odds_base)
    psi = np.concatenate([(y.treated_t - mean_t) / len(y.treated_t), -(y.treated_base - mean_base) / len(y.treated_base),
                          -residual_t, residual_base])
    n_treated = len(y.treated_t) + len(y.treated_base)
    rows_t = slice(n_treated, n_treated + len(y.control_t))
    moment = (np.sum(residual_t[:, None] * design[rows_t], axis=0)
              - np.sum(residual_base[:, None] * design[rows_t.stop:], axis=0))
    psi -= _logit_effect(design, treated, score, moment)
    return att, _split(psi, y)


def _pooled_doubly_robust(y: Quarters, x: Quarters) -> PooledComparison:
    """DRDID's locally efficient ``drdid_rc``: odds-weighted residuals plus the treated regressions' correction."""
    designs = Quarters(*(_with_intercept(values) for values in x))
    beta = Quarters(*(_least_squares(design, values) for design, values in zip(designs, y)))
    residual = Quarters(*(values - design @ b for values, design, b in zip(y, designs, beta)))
    design, treated, score = _pooled_propensity(x)
    odds_t, odds_base = _control_odds(y, score)
    fitted_t = Quarters(designs.treated_t @ beta.control_t, designs.treated_base @ beta.control_base,
                        designs.control_t @ beta.control_t, designs.control_base @ beta.control_base)
    gap = Quarters(*(values - fitted for values, fitted in zip(y, fitted_t)))
    eta_t, eta_base = float(np.mean(gap.treated_t)), float(np.mean(gap.treated_base))
    eta_control_t = float(np.sum(odds_t * gap.control_t) / np.sum(odds_t))
    eta_control_base = float(np.sum(odds_base * gap.control_base) / np.sum(odds_base))
    post = (designs.treated_t @ (beta.treated_t - beta.control_t), designs.treated_base @ (beta.treated_t - beta.control_t))
    pre = (designs.treated_t @ (beta.treated_base - beta.control_base),
           designs.treated_base @ (beta.treated_base - beta.control_base))
    n_t, n_base = len(y.treated_t), len(y.treated_base)
    n_treated = n_t + n_base
    all_post = (np.sum(post[0]) + np.sum(post[1])) / n_treated
    all_pre = (np.sum(pre[0]) + np.sum(pre[1])) / n_treated
    post_at_t, pre_at_base = float(np.mean(post[0])), float(np.mean(pre[1]))
    att = ((eta_t - eta_control_t) - (eta_base - eta_control_base)
           + (all_post - post_at_t) - (all_pre - pre_at_base))
    control_t = odds_t * (gap.control_t - eta_control_t) / np.sum(odds_t)
    control_base = odds_base * (gap.control_base - eta_control_base) / np.sum(odds_base)
    treated_t = ((gap.treated_t - eta_t) / n_t + (post[0] - all_post) / n_treated - (post[0] - post_at_t) / n_t
                 - (pre[0] - all_pre) / n_treated)
    treated_base = (-(gap.treated_base - eta_base) / n_base + (post[1] - all_post) / n_treated
                    + (pre[1] - pre_at_base) / n_base - (pre[1] - all_pre) / n_treated)
    psi = np.concatenate([treated_t, treated_base, -control_t, control_base])
    rows_t = slice(n_treated, n_treated + len(y.control_t))
    moment = (-np.sum(control_t[:, None] * design[rows_t], axis=0)
              + np.sum(control_base[:, None] * design[rows_t.stop:], axis=0))
    psi += _logit_effect(design, treated, score, moment)
    mean_treated = (np.sum(designs.treated_t, axis=0) + np.sum(designs.treated_base, axis=0)) / n_treated
    weighted_t = np.sum(odds_t[:, None] * designs.control_t, axis=0) / np.sum(odds_t)
    weighted_base = np.sum(odds_base[:, None] * designs.control_base, axis=0) / np.sum(odds_base)
    moments = Quarters(mean_treated - designs.treated_t.mean(axis=0), designs.treated_base.mean(axis=0) - mean_treated,
                       weighted_t - mean_treated, mean_treated - weighted_base)
    parts = _split(psi, y)
    for k, (part, res, design_k, moment_k) in enumerate(zip(parts, residual, designs, moments)):
        parts[k] = part + (res[:, None] * design_k) @ _solve(design_k.T @ design_k, moment_k)
    return att, parts


_POOLED_ESTIMATORS: dict[str, Callable[[Quarters, Quarters], PooledComparison]] = {
    "ipw": _pooled_inverse_probability,
    "dr": _pooled_doubly_robust,
}


def _pooled_propensity(x: Quarters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The logit design of the four groups stacked (treated first), the treatment indicator and trimmed scores."""
    return _propensity(np.vstack([x.treated_t, x.treated_base]), np.vstack([x.control_t, x.control_base]))


def _control_odds(y: Quarters, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The odds p / (1 - p) of the control rows at t and at the base period."""
    start = len(y.treated_t) + len(y.treated_base)
    odds = score[start:] / (1 - score[start:])
    return odds[: len(y.control_t)], odds[len(y.control_t):]


def _split(psi: np.ndarray, y: Quarters) -> list[np.ndarray]:
    """``psi`` over the stacked groups, cut back into the four groups."""
    ends = np.cumsum([len(values) for values in y])[:-1]
    return list(np.split(psi, ends))
