"""A firm dossier: the case's time lines against its industry band, and the facts a case study states.

Every fact is computed from the panel rows it names, with its formula, so a sentence
such as "subsidies were 6 % of revenue over 2019-2022 against 3 % in 2017-2018" can be
traced to the rows and redone.  For a group of firms, sums run over the group
(a group's subsidy share is its total subsidies over its total revenue) and time
lines are group means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from panel.case_dossier import DOSSIER_VARIABLES, CaseData

#: Variables drawn as multiples of the firm's base-year value.
MULTIPLE_VARIABLES = ("revenue", "total_assets")
BAND = (0.10, 0.50, 0.90)
YEARS = (2010, 2024)


@dataclass(frozen=True)
class Fact:
    """One claim of a case study, with its value, formula and the rows it reads."""

    claim: str
    value: float | None
    unit: str
    formula: str
    rows: str


@dataclass(frozen=True)
class CaseDossier:
    """Time lines, industry bands, events and facts of one case.

    Attributes
    ----------
    label : str
    firms : tuple of str
    base_year : int
        Year of the multiples (revenue and total assets drawn as value / base-year value).
    lines : dict
        Variable to {year: case value}.
    bands : dict
        Variable to {year: [P10, median, P90]} over the industry peers.
    events : list of dict
        ``firm, date, kind, label``.
    facts : tuple of Fact
    n_peers : int
        Peer firms behind the bands.
    """

    label: str
    firms: tuple[str, ...]
    base_year: int
    lines: dict[str, dict[str, float]]
    bands: dict[str, dict[str, list[float]]]
    events: list[dict[str, str]]
    facts: tuple[Fact, ...]
    n_peers: int

    def fact(self, claim: str) -> Fact:
        """The fact with this claim."""
        return next(f for f in self.facts if f.claim == claim)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        data = asdict(self)
        data["firms"] = list(self.firms)
        data["facts"] = [asdict(f) for f in self.facts]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseDossier:
        """Read the form written by :meth:`to_dict`."""
        values = dict(data)
        values["firms"] = tuple(values["firms"])
        values["facts"] = tuple(Fact(**f) for f in values["facts"])
        return cls(**values)


def _multiples(frame: pd.DataFrame, variable: str, base_year: int) -> pd.Series:
    base = frame[frame["year"] == base_year].set_index("firm_id")[variable]
    return frame[variable] / frame["firm_id"].map(base)


def _case_line(rows: pd.DataFrame, variable: str, base_year: int) -> pd.Series:
    values = _multiples(rows, variable, base_year) if variable in MULTIPLE_VARIABLES else rows[variable]
    return values.groupby(rows["year"]).mean()


def _band(peers: pd.DataFrame, variable: str, base_year: int) -> pd.DataFrame:
    values = _multiples(peers, variable, base_year) if variable in MULTIPLE_VARIABLES else peers[variable]
    values = values.replace([np.inf, -np.inf], np.nan)
    return values.groupby(peers["year"]).quantile(list(BAND)).unstack()


def _window(rows: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return rows[(rows["year"] >= first) & (rows["year"] <= last)]


def _rows_text(firms: Sequence[str], columns: Sequence[str], first: int, last: int) -> str:
    years = f"{first}" if first == last else f"{first}-{last}"
    return f"firm_id in ({', '.join(firms)}), year {years}: {', '.join(columns)}"


def _ratio_of_sums(rows: pd.DataFrame, top: str, bottom: str, first: int, last: int) -> float | None:
    window = _window(rows, first, last)[[top, bottom]].dropna()
    if window.empty or window[bottom].sum() == 0:
        return None
    return float(window[top].sum() / window[bottom].sum())


def _level_ratio(rows: pd.DataFrame, variable: str, first: int, last: int) -> float | None:
    start = rows.loc[rows["year"] == first, variable].sum(min_count=1)
    end = rows.loc[rows["year"] == last, variable].sum(min_count=1)
    if pd.isna(start) or pd.isna(end) or start == 0:
        return None
    return float(end / start)


def _mean(rows: pd.DataFrame, variable: str, first: int, last: int) -> float | None:
    values = _window(rows, first, last)[variable].dropna()
    return None if values.empty else float(values.mean())


def case_facts(case: CaseData, *, post: tuple[int, int] = (2019, 2022), pre: tuple[int, int] = (2017, 2018),
               patents_pre: tuple[int, int] = (2015, 2018)) -> tuple[Fact, ...]:
    """The standard facts of a case: subsidies, growth, patents and supplier dependence around 2019."""
    rows, firms = case.rows, case.firms
    facts = []
    for first, last in (post, pre):
        facts.append(Fact(
            f"subsidies / revenue {first}-{last}", _ratio_of_sums(rows, "subsidy", "revenue", first, last), "share",
            f"sum(subsidy) / sum(revenue) over {first}-{last}", _rows_text(firms, ["subsidy", "revenue"], first, last),
        ))
    for variable in MULTIPLE_VARIABLES:
        facts.append(Fact(
            f"{variable} multiple {post[0]}-{post[1]}", _level_ratio(rows, variable, *post), "times",
            f"{variable}[{post[1]}] / {variable}[{post[0]}]", _rows_text(firms, [variable], post[0], post[1]),
        ))
    after = _window(rows, *post)["invention_apply"].sum(min_count=1)
    before = _window(rows, *patents_pre)["invention_apply"].sum(min_count=1)
    facts.append(Fact(
        f"invention applications {post[0]}-{post[1]} / {patents_pre[0]}-{patents_pre[1]}",
        None if pd.isna(after) or pd.isna(before) or before == 0 else float(after / before), "times",
        f"sum(invention_apply) over {post[0]}-{post[1]} / sum over {patents_pre[0]}-{patents_pre[1]}",
        _rows_text(firms, ["invention_apply"], patents_pre[0], post[1]),
    ))
    share_after = _mean(rows, "foreign_supplier_share", *post)
    share_before = _mean(rows, "foreign_supplier_share", pre[0] - 1, pre[1])
    facts.append(Fact(
        "change in foreign-supplier share",
        None if share_after is None or share_before is None else share_after - share_before, "share points",
        f"mean(foreign_supplier_share) over {post[0]}-{post[1]} - mean over {pre[0] - 1}-{pre[1]}",
        _rows_text(firms, ["foreign_supplier_share"], pre[0] - 1, post[1]),
    ))
    return tuple(facts)


def build_dossier(case: CaseData, *, base_year: int = 2019, variables: Sequence[str] = DOSSIER_VARIABLES,
                  years: tuple[int, int] = YEARS) -> CaseDossier:
    """Time lines of the case against its industry P10-P90 band and median, with events and facts."""
    rows = _window(case.rows, *years)
    peers = _window(case.peers, *years)
    present = [v for v in variables if v in rows.columns]
    lines = {v: {str(int(y)): float(x) for y, x in _case_line(rows, v, base_year).dropna().items()} for v in present}
    bands = {
        v: {str(int(y)): [float(q) for q in band] for y, band in _band(peers, v, base_year).dropna().iterrows()}
        for v in present
    }
    return CaseDossier(
        label=case.label, firms=case.firms, base_year=base_year, lines=lines, bands=bands,
        events=[asdict(e) for e in case.events], facts=case_facts(case), n_peers=int(peers["firm_id"].nunique()),
    )
