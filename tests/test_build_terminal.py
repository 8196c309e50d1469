"""A long build shows its stages and pages done of all on a terminal, and nothing of that in CI
logs (issue 14, point 2; generator/terminal.py).

The terminal case runs the real command in a pseudo-terminal, as a person at a shell would.
"""
from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

from tests.helpers import ROOT

STAGES = ("生成页面", "MkDocs 生成网页")
COUNTER = re.compile(r"(\d+)/(\d+) \[")


def _build_command(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--data", str(data), "--out", str(out), "--no-search"]


def _env(ci: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    return env


def _run_in_terminal(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `command` with stdout and stderr on a pseudo-terminal; return its exit code and output."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a usual terminal
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=600), b"".join(chunks).decode("utf-8", errors="replace")


def test_a_build_on_a_terminal_shows_its_stages_and_pages_done_of_all(data: Path, tmp_path: Path) -> None:
    code, output = _run_in_terminal(_build_command(data, tmp_path / "site"), _env(ci=False))
    assert code == 0, output
    for stage in STAGES:
        assert stage in output, output[-2000:]
    # tqdm's counter "done/all [time, rate页/s]", redrawn as pages are written (the finished bar
    # is cleared); all is every generated page: the site's pages less the hand-written ones.
    counts = [(int(done), int(total)) for done, total in COUNTER.findall(output)]
    generated = sum(1 for _ in (tmp_path / "site").rglob("index.html")) - len(list((ROOT / "content").glob("*.md")))
    assert len(counts) >= 2 and {total for _, total in counts} == {generated}, (counts[-5:], generated)
    assert [done for done, _ in counts] == sorted(done for done, _ in counts) and counts[-1][0] > counts[0][0]


def test_a_build_in_ci_or_into_a_pipe_prints_no_progress(data: Path, tmp_path: Path) -> None:
    for ci in (True, False):  # CI set on a terminal, and no CI but a pipe
        out = tmp_path / f"site-{ci}"
        if ci:
            code, output = _run_in_terminal(_build_command(data, out), _env(ci=True))
        else:
            done = subprocess.run(_build_command(data, out), cwd=ROOT, env=_env(ci=False),
                                  capture_output=True, text=True, timeout=600)
            code, output = done.returncode, done.stdout + done.stderr
        assert code == 0, output
        assert not any(stage in output for stage in STAGES), output
        assert "网站已生成" in output  # the result is still said
