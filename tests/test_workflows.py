"""The CI workflows and Dependabot config: valid for GitHub, least privilege, pinned actions.

Schemas come from check-jsonschema's built-in vendor copies, so these tests run offline.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"

PUBLISH_PATHS = {
    "site_data/**",
    "content/**",
    "theme/**",
    "generator/**",
    "mkdocs.yml",
    "pyproject.toml",
}
PAGES_ACTIONS = (
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
)
SHA_PIN = re.compile(r"^[0-9a-f]{40}$")
RELEASE_COMMENT = re.compile(r"^v\d+\.\d+\.\d+$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def action(step: dict) -> str | None:
    """'actions/checkout' for 'actions/checkout@<sha>', None for a run step."""
    uses = step.get("uses")
    return uses.split("@", 1)[0] if uses else None


def jobs_using(workflow: dict, name: str) -> list[str]:
    return [
        job_id
        for job_id, job in workflow["jobs"].items()
        if any(action(s) == name for s in steps(job))
    ]


def run_scripts(job: dict) -> list[str]:
    return [s["run"] for s in steps(job) if "run" in s]


def all_workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
    )


# --- schema validity -------------------------------------------------------------------


def test_expected_workflows_exist():
    assert PUBLISH in all_workflow_files()
    assert PULL_REQUEST in all_workflow_files()


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: p.name)
def test_workflow_matches_github_schema(path):
    result = check_jsonschema("vendor.github-workflows", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path):
    # Guards the test above: the checker must really fail on a workflow GitHub would reject.
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n")
    assert check_jsonschema("vendor.github-workflows", broken).returncode != 0


def test_dependabot_matches_schema():
    result = check_jsonschema("vendor.dependabot", DEPENDABOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_updates_pip_and_actions_weekly():
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    by_ecosystem = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(by_ecosystem) >= {"pip", "github-actions"}
    for ecosystem in ("pip", "github-actions"):
        assert by_ecosystem[ecosystem]["directory"] == "/"
        assert by_ecosystem[ecosystem]["schedule"]["interval"] == "weekly"


# --- pinning and hygiene in every workflow ---------------------------------------------


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release(path):
    uses_lines = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(-\s+)?uses:", line)
    ]
    assert uses_lines, "no actions found"
    for line in uses_lines:
        match = re.match(r"^(?:-\s+)?uses:\s*(\S+?)@(\S+)\s*(?:#\s*(\S+))?\s*$", line)
        assert match, f"unexpected uses line: {line}"
        name, ref, comment = match.groups()
        assert SHA_PIN.match(ref), f"{name} is not pinned to a full commit SHA: @{ref}"
        assert comment and RELEASE_COMMENT.match(comment), (
            f"{name}@{ref} needs an exact release comment like '# v4.2.2', got {comment!r}"
        )


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: p.name)
def test_same_action_pinned_to_same_commit(path):
    # Two pins of one action must agree, or a Dependabot bump would leave one behind.
    pins: dict[str, set[str]] = {}
    for job in load(path)["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                name, ref = step["uses"].split("@", 1)
                pins.setdefault(name, set()).add(ref)
    assert {n: r for n, r in pins.items() if len(r) > 1} == {}


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: p.name)
def test_no_event_data_expanded_inside_scripts(path):
    # ${{ github.event.* }} inside `run:` is shell injection from a pull request title or branch.
    for job in load(path)["jobs"].values():
        for script in run_scripts(job):
            assert "${{" not in script, f"expression expanded in a run script:\n{script}"


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: p.name)
def test_checkouts_do_not_keep_the_token(path):
    for job in load(path)["jobs"].values():
        for step in steps(job):
            if action(step) == "actions/checkout":
                assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: p.name)
def test_setup_python_caches_pip_keyed_on_pyproject(path):
    found = 0
    for job in load(path)["jobs"].values():
        for step in steps(job):
            if action(step) == "actions/setup-python":
                found += 1
                options = step["with"]
                assert options["cache"] == "pip"
                # The cache key changes whenever a pinned dependency does.
                assert set(options["cache-dependency-path"].split()) == {"pyproject.toml", "constraints.txt"}
                assert str(options["python-version"]) == "3.11"
    assert found


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: p.name)
def test_pip_installs_use_the_constraints_file(path):
    # Same transitive versions as scripts/setup.sh: CI builds what developers tested.
    installs = [
        line
        for job in load(path)["jobs"].values()
        for script in run_scripts(job)
        for line in script.splitlines()
        if "pip install" in line
    ]
    for line in installs:
        assert "-c constraints.txt" in line, line
    assert (ROOT / "constraints.txt").is_file()


# --- the publish workflow --------------------------------------------------------------


def test_publish_triggers():
    on = load(PUBLISH)["on"]
    assert set(on) == {"push", "schedule", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"]
    assert set(on["push"]["paths"]) == PUBLISH_PATHS
    assert "paths-ignore" not in on["push"]
    crons = [entry["cron"] for entry in on["schedule"]]
    assert len(crons) == 1
    minute, hour, day, month, weekday = crons[0].split()
    # Once a day, every day.
    assert (day, month, weekday) == ("*", "*", "*")
    assert minute.isdigit() and hour.isdigit()


def test_publish_permissions_are_least_privilege():
    workflow = load(PUBLISH)
    assert workflow["permissions"] in ({}, {"contents": "read"})
    deploy_jobs = jobs_using(workflow, "actions/deploy-pages")
    assert len(deploy_jobs) == 1
    for job_id, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        assert isinstance(granted, dict), f"{job_id}: permissions must be listed one by one"
        if job_id in deploy_jobs:
            assert granted == {"pages": "write", "id-token": "write"}
        else:
            assert set(granted.values()) <= {"read", "none"}, f"{job_id} can write: {granted}"
            assert set(granted) <= {"contents", "pages"}, f"{job_id} asks for more than contents and pages: {granted}"


def test_publish_never_races():
    concurrency = load(PUBLISH)["concurrency"]
    assert concurrency["group"]
    # Cancelling a Pages deployment half-way can leave the site broken.
    assert concurrency["cancel-in-progress"] is False


def test_publish_uses_the_official_pages_actions():
    workflow = load(PUBLISH)
    for name in PAGES_ACTIONS:
        assert jobs_using(workflow, name), f"{name} not used"
    [build_id] = jobs_using(workflow, "actions/upload-pages-artifact")
    [deploy_id] = jobs_using(workflow, "actions/deploy-pages")
    assert build_id != deploy_id
    deploy = workflow["jobs"][deploy_id]
    needs = deploy["needs"]
    assert build_id in ([needs] if isinstance(needs, str) else needs)
    assert deploy["environment"]["name"] == "github-pages"
    [deploy_step] = [s for s in steps(deploy) if action(s) == "actions/deploy-pages"]
    assert deploy["environment"]["url"] == f"${{{{ steps.{deploy_step['id']}.outputs.page_url }}}}"

    # The uploaded folder is the one the build wrote.
    build = workflow["jobs"][build_id]
    build_cmds = [s for s in run_scripts(build) if "generator build" in s]
    assert build_cmds == ['python -m generator build --out site --site-url "$SITE_URL"']
    # ...for the address Pages will publish it at, read by configure-pages before the build.
    [build_step] = [s for s in steps(build) if s.get("run") == build_cmds[0]]
    [configure] = [s for s in steps(build) if action(s) == "actions/configure-pages"]
    assert build_step["env"]["SITE_URL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    [upload] = [s for s in steps(build) if action(s) == "actions/upload-pages-artifact"]
    assert upload["with"]["path"] == "site"
    order = [s.get("run") or action(s) for s in steps(build)]
    assert order.index("actions/configure-pages") < order.index(build_cmds[0]) < order.index("actions/upload-pages-artifact")


def test_publish_build_needs_full_history():
    # "Data updated" comes from the last git commit touching site_data, and the change history
    # (修改记录, 最近更新) from every commit: a shallow clone would show none (generator/history.py).
    workflow = load(PUBLISH)
    [build_id] = jobs_using(workflow, "actions/upload-pages-artifact")
    [checkout] = [s for s in steps(workflow["jobs"][build_id]) if action(s) == "actions/checkout"]
    assert checkout["with"]["fetch-depth"] == 0


def reference_date_step() -> tuple[dict, dict]:
    workflow = load(PUBLISH)
    [build_id] = jobs_using(workflow, "actions/upload-pages-artifact")
    build = workflow["jobs"][build_id]
    found = [s for s in steps(build) if "SOURCE_DATE_EPOCH" in s.get("run", "")]
    assert len(found) == 1, "exactly one step sets SOURCE_DATE_EPOCH"
    return build, found[0]


def test_reference_date_is_set_before_the_build():
    build, step = reference_date_step()
    order = [s.get("run") or action(s) for s in steps(build)]
    build_index = next(i for i, cmd in enumerate(order) if "generator build" in (cmd or ""))
    assert order.index(step["run"]) < build_index
    # Every publish (push, schedule, by hand) uses today, not only the scheduled one.
    assert "if" not in step


def test_reference_date_step_writes_today_at_midnight_utc(tmp_path):
    _, step = reference_date_step()
    env_file = tmp_path / "github_env"
    env_file.write_text("")
    china = zoneinfo.ZoneInfo("Asia/Shanghai")
    before = dt.datetime.now(china).date()
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={**os.environ, "GITHUB_ENV": str(env_file)},
        capture_output=True,
        text=True,
    )
    after = dt.datetime.now(china).date()
    assert result.returncode == 0, result.stderr
    lines = env_file.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("SOURCE_DATE_EPOCH=")
    epoch = int(lines[0].split("=", 1)[1])
    assert epoch % 86400 == 0, "not midnight UTC"
    day = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    assert day in {before, after}


# --- the pull request workflow ---------------------------------------------------------


def pr_job_running(fragment: str) -> tuple[str, dict]:
    workflow = load(PULL_REQUEST)
    found = [
        (job_id, job)
        for job_id, job in workflow["jobs"].items()
        if any(fragment in script for script in run_scripts(job))
    ]
    assert len(found) == 1, f"expected one job running {fragment!r}, found {len(found)}"
    return found[0]


def test_pr_workflow_runs_on_pull_requests_read_only():
    workflow = load(PULL_REQUEST)
    assert "pull_request" in workflow["on"]
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] in ({}, {"contents": "read"})
    for job_id, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        assert set(granted.values()) <= {"read", "none"}, f"{job_id} can write"


def test_pr_validates_with_annotations_and_a_summary():
    _, job = pr_job_running("generator validate")
    [validate] = [s for s in run_scripts(job) if "generator validate" in s]
    args = validate.split()
    assert args[:4] == ["python", "-m", "generator", "validate"]
    assert args[args.index("--format") + 1] == "github"
    summary_file = args[args.index("--summary") + 1]
    # A later step appends that file to the job summary, even when validation failed.
    later = steps(job)[[s.get("run") for s in steps(job)].index(validate) + 1 :]
    posting = [s for s in later if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert posting, "the validation summary is never posted"
    assert posting[0]["if"] == "always()"
    assert summary_file in posting[0]["run"]


def test_pr_runs_the_readme_test_command():
    _, job = pr_job_running("scripts/test.sh")
    assert "bash scripts/test.sh" in run_scripts(job)


def test_pr_builds_and_uploads_the_site():
    _, job = pr_job_running("generator build")
    assert "python -m generator build --out site" in run_scripts(job)
    [upload] = [s for s in steps(job) if action(s) == "actions/upload-artifact"]
    assert upload["with"]["path"] == "site"
    assert upload["with"]["if-no-files-found"] == "error"
    order = [s.get("run") or action(s) for s in steps(job)]
    assert order.index("python -m generator build --out site") < order.index(
        "actions/upload-artifact"
    )


# --- the staff guide's examples are the real thing ---------------------------------------

GUIDE = ROOT / "content" / "staff-guide.md"
DATA = ROOT / "site_data"


def guide_code_blocks() -> list[list[str]]:
    """The guide's indented code blocks (list items there indent by 2, never 4)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("    "):
            current.append(line[4:])
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def guide_block(first: str) -> list[str]:
    found = [b for b in guide_code_blocks() if b[0].startswith(first)]
    assert len(found) == 1, f"expected one example starting {first!r}"
    return found[0]


def test_guide_task_example_is_a_real_task():
    import jsonschema

    [example] = yaml.safe_load("\n".join(guide_block("- number:")))
    plan_schema = json.loads((DATA / "schema" / "plan.schema.json").read_text(encoding="utf-8"))
    task_schema = {"$ref": "#/$defs/task", "$defs": plan_schema["$defs"]}
    jsonschema.validate(example, task_schema)
    # The guide names the plan: 长清区 2022 年.
    plan = yaml.safe_load((DATA / "plans" / "changqing-2022.yaml").read_text(encoding="utf-8"))
    [real] = [t for t in plan["tasks"] if t["number"] == example["number"]]
    shortened = example.pop("text")
    assert shortened.endswith("……") and real.pop("text").startswith(shortened.removesuffix("……"))
    assert example == real


def test_guide_unit_example_is_a_real_registry_entry():
    [example] = yaml.safe_load("\n".join(guide_block("- id:")))
    registry = yaml.safe_load((DATA / "units" / "changqing.yaml").read_text(encoding="utf-8"))
    assert example in registry["units"]


def test_guide_schema_line_is_the_one_in_the_plan_files():
    [line] = guide_block("# yaml-language-server:")
    plans = sorted((DATA / "plans").glob("*.yaml"))
    assert plans
    for plan in plans:
        assert plan.read_text(encoding="utf-8").splitlines()[0] == line


def test_guide_error_example_is_what_the_validator_prints(tmp_path):
    example = guide_block("site_data/plans/")
    location, _, _ = example[0].partition(": ")
    relative, line_no, _column = example[0].rstrip(":").rsplit(":", 2)
    wrong = re.search(r"单位“(.+?)”", "".join(example)).group(1)
    right = re.search(r"是不是“(.+?)”", "".join(example)).group(1)
    # Make the mistake the guide describes in a copy of the real data.
    shutil.copytree(DATA, tmp_path / "site_data")
    target = tmp_path / relative
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    index = int(line_no) - 1
    assert right in lines[index]
    lines[index] = lines[index].replace(right, wrong)
    target.write_text("".join(lines), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    printed = [l for l in result.stderr.splitlines() if "错误" in l]
    assert len(printed) == 1, result.stderr
    # The guide breaks the one printed line into several and may leave out the folder prefix.
    squash = lambda s: re.sub(r"\s+", "", s)
    assert squash(printed[0]).endswith(squash("".join(example)))


def test_guide_commands_exist():
    text = GUIDE.read_text(encoding="utf-8")
    for command in re.findall(r"python -m generator (\w+)", text):
        result = subprocess.run(
            [sys.executable, "-m", "generator", command, "--help"], capture_output=True, text=True
        )
        assert result.returncode == 0, f"no such command: {command}"
        if command == "import":
            for option in re.findall(r"--(city|province|slug|force)\b", text):
                assert f"--{option}" in result.stdout


# --- the partitions workflow (issue 14, point 5; docs/scale-out.md) ---------------------

PARTITIONS_WORKFLOW = WORKFLOWS / "publish-partitions.yml"


def partitions_jobs() -> tuple[dict, dict[str, dict]]:
    """The workflow and its jobs by role: list, build (the matrix), assemble, deploy."""
    workflow = load(PARTITIONS_WORKFLOW)
    jobs = workflow["jobs"]
    [listing] = [j for j, job in jobs.items() if any("generator partitions --json" in s for s in run_scripts(job))]
    [build] = [j for j, job in jobs.items() if "matrix" in job.get("strategy", {})]
    [assemble] = jobs_using(workflow, "actions/upload-pages-artifact")
    [deploy] = jobs_using(workflow, "actions/deploy-pages")
    return workflow, {"list": listing, "build": build, "assemble": assemble, "deploy": deploy}


def needs_of(job: dict) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else needs


def test_partitions_workflow_exists_and_runs_by_hand_only():
    assert PARTITIONS_WORKFLOW in all_workflow_files()
    on = load(PARTITIONS_WORKFLOW)["on"]
    assert "workflow_dispatch" in on
    # publish.yml publishes on pushes: two workflows deploying one Pages site on every push
    # would overwrite each other.
    assert not {"push", "pull_request", "pull_request_target"} & set(on)


def test_partitions_workflow_shares_the_pages_concurrency_group():
    mine, publish = load(PARTITIONS_WORKFLOW)["concurrency"], load(PUBLISH)["concurrency"]
    assert mine["group"] == publish["group"]
    assert mine["cancel-in-progress"] is False


def test_partitions_permissions_are_least_privilege():
    workflow, roles = partitions_jobs()
    assert workflow["permissions"] == {}
    for job_id, job in workflow["jobs"].items():
        granted = job.get("permissions")
        assert isinstance(granted, dict), f"{job_id}: permissions must be listed one by one"
        if job_id == roles["deploy"]:
            assert granted == {"pages": "write", "id-token": "write"}
        else:
            assert set(granted.values()) == {"read"}, f"{job_id} can write: {granted}"
            assert set(granted) <= {"contents", "pages"}, job_id
    # Only the job that reads the Pages address may read Pages settings.
    readers = [j for j, job in workflow["jobs"].items() if job["permissions"].get("pages") == "read"]
    assert readers == jobs_using(workflow, "actions/configure-pages") == [roles["list"]]


def test_partitions_matrix_builds_every_listed_partition():
    workflow, roles = partitions_jobs()
    listing, build = workflow["jobs"][roles["list"]], workflow["jobs"][roles["build"]]
    [list_step] = [s for s in steps(listing) if "generator partitions --json" in s.get("run", "")]
    assert list_step["run"] == 'echo "keys=$(python -m generator partitions --json)" >> "$GITHUB_OUTPUT"'
    assert listing["outputs"]["keys"] == f"${{{{ steps.{list_step['id']}.outputs.keys }}}}"
    assert roles["list"] in needs_of(build)
    assert build["strategy"]["matrix"]["partition"] == f"${{{{ fromJSON(needs.{roles['list']}.outputs.keys) }}}}"
    [build_step] = [s for s in steps(build) if "generator build" in s.get("run", "")]
    assert build_step["run"] == 'python -m generator build --partition "$PARTITION" --out site --site-url "$BASE_URL/$PARTITION/"'
    assert build_step["env"]["PARTITION"] == "${{ matrix.partition }}"
    [configure] = [s for s in steps(listing) if action(s) == "actions/configure-pages"]
    assert listing["outputs"]["base-url"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    assert build_step["env"]["BASE_URL"] == f"${{{{ needs.{roles['list']}.outputs.base-url }}}}"
    [upload] = [s for s in steps(build) if action(s) == "actions/upload-artifact"]
    assert upload["with"] == {"name": "partition-${{ matrix.partition }}", "path": "site",
                              "if-no-files-found": "error", "retention-days": 1}
    [checkout] = [s for s in steps(build) if action(s) == "actions/checkout"]
    assert checkout["with"]["fetch-depth"] == 0  # the change history and feeds come from git


def test_partitions_listing_command_prints_a_matrix(tmp_path):
    """What the list step writes to $GITHUB_OUTPUT is a JSON array of the real keys."""
    workflow, roles = partitions_jobs()
    [step] = [s for s in steps(workflow["jobs"][roles["list"]]) if "generator partitions" in s.get("run", "")]
    output = tmp_path / "github_output"
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "GITHUB_OUTPUT": str(output),
                                 "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
    assert result.returncode == 0, result.stderr
    [line] = output.read_text(encoding="utf-8").splitlines()
    name, _, value = line.partition("=")
    assert name == "keys" and json.loads(value) == ["guangdong", "shandong", "zhejiang"]


def test_partitions_share_one_reference_date(tmp_path):
    """Every partition and the entry site show each task's status on the same day: today in
    China, at 00:00 UTC, decided once."""
    workflow, roles = partitions_jobs()
    listing = workflow["jobs"][roles["list"]]
    [today] = [s for s in steps(listing) if "epoch=" in s.get("run", "")]
    assert listing["outputs"]["epoch"] == f"${{{{ steps.{today['id']}.outputs.epoch }}}}"
    output = tmp_path / "github_output"
    result = subprocess.run(["bash", "-e", "-c", today["run"]], capture_output=True, text=True,
                            env={**os.environ, "GITHUB_OUTPUT": str(output)})
    assert result.returncode == 0, result.stderr
    [line] = output.read_text().splitlines()
    epoch = int(line.removeprefix("epoch="))
    assert epoch % 86400 == 0
    assert dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date() - dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date() in (
        dt.timedelta(0), dt.timedelta(days=-1))
    for role in ("build", "assemble"):
        job = workflow["jobs"][roles[role]]
        assert roles["list"] in needs_of(job)
        assert job["env"]["SOURCE_DATE_EPOCH"] == f"${{{{ needs.{roles['list']}.outputs.epoch }}}}"


def test_partitions_assemble_entry_site_and_every_partition_then_deploy():
    workflow, roles = partitions_jobs()
    assemble = workflow["jobs"][roles["assemble"]]
    assert {roles["list"], roles["build"]} <= set(needs_of(assemble))
    order = [s.get("run") or action(s) for s in steps(assemble)]
    entry = 'python -m generator build-entry --out site --site-url "$BASE_URL/"'
    [download] = [s for s in steps(assemble) if action(s) == "actions/download-artifact"]
    assert download["with"] == {"pattern": "partition-*", "path": "parts"}
    [place] = [s["run"] for s in steps(assemble) if "parts/partition-" in s.get("run", "")]
    [upload] = [s for s in steps(assemble) if action(s) == "actions/upload-pages-artifact"]
    assert upload["with"]["path"] == "site"
    assert (order.index(entry) < order.index("actions/download-artifact") < order.index(place)
            < order.index("actions/upload-pages-artifact"))
    deploy = workflow["jobs"][roles["deploy"]]
    assert needs_of(deploy) == [roles["assemble"]]
    assert deploy["environment"]["name"] == "github-pages"


def _place_partitions(tmp_path: Path, present: list[str]) -> subprocess.CompletedProcess:
    """Run the assemble job's "put each partition in its folder" script in `tmp_path`, with the
    real data and a downloaded artifact for each of `present`."""
    workflow, roles = partitions_jobs()
    [script] = [s["run"] for s in steps(workflow["jobs"][roles["assemble"]]) if "parts/partition-" in s.get("run", "")]
    (tmp_path / "site_data").symlink_to(ROOT / "site_data")
    (tmp_path / "site").mkdir()
    for key in present:
        (tmp_path / "parts" / f"partition-{key}").mkdir(parents=True)
        (tmp_path / "parts" / f"partition-{key}" / "index.html").write_text(key, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env)


def test_partitions_are_placed_in_their_folders(tmp_path):
    keys = ["guangdong", "shandong", "zhejiang"]
    result = _place_partitions(tmp_path, keys)
    assert result.returncode == 0, result.stdout + result.stderr
    for key in keys:
        assert (tmp_path / "site" / key / "index.html").read_text(encoding="utf-8") == key


def test_a_missing_partition_fails_the_assembly(tmp_path):
    result = _place_partitions(tmp_path, ["guangdong", "zhejiang"])
    assert result.returncode == 1
    assert "::error::分区 shandong 没有生成出来" in result.stdout
