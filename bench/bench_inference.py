"""Time the demo's main difference-in-differences, its wild bootstrap and its randomization test.

The model is ``invention_did`` of the patenting-response study on the default
demo (4,000 simulated firms, seed 0; its columns are kept in ``bench/out``
for later runs): ``ln_invention_apply`` on
``treated_post`` with firm and year fixed effects, clustered by firm. The
restricted wild cluster bootstrap (9,999 Webb draws, clustered by industry) and
the randomization test (999 placebo assignments of the first treatment years
across firms within industry) are the study's own entries. Times are for the
estimation only (the demo is simulated and built first, untimed); each is the
best of ``--repeat`` runs (wall and CPU), printed beside a plain ``fit`` of the same model.

Usage::

    python bench/bench_inference.py [--firms 4000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

OUT = Path(__file__).parent / "out"


T = TypeVar("T")

def best_of(repeat: int, work: Callable[[], T]) -> tuple[str, T]:
    """The shortest wall and CPU times of ``repeat`` calls of ``work`` (as text) and its last value.

    The CPU time (this process, all threads) is the figure to read on a shared
    machine, where the wall time also counts waiting for a core.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        value = work()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return f"{min(walls):7.3f} s wall {min(cpus):7.3f} s CPU", value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from dataclasses import replace

    from models import Spec, fit
    from models.inference import randomization_inference, wild_cluster_bootstrap
    from panel.assemble.builder import build_panel
    from panel.demo import simulate
    from panel.sources import load_folder

    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    cached = OUT / f"demo_did_{args.firms}.parquet"
    if not cached.exists():
        with tempfile.TemporaryDirectory() as folder:
            panel = build_panel(load_folder(simulate(Path(folder) / "demo", seed=0, n_firms=args.firms)))
        columns = ["firm_id", "year", "industry", "first_treat_year", "treated_post", "ln_invention_apply"]
        OUT.mkdir(parents=True, exist_ok=True)
        panel.data.reset_index()[columns].to_parquet(cached)
    frame = pd.read_parquet(cached)
    spec = Spec("ln_invention_apply", ("treated_post",), fixed_effects=("firm_id", "year"), cluster=("firm_id",))
    print(f"demo: {args.firms:,} firms, {len(frame):,} firm-years; invention_did (firm and year FE)")

    timing, result = best_of(args.repeat, lambda: fit(frame, spec))
    print(f"  fit                                  {timing}   coef {result.params['treated_post']:.6f}")
    by_industry = replace(spec, cluster=("industry",))
    timing, boot = best_of(args.repeat, lambda: wild_cluster_bootstrap(
        frame, by_industry, "treated_post", draws=9999, weights="webb", seed=0))
    print(f"  wild cluster bootstrap, 9,999 draws  {timing}   p = {boot.pvalue:.4f}")
    timing, placebo = best_of(args.repeat, lambda: randomization_inference(
        frame, spec, "treated_post", unit="firm_id", time="year", cohort="first_treat_year", placebo="firms",
        strata="industry", draws=999, seed=0))
    print(f"  randomization inference, 999 draws   {timing}   p = {placebo.pvalue:.4f}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
