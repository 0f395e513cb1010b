"""Small immutable results of the staggered estimators, tabulated beside the TWFE ``Result``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.distributions import chi2_sf, normal_quantile

#: Two-sided level of the confidence intervals stored in every result.
LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """One aggregated effect with its standard error and confidence interval.

    ``lower`` and ``upper`` are the pointwise normal interval at :data:`LEVEL`
    unless a result carries uniform bands, in which case they are the band.
    """

    estimate: float
    std_error: float
    lower: float
    upper: float

    @classmethod
    def normal(cls, estimate: float, std_error: float, critical: float | None = None) -> Estimate:
        """An estimate with the interval ``estimate ± critical · std_error`` (normal by default)."""
        z = normal_quantile(0.5 + LEVEL / 2) if critical is None else critical
        return cls(float(estimate), float(std_error), float(estimate - z * std_error), float(estimate + z * std_error))

    def to_dict(self) -> dict[str, float]:
        """A JSON-able form."""
        return {"estimate": self.estimate, "std_error": self.std_error, "lower": self.lower, "upper": self.upper}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Estimate:
        """Read the form written by :meth:`to_dict`."""
        return cls(float(data["estimate"]), float(data["std_error"]), float(data["lower"]), float(data["upper"]))


@dataclass(frozen=True)
class PretrendTest:
    """Joint Wald test that every pre-period event-time effect is zero (chi-squared form)."""

    event_times: tuple[int, ...]
    statistic: float
    df: int
    pvalue: float

    @classmethod
    def from_estimates(cls, event_times: Sequence[int], estimates: np.ndarray, cov: np.ndarray) -> PretrendTest:
        """The statistic :math:`b'V^{-1}b` of the pre-period estimates ``b`` with covariance ``V``.

        A singular ``V`` is inverted by its pseudo-inverse, with the degrees of
        freedom set to its rank.
        """
        b = np.asarray(estimates, dtype=float)
        v = np.asarray(cov, dtype=float).reshape(len(b), len(b))
        statistic = float(b @ np.linalg.pinv(v) @ b)
        df = int(np.linalg.matrix_rank(v))
        return cls(tuple(int(e) for e in event_times), statistic, df, chi2_sf(statistic, df))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"event_times": list(self.event_times), "statistic": self.statistic, "df": self.df, "pvalue": self.pvalue}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PretrendTest:
        """Read the form written by :meth:`to_dict`."""
        return cls(tuple(data["event_times"]), float(data["statistic"]), int(data["df"]), float(data["pvalue"]))


def _estimates_to_dict(values: Mapping[int, Estimate]) -> dict[str, dict[str, float]]:
    return {str(key): value.to_dict() for key, value in values.items()}


def _estimates_from_dict(values: Mapping[str, Any]) -> dict[int, Estimate]:
    return {int(key): Estimate.from_dict(value) for key, value in values.items()}


@dataclass(frozen=True)
class StaggeredResult:
    """Estimates of one heterogeneity-robust (or TWFE) difference-in-differences.

    Attributes
    ----------
    estimator : str
        ``"callaway-santanna"``, ``"sun-abraham"``, ``"imputation"`` or ``"twfe"``.
    outcome : str
        The outcome column.
    att : Estimate
        The overall effect on the treated (see ``att_definition``).
    att_definition : str
        How ``att`` aggregates the cells, for table notes.
    event_time : dict of int to Estimate
        Effect by period relative to the first treated period (0 = impact).
    by_cohort, by_calendar : dict of int to Estimate
        Effect by treatment cohort and by calendar period (empty where the
        estimator does not give them).
    group_time : dict of (int, int) to Estimate
        Callaway–Sant'Anna's ATT(g, t) cells.
    averages : dict of str to Estimate
        Overall averages of the aggregations, keyed ``"cohort"``,
        ``"event_time"`` (post-period event times) and ``"calendar"`` (empty
        where the estimator does not give them).
    pretrend : PretrendTest or None
        Joint test of the pre-period event-time effects.
    control : str
        ``"never"`` or ``"notyet"`` (the comparison units).
    n_obs, n_units, n_treated_units : int
        Observations and units used.
    uniform_critical : float or None
        The critical value of the uniform (sup-t) band, when the event-time
        intervals are bands rather than pointwise intervals.
    note : str
        The variance estimator and conventions, for table notes.
    """

    estimator: str
    outcome: str
    att: Estimate
    att_definition: str
    event_time: dict[int, Estimate]
    control: str
    n_obs: int
    n_units: int
    n_treated_units: int
    note: str
    by_cohort: dict[int, Estimate] = field(default_factory=dict)
    by_calendar: dict[int, Estimate] = field(default_factory=dict)
    group_time: dict[tuple[int, int], Estimate] = field(default_factory=dict)
    averages: dict[str, Estimate] = field(default_factory=dict)
    pretrend: PretrendTest | None = None
    uniform_critical: float | None = None

    def __post_init__(self) -> None:
        for name in ("event_time", "by_cohort", "by_calendar", "group_time", "averages"):
            object.__setattr__(self, name, dict(sorted(getattr(self, name).items())))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form, read back by :meth:`from_dict`."""
        return {
            "estimator": self.estimator,
            "outcome": self.outcome,
            "att": self.att.to_dict(),
            "att_definition": self.att_definition,
            "event_time": _estimates_to_dict(self.event_time),
            "by_cohort": _estimates_to_dict(self.by_cohort),
            "by_calendar": _estimates_to_dict(self.by_calendar),
            "group_time": {f"{g},{t}": value.to_dict() for (g, t), value in self.group_time.items()},
            "averages": {key: value.to_dict() for key, value in self.averages.items()},
            "pretrend": None if self.pretrend is None else self.pretrend.to_dict(),
            "control": self.control,
            "n_obs": self.n_obs,
            "n_units": self.n_units,
            "n_treated_units": self.n_treated_units,
            "uniform_critical": self.uniform_critical,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StaggeredResult:
        """Rebuild a result from :meth:`to_dict`'s form."""
        cells = {}
        for key, value in data["group_time"].items():
            g, t = key.split(",")
            cells[(int(g), int(t))] = Estimate.from_dict(value)
        return cls(
            estimator=data["estimator"],
            outcome=data["outcome"],
            att=Estimate.from_dict(data["att"]),
            att_definition=data["att_definition"],
            event_time=_estimates_from_dict(data["event_time"]),
            by_cohort=_estimates_from_dict(data["by_cohort"]),
            by_calendar=_estimates_from_dict(data["by_calendar"]),
            group_time=cells,
            averages={key: Estimate.from_dict(value) for key, value in data.get("averages", {}).items()},
            pretrend=None if data["pretrend"] is None else PretrendTest.from_dict(data["pretrend"]),
            control=data["control"],
            n_obs=int(data["n_obs"]),
            n_units=int(data["n_units"]),
            n_treated_units=int(data["n_treated_units"]),
            uniform_critical=data["uniform_critical"],
            note=data["note"],
        )

    def summary(self) -> str:
        """A plain-text table: the overall effect, then the effect by event time."""
        head = f"{'':<14} {'estimate':>11} {'std err':>10} {'[lower':>11} {'upper]':>11}"

        def row(label: str, value: Estimate) -> str:
            return f"{label:<14} {value.estimate:>11.5f} {value.std_error:>10.5f} {value.lower:>11.5f} {value.upper:>11.5f}"

        lines = [f"{self.estimator}: {self.outcome}, control units: {self.control}", head, row("ATT", self.att)]
        if self.event_time:
            lines += ["", "Event time"] + [row(f"  {k:+d}" if k else "   0", v) for k, v in self.event_time.items()]
        if self.by_cohort:
            lines += ["", "Cohort"] + [row(f"  {k}", v) for k, v in self.by_cohort.items()]
        if self.by_calendar:
            lines += ["", "Calendar period"] + [row(f"  {k}", v) for k, v in self.by_calendar.items()]
        if self.averages:
            lines += ["", "Average of the effects by"] + [row(f"  {k}", v) for k, v in self.averages.items()]
        lines += ["", f"ATT: {self.att_definition}"]
        lines.append(f"Observations: {self.n_obs}; units: {self.n_units} ({self.n_treated_units} treated)")
        if self.pretrend is not None:
            lines.append(
                f"Pre-trend test: chi2({self.pretrend.df}) = {self.pretrend.statistic:.4f}, p = {self.pretrend.pvalue:.4f}"
            )
        lines.append(self.note)
        return "\n".join(lines)
