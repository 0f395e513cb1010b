"""Event-time estimates from the library's effects, and the joint pre-trend test of the leads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import numpy as np

from data_schemas.errors import InputError
from models.staggered.diff_diff_adapter import Effect, EventStudy
from models.staggered.results import Estimate, PretrendTest

T = TypeVar("T")


def event_estimates(effects: Mapping[int, Effect], critical: float | None = None) -> dict[int, Estimate]:
    """Estimates by event time, leaving out those without a finite estimate and a positive standard error
    (the reference periods)."""
    return {key: Estimate.normal(value.estimate, value.std_error, critical)
            for key, value in effects.items()
            if np.isfinite(value.estimate) and np.isfinite(value.std_error) and value.std_error > 0}


def pretrend(study: EventStudy | None, leads: int | None = None) -> PretrendTest | None:
    """Joint test of the pre-period (negative) event times, when there are any with a covariance.

    ``leads`` keeps only that many pre-period event times, those nearest the
    treatment; far leads rest on the few early-listed treated units of the
    earliest cohorts and can make the test meaningless.
    """
    if study is None or study.vcov is None:
        return None
    event_times, estimates, vcov = study.event_times, study.estimates, study.vcov
    pre = [i for i, e in enumerate(event_times) if e < 0 and np.isfinite(estimates[i]) and vcov[i, i] > 0]
    pre = nearest_leads(pre, [event_times[i] for i in pre], leads)
    if not pre:
        return None
    return PretrendTest.from_estimates(
        [event_times[i] for i in pre], estimates[pre], vcov[np.ix_(pre, pre)]
    )


def nearest_leads(items: list[T], event_times: list[int], leads: int | None) -> list[T]:
    """The ``leads`` items whose (negative) event times are nearest zero, all of them if ``leads`` is None."""
    if leads is None:
        return items
    if leads < 1:
        raise InputError(f"leads must be at least 1, got {leads}")
    order = sorted(range(len(items)), key=lambda i: -event_times[i])[:leads]
    return [items[i] for i in sorted(order)]
