r"""Calendar-time effects and overall averages of Callaway–Sant'Anna's ATT(g, t).

``diff_diff`` aggregates ATT(g, t) by event time and by cohort but not by
calendar period, and gives no overall average of its aggregations.  Both are
linear combinations of the cells, so they follow R ``did``'s ``aggte`` from
the cells' influence functions (:mod:`models.staggered.cs_cells`):

* calendar period t: :math:`\theta(t) = \sum_{g \le t} P(G=g \mid G \le t)\,ATT(g,t)`,
  with the influence function of the estimated cohort shares (did's ``wif``)
  added to the weighted cell influence functions;
* cohort average: :math:`\sum_g P(G=g)\,\theta(g) / \sum_g P(G=g)`, shares
  again estimated (``wif`` over cohorts);
* event-time and calendar averages: plain means of the post-period event-time
  effects and of the calendar effects (fixed weights, no ``wif``).

The standard error of a combination with influence function :math:`\psi` is
:math:`\sqrt{\sum_i \psi_i^2}` in diff-diff's scaling (R's ``bstrap = FALSE``),
clustered by unit on an unbalanced panel (:meth:`Cells.std_error`).
Agreement with R ``did`` 2.5.1 and Stata ``csdid`` is tested in
``tests/test_staggered_reference.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.staggered.cs_cells import Cells
from models.staggered.results import Estimate


@dataclass(frozen=True)
class Combination:
    """An aggregated effect and its influence function over the sampling rows (units, or observations of an unbalanced panel)."""

    estimate: float
    psi: np.ndarray


class CellInfluence:
    """The ATT(g, t) cells of Callaway–Sant'Anna and their influence functions, combined.

    Parameters
    ----------
    cells : Cells
        The cells and their influence functions
        (:func:`models.staggered.cs_cells.group_time_cells`).
    """

    def __init__(self, cells: Cells) -> None:
        self._cells = cells
        self._cohort_size = cells.cohort_sizes()
        self._unit_share = cells.unit_share()
        self.cells = dict(cells.estimates)

    def post_cells(self) -> list[tuple[int, int]]:
        """The cells with t ≥ g (treated periods), in (g, t) order."""
        return sorted(cell for cell in self.cells if cell[1] >= cell[0])

    def share_weighted(self, cells: Sequence[tuple[int, int]]) -> Combination:
        """Cells averaged with weights proportional to their cohort's size, shares estimated."""
        return self._share_weighted([g for g, _ in cells], [self.cells[c] for c in cells],
                                    [self._cells.influence[c] for c in cells])

    def equally_weighted(self, cells: Sequence[tuple[int, int]]) -> Combination:
        """The plain mean of some cells of one cohort (did's cohort effect)."""
        return mean_of([Combination(self.cells[c], self._cells.influence[c]) for c in cells])

    def share_weighted_cohorts(self, by_cohort: dict[int, Combination]) -> Combination:
        """Cohort effects averaged with weights proportional to cohort size, shares estimated."""
        cohorts = sorted(by_cohort)
        return self._share_weighted(cohorts, [by_cohort[g].estimate for g in cohorts],
                                    [by_cohort[g].psi for g in cohorts])

    def std_error(self, psi: np.ndarray) -> float:
        """The standard error of a combination with influence function ``psi``."""
        return self._cells.std_error(psi)

    def estimate(self, combination: Combination, critical: float | None = None) -> Estimate:
        """An :class:`Estimate` of a combination (normal interval unless ``critical`` is given)."""
        return Estimate.normal(combination.estimate, self.std_error(combination.psi), critical)

    def _share_weighted(self, groups: list[int], effects: list[float], psis: list[np.ndarray]) -> Combination:
        r"""Effects weighted by their cohorts' shares, plus the influence of the estimated shares.

        With :math:`p_k` the share of effect k's cohort among all units and
        :math:`S = \sum_k p_k`, the weights are :math:`p_k / S`; the shares'
        influence on unit i of cohort c is
        :math:`(E_c / S - K_c \sum_k p_k \theta_k / S^2) / N`, where
        :math:`E_c` sums and :math:`K_c` counts the effects of cohort c (did's
        ``wif``; it vanishes for units of other cohorts).
        """
        n_units = self._cells.n_units
        size = np.array([self._cohort_size[g] for g in groups], dtype=float)
        weights = size / size.sum()
        effects_array = np.asarray(effects, dtype=float)
        share = size / n_units
        total = share.sum()
        weighted = share @ effects_array
        row_cohort = self._cells.row_cohort
        wif = np.zeros(len(row_cohort))
        for g in set(groups):
            mine = [k for k, h in enumerate(groups) if h == g]
            rows = row_cohort == g
            wif[rows] = effects_array[mine].sum() / total - len(mine) * weighted / total**2
        psi = weights @ np.asarray(psis) + wif * self._unit_share / n_units
        return Combination(float(weights @ effects_array), psi)


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
