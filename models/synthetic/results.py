"""Immutable, JSON-able results of the synthetic estimators and their inference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


def _rounded_keys(values: Mapping[Any, float]) -> dict[str, float]:
    return {str(key): float(value) for key, value in values.items()}


@dataclass(frozen=True)
class SyntheticResult:
    """One synthetic-control, synthetic-DiD or DiD estimate for a treated unit or group.

    Attributes
    ----------
    method : str
        ``"sdid"``, ``"sc"`` or ``"did"``.
    outcome : str
    treated : tuple of str
    start : str
        First treated period.
    estimate : float
        Average effect over the post-periods.
    std_error : float or None
        Standard error, None where none was asked for or the method has none.
    se_method : str or None
        ``"placebo"``, ``"jackknife"`` or ``"bootstrap"``.
    unit_weights : dict
        Donor to weight (sums to one).
    time_weights : dict
        Pre-period to weight (zero for ``sc``, which compares post-period levels).
    pre_rmspe : float
        Root mean squared gap between the treated and the synthetic path before the start.
    treated_path, synthetic_path : dict
        Period to the treated mean and to the synthetic counterpart (weighted donors
        plus the level shift the method fits).
    n_donors, n_pre, n_post : int
    dropped_donors : tuple of str
        Donors left out for a missing outcome.
    predictors : tuple of dict
        With predictors (Abadie, Diamond and Hainmueller 2010): each predictor's name,
        treated and synthetic value and its weight in ``V``; empty otherwise.
    """

    method: str
    outcome: str
    treated: tuple[str, ...]
    start: str
    estimate: float
    std_error: float | None
    se_method: str | None
    unit_weights: dict[str, float]
    time_weights: dict[str, float]
    pre_rmspe: float
    treated_path: dict[str, float]
    synthetic_path: dict[str, float]
    n_donors: int
    n_pre: int
    n_post: int
    dropped_donors: tuple[str, ...] = ()
    predictors: tuple[dict[str, Any], ...] = ()

    @property
    def gap(self) -> dict[str, float]:
        """Treated minus synthetic path, by period."""
        return {p: self.treated_path[p] - self.synthetic_path[p] for p in self.treated_path}

    @property
    def predictor_balance(self) -> list[dict[str, Any]]:
        """Treated and synthetic value of each predictor matched (the pre-period outcomes where none were given)."""
        if self.predictors:
            return [dict(row) for row in self.predictors]
        pre = list(self.treated_path)[: self.n_pre]
        return [
            {"predictor": f"{self.outcome} {p}", "treated": self.treated_path[p], "synthetic": self.synthetic_path[p]}
            for p in pre
        ]

    def with_std_error(self, std_error: float | None, se_method: str) -> SyntheticResult:
        """A copy carrying a standard error."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(std_error=std_error, se_method=se_method)
        return SyntheticResult(**values)

    def summary(self) -> dict[str, Any]:
        """The short form the ``synth`` command prints (with the predictor balance where there are predictors)."""
        short: dict[str, Any] = {
            "estimate": self.estimate, "std_error": self.std_error, "unit_weights": dict(self.unit_weights),
            "time_weights": dict(self.time_weights), "pre_rmspe": self.pre_rmspe,
        }
        if self.predictors:
            short["predictors"] = self.predictor_balance
        return short

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        data = asdict(self)
        data["treated"] = list(self.treated)
        data["dropped_donors"] = list(self.dropped_donors)
        data["predictors"] = [dict(row) for row in self.predictors]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SyntheticResult:
        """Read the form written by :meth:`to_dict`."""
        values = dict(data)
        values["treated"] = tuple(values["treated"])
        values["dropped_donors"] = tuple(values.get("dropped_donors", ()))
        values["predictors"] = tuple(dict(row) for row in values.get("predictors", ()))
        for key in ("unit_weights", "time_weights", "treated_path", "synthetic_path"):
            values[key] = _rounded_keys(values[key])
        return cls(**values)


@dataclass(frozen=True)
class PlaceboInSpace:
    """Every donor in turn given the treatment (Abadie, Diamond and Hainmueller 2010, sec. 2.4).

    Attributes
    ----------
    method : str
    treated_ratio : float
        The treated unit's post/pre RMSPE ratio.
    ratios : dict
        Donor to its post/pre RMSPE ratio as a placebo.
    estimates : dict
        Donor to its placebo effect.
    gaps : dict
        Donor to its placebo gap path (period to gap), for the gap figure.
    p_value : float
        Share of the treated unit and its placebos whose ratio is at least the treated one's.
    pre_rmspe : dict
        Donor to its placebo pre-period RMSPE.
    """

    method: str
    treated_ratio: float
    ratios: dict[str, float]
    estimates: dict[str, float]
    gaps: dict[str, dict[str, float]]
    p_value: float
    pre_rmspe: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlaceboInSpace:
        """Read the form written by :meth:`to_dict`."""
        return cls(**dict(data))


@dataclass(frozen=True)
class PlaceboInTime:
    """The treatment backdated to a period before the real start, on pre-period data only."""

    method: str
    fake_start: str
    estimate: float
    pre_rmspe: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return asdict(self)


@dataclass(frozen=True)
class LeaveOneOut:
    """The estimate with each weighted donor left out in turn."""

    method: str
    estimates: dict[str, float]

    @property
    def range(self) -> tuple[float, float]:
        """Smallest and largest leave-one-out estimate."""
        values = list(self.estimates.values())
        return (min(values), max(values))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return asdict(self)
