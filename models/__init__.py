"""Estimation: fixed-effects regressions, event studies, marginal effects.

The flow follows linearmodels: a :class:`Spec` describes one model as data and
is validated when it is built, :func:`fit` estimates it on a DataFrame and
returns an immutable :class:`Result` (least squares, or Poisson pseudo-maximum
likelihood with ``family="poisson"``, a :class:`PoissonResult`).

>>> from models import Spec, fit
>>> spec = Spec("roa", ("log_patents", "size"), fixed_effects=("firm", "year"), cluster=("firm",))
>>> result = fit(panel, spec)                                   # doctest: +SKIP
>>> result.std_errors["log_patents"]                            # doctest: +SKIP

Many models on one sample (outcomes, regressor sets) share one preparation of
the sample and the fixed effects inside :func:`reuse_demeaning`:

>>> with reuse_demeaning():                                     # doctest: +SKIP
...     results = [fit(panel, Spec(y, ("log_patents",), fixed_effects=("firm", "year"))) for y in ("roa", "roe")]
"""

from models.estimate import fit
from models.event_study import event_study, exposure_event_study
from models.marginal import (
    LinearCombination,
    add_interactions,
    add_year_interactions,
    lincom,
    marginal_by_period,
)
from models.poisson_result import PoissonResult
from models.result import Result, WaldTest
from models.reuse import reuse_demeaning
from models.spec import FAMILIES, VCOV_TYPES, Spec

__all__ = [
    "FAMILIES",
    "VCOV_TYPES",
    "LinearCombination",
    "PoissonResult",
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
    "reuse_demeaning",
]
