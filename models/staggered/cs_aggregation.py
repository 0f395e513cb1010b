r"""Calendar-time effects and overall averages of Callaway–Sant'Anna's ATT(g, t).

``diff_diff`` aggregates ATT(g, t) by event time and by cohort but not by
calendar period, and gives no overall average of its aggregations.  Both are
linear combinations of the cells, so they follow R ``did``'s ``aggte`` from
the cells' unit-level influence functions that the fitted
``CallawaySantAnnaResults`` keeps (its aggregation kit):

* calendar period t: :math:`\theta(t) = \sum_{g \le t} P(G=g \mid G \le t)\,ATT(g,t)`,
  with the influence function of the estimated cohort shares (did's ``wif``)
  added to the weighted cell influence functions;
* cohort average: :math:`\sum_g P(G=g)\,\theta(g) / \sum_g P(G=g)`, shares
  again estimated (``wif`` over cohorts);
* event-time and calendar averages: plain means of the post-period event-time
  effects and of the calendar effects (fixed weights, no ``wif``).

The standard error of a combination with influence function :math:`\psi` is
:math:`\sqrt{\sum_i \psi_i^2}` in diff-diff's scaling (R's ``bstrap = FALSE``).
Agreement with R ``did`` 2.5.1 and Stata ``csdid`` is tested in
``tests/test_staggered_reference.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.staggered.results import Estimate


@dataclass(frozen=True)
class Combination:
    """An aggregated effect and its influence function over the units."""

    estimate: float
    psi: np.ndarray


class CellInfluence:
    """The ATT(g, t) cells of a fitted ``diff_diff.CallawaySantAnna`` and their influence functions.

    Parameters
    ----------
    fitted : diff_diff.CallawaySantAnnaResults
        A fit that carries its aggregation kit (diff-diff 3.13 and later).
    """

    def __init__(self, fitted: Any) -> None:
        from diff_diff.staggered_results import _KitAggregator

        kit = fitted._aggregation_kit
        self._aggregator = _KitAggregator(kit.alpha, kit.anticipation)
        self._bookkeeping = dict(kit.bookkeeping)
        self._influence = kit.influence
        cache = self._aggregator._get_agg_cache(self._bookkeeping)
        self._cohort_mass = dict(zip(cache["cohort_values"].tolist(), cache["cohort_masses"].tolist()))
        self.cells = {
            (int(g), int(t)): float(value["effect"])
            for (g, t), value in fitted.group_time_effects.items()
            if (g, t) in self._influence and np.isfinite(value["effect"])
        }

    def post_cells(self) -> list[tuple[int, int]]:
        """The cells with t ≥ g (treated periods), in (g, t) order."""
        return sorted(cell for cell in self.cells if cell[1] >= cell[0])

    def share_weighted(self, cells: Sequence[tuple[int, int]]) -> Combination:
        """Cells averaged with weights proportional to their cohort's size, shares estimated."""
        mass = np.array([self._cohort_mass[float(g)] for g, _ in cells])
        return self._combine(list(cells), mass / mass.sum(), [self.cells[c] for c in cells],
                             [g for g, _ in cells], self._influence)

    def equally_weighted(self, cells: Sequence[tuple[int, int]]) -> Combination:
        """The plain mean of some cells of one cohort (did's cohort effect)."""
        weights = np.full(len(cells), 1.0 / len(cells))
        return self._combine(list(cells), weights, [self.cells[c] for c in cells], [g for g, _ in cells],
                             self._influence)

    def share_weighted_cohorts(self, by_cohort: dict[int, Combination]) -> Combination:
        """Cohort effects averaged with weights proportional to cohort size, shares estimated."""
        cohorts = sorted(by_cohort)
        n = len(by_cohort[cohorts[0]].psi)
        influence = {
            (g, "cohort"): {"treated_idx": np.arange(n), "treated_inf": by_cohort[g].psi,
                            "control_idx": np.arange(0), "control_inf": np.zeros(0)}
            for g in cohorts
        }
        mass = np.array([self._cohort_mass[float(g)] for g in cohorts])
        return self._combine(list(influence), mass / mass.sum(), [by_cohort[g].estimate for g in cohorts], cohorts,
                             influence)

    def std_error(self, psi: np.ndarray) -> float:
        """The standard error of a combination with influence function ``psi``."""
        return float(self._aggregator._se_from_psi(psi, self._bookkeeping)[0])

    def estimate(self, combination: Combination, critical: float | None = None) -> Estimate:
        """An :class:`Estimate` of a combination (normal interval unless ``critical`` is given)."""
        return Estimate.normal(combination.estimate, self.std_error(combination.psi), critical)

    def _combine(self, keys: list, weights: np.ndarray, effects: list[float], groups: list[int],
                 influence: dict) -> Combination:
        effects_array = np.asarray(effects, dtype=float)
        _, psi, _ = self._aggregator._compute_aggregated_se_with_wif(
            keys, weights, effects_array, np.asarray(groups), influence, None, None, self._bookkeeping,
            return_psi=True)
        return Combination(float(weights @ effects_array), np.asarray(psi, dtype=float))


def mean_of(combinations: Sequence[Combination]) -> Combination:
    """The plain mean of some combinations (fixed weights)."""
    return Combination(float(np.mean([c.estimate for c in combinations])),
                       np.mean([c.psi for c in combinations], axis=0))


def by_calendar(cells: CellInfluence) -> dict[int, Combination]:
    """Effects by calendar period: the treated cohorts of each period, weighted by size."""
    post = cells.post_cells()
    return {t: cells.share_weighted([c for c in post if c[1] == t]) for t in sorted({t for _, t in post})}


def by_event_time(cells: CellInfluence) -> dict[int, Combination]:
    """Effects by event time e = t − g (pre-periods included), cohorts weighted by size."""
    every = sorted(cells.cells)
    return {e: cells.share_weighted([c for c in every if c[1] - c[0] == e])
            for e in sorted({t - g for g, t in every})}


def by_cohort(cells: CellInfluence) -> dict[int, Combination]:
    """Effects by cohort: the mean of each cohort's treated cells."""
    post = cells.post_cells()
    return {g: cells.equally_weighted([c for c in post if c[0] == g]) for g in sorted({g for g, _ in post})}


def averages(cells: CellInfluence) -> dict[str, Estimate]:
    """Overall averages of the cohort, event-time and calendar aggregations, as R did's ``aggte`` reports them.

    Returns
    -------
    dict
        ``"cohort"``: cohort effects weighted by cohort size; ``"event_time"``:
        the mean of the effects at event times 0 and later; ``"calendar"``: the
        mean of the calendar-period effects.
    """
    events = by_event_time(cells)
    return {
        "cohort": cells.estimate(cells.share_weighted_cohorts(by_cohort(cells))),
        "event_time": cells.estimate(mean_of([value for e, value in events.items() if e >= 0])),
        "calendar": cells.estimate(mean_of(list(by_calendar(cells).values()))),
    }
