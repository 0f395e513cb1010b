"""Heterogeneity-robust difference-in-differences with staggered adoption.

Each estimator takes a long panel (unit, period, first treated period — 0 or
missing for never-treated units — and the outcome) and returns an immutable
:class:`StaggeredResult` (overall ATT and effects by event time, cohort and
period, with standard errors, intervals and a pre-trend test) that the
reporter tabulates beside the TWFE :class:`models.Result`.

>>> from models.staggered import callaway_santanna
>>> result = callaway_santanna(panel, "ln_invention_apply", unit="firm_id", time="year",
...                            cohort="first_treat_year")                        # doctest: +SKIP
>>> result.event_time[0].estimate                                                # doctest: +SKIP
"""

from models.staggered.bacon import BaconResult, bacon_decomposition
from models.staggered.callaway_santanna import callaway_santanna
from models.staggered.honest import HonestBounds, honest_bounds
from models.staggered.imputation import imputation
from models.staggered.results import Estimate, PretrendTest, StaggeredResult
from models.staggered.sun_abraham import sun_abraham
from models.staggered.twfe import twfe
from models.staggered.wooldridge_poisson import wooldridge_poisson

#: Estimators by the names the CLI and the studies use.
ESTIMATORS = {
    "callaway-santanna": callaway_santanna,
    "sun-abraham": sun_abraham,
    "imputation": imputation,
    "twfe": twfe,
}

__all__ = [
    "ESTIMATORS",
    "BaconResult",
    "Estimate",
    "HonestBounds",
    "PretrendTest",
    "StaggeredResult",
    "bacon_decomposition",
    "callaway_santanna",
    "honest_bounds",
    "imputation",
    "sun_abraham",
    "twfe",
    "wooldridge_poisson",
]
