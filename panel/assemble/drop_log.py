"""The log of every row the build drops, and why."""

from __future__ import annotations

import pandas as pd

DROP_LOG_COLUMNS = ["stage", "source", "firm_id", "year", "reason"]


class DropLog:
    """Collects dropped rows while the panel is built.

    Each entry names the build stage, the raw table (or ``panel``), the firm,
    the year and the reason, so every row missing from the panel can be
    traced.
    """

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def record(self, rows: pd.DataFrame, *, stage: str, source: str, reason: str | pd.Series) -> None:
        """Log ``rows`` (with ``firm_id`` and ``year`` columns) as dropped.

        Parameters
        ----------
        rows : DataFrame
            The dropped rows; only ``firm_id`` and ``year`` are kept.
        stage : str
            Build stage, e.g. ``"statements"`` or ``"filters"``.
        source : str
            Raw table name, or ``"panel"`` for firm-year rows.
        reason : str or Series
            Why, one text for all rows or one per row (aligned on the index).
        """
        if rows.empty:
            return
        part = pd.DataFrame(
            {
                "stage": stage,
                "source": source,
                "firm_id": rows["firm_id"].astype(str).to_numpy(),
                "year": rows["year"].astype("Int64").to_numpy(),
                "reason": reason.to_numpy() if isinstance(reason, pd.Series) else reason,
            }
        )
        self._parts.append(part)

    def frame(self) -> pd.DataFrame:
        """All entries so far, in the order they were recorded."""
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "year" else str) for c in DROP_LOG_COLUMNS})
        return pd.concat(self._parts, ignore_index=True)[DROP_LOG_COLUMNS]

    def summary(self) -> pd.DataFrame:
        """Counts of dropped rows by stage, source and reason."""
        log = self.frame()
        return log.groupby(["stage", "source", "reason"], sort=False).size().rename("rows").reset_index()
