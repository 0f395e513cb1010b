"""Shared pieces of the adapters around the ``diff_diff`` estimators."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from data_schemas.errors import InputError
from models.staggered.data import StaggeredData
from models.staggered.results import Estimate, PretrendTest

T = TypeVar("T")

#: diff-diff's names of the comparison units.
CONTROL_NAMES = {"never": "never_treated", "notyet": "not_yet_treated"}


def quietly(run: Callable[[], T]) -> T:
    """Run a library call with its advisory warnings silenced (our results carry the facts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run()


def is_balanced(data: StaggeredData) -> bool:
    """Whether every unit is observed in every period."""
    frame = data.frame
    return len(frame) == frame["unit"].nunique() * frame["time"].nunique()


def event_estimates(effects: dict[Any, dict[str, Any]], critical: float | None = None) -> dict[int, Estimate]:
    """Estimates by event time from a diff-diff ``event_study_effects`` mapping (reference rows left out)."""
    out = {}
    for key, value in effects.items():
        se = float(value["se"])
        if np.isfinite(value["effect"]) and np.isfinite(se) and se > 0:
            out[int(key)] = Estimate.normal(value["effect"], se, critical)
    return out


def pretrend(
    event_times: list[int], estimates: np.ndarray, vcov: np.ndarray | None, leads: int | None = None
) -> PretrendTest | None:
    """Joint test of the pre-period (negative) event times, when there are any with a covariance.

    ``leads`` keeps only that many pre-period event times, those nearest the
    treatment; far leads rest on the few early-listed treated units of the
    earliest cohorts and can make the test meaningless.
    """
    if vcov is None:
        return None
    vcov = np.asarray(vcov, dtype=float)
    pre = [i for i, e in enumerate(event_times) if e < 0 and np.isfinite(estimates[i]) and vcov[i, i] > 0]
    pre = nearest_leads(pre, [event_times[i] for i in pre], leads)
    if not pre:
        return None
    return PretrendTest.from_estimates(
        [event_times[i] for i in pre], estimates[pre], vcov[np.ix_(pre, pre)]
    )


def nearest_leads(items: list, event_times: list[int], leads: int | None) -> list:
    """The ``leads`` items whose (negative) event times are nearest zero, all of them if ``leads`` is None."""
    if leads is None:
        return items
    if leads < 1:
        raise InputError(f"leads must be at least 1, got {leads}")
    order = sorted(range(len(items)), key=lambda i: -event_times[i])[:leads]
    return [items[i] for i in sorted(order)]
