"""The planted parameters of the demo data-generating process.

Every number that shapes the simulated data lives in :class:`DemoParams`, and
the whole object is written to ``ground_truth.json`` so that a test (or a
curious user) can compare an estimate with the value that was planted.
Effects are stated on the scale of the panel variables the builder derives
(see ``panel/demo/README.md``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

#: first and last simulated calendar year of the firm-year panel
FIRST_YEAR = 2010
LAST_YEAR = 2024
#: first year with top-five supplier disclosures
FIRST_SUPPLIER_YEAR = 2012
#: year the R&D expense line item (B001216000) was introduced in the statements
RD_LINE_ITEM_YEAR = 2018
#: the data vintage: grants after this date are not yet known
DATA_VINTAGE = "2024-12-31"
#: the only firm counts the code ranges of the simulated exchanges can hold
MIN_FIRMS = 50
MAX_FIRMS = 6000


@dataclass(frozen=True)
class DemoParams:
    """Planted parameters (all of them end up in ``ground_truth.json``).

    Parameters
    ----------
    cutoff_year : int
        First post year (``post = year >= cutoff_year``).
    exposure_threshold : float
        ``foreign_share_pre`` at or above which a firm is exposed.
    invention_tau : tuple of float
        Effect on ln E[invention_apply] at event time 0, 1, ...; flat at the
        last value afterwards; zero before event time 0 (no pre-trend).
    sanctioned_tau_multiplier : float
        Sanctioned firms' invention effect is ``invention_tau`` times this
        (other exposed firms: ``invention_tau``), so effects differ across
        cohorts.
    soe_invention_shift : float
        SOE difference in ln E[invention_apply].
    little_giant_utility_effect : float
        Effect of a Little Giant designation on ln E[utility_apply] from the
        designation year on.
    roa_b1, roa_b2, roa_b3 : float
        ROA coefficients on ln(1+invention_apply), its interaction with post,
        and with post × exposed.
    roa_size, roa_leverage : float
        ROA coefficients on size = ln(total_assets) (centred at 22) and leverage.
    roa_soe : float
        SOE shift in ROA.
    roa_st : float
        ROA shift in ST/*ST firm-years (removed by the standard filters).
    roa_noise_sd, roa_firm_sd : float
        Standard deviations of the idiosyncratic and firm components of ROA.
    roa_year_effects : tuple of float
        Year effects g_t of ROA, one per year FIRST_YEAR..LAST_YEAR.
    foreign_share_upstream_effect, foreign_share_downstream_effect : float
        Change in foreign_supplier_share of exposed upstream / downstream
        firms from the cutoff year on (others: 0).
    foreign_share_noise_sd : float
        Yearly noise of a firm's foreign supplier share around its own level.
    n_sanctioned, n_listed_after_sanction, n_huawei_suppliers, n_little_giants : int
        Group sizes at 4,000 firms (scaled with ``--firms``).
    delisted_share : float
        Share of firms delisted (chosen among firms listed before 2019).
    roa_outlier_share, tobin_q_outlier_share : float
        Shares of firm-years given extreme ROA / Tobin's Q.
    leverage_above_one_share : float
        Share of firm-years given leverage above one (negative equity).
    rd_missing_before_line_item : float
        Share of firms that report no R&D expense before RD_LINE_ITEM_YEAR.
    """

    cutoff_year: int = 2019
    exposure_threshold: float = 0.30
    invention_tau: tuple[float, ...] = (0.25, 0.35, 0.45, 0.55, 0.65, 0.75)
    sanctioned_tau_multiplier: float = 1.5
    soe_invention_shift: float = -0.20
    little_giant_utility_effect: float = 0.15
    roa_b1: float = 0.012
    roa_b2: float = -0.002
    roa_b3: float = -0.008
    roa_size: float = 0.004
    roa_leverage: float = -0.06
    roa_soe: float = -0.008
    roa_st: float = -0.05
    roa_noise_sd: float = 0.025
    roa_firm_sd: float = 0.025
    roa_year_effects: tuple[float, ...] = (
        0.004, 0.003, 0.0, -0.002, -0.001, -0.004, 0.0, 0.002, -0.006, -0.003,
        -0.009, 0.001, -0.004, -0.007, -0.008,
    )
    foreign_share_upstream_effect: float = 0.0
    foreign_share_downstream_effect: float = -0.03
    foreign_share_noise_sd: float = 0.02
    n_sanctioned: int = 40
    n_listed_after_sanction: int = 3
    n_huawei_suppliers: int = 30
    n_little_giants: int = 150
    delisted_share: float = 0.05
    roa_outlier_share: float = 0.0015
    tobin_q_outlier_share: float = 0.001
    leverage_above_one_share: float = 0.003
    rd_missing_before_line_item: float = 0.70

    def tau(self, event_time: np.ndarray) -> np.ndarray:
        """The invention effect at event times ``event_time`` (0 before treatment)."""
        e = np.asarray(event_time)
        taus = np.asarray(self.invention_tau)
        return np.where(e >= 0, taus[np.clip(e, 0, len(taus) - 1)], 0.0)

    def to_dict(self) -> dict:
        """The parameters as a JSON-able dict."""
        out = asdict(self)
        return {key: list(value) if isinstance(value, tuple) else value for key, value in out.items()}


def scaled_count(count_at_default: int, n_firms: int, minimum: int = 1) -> int:
    """A group size scaled from the default 4,000 firms to ``n_firms``."""
    return max(minimum, round(count_at_default * n_firms / 4000))
