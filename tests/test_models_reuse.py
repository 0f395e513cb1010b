"""Reuse inside reuse_demeaning: shared samples give the answers of fits on their own, and never stale ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import Spec, fit, reuse_demeaning
from models.design import build_design, codes
from models.reuse import memory


def panel(seed: int = 3, firm_ids: str = "int") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firm = rng.integers(0, 30, 400)
    frame = pd.DataFrame({"firm": firm, "year": rng.integers(2010, 2018, 400), "x": rng.normal(size=400),
                          "z": rng.normal(size=400)})
    frame["y"] = frame["x"] - 0.5 * frame["z"] + rng.normal(size=30)[firm] + rng.normal(size=400)
    frame.loc[rng.random(400) < 0.05, "z"] = np.nan
    if firm_ids == "str":
        frame["firm"] = frame["firm"].map("{:06d}".format).astype("str")
    elif firm_ids == "category":
        frame["firm"] = pd.Categorical(frame["firm"].map("f{}".format), categories=[f"f{i}" for i in range(29, -1, -1)])
    elif firm_ids == "object":
        frame["firm"] = frame["firm"].astype(object)
    return frame


SPECS = [Spec("y", ("x",), fixed_effects=("firm", "year"), cluster=("firm",)),
         Spec("y", ("x", "z"), fixed_effects=("firm", "year"), cluster=("firm",)),
         Spec("y", ("z",), fixed_effects=("firm", "year"), cluster=("firm", "year")),
         Spec("y", ("x",), fixed_effects=("firm",), vcov="hc1")]


@pytest.mark.parametrize("firm_ids", ["int", "str", "category", "object"])
def test_fits_inside_a_block_equal_fits_on_their_own(firm_ids):
    data = panel(firm_ids=firm_ids)
    alone = [fit(data, spec) for spec in SPECS]
    with reuse_demeaning():
        shared = [fit(data, spec) for spec in SPECS + SPECS]
    for one, other in zip(alone + alone, shared):
        np.testing.assert_allclose(other.coef, one.coef, rtol=1e-13)
        np.testing.assert_allclose(other.cov_matrix, one.cov_matrix, rtol=1e-12)
        assert (other.nobs, other.df_fe, other.df_model, other.n_singletons) == (
            one.nobs, one.df_fe, one.df_model, one.n_singletons)


@pytest.mark.parametrize(("column", "value"), [("firm", 29), ("year", 2011), ("x", 0.0), ("y", 1.0), ("z", np.nan)])
def test_a_column_changed_in_place_is_not_taken_from_the_block(column, value):
    data = panel()
    spec = SPECS[1]
    with reuse_demeaning():
        fit(data, spec)
        data.loc[data.index[:40], column] = value  # in place: the same frame and column object
        inside = fit(data, spec)
    outside = fit(data, spec)
    np.testing.assert_allclose(inside.coef, outside.coef, rtol=1e-13)
    np.testing.assert_allclose(inside.cov_matrix, outside.cov_matrix, rtol=1e-12)
    assert (inside.nobs, inside.df_fe) == (outside.nobs, outside.df_fe)


def test_one_sample_is_kept_for_specifications_with_the_same_rows():
    data = panel()
    with reuse_demeaning():
        for outcome in ("y", "x"):
            build_design(data, Spec(outcome, ("z",), fixed_effects=("firm", "year"), cluster=("firm",)))
        build_design(data, Spec("y", ("x",), fixed_effects=("firm", "year"), cluster=("firm",)))  # z's rows back
        samples = [key for key in memory() if key[0] == "sample"]
    assert len(samples) == 2


def test_a_column_of_python_objects_is_never_shared():
    """1 and "1" hash alike in pandas: such a sample is built afresh each time."""
    data = panel(firm_ids="object")
    with reuse_demeaning():
        design = build_design(data, SPECS[0])
        assert design.sample_key is None and not [key for key in memory() if key[0] == "sample"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["int8", "uint8", "int16", "int32", "int64", "uint64"]), st.integers(0, 2**31),
       st.integers(1, 300), st.integers(0, 10**6))
def test_codes_of_whole_numbers_are_pandas_sorted_codes(dtype, seed, size, spread):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    low = int(rng.integers(info.min, info.max, endpoint=True, dtype=dtype))
    high = min(info.max, low + spread)
    values = rng.integers(low, high, size, endpoint=True, dtype=dtype)
    assert codes(values).tolist() == pd.factorize(values, sort=True)[0].tolist()
