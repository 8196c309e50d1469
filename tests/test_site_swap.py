"""Replacing the output folder (issue 9): never missing, one build at a time, leftovers of
killed builds cleaned and ignored by git, disk full and Ctrl+C end in a Chinese message with
the previous site untouched."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from generator import build, cli, outdir, search
from generator.build import build_site
from generator.errors import BuildError
from generator.outdir import WAITING_MESSAGE, recover_site

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "site_data"
CONFIG = ROOT / "mkdocs.yml"
OLD_MARK = "<!-- 上一次生成的网站 -->".encode()


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    """What a build of site_data (without the index) produces: the "new" site of every test."""
    out = tmp_path_factory.mktemp("reference") / "site"
    build_site(DATA, out, config_file=CONFIG, search=False)
    return out


@pytest.fixture
def old_site(tmp_path, new_site) -> Path:
    """tmp_path/site holding a previous build (marked, so it differs from the new one)."""
    out = tmp_path.resolve() / "site"
    shutil.copytree(new_site, out)
    with (out / "index.html").open("ab") as handle:
        handle.write(OLD_MARK)
    return out


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def work_folders(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.build-*"))


def exchange_works(folder: Path) -> bool:
    a, b = folder / "probe-a", folder / "probe-b"
    a.mkdir()
    b.mkdir()
    try:
        return outdir._exchange(a, b)
    finally:
        shutil.rmtree(a)
        shutil.rmtree(b)


# ---- The output folder is never missing -----------------------------------------------------

def test_a_reader_always_finds_the_old_or_the_new_site_during_the_swap(old_site, monkeypatch):
    if not exchange_works(old_site.parent):
        pytest.skip("this file system cannot exchange two folders in one step (renameat2)")
    old_index = (old_site / "index.html").read_bytes()
    real_rename, real_replace = os.rename, os.replace

    def slow(real):  # widen any window in which a rename of the output leaves it missing
        def rename(src, dst, *args, **kwargs):
            if old_site in (Path(src), Path(dst)):
                time.sleep(0.3)
            return real(src, dst, *args, **kwargs)
        return rename

    monkeypatch.setattr(os, "rename", slow(real_rename))
    monkeypatch.setattr(os, "replace", slow(real_replace))
    seen: list[bytes | None] = []
    done = threading.Event()

    def read_while_building() -> None:
        while not done.is_set():
            try:
                seen.append((old_site / "index.html").read_bytes())
            except FileNotFoundError:
                seen.append(None)
            time.sleep(0.001)

    reader = threading.Thread(target=read_while_building)
    reader.start()
    try:
        build_site(DATA, old_site, config_file=CONFIG, search=False)
    finally:
        done.set()
        reader.join()
    new_index = (old_site / "index.html").read_bytes()
    assert None not in seen, "the output folder was missing while it was replaced"
    assert not new_index.endswith(OLD_MARK)
    assert set(seen) == {old_index, new_index}  # the reader saw the swap happen
    assert beside(old_site) == ["site"]


KILLED_BUILD = textwrap.dedent('''
    import os, shutil, sys
    from pathlib import Path
    import generator.build as build
    import generator.outdir as outdir

    mode, data, out, config = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    if mode == "renames":  # a file system without renameat2: the two-rename swap
        outdir._exchange = lambda a, b: False
        real_rename = os.rename
        def rename(src, dst):
            if Path(dst) == out:
                os._exit(137)  # killed (power cut, SIGKILL) between the two renames
            real_rename(src, dst)
        os.rename = rename
    else:
        real_rmtree = shutil.rmtree
        def rmtree(path, *args, **kwargs):
            if Path(path).name.startswith(".site.build-"):
                os._exit(137)  # killed after the swap, before its work folder is deleted
            real_rmtree(path, *args, **kwargs)
        shutil.rmtree = rmtree
    build.build_site(data, out, config_file=config, search=False)
''')


def run_killed_build(mode: str, out: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_BUILD, mode, str(DATA), str(out), str(CONFIG)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 137, done.stderr


@pytest.mark.parametrize("how", ["recover_site", "next build"])
def test_a_build_killed_between_the_two_renames_is_rolled_forward(old_site, new_site, how):
    run_killed_build("renames", old_site)
    [work] = work_folders(old_site)
    # Killed half-way: both whole sites are on disk, and the journal entry says which is new.
    assert (work / "previous" / "index.html").read_bytes().endswith(OLD_MARK)
    new = digest_tree(work / "site")
    assert sorted(new) == sorted(digest_tree(new_site))  # complete
    if how == "recover_site":  # what `serve --no-build` does before serving
        assert recover_site(old_site)
        assert digest_tree(old_site) == new
    else:
        build_site(DATA, old_site, config_file=CONFIG, search=False)
        assert sorted(digest_tree(old_site)) == sorted(new)
    assert not (old_site / "index.html").read_bytes().endswith(OLD_MARK)
    assert beside(old_site) == ["site"]


def test_a_build_killed_after_the_exchange_leaves_the_new_site_in_place(old_site, new_site):
    run_killed_build("exchange", old_site)
    # In place before any repair: the new site at the output, the old one in the work folder.
    assert sorted(digest_tree(old_site)) == sorted(digest_tree(new_site))
    assert not (old_site / "index.html").read_bytes().endswith(OLD_MARK)
    [work] = work_folders(old_site)
    assert (work / "site" / "index.html").read_bytes().endswith(OLD_MARK)
    assert recover_site(old_site)
    assert beside(old_site) == ["site"]


def test_a_crash_of_the_older_two_rename_swap_is_rolled_back(old_site):
    """Older versions moved site/ to .site.old-XXXX/site before putting the new one in place."""
    before = digest_tree(old_site)
    stale = old_site.parent / ".site.old-k3x9q2"
    stale.mkdir()
    os.rename(old_site, stale / "site")
    assert recover_site(old_site)
    assert digest_tree(old_site) == before
    assert beside(old_site) == ["site"]


@pytest.mark.parametrize("failure, raised", [(KeyboardInterrupt(), KeyboardInterrupt),
                                             (OSError(errno.ENOSPC, "No space left on device"), BuildError)])
def test_a_failed_second_rename_puts_the_old_site_back(old_site, monkeypatch, failure, raised):
    before = digest_tree(old_site)
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)
    real_rename = os.rename

    def rename(src, dst, *args, **kwargs):
        if Path(dst) == old_site and Path(src).name == "site":  # the new site going in place
            raise failure
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(raised):
        build_site(DATA, old_site, config_file=CONFIG, search=False)
    assert digest_tree(old_site) == before
    assert beside(old_site) == ["site"]


# ---- One build at a time --------------------------------------------------------------------

def test_a_second_build_waits_for_the_first_to_finish(tmp_path, monkeypatch, capsys):
    out = tmp_path / "site"
    log: list[tuple[str, str]] = []
    first_inside, release = threading.Event(), threading.Event()
    real_mkdocs = build._run_mkdocs

    def logged_mkdocs(*args, **kwargs):
        name = threading.current_thread().name
        log.append(("start", name))
        if name == "first":
            first_inside.set()
            assert release.wait(120)
        real_mkdocs(*args, **kwargs)
        log.append(("end", name))

    monkeypatch.setattr(build, "_run_mkdocs", logged_mkdocs)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            build_site(DATA, out, config_file=CONFIG, search=False)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    first = threading.Thread(target=run, name="first")
    second = threading.Thread(target=run, name="second")
    first.start()
    try:
        assert first_inside.wait(120)
        second.start()
        stderr = ""

        def second_is_waiting() -> bool:
            nonlocal stderr
            stderr += capsys.readouterr().err
            return WAITING_MESSAGE in stderr

        wait_for(second_is_waiting, "the waiting message")
        assert log == [("start", "first")]  # the second has not got past the lock
    finally:
        release.set()
        first.join()
        if second.ident:
            second.join()
    assert errors == []
    assert log == [("start", "first"), ("end", "first"), ("start", "second"), ("end", "second")]
    assert (out / "index.html").is_file()
    assert beside(out) == ["site"]  # no work folder, no lock file


HOLDING_BUILD = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    import generator.build as build

    data, out, config, signals = map(Path, sys.argv[1:5])
    real = build._run_mkdocs
    def waiting(*args, **kwargs):
        (signals / "inside").touch()
        deadline = time.monotonic() + 120
        while not (signals / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        real(*args, **kwargs)
    build._run_mkdocs = waiting
    build.build_site(data, out, config_file=config, search=False)
''')


def test_a_build_that_waits_too_long_says_why(tmp_path, capsys):
    out, signals = tmp_path / "out" / "site", tmp_path / "signals"
    signals.mkdir()
    other = subprocess.Popen([sys.executable, "-c", HOLDING_BUILD, str(DATA), str(out), str(CONFIG), str(signals)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (signals / "inside").exists() or other.poll() is not None, "the other build")
        started = time.monotonic()
        with pytest.raises(BuildError) as caught:
            build_site(DATA, out, config_file=CONFIG, search=False, lock_timeout=1)
        assert time.monotonic() - started >= 1
        assert "另一个生成过程" in str(caught.value) and str(out.parent / ".site.lock") in str(caught.value)
        assert WAITING_MESSAGE in capsys.readouterr().err
    finally:
        (signals / "go").touch()
        _, stderr = other.communicate(timeout=300)
    assert other.returncode == 0, stderr
    assert (out / "index.html").is_file()
    assert beside(out) == ["site"]


# ---- Leftovers of killed builds -------------------------------------------------------------

def test_leftovers_of_a_killed_build_are_removed_next_time_and_ignored_by_git(old_site, new_site):
    killed = subprocess.Popen([sys.executable, "-m", "generator", "build", "--out", str(old_site), "--no-search"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: any((w / "docs").is_dir() for w in work_folders(old_site)) or killed.poll() is not None,
                 "the build's work folder")
    finally:
        killed.kill()
        killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    (old_site.parent / ".site.old-k3x9q2" / "site").mkdir(parents=True)  # left by an older version
    leftovers = [name for name in beside(old_site) if name != "site"]
    assert len(leftovers) >= 3 and ".site.lock" in leftovers
    names = [name + "/" if (old_site.parent / name).is_dir() else name for name in leftovers]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "--", *names], cwd=ROOT,
                             capture_output=True, text=True)
    assert sorted(ignored.stdout.split()) == sorted(names), ignored.stderr

    build_site(DATA, old_site, config_file=CONFIG, search=False)
    assert beside(old_site) == ["site"]
    assert sorted(digest_tree(old_site)) == sorted(digest_tree(new_site))
    assert not (old_site / "index.html").read_bytes().endswith(OLD_MARK)


# ---- Disk full and Ctrl+C -------------------------------------------------------------------

def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "/磁盘/满了.html")


@pytest.mark.parametrize("step", ["render", "mkdocs", "search", "swap"])
def test_disk_full_in_any_step_keeps_the_old_site(old_site, monkeypatch, step):
    before = digest_tree(old_site)
    target = {"render": (build.render, "render_pages"), "mkdocs": (build, "mkdocs_build"),
              "search": (search, "make_reproducible"), "swap": (outdir, "_exchange")}[step]
    monkeypatch.setattr(*target, _disk_full)
    with pytest.raises(BuildError) as caught:
        build_site(DATA, old_site, config_file=CONFIG, search=step == "search")
    assert "磁盘空间不足" in str(caught.value) and "/磁盘/满了.html" in str(caught.value)
    assert digest_tree(old_site) == before
    assert beside(old_site) == ["site"]


def test_disk_full_through_the_command_line_is_a_message(old_site, monkeypatch, capsys):
    before = digest_tree(old_site)
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(build, "mkdocs_build", _disk_full)
    assert cli.main(["build", "--out", str(old_site), "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "上一次生成的网站保持不变" in err and "Traceback" not in err
    assert digest_tree(old_site) == before


def test_ctrl_c_in_a_step_cancels_the_build_with_a_message(old_site, monkeypatch, capsys):
    before = digest_tree(old_site)
    monkeypatch.chdir(ROOT)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "_run_mkdocs", interrupted)
    assert cli.main(["build", "--out", str(old_site), "--no-search"]) == 130
    assert capsys.readouterr().err.strip() == "已取消生成，上一次生成的网站保持不变。"
    assert digest_tree(old_site) == before
    assert beside(old_site) == ["site"]


def test_sigint_during_a_build_exits_130_without_traceback(old_site):
    before = digest_tree(old_site)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--out", str(old_site), "--no-search"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: any((w / "docs").is_dir() for w in work_folders(old_site)) or proc.poll() is not None,
                 "the build's work folder")
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stdout + stderr
    assert "已取消生成，上一次生成的网站保持不变。" in stderr
    assert "Traceback" not in stderr
    assert digest_tree(old_site) == before
    assert beside(old_site) == ["site"]
