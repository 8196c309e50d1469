"""The build and serve commands as the README and the publish workflow run them: `serve`
builds and then serves (the README's main command), and `--site-url` makes the links that
leave the site (open data, the 404 page) point at the published address."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from generator import views
from generator.build import build_site
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parents[1]
SITE_URL = "https://example.github.io/zwgk/"


def test_serve_builds_then_serves_the_site(tmp_path, real_site) -> None:
    out = tmp_path / "site"
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--out", str(out), "--port", "0", "--no-search"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines = []
        for line in server.stdout:  # "网站已生成：…", then "正在预览：http://127.0.0.1:PORT/ …"
            lines.append(line)
            if match := re.search(r"正在预览：(http://\S+/)", line):
                break
        else:
            raise AssertionError("serve stopped: " + "".join(lines) + server.stderr.read())
        base = match.group(1)
        with urllib.request.urlopen(base) as response:
            assert "各区的任务" in response.read().decode("utf-8")
        task = real_site.tasks[-1]
        with urllib.request.urlopen(base + views.task_url(task)) as response:
            assert task.text.split("\n")[0][:20] in response.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
        server.stderr.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    build_site(ROOT / "site_data", out, config_file=ROOT / "mkdocs.yml", search=False, site_url=SITE_URL.rstrip("/"))
    return out


def test_site_url_makes_open_data_links_absolute(published, real_site) -> None:
    everything = json.loads((published / "data" / "all-tasks.json").read_text(encoding="utf-8"))
    urls = [task["url"] for task in everything["tasks"]]
    assert urls == [SITE_URL + views.task_url(t) for t in real_site.tasks]


def test_site_url_makes_the_404_page_work_below_the_host_root(published) -> None:
    html = (published / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"#][^"]*)"', html)
    assert links and all(link.startswith("/zwgk/") for link in links), links


@pytest.mark.parametrize("bad", ["example.github.io/zwgk", "ftp://example.org/", "https://example.org/?x=1"])
def test_a_bad_site_url_fails_before_anything_is_written(tmp_path, bad) -> None:
    out = tmp_path / "site"
    with pytest.raises(BuildError, match="网站地址"):
        build_site(ROOT / "site_data", out, config_file=ROOT / "mkdocs.yml", search=False, site_url=bad)
    assert list(tmp_path.iterdir()) == []
