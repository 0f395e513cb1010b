"""Time ``chokepoint fit`` against pyfixest and linearmodels on the same panels, whole process.

Each estimator runs as a process of its own (start-up, reading the Parquet
file, estimation) on the same file in the same run, so that load from other
work on the machine affects every side; the script checks that the
coefficients agree and prints the times, the peak memory (maximum resident
set of the process) and the ratios. Cases:

* firm and year fixed effects, five regressors, standard errors clustered by firm;
* the same with a third fixed effect, industry × year;
* a hard design: worker and firm effects where 1 % of workers change firm each
  year (weakly connected), with the absorption's iterations printed and every
  side's slopes compared with the exact solution (:func:`exact_two_way_slopes`).

Usage (pyfixest comes with the ``bench`` extra: ``pip install -e .[bench]``)::

    python bench/bench_fit.py                 # ~75k firm-years (listed firms)
    python bench/bench_fit.py --large         # ~4M firm-years, 500k firms; 1M worker-years
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

OUT = Path(__file__).parent / "out"
REGRESSORS = ["x1", "x2", "x3", "x4", "x5"]
TRUE_SLOPES = np.array([0.5, -0.3, 0.2, 0.0, 1.0])
N_INDUSTRIES = 50

PYFIXEST = """
import json, sys, pandas as pd, pyfixest as pf
data = pd.read_parquet(sys.argv[1])
fit = pf.feols("y ~ x1 + x2 + x3 + x4 + x5 | " + sys.argv[2].replace(",", " + "), data=data,
               vcov={"CRV1": sys.argv[3]}, fixef_maxiter=100_000)
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
    """An unbalanced firm-year panel (about 10 % of firm-years missing) with firm, year and industry × year effects."""
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(n_firms, dtype=np.int64), n_years)
    year = np.tile(np.arange(2000, 2000 + n_years, dtype=np.int64), n_firms)
    keep = rng.random(len(firm)) > 0.1
    firm, year = firm[keep], year[keep]
    n = len(firm)
    firm_effect = rng.normal(size=n_firms)
    industry = rng.integers(0, N_INDUSTRIES, n_firms)[firm]
    ind_year = industry * n_years + (year - 2000)
    ind_year_effect = 0.3 * rng.normal(size=N_INDUSTRIES * n_years)
    x = rng.normal(size=(n, len(REGRESSORS))) + 0.5 * firm_effect[firm, None]
    y = x @ TRUE_SLOPES + firm_effect[firm] + 0.1 * (year - 2000) + ind_year_effect[ind_year] + rng.normal(size=n)
    frame = pd.DataFrame(x, columns=REGRESSORS)
    frame.insert(0, "ind_year", ind_year)
    frame.insert(0, "industry", industry)
    frame.insert(0, "year", year)
    frame.insert(0, "firm", firm)
    frame["y"] = y
    return frame


def make_mobility_panel(n_workers: int, n_years: int, n_firms: int, mobility: float, seed: int = 0) -> pd.DataFrame:
    """Worker-years where each worker changes firm with probability ``mobility`` each year.

    Worker and firm effects are then weakly connected (the few movers link the
    firms), the hard case for absorbing fixed effects.
    """
    rng = np.random.default_rng(seed)
    firm = np.empty((n_workers, n_years), dtype=np.int64)
    firm[:, 0] = rng.integers(0, n_firms, n_workers)
    for t in range(1, n_years):
        moves = rng.random(n_workers) < mobility
        firm[:, t] = np.where(moves, rng.integers(0, n_firms, n_workers), firm[:, t - 1])
    worker = np.repeat(np.arange(n_workers, dtype=np.int64), n_years)
    firm_of_row = firm.ravel()
    n = len(worker)
    worker_effect, firm_effect = rng.normal(size=n_workers), rng.normal(size=n_firms)
    x = rng.normal(size=(n, len(REGRESSORS))) + 0.5 * firm_effect[firm_of_row, None]
    y = x @ TRUE_SLOPES + worker_effect[worker] + firm_effect[firm_of_row] + rng.normal(size=n)
    frame = pd.DataFrame(x, columns=REGRESSORS)
    frame.insert(0, "firm", firm_of_row)
    frame.insert(0, "worker", worker)
    frame["y"] = y
    return frame


def timed(command: list[str]) -> tuple[float, float, Any]:
    """Run ``command``; return its wall time, peak resident memory (MB) and the JSON it printed (or its error)."""
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode:
            lines = stderr.read().strip().splitlines()
            return seconds, usage.ru_maxrss / 1024, lines[-1] if lines else f"exit status {process.returncode}"
        return seconds, usage.ru_maxrss / 1024, json.loads(stdout.read().strip().splitlines()[-1])


def exact_two_way_slopes(path: Path, first: str, second: str) -> dict[str, float]:
    """The slopes with two sets of fixed effects solved exactly, as the reference of the hard design.

    The effects of ``first`` are eliminated in closed form; the normal equations of
    ``second`` (its Schur complement, dense) are solved directly, with one level
    of ``second`` pinned in each connected component of the two sets of levels;
    the slopes are then least squares on the residuals (Frisch-Waugh-Lovell).
    """
    import scipy.linalg
    import scipy.sparse as sparse
    from scipy.sparse.csgraph import connected_components

    data = pd.read_parquet(path)
    rows = np.arange(len(data))
    a, b = pd.factorize(data[first])[0], pd.factorize(data[second])[0]
    ones = np.ones(len(data))
    first_d = sparse.csr_matrix((ones, (rows, a)))
    second_d = sparse.csr_matrix((ones, (rows, b)))
    values = data[["y", *REGRESSORS]].to_numpy()
    counts_a, counts_b = np.bincount(a), np.bincount(b)
    cross = (first_d.T @ second_d).tocsr()
    schur = np.diag(counts_b.astype(float)) - (cross.T @ sparse.diags(1 / counts_a) @ cross).toarray()
    sums_a = first_d.T @ values
    right = second_d.T @ values - cross.T @ (sums_a / counts_a[:, None])
    _, component = connected_components(sparse.bmat([[None, cross], [cross.T, None]]), directed=False)
    pinned = pd.Series(np.arange(len(counts_b))).groupby(component[len(counts_a):]).transform("first").to_numpy()
    free = np.flatnonzero(pinned != np.arange(len(counts_b)))
    effects_b = np.zeros_like(right)
    effects_b[free] = scipy.linalg.solve(schur[np.ix_(free, free)], right[free], assume_a="pos")
    effects_a = (sums_a - cross @ effects_b) / counts_a[:, None]
    residuals = values - first_d @ effects_a - second_d @ effects_b
    slopes = np.linalg.lstsq(residuals[:, 1:], residuals[:, 0], rcond=None)[0]
    return dict(zip(REGRESSORS, slopes.tolist()))


def bench(path: Path, fixed_effects: str, cluster: str, *, linearmodels: bool,
          reference: Callable[[], dict[str, float]] | None = None) -> None:
    """Time the estimators on ``path``; check that their coefficients agree.

    Without ``reference`` every peer is compared with chokepoint (and the run
    stops above 1e-6); with it (what computes the exact slopes) every side is
    compared with them, and the run stops only if chokepoint is off by more
    than 1e-8.  The slopes are computed after the timed runs: a child process
    reports, as its peak memory, at least this process's at the time it started.
    """
    chokepoint = [sys.executable, "-m", "scripts.cli", "fit", str(path), "--y", "y", "--x", ",".join(REGRESSORS),
                  "--fe", fixed_effects, "--cluster", cluster, "--format", "json"]
    runs = {"chokepoint fit": timed(chokepoint),
            "pyfixest": timed([sys.executable, "-c", PYFIXEST, str(path), fixed_effects, cluster])}
    if linearmodels:
        runs["linearmodels PanelOLS"] = timed([sys.executable, "-c", LINEARMODELS, str(path)])
    ours = runs["chokepoint fit"][2]
    if isinstance(ours, str):
        raise SystemExit(f"chokepoint fit failed: {ours}")
    truth = ours["params"] if reference is None else reference()
    against = "chokepoint" if reference is None else "the exact solution"
    failed = {name for name, (_, _, out) in runs.items() if isinstance(out, str)}
    for name, (seconds, peak, out) in runs.items():
        if name in failed:
            print(f"  {name:<24}{seconds:8.2f} s {peak:8.0f} MB peak   FAILED: {out}")
            continue
        gap = max(abs(out["params"][x] - truth[x]) / abs(truth[x]) for x in REGRESSORS)
        if gap > (1e-6 if reference is None else 1e-8 if name == "chokepoint fit" else np.inf):
            raise SystemExit(f"{name}: coefficients differ from {against} by {gap:.2e} (relative)")
        print(f"  {name:<24}{seconds:8.2f} s {peak:8.0f} MB peak   max rel. coef. difference to {against} {gap:.1e}")
    if "pyfixest" not in failed:
        se_gap = max(abs(runs["pyfixest"][2]["std_errors"][x] / ours["std_errors"][x] - 1) for x in REGRESSORS)
        print(f"  CRV1 standard errors vs pyfixest: max rel. difference {se_gap:.1e}")
    if "absorb_iterations" in ours:
        print(f"  absorption: {ours['absorb_iterations']} iterations, converged: {ours['absorb_converged']}")
    base_seconds, base_peak = runs["chokepoint fit"][:2]
    for name in [name for name in list(runs)[1:] if name not in failed]:
        print(f"  ratio chokepoint fit / {name}: time {base_seconds / runs[name][0]:.2f}, "
              f"peak memory {base_peak / runs[name][1]:.2f}")


def main() -> None:
    cast(Any, sys.stdout).reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="~4M firm-years and 1M worker-years")
    parser.add_argument("--without-linearmodels", action="store_true", help="time chokepoint and pyfixest only")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    firms, years = (500_000, 9) if args.large else (5_000, 17)
    path = OUT / f"panel_{firms}x{years}.parquet"
    if not path.exists():
        make_panel(firms, years).to_parquet(path)
    rows = len(pd.read_parquet(path, columns=["firm"]))
    print(f"{rows:,} firm-years, {firms:,} firms, firm and year FE, 5 regressors, firm clusters")
    bench(path, "firm,year", "firm", linearmodels=not args.without_linearmodels)
    print(f"same with a third fixed effect, industry x year ({N_INDUSTRIES * years} levels)")
    bench(path, "firm,year,ind_year", "firm", linearmodels=False)
    workers = 100_000 if args.large else 10_000
    path = OUT / f"mobility_{workers}x10.parquet"
    if not path.exists():
        make_mobility_panel(workers, 10, workers // 10, 0.01).to_parquet(path)
    print(f"hard design: {workers * 10:,} worker-years, {workers // 10:,} firms, 1 % of workers move each year")
    bench(path, "worker,firm", "worker", linearmodels=False, reference=partial(exact_two_way_slopes, path, "worker", "firm"))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
