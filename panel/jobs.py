"""Lists of independent jobs: what runs them, and in which order.

A *job* is a callable without arguments; a *job runner* takes a list of jobs
and returns their values in order: :func:`one_after_another` here, or
:meth:`runs.parallel.Workers.run` on worker processes (jobs must then pickle).

Examples
--------
>>> largest_first(None, [lambda: "small", lambda: "large"], sizes=[1, 10])
['small', 'large']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: a job: a callable without arguments
Job = Callable[[], Any]
#: runs a list of jobs and returns their values in the jobs' order
JobRunner = Callable[[list[Job]], list[Any]]


def one_after_another(jobs: list[Job], *, done: Callable[[int], None] | None = None) -> list[Any]:
    """Run the jobs here, in order; ``done`` is called with each job's index as it finishes."""
    values = []
    for index, job in enumerate(jobs):
        values.append(job())
        if done is not None:
            done(index)
    return values


def largest_first(run: JobRunner | None, jobs: Sequence[Job], sizes: Sequence[float]) -> list[Any]:
    """Run the jobs largest first (by ``sizes``, a proxy of their cost); return their values in the jobs' order.

    On several workers the long jobs start first and the short ones fill the
    gaps, so the last to finish is a short one. ``run`` is a job runner
    (:func:`one_after_another` if None); the first failure in the largest-first
    order is raised, whatever the runner.
    """
    order = sorted(range(len(jobs)), key=lambda i: -sizes[i])  # stable: equal sizes keep their order
    values = (run or one_after_another)([jobs[i] for i in order])
    ordered: list[Any] = [None] * len(jobs)
    for index, value in zip(order, values):
        ordered[index] = value
    return ordered
