"""Simulated treatment inputs: Entity-List events, Huawei suppliers, Little Giants, exposure.

Data-generating process
-----------------------
* About 40 firms (scaled with the number of firms) get Entity-List events.
  They are drawn from high-tech, non-financial firms listed before 2016 and
  never delisted, semiconductor and other C39 firms most often.  Each event
  takes its effective date and rule text from a real wave in
  ``panel/reference/export_controls.csv`` (distinct Entity-List addition
  dates 2019–2024, 2019 waves most often); the announcement date is the one
  the rule text gives, otherwise two to seven days before the effective date.
  A few firms get a second, later event (a subsidiary), so the builder must
  take the first.
* Two or three further high-tech firms list only after their sanction
  (STAR-era IPOs): they have no pre-event years.
* About 30 other high-tech firms are named Huawei suppliers (one of them is
  also sanctioned).
* About 150 smaller (below-median size) high-tech firms are designated
  专精特新小巨人 in yearly batches 1–6 (2019–2024), most in batches 2 and 3.
* ``exposed = sanctioned or huawei_supplier or foreign_share_pre >= 0.30``
  and ``first_treat_year`` = year of the first effective date for sanctioned
  firms, the cutoff year for the other exposed firms — the panel builder's
  definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from panel.demo.params import LAST_YEAR, DemoParams, scaled_count
from panel.demo.reference_data import entity_list_waves

LITTLE_GIANT = "专精特新小巨人"
LITTLE_GIANT_BATCH_WEIGHTS = (0.10, 0.30, 0.22, 0.16, 0.12, 0.10)
FIRST_LITTLE_GIANT_YEAR = 2019
SECOND_EVENT_SHARE = 0.15
SANCTION_WAVE_YEAR_WEIGHTS = {2019: 3.0, 2020: 2.0, 2021: 1.5}
HUAWEI_INDUSTRY_WEIGHTS = {"C39": 5.0, "C38": 2.0, "C40": 2.0, "C26": 1.0, "C36": 1.0, "C35": 1.0, "I65": 1.0}


def _weighted_pick(rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    size = min(size, len(candidates))
    return np.sort(rng.choice(candidates, size=size, replace=False, p=weights / weights.sum()))


def _entity_name(base_name: str) -> str:
    return f"{base_name}股份有限公司"


def simulate_sanctions(
    rng: np.random.Generator, firms: pd.DataFrame, params: DemoParams
) -> pd.DataFrame:
    """Entity-List events of simulated firms, dated by the real waves.

    Returns
    -------
    DataFrame
        Canonical ``sanctions`` table: ``firm_id, entity, announcement_date,
        effective_date, rule``, sorted by effective date and firm.
    """
    waves = entity_list_waves(params.cutoff_year, LAST_YEAR)
    wave_weight = waves["effective_date"].dt.year.map(SANCTION_WAVE_YEAR_WEIGHTS).fillna(1.0).to_numpy()
    wave_p = wave_weight / wave_weight.sum()
    n_firms = len(firms)
    never_delisted = firms["delist_date"].isna().to_numpy()
    eligible = firms["high_tech"].to_numpy() & ~firms["finance"].to_numpy() & never_delisted

    early = np.flatnonzero(eligible & (firms["list_date"] < pd.Timestamp("2016-01-01")).to_numpy())
    industry = firms["industry"].to_numpy()
    weight = np.select(
        [firms["semiconductor"].to_numpy(), industry == "C39", industry == "I65"], [6.0, 4.0, 2.0], default=1.0
    )
    n_post = scaled_count(params.n_listed_after_sanction, n_firms)
    n_regular = scaled_count(params.n_sanctioned, n_firms, minimum=4) - n_post
    regular = _weighted_pick(rng, early, weight[early], n_regular)
    regular_wave = rng.choice(len(waves), size=len(regular), p=wave_p)

    first_wave = waves["effective_date"].iloc[0]
    late = np.flatnonzero(eligible & (firms["list_date"] > first_wave + pd.Timedelta(days=60)).to_numpy())
    post_listed = _weighted_pick(rng, late, weight[late], n_post)
    post_wave = np.empty(len(post_listed), dtype=np.int64)
    for i, f in enumerate(post_listed):
        feasible = np.flatnonzero((waves["effective_date"] < firms["list_date"].iloc[f] - pd.Timedelta(days=30)).to_numpy())
        post_wave[i] = rng.choice(feasible, p=wave_p[feasible] / wave_p[feasible].sum())

    fi = np.concatenate([regular, post_listed])
    wave = np.concatenate([regular_wave, post_wave])
    entity = [_entity_name(name) for name in firms["base_name"].to_numpy()[fi]]
    second = (rng.random(len(fi)) < SECOND_EVENT_SHARE) & (wave < len(waves) - 1)
    later_wave = wave[second] + 1 + (rng.random(int(second.sum())) * (len(waves) - 1 - wave[second])).astype(np.int64)
    fi = np.concatenate([fi, fi[second]])
    wave = np.concatenate([wave, later_wave])
    entity += [f"{firms['base_name'].iloc[f]}(子公司)有限公司" for f in fi[len(entity):]]

    effective = waves["effective_date"].to_numpy()[wave]
    announced = waves["announcement_date"].to_numpy()[wave]
    days_before = rng.integers(2, 8, size=len(wave)).astype("timedelta64[D]")
    announced = np.where(pd.isna(announced), effective - days_before, announced)
    events = pd.DataFrame(
        {
            "firm_id": firms["firm_id"].to_numpy()[fi],
            "entity": entity,
            "announcement_date": pd.to_datetime(announced).astype("datetime64[ns]"),
            "effective_date": pd.to_datetime(effective).astype("datetime64[ns]"),
            "rule": waves["rule"].to_numpy()[wave],
        }
    )
    return events.sort_values(["effective_date", "firm_id"], ignore_index=True)


def simulate_huawei_suppliers(
    rng: np.random.Generator, firms: pd.DataFrame, sanctions: pd.DataFrame, params: DemoParams
) -> pd.DataFrame:
    """Named Huawei suppliers: high-tech firms listed before 2018, one also sanctioned.

    Returns
    -------
    DataFrame
        Canonical ``huawei_suppliers`` table: ``firm_id, company``.
    """
    n_wanted = scaled_count(params.n_huawei_suppliers, len(firms), minimum=3)
    sanctioned = firms["firm_id"].isin(sanctions["firm_id"]).to_numpy()
    eligible = (
        firms["high_tech"].to_numpy()
        & ~firms["finance"].to_numpy()
        & firms["delist_date"].isna().to_numpy()
        & (firms["list_date"] < pd.Timestamp("2018-01-01")).to_numpy()
    )
    weight = firms["industry"].map(HUAWEI_INDUSTRY_WEIGHTS).fillna(0.5).to_numpy()
    overlap = _weighted_pick(rng, np.flatnonzero(eligible & sanctioned), weight[eligible & sanctioned], 1)
    others = np.flatnonzero(eligible & ~sanctioned)
    chosen = np.sort(np.concatenate([overlap, _weighted_pick(rng, others, weight[others], n_wanted - len(overlap))]))
    return pd.DataFrame(
        {
            "firm_id": firms["firm_id"].to_numpy()[chosen],
            "company": [_entity_name(name) for name in firms["base_name"].to_numpy()[chosen]],
        }
    )


def simulate_designations(rng: np.random.Generator, firms: pd.DataFrame, params: DemoParams) -> pd.DataFrame:
    """Little Giant designations of smaller high-tech firms in yearly batches.

    Returns
    -------
    DataFrame
        Canonical ``designations`` table: ``firm_id, program, batch, year``.
    """
    high_tech = firms["high_tech"].to_numpy() & ~firms["finance"].to_numpy()
    size = firms["size_base"].to_numpy()
    small = size < np.median(size[high_tech])
    candidates = np.flatnonzero(high_tech & small & (firms["last_year"] >= FIRST_LITTLE_GIANT_YEAR).to_numpy())
    weight = np.where(firms["soe"].to_numpy()[candidates], 0.3, 1.0)
    chosen = _weighted_pick(rng, candidates, weight, scaled_count(params.n_little_giants, len(firms), minimum=5))
    batch = rng.choice(len(LITTLE_GIANT_BATCH_WEIGHTS), size=len(chosen), p=LITTLE_GIANT_BATCH_WEIGHTS) + 1
    return pd.DataFrame(
        {
            "firm_id": firms["firm_id"].to_numpy()[chosen],
            "program": LITTLE_GIANT,
            "batch": batch.astype("int64"),
            "year": (FIRST_LITTLE_GIANT_YEAR - 1 + batch).astype("int64"),
        }
    )


def exposure_table(
    firms: pd.DataFrame,
    sanctions: pd.DataFrame,
    huawei_suppliers: pd.DataFrame,
    foreign_share_pre: pd.Series,
    params: DemoParams,
) -> pd.DataFrame:
    """Per firm: the exposure measures, with the panel builder's definitions.

    Returns
    -------
    DataFrame
        Aligned with ``firms``: ``firm_id, sanctioned, sanction_year,
        huawei_supplier, foreign_share_pre, exposed_by_foreign_share,
        exposed, first_treat_year`` (``sanction_year`` and
        ``first_treat_year`` are 0 where not applicable).
    """
    first_effective = sanctions.groupby("firm_id")["effective_date"].min()
    out = pd.DataFrame({"firm_id": firms["firm_id"].to_numpy()})
    sanction_year = out["firm_id"].map(first_effective.dt.year)
    out["sanctioned"] = sanction_year.notna().to_numpy()
    out["sanction_year"] = sanction_year.fillna(0).astype("int64").to_numpy()
    out["huawei_supplier"] = out["firm_id"].isin(huawei_suppliers["firm_id"]).to_numpy()
    out["foreign_share_pre"] = out["firm_id"].map(foreign_share_pre).astype(float).to_numpy()
    out["exposed_by_foreign_share"] = (out["foreign_share_pre"] >= params.exposure_threshold).to_numpy()
    out["exposed"] = (out["sanctioned"] | out["huawei_supplier"] | out["exposed_by_foreign_share"]).to_numpy()
    out["first_treat_year"] = np.where(
        out["sanctioned"], out["sanction_year"], np.where(out["exposed"], params.cutoff_year, 0)
    ).astype("int64")
    return out
