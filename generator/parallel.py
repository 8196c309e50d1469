"""Independent work items run on every core: forked worker processes, each doing a share.

Used for rendering pages, where each page is written from data every process already holds:
workers are forked after the data are loaded, so nothing is pickled but item numbers and
what went wrong. A small job runs in this process (forking costs more than it saves).

A failure in a worker comes back as the same kind of error (an OSError keeps its errno and
file, so a full disk is reported as one) and stops the run; Ctrl+C reaches only this process,
which stops the workers.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Any, Callable

from generator import terminal
from generator.errors import BuildError

MIN_ITEMS_PER_WORKER = 150  # below this, a worker's start-up outweighs its share
CHUNK = 32  # items a worker does per round trip: progress stays smooth, overhead small

_work: Callable[[int], None] | None = None  # set before the fork; the workers inherit it


class WorkerFailure(Exception):
    """An error of a worker that cannot cross back as itself; keeps its type's name."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(message)
        self.type_name = type_name


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def workers_for(count: int, jobs: int | None) -> int:
    """Processes to use: `jobs` if given, else one per core, and never fewer than
    MIN_ITEMS_PER_WORKER items each."""
    wanted = jobs if jobs is not None else cores()
    return max(1, min(wanted, count // MIN_ITEMS_PER_WORKER))


def run(work: Callable[[int], None], count: int, words: str, jobs: int | None = None) -> None:
    """Call `work(i)` for i in range(count), with a progress bar "words" on a terminal."""
    workers = workers_for(count, jobs)
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        for i in terminal.counted(range(count), words):
            work(i)
        return
    global _work
    _work = work
    chunks = [range(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupts) as pool:
            bar = terminal.bar(count, words)
            for done, failure in pool.imap_unordered(_do_chunk, chunks):
                if failure is not None:
                    raise _rebuilt(failure)
                bar.update(done)
            bar.close()
    finally:
        _work = None


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _do_chunk(chunk: range) -> tuple[int, tuple[Any, ...] | None]:
    """Run one chunk in a worker: how many items it did, and what failed as plain values."""
    assert _work is not None
    try:
        for i in chunk:
            _work(i)
    except OSError as exc:
        return 0, ("os", exc.errno, exc.strerror or str(exc), exc.filename)
    except ValueError as exc:
        return 0, ("value", str(exc))
    except BuildError as exc:
        return 0, ("build", str(exc))
    except Exception as exc:
        return 0, ("other", type(exc).__name__, str(exc))
    return len(chunk), None


def _rebuilt(failure: tuple[Any, ...]) -> Exception:
    kind, *args = failure
    if kind == "os":
        errno_, message, filename = args
        return OSError(errno_, message, filename) if errno_ is not None else OSError(message)
    if kind == "value":
        return ValueError(*args)
    if kind == "build":
        return BuildError(*args)
    return WorkerFailure(*args)
