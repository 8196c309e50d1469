"""generator/parallel.py: work items done once each in forked workers, and a worker's failure
reaching the build as the same kind of error (a full disk stays a full disk)."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from generator import parallel
from generator.errors import BuildError

COUNT = 2 * parallel.MIN_ITEMS_PER_WORKER + 7  # enough for two workers, and a short last chunk


def test_every_item_is_done_exactly_once_in_two_workers(tmp_path: Path) -> None:
    def work(i: int) -> None:
        with (tmp_path / f"{i}.done").open("a", encoding="utf-8") as f:
            f.write(f"{i}\n")

    assert parallel.workers_for(COUNT, 2) == 2
    parallel.run(work, COUNT, "测试", jobs=2)
    done = sorted(int(p.stem) for p in tmp_path.iterdir())
    assert done == list(range(COUNT))
    assert all(p.read_text(encoding="utf-8") == f"{p.stem}\n" for p in tmp_path.iterdir())


def test_small_jobs_and_one_job_stay_in_this_process() -> None:
    assert parallel.workers_for(parallel.MIN_ITEMS_PER_WORKER - 1, 8) == 1
    assert parallel.workers_for(10_000, 1) == 1
    assert parallel.workers_for(10_000, 3) == 3


def _fail_at(n: int, exc: Exception):
    def work(i: int) -> None:
        if i == n:
            raise exc
    return work


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_in_a_worker_is_an_oserror_with_its_file(jobs: int) -> None:
    work = _fail_at(COUNT - 3, OSError(errno.ENOSPC, "No space left on device", "/满/页面.html"))
    with pytest.raises(OSError) as caught:
        parallel.run(work, COUNT, "测试", jobs=jobs)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == "/满/页面.html"


@pytest.mark.parametrize("exc, kind", [(ValueError("两个页面要用同一个地址"), ValueError),
                                       (BuildError("生成失败"), BuildError)])
def test_value_and_build_errors_cross_back_as_themselves(exc: Exception, kind: type) -> None:
    with pytest.raises(kind, match=str(exc)):
        parallel.run(_fail_at(5, exc), COUNT, "测试", jobs=2)


def test_any_other_error_keeps_its_name_and_message() -> None:
    class UndefinedError(Exception):
        pass

    with pytest.raises(parallel.WorkerFailure, match="'districts' is undefined") as caught:
        parallel.run(_fail_at(200, UndefinedError("'districts' is undefined")), COUNT, "测试", jobs=2)
    assert caught.value.type_name == "UndefinedError"
