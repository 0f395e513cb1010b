"""Degrees of freedom of absorbed fixed effects: the rule, against the rank of the dummies and against pyfixest.

With firm, year and industry×year effects and SEs clustered by firm, the firm
effect is nested in the cluster and not counted. Of the two left, every year
dummy is a sum of industry×year dummies: their rank is the number of
industry×year cells (I·T), which :func:`models.fixed_effects.fe_dof` counts
exactly (levels of both less their connected components, one per year).
fixest and pyfixest count levels less one restriction per further fixed
effect (T + I·T − 1) unless ``fixef.force_exact``, so their K is larger by
T − 1 and their SEs larger by the factor sqrt((n − k − I·T) / (n − k − T − I·T + 1)).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models import Spec, fit
from models.fixed_effects import fe_dof

REFERENCE = Path(__file__).parent / "reference" / "three_fe" / "pyfixest.json"
FIRMS, YEARS, INDUSTRIES = 60, 6, 3


def three_fe_panel() -> pd.DataFrame:
    """A balanced panel of 60 firms in 3 industries over 6 years with y on x (seeded)."""
    rng = np.random.default_rng(12)
    firm = np.repeat(np.arange(FIRMS), YEARS)
    year = np.tile(np.arange(YEARS), FIRMS)
    industry = firm % INDUSTRIES
    x = rng.normal(size=len(firm))
    y = 0.5 * x + rng.normal(size=FIRMS)[firm] + 0.3 * industry * year + rng.normal(size=len(firm))
    return pd.DataFrame({"firm": firm, "year": year, "industry_year": industry * YEARS + year, "x": x, "y": y})


def _dummies(*codes: np.ndarray) -> np.ndarray:
    return np.column_stack([np.eye(int(c.max()) + 1)[c] for c in codes])


def test_two_non_nested_effects_count_the_rank_of_their_dummies():
    frame = three_fe_panel()
    firm, year, cell = (frame[c].to_numpy() for c in ("firm", "year", "industry_year"))
    assert fe_dof((firm, year, cell), nested_in=(firm,)) == INDUSTRIES * YEARS
    assert np.linalg.matrix_rank(_dummies(year, cell)) == INDUSTRIES * YEARS


def test_a_third_counted_effect_counts_its_levels_less_one():
    frame = three_fe_panel()
    firm, year, cell = (frame[c].to_numpy() for c in ("firm", "year", "industry_year"))
    assert fe_dof((firm, year, cell)) == FIRMS + YEARS - 1 + INDUSTRIES * YEARS - 1
    # the exact rank is lower: the year dummies are sums of industry x year dummies
    assert np.linalg.matrix_rank(_dummies(firm, year, cell)) == FIRMS + INDUSTRIES * YEARS - INDUSTRIES


def test_clustered_se_differs_from_pyfixest_by_its_count_of_redundant_year_effects():
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    result = fit(three_fe_panel(), Spec("y", ("x",), fixed_effects=("firm", "year", "industry_year"),
                                        cluster=("firm",)))
    n, k = result.nobs, 1
    assert result.df_model == k + INDUSTRIES * YEARS
    sizes = reference["fixef_sizes"]  # fixest: levels of the effects not nested in the cluster, less one per further one
    fixest_k = k + sizes["year"] + sizes["industry_year"] - 1
    assert result.params["x"] == pytest.approx(reference["estimate"], rel=1e-10)
    factor = np.sqrt((n - result.df_model) / (n - fixest_k))
    assert result.std_errors["x"] * factor == pytest.approx(reference["std_error"], rel=1e-10)
    assert result.std_errors["x"] != pytest.approx(reference["std_error"], rel=1e-4)
