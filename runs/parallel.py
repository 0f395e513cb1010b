"""Independent jobs of a run side by side in worker processes, or one after another.

A run's studies, once their data are loaded, are estimated independently of each
other, and every figure and table of every bundle is drawn independently too.
:class:`Workers` runs such jobs on worker processes started when the run starts,
so that they import the estimators and the plotting library while the run reads
its data.  The workers come from a fork server (a clean process that imported
those modules and forks a worker per slot): a worker is never a copy of a process
whose libraries already started threads, which compiled libraries do not
survive (a fork of a process that has used a Rust thread pool waits for ever).

A job is a picklable callable without arguments (a module-level function or a
:func:`functools.partial` of one); its value, its exception and its warnings
come back pickled.  With one worker, on a platform without a fork server, or
inside a worker, the jobs run one after another in this process.  Inside the
block every process runs its numerical libraries on one thread, so the values
are the same to the last digit whatever the number of workers or of cores.

Examples
--------
>>> from functools import partial
>>> with Workers(2) as workers:
...     workers.run([partial(pow, 2, 10), partial(abs, -4)])
[1024, 4]
"""

from __future__ import annotations

import heapq
import math
import multiprocessing
import os
import pickle
import signal
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from types import TracebackType
from typing import Any, TypeVar

from panel.jobs import one_after_another

T = TypeVar("T")

#: whether this process is a worker (its own jobs then run one after another)
_in_worker = False
#: whether this worker is running a job (Ctrl-C then interrupts the job, which cleans up before the worker leaves)
_in_job = False

#: the variable Rust's rayon thread pool reads for its size
RAYON_THREADS = "RAYON_NUM_THREADS"

#: a warning raised in a worker, as it travels back: message, category, file, line
CaughtWarning = tuple[str, type[Warning], str, int]


def usable_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_workers(workers: int) -> int:
    """``workers`` when it is a whole number of at least 1.

    Raises
    ------
    InputError
        For zero, a negative number or a fraction.
    """
    from data_schemas.errors import InputError

    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"--jobs must be a whole number of at least 1, got {workers!r}",
                         fix=f"give 1 to run one job at a time, or up to {usable_cores()} (the cores available)")
    return workers


class Workers:
    """Up to ``count`` worker processes for a run's independent jobs, started on entering the block.

    Inside the block this process, too, runs its BLAS on one thread (put back
    on leaving) and starts a Rust thread pool (diff-diff's) with one thread.

    Parameters
    ----------
    count : int
        The most jobs to run at once; 1 runs every job in this process.  No
        more workers are started than this process has cores: the jobs are
        computations, which more processes than cores only slow down (and a
        mistyped ``--jobs 1000`` would fork a thousand processes).
    preload : sequence of str
        Modules the fork server imports once before it forks the workers (what
        the jobs will need), so no worker imports them again.
    """

    def __init__(self, count: int, *, preload: Sequence[str] = ()) -> None:
        self.count = min(check_workers(count), usable_cores())
        self.preload = list(preload)
        self._pool: ProcessPoolExecutor | None = None
        self._restore: Callable[[], None] = _nothing

    def __enter__(self) -> Workers:
        self._restore = _one_thread_each()
        if self.count > 1 and not _in_worker and "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(self.preload)  # used when the fork server starts (once per process)
            _start_fork_server()
            self._pool = ProcessPoolExecutor(self.count, mp_context=context, initializer=_worker_started)
            # Start the fork server and every worker now, from a thread: the fork server
            # imports ``preload`` before it answers, while the caller goes on.
            threading.Thread(target=_start, args=(self._pool, self.count), daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._restore()

    def run(self, jobs: Sequence[Callable[[], T]], *, done: Callable[[int], None] | None = None) -> list[T]:
        """Run every job and return their values in order.

        Parameters
        ----------
        jobs : sequence of picklable callables without arguments
            What to run.
        done : callable, optional
            Called in this process with a job's index as each job finishes.

        Returns
        -------
        list
            The jobs' values, in the order of ``jobs``.  The warnings a job
            raised in a worker are raised again here, job by job in order.

        Raises
        ------
        Exception
            The exception of the first job in order that failed, the one a run
            in order would meet (an exception that cannot be pickled comes back
            as a ``RuntimeError`` with its type and message); the jobs after it
            are not started.
        RuntimeError
            If a worker process died (out of memory, a crash in compiled code).
        """
        if self._pool is None or len(jobs) <= 1:
            return one_after_another(list(jobs), done=done)
        return [value for value, _ in self.run_then(jobs, _no_follow_ups, done=done)]

    def run_then(self, jobs: Sequence[Callable[[], T]], then: Callable[[int, T], Sequence[tuple[Callable[[], Any], float]]],
                 *, done: Callable[[int], None] | None = None) -> list[tuple[T, list[Any]]]:
        """Run every job and, as soon as one finishes, the follow-up jobs its value calls for.

        A run draws a study's figures while other studies are still being
        estimated, instead of waiting for the last estimate.  Every job is
        handed to a worker only when one is free, the largest of those ready
        first (the jobs of ``jobs`` before any follow-up: they free more work),
        so that the last to finish is a short one (one more waits in the
        workers' queue, so that no worker waits for a job to be pickled).

        Parameters
        ----------
        jobs : sequence of picklable callables without arguments
            The first jobs.
        then : callable
            Called here with a first job's index and value; returns its
            follow-up jobs, each with its size (a proxy of its cost).
        done : callable, optional
            Called here with a first job's index as it finishes.

        Returns
        -------
        list of (value, list)
            Each first job's value and the values of its follow-ups (in the
            order ``then`` gave them).  The warnings are raised here, and the
            exception raised is the first, in the order of a run one job after
            another: a first job, then its follow-ups, then the next first job.
        """
        if self._pool is None:
            return _one_then_another(jobs, then, done)
        return _Staged(self._pool, self.count, then, done, _umask()).run(jobs)


def _one_thread_each() -> Callable[[], None]:
    """The numerical libraries of this process run on one thread; returns what puts their limits back.

    Called in every worker as it starts and in the calling process for the
    block, so that no number depends on how many workers or cores there are
    (a multi-threaded BLAS adds up in another order) and that workers sharing
    the cores do not run a thread per core each, which busy-waiting thread
    pools (OpenBLAS, Rust's rayon) pay for dearly.
    """
    from threadpoolctl import threadpool_limits

    rayon = os.environ.get(RAYON_THREADS)
    os.environ[RAYON_THREADS] = "1"  # read when a Rust thread pool first starts
    limits = threadpool_limits(1)  # the BLAS libraries loaded so far (the fork server loaded the numerical ones)

    def restore() -> None:
        limits.restore_original_limits()
        if rayon is None:
            os.environ.pop(RAYON_THREADS, None)
        else:
            os.environ[RAYON_THREADS] = rayon

    return restore


def _start_fork_server() -> None:
    """Start the fork server (if it is not running) deaf to Ctrl-C, so that it never dies mid-import with a traceback.

    A signal ignored when a program starts stays ignored in it: the server is
    started with SIGINT ignored here (from the main thread, where signals can
    be set); its workers set their own handler (:func:`_worker_started`).
    """
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _worker_started() -> None:
    """In a new worker: Ctrl-C ends it quietly, and its libraries run on one thread.

    Ctrl-C at a terminal reaches every process of the run: the calling process
    says that the run was interrupted and removes what was staged.  A worker
    in a job lets the job unwind first (its temporary folders, DuckDB's scratch
    among them, are removed), then leaves; an idle worker leaves at once.
    Neither prints a traceback of its own, which would only clutter the terminal.
    """
    signal.signal(signal.SIGINT, _on_ctrl_c)
    _one_thread_each()


def _on_ctrl_c(signum: int, frame: object) -> None:
    """Interrupt the running job (:func:`_run_job` then leaves), or end an idle worker now."""
    if _in_job:
        raise KeyboardInterrupt
    _leave(signum)


def _leave(signum: int) -> None:
    """End the worker process now, with the exit status of a process killed by ``signum``."""
    os._exit(128 + signum)


def _nothing() -> None:
    """Nothing to put back."""


def _start(pool: ProcessPoolExecutor, count: int) -> None:
    """Have ``pool`` start ``count`` workers (it starts one per job submitted while none is idle)."""
    with suppress(Exception):  # shut down before it started, or a worker died (Ctrl-C): run() reports it
        for _ in range(count):
            pool.submit(int)


def _no_follow_ups(index: int, value: Any) -> list[tuple[Callable[[], Any], float]]:
    """No job follows (:meth:`Workers.run` is :meth:`Workers.run_then` without follow-ups)."""
    return []


def _one_then_another(jobs: Sequence[Callable[[], T]], then: Callable[[int, T], Sequence[tuple[Callable[[], Any], float]]],
                      done: Callable[[int], None] | None) -> list[tuple[T, list[Any]]]:
    """:meth:`Workers.run_then` here: each job, then its follow-ups, in order."""
    values: list[tuple[T, list[Any]]] = []
    for index, job in enumerate(jobs):
        value = job()
        if done is not None:
            done(index)
        values.append((value, one_after_another([follow_up for follow_up, _ in then(index, value)])))
    return values


class _Staged:
    """The scheduler of :meth:`Workers.run_then` (and so of :meth:`Workers.run`) on a pool.

    Every job has a key in the order of a run one after another: ``(i,)`` for
    first job ``i``, ``(i, k)`` for its ``k``-th follow-up.  After a failure
    only jobs before it in that order are still handed out, so the failure
    raised is the one such a run would meet.
    """

    def __init__(self, pool: ProcessPoolExecutor, workers: int, then: Callable[[int, Any], Sequence[tuple[Callable[[], Any], float]]],
                 done: Callable[[int], None] | None, umask: int) -> None:
        self.pool, self.workers, self.then, self.done, self.umask = pool, workers, then, done, umask
        self.ready: list[tuple[float, tuple[int, ...], Callable[[], Any]]] = []  # a heap: largest size, then key
        self.running: dict[Future, tuple[int, ...]] = {}
        self.values: dict[tuple[int, ...], Any] = {}
        self.caught: dict[tuple[int, ...], list[CaughtWarning]] = {}
        self.failures: dict[tuple[int, ...], Exception] = {}
        self.follow_ups: dict[int, int] = {}

    def run(self, jobs: Sequence[Callable[[], Any]]) -> list[tuple[Any, list[Any]]]:
        for index, job in enumerate(jobs):
            heapq.heappush(self.ready, (-math.inf, (index,), job))
        try:
            self._hand_out()
            while self.running:
                finished, _ = wait(self.running, return_when=FIRST_COMPLETED)
                for future in finished:
                    self._finished(self.running.pop(future), future)
                self._hand_out()
        finally:
            for future in self.running:
                future.cancel()
        keys = sorted(self.caught)
        if self.failures:
            first = min(self.failures)
            _warn_again(self.caught, keys=[key for key in keys if key <= first])
            raise self.failures[first]
        _warn_again(self.caught, keys=keys)
        return [(self.values[(index,)], [self.values[(index, k)] for k in range(self.follow_ups[index])])
                for index in range(len(jobs))]

    def _hand_out(self) -> None:
        """Submit the largest ready jobs while a worker is free, and one more; after a failure only those before it."""
        while self.ready and len(self.running) <= self.workers:
            _, key, job = heapq.heappop(self.ready)
            if self.failures and key > min(self.failures):
                continue
            self.running[self.pool.submit(_run_job, job, self.umask)] = key

    def _finished(self, key: tuple[int, ...], future: Future) -> None:
        value, self.caught[key], failure = _outcome(future)
        if failure is not None:
            self.failures[key] = failure
            return
        self.values[key] = value
        if len(key) == 1:
            if self.done is not None:
                self.done(key[0])
            follow_ups = self.then(key[0], value)
            self.follow_ups[key[0]] = len(follow_ups)
            for number, (job, size) in enumerate(follow_ups):
                heapq.heappush(self.ready, (-size, (key[0], number), job))


def _outcome(future: Future) -> tuple[Any, list[CaughtWarning], Exception | None]:
    """What :func:`_run_job` returned for a finished job; a ``RuntimeError`` if its worker died."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise RuntimeError("a worker process stopped abruptly (out of memory, or a crash in compiled code); "
                           "rerun with --jobs 1 to see where") from exc


def _warn_again(caught: dict[Any, list[CaughtWarning]], *, keys: Sequence[Any]) -> None:
    """Raise here the warnings of the jobs ``keys``, in that order."""
    for key in keys:
        for message, category, filename, lineno in caught.get(key, ()):
            warnings.warn_explicit(message, category, filename, lineno)


def _umask() -> int:
    """This process's file-creation mask (read by setting it, and put back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _run_job(job: Callable[[], Any], umask: int) -> tuple[Any, list[CaughtWarning], Exception | None]:
    """In a worker: the job's value (or the exception it raised) and the warnings it raised.

    The job creates files with the caller's mask ``umask``: the worker's is the
    fork server's, which the caller may have changed since it started.
    """
    global _in_worker, _in_job
    _in_worker = _in_job = True
    os.umask(umask)
    try:
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            try:
                value, failure = job(), None
            except Exception as exc:
                value, failure = None, _picklable(exc)
    except KeyboardInterrupt:  # the job has unwound and cleaned up after itself
        _leave(signal.SIGINT)
    finally:
        _in_job = False
    return value, [(str(w.message), w.category, w.filename, w.lineno) for w in records], failure


def _picklable(exc: Exception) -> Exception:
    """``exc`` itself when it survives pickling, else a ``RuntimeError`` with its type, message and notes."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        stand_in = RuntimeError(f"{type(exc).__name__}: {exc}")
        for note in getattr(exc, "__notes__", ()):
            stand_in.add_note(note)
        return stand_in
