"""The preview server serves the site and nothing else: no folder listings, nothing reached
through a symlink that leaves the site; it follows a re-pointed output folder; and `serve`
without a site, or on a taken port, ends in a Chinese message, not a traceback."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.serve import make_server

ROOT = Path(__file__).resolve().parents[1]
NOT_FOUND_PAGE = "<!doctype html><title>找不到页面</title>".encode()
SECRET = b"outside the site"


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def site(tmp_path) -> Path:
    """A small site, with things outside it that symlinks inside point at."""
    site = tmp_path / "site"
    write(site / "index.html", b"<!doctype html><title>home</title>")
    write(site / "404.html", NOT_FOUND_PAGE)
    write(site / "sub" / "index.html", b"sub page")
    write(site / "assets" / "app.js", b"1")  # a folder without index.html
    write(tmp_path / "secret.txt", SECRET)
    write(tmp_path / "secret-dir" / "index.html", SECRET)
    os.symlink(tmp_path / "secret.txt", site / "leak.txt")
    os.symlink("../secret-dir", site / "leak-dir")
    os.symlink("index.html", site / "home.html")  # a symlink that stays inside is fine
    return site


def serving(folder: Path) -> Iterator[str]:
    server = make_server(folder, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def base(site) -> Iterator[str]:
    yield from serving(site)


def get(url: str, method: str = "GET") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method)) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("path", ["assets/", "assets"])
def test_a_folder_without_index_is_not_listed(base, path):
    assert get(base + path) == (404, NOT_FOUND_PAGE)
    # What is there is still served: pages, folders with an index, symlinks that stay inside.
    assert get(base) == (200, b"<!doctype html><title>home</title>")
    assert get(base + "sub") == (200, b"sub page")  # redirected to sub/
    assert get(base + "home.html") == (200, b"<!doctype html><title>home</title>")
    assert get(base + "assets/app.js") == (200, b"1")


@pytest.mark.parametrize("path", ["leak.txt", "leak-dir/", "leak-dir", "leak-dir/index.html"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_nothing_outside_the_site_is_served(base, path, method):
    status, body = get(base + path, method)
    assert status == 404
    assert SECRET not in body
    if method == "GET":
        assert body == NOT_FOUND_PAGE
    for dotted in ("%2e%2e/secret.txt", "sub/%2e%2e/%2e%2e/secret.txt"):  # ".." stays inside too
        assert get(base + dotted, method)[0] == 404


def test_a_404_page_outside_the_site_is_not_used(site, tmp_path):
    (site / "404.html").unlink()
    os.symlink(tmp_path / "secret.txt", site / "404.html")
    for base in serving(site):
        status, body = get(base + "no/such/page/")
        assert status == 404 and SECRET not in body


def test_a_re_pointed_output_link_is_followed_on_the_next_request(tmp_path):
    """If the output folder is a symlink to a release folder, a rebuild that re-points it
    shows at once, as a rebuild that replaces the folder does."""
    for release in ("r1", "r2"):
        write(tmp_path / release / "index.html", release.encode())
    link = tmp_path / "site"
    os.symlink("r1", link)
    for base in serving(link):
        assert get(base) == (200, b"r1")
        os.symlink("r2", tmp_path / "site.new")
        os.replace(tmp_path / "site.new", link)
        assert get(base) == (200, b"r2")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_serve_no_build_without_a_site_says_what_to_do(tmp_path):
    out = tmp_path / "site"
    done = run_cli("serve", "--no-build", "--out", str(out), "--port", "0")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert str(out / "index.html") in done.stderr and "python -m generator build" in done.stderr


def test_serve_on_a_taken_port_says_what_to_do(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--no-build", "--out", str(site), "--port", str(port))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "端口已被别的程序占用" in done.stderr and "--port" in done.stderr
