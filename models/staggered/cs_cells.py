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
observations and each cell, without covariates, is the difference of the four
means of the treated and control observations at t and at the base period (a
repeated cross-section); standard errors then cluster the rows by unit.
Unbalanced panels with covariates are not covered: :func:`group_time_cells`
raises :class:`CellsUnavailable`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from models.staggered._library import is_balanced
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
        For an unbalanced panel with covariates, covariates collinear within a
        comparison, or a propensity score whose logit does not converge.
    """
    periods = sorted(int(t) for t in data.frame["time"].unique())
    if is_balanced(data):
        return _panel_cells(data, periods, control, method)
    if data.covariates:
        raise CellsUnavailable("unbalanced panels with covariates are not covered")
    return _pooled_cells(data, periods, control)


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


def _pooled_cells(data: StaggeredData, periods: list[int], control: str) -> Cells:
    frame = data.frame
    units, row_unit = np.unique(frame["unit"].to_numpy(), return_inverse=True)
    time, cohort = frame["time"].to_numpy(), frame["cohort"].to_numpy()
    y = frame[data.outcome].to_numpy(dtype=float)
    estimates, influence = {}, {}
    for g, t, base, is_control in _comparisons(cohort, periods, control):
        treated, controls = cohort == g, is_control(cohort)
        groups = [(treated & (time == t), 1.0), (controls & (time == t), -1.0),
                  (treated & (time == base), -1.0), (controls & (time == base), 1.0)]
        if any(not rows.any() for rows, _ in groups):
            continue
        psi = np.zeros(len(y))
        att = 0.0
        for rows, sign in groups:
            mean = float(np.mean(y[rows]))
            att += sign * mean
            psi[rows] = sign * (y[rows] - mean) / rows.sum()
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

