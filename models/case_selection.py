"""Choose case firms from a fitted panel model (nested analysis: Lieberman 2005; Seawright and Gerring 2008).

For a linear model with absorbed fixed effects, every firm gets four statistics:

* **typical** / **deviant**: the root mean squared residual of the firm's rows
  (with firm fixed effects the mean residual of a firm is zero, so the spread of its
  residuals is how far the model misses its path); smallest = typical, largest = deviant;
* **extreme**: ``|mean x_firm - mean x| / sd(x)`` on the regressor of interest, raw values;
* **influential**: the change in the coefficient of interest when the firm's rows are
  left out, ``DFBETA_g = (X'X)^{-1} X_g' (I - H_gg)^{-1} e_g`` on the demeaned data
  (Belsley, Kuh and Welsch 1980, by cluster), scaled by the coefficient's iid standard
  error.  With the firm as the only fixed effect this is the exact leave-one-firm-out
  change; with other fixed effects too, their demeaning is held at the full sample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, did_you_mean
from models.absorb import demean
from models.design import build_design
from models.fixed_effects import fe_dof
from models.spec import Spec

CASE_TYPES = ("typical", "deviant", "extreme", "influential")
#: Columns described beside each candidate when the panel has them.
DESCRIBE = ("short_name", "industry", "exposed")


@dataclass(frozen=True)
class Candidate:
    """One firm proposed as a case of one type, with the statistic that ranks it."""

    case_type: str
    rank: int
    firm: str
    statistic: float
    n_obs: int
    name: str | None = None
    industry: str | None = None
    exposed: float | None = None


@dataclass(frozen=True)
class CaseSelection:
    """The top candidates per case type and the model they come from.

    Attributes
    ----------
    outcome, regressor : str
        The model's outcome and the regressor of interest.
    coefficient : float
        Its estimate on the full sample.
    std_error : float
        Its iid standard error (the DFBETA scale).
    n_firms : int
        Firms in the estimation sample.
    candidates : tuple of Candidate
    """

    outcome: str
    regressor: str
    coefficient: float
    std_error: float
    n_firms: int
    candidates: tuple[Candidate, ...]

    def of_type(self, case_type: str) -> list[Candidate]:
        """The candidates of one type, best first."""
        return [c for c in self.candidates if c.case_type == case_type]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        data = asdict(self)
        data["candidates"] = [asdict(c) for c in self.candidates]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseSelection:
        """Read the form written by :meth:`to_dict`."""
        values = dict(data)
        values["candidates"] = tuple(Candidate(**c) for c in values["candidates"])
        return cls(**values)


@dataclass(frozen=True)
class FirmStatistics:
    """Every firm's four statistics (indexed by firm)."""

    rms_residual: pd.Series
    extremeness: pd.Series
    dfbeta: pd.Series
    n_obs: pd.Series


def firm_statistics(
    data: pd.DataFrame, spec: Spec, regressor: str, *, firm: str = "firm_id"
) -> tuple[FirmStatistics, float, float]:
    """Residual spread, extremeness and influence of each firm, with the coefficient and its iid SE."""
    if regressor not in spec.regressors:
        hint = did_you_mean(regressor, spec.regressors)
        raise InputError(f"'{regressor}' is not a regressor of the model" + (f"; {hint}" if hint else ""),
                         fix=f"choose one of {', '.join(spec.regressors)}")
    if firm not in data.columns:
        raise InputError(f"no firm column '{firm}' in the panel")
    design = build_design(data, spec)
    columns = np.column_stack([design.y, design.x])
    if design.fixed_effects:
        demeaned = demean(columns, list(design.fixed_effects)).values
    else:
        demeaned = columns - columns.mean(axis=0)
    y, x = demeaned[:, 0], demeaned[:, 1:]
    bread = np.linalg.pinv(x.T @ x)
    beta = bread @ (x.T @ y)
    resid = y - x @ beta
    j = list(spec.regressors).index(regressor)
    firms = data.loc[design.index, firm].astype(str).to_numpy()
    codes, labels = pd.factorize(firms)
    dfbeta = np.empty(len(labels))
    rms = np.empty(len(labels))
    for g in range(len(labels)):
        rows = codes == g
        xg, eg = x[rows], resid[rows]
        leverage = xg @ bread @ xg.T
        correction = np.linalg.lstsq(np.eye(len(eg)) - leverage, eg, rcond=None)[0]
        dfbeta[g] = (bread @ xg.T @ correction)[j]
        rms[g] = np.sqrt(np.mean(eg**2))
    dof = len(y) - x.shape[1] - (fe_dof(design.fixed_effects) if design.fixed_effects else 1)
    sigma2 = float(resid @ resid) / max(dof, 1)
    std_error = float(np.sqrt(sigma2 * bread[j, j]))
    raw = data.loc[design.index, regressor].astype(float)
    by_firm = raw.groupby(firms).mean()
    extremeness = (by_firm - raw.mean()).abs() / raw.std(ddof=1)
    stats = FirmStatistics(
        rms_residual=pd.Series(rms, index=labels),
        extremeness=extremeness.reindex(labels),
        dfbeta=pd.Series(dfbeta / std_error, index=labels),
        n_obs=pd.Series(np.bincount(codes), index=labels),
    )
    return stats, float(beta[j]), std_error


def select_cases(
    data: pd.DataFrame, spec: Spec, regressor: str, *, top: int = 5, firm: str = "firm_id",
    describe: Sequence[str] = DESCRIBE,
) -> CaseSelection:
    """Rank firms as typical, deviant, extreme and influential cases of ``spec``.

    Parameters
    ----------
    data : DataFrame
        The panel (one row per firm-year) with the model's columns.
    spec : Spec
        A linear model with absorbed fixed effects.
    regressor : str
        The regressor of interest.
    top : int
        Candidates kept per type.
    firm : str
        Firm identifier column.
    describe : sequence of str
        Columns shown beside each candidate (their first value per firm) where present.
    """
    stats, coefficient, std_error = firm_statistics(data, spec, regressor, firm=firm)
    keyed = data.assign(_firm=data[firm].astype(str)).groupby("_firm")
    info = {column: keyed[column].first() for column in describe if column in data.columns}
    orders = {
        "typical": stats.rms_residual.sort_values(kind="stable"),
        "deviant": stats.rms_residual.sort_values(ascending=False, kind="stable"),
        "extreme": stats.extremeness.sort_values(ascending=False, kind="stable"),
        "influential": stats.dfbeta.abs().sort_values(ascending=False, kind="stable"),
    }
    candidates = []
    for case_type, order in orders.items():
        for rank, firm_code in enumerate(order.index[:top], start=1):
            statistic = stats.dfbeta[firm_code] if case_type == "influential" else order[firm_code]
            candidates.append(Candidate(
                case_type=case_type, rank=rank, firm=firm_code, statistic=float(statistic),
                n_obs=int(stats.n_obs[firm_code]),
                name=_text(info, "short_name", firm_code), industry=_text(info, "industry", firm_code),
                exposed=_number(info, "exposed", firm_code),
            ))
    return CaseSelection(spec.outcome, regressor, coefficient, std_error, len(stats.n_obs), tuple(candidates))


def _text(info: Mapping[str, pd.Series], column: str, firm: str) -> str | None:
    value = info[column].get(firm) if column in info else None
    return None if value is None or pd.isna(value) else str(value)


def _number(info: Mapping[str, pd.Series], column: str, firm: str) -> float | None:
    value = info[column].get(firm) if column in info else None
    return None if value is None or pd.isna(value) else float(value)
