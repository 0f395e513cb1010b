"""SIMULATED monthly chokepoint imports 2015-2024 by HS8 code, and a SIMULATED GDP series.

Not real data: every file written here says SIMULATED (the commodity-name
column, the GDP file's note column, a README and the truth file).

Data-generating process, per technology group g (all 17 of the bundled list):

* a planted path through three knots, 1 in 2015-01, ``mid`` in 2019-01 and
  ``end`` in 2024-12, linear in between;
* plus, for the semiconductor groups, a stockpiling spike: a raised-cosine
  bump of height ``spike`` (in units of the 2015 level) from 2019-05 to
  2021-09, peaking in 2020-07;
* times the group's 2015 monthly level (US dollars), a seasonal factor
  (February -10 % for the Chinese New Year, December +5 %) and lognormal noise
  (SD 0.04 on the log scale);
* split over two HS8 lines of the group (60 / 40 % with their own noise),
  written in the China Customs export layout.

Each group's knots and spike are chosen so that its pattern under the
partition of :mod:`models.import_substitution` (whole period, linear weights)
is known, with margins larger than the noise can bridge: the planted pattern
and the noise-free path (relative to 2015-01) are written to ``imports_truth.json``.
GDP grows 5.5 % a year from 11 trillion dollars (2015) with 1 % noise.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from panel.sources.customs import CHINA_CUSTOMS
from panel.sources.hs_groups import load_hs_groups

DEFAULT_SEED = 20190516
FIRST_MONTH = "2015-01"
LAST_MONTH = "2024-12"
MID_KNOT = "2019-01"
SPIKE_START, SPIKE_PEAK, SPIKE_END = "2019-05", "2020-07", "2021-09"
NOISE_SD = 0.04
SEASONAL = {2: 0.90, 12: 1.05}
LINE_SHARES = (0.6, 0.4)
GDP_2015 = 11.0e12
GDP_GROWTH = 0.055
GDP_NOISE_SD = 0.01
MARKER = "SIMULATED"

#: the patterns of the partition (models.import_substitution), as the truth file names them
STOCKPILING = "stockpiling"
NO_DISCERNIBLE_EFFECT = "no_discernible_effect"
IMPORT_SUBSTITUTION = "import_substitution"

#: file names the demo writes
CUSTOMS_FILE = "customs_imports.csv"
GDP_FILE = "gdp.csv"
TRUTH_FILE = "imports_truth.json"
README_FILE = "README_SIMULATED.txt"


@dataclass(frozen=True)
class GroupPlan:
    """The planted path of one group.

    Parameters
    ----------
    group : int
        Group number (1-17).
    pattern : str
        The planted pattern under the whole-period partition.
    level : float
        Monthly imports in 2015-01, US dollars.
    mid, end : float
        The path's value in 2019-01 and 2024-12, relative to 2015-01.
    spike : float
        Height of the 2019-2021 stockpiling bump, relative to the 2015 level
        (semiconductor groups only).
    """

    group: int
    pattern: str
    level: float
    mid: float
    end: float
    spike: float = 0.0


#: one plan per group; semiconductor groups are 1, 2, 3, 6, 8 and 11
PLANS = (
    GroupPlan(1, IMPORT_SUBSTITUTION, 1.5e9, 1.30, 0.70, spike=1.20),
    GroupPlan(2, STOCKPILING, 19.0e9, 1.35, 1.90, spike=2.00),
    GroupPlan(3, STOCKPILING, 0.6e9, 1.40, 2.00, spike=2.50),
    GroupPlan(4, IMPORT_SUBSTITUTION, 1.5e9, 1.05, 0.60),
    GroupPlan(5, NO_DISCERNIBLE_EFFECT, 1.9e9, 1.50, 2.20),
    GroupPlan(6, STOCKPILING, 1.2e9, 1.60, 2.60, spike=2.00),
    GroupPlan(7, IMPORT_SUBSTITUTION, 3.8e9, 1.10, 0.85),
    GroupPlan(8, NO_DISCERNIBLE_EFFECT, 0.5e9, 1.40, 2.05, spike=0.15),
    GroupPlan(9, NO_DISCERNIBLE_EFFECT, 2.9e9, 1.50, 2.50),
    GroupPlan(10, IMPORT_SUBSTITUTION, 1.0e9, 1.05, 1.00),
    GroupPlan(11, IMPORT_SUBSTITUTION, 0.5e9, 1.20, 0.70, spike=0.60),
    GroupPlan(12, IMPORT_SUBSTITUTION, 3.0e9, 1.25, 1.10),
    GroupPlan(13, IMPORT_SUBSTITUTION, 0.6e9, 1.80, 0.60),
    GroupPlan(14, IMPORT_SUBSTITUTION, 3.0e9, 1.15, 0.75),
    GroupPlan(15, STOCKPILING, 3.8e9, 1.40, 3.40),
    GroupPlan(16, NO_DISCERNIBLE_EFFECT, 4.8e9, 1.50, 2.20),
    GroupPlan(17, NO_DISCERNIBLE_EFFECT, 1.5e9, 1.50, 2.20),
)


@dataclass(frozen=True)
class SimulatedImports:
    """The demo's tables and its planted truth.

    Parameters
    ----------
    customs : pandas.DataFrame
        The China-Customs-style export (its own headers), one row per HS8
        line and month.
    gdp : pandas.DataFrame
        ``year``, ``gdp`` (US dollars), ``note``.
    truth : dict
        What ``imports_truth.json`` holds.
    """

    customs: pd.DataFrame
    gdp: pd.DataFrame
    truth: dict


def months() -> pd.DatetimeIndex:
    """The simulated months, 2015-01 to 2024-12."""
    return pd.date_range(FIRST_MONTH, LAST_MONTH, freq="MS")


def planted_path(plan: GroupPlan) -> np.ndarray:
    """The noise-free path of a group relative to its 2015-01 level (before seasonality)."""
    span = months()
    position = np.arange(len(span), dtype=float)
    knots = [0.0, float(span.get_loc(pd.Timestamp(MID_KNOT))), position[-1]]
    path = np.interp(position, knots, [1.0, plan.mid, plan.end])
    return path + plan.spike * _bump(span)


def _bump(span: pd.DatetimeIndex) -> np.ndarray:
    """A raised-cosine bump, 0 outside the spike months and 1 at its peak."""
    start, peak, end = (span.get_loc(pd.Timestamp(m)) for m in (SPIKE_START, SPIKE_PEAK, SPIKE_END))
    position = np.arange(len(span), dtype=float)
    rising = (position >= start) & (position <= peak)
    falling = (position > peak) & (position <= end)
    bump = np.zeros(len(span))
    bump[rising] = 0.5 - 0.5 * np.cos(np.pi * (position[rising] - start) / (peak - start))
    bump[falling] = 0.5 + 0.5 * np.cos(np.pi * (position[falling] - peak) / (end - peak))
    return bump


def simulate_imports(seed: int = DEFAULT_SEED) -> SimulatedImports:
    """Simulate the customs export, the GDP series and the truth (deterministic in ``seed``)."""
    rng = np.random.default_rng(seed)
    span = months()
    groups = load_hs_groups()
    season = np.array([SEASONAL.get(month, 1.0) for month in span.month])
    rows = []
    truth_groups = []
    for plan in PLANS:
        attributes = groups.groups.set_index("group").loc[plan.group]
        path = planted_path(plan)
        monthly = plan.level * path * season * np.exp(rng.normal(0.0, NOISE_SD, len(span)))
        for code, share in zip(_hs8_lines(groups, plan.group), LINE_SHARES):
            values = monthly * share * np.exp(rng.normal(0.0, NOISE_SD / 2, len(span)))
            rows.append(pd.DataFrame({
                "period": span.strftime("%Y%m"),
                "hs_code": code,
                "name": f"{MARKER} {attributes['group_name']}",
                "value": np.round(values, 0),
            }))
        truth_groups.append({
            **asdict(plan),
            "group_name": attributes["group_name"],
            "category": attributes["category"],
            "semiconductor": bool(attributes["semiconductor"]),
            "noise_free_path": [round(float(x), 6) for x in path],
        })
    headers = {name: headers[0] for name, headers in CHINA_CUSTOMS.columns.items()}
    customs = pd.concat(rows, ignore_index=True).rename(columns={**headers, "name": "商品名称"})
    customs = customs[[headers["period"], headers["hs_code"], "商品名称", headers["value"]]]
    years = np.arange(span.year.min(), span.year.max() + 1)
    gdp_values = GDP_2015 * (1 + GDP_GROWTH) ** (years - years[0]) * np.exp(rng.normal(0.0, GDP_NOISE_SD, len(years)))
    gdp = pd.DataFrame({"year": years, "gdp": np.round(gdp_values, -6), "note": MARKER})
    truth = {
        "simulated": True,
        "note": f"{MARKER} data from panel/demo/imports.py; not real customs statistics",
        "seed": seed,
        "months": [FIRST_MONTH, LAST_MONTH],
        "partition": "whole period, linear weights, sample SD",
        "spike_months": [SPIKE_START, SPIKE_PEAK, SPIKE_END],
        "groups": truth_groups,
    }
    return SimulatedImports(customs=customs, gdp=gdp, truth=truth)


def _hs8_lines(groups, group: int) -> list[str]:
    """Two simulated HS8 lines of a group: its first HS6 code extended by 00 and 90."""
    first = groups.codes.loc[groups.codes["group"] == group, "hs_code"].iloc[0]
    return [first + "00", first + "90"]


def write_imports_demo(out: str | Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write the SIMULATED customs export, GDP file, truth and README to ``out``.

    Returns
    -------
    dict
        ``customs``, ``gdp``, ``truth``, ``readme`` -> the paths written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    simulated = simulate_imports(seed)
    paths = {
        "customs": out / CUSTOMS_FILE,
        "gdp": out / GDP_FILE,
        "truth": out / TRUTH_FILE,
        "readme": out / README_FILE,
    }
    simulated.customs.to_csv(paths["customs"], index=False, encoding="utf-8")
    simulated.gdp.to_csv(paths["gdp"], index=False)
    paths["truth"].write_text(json.dumps(simulated.truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["readme"].write_text(
        f"{MARKER} DATA. {CUSTOMS_FILE} (China Customs export layout, US dollars) and {GDP_FILE} were\n"
        "generated by panel/demo/imports.py from a planted data-generating process; they are not\n"
        f"real statistics. The planted pattern of each technology group is in {TRUTH_FILE}.\n",
        encoding="utf-8",
    )
    return paths
