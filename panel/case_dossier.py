"""The rows a firm dossier reads: the case firms, their industry peers and their events.

A case is one firm or a named group of firms (the Huawei suppliers, a Little Giant
batch).  :func:`case_data` checks the firm codes against the panel (an unknown code
stops with the nearest codes), takes the case firms' rows and those of the other
firms in their industries, and lists the events to mark on the time lines.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_schemas.errors import InputError
from panel.files import check_name

#: The Entity-List listing of Huawei and 68 affiliates (84 FR 22961), marked on every dossier.
HUAWEI_LISTING = pd.Timestamp("2019-05-16")
#: Variables a dossier follows, in the order of its panels.
DOSSIER_VARIABLES = (
    "invention_apply", "utility_apply", "rd_intensity", "subsidy_ratio", "revenue", "total_assets",
    "roa", "roe", "tobin_q", "foreign_supplier_share", "top5_purchase_share",
)


@dataclass(frozen=True)
class CaseEvent:
    """One dated event on a case's time lines."""

    firm: str
    date: str
    kind: str
    label: str


@dataclass(frozen=True)
class CaseData:
    """Panel rows of a case and of its industry peers.

    Attributes
    ----------
    label : str
        Name of the case (the firm code for a single firm).
    firms : tuple of str
    rows : DataFrame
        The case firms' firm-years.
    peers : DataFrame
        Firm-years of the other firms in the case firms' industries.
    events : tuple of CaseEvent
    """

    label: str
    firms: tuple[str, ...]
    rows: pd.DataFrame
    peers: pd.DataFrame
    events: tuple[CaseEvent, ...]


def check_firms(panel: pd.DataFrame, firms: Sequence[str], *, source: str = "panel") -> tuple[str, ...]:
    """The firm codes as strings, each checked against the panel's ``firm_id`` column."""
    known = sorted(panel["firm_id"].astype(str).unique())
    known_set = set(known)
    for firm in firms:
        if str(firm) not in known_set:
            near = difflib.get_close_matches(str(firm), known, n=3, cutoff=0.5)
            hint = f"; nearest codes: {', '.join(near)}" if near else ""
            raise InputError(f"firm '{firm}' is not in the panel{hint}", file=source, column="firm_id",
                             fix="give a firm code from the panel")
    if not firms:
        raise InputError("no firm given", fix="name at least one firm code")
    return tuple(dict.fromkeys(str(f) for f in firms))


def _events(rows: pd.DataFrame, sanctions: pd.DataFrame | None) -> list[CaseEvent]:
    events = []
    for firm, frame in rows.groupby("firm_id", sort=True):
        first = frame.iloc[0]
        if sanctions is not None and len(sanctions):
            for row in sanctions[sanctions["firm_id"].astype(str) == firm].itertuples():
                if pd.notna(row.announcement_date):
                    events.append(CaseEvent(firm, str(pd.Timestamp(row.announcement_date).date()), "entity_list_announced",
                                            "Entity List announced"))
                events.append(CaseEvent(firm, str(pd.Timestamp(row.effective_date).date()), "entity_list_effective",
                                        "Entity List effective"))
        elif "sanction_date" in frame and pd.notna(first.get("sanction_date")):
            events.append(CaseEvent(firm, str(pd.Timestamp(first["sanction_date"]).date()), "entity_list",
                                    "Entity List"))
        if "little_giant_year" in frame and pd.notna(first.get("little_giant_year")) and first["little_giant_year"] > 0:
            events.append(CaseEvent(firm, f"{int(first['little_giant_year'])}", "little_giant", "Little Giant"))
    events.append(CaseEvent("", str(HUAWEI_LISTING.date()), "huawei_listed", "Huawei on the Entity List"))
    return events


def case_data(
    panel: pd.DataFrame,
    firms: Sequence[str],
    *,
    label: str | None = None,
    sanctions: pd.DataFrame | None = None,
    source: str = "panel",
) -> CaseData:
    """Collect a case's rows, its industry peers and its events.

    Parameters
    ----------
    panel : DataFrame
        The firm-year panel (``FirmPanel.data``).
    firms : sequence of str
        Firm codes of the case.
    label : str, optional
        Name of the case, a safe name (:func:`panel.files.check_name`); by default
        the codes joined by ``_`` (the first code and the count of the others beyond three).
    sanctions : DataFrame, optional
        The raw Entity-List events (``firm_id, announcement_date, effective_date``), for both
        dates; without it the panel's ``sanction_date`` is marked.
    source : str
        Name of the panel in error messages.
    """
    codes = check_firms(panel, firms, source=source)
    ids = panel["firm_id"].astype(str)
    rows = panel[ids.isin(codes)].assign(firm_id=lambda f: f["firm_id"].astype(str))
    industries = rows["industry"].dropna().unique() if "industry" in rows else []
    peers = panel[~ids.isin(codes) & panel["industry"].isin(industries)] if len(industries) else panel[~ids.isin(codes)]
    return CaseData(
        label=check_name(label or ("_".join(codes) if len(codes) <= 3 else f"{codes[0]}_and_{len(codes) - 1}_more"),
                         "case name"),
        firms=codes, rows=rows.sort_values(["firm_id", "year"]).reset_index(drop=True),
        peers=peers.reset_index(drop=True), events=tuple(_events(rows, sanctions)),
    )


#: Leaderdrive (绿的谐波, STAR market), the harmonic-reducer maker of the first Little Giant batch.
LEADERDRIVE = "688017"


def builtin_cases(panel: pd.DataFrame, folder: Path | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """The cases of the built-in case-study run, as ``(label, firm codes)``.

    ``leaderdrive_like``: the demo's planted case firm (named in its ``ground_truth.json``)
    or, in real data, Leaderdrive itself; ``huawei_suppliers``: every firm flagged as a
    Huawei supplier.  A case whose firms are not in the panel is left out.
    """
    ids = set(panel["firm_id"].astype(str))
    cases: list[tuple[str, tuple[str, ...]]] = []
    truth_file = None if folder is None else Path(folder) / "ground_truth.json"
    if truth_file is not None and truth_file.is_file():
        planted = json.loads(truth_file.read_text(encoding="utf-8")).get("cases", {})
        leader = planted.get("leaderdrive_like", {}).get("firm_id")
    else:
        leader = LEADERDRIVE
    if leader in ids:
        cases.append(("leaderdrive_like", (leader,)))
    if "huawei_supplier" in panel:
        suppliers = sorted(panel.loc[panel["huawei_supplier"] == 1, "firm_id"].astype(str).unique())
        if suppliers:
            cases.append(("huawei_suppliers", tuple(suppliers)))
    return cases
