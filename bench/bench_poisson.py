"""Time Poisson fits (PPML, firm and year effects) against pyfixest's ``fepois`` on the same panels.

Both estimate in the same process on the same data, in alternation, after a
warm-up run (pyfixest compiles its kernels on first use): firm and year fixed
effects, five regressors, standard errors clustered by firm. The script checks
that coefficients and standard errors agree and prints the best of ``--repeat``
times and their ratio.

Usage (pyfixest comes with the ``bench`` extra: ``pip install -e .[bench]``)::

    python bench/bench_poisson.py                 # ~75k firm-years (8,300 firms, 10 years)
    python bench/bench_poisson.py --large         # also ~4M firm-years (400k firms)
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

REGRESSORS = ["x1", "x2", "x3", "x4", "x5"]
TRUE_SLOPES = np.array([0.3, -0.2, 0.1, 0.0, 0.5])


def make_panel(n_firms: int, n_years: int, seed: int = 0) -> pd.DataFrame:
    """An unbalanced firm-year panel of Poisson counts (about 10 % of firm-years missing, many zeros)."""
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(n_firms, dtype=np.int64), n_years)
    year = np.tile(np.arange(2000, 2000 + n_years, dtype=np.int64), n_firms)
    keep = rng.random(len(firm)) > 0.1
    firm, year = firm[keep], year[keep]
    firm_effect = rng.normal(-0.5, 1.0, size=n_firms)
    x = rng.normal(size=(len(firm), len(REGRESSORS))) + 0.3 * firm_effect[firm, None]
    mean = np.exp(x @ TRUE_SLOPES + firm_effect[firm] + 0.05 * (year - 2000))
    frame = pd.DataFrame(x, columns=REGRESSORS)
    frame.insert(0, "year", year)
    frame.insert(0, "firm", firm)
    frame["y"] = rng.poisson(mean).astype(float)
    return frame


def run_chokepoint(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    from models import Spec, fit

    result = fit(data, Spec("y", tuple(REGRESSORS), fixed_effects=("firm", "year"), cluster=("firm",), family="poisson"))
    return result.params.to_numpy(), result.std_errors.to_numpy()


def run_pyfixest(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.fepois("y ~ x1 + x2 + x3 + x4 + x5 | firm + year", data=data, vcov={"CRV1": "firm"})
    return fit.coef().to_numpy(), fit.se().to_numpy()


def bench(data: pd.DataFrame, repeat: int) -> None:
    """Best-of-``repeat`` times of both estimators on ``data``, their agreement and ratio."""
    times: dict[str, list[float]] = {"chokepoint": [], "pyfixest fepois": []}
    out = {}
    for _ in range(repeat):
        for name, run in (("chokepoint", run_chokepoint), ("pyfixest fepois", run_pyfixest)):
            start = time.perf_counter()
            out[name] = run(data)
            times[name].append(time.perf_counter() - start)
    (b1, s1), (b2, s2) = out["chokepoint"], out["pyfixest fepois"]
    best = {name: min(values) for name, values in times.items()}
    print(f"{len(data):,} rows, {data['firm'].nunique():,} firms: "
          f"max |coef diff| {np.abs(b1 - b2).max():.1e}, max SE rel diff {np.abs(s1 / s2 - 1).max():.1e}")
    for name, seconds in best.items():
        print(f"  {name:<18} {seconds:8.3f} s   ({seconds / best['pyfixest fepois']:.2f}x pyfixest)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also time ~4M firm-years")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each estimator (best is kept)")
    args = parser.parse_args()
    run_pyfixest(make_panel(200, 5, seed=1))  # pyfixest's compilation, outside the timings
    bench(make_panel(8_300, 10), args.repeat)
    if args.large:
        bench(make_panel(440_000, 10), max(1, args.repeat - 1))


if __name__ == "__main__":
    main()
