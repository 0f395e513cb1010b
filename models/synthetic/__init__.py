"""Counterfactuals for a case: synthetic control, synthetic difference-in-differences and DiD.

:func:`synthetic_design` checks a long panel and lays it out; :func:`fit_synthetic`
estimates; :mod:`models.synthetic.inference` adds standard errors, placebos in space
and time and leave-one-donor-out runs.  The estimators and their tuning follow
Arkhangelsky et al. (2021) and reproduce their Table 1 on the Proposition 99 panel; with
:class:`Predictor` s the synthetic control follows Abadie, Diamond and Hainmueller (2010)
(:mod:`models.synthetic.nested`).
"""

from models.synthetic.core import METHODS
from models.synthetic.data import SyntheticDesign, synthetic_design
from models.synthetic.estimate import SE_METHODS, fit_synthetic
from models.synthetic.predictors import Predictor, parse_predictor
from models.synthetic.results import LeaveOneOut, PlaceboInSpace, PlaceboInTime, SyntheticResult

__all__ = [
    "METHODS", "SE_METHODS", "LeaveOneOut", "PlaceboInSpace", "PlaceboInTime", "Predictor", "SyntheticDesign",
    "SyntheticResult", "fit_synthetic", "parse_predictor", "synthetic_design",
]
