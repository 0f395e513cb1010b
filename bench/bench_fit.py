"""Time ``chokepoint fit`` against pyfixest and linearmodels on the same firm-year panels.

Each estimator runs as a whole process (start-up, reading the Parquet file,
estimation) on the same file in the same run: firm and year fixed effects, five
regressors, standard errors clustered by firm. The script checks that the
coefficients agree and prints the times and their ratios.

Usage (pyfixest comes with the ``bench`` extra: ``pip install -e .[bench]``)::

    python bench/bench_fit.py                 # ~75k firm-years (listed firms)
    python bench/bench_fit.py --large         # also ~4M firm-years, 500k firms
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).parent / "out"
REGRESSORS = ["x1", "x2", "x3", "x4", "x5"]
TRUE_SLOPES = np.array([0.5, -0.3, 0.2, 0.0, 1.0])

PYFIXEST = """
import json, sys, pandas as pd, pyfixest as pf
data = pd.read_parquet(sys.argv[1])
fit = pf.feols("y ~ x1 + x2 + x3 + x4 + x5 | firm + year", data=data, vcov={"CRV1": "firm"})
print(json.dumps({"params": fit.coef().to_dict(), "std_errors": fit.se().to_dict()}))
"""

LINEARMODELS = """
import json, sys, pandas as pd
from linearmodels import PanelOLS
data = pd.read_parquet(sys.argv[1]).set_index(["firm", "year"])
fit = PanelOLS(data["y"], data[["x1", "x2", "x3", "x4", "x5"]], entity_effects=True, time_effects=True).fit(
    cov_type="clustered", cluster_entity=True)
print(json.dumps({"params": fit.params.to_dict(), "std_errors": fit.std_errors.to_dict()}))
"""


def make_panel(n_firms: int, n_years: int, seed: int = 0) -> pd.DataFrame:
    """An unbalanced firm-year panel (about 10 % of firm-years missing) with firm and year effects."""
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(n_firms, dtype=np.int64), n_years)
    year = np.tile(np.arange(2000, 2000 + n_years, dtype=np.int64), n_firms)
    keep = rng.random(len(firm)) > 0.1
    firm, year = firm[keep], year[keep]
    n = len(firm)
    firm_effect = rng.normal(size=n_firms)
    x = rng.normal(size=(n, len(REGRESSORS))) + 0.5 * firm_effect[firm, None]
    y = x @ TRUE_SLOPES + firm_effect[firm] + 0.1 * (year - 2000) + rng.normal(size=n)
    frame = pd.DataFrame(x, columns=REGRESSORS)
    frame.insert(0, "year", year)
    frame.insert(0, "firm", firm)
    frame["y"] = y
    return frame


def timed(command: list[str]) -> tuple[float, dict]:
    """Run ``command``, return its wall time and the JSON it printed."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, json.loads(done.stdout.strip().splitlines()[-1])


def bench(path: Path) -> dict[str, float]:
    """Time the three estimators on ``path``; check their coefficients agree."""
    chokepoint = [sys.executable, "-m", "scripts.cli", "fit", str(path), "--y", "y", "--x", ",".join(REGRESSORS),
                  "--fe", "firm,year", "--cluster", "firm", "--format", "json"]
    runs = {
        "chokepoint fit": timed(chokepoint),
        "pyfixest": timed([sys.executable, "-c", PYFIXEST, str(path)]),
        "linearmodels PanelOLS": timed([sys.executable, "-c", LINEARMODELS, str(path)]),
    }
    ours = runs["chokepoint fit"][1]
    for name, (_, out) in runs.items():
        gap = max(abs(out["params"][x] - ours["params"][x]) / abs(ours["params"][x]) for x in REGRESSORS)
        if gap > 1e-6:
            raise SystemExit(f"{name}: coefficients differ from chokepoint fit by {gap:.2e} (relative)")
        print(f"  {name:<24}{runs[name][0]:8.2f} s   max rel. coef. difference {gap:.1e}")
    se_gap = max(abs(runs["pyfixest"][1]["std_errors"][x] / ours["std_errors"][x] - 1) for x in REGRESSORS)
    print(f"  CRV1 standard errors vs pyfixest: max rel. difference {se_gap:.1e}")
    base = runs["chokepoint fit"][0]
    for name in ("pyfixest", "linearmodels PanelOLS"):
        print(f"  ratio chokepoint fit / {name}: {base / runs[name][0]:.2f}")
    return {name: seconds for name, (seconds, _) in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also run the ~4M firm-year panel")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [("listed firms", 5_000, 17)] + ([("industrial census", 500_000, 9)] if args.large else [])
    for label, firms, years in sizes:
        path = OUT / f"panel_{firms}x{years}.parquet"
        if not path.exists():
            make_panel(firms, years).to_parquet(path)
        rows = len(pd.read_parquet(path, columns=["firm"]))
        print(f"{label}: {rows:,} firm-years, {firms:,} firms, firm and year FE, 5 regressors, firm clusters")
        bench(path)


if __name__ == "__main__":
    main()
