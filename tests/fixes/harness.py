"""Running a small program before and after its fixes, and comparing what it does.

A `Program` is the text of a small module (a view, a repository class, a
login check), the rule whose fix it exercises, what the engine must offer for
it ("safe", "unsafe" or "none"), and cases: expressions evaluated in the
module before and after the fix. A case either expects the same outcome
(benign, missing and mistyped inputs) or a check on both outcomes (an attack
that must stop working).

Fixes are applied the way users apply them: "safe" programs through fix-all
(every safe fix of every rule, as `secure-ls check --fix` does); "unsafe"
programs with the rule's own fixes, unsafe ones included (`--unsafe-fixes`);
"none" programs through fix-all with unsafe fixes too, which must leave the
program's behaviour as it was.
"""

from __future__ import annotations

import ast
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.edits import apply_edits, apply_fixes

ENGINE = Engine()


@dataclass
class Outcome:
    value: Any = None
    error: str | None = None  # the exception's type name

    def __repr__(self) -> str:
        return f"raised {self.error}" if self.error else f"returned {self.value!r}"


Check = Callable[[Outcome, Outcome], bool]


@dataclass
class Program:
    id: str
    rule: str  # the rule id whose fix this exercises
    code: str
    fix: str  # what the engine must offer for the rule's first finding: "safe", "unsafe" or "none"
    cases: list[tuple[str, Any]] = field(default_factory=list)  # (expression, "same" or a Check)
    fixed_has: tuple[str, ...] = ()  # text the fixed program must contain
    fixed_lacks: tuple[str, ...] = ()  # text it must no longer contain
    title_has: str = ""  # text the fix title must contain
    message_has: str = ""  # text the finding's message must contain (what to do by hand)
    # "" applies fixes as described above; "fix" applies only the fix of finding `index`
    # (one quick fix, as in an editor), "alternative" its first alternative fix
    apply: str = ""
    index: int = 0
    fixall_unchanged: bool = False  # fix-all (safe fixes) must leave the program as it is


def same(before: Outcome, after: Outcome) -> bool:
    return before.value == after.value and before.error == after.error


def findings(code: str, rule: str):
    result = ENGINE.analyze(code)
    assert not result.problems, result.problems
    return result.findings, [f for f in result.findings if f.rule_id == rule]


def fixed_text(program: Program) -> tuple[str, Any]:
    """The program after its fixes, and the rule's first finding (for its fix and message)."""
    everything, mine = findings(program.code, program.rule)
    assert len(mine) > program.index, f"{program.rule} does not report this program"
    first = mine[program.index]
    if program.fixall_unchanged:
        assert apply_fixes(program.code, everything, unsafe=False)[0] == program.code
    if program.apply == "fix":
        text = apply_edits(program.code, list(first.fix.edits))
    elif program.apply == "alternative":
        text = apply_edits(program.code, list(first.alternatives[0].edits))
    elif program.fix == "safe":
        text, _ = apply_fixes(program.code, everything, unsafe=False)
    elif program.fix == "unsafe":
        text, _ = apply_fixes(program.code, mine, unsafe=True)
    else:
        text, _ = apply_fixes(program.code, everything, unsafe=True)
    ast.parse(text)
    return text, first


def load(code: str, helpers: dict) -> dict:
    namespace: dict = {"__name__": "program"}
    namespace.update(helpers)
    exec(compile(code, "<program>", "exec"), namespace)
    return namespace


def run(namespace: dict, expression: str) -> Outcome:
    try:
        return Outcome(value=eval(expression, namespace))
    except Exception as error:  # the program's own failure is an outcome to compare
        return Outcome(error=type(error).__name__)


# ---- stand-ins for web frameworks that are not installed -------------------------------
# Only the request object and the decorators: the escaping under test is markupsafe's
# (Flask's escape) or the standard library's, both real.


class _Args(dict):
    """werkzeug's MultiDict, for one value per key (given as a list, every value: getlist)."""

    def get(self, key, default=None, type=None):
        value = super().get(key, default)
        value = value[0] if isinstance(value, list) and value else value
        return type(value) if type is not None and value is not None else value

    def getlist(self, key):
        value = super().get(key, [])
        return list(value) if isinstance(value, list) else [value]


class _Request:
    def __init__(self):
        self.reset()

    def reset(self, args=None, headers=None, data=b"", json=None):
        self.args = _Args(args or {})
        self.form = _Args()
        self.headers = _Args(headers or {})
        self.data = data
        self._json = json

    def get_json(self):
        return self._json


class _Flask:
    def __init__(self, name):
        self.name = name

    def route(self, *args, **kwargs):
        return lambda view: view


class _Query:
    def __init__(self, values):
        self.__dict__.update(values)

    def __getattr__(self, name):  # bottle's FormsDict: "" for a missing name
        return ""


def framework_modules() -> dict[str, types.ModuleType]:
    import markupsafe

    flask = types.ModuleType("flask")
    flask.Flask = _Flask
    flask.request = _Request()
    flask.make_response = lambda body, *rest: body
    flask.escape = markupsafe.escape
    bottle = types.ModuleType("bottle")
    bottle.request = types.SimpleNamespace(query=_Query({}))
    bottle.route = lambda *a, **k: (lambda view: view)
    requests = types.ModuleType("requests")
    requests.calls = []

    def get(url, **kwargs):
        requests.calls.append(kwargs)
        return kwargs

    requests.get = get
    requests.Session = lambda: types.SimpleNamespace(verify=True)
    # ldap3's filter escaping (RFC 4515), for programs that build LDAP filters
    ldap3 = types.ModuleType("ldap3")
    ldap3.__path__ = []
    ldap3.Connection = object
    ldap3_utils = types.ModuleType("ldap3.utils")
    ldap3_utils.__path__ = []
    conv = types.ModuleType("ldap3.utils.conv")
    conv.escape_filter_chars = lambda text: "".join({"\\": "\\5c", "*": "\\2a", "(": "\\28", ")": "\\29", "\0": "\\00"}.get(c, c) for c in text)
    ldap3.utils, ldap3_utils.conv = ldap3_utils, conv
    return {"flask": flask, "bottle": bottle, "requests": requests, "ldap3": ldap3, "ldap3.utils": ldap3_utils, "ldap3.utils.conv": conv}


def helpers(modules: dict[str, types.ModuleType]) -> dict:
    """Functions the cases call to set up a request and call a view."""
    flask, bottle = modules["flask"], modules["bottle"]

    def flask_view(view, *args, query=None, headers=None, data=b"", json=None):
        flask.request.reset(args=query, headers=headers, data=data, json=json)
        return view(*args)

    def bottle_view(view, query=None):
        bottle.request.query = _Query(query or {})
        return view()

    from tests.fixes.tls_servers import tls_talk

    return {"flask_view": flask_view, "bottle_view": bottle_view, "recorded": recorded, "tls_talk": tls_talk}


def install(modules: dict[str, types.ModuleType]) -> dict:
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    return saved


def restore(saved: dict) -> None:
    for name, module in saved.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module


# ---- recorders for mail and FTP clients: what a program asked of the connection ------------


class _Recorder:
    """Records method calls; a context handed to starttls/stls/FTP_TLS is shown as whether it
    verifies certificates and host names."""

    def __init__(self, *args, **kwargs):
        self.log = [("connect", _describe(kwargs))]

    def __getattr__(self, name):
        def method(*args, **kwargs):
            self.log.append((name, _describe(kwargs)))
            return "ok"

        return method

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _describe(kwargs: dict) -> dict:
    import ssl

    out = {}
    for key, value in kwargs.items():
        if isinstance(value, ssl.SSLContext):
            out[key] = "verified" if value.verify_mode == ssl.CERT_REQUIRED and value.check_hostname else "unverified"
    return out


def recorded(function, *args):
    """Calls `function` with the mail and FTP client classes replaced by recorders, and returns
    the calls made on the client it created."""
    import ftplib
    import imaplib
    import poplib
    import smtplib

    made = []

    class Client(_Recorder):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            made.append(self)

    targets = [(smtplib, "SMTP"), (imaplib, "IMAP4"), (poplib, "POP3"), (ftplib, "FTP"), (ftplib, "FTP_TLS")]
    saved = [(module, name, getattr(module, name)) for module, name in targets]
    for module, name in targets:
        setattr(module, name, type(name, (Client,), {}))
    try:
        function(*args)
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
    return [(type(c).__name__, c.log) for c in made]
