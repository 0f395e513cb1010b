"""Simulated top-five supplier disclosures (long form, one row per rank).

Data-generating process
-----------------------
* From 2012 on, a listed non-financial firm discloses its five largest
  suppliers in 92 % of its years (banks and insurers never do).
* Names are masked (供应商一…供应商五, or 供应商A…, 第一名…, Supplier 1…, one
  style per firm) in about 40 % of disclosed firm-years: 30 % of firms always
  mask, the others in 12 % of their years.  Masked rows carry no country.
* Each firm has its own foreign-supplier level ``f_i``: zero for a share of
  firms (all suppliers domestic), otherwise Beta-distributed with a mean that
  is highest for semiconductor firms and upstream high-tech divisions.  A
  firm-year's share is ``f_it = clip(f_i + e_it + effect_it, 0, 1)`` with
  ``e_it ~ N(0, foreign_share_noise_sd)`` (no common trend: year effects are
  zero), and the purchase shares are split so that the share of named foreign
  suppliers in the named suppliers' purchases is ``f_it`` exactly (up to
  rounding to 0.01 percentage points).
* ``effect_it`` is ``foreign_share_upstream_effect`` (0) for exposed upstream
  firms and ``foreign_share_downstream_effect`` (-0.03) for exposed downstream
  firms from the cutoff year on, zero otherwise.  Where ``f_i + e_it`` is
  below 0.03 the clip at zero makes the realised fall smaller, so the
  realised shift ``clip(f_i + e_it + effect_it) - clip(f_i + e_it)`` (same
  noise) is returned for every firm-year whose share the builder sees, and
  ground_truth.json reports its mean.  Exposure depends on the
  observed pre-period share, so the years before the cutoff are drawn first,
  ``foreign_share_pre`` is computed from them exactly as the panel builder
  does (:func:`observed_foreign_share_pre`), and only then are the later years
  drawn.
* Named suppliers are persistent: each firm draws four foreign and six
  domestic suppliers from shared pools and uses them in fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from panel.assemble.suppliers import pre_period_share, supplier_shares
from panel.demo.params import DemoParams
from panel.sources.suppliers import flag_suppliers

DISCLOSURE_RATE = 0.92
ALWAYS_MASK_SHARE = 0.30
YEARLY_MASK_RATE = 0.12
N_FOREIGN_PER_FIRM = 4
N_DOMESTIC_PER_FIRM = 6
RANKS = 5
MASK_STYLES: tuple[tuple[str, ...], ...] = (
    ("供应商一", "供应商二", "供应商三", "供应商四", "供应商五"),
    ("供应商A", "供应商B", "供应商C", "供应商D", "供应商E"),
    ("第一名", "第二名", "第三名", "第四名", "第五名"),
    ("Supplier 1", "Supplier 2", "Supplier 3", "Supplier 4", "Supplier 5"),
)
MASK_STYLE_WEIGHTS = (0.70, 0.12, 0.12, 0.06)
FOREIGN_COUNTRIES: dict[str, float] = {
    "美国": 0.28, "日本": 0.24, "韩国": 0.14, "德国": 0.12, "中国台湾": 0.10, "荷兰": 0.05, "新加坡": 0.04,
    "瑞士": 0.03,
}
DOMESTIC_COUNTRIES: dict[str, float] = {"中国": 0.95, "CN": 0.05}


@dataclass(frozen=True)
class SupplierYears:
    """Simulated disclosures of some firm-years and the effect they realise.

    Attributes
    ----------
    table : DataFrame
        Canonical ``suppliers`` rows.
    share_shift : ndarray
        Per firm-year (aligned with the firm-years drawn): the foreign share
        with the planted effect minus the share without it, same noise; NaN
        where the builder sees no share (no disclosure, or names masked).
    """

    table: pd.DataFrame
    share_shift: np.ndarray


@dataclass(frozen=True)
class SupplierFirms:
    """Per-firm supplier attributes that persist across years.

    Attributes
    ----------
    foreign_level : ndarray
        ``f_i``, the firm's own foreign-supplier share level (0 = domestic only).
    always_masks : ndarray of bool
        Firms that mask supplier names every year.
    mask_style : ndarray of int
        Index into :data:`MASK_STYLES`.
    foreign_names, domestic_names : ndarray of str, shape (n_firms, k)
        The firm's named suppliers in the order they are used.
    foreign_countries, domestic_countries : ndarray of str
        Country text of those suppliers.
    """

    foreign_level: np.ndarray
    always_masks: np.ndarray
    mask_style: np.ndarray
    foreign_names: np.ndarray
    domestic_names: np.ndarray
    foreign_countries: np.ndarray
    domestic_countries: np.ndarray


def simulate_supplier_firms(rng: np.random.Generator, firms: pd.DataFrame) -> SupplierFirms:
    """Draw each firm's foreign level, masking habit and supplier pool."""
    n = len(firms)
    high_tech = firms["high_tech"].to_numpy()
    upstream = firms["upstream"].to_numpy()
    semiconductor = firms["semiconductor"].to_numpy()
    manufacturing = firms["manufacturing"].to_numpy()
    p_any = np.select([high_tech & upstream, high_tech, manufacturing], [0.85, 0.70, 0.50], default=0.30)
    mean = np.select(
        [semiconductor, high_tech & upstream, high_tech, manufacturing], [0.50, 0.33, 0.25, 0.15], default=0.10
    )
    concentration = 4.0
    level = rng.beta(mean * concentration, (1 - mean) * concentration)
    level = np.where(rng.random(n) < p_any, level, 0.0)

    n_foreign_pool = max(50, n // 10)
    n_domestic_pool = max(500, n)
    foreign_pool = np.array([f"SIM Overseas Supplier {i:04d} Ltd" for i in range(n_foreign_pool)])
    foreign_pool_country = rng.choice(list(FOREIGN_COUNTRIES), size=n_foreign_pool, p=list(FOREIGN_COUNTRIES.values()))
    domestic_pool = np.array([f"模拟供应商{i:05d}有限公司" for i in range(n_domestic_pool)])
    domestic_pool_country = rng.choice(
        list(DOMESTIC_COUNTRIES), size=n_domestic_pool, p=list(DOMESTIC_COUNTRIES.values())
    )
    foreign_pick = (rng.integers(0, n_foreign_pool, size=(n, 1)) + np.arange(N_FOREIGN_PER_FIRM)) % n_foreign_pool
    domestic_pick = (rng.integers(0, n_domestic_pool, size=(n, 1)) + np.arange(N_DOMESTIC_PER_FIRM)) % n_domestic_pool
    return SupplierFirms(
        foreign_level=level,
        always_masks=rng.random(n) < ALWAYS_MASK_SHARE,
        mask_style=rng.choice(len(MASK_STYLES), size=n, p=MASK_STYLE_WEIGHTS),
        foreign_names=foreign_pool[foreign_pick],
        domestic_names=domestic_pool[domestic_pick],
        foreign_countries=foreign_pool_country[foreign_pick],
        domestic_countries=domestic_pool_country[domestic_pick],
    )


def simulate_suppliers(
    rng: np.random.Generator,
    firms: pd.DataFrame,
    firm_years: pd.DataFrame,
    supplier_firms: SupplierFirms,
    effect: np.ndarray,
    params: DemoParams,
) -> SupplierYears:
    """Draw the disclosures of the given firm-years.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream of this step.
    firms : DataFrame
        The firm universe (:func:`panel.demo.firms.simulate_firms`).
    firm_years : DataFrame
        ``firm_id, year, fi`` of the years to draw.
    supplier_firms : SupplierFirms
        Persistent per-firm attributes.
    effect : ndarray
        Planted shift of the foreign share per firm-year (aligned with ``firm_years``).
    params : DemoParams
        Planted parameters (noise of the share).

    Returns
    -------
    SupplierYears
        Canonical ``suppliers`` rows (``firm_id, year, rank, supplier_name,
        country, purchase_share``, percent of annual purchases) and the
        realised shift of the foreign share.
    """
    n_rows = len(firm_years)
    disclosed = (rng.random(n_rows) < DISCLOSURE_RATE) & ~firms["finance"].to_numpy()[firm_years["fi"].to_numpy()]
    noise = rng.normal(0.0, params.foreign_share_noise_sd, size=n_rows)
    yearly_mask = rng.random(n_rows) < YEARLY_MASK_RATE
    total = rng.uniform(12.0, 75.0, size=n_rows)
    weights = rng.gamma(2.0, 1.0, size=(n_rows, RANKS))

    keep = np.flatnonzero(disclosed)
    fi = firm_years["fi"].to_numpy()[keep]
    level = supplier_firms.foreign_level[fi]
    share = np.where(level > 0, np.clip(level + noise[keep] + effect[keep], 0.0, 1.0), 0.0)
    untreated_share = np.where(level > 0, np.clip(level + noise[keep], 0.0, 1.0), 0.0)
    n_foreign = np.where(share <= 0, 0, np.where(share >= 1, RANKS, np.clip(np.rint(RANKS * share), 1, RANKS - 1))).astype(np.int64)
    slot = np.arange(RANKS)
    is_foreign = slot[None, :] < n_foreign[:, None]
    w = weights[keep]
    foreign_sum = np.where(is_foreign, w, 0.0).sum(axis=1)
    domestic_sum = np.where(is_foreign, 0.0, w).sum(axis=1)
    part = np.where(
        is_foreign,
        w / np.where(foreign_sum > 0, foreign_sum, 1.0)[:, None] * share[:, None],
        w / np.where(domestic_sum > 0, domestic_sum, 1.0)[:, None] * (1 - share)[:, None],
    )
    purchase = np.round(part * total[keep, None], 2)

    domestic_slot = np.clip(slot[None, :] - n_foreign[:, None], 0, N_DOMESTIC_PER_FIRM - 1)
    foreign_slot = np.clip(slot, 0, N_FOREIGN_PER_FIRM - 1)[None, :].repeat(len(keep), axis=0)
    rows = np.arange(len(keep))[:, None]
    names = np.where(
        is_foreign, supplier_firms.foreign_names[fi[:, None], foreign_slot], supplier_firms.domestic_names[fi[:, None], domestic_slot]
    )
    countries = np.where(
        is_foreign,
        supplier_firms.foreign_countries[fi[:, None], foreign_slot],
        supplier_firms.domestic_countries[fi[:, None], domestic_slot],
    )
    order = np.argsort(-purchase, axis=1, kind="stable")
    purchase, names, countries = purchase[rows, order], names[rows, order], countries[rows, order]

    masked = supplier_firms.always_masks[fi] | yearly_mask[keep]
    placeholders = np.array(MASK_STYLES)[supplier_firms.mask_style[fi]]
    names = np.where(masked[:, None], placeholders, names)
    countries = np.where(masked[:, None], None, countries.astype(object))

    share_shift = np.full(n_rows, np.nan)
    share_shift[keep[~masked]] = (share - untreated_share)[~masked]
    table = pd.DataFrame(
        {
            "firm_id": np.repeat(firm_years["firm_id"].to_numpy()[keep], RANKS),
            "year": np.repeat(firm_years["year"].to_numpy()[keep], RANKS).astype("int64"),
            "rank": np.tile(np.arange(1, RANKS + 1), len(keep)).astype("int64"),
            "supplier_name": names.ravel(),
            "country": np.ravel(countries),
            "purchase_share": purchase.ravel(),
        }
    )
    return SupplierYears(table, share_shift)


def observed_foreign_share_pre(suppliers: pd.DataFrame, params: DemoParams) -> pd.Series:
    """``foreign_share_pre`` as the panel builder computes it from the disclosures.

    Returns
    -------
    Series
        Mean foreign-supplier share over the three years before the cutoff,
        indexed by ``firm_id`` (firms with no named supplier then are absent).
    """
    pre_years = 3
    window = suppliers[suppliers["year"].between(params.cutoff_year - pre_years, params.cutoff_year - 1)]
    return pre_period_share(supplier_shares(flag_suppliers(window)), params.cutoff_year, pre_years=pre_years)
