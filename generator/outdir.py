"""The output folder (`site/`): one build at a time, an atomic swap, repair after a kill, and
disk errors in plain Chinese. generator.build calls it; `serve --no-build` calls `recover_site`.

How the output folder is replaced (`publish`)
----------------------------------------------
`site/` stays a real folder: the publish workflow tars it for GitHub Pages, reviewers unzip it,
`serve` and the tests read it by path, and none of them need to know about symlinks.

- Linux swaps the two folders in one system call, `renameat2(RENAME_EXCHANGE)`: at every
  instant `site/` holds either the whole old site or the whole new one, even for a reader
  that is serving it. The old site ends up inside the work folder and goes with it.
- Where the file system cannot exchange (not Linux, some network file systems), two renames
  are used: `site/` -> `<work>/previous`, then `<work>/site` -> `site/`. Ctrl+C is ignored
  during the pair, and a failure of the second rename puts the old site back. Only a hard
  kill (power cut, SIGKILL) can stop between the two; then `<work>/previous` existing is the
  journal entry that says "the new site in <work>/site is complete", and the next build (or
  `serve --no-build`, see `recover_site`) rolls forward before doing anything else.

Two builds into the same output never interleave: each holds an exclusive `flock` on
`.site.lock` from creating its work folder to removing it. A second build waits (it says so
on stderr) up to `LOCK_TIMEOUT_S`, then fails with a BuildError. Holding the lock also means
every `.site.build-*` folder found at the start is a leftover of a killed build: they are
removed then (after the roll-forward). The lock file is deleted when the build ends, so a
clean build leaves nothing but `site/` behind.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, ContextManager, Iterator

from generator.errors import BuildError

LOCK_TIMEOUT_S = 15 * 60  # a large build takes minutes (docs/benchmarks.md); a stuck one must not block forever
_LOCK_POLL_S = 0.2
WAITING_MESSAGE = "另一个生成过程正在进行，等待它结束……"
PREVIOUS = "previous"  # <work>/previous: the old site half-way through a two-rename swap
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


def work_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.build-"


def _old_prefix(out_dir: Path) -> str:
    """What older versions of this tool named the old site's folder during a swap."""
    return f".{out_dir.name}.old-"


def _leftovers(out_dir: Path) -> list[Path]:
    """Work folders of killed builds (and old-site folders of older versions), newest first."""
    prefixes = (work_prefix(out_dir), _old_prefix(out_dir))
    found = [p for p in out_dir.parent.iterdir()
             if p.name.startswith(prefixes) and p.is_dir() and not p.is_symlink()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def _is_current(fd: int, path: Path) -> bool:
    """Whether the open file `fd` is still the one named `path` (a holder deletes it on release)."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _lock_or_none(path: Path, timeout: float, on_wait: Callable[[], None]) -> int | None:
    """An exclusive flock on `path` (its descriptor), or None when `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    waiting = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                return None
            if not waiting:
                waiting = True
                on_wait()
            time.sleep(_LOCK_POLL_S)
            continue
        except BaseException:
            os.close(fd)
            raise
        if _is_current(fd, path):
            return fd
        os.close(fd)  # we locked a file its holder had just deleted: lock the one at `path` now


@contextlib.contextmanager
def _holding(fd: int, path: Path) -> Iterator[None]:
    try:
        yield
    finally:
        # Deleted while still locked, so a waiter that then locks it sees it is stale (`_is_current`).
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


@contextlib.contextmanager
def output_lock(out_dir: Path, timeout: float) -> Iterator[None]:
    """Only one build at a time works beside `out_dir`; a second one waits up to `timeout` s."""
    path = _lock_path(out_dir)
    with guarded("准备输出文件夹", out_dir):
        fd = _lock_or_none(path, timeout, lambda: print(WAITING_MESSAGE, file=sys.stderr, flush=True))
    if fd is None:
        raise BuildError(
            f"另一个生成过程正在向 {out_dir} 生成网站，等了 {timeout:g} 秒还没有结束（锁文件 {path}）。"
            "请等它结束后再运行；如果确认没有别的生成在运行，请结束卡住的 python -m generator 进程后重试。"
        )
    with _holding(fd, path):
        yield


def _load_renameat2() -> Callable[..., int] | None:
    """glibc's renameat2 (Linux 3.15+, glibc 2.28+), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


_renameat2 = _load_renameat2()


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names `a` and `b` in one step; False where the system or file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _swap_by_renames(new: Path, out_dir: Path) -> None:
    """The fallback: two renames. While <work>/previous exists the new site is complete."""
    previous = new.parent / PREVIOUS
    os.rename(out_dir, previous)
    try:
        os.rename(new, out_dir)
    except BaseException:
        os.rename(previous, out_dir)
        raise


def publish(new: Path, out_dir: Path) -> None:
    """Put the finished site `new` (<work>/site) at `out_dir`. The old site, if any, ends up
    inside the work folder, which the caller deletes."""
    if not os.path.lexists(out_dir):
        os.rename(new, out_dir)  # the first build: nothing to keep
    elif not _exchange(new, out_dir):
        _swap_by_renames(new, out_dir)


@contextlib.contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ctrl+C has no effect inside the block: the swap is never left half-way by it. (Only
    the main thread receives signals; elsewhere there is nothing to do.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:  # None: the handler was not set from Python; the system default is the closest
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)


def _restorable(leftover: Path, out_dir: Path) -> list[Path]:
    """What in `leftover` can stand in for a missing `out_dir`, best first."""
    if leftover.name.startswith(_old_prefix(out_dir)):
        return [leftover / "site"]  # an older version moved the old site here, then died
    if (leftover / PREVIOUS).is_dir():
        return [leftover / "site", leftover / PREVIOUS]  # killed between the two renames
    return []  # a build killed before the swap: its site may be half-written


def _roll_forward(out_dir: Path, leftovers: list[Path]) -> None:
    """Put a site back at `out_dir` when a killed build left it missing."""
    if os.path.lexists(out_dir):
        return
    for leftover in leftovers:
        for candidate in _restorable(leftover, out_dir):
            if candidate.is_dir():
                os.rename(candidate, out_dir)
                print(f"上一次生成在替换网站文件夹时中断，已从 {candidate} 恢复 {out_dir}。", file=sys.stderr)
                return


def recover(out_dir: Path) -> None:
    """With the lock held: finish what a killed build left half-done, then remove its leftovers."""
    leftovers = _leftovers(out_dir)
    _roll_forward(out_dir, leftovers)
    for leftover in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)


def recover_site(out_dir: Path) -> bool:
    """Repair `out_dir` after a build was killed half-way through replacing it, unless a build
    is running now (it does the same first). For `serve --no-build`. True when it checked."""
    out_dir = Path(out_dir).resolve()
    if not out_dir.parent.is_dir():
        return False
    try:
        fd = _lock_or_none(_lock_path(out_dir), 0, lambda: None)
        if fd is None:
            return False
        with _holding(fd, _lock_path(out_dir)):
            recover(out_dir)
    except OSError:  # a read-only folder: nothing to repair there, and serving still works
        return False
    return True


# ---- Turning failures into messages ----------------------------------------------------------

_ERRNO_TEXT = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘是只读的",
    errno.EMFILE: "同时打开的文件太多",
    errno.EIO: "磁盘读写出错",
}


def _os_error_message(exc: OSError, step: str, out_dir: Path) -> str:
    """What went wrong on the disk during `step`, which file, and what to do, in Chinese."""
    where = exc.filename or out_dir.parent
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"磁盘空间不足：{step}时无法写入 {where}。生成时新旧两份网站会同时放在 {out_dir.parent}，"
                "请在这个磁盘上腾出空间（至少再放得下一份网站），然后重新生成。")
    reason = _ERRNO_TEXT.get(exc.errno, exc.strerror or str(exc))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"{step}时无法读写 {where}：{reason}。请检查这个文件夹的权限，"
                "或用 --out 换一个可以写入的输出文件夹。")
    return f"{step}时读写文件出错：{where}：{reason}。请检查这个文件或文件夹，然后重新生成。"


def _os_error_in(exc: BaseException | None) -> OSError | None:
    """The OSError that `exc` is or was raised from (`raise ... from`), if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__
    return None


def failure(exc: BaseException, step: str, out_dir: Path, message: str) -> BuildError:
    """The BuildError for `exc`: the disk's message when an OSError lies behind it, else `message`."""
    os_error = _os_error_in(exc)
    return BuildError(_os_error_message(os_error, step, out_dir) if os_error else message)


@contextlib.contextmanager
def guarded(step: str, out_dir: Path) -> Iterator[None]:
    """An OSError inside the block (disk full, no permission …) becomes a BuildError."""
    try:
        yield
    except OSError as exc:
        raise BuildError(_os_error_message(exc, step, out_dir)) from exc


@contextlib.contextmanager
def work_folder(out_dir: Path, lock_timeout: float,
                cleanup: Callable[[], ContextManager[object]] = contextlib.nullcontext) -> Iterator[Path]:
    """A new work folder beside `out_dir`, while holding its lock (after repairing what an
    interrupted build left); deleted on the way out, whatever happened, inside `cleanup()`
    (build_site times it). The caller builds in it and publishes from it."""
    with guarded("准备输出文件夹", out_dir):
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(out_dir, lock_timeout):
        with guarded("清理上次中断的生成留下的文件夹", out_dir):
            recover(out_dir)
            work = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=work_prefix(out_dir)))
        try:
            yield work
        finally:
            with cleanup():
                shutil.rmtree(work, ignore_errors=True)
