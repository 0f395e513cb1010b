r"""Randomization inference for a staggered treatment indicator in a :class:`models.Spec`.

The tested regressor must be the treatment indicator :math:`d_{it} = 1\{c_i > 0,\ t \ge c_i\}`
of each unit's first treated period :math:`c_i` (0 or missing = never treated),
such as the panel's ``treated_post``.  Each draw reassigns the timing and
re-estimates the coefficient:

* ``placebo="firms"`` (placebo treated firms): the units' first treated periods
  are permuted across units within each stratum (e.g. industry), so every
  stratum keeps its number of units of each cohort and of never-treated units;
* ``placebo="years"`` (placebo sanction years): the treated units stay treated,
  and each cohort moves as a whole to a placebo first year drawn from
  ``years`` (by default every period but the first; give the pre-period years
  to draw placebo years among them).

Under the sharp null of no effect for any unit the observed coefficient is one
draw from this distribution, so the two-sided p-value counts the observed
statistic itself: :math:`p = (1 + \#\{|b^*| \ge |b|\}) / (1 + R)`.

Only the treatment column changes between draws, so the fixed effects and the
other regressors are partialled out once (Frisch–Waugh–Lovell): with
:math:`\tilde y` and :math:`\tilde X` the absorbed outcome and other
regressors, each draw's coefficient is :math:`b^* = \ddot d' \tilde y / \ddot d'\ddot d`,
where :math:`\ddot d` is the draw's absorbed indicator residualised on
:math:`\tilde X`; the indicators of a block of draws are absorbed together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, check_choice, check_columns, line_number
from models.design import Design, build_design, codes
from models.fixed_effects import absorb_columns, partial_out
from models.reuse import reuse_demeaning
from models.spec import Spec

#: The two kinds of placebo assignment.
PLACEBOS = ("firms", "years")
#: Draws whose indicators are absorbed together (bounds memory to about ``BLOCK × n`` floats).
BLOCK = 100
#: Relative tolerance of ``|b*| >= |b|`` (ties in floating point count as exceedances).
TIE_TOLERANCE = 1e-10


@dataclass(frozen=True)
class RandomizationResult:
    """A randomization test of one coefficient and its permutation distribution.

    Attributes
    ----------
    term : str
        The treatment indicator tested.
    placebo : str
        ``"firms"`` or ``"years"``.
    observed : float
        The coefficient on the actual assignment (as :func:`models.fit` gives it).
    distribution : tuple of float
        The coefficient under each placebo assignment, in draw order (NaN where
        a draw's indicator is absorbed by the fixed effects).
    pvalue : float
        Two-sided randomization p-value with the observed statistic counted.
    seed : int
        Seed of the draws: the same seed gives the same distribution.
    strata : str or None
        The column the ``"firms"`` permutation stays within.
    """

    term: str
    placebo: str
    observed: float
    distribution: tuple[float, ...]
    pvalue: float
    seed: int
    strata: str | None = None

    @property
    def draws(self) -> int:
        """Number of placebo assignments with an estimable coefficient."""
        return int(np.isfinite(np.asarray(self.distribution, dtype=float)).sum())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form (NaN draws written as ``None``), read back by :meth:`from_dict`."""
        return {
            "term": self.term, "placebo": self.placebo, "observed": self.observed,
            "distribution": [value if np.isfinite(value) else None for value in self.distribution],
            "pvalue": self.pvalue, "seed": self.seed, "strata": self.strata,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RandomizationResult:
        """Rebuild a result from :meth:`to_dict`'s form."""
        distribution = tuple(float("nan") if value is None else float(value) for value in data["distribution"])
        return cls(data["term"], data["placebo"], float(data["observed"]), distribution, float(data["pvalue"]),
                   int(data["seed"]), data.get("strata"))


def randomization_pvalue(observed: float, distribution: np.ndarray) -> float:
    """Two-sided p-value :math:`(1 + \\#\\{|b^*| \\ge |b|\\}) / (1 + R)` over the finite draws.

    Examples
    --------
    >>> randomization_pvalue(2.0, np.array([-3.0, 1.0, 2.0, 0.5]))
    0.6
    """
    finite = distribution[np.isfinite(distribution)]
    exceed = np.abs(finite) >= abs(observed) * (1 - TIE_TOLERANCE)
    return float((1 + exceed.sum()) / (1 + len(finite)))


def randomization_inference(
    data: pd.DataFrame,
    spec: Spec,
    term: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    placebo: str = "firms",
    strata: str | None = None,
    years: Sequence[int] | None = None,
    draws: int = 999,
    seed: int = 0,
    file: str | None = None,
) -> RandomizationResult:
    """Randomization test of the treatment indicator ``term`` of ``spec``.

    Parameters
    ----------
    data : DataFrame
        The estimation data, one row per unit and period.
    spec : Spec
        The model; ``term`` is one of its regressors.
    term : str
        The treatment indicator, 1 from each treated unit's first treated period on.
    unit, time, cohort : str
        Columns: unit id, period (whole numbers) and first treated period (0 or
        missing = never treated).
    placebo : {"firms", "years"}
        Permute the timing across units (within ``strata``), or draw placebo
        first years for the treated cohorts.
    strata : str, optional
        A unit-level column (e.g. ``"industry"``) the ``"firms"`` permutation
        stays within; without it units are permuted across the whole sample.
    years : sequence of int, optional
        Candidate placebo first years for ``"years"``; every period but the
        first by default.
    draws : int
        Placebo assignments (999 by default).
    seed : int
        Seed of the assignments.
    file : str, optional
        Named in error messages.

    Raises
    ------
    InputError
        If ``term`` is not a regressor or not the indicator of ``time >= cohort``,
        the cohort or stratum changes within a unit, or an option is out of range.
    """
    check_choice(placebo, PLACEBOS, what="placebo")
    if term not in spec.regressors:
        raise InputError(f"'{term}' is not a regressor of the model", fix=f"choose one of: {', '.join(spec.regressors)}")
    if draws < 1:
        raise InputError(f"draws must be at least 1, got {draws}")
    check_columns((unit, time, cohort, *([strata] if strata else [])), data.columns, file=file)
    with reuse_demeaning():
        return _randomization_inference(data, spec, term, unit=unit, time=time, cohort=cohort, placebo=placebo,
                                        strata=strata, years=years, draws=draws, seed=seed, file=file)


def _randomization_inference(data: pd.DataFrame, spec: Spec, term: str, *, unit: str, time: str, cohort: str,
                             placebo: str, strata: str | None, years: Sequence[int] | None, draws: int, seed: int,
                             file: str | None) -> RandomizationResult:
    design = build_design(data, spec, file=file)
    rows = data.loc[design.index]
    timing = _Timing.from_rows(rows, term, unit=unit, time=time, cohort=cohort, strata=strata, file=file)
    rng = np.random.default_rng(seed)
    statistic = _Statistic(design, spec.regressors.index(term))
    observed = statistic.coefficients(timing.indicators(timing.unit_cohort[None, :]))[0]
    if placebo == "firms":
        assignments = timing.permuted_units(rng, draws)
        distribution = np.concatenate([
            statistic.coefficients(timing.indicators(assignments[start:start + BLOCK]))
            for start in range(0, draws, BLOCK)
        ])
    else:
        distribution = timing.placebo_year_coefficients(statistic, rng, draws, years)
    return RandomizationResult(term, placebo, float(observed), tuple(float(v) for v in distribution),
                               randomization_pvalue(observed, distribution), seed,
                               strata if placebo == "firms" else None)


@dataclass(frozen=True)
class _Timing:
    """Units, periods and first treated periods of the estimation rows."""

    unit_code: np.ndarray  # per row
    period: np.ndarray  # per row
    unit_cohort: np.ndarray  # per unit, 0 = never treated
    unit_stratum: np.ndarray  # per unit

    @classmethod
    def from_rows(cls, rows: pd.DataFrame, term: str, *, unit: str, time: str, cohort: str, strata: str | None,
                  file: str | None) -> _Timing:
        unit_code = codes(rows[unit])
        period = pd.to_numeric(rows[time]).to_numpy(dtype=float)
        first = pd.to_numeric(rows[cohort]).astype(float).fillna(0.0).to_numpy()
        n_units = int(unit_code.max()) + 1
        unit_cohort = _unit_level(first, unit_code, n_units, rows, cohort, file)
        stratum = codes(rows[strata]) if strata else np.zeros(len(rows), dtype=np.int64)
        unit_stratum = _unit_level(stratum.astype(float), unit_code, n_units, rows, strata or cohort, file)
        indicator = ((first > 0) & (period >= first)).astype(float)
        mismatch = np.flatnonzero(indicator != rows[term].to_numpy(dtype=float))
        if len(mismatch):
            raise InputError(f"'{term}' is not the indicator of {time} >= {cohort} (0 or missing {cohort} = never treated)",
                             file=file, column=term, rows=_lines(rows.index[mismatch], file),
                             fix=f"test the treatment indicator built from {cohort}")
        return cls(unit_code, period, unit_cohort, unit_stratum.astype(np.int64))

    def indicators(self, cohorts: np.ndarray) -> np.ndarray:
        """Rows × draws treatment indicators for draws × units first treated periods."""
        first = cohorts.T[self.unit_code]
        return ((first > 0) & (self.period[:, None] >= first)).astype(float)

    def permuted_units(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """Draws × units cohorts, permuted across units within each stratum."""
        out = np.empty((draws, len(self.unit_cohort)))
        for stratum in np.unique(self.unit_stratum):
            members = np.flatnonzero(self.unit_stratum == stratum)
            out[:, members] = rng.permuted(np.broadcast_to(self.unit_cohort[members], (draws, len(members))), axis=1)
        return out

    def placebo_year_coefficients(self, statistic: _Statistic, rng: np.random.Generator, draws: int,
                                  years: Sequence[int] | None) -> np.ndarray:
        """Coefficients when each treated cohort moves to a placebo first year drawn from ``years``.

        A draw's indicator is a sum over cohorts of "cohort k from year y" columns,
        so those few columns are absorbed once and each draw adds up its own.
        """
        candidates = np.unique(self.period)[1:] if years is None else np.unique(np.asarray(years, dtype=float))
        if len(candidates) == 0:
            raise InputError("no candidate placebo years", fix="give years inside the sample period")
        cohorts = np.unique(self.unit_cohort[self.unit_cohort > 0])
        row_cohort = self.unit_cohort[self.unit_code]
        basis = np.stack([((row_cohort == c)[:, None] & (self.period[:, None] >= candidates)) for c in cohorts], axis=1)
        basis = basis.reshape(len(self.period), -1).astype(float)
        choice = rng.integers(0, len(candidates), size=(draws, len(cohorts))) + np.arange(len(cohorts)) * len(candidates)
        absorbed = statistic.absorbed_basis(basis)
        out = np.empty(draws)
        for start in range(0, draws, BLOCK):
            block = choice[start:start + BLOCK]
            indicators = basis[:, block].sum(axis=2)
            out[start:start + BLOCK] = statistic.coefficients_of_absorbed(absorbed[:, block].sum(axis=2), indicators)
        return out


def _unit_level(values: np.ndarray, unit_code: np.ndarray, n_units: int, rows: pd.DataFrame, column: str,
                file: str | None) -> np.ndarray:
    """The one value of each unit, or an :class:`InputError` naming a unit whose value changes."""
    low = np.full(n_units, np.inf)
    high = np.full(n_units, -np.inf)
    np.minimum.at(low, unit_code, values)
    np.maximum.at(high, unit_code, values)
    changing = np.flatnonzero(low != high)
    if len(changing):
        bad = np.flatnonzero(unit_code == changing[0])
        raise InputError("the value changes over time within a unit", file=file, column=column,
                         rows=_lines(rows.index[bad], file), fix="give each unit one value in every row")
    return low


def _lines(labels: pd.Index, file: str | None) -> list[int]:
    """Line numbers in a file with one header line, else the row labels."""
    return [line_number(label, file) for label in labels]


class _Statistic:
    """The coefficient of one regressor as a function of that regressor's column only."""

    def __init__(self, design: Design, position: int) -> None:
        self._design = design
        within = partial_out(design)
        self._y = within.y
        self._others = within.x[:, [k for k, j in enumerate(within.kept) if j != position]]

    def coefficients(self, indicators: np.ndarray) -> np.ndarray:
        """The coefficient for each column of ``indicators`` (NaN where it is absorbed)."""
        return self.coefficients_of_absorbed(self.absorbed_basis(indicators), indicators)

    def absorbed_basis(self, basis: np.ndarray) -> np.ndarray:
        """Every column of ``basis`` with the fixed effects absorbed and the weights applied."""
        return absorb_columns(self._design, basis, remember=False)[0]

    def coefficients_of_absorbed(self, absorbed: np.ndarray, indicators: np.ndarray) -> np.ndarray:
        """Coefficients from absorbed indicator columns (NaN where nothing is left of a column)."""
        if self._others.shape[1]:
            absorbed = absorbed - self._others @ np.linalg.lstsq(self._others, absorbed, rcond=None)[0]
        sumsq = np.einsum("ij,ij->j", absorbed, absorbed)
        scale = np.einsum("ij,ij->j", indicators, indicators)
        usable = sumsq > 1e-10 * np.maximum(scale, 1.0)
        out = np.full(absorbed.shape[1], np.nan)
        out[usable] = (absorbed[:, usable].T @ self._y) / sumsq[usable]
        return out
