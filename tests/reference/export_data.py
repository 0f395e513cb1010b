"""Write the data sets the R reference script reads, so both sides read the same files.

The demo-panel slice is built from the simulated demo (panel.demo), so the
repository root must be importable (the package installed, as in the README).

Run from the repository root:  python tests/reference/export_data.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from linearmodels.datasets import wage_panel

HERE = Path(__file__).parent


def grunfeld() -> pd.DataFrame:
    """Grunfeld investment data, 10 firms (statsmodels' copy less American Steel)."""
    data = sm.datasets.grunfeld.load_pandas().data
    data = data.loc[data["firm"] != "American Steel"].copy()
    data["year"] = data["year"].astype(int)
    return data.loc[:, ["firm", "year", "invest", "value", "capital"]].reset_index(drop=True)


def wages() -> pd.DataFrame:
    """The Vella–Verbeek wage panel shipped with linearmodels (Wooldridge's wagepan)."""
    return wage_panel.load().loc[:, ["nr", "year", "lwage", "expersq", "union", "married", "exper"]]


def synthetic(seed: int = 20190516) -> pd.DataFrame:
    """An unbalanced firm-year panel: 40 firms, 2012–2021, 5 industries, weights.

    Each firm misses a random 0–3 years, so the panel is unbalanced but every
    firm keeps at least seven years (no singletons).
    """
    rng = np.random.default_rng(seed)
    firms, years = np.arange(1, 41), np.arange(2012, 2022)
    rows = []
    for firm in firms:
        missing = rng.choice(years, size=rng.integers(0, 4), replace=False)
        rows += [(firm, year) for year in years if year not in missing]
    data = pd.DataFrame(rows, columns=["firm", "year"])
    data["industry"] = (data["firm"] - 1) % 5 + 1
    data["industry_year"] = data["industry"] * 10000 + data["year"]
    n = len(data)
    firm_effect = rng.normal(size=41)[data["firm"]]
    year_effect = rng.normal(size=2022 - 2011)[data["year"] - 2011]
    data["x1"] = rng.normal(size=n) + 0.5 * firm_effect
    data["x2"] = rng.normal(size=n) + 0.3 * year_effect
    data["x3"] = rng.gamma(2.0, size=n)
    shock = rng.normal(size=41)[data["firm"]] * rng.normal(size=n)
    data["y"] = (
        1.0 + 0.5 * data["x1"] - 0.25 * data["x2"] + 0.1 * data["x3"]
        + firm_effect + year_effect + shock + rng.normal(size=n)
    )
    data["w"] = rng.uniform(0.5, 2.0, size=n)
    return data.round(6)


#: columns of the demo-panel slice read by the study reference models
DEMO_SLICE_COLUMNS = [
    "firm_id", "year", "industry_year", "roa", "ln_invention_apply", "post", "exposed", "exposed_post",
    "size", "leverage", "foreign_supplier_share", "supplier_coverage", "upstream",
]


def demo_slice(seed: int = 0, n_firms: int = 1000, n_exposed: int = 50, n_other: int = 150) -> pd.DataFrame:
    """200 firms of the simulated demo panel (seed 0, 1,000 firms), 2012–2022, a few columns.

    The firms are drawn (seed 20190516) among those with at least one
    firm-year in 2012–2022: 50 exposed and 150 other firms.
    """
    import tempfile

    from panel.assemble.builder import build_panel
    from panel.demo import simulate
    from panel.sources import load_folder

    with tempfile.TemporaryDirectory() as folder:
        panel = build_panel(load_folder(simulate(Path(folder) / "demo", seed=seed, n_firms=n_firms))).data
    panel = panel.loc[panel["year"].between(2012, 2022), DEMO_SLICE_COLUMNS]
    rng = np.random.default_rng(20190516)
    firms = panel.groupby("firm_id")["exposed"].first()
    chosen = np.concatenate([
        rng.choice(firms.index[firms == 1].to_numpy(), size=n_exposed, replace=False),
        rng.choice(firms.index[firms == 0].to_numpy(), size=n_other, replace=False),
    ])
    out = panel[panel["firm_id"].isin(chosen)].sort_values(["firm_id", "year"]).reset_index(drop=True)
    return out.astype({"firm_id": str, "industry_year": str})


def main() -> None:
    grunfeld().to_csv(HERE / "grunfeld.csv", index=False)
    wages().to_csv(HERE / "wage_panel.csv", index=False)
    synthetic().to_csv(HERE / "synthetic_panel.csv", index=False)
    demo_slice().to_csv(HERE / "demo_panel_slice.csv", index=False)


if __name__ == "__main__":
    main()
