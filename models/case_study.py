"""A whole case study of one firm or group: dossier, and counterfactuals for chosen outcomes.

:func:`estimate_case` takes the panel rows the dossier reads (:class:`panel.case_dossier.CaseData`)
and the full panel for the donor pool, and returns one immutable, JSON-able
:class:`CaseStudy`.  The donor pool is restricted as case studies require: firms in the
case firms' industries, never exposed, listed before the treatment year and observed
in every period of the window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data_schemas.errors import InputError
from models.case_selection import CaseSelection, select_cases
from models.dossier import CaseDossier, build_dossier
from models.spec import Spec
from models.synthetic import (
    LeaveOneOut,
    PlaceboInSpace,
    PlaceboInTime,
    SyntheticResult,
    fit_synthetic,
    synthetic_design,
)
from models.synthetic.data import MIN_PRE_PERIODS
from models.synthetic.inference import leave_one_donor_out, placebo_in_space, placebo_in_time
from panel.case_dossier import CaseData

#: Counterfactual outcomes of the built-in case study and its estimators.
DEFAULT_OUTCOMES = ("invention_apply", "foreign_supplier_share")
DEFAULT_METHODS = ("sc", "sdid")


#: Years the placebo in time backdates the treatment by.
BACKDATE = 3


@dataclass(frozen=True)
class Counterfactual:
    """One synthetic estimate of the case on one outcome, with placebos in space and time and leave-one-out."""

    result: SyntheticResult
    placebo: PlaceboInSpace
    in_time: PlaceboInTime | None
    leave_one_out: LeaveOneOut

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"result": self.result.to_dict(), "placebo": self.placebo.to_dict(),
                "in_time": None if self.in_time is None else self.in_time.to_dict(),
                "leave_one_out": self.leave_one_out.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Counterfactual:
        """Read the form written by :meth:`to_dict`."""
        in_time = data.get("in_time")
        return cls(SyntheticResult.from_dict(data["result"]), PlaceboInSpace.from_dict(data["placebo"]),
                   None if in_time is None else PlaceboInTime(**in_time), LeaveOneOut(**data["leave_one_out"]))


@dataclass(frozen=True)
class CaseStudy:
    """A dossier, its counterfactuals and the counterfactuals the data did not allow (with the reason)."""

    dossier: CaseDossier
    counterfactuals: tuple[Counterfactual, ...]
    skipped: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"dossier": self.dossier.to_dict(), "counterfactuals": [c.to_dict() for c in self.counterfactuals],
                "skipped": list(self.skipped)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseStudy:
        """Read the form written by :meth:`to_dict`."""
        return cls(CaseDossier.from_dict(data["dossier"]),
                   tuple(Counterfactual.from_dict(c) for c in data["counterfactuals"]), tuple(data.get("skipped", ())))


#: How the donor pool is restricted by industry: the case's industries, their sections, or not at all.
DONOR_SCOPES = {"industry": "industry", "section": "industry_section", "all": None}
#: With scope "auto", the narrowest scope that leaves at least this many donors.
AUTO_MIN_DONORS = 20


def donor_pool(panel: pd.DataFrame, case: CaseData, start: int, scope: str = "industry") -> list[str]:
    """Firms never exposed, listed before ``start`` and (by ``scope``) in the case firms' industries.

    ``scope="auto"`` takes the case's industries, else their sections, else every firm,
    whichever first leaves :data:`AUTO_MIN_DONORS` donors.
    """
    if scope == "auto":
        for candidate in DONOR_SCOPES:
            pool = donor_pool(panel, case, start, candidate)
            if len(pool) >= AUTO_MIN_DONORS:
                return pool
        return pool
    if scope not in DONOR_SCOPES:
        raise InputError(f"unknown donor scope '{scope}'", fix=f"use one of {', '.join(DONOR_SCOPES)} or auto")
    ids = panel["firm_id"].astype(str)
    keep = ~ids.isin(case.firms)
    column = DONOR_SCOPES[scope]
    if column is not None and column in panel:
        keep &= panel[column].isin(case.rows[column].dropna().unique())
    if "exposed" in panel:
        ever = panel.groupby(ids)["exposed"].transform("max").fillna(0)
        keep &= ever == 0
    if "list_year" in panel:
        keep &= panel["list_year"] < start
    return sorted(ids[keep].unique())


def _unbroken_start(rows: pd.DataFrame, outcome: str, last_year: int, start: int) -> int:
    """First year from which every case firm's outcome is observed in each year through ``last_year``."""
    first = None
    for _, frame in rows.groupby("firm_id"):
        observed = set(frame.loc[frame[outcome].notna(), "year"].astype(int))
        year = last_year
        while year - 1 in observed:
            year -= 1
        year = year if year in observed else start
        first = year if first is None else max(first, year)
    return start if first is None else first


def counterfactual(panel: pd.DataFrame, case: CaseData, outcome: str, method: str, *, start: int = 2019,
                   first_year: int | None = None, last_year: int = 2024, scope: str = "industry") -> Counterfactual:
    """Synthetic estimate of ``method`` for the case on ``outcome`` over ``first_year``-``last_year``.

    Unless ``first_year`` is given, the window starts where every case firm's outcome
    is observed without a gap through ``last_year``.
    """
    if outcome not in panel.columns:
        raise InputError(f"no column '{outcome}' in the panel", fix="choose a panel variable (see the codebook)")
    first = first_year if first_year is not None else _unbroken_start(case.rows, outcome, last_year, start)
    window = panel[(panel["year"] >= first) & (panel["year"] <= last_year)]
    design = synthetic_design(window.assign(firm_id=window["firm_id"].astype(str)), unit="firm_id", time="year",
                              outcome=outcome, treated=case.firms, start=start,
                              donors=donor_pool(window, case, start, scope), source=f"panel ({case.label})")
    result = fit_synthetic(design, method, se="placebo")
    backdated = start - BACKDATE
    in_time = placebo_in_time(design, method, backdated) if backdated - first >= MIN_PRE_PERIODS else None
    return Counterfactual(result, placebo_in_space(design, result), in_time, leave_one_donor_out(design, result))


def estimate_case(panel: pd.DataFrame, case: CaseData, *, outcomes: Sequence[str] = DEFAULT_OUTCOMES,
                  methods: Sequence[str] = DEFAULT_METHODS, start: int = 2019, scope: str = "industry",
                  skip_unavailable: bool = False) -> CaseStudy:
    """The dossier of ``case`` and a counterfactual per outcome and method.

    With ``skip_unavailable`` (the built-in run), an outcome the case's data do not
    allow (too few pre-periods, too few donors) is left out and its reason kept in
    :attr:`CaseStudy.skipped` instead of stopping the run.
    """
    dossier = build_dossier(case)
    fits, skipped = [], []
    for outcome in outcomes:
        for method in methods:
            try:
                fits.append(counterfactual(panel, case, outcome, method, start=start, scope=scope))
            except InputError as error:
                if not skip_unavailable:
                    raise
                skipped.append(f"{outcome} ({method}): {error.message}")
    return CaseStudy(dossier, tuple(fits), tuple(skipped))


@dataclass(frozen=True)
class CaseStudies:
    """The built-in case-study run: case selection from a panel model and a case study per case."""

    selection: CaseSelection
    studies: tuple[CaseStudy, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {"selection": self.selection.to_dict(), "studies": [s.to_dict() for s in self.studies]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseStudies:
        """Read the form written by :meth:`to_dict`."""
        return cls(CaseSelection.from_dict(data["selection"]), tuple(CaseStudy.from_dict(s) for s in data["studies"]))


#: The selection model of the built-in run: the return to patenting (ROA on invention applications).
SELECTION_SPEC = Spec("roa", ("ln_invention_apply", "size", "leverage"), fixed_effects=("firm_id", "year"),
                      cluster=("firm_id",), vcov="cluster")
SELECTION_REGRESSOR = "ln_invention_apply"


def estimate_case_studies(panel: pd.DataFrame, cases: Sequence[tuple[CaseData, Sequence[str]]], *,
                          spec: Spec = SELECTION_SPEC, regressor: str = SELECTION_REGRESSOR) -> CaseStudies:
    """Case selection from ``spec`` and, for each ``(case, outcomes)``, its dossier and counterfactuals."""
    selection = select_cases(panel, spec, regressor)
    studies = tuple(estimate_case(panel, case, outcomes=outcomes, scope="auto", skip_unavailable=True)
                    for case, outcomes in cases)
    return CaseStudies(selection, studies)
