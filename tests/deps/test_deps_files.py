"""Reading dependency files: names, specifiers, spans; malformed files."""

from __future__ import annotations

import pytest
from tests.deps.deps_helpers import write

from secure_ls.deps import file_kind, is_dependency_file, parse_dependency_file
from secure_ls.engine.model import Span


def text_at(text: str, span: Span) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return text[starts[span.start.line] + span.start.column : starts[span.end.line] + span.end.column]


@pytest.mark.parametrize(
    "path,kind",
    [
        ("requirements.txt", "requirements"),
        ("/x/requirements-dev.txt", "requirements"),
        ("dev-requirements.txt", "requirements"),
        ("requirements.in", "requirements"),
        ("constraints.txt", "requirements"),
        ("/p/requirements/base.txt", "requirements"),
        ("/p/pyproject.toml", "pyproject"),
        ("uv.lock", "uv.lock"),
        ("poetry.lock", "poetry.lock"),
        ("pylock.toml", "pylock"),
        ("pylock.dev.toml", "pylock"),
        ("setup.py", None),
        ("notes.txt", None),
        ("Cargo.lock", None),
    ],
)
def test_file_kinds(path, kind):
    assert file_kind(path) == kind
    assert is_dependency_file(path) == (kind is not None)


REQS = """\
# a comment line
requests[socks,security] == 2.19.1 ; python_version >= "3.8"  # pinned on purpose
Jinja2>=2.10,<3  # range
flask==2.2.2 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
    # via -r requirements.in
PyYAML (==5.3)
urllib3
--index-url https://index.example.invalid/simple
-e ./local-package
./wheels/thing-1.0-py3-none-any.whl
pkg @ https://example.invalid/pkg-1.0.tar.gz
django===3.2.12
"""


def test_requirements_txt_everything(tmp_path):
    path = write(tmp_path, "requirements.txt", REQS)
    parsed = parse_dependency_file(path, REQS)
    assert parsed.errors == []
    deps = {d.name: d for d in parsed.dependencies}
    assert list(deps) == ["requests", "jinja2", "flask", "pyyaml", "urllib3", "django"]

    r = deps["requests"]
    assert r.pinned == "2.19.1"
    assert text_at(REQS, r.span) == 'requests[socks,security] == 2.19.1 ; python_version >= "3.8"'
    assert text_at(REQS, r.version_span) == "2.19.1"
    assert r.statement_lines == (1, 1)

    j = deps["jinja2"]
    assert j.pinned is None and j.display == "Jinja2"
    assert text_at(REQS, j.spec_span) == ">=2.10,<3"
    assert str(j.specifiers[0]) in ("<3,>=2.10", ">=2.10,<3")

    f = deps["flask"]
    assert f.statement_lines == (3, 5)
    assert text_at(REQS, f.version_span) == "2.2.2"
    assert [text_at(REQS, s) for s in f.hash_deletions] == [
        " \\\n    --hash=sha256:aaaa",
        " \\\n    --hash=sha256:bbbb",
    ]

    y = deps["pyyaml"]
    assert y.pinned == "5.3" and text_at(REQS, y.version_span) == "5.3"

    u = deps["urllib3"]
    assert u.pinned is None and u.spec_span.start == u.spec_span.end  # insertion point
    assert deps["django"].pinned == "3.2.12"


def test_requirements_malformed_lines_are_diagnostics(tmp_path):
    text = "requests==\nflask>=2.0\nnot a requirement !!\ndjango[=3\n-r\n"
    parsed = parse_dependency_file(write(tmp_path, "requirements.txt", text), text)
    assert [d.name for d in parsed.dependencies] == ["flask"]
    lines = [span.start.line for span, _ in parsed.errors]
    assert lines == [0, 2, 3, 4]
    assert all(isinstance(msg, str) and msg for _, msg in parsed.errors)
    assert "requests==" in parsed.errors[0][1]


def test_includes_and_constraints(tmp_path):
    write(tmp_path, "constraints.txt", "jinja2==3.1.4\n-r base.txt\n")
    write(tmp_path, "base.txt", "click>=8\n")
    text = "-c constraints.txt\n-r missing.txt\njinja2>=2.0\n"
    parsed = parse_dependency_file(str(tmp_path / "requirements.txt"), text)
    assert [d.name for d in parsed.dependencies] == ["jinja2"]
    assert parsed.errors and parsed.errors[0][0].start.line == 1
    assert "missing.txt" in parsed.errors[0][1]
    dep = parsed.dependencies[0]
    assert str(dep.constraints) == "==3.1.4" and dep.constraint_origin == "constraints.txt"


def test_include_cycle_terminates(tmp_path):
    write(tmp_path, "a-requirements.txt", "-r b-requirements.txt\nflask==2.2.2\n")
    write(tmp_path, "b-requirements.txt", "-r a-requirements.txt\n")
    text = (tmp_path / "a-requirements.txt").read_text()
    parsed = parse_dependency_file(str(tmp_path / "a-requirements.txt"), text)
    assert [d.name for d in parsed.dependencies] == ["flask"]


PYPROJECT = """\
[build-system]
requires = ["setuptools>=40.0", "wheel"]

[project]
name = "demo"
dependencies = [
    "requests==2.19.1",  # pinned
    'Jinja2[i18n] >=2.10; python_version >= "3.8"',
]

[project.optional-dependencies]
yaml = ["PyYAML==5.3"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}, "flask==2.2.2"]
lint = ["ruff"]

[tool.poetry.dependencies]
python = "^3.10"
django = "^3.2"
urllib3 = { version = "1.26.5", extras = ["socks"] }
localpkg = { path = "../localpkg" }

[tool.poetry.group.dev.dependencies]
Flask = "==2.2.2"
"""


def test_pyproject_all_tables():
    parsed = parse_dependency_file("/p/pyproject.toml", PYPROJECT)
    assert parsed.errors == []
    deps = {(d.name, d.source): d for d in parsed.dependencies}
    assert set(deps) == {
        ("requests", "pyproject"),
        ("jinja2", "pyproject"), ("pyyaml", "pyproject"), ("pytest", "pyproject"),
        ("flask", "pyproject"), ("ruff", "pyproject"), ("django", "poetry"),
        ("urllib3", "poetry"), ("flask", "poetry"),
    }
    r = deps[("requests", "pyproject")]
    assert r.pinned == "2.19.1" and text_at(PYPROJECT, r.version_span) == "2.19.1"
    assert text_at(PYPROJECT, r.span) == "requests==2.19.1"
    j = deps[("jinja2", "pyproject")]
    assert text_at(PYPROJECT, j.span) == 'Jinja2[i18n] >=2.10; python_version >= "3.8"'
    assert text_at(PYPROJECT, j.spec_span) == ">=2.10"
    d = deps[("django", "poetry")]
    assert d.pinned is None and str(d.specifiers[0]) in ("<4,>=3.2", ">=3.2,<4")
    assert text_at(PYPROJECT, d.span) == 'django = "^3.2"'  # from the key to the closing quote
    u = deps[("urllib3", "poetry")]
    assert u.pinned == "1.26.5" and text_at(PYPROJECT, u.version_span) == "1.26.5"
    f = deps[("flask", "poetry")]
    assert f.pinned == "2.2.2" and text_at(PYPROJECT, f.version_span) == "2.2.2"


def test_poetry_subtable_and_multiple_constraints():
    text = (
        '[tool.poetry.dependencies.requests]\nversion = "2.19.1"\n\n'
        '[tool.poetry.dev-dependencies]\n'
        'numpy = [\n  { version = "1.24.0", python = "<3.12" },\n  { version = ">=1.26", python = ">=3.12" },\n]\n'
        'odd = "^0.0.3 || >=1.0,<2"\n'
    )
    parsed = parse_dependency_file("pyproject.toml", text)
    assert parsed.errors == []
    got = [(d.name, d.pinned) for d in parsed.dependencies]
    assert got == [("requests", "2.19.1"), ("numpy", "1.24.0"), ("numpy", None), ("odd", None)]
    odd = parsed.dependencies[-1]
    assert [str(s) for s in odd.specifiers] == ["<0.0.4,>=0.0.3", "<2,>=1.0"]


@pytest.mark.parametrize(
    "text,needle",
    [
        ('[project]\ndependencies = ["requests==2.19.1"\n', "not valid TOML"),
        ("[project\nname='x'\n", "not valid TOML"),
        ('[project]\ndependencies = ["requests>=,"]\n', "invalid requirement"),
        ('[project]\ndependencies = "requests"\n', "must be an array"),
        ('[tool.poetry.dependencies]\nrequests = "^^2"\n', "invalid version constraint"),
    ],
)
def test_pyproject_malformed(text, needle):
    parsed = parse_dependency_file("pyproject.toml", text)
    assert parsed.errors, parsed
    span, msg = parsed.errors[0]
    assert needle in msg
    assert span.start.line <= len(text.splitlines())


def test_toml_error_at_end_of_document():
    text = '[project]\ndependencies = ["a",\n'
    (span, msg), = parse_dependency_file("pyproject.toml", text).errors
    assert span.start.line == 1 and "not valid TOML" in msg


def test_toml_error_position():
    text = '[project]\nname = "x"\ndependencies = [\n  "a",\n  = \n]\n'
    parsed = parse_dependency_file("pyproject.toml", text)
    (span, msg), = parsed.errors
    assert span.start.line == 4 and "not valid TOML" in msg


UV_LOCK = """\
version = 1
requires-python = ">=3.10"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "requests" }]

[[package]]
name = "requests"
version = "2.19.1"
source = { registry = "https://index.example.invalid/simple" }
sdist = { url = "https://files.example.invalid/x/requests-2.19.1.tar.gz", hash = "sha256:00" }

[[package]]
name = "urllib3"
version = "1.26.5"
source = { registry = "https://index.example.invalid/simple" }
"""

POETRY_LOCK = """\
[[package]]
name = "Jinja2"
version = "2.10"
description = "A very fast and expressive template engine."
optional = false
python-versions = "*"
files = [
    {file = "Jinja2-2.10-py2.py3-none-any.whl", hash = "sha256:00"},
]

[package.dependencies]
MarkupSafe = ">=0.23"

[[package]]
name = "mylib"
version = "0.1.0"
description = ""
optional = false
python-versions = "*"

[package.source]
type = "git"
url = "https://example.invalid/mylib.git"
reference = "main"
resolved_reference = "abc"

[[package]]
name = "pyyaml"
version = "5.3"
description = "YAML parser and emitter for Python"
optional = false
python-versions = "*"

[metadata]
lock-version = "2.0"
python-versions = "^3.10"
content-hash = "00"
"""

PYLOCK = """\
lock-version = "1.0"
created-by = "pip"

[[packages]]
name = "flask"
version = "2.2.2"
index = "https://index.example.invalid/simple"

[[packages.wheels]]
name = "flask-2.2.2-py3-none-any.whl"
url = "https://files.example.invalid/x/flask-2.2.2-py3-none-any.whl"
hashes = {sha256 = "00"}

[[packages]]
name = "mine"
directory = { path = "." }
"""


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("uv.lock", UV_LOCK, [("requests", "2.19.1", 11), ("urllib3", "1.26.5", 17)]),
        ("poetry.lock", POETRY_LOCK, [("jinja2", "2.10", 2), ("pyyaml", "5.3", 28)]),
        ("pylock.toml", PYLOCK, [("flask", "2.2.2", 5)]),
    ],
)
def test_lock_files(name, text, expected):
    parsed = parse_dependency_file(name, text)
    assert parsed.errors == []
    got = [(d.name, d.pinned, d.span.start.line) for d in parsed.dependencies]
    assert got == expected
    for d in parsed.dependencies:
        assert text_at(text, d.span) == d.pinned
        assert d.source == "lock" and not d.fixable


@pytest.mark.parametrize("name", ["uv.lock", "poetry.lock", "pylock.toml"])
def test_lock_files_malformed(name):
    parsed = parse_dependency_file(name, '[[package]\nname = "x"\n')
    assert parsed.errors and "not valid TOML" in parsed.errors[0][1]
    parsed = parse_dependency_file(name, 'package = "oops"\npackages = 3\n')
    assert parsed.dependencies == []


def test_never_raises_on_garbage():
    for name in ("requirements.txt", "pyproject.toml", "uv.lock", "poetry.lock", "pylock.toml"):
        for text in ("\x00\xff\ufeff", "[" * 500, "a" * 10000, "\\\n" * 50, '"""', "=\n=\n"):
            parsed = parse_dependency_file(name, text)
            assert isinstance(parsed.errors, list)
