"""Our ATT(g, t) cells and their influence functions against diff-diff's cells and standard errors, on mpdta."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models.staggered import callaway_santanna, diff_diff_adapter
from models.staggered.cs_cells import CellsUnavailable, group_time_cells
from models.staggered.data import prepare

HERE = Path(__file__).parent / "reference" / "staggered"
KEYS = {"unit": "countyreal", "time": "year", "cohort": "first_treat"}


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(HERE / "mpdta.csv")


@pytest.fixture(scope="module")
def unbalanced(mpdta) -> pd.DataFrame:
    """mpdta with 300 of its 2,500 rows left out at random (units keep 1 to 5 periods)."""
    return mpdta.drop(index=np.random.default_rng(1).choice(len(mpdta), 300, replace=False))


def _diff_diff_cells(panel, control: str, method: str) -> dict:
    fitted = diff_diff_adapter.callaway_santanna(panel, control=control, method=method, bootstrap=0, seed=None)
    return {cell: value for cell, value in fitted.group_time.items() if np.isfinite(value.estimate)}


CONFIGURATIONS = [
    ("balanced", (), "never", "reg"),
    ("balanced", (), "notyet", "reg"),
    *[("balanced", ("lpop",), control, method) for control in ("never", "notyet") for method in ("reg", "ipw", "dr")],
    ("unbalanced", (), "never", "reg"),
    ("unbalanced", (), "notyet", "reg"),
    *[("unbalanced", ("lpop",), control, method) for control in ("never", "notyet") for method in ("ipw", "dr")],
]


@pytest.mark.parametrize(("sample", "covariates", "control", "method"), CONFIGURATIONS)
def test_cells_and_standard_errors_equal_diff_diff(mpdta, unbalanced, sample, covariates, control, method):
    data = mpdta if sample == "balanced" else unbalanced
    panel = prepare(data, "lemp", covariates=covariates, never_treated=control == "never", **KEYS)
    ours = group_time_cells(panel, control, method)
    theirs = _diff_diff_cells(panel, control, method)
    assert sorted(ours.estimates) == sorted(theirs)
    assert len(theirs) == 12
    for cell, value in theirs.items():
        assert ours.estimates[cell] == pytest.approx(value.estimate, abs=1e-10, rel=0), cell
        assert ours.std_error(ours.influence[cell]) == pytest.approx(value.std_error, abs=1e-10, rel=0), cell


def test_influence_functions_sum_to_zero(mpdta):
    """Each cell's influence function is centred (the estimation effects of both first steps included)."""
    panel = prepare(mpdta, "lemp", covariates=["lpop"], **KEYS)
    cells = group_time_cells(panel, "notyet", "dr")
    assert max(abs(psi.sum()) for psi in cells.influence.values()) < 1e-12


def test_unbalanced_standard_errors_cluster_observations_by_unit():
    """Two rows of one unit count as one cluster: G/(G-1) times the squared deviations of the unit sums."""
    from models.staggered.cs_cells import Cells

    cells = Cells({}, {}, np.zeros(3, dtype=int), np.array([0, 0, 1]), n_units=2, pooled=True)
    psi = np.array([0.1, 0.2, -0.5])
    assert cells.std_error(psi) == pytest.approx(np.sqrt(2 * ((0.3 + 0.1) ** 2 + (-0.5 + 0.1) ** 2)), abs=1e-15)


def test_unbalanced_outcome_regression_with_covariates_is_not_covered(unbalanced):
    panel = prepare(unbalanced, "lemp", covariates=["lpop"], **KEYS)
    with pytest.raises(CellsUnavailable, match="outcome regression with covariates on unbalanced panels"):
        group_time_cells(panel, "never", "reg")


def test_calendar_effects_are_left_out_with_a_note_where_cells_are_unavailable(mpdta):
    """A covariate that is a multiple of another leaves the regressions collinear: no calendar effects, a note."""
    data = mpdta.assign(twice=2 * mpdta["lpop"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = callaway_santanna(data, "lemp", covariates=["lpop", "twice"], method="dr", **KEYS)
    assert result.by_calendar == {} and result.averages == {}
    assert "calendar-period effects and overall averages not computed (covariates are collinear" in result.note
    assert len(result.group_time) == 12


@pytest.mark.parametrize(("covariates", "method"), [((), "reg"), (("lpop",), "dr")])
def test_unbalanced_calendar_effect_of_the_first_treated_period_is_its_cell(unbalanced, covariates, method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = callaway_santanna(unbalanced, "lemp", covariates=covariates, method=method, **KEYS)
    first = result.group_time[(2004, 2004)]
    assert result.by_calendar[2004].estimate == pytest.approx(first.estimate, abs=1e-12)
    assert result.by_calendar[2004].std_error == pytest.approx(first.std_error, abs=1e-12)


def test_outcome_regression_with_covariates_on_an_unbalanced_panel_is_refused(unbalanced):
    """diff-diff 3.13 divides the control regressions' estimation effect by n once too often on this path."""
    with pytest.raises(InputError, match=r"outcome regression \('reg'\) with covariates is not available on an "
                                         r"unbalanced panel"):
        callaway_santanna(unbalanced, "lemp", covariates=["lpop"], method="reg", **KEYS)


def test_an_unbalanced_panel_is_run_with_a_warning_that_counts_the_complete_units(mpdta, unbalanced):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        callaway_santanna(mpdta, "lemp", **KEYS)
    complete = int((unbalanced.groupby("countyreal")["year"].nunique() == 5).sum())
    with pytest.warns(UserWarning) as caught:
        callaway_santanna(unbalanced, "lemp", **KEYS)
    assert [str(w.message) for w in caught] == [
        f"Callaway-Sant'Anna runs on an unbalanced panel ({complete} of 500 units observed in all 5 periods): each "
        "ATT(g,t) compares the units observed at t with those observed in the base period (R did's "
        "allow_unbalanced_panel), so a change in which units are observed enters the effects; compare it with the "
        "imputation and Sun-Abraham estimates, which follow each unit"
    ]
