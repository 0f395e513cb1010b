"""``[[cases]]`` entries of a study file: a firm dossier of one firm or a named group, and its counterfactuals.

A case goes the route ``chokepoint case`` goes: :func:`panel.case_dossier.case_data`
collects its rows and peers (an unknown firm code stops the run before anything
is estimated, naming the nearest codes), :func:`models.case_study.estimate_case`
builds the dossier and, for each ``synth`` outcome and method, the synthetic
counterfactual with its placebos.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from data_schemas.errors import InputError
from models.studies.declarations import Entry, Where

#: counterfactual methods of a case when ``methods`` is left out (as ``chokepoint case``)
CASE_METHODS = ("sc", "sdid")
#: keys that shape the counterfactuals, so they need ``synth``
COUNTERFACTUAL_KEYS = ("methods", "donors", "start")


@dataclass(frozen=True)
class CaseEntry(Entry):
    """One ``[[cases]]`` entry: the dossier of ``firms`` and, for each ``synth`` outcome, its counterfactuals.

    ``name`` names the case (its tables and figures); ``donors`` restricts the
    donor pool of never-exposed firms listed before ``start`` to the case's
    industries, their sections, any firm, or (``auto``) the narrowest of these
    that leaves 20 donors.
    """

    name: str
    firms: tuple[str, ...]
    synth: tuple[str, ...] = ()
    methods: tuple[str, ...] = CASE_METHODS
    donors: str = "industry"
    start: int = 2019

    SECTION: ClassVar[str] = "cases"
    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "firms")

    @classmethod
    def read(cls, table: Mapping[str, Any], file: str | None, position: int) -> CaseEntry:
        from models.case_study import DONOR_SCOPES
        from models.synthetic import METHODS

        at, name = cls.open(table, file, position)
        firms = table.get("firms")
        if not isinstance(firms, list) or not firms or not all(isinstance(f, str) and f for f in firms):
            raise at.error(f"'firms' must list firm codes as text, got {firms!r}",
                           fix='write firms = ["688017"] (quoted, so codes keep their leading zeros)')
        given = [key for key in COUNTERFACTUAL_KEYS if key in table]
        if given and "synth" not in table:
            raise at.error(f"'{given[0]}' shapes the counterfactuals, but the case asks for none",
                           fix='add synth = ["invention_apply"] (outcomes), or remove it')
        methods = at.names(table, "methods", CASE_METHODS)
        for method in methods:
            at.choice(method, METHODS, "method")
        donors = at.required_text(table, "donors", "industry")
        at.choice(donors, [*DONOR_SCOPES, "auto"], "donor pool")
        return cls(name=name, firms=at.names(table, "firms"), synth=at.names(table, "synth"), methods=methods,
                   donors=donors, start=at.required_integer(table, "start", 2019))

    @property
    def columns(self) -> tuple[str, ...]:
        """Panel columns the counterfactuals read."""
        return self.synth

    def case_data(self, frame: pd.DataFrame, at: Where) -> Any:
        """The case's rows, peers and events (:class:`panel.case_dossier.CaseData`), its firms checked."""
        from panel.case_dossier import case_data

        try:
            return case_data(frame, self.firms, label=self.name, source="the panel")
        except InputError as exc:
            raise at.error(exc.problem, exc.fix) from None

    def estimate(self, frame: pd.DataFrame, case: Any) -> Any:
        """The dossier and counterfactuals (:class:`models.case_study.CaseStudy`); ``frame`` holds the donors."""
        from models.case_study import estimate_case

        return estimate_case(frame, case, outcomes=self.synth, methods=self.methods, start=self.start,
                             scope=self.donors)
