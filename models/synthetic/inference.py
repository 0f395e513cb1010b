"""Inference for synthetic estimators: standard errors, placebos in space and time, leave-one-out.

Standard errors follow Arkhangelsky et al. (2021):

* **placebo** (their Algorithm 4): donors play the treated units, the weights are
  refitted with the original penalties starting from the original weights, and the
  standard error is the standard deviation of the placebo effects.  With one treated
  unit every donor plays it once (the limit of the random draws of the published
  algorithm, so the number is reproducible); with several, ``replications`` random
  permutations are drawn and the standard deviation is scaled by ``sqrt((r-1)/r)``.
* **jackknife** (Algorithm 3): each unit left out in turn with the weights held fixed
  (renormalised); not defined with a single treated unit (None).
* **bootstrap** (Algorithm 2): units drawn with replacement, weights refitted; draws
  without a treated or a donor unit are redrawn.
"""

from __future__ import annotations

import numpy as np

from data_schemas.errors import InputError
from models.synthetic.core import Penalties, WeightFit, fit_weights, penalties
from models.synthetic.data import MIN_DONORS, SyntheticDesign
from models.synthetic.estimate import SE_METHODS, check_no_predictors, fit_synthetic, rmspe
from models.synthetic.nested import fit_nested
from models.synthetic.results import LeaveOneOut, PlaceboInSpace, PlaceboInTime, SyntheticResult

BOOTSTRAP_REPLICATIONS = 200
PLACEBO_REPLICATIONS = 200


def _original_penalties(design: SyntheticDesign, method: str, problems: int) -> Penalties:
    donors = design.donor_paths
    allowed = np.ones((1, len(donors)), dtype=bool)
    one = penalties(method, donors, allowed, design.n_pre, len(design.treated))
    return one.take(np.zeros(problems, dtype=int))


def placebo_se(design: SyntheticDesign, result: SyntheticResult, *, replications: int = PLACEBO_REPLICATIONS,
               seed: int = 0) -> float:
    """Placebo standard error (Arkhangelsky et al. 2021, Algorithm 4)."""
    check_no_predictors(design)
    donors = design.donor_paths
    n0, n1 = len(donors), len(design.treated)
    if n0 <= n1:
        raise InputError(f"the placebo standard error needs more donors ({n0}) than treated units ({n1})")
    omega = np.array([result.unit_weights[d] for d in design.donors])
    lam = np.array(list(result.time_weights.values()))
    if n1 == 1:
        draws = [np.array([j]) for j in range(n0)]
    else:
        rng = np.random.default_rng(seed)
        draws = [rng.permutation(n0)[n0 - n1:] for _ in range(replications)]
    targets = np.array([donors[d].mean(axis=0) for d in draws])
    allowed = np.ones((len(draws), n0), dtype=bool)
    for row, d in enumerate(draws):
        allowed[row, d] = False
    start = omega[None] * allowed
    sums = start.sum(axis=1, keepdims=True)
    start = np.where(sums > 0, start / np.where(sums > 0, sums, 1.0), allowed / allowed.sum(axis=1, keepdims=True))
    fit = fit_weights(result.method, donors, targets, design.n_pre, allowed,
                      _original_penalties(design, result.method, len(draws)),
                      omega_start=start, lambda_start=np.broadcast_to(lam, (len(draws), len(lam))).copy()
                      if result.method == "sdid" else None)
    if n1 == 1:
        return float(np.std(fit.estimate))
    r = len(draws)
    return float(np.sqrt((r - 1) / r) * np.std(fit.estimate, ddof=1))


def jackknife_se(design: SyntheticDesign, result: SyntheticResult) -> float | None:
    """Jackknife standard error with fixed weights (Algorithm 3); None with a single treated unit."""
    check_no_predictors(design)
    if len(design.treated) < 2:
        return None
    omega = np.array([result.unit_weights[d] for d in design.donors])
    lam = np.array(list(result.time_weights.values()))
    n_pre = design.n_pre
    donors, treated = design.donor_paths, design.treated_paths

    def effect(keep: np.ndarray, treated_rows: np.ndarray) -> float:
        weights = np.where(keep, omega, 0.0)
        weights = weights / weights.sum() if weights.sum() > 0 else keep / keep.sum()
        gap = treated_rows.mean(axis=0) - weights @ donors
        return float(gap[n_pre:].mean() - lam @ gap[:n_pre])

    everyone = np.ones(len(donors), dtype=bool)
    estimates = [effect(np.arange(len(donors)) != j, treated) for j in range(len(donors))]
    estimates += [effect(everyone, np.delete(treated, i, axis=0)) for i in range(len(treated))]
    u = np.array(estimates)
    n = len(u)
    return float(np.sqrt((n - 1) / n * (n - 1) * np.var(u, ddof=1)))


def bootstrap_se(design: SyntheticDesign, result: SyntheticResult, *, replications: int = BOOTSTRAP_REPLICATIONS,
                 seed: int = 0) -> float:
    """Bootstrap standard error (Algorithm 2): units drawn with replacement, weights refitted."""
    check_no_predictors(design)
    rng = np.random.default_rng(seed)
    n0, n1 = len(design.donors), len(design.treated)
    paths = np.vstack([design.donor_paths, design.treated_paths])
    estimates: list[float] = []
    while len(estimates) < replications:
        draw = rng.integers(0, n0 + n1, n0 + n1)
        donor_rows, treated_rows = draw[draw < n0], draw[draw >= n0]
        if len(donor_rows) == 0 or len(treated_rows) == 0:
            continue
        donors = paths[donor_rows]
        target = paths[treated_rows].mean(axis=0)[None]
        allowed = np.ones((1, len(donors)), dtype=bool)
        fit = fit_weights(result.method, donors, target, design.n_pre, allowed,
                          penalties(result.method, donors, allowed, design.n_pre, len(treated_rows)))
        estimates.append(float(fit.estimate[0]))
    r = len(estimates)
    return float(np.sqrt((r - 1) / r) * np.std(estimates, ddof=1))


def standard_error(design: SyntheticDesign, result: SyntheticResult, method: str, *, seed: int = 0) -> float | None:
    """The standard error named by ``method``."""
    if method == "placebo":
        return placebo_se(design, result, seed=seed)
    if method == "jackknife":
        return jackknife_se(design, result)
    if method == "bootstrap":
        return bootstrap_se(design, result, seed=seed)
    raise InputError(f"unknown standard error '{method}'", fix=f"use one of {', '.join(SE_METHODS)}")


def rmspe_ratios(post: np.ndarray, pre: np.ndarray) -> np.ndarray:
    """Post/pre RMSPE ratios: infinity where only the pre-period is fitted exactly, NaN where both are.

    Examples
    --------
    >>> rmspe_ratios(np.array([2.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0])).tolist()
    [2.0, inf, nan]
    """
    return np.divide(post, pre, out=np.where(post > 0, np.inf, np.nan), where=pre > 0)


def rank_p_value(ratios: np.ndarray, treated_ratio: float) -> float:
    """Share of the treated unit and its ranked placebos with a ratio at least the treated one's (NaN left out).

    Examples
    --------
    >>> rank_p_value(np.array([5.0, 1.0, np.nan, np.inf]), 4.0)
    0.75
    """
    ranked = ratios[~np.isnan(ratios)]
    return (1 + int(np.sum(ranked >= treated_ratio))) / (len(ranked) + 1)


def _refit(design: SyntheticDesign, method: str, targets: np.ndarray, target_predictors: np.ndarray | None,
           allowed: np.ndarray, n_treated: int) -> WeightFit:
    """Refit a stack of problems: each target path against the donors it may use.

    With predictors, each problem is a nested fit of its own (``target_predictors``
    holds each target's predictor values, one column per problem); otherwise one
    stacked call of :func:`models.synthetic.core.fit_weights`.
    """
    donors, n_pre = design.donor_paths, design.n_pre
    if design.donor_predictors is None or target_predictors is None:
        return fit_weights(method, donors, targets, n_pre, allowed,
                           penalties(method, donors, allowed, n_pre, n_treated))
    omega = np.zeros((len(targets), len(donors)))
    for row, (target, usable) in enumerate(zip(targets, allowed, strict=True)):
        nested = fit_nested(target_predictors[:, row], design.donor_predictors[:, usable], target[:n_pre],
                            donors[usable, :n_pre].T)
        omega[row, usable] = nested.donor_weights
    synthetic = omega @ donors
    return WeightFit(omega, np.zeros((len(targets), n_pre)), (targets - synthetic)[:, n_pre:].mean(axis=1), synthetic)


def placebo_in_space(design: SyntheticDesign, result: SyntheticResult) -> PlaceboInSpace:
    """Give each donor the treatment in turn, fitted on the other donors (the treated units left out).

    The p-value is the share of the ``J + 1`` units (treated and placebos) whose
    post/pre RMSPE ratio is at least the treated unit's (Abadie, Diamond and
    Hainmueller 2010; Abadie 2021, sec. 4.2).  A placebo fitted exactly before the
    start has ratio infinity, or no ratio (left out of the rank) when it is also
    fitted exactly after it (a donor whose outcome is constant, say).
    """
    donors = design.donor_paths
    n0 = len(donors)
    if n0 < MIN_DONORS + 1:
        raise InputError(f"placebos in space need at least {MIN_DONORS + 1} donors; the pool has {n0}")
    allowed = ~np.eye(n0, dtype=bool)
    fit = _refit(design, result.method, donors, design.donor_predictors, allowed, 1)
    gaps = donors - fit.synthetic
    pre = np.sqrt(np.mean(gaps[:, : design.n_pre] ** 2, axis=1))
    post = np.sqrt(np.mean(gaps[:, design.n_pre:] ** 2, axis=1))
    ratios = rmspe_ratios(post, pre)
    treated_gap = np.array(list(result.gap.values()))
    treated_ratio = rmspe(treated_gap[design.n_pre:]) / rmspe(treated_gap[: design.n_pre])
    periods = [str(p) for p in design.periods]
    p_value = rank_p_value(ratios, treated_ratio)
    return PlaceboInSpace(
        method=result.method, treated_ratio=float(treated_ratio),
        ratios={d: float(r) for d, r in zip(design.donors, ratios, strict=True)},
        estimates={d: float(e) for d, e in zip(design.donors, fit.estimate, strict=True)},
        gaps={d: {p: float(g) for p, g in zip(periods, row, strict=True)} for d, row in zip(design.donors, gaps, strict=True)},
        p_value=float(p_value),
        pre_rmspe={d: float(r) for d, r in zip(design.donors, pre, strict=True)},
    )


def placebo_in_time(design: SyntheticDesign, method: str, fake_start: object) -> PlaceboInTime:
    """Backdate the treatment to ``fake_start`` and estimate on the periods before the real start."""
    if design.donor_predictors is not None:
        raise InputError("placebos in time are not computed with predictors (their windows refer to the real "
                         "pre-period)", fix="define the predictors on the backdated pre-period and refit")
    pre_periods = [p for p in design.periods if p < design.start]
    if fake_start not in pre_periods:
        raise InputError(f"placebo start {fake_start} is not a pre-period ({pre_periods[0]}-{pre_periods[-1]})")
    backdated = design.truncated(pre_periods[-1], fake_start)
    if backdated.n_pre < 3:
        raise InputError(f"placebo start {fake_start} leaves {backdated.n_pre} pre-period(s); at least 3 are needed")
    fit = fit_synthetic(backdated, method)
    return PlaceboInTime(method, str(fake_start), fit.estimate, fit.pre_rmspe)


def leave_one_donor_out(design: SyntheticDesign, result: SyntheticResult) -> LeaveOneOut:
    """Refit without each donor that carries weight (every donor for DiD)."""
    weighted = [d for d, w in result.unit_weights.items() if w > 0]
    index = [design.donors.index(d) for d in weighted]
    allowed = np.ones((len(index), len(design.donors)), dtype=bool)
    allowed[np.arange(len(index)), index] = False
    donors = design.donor_paths
    targets = np.broadcast_to(design.target, (len(index), donors.shape[1])).copy()
    target_predictors = None if design.treated_predictors is None else np.repeat(
        design.treated_predictors[:, None], len(index), axis=1)
    fit = _refit(design, result.method, targets, target_predictors, allowed, len(design.treated))
    return LeaveOneOut(result.method, {d: float(e) for d, e in zip(weighted, fit.estimate, strict=True)})
