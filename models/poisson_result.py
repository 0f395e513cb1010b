"""The immutable result of a Poisson pseudo-maximum-likelihood model."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data_schemas.errors import InputError
from models.distributions import chi2_sf, normal_quantile, normal_sf
from models.result import Result, WaldTest

#: How each variance estimator of a Poisson model is described in table notes.
POISSON_VCOV_NOTES = {
    "iid": "Standard errors from the inverse Hessian, times (n-1)/(n-K).",
    "hc1": "Heteroskedasticity-robust standard errors (sandwich, n/(n-K)).",
    "cluster": (
        "Standard errors clustered by {clusters} (sandwich, G/(G-1)*(n-1)/(n-K), fixed effects "
        "nested in a cluster not counted in K{twoway})."
    ),
}


@dataclass(frozen=True, eq=False, kw_only=True)
class PoissonResult(Result):
    """Estimates of a Poisson model with absorbed fixed effects (PPML).

    Besides :class:`models.Result`'s surface: tests and intervals use the normal
    distribution (as fixest and ppmlhdfe do), :attr:`rsquared` and
    :attr:`rsquared_within` are NaN (a Poisson model has no least-squares R²;
    see :attr:`pseudo_rsquared`), and :meth:`percent_effects` turns
    coefficients into percentage changes.

    Attributes
    ----------
    deviance : float
        :math:`2\\sum_i w_i [y_i \\log(y_i/\\hat\\mu_i) - (y_i - \\hat\\mu_i)]`.
    loglik, loglik_null : float
        Log-likelihood of the model and of a model with only a constant (and
        the offset), both on the estimation sample.
    pseudo_rsquared : float
        McFadden's :math:`1 - \\ell/\\ell_0` (fixest's ``pr2``).
    n_separated : int
        Rows dropped because a level of a fixed effect had only zero outcomes.
    n_separated_regressors : int
        Rows dropped as separated by the regressors (iterative rectifier).
    converged : bool
        Whether the IRLS iterations met the tolerance.
    iterations : int
        IRLS iterations.
    """

    deviance: float
    loglik: float
    loglik_null: float
    pseudo_rsquared: float
    n_separated: int
    n_separated_regressors: int
    converged: bool
    iterations: int

    # --- inference on the normal distribution --------------------------------
    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from the standard normal distribution."""
        values = 2 * normal_sf(np.abs(self.tstats.to_numpy()))
        return pd.Series(values, index=list(self.names), name="pvalues")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals (columns ``lower``, ``upper``) from the normal distribution."""
        half = _critical(level) * self.std_errors
        return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})

    def wald(self, terms: Sequence[str]) -> WaldTest:
        """Joint test that ``terms`` are zero: the statistic is :math:`W/q`, the p-value from chi-squared(q).

        ``df_denom`` is 0, meaning no denominator degrees of freedom (an
        asymptotic test, :math:`qF \\sim \\chi^2_q`).
        """
        idx = self._positions(terms)
        b = self.coef[idx]
        q = len(idx)
        chi2 = float(b @ np.linalg.solve(self.cov_matrix[np.ix_(idx, idx)], b))
        return WaldTest(terms=tuple(terms), statistic=chi2 / q, df_num=q, df_denom=0,
                        pvalue=chi2_sf(chi2, q))

    def percent_effects(self, level: float = 0.95) -> pd.DataFrame:
        """Coefficients as percentage changes of the expected outcome.

        ``effect`` is :math:`100(e^{b} - 1)`, ``std_error`` its delta-method
        standard error :math:`100 e^{b}\\,se(b)`, and ``lower``/``upper`` the
        interval of :math:`b` transformed the same way (asymmetric, and never
        below −100 %).
        """
        ci = self.conf_int(level)
        scale = np.exp(self.params)
        return pd.DataFrame(
            {
                "effect": 100 * (scale - 1),
                "std_error": 100 * scale * self.std_errors,
                "lower": 100 * np.expm1(ci["lower"]),
                "upper": 100 * np.expm1(ci["upper"]),
            }
        )

    # --- notes ----------------------------------------------------------------
    def describe_vcov(self, label: Callable[[str], str] = str) -> str:
        """The variance estimator and its small-sample convention, for table notes."""
        return POISSON_VCOV_NOTES[self.vcov_type].format(
            clusters=" and ".join(label(name) for name in self.spec.cluster),
            twoway="; two-way by Cameron-Gelbach-Miller with the smaller G" if len(self.spec.cluster) == 2 else "",
        )

    # --- serialisation --------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """:meth:`Result.to_dict` plus the Poisson facts."""
        out = super().to_dict()
        out.update(
            rsquared=None,
            rsquared_within=None,
            deviance=self.deviance,
            loglik=self.loglik,
            loglik_null=self.loglik_null,
            pseudo_rsquared=self.pseudo_rsquared,
            n_separated=self.n_separated,
            n_separated_regressors=self.n_separated_regressors,
            converged=self.converged,
            iterations=self.iterations,
        )
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PoissonResult:
        """Rebuild a result from :meth:`to_dict`'s form."""
        return cls(
            **Result.fields_from_dict(data),
            deviance=float(data["deviance"]),
            loglik=float(data["loglik"]),
            loglik_null=float(data["loglik_null"]),
            pseudo_rsquared=float(data["pseudo_rsquared"]),
            n_separated=int(data["n_separated"]),
            n_separated_regressors=int(data["n_separated_regressors"]),
            converged=bool(data["converged"]),
            iterations=int(data["iterations"]),
        )

    def summary(self) -> str:
        """A plain-text table of the estimates, percentage effects and the model's facts."""
        ci = self.conf_int()
        pct = self.percent_effects()
        rows = [f"{'':<24} {'coef':>12} {'std err':>12} {'z':>8} {'P>|z|':>6} {'[0.025':>12} {'0.975]':>12}"
                f" {'% effect':>10}"]
        for name in self.names:
            rows.append(
                f"{name[:24]:<24} {self.params[name]:>12.6g} {self.std_errors[name]:>12.6g}"
                f" {self.tstats[name]:>8.3f} {self.pvalues[name]:>6.3f}"
                f" {ci.loc[name, 'lower']:>12.6g} {ci.loc[name, 'upper']:>12.6g} {pct.loc[name, 'effect']:>10.4g}"
            )
        status = f"converged in {self.iterations} iterations" if self.converged else (
            f"NOT converged after {self.iterations} iterations")
        facts = [
            f"Poisson pseudo-maximum likelihood, {status}",
            f"Outcome: {self.spec.outcome} (mean {self.depvar_mean:.6g})",
            f"Observations: {self.nobs} ({self.n_missing} dropped for missing values, "
            f"{self.n_singletons} singletons, {self.n_separated} in fixed-effect groups with only zeros, "
            f"{self.n_separated_regressors} separated by the regressors)",
            f"Fixed effects: {', '.join(self.fixed_effects) or 'none'}",
            f"Pseudo R-squared: {self.pseudo_rsquared:.4f}   deviance: {self.deviance:.6g}   "
            f"log-likelihood: {self.loglik:.6g}",
            self.vcov_note,
        ]
        if self.spec.offset or self.spec.exposure:
            facts.append(f"Offset: {self.spec.offset}" if self.spec.offset else f"Exposure: {self.spec.exposure}")
        if self.n_clusters:
            facts.append("Clusters: " + ", ".join(f"{k} {v}" for k, v in self.n_clusters.items()))
        if self.dropped_collinear:
            facts.append("Dropped as collinear: " + ", ".join(self.dropped_collinear))
        if self.pretrend is not None:
            facts.append(f"Pre-trend test: chi2({self.pretrend.df_num}) = "
                         f"{self.pretrend.statistic * self.pretrend.df_num:.4f}, p = {self.pretrend.pvalue:.4f}")
        facts.append("% effect: 100*(exp(coef) - 1).")
        return "\n".join(rows + [""] + facts)


def _critical(level: float) -> float:
    if not 0 < level < 1:
        raise InputError(f"confidence level must be between 0 and 1, got {level}")
    return normal_quantile(0.5 + level / 2)
