"""One entry point for every model family: least squares or Poisson, as the spec says."""

from __future__ import annotations

import pandas as pd

from models.fixed_effects import fit as fit_linear
from models.poisson import fit_poisson
from models.result import Result
from models.spec import Spec


def fit(data: pd.DataFrame, spec: Spec, *, file: str | None = None) -> Result:
    """Estimate ``spec`` on ``data``: :func:`models.fixed_effects.fit` for ``family="gaussian"``,
    :func:`models.poisson.fit_poisson` (a :class:`models.poisson_result.PoissonResult`) for ``"poisson"``.

    Parameters
    ----------
    data : DataFrame
        One row per observation with the columns named in ``spec``.
    spec : Spec
        The model.
    file : str, optional
        The file ``data`` was read from, named in error messages.
    """
    if spec.family == "poisson":
        return fit_poisson(data, spec, file=file)
    return fit_linear(data, spec, file=file)
