"""The estimation sample of a Poisson model: checked counts, offset, separated rows dropped."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, line_number
from models.design import build_design
from models.poisson_separation import separated_by_regressors, zero_group_mask
from models.spec import Spec

#: Separated rows named in a warning (the rest are counted).
ROWS_NAMED = 10


class SeparationWarning(UserWarning):
    """Rows were dropped because the regressors separate them (their estimates would be infinite)."""


@dataclass(frozen=True)
class PoissonSample:
    """The arrays a Poisson model is estimated from.

    Attributes
    ----------
    y, x, offset, weights : ndarray
        Outcome, regressors (in ``spec.regressors`` order), offset (zeros
        without one) and observation weights (ones without them).
    fixed_effects, clusters : tuple of ndarray
        Dense integer codes of each fixed effect and cluster column.
    positions : ndarray
        Positions in the input frame of the rows kept.
    n_missing, n_singletons : int
        Rows dropped for missing values and as singletons.
    n_separated : int
        Rows dropped because a level of a fixed effect had only zero outcomes.
    n_separated_regressors : int
        Rows dropped as separated by the regressors.
    """

    y: np.ndarray
    x: np.ndarray
    offset: np.ndarray
    weights: np.ndarray
    fixed_effects: tuple[np.ndarray, ...]
    clusters: tuple[np.ndarray, ...]
    positions: np.ndarray
    n_missing: int
    n_singletons: int
    n_separated: int
    n_separated_regressors: int


def poisson_sample(data: pd.DataFrame, spec: Spec, *, file: str | None = None) -> PoissonSample:
    """Select and check the rows of a Poisson model and drop the separated ones.

    Rows with missing values and singletons are dropped (:func:`models.design.build_design`);
    then, in turn until none is left, levels of a fixed effect whose outcomes
    are all zero and new singletons (:func:`models.poisson_separation.zero_group_mask`);
    then rows separated by the regressors, with a :class:`SeparationWarning`
    naming them (:func:`models.poisson_separation.separated_by_regressors`).

    Raises
    ------
    InputError
        If the outcome is negative or not finite, zero everywhere, an exposure
        is not positive, an offset not finite, or nothing is left.
    """
    frame = data.reset_index(drop=True)
    design = build_design(frame, spec, file=file)
    positions = design.index.to_numpy()
    y = design.y
    _check_outcome(y, positions, spec, file)
    offset = _offset(frame, spec, positions, file)
    weights = np.ones(len(y)) if design.weights is None else design.weights
    keep, zero_groups = zero_group_mask(y, list(design.fixed_effects))
    n_separated = int(zero_groups.sum())
    n_singletons = design.n_singletons + int((~keep & ~zero_groups).sum())
    if not keep.any():
        raise InputError("every fixed-effect group has only zero outcomes", file=file, column=spec.outcome,
                         fix="a Poisson model needs groups with positive counts")
    fixed_effects = [_recode(fe[keep]) for fe in design.fixed_effects]
    separated = separated_by_regressors(y[keep], design.x[keep], fixed_effects)
    n_separated_regressors = int(separated.sum())
    if n_separated_regressors:
        rows = [line_number(p, file) for p in positions[keep][separated]]
        more = f" and {len(rows) - ROWS_NAMED} more" if len(rows) > ROWS_NAMED else ""
        shown = ", ".join(map(str, rows[:ROWS_NAMED])) + more
        where = f"{file}: " if file else ""
        warnings.warn(
            f"{where}{len(rows)} observations with zero '{spec.outcome}' are perfectly predicted by the regressors "
            f"({'rows' if len(rows) > 1 else 'row'} {shown}); they are dropped, as their fitted means would be zero",
            SeparationWarning,
            stacklevel=3,
        )
        inner = np.flatnonzero(keep)[separated]
        keep[inner] = False
        again, _ = zero_group_mask(y[keep], [fe[keep] for fe in design.fixed_effects])
        n_singletons += int((~again).sum())
        keep[np.flatnonzero(keep)[~again]] = False
    clusters = tuple(_recode(c[keep]) for c in design.clusters)
    for name, cluster in zip(spec.cluster, clusters):
        if cluster.max(initial=0) < 1:
            raise InputError("cluster column has a single value in the estimation sample", file=file, column=name,
                             fix="cluster on a column with at least two groups")
    return PoissonSample(
        y=y[keep],
        x=design.x[keep],
        offset=offset[keep],
        weights=weights[keep],
        fixed_effects=tuple(_recode(fe[keep]) for fe in design.fixed_effects),
        clusters=clusters,
        positions=positions[keep],
        n_missing=design.n_missing,
        n_singletons=n_singletons,
        n_separated=n_separated,
        n_separated_regressors=n_separated_regressors,
    )


def _check_outcome(y: np.ndarray, positions: np.ndarray, spec: Spec, file: str | None) -> None:
    bad = np.flatnonzero(~np.isfinite(y))
    if len(bad):
        raise InputError("the outcome must be finite", file=file, column=spec.outcome,
                         rows=[line_number(p, file) for p in positions[bad]], fix="remove or correct these rows")
    negative = np.flatnonzero(y < 0)
    if len(negative):
        raise InputError(
            "a Poisson outcome cannot be negative", file=file, column=spec.outcome,
            rows=[line_number(p, file) for p in positions[negative]],
            fix="use counts or other non-negative values (non-integers are allowed)",
        )
    if not (y > 0).any():
        raise InputError("the outcome is zero everywhere in the estimation sample", file=file, column=spec.outcome,
                         fix="a Poisson model needs some positive outcomes")


def _offset(frame: pd.DataFrame, spec: Spec, positions: np.ndarray, file: str | None) -> np.ndarray:
    name = spec.offset or spec.exposure
    if name is None:
        return np.zeros(len(positions))
    values = pd.to_numeric(frame[name].iloc[positions], errors="coerce").to_numpy(dtype=float)
    if spec.exposure:
        bad = np.flatnonzero(~(values > 0) | ~np.isfinite(values))
        if len(bad):
            raise InputError("an exposure must be a positive number", file=file, column=name,
                             rows=[line_number(p, file) for p in positions[bad]],
                             fix="drop these rows or give them a positive exposure")
        return np.log(values)
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise InputError("an offset must be a finite number", file=file, column=name,
                         rows=[line_number(p, file) for p in positions[bad]], fix="correct these rows")
    return values


def _recode(codes: np.ndarray) -> np.ndarray:
    """Dense codes 0..G-1 of the levels present, in the same order.

    Examples
    --------
    >>> _recode(np.array([4, 0, 4, 2])).tolist()
    [2, 0, 2, 1]
    """
    present = np.bincount(codes) > 0
    return (np.cumsum(present) - 1)[codes].astype(np.int64)
