"""Fit synthetic control, synthetic DiD or DiD on a checked design, with an optional standard error."""

from __future__ import annotations

import numpy as np

from data_schemas.errors import InputError, did_you_mean
from models.synthetic.core import METHODS, WeightFit, fit_weights, penalties
from models.synthetic.data import SyntheticDesign
from models.synthetic.nested import fit_nested
from models.synthetic.results import SyntheticResult

SE_METHODS = ("placebo", "jackknife", "bootstrap")


def check_method(method: str) -> None:
    """Raise :class:`InputError` for an estimator name that does not exist."""
    if method not in METHODS:
        hint = did_you_mean(method, METHODS)
        raise InputError(
            f"unknown estimator '{method}'" + (f"; {hint}" if hint else ""), fix=f"use one of {', '.join(METHODS)}"
        )


def check_no_predictors(design: SyntheticDesign) -> None:
    """Refuse a standard error for a design with predictors (the standard errors refit without them)."""
    if design.donor_predictors is not None:
        raise InputError("no standard error is computed for a synthetic control with predictors",
                         fix="ask for none (--se none) and use placebos in space for inference")


def rmspe(gap: np.ndarray) -> float:
    """Root mean squared value of a gap path."""
    return float(np.sqrt(np.mean(np.square(gap))))


def _fit_with_predictors(design: SyntheticDesign, seed: int) -> tuple[WeightFit, tuple[dict, ...]]:
    """Donor weights from predictors, ``V`` chosen by the pre-period fit of the outcome."""
    assert design.treated_predictors is not None and design.donor_predictors is not None
    n_pre = design.n_pre
    nested = fit_nested(design.treated_predictors, design.donor_predictors, design.target[:n_pre],
                        design.donor_paths[:, :n_pre].T, seed=seed)
    omega = nested.donor_weights
    synthetic = omega @ design.donor_paths
    target = design.target
    fit = WeightFit(omega[None], np.zeros((1, n_pre)), np.array([(target - synthetic)[n_pre:].mean()]),
                    synthetic[None])
    matched = design.donor_predictors @ omega
    rows = tuple(
        {"predictor": label, "treated": float(t), "synthetic": float(s), "weight": float(v)}
        for label, t, s, v in zip(design.predictor_labels, design.treated_predictors, matched,
                                  nested.predictor_weights, strict=True)
    )
    return fit, rows


def fit_synthetic(design: SyntheticDesign, method: str = "sdid", *, se: str | None = None, seed: int = 0) -> SyntheticResult:
    """Estimate the average post-period effect on the treated units.

    Parameters
    ----------
    design : SyntheticDesign
        From :func:`models.synthetic.data.synthetic_design`.
    method : {"sdid", "sc", "did"}
    se : {"placebo", "jackknife", "bootstrap"}, optional
        Standard error to compute (see :mod:`models.synthetic.inference`).
    seed : int
        Seed of the random draws of the bootstrap and of the placebo with several treated
        units, and of the search over predictor weights.

    Examples
    --------
    >>> import pandas as pd
    >>> from models.synthetic.data import synthetic_design
    >>> rows = [(u, t, float(t + 3 * i + (5 if u == "a" and t >= 4 else 0)))
    ...         for i, u in enumerate("abcd") for t in range(6)]
    >>> design = synthetic_design(pd.DataFrame(rows, columns=["u", "t", "y"]), unit="u", time="t",
    ...                           outcome="y", treated=["a"], start=4)
    >>> round(fit_synthetic(design, "did").estimate, 6)
    5.0
    """
    check_method(method)
    donors, target = design.donor_paths, design.target[None]
    predictors: tuple[dict, ...] = ()
    if design.donor_predictors is not None:
        if method != "sc":
            raise InputError(f"predictors apply to the synthetic control (sc), not to {method}",
                             fix="use --estimator sc or drop the predictors")
        if se is not None:
            check_no_predictors(design)
        fit, predictors = _fit_with_predictors(design, seed)
    else:
        allowed = np.ones((1, len(donors)), dtype=bool)
        fit = fit_weights(method, donors, target, design.n_pre, allowed,
                          penalties(method, donors, allowed, design.n_pre, len(design.treated)))
    periods = [str(p) for p in design.periods]
    gap = target[0] - fit.synthetic[0]
    result = SyntheticResult(
        method=method, outcome=design.outcome, treated=design.treated, start=str(design.start),
        estimate=float(fit.estimate[0]), std_error=None, se_method=None,
        unit_weights={d: float(w) for d, w in zip(design.donors, fit.omega[0], strict=True)},
        time_weights={p: float(w) for p, w in zip(periods[: design.n_pre], fit.lam[0], strict=True)},
        pre_rmspe=rmspe(gap[: design.n_pre]),
        treated_path={p: float(v) for p, v in zip(periods, target[0], strict=True)},
        synthetic_path={p: float(v) for p, v in zip(periods, fit.synthetic[0], strict=True)},
        n_donors=len(design.donors), n_pre=design.n_pre, n_post=len(periods) - design.n_pre,
        dropped_donors=design.dropped_donors, predictors=predictors,
    )
    if se is None:
        return result
    from models.synthetic.inference import standard_error

    return result.with_std_error(standard_error(design, result, se, seed=seed), se)
