"""Engine behaviour a user notices: newer syntax, broken syntax, names, positions."""

from __future__ import annotations

import pytest

from secure_ls.engine.analyzer import Engine

ENGINE = Engine()


def _analyzed(code):
    """The engine's result, with no rule failing on the way: a rule that raises reports nothing,
    which would pass every "not reported" assertion."""
    result = ENGINE.analyze(code)
    failed = [p for p in result.problems if p.startswith("rule ")]
    assert not failed, failed
    return result


def rules(code):
    return [f.rule_id for f in _analyzed(code).findings]


def _quiet_until_undone(rule, code, old, new):
    """The idiom in `code` keeps `rule` quiet; undone (`old` replaced by `new`), the rule reports:
    the test fails if the idiom is not what silences it."""
    assert old in code
    assert rule not in rules(code)
    assert rule in rules(code.replace(old, new))


def test_python_312_syntax_is_analysed_on_any_interpreter():
    code = (
        "import sqlite3\n"
        "type UserId = int\n"
        "def find[T](conn, name: T):\n"
        "    conn.execute(f\"SELECT * FROM users WHERE name = '{name}' -- {\"x\"}\")\n"
        "greeting = f\"{'\\n'.join(['a', 'b'])}\"\n"
    )
    result = ENGINE.analyze(code)
    assert result.syntax_errors == []
    finding = next(f for f in result.findings if f.rule_id == "SLS101")
    assert finding.span.start.line == 3 and finding.span.start.column == code.splitlines()[3].index("f\"")


def test_syntax_error_loses_only_its_statement():
    code = "import yaml\n\ndef broken(:\n    pass\n\ndef load(s):\n    return yaml.load(s)\n"
    result = ENGINE.analyze(code)
    assert "SLS104" in [f.rule_id for f in result.findings]
    assert len(result.syntax_errors) == 1 and result.syntax_errors[0][0].start.line == 2


def test_unclosed_string_while_typing_keeps_the_rest_of_the_file():
    code = 'import yaml\nx = """\n\ndef load(s):\n    return yaml.load(s)\n'
    result = ENGINE.analyze(code)
    assert "SLS104" in [f.rule_id for f in result.findings]


def test_names_resolve_through_imports_and_local_shadowing():
    assert "SLS302" in rules("from hashlib import md5 as h\n\ndef sign(token):\n    return h(token.encode()).hexdigest()\n")
    assert "SLS302" not in rules("def md5(x):\n    return x\n\ndef sign(token):\n    return md5(token)\n")
    assert "SLS302" not in rules("import hashlib\n\ndef sign(token):\n    hashlib = None\n    return hashlib.md5(token)\n")


def test_query_built_only_from_constants_is_not_reported():
    base = "import sqlite3\nTABLE = 'users'\n\ndef count(conn):\n    q = 'SELECT count(*) FROM ' + TABLE\n    return conn.execute(q)\n"
    assert "SLS101" not in rules(base)
    assert "SLS101" in rules(base.replace("def count(conn):", "def count(conn, TABLE):"))


def test_columns_are_code_points_after_non_ascii_text():
    code = "import yaml\nx = 'é😀'; y = yaml.load(s)\n"
    finding = next(f for f in ENGINE.analyze(code).findings if f.rule_id == "SLS104")
    assert finding.span.start.column == code.splitlines()[1].index("yaml.load")


def test_crlf_and_lone_cr_keep_lines():
    code = "import yaml\r\n\r\ny = yaml.load(s)\r\n"
    assert ENGINE.analyze(code).findings[0].span.start.line == 2
    code = "import yaml\r\ry = yaml.load(s)\r"
    assert ENGINE.analyze(code).findings[0].span.start.line == 2


def test_fix_edits_keep_the_files_line_endings():
    code = "import yaml\r\n\r\ny = yaml.load(s)\r\n"
    finding = ENGINE.analyze("import random\r\n\r\ndef token():\r\n    return random.randint(0, 9)\r\n").findings[0]
    assert all("\n" not in e.text or "\r\n" in e.text for e in finding.fix.edits)
    assert ENGINE.analyze(code).findings[0].fix is not None


def test_one_finding_per_rule_per_statement():
    """Two request values in one log call are one problem to fix, not two diagnostics on one line."""
    code = (
        "import logging\nfrom flask import request\n\n"
        "def hello():\n"
        "    logging.info(f\"hello {request.args.get('a')} from {request.args.get('b')}\")\n"
    )
    findings = [f for f in ENGINE.analyze(code).findings if f.rule_id == "SLS704"]
    assert len(findings) == 1
    assert len(findings[0].fix.edits) == 2  # the one fix adds !r to both fields


def test_branches_a_literal_constant_rules_out_are_dead():
    """`if FLAG:`, `x if FLAG else y` and `match MODE:` on module literals take one way only."""
    head = "import sqlite3\nfrom flask import request\nRAW = False\nMODE = 'sqlite'\n\ndef view(conn):\n"
    dead_if = head + "    if RAW and request.args:\n        q = request.args['q']\n    else:\n        q = 'id'\n    conn.execute('SELECT * FROM t ORDER BY ' + q)\n"
    ternary = head + "    q = request.args['q'] if RAW else 'id'\n    conn.execute('SELECT * FROM t ORDER BY ' + q)\n"
    matched = head + "    match MODE:\n        case 'sqlite':\n            q = 'rowid'\n        case _:\n            q = request.args['q']\n    conn.execute('SELECT * FROM t ORDER BY ' + q)\n"
    for code in (dead_if, ternary, matched):
        assert "SLS101" not in rules(code), code
        # the same code with the flag on is reported
        live = code.replace("RAW = False", "RAW = True").replace("MODE = 'sqlite'", "MODE = 'postgres'")
        assert "SLS101" in rules(live), live


def test_items_under_constant_keys_keep_their_own_origin():
    """`{"q": request.args["q"], "table": "posts"}`: the table name is not request data, the
    query still is; any use that could change the items unseen falls back to the whole."""
    head = "import sqlite3\nfrom flask import request\n\ndef view(conn):\n"
    sink = "    conn.execute('SELECT * FROM ' + {read})\n"

    def sql(body, read):
        return "SLS101" in rules(head + body + sink.format(read=read))

    literal = "    d = {'q': request.args['q'], 'table': 'posts'}\n"
    assert not sql(literal, "d['table']") and not sql(literal, "d.get('table', 'x')")
    assert sql(literal, "d['q']") and sql(literal, "d[key]".replace("key", "request.args['k']"))
    # writes through a constant key update that item only
    assert sql("    d = {'table': 'posts'}\n    d['table'] = request.args['t']\n", "d['table']")
    assert not sql("    d = {'table': 'posts'}\n    d['q'] = request.args['q']\n", "d['table']")
    assert not sql("    d = {'table': request.args['t']}\n    d['table'] = 'posts'\n", "d['table']")
    assert sql("    d = {'table': 'p'}\n    d['table'] += request.args['t']\n", "d['table']")
    # lists and tuples by index
    assert not sql("    row = [request.args['q'], 'posts']\n", "row[1]") and not sql("    row = (request.args['q'], 'posts')\n", "row[-1]")
    assert sql("    row = [request.args['q'], 'posts']\n", "row[0]")
    # uses that may change items: the whole counts again
    for change in ("    d.update(request.args)\n", "    d.setdefault('table', request.args['t'])\n", "    d[request.args['k']] = request.args['v']\n"):
        assert sql("    d = {'table': 'posts'}\n" + change, "d['table']"), change
    assert sql("    row = ['posts', 'x']\n    row.insert(0, request.args['t'])\n", "row[0]")
    # containers hold what their writing methods were given
    assert sql("    parts = ['posts']\n    parts.append(request.args['t'])\n", "' '.join(parts)")
    assert sql("    import io\n    buf = io.StringIO()\n    buf.write(request.args['t'])\n", "buf.getvalue()")
    # paths that disagree keep the item only where both track it
    branches = "    d = {'table': 'posts'}\n    if request.args:\n        d['table'] = request.args['t']\n"
    assert sql(branches, "d['table']")


def test_websocket_messages_are_client_data():
    """FastAPI/Starlette `receive_text()`/`iter_text()`, flask-sock's `ws.receive()`, aiohttp's
    `receive_str()` and `async for msg in ws`: a message is what the client sent."""
    fastapi = (
        "import subprocess\nfrom fastapi import FastAPI, WebSocket\napp = FastAPI()\n\n"
        "@app.websocket('/ws')\nasync def console(ws: WebSocket):\n    await ws.accept()\n"
        "    async for line in ws.iter_text():\n        subprocess.run(line, shell=True)\n"
    )
    flask_sock = "import os\nfrom flask_sock import Sock\nsock = Sock()\n\n@sock.route('/t')\ndef tail(ws):\n    os.system('tail ' + ws.receive())\n"
    aiohttp = (
        "from aiohttp import web\n\nasync def repl(request):\n    ws = web.WebSocketResponse()\n    await ws.prepare(request)\n"
        "    async for msg in ws:\n        eval(msg.data)\n    return ws\n"
    )
    findings = {code: [f for f in ENGINE.analyze(code).findings if f.rule_id in ("SLS102", "SLS103")] for code in (fastapi, flask_sock, aiohttp)}
    for code, found in findings.items():
        assert found and "websocket message" in found[0].message, code
    # without the framework imported, `receive()` is just a method
    assert not [f for f in ENGINE.analyze(flask_sock.replace("from flask_sock import Sock\n", "")).findings if f.confidence.name == "HIGH"]


def test_an_optional_import_is_still_the_module():
    """`try: import yaml` / `except ImportError: yaml = None`: wherever `yaml.load` runs, yaml is PyYAML."""
    code = (
        "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n\n"
        "def read(text):\n    if yaml is None:\n        raise RuntimeError('no yaml')\n    return yaml.load(text, Loader=yaml.Loader)\n"
    )
    assert "SLS104" in rules(code)
    assert "SLS104" in rules(code.replace("except ImportError:", "except (ImportError, OSError):"))
    # any other rebinding is not an optional import
    assert "SLS104" not in rules(code.replace("except ImportError:", "except ValueError:").replace("yaml = None", "yaml = Loader()"))


def test_text_assembled_in_a_buffer_or_list_is_judged_by_its_pieces():
    """`buf.write(...)` ... `execute(buf.getvalue())`, `parts.append(...)` ... `" ".join(parts)`,
    and a StringIO written from the request and then parsed."""
    head = "import io\nimport sqlite3\nfrom flask import request\n\ndef view(conn):\n"
    buffered = head + "    buf = io.StringIO()\n    buf.write('SELECT id FROM products WHERE 1=1')\n    buf.write(\" AND brand = '%s'\" % request.args['b'])\n    conn.execute(buf.getvalue())\n"
    listed = head + "    parts = ['SELECT id FROM products WHERE 1=1']\n    parts.append(\"AND brand = '%s'\" % request.args['b'])\n    conn.execute(' '.join(parts))\n"
    for code in (buffered, listed):
        (finding,) = [f for f in ENGINE.analyze(code).findings if f.rule_id == "SLS101"]
        assert finding.fix is None and "piece by piece" in finding.message
    constant = buffered.replace("% request.args['b']", "% 'acme'")
    assert "SLS101" not in rules(constant)
    xml = "import io\nimport xml.etree.ElementTree as ET\nfrom flask import request\n\ndef view():\n    buf = io.StringIO()\n    buf.write(request.form['svg'])\n    buf.seek(0)\n    return ET.parse(buf)\n"
    assert "SLS108" in rules(xml)


def test_a_field_checked_against_an_allow_list_is_validated_until_reassigned():
    """`if f.key not in COLUMNS: raise` validates `f.key` for what follows, on every path
    that checked it, until `f` or `f.key` is assigned again."""
    head = "COLUMNS = {'name', 'age'}\n\ndef view(conn, f, g, flag):\n"
    check = "    if f.key not in COLUMNS:\n        raise ValueError(f.key)\n"
    sink = "    conn.execute(f'SELECT * FROM t ORDER BY {f.key}')\n"
    assert "SLS101" not in rules(head + check + sink)
    assert "SLS101" not in rules(head + "    for f in g:\n" + check.replace("    ", "        ", 1).replace("\n        raise", "\n            raise") + "    " + sink)
    assert "SLS101" in rules(head + sink)
    assert "SLS101" in rules(head + check + "    f = g\n" + sink)
    assert "SLS101" in rules(head + check + "    f.key = g\n" + sink)
    assert "SLS101" in rules(head + "    if flag:\n" + check.replace("    if", "        if").replace("        raise", "            raise") + sink)
    assert "SLS101" in rules(head + check.replace("f.key not in COLUMNS", "f.other not in COLUMNS") + sink)


def test_an_item_checked_against_an_allow_list_is_validated_until_reassigned():
    """`if options.cmd[0] in COMMANDS:` validates that item (a constant index of a name or of a
    field of one) like a field, until the name, the field or the item is assigned again."""
    head = "import sys\nCOMMANDS = {'build': 1, 'clean': 2}\n\ndef main(options, other):\n"
    check = "    if options.cmd[0] not in COMMANDS:\n        raise SystemExit(1)\n"
    sink = "    eval(options.cmd[0])(options.rest)\n"
    assert "SLS103" not in rules(head + check + sink)
    argv = "    if sys.argv[1] in COMMANDS.keys():\n        eval(sys.argv[1])(sys.argv[2:])\n"
    assert "SLS103" not in rules(head + argv)
    # still reported: unchecked, another index, the name, field or item assigned again
    assert "SLS103" in rules(head + sink)
    assert "SLS103" in rules(head + argv.replace("eval(sys.argv[1])", "eval(sys.argv[2])"))
    assert "SLS103" in rules(head + check + "    options = other\n" + sink)
    assert "SLS103" in rules(head + check + "    options.cmd = other\n" + sink)
    assert "SLS103" in rules(head + check + "    options.cmd[0] = other\n" + sink)
    # checked on one path only: after the join the item is what it was on the other
    for item in ("sys.argv[1]", "options.cmd[0]"):
        one_path = f"    if other:\n        if {item} not in COMMANDS:\n            raise SystemExit(1)\n    eval({item})()\n"
        assert "SLS103" in rules(head + one_path), item
    local = "    argv = sys.argv\n    if other:\n        if argv[1] not in COMMANDS:\n            raise SystemExit(1)\n    eval(argv[1])()\n"
    assert "SLS103" in rules(head + local)


def test_answers_of_servers_the_program_calls_are_not_its_clients_data():
    """A variable named like the request but holding a response (`req = requests.get(url)`), and any
    HTTP client (a wrapper, a session) called with an absolute URL written in the code, give
    the other server's answer: not the client's data sent along, nor a dict lookup's default."""
    head = "import logging\nimport requests\nfrom flask import request\nfrom app import http\n\nlog = logging.getLogger(__name__)\n\n"
    named_req = head + "def key(kid):\n    req = requests.get(f'https://keys.example.com/{kid}')\n    return req.text\n\ndef view():\n    k = key(request.args['kid'])\n    log.info('key %s', k)\n"
    wrapper = head + "API = 'https://api.example.com/v1/boards'\n\ndef view():\n    resp = http.get(API, {'token': request.form['token']})\n    log.warning('bad answer: %s', resp.content)\n"
    literal = head + "def view():\n    resp = http.post('https://api.example.com/lookup', {'q': request.form['q']})\n    log.warning('bad answer: %s', resp.text)\n"
    # a client session's answer, named `request` (any URL: the session is an HTTP client)
    session = head + "import aiohttp\n\nasync def get(url, key):\n    async with aiohttp.ClientSession() as session:\n        async with session.get(url) as request:\n            log.debug('%s is %s', key, await request.json())\n"
    # ... or a session the object holds: what a `with` enters is an answer, never the request being answered
    entered = head + "class Updater:\n    async def fetch(self, url, key):\n        async with self.websession.get(url) as request:\n            log.debug('%s is %s', key, await request.json())\n"
    for code in (named_req, wrapper, literal, session, entered):
        assert "SLS704" not in rules(code), code
    # still reported: the incoming request under that name, a lookup with a default, a URL the client picks
    assert "SLS704" in rules(head + "def view():\n    req = request\n    log.info('q %s', req.args['q'])\n")
    assert "SLS704" in rules(head + "CONF = {}\n\ndef view():\n    v = CONF.get('x', request.args['q'])\n    log.info('q %s', v)\n")
    assert "SLS704" in rules(head + "def view():\n    resp = http.get(request.args['url'], {'q': request.args['q']})\n    log.info('q %s', resp)\n")
    assert "SLS704" in rules(head + "class View:\n    def get(self, request):\n        log.info('q %s', request.args.get('q'))\n")


def test_a_digest_that_names_something_is_an_identifier_not_a_security_use():
    """MD5/SHA-1 making a cache key, a unique key or a job id (even from a token) is the audit tier;
    the same hash making a token or signature stays a medium finding."""

    def confidence(code):
        return [f.confidence.name for f in ENGINE.analyze(code).findings if f.rule_id == "SLS302"]

    head = "import hashlib\n\n"
    assert confidence(head + "def cache_key_for(token):\n    return 'auth:' + hashlib.md5(token.encode()).hexdigest()\n") == ["LOW"]
    assert confidence(head + "class Item:\n    @property\n    def unique_key(self):\n        return hashlib.sha1(self.code.encode()).hexdigest()\n") == ["LOW"]
    assert confidence(head + "def enqueue(meta):\n    job_id = hashlib.sha1(repr(meta).encode()).hexdigest()\n    return job_id\n") == ["LOW"]
    assert confidence(head + "def make_token(user_id):\n    return hashlib.md5(user_id.encode()).hexdigest()\n") == ["MEDIUM"]
    assert confidence(head + "def sign(payload, secret):\n    signature = hashlib.md5(secret + payload).hexdigest()\n    return signature\n") == ["MEDIUM"]
    assert confidence(head + "def api_key(user):\n    return hashlib.sha1(user.secret.encode()).hexdigest()\n") == ["MEDIUM"]
    # written into a text that names a kind of entry (`rate-limit:`), or kept as an ACL cache key
    assert confidence(head + "def key_for(request):\n    return 'rate-limit:{}:{}'.format(request.ip, hashlib.md5(request.agent.encode()).hexdigest())\n") == ["LOW"]
    assert confidence(head + "class User:\n    def update_key(self, roles):\n        self.acl_key = hashlib.md5(','.join(roles).encode()).hexdigest()[:12]\n") == ["LOW"]
    assert confidence(head + "def key_for(request):\n    return 'auth:{}'.format(hashlib.md5(request.token.encode()).hexdigest())\n") == ["MEDIUM"]


def test_a_handler_parameter_typed_as_a_client_is_injected_not_client_data():
    """`client: WebClient` in a chat-bot handler is an API client the framework hands in; what its
    methods return comes from that API (at most "unknown"), while the other parameters stay request data."""
    code = (
        "import logging\nfrom slack_bolt import App\nfrom slack_sdk import WebClient\n\napp = App()\nlog = logging.getLogger(__name__)\n\n"
        "@app.view('assign')\ndef assign(ack, body: dict, client: WebClient, form_data: dict):\n"
        "    email = client.users_info(user=form_data['who'])['user']['profile']['email']\n"
        "    log.warning(f'no user for {email}')\n"
    )
    assert "SLS704" not in rules(code)
    assert "SLS704" in rules(code.replace("{email}", "{form_data['who']}"))
    # a body model that is just called `Client` is still what the client sent
    body = code.replace("client: WebClient", "client: Client").replace("email = client.users_info(user=form_data['who'])['user']['profile']['email']", "email = client.email")
    assert "SLS704" in rules(body)


def test_deep_nesting_verdict_does_not_depend_on_the_callers_stack():
    """Python builds the AST against the recursion limit from the current stack depth: the
    same text must parse (or not) alike in the server and deep inside a test or worker."""
    from secure_ls.engine.units import UnitParser

    text = "x = " + "-" * 900 + "1\n"

    def at_depth(k):
        return UnitParser().parse(text) if k == 0 else at_depth(k - 1)

    shallow, deep = at_depth(0), at_depth(800)
    assert shallow.tree is not None and deep.tree is not None and deep.error is None


def test_unselected_rules_do_not_run_and_findings_are_those_of_all_rules_filtered():
    """Rule selection is decided when the engine is built (project.engine_for), not by
    filtering after every rule ran; what the user sees is the same."""
    from pathlib import Path

    from secure_ls.config import Settings
    from secure_ls.project import engine_for

    text = (Path(__file__).resolve().parents[2] / "examples" / "insecure_app.py").read_text(encoding="utf-8")
    every = ENGINE.analyze(text).findings
    for raw in ({"select": ["SLS3"]}, {"ignore": ["SLS1", "sql-injection"]}, {"extend-select": ["SLS705"]}, {"select": ["SLS101"], "ignore": ["SLS101"]}, {}):
        settings = Settings().merged(raw, "test")
        engine = engine_for(settings)
        assert all(settings.rule_enabled(type(rule)) for rule in engine.rules), raw
        assert settings.apply(engine.analyze(text).findings, "app.py") == settings.apply(every, "app.py"), raw
    assert engine_for(Settings().merged({"select": ["SLS3"]}, "test")).rules
    assert not engine_for(Settings().merged({"select": ["SLS101"], "ignore": ["SLS101"]}, "test")).rules


def test_an_assert_that_narrows_request_user_for_the_type_checker_is_low_confidence():
    from secure_ls.engine.model import Confidence

    typed = (
        "from django.http import HttpRequest\n\n"
        "def _check_for_user(request: HttpRequest, code):\n"
        "    assert request.user.is_authenticated\n"
        "    return request.user.checks.get(code=code)\n"
    )
    untyped = typed.replace("request: HttpRequest", "request")
    found = [(f.confidence, "type checker" in f.message) for f in Engine().analyze(typed).findings if f.rule_id == "SLS130"]
    assert found == [(Confidence.LOW, True)]
    found = [(f.confidence, "type checker" in f.message) for f in Engine().analyze(untyped).findings if f.rule_id == "SLS130"]
    assert found == [(Confidence.HIGH, False)]


def test_an_assert_on_an_objects_own_state_outside_request_handling_is_low_confidence():
    # an MFA backend built for one user: its callers establish who reaches `check_code`
    backend = (
        "class OtpBackend:\n"
        "    def __init__(self, user):\n        self.user = user\n\n"
        "    def is_authenticated(self):\n        return self.user and self.user.is_authenticated\n\n"
        "    def check_code(self, code):\n        assert self.is_authenticated()\n        return verify(self.user.otp_secret, code)\n"
    )
    # the same class once it holds the request: the assert is the view's access check
    _low_until_undone("SLS130", backend, "def __init__(self, user):\n        self.user = user", "def __init__(self, request):\n        self.user = request.user", "high")


def test_an_assert_on_what_a_caller_passes_to_a_method_outside_request_handling_is_low_confidence():
    # a model's method: the views that call it decide who gets here
    model = (
        "from django.db import models\n\n"
        "class Bookmark(models.Model):\n"
        "    @classmethod\n    def increase_to(cls, user, topic, number):\n"
        "        assert user.is_authenticated\n"
        "        return cls.objects.filter(user=user, topic=topic).update(number=number)\n"
    )
    # the same method once the class handles the request: the assert is the view's access check
    _low_until_undone("SLS130", model, "def increase_to(cls, user, topic, number):", "def increase_to(cls, user, topic, number, request=None):", "high")
    # an assert on a value that is no parameter of the method is not the caller's precondition
    assert _confidence(model.replace("assert user.is_authenticated", "assert get_user().is_authenticated"), "SLS130") == ["high"]


def test_an_authorization_assert_in_a_management_command_is_low_confidence():
    # a sanity check of what the operator's own import command just did
    command = (
        "from django.core.management.base import BaseCommand\n\n"
        "class Command(BaseCommand):\n"
        "    def handle(self, *args, **options):\n"
        "        owner = import_projects(options['file'])\n"
        "        for project in owner.projects:\n"
        "            assert owner.has_perm('view_project', project)\n"
    )
    # the same assert in a view's helper class is the access check a request passes
    _low_until_undone("SLS130", command, "class Command(BaseCommand):\n    def handle(", "class Importer(object):\n    def run(", "high")
    assert _confidence(command.replace("def handle(", "def run("), "SLS130") == ["high"]
    # a helper of the command's module, which Django runs for the operator too
    helper = (
        "from django.core.management.base import BaseCommand\n\n"
        "def import_user(owner, projects):\n"
        "    for project in projects:\n"
        "        assert owner.has_perm('view_project', project)\n\n"
        "class Command(BaseCommand):\n"
        "    def handle(self, *args, **options):\n        import_user(*load(options['file']))\n"
    )
    _low_until_undone("SLS130", helper, "class Command(BaseCommand)", "class Importer(object)", "high")


def test_two_passwords_from_one_submitted_form_are_a_confirmation_check():
    code = (
        "from flask import request\n\n"
        "def register():\n"
        "    password = request.form.get('password', '')\n"
        "    rpassword = request.form.get('rpassword', '')\n"
        "    if password != rpassword:\n        return 'Password confirmation does not match', 400\n"
    )
    _quiet_until_undone("SLS305", code, "rpassword = request.form.get('rpassword', '')", "rpassword = stored_password_of(request.form['username'])")


def test_an_assert_of_the_http_method_restates_the_route():
    code = (
        "from flask import Flask, request\napp = Flask(__name__)\n\n"
        "@app.route('/swarm', methods=['POST'])\ndef swarm():\n    assert request.method == 'POST'\n    return 'ok'\n"
    )
    _quiet_until_undone("SLS130", code, "request.method == 'POST'", "request.form['count'] == 'POST'")


def test_a_response_typed_or_downloaded_after_it_is_made_is_not_html():
    typed = (
        "from django.http import HttpResponse\n\ndef export(request):\n"
        "    resp = HttpResponse(request.GET['data'])\n    resp['Content-Type'] = 'application/pdf'\n    return resp\n"
    )
    _quiet_until_undone("SLS803", typed, "'application/pdf'", "'text/html'")
    downloaded = (
        "from flask import Flask, make_response, request\napp = Flask(__name__)\n\n@app.route('/export')\ndef export():\n"
        "    resp = make_response(request.args['chart'])\n    resp.headers['Content-Disposition'] = 'attachment; filename=%s' % 'c.html'\n    return resp\n"
    )
    _quiet_until_undone("SLS803", downloaded, "'attachment; filename=%s'", "'inline; filename=%s'")


def test_a_helper_that_returns_a_response_marked_as_a_download_makes_no_html_page():
    # the view's response is the helper's: saved by the browser, never rendered in the site's origin
    helper = (
        "from flask import Flask, make_response, request\napp = Flask(__name__)\n\n"
        "def send_download(output, filename):\n    resp = make_response(output)\n"
        "    resp.headers['Content-Disposition'] = 'attachment; filename=%s' % filename\n    return resp\n\n"
        "@app.route('/export')\ndef export():\n    return send_download('<h1>chart</h1>', request.args['name'] + '.html')\n"
    )
    _quiet_until_undone("SLS803", helper, "'attachment; filename=%s'", "'inline; filename=%s'")


def test_a_key_found_in_a_table_of_the_application_the_request_carries_is_one_of_its_keys():
    # Starlette's `request.app` is the server's application: its registries hold the program's keys
    code = (
        "import logging\nfrom fastapi import FastAPI, Request\napp = FastAPI()\nlog = logging.getLogger(__name__)\n\n"
        "@app.get('/{camera}/latest')\ndef latest(request: Request, camera: str):\n"
        "    config = request.app.config.cameras.get(camera)\n    if config is not None:\n        log.debug(f'frame of {camera}')\n"
    )
    _quiet_until_undone("SLS704", code, "request.app.config.cameras", "request.query_params")


def test_a_name_a_stored_row_was_found_by_holds_no_line_break_where_it_was_found():
    # the labels' convention for stored values: equal to a field of a row the application stored
    code = (
        "import logging\nfrom fastapi import FastAPI\nfrom peewee import Model\napp = FastAPI()\nlog = logging.getLogger(__name__)\n\n"
        "class Trigger(Model):\n    pass\n\n@app.post('/{camera}/triggers')\ndef upsert(camera: str):\n"
        "    trigger = Trigger.get_or_none(Trigger.camera == camera)\n    if trigger:\n        log.debug(f'updated trigger of {camera}')\n"
    )
    _quiet_until_undone("SLS704", code, "Trigger.camera == camera", "Trigger.camera != camera")
    django = code.replace("Trigger.get_or_none(Trigger.camera == camera)", "Trigger.objects.filter(camera=camera).first()")
    _quiet_until_undone("SLS704", django, "filter(camera=camera)", "filter(camera__contains=camera)")


def test_a_name_a_query_that_raises_on_a_miss_matched_holds_no_line_break_once_it_ran():
    # `Model.get(...)` (peewee), `.objects.get(...)` (Django), `get_object_or_404`, `.one()`: past the
    # statement, a row was found; in the handler of the miss, or after one that falls through, not
    code = (
        "import logging\nfrom fastapi import FastAPI\nfrom peewee import DoesNotExist, Model\napp = FastAPI()\nlog = logging.getLogger(__name__)\n\n"
        "class Case(Model):\n    pass\n\n@app.get('/cases/{case_id}')\ndef case(case_id: str):\n"
        "    try:\n        found = Case.get(Case.id == case_id)\n    except DoesNotExist:\n        return None\n"
        "    log.info(f'opened case {case_id}')\n"
    )
    _quiet_until_undone("SLS704", code, "Case.id == case_id", "Case.id != case_id")
    assert "SLS704" in rules(code.replace("        return None\n", "        found = None\n"))
    django = code.replace("Case.get(Case.id == case_id)", "Case.objects.get(slug=case_id)")
    _quiet_until_undone("SLS704", django, "get(slug=case_id)", "get(slug__icontains=case_id)")
    shortcut = code.replace("Case.get(Case.id == case_id)", "get_object_or_404(Case, slug=case_id).name")
    _quiet_until_undone("SLS704", shortcut, "get_object_or_404(Case, slug=case_id)", "get_list_or_404(Case, slug=case_id)")
    # a query that may not run says nothing
    assert "SLS704" in rules(code.replace("Case.get(Case.id == case_id)", "case_id and Case.get(Case.id == case_id)"))


def test_a_dict_a_flask_view_returns_through_a_name_is_sent_as_json():
    code = (
        "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/users/<name>/follow')\ndef follow(name):\n"
        "    body = {'status': 'success', 'message': f'Follow request to {name} sent.'}\n    return body\n"
    )
    _quiet_until_undone("SLS803", code, "{'status': 'success', 'message': f'Follow request to {name} sent.'}", "f'Follow request to {name} sent.'")


def test_a_redirect_formatted_after_a_local_path_held_by_a_name_stays_on_the_site():
    code = (
        "from flask import Flask, redirect\napp = Flask(__name__)\n\n"
        "@app.route('/popup/<popup_type>/<data_id>')\ndef popup(popup_type, data_id):\n"
        "    route = '/dtale/popup/{}'.format(popup_type)\n    return redirect('{}/{}'.format(route, data_id))\n"
    )
    _quiet_until_undone("SLS120", code, "route = '/dtale/popup/{}'", "route = '{}'")


def test_an_optparse_option_with_fixed_choices_holds_one_of_them():
    code = (
        "import optparse\nfrom urllib.request import urlopen\n\n"
        "def main():\n    parser = optparse.OptionParser()\n"
        "    parser.add_option('-p', '--proto', choices=('http', 'https'), default='https')\n"
        "    opts, args = parser.parse_args()\n"
        "    return urlopen('{}://ralph.example/dhcp/'.format(opts.proto))\n"
    )
    _quiet_until_undone("SLS122", code, "choices=('http', 'https'), ", "")


def test_the_language_werkzeug_picks_from_the_configured_list_is_one_of_that_list():
    """`best_match(languages, default=...)` returns one of the offered values or the default,
    whatever the client's Accept-Language said: the operator's list is not the client's text."""
    code = (
        "import os\nfrom flask import Flask, request, current_app\napp = Flask(__name__)\n\n"
        "@app.route('/')\ndef index():\n"
        "    languages = current_app.config['LANGUAGES']\n"
        "    locale = request.accept_languages.best_match(languages, default=languages[0])\n"
        "    return open(os.path.join(current_app.static_folder, locale, 'index.html')).read()\n"
    )
    _quiet_until_undone("SLS110", code, "request.accept_languages.best_match(languages, default=languages[0])", "request.accept_languages[0]")
    # the default, or the offered values, can be the client's own text
    assert "SLS110" in rules(code.replace("default=languages[0]", "default=request.args['lang']"))
    assert "SLS110" in rules(code.replace("best_match(languages,", "best_match(request.args.getlist('lang'),"))


def test_a_management_command_option_declared_as_a_number_holds_a_number():
    code = (
        "from django.core.management.base import BaseCommand\nfrom django.db import connection\n\n"
        "class Command(BaseCommand):\n"
        "    def add_arguments(self, parser):\n"
        "        parser.add_argument('--template', dest='jt', type=int)\n"
        "        parser.add_argument('--history', type=float, default=25)\n\n"
        "    def handle(self, *args, **options):\n"
        "        jt = options['jt']\n"
        "        with connection.cursor() as cursor:\n"
        "            cursor.execute(f\"SELECT * FROM job WHERE id = {jt} LIMIT {options.get('history')}\")\n"
    )
    _quiet_until_undone("SLS101", code, "dest='jt', type=int", "dest='jt'")
    _quiet_until_undone("SLS101", code, "'--history', type=float", "'--history'")
    # argparse's dest of `--template` without `dest=` is `template`, not `jt`
    assert "SLS101" in rules(code.replace(", dest='jt'", ""))
    # the options handed on whole first may come back changed; a class that is no command is not run by argparse
    assert "SLS101" in rules(code.replace("        jt = options['jt']\n", "        self.prepare(options)\n        jt = options['jt']\n"))
    assert "SLS101" in rules(code.replace("class Command(BaseCommand)", "class Report(object)"))


def test_a_row_looked_up_by_a_request_key_is_stored_data_not_the_key():
    code = (
        "import logging\nfrom flask import request\nfrom .models import db, Account\nlog = logging.getLogger(__name__)\n\n"
        "def rename():\n    data = request.get_json()\n    account = db.session.get(Account, data['id'])\n"
        "    log.debug('Updating account {}'.format(account.name))\n"
    )
    # `cache.get(key, default)`: the default may come back, and here it is the client's
    _quiet_until_undone("SLS704", code, "db.session.get(Account, data['id'])", "cache.get('account', data['id'])")


def test_sanics_request_path_is_the_undecoded_request_target():
    code = (
        "import logging\nfrom sanic import Sanic\napp = Sanic('x')\nlog = logging.getLogger(__name__)\n\n"
        "@app.get('/<name>')\nasync def handler(request, name):\n    log.info('path %s', request.path)\n"
    )
    _quiet_until_undone("SLS704", code, "request.path", "request.args.get('p')")


def test_an_fstring_that_starts_with_a_name_holding_a_local_path_stays_on_the_site():
    code = (
        "from django.shortcuts import redirect\n\n"
        "def item(request):\n    base = '/items/'\n    return redirect(f\"{base}{request.GET['id']}\")\n"
    )
    _quiet_until_undone("SLS120", code, "base = '/items/'", "base = request.GET['base']")


def test_a_session_key_that_is_not_the_session_objects_own_is_low_confidence():
    # a media server's stream index, read from a row: as often an index as a session id
    code = (
        "import logging\nfrom django.http import HttpResponse\nlogger = logging.getLogger(__name__)\n\n"
        "def stop(request, stream):\n    logger.info('stopping session %s', stream['session_key'])\n    return HttpResponse('ok')\n"
    )
    _low_until_undone("SLS703", code, "stream['session_key']", "request.session.session_key", "medium")


def test_a_mktemp_name_created_with_o_excl_closes_the_race():
    code = (
        "import os\nimport tempfile\n\ndef make(mode=0o600):\n    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL\n"
        "    while True:\n        name = tempfile.mktemp()\n        try:\n            return os.open(name, flags, mode), name\n"
        "        except FileExistsError:\n            continue\n"
    )
    _quiet_until_undone("SLS602", code, "os.O_EXCL", "os.O_TRUNC")


def test_a_predicate_method_returns_a_truth_value_not_the_receivers_text():
    code = (
        "import logging\nfrom django.http import HttpResponse\nlog = logging.getLogger(__name__)\n\n"
        "def edit(request):\n    form = JiraForm(request.POST)\n    log.debug('changed %s', form.has_changed())\n    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS704", code, "form.has_changed()", "form.changed()")


def test_an_error_from_parsing_the_clients_body_is_about_that_body():
    code = (
        "import json\nfrom django.http import JsonResponse\n\ndef webhook(request):\n    try:\n"
        "        parsed = json.loads(request.body.decode('utf-8'))\n    except Exception as e:\n"
        "        return JsonResponse({'error': f'Failed to parse JSON: {e}'}, status=400)\n    return JsonResponse(parsed)\n"
    )
    _quiet_until_undone("SLS701", code, "json.loads(request.body.decode('utf-8'))", "load_issue(request.body.decode('utf-8'))")


def test_a_regex_check_whose_failing_branch_goes_on_another_way_is_routing():
    code = (
        "import re\n\nclass Config:\n    def __getattr__(self, name):\n"
        "        if not re.match(r'[A-Z0-9_]+$', name):\n            return super().__getattr__(name)\n"
        "        return self.get_setting(name)\n"
    )
    _low_until_undone("SLS129", code, "return super().__getattr__(name)", "raise AttributeError(name)", "medium")
    # a branch that quotes the value when it does not match is a sanitizer's decision: a trailing newline skips the quoting
    quoting = (
        "import re\n\ndef header_words(pairs):\n    out = []\n    for k, v in pairs:\n"
        "        if not re.search(r'^\\w+$', v):\n            v = '\"%s\"' % v.replace('\"', '')\n        out.append(k + '=' + v)\n    return out\n"
    )
    assert _confidence(quoting, "SLS129") == ["medium"]


def test_a_service_the_framework_injects_into_a_handler_is_not_request_data():
    code = (
        "import logging\nfrom litestar import delete\nlogger = logging.getLogger(__name__)\n\n"
        "@delete('/mfa/disable')\nasync def disable_mfa(request, users_service: UserService) -> None:\n"
        "    user = await users_service.get(request.user.id)\n    logger.info('MFA disabled for user %s', user.email)\n"
    )
    _quiet_until_undone("SLS704", code, "users_service: UserService", "users_service: UserLookup")


def test_urlopen_of_a_url_an_object_was_configured_with_is_the_audit_tier():
    code = (
        "import sys\nfrom urllib.request import urlretrieve\n\nclass Client:\n"
        "    def __init__(self, base_url):\n        self.base_url = base_url\n\n"
        "    def download(self, dest):\n        urlretrieve(self.base_url, dest)\n"
    )
    _low_until_undone("SLS122", code, "urlretrieve(self.base_url, dest)", "urlretrieve(sys.argv[1], dest)", "medium")
    # a plain function's parameter: what its callers choose (the audit tier too; a caller handing it
    # the client's URL is SLS121's), while the command line's URL is outside data
    read = "import sys\nfrom urllib.request import urlopen\n\ndef read(url):\n    return urlopen(url).read()\n"
    _low_until_undone("SLS122", read, "urlopen(url)", "urlopen(sys.argv[1])", "medium")


def test_a_name_given_items_under_literal_keys_is_a_mapping_logged_as_repr():
    code = (
        "import logging\nfrom flask import request\nLOG = logging.getLogger(__name__)\n\n"
        "def setup(mapped_properties):\n    user = mapped_properties['user']\n"
        "    user_name = user.get('name') or request.remote_user\n    if user_name:\n        user['name'] = user_name\n"
        "    LOG.debug('Processing domain for federated user: %s', user)\n"
    )
    _quiet_until_undone("SLS704", code, "LOG.debug('Processing domain for federated user: %s', user)", "LOG.debug('Processing domain for federated user: %s', user_name)")


def test_the_mount_point_flask_is_given_is_the_deployments_not_the_clients():
    code = (
        "import logging\nimport flask\nLOG = logging.getLogger(__name__)\n\n"
        "def log_request_info():\n    LOG.debug('SCRIPT_NAME: `%s`', flask.request.script_root)\n"
    )
    _quiet_until_undone("SLS704", code, "flask.request.script_root", "flask.request.path")


def test_what_a_configuration_parameter_holds_is_the_operators_choice():
    code = (
        "import ldap\nimport ldap.filter\n\nclass UserApi:\n    def __init__(self, conf):\n        self.id_attr = conf.ldap.user_id_attribute\n\n"
        "    def dn(self, conn, object_id):\n"
        "        return conn.search_s('ou=users', ldap.SCOPE_SUBTREE, f'(&({self.id_attr}={ldap.filter.escape_filter_chars(str(object_id))}))')\n"
    )
    _low_until_undone("SLS123", code, "def __init__(self, conf):\n        self.id_attr = conf.", "def __init__(self, source):\n        self.id_attr = source.", "medium")


def test_a_chain_of_replacements_escapes_what_it_covers():
    code = (
        "import ldap\nfrom flask import request\n\n"
        "def find(conn):\n"
        "    uid = request.args['uid']{chain}\n"
        "    return conn.search_s('dc=x', ldap.SCOPE_SUBTREE, '(uid=%s)' % uid)\n"
    )
    full = '.replace("\\\\", r"\\5c").replace("*", r"\\2a").replace("(", r"\\28").replace(")", r"\\29").replace("\\x00", r"\\00")'
    # RFC 4515: backslash first, then every special of a filter; nothing left to inject
    assert [f for f in Engine().analyze(code.format(chain=full)).findings if f.rule_id == "SLS123"] == []
    # `*` left raw: a value of `*` still matches every entry
    partial = full.replace('.replace("*", r"\\2a")', "")
    assert [f.rule_id for f in Engine().analyze(code.format(chain=partial)).findings if f.rule_id == "SLS123"] == ["SLS123"]
    # the escape character replaced last doubles the escapes the others wrote, and counts for nothing
    late = '.replace("*", r"\\2a").replace("(", r"\\28").replace(")", r"\\29").replace("\\x00", r"\\00").replace("\\\\", r"\\5c")'
    assert [f.rule_id for f in Engine().analyze(code.format(chain=late)).findings if f.rule_id == "SLS123"] == ["SLS123"]


def test_a_value_checked_to_hold_no_quote_is_low_confidence_only_inside_quotes():
    from secure_ls.engine.model import Confidence

    code = (
        "from flask import request\n\n"
        "def view(db):\n"
        "    name = request.args['table']\n"
        "    if '\"' not in name and \"'\" not in name:\n"
        "        db.execute(\"SELECT setval('{n}') FROM \\\"{n}\\\"\".format(n=name))\n"
        "    if \"'\" not in name:\n"
        "        db.execute('SELECT * FROM \"{n}\"'.format(n=name))\n"
        "    if \"'\" in name or '\"' in name:\n"
        "        return\n"
        "    db.execute(f\"SELECT * FROM t WHERE a = '{name}'\")\n"
        "    db.execute(f'SELECT * FROM t WHERE a = {name}')\n"
    )
    found = [(f.span.start.line + 1, f.confidence) for f in Engine().analyze(code).findings if f.rule_id == "SLS101"]
    # both quotes rejected, value only inside quotes: low; one quote rejected and the value inside
    # the other kind, or the value outside quotes: still the request's data at high
    assert found == [(6, Confidence.LOW), (8, Confidence.HIGH), (11, Confidence.LOW), (12, Confidence.HIGH)]


def test_a_check_of_a_value_or_a_constant_fallback_validates_the_value():
    code = (
        "import re\nimport sqlite3\nfrom flask import request\n\n"
        "def clean_id(value):\n"
        "    if not re.fullmatch(r'[0-9]{{1,10}}', {subject}):\n"
        "        raise ValueError('invalid id')\n"
        "    return value\n\n"
        "def invoice(conn):\n"
        "    return conn.execute('SELECT * FROM invoices WHERE id = ' + clean_id(request.args.get('id'))).fetchone()\n"
    )
    # an empty value is replaced by "", which the pattern rejects: when the check passes, value matched it;
    # a fallback the check does not judge leaves the value unchecked
    _quiet_until_undone("SLS101", code.format(subject='value or ""'), 'value or ""', 'other or ""')


def test_a_mapping_passed_to_format_inserts_its_values_not_its_keys():
    code = (
        "import shlex\nimport subprocess\nfrom flask import request\n\n"
        "def render(template, **values):\n"
        "    return template.format(**{{k: {value} for k, v in values.items()}})\n\n"
        "def grep():\n"
        "    cmd = render('grep -rn {{needle}} /srv/docs', needle=request.form['q'])\n"
        "    return subprocess.run(cmd, shell=True, capture_output=True).stdout\n"
    )
    # each value quoted: the keys only choose placeholders
    _quiet_until_undone("SLS102", code.format(value="shlex.quote(v)"), "shlex.quote(v)", "v")


def test_a_key_found_in_a_table_of_constants_is_one_of_its_keys():
    from secure_ls.engine.model import Confidence

    code = (
        "import logging\nfrom flask import request, abort\n\n"
        "logger = logging.getLogger(__name__)\nHANDLERS = {{'orders': 1, 'users': 2}}\n\n"
        "def view():\n"
        "    table = request.json['table']\n"
        "    handler = {table_source}.get(table)\n"
        "    if {test}:\n"
        "        logger.warning(f'unknown table {{table}}')\n"
        "        abort(404)\n"
        "    logger.info(f'table {{table}}')\n"
    )
    lines = lambda text: [f.span.start.line + 1 for f in Engine().analyze(text).findings if f.rule_id == "SLS704" and f.confidence >= Confidence.MEDIUM]
    # where the lookup failed the name is still the client's text; after it, one of the table's keys
    assert lines(code.format(table_source="HANDLERS", test="handler is None")) == [11]
    assert lines(code.format(table_source="HANDLERS", test="not handler")) == [11]
    # a table the client sent can hold any key
    assert lines(code.format(table_source="request.json", test="handler is None")) == [11, 13]


def test_a_temporary_files_name_is_not_what_was_written_into_it():
    code = (
        "import os\nimport tempfile\nimport requests\n\n"
        "def fetch(url):\n"
        "    response = requests.get(url, timeout=10)\n"
        "    with tempfile.NamedTemporaryFile(delete=False) as f:\n"
        "        f.write(response.content)\n"
        "    os.unlink({target})\n"
    )
    # the downloaded bytes went into the file; its name is the one tempfile chose
    _quiet_until_undone("SLS110", code.format(target="f.name"), "os.unlink(f.name)", "os.unlink(response.text)")


def test_decoding_or_decompressing_request_data_keeps_it_the_clients():
    view = "import base64, pickle, zlib\nfrom flask import request\n\ndef load():\n    return pickle.loads({})\n"
    for decoded in ("base64.decodebytes(request.data)", "zlib.decompress(request.data)", "bytes.fromhex(request.args['h'])"):
        assert "SLS105" in rules(view.format(decoded)), decoded


def test_names_from_a_star_import_resolve_to_that_module():
    code = "from Crypto.Cipher import *\n\ndef seal(key, data):\n    return DES.new(key).encrypt(data)\n"
    assert "SLS310" in rules(code)
    # a name bound in the module is its own, star import or not
    assert "SLS310" not in rules(code.replace("def seal", "class DES:\n    new = staticmethod(lambda k: k)\n\ndef seal"))


def test_a_repeated_literal_is_constant_whatever_the_count():
    code = "from Crypto.Cipher import AES\n\ndef seal(key, data):\n    iv = b'x' * AES.block_size\n    return AES.new(key, AES.MODE_CBC, iv).encrypt(data)\n"
    assert "SLS312" in rules(code)


def _confidence(code, rule):
    return [f.confidence.name.lower() for f in _analyzed(code).findings if f.rule_id == rule]


def _low_until_undone(rule, code, old, new, undone):
    """The idiom in `code` makes `rule`'s finding the audit tier; undone (`old` replaced by `new`),
    the finding has confidence `undone`."""
    assert old in code
    assert _confidence(code, rule) == ["low"]
    assert _confidence(code.replace(old, new), rule) == [undone]


def test_an_identifier_quoted_in_place_with_its_quote_doubled_is_low_in_sql():
    helper = (
        "import re\nimport sqlite3\nBARE = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*$')\n\n"
        "def quoted(name):\n    if BARE.match(name):\n        return name\n    return '\"{}\"'.format(name.replace('\"', '\"\"'))\n\n"
        "from flask import request\n\ndef columns(conn):\n    return conn.execute(f'PRAGMA table_info({quoted(request.args[\"t\"])})')\n"
    )
    assert _confidence(helper, "SLS101") == ["low"]
    # the same helper without the doubling: the name can close the quotes
    assert _confidence(helper.replace(".replace('\"', '\"\"')", ""), "SLS101") == ["high"]
    inline = "import sqlite3\n\ndef rows(conn, t):\n    return conn.execute('SELECT * FROM \"' + t.replace('\"', '\"\"') + '\"')\n"
    assert _confidence(inline, "SLS101") == ["low"]
    # a literal quoted by a helper whose quote doubling is followed by another replacement
    chained = (
        "import sqlite3\nfrom flask import request\n\ndef literal_string(s):\n    return \"'\" + s.replace(\"'\", \"''\").replace('\\0', '') + \"'\"\n\n"
        "def find(conn):\n    return conn.execute(f'SELECT * FROM t WHERE name = {literal_string(request.args[\"n\"])}')\n"
    )
    assert _confidence(chained, "SLS101") == ["low"]
    # ... unless a later replacement puts a lone quote back
    assert _confidence(chained.replace(".replace('\\0', '')", ".replace('\\0', \"'\")"), "SLS101") == ["high"]


def test_a_table_name_from_a_parameter_is_a_hint_from_the_request_a_finding():
    helper = "import sqlite3\n\ndef count(conn, table):\n    return conn.execute(f'SELECT count(*) FROM {table}')\n"
    assert _confidence(helper, "SLS101") == ["low"]
    view = "import sqlite3\nfrom flask import request\n\ndef count(conn):\n    return conn.execute(f'SELECT count(*) FROM {request.args[\"t\"]}')\n"
    assert _confidence(view, "SLS101") == ["high"]
    value = "import sqlite3\n\ndef find(conn, name):\n    return conn.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
    assert _confidence(value, "SLS101") == ["medium"]  # a value, which a placeholder can replace


def test_numbers_keys_and_escaped_html_are_not_reported_as_markup():
    code = (
        "from django.utils.html import format_html\nfrom django.utils.safestring import mark_safe\n\n"
        "def size(n):\n    return '{:3.1f} MB'.format(n)\n\n"
        "def cell(obj):\n    return mark_safe(format_html('<i>{}</i>', obj.title) + f'<a href=\"/o/{obj.pk}\">{obj.items.count()}</a> {size(obj.size)} {obj.ratio:.0%}')\n"
    )
    _quiet_until_undone("SLS801", code, "{obj.ratio:.0%}", "{obj.title}")


def test_a_url_that_starts_with_a_path_of_the_site_stays_on_it_through_a_helper():
    code = "from django.shortcuts import redirect\n\ndef web(path):\n    return f'/web/{path}'\n\ndef go(request):\n    return redirect(web(request.GET['u']))\n"
    _quiet_until_undone("SLS120", code, "f'/web/{path}'", "f'{path}'")


def test_tls_verification_off_only_when_the_caller_asks_is_a_hint():
    option = (
        "import ssl\n\ndef context(verify=True):\n    if verify:\n        return ssl.create_default_context()\n"
        "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n    ctx.check_hostname = False\n    return ctx\n"
    )
    assert _confidence(option.replace("    if verify:\n", "    if verify is not False:\n"), "SLS401") == ["high"]  # the return is not a branch
    branch = "import ssl\n\ndef context(verify=True):\n    ctx = ssl.create_default_context()\n    if verify is False:\n        ctx.check_hostname = False\n    return ctx\n"
    assert _confidence(branch, "SLS401") == ["low"]
    assert _confidence(branch.replace("    if verify is False:\n        ", "    "), "SLS401") == ["high"]
    # a camelCase option of the configuration (`verifyCert`) is the same choice; another option is not
    configured = branch.replace("def context(verify=True):", "def context(conf):").replace("if verify is False:", "if conf.get('verifyCert') is False:")
    assert _confidence(configured, "SLS401") == ["low"]
    assert _confidence(configured.replace("verifyCert", "reuseCert"), "SLS401") == ["high"]


def test_data_checked_against_its_hmac_by_the_applications_own_comparison_is_authentic():
    code = (
        "import base64, hashlib, hmac, pickle\n\ndef same(a, b):\n    return len(a) == len(b) and not sum(x != y for x, y in zip(a, b))\n\n"
        "def load(data, key):\n    sig, msg = data.split(b'?', 1)\n    mac = hmac.new(key, msg, hashlib.sha256).digest()\n"
        "    if same(sig, base64.b64encode(mac)):\n        return pickle.loads(base64.b64decode(msg))\n"
    )
    _quiet_until_undone("SLS105", code, "base64.b64encode(mac)", "key")


def test_a_weak_hash_that_only_formats_fresh_random_bytes_is_a_hint():
    code = "import hashlib, os\n\ndef client_nonce(count):\n    s = str(count).encode()\n    s += os.urandom(8)\n    return hashlib.sha1(s).hexdigest()\n"
    assert _confidence(code, "SLS302") == ["low"]
    assert _confidence(code.replace("    s += os.urandom(8)\n", ""), "SLS302") == ["medium"]


def test_in_a_notebook_a_constructor_every_call_feeds_constants_holds_constants():
    code = (
        "import pandas as pd\n\nclass display:\n    def __init__(self, *args):\n        self.args = args\n\n"
        "    def _repr_html_(self):\n        return ''.join(repr(eval(a)) for a in self.args)\n\n"
        "df1 = pd.DataFrame()\ndisplay('df1', 'df2')\n"
    )
    assert [f.rule_id for f in ENGINE.analyze(code, path="book.ipynb").findings] == []
    # a module others may import: its callers elsewhere are unknown
    assert "SLS103" in [f.rule_id for f in ENGINE.analyze(code, path="book.py").findings]
    # one call that passes something else keeps the parameter's finding
    fed = code.replace("display('df1', 'df2')", "display('df1', input())")
    assert "SLS103" in [f.rule_id for f in ENGINE.analyze(fed, path="book.ipynb").findings]


def test_a_regex_match_without_an_end_anchor_checks_only_a_prefix():
    view = (
        "import re\nfrom flask import Flask, redirect, request\napp = Flask(__name__)\n\n"
        "@app.route('/go')\ndef go():\n    target = request.args.get('target')\n"
        "    if re.match(PATTERN, target):\n        return redirect(target)\n    return 'no'\n"
    )
    weak = view.replace("PATTERN", "r'(www|beta).example.com/'")  # unanchored host, unescaped dots
    pinned = view.replace("PATTERN", r"r'^https://(www\.)?example\.com/'")
    assert "SLS120" in rules(weak)
    assert "SLS120" not in rules(pinned)
    shell = "import os, re\nfrom flask import request\n\ndef ping():\n    host = request.args['h']\n    if re.match(PATTERN, host):\n        os.system('ping -c 1 ' + host)\n"
    assert "SLS102" in rules(shell.replace("PATTERN", r"r'[a-z0-9.]+'"))  # `a; rm -rf /` starts with a letter
    assert "SLS102" not in rules(shell.replace("PATTERN", r"r'[a-z0-9.]+$'"))


def test_a_route_parameter_of_one_path_segment_is_low_for_file_paths():
    """`/assets/{name}` holds no `/` (the frameworks match `[^/]+` on the decoded path): at most
    `..`, the parent folder. A `path` converter takes any number of segments."""
    code = (
        "from pathlib import Path\nfrom fastapi import FastAPI\nfrom fastapi.responses import FileResponse\n\n"
        "app = FastAPI()\nROOT = Path('/srv/assets')\n\n"
        "@app.get('/assets/{name}')\ndef asset(name: str):\n    return FileResponse(ROOT / name)\n"
    )
    assert _confidence(code, "SLS110") == ["low"]
    assert _confidence(code.replace("{name}", "{name:path}"), "SLS110") == ["high"]
    flask = "import flask\n\napp = flask.Flask(__name__)\n\n@app.route('/files/<name>')\ndef show(name):\n    return flask.send_file('docs/' + name)\n"
    assert _confidence(flask, "SLS110") == ["low"]
    assert _confidence(flask.replace("<name>", "<path:name>"), "SLS110") == ["high"]


def test_a_query_string_appended_to_a_redirect_the_client_did_not_choose_keeps_it_quiet():
    code = (
        "from django.shortcuts import redirect\n\ndef canonical(request):\n    target = request.path\n"
        "    if request.META.get('QUERY_STRING'):\n        target = f\"{target}?{request.META['QUERY_STRING']}\"\n    return redirect(target)\n"
    )
    # without the `?` the client's text could run on into the host of an empty start
    _quiet_until_undone("SLS120", code, 'f"{target}?{', 'f"{target}{')


def test_a_django_widget_renders_the_developer_defined_field_name_not_client_data():
    code = (
        "from django import forms\nfrom django.utils.html import escape\nfrom django.utils.safestring import mark_safe\n\n"
        "class TagsWidget(forms.Widget):\n    def render(self, name, value, attrs=None, renderer=None):\n"
        "        return mark_safe(f'<input name=\"{name}\" value=\"{escape(value)}\">')\n"
    )
    # the submitted `value` is the client's: unescaped, it is reported
    _quiet_until_undone("SLS801", code, "{escape(value)}", "{value}")
    # outside a widget, `name` is any caller's value
    assert "SLS801" in rules(code.replace("forms.Widget", "object"))
    # a widget is built where a form is declared: its constructor's arguments are the developer's
    built = (
        "from django import forms\nfrom django.utils.safestring import mark_safe\n\n"
        "class Filters(forms.Widget):\n    def __init__(self, attrs=None, *, selector='textarea'):\n        self.selector = selector\n        super().__init__(attrs)\n\n"
        "    def render(self, name, value, attrs=None, renderer=None):\n        return mark_safe(f'<div data-source=\"{self.selector}\"></div>')\n"
    )
    _quiet_until_undone("SLS801", built, "(forms.Widget)", "(object)")


def test_a_private_helper_every_call_of_which_passes_constants_holds_only_constants():
    """`_label("Blank", "...")`: no other module calls a `_name` function by convention, so the
    module's own calls are all there are. Not when one passes data (the request, its own
    parameter), nor when the function is handed on as a value (those calls are not seen), nor
    for a public function."""
    code = (
        "from django.utils.safestring import mark_safe\n\n"
        "def _label(title, description):\n    return mark_safe(f'<b>{title}</b>{description}')\n\n"
        "class Form:\n    choices = (('a', _label('Blank', 'Start empty.')),)\n"
    )
    assert "SLS801" not in rules(code)
    from_request = code + "\ndef preview(request):\n    return _label(request.GET['title'], '')\n"
    assert any("request" in f.message for f in ENGINE.analyze(from_request).findings if f.rule_id == "SLS801")
    assert "SLS801" in rules(code + "\ndef render(title):\n    return _label(title, '')\n")
    assert "SLS801" in rules(code + "\nrows = map(_label, titles, descriptions)\n")
    assert "SLS801" in rules(code.replace("_label", "label"))


def test_a_private_method_every_self_call_of_which_passes_constants_holds_only_constants():
    """`self._ballots("true")`: a `_name` method is called by its own class, so the class's calls
    are all there are. Not when one passes data (the caller's own parameter), nor when the
    method is handed on as a value, called on another object, in a class with a base (which may
    call it as a hook), or for a public method."""
    code = (
        "from lxml import etree\n\nclass Importer:\n    def __init__(self, root):\n        self.root = root\n\n"
        "    def _ballots(self, elimination):\n        return self.root.xpath(\"round[@elimination='\" + elimination + \"']/ballot\")\n\n"
        "    def preferences(self):\n        return self._ballots('false'), self._ballots('true')\n"
    )
    _quiet_until_undone("SLS124", code, "self._ballots('true')", "self._ballots(kind)")
    assert "SLS124" in rules(code + "\n    def pick(self, kind):\n        return self._ballots(kind)\n")
    assert "SLS124" in rules(code + "\n    def all(self, kinds):\n        return list(map(self._ballots, kinds))\n")
    assert "SLS124" in rules(code + "\n    def other(self, kind):\n        return Importer(self.root)._ballots(kind)\n")
    assert "SLS124" in rules(code.replace("_ballots", "ballots"))
    # a base class may call it as a hook, with what these calls do not show
    assert "SLS124" in rules(code.replace("class Importer:", "class Importer(BaseImporter):"))


def test_a_class_that_pickles_into_its_own_storage_and_reads_it_back_is_the_audit_tier():
    code = (
        "import pickle\n\nclass Cache:\n    def __init__(self, backend, key):\n        self._backend = backend\n        self._key = key\n\n"
        "    def load(self):\n        data = self._backend.get(self._key)\n        return pickle.loads(data) if data else {}\n\n"
        "    def save(self, value):\n        self._backend.set(self._key, pickle.dumps(value))\n"
    )
    assert _confidence(code, "SLS105") == ["low"]
    # a class that only reads pickles others wrote
    assert _confidence(code.replace("pickle.dumps(value)", "value"), "SLS105") == ["medium"]
    # a `deserialize(value)` may be handed anybody's bytes: its parameter keeps the finding
    codec = "import pickle\n\nclass Codec:\n    def dumps(self, v):\n        return pickle.dumps(v)\n\n    def loads(self, blob):\n        return pickle.loads(blob)\n"
    assert _confidence(codec, "SLS105") == ["medium"]


def test_a_function_defined_inside_another_and_only_called_there_with_constants_holds_constants():
    code = (
        "import urllib.request\n\ndef public_ip():\n    def fetch(url):\n        return urllib.request.urlopen(url, timeout=5).read()\n"
        "    for attempt in (lambda: fetch('https://ipinfo.io/ip'), lambda: fetch('https://api.ipify.org')):\n        return attempt()\n"
    )
    _quiet_until_undone("SLS122", code, "fetch('https://ipinfo.io/ip')", "fetch(target)")
    # handed on: whoever receives it may call it with anything
    assert "SLS122" in rules(code + "    return fetch\n")


def test_werkzeug_request_urls_are_percent_encoded_so_they_hold_no_line_break():
    code = "import logging\nfrom flask import request\n\ndef hook():\n    logging.info('GET %s for %s', request.base_url, request.endpoint)\n"
    # `request.path` is the decoded path: `%0A` in the URL is a newline there
    _quiet_until_undone("SLS704", code, "request.base_url", "request.path")
    assert "SLS704" not in rules(code.replace("request.base_url", "str(request)"))


def test_where_a_name_tests_false_it_is_empty():
    code = (
        "import logging\nfrom flask import request\n\ndef pick():\n    uid = request.args.get('uid')\n"
        "    if not uid and request.args.get('mode') == 'global':\n        logging.info(f'no uid given ({uid}), choosing one')\n"
    )
    _quiet_until_undone("SLS704", code, "if not uid and", "if uid and")


def test_membership_in_a_tables_keys_is_an_allow_list():
    code = (
        "from flask import request\nfrom sqlalchemy import text\nfrom .models import User\n\ndef users(session):\n"
        "    sort = request.args.get('sort', 'id')\n    if sort not in User.__table__.columns.keys():\n        sort = 'id'\n"
        "    return session.execute(text('SELECT * FROM users ORDER BY ' + sort))\n"
    )
    _quiet_until_undone("SLS101", code, "User.__table__.columns.keys()", "request.form.keys()")


def test_a_module_constant_with_a_host_then_a_slash_settles_the_host_also_through_a_helper():
    code = (
        "import requests\nfrom flask import redirect, request\n\nSTORE = 'https://store.example.com'\n\n"
        "def store_url():\n    return STORE + '/' + request.full_path.partition('/kobo/')[2]\n\n"
        "def proxy():\n    return requests.get(store_url(), timeout=5)\n\ndef go():\n    return redirect(store_url())\n"
    )
    assert not {"SLS120", "SLS121"} & set(rules(code))
    # without the slash the client's text can start the host: `https://store.example.com@evil.example`
    assert {"SLS120", "SLS121"} <= set(rules(code.replace("STORE + '/' + ", "STORE + ")))


def test_a_secret_masked_to_a_few_characters_at_each_end_is_not_a_secret():
    code = (
        "import logging\n\ndef failed(api_key):\n"
        "    shown = f'{api_key[:4]}****{api_key[-4:]}' if len(api_key) > 8 else '*' * 8\n"
        "    logging.error(f'API key {shown} refused')\n    logging.error(f'API key {api_key[:4]}... refused')\n"
    )
    assert "SLS703" not in rules(code.replace("{shown}", "{api_key[:4]}"))
    _quiet_until_undone("SLS703", code, "{api_key[:4]}...", "{api_key[:12]}...")


def test_the_applications_root_url_joined_with_its_own_route_is_no_redirect_target_of_the_client():
    code = (
        "from urllib.parse import urljoin\nimport flask\n\n"
        "def next_url(fallback):\n    target = flask.url_for(fallback)\n    return urljoin(flask.request.url_root, target)\n\n"
        "def login():\n    return flask.redirect(next_url('app.home'))\n"
    )
    _quiet_until_undone("SLS120", code, "flask.url_for(fallback)", "flask.request.args['next']")


def test_a_key_found_in_an_item_of_the_applications_store_is_one_of_its_keys():
    code = (
        "import logging\nfrom flask import abort\n\nstore = load_store()\n\n@app.route('/w/<name>')\ndef watch(name):\n"
        "    found = store.data['watching'].get(name)\n    if not found:\n        abort(404)\n    logging.info(f'serving {name}')\n"
    )
    _quiet_until_undone("SLS704", code, "    if not found:\n        abort(404)\n", "")


def test_a_shell_option_that_is_not_a_constant_is_the_audit_tier():
    code = "import subprocess\n\ndef run_script(script, shell):\n    return subprocess.check_output(script, shell=shell)\n"
    assert _confidence(code, "SLS102") == ["low"]
    assert _confidence(code.replace("shell=shell", "shell=False"), "SLS102") == []


def test_cryptographys_hash_objects_name_their_algorithm():
    code = (
        "from cryptography.hazmat.primitives import hashes\n\n"
        "def crypt(password, salt):\n    ctx = hashes.Hash(hashes.MD5())\n    ctx.update(password + salt)\n    return ctx.finalize()\n"
    )
    assert "SLS301" in rules(code)
    assert "SLS301" not in rules(code.replace("hashes.MD5()", "hashes.SHA3_256()").replace("password", "blob"))
    assert _confidence(code.replace("password", "blob"), "SLS302") == ["low"]


def test_unpickling_state_an_object_keeps_is_the_audit_tier():
    code = "import pickle\n\nclass Cache:\n    def get(self):\n        return pickle.loads(self._blob)\n"
    assert _confidence(code, "SLS105") == ["low"]


def test_a_redirect_that_starts_with_a_stored_path_segment_is_the_audit_tier():
    code = (
        "from django.shortcuts import redirect\nfrom .models import Snapshot\n\n@route('/s/<path:path>')\ndef canonical(request, path):\n"
        "    base = Snapshot.objects.get(pk=request.GET['id']).url_path\n    return redirect(f'/{base}/{path}')\n"
    )
    assert _confidence(code, "SLS120") == ["low"]
    # the client's text right after the `/`: `//evil.example`
    assert _confidence(code.replace("f'/{base}/{path}'", "f'/{path}/{base}'"), "SLS120") == ["high"]


def test_membership_in_a_list_built_from_the_applications_data_is_an_allow_list():
    code = (
        "import logging\nfrom fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n\n@router.put('/{ext_id}/enable')\n"
        "async def enable(ext_id: str):\n    if ext_id not in [e.code for e in await installed()]:\n        raise HTTPException(404, 'no')\n"
        "    logging.info(f'Enabling extension: {ext_id}.')\n"
    )
    # a list built from the client's own text allows anything
    _quiet_until_undone("SLS704", code, "await installed()", "ext_id.split(',')")


def test_a_configured_base_url_then_a_slash_keeps_the_host_the_applications_for_outbound_requests():
    code = (
        "import requests\nfrom fastapi import FastAPI\nfrom .settings import settings\napp = FastAPI()\n\n"
        "@app.get('/reviews/{ext_id}')\ndef reviews(ext_id: str):\n    return requests.get(f'{settings.REVIEWS_URL}/{ext_id}', timeout=5).json()\n"
    )
    # without the slash the client's text runs on into the host (`@evil.example`)
    _quiet_until_undone("SLS121", code, "{settings.REVIEWS_URL}/{ext_id}", "{settings.REVIEWS_URL}{ext_id}")
    # a base URL the client sends is no base of the application's
    assert "SLS121" in rules(code.replace("ext_id: str)", "ext_id: str, base: str)").replace("settings.REVIEWS_URL", "base"))


def test_a_pickle_file_at_a_path_fixed_in_the_code_is_the_audit_tier():
    code = "import pickle\n\nDB = '../data/vectors.pkl'\n\ndef load():\n    with open(DB, 'rb') as fh:\n        return pickle.load(fh)\n"
    assert _confidence(code, "SLS105") == ["low"]
    # bytes written in the code are not a file anyone can replace
    assert _confidence("import pickle\n\nEMPTY = pickle.loads(b'\\x80\\x04N.')\n", "SLS105") == []


def test_a_parameter_no_call_passes_holds_its_default_which_may_not_be_a_constant():
    code = (
        "import os\nimport subprocess\n\ndef _run(name, cmd=os.environ['DEPLOY_CMD']):\n    subprocess.run(cmd, shell=True)\n\n"
        "def deploy():\n    _run('web')\n"
    )
    assert _confidence(code, "SLS102") != []
    assert _confidence(code.replace("os.environ['DEPLOY_CMD']", "'make deploy'"), "SLS102") == []


def test_a_float_that_only_bounds_a_query_column_is_low():
    # a search criterion the database compares (NaN matches nothing): audit tier only; the same
    # number checked in the program stays a default-tier finding
    search = (
        "from flask import request\nfrom .models import Bill\n\n"
        "def search(query):\n    if request.args.get('min'):\n"
        "        low = float(request.args['min'])\n        query = query.filter(Bill.amount >= low)\n    return query.all()\n"
    )
    assert _confidence(search, "SLS131") == ["low"]
    checked = search.replace("query = query.filter(Bill.amount >= low)", "if low > 100:\n            return None")
    assert _confidence(checked, "SLS131") == ["high"]


def test_a_float_bounding_columns_in_a_combined_query_condition_is_low():
    # peewee and SQLAlchemy build one condition with `&`, `|` and `and_()`: each part is still
    # a comparison the database makes; the same number also compared in Python is reported
    combined = (
        "from flask import request\nfrom sqlalchemy import and_\nfrom .models import Rec\n\n"
        "def frame():\n    at = float(request.args['t'])\n"
        "    return Rec.select().where((at >= Rec.start) & (at <= Rec.end)).get()\n"
    )
    assert _confidence(combined, "SLS131") == ["low"]
    assert _confidence(combined.replace("(at >= Rec.start) & (at <= Rec.end)", "and_(Rec.start <= at, ~(Rec.end < at))"), "SLS131") == ["low"]
    compared = combined.replace("    return Rec", "    if at > 10:\n        return None\n    return Rec")
    assert _confidence(compared, "SLS131") == ["high"]


def test_picks_that_a_loop_adds_together_make_a_new_secret():
    built = (
        "import random\n\ndef new_token(words):\n    token = ''\n    for _ in range(4):\n"
        "        token += random.choice(words)\n    return token\n"
    )
    assert "SLS304" in rules(built)
    assert "SLS304" in rules(built.replace("token += random.choice(words)", "token = token + random.choice(words)"))


def test_an_objects_fields_compared_are_reported_when_one_holds_request_data():
    configured = (
        "class Check:\n    def __init__(self, token, expected):\n        self.token = token\n        self.expected = expected\n\n"
        "    def ok(self):\n        return self.token == self.expected\n"
    )
    assert "SLS303" not in rules(configured)
    from_request = "from flask import request\n\n" + configured.replace("self.token = token", "self.token = request.headers['X-Token']")
    assert "SLS303" in rules(from_request)


def test_a_password_hash_sent_to_another_service_is_low_and_one_kept_stays_high():
    # a client speaking a service's login protocol (the hash goes into the request) cannot choose
    # the hash: audit tier, no fix; stored in what the caller keeps, it is a password verifier
    sent = (
        "import hashlib, json, requests\n\n"
        "def login(url, user, password):\n    payload = {'user': user}\n"
        "    digest = hashlib.md5()\n    digest.update(password.encode())\n    payload['passwordMd5'] = digest.hexdigest()\n"
        "    return requests.post(url, data=json.dumps(payload), timeout=10)\n"
    )
    assert _confidence(sent, "SLS301") == ["low"]
    kept = sent.replace("payload = {'user': user}", "payload = user.record")
    assert _confidence(kept, "SLS301") == ["high"]
    wrapper = "import hashlib\n\nclass Account:\n    def signin(self, user, password):\n        return self.api_request('login', username=user, password=hashlib.sha256(password.encode()).hexdigest())\n"
    assert _confidence(wrapper, "SLS301") == ["low"]
    assert _confidence(wrapper.replace("self.api_request('login', ", "self.create("), "SLS301") == ["high"]


def test_the_items_of_a_returned_tuple_keep_their_own_origins():
    # `command, data, error = parse(request)`: the error slot is always None, the data slot is the client's
    code = (
        "from flask import Flask, request, make_response\n\napp = Flask(__name__)\n\n"
        "def parse(req):\n    data = req.get_json()\n    if 'command' not in data:\n        return None, None, make_response('bad', 400)\n"
        "    return data['command'], data, None\n\n"
        "@app.route('/api', methods=['POST'])\ndef api():\n    command, data, response = parse(request)\n"
        "    if response is not None:\n        return response\n    return '<p>' + SHOWN + '</p>'\n"
    )
    assert "SLS803" not in rules(code.replace("SHOWN", "'done'"))
    assert "SLS803" in rules(code.replace("SHOWN", "command"))


def test_a_digest_only_used_to_name_a_store_entry_is_no_security_use():
    # `key = sha1(title)` then only `store.get(key)`, `store.set(key, ...)`, `key in seen`: a lookup
    # key (audit tier); handed to a call named for signing, the digest is what a signature protects
    code = (
        "import hashlib\n\nclass Notifier:\n    def send(self, title):\n"
        "        key = hashlib.sha1(title.encode()).hexdigest()\n        ids = self.store.get(key, [])\n"
        "        self.store.set(key, ids + [1])\n        return key in self.seen\n"
    )
    assert _confidence(code, "SLS302") == ["low"]
    assert _confidence(code.replace("return key in self.seen", "return self.sign(key)"), "SLS302") == ["medium"]


def test_a_password_hash_kept_in_an_item_the_function_then_sends_is_low():
    # `data["passwd"] = sha256(password)` read back into the login call: a protocol's value
    sent = (
        "from hashlib import sha256\n\nclass Account:\n    def signin(self, user, password, data):\n"
        "        data['passwd_sha256'] = sha256(password.encode('ascii')).hexdigest()\n"
        "        return self.api_request('login', email=user, passwd_sha256=data['passwd_sha256'])\n"
    )
    assert _confidence(sent, "SLS301") == ["low"]
    kept = sent.replace("return self.api_request('login', email=user, passwd_sha256=data['passwd_sha256'])", "self.records.save(data)")
    assert _confidence(kept, "SLS301") == ["high"]


def test_hashing_a_password_hash_again_is_no_password_hashing():
    # a per-user signing key derived from the stored (slow) hash: no password is stored fast
    key = (
        "import hashlib\n\nclass Users:\n    def signature_key_for_user(self, name, secret):\n"
        "        user = self._users[name]\n"
        "        return hashlib.sha512((name + user._passwordHash).encode() + secret).hexdigest()\n"
    )
    _quiet_until_undone("SLS301", key, "user._passwordHash", "user._password")


def test_a_pickle_entry_chosen_by_a_parameter_in_the_class_own_storage_is_low():
    # the class pickles into a file (or its own dict) and reads it back: a parameter that picks
    # the file name or the key does not choose the bytes
    history = (
        "import os, pickle\n\nclass History:\n    def update(self, href, item):\n"
        "        try:\n            with open(os.path.join(self.folder, href), 'rb') as f:\n                etag = pickle.load(f)\n"
        "        except FileNotFoundError:\n            etag = ''\n"
        "        with self._atomic_write(os.path.join(self.folder, href), 'wb') as out:\n            pickle.dump(item, out)\n"
    )
    assert _confidence(history, "SLS105") == ["low"]
    cache = (
        "import pickle\n\nclass Cache:\n    def get(self, key):\n        expires, value = self._cache.get(key, (0, None))\n"
        "        return pickle.loads(value)\n\n    def set(self, key, value):\n        self._cache[key] = (0, pickle.dumps(value))\n"
    )
    assert _confidence(cache, "SLS105") == ["low"]
    handed = cache.replace("expires, value = self._cache.get(key, (0, None))", "expires, value = key")
    assert _confidence(handed, "SLS105") == ["medium"]


def test_a_helper_that_raises_unless_its_argument_is_allowed_validates_the_argument_after_the_call():
    # `await get_provider(name)` returned, so name is one of PROVIDERS' keys from there on
    code = (
        "import logging\nfrom fastapi import FastAPI\napp = FastAPI()\nlog = logging.getLogger(__name__)\nPROVIDERS = {'stripe': 1}\n\n"
        "async def get_provider(name: str):\n    if name not in PROVIDERS:\n        raise ValueError(name)\n    return PROVIDERS[name]\n\n"
        "@app.post('/{provider}/subscription')\nasync def create(provider: str):\n    await get_provider(provider)\n"
        "    log.warning(f'failed with {provider}')\n    return {}\n"
    )
    _quiet_until_undone("SLS704", code, "        raise ValueError(name)\n", "        log.warning('unknown')\n")
    # a check made on a copy of the argument says nothing about the argument itself
    assert "SLS704" in rules(code.replace("    if name not in PROVIDERS:", "    name = name.strip()\n    if name not in PROVIDERS:"))
    # nor does a check the function makes after the call has used the value
    assert "SLS704" in rules(code.replace("    await get_provider(provider)\n    log.warning(f'failed with {provider}')", "    log.warning(f'failed with {provider}')\n    await get_provider(provider)"))


def test_a_request_header_copied_into_a_response_header_is_low_unless_decoded_first():
    # a header value arrives on one line: echoing the CORS Origin back splits nothing
    # (a bare WSGI application: no framework refuses line breaks for it)
    code = (
        "import base64\nfrom urllib.parse import parse_qs\n\ndef application(environ, start_response):\n"
        "    start_response('200 OK', [('Access-Control-Allow-Origin', environ['HTTP_ORIGIN'])])\n    return [b'']\n"
    )
    assert _confidence(code, "SLS126") == ["low"]
    decoded = code.replace("environ['HTTP_ORIGIN']", "base64.b64decode(environ['HTTP_ORIGIN']).decode()")
    assert _confidence(decoded, "SLS126") == ["medium"]
    from_query = code.replace("environ['HTTP_ORIGIN']", "parse_qs(environ['QUERY_STRING'])['origin'][0]")
    assert _confidence(from_query, "SLS126") == ["medium"]


def test_request_data_in_a_header_of_a_framework_that_refuses_line_breaks_is_low():
    # Werkzeug's Headers and Django's HttpResponse raise on CR/LF: reflected, not injected
    flask = (
        "from flask import make_response, request\n\ndef download():\n    resp = make_response('data')\n"
        "    resp.headers['Content-Disposition'] = 'attachment; filename=' + request.args['name']\n    return resp\n"
    )
    django = "from django.http import HttpResponse\n\ndef view(request):\n    return HttpResponse('ok', headers={'X-Ref': request.GET['ref']})\n"
    # Bottle's header values go through _hval, which raises on CR, LF and NUL (since 0.12.11)
    bottle = (
        "from bottle import request, response, route\n\n@route('/download')\ndef download():\n"
        "    response.set_header('Content-Disposition', 'attachment; filename=' + request.query.name)\n    return 'data'\n"
    )
    for code in (flask, django, bottle):
        assert _confidence(code, "SLS126") == ["low"], code
        assert "refuses line breaks" in next(f.message for f in ENGINE.analyze(code).findings if f.rule_id == "SLS126")
    # the standard library's http.server writes what it is given
    server = (
        "from http.server import BaseHTTPRequestHandler\nfrom urllib.parse import parse_qs, urlparse\n\n"
        "class Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        lang = parse_qs(urlparse(self.path).query)['lang'][0]\n"
        "        self.send_response(200)\n        self.send_header('Content-Language', lang)\n        self.end_headers()\n"
    )
    assert _confidence(server, "SLS126") == ["medium"]


def test_a_location_header_set_by_hand_is_a_redirect():
    flask = (
        "from flask import Response, request\n\ndef go():\n    response = Response('redirecting...', 302)\n"
        "    response.headers['Location'] = request.args['next']\n    return response\n"
    )
    django = "from django.http import HttpResponse\n\ndef go(request):\n    response = HttpResponse(status=302)\n    response['Location'] = request.GET.get('next', '/')\n    return response\n"
    for code in (flask, django):
        assert "SLS120" in rules(code), code
    assert "SLS120" not in rules(flask.replace("request.args['next']", "'/home?x=' + request.args['x']"))
    # the Location of a created resource (201) is no redirect: browsers do not follow it
    assert "SLS120" not in rules(flask.replace("Response('redirecting...', 302)", "Response('created', 201)"))


def test_a_password_hash_in_a_class_that_logs_in_to_another_service_is_low():
    # a site plugin's login: the class sends requests, the password is the user's credential for
    # that site, kept in the format its API asks for (not a verifier this program checks)
    code = (
        "import hashlib\n\nclass NoPremium:\n    def signin(self, user, password, data):\n"
        "        data['hash_password'] = hashlib.sha1(hashlib.md5(password.encode()).hexdigest().encode()).hexdigest()\n"
        "        return self.run_auth_query()\n\n    def run_auth_query(self):\n"
        "        return self.load(self.API_URL, post={'password': self.info['data']['hash_password']})\n"
    )
    assert _confidence(code, "SLS301") == ["low"]
    verifier = code.replace("        return self.run_auth_query()\n", "        return data['hash_password'] == self.stored\n")
    assert "high" in _confidence(verifier, "SLS301")
    stored = code.replace("        return self.run_auth_query()\n", "        self.db.execute('INSERT INTO users VALUES (?)', (data['hash_password'],))\n")
    assert "high" in _confidence(stored, "SLS301")


def test_a_password_hash_returned_to_callers_in_the_class_that_send_it_is_low():
    # `salt, token = self._token()` then `requests.get(url, params={"t": token})`: a service's
    # token protocol, decided by the callers of the method that hashes
    code = (
        "import hashlib, requests\n\nclass Client:\n    def _token(self, salt):\n"
        "        token = hashlib.md5((self.config['password'] + salt).encode()).hexdigest()\n        return salt, token\n\n"
        "    def scan(self, url):\n        salt, token = self._token('x1')\n"
        "        return requests.get(url, params={'t': token, 's': salt}, timeout=10)\n"
    )
    assert _confidence(code, "SLS301") == ["low"]
    stored = code.replace("return requests.get(url, params={'t': token, 's': salt}, timeout=10)", "self.db.save({'t': token})")
    assert _confidence(stored, "SLS301") == ["high"]


def test_a_name_matched_against_the_client_own_items_is_not_validated():
    # `[p for p in PLUGINS if p.id == name]` non-empty: name is one of the application's ids;
    # the same filter over what the client sent proves nothing
    code = (
        "import logging\nfrom flask import Flask, abort, request\napp = Flask(__name__)\nPLUGINS = []\n\n"
        "@app.route('/p/<string:name>')\ndef p(name):\n    found = [p for p in PLUGINS if p.id == name]\n"
        "    if not found:\n        abort(404)\n    logging.info(f'plugin {name}')\n    return ''\n"
    )
    _quiet_until_undone("SLS704", code, "for p in PLUGINS", "for p in request.json['items']")


def test_a_quote_taken_out_of_a_value_quoted_in_place_keeps_it_inside_like_doubling():
    # `"` + t.replace('"', '') + `"`: with no double quote left, the identifier cannot end early
    # (low, as for doubling: the name is still the client's choice of table)
    code = (
        "from flask import request\n\ndef columns(conn):\n    t = request.args['t']\n"
        """    return conn.execute('PRAGMA table_info("' + t.replace('"', '') + '")')\n"""
    )
    assert _confidence(code, "SLS101") == ["low"]
    assert _confidence(code.replace("""t.replace('"', '')""", """t.replace("'", '')"""), "SLS101") == ["high"]
    translated = code.replace("""t.replace('"', '')""", """t.translate(str.maketrans({'"': '_'}))""")
    assert _confidence(translated, "SLS101") == ["low"]
    assert _confidence(translated.replace("""{'"': '_'}""", """{"'": '_'}"""), "SLS101") == ["high"]


def test_an_instance_a_class_found_by_key_is_a_stored_object_not_the_key():
    # `await Client.get(user_id)`: the class's own lookup (peewee, Tortoise, mautrix style) finds
    # an instance; the key chose which one. A cache read by subscript would carry the key's text.
    code = (
        "import logging\nfrom aiohttp import web\nlog = logging.getLogger(__name__)\n\n"
        "class Client:\n    cache = {}\n\n    @classmethod\n    async def get(cls, user_id):\n        return cls.cache[user_id]\n\n    @classmethod\n    async def find(cls, user_id):\n        return cls.cache[user_id]\n\n"
        "async def verify(request: web.Request) -> web.Response:\n    user_id = request.match_info['id']\n"
        "    client = await Client.get(user_id)\n    if not client:\n        return web.Response(status=404)\n"
        "    log.debug(f'Trust state of {client.display_name}')\n    return web.Response(status=200)\n"
    )
    _quiet_until_undone("SLS704", code, "await Client.get(user_id)", "await Client.find(user_id)")


def test_a_csrf_exempt_webhook_that_names_the_acting_user_itself_is_the_audit_tier():
    # `request.user = bot.created_by` after a look-up by the URL's token: no session cookie acts
    code = (
        "from django.http import JsonResponse\nfrom django.shortcuts import get_object_or_404\n"
        "from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef hook(request, token):\n"
        "    bot = get_object_or_404(Bot, webhook_token=token)\n    request.user = bot.created_by\n"
        "    Entry.objects.create(text=request.body.decode(), created_by=request.user)\n    return JsonResponse({'ok': True})\n"
    )
    assert _confidence(code, "SLS810") == ["low"]
    assert _confidence(code.replace("    request.user = bot.created_by\n", ""), "SLS810") == ["medium"]


def test_a_pickle_file_loaded_by_a_module_that_pickles_its_own_state_into_files_is_low():
    # save_data/load_data pairs: the module reads back the files it writes (its own state)
    code = (
        "import os, pickle\n\ndef save_data(data, name, path):\n    with open(os.path.join(path, name), 'wb') as f:\n"
        "        pickle.dump(data, f)\n\ndef load_data(name, path):\n    with open(os.path.join(path, name), 'rb') as f:\n"
        "        return pickle.load(f)\n"
    )
    assert _confidence(code, "SLS105") == ["low"]
    assert _confidence(code.replace("pickle.dump(data, f)", "f.write(data)"), "SLS105") == ["medium"]


def test_an_allow_list_checked_in_another_case_validates_the_value_itself():
    # `fmt.lower() not in FORMATS`: a case change maps no character into the allowed ones;
    # `strip()` would drop a trailing line break before the check
    code = (
        "import logging\nfrom flask import Flask, redirect, request\napp = Flask(__name__)\nFORMATS = {'epub', 'pdf'}\n\n"
        "@app.post('/convert')\ndef convert():\n    fmt = request.form.get('fmt', '')\n"
        "    if fmt.lower() not in FORMATS:\n        return redirect('/')\n    logging.info('converting to %s', fmt)\n    return ''\n"
    )
    _quiet_until_undone("SLS704", code, "fmt.lower() not in", "fmt.strip() not in")


def test_a_random_salt_sent_only_to_another_service_is_low_but_a_code_sent_to_a_user_is_not():
    # a token protocol's salt goes out in the clear next to md5(password + salt)
    code = (
        "import hashlib, random, string, requests\n\nclass Subsonic:\n    def _token(self):\n"
        "        salt = ''.join(random.choices(string.ascii_lowercase, k=6))\n"
        "        token = hashlib.md5((self.password + salt).encode()).hexdigest()\n        return salt, token\n\n"
        "    def scan(self, url):\n        salt, token = self._token()\n"
        "        return requests.get(url, params={'s': salt, 't': token}, timeout=10)\n"
    )
    assert _confidence(code, "SLS304") == ["low"]
    kept = code.replace("        token = hashlib.md5((self.password + salt).encode()).hexdigest()\n", "        token = hashlib.md5((self.password + salt).encode()).hexdigest()\n        self.salts.append(salt)\n")
    assert _confidence(kept, "SLS304") == ["medium"]
    otp = "import random, requests\n\ndef send_code(phone):\n    code = random.randint(100000, 999999)\n    requests.post('https://sms.example.com/send', data={'to': phone, 'text': code}, timeout=5)\n"
    assert _confidence(otp, "SLS304") == ["medium"]


def test_a_pbkdf2_result_sent_to_the_service_whose_protocol_fixes_the_count_is_low():
    code = (
        "import hashlib\n\nclass Account:\n    def login(self, user, password):\n        b = password.encode()\n"
        "        encrypted = hashlib.pbkdf2_hmac('sha256', b, b, 1000).hex()[:32]\n"
        "        return self.load('https://api.example.com/login', get={'auth': user, 'password': encrypted})\n"
    )
    assert _confidence(code, "SLS307") == ["low"]
    stored = code.replace("        return self.load('https://api.example.com/login', get={'auth': user, 'password': encrypted})\n", "        self.db.save(user, encrypted)\n")
    assert _confidence(stored, "SLS307") == ["high"]


def test_metadata_the_framework_sets_and_the_session_are_not_the_client_guessing():
    # Django's CSRF middleware puts its secret in META["CSRF_COOKIE"]; the session holds what the
    # server stored: comparing or storing them involves nothing the client chose
    code = (
        "CSRF_SESSION_KEY = '_csrftoken'\n\ndef sync_csrf(request):\n"
        "    if request.session.get(CSRF_SESSION_KEY) != request.META['CSRF_COOKIE']:\n"
        "        request.session[CSRF_SESSION_KEY] = request.META['CSRF_COOKIE']\n"
    )
    assert not {"SLS303", "SLS125"} & set(rules(code))
    from_client = code.replace("request.META['CSRF_COOKIE']", "request.META['HTTP_X_CSRF_COOKIE']")
    # storing the client's value is reported; the `!=` only notices that it changes what is then
    # replaced (like `if token != self.token: self.token = token`), so it grants nothing to time
    assert "SLS125" in rules(from_client) and "SLS303" not in rules(from_client)
    # the session's value against the client's guess is still a comparison to time
    assert "SLS303" in rules("def check(request):\n    return request.session.get('otp_token') != request.POST['otp_token']\n")


def test_a_weak_hash_signature_sent_to_the_service_that_demands_it_is_low():
    # `headers={"X-Key": md5(...)}` returned to the method that sends them with a client session
    code = (
        "from hashlib import md5\n\nclass Plugin:\n    def _get_headers(self, date, time):\n"
        "        return {'X-Date': date, 'X-Key': md5(f'{self._API_KEY}{date}{time}'.encode()).hexdigest()}\n\n"
        "    def _get_streams(self, url):\n        headers = self._get_headers('d', 't')\n"
        "        return self.session.http.get(url, params={'tz': 'UTC'}, headers=headers)\n"
    )
    assert _confidence(code, "SLS302") == ["low"]
    kept = code.replace("        return self.session.http.get(url, params={'tz': 'UTC'}, headers=headers)\n", "        self.keys.append(headers)\n")
    assert _confidence(kept, "SLS302") == ["medium"]


def test_a_weak_hash_chained_into_a_signature_built_for_a_request_is_low():
    # a digest hashed again with a key (`md5(f + key)` rounds), concatenated into the next input,
    # and a signature put in the `params=` of whatever builds the request (`HTTPStream(...)`)
    code = (
        "import hashlib\n\nclass Plugin:\n    def _auth(self, rand_str, key, rounds):\n        f = rand_str\n"
        "        for _ in range(rounds):\n            f = hashlib.md5((f + key).encode()).hexdigest()\n"
        "        return hashlib.md5((f + key).encode()).hexdigest()\n\n"
        "    def _params(self, seqid, ctype, prefix):\n        ws_secret_hash = hashlib.md5(f'{seqid}|{ctype}'.encode()).hexdigest()\n"
        "        ws_secret = hashlib.md5(f'{prefix}_{ws_secret_hash}'.encode()).hexdigest()\n"
        "        params = {'wsSecret': ws_secret}\n        params.update(self._CONSTANTS)\n        return params\n\n"
        "    def streams(self, url, rid):\n        auth = self._auth('r', 'k', 3)\n        self.session.http.post(url, data={'auth': auth})\n"
        "        yield HTTPStream(self.session, url, params=self._params(1, 2, 'p'))\n"
    )
    assert _confidence(code, "SLS302") == ["low"] * 4
    kept = code.replace("        yield HTTPStream(self.session, url, params=self._params(1, 2, 'p'))\n", "        self.kept = self._params(1, 2, 'p')\n")
    assert _confidence(kept, "SLS302") == ["low", "low", "medium", "medium"]


def test_a_digest_made_in_a_function_named_for_a_cache_key_names_an_entry():
    code = (
        "import hashlib\n\ndef _get_placeholder_cache_version_key(prefix, key):\n    if len(key) > 200:\n"
        "        key = '{prefix}|{hash}'.format(prefix=prefix, hash=hashlib.sha1(key.encode()).hexdigest())\n    return key\n"
    )
    assert _confidence(code, "SLS302") == ["low"]
    assert _confidence(code.replace("_get_placeholder_cache_version_key", "_signed_key"), "SLS302") == ["medium"]


def test_ruff_s308_and_bandit_b308_silence_the_mark_safe_rule():
    # maintainers justify static icon markup with Ruff's code: that is SLS801's Bandit check
    code = "from django.utils.safestring import mark_safe\n\ndef get_icon(icon):\n    return mark_safe(f'<i class=\"fa fa-{icon}\"></i>')"
    assert "SLS801" in rules(code + "\n")
    assert "SLS801" not in rules(code + "  # noqa: S308  -- static icon markup\n")
    assert "SLS801" not in rules(code + "  # nosec B703\n")


def test_a_helper_that_logs_the_repr_of_a_value_keeps_it_on_one_line():
    # `repr_untrusted(value)` returning `repr(value)[:200]`: the line breaks are shown as \n
    code = (
        "import logging\nfrom flask import request\nlog = logging.getLogger(__name__)\n\n"
        "def repr_untrusted(danger):\n    r = repr(danger)\n    rtrunc = r[:200]\n    return rtrunc + '...' if r != rtrunc else r\n\n"
        "def view():\n    log.info('reset for %s', repr_untrusted(request.form['user']))\n"
    )
    _quiet_until_undone("SLS704", code, "r = repr(danger)", "r = str(danger)")


def test_a_redirect_helper_that_keeps_the_joined_url_on_the_requests_own_host_validates_it():
    # `target = urlparse(urljoin(request.url, url))`, its netloc compared with the request's own,
    # then `target.geturl()` returned: the helper's callers redirect to a same-host URL
    code = (
        "import flask\nfrom urllib.parse import urlparse, urljoin\n\napp = flask.Flask(__name__)\n\n"
        "def _usable_redirect():\n    url = flask.request.args.get('url')\n    target = urlparse(urljoin(flask.request.url, url))\n"
        "    if target.netloc == urlparse(flask.request.url).netloc:\n        return target.geturl()\n    return None\n\n"
        "@app.route('/login')\ndef login():\n    return flask.redirect(_usable_redirect() or '/')\n"
    )
    _quiet_until_undone("SLS120", code, "if target.netloc == urlparse(flask.request.url).netloc:", "if target.netloc:")


def test_a_password_variable_peppered_with_the_secret_key_is_still_a_fast_password_hash():
    # the token recipe (the stored field among the seeds) is a VALID example of SLS301; a password
    # the user typed, with the key added, stored as the verifier, is not a token
    code = (
        "import hashlib\nfrom django.conf import settings\n\ndef store(user, password):\n"
        "    user.password_digest = hashlib.sha256((password + settings.SECRET_KEY).encode()).hexdigest()\n    user.save()\n"
    )
    assert "SLS301" in rules(code)


def test_a_redirect_check_by_keyword_or_kept_in_a_name_validates_for_the_helpers_callers():
    # `url_has_allowed_host_and_scheme(url=...)` (by keyword), its result kept in a name and tested
    # after: the helper returns a checked URL, so the view redirecting to it is safe
    helper = (
        "from django.shortcuts import redirect\nfrom django.utils.http import url_has_allowed_host_and_scheme\n\n"
        "def clean_next(request, redirect_to):\n    url_is_safe = url_has_allowed_host_and_scheme(url=redirect_to, allowed_hosts=request.get_host())\n"
        "    if not url_is_safe:\n        return None\n    return redirect_to\n\n"
        "def view(request):\n    return redirect(clean_next(request, request.GET['next']) or '/')\n"
    )
    assert "SLS120" not in rules(helper)
    inline = helper.replace("    url_is_safe = url_has_allowed_host_and_scheme(url=redirect_to, allowed_hosts=request.get_host())\n    if not url_is_safe:", "    if not url_has_allowed_host_and_scheme(url=redirect_to, allowed_hosts=request.get_host()):")
    assert "SLS120" not in rules(inline)
    # the check made on another value validates nothing here
    assert "SLS120" in rules(helper.replace("url=redirect_to", "url=request.path"))


def test_a_query_added_to_a_url_of_the_site_keeps_the_redirect_on_the_site():
    # `reverse(...)` is a path of this site; what follows `?` is its query, also when a helper
    # builds it with `+=` and returns it
    head = "from django.shortcuts import redirect\nfrom django.urls import reverse\n\n"
    helper = head + (
        "def next_url(request):\n    url = reverse('attachments')\n    if request.GET.get('cursor'):\n"
        "        url += '?cursor=' + request.GET['cursor']\n    return url\n\n"
        "def view(request):\n    return redirect(next_url(request))\n"
    )
    inline = head + "def view(request):\n    return redirect(f\"{reverse('list')}?page={request.GET['page']}\")\n"
    for code in (helper, inline):
        assert "SLS120" not in rules(code), code
    # the client's own URL with a query added is still the client's
    assert "SLS120" in rules(helper.replace("url = reverse('attachments')", "url = request.GET['next']"))
    assert "SLS120" in rules(head + "def view(request):\n    return redirect(request.GET['next'] + '?x=1')\n")


def test_the_text_before_the_first_line_feed_is_one_log_line():
    # a line-based protocol reader: `line, buf = buf.split(b"\n", 1)`, `buf.split(b"\n", 1)[0]`
    head = "import logging\nimport socket\n\nlog = logging.getLogger(__name__)\n\ndef read(sock: socket.socket):\n    buf = sock.recv(1024)\n"
    unpacked = head + "    line, buf = buf.split(b'\\n', 1)\n    log.debug('version %s', line.decode())\n"
    indexed = head + "    line = buf.split(b'\\n', 1)[0]\n    log.debug('version %s', line.decode())\n"
    partitioned = head + "    line, _, rest = buf.partition(b'\\n')\n    log.debug('version %s', line.decode())\n"
    for code in (unpacked, indexed, partitioned):
        assert "SLS704" not in rules(code), code
    # the rest after the cut may hold more lines
    assert "SLS704" in rules(unpacked.replace("line.decode()", "buf.decode()"))
    assert "SLS704" in rules(indexed.replace("[0]", "[1]"))


def test_a_fast_hash_in_a_function_named_for_an_older_scheme_checks_legacy_hashes():
    code = (
        "import hashlib\n\nclass Users:\n    @staticmethod\n    def create_legacy_password_hash(password, salt):\n"
        "        return hashlib.sha512(password.encode() + salt.encode()).hexdigest()\n"
    )
    _low_until_undone("SLS301", code, "create_legacy_password_hash", "create_password_hash", "high")
    # the password reaches the weak hash through a name: SLS301's, not SLS302's
    upgrade = (
        "import hashlib\n\nclass User:\n    def _verify_and_upgrade_from_sha1(self, password):\n"
        "        _string = password + self.password[:40]\n        hashed = hashlib.sha1(_string.encode())\n"
        "        if hashed.hexdigest() == self.password[40:]:\n            self._set_password(password)\n"
    )
    assert _confidence(upgrade, "SLS301") == ["low"] and _confidence(upgrade, "SLS302") == []


def test_a_record_field_the_class_fills_with_its_own_pickles_is_its_own_state():
    # `Process(desc=dumps(self.desc).hex())` written by the class, `loads(bytes.fromhex(p.desc))` of a
    # row a caller hands in: the audit tier; the same read of an object nobody here pickles into is not
    code = (
        "from pickle import dumps, loads\n\nclass BatchProcess:\n    def create(self):\n"
        "        tmp_desc = dumps(self.desc).hex()\n        db.session.add(Process(pid=1, desc=tmp_desc))\n\n"
        "    @staticmethod\n    def _check_process_desc(p):\n        return loads(bytes.fromhex(p.desc))\n"
    )
    _low_until_undone("SLS105", code, "desc=tmp_desc", "summary=tmp_desc", "medium")


def test_a_token_in_an_openapi_example_is_a_sample_for_the_docs():
    # exp 2100: a token that has not expired (an expired one is the audit tier already)
    jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiOTIyMSIsImV4cCI6NDEwMjQ0NDgwMH0.M10bjOe45I5Ncu_uXvOmVV8QxnL-nZfcH96U90JaocI"
    code = (
        "def login_responses():\n    return {200: {'content': {'application/json': {'example': {'access_token': '"
        + jwt + "', 'token_type': 'bearer'}}}}}\n"
    )
    _low_until_undone("SLS202", code, "'example'", "'value'", "medium")


def test_yaml_full_loader_is_the_audit_tier_unless_the_document_comes_from_outside():
    """PyYAML 5.4 took function calls out of FullLoader (CVE-2020-14343): `full_load` of a config
    file says what it still does, at low confidence; of a request body, medium. `yaml.Loader` stays
    the high-confidence finding."""
    config = "import yaml\n\ndef read(path):\n    with open(path) as fh:\n        return yaml.full_load(fh)\n"
    _low_until_undone("SLS104", config, "yaml.full_load(fh)", "yaml.load(fh, Loader=yaml.Loader)", "medium")
    assert _confidence(config.replace("yaml.full_load(fh)", "yaml.load(fh, Loader=yaml.FullLoader)"), "SLS104") == ["low"]
    assert "PyYAML 5.4" in next(f.message for f in ENGINE.analyze(config).findings if f.rule_id == "SLS104")
    body = "import yaml\nfrom flask import request\n\ndef upload():\n    return yaml.full_load(request.data)\n"
    assert _confidence(body, "SLS104") == ["medium"]
    assert _confidence(body.replace("yaml.full_load(request.data)", "yaml.unsafe_load(request.data)"), "SLS104") == ["high"]


def test_starlette_url_parts_hold_no_line_break_but_the_whole_url_does():
    """Starlette builds `request.url` from the decoded path, and its parts with urlsplit, which drops
    CR, LF and TAB: `request.url.path` cannot forge a log line, `str(request.url)` can."""
    code = (
        "import logging\nfrom fastapi import FastAPI, Request\n\napp = FastAPI()\nlog = logging.getLogger(__name__)\n\n"
        "@app.get('/items')\nasync def items(request: Request):\n    log.info('listing %s', request.url.path)\n    return []\n"
    )
    assert "SLS704" not in rules(code)
    assert "SLS704" not in rules(code.replace("request.url.path", "request.url.query"))
    assert "SLS704" in rules(code.replace("request.url.path", "request.url"))
    # aiohttp's request.url is a yarl URL, whose path is decoded: a %0A there is a line break
    aiohttp = code.replace("from fastapi import FastAPI, Request", "from aiohttp import web").replace("app = FastAPI()", "routes = web.RouteTableDef()")
    aiohttp = aiohttp.replace("@app.get('/items')\nasync def items(request: Request):", "@routes.get('/items')\nasync def items(request):")
    assert "SLS704" in rules(aiohttp)


def test_a_signature_sent_through_a_download_helper_a_request_object_or_a_url_builder_is_the_audit_tier():
    """A site's API signature computed as the site demands (`md5(query + key)`) and sent: through a
    method named for downloading, a `Request` handed to `urlopen`, or a URL builder inside a
    request. Kept instead of sent, it stays a medium-confidence finding."""
    download = (
        "import hashlib\nimport urllib.parse\n\nclass Site:\n    _SECRET = 'k'\n\n"
        "    def _signed(self, params):\n        params = {k: str(v) for k, v in sorted(params.items())}\n"
        "        params['sign'] = hashlib.md5((urllib.parse.urlencode(params) + self._SECRET).encode()).hexdigest()\n"
        "        return params\n\n"
        "    def extract(self, video_id):\n        return self._download_json('https://api.example.com/play', video_id, query=self._signed({'id': video_id}))\n"
    )
    _low_until_undone("SLS302", download, "self._download_json('https://api.example.com/play', video_id, query=", "self._remember_json('https://api.example.com/play', video_id, signed=", "medium")
    request = (
        "import hashlib\nimport urllib.request\n\ndef ping(url, secret, t):\n"
        "    signature = hashlib.md5(f'{secret}_{t}'.encode()).hexdigest()\n"
        "    ping_url = f'{url}?hash={signature}&time={t}'\n"
        "    return urllib.request.urlopen(urllib.request.Request(ping_url), timeout=5).read()\n"
    )
    _low_until_undone("SLS302", request, "urllib.request.urlopen(urllib.request.Request(ping_url), timeout=5).read()", "PENDING.append(urllib.request.Request(ping_url))", "medium")
    builder = (
        "import hashlib\n\nclass Site:\n    def solve(self, challenge_url, challenge, salt, video_id):\n"
        "        key_hash = hashlib.md5(f'{challenge}:{salt}'.encode()).hexdigest()\n"
        "        self._request_webpage(update_url_query(challenge_url, {'key': key_hash}), video_id)\n"
    )
    _low_until_undone("SLS302", builder, "self._request_webpage(", "self._remember(", "medium")


def test_a_one_line_predicate_validates_what_its_check_validates():
    """`def ok(x): return x in ALLOWED` (or a fullmatch, or a containment test) used as
    `if not ok(x): abort()` validates x as the check itself would; a predicate that only tests
    truthiness, or checks another value, does not."""
    code = (
        "import subprocess\nfrom flask import request\n\nBRANCHES = {'main', 'dev'}\n\n"
        "def is_known(value):\n    return value in BRANCHES\n\n"
        "def checkout():\n    branch = request.args['branch']\n    if not is_known(branch):\n        return 'no', 400\n"
        "    subprocess.run(f'git checkout {branch}', shell=True)\n"
    )
    assert "SLS102" not in rules(code)
    assert "SLS102" in rules(code.replace("return value in BRANCHES", "return not value"))
    assert "SLS102" in rules(code.replace("return value in BRANCHES", "return value in BRANCHES or True"))
    assert "SLS102" in rules(code.replace("return value in BRANCHES", "return 'main' in BRANCHES"))
    inline = (
        "from pathlib import Path\nfrom flask import request, send_file, abort\n\nROOT = Path('/srv/files').resolve()\n\n"
        "def download():\n    path = (ROOT / request.args['name']).resolve()\n    if ROOT not in path.parents:\n        abort(400)\n    return send_file(path)\n"
    )
    assert "SLS110" not in rules(inline)
    assert "SLS110" in rules(inline.replace("ROOT not in path.parents", "ROOT not in [ROOT]"))


def test_a_scripts_functions_hold_what_the_script_passes_them():
    """A module run as a script (`if __name__ == "__main__":`) is a closed world: a helper's
    parameter holds what the script's own calls pass, so a shell command built from a temporary
    directory it made is the audit tier (as written inline), and one built from the command line
    names the command line. In a module others import, the parameter is the caller's to fill."""
    code = (
        "import subprocess\nimport sys\nimport tempfile\n\n"
        "def archive(log_dir):\n    subprocess.run('cd %s && tar czf out.tgz repo' % log_dir, shell=True)\n\n"
        "def main():\n    archive(tempfile.mkdtemp())\n\n"
        "if __name__ == '__main__':\n    main()\n"
    )
    _low_until_undone("SLS102", code, "if __name__ == '__main__':\n    main()\n", "", "medium")
    argv = code.replace("archive(tempfile.mkdtemp())", "archive(sys.argv[1])")
    assert any("command-line" in f.message for f in ENGINE.analyze(argv).findings if f.rule_id == "SLS102")


def test_request_mappings_logged_whole_print_their_items_with_repr():
    """`log.info("%s", request.args)`: Werkzeug's MultiDicts, Django's QueryDicts and cookie dicts,
    Starlette's path and query parameters print each item with repr() (or percent-encoded), so no
    line break gets through (Django's uploads too: it keeps only the printable characters of their
    names). Werkzeug's headers print as header lines: those stay reported, as does a raw body."""
    flask = (
        "import logging\nfrom flask import Flask, request\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n"
        "@app.route('/x')\ndef x():\n    log.info('cookies %s', request.cookies)\n    return ''\n"
    )
    assert "SLS704" not in rules(flask)
    assert "SLS704" in rules(flask.replace("request.cookies", "request.headers"))
    django = "import logging\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\ndef view(request):\n    log.info('%s', request.COOKIES)\n    return HttpResponse()\n"
    assert "SLS704" not in rules(django)
    assert "SLS704" not in rules(django.replace("request.COOKIES", "request.FILES"))
    assert "SLS704" in rules(django.replace("request.COOKIES", "request.body.decode()"))
    starlette = (
        "import logging\nfrom fastapi import FastAPI, Request\n\napp = FastAPI()\nlog = logging.getLogger(__name__)\n\n"
        "@app.get('/items/{item_id}')\nasync def item(request: Request):\n    log.info('params %s', request.path_params)\n    return {}\n"
    )
    assert "SLS704" not in rules(starlette)
    assert "SLS704" in rules(starlette.replace("request.path_params", "request.path_params['item_id']"))


def test_djangos_full_path_is_quoted_again_and_holds_no_line_break():
    """Django's `request.get_full_path()` and `build_absolute_uri()` quote the decoded path again
    (escape_uri_path, iri_to_uri): a %0A stays %0A, also in a location given to build_absolute_uri().
    `request.path` is the decoded path."""
    code = (
        "import logging\nfrom django.http import HttpResponse\n\nlog = logging.getLogger(__name__)\n\n"
        "def view(request):\n    log.info('hit %s', request.get_full_path())\n    return HttpResponse()\n"
    )
    assert "SLS704" not in rules(code)
    assert "SLS704" not in rules(code.replace("request.get_full_path()", "request.build_absolute_uri()"))
    assert "SLS704" in rules(code.replace("request.get_full_path()", "request.path"))
    # a location given to build_absolute_uri() goes through iri_to_uri() too: its %0A stays %0A
    assert "SLS704" not in rules(code.replace("request.get_full_path()", "request.build_absolute_uri(request.GET['next'])"))


def test_djangos_validated_host_holds_no_markup():
    """Django's `request.get_host()` raises DisallowedHost unless the host is `[a-z0-9.-]+` (or an
    IPv6 literal) with a port, so it cannot leave an HTML attribute; `build_absolute_uri(location)`
    puts the location after that host: a reversed path stays the site's. The location the client
    sends, or the request's own path (`build_absolute_uri()`), is still reported."""
    code = (
        "from django.urls import reverse\nfrom django.utils.safestring import mark_safe\n\n"
        "def authorize(request, obj):\n"
        "    url = request.build_absolute_uri(reverse('oauth-start', args=(obj.id,)))\n"
        "    return mark_safe(f'<a href=\"{url}\">Authorize</a>')\n"
    )
    _quiet_until_undone("SLS801", code, "reverse('oauth-start', args=(obj.id,))", "request.GET['next']")
    assert "SLS801" in rules(code.replace("reverse('oauth-start', args=(obj.id,))", ""))
    host = code.replace("request.build_absolute_uri(reverse('oauth-start', args=(obj.id,)))", "'//' + request.get_host()")
    _quiet_until_undone("SLS801", host, "request.get_host()", "request.META['HTTP_HOST']")


def test_a_helper_returning_only_data_or_responses_makes_no_page():
    """A module's helper whose every return is a dict or list (JSON once a Flask view returns it),
    a response object (judged where it is made), or what another such helper returns, hands the
    view no page text. One return of text built from the request makes it a page again, also
    through the helper it calls."""
    code = (
        "from flask import Flask, jsonify, redirect, request\napp = Flask(__name__)\n\n"
        "def finish(location):\n    return redirect(location)\n\n"
        "def delete_book(book_id, location):\n"
        "    if not book_id:\n        return [{'location': location}]\n"
        "    if book_id < 0:\n        return jsonify({'location': location}), 404\n"
        "    return finish(location)\n\n"
        "@app.post('/delete/<int:book_id>')\ndef delete(book_id):\n"
        "    return delete_book(book_id, request.form['location'])\n"
    )
    _quiet_until_undone("SLS803", code, "return redirect(location)", "return f'<a href=\"/\">{location}</a>'")
    _quiet_until_undone("SLS803", code, "return [{'location': location}]", "return location")


def test_aiohttps_raw_path_is_the_request_target_as_sent():
    """aiohttp's `request.raw_path` is the path and query as the request line sent them, still
    percent-encoded: no line break. Its `request.path` is decoded (%0A is a newline)."""
    code = (
        "import logging\nfrom aiohttp import web\n\nlog = logging.getLogger(__name__)\n\n"
        "async def handler(request: web.Request):\n    log.warning('refused %s', request.raw_path)\n    return web.Response()\n"
    )
    assert "SLS704" not in rules(code)
    assert "SLS704" in rules(code.replace("request.raw_path", "request.path"))


def test_a_kdf_that_stretches_the_applications_secret_key_is_the_audit_tier():
    """`pbkdf2_hmac("sha256", secret_key.encode(), b"salt", 100000)` turns the application's random
    secret into a Fernet key: no password to look up in a dictionary, so a fixed salt and a modest
    count are the audit tier. A password stretched the same way stays reported."""
    code = (
        "import base64\nimport hashlib\n\ndef derive_key(secret_key):\n"
        "    return base64.urlsafe_b64encode(hashlib.pbkdf2_hmac('sha256', secret_key.encode(), b'salt', 100000))\n"
    )
    _low_until_undone("SLS306", code, "secret_key", "password", "high")
    _low_until_undone("SLS307", code, "secret_key", "password", "high")
    assert _confidence(code.replace("secret_key.encode()", "(secret_key + password).encode()"), "SLS306") == ["high"]


def test_a_wallets_seed_phrase_stretched_by_its_standard_is_the_audit_tier():
    """BIP39 turns a mnemonic (128 to 256 random bits written as words) into a seed with
    PBKDF2-HMAC-SHA512 at 2,048 rounds: the wallet standard fixes the count, and the input is no
    one's chosen password. A password stretched the same way stays reported."""
    code = (
        "import hashlib\n\ndef to_seed(mnemonic, passphrase):\n"
        "    return hashlib.pbkdf2_hmac('sha512', mnemonic.encode(), b'mnemonic' + passphrase.encode(), 2048)\n"
    )
    _low_until_undone("SLS307", code, "mnemonic.encode()", "passphrase.encode()", "high")


def test_a_migration_is_a_closed_world_like_a_script():
    """Django loads a migration module itself (`class Migration(migrations.Migration)`), Alembic a
    revision (`down_revision = ...`): nothing else calls their helpers, so a table name every call
    passes as a literal is a constant."""
    django = (
        "from django.db import connection, migrations\n\n"
        "def drop_constraints(table_name):\n    with connection.cursor() as cursor:\n"
        "        cursor.execute(\"SELECT conname FROM pg_constraint WHERE conrelid = '{}'::regclass\".format(table_name))\n\n"
        "def forwards(apps, schema_editor):\n    drop_constraints('history_historyentry')\n\n"
        "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(forwards)]\n"
    )
    assert "SLS101" not in rules(django)
    assert "SLS101" in rules(django.replace("class Migration(migrations.Migration):", "class Plan(object):"))
    alembic = (
        "from alembic import op\n\nrevision = 'b2'\ndown_revision = 'a1'\n\n"
        "def rename(table):\n    op.execute('ALTER TABLE %s RENAME TO old_%s' % (table, table))\n\n"
        "def upgrade():\n    rename('users')\n"
    )
    assert "SLS101" not in rules(alembic)
    assert "SLS101" in rules(alembic.replace("down_revision = 'a1'\n", ""))


def test_a_drf_field_validator_gets_a_stripped_value_but_a_forks_does_not():
    code = (
        "import re\nfrom rest_framework import serializers\n\nclass TagSerializer(serializers.Serializer):\n"
        "    def validate_color(self, value):\n        if not re.match(r'^#[0-9a-f]{3}$', value):\n"
        "            raise serializers.ValidationError('bad colour')\n        return value\n"
    )
    assert "SLS129" not in rules(code)
    assert "SLS129" in rules(code.replace("from rest_framework import serializers", "from myproject.api import serializers"))
    assert "SLS129" in rules(code.replace("re.match(r'^#[0-9a-f]{3}$', value)", "re.match(r'^#[0-9a-f]{3}$', value.lower())"))


def test_an_optional_enum_route_parameter_is_one_of_the_enums_values():
    code = (
        "import os\nfrom enum import Enum\nfrom typing import Optional\nfrom fastapi import APIRouter\nfrom fastapi.responses import FileResponse\n\n"
        "router = APIRouter()\n\nclass Size(str, Enum):\n    small = 'small'\n    large = 'large'\n\n"
        "@router.get('/thumb')\nasync def thumb(size: Optional[Size] = None):\n    return FileResponse(os.path.join('/srv/thumbs', f'{size}.png'))\n"
    )
    assert "SLS110" not in rules(code)
    assert "SLS110" not in rules(code.replace("Optional[Size]", "Size | None"))
    assert "SLS110" in rules(code.replace("Optional[Size]", "Optional[str]"))
    assert "SLS110" in rules(code.replace("Optional[Size]", "Size | str"))


def test_a_flask_view_parameter_its_rule_does_not_name_is_a_decorators():
    """Flask hands a view only the variables of its URL rule: `current` comes from a decorator
    (`@login_required` passing the signed-in user), `name` from the URL. Decorators that parse the
    request's arguments into parameters (webargs' `use_kwargs`) hand over client data."""
    code = (
        "import logging\nfrom flask import Flask\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n"
        "@app.route('/files/<path:name>')\n@login_required\ndef files(name, current):\n"
        "    log.info(f'opened by {current.designation}')\n    return name\n"
    )
    assert "SLS704" not in rules(code)
    assert "SLS704" in rules(code.replace("@app.route('/files/<path:name>')", "@app.route('/files/<path:name>/<current>')"))
    assert "SLS704" in rules(code.replace("@login_required", "@use_kwargs({'current': fields.Str()})"))
    assert "SLS704" in rules(code.replace("from flask import Flask", "from fastapi import FastAPI as Flask").replace("'/files/<path:name>'", "'/files/{name}'"))


def test_an_email_or_url_field_is_one_line_but_still_client_text():
    """Django's EmailValidator and URLValidator admit no line break, so a serializer's validated
    EmailField is safe in a log line; it may still hold markup or quotes, so an HTML sink reports it."""
    code = (
        "import logging\nfrom django.http import HttpResponse\nfrom rest_framework import serializers\nfrom rest_framework.views import APIView\n"
        "log = logging.getLogger(__name__)\n\nclass NotifySerializer(serializers.Serializer):\n    email = serializers.EmailField()\n\n"
        "class Notify(APIView):\n    def post(self, request):\n        s = NotifySerializer(data=request.data)\n        s.is_valid(raise_exception=True)\n"
        "        log.info(f\"sent to {s.validated_data['email']}\")\n        log.info('sent to %s', s.validated_data.get('email'))\n"
        "        return HttpResponse(s.validated_data['email'])\n"
    )
    assert rules(code).count("SLS704") == 0
    assert "SLS803" in rules(code)
    assert rules(code.replace("EmailField()", "CharField()")).count("SLS704") == 2


def test_a_zero_umask_that_only_lets_an_explicit_mode_through_is_not_reported():
    code = "import os\n\ndef save(directory, mode):\n    old = os.umask(0)\n    try:\n        os.makedirs(directory, mode)\n    finally:\n        os.umask(old)\n"
    _quiet_until_undone("SLS502", code, "os.makedirs(directory, mode)", "os.makedirs(directory)")
    _quiet_until_undone("SLS502", code, "os.makedirs(directory, mode)", "os.makedirs(directory, mode=mode)\n        open(directory + '/log', 'w')")
    assert "SLS502" in rules(code.replace("    finally:\n        os.umask(old)\n", "    finally:\n        pass\n"))


def test_a_valid_file_name_holds_no_line_break_or_markup():
    """Django's get_valid_filename and Werkzeug's secure_filename keep only `[-\\w.]`."""
    code = (
        "import logging\nfrom django.http import HttpResponse\nfrom django.utils.text import get_valid_filename\n"
        "log = logging.getLogger(__name__)\n\ndef upload(request):\n    name = get_valid_filename(request.POST['name'])\n"
        "    log.info('upload of %s', name)\n    return HttpResponse(f'<p>{name} saved</p>')\n"
    )
    assert not {"SLS704", "SLS803"} & set(rules(code))
    assert {"SLS704", "SLS803"} <= set(rules(code.replace("get_valid_filename(request.POST['name'])", "request.POST['name']")))
    werkzeug = code.replace("from django.utils.text import get_valid_filename", "from werkzeug.utils import secure_filename").replace("get_valid_filename(", "secure_filename(")
    assert not {"SLS704", "SLS803"} & set(rules(werkzeug))


def test_a_logging_configuration_escapes_only_where_every_handler_does():
    from secure_ls.engine import logconfig

    config = "LOGGING = {'version': 1, 'formatters': {'json': {'()': 'pythonjsonlogger.jsonlogger.JsonFormatter'}}, 'handlers': {'h': {'formatter': 'json'}}}\n"
    assert logconfig.read([config]).escaped == logconfig.WHOLE_RECORD
    # a plain format (logging's default, `%(message)s`, when none is given) prints no extra field
    assert logconfig.read([config, "import logging\nlogging.basicConfig(level=logging.INFO)\n"]).escaped == {logconfig.EXTRA}
    assert logconfig.read([config, "import logging\nlogging.basicConfig(format='%(user)s %(message)s')\n"]).escaped == frozenset()
    assert logconfig.read([config.replace("'formatter': 'json'", "'class': 'logging.StreamHandler'")]).escaped == {logconfig.EXTRA}
    assert logconfig.read(["DEBUG = True\n"]) is None
    assert logconfig.is_logging_configuration("site/settings/production.py") and logconfig.is_logging_configuration("app/logging_config.py")
    assert not logconfig.is_logging_configuration("app/catalog.py")


def test_a_function_annotated_to_return_a_number_hands_back_none_of_its_arguments():
    """`map_error_to_code(e) -> int` answers with a status code, not the exception's text; the
    annotation is trusted as a dataclass field's is. (The body reads an attribute of the error,
    which could hold anything, as far as the summary can tell.)"""
    code = (
        "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n"
        "def status_of(error, default=500) -> int:\n    return getattr(error, 'status', default)\n\n"
        "@app.route('/x')\ndef view():\n    try:\n        work()\n    except Exception as e:\n        return jsonify(error='Failed'), status_of(e)\n"
    )
    _quiet_until_undone("SLS701", code, ") -> int:", "):")
    _quiet_until_undone("SLS701", code, ") -> int:", ") -> str:")


def test_a_name_ending_with_who_holds_the_secret_is_not_the_secret():
    code = "def same_owner(serial, user):\n    token_owner = owner_of(serial)\n    return token_owner == user\n"
    _quiet_until_undone("SLS303", code, "token_owner", "owner_token")


def test_setting_one_attribute_of_an_object_leaves_its_other_attributes_as_they_were():
    """`book.cover = upload` puts client data in `book.cover`, not in `book.local_path`."""
    code = (
        "from django.shortcuts import get_object_or_404, redirect\n\ndef upload_cover(request, book_id):\n"
        "    book = get_object_or_404(Edition, id=book_id)\n    book.cover = request.FILES['cover']\n    book.save()\n"
        "    return redirect(book.local_path)\n"
    )
    _quiet_until_undone("SLS120", code, "redirect(book.local_path)", "redirect(book.cover)")
    # set on one path only: after the join `book.cover` is the upload or what the object held,
    # and the other attributes are still what the object held
    branch = code.replace("    book.cover = request.FILES['cover']\n", "    if request.FILES:\n        book.cover = request.FILES['cover']\n")
    _quiet_until_undone("SLS120", branch, "redirect(book.local_path)", "redirect(book.cover)")
    # ... and when the other path sets `book` itself from the request, every attribute is the client's
    assert "SLS120" in rules(branch.replace("    book.save()\n", "    else:\n        book = request.POST\n    book.save()\n"))


def test_setting_one_attribute_of_self_leaves_the_others_as_the_class_stores_them():
    """`self.mark = request...` then `self.log_path = self.locate()`: the path holds what the
    class stores in `log_path`, not the mark (and the message names the right source)."""
    code = (
        "from rest_framework.views import APIView\n\n"
        "class LogTail(APIView):\n"
        "    def locate(self):\n        return '/var/log/app.log'\n\n"
        "    def get(self, request):\n"
        "        self.mark = request.query_params.get('mark')\n"
        "        self.log_path = self.locate()\n"
        "        with open(self.log_path) as f:\n            return f.read()\n"
    )
    _quiet_until_undone("SLS110", code, "open(self.log_path)", "open(self.mark)")
    # a method of the class that stores the client's text in the attribute may run meanwhile: it counts
    refill = code.replace("    def locate(self):\n", "    def refill(self):\n        self.log_path = self.request.GET['p']\n\n    def locate(self):\n")
    assert "SLS110" in rules(refill.replace("        with open(", "        self.refill()\n        with open("))


def test_a_value_looked_up_as_an_integer_primary_key_holds_digits():
    """Django converts an `id`/`pk` lookup value with int() and raises ValueError for other text:
    after the query, and in a handler of DoesNotExist that lets ValueError through, it is digits."""
    code = (
        "import logging\nfrom django.http import HttpResponse\nlog = logging.getLogger(__name__)\n\ndef share(request):\n"
        "    uid = request.POST['user']\n    try:\n        user = User.objects.get(id=uid)\n    except User.DoesNotExist:\n"
        "        log.warning('no user %s', uid)\n        return HttpResponse(status=404)\n    log.info('shared with %s', uid)\n"
        "    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS704", code, "get(id=uid)", "get(username=uid)")
    assert rules(code.replace("except User.DoesNotExist:", "except Exception:")).count("SLS704") == 1
    assert "SLS704" not in rules(code.replace("User.objects.get(id=uid)", "Album.objects.filter(pk=uid).delete()"))


def test_a_django_validators_dollar_anchor_is_the_audit_tier():
    """A function of one value raising Django's ValidationError is a field validator: forms, the
    admin and DRF hand it a stripped value, so a trailing newline rarely reaches `$`."""
    code = (
        "import re\nfrom django.core.exceptions import ValidationError\n\n"
        "def validate_localname(value):\n    if not re.match(r'^[A-Za-z0-9_.-]+$', value):\n        raise ValidationError('bad name')\n"
    )
    _low_until_undone("SLS129", code, "raise ValidationError('bad name')", "raise ValueError('bad name')", "medium")


def test_a_swallowed_check_whose_result_starts_denying_fails_closed():
    code = "def check_pass(ctx, password, stored):\n    res = False\n    try:\n        res = ctx.verify(password, stored)\n    except ValueError:\n        pass\n    return res\n"
    _quiet_until_undone("SLS702", code, "    res = False\n", "    res = True\n")
    _quiet_until_undone("SLS702", code, "    return res\n", "    return True\n")


def test_a_server_the_program_called_does_not_time_its_answer_being_compared():
    code = (
        "import secrets\nimport requests\nfrom flask import request\n\ndef verify_otp(otp):\n    nonce = secrets.token_hex(16)\n"
        "    answer = requests.get('https://api.yubico.com/verify', params={'otp': otp, 'nonce': nonce}, timeout=5).json()\n"
        "    if answer['nonce'] != nonce:\n        return False\n    return answer['status'] == 'OK'\n"
    )
    _quiet_until_undone("SLS303", code, "if answer['nonce'] != nonce:", "if request.headers['X-Nonce'] != nonce:")


def test_a_wsgi_environ_variable_that_is_not_the_requests_is_the_operators():
    """`environ.get("APP_CONFIG")`: set by the server's configuration (SetEnv, uwsgi env), while
    the client's request fills the CGI variables and the `HTTP_*` headers."""
    code = (
        "import logging\nlog = logging.getLogger(__name__)\n\ndef application(environ, start_response):\n"
        "    log.info('config from %s', environ.get('APP_CONFIG'))\n    start_response('200 OK', [])\n    return [b'']\n"
    )
    _quiet_until_undone("SLS704", code, "environ.get('APP_CONFIG')", "environ.get('QUERY_STRING')")
    _quiet_until_undone("SLS704", code, "environ.get('APP_CONFIG')", "environ['HTTP_APP_CONFIG']")


def test_a_wsgi_environ_item_a_component_named_is_that_components():
    """`environ["api.cache.image"]`: PEP 3333 has servers and middleware name their own items in
    lower-case dotted names, which no client header becomes; the request's body (`wsgi.input`) and
    a framework's parse of the request (`webob._parsed_query_vars`) are still the client's."""
    code = (
        "import logging\nlog = logging.getLogger(__name__)\n\ndef application(environ, start_response):\n"
        "    log.info('image %s', environ['api.cache.image'])\n    start_response('200 OK', [])\n    return [b'']\n"
    )
    _quiet_until_undone("SLS704", code, "environ['api.cache.image']", "environ['webob._parsed_query_vars']")
    _quiet_until_undone("SLS704", code, "environ['api.cache.image']", "environ['wsgi.input'].read()")


def test_a_wsgi_environ_item_named_in_lower_case_is_the_applications_however_the_environ_is_named():
    """`env["csp_frame_domains"]`, which a controller put there for a middleware: lower-case, like
    a component's dotted items, while the client's headers and the CGI variables are upper-case.
    The URL's variables a router put there (`wsgiorg.routing_args`) are still the client's."""
    code = (
        "import logging\nlog = logging.getLogger(__name__)\n\nclass Middleware:\n    def __call__(self, env, start_response):\n"
        "        log.info('frames %s', env['csp_frame_domains'])\n        start_response('200 OK', [])\n        return [b'']\n"
    )
    _quiet_until_undone("SLS704", code, "env['csp_frame_domains']", "env['HTTP_CSP_FRAME_DOMAINS']")
    _quiet_until_undone("SLS704", code, "env['csp_frame_domains']", "env['wsgiorg.routing_args'][1]['name']")


def test_a_counting_value_is_a_placeholder_not_a_secret():
    code = "SOCIAL_APPS = {'github': {'client_id': '123', 'secret': '456'}}\nSLACK_SAMPLE = {'access_token': 'xoxp-1234'}\n"
    assert not {"SLS201", "SLS202"} & set(rules(code))
    assert {"SLS201", "SLS202"} & set(rules(code.replace("'456'", "'4f9Q2x'").replace("'xoxp-1234'", "'xoxp-1234-5678-9abc-Qz81'")))


def test_a_host_check_on_a_lowered_netloc_and_starlettes_base_url_keep_a_redirect_on_site():
    """`urlparse(url).netloc.lower() != current_host` checks the host as well as without `.lower()`;
    Starlette's `request.base_url` is the application's root on the host the request named."""
    code = (
        "from urllib.parse import urlparse, urljoin\nfrom fastapi import Request\nfrom fastapi.responses import RedirectResponse\n\n"
        "def next_url_of(request: Request) -> str:\n    base_url = str(request.base_url)\n"
        "    next_url = urljoin(base_url, request.query_params.get('next', '/'))\n"
        "    if urlparse(next_url).netloc.lower() != request.base_url.netloc.lower():\n        return base_url\n    return next_url\n\n"
        "async def login(request: Request):\n    return RedirectResponse(url=next_url_of(request))\n"
    )
    _quiet_until_undone("SLS120", code, "    if urlparse(next_url).netloc.lower() != request.base_url.netloc.lower():\n        return base_url\n", "")
    _quiet_until_undone("SLS120", code, "        return base_url\n", "        return request.query_params['fallback']\n")


def test_a_parameter_annotated_as_a_container_logs_its_items_with_repr():
    code = (
        "import logging\nfrom typing import Dict, List\nfrom fastapi import FastAPI\n\napp = FastAPI()\nlog = logging.getLogger(__name__)\n\n"
        "@app.post('/rows')\ndef rows(data: List[Dict[str, str]]):\n    log.info(f'rows: {data}')\n    return {}\n"
    )
    _quiet_until_undone("SLS704", code, "data: List[Dict[str, str]]", "data: str")
    assert "SLS704" not in rules(code.replace("List[Dict[str, str]]", "Optional[list[str]]"))


def test_a_hash_objects_hex_digest_is_hex_whatever_was_fed_to_it():
    # `sha.update(chunk)` puts the download into the hash object; what `hexdigest()` returns is
    # still only hex digits: a directory named after it cannot leave the output folder
    code = (
        "import hashlib\nimport os\nimport requests\n\n"
        "def save(url, out):\n    sha = hashlib.sha256()\n    resp = requests.get(url, timeout=5)\n"
        "    sha.update(resp.content)\n    with open(os.path.join(out, sha.hexdigest()), 'wb') as fh:\n        fh.write(resp.content)\n"
    )
    _quiet_until_undone("SLS110", code, "sha.hexdigest()", "sha.digest().decode()")


def test_a_lone_slash_then_text_stripped_of_leading_separators_is_a_local_path():
    # `"/" + path.lstrip("/\\")` cannot become `//host` or `/\host`, and a query appended after it
    # does not change the host: the redirect stays on the site
    code = (
        "import urllib.parse\nfrom fastapi import FastAPI, Request\nfrom fastapi.responses import RedirectResponse\n\napp = FastAPI()\n\n"
        "@app.get('/back')\ndef back(request: Request):\n    parsed = urllib.parse.urlparse(request.query_params.get('next', '/'))\n"
        "    target = '/' + parsed.path.lstrip('/\\\\')\n    if parsed.query:\n        target += '?' + parsed.query\n"
        "    return RedirectResponse(target)\n"
    )
    _quiet_until_undone("SLS120", code, "lstrip('/\\\\')", "lstrip('/')")


def test_a_django_uploads_name_and_the_files_mapping_hold_no_line_break():
    code = (
        "import logging\nfrom django.http import JsonResponse\n\nlogger = logging.getLogger(__name__)\n\n"
        "def upload(request):\n    upload = request.FILES.get('file')\n    logger.error(f'could not store {upload.name}')\n"
        "    logger.debug('uploads: %s', request.FILES)\n    return JsonResponse({})\n"
    )
    _quiet_until_undone("SLS704", code, "{upload.name}", "{upload.read().decode()}")
    # (the body decoded to text: read as bytes, `request.body` prints as b'...', line breaks escaped)
    _quiet_until_undone("SLS704", code, "request.FILES)", "request.body.decode())")


def test_an_ipython_magics_cell_is_the_notebook_users_own_code():
    code = (
        "from IPython.core.magic import register_cell_magic\n\n"
        "def load_ipython_extension(ipython):\n"
        "    @register_cell_magic\n    def blocks(line, cell, local_ns=None):\n        exec(cell, None, local_ns)\n"
    )
    _low_until_undone("SLS103", code, "    @register_cell_magic\n", "", "medium")


def test_dns_answers_are_a_servers_answer_not_the_programs_own_data():
    # what a name server answered is outside data (a TXT record holds any text its zone put
    # there), also through a Resolver instance; a secret compared with it is not timed by anyone
    shell = (
        "import dns.resolver\nimport subprocess\n\ndef run():\n    resolver = dns.resolver.Resolver()\n"
        "    for answer in resolver.resolve('example.com', 'TXT'):\n        subprocess.run('echo ' + answer.to_text(), shell=True)\n"
    )
    findings = [f for f in _analyzed(shell).findings if f.rule_id == "SLS102"]
    assert [f.message.split(" (")[0] for f in findings] == ["Shell command built from a DNS answer"]
    compared = (
        "import dns.resolver\n\ndef has_propagated(domain, token):\n    resolver = dns.resolver.Resolver()\n"
        "    for answer in resolver.resolve(domain, 'TXT'):\n        if answer.to_text() == token:\n            return True\n    return False\n"
    )
    _quiet_until_undone("SLS303", compared, "answer.to_text() == token", "domain == token")


def test_a_signature_put_into_another_servers_url_is_that_servers_protocol():
    # the hash goes to the server the code names (its protocol chose it): the audit tier
    url = (
        "import hashlib\nimport time\n\nclass Extractor:\n    _signing_secret = 'abc'\n\n    def key_url(self, video_id):\n"
        "        ts = int(time.time())\n        signature = hashlib.sha1(f'{ts}{self._signing_secret}'.encode()).hexdigest()\n"
        "        return {'uri': f'https://keys.example.com/{video_id}.key?s={signature}&ts={ts}'}\n"
    )
    _low_until_undone("SLS302", url, "https://keys.example.com/", "/keys/", "medium")
    query = (
        "import hashlib\n\ndef stream(base, user, secret):\n    params = {'u': user}\n    params['wsSecret'] = hashlib.md5(secret + user)\n"
        "    return {'url': update_url_query(base, query=params)}\n"
    )
    _low_until_undone("SLS302", query, "query=params", "params", "medium")


def test_a_function_that_runs_its_callers_whole_xpath_takes_query_text_from_them():
    code = (
        "from lxml import etree\n\ndef find_form(root, formname, formxpath):\n"
        "    if formname is not None:\n        found = root.xpath(f'//form[@name=\"{formname}\"]')\n        if found:\n            return found[0]\n"
        "    if formxpath is not None:\n        return root.xpath(formxpath)[0]\n"
    )
    _low_until_undone("SLS124", code, "root.xpath(formxpath)[0]", "formxpath", "medium")


def test_a_parameter_put_in_as_a_location_step_is_the_callers_query_text():
    # `"//" + nodename`: the caller names the elements to select; no quote or predicate to break out of
    code = (
        "from lxml import etree\n\ndef nodes(doc, nodename, prefix='x', namespace=None):\n"
        "    selxpath = '//' + (f'{prefix}:{nodename}' if namespace else nodename)\n"
        "    return doc.xpath(selxpath)\n"
    )
    _low_until_undone("SLS124", code, "'//' + (", "'//item[@name=\"' + (", "medium")
    # the same value inside a predicate's quotes, or a value whose own text opens one, is data
    quoted = "from lxml import etree\n\ndef nodes(doc, name):\n    return doc.xpath(\"//item[@name='\" + name + \"']\")\n"
    assert _confidence(quoted, "SLS124") == ["medium"]
    opened = "from lxml import etree\n\ndef nodes(doc, data):\n    return doc.xpath('.//*' + ''.join(f'[@{k}=\"{v}\"]' for k, v in data.items()))\n"
    assert _confidence(opened, "SLS124") == ["medium"]
    # and the client's text as a step is still the client's
    client = "from lxml import etree\nfrom flask import request\n\ndef nodes(doc):\n    return doc.xpath('//' + request.args['tag'])\n"
    assert _confidence(client, "SLS124") == ["high"]


def test_a_base_class_predicate_called_on_self_validates_its_argument():
    # flower's handlers: a base class's `is_worker` checks the name against the registry, and
    # subclasses call it on `self` before they log the URL parameter
    code = (
        "import logging\nfrom tornado import web\n\nlog = logging.getLogger(__name__)\n\n"
        "class Control(web.RequestHandler):\n    def is_worker(self, name):\n        return name and name in self.application.workers\n\n"
        "class Shutdown(Control):\n    def post(self, workername):\n        if not self.is_worker(workername):\n            raise web.HTTPError(404)\n"
        "        log.info('Shutting down %s', workername)\n"
    )
    _quiet_until_undone("SLS704", code, "name in self.application.workers", "len(name) > 0")
    _quiet_until_undone("SLS704", code, "(Control)", "(web.RequestHandler)")


def test_a_url_dropped_unless_checked_is_safe_to_redirect_to_from_the_helper_that_drops_it():
    # django-allauth's idiom: `if url and not adapter.is_safe_url(url): url = None`, in a helper
    # that the view calls; the check is a method of an object the analysis cannot follow
    code = (
        "from django.http import HttpResponseRedirect\n\n"
        "def next_url(request):\n    url = request.GET.get('next')\n"
        "    if url and not get_adapter().is_safe_url(url):\n        url = None\n    return url\n\n"
        "def done(request):\n    return HttpResponseRedirect(next_url(request) or '/')\n"
    )
    _quiet_until_undone("SLS120", code, "url = None", "pass")
    _quiet_until_undone("SLS120", code, "is_safe_url(url)", "is_known(url)")


def test_a_csrf_exempt_view_that_runs_the_check_itself_is_the_audit_tier():
    # an OIDC authorization endpoint takes the client's cross-site POST, then checks CSRF itself
    code = (
        "from django.middleware.csrf import CsrfViewMiddleware\nfrom django.http import HttpResponse, HttpResponseForbidden\n"
        "from django.views.decorators.csrf import csrf_exempt\n\n"
        "def _enforce_csrf(request):\n    return CsrfViewMiddleware(lambda r: HttpResponseForbidden()).process_view(request, None, (), {})\n\n"
        "@csrf_exempt\ndef authorize(request):\n    if 'consent' in request.POST and _enforce_csrf(request):\n        return HttpResponseForbidden()\n"
        "    request.session['granted'] = True\n    return HttpResponse('ok')\n"
    )
    _low_until_undone("SLS810", code, "_enforce_csrf(request):\n        return", "_consent_given(request):\n        return", "medium")


def test_a_request_argument_read_with_a_number_type_holds_a_number():
    # Werkzeug's MultiDict.get converts with `type=` (the default when conversion fails); a
    # Tornado handler's own get_argument override does the same in flower
    code = (
        "import logging\nfrom flask import Flask, request\n\napp = Flask(__name__)\nlog = logging.getLogger(__name__)\n\n"
        "@app.route('/items')\ndef items():\n    page = request.args.get('page', 1, type=int)\n    log.info('page %s', page)\n    return 'ok'\n"
    )
    _quiet_until_undone("SLS704", code, "type=int", "type=str")
    _quiet_until_undone("SLS704", code, "request.args.get('page', 1, type=int)", "request.args.get('page', request.args['q'], type=int)")


def test_a_password_hash_in_a_table_of_formats_reproduces_another_systems_format():
    # sqlmap's cracker: each function computes one DBMS's password-hash format, picked by the
    # dumped hash through a table; not how the program stores its own passwords
    code = (
        "import hashlib\n\ndef mysql_passwd(password):\n    return '*' + hashlib.sha1(hashlib.sha1(password).digest()).hexdigest()\n\n"
        "def md5_passwd(password):\n    return hashlib.md5(password).hexdigest()\n\n"
        "def sha256_passwd(password):\n    return hashlib.sha256(password).hexdigest()\n\n"
        "FORMATS = {'mysql': mysql_passwd, 'md5': md5_passwd, 'sha256': sha256_passwd}\n"
    )
    assert _confidence(code, "SLS301") == ["low", "low", "low"]
    assert _confidence(code.replace("'sha256': sha256_passwd}", "'sha256': 'sha256'}"), "SLS301") == ["high", "high", "high"]


def test_an_hmac_md4_in_a_table_of_cipher_suites_is_the_protocols():
    # a legacy etype is one of the suites a KDC picks from a table by number
    code = (
        "import hashlib, hmac\n\nclass AESEnctype:\n    def checksum(self, key, data):\n        return hmac.new(key, data, hashlib.sha1).digest()[:12]\n\n"
        "class RC4Enctype:\n    def checksum(self, key, data):\n        return hmac.new(key, data, 'md4').digest()\n\n"
        "class DESEnctype:\n    pass\n\nENCTYPES = {17: AESEnctype(), 23: RC4Enctype(), 3: DESEnctype()}\n"
    )
    _low_until_undone("SLS316", code.replace("hashlib.sha1", "hashlib.sha256"), "3: DESEnctype()", "3: None", "medium")


def test_hmac_md5_is_the_audit_tier_and_hmac_md4_is_not():
    # RFC 6151: no practical attack on HMAC-MD5 as a MAC; HMAC-MD4's key can be recovered
    code = "import hashlib, hmac\n\ndef sign(key, msg):\n    return hmac.new(key, msg, hashlib.md5).hexdigest()\n"
    assert _confidence(code, "SLS316") == ["low"]
    assert _confidence(code.replace("hashlib.md5", "'md4'"), "SLS316") == ["medium"]


def test_a_socket_only_bound_in_its_with_block_probes_a_port():
    code = (
        "import socket\n\ndef free_port():\n    for port in range(5000, 5100):\n        with socket.socket() as s:\n"
        "            try:\n                s.bind(('', port))\n            except OSError:\n                continue\n            return port\n"
    )
    _low_until_undone("SLS503", code, "            return port\n", "            s.listen()\n            return port\n", "medium")
    _low_until_undone("SLS503", code, "            return port\n", "            return s\n", "medium")


def test_a_socket_the_function_makes_only_to_bind_and_close_probes_a_port():
    # a free-port helper without `with`: bound, asked its port, closed in `finally`
    code = (
        "import socket\n\ndef free_port(port):\n    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n    try:\n"
        "        udp.bind(('', port))\n        return udp.getsockname()[1]\n    finally:\n        udp.close()\n"
    )
    _low_until_undone("SLS503", code, "        return udp.getsockname()[1]\n", "        return udp.recvfrom(512)\n", "medium")
    # a socket the function was given is someone else's: what they do with it is not seen here
    assert _confidence(code.replace("    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n", "").replace("def free_port(port)", "def free_port(udp, port)"), "SLS503") == ["medium"]


def test_a_cookie_whose_secure_flag_is_turned_off_in_so_many_words_is_not_the_audit_tier():
    code = (
        "from flask import Flask, make_response, request\napp = Flask(__name__)\n\n@app.route('/c')\ndef c():\n"
        "    resp = make_response('ok')\n    resp.set_cookie('SomeCookie', request.args['v'], secure=False, httponly=True)\n    return resp\n"
    )
    assert _confidence(code, "SLS506") == ["medium"]
    # left out, on a cookie whose name says nothing: the audit tier
    assert _confidence(code.replace("secure=False, ", ""), "SLS506") == ["low"]


_BRANCHES = """
import sqlite3
from flask import Flask, request
app = Flask(__name__)

@app.route("/q")
def q():
    param = request.args.get("p", "")
    {setup}
    if {test}:
        bar = "constant"
    else:
        bar = param
    sqlite3.connect("app.db").execute("SELECT * FROM t WHERE name = '%s'" % bar)
"""


@pytest.mark.parametrize(
    ("setup", "test"),
    [
        ("num = 86", "(7 * 42) - num > 200"),
        ("guess = 'ABC'\n    target = guess[1]", "target == 'B'"),
        ("limit = 10 // 3", "limit >= 3"),
    ],
)
def test_a_branch_that_literals_decide_is_the_only_one_that_runs(setup, test):
    code = _BRANCHES.format(setup=setup, test=test)
    assert "SLS101" not in rules(code)
    # the other way round, the request's branch is the one that runs
    assert "SLS101" in rules(code.replace('bar = "constant"', "bar = param").replace("        bar = param\n    sqlite3", '        bar = "constant"\n    sqlite3'))


@pytest.mark.parametrize(
    ("setup", "test"),
    [
        # rebound before the test: its value where it was assigned decides (`t` is "B")
        ("guess = 'ABC'\n    target = guess[0]\n    guess = 'BBB'", "target == 'B'"),
        # set on some paths only, or by the client
        ("num = 86\n    if param:\n        num = 300", "num > 200"),
        ("num = len(param)", "num > 200"),
        # a division by zero is no value
        ("num = 0", "1 / num > 2"),
        # bound again in a loop that breaks out right after: the value at the test is either
        ("ok = False\n    for c in param:\n        if c == 'y':\n            ok = True\n            break", "not ok"),
    ],
)
def test_a_branch_that_literals_do_not_decide_is_followed(setup, test):
    assert "SLS101" in rules(_BRANCHES.format(setup=setup, test=test))


def test_a_parameter_given_a_literal_on_one_path_is_not_folded():
    # `if value == "": value = None`: on the other path the parameter holds what the caller gave
    code = (
        "import os\nfrom flask import request\n\ndef view(value):\n    if value == '':\n        value = None\n"
        "    if value is not None:\n        os.system(request.args['c'])\n"
    )
    assert "SLS102" in rules(code)


def test_a_local_counted_in_a_loop_is_not_folded_from_its_first_round():
    code = (
        "import os\nfrom flask import Flask, request\napp = Flask(__name__)\n\n@app.route('/l')\ndef l():\n    n = 0\n"
        "    for item in request.args.getlist('i'):\n        if n > 0:\n            os.system(item)\n        n = n + 1\n"
    )
    assert "SLS102" in rules(code)


def test_a_config_parser_hands_back_what_was_set_in_it():
    code = (
        "import configparser, os\nfrom flask import Flask, request\napp = Flask(__name__)\n\n@app.route('/f')\ndef f():\n"
        "    conf = configparser.ConfigParser()\n    conf.add_section('files')\n    conf.set('files', 'name', request.args['name'])\n"
        "    return open(os.path.join('/srv/files', conf.get('files', 'name'))).read()\n"
    )
    assert "SLS110" in rules(code)
    # an object of any other class: its `set` is not known to store anything
    assert "SLS110" not in rules(code.replace("configparser.ConfigParser()", "make_settings()"))


_THING = """
import sqlite3
from flask import Flask, request
app = Flask(__name__)

class Thing:
    def __init__(self, name):
        self.name = name

    def echo(self, value):
        return value

    def fixed(self, value):
        return "constant"

@app.route("/t")
def t():
    param = request.args.get("p", "")
    {use}
    sqlite3.connect("app.db").execute(f"SELECT * FROM t WHERE a = '{{bar}}'")
"""


@pytest.mark.parametrize("use", ['bar = Thing("x").echo(param)', 'thing = Thing("x")\n    bar = thing.echo(param)'])
def test_a_method_called_on_an_instance_made_here_applies_its_summary(use):
    assert _confidence(_THING.format(use=use), "SLS101") == ["high"]
    # the method hands back a constant: nothing of the request reaches the query
    assert "SLS101" not in rules(_THING.format(use=use.replace(".echo(", ".fixed(")))


def test_a_set_difference_holds_only_its_left_side():
    code = (
        "import os\nfrom flask import request\n\ndef clean(folder):\n    on_disk = set(os.listdir(folder))\n"
        "    wanted = set(request.args.getlist('ids'))\n    for name in on_disk - wanted:\n        os.remove(os.path.join(folder, name))\n"
    )
    assert "SLS110" not in rules(code)
    assert "SLS110" in rules(code.replace("on_disk - wanted", "wanted - on_disk"))


def test_a_key_that_only_holds_a_number_is_an_index_not_a_credential():
    # Tautulli's Plex stream sessions: `self.session_key = int(timeline["sessionKey"])`
    code = (
        "import logging\n\nlog = logging.getLogger(__name__)\n\nclass Activity:\n    def __init__(self, timeline):\n"
        "        self.session_key = None\n        self.session_key = int(timeline['sessionKey'])\n\n"
        "    def on_buffer(self):\n        log.debug('Session %s is buffering', self.session_key)\n"
    )
    _quiet_until_undone("SLS703", code, "int(timeline['sessionKey'])", "timeline['sessionKey']")
    assert "SLS703" in rules(code.replace("session_key", "session_password"))


def test_a_digest_cut_short_or_naming_a_file_is_an_identifier():
    # sqlmap's crash-report dedup id and session-cache row; jumpserver's key-file names
    short = "import hashlib\n\ndef issue_key(secret_trace):\n    key = hashlib.md5(secret_trace.encode()).hexdigest()[:8]\n    return key\n"
    _low_until_undone("SLS302", short, ".hexdigest()[:8]", ".hexdigest()", "medium")
    named = (
        "import hashlib, os\n\ndef key_path(private_key, folder):\n    key_name = '.' + hashlib.md5(private_key.encode()).hexdigest()\n"
        "    return os.path.join(folder, key_name)\n"
    )
    _low_until_undone("SLS302", named, "os.path.join(folder, key_name)", "folder + key_name", "medium")


def test_the_mount_point_of_the_application_is_a_path_of_this_site_for_a_redirect():
    # SCRIPT_NAME (Werkzeug's script_root) is where the deployment mounted the application
    code = (
        "from flask import Flask, redirect, request\napp = Flask(__name__)\n\n"
        "@app.route('/a')\ndef a():\n    return redirect(request.environ['SCRIPT_NAME'] + '/login')\n\n"
        "@app.route('/b')\ndef b():\n    return redirect(request.script_root + '/login')\n"
    )
    _quiet_until_undone("SLS120", code, "request.environ['SCRIPT_NAME']", "request.environ['PATH_INFO']")
    _quiet_until_undone("SLS120", code, "request.script_root", "request.args['next']")


def test_a_fix_whose_import_would_rebind_a_name_of_the_file_is_not_offered():
    # `import ast` added for ast.literal_eval would replace the file's own `ast` (Mako's
    # `from mako import ast`), and every later `ast.PythonCode(...)` would raise
    code = (
        "from mako import ast\n\n"
        "def timeout(cache_args):\n    return int(eval(cache_args['timeout']))\n\n"
        "def parse(text):\n    return ast.PythonCode(text)\n"
    )
    clashing = [f for f in _analyzed(code).findings if f.rule_id == "SLS103"]
    assert clashing and not any(f.fixes() for f in clashing)
    alone = [f for f in _analyzed(code.replace("from mako import ast\n", "")).findings if f.rule_id == "SLS103"]
    assert [fix.imports for f in alone for fix in f.fixes()] == [("import ast",)]


def test_a_temporary_name_in_the_applications_own_directory_is_the_audit_tier():
    """`mktemp(dir=settings.MEDIA_TMP)` picks a name where no other user creates files; the shared
    temporary directory (no `dir`, a literal `/tmp`, `tempfile.gettempdir()`) stays reported."""
    code = "import tempfile\nfrom django.conf import settings\n\ndef scratch():\n    return tempfile.mktemp('.tif', dir=settings.MEDIA_TMP)\n"
    _low_until_undone("SLS602", code, "dir=settings.MEDIA_TMP", "dir='/tmp'", "high")
    assert _confidence(code.replace("dir=settings.MEDIA_TMP", "dir=tempfile.gettempdir()"), "SLS602") == ["high"]
    assert _confidence(code.replace(", dir=settings.MEDIA_TMP", ""), "SLS602") == ["high"]


def test_an_uploads_temporary_file_path_is_where_the_server_put_it():
    """Django's `upload.temporary_file_path()` is a random name the upload handler chose; a path
    the client sent is the client's (the upload's own `name` is one file name: test_file_objects)."""
    code = (
        "import shutil\nfrom django.http import HttpResponse\n\n"
        "def upload(request):\n    f = request.FILES['file']\n    shutil.move(f.temporary_file_path(), '/srv/incoming/')\n    return HttpResponse('ok')\n"
    )
    _quiet_until_undone("SLS110", code, "f.temporary_file_path()", "'/srv/tmp/' + request.POST['path']")


def test_a_declared_field_type_holds_only_in_what_validation_produced():
    # cleaned_data/validated_data (and a DRF serializer's .data, its validated representation)
    # hold an IntegerField as an int; a Django form's .data and a serializer's .initial_data are
    # the raw input, whatever the declared type
    code = (
        "from django import forms\nfrom django.db import connection\nfrom rest_framework import serializers\n\n"
        "class AgeForm(forms.Form):\n    age = forms.IntegerField()\n\n"
        "class AgeSerializer(serializers.Serializer):\n    age = serializers.IntegerField()\n\n"
        "def by_age(request):\n    holder = AgeForm(request.POST)\n    holder.is_valid()\n"
        "    connection.cursor().execute(f\"SELECT * FROM people WHERE age = {holder.cleaned_data['age']}\")\n"
    )
    assert "SLS101" not in rules(code)
    serializer = code.replace("AgeForm(request.POST)", "AgeSerializer(data=request.data)")
    assert "SLS101" not in rules(serializer.replace("cleaned_data", "data"))
    assert "SLS101" in rules(code.replace("cleaned_data", "data"))
    assert "SLS101" in rules(serializer.replace("cleaned_data", "initial_data"))


def test_a_request_a_helper_makes_is_judged_by_the_url_it_was_given():
    # `urlopen(api_request(url))` with `def api_request(url): return Request(url, headers=...)`: the
    # headers' token says nothing of the scheme; the URL given at the call does
    helper = (
        "import os\nimport sys\nimport urllib.request\n\nAPI = 'https://api.example.com/releases'\n\n"
        "def _api_request(url):\n    return urllib.request.Request(url, headers={'Authorization': os.environ['TOKEN']})\n\n"
        "def latest():\n    req = _api_request(f'{API}/latest')\n    return urllib.request.urlopen(req, timeout=5).read()\n"
    )
    _quiet_until_undone("SLS122", helper, "f'{API}/latest'", "sys.argv[1]")
    lines = [f.span.start.line for f in _analyzed(helper.replace("f'{API}/latest'", "sys.argv[1]")).findings if f.rule_id == "SLS122"]
    given = helper.splitlines().index("    req = _api_request(f'{API}/latest')")  # 0-based, like a span
    assert given in lines  # the command line's URL is reported where it is given to the helper


def test_a_name_like_req_made_by_a_call_named_for_no_request_is_not_the_request():
    """`req = Requirement(spec)` (a package requirement) then `req.url`: no request the program
    answers; `req = Request(environ)` (WebOb's, Werkzeug's) wraps the one it answers."""
    code = (
        "import os\nfrom urllib.parse import urlparse\nfrom packaging.requirements import Requirement\n\n"
        "def collect(specs, root):\n    for spec in specs:\n        req = Requirement(spec)\n"
        "        path = os.path.join(root, urlparse(req.url).path)\n        if os.path.exists(path):\n            yield path\n"
    )
    _quiet_until_undone("SLS110", code, "Requirement(spec)", "Request(spec)")


def test_an_import_error_fallback_for_a_portable_standard_module_never_runs():
    """`try: import urllib.request as urlrequest` / `except ImportError: import httpshim as
    urlrequest`: the fallback never runs, so `urlrequest.urlopen(url)` is urllib's; a module Python
    3.13 removed (`telnetlib`) is no such module, whatever Python runs secure-ls."""
    code = (
        "try:\n    import urllib.request as urlrequest\nexcept ImportError:\n    import httpshim as urlrequest\n\n"
        "def fetch(url):\n    return urlrequest.urlopen(url).read()\n"
    )
    assert "SLS604" in rules(code)
    telnet = "try:\n    import telnetlib\nexcept ImportError:\n    import telnetlib3 as telnetlib\n\ndef connect(host):\n    return telnetlib.Telnet(host)\n"
    assert "SLS406" not in rules(telnet)  # telnetlib3's Telnet, on Python 3.13 and later
    assert "SLS406" in rules(telnet.replace("try:\n    import telnetlib\nexcept ImportError:\n    import telnetlib3 as telnetlib\n", "import telnetlib\n"))


def test_a_swallowed_check_whose_loop_moves_on_is_the_audit_tier():
    # `continue` skips the rest of the round: the item is denied, only the trace is missing
    code = (
        "from PIL import Image\n\ndef images(entries):\n    kept = []\n    for data in entries:\n"
        "        try:\n            Image.open(data).verify()\n        except Exception:\n            continue\n"
        "        kept.append(data)\n    return kept\n"
    )
    _low_until_undone("SLS702", code, "            continue\n", "            pass\n", "medium")
    # a try that holds only the check, last in its loop, gates nothing: reported
    only = (
        "from cryptography.fernet import InvalidToken\n\ndef check_all(fernet, secrets):\n    for secret in secrets:\n"
        "        try:\n            fernet.decrypt(secret)\n        except InvalidToken:\n            pass\n"
    )
    assert _confidence(only, "SLS702") == ["medium"]
    guarded = only.replace("fernet.decrypt(secret)\n", "fernet.decrypt(secret)\n            kept.append(secret)\n")
    assert _confidence(guarded, "SLS702") == []
    # ...unless something follows the try in the loop: that runs after a failure too
    assert _confidence(guarded.replace("            pass\n", "            pass\n        use(secret)\n"), "SLS702") == ["medium"]
