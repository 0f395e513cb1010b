"""Simulated patent applications: CNRDS-style counts and patent-level records.

Data-generating process
-----------------------
For listed firm-years, applications of each type are drawn in two steps.

1. A Poisson count with log mean

       ln λ_it = α_i + u_it  (+ τ_e for invention patents of treated firms)
                             (+ little_giant_utility_effect for utility
                                models from the designation year on)

   drawn by inverting the Poisson CDF at one uniform per firm-year.
2. Common growth ``g_t``, added on the scale of the panel outcome
   ln(1 + count): ``z = ln(1 + count) + g_t`` is rounded to the count ``k``
   or ``k + 1`` around it, ``k + 1`` with probability
   ``(z - ln(1 + k)) / (ln(2 + k) - ln(1 + k))``, so that E[ln(1 + y)] rises
   by exactly ``g_t`` for every firm whatever its level.  Growth in the
   Poisson log mean would instead raise ln(1 + y) more for firms that patent
   more (the exposed, mostly) and break parallel trends of the untreated
   ln(1 + invention_apply) across exposure groups.

* ``α_i`` depends on the industry (semiconductor firms highest, non-financial
  services low, finance near zero), on firm size (0.5 per log point of
  ``size_base``), on SOE status (``soe_invention_shift``) and on a firm
  effect N(0, 0.8); utility models add a manufacturing offset, designs a
  consumer-goods offset, each with its own firm noise.
* ``g_t`` (:data:`GROWTH_TO_2018`, :data:`GROWTH_AFTER_2018` per year from
  2010) is common to all firms; designs grow at 0.3 times that rate.
* ``u_it ~ N(0, 0.25)``.
* ``τ_e`` (``DemoParams.invention_tau``) applies at event time
  ``e = year - first_treat_year >= 0`` (flat after the last listed value) and
  is zero before: no pre-trend.  Sanctioned firms get ``τ_e`` times
  ``sanctioned_tau_multiplier``; as the later cohorts are all sanctioned
  firms and the 2019 cohort mostly other exposed firms, effects differ across
  cohorts as well as over event time.  The counterfactual count without
  treatment uses the same two uniforms (Poisson and rounding);
  ground_truth.json reports the realised effect on ln(1 + invention_apply)
  this implies.
* Each application is joint with a co-applicant with a firm-specific
  probability (Beta(1.2, 10)): CNRDS ``Invia``/``Invja`` etc. split them.
* The group row (集团公司合计) adds subsidiaries' applications, Poisson with
  a firm-specific multiple of the listed firm's mean; subsidiaries' patents
  are not in the patent-level records, which hold the listed firm's own
  applications only.  Hence for every firm-year, type and own/joint split,
  the 上市公司本身 counts equal the records counted by application year.
* CNRDS leaves a firm-year's cells empty when it has no applications: rows
  whose six counts are all zero are written empty (70 % of them).
* Records: application date uniform within the year; grant for 55 % of
  inventions after one to four years, 93 % of utility models after six to
  eighteen months, 95 % of designs after four to twelve months; a grant after
  the data vintage (2024-12-31) is not yet known (empty).  IPC main class:
  semiconductor firms mostly H01L, others by industry (designs have none,
  1 % of the others are missing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import special

from panel.demo.params import DATA_VINTAGE, DemoParams

OWN_SCOPE = "上市公司本身"
GROUP_SCOPE = "集团公司合计"
KINDS = ("invention", "utility", "design")
PATENT_TYPES = {"invention": "invention", "utility": "utility_model", "design": "design"}
TYPE_DIGIT = {"invention": "1", "utility": "2", "design": "3"}
EMPTY_ROW_SHARE = 0.70
#: (grant probability, minimum lag in days, maximum lag in days)
GRANT_RULES = {"invention": (0.55, 365, 4 * 365), "utility": (0.93, 180, 540), "design": (0.95, 120, 365)}
MISSING_IPC_SHARE = 0.01
PRIMARY_IPC_SHARE = 0.6
#: common growth of ln(1 + applications) per year, 2010-2018 and after 2018
GROWTH_TO_2018 = 0.03
GROWTH_AFTER_2018 = 0.01
DESIGN_GROWTH_FACTOR = 0.3

#: IPC subclass weights by firm group
IPC_BY_GROUP: dict[str, dict[str, float]] = {
    "semiconductor": {"H01L": 0.75, "G06F": 0.08, "H03K": 0.06, "H05K": 0.06, "G11C": 0.05},
    "C39": {"H04L": 0.25, "H04W": 0.2, "G06F": 0.2, "H05K": 0.15, "G02B": 0.1, "H01L": 0.1},
    "C38": {"H01M": 0.3, "H02J": 0.25, "H01F": 0.15, "H02K": 0.15, "F21V": 0.15},
    "C35": {"B23K": 0.25, "B65G": 0.2, "B08B": 0.15, "H01L": 0.15, "G01N": 0.1, "B25J": 0.15},
    "C34": {"F16H": 0.3, "B23Q": 0.25, "F04B": 0.2, "F16K": 0.25},
    "C26": {"C07C": 0.3, "C08G": 0.25, "C09D": 0.2, "C08L": 0.25},
    "C27": {"A61K": 0.4, "A61P": 0.3, "C07D": 0.2, "C12N": 0.1},
    "C36": {"B60L": 0.3, "B60W": 0.3, "B62D": 0.25, "F02M": 0.15},
    "C40": {"G01N": 0.4, "G01R": 0.3, "G01D": 0.3},
    "I": {"G06F": 0.45, "G06Q": 0.3, "H04L": 0.25},
    "other": {"B01D": 0.2, "G06F": 0.15, "F16K": 0.15, "E04B": 0.15, "A23L": 0.15, "B65D": 0.2},
}
CONSUMER_DIVISIONS = ("C21", "C24", "C36", "C38", "C39", "C41", "C14", "C15", "C18")


@dataclass(frozen=True)
class PatentCounts:
    """Simulated applications per listed firm-year (aligned with the firm-years).

    Attributes
    ----------
    own, joint : dict of str to ndarray
        The listed firm's independent / joint applications by kind.
    group_own, group_joint : dict of str to ndarray
        The same for the group (listed firm plus subsidiaries).
    invention_counterfactual : ndarray
        Invention applications (own + joint) had the firm not been treated.
    event_time : ndarray
        ``year - first_treat_year`` (a large negative number for never-treated firms).
    cohort : ndarray
        ``first_treat_year`` of the firm-year's firm (0 for never-treated firms).
    """

    own: dict[str, np.ndarray]
    joint: dict[str, np.ndarray]
    group_own: dict[str, np.ndarray]
    group_joint: dict[str, np.ndarray]
    invention_counterfactual: np.ndarray
    event_time: np.ndarray
    cohort: np.ndarray

    def total(self, kind: str) -> np.ndarray:
        """Applications of the listed firm itself (own + joint)."""
        return self.own[kind] + self.joint[kind]


def _ipc_group(firms: pd.DataFrame) -> np.ndarray:
    industry = firms["industry"].to_numpy().astype(str)
    section = np.array([code[0] for code in industry])
    return np.select(
        [firms["semiconductor"].to_numpy(), np.isin(industry, list(IPC_BY_GROUP)), section == "I"],
        ["semiconductor", industry, "I"],
        default="other",
    )


def simulate_patent_counts(
    rng: np.random.Generator,
    firms: pd.DataFrame,
    firm_years: pd.DataFrame,
    first_treat_year: np.ndarray,
    sanctioned: np.ndarray,
    little_giant_year: np.ndarray,
    params: DemoParams,
) -> PatentCounts:
    """Draw applications for each listed firm-year.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream of this step.
    firms, firm_years : DataFrame
        The firm universe and the listed firm-years (``fi`` column).
    first_treat_year : ndarray of int
        Per firm; 0 for never-treated firms.
    sanctioned : ndarray of bool
        Per firm, whether it has an Entity-List event.
    little_giant_year : ndarray of int
        Per firm, year of the Little Giant designation; 0 for none.
    params : DemoParams
        Planted parameters.
    """
    n_firms = len(firms)
    fi = firm_years["fi"].to_numpy()
    year = firm_years["year"].to_numpy()
    industry = firms["industry"].to_numpy().astype(str)
    section = np.array([code[0] for code in industry])
    base = np.select(
        [
            firms["semiconductor"].to_numpy(),
            firms["high_tech"].to_numpy() & firms["manufacturing"].to_numpy(),
            section == "I",
            section == "M",
            firms["manufacturing"].to_numpy(),
            firms["finance"].to_numpy(),
        ],
        np.log([12.0, 5.5, 4.5, 2.8, 2.0, 0.06]),
        default=np.log(0.4),
    )
    alpha = (
        base
        + 0.5 * (firms["size_base"].to_numpy() - 21.6)
        + params.soe_invention_shift * firms["soe"].to_numpy()
        + rng.normal(0.0, 0.8, size=n_firms)
    )
    alpha_utility = alpha + np.where(firms["manufacturing"].to_numpy(), 0.4, -0.6) + rng.normal(0, 0.5, n_firms)
    alpha_design = np.where(np.isin(industry, CONSUMER_DIVISIONS), np.log(2.0), np.log(0.2)) + rng.normal(0, 1.0, n_firms)
    joint_p = rng.beta(1.2, 10.0, size=n_firms)
    subsidiary_multiple = rng.lognormal(np.log(0.4), 0.8, size=n_firms)

    growth = GROWTH_TO_2018 * (np.minimum(year, 2018) - 2010) + GROWTH_AFTER_2018 * np.maximum(year - 2018, 0)
    growth = {"invention": growth, "utility": growth, "design": DESIGN_GROWTH_FACTOR * growth}
    treated = first_treat_year[fi] > 0
    event_time = np.where(treated, year - first_treat_year[fi], -1000)
    tau = params.tau(event_time) * np.where(sanctioned[fi], params.sanctioned_tau_multiplier, 1.0)
    giant = (little_giant_year[fi] > 0) & (year >= little_giant_year[fi])
    log_mean = {
        "invention": alpha[fi] + rng.normal(0, 0.25, len(fi)),
        "utility": alpha_utility[fi] + params.little_giant_utility_effect * giant + rng.normal(0, 0.25, len(fi)),
        "design": alpha_design[fi] + rng.normal(0, 0.25, len(fi)),
    }
    own, joint, group_own, group_joint = {}, {}, {}, {}
    counterfactual = np.empty(0)  # replaced by the invention draws below
    for kind in KINDS:
        u = rng.random(len(fi))
        v = rng.random(len(fi))
        shift = tau if kind == "invention" else 0.0
        total = grown_count(poisson_quantile(u, np.exp(log_mean[kind] + shift)), growth[kind], v)
        if kind == "invention":
            counterfactual = grown_count(poisson_quantile(u, np.exp(log_mean[kind])), growth[kind], v)
        joint[kind] = rng.binomial(total, joint_p[fi])
        own[kind] = total - joint[kind]
        subsidiaries = rng.poisson(np.exp(log_mean[kind] + shift + growth[kind]) * subsidiary_multiple[fi])
        subsidiaries_joint = rng.binomial(subsidiaries, joint_p[fi])
        group_own[kind] = own[kind] + subsidiaries - subsidiaries_joint
        group_joint[kind] = joint[kind] + subsidiaries_joint
    return PatentCounts(own, joint, group_own, group_joint, counterfactual, event_time, first_treat_year[fi])


def poisson_quantile(q: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The ``q`` quantiles of Poisson distributions with means ``mean``: the least count whose CDF reaches ``q``.

    The continuous inverse of the Poisson CDF in its count (``pdtrik``, through
    the regularized incomplete gamma function) rounded up is that count or one
    above it; one evaluation of the CDF decides which. The values are those of
    ``scipy.stats.poisson.ppf`` (-1 for ``q = 0``), without importing
    ``scipy.stats``.

    Examples
    --------
    >>> poisson_quantile(np.array([0.1, 0.5, 0.99]), np.array([1.0, 1.0, 4.0])).tolist()
    [0.0, 1.0, 9.0]
    """
    above = np.ceil(special.pdtrik(q, mean))
    below = np.maximum(above - 1, 0)
    count = np.where(special.pdtr(below, mean) >= q, below, above)
    return np.where(q == 0, -1.0, count)


def grown_count(count: np.ndarray, growth: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Counts grown by ``growth`` on the ln(1 + count) scale, unbiasedly in that scale.

    ``z = ln(1 + count) + growth`` lies between ``ln(1 + k)`` and
    ``ln(2 + k)`` for one integer ``k``; the result is ``k + 1`` where
    ``v < (z - ln(1 + k)) / (ln(2 + k) - ln(1 + k))``, else ``k``, so that
    for ``v`` uniform on [0, 1) E[ln(1 + result)] = ln(1 + count) + growth.

    Parameters
    ----------
    count : ndarray
        Non-negative counts (integer-valued).
    growth : ndarray
        Non-negative growth in ln(1 + count).
    v : ndarray
        Uniform draws on [0, 1).

    Returns
    -------
    ndarray of int64
    """
    z = np.log1p(count) + growth
    k = np.floor(np.expm1(z))
    k = np.where(np.log1p(k) > z, k - 1, k)  # guard the floor against rounding in expm1
    k = np.where(np.log1p(k + 1) <= z, k + 1, k)
    low, high = np.log1p(k), np.log1p(k + 1)
    return (k + (v < (z - low) / (high - low))).astype(np.int64)


def patent_counts_table(rng: np.random.Generator, firm_years: pd.DataFrame, counts: PatentCounts) -> pd.DataFrame:
    """The canonical ``patent_counts`` table (CNRDS_PatentApply), two scopes per firm-year."""
    frames = []
    for position, (scope, own, joint) in enumerate(
        ((OWN_SCOPE, counts.own, counts.joint), (GROUP_SCOPE, counts.group_own, counts.group_joint))
    ):
        values = {f"{kind}_apply_own": own[kind].astype(float) for kind in KINDS}
        values.update({f"{kind}_apply_joint": joint[kind].astype(float) for kind in KINDS})
        frame = pd.DataFrame(values)
        all_zero = (frame == 0).all(axis=1).to_numpy()
        frame.loc[all_zero & (rng.random(len(frame)) < EMPTY_ROW_SHARE), :] = np.nan
        frame.insert(0, "scope", scope)
        frame.insert(0, "year", firm_years["year"].to_numpy())
        frame.insert(0, "firm_id", firm_years["firm_id"].to_numpy())
        frame.index = np.arange(len(frame)) * 2 + position
        frames.append(frame)
    return pd.concat(frames).sort_index().reset_index(drop=True)


def patent_records_table(
    rng: np.random.Generator, firms: pd.DataFrame, firm_years: pd.DataFrame, counts: PatentCounts
) -> pd.DataFrame:
    """The canonical ``patent_records`` table: one row per application of the listed firm.

    Returns
    -------
    DataFrame
        ``patent_id, firm_id, application_date, grant_date, patent_type,
        ipc``, sorted by firm and application date.
    """
    fi_parts, year_parts, kind_parts = [], [], []
    for k, kind_name in enumerate(KINDS):
        per_row = counts.total(kind_name)
        fi_parts.append(np.repeat(firm_years["fi"].to_numpy(), per_row))
        year_parts.append(np.repeat(firm_years["year"].to_numpy(), per_row))
        kind_parts.append(np.full(int(per_row.sum()), k, dtype=np.int8))
    fi = np.concatenate(fi_parts)
    year = np.concatenate(year_parts)
    kind = np.concatenate(kind_parts)
    n = len(fi)

    year_start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    applied = year_start + rng.integers(0, 365, size=n).astype("timedelta64[D]")
    granted_p = np.array([GRANT_RULES[k][0] for k in KINDS])[kind]
    low = np.array([GRANT_RULES[k][1] for k in KINDS])[kind]
    high = np.array([GRANT_RULES[k][2] for k in KINDS])[kind]
    lag = (low + rng.random(n) * (high - low)).astype(np.int64).astype("timedelta64[D]")
    grant = applied + lag
    has_grant = (rng.random(n) < granted_p) & (grant <= np.datetime64(DATA_VINTAGE))

    order = np.lexsort((applied, fi))
    fi, year, kind, applied, grant, has_grant = fi[order], year[order], kind[order], applied[order], grant[order], has_grant[order]
    serial = _serial_within(year * 10 + kind)

    ipc = _draw_ipc(rng, firms, fi, kind)
    type_digit = pa.array(np.array([TYPE_DIGIT[k] for k in KINDS])[kind])
    serial_text = pc.utf8_lpad(pc.cast(pa.array(serial), pa.string()), 7, "0")
    patent_id = pc.binary_join_element_wise("SIM", pc.cast(pa.array(year), pa.string()), type_digit, serial_text, "")
    return pd.DataFrame(
        {
            "patent_id": patent_id.to_pandas(),
            "firm_id": firms["firm_id"].to_numpy()[fi],
            "application_date": applied.astype("datetime64[ns]"),
            "grant_date": np.where(has_grant, grant, np.datetime64("NaT")).astype("datetime64[ns]"),
            "patent_type": np.array([PATENT_TYPES[k] for k in KINDS])[kind],
            "ipc": ipc,
        }
    )


def _serial_within(group: np.ndarray) -> np.ndarray:
    """1-based running number within each group value (in current row order)."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    run = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    serial = np.empty(len(group), dtype=np.int64)
    serial[order] = run + 1
    return serial


def _draw_ipc(rng: np.random.Generator, firms: pd.DataFrame, fi: np.ndarray, kind: np.ndarray) -> pd.Series:
    """IPC main classification per record: the firm's primary subclass or one of its group's."""
    group = _ipc_group(firms)
    semiconductor = firms["semiconductor"].to_numpy()
    primary = np.empty(len(firms), dtype=object)
    for name, weights in IPC_BY_GROUP.items():
        members = np.flatnonzero(group == name)
        classes = np.array(list(weights))
        p = np.array(list(weights.values()))
        if name != "semiconductor":
            p = np.where(classes == "H01L", 0.0, p)
        primary[members] = rng.choice(classes, size=len(members), p=p / p.sum())
    primary[semiconductor] = "H01L"

    n = len(fi)
    subclass = primary[fi].astype(str)
    from_group = rng.random(n) >= PRIMARY_IPC_SHARE
    record_group = group[fi]
    for name, weights in IPC_BY_GROUP.items():
        rows = np.flatnonzero(from_group & (record_group == name))
        subclass[rows] = rng.choice(list(weights), size=len(rows), p=list(weights.values()))
    main_group = pc.cast(pa.array(rng.integers(1, 60, size=n)), pa.string())
    subgroup = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 100, size=n)), pa.string()), 2, "0")
    ipc = pc.binary_join_element_wise(pa.array(subclass), main_group, "/", subgroup, "").to_pandas()
    missing = (kind == KINDS.index("design")) | (rng.random(n) < MISSING_IPC_SHARE)
    ipc[missing] = None
    return ipc
