"""Time 100 specifications on one sample and one set of fixed effects: chokepoint against linearmodels.

Ten outcomes times ten regressor sets on the listed-firms panel of
``bench_fit.py`` (firm and year fixed effects, clustered by firm). chokepoint
fits them inside :func:`models.reuse.reuse_demeaning`, so the sample (its rows,
codes and fixed-effect degrees of freedom) and the fixed effects are prepared
once and each column is demeaned once; linearmodels' PanelOLS runs the same
loop. Each side is a whole process (start-up, reading the Parquet file, the
100 fits), in the same run; the coefficients are checked to agree and the
ratio is printed.

Usage::

    python bench/bench_specs.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_fit import OUT, make_panel  # noqa: E402

OUTCOMES = 10
REGRESSOR_SETS = [["x1"], ["x2"], ["x1", "x2"], ["x1", "x3"], ["x2", "x4"], ["x1", "x2", "x3"], ["x3", "x4", "x5"],
                  ["x1", "x2", "x3", "x4"], ["x2", "x3", "x4", "x5"], ["x1", "x2", "x3", "x4", "x5"]]

SETUP = """
import json, sys, numpy as np, pandas as pd
data = pd.read_parquet(sys.argv[1])
rng = np.random.default_rng(0)
for j in range({outcomes}):
    data[f"y{{j}}"] = data["y"] + j * data["x1"] + rng.normal(size=len(data))
sets = json.loads(sys.argv[2])
"""

CHOKEPOINT = SETUP + """
from models import Spec, fit, reuse_demeaning
out = {{}}
with reuse_demeaning():
    for j in range({outcomes}):
        for k, regressors in enumerate(sets):
            result = fit(data, Spec(f"y{{j}}", tuple(regressors), fixed_effects=("firm", "year"), cluster=("firm",)))
            out[f"{{j}}/{{k}}"] = result.params.tolist()
print(json.dumps(out))
"""

LINEARMODELS = SETUP + """
from linearmodels import PanelOLS
data = data.set_index(["firm", "year"])
out = {{}}
for j in range({outcomes}):
    for k, regressors in enumerate(sets):
        result = PanelOLS(data[f"y{{j}}"], data[regressors], entity_effects=True, time_effects=True).fit(
            cov_type="clustered", cluster_entity=True)
        out[f"{{j}}/{{k}}"] = result.params.tolist()
print(json.dumps(out))
"""


def run(script: str, path: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script.format(outcomes=OUTCOMES), str(path),
                           json.dumps(REGRESSOR_SETS)], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "panel_5000x17.parquet"
    if not path.exists():
        make_panel(5_000, 17).to_parquet(path)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{OUTCOMES * len(REGRESSOR_SETS)} specifications, firm and year FE, firm clusters, {path.name}")
    ours_seconds, ours = run(CHOKEPOINT, path)
    theirs_seconds, theirs = run(LINEARMODELS, path)
    gap = max(abs(a - b) / abs(b) for key in ours for a, b in zip(ours[key], theirs[key]))
    print(f"  chokepoint (one preparation)  {ours_seconds:8.2f} s")
    print(f"  linearmodels PanelOLS loop    {theirs_seconds:8.2f} s   max rel. coef. difference {gap:.1e}")
    print(f"  speed-up: {theirs_seconds / ours_seconds:.1f}x")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
