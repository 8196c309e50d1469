"""The pre-commit hooks: the data hook really runs the validator, offline, on site_data/ only.

Runs `pre-commit` in a throw-away git repository holding a copy of the real data, so the
hook is exercised exactly as a member of staff would (`git commit` runs the same thing).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".pre-commit-config.yaml"
VENV_BIN = Path(sys.executable).parent


def hooks() -> dict[str, dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def validator_hook() -> dict:
    found = [h for h in hooks().values() if "generator validate" in h["entry"]]
    assert len(found) == 1, "exactly one hook runs the validator"
    return found[0]


def test_validator_hook_is_local_and_offline():
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    # Only local hooks: nothing is cloned or downloaded when a commit is made.
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hook = validator_hook()
    assert shlex.split(hook["entry"]) == ["python", "-m", "generator", "validate"]
    assert hook["language"] == "system"
    # The validator checks the data set as a whole (plans refer to units and themes).
    assert hook["pass_filenames"] is False


@pytest.mark.parametrize(
    "path, runs",
    [
        ("site_data/plans/changqing-2022.yaml", True),
        ("site_data/units/changqing.yaml", True),
        ("site_data/themes.yaml", True),
        ("content/staff-guide.md", False),
        ("generator/loader.py", False),
        ("docs/site_data/x.yaml", False),
    ],
)
def test_validator_hook_runs_for_site_data_only(path, runs):
    assert bool(re.search(validator_hook()["files"], path)) is runs


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A new git repository with the real site_data, the workflows and the hook config."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "site_data", repo / "site_data")
    shutil.copytree(ROOT / ".github", repo / ".github")
    shutil.copy(CONFIG, repo / CONFIG.name)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def pre_commit(repo: Path, hook_id: str, *files: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        # `language: system` hooks find python and check-jsonschema on PATH: the venv's.
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "PYTHONPATH": str(ROOT),  # the generator package, as when working in the checkout
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook_id, "--color", "never", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )


def a_plan(repo: Path) -> Path:
    plans = sorted((repo / "site_data" / "plans").glob("*.yaml"))
    assert plans, "no plan files in site_data/plans"
    return plans[0]


def test_hook_passes_on_the_real_data(scratch_repo):
    plan = a_plan(scratch_repo).relative_to(scratch_repo).as_posix()
    result = pre_commit(scratch_repo, validator_hook()["id"], plan)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_hook_blocks_a_commit_with_a_data_error(scratch_repo):
    plan = a_plan(scratch_repo)
    text = plan.read_text(encoding="utf-8")
    # A task that points to a section the plan does not have: valid YAML, wrong data.
    broken, count = re.subn(r"(?m)^(\s*)section: \S+$", r"\1section: '999'", text, count=1)
    assert count == 1
    plan.write_text(broken, encoding="utf-8")
    relative = plan.relative_to(scratch_repo).as_posix()
    result = pre_commit(scratch_repo, validator_hook()["id"], relative)
    assert result.returncode != 0
    assert "Failed" in result.stdout
    # The validator's own message names the file, so staff can find the line.
    assert plan.name in result.stdout


def test_hook_is_skipped_when_no_data_changed(scratch_repo):
    result = pre_commit(scratch_repo, validator_hook()["id"], ".pre-commit-config.yaml")
    assert result.returncode == 0
    assert "no files to check" in result.stdout.lower()


def test_workflow_hook_checks_the_real_workflows(scratch_repo):
    files = sorted(
        p.relative_to(scratch_repo).as_posix()
        for p in (scratch_repo / ".github" / "workflows").glob("*.yml")
    )
    assert files
    result = pre_commit(scratch_repo, "check-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_workflow_hook_rejects_a_broken_workflow(scratch_repo):
    broken = scratch_repo / ".github" / "workflows" / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n")
    subprocess.run(["git", "-C", str(scratch_repo), "add", "-A"], check=True)
    result = pre_commit(scratch_repo, "check-workflows", ".github/workflows/broken.yml")
    assert result.returncode != 0
