"""HonestDiD (Rambachan–Roth) bounds on the post-period effects (through the ``diff_diff`` adapter)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data_schemas.errors import check_choice
from models.staggered import diff_diff_adapter
from models.staggered.data import prepare


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
    check_choice(restriction, diff_diff_adapter.HONEST_RESTRICTIONS, what="restriction")
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, file=file)
    fitted = diff_diff_adapter.honest_did(panel, restriction, m_values)
    bounds = tuple((float(m), lower, upper) for m, (lower, upper) in zip(m_values, fitted.intervals))
    return HonestBounds(restriction, fitted.estimate, fitted.std_error, bounds)
