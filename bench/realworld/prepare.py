"""Brings the pinned projects of projects.toml onto this machine, source only.

    python bench/realworld/prepare.py                     # every project, into /tmp/realworld
    python bench/realworld/prepare.py --root DIR --mirrors DIR NAME...

A `github:OWNER/NAME` project is extracted from a bare git mirror of that
repository at the pinned commit: `--mirrors DIR` holds them as
`DIR/OWNER+NAME/repo` (the layout the team's fetch tool leaves), or pass a
clone made any other way with `--git NAME=PATH`. A `pypi:NAME==VERSION`
project is the source distribution (or the pure-Python wheel of a project
that publishes none), read from PyPI's simple index.

Only what secure-ls reads is extracted (Python files and dependency
manifests): repositories also carry front-end assets and large fixtures, and
some mirrors lack their largest files. A project's `vendored` folders (copies
of other people's libraries it carries, such as `libs/` or `src/thirdparty/`) are not extracted:
the project's authors did not write them, and the measure is their code.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import io
import re
import shutil
import subprocess
import tarfile
import tomllib
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_ROOT = Path("/tmp/realworld")
DEFAULT_MIRRORS = Path("/work/.mirror")
# What secure-ls analyses: Python sources and the dependency files it scans.
PATHSPECS = ["*.py", "*.ipynb", "*requirements*.txt", "*pyproject.toml", "*uv.lock", "*poetry.lock", "*setup.cfg"]


def load_projects() -> list[dict]:
    with open(HERE / "projects.toml", "rb") as handle:
        return tomllib.load(handle)["project"]


def from_git(git_dir: Path, commit: str, into: Path, vendored: tuple[str, ...] = ()) -> None:
    """Writes the commit's files that match PATHSPECS outside the vendored folders (a blob absent from the mirror is skipped)."""
    listing = subprocess.run(
        ["git", "-C", str(git_dir), "ls-tree", "-r", "-z", commit],
        check=True, capture_output=True, text=True,
    ).stdout
    wanted = []
    for entry in filter(None, listing.split("\0")):
        meta, _, path = entry.partition("\t")
        mode, kind, blob = meta.split()
        if any(path.startswith(folder.rstrip("/") + "/") for folder in vendored):  # `libs`, `src/thirdparty`
            continue
        if kind == "blob" and mode != "120000" and any(fnmatch.fnmatch(Path(path).name, p) for p in PATHSPECS):
            wanted.append((blob, path))
    batch = subprocess.run(
        ["git", "-C", str(git_dir), "cat-file", "--batch"],
        input="".join(f"{blob}\n" for blob, _ in wanted).encode(),
        check=True, capture_output=True,
    ).stdout
    offset = 0
    for blob, path in wanted:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].split()
        offset = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[offset:offset + size])
        offset += size + 1


PYPI_SIMPLE = "https://pypi.org/simple/"


def from_pypi(requirement: str, into: Path) -> None:
    """The sdist of `NAME==VERSION` (or, for a project that publishes none, its pure-Python
    wheel, which holds the same modules), found in PyPI's simple index (PEP 503) and checked
    against the hash the index gives. Not `pip download`: it builds the package's metadata
    first, which fails where its build requirements conflict with the build backend's (pretix)."""
    name, _, version = requirement.partition("==")
    normalized = re.sub(r"[-_.]+", "-", name).lower()
    page = urllib.request.urlopen(urllib.request.Request(PYPI_SIMPLE + normalized + "/", headers={"Accept": "text/html"}), timeout=60).read().decode()
    stem = "/" + "[-_.]".join(map(re.escape, normalized.split("-"))) + "-" + re.escape(version)
    for suffix in (r"\.tar\.gz", r"-py3-none-any\.whl"):
        wanted = re.compile(rf"{stem}{suffix}#sha256=([0-9a-f]{{64}})$", re.IGNORECASE)
        links = [(href, found.group(1)) for href in re.findall(r'href="([^"]+)"', page) if (found := wanted.search(href))]
        if links:
            break
    else:
        raise SystemExit(f"{requirement}: no source distribution nor pure-Python wheel in {PYPI_SIMPLE}{normalized}/")
    url, digest = links[0]
    data = urllib.request.urlopen(url.split("#")[0], timeout=600).read()
    if hashlib.sha256(data).hexdigest() != digest:
        raise SystemExit(f"{requirement}: the download does not match the index's sha256")
    if url.split("#")[0].endswith(".whl"):
        with zipfile.ZipFile(io.BytesIO(data)) as wheel:
            wheel.extractall(into, [n for n in wheel.namelist() if n.endswith(".py") and ".." not in n.split("/")])
        return
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")


def prepare(project: dict, root: Path, mirrors: Path, clones: dict[str, Path]) -> Path:
    into = root / project["name"]
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    kind, _, where = project["source"].partition(":")
    if kind == "github":
        git_dir = clones.get(project["name"]) or mirrors / where.replace("/", "+") / "repo"
        if not git_dir.exists():
            raise SystemExit(f"{project['name']}: no git mirror at {git_dir} (use --mirrors or --git NAME=PATH)")
        from_git(git_dir, project["commit"], into, tuple(project.get("vendored", ())))
    elif kind == "pypi":
        from_pypi(where, into)
    else:
        raise SystemExit(f"{project['name']}: unknown source {project['source']!r}")
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="projects to prepare (default: all)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--git", action="append", default=[], metavar="NAME=PATH")
    args = parser.parse_args()
    clones = {}
    for item in args.git:
        name, _, path = item.partition("=")
        clones[name] = Path(path)
    projects = [p for p in load_projects() if not args.names or p["name"] in args.names]
    for project in projects:
        into = prepare(project, args.root, args.mirrors, clones)
        files = sum(1 for _ in into.rglob("*.py"))
        print(f"{project['name']}: {files} Python files in {into}")


if __name__ == "__main__":
    main()
