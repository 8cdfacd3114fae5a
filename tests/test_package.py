"""The package as the index would get it: sdist and wheel build, `twine check` passes,
the metadata says what users look for, and the README renders without broken links."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """`python -m build` (sdist, then the wheel built from the sdist) of a copy of the
    working tree, so the build leaves nothing in it."""
    tmp = tmp_path_factory.mktemp("package")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, check=True, capture_output=True
    ).stdout.decode().split("\0")
    source = tmp / "src"
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = tmp / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)], capture_output=True, text=True, timeout=900, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_sdist_and_wheel_pass_twine_check(dist):
    files = sorted(p.name for p in dist.iterdir())
    assert files == ["secure_ls-0.1.0-py3-none-any.whl", "secure_ls-0.1.0.tar.gz"]
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2, proc.stdout


def test_wheel_metadata(dist):
    wheel = zipfile.ZipFile(dist / "secure_ls-0.1.0-py3-none-any.whl")
    names = wheel.namelist()
    meta = email.message_from_bytes(wheel.read("secure_ls-0.1.0.dist-info/METADATA"))
    assert meta["License-Expression"] == "MIT"
    assert "secure_ls-0.1.0.dist-info/licenses/LICENSE" in names
    assert not [c for c in meta.get_all("Classifier") if c.startswith("License ::")]  # the expression replaces them
    assert "Topic :: Security" in meta.get_all("Classifier")
    assert "security" in meta["Keywords"].split(",")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Documentation", "Source", "Issues"}
    assert meta["Description-Content-Type"] == "text/markdown"
    assert "secure-ls = secure_ls.cli:main" in wheel.read("secure_ls-0.1.0.dist-info/entry_points.txt").decode()
    assert "secure_ls/rules/sql_injection.py" in names and "secure_ls/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "editors/"))]


def test_sdist_has_the_license_and_the_sources(dist):
    with tarfile.open(dist / "secure_ls-0.1.0.tar.gz") as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"LICENSE", "README.md", "pyproject.toml", "secure_ls/cli.py"} <= names


def test_readme_links_work_on_the_package_index():
    """The index shows README.md without the repository around it: a relative link is broken there."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", readme, flags=re.DOTALL)
    links = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"<img [^>]*src=\"([^\"]+)\"", text)
    assert links
    relative = [link for link in links if not link.startswith(("https://", "http://", "#", "mailto:"))]
    assert not relative, relative
    for link in links:
        prefix = "https://github.com/secure-ls/secure-ls/blob/main/"
        if link.startswith(prefix):
            assert (REPO / link[len(prefix) :].split("#")[0]).exists(), link


def test_install_instructions_do_not_promise_the_index_yet():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install ." in readme
    for line in readme.splitlines():
        if "pip install secure-ls" in line:
            assert "published" in line or "not available yet" in line, line
