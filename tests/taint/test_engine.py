"""Taint engine behaviour that the corpus does not show: summaries across
edits and files, the reported path, configuration."""

from __future__ import annotations

import textwrap
from pathlib import Path

from secure_ls.checker import check_paths
from secure_ls.project import engine_options
from secure_ls.config import Settings
from secure_ls.engine.analyzer import Engine, EngineOptions
from secure_ls.engine.model import Confidence
from secure_ls.engine.workspace import WorkspaceSummaries

HELPER_TAINTED = 'def owner():\n    return request.args["owner"]\n'
HELPER_CONSTANT = 'def owner():\n    return "admin"\n'
CALLER = 'def view(cur):\n    cur.execute("SELECT * FROM t WHERE owner = \'" + owner() + "\'")\n'


def _doc(helper: str) -> str:
    return "from flask import request\n\n" + helper + "\n\n" + CALLER


def _sql(result):
    return [(f.span.start.line, f.confidence) for f in result.findings if f.rule_id == "SLS101"]


def test_editing_a_helper_updates_its_callers_in_the_same_document():
    engine = Engine()
    assert _sql(engine.analyze(_doc(HELPER_TAINTED), key="doc")) == [(7, Confidence.HIGH)]
    assert _sql(engine.analyze(_doc(HELPER_CONSTANT), key="doc")) == []
    assert _sql(engine.analyze(_doc(HELPER_TAINTED), key="doc")) == [(7, Confidence.HIGH)]
    # the same answers as a fresh engine
    assert _sql(Engine().analyze(_doc(HELPER_CONSTANT))) == []


def test_an_edit_that_keeps_the_summary_does_not_reanalyse_callers():
    engine = Engine()
    engine.analyze(_doc(HELPER_TAINTED), key="doc")
    calls = []
    original = engine._analyze_unit

    def spy(parsed, module, *rest):
        calls.append(parsed.text)
        return original(parsed, module, *rest)

    engine._analyze_unit = spy
    edited = _doc(HELPER_TAINTED.replace('return request.args["owner"]', 'value = request.args["owner"]\n    return value'))
    assert _sql(engine.analyze(edited, key="doc")) == [(8, Confidence.HIGH)]
    assert not any("def view" in text for text in calls), "the caller's unit was analysed again"


def test_helpers_calling_helpers_and_methods():
    code = textwrap.dedent(
        """
        import os
        from flask import request

        class Inputs:
            @staticmethod
            def raw():
                return request.form["cmd"]

        def cleaned():
            return Inputs.raw().strip()

        def run():
            os.system("sh -c " + cleaned())
        """
    )
    findings = [f for f in Engine().analyze(code).findings if f.rule_id == "SLS102"]
    assert findings and findings[0].confidence == Confidence.HIGH
    messages = [r.message for r in findings[0].related]
    assert any("cleaned()" in m for m in messages)


def test_related_path_goes_from_source_to_sink():
    code = 'import os\nfrom flask import request\n\ndef run():\n    host = request.args["h"]\n    cmd = "ping " + host\n    os.system(cmd)\n'
    finding = next(f for f in Engine().analyze(code).findings if f.rule_id == "SLS102")
    assert finding.confidence == Confidence.HIGH
    assert finding.related, "no path"
    assert finding.related[0].span.start.line == 4  # where the value entered


def test_unknown_origin_is_low_confidence_and_constants_are_quiet():
    code = 'import os\n\ndef run(make):\n    os.system("ls " + make())\n\ndef fixed():\n    os.system("ls " + "/tmp")\n'
    found = [(f.span.start.line, f.confidence) for f in Engine().analyze(code).findings if f.rule_id == "SLS102"]
    assert found == [(3, Confidence.LOW)]


def test_configured_sources_and_sanitizers():
    settings = Settings(sources={"myapp.inputs.get_param": "myapp parameters"}, sanitizers={"myapp.clean.sql_safe": ["sql"]})
    engine = Engine(options=engine_options(settings))
    code = textwrap.dedent(
        """
        from myapp.inputs import get_param
        from myapp.clean import sql_safe

        def view(cur):
            cur.execute("SELECT * FROM t WHERE a = '" + get_param("a") + "'")
            cur.execute("SELECT * FROM t WHERE a = '" + sql_safe(get_param("a")) + "'")
        """
    )
    found = [(f.span.start.line, f.confidence) for f in engine.analyze(code).findings if f.rule_id == "SLS101"]
    assert found == [(5, Confidence.HIGH)]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_workspace_summaries_follow_changes(tmp_path):
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/util.py": "from flask import request\n\ndef target():\n    return request.args['t']\n",
        "pkg/app.py": "import os\nfrom pkg.util import target\n\ndef run():\n    os.system('ping ' + target())\n",
    })
    workspace = WorkspaceSummaries([str(tmp_path)])
    app = tmp_path / "pkg" / "app.py"
    engine = Engine()
    resolver = workspace.resolver_for(str(app))
    first = engine.analyze(app.read_text(), key="app", imports_resolver=resolver)
    assert [f.confidence for f in first.findings if f.rule_id == "SLS102"] == [Confidence.HIGH]
    # the helper now returns a constant: the caller's finding goes away
    changed = workspace.update(str(tmp_path / "pkg" / "util.py"), "def target():\n    return 'localhost'\n")
    assert changed
    second = engine.analyze(app.read_text(), key="app", imports_resolver=resolver)
    assert [f for f in second.findings if f.rule_id == "SLS102"] == []
    # unchanged text: nothing to redo
    assert not workspace.update(str(tmp_path / "pkg" / "util.py"), "def target():\n    return 'localhost'\n")


def test_relative_imports_and_packages(tmp_path):
    _write(tmp_path, {
        "src/shop/__init__.py": "",
        "src/shop/inputs/__init__.py": "from flask import request\n\ndef item():\n    return request.args['item']\n",
        "src/shop/views/__init__.py": "",
        "src/shop/views/items.py": "import os\nfrom .. import inputs\nfrom ..inputs import item\n\ndef a():\n    os.system('x ' + inputs.item())\n\ndef b():\n    os.system('x ' + item())\n",
    })
    results = check_paths([str(tmp_path)], Settings(), jobs=1)
    found = sorted((Path(r.path).name, f.span.start.line, f.confidence) for r in results for f in r.findings if f.rule_id == "SLS102")
    assert found == [("items.py", 5, Confidence.HIGH), ("items.py", 8, Confidence.HIGH)]


def test_a_second_check_in_the_same_process_sees_an_edited_helper(tmp_path):
    # the caller's text is the same in both runs: only the helper in the other module changed
    app = "import os\nfrom pkg.util import target\n\ndef run():\n    os.system('ping ' + target())\n"
    _write(tmp_path, {"pkg/__init__.py": "", "pkg/app.py": app, "pkg/util.py": "from flask import request\n\ndef target():\n    return request.args['t']\n"})
    first = check_paths([str(tmp_path)], Settings(), jobs=1)
    assert [f.confidence for r in first for f in r.findings if f.rule_id == "SLS102"] == [Confidence.HIGH]
    _write(tmp_path, {"pkg/util.py": "import shlex\nfrom flask import request\n\ndef target():\n    return shlex.quote(request.args['t'])\n"})
    second = check_paths([str(tmp_path)], Settings(), jobs=1)
    assert [f for r in second for f in r.findings if f.rule_id == "SLS102"] == []


def test_cli_runs_in_parallel_with_cross_module_summaries(tmp_path):
    files = {"pkg/__init__.py": "", "pkg/util.py": "from flask import request\n\ndef target():\n    return request.args['t']\n"}
    for i in range(10):
        files[f"pkg/m{i}.py"] = "import os\nfrom pkg.util import target\n\ndef run():\n    os.system('ping ' + target())\n"
    _write(tmp_path, files)
    results = check_paths([str(tmp_path)], Settings(), jobs=2)
    high = [r.path for r in results for f in r.findings if f.rule_id == "SLS102" and f.confidence == Confidence.HIGH]
    assert len(high) == 10


# x.f calls y.g, which calls x.f back: recursion across an import cycle
_CYCLE = {
    "x.py": "from flask import request\nfrom y import g\n\ndef f(n):\n    if n:\n        return g(n - 1)\n    return request.args['q']\n",
    "y.py": "from x import f\n\ndef g(n):\n    return f(n)\n",
    "c.py": "import os\nfrom x import f\n\ndef view():\n    os.system('ls ' + f(3))\n",
    "d.py": "import os\nfrom y import g\n\ndef view():\n    os.system('ls ' + g(3))\n",
}


def test_an_import_cycle_is_summarised_the_same_from_either_end(tmp_path):
    """Which module of a cycle the check reaches first must not decide the findings: entered at
    x, y's g was summarised while x's f was still being computed, and `check c.py d.py` missed
    d.py's command built from the request that `check d.py c.py` reported."""
    _write(tmp_path, _CYCLE)
    for order in (["c.py", "d.py"], ["d.py", "c.py"]):
        results = check_paths([str(tmp_path / name) for name in order], Settings(), jobs=1)
        assert sorted(Path(r.path).name for r in results for f in r.findings if f.rule_id == "SLS102") == ["c.py", "d.py"], order
    # and `-j 2`, whose workers each enter the cycle from their own share of the files
    _write(tmp_path, {f"e{i}.py": "x = 1\n" for i in range(8)})
    results = check_paths([str(tmp_path)], Settings(), jobs=2)
    assert sorted(Path(r.path).name for r in results for f in r.findings if f.rule_id == "SLS102") == ["c.py", "d.py"]


def test_an_import_cycle_that_sanitises_stays_quiet_from_either_end(tmp_path):
    # the near miss: g quotes what f returns, so only c.py, which calls f directly, builds its command from the request
    _write(tmp_path, {**_CYCLE, "y.py": "import shlex\nfrom x import f\n\ndef g(n):\n    return shlex.quote(f(n))\n"})
    for order in (["c.py", "d.py"], ["d.py", "c.py"]):
        results = check_paths([str(tmp_path / name) for name in order], Settings(), jobs=1)
        assert sorted(Path(r.path).name for r in results for f in r.findings if f.rule_id == "SLS102") == ["c.py"], order


def test_workspace_summaries_of_a_cycle_do_not_depend_on_the_module_asked_first(tmp_path):
    _write(tmp_path, _CYCLE)
    answers = []
    for first, second in (("x.py", "y.py"), ("y.py", "x.py")):
        workspace = WorkspaceSummaries([str(tmp_path)])
        name = {"x.py": "f", "y.py": "g"}
        workspace.summaries(str(tmp_path / first), frozenset({name[first]}))
        workspace.summaries(str(tmp_path / second), frozenset({name[second]}))
        answers.append({m: workspace.summaries(str(tmp_path / m), frozenset({name[m]})).get(name[m]) for m in ("x.py", "y.py")})
    assert answers[0] == answers[1]
    assert answers[0]["y.py"] is not None  # g returns what f reads from the request


def test_a_workspace_that_lets_every_parsed_piece_go_summarises_the_same(tmp_path):
    """The modules read for other modules' imports keep their parsed pieces only up to a budget
    (module_source.KeptPieces); a piece let go is parsed again when asked for. With no budget at
    all, every summary and every finding is what a workspace that keeps them all gives."""
    _write(tmp_path, {
        **_CYCLE,
        "z.py": "import shlex\nfrom x import f\n\nclass Quoter:\n    def quote(self, n):\n        return shlex.quote(f(n))\n\n"
                "    def raw(self, n):\n        return f(n)\n\ndef helper(n):\n    return Quoter().raw(n)\n",
    })
    answers = []
    for budget in (None, 0):
        workspace = WorkspaceSummaries([str(tmp_path)])
        if budget is not None:
            workspace._kept_pieces.budget = budget
        wanted = {"x.py": "f", "y.py": "g", "z.py": "helper"}
        for _ in range(2):  # asked again: pieces let go are parsed again
            found = {m: workspace.summaries(str(tmp_path / m), frozenset({n, "Quoter.quote"} if m == "z.py" else {n})) for m, n in wanted.items()}
        answers.append({m: found[m].get(n) for m, n in wanted.items()} | {"Quoter.quote": found["z.py"].get("Quoter.quote")})
        sources = [entry[0] for entry in workspace._partial.values() if hasattr(entry[0], "_trees")]
        kept = sum(len(source._trees) for source in sources)
        assert kept <= 1 if budget == 0 else kept >= 3  # the piece used last stays
    assert answers[0] == answers[1]
    assert answers[0]["z.py"] is not None and answers[0]["Quoter.quote"] is not None


def test_engine_options_fingerprint_covers_sources():
    a = EngineOptions(sources={"x.y": "x"})
    b = EngineOptions(sources={"x.z": "x"})
    assert a.fingerprint() != b.fingerprint()


def test_incremental_summaries_equal_a_fresh_analysis():
    """Random edits to helpers and callers: the per-document session, its
    summary caches and unit keys must give what a fresh engine gives."""
    import random

    from .runner import CASES

    rng = random.Random(7)
    snippets = [c.code for c in CASES if not c.files and "def " in c.code.split("# SINK")[0].split("\ndef ", 1)[-1]]
    text = "\n\n".join(rng.sample(snippets, 25))
    pieces = [
        'return request.args["x"]\n    ', 'return "constant"\n    ', "x", "\n", "    ", "(", ")", "#",
        "\ndef helper(v):\n    return v.strip()\n", "\ndef helper(v):\n    return int(v)\n", "helper(", "'",
    ]
    engine = Engine()
    for step in range(80):
        start = rng.randint(0, len(text))
        end = min(len(text), start + rng.choice([0, 0, 1, 5, 20]))
        text = text[:start] + rng.choice(pieces) + text[end:]
        incremental = engine.analyze(text, key="doc")
        fresh = Engine().analyze(text)
        sig = lambda r: sorted((f.key, f.confidence, f.message) for f in r.findings)
        assert sig(incremental) == sig(fresh), f"step {step}"


def test_module_read_in_pieces_gives_the_summaries_of_the_whole_module():
    import ast
    import random
    import sysconfig

    from secure_ls.engine.module_source import ModuleSource
    from secure_ls.engine.summaries import summarize_module, top_level_functions
    from secure_ls.engine.symbols import ModuleSymbols, summarize

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(stdlib.glob("*.py"))
    assert len(files) > 100
    rng = random.Random(5)
    compared = 0
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in rng.sample(files, 40)]
    # a column-0 line inside a string: the pieces do not parse alone, the whole file is used
    texts.append('import os\n\ndef run(cmd):\n    """Runs\ndef not_a_function():\n    """\n    return os.popen(cmd)\n')
    for text in texts:
        tree = ast.parse(text)
        keys = [k for k, _ in top_level_functions(tree)]
        for wanted in (frozenset(rng.sample(keys, min(3, len(keys)))), frozenset(keys[:1])):
            whole = summarize_module([tree], ModuleSymbols.merge([summarize(tree)]), {}, wanted=wanted)
            source = ModuleSource(text)
            pieces = source.for_names(wanted)
            trees, symbols = pieces if pieces is not None else ([source.whole()], ModuleSymbols.merge([summarize(source.whole())]))
            found = summarize_module(trees, symbols, {}, wanted=wanted)
            assert {k: found.get(k) for k in wanted} == {k: whole.get(k) for k in wanted}
            compared += len(wanted)
    assert compared > 60


def _findings(code: str, rule: str):
    return [(f.span.start.line, f.confidence, f.message) for f in Engine().analyze(textwrap.dedent(code)).findings if f.rule_id == rule]


def test_an_attribute_stored_by_one_method_is_read_in_another():
    # built from a constructor parameter, through another attribute (a second round), and the
    # attributes assigning each other in a cycle must still end
    found = _findings(
        """\
        import os

        class Job:
            def __init__(self, folder):
                self.folder = folder
                self.a = self.b = "x"

            def prepare(self):
                self.command = "tar czf out.tgz " + self.folder
                self.a = self.b
                self.b = self.a

            def run(self):
                os.system(self.command)
        """,
        "SLS102",
    )
    assert [(line, confidence) for line, confidence, _ in found] == [(13, Confidence.MEDIUM)]
    assert "the constructor parameter `folder`" in found[0][2]


def test_an_attribute_the_class_only_stores_constants_in_is_constant():
    assert not _findings(
        """\
        import os

        class Job:
            def __init__(self):
                self.command = "ls"

            def run(self):
                os.system(self.command)
        """,
        "SLS102",
    )


def test_a_record_class_keeps_client_data_except_in_number_fields():
    code = """\
        from dataclasses import dataclass
        from flask import request

        @dataclass
        class Target:
            host: str
            port: int

        def view(cur):
            t = Target(**request.json)
            cur.execute("SELECT * FROM hosts WHERE name = '%s'" % t.host)
            cur.execute("SELECT * FROM hosts WHERE port = %s" % t.port)
        """
    assert [(line, confidence) for line, confidence, _ in _findings(code, "SLS101")] == [(10, Confidence.HIGH)]


def test_a_star_star_mapping_reaches_keyword_only_parameters():
    code = """\
        from flask import request

        def column(*, name, **_rest):
            return name

        def view(cur):
            cur.execute("SELECT " + column(**request.args) + " FROM t")
        """
    assert [(line, confidence) for line, confidence, _ in _findings(code, "SLS101")] == [(6, Confidence.HIGH)]


def test_long_chains_of_assignments_are_followed_without_exhausting_the_stack():
    # origins are computed on demand (taint.Origin.deferred): a value built in thousands of
    # steps must still be followed back to its source when a sink finally asks
    lines = ["import os", "from flask import request", "", "def run():", "    cmd = request.args['c']"]
    lines += ["    cmd += ' -v'"] * 3000
    lines += ["    os.system(cmd)", ""]
    result = Engine().analyze("\n".join(lines))
    assert not result.problems
    assert [f.confidence for f in result.findings if f.rule_id == "SLS102"] == [Confidence.HIGH]


_MODELS = """
    from typing import Annotated
    from fastapi import Depends
    from pydantic import BaseModel

    class Base(BaseModel):
        pass

    class Payload(Base):
        project_id: int
        note: str

    class User(Base):
        email: str

    def get_current_user() -> User:
        return User(email="x@example.com")

    CurrentUser = Annotated[User, Depends(get_current_user)]
"""
_VIEWS = """
    import logging
    from fastapi import APIRouter
    from app.models import CurrentUser, Payload

    log = logging.getLogger(__name__)
    router = APIRouter()

    @router.post("/mfa")
    def mfa(payload: Payload, current_user: CurrentUser):
        log.info(f"project {payload.project_id}")
        log.info(f"user {current_user.email}")
        log.info(f"note {payload.note}")
"""


def _log_lines(results) -> list[int]:
    return sorted(f.span.start.line + 1 for r in results for f in r.findings if f.rule_id == "SLS704")


def test_a_request_model_declared_in_another_module_types_its_fields(tmp_path):
    # FastAPI validates the body against the model: `project_id: int` holds a number, `note: str`
    # holds the client's text; an `Annotated[..., Depends(...)]` alias is injected, not sent
    _write(tmp_path, {"app/__init__.py": "", "app/models.py": _MODELS, "app/views.py": _VIEWS})
    assert _log_lines(check_paths([str(tmp_path)], Settings(), jobs=1)) == [13]


def test_a_request_model_declared_in_the_same_module_types_its_fields(tmp_path):
    views = textwrap.dedent(_VIEWS).replace("from app.models import CurrentUser, Payload\n", textwrap.dedent(_MODELS))
    (tmp_path / "views.py").write_text(views)
    lines = views.splitlines()
    note = next(i for i, line in enumerate(lines, 1) if "payload.note" in line)
    assert _log_lines(check_paths([str(tmp_path / "views.py")], Settings(), jobs=1)) == [note]


_FACTORY = """
    from typing import Annotated
    from fastapi import Security
    from app.models import User, get_current_user

    def require_scopes(*scopes: str):
        return Annotated[User, Security(get_current_user, scopes=list(scopes))]
"""
_SCOPES = """
    from app.auth import require_scopes
    from app.models import User

    ViewNode: type[User] = require_scopes("node.view")
"""
_SCOPED_VIEWS = """
    import logging
    from fastapi import APIRouter
    from app import scopes
    from app.auth import require_scopes

    log = logging.getLogger(__name__)
    router = APIRouter()

    @router.get("/nodes")
    def nodes(user: scopes.ViewNode, label: str):
        log.info(f"user {user.email}")
        log.info(f"label {label}")

    @router.get("/tags")
    def tags(user: require_scopes("tag.view"), label: str):
        log.info(f"user {user.email}")
        log.info(f"label {label}")
"""


def test_what_a_dependency_factory_returns_is_injected_not_sent(tmp_path):
    # `require_scopes(...)` returns `Annotated[User, Security(...)]`: a parameter annotated with
    # its result, through an alias of another module or written in place, is the logged-in user
    files = {"app/__init__.py": "", "app/models.py": _MODELS, "app/auth.py": _FACTORY, "app/scopes.py": _SCOPES, "app/views.py": _SCOPED_VIEWS}
    _write(tmp_path, files)
    assert _log_lines(check_paths([str(tmp_path)], Settings(), jobs=1)) == [13, 18]
    # a factory that returns a query parameter's annotation makes client data
    _write(tmp_path, {**files, "app/auth.py": _FACTORY.replace("Security(get_current_user, scopes=list(scopes))", "Query(max_length=64)").replace("import Security", "import Query")})
    assert _log_lines(check_paths([str(tmp_path)], Settings(), jobs=1)) == [12, 13, 17, 18]


_DB_HELPERS = """
    import sqlite3

    def query_db(query, args=()):
        return sqlite3.connect("app.db").execute(query, args).fetchall()

    def cleaned(query):
        query = query.replace("'", "''")
        return sqlite3.connect("app.db").execute("SELECT * FROM t WHERE name = '" + query + "'")
"""
_DB_VIEWS = """
    from flask import Flask, request
    from app.db import query_db, cleaned

    app = Flask(__name__)

    @app.route("/users")
    def users():
        name = request.args["name"]
        query_db("SELECT * FROM users WHERE name = '%s'" % name)
        query_db("SELECT * FROM users WHERE name = ?", (name,))
        cleaned("SELECT " + name)
"""


def test_a_query_built_for_a_helper_of_another_module_that_runs_it_is_judged_where_it_is_built(tmp_path):
    # `query_db` hands its `query` on whole to `execute`; `cleaned` rebinds its parameter first
    _write(tmp_path, {"app/__init__.py": "", "app/db.py": _DB_HELPERS, "app/views.py": _DB_VIEWS})
    results = check_paths([str(tmp_path)], Settings(), jobs=1)
    found = sorted(f.span.start.line + 1 for r in results if Path(r.path).name == "views.py" for f in r.findings if f.rule_id == "SLS101")
    assert found == [10]


def test_editing_the_model_changes_the_findings_of_the_view(tmp_path):
    _write(tmp_path, {"app/__init__.py": "", "app/models.py": _MODELS, "app/views.py": _VIEWS})
    workspace = WorkspaceSummaries([str(tmp_path)])
    views = tmp_path / "app" / "views.py"
    engine = Engine()
    resolver = workspace.resolver_for(str(views))
    first = engine.analyze(views.read_text(), key="views", imports_resolver=resolver)
    assert sorted(f.span.start.line + 1 for f in first.findings if f.rule_id == "SLS704") == [13]
    # `project_id` becomes text: the view's log line with it is reported again
    workspace.update(str(tmp_path / "app" / "models.py"), textwrap.dedent(_MODELS).replace("project_id: int", "project_id: str"))
    second = engine.analyze(views.read_text(), key="views", imports_resolver=resolver)
    assert sorted(f.span.start.line + 1 for f in second.findings if f.rule_id == "SLS704") == [11, 13]


def test_a_model_parameter_assigned_again_loses_its_field_types():
    code = textwrap.dedent(
        """
        import logging
        from fastapi import APIRouter, Request
        from pydantic import BaseModel

        router = APIRouter()

        class Payload(BaseModel):
            project_id: int

        @router.post("/x")
        async def x(payload: Payload, request: Request):
            payload = await request.json()
            logging.info(f"project {payload.project_id}")
        """
    )
    assert [line + 1 for line, _, _ in _findings(code, "SLS704")] == [14]


_CODEC = '''\
import pickle
from flask import Flask, request

app = Flask(__name__)

class CartCodec:
    def __init__(self, raw):
        self.raw = raw

    def cart(self):
        return pickle.loads(self.raw)

@app.post("/cart")
def merge_cart():
    return CartCodec({argument}).cart()
'''


def test_what_the_module_passes_to_a_constructor_reaches_the_methods_that_use_it():
    engine = Engine()
    first = engine.analyze(_CODEC.format(argument="request.get_data()"), key="codec")
    found = [f for f in first.findings if f.rule_id == "SLS105"]
    assert [(f.span.start.line, f.confidence) for f in found] == [(10, Confidence.HIGH)]
    # the path names the call site that passed the request data in
    assert any("`CartCodec(...)` on line 15 passes it" in r.message for r in found[0].related)
    # the caller, in another unit, now passes the program's own bytes: the class's finding goes
    # (to the audit tier, where unpickling any state an object keeps is)
    second = engine.analyze(_CODEC.format(argument='b"\\x80\\x04N."'), key="codec")
    assert [f.confidence for f in second.findings if f.rule_id == "SLS105"] == [Confidence.LOW]
    # and an edit that moves the caller keeps the line of the call in the path right
    third = engine.analyze(_CODEC.format(argument="request.get_data()").replace("@app.post", "\n\n@app.post"), key="codec")
    assert any("on line 17 passes it" in r.message for f in third.findings if f.rule_id == "SLS105" for r in f.related)
    assert third.findings == Engine().analyze(_CODEC.format(argument="request.get_data()").replace("@app.post", "\n\n@app.post")).findings


_CGI = '''\
import os
from urllib.parse import parse_qs

params = parse_qs(os.environ.get("QUERY_STRING", ""))
domain = params.get("domain", ["example.com"])[0]
print("Content-Type: text/plain\\n")
os.system("whois " + domain)


def lookup():
    os.system("whois " + domain)
'''


def _shell(result) -> list[tuple[int, Confidence]]:
    return [(f.span.start.line, f.confidence) for f in result.findings if f.rule_id == "SLS102"]


def test_a_script_statement_sees_what_earlier_statements_assigned():
    engine = Engine()
    # module-level code runs in order: `domain` holds the CGI request's text on line 7; the
    # function reads the global whenever it is called, so it stays unknown (low confidence)
    assert _shell(engine.analyze(_CGI, key="cgi")) == [(6, Confidence.HIGH), (10, Confidence.LOW)]
    # the earlier statement changes: the later one's finding follows (its cache key includes it)
    edited = _CGI.replace('params.get("domain", ["example.com"])[0]', '"example.com"')
    assert _shell(engine.analyze(edited, key="cgi")) == []
    assert _shell(engine.analyze(_CGI, key="cgi")) == _shell(Engine().analyze(_CGI))


def test_the_operators_own_inputs_stay_unknown_across_statements():
    # command-line arguments and ordinary environment variables are the operator's: without
    # the other statement's expression a rule cannot see how the value was built
    script = "import os, sys\n\nname = sys.argv[1]\nos.system('echo ' + name)\n"
    assert _shell(Engine().analyze(script)) == [(3, Confidence.LOW)]


_HELPER_CHAIN = (
    "import subprocess\nimport sys\n\n\n"
    "def first_word(text):\n    return text.split()[0]\n\n\n"
    "def parse(argv):\n    name = first_word(argv[1])\n    return name, len(argv)\n\n\n"
    "def main():\n    name, count = parse(sys.argv)\n    subprocess.call('ls ' + name, shell=True)\n\n\n"
    "main()\n"
)


def test_a_helper_calling_another_helper_of_its_module_keeps_what_it_returns_with_a_workspace(tmp_path):
    # With a workspace (the CLI and the editor), each function's summary is computed with the
    # summaries of the module's other functions: `parse` returns what `first_word` returns,
    # so the command is the command line's, as without a workspace.
    _write(tmp_path, {"tool.py": _HELPER_CHAIN})
    path = tmp_path / "tool.py"
    resolver = WorkspaceSummaries([str(tmp_path)]).resolver_for(str(path))
    alone = Engine().analyze(_HELPER_CHAIN)
    with_workspace = Engine().analyze(_HELPER_CHAIN, imports_resolver=resolver, path=str(path))
    assert [(f.rule_id, f.confidence) for f in alone.findings] == [("SLS102", Confidence.MEDIUM)]
    assert [(f.rule_id, f.confidence, f.message) for f in with_workspace.findings] == [(f.rule_id, f.confidence, f.message) for f in alone.findings]


def test_an_imported_module_checked_first_gives_the_importer_the_same_findings(tmp_path):
    # A batch run analyses modules in turn and publishes each one's summaries to the workspace:
    # an importer checked afterwards must see the same summaries as one checked first.
    helper = _HELPER_CHAIN  # which calls `parse` itself: its own analysis summarises it
    importer = "import subprocess\nimport sys\n\nimport helper\n\n\ndef main():\n    name, count = helper.parse(sys.argv)\n    subprocess.call('ls ' + name, shell=True)\n"
    _write(tmp_path, {"helper.py": helper, "main.py": importer})
    results = []
    for first in ([], ["helper.py"]):
        workspace = WorkspaceSummaries([str(tmp_path)])
        for name in [*first, "main.py"]:
            path = tmp_path / name
            result = Engine().analyze(path.read_text(), imports_resolver=workspace.resolver_for(str(path)), path=str(path))
        results.append([(f.rule_id, f.confidence) for f in result.findings])
    assert results[0] == results[1] == [("SLS102", Confidence.MEDIUM)]


SPEC_LOOKUP = """
import logging

from flask import Flask, abort
from shop.settings import settings

app = Flask(__name__)
log = logging.getLogger(__name__)


def _custom_spec(action):
    specs = settings().get("actions")
    if action not in specs:
        return None
    return specs[action]


def _spec(source, action):
    if source == "custom":
        return _custom_spec(action)
    return None


@app.route("/commands/<source>/<command>", methods=["POST"])
def execute(source, command):
    spec = _spec(source, command)
    if not spec:
        abort(404)
    log.info(f"running {command}")
    return "ok"
"""


def _logged(code: str) -> list[int]:
    return [f.span.start.line for f in Engine().analyze(code).findings if f.rule_id == "SLS704"]


def test_a_helper_that_returns_none_unless_it_found_the_key_validates_it_where_the_caller_aborts_on_none():
    # `_spec` returns None unless `action` is a key of the configured specs (through another helper):
    # where the caller went on, `command` is one of the application's own keys
    assert _logged(SPEC_LOOKUP) == []
    assert _logged(SPEC_LOOKUP.replace("    if not spec:\n        abort(404)\n", "")) == [26]
    # a helper that finds something for any key (a default, another branch) checks nothing
    assert _logged(SPEC_LOOKUP.replace("        return _custom_spec(action)\n    return None", "        return _custom_spec(action)\n    return {}")) == [28]
    assert _logged(SPEC_LOOKUP.replace("    if action not in specs:\n        return None\n", "")) == [26]


def test_a_serializer_imported_from_another_module_types_its_validated_fields(tmp_path):
    # `serializer.validated_data["start"]` of a DRF serializer declared in another module with a
    # DateTimeField is a datetime, as for one declared in the view's module; a CharField there
    # keeps the client's text (line breaks included)
    serializers = (
        "from rest_framework import serializers\n\nclass RangeSerializer(serializers.Serializer):\n"
        "    start = serializers.DateTimeField()\n"
    )
    views = (
        "import logging\n\nfrom rest_framework.decorators import api_view\nfrom rest_framework.response import Response\n\n"
        "from app.serializers import RangeSerializer\n\nlog = logging.getLogger(__name__)\n\n"
        "@api_view(['GET'])\ndef shifts(request):\n    serializer = RangeSerializer(data=request.query_params)\n"
        "    serializer.is_valid(raise_exception=True)\n    start = serializer.validated_data['start']\n"
        "    log.info(f'shifts from {start}')\n    return Response([])\n"
    )

    def reported():
        results = check_paths([str(tmp_path)], Settings(), jobs=1)
        return [f.span.start.line for r in results for f in r.findings if f.rule_id == "SLS704"]

    _write(tmp_path, {"app/__init__.py": "", "app/serializers.py": serializers, "app/views.py": views})
    assert reported() == []
    _write(tmp_path, {"app/serializers.py": serializers.replace("DateTimeField", "CharField")})
    assert reported() == [14]  # 0-based line of the log call


_ORG_MODELS = """
from django.db import models


class Organization(models.Model):
    stack_id = models.PositiveIntegerField()
    slug = models.CharField(max_length=40)
"""

_ORG_VIEWS = """
import logging

from django.http import HttpResponse

from app.models import Organization

log = logging.getLogger(__name__)


def from_header(request, team):
    stack_id = request.META.get("HTTP_X_STACK_ID")
    try:
        return team.organizations.get(stack_id=stack_id)
    except Organization.DoesNotExist:
        log.info(f"no organization with stack_id {stack_id}")
        return None
"""


def test_a_lookup_by_a_number_field_of_a_model_of_another_module_holds_digits_where_it_missed(tmp_path):
    # Django converts `stack_id=value` with int() when it builds the query (ValueError otherwise), so in
    # the handler of the model's DoesNotExist the value is digits; a text field's lookup converts nothing
    _write(tmp_path, {"app/__init__.py": "", "app/models/__init__.py": "from .organization import Organization\n", "app/models/organization.py": _ORG_MODELS, "app/views.py": _ORG_VIEWS})

    def logged():
        results = check_paths([str(tmp_path)], Settings(), jobs=1)
        return sorted(f.span.start.line + 1 for r in results if Path(r.path).name == "views.py" for f in r.findings if f.rule_id == "SLS704")

    assert logged() == []
    _write(tmp_path, {"app/views.py": _ORG_VIEWS.replace("stack_id=stack_id", "slug=stack_id")})
    assert logged() == [16]
