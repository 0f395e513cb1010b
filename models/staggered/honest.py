"""HonestDiD (Rambachan–Roth) bounds on the post-period effects (through ``diff_diff``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from data_schemas.errors import check_choice
from models.staggered._library import quietly
from models.staggered.data import prepare

#: Restrictions on the post-period violations of parallel trends.
RESTRICTIONS = {"relative-magnitude": "relative_magnitude", "smoothness": "smoothness"}


@dataclass(frozen=True)
class HonestBounds:
    """Robust confidence intervals of the average post-period effect, one per value of M.

    Under ``relative-magnitude`` M bounds each post-period violation by M times
    the largest pre-period one; under ``smoothness`` M bounds the change in the
    slope of the violation between periods.
    """

    restriction: str
    estimate: float
    std_error: float
    bounds: tuple[tuple[float, float, float], ...]  # (M, lower, upper)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {
            "restriction": self.restriction,
            "estimate": self.estimate,
            "std_error": self.std_error,
            "bounds": [{"M": m, "lower": lo, "upper": hi} for m, lo, hi in self.bounds],
        }


def honest_bounds(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    restriction: str = "relative-magnitude",
    m_values: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
    file: str | None = None,
) -> HonestBounds:
    """Sensitivity of the Callaway–Sant'Anna event study (universal base period, never-treated controls).

    Returns the 95% robust interval of the average post-period effect for each M.
    """
    check_choice(restriction, RESTRICTIONS, what="restriction")
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, file=file)
    from diff_diff import CallawaySantAnna, HonestDiD

    events = quietly(lambda: CallawaySantAnna(base_period="universal", estimation_method="reg").fit(
        panel.frame, outcome=outcome, unit="unit", time="time", first_treat="cohort", aggregate="event_study"))
    fits = [quietly(partial(_honest_fit, HonestDiD, RESTRICTIONS[restriction], float(m), events)) for m in m_values]
    bounds = tuple((float(m), float(f.ci_lb), float(f.ci_ub)) for m, f in zip(m_values, fits))
    return HonestBounds(restriction, float(fits[0].original_estimate), float(fits[0].original_se), bounds)


def _honest_fit(honest: Any, method: str, m: float, events: Any) -> Any:
    return honest(method=method, M=m).fit(events)
