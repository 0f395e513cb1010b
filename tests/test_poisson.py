"""Poisson models: bad input, separation, percentage effects, JSON, event studies and the CLI."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from data_schemas.errors import InputError
from models import PoissonResult, Result, Spec, event_study, fit
from models.collinearity import CollinearityWarning
from models.poisson_sample import SeparationWarning
from models.poisson_separation import separated_by_regressors, zero_group_mask
from scripts.cli import main

EPIL = Path(__file__).parent / "reference" / "poisson" / "epil.csv"


def _panel(seed: int = 3, firms: int = 60, years: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    firm = np.repeat(np.arange(firms), years)
    year = np.tile(np.arange(2015, 2015 + years), firms)
    x = rng.normal(size=firm.size)
    y = rng.poisson(np.exp(1 + 0.5 * x + rng.normal(size=firms)[firm]))
    return pd.DataFrame({"firm": firm, "year": year, "x": x, "y": y.astype(float)})


def _spec(**kwargs) -> Spec:
    return Spec("y", kwargs.pop("regressors", ["x"]), fixed_effects=kwargs.pop("fixed_effects", ["firm", "year"]),
                family="poisson", **kwargs)


def test_negative_count_is_an_error_naming_rows():
    data = _panel()
    data.loc[[4, 9], "y"] = -1
    with pytest.raises(InputError) as error:
        fit(data, _spec(), file="patents.csv")
    assert str(error.value) == (
        "patents.csv: column 'y': a Poisson outcome cannot be negative (rows 6, 11); "
        "use counts or other non-negative values (non-integers are allowed)"
    )


def test_zero_outcome_everywhere_is_an_error():
    data = _panel().assign(y=0.0)
    with pytest.raises(InputError, match="^column 'y': the outcome is zero everywhere in the estimation sample; "):
        fit(data, _spec())


def test_non_integer_outcome_is_allowed():
    data = _panel()
    scaled = fit(data.assign(y=data["y"] / 3), _spec(vcov="hc1"))
    counts = fit(data, _spec(vcov="hc1"))
    # PPML is scale-equivariant: dividing y by 3 only moves the fixed effects
    assert scaled.params["x"] == pytest.approx(counts.params["x"], abs=1e-9)
    assert scaled.std_errors["x"] == pytest.approx(counts.std_errors["x"], rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"family": "poison"}, "unknown family 'poison'; did you mean 'poisson'? (choices: gaussian, poisson)"),
        ({"exposure": "e"}, "an offset or exposure needs family 'poisson'; set family='poisson'"),
        ({"family": "poisson", "exposure": "e", "offset": "o"},
         "give an offset or an exposure, not both; the offset is log(exposure)"),
        ({"family": "poisson", "vcov": "driscoll-kraay", "time": "year"},
         "vcov 'driscoll-kraay' is not available for family 'poisson'; use iid, hc1 or cluster "
         "(e.g. cluster by firm and year)"),
    ],
)
def test_spec_errors(kwargs, message):
    with pytest.raises(InputError) as error:
        Spec("y", ["x"], **kwargs)
    assert str(error.value) == message


def test_exposure_must_be_positive():
    data = _panel().assign(e=1.0)
    data.loc[7, "e"] = 0.0
    with pytest.raises(InputError, match=r"^column 'e': an exposure must be a positive number \(row 7\)"):
        fit(data, _spec(exposure="e"))


def test_exposure_equals_offset_of_its_log():
    data = _panel().assign(e=np.linspace(0.5, 2, 360))
    by_exposure = fit(data, _spec(exposure="e"))
    by_offset = fit(data.assign(o=np.log(data["e"])), _spec(offset="o"))
    assert by_exposure.params["x"] == pytest.approx(by_offset.params["x"], abs=1e-12)


def test_zero_groups_are_dropped_and_counted():
    data = _panel()
    natural = fit(data, _spec()).n_separated  # firms that never patent by chance
    positive = data.groupby("firm")["y"].transform("sum") > 0
    assert natural == int((~positive).sum())
    zeroed = data["firm"].isin(data.loc[positive, "firm"].unique()[:5])
    data.loc[zeroed, "y"] = 0.0
    result = fit(data, _spec())
    assert result.n_separated == natural + 30
    assert result.nobs == 360 - natural - 30
    kept = fit(data[~zeroed & positive], _spec())
    assert result.params["x"] == pytest.approx(kept.params["x"], abs=1e-10)


def test_zero_group_mask_alternates_with_singletons():
    firm = np.array([0, 0, 1, 1, 2, 3, 3])
    year = np.array([0, 1, 0, 1, 1, 0, 1])
    keep, zeros = zero_group_mask(np.array([0.0, 0, 1, 2, 5, 1, 1]), [firm, year])
    assert keep.tolist() == [False, False, True, True, False, True, True]
    assert zeros.tolist() == [True, True, False, False, False, False, False]


def test_separating_regressor_warns_with_rows_and_keeps_estimates_finite():
    data = _panel()
    zero_rows = data.index[(data["y"] == 0)][:3]
    data["spike"] = 0.0
    data.loc[zero_rows, "spike"] = 1.0
    with pytest.warns(SeparationWarning) as caught, pytest.warns(UserWarning, match="collinear regressors: spike"):
        result = fit(data, _spec(regressors=["x", "spike"]), file="p.csv")
    message = str(next(w.message for w in caught if isinstance(w.message, SeparationWarning)))
    rows = ", ".join(str(r + 2) for r in zero_rows)
    assert message == (f"p.csv: 3 observations with zero 'y' are perfectly predicted by the regressors (rows {rows}); "
                       "they are dropped, as their fitted means would be zero")
    assert result.n_separated_regressors == 3
    assert result.dropped_collinear == ("spike",)
    assert np.isfinite(result.params).all()
    reference = fit(data.drop(index=zero_rows), _spec())
    assert result.params["x"] == pytest.approx(reference.params["x"], abs=1e-9)


def test_rectifier_finds_separation_through_a_combination():
    # x1 - x2 is zero where y > 0 and positive on two zero rows: neither alone separates
    y = np.array([0.0, 0, 0, 2, 1, 3, 1, 0])
    x1 = np.array([2.0, 1, 0, 1, 2, 3, 0, 1])
    x2 = np.array([0.0, 0, 0, 1, 2, 3, 0, 1])
    assert separated_by_regressors(y, np.column_stack([x1, x2]), []).tolist() == [
        True, True, False, False, False, False, False, False]


def test_percent_effects_are_exp_minus_one_with_delta_method():
    result = fit(_panel(), _spec(cluster=["firm"]))
    b, se = result.params["x"], result.std_errors["x"]
    effects = result.percent_effects().loc["x"]
    assert effects["effect"] == pytest.approx(100 * (np.exp(b) - 1), rel=1e-12)
    assert effects["std_error"] == pytest.approx(100 * np.exp(b) * se, rel=1e-12)
    assert effects["lower"] == pytest.approx(100 * (np.exp(b - 1.959963984540054 * se) - 1), rel=1e-9)


def test_result_round_trips_through_json():
    result = fit(_panel(), _spec(cluster=["firm"]))
    again = Result.from_dict(json.loads(json.dumps(result.to_dict())))
    assert isinstance(again, PoissonResult)
    assert again.to_dict() == result.to_dict()
    assert again.pvalues["x"] == result.pvalues["x"]
    assert result.to_dict()["rsquared"] is None


def test_normal_inference_and_facts():
    result = fit(_panel(), _spec(cluster=["firm"]))
    z = result.params["x"] / result.std_errors["x"]
    from scipy import stats

    assert result.pvalues["x"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)
    assert result.converged and result.iterations < 20
    assert 0 < result.pseudo_rsquared < 1
    assert result.vcov_note.startswith("Standard errors clustered by firm (sandwich, G/(G-1)*(n-1)/(n-K)")


def test_poisson_event_study_has_a_chi_squared_pretrend_test():
    data = _panel(firms=80, years=8)
    data["first"] = np.where(data["firm"] % 2 == 0, 2019.0, np.nan)
    result = event_study(data, "y", unit="firm", time="year", first_treated="first", family="poisson")
    assert isinstance(result, PoissonResult)
    assert result.pretrend.df_denom == 0
    assert result.pretrend.terms == ("event_-4", "event_-3", "event_-2")
    from scipy import stats

    chi2 = result.pretrend.statistic * result.pretrend.df_num
    assert result.pretrend.pvalue == pytest.approx(stats.chi2.sf(chi2, 3), rel=1e-12)


def test_cli_poisson_json_and_error(tmp_path):
    runner = CliRunner()
    args = ["fit", str(EPIL), "--y", "y", "--x", "trt_p3,trt_p4", "--fe", "subject,period", "--cluster", "subject",
            "--family", "poisson", "--format", "json"]
    outcome = runner.invoke(main, args)
    assert outcome.exit_code == 0, outcome.output
    payload = json.loads(outcome.stdout)
    assert payload["n_separated"] == 4 and payload["nobs"] == 232
    bad = runner.invoke(main, ["fit", str(EPIL), "--y", "lbase", "--x", "trt_p3", "--family", "poisson"])
    assert bad.exit_code != 0
    assert bad.stderr.startswith(f"Error: {EPIL}: column 'lbase': a Poisson outcome cannot be negative (rows 2, 3,")


def test_weights_equal_repeated_rows():
    data = _panel(firms=30, years=4)
    data["w"] = np.where(data.index % 3 == 0, 2.0, 1.0)
    weighted = fit(data, _spec(weights="w"))
    repeated = pd.concat([data, data[data["w"] == 2.0]])
    assert weighted.params["x"] == pytest.approx(fit(repeated, _spec()).params["x"], abs=1e-10)


def test_no_silent_infinity_without_fixed_effects():
    data = pd.DataFrame({"y": [0.0, 0, 1, 2, 0, 3, 4], "x": [1.0, 1, 0, 0, 0, 0, 0],
                         "z": [0.3, 0.1, 0.5, 0.2, 0.9, 0.4, 0.7]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fit(data, Spec("y", ["x", "z"], family="poisson", vcov="hc1"))
    assert any(isinstance(w.message, SeparationWarning) for w in caught)
    assert result.names == ("z",)
    assert result.n_separated_regressors == 2


@pytest.mark.parametrize("constant", [1.0, 7.0])
def test_a_constant_regressor_is_dropped_as_absorbed_by_the_firm_effects(constant):
    data = _panel().assign(const=constant)
    spec = Spec("y", ("x", "const"), fixed_effects=("firm", "year"), cluster=("firm",), family="poisson")
    with pytest.warns(CollinearityWarning, match="Dropped collinear regressors: const"):
        with_constant = fit(data, spec)
    without = fit(data, Spec("y", ("x",), fixed_effects=("firm", "year"), cluster=("firm",), family="poisson"))
    assert with_constant.names == ("x",)
    assert with_constant.params["x"] == pytest.approx(without.params["x"], rel=1e-12)
    assert with_constant.std_errors["x"] == pytest.approx(without.std_errors["x"], rel=1e-12)
