"""The one place that calls ``diff_diff``: each estimator built, fitted quietly, its results in our types.

Every function takes a :class:`~models.staggered.data.StaggeredData` (columns
``unit``, ``time``, ``cohort``, the outcome and the covariates), fits one
diff-diff estimator with its advisory warnings silenced (our results carry the
facts), and returns what the estimator modules use of its *public* results as
floats, dictionaries keyed by integers, NumPy arrays and the small frozen
dataclasses below; no diff-diff object leaves this module.  Effects are
returned as diff-diff reports them, non-finite ones included: which to keep is
the estimator modules' choice.  ``diff_diff`` is imported inside the functions,
so importing this module (and starting the CLI) stays cheap.  The tested
version range is pinned in ``pyproject.toml``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from models.staggered.data import StaggeredData

T = TypeVar("T")

#: diff-diff's names of the comparison units.
CONTROL_NAMES = {"never": "never_treated", "notyet": "not_yet_treated"}

#: diff-diff's names of the HonestDiD restrictions on post-period violations of parallel trends.
HONEST_RESTRICTIONS = {"relative-magnitude": "relative_magnitude", "smoothness": "smoothness"}

#: diff-diff's names of the Goodman-Bacon control groups that we name otherwise.
BACON_CONTROLS = {"never_treated": "never"}


@dataclass(frozen=True)
class Effect:
    """One effect and its standard error as diff-diff reports them (possibly not finite)."""

    estimate: float
    std_error: float


@dataclass(frozen=True)
class EventStudy:
    """Event-time effects in diff-diff's order with their joint covariance (None when it gives none)."""

    event_times: tuple[int, ...]
    estimates: np.ndarray
    vcov: np.ndarray | None


@dataclass(frozen=True)
class LeadTest:
    """The F form of a Wald test of pre-period (lead) indicators."""

    event_times: tuple[int, ...]
    f_statistic: float
    df: int


@dataclass(frozen=True, kw_only=True)
class Fit:
    """What the estimator modules use of one fitted diff-diff estimator.

    ``event_time``, ``by_cohort``, ``by_calendar`` and ``group_time`` are
    empty where the estimator does not give them; ``event_study`` carries the
    event-time covariance and ``uniform_critical`` the sup-t critical value of
    bootstrap bands.
    """

    overall: Effect
    event_time: dict[int, Effect] = field(default_factory=dict)
    by_cohort: dict[int, Effect] = field(default_factory=dict)
    by_calendar: dict[int, Effect] = field(default_factory=dict)
    group_time: dict[tuple[int, int], Effect] = field(default_factory=dict)
    event_study: EventStudy | None = None
    uniform_critical: float | None = None


@dataclass(frozen=True, kw_only=True)
class ImputationFit(Fit):
    """The imputation estimator's fit with its own pre-trend test."""

    lead_test: LeadTest


@dataclass(frozen=True, kw_only=True)
class PoissonFit(Fit):
    """The Poisson extended TWFE fit with the observations it reports using."""

    n_obs: int


@dataclass(frozen=True)
class HonestFit:
    """The average post-period effect and its robust 95% interval (lower, upper) for each M."""

    estimate: float
    std_error: float
    intervals: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class BaconFit:
    """The TWFE estimate and its 2x2 comparisons.

    ``comparisons`` has the columns ``treated``, ``control`` (a cohort or
    ``"never"``), ``kind``, ``estimate`` and ``weight``.
    """

    twfe_estimate: float
    comparisons: pd.DataFrame


def callaway_santanna(panel: StaggeredData, *, control: str, method: str, bootstrap: int,
                      seed: int | None) -> Fit:
    """``CallawaySantAnna`` (varying base period) with every aggregation and the event study's covariance.

    Unbalanced panels are passed as they are (``allow_unbalanced_panel``);
    ``uniform_critical`` is set only with bootstrap draws.
    """
    from diff_diff import CallawaySantAnna

    model = CallawaySantAnna(
        control_group=CONTROL_NAMES[control],
        estimation_method=method,
        n_bootstrap=bootstrap,
        seed=seed,
        cband=bootstrap > 0,
        allow_unbalanced_panel=not panel.balanced,
    )
    fitted = _quietly(lambda: model.fit(panel.frame, covariates=list(panel.covariates) or None, aggregate="all",
                                        **_columns(panel)))
    events = _quietly(lambda: fitted.aggregate("event_study"))
    critical = events.cband_crit_value if bootstrap > 0 else None
    return Fit(
        overall=Effect(float(fitted.overall_att), float(fitted.overall_se)),
        event_time=_effects(fitted.event_study_effects, "effect"),
        by_cohort=_effects(fitted.group_effects, "effect"),
        group_time=_cells(fitted.group_time_effects, "effect"),
        event_study=_event_study(events.event_time, events.att, events.vcov),
        uniform_critical=None if critical is None else float(critical),
    )


def honest_did(panel: StaggeredData, restriction: str, m_values: Sequence[float]) -> HonestFit:
    """``HonestDiD`` for each M on the Callaway–Sant'Anna event study (universal base period, never-treated
    controls, outcome regression)."""
    from diff_diff import CallawaySantAnna, HonestDiD

    events = _quietly(lambda: CallawaySantAnna(base_period="universal", estimation_method="reg").fit(
        panel.frame, aggregate="event_study", **_columns(panel)))
    method = HONEST_RESTRICTIONS[restriction]
    fits = _quietly(lambda: [HonestDiD(method=method, M=float(m)).fit(events) for m in m_values])
    return HonestFit(float(fits[0].original_estimate), float(fits[0].original_se),
                     tuple((float(f.ci_lb), float(f.ci_ub)) for f in fits))


def sun_abraham(panel: StaggeredData) -> Fit:
    """``SunAbraham`` with never-treated controls, standard errors clustered by unit."""
    from diff_diff import SunAbraham

    model = SunAbraham(control_group="never_treated", cluster="unit")
    fitted = _quietly(lambda: model.fit(panel.frame, covariates=list(panel.covariates) or None, **_columns(panel)))
    index = fitted.event_study_vcov_index
    return Fit(
        overall=Effect(float(fitted.overall_att), float(fitted.overall_se)),
        event_time=_effects(fitted.event_study_effects, "effect"),
        event_study=_event_study(index, [fitted.event_study_effects[e]["effect"] for e in index],
                                 fitted.event_study_vcov),
    )


def imputation(panel: StaggeredData, leads: int | None) -> ImputationFit:
    """``ImputationDiD`` clustered by unit, with every aggregation and its pre-trend test on ``leads`` leads
    (all of them when None)."""
    from diff_diff import ImputationDiD

    model = ImputationDiD(cluster="unit", pretrends=True)
    fitted = _quietly(lambda: model.fit(panel.frame, covariates=list(panel.covariates) or None, aggregate="all",
                                        **_columns(panel)))
    test = _quietly(lambda: fitted.pretrend_test(n_leads=leads))
    return ImputationFit(
        overall=Effect(float(fitted.overall_att), float(fitted.overall_se)),
        event_time=_effects(fitted.event_study_effects, "effect"),
        by_cohort=_effects(fitted.group_effects, "effect"),
        lead_test=LeadTest(tuple(int(e) for e in test["lead_coefficients"]), float(test["f_stat"]), int(test["df"])),
    )


def wooldridge_poisson(panel: StaggeredData) -> PoissonFit:
    """``WooldridgeDiD(method="poisson")`` with not-yet-treated controls, clustered by unit, aggregated by event
    time, cohort and period."""
    from diff_diff import WooldridgeDiD

    model = WooldridgeDiD(method="poisson", control_group="not_yet_treated", cluster="unit")
    fitted = _quietly(lambda: model.fit(panel.frame, exovar=list(panel.covariates) or None, **_columns(panel)))
    for kind in ("event", "group", "calendar"):
        _quietly(lambda kind=kind: fitted.aggregate(kind))  # type: ignore[misc]
    return PoissonFit(
        overall=Effect(float(fitted.overall_att), float(fitted.overall_se)),
        event_time=_effects(fitted.event_study_effects, "att"),
        by_cohort=_effects(fitted.group_effects, "att"),
        by_calendar=_effects(fitted.calendar_effects, "att"),
        group_time=_cells(fitted.group_time_effects, "att"),
        n_obs=int(fitted.n_obs),
    )


def bacon_decomposition(panel: StaggeredData) -> BaconFit:
    """``BaconDecomposition`` of the TWFE estimate (balanced panels)."""
    from diff_diff import BaconDecomposition

    fitted = _quietly(lambda: BaconDecomposition().fit(panel.frame, **_columns(panel)))
    table = fitted.to_dataframe()
    comparisons = pd.DataFrame(
        {
            "treated": table["treated_group"].astype(str),
            "control": table["control_group"].astype(str).replace(BACON_CONTROLS),
            "kind": table["comparison_type"].astype(str),
            "estimate": table["estimate"].astype(float),
            "weight": table["weight"].astype(float),
        }
    )
    return BaconFit(float(fitted.twfe_estimate), comparisons)


def _quietly(run: Callable[[], T]) -> T:
    """Run a library call with its advisory warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run()


def _columns(panel: StaggeredData) -> dict[str, str]:
    """The column arguments every diff-diff ``fit`` takes."""
    return {"outcome": panel.outcome, "unit": "unit", "time": "time", "first_treat": "cohort"}


def _effects(effects: Mapping[Any, Mapping[str, Any]] | None, key: str) -> dict[int, Effect]:
    """A diff-diff mapping of effects (``key`` names the estimate) keyed by integers; None gives none."""
    return {int(k): Effect(float(v[key]), float(v["se"])) for k, v in (effects or {}).items()}


def _cells(effects: Mapping[Any, Mapping[str, Any]], key: str) -> dict[tuple[int, int], Effect]:
    """diff-diff's group-time effects keyed by (cohort, period)."""
    return {(int(g), int(t)): Effect(float(v[key]), float(v["se"])) for (g, t), v in effects.items()}


def _event_study(event_times: Iterable[Any], estimates: Iterable[Any], vcov: Any) -> EventStudy:
    return EventStudy(tuple(int(e) for e in event_times), np.asarray(list(estimates), dtype=float),
                      None if vcov is None else np.asarray(vcov, dtype=float))
