"""Goodman-Bacon decomposition of the static TWFE estimate (through the ``diff_diff`` adapter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from models.staggered import diff_diff_adapter
from models.staggered.data import prepare


@dataclass(frozen=True)
class BaconResult:
    """The TWFE estimate as a weighted sum of 2x2 comparisons.

    ``comparisons`` has one row per comparison: ``treated``, ``control``
    (a cohort, or ``"never"``), ``kind`` (treated vs never, earlier vs later,
    later vs earlier — the last uses already-treated units as controls),
    ``estimate`` and ``weight`` (weights sum to one).
    """

    twfe_estimate: float
    comparisons: pd.DataFrame

    def weight_by_kind(self) -> dict[str, float]:
        """Total weight of each kind of comparison."""
        return {str(k): float(v) for k, v in self.comparisons.groupby("kind")["weight"].sum().items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"twfe_estimate": self.twfe_estimate, "comparisons": self.comparisons.to_dict(orient="records")}


def bacon_decomposition(
    data: pd.DataFrame, outcome: str, *, unit: str, time: str, cohort: str, file: str | None = None
) -> BaconResult:
    """Decompose the TWFE coefficient of treated × post into its 2x2 comparisons (balanced panels)."""
    panel = prepare(data, outcome, unit=unit, time=time, cohort=cohort, file=file)
    fitted = diff_diff_adapter.bacon_decomposition(panel)
    return BaconResult(fitted.twfe_estimate, fitted.comparisons)
