"""Fixed-effects fits checked against hand computations and linearmodels."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from linearmodels import PanelOLS

from data_schemas.errors import InputError
from models import Result, Spec, fit
from models.collinearity import CollinearityWarning
from models.design import singleton_mask
from models.fixed_effects import fe_dof

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def wages() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "wage_panel.csv")


def test_ols_without_fixed_effects_matches_hand_computation():
    data = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0], "x": [0.0, 1.0, 2.0, 3.0]})
    result = fit(data, Spec("y", "x"))
    # slope = sum (x - 1.5)(y - 2.75) / sum (x - 1.5)^2 = 5.5 / 5; residuals of y = 1.1 + 1.1 x
    assert result.params["x"] == pytest.approx(1.1)
    ssr = 0.1**2 + 0.8**2 + 1.3**2 + 0.6**2
    assert result.std_errors["x"] == pytest.approx(np.sqrt(ssr / (4 - 2) / 5.0))
    assert result.rsquared == pytest.approx(1 - ssr / 8.75)
    assert result.depvar_mean == pytest.approx(2.75)
    assert (result.df_model, result.df_resid) == (2, 2)


def test_hc1_by_hand():
    data = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0], "x": [0.0, 1.0, 2.0, 3.0]})
    result = fit(data, Spec("y", "x", vcov="hc1"))
    xc = np.array([-1.5, -0.5, 0.5, 1.5])
    e = np.array([-0.1, 0.8, -1.3, 0.6])
    expected = 4 / 2 * (xc**2 * e**2).sum() / 5.0**2
    assert result.std_errors["x"] == pytest.approx(np.sqrt(expected))


def test_iid_matches_panelols(wages):
    result = fit(wages, Spec("lwage", ("expersq", "union", "married"), fixed_effects=("nr", "year")))
    panel = wages.set_index(["nr", "year"])
    lm = PanelOLS(panel.lwage, panel[["expersq", "union", "married"]], entity_effects=True, time_effects=True).fit()
    np.testing.assert_allclose(result.params, lm.params, rtol=1e-9)
    np.testing.assert_allclose(result.std_errors, lm.std_errors, rtol=1e-9)
    assert result.rsquared_within == pytest.approx(lm.rsquared, rel=1e-9)  # R² of the demeaned model


def test_missing_rows_and_singletons_are_dropped_and_counted():
    data = pd.DataFrame(
        {
            "firm": [1, 1, 1, 2, 2, 2, 3, 4, 4, 5],
            "year": [1, 2, 3, 1, 2, 3, 3, 1, 2, 1],
            "x": [0.5, 1.0, 2.0, 0.1, 0.7, 0.2, 1.0, 3.0, np.nan, 0.3],
            "y": [1.0, 2.5, 3.0, 0.4, 1.0, 0.9, 0.2, 2.0, 1.0, 0.0],
        }
    )
    result = fit(data, Spec("y", "x", fixed_effects=("firm", "year")))
    # firm 4 loses a row to the missing x and becomes a singleton, as are firms 3 and 5
    assert (result.n_missing, result.n_singletons, result.nobs) == (1, 3, 6)


def test_singletons_are_dropped_until_none_is_left():
    firm = np.array([0, 0, 1, 1, 2, 2, 3])
    year = np.array([0, 1, 0, 1, 1, 2, 2])
    # firm 3 is a singleton; without it year 2 has one row (firm 2), then firm 2 has one row
    assert singleton_mask([firm, year]).tolist() == [True] * 4 + [False] * 3


def test_collinear_regressors_are_dropped_by_name_with_a_warning(wages):
    data = wages.assign(twice_union=2 * wages["union"])
    with pytest.warns(CollinearityWarning, match=r"Dropped collinear regressors: exper, twice_union"):
        result = fit(data, Spec("lwage", ("union", "exper", "twice_union", "married"), fixed_effects=("nr", "year")))
    assert result.names == ("union", "married")
    assert result.dropped_collinear == ("exper", "twice_union")


def test_fixed_effect_degrees_of_freedom():
    firm = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    year = np.array([0, 1, 0, 1, 2, 3, 2, 3])  # two disconnected blocks
    assert fe_dof((firm, year)) == 4 + 4 - 2
    assert fe_dof((firm, year), nested_in=(firm,)) == 1 + 3  # intercept + year dummies
    assert fe_dof((firm,), nested_in=(firm,)) == 1


def test_weights_equal_duplicated_rows_for_params():
    data = pd.DataFrame({"g": [1, 1, 2, 2, 2], "x": [0.0, 1.0, 3.0, 1.0, 2.0], "y": [1.0, 2.0, 2.0, 0.5, 4.0],
                         "w": [1, 2, 1, 3, 1]})
    weighted = fit(data, Spec("y", "x", fixed_effects=("g",), weights="w"))
    repeated = fit(data.loc[data.index.repeat(data["w"])], Spec("y", "x", fixed_effects=("g",)))
    assert weighted.params["x"] == pytest.approx(repeated.params["x"], rel=1e-10)


def test_conf_int_and_pvalues_use_t_with_clusters_minus_one(wages):
    result = fit(wages, Spec("lwage", ("union",), fixed_effects=("nr",), cluster=("nr",)))
    assert result.df_inference == 544
    from scipy import stats

    half = stats.t.ppf(0.95, 544) * result.std_errors["union"]
    ci = result.conf_int(0.9)
    assert ci.loc["union", "upper"] - result.params["union"] == pytest.approx(half)
    assert result.pvalues["union"] == pytest.approx(2 * stats.t.sf(abs(result.tstats["union"]), 544))


def test_result_is_immutable_and_round_trips_through_json(wages):
    result = fit(wages, Spec("lwage", ("union", "married"), fixed_effects=("nr", "year"), cluster=("nr", "year")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.nobs = 1  # type: ignore[misc]
    with pytest.raises(ValueError):
        result.coef[0] = 0.0
    back = Result.from_dict(json.loads(json.dumps(result.to_dict())))
    pd.testing.assert_series_equal(back.std_errors, result.std_errors)
    assert back.n_clusters == {"nr": 545, "year": 8}
    assert back.spec == result.spec
    assert back.vcov_note == result.vcov_note


def test_driscoll_kraay_uses_floor_of_fourth_root_of_periods(wages):
    result = fit(wages, Spec("lwage", ("union",), fixed_effects=("nr",), vcov="driscoll-kraay", time="year"))
    assert result.lags == 1  # floor(8 ** 0.25)
    assert fit(wages, Spec("lwage", ("union",), vcov="driscoll-kraay", time="year", lags=3)).lags == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vcov": "cluter", "cluster": ("firm",)},
         "unknown vcov 'cluter'; did you mean 'cluster'? (choices: iid, hc1, cluster, driscoll-kraay)"),
        ({"vcov": "cluster"},
         "vcov 'cluster' needs one or two distinct cluster columns; give them with cluster=('firm',) or --cluster firm[,year]"),
        ({"vcov": "driscoll-kraay"},
         "vcov 'driscoll-kraay' needs the time column; give it with time='year' or --time year"),
        ({"vcov": "hc1", "cluster": ("firm",)},
         "cluster columns given but vcov is 'hc1'; use vcov='cluster' or drop the cluster columns"),
    ],
)
def test_spec_rejects_bad_settings_with_a_helpful_message(kwargs, message):
    with pytest.raises(InputError) as info:
        Spec("y", ("x",), **kwargs)
    assert info.value.message == message


def test_unknown_column_and_single_cluster_are_reported(wages):
    with pytest.raises(InputError, match=r"^column 'unoin': no such column; did you mean 'union'\?$"):
        fit(wages, Spec("lwage", ("unoin",)))
    with pytest.raises(InputError, match="cluster column has a single value"):
        fit(wages.assign(one=1), Spec("lwage", ("union",), cluster=("one",)))


def test_no_warning_when_nothing_is_collinear(wages):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(wages, Spec("lwage", ("union",), fixed_effects=("nr",)))


def test_text_in_a_numeric_column_names_the_rows():
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "x": ["1", "n/a", "2", "x"]})
    with pytest.raises(InputError) as info:
        fit(data, Spec("y", "x"), file="data.csv")
    assert info.value.message == (
        "data.csv: column 'x': expected numbers, got 'n/a' (rows 3, 5); convert the column to numbers"
    )


def test_weights_must_be_positive():
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [1.0, 0.0, 2.0], "w": [1.0, 0.0, 2.0]})
    with pytest.raises(InputError, match=r"column 'w': weights must be positive and finite \(row 1\)"):
        fit(data, Spec("y", "x", weights="w"))


def test_two_way_covariance_is_never_negative():
    """Scores that cancel within every row and column cluster make the CGM meat negative."""
    import numpy as np

    from models.covariance import clustered

    x = np.ones((4, 1))
    resid = np.array([1.0, -1.0, -1.0, 1.0])
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    one_way = clustered(x, resid, np.array([[0.25]]), 3, (np.arange(4),))
    two_way = clustered(x, resid, np.array([[0.25]]), 3, (rows, cols))
    assert one_way[0, 0] > 0
    assert two_way[0, 0] == 0.0, "the raw CGM variance here is negative; its negative part is removed"


@pytest.mark.parametrize("value", [1.0, 7.0, 0.0])
def test_constant_and_zero_regressors_are_dropped_with_fixed_effects(wages, value):
    """A constant (or all-zero) column is absorbed by the fixed effects: dropped, R² unchanged."""
    plain = fit(wages, Spec("lwage", ("union", "married"), fixed_effects=("nr", "year")))
    with pytest.warns(CollinearityWarning, match=r"Dropped collinear regressors: const$"):
        result = fit(wages.assign(const=value), Spec("lwage", ("union", "const", "married"), fixed_effects=("nr", "year")))
    assert result.names == ("union", "married")
    assert result.dropped_collinear == ("const",)
    assert result.rsquared_within == pytest.approx(plain.rsquared_within, rel=1e-12)
    np.testing.assert_allclose(result.coef, plain.coef, rtol=1e-12)


@pytest.mark.parametrize("column, value", [("y", np.inf), ("x", -np.inf), ("x", float("1e400"))])
def test_infinite_values_name_the_column_and_rows(column, value):
    data = pd.DataFrame({"g": [1, 1, 2, 2, 3], "x": [0.0, 1.0, 3.0, 1.0, 2.0], "y": [1.0, 2.0, 2.0, 0.5, 4.0]})
    data.loc[[1, 3], column] = value
    with pytest.raises(InputError) as info:
        fit(data, Spec("y", "x", fixed_effects=("g",)), file="data.csv")
    sign = "+" if value > 0 else "-"
    assert info.value.message == (
        f"data.csv: column '{column}': infinite value {sign}inf (rows 3, 5); "
        "replace infinite values by numbers or leave them missing"
    )


def test_iterations_and_convergence_are_reported(wages):
    result = fit(wages, Spec("lwage", ("union", "married"), fixed_effects=("nr", "year")))
    assert (result.absorb_iterations, result.absorb_converged) == (0, True)  # ten years: solved directly
    again = Result.from_dict(json.loads(json.dumps(result.to_dict())))
    assert (again.absorb_iterations, again.absorb_converged) == (0, True)


def test_warns_when_the_absorption_does_not_converge(wages, monkeypatch):
    from models import absorb
    from models.fixed_effects import ConvergenceWarning

    prepare = absorb.Absorber.__init__
    monkeypatch.setattr(absorb.Absorber, "__init__",
                        lambda self, codes, weights=None: prepare(self, codes, weights, tol=1e-15, max_iter=1, method="cg"))
    unbalanced = wages.sample(frac=0.8, random_state=0)  # balanced years are solved in one step
    with pytest.warns(ConvergenceWarning, match=r"not absorbed to the tolerance within 1 iterations"):
        result = fit(unbalanced, Spec("lwage", ("union", "married"), fixed_effects=("nr", "year")))
    assert (result.absorb_iterations, result.absorb_converged) == (1, False)
