"""What running a study gives: immutable results by name, with their JSON form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, did_you_mean
from models.inference.randomization import RandomizationResult
from models.inference.wild_bootstrap import WildBootstrapResult
from models.marginal import marginal_by_period
from models.result import Result
from models.staggered import StaggeredResult
from models.studies.study import Study, study_from_mapping

if TYPE_CHECKING:  # the case studies' estimators (synthetic control, numba) load when a case is read
    from models.case_study import CaseStudy


@dataclass(frozen=True, eq=False)
class EventStudyResult:
    """An estimated event study.

    Attributes
    ----------
    name : str
        The entry's name.
    result : Result
        The regression; ``result.pretrend`` is the joint F test of the leads.
    periods : tuple of (int, str)
        Event time and the name of its coefficient (the reference omitted).
    reference : int
        The omitted event time.
    timing : str or int
        The timing column, or the event year of an exposure design.
    design : {"event_time", "exposure"}
        Leads and lags of each firm's first treatment, or exposure × year
        (event time = year − timing).
    """

    name: str
    result: Result
    periods: tuple[tuple[int, str], ...]
    reference: int
    timing: str | int
    design: str

    @property
    def pretrend(self):
        """The joint test that the pre-period coefficients are zero (:class:`models.WaldTest`)."""
        return self.result.pretrend

    def coefficients(self, level: float = 0.95) -> pd.DataFrame:
        """Estimate, std_error, lower, upper, pvalue by event time; the reference row is 0."""
        names = [name for _, name in self.periods]
        interval = self.result.conf_int(level)
        frame = pd.DataFrame({
            "estimate": self.result.params[names].to_numpy(),
            "std_error": self.result.std_errors[names].to_numpy(),
            "lower": interval.loc[names, "lower"].to_numpy(),
            "upper": interval.loc[names, "upper"].to_numpy(),
            "pvalue": self.result.pvalues[names].to_numpy(),
        }, index=pd.Index([k for k, _ in self.periods], name="event_time"))
        frame.loc[self.reference] = [0.0, np.nan, np.nan, np.nan, np.nan]
        return frame.sort_index()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"name": self.name, "result": self.result.to_dict(), "periods": [list(p) for p in self.periods],
                "reference": self.reference, "timing": self.timing, "design": self.design,
                "coefficients": _records(self.coefficients())}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventStudyResult:
        """Read :meth:`to_dict`'s form."""
        return cls(data["name"], Result.from_dict(data["result"]), tuple((int(k), str(n)) for k, n in data["periods"]),
                   int(data["reference"]), data["timing"], data["design"])


@dataclass(frozen=True, eq=False)
class MarginalResult:
    """The marginal effect of ``x`` in each period of ``by``.

    Attributes
    ----------
    name : str
        The entry's name.
    result : Result
        The regression with ``x`` and its period interactions.
    x, by : str
        The regressor and the period column.
    reference : int
        The period without an interaction.
    periods : tuple of (int, str)
        Period and the name of its interaction coefficient.
    """

    name: str
    result: Result
    x: str
    by: str
    reference: int
    periods: tuple[tuple[int, str], ...]

    @property
    def by_period(self) -> pd.DataFrame:
        """estimate, std_error, lower, upper, pvalue of :math:`\\beta_x + \\beta_{x\\times t}` by period."""
        return marginal_by_period(self.result, self.x, dict(self.periods), self.reference)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"name": self.name, "result": self.result.to_dict(), "x": self.x, "by": self.by,
                "reference": self.reference, "periods": [list(p) for p in self.periods],
                "by_period": _records(self.by_period)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MarginalResult:
        """Read :meth:`to_dict`'s form."""
        return cls(data["name"], Result.from_dict(data["result"]), data["x"], data["by"], int(data["reference"]),
                   tuple((int(k), str(n)) for k, n in data["periods"]))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    index = frame.index.name
    return [{index: int(i), **{k: (None if pd.isna(v) else float(v)) for k, v in row.items()}}
            for i, row in frame.iterrows()]


@dataclass(frozen=True, eq=False)
class StudyResults:
    """Everything a study run estimated, by entry name; nothing in it can be changed.

    Attributes
    ----------
    study : Study
        The study, with its table and figure declarations for the reporter.
    models : mapping of str to Result
    event_studies : mapping of str to EventStudyResult
    marginal : mapping of str to MarginalResult
    coverage : mapping
        ``panel``: firm-years, firms, firm-years naming suppliers and their
        share, exposed firms; ``entries``: per entry the firm-years and firms
        of its subsample and the observations used (staggered entries: the
        firms by cohort and those left out because they were treated before
        their first year in the sample, with the reason).
    panel_options : mapping
        The build options of the panel the study ran on.
    staggered : mapping of str to mapping of str to StaggeredResult
        Per ``[[staggered]]`` entry, its estimators' results by estimator name.
    wild_bootstrap : mapping of str to WildBootstrapResult
        The ``[[wild_bootstrap]]`` tests by name.
    randomization : mapping of str to RandomizationResult
        The ``[[randomization]]`` tests by name.
    cases : mapping of str to models.case_study.CaseStudy
        The ``[[cases]]``: dossier and counterfactuals, by name.
    """

    study: Study
    models: Mapping[str, Result]
    event_studies: Mapping[str, EventStudyResult]
    marginal: Mapping[str, MarginalResult]
    coverage: Mapping[str, Any]
    panel_options: Mapping[str, Any]
    staggered: Mapping[str, Mapping[str, StaggeredResult]] = field(default_factory=dict)
    wild_bootstrap: Mapping[str, WildBootstrapResult] = field(default_factory=dict)
    randomization: Mapping[str, RandomizationResult] = field(default_factory=dict)
    cases: Mapping[str, CaseStudy] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("models", "event_studies", "marginal", "coverage", "panel_options", "wild_bootstrap",
                     "randomization", "cases"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        object.__setattr__(self, "staggered", MappingProxyType(
            {name: MappingProxyType(dict(by_estimator)) for name, by_estimator in self.staggered.items()}))

    def __getitem__(self, name: str) -> Result | EventStudyResult | MarginalResult | Mapping[str, StaggeredResult]:
        for group in (self.models, self.event_studies, self.marginal, self.staggered):
            if name in group:
                return group[name]
        names = [*self.models, *self.event_studies, *self.marginal, *self.staggered]
        raise InputError(f"study '{self.study.name}' has no entry '{name}'",
                         fix=did_you_mean(name, names) or f"choose from {', '.join(names)}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form from which :meth:`from_dict` rebuilds the results without estimating (``cases`` only when there are)."""
        cases = {"cases": {name: c.to_dict() for name, c in self.cases.items()}} if self.cases else {}
        return {
            "study": self.study.to_dict(),
            "models": {name: r.to_dict() for name, r in self.models.items()},
            "event_studies": {name: r.to_dict() for name, r in self.event_studies.items()},
            "marginal": {name: r.to_dict() for name, r in self.marginal.items()},
            "staggered": {name: {estimator: r.to_dict() for estimator, r in by_estimator.items()}
                          for name, by_estimator in self.staggered.items()},
            "wild_bootstrap": {name: r.to_dict() for name, r in self.wild_bootstrap.items()},
            "randomization": {name: r.to_dict() for name, r in self.randomization.items()},
            "coverage": _plain(self.coverage),
            "panel_options": _plain(self.panel_options),
            **cases,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StudyResults:
        """Rebuild results written by :meth:`to_dict`."""
        return cls(
            study=study_from_mapping(data["study"]),
            models={name: Result.from_dict(r) for name, r in data["models"].items()},
            event_studies={name: EventStudyResult.from_dict(r) for name, r in data["event_studies"].items()},
            marginal={name: MarginalResult.from_dict(r) for name, r in data["marginal"].items()},
            coverage=data["coverage"],
            panel_options=data["panel_options"],
            staggered={name: {estimator: StaggeredResult.from_dict(r) for estimator, r in by_estimator.items()}
                       for name, by_estimator in data.get("staggered", {}).items()},
            wild_bootstrap={name: WildBootstrapResult(**{**r, "conf_int": tuple(r["conf_int"])})
                            for name, r in data.get("wild_bootstrap", {}).items()},
            randomization={name: RandomizationResult.from_dict(r) for name, r in data.get("randomization", {}).items()},
            cases=_cases(data.get("cases", {})),
        )

    def to_json(self, path: str | Path | None = None) -> str:
        """The JSON text of :meth:`to_dict`; written to ``path`` when given."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def read_json(cls, path: str | Path) -> StudyResults:
        """Read results written by :meth:`to_json`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _cases(stored: Mapping[str, Any]) -> dict[str, CaseStudy]:
    """The case studies of a stored result, by name."""
    from models.case_study import CaseStudy

    return {name: CaseStudy.from_dict(case) for name, case in stored.items()}
