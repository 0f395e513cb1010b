"""runs.parallel: jobs side by side in worker processes give what they give one after another."""

from __future__ import annotations

import os
import warnings
from functools import partial
from pathlib import Path

import pytest

from data_schemas.errors import InputError
from runs.parallel import Workers, check_workers, usable_cores

#: tests of what only happens in another process (a machine with one core runs every job here)
in_workers = pytest.mark.skipif(usable_cores() < 2, reason="one core: the jobs run in this process")


def pid_and_square(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


def nested_pids() -> list[int]:
    with Workers(2) as workers:
        return workers.run([os.getpid, os.getpid])


def fail_with_input_error() -> None:
    raise InputError("duplicate firm-year", file="FS_Combas.csv", column="Stkcd", rows=[4, 9], fix="drop one")


def fail_after(seconds: float, name: str) -> None:
    import time

    time.sleep(seconds)
    raise ValueError(name)


def warn(text: str) -> int:
    warnings.warn(text, UserWarning, stacklevel=1)
    return len(text)


class Unpicklable(Exception):
    def __init__(self, problem, *, handle):
        super().__init__(problem)
        self.handle = handle

    def __reduce__(self):
        raise TypeError("cannot pickle a handle")


def hold_a_temporary_folder(folder: str) -> None:
    import tempfile
    import time

    with tempfile.TemporaryDirectory(dir=folder) as held:
        (Path(held) / "pid").write_text(str(os.getpid()))
        time.sleep(60)


def fail_unpicklably() -> None:
    error = Unpicklable("the solver broke", handle=object())
    error.add_note("chokepoint step: drawing figure x")
    raise error


@in_workers
def test_values_come_back_in_the_order_of_the_jobs_from_other_processes():
    with Workers(2) as workers:
        values = workers.run([partial(pid_and_square, v) for v in range(6)])
    assert [v for v, _ in values] == [0, 1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for _, pid in values}


def thread_limits() -> tuple[set[int], str | None]:
    import numpy  # noqa: F401  (its BLAS)
    from threadpoolctl import threadpool_info

    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}, os.environ.get(
        "RAYON_NUM_THREADS")


def test_each_worker_runs_its_numerical_libraries_on_one_thread():
    with Workers(2) as workers:
        limits = workers.run([thread_limits, thread_limits])
    assert limits == [({1}, "1"), ({1}, "1")]


def test_this_process_is_held_to_one_thread_inside_the_block_only():
    before = thread_limits()
    with Workers(1):
        assert thread_limits() == ({1}, "1")
    assert thread_limits() == before


def test_one_worker_runs_the_jobs_here_in_order():
    finished = []
    with Workers(1) as workers:
        values = workers.run([os.getpid] * 3, done=finished.append)
    assert values == [os.getpid()] * 3
    assert finished == [0, 1, 2]


def test_every_finished_job_is_announced_once():
    finished = []
    with Workers(2) as workers:
        workers.run([partial(abs, -v) for v in range(5)], done=finished.append)
    assert sorted(finished) == [0, 1, 2, 3, 4]


def test_a_worker_runs_its_own_jobs_one_after_another():
    with Workers(2) as workers:
        first, second = workers.run([nested_pids, nested_pids])
    assert len(set(first)) == 1 and len(set(second)) == 1


def test_an_input_error_in_a_worker_keeps_its_file_column_rows_and_fix():
    with Workers(2) as workers, pytest.raises(InputError) as raised:
        workers.run([partial(abs, 1), fail_with_input_error])
    assert raised.value.message == "FS_Combas.csv: column 'Stkcd': duplicate firm-year (rows 4, 9); drop one"
    assert raised.value.rows == [4, 9]


def test_the_failure_reported_is_the_first_in_order_as_in_a_run_one_at_a_time():
    with Workers(2) as workers, pytest.raises(ValueError, match="^first$"):
        workers.run([partial(fail_after, 0.5, "first"), partial(fail_after, 0.0, "second")])


@in_workers
def test_an_exception_that_cannot_travel_comes_back_with_its_type_message_and_step():
    with Workers(2) as workers, pytest.raises(RuntimeError) as raised:
        workers.run([fail_unpicklably, partial(abs, 1)])
    assert str(raised.value) == "Unpicklable: the solver broke"
    assert raised.value.__notes__ == ["chokepoint step: drawing figure x"]


def test_warnings_raised_in_workers_are_raised_here_in_job_order():
    with Workers(2) as workers, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert workers.run([partial(warn, "only 3 clusters"), partial(warn, "dropped x")]) == [15, 9]
    assert [str(w.message) for w in caught] == ["only 3 clusters", "dropped x"]
    assert all(w.category is UserWarning for w in caught)


@in_workers
def test_a_worker_that_dies_is_an_error_not_a_wait():
    with Workers(2) as workers, pytest.raises(RuntimeError, match="^a worker process stopped abruptly"):
        workers.run([partial(os._exit, 3), partial(abs, 1)])


@in_workers
def test_a_follow_up_whose_worker_dies_is_an_error_not_a_wait():
    with Workers(2) as workers, pytest.raises(RuntimeError, match="^a worker process stopped abruptly"):
        workers.run_then([partial(abs, 1)], lambda index, value: [(partial(os._exit, 3), 1.0)])


def test_no_more_workers_start_than_there_are_cores():
    with Workers(10 * usable_cores()) as workers:
        pids = workers.run([partial(pid_and_square, v) for v in range(4 * usable_cores())])
    assert workers.count == usable_cores()
    assert len({pid for _, pid in pids}) <= usable_cores()


@in_workers
def test_ctrl_c_in_a_worker_lets_its_job_clean_up_before_it_leaves(tmp_path):
    import signal
    import threading
    import time

    raised: list[BaseException] = []

    def run() -> None:
        with Workers(2) as workers:
            try:
                workers.run([partial(hold_a_temporary_folder, str(tmp_path)), partial(abs, 1)])
            except BaseException as exc:
                raised.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    for _ in range(300):
        pids = list(tmp_path.glob("*/pid"))
        if pids:
            break
        time.sleep(0.1)
    os.kill(int(pids[0].read_text()), signal.SIGINT)
    thread.join(timeout=60)
    assert [str(exc) for exc in raised] == ["a worker process stopped abruptly (out of memory, or a crash in compiled "
                                            "code); rerun with --jobs 1 to see where"]
    assert list(tmp_path.iterdir()) == []  # its temporary folder went with it


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_a_worker_count_below_one_or_not_whole_is_refused(workers):
    with pytest.raises(InputError, match="^--jobs must be a whole number of at least 1"):
        check_workers(workers)


def test_the_usable_cores_are_at_least_one():
    assert usable_cores() >= 1


def count_to(value: int) -> list[int]:
    return list(range(value))


def follow_ups_of(index: int, value: list[int]) -> list[tuple[partial, float]]:
    """Follow-ups: the square of each number the first job gave (the largest number handed out first)."""
    return [(partial(pid_and_square, number), float(number)) for number in value]


def ran_order(index: int, value: int) -> list[tuple[partial, float]]:
    return [(partial(warn, f"follow-up {index}.{k}"), float(k)) for k in range(2)]


@pytest.mark.parametrize("count", [1, 2])
def test_run_then_gives_each_first_value_with_its_follow_ups_in_order(count):
    finished = []
    with Workers(count) as workers:
        values = workers.run_then([partial(count_to, n) for n in (3, 0, 2)], follow_ups_of, done=finished.append)
    assert [(first, [square for square, _ in follow]) for first, follow in values] == [
        ([0, 1, 2], [0, 1, 4]), ([], []), ([0, 1], [0, 1])]
    assert sorted(finished) == [0, 1, 2]


@pytest.mark.parametrize("count", [1, 2])
def test_run_then_raises_warnings_in_the_order_of_a_run_one_job_after_another(count):
    with Workers(count) as workers, warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        workers.run_then([partial(warn, "first 0"), partial(warn, "first 1")], ran_order)
    assert [str(r.message) for r in records] == [
        "first 0", "follow-up 0.0", "follow-up 0.1", "first 1", "follow-up 1.0", "follow-up 1.1"]


def fail_if_late(index: int, value: object) -> list[tuple[partial, float]]:
    """A follow-up of the first job that fails late: a run in order meets it before the second job's failure."""
    return [(partial(fail_after, 1.0, "follow-up of job 0"), 1.0)] if index == 0 else []


@in_workers
@pytest.mark.parametrize("count", [1, 2])
def test_run_then_raises_the_failure_a_run_in_order_meets_first(count):
    with Workers(count) as workers, pytest.raises(ValueError, match="follow-up of job 0"):
        workers.run_then([partial(abs, -1), partial(fail_after, 0.2, "job 1")], fail_if_late)


def make_folder(path: str) -> int:
    os.mkdir(path)
    return os.stat(path).st_mode & 0o777


@in_workers
def test_workers_create_files_with_the_callers_mask_of_the_moment(tmp_path):
    previous = os.umask(0o022)
    try:
        with Workers(2) as workers:
            workers.run([partial(abs, -1), partial(abs, -2)])  # the fork server and workers start with 022
            os.umask(0o002)
            modes = workers.run([partial(make_folder, str(tmp_path / name)) for name in ("a", "b")])
            os.umask(0o027)
            staged = workers.run_then([partial(make_folder, str(tmp_path / "c"))], lambda i, mode: [])
    finally:
        os.umask(previous)
    assert modes == [0o775, 0o775] and staged[0][0] == 0o750
