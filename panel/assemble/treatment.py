"""Treatment timing and exposure: sanctions, Huawei suppliers, designations, post."""

from __future__ import annotations

import numpy as np
import pandas as pd

from panel.assemble.options import BuildOptions

LITTLE_GIANT = "专精特新小巨人"


def first_sanction(sanctions: pd.DataFrame, date: str) -> pd.DataFrame:
    """Each sanctioned firm's first event.

    Parameters
    ----------
    sanctions : DataFrame
        Canonical Entity-List events.
    date : {"effective", "announcement"}
        Which date dates the event; a missing announcement date falls back to
        the effective date.

    Returns
    -------
    DataFrame
        ``firm_id, sanction_date, sanction_year``.
    """
    when = sanctions["effective_date"]
    if date == "announcement":
        when = sanctions["announcement_date"].fillna(when)
    first = sanctions.assign(sanction_date=when).groupby("firm_id")["sanction_date"].min().reset_index()
    first["sanction_year"] = first["sanction_date"].dt.year.astype("Int64")
    return first


def attach_treatment(
    panel: pd.DataFrame,
    sanctions: pd.DataFrame | None,
    huawei_suppliers: pd.DataFrame | None,
    designations: pd.DataFrame | None,
    foreign_share_pre: pd.Series,
    options: BuildOptions,
) -> pd.DataFrame:
    """Add sanction timing, exposure measures, post and event time to firm-years.

    ``exposed = sanctioned | huawei_supplier | foreign_share_pre >= threshold``;
    ``first_treat_year`` is the sanction year for sanctioned firms and the
    cutoff year for the other exposed firms; ``event_time = year -
    first_treat_year``; ``post = year >= cutoff``.
    """
    out = panel.merge(foreign_share_pre.reset_index(), on="firm_id", how="left")
    if sanctions is not None and not sanctions.empty:
        out = out.merge(first_sanction(sanctions, options.sanction_date), on="firm_id", how="left")
    else:
        out = out.assign(sanction_date=pd.NaT, sanction_year=pd.Series(pd.NA, index=out.index, dtype="Int64"))
    out["sanctioned"] = out["sanction_year"].notna().astype("int8")
    out["sanctioned_before_listing"] = (
        (out["sanctioned"] == 1) & (out["sanction_year"] < out["list_year"])
    ).fillna(False).astype("int8")
    named = set() if huawei_suppliers is None else set(huawei_suppliers["firm_id"])
    out["huawei_supplier"] = out["firm_id"].isin(named).astype("int8")
    if designations is not None and not designations.empty:
        giants = designations[designations["program"] == LITTLE_GIANT].groupby("firm_id")["year"].min()
        out["little_giant_year"] = out["firm_id"].map(giants).astype("Int64")
    else:
        out["little_giant_year"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    high_share = (out["foreign_share_pre"] >= options.exposure_threshold).fillna(False)
    out["exposed"] = ((out["sanctioned"] == 1) | (out["huawei_supplier"] == 1) | high_share).astype("int8")
    out["first_treat_year"] = (
        out["sanction_year"]
        .where(out["sanctioned"] == 1, pd.Series(np.where(out["exposed"] == 1, options.cutoff_year, pd.NA), index=out.index))
        .astype("Int64")
    )
    out["event_time"] = (out["year"] - out["first_treat_year"]).astype("Int64")
    out["post"] = (out["year"] >= options.cutoff_year).astype("int8")
    out["treated_post"] = (out["event_time"] >= 0).fillna(False).astype("int8")
    out["exposed_post"] = (out["exposed"] * out["post"]).astype("int8")
    return out
