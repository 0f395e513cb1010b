"""The distribution functions without scipy.stats give scipy.stats' values to the last digit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from models import distributions
from panel.demo.patents import poisson_quantile

POINTS = np.array([-np.inf, -40.0, -3.2, -1.0, -1e-9, 0.0, 1e-12, 0.3, 1.96, 2.5, 7.0, 39.0, 1e4, np.inf, np.nan])
PROBABILITIES = np.array([1e-300, 1e-12, 0.001, 0.025, 0.05, 0.5, 0.9, 0.95, 0.975, 0.995, 1 - 1e-12])
DEGREES = [1, 2, 3, 7, 29, 30, 120, 5_000]


def same(ours: object, theirs: object) -> bool:
    return bool(np.array_equal(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), equal_nan=True))


@pytest.mark.parametrize("df", DEGREES)
def test_t_tail_and_quantile(df: int) -> None:
    assert same(distributions.t_sf(POINTS, df), stats.t.sf(POINTS, df))
    assert all(same(distributions.t_quantile(q, df), stats.t.ppf(q, df)) for q in PROBABILITIES)


@pytest.mark.parametrize("df", DEGREES)
def test_f_and_chi2_tails(df: int) -> None:
    for x in POINTS:
        assert same(distributions.chi2_sf(x, df), stats.chi2.sf(x, df)), x
        for dfn in (1, 3, 12):
            assert same(distributions.f_sf(x, dfn, df), stats.f.sf(x, dfn, df)), (x, dfn)


def test_normal_tail_and_quantile() -> None:
    assert same(distributions.normal_sf(POINTS), stats.norm.sf(POINTS))
    assert all(same(distributions.normal_quantile(q), stats.norm.ppf(q)) for q in PROBABILITIES)


def test_poisson_quantile_is_scipys() -> None:
    rng = np.random.default_rng(7)
    q = np.concatenate([[0.0, 1e-300, 0.5, 1 - 1e-16], rng.random(100_000)])
    mean = np.concatenate([[1.0, 1.0, 1e-4, 3.0], np.exp(rng.normal(0.0, 2.5, 100_000))])
    assert same(poisson_quantile(q, mean), stats.poisson.ppf(q, mean))


def test_fitting_does_not_import_scipy_stats() -> None:
    script = ("import sys, numpy as np, pandas as pd\n"
              "from models import Spec, fit\n"
              "data = pd.DataFrame({'y': [1.0, 2.0, 4.0, 3.0, 5.0, 7.0], 'x': [0.0, 1.0, 3.0, 1.0, 2.0, 5.0],\n"
              "                     'g': [0, 0, 0, 1, 1, 1]})\n"
              "result = fit(data, Spec('y', ('x',), fixed_effects=('g',)))\n"
              "result.pvalues, result.conf_int()\n"
              "print('scipy.stats' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
