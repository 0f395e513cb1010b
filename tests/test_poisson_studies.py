"""Poisson entries in studies: declarations, the runner's family, tables with the estimator and pseudo-R² rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_schemas.errors import InputError
from models import Spec, fit
from models.studies import study_from_mapping
from models.studies.builtin import load_study
from report.regression import regression_table
from report.render import render


def _study(**extra) -> dict:
    return {
        "name": "counts",
        "models": [{"name": "ppml", "outcome": "invention_apply", "regressors": ["treated_post"],
                    "fixed_effects": ["firm_id", "year"], "cluster": ["firm_id"], "family": "poisson"}],
        "event_studies": [{"name": "es", "outcome": "invention_apply", "timing": "first_treat_year",
                           "window": [-3, 3], "family": "poisson"}],
        **extra,
    }


def test_family_is_read_and_written_back():
    study = study_from_mapping(_study())
    assert study.models[0].spec.family == "poisson"
    assert study.event_studies[0].family == "poisson"
    again = study_from_mapping(study.to_dict())
    assert again.models[0].to_dict()["family"] == "poisson"
    assert again.event_studies[0].to_dict()["family"] == "poisson"


def test_unknown_family_is_an_error():
    data = _study()
    data["models"][0]["family"] = "poison"
    with pytest.raises(InputError) as error:
        study_from_mapping(data, file="s.toml")
    assert str(error.value) == ("s.toml: [[models]] 'ppml': unknown family 'poison'; did you mean 'poisson'? "
                                "(choices: gaussian, poisson)")


def test_resampling_tests_refuse_a_poisson_model():
    data = _study(wild_bootstrap=[{"name": "wb", "model": "ppml", "term": "treated_post", "cluster": "industry"}])
    with pytest.raises(InputError, match="model 'ppml' is a poisson model; the test needs least squares"):
        study_from_mapping(data)


def test_percent_scale_only_for_event_study_figures():
    data = _study(figures=[{"name": "f", "kind": "marginal", "sources": ["es"], "scale": "percent"}])
    with pytest.raises(InputError, match="scale applies to event-study figures only"):
        study_from_mapping(data)


def test_patenting_study_has_ppml_columns_and_overlay():
    study = load_study("patenting_response")
    table = next(t for t in study.tables if t.name == "patenting_ppml")
    families = {m.name: m.spec.family for m in study.models}
    assert [families[name] for name in table.models] == ["gaussian", "poisson", "gaussian", "poisson"]
    figure = next(f for f in study.figures if f.name == "patenting_ppml_event_study")
    assert figure.scale == "percent" and figure.sources == ("invention_es", "invention_es_ppml")


def test_table_labels_the_estimator_and_shows_pseudo_r2():
    rng = np.random.default_rng(2)
    firm, year = np.repeat(np.arange(40), 5), np.tile(np.arange(5), 40)
    x = rng.normal(size=200)
    counts = rng.poisson(np.exp(1 + 0.4 * x + rng.normal(size=40)[firm])).astype(float)
    data = pd.DataFrame({"firm": firm, "year": year, "x": x, "y": counts, "ln_y": np.log1p(counts)})
    ols = fit(data, Spec("ln_y", ["x"], fixed_effects=["firm", "year"], cluster=["firm"]))
    ppml = fit(data, Spec("y", ["x"], fixed_effects=["firm", "year"], cluster=["firm"], family="poisson"))
    text = render(regression_table([ols, ppml], title="t", label="t"), "md")
    assert "| Estimator | OLS | PPML |" in text
    assert f"| Within R² | {ols.rsquared_within:.3f} |  |" in text
    assert f"| Pseudo R² |  | {ppml.pseudo_rsquared:.3f} |" in text
    assert "PPML: Poisson pseudo-maximum likelihood on the count" in text
