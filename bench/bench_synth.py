"""Time placebo inference of the synthetic estimators on a 300-donor, 15-year firm panel.

Placebo-in-space gives each of the 300 donors the treatment in turn and refits the
weights on the other 299; the placebo standard error of synthetic DiD does the same
with the original penalties.  The peer is diff-diff's ``SyntheticDiD`` with
``variance_method="placebo"`` and 300 replications (the same number of SDID refits),
timed in the same run on the same panel; the script checks that both give the same
SDID point estimate and prints the times and their ratio.  Numba compilation is done
(and timed) before the timed runs.

Usage::

    python bench/bench_synth.py              # 300 donors, 15 years (2010-2024), start 2019
    python bench/bench_synth.py --donors 600
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd

from models.synthetic import fit_synthetic, synthetic_design
from models.synthetic.inference import placebo_in_space, placebo_se


def firm_panel(donors: int, years: int, seed: int = 0) -> pd.DataFrame:
    """Invention-application-like paths: firm levels, common and firm-specific trends, noise, one treated firm."""
    rng = np.random.default_rng(seed)
    units = donors + 1
    level = rng.normal(3.0, 1.0, units)
    slope = rng.normal(0.05, 0.05, units)
    common = np.cumsum(rng.normal(0.03, 0.05, years))
    t = np.arange(years)
    y = level[:, None] + slope[:, None] * t + common[None] + rng.normal(0, 0.15, (units, years))
    y[0, t >= 9] += 0.4
    return pd.DataFrame({"firm": np.repeat([f"F{i:04d}" for i in range(units)], years),
                         "year": np.tile(2010 + t, units), "y": y.ravel()})


def timed(label: str, call):
    """Run ``call``; print wall-clock and CPU seconds (CPU time shows the cost when the machine is shared)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = call()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<66} {seconds:8.2f} s wall {cpu_seconds:8.2f} s CPU")
    return value, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=300)
    parser.add_argument("--years", type=int, default=15)
    args = parser.parse_args()
    data = firm_panel(args.donors, args.years)
    design = synthetic_design(data, unit="firm", time="year", outcome="y", treated=["F0000"], start=2019)
    print(f"panel: {args.donors} donors x {args.years} years; cores: {os.cpu_count()}; load: {os.getloadavg()[0]:.1f}")
    small = synthetic_design(firm_panel(5, args.years), unit="firm", time="year", outcome="y", treated=["F0000"],
                             start=2019)
    timed("compile (first fit, once per installation)", lambda: fit_synthetic(small, "sc"))
    results, placebo_seconds = {}, {}
    for method in ("sc", "sdid"):
        result, _ = timed(f"{method}: fit", lambda m=method: fit_synthetic(design, m))
        results[method] = result
        placebo, placebo_seconds[method] = timed(f"{method}: placebo in space ({args.donors} refits)",
                                                 lambda r=result: placebo_in_space(design, r))
        print(f"    rank p-value {placebo.p_value:.4f}, treated post/pre RMSPE ratio {placebo.treated_ratio:.2f}")
    ours_se, ours = timed("sdid: placebo standard error (ours, every donor once)",
                          lambda: placebo_se(design, results["sdid"]))
    from diff_diff import SyntheticDiD

    data["treated"] = (data.firm == "F0000").astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, peer = timed(f"sdid: diff-diff SyntheticDiD, placebo SE ({args.donors} replications)",
                             lambda: SyntheticDiD(variance_method="placebo", n_bootstrap=args.donors, seed=1).fit(
                                 data, "y", "treated", "firm", "year", post_periods=list(range(2019, 2010 + args.years))))
    print(f"sdid estimate: ours {results['sdid'].estimate:.8f}, diff-diff {theirs.att:.8f}; "
          f"placebo SE ours {ours_se:.4f}, diff-diff {theirs.se:.4f}")
    print(f"ratio diff-diff / ours (placebo SE): {peer / ours:.1f}")
    slowest = max(placebo_seconds.values())
    print(f"placebo in space, slowest method: {slowest:.2f} s wall (target 10 s on 2 cores: "
          f"{'met' if slowest <= 10 else 'missed'}); load at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
