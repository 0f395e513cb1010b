"""One fixed-effects model described as data, validated when it is built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from data_schemas.errors import InputError, check_columns, did_you_mean, unknown_choice

#: The variance estimators :func:`models.fit` knows, see :mod:`models.covariance`.
VCOV_TYPES = ("iid", "hc1", "cluster", "driscoll-kraay")

#: Model families: least squares, or Poisson pseudo-maximum likelihood (see :mod:`models.poisson`).
FAMILIES = ("gaussian", "poisson")


def _names(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Turn ``None``, one name or several names into a tuple of names."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Spec:
    """A linear fixed-effects model, as data.

    Parameters
    ----------
    outcome : str
        The dependent variable.
    regressors : str or sequence of str
        Regressors with reported coefficients (controls included).
    fixed_effects : sequence of str, optional
        Categorical columns whose effects are absorbed, e.g. ``("firm", "year")``
        or an interacted column such as ``"industry_year"``.
    cluster : sequence of str, optional
        One or two cluster columns; required when ``vcov="cluster"``.
    vcov : {"iid", "hc1", "cluster", "driscoll-kraay"}, optional
        Variance estimator. The default is ``"cluster"`` when ``cluster`` is
        given, otherwise ``"iid"``.
    weights : str, optional
        Column of positive observation weights (weighted least squares).
    time : str, optional
        Time column; required by ``"driscoll-kraay"``.
    lags : int, optional
        Bartlett lags of the Driscoll–Kraay estimator; the default is
        ``floor(T ** 0.25)`` as in R's ``plm::vcovSCC``.
    family : {"gaussian", "poisson"}, optional
        ``"gaussian"`` (the default) is least squares; ``"poisson"`` is Poisson
        pseudo-maximum likelihood with a log link (:func:`models.poisson.fit_poisson`).
    offset : str, optional
        Poisson only: column added to the linear predictor with coefficient one.
    exposure : str, optional
        Poisson only: column of positive exposures; its log is the offset.

    Raises
    ------
    InputError
        If the vcov is unknown, a variance estimator lacks the column it needs,
        or a name is repeated.

    Examples
    --------
    >>> Spec("y", ["x"], vcov="cluter", cluster=["firm"])
    Traceback (most recent call last):
    ...
    data_schemas.errors.InputError: unknown vcov 'cluter'; did you mean 'cluster'? (choices: iid, hc1, cluster, driscoll-kraay)
    """

    outcome: str
    regressors: tuple[str, ...]
    fixed_effects: tuple[str, ...] = ()
    cluster: tuple[str, ...] = ()
    vcov: str | None = None
    weights: str | None = None
    time: str | None = None
    lags: int | None = None
    family: str = "gaussian"
    offset: str | None = None
    exposure: str | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "regressors", _names(self.regressors))
        set_(self, "fixed_effects", _names(self.fixed_effects))
        set_(self, "cluster", _names(self.cluster))
        vcov = self.vcov if self.vcov is not None else ("cluster" if self.cluster else "iid")
        vcov = vcov.lower().replace("_", "-")
        if vcov not in VCOV_TYPES:
            raise unknown_choice(str(self.vcov), VCOV_TYPES, what="vcov")
        set_(self, "vcov", vcov)
        self._check_names()
        self._check_vcov_needs()
        self._check_family()

    def _check_names(self) -> None:
        if not self.regressors:
            raise InputError("no regressors given", fix="name at least one regressor")
        seen: set[str] = set()
        for name in self.regressors:
            if name in seen:
                raise InputError(f"regressor '{name}' is listed twice", fix="list each regressor once")
            seen.add(name)
        if self.outcome in seen:
            raise InputError(
                f"the outcome '{self.outcome}' is also a regressor", fix="remove it from the regressors"
            )
        if len(set(self.fixed_effects)) != len(self.fixed_effects):
            raise InputError("a fixed effect is listed twice", fix="list each fixed effect once")
        clash = seen.intersection(self.fixed_effects)
        if clash:
            raise InputError(
                f"'{sorted(clash)[0]}' is both a regressor and a fixed effect", fix="keep it in one place"
            )

    def _check_vcov_needs(self) -> None:
        if self.vcov == "cluster":
            if not 1 <= len(self.cluster) <= 2 or len(set(self.cluster)) != len(self.cluster):
                raise InputError(
                    "vcov 'cluster' needs one or two distinct cluster columns",
                    fix="give them with cluster=('firm',) or --cluster firm[,year]",
                )
        elif self.cluster:
            raise InputError(
                f"cluster columns given but vcov is '{self.vcov}'",
                fix="use vcov='cluster' or drop the cluster columns",
            )
        if self.vcov == "driscoll-kraay" and self.time is None:
            raise InputError(
                "vcov 'driscoll-kraay' needs the time column", fix="give it with time='year' or --time year"
            )
        if self.lags is not None and (int(self.lags) != self.lags or self.lags < 0):
            raise InputError(f"lags must be a non-negative integer, got {self.lags!r}")

    def _check_family(self) -> None:
        if self.family not in FAMILIES:
            hint = did_you_mean(self.family, FAMILIES)
            raise InputError(
                f"unknown family '{self.family}'",
                fix=(f"{hint} " if hint else "") + f"(choices: {', '.join(FAMILIES)})",
            )
        if self.family == "gaussian" and (self.offset or self.exposure):
            raise InputError("an offset or exposure needs family 'poisson'", fix="set family='poisson'")
        if self.offset and self.exposure:
            raise InputError("give an offset or an exposure, not both", fix="the offset is log(exposure)")
        if self.family == "poisson" and self.vcov == "driscoll-kraay":
            raise InputError(
                "vcov 'driscoll-kraay' is not available for family 'poisson'",
                fix="use iid, hc1 or cluster (e.g. cluster by firm and year)",
            )

    @property
    def columns(self) -> tuple[str, ...]:
        """Every data column the model reads, each once, in a stable order."""
        wanted = [self.outcome, *self.regressors, *self.fixed_effects, *self.cluster]
        wanted += [name for name in (self.weights, self.time, self.offset, self.exposure) if name is not None]
        return tuple(dict.fromkeys(wanted))

    def check_columns(self, available: Iterable[str], file: str | None = None) -> None:
        """Raise :class:`InputError` naming the first column that is not in ``available``.

        Parameters
        ----------
        available : iterable of str
            The columns of the data.
        file : str, optional
            The data file, named in the message.
        """
        check_columns(self.columns, available, file=file)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description, read back by :meth:`from_dict`."""
        out = asdict(self)
        return {key: list(value) if isinstance(value, tuple) else value for key, value in out.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Spec:
        """Rebuild a spec written by :meth:`to_dict`."""
        return cls(**dict(data))
