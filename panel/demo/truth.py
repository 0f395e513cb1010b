"""The planted truth of a simulated data set, as written to ``ground_truth.json``.

Effects are stated on the panel builder's variables (``invention_apply`` =
Invia + Invja of the 上市公司本身 row, ``roa = net_profit / total_assets`` of
the annual consolidated statements, ``foreign_supplier_share`` among named
suppliers, ``exposed`` and ``first_treat_year`` as in the builder), with the
firm ids of every group, so tests can check that estimators recover them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from panel.demo import financials as financials_process
from panel.demo import firms as firms_process
from panel.demo import patents as patents_process
from panel.demo import suppliers as suppliers_process
from panel.demo import treatment as treatment_process
from panel.demo.financials import Financials
from panel.demo.params import DATA_VINTAGE, FIRST_YEAR, LAST_YEAR, DemoParams
from panel.demo.patents import PatentCounts

DESCRIPTION = (
    "SIMULATED DATA from the chokepoint demo generator. No row describes a real firm, patent, "
    "supplier or sanction; firm names carry the marker 模拟 (simulated) and patent ids start with SIM. "
    "Only the Entity-List wave dates and rule texts are real (panel/reference/export_controls.csv)."
)
DEFINITIONS = {
    "invention_apply": "Invia + Invja of the CNRDS_PatentApply row with Ftyp 上市公司本身",
    "ln_invention_apply": "ln(1 + invention_apply)",
    "roa": "net_profit / total_assets, FS_Comins/FS_Combas rows with Typrep A and Accper YYYY-12-31",
    "post": "year >= cutoff_year",
    "foreign_supplier_share": "sum of purchase_share of named foreign suppliers / sum of purchase_share of named suppliers",
    "foreign_share_pre": "mean foreign_supplier_share over the three years before cutoff_year, where observed",
    "exposed": "sanctioned or huawei_supplier or foreign_share_pre >= exposure_threshold",
    "first_treat_year": "year of the first effective Entity-List date if sanctioned, else cutoff_year if exposed",
    "event_time": "year - first_treat_year",
}


def process_constants() -> dict:
    """The fixed shares and rates of the data-generating process (module constants)."""
    return {
        "firms": {
            "industry_weights": firms_process.INDUSTRY_WEIGHTS,
            "other_industry_weight": firms_process.OTHER_INDUSTRY_WEIGHT,
            "star_industry_weights": firms_process.STAR_INDUSTRY_WEIGHTS,
            "listing_year_weights": {str(y): w for y, w in firms_process.LISTING_YEAR_WEIGHTS.items()},
        },
        "treatment": {
            "little_giant_batch_weights": list(treatment_process.LITTLE_GIANT_BATCH_WEIGHTS),
            "second_event_share": treatment_process.SECOND_EVENT_SHARE,
            "sanction_wave_year_weights": {str(y): w for y, w in treatment_process.SANCTION_WAVE_YEAR_WEIGHTS.items()},
        },
        "suppliers": {
            "disclosure_rate": suppliers_process.DISCLOSURE_RATE,
            "always_mask_share": suppliers_process.ALWAYS_MASK_SHARE,
            "yearly_mask_rate": suppliers_process.YEARLY_MASK_RATE,
            "mask_styles": [list(style) for style in suppliers_process.MASK_STYLES],
            "foreign_countries": suppliers_process.FOREIGN_COUNTRIES,
            "domestic_countries": suppliers_process.DOMESTIC_COUNTRIES,
        },
        "patents": {
            "grant_rules": {k: dict(zip(("probability", "min_lag_days", "max_lag_days"), v))
                            for k, v in patents_process.GRANT_RULES.items()},
            "empty_row_share": patents_process.EMPTY_ROW_SHARE,
            "missing_ipc_share": patents_process.MISSING_IPC_SHARE,
            "ipc_by_group": patents_process.IPC_BY_GROUP,
        },
        "financials": {
            "half_year_row_share": financials_process.HALF_YEAR_SHARE,
            "opening_row_share": financials_process.OPENING_ROW_SHARE,
            "later_rd_missing_share": financials_process.LATER_RD_MISSING_SHARE,
            "tobin_q_both_missing_share": financials_process.Q_BOTH_MISSING_SHARE,
            "tobin_q_only_missing_share": financials_process.Q_ONLY_MISSING_SHARE,
            "log_tobin_q_year_effects": {str(FIRST_YEAR + i): g for i, g in enumerate(financials_process.Q_YEAR_EFFECTS)},
            "subsidy_zero_share": financials_process.SUBSIDY_ZERO_SHARE,
            "subsidy_missing_share": financials_process.SUBSIDY_MISSING_SHARE,
            "operating_to_net_profit": financials_process.NET_TO_OPERATING,
        },
    }


def _ids(mask: np.ndarray, firm_ids: np.ndarray) -> list[str]:
    return [str(firm_id) for firm_id in firm_ids[mask]]


def realised_invention_att(counts: PatentCounts) -> dict:
    """Mean effect on ln(1 + invention_apply) among treated listed firm-years, by event time.

    The counterfactual count uses the same Poisson uniform as the realised
    one, so this is the sample effect the planted ``tau_e`` produced.
    """
    treated = counts.event_time >= 0
    effect = np.log1p(counts.total("invention")) - np.log1p(counts.invention_counterfactual)
    rows = pd.DataFrame(
        {"cohort": counts.cohort[treated], "event_time": counts.event_time[treated], "effect": effect[treated]}
    )

    def summary(groups) -> dict:
        return {str(key): {"att": float(g.mean()), "n": int(g.size)} for key, g in groups["effect"]}

    return {
        "by_event_time": summary(rows.groupby("event_time")),
        "by_cohort_and_event_time": {
            str(cohort): summary(part.groupby("event_time")) for cohort, part in rows.groupby("cohort")
        },
        "overall": float(rows["effect"].mean()) if len(rows) else None,
        "n_treated_firm_years": int(len(rows)),
    }


def realised_share_shift(firms: pd.DataFrame, exposure: pd.DataFrame, firm_years: pd.DataFrame, shift: np.ndarray) -> dict:
    """Mean realised shift of foreign_supplier_share of exposed upstream and downstream firms.

    Parameters
    ----------
    firms, exposure : DataFrame
        Firm universe and exposure table (one row per firm, same order).
    firm_years : DataFrame
        The post-cutoff firm-years drawn (``fi``, ``year``).
    shift : ndarray
        Per firm-year, share with the planted effect minus share without it
        (same noise); NaN where the builder sees no share.

    Returns
    -------
    dict
        ``exposed_upstream`` and ``exposed_downstream``, each with ``att``
        (mean over the firm-years where the share is observed), ``n`` and
        ``by_year``.
    """
    fi = firm_years["fi"].to_numpy()
    rows = pd.DataFrame({"year": firm_years["year"].to_numpy(), "shift": shift})
    exposed = exposure["exposed"].to_numpy()[fi]
    upstream = firms["upstream"].to_numpy()[fi]
    out = {}
    for group, members in (("exposed_upstream", exposed & upstream), ("exposed_downstream", exposed & ~upstream)):
        part = rows[members].dropna()
        out[group] = {
            "att": float(part["shift"].mean()) if len(part) else None,
            "n": len(part),
            "by_year": {str(year): float(g.mean()) for year, g in part.groupby("year")["shift"]},
        }
    return out


def ground_truth(
    *,
    seed: int,
    params: DemoParams,
    firms: pd.DataFrame,
    firm_years: pd.DataFrame,
    exposure: pd.DataFrame,
    sanctions: pd.DataFrame,
    designations: pd.DataFrame,
    counts: PatentCounts,
    supplier_shift: tuple[pd.DataFrame, np.ndarray],
    st_prefix: np.ndarray,
    financials: Financials,
    suppliers: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    file_names: dict[str, str],
) -> dict:
    """Assemble the ground-truth document (JSON-able, deterministic order)."""
    ids = firms["firm_id"].to_numpy()
    exposed = exposure["exposed"].to_numpy()
    upstream = firms["upstream"].to_numpy()
    treated = exposure["first_treat_year"].to_numpy() > 0
    first_events = sanctions.sort_values(["effective_date", "firm_id"]).groupby("firm_id", sort=True).first()
    n_events = sanctions.groupby("firm_id").size()
    list_date = firms.set_index("firm_id")["list_date"]
    after_listing = [
        firm_id for firm_id, row in first_events.iterrows() if row["effective_date"] < list_date[firm_id]
    ]
    cohorts = pd.Series(exposure["first_treat_year"].to_numpy()[treated]).value_counts().sort_index()
    fsp = exposure.dropna(subset=["foreign_share_pre"])
    masked = suppliers["country"].isna().groupby([suppliers["firm_id"], suppliers["year"]]).all()
    rd = tables["income_statement"]
    rd_early = rd[(rd["statement_type"] == "A") & (rd["period_end"].dt.month == 12) & (rd["period_end"].dt.year < 2018)]
    st = st_prefix != ""
    return {
        "simulated": True,
        "description": DESCRIPTION,
        "seed": seed,
        "n_firms": len(firms),
        "years": [FIRST_YEAR, LAST_YEAR],
        "data_vintage": DATA_VINTAGE,
        "definitions": DEFINITIONS,
        "params": params.to_dict(),
        "process": process_constants(),
        "effects": {
            "invention_apply": {
                "scale": "ln E[invention_apply]",
                "tau_by_event_time": {str(e): tau for e, tau in enumerate(params.invention_tau)},
                "tau_applies_to": "exposed firms that are not sanctioned",
                "sanctioned_tau_multiplier": params.sanctioned_tau_multiplier,
                "flat_after_event_time": len(params.invention_tau) - 1,
                "pre_trend": 0.0,
                "cohort_sizes": {str(year): int(n) for year, n in cohorts.items()},
                "soe_shift": params.soe_invention_shift,
                "realised_att_ln1p": realised_invention_att(counts),
            },
            "roa": {
                "equation": (
                    "roa = a_i + g_t + b1*ln(1+invention_apply) + b2*ln(1+invention_apply)*post "
                    "+ b3*ln(1+invention_apply)*post*exposed + size_coef*(ln(total_assets)-22) "
                    "+ leverage_coef*leverage + soe*SOE + st*ST + e"
                ),
                "b1": params.roa_b1,
                "b2": params.roa_b2,
                "b3": params.roa_b3,
                "size_coef": params.roa_size,
                "leverage_coef": params.roa_leverage,
                "soe": params.roa_soe,
                "st": params.roa_st,
                "year_effects": {str(FIRST_YEAR + i): g for i, g in enumerate(params.roa_year_effects)},
                "noise_sd": params.roa_noise_sd,
                "firm_sd": params.roa_firm_sd,
            },
            "foreign_supplier_share": {
                "exposed_upstream_post": params.foreign_share_upstream_effect,
                "exposed_downstream_post": params.foreign_share_downstream_effect,
                "others_post": 0.0,
                "year_effects": 0.0,
                "noise_sd": params.foreign_share_noise_sd,
                "realised_post": realised_share_shift(firms, exposure, *supplier_shift),
                "note": (
                    "the planted shift applies to the latent share, clipped at zero: realised_post is the mean "
                    "of the share with the shift minus the share without it (same noise) over the post "
                    "firm-years whose share is observed. Exposure partly selects on the noisy 2016-2018 share, "
                    "so the pre-period mean of firms exposed by foreign share is slightly high (regression to "
                    "the mean)"
                ),
            },
            "utility_apply": {
                "scale": "ln E[utility_apply]",
                "little_giant_from_designation_year": params.little_giant_utility_effect,
            },
        },
        "groups": {
            "sanctioned": {
                firm_id: {
                    "sanction_year": int(row["effective_date"].year),
                    "first_effective_date": row["effective_date"].strftime("%Y-%m-%d"),
                    "n_events": int(n_events[firm_id]),
                }
                for firm_id, row in first_events.iterrows()
            },
            "listed_after_sanction": after_listing,
            "huawei_suppliers": _ids(exposure["huawei_supplier"].to_numpy(), ids),
            "exposed_by_foreign_share": _ids(exposure["exposed_by_foreign_share"].to_numpy(), ids),
            "exposed": _ids(exposed, ids),
            "exposed_upstream": _ids(exposed & upstream, ids),
            "exposed_downstream": _ids(exposed & ~upstream, ids),
            "first_treat_year": {
                str(firm_id): int(year) for firm_id, year in zip(ids[treated], exposure["first_treat_year"].to_numpy()[treated])
            },
            "little_giants": {str(r.firm_id): int(r.year) for r in designations.itertuples()},
            "semiconductor": _ids(firms["semiconductor"].to_numpy(), ids),
            "soe": _ids(firms["soe"].to_numpy(), ids),
            "finance": _ids(firms["finance"].to_numpy(), ids),
            "delisted": {
                str(r.firm_id): r.delist_date.strftime("%Y-%m-%d") for r in firms[firms["delist_date"].notna()].itertuples()
            },
        },
        "foreign_share_pre": {str(r.firm_id): float(r.foreign_share_pre) for r in fsp.itertuples()},
        "firm_years": {
            "st": [[str(f), int(y)] for f, y in zip(firm_years["firm_id"].to_numpy()[st], firm_years["year"].to_numpy()[st])],
            **financials.planted,
        },
        "realised_shares": {
            "soe_firms": float(firms["soe"].mean()),
            "finance_firms": float(firms["finance"].mean()),
            "delisted_firms": float(firms["delist_date"].notna().mean()),
            "masked_supplier_firm_years": float(masked.mean()),
            "rd_expense_missing_before_2018": float(rd_early["rd_expense"].isna().mean()),
            "st_firm_years": float(st.mean()),
        },
        "files": {file_names[name]: int(len(table)) for name, table in tables.items()},
    }
