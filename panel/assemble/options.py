"""Options of the firm-year panel build, with their defaults."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from data_schemas.errors import InputError, check_choice

#: standard sample filters, applied in this order
STANDARD_FILTERS: tuple[str, ...] = ("pre_listing", "finance", "st", "leverage_above_one", "negative_equity")
WINSORIZE_MODES: tuple[str, ...] = ("none", "pooled", "by_year")
SANCTION_DATES: tuple[str, ...] = ("effective", "announcement")
#: continuous variables winsorized when winsorizing is asked for
WINSORIZED_VARIABLES: tuple[str, ...] = (
    "roa", "roe", "tobin_q", "leverage", "sales_growth", "margin", "rd_intensity", "subsidy_ratio",
)


@dataclass(frozen=True)
class BuildOptions:
    """How to turn raw tables into the firm-year panel.

    Parameters
    ----------
    cutoff_year : int
        First post-sanction year (``post = year >= cutoff_year``).
    exposure_threshold : float
        ``foreign_share_pre`` at or above which a firm counts as exposed.
    pre_years : int
        Number of years before the cutoff averaged into ``foreign_share_pre``.
    sanction_date : {"effective", "announcement"}
        Which Entity-List date dates a sanction.
    patent_scope : str
        CNRDS ``Ftyp`` row used for patent counts.
    depreciation : float
        Depreciation rate of the patent stock.
    filters : tuple of str
        Sample filters to apply, a subset of :data:`STANDARD_FILTERS`.
    winsorize : {"none", "pooled", "by_year"}
        Winsorize :data:`WINSORIZED_VARIABLES` pooled or within each year.
    winsor_limits : tuple of float
        Lower and upper quantiles for winsorizing.
    semiconductor_share : float
        Share of a firm's pre-cutoff patent records in IPC H01L/H10 at or above
        which it counts as a semiconductor firm.
    """

    cutoff_year: int = 2019
    exposure_threshold: float = 0.30
    pre_years: int = 3
    sanction_date: str = "effective"
    patent_scope: str = "上市公司本身"
    depreciation: float = 0.15
    filters: tuple[str, ...] = STANDARD_FILTERS
    winsorize: str = "none"
    winsor_limits: tuple[float, float] = (0.01, 0.99)
    semiconductor_share: float = 0.5

    def __post_init__(self) -> None:
        self._check_types()
        for name in self.filters:
            check_choice(name, STANDARD_FILTERS, what="filter")
        check_choice(self.winsorize, WINSORIZE_MODES, what="winsorize mode")
        check_choice(self.sanction_date, SANCTION_DATES, what="sanction date")
        low, high = self.winsor_limits
        if not 0 <= low < high <= 1:
            raise InputError(f"winsor limits {self.winsor_limits} are not 0 <= low < high <= 1")
        if not 0 <= self.depreciation < 1:
            raise InputError(f"depreciation {self.depreciation} is not in [0, 1)")

    def _check_types(self) -> None:
        """Each option of its default's type (a study's ``cutoff_year = "2019"`` is refused here)."""
        for option in fields(self):
            value, kind = getattr(self, option.name), type(option.default)
            if kind is tuple:
                ok = isinstance(value, tuple)
            elif kind is float:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            else:
                ok = isinstance(value, kind) and not isinstance(value, bool)
            if not ok:
                expected = {int: "a whole number", float: "a finite number", str: "a string", tuple: "a list"}[kind]
                default: Any = option.default
                example = json.dumps(list(default) if kind is tuple else default, ensure_ascii=False)
                raise InputError(f"'{option.name}' must be {expected}, got {value!r}",
                                 fix=f"write {option.name} = {example}")

    def to_dict(self) -> dict:
        """The options as a JSON-able dict (for the manifest and Parquet metadata)."""
        out = asdict(self)
        out["filters"] = list(self.filters)
        out["winsor_limits"] = list(self.winsor_limits)
        return out
