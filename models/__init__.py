"""Estimation: fixed-effects regressions, event studies, marginal effects.

The flow follows linearmodels: a :class:`Spec` describes one model as data and
is validated when it is built, :func:`fit` estimates it on a DataFrame and
returns an immutable :class:`Result`.

>>> from models import Spec, fit
>>> spec = Spec("roa", ("log_patents", "size"), fixed_effects=("firm", "year"), cluster=("firm",))
>>> result = fit(panel, spec)                                   # doctest: +SKIP
>>> result.std_errors["log_patents"]                            # doctest: +SKIP
"""

from models.event_study import event_study, exposure_event_study
from models.fixed_effects import fit
from models.marginal import (
    LinearCombination,
    add_interactions,
    add_year_interactions,
    lincom,
    marginal_by_period,
)
from models.result import Result, WaldTest
from models.spec import VCOV_TYPES, Spec

__all__ = [
    "VCOV_TYPES",
    "LinearCombination",
    "Result",
    "Spec",
    "WaldTest",
    "add_interactions",
    "add_year_interactions",
    "event_study",
    "exposure_event_study",
    "fit",
    "lincom",
    "marginal_by_period",
]
