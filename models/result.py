"""The immutable result of one estimated model and its JSON form."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError, did_you_mean
from models.distributions import f_sf, t_quantile, t_sf
from models.spec import Spec

#: How each variance estimator is described in table notes.
VCOV_NOTES = {
    "iid": "Conventional standard errors, s^2 = e'e/(n-K).",
    "hc1": "Heteroskedasticity-robust standard errors (HC1, n/(n-K)).",
    "cluster": (
        "Standard errors clustered by {clusters} (CRV1: G/(G-1)*(n-1)/(n-K), fixed effects "
        "nested in a cluster not counted in K{twoway})."
    ),
    "driscoll-kraay": "Driscoll-Kraay standard errors ({lags} Bartlett lags, no small-sample factor).",
}


def _float(value: float | None) -> float:
    """A float read from JSON, where ``None`` stands for a statistic the model does not have."""
    return float("nan") if value is None else float(value)


def _frozen(values: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.array(values, dtype=float)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class WaldTest:
    """A joint test that several coefficients are zero, as an F statistic.

    ``statistic`` is :math:`b'V^{-1}b/q` for the ``q`` tested coefficients,
    compared with an F(q, ``df_denom``) distribution, where ``df_denom`` is the
    result's ``df_inference`` (G−1 under clustering, as Stata's ``test``).
    """

    terms: tuple[str, ...]
    statistic: float
    df_num: int
    df_denom: int
    pvalue: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {
            "terms": list(self.terms),
            "statistic": self.statistic,
            "df_num": self.df_num,
            "df_denom": self.df_denom,
            "pvalue": self.pvalue,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WaldTest:
        """Read the form written by :meth:`to_dict`."""
        return cls(
            terms=tuple(data["terms"]),
            statistic=float(data["statistic"]),
            df_num=int(data["df_num"]),
            df_denom=int(data["df_denom"]),
            pvalue=float(data["pvalue"]),
        )


@dataclass(frozen=True, eq=False)
class Result:
    """Estimates of one linear fixed-effects model; nothing in it can be changed.

    Attributes
    ----------
    spec : Spec
        The model estimated.
    names : tuple of str
        Regressors with a coefficient (collinear ones dropped).
    coef, cov_matrix : ndarray
        Coefficients and their covariance (read-only arrays; use :attr:`params`
        and :attr:`cov` for labelled copies).
    nobs : int
        Observations in the estimation sample.
    n_missing, n_singletons : int
        Rows dropped for missing values and as fixed-effect singletons.
    dropped_collinear : tuple of str
        Regressors dropped as collinear with the others or the fixed effects.
    rsquared, rsquared_within : float
        :math:`1 - SSR/TSS` about the mean, and about the fixed effects (the
        within R², :math:`1 - \\tilde e'\\tilde e/\\tilde y'\\tilde y`; equal to
        ``rsquared`` without fixed effects).
    depvar_mean : float
        Mean of the outcome over the estimation sample.
    cluster_sizes : tuple of int
        Number of clusters of each ``spec.cluster`` column.
    df_fe : int
        Degrees of freedom of the absorbed fixed effects (or intercept).
    df_model : int
        :math:`K` used by the variance estimator: regressors plus absorbed
        degrees of freedom not nested in a cluster.
    df_resid : int
        :math:`n - K`.
    df_inference : int
        Degrees of freedom of t and F tests: ``min(G) - 1`` when clustered,
        otherwise ``df_resid``.
    lags : int or None
        Bartlett lags used by Driscoll–Kraay.
    pretrend : WaldTest or None
        Joint test of the pre-period coefficients of an event study.
    absorb_iterations : int
        Iterations the absorption of the fixed effects took (0 when solved directly).
    absorb_converged : bool
        Whether the absorption reached its tolerance.
    """

    spec: Spec
    names: tuple[str, ...]
    coef: np.ndarray
    cov_matrix: np.ndarray
    nobs: int
    n_missing: int
    n_singletons: int
    dropped_collinear: tuple[str, ...]
    rsquared: float
    rsquared_within: float
    depvar_mean: float
    cluster_sizes: tuple[int, ...]
    df_fe: int
    df_model: int
    df_resid: int
    df_inference: int
    lags: int | None = None
    pretrend: WaldTest | None = field(default=None)
    absorb_iterations: int = 0
    absorb_converged: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "coef", _frozen(self.coef))
        object.__setattr__(self, "cov_matrix", _frozen(self.cov_matrix).reshape(len(self.names), len(self.names)))
        object.__setattr__(self, "cluster_sizes", tuple(int(g) for g in self.cluster_sizes))
        object.__setattr__(self, "dropped_collinear", tuple(self.dropped_collinear))

    # --- labelled estimates -------------------------------------------------
    @property
    def params(self) -> pd.Series:
        """Coefficients by regressor name."""
        return pd.Series(self.coef, index=list(self.names), name="params")

    @property
    def cov(self) -> pd.DataFrame:
        """Covariance of the coefficients."""
        return pd.DataFrame(self.cov_matrix, index=list(self.names), columns=list(self.names))

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors."""
        return pd.Series(np.sqrt(np.diag(self.cov_matrix)), index=list(self.names), name="std_errors")

    @property
    def tstats(self) -> pd.Series:
        """t statistics."""
        return (self.params / self.std_errors).rename("tstats")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from a t distribution with ``df_inference`` degrees of freedom."""
        values = 2 * t_sf(np.abs(self.tstats.to_numpy()), self.df_inference)
        return pd.Series(values, index=list(self.names), name="pvalues")

    def critical_value(self, level: float = 0.95) -> float:
        """The two-sided critical value of :meth:`conf_int`: a t quantile with ``df_inference`` degrees of freedom."""
        if not 0 < level < 1:
            raise InputError(f"confidence level must be between 0 and 1, got {level}")
        return t_quantile(0.5 + level / 2, self.df_inference)

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals (columns ``lower``, ``upper``) from the t distribution."""
        half = self.critical_value(level) * self.std_errors
        return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})

    # --- metadata the reporter reads ---------------------------------------
    @property
    def fixed_effects(self) -> tuple[str, ...]:
        """Names of the absorbed fixed effects."""
        return self.spec.fixed_effects

    @property
    def cluster_vars(self) -> tuple[str, ...]:
        """Names of the cluster columns."""
        return self.spec.cluster

    @property
    def vcov_type(self) -> str:
        """One of :data:`models.spec.VCOV_TYPES`."""
        return str(self.spec.vcov)

    @property
    def n_clusters(self) -> dict[str, int]:
        """Number of clusters by cluster column."""
        return dict(zip(self.spec.cluster, self.cluster_sizes))

    @property
    def vcov_note(self) -> str:
        """One sentence stating the variance estimator and its convention, for table notes."""
        return self.describe_vcov()

    def describe_vcov(self, label: Callable[[str], str] = str) -> str:
        """:attr:`vcov_note` with the cluster columns named by ``label`` (e.g. "firm" for firm_id)."""
        return VCOV_NOTES[self.vcov_type].format(
            clusters=" and ".join(label(name) for name in self.spec.cluster),
            twoway="; two-way by Cameron-Gelbach-Miller with the smaller G" if len(self.spec.cluster) == 2 else "",
            lags=self.lags,
        )

    # --- tests ---------------------------------------------------------------
    def _positions(self, terms: Sequence[str]) -> list[int]:
        positions = []
        for term in terms:
            if term not in self.names:
                hint = did_you_mean(term, self.names)
                raise InputError(f"no coefficient '{term}' in the model", fix=hint or f"the coefficients are: {', '.join(self.names)}")
            positions.append(self.names.index(term))
        return positions

    def wald(self, terms: Sequence[str]) -> WaldTest:
        """Test jointly that the coefficients ``terms`` are zero (F form)."""
        idx = self._positions(terms)
        b = self.coef[idx]
        v = self.cov_matrix[np.ix_(idx, idx)]
        q = len(idx)
        statistic = float(b @ np.linalg.solve(v, b)) / q
        return WaldTest(
            terms=tuple(terms),
            statistic=statistic,
            df_num=q,
            df_denom=self.df_inference,
            pvalue=f_sf(statistic, q, self.df_inference),
        )

    def with_pretrend(self, terms: Sequence[str]) -> Result:
        """A copy carrying the joint test of ``terms`` as :attr:`pretrend`."""
        return replace(self, pretrend=self.wald(terms))

    # --- serialisation --------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form with everything needed to re-render the result."""
        return {
            "spec": self.spec.to_dict(),
            "params": dict(zip(self.names, self.coef.tolist())),
            "std_errors": self.std_errors.to_dict(),
            "cov": self.cov_matrix.tolist(),
            "nobs": self.nobs,
            "n_missing": self.n_missing,
            "n_singletons": self.n_singletons,
            "dropped_collinear": list(self.dropped_collinear),
            "rsquared": self.rsquared,
            "rsquared_within": self.rsquared_within,
            "depvar_mean": self.depvar_mean,
            "vcov": self.vcov_type,
            "vcov_note": self.vcov_note,
            "fixed_effects": list(self.fixed_effects),
            "cluster_vars": list(self.cluster_vars),
            "n_clusters": self.n_clusters,
            "df_fe": self.df_fe,
            "df_model": self.df_model,
            "df_resid": self.df_resid,
            "df_inference": self.df_inference,
            "lags": self.lags,
            "pretrend": None if self.pretrend is None else self.pretrend.to_dict(),
            "absorb_iterations": self.absorb_iterations,
            "absorb_converged": self.absorb_converged,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """Rebuild a result from :meth:`to_dict`'s form (a Poisson model's as its own class)."""
        if cls is Result and data["spec"].get("family") == "poisson":
            from models.poisson_result import PoissonResult  # a subclass: imported here, not at the top

            return PoissonResult.from_dict(data)
        return cls(**cls.fields_from_dict(data))

    @staticmethod
    def fields_from_dict(data: Mapping[str, Any]) -> dict[str, Any]:
        """The constructor arguments of :class:`Result` read from :meth:`to_dict`'s form."""
        spec = Spec.from_dict(data["spec"])
        return dict(
            spec=spec,
            names=tuple(data["params"]),
            coef=np.asarray(list(data["params"].values()), dtype=float),
            cov_matrix=data["cov"],
            nobs=int(data["nobs"]),
            n_missing=int(data["n_missing"]),
            n_singletons=int(data["n_singletons"]),
            dropped_collinear=tuple(data["dropped_collinear"]),
            rsquared=_float(data["rsquared"]),
            rsquared_within=_float(data["rsquared_within"]),
            depvar_mean=float(data["depvar_mean"]),
            cluster_sizes=tuple(data["n_clusters"][name] for name in spec.cluster),
            df_fe=int(data["df_fe"]),
            df_model=int(data["df_model"]),
            df_resid=int(data["df_resid"]),
            df_inference=int(data["df_inference"]),
            lags=data["lags"],
            pretrend=None if data["pretrend"] is None else WaldTest.from_dict(data["pretrend"]),
            absorb_iterations=int(data.get("absorb_iterations", 0)),
            absorb_converged=bool(data.get("absorb_converged", True)),
        )

    def summary(self) -> str:
        """A plain-text table of the estimates and the model's facts."""
        ci = self.conf_int()
        rows = [f"{'':<24} {'coef':>12} {'std err':>12} {'t':>8} {'P>|t|':>6} {'[0.025':>12} {'0.975]':>12}"]
        for name in self.names:
            rows.append(
                f"{name[:24]:<24} {self.params[name]:>12.6g} {self.std_errors[name]:>12.6g}"
                f" {self.tstats[name]:>8.3f} {self.pvalues[name]:>6.3f}"
                f" {ci.loc[name, 'lower']:>12.6g} {ci.loc[name, 'upper']:>12.6g}"
            )
        facts = [
            f"Outcome: {self.spec.outcome} (mean {self.depvar_mean:.6g})",
            f"Observations: {self.nobs} ({self.n_missing} dropped for missing values, "
            f"{self.n_singletons} singletons dropped)",
            f"Fixed effects: {', '.join(self.fixed_effects) or 'none'}",
            f"R-squared: {self.rsquared:.4f}   within R-squared: {self.rsquared_within:.4f}",
            self.vcov_note,
        ]
        if self.n_clusters:
            facts.append("Clusters: " + ", ".join(f"{k} {v}" for k, v in self.n_clusters.items()))
        if self.dropped_collinear:
            facts.append("Dropped as collinear: " + ", ".join(self.dropped_collinear))
        if self.pretrend is not None:
            facts.append(
                f"Pre-trend test: F({self.pretrend.df_num}, {self.pretrend.df_denom}) = "
                f"{self.pretrend.statistic:.4f}, p = {self.pretrend.pvalue:.4f}"
            )
        return "\n".join(rows + [""] + facts)
