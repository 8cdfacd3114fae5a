"""SLS702 swallowed-security-exception."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import logs
from secure_ls.rules.base import Example, Rule

# Method/function names whose failure means "not authenticated / not authorized / not authentic".
# Not `login()`: it grants a session, so when it fails (or the lookup before it does) the request
# simply stays anonymous, which is the deny path; there is no check to carry on past.
_SECURITY_CALLS = frozenset(
    {
        "authenticate", "authorize", "verify", "verify_password", "check_password", "checkpw", "check_password_hash",
        "verify_signature", "verify_token", "validate_token", "verify_jwt", "verify_jwt_in_request", "decrypt",
        "decrypt_and_verify", "unsign", "check_permission", "check_permissions", "has_permission", "has_perm",
        "check_object_permissions", "validate_signature", "verify_hmac", "verify_request", "check_auth", "require_auth",
        "validate_csrf", "verify_certificate", "verify_mac", "check_token",
    }
)
# decode/loads count only on these.
_SECURITY_QUALIFIED = frozenset(
    {"jwt.decode", "jose.jwt.decode", "jose.jws.verify", "itsdangerous.URLSafeTimedSerializer.loads", "itsdangerous.TimedSerializer.loads", "django.core.signing.loads"}
)
# Handlers for these are about optional features, not failed checks.
_IGNORED_TYPES = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "NotImplementedError", "KeyboardInterrupt", "StopIteration", "TypeError", "NameError"})


def _keeps_denial(node: ast.Try, ctx) -> bool:
    """`ok = False` before the `try`, `ok = verify(...)` (or `ok = True` after the check) inside it,
    and `ok` read after it: a swallowed failure leaves the result denying, the fail-closed idiom."""
    func = ctx.enclosing_function(node)
    if func is None:
        return False
    inside = {id(n) for n in astutil.walk(ast.Module(body=node.body, type_ignores=[]))}
    assignments = [(s, t.id) for s in astutil.walk(func) if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)]
    end = node.end_lineno or node.lineno
    read_after = {n.id for n in astutil.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.lineno > end}
    for flag in {name for s, name in assignments if id(s) in inside} & read_after:
        outside = [s for s, name in assignments if name == flag and id(s) not in inside]
        if outside and all(isinstance(s.value, ast.Constant) and not s.value.value for s in outside) and any(s.lineno < node.lineno for s in outside):
            return True
    return False


def _is_noop(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.Pass, ast.Continue)) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))


class SwallowedSecurityException(Rule):
    """
    ## What it does
    Finds `try` blocks around an authentication, authorization or crypto
    check (`login`, `authenticate`, `verify`, `check_password`,
    `jwt.decode`, `decrypt`, `unsign`, `has_permission`, ...) whose
    `except` clause only does `pass` or `continue`, without logging or
    re-raising. A `try` whose success path returns (so falling through
    means failure) is the fail-closed idiom and is not reported, nor is one
    that sets a result first denying (`ok = False`, then `ok = verify(...)`
    in the `try`, and `ok` read after it: a swallowed failure leaves it
    denying), nor one whose `else:` block does what the check guards (a
    failure skips it: `try: view.check_permissions(request)` ... `except
    PermissionDenied: pass` ... `else: actions["POST"] = describe(view)`),
    nor one around `login()` alone: a failed login leaves the
    request anonymous.

    ## Why is this bad?
    When a failed check is swallowed, the code after the `try` carries on
    as if it had passed (fail-open): a bad signature or an expired token is
    accepted, and nobody is told. Attacks that probe these checks leave no
    trace in the logs (CWE-390, CWE-778).

    ## How to fix it
    Deny explicitly (`return`/`raise` after a failed check), and log the
    failure. The quick fix replaces `pass` with
    `logger.warning("... failed", exc_info=True)` (before `continue`, it
    inserts it), using the module's `logger` when there is one, else
    `logging`. It makes the failure visible; check that the code after the
    `try` does not treat the failure as success. The fix is safe when a
    module logger exists; logging through the root logger may configure
    logging as a side effect, so that variant is marked unsafe.
    """

    id = "SLS702"
    name = "swallowed-security-exception"
    title = "Failed security check swallowed without logging"
    cwe = 390
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "error-handling"
    fixable = True

    VALID = [
        "import jwt\ndef user(token, key):\n    try:\n        return jwt.decode(token, key, algorithms=['HS256'])['sub']\n    except jwt.InvalidTokenError:\n        pass\n    return None\n",
        "import logging\nlogger = logging.getLogger(__name__)\ndef check(key, sig, data):\n    try:\n        key.verify(sig, data)\n    except Exception:\n        logger.warning('bad signature')\n        raise\n",
        "def load():\n    try:\n        from secrets import compare_digest\n    except ImportError:\n        pass\n",
        "def parse(raw):\n    try:\n        text = raw.decode('utf-8')\n    except UnicodeDecodeError:\n        pass\n",
        "from django.conf import settings\nfrom django.contrib import auth\nfrom django.contrib.auth.models import User\n\n"
        "def auto_login(request):\n    try:\n        user = User.objects.get(username=settings.AUTO_LOGIN_USERNAME)\n"
        "        auth.login(request, user)\n    except User.DoesNotExist:\n        pass\n",
        # the result starts denying and stays so when the check fails
        "def check_pass(ctx, password, stored):\n    res = False\n    try:\n        res = ctx.verify(password, stored)\n    except ValueError:\n        pass\n    return res\n",
        # what the check guards sits in `else:`, which a failure skips
        "def actions(view, request):\n    allowed = {}\n    try:\n        view.check_permissions(request)\n    except PermissionError:\n        pass\n    else:\n        allowed['POST'] = view.describe()\n    return allowed\n",
    ]
    INVALID = [
        Example(
            "import logging\nfrom cryptography.exceptions import InvalidSignature\n\nlogger = logging.getLogger(__name__)\n\n"
            "def accept(public_key, signature, payload):\n    try:\n        public_key.verify(signature, payload)\n    except InvalidSignature:\n        pass\n    process(payload)\n",
            fixed="import logging\nfrom cryptography.exceptions import InvalidSignature\n\nlogger = logging.getLogger(__name__)\n\n"
            "def accept(public_key, signature, payload):\n    try:\n        public_key.verify(signature, payload)\n    except InvalidSignature:\n        logger.warning(\"verify failed\", exc_info=True)\n    process(payload)\n",
        ),
        Example(
            "import jwt\n\ndef users(tokens, key):\n    out = []\n    for token in tokens:\n        try:\n            claims = jwt.decode(token, key, algorithms=['HS256'])\n        except Exception:\n            continue\n        out.append(claims)\n    return out\n",
            fixed="import jwt\nimport logging\n\ndef users(tokens, key):\n    out = []\n    for token in tokens:\n        try:\n            claims = jwt.decode(token, key, algorithms=['HS256'])\n        except Exception:\n            logging.warning(\"jwt.decode failed\", exc_info=True)\n            continue\n        out.append(claims)\n    return out\n",
        ),
    ]

    def visit_Try(self, node: ast.Try, ctx) -> None:
        call = self._security_call(node, ctx)
        if call is None:
            return
        for sub in astutil.walk(ast.Module(body=node.body, type_ignores=[])):
            if isinstance(sub, (ast.Return, ast.Break, ast.Raise)):
                return
        if _keeps_denial(node, ctx) or node.orelse:
            return  # a result left denying; or the granted work is in `else:`, which a failure skips
        for handler in node.handlers:
            if not handler.body or not all(_is_noop(s) for s in handler.body):
                continue
            types = self._types(handler)
            if types and all(t in _IGNORED_TYPES for t in types):
                continue
            label = self._label(call, ctx)
            fix = self._fix(handler, label, ctx)
            ctx.report(
                self,
                handler.body[0] if isinstance(handler.body[0], ast.Pass) else handler,
                f"Failure of `{label}` is swallowed without logging: the code carries on as if the check passed and the "
                "attempt leaves no trace. Deny explicitly (return/raise) and log the failure.",
                fix=fix,
                confidence=Confidence.LOW if ctx.in_test_code(node) else None,
            )

    visit_TryStar = visit_Try

    def _security_call(self, node: ast.Try, ctx) -> ast.Call | None:
        for stmt in node.body:
            for sub in astutil.walk(stmt):
                if not isinstance(sub, ast.Call):
                    continue
                name = ctx.call_name(sub) or ""
                if name in _SECURITY_QUALIFIED:
                    return sub
                last = astutil.last_name(sub.func)
                if last in _SECURITY_CALLS:
                    return sub
        return None

    @staticmethod
    def _types(handler: ast.ExceptHandler) -> list[str]:
        if handler.type is None:
            return []
        nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        return [astutil.last_name(n) or "?" for n in nodes]

    def _label(self, call: ast.Call, ctx) -> str:
        name = ctx.call_name(call)
        if name and "." in name and name in _SECURITY_QUALIFIED:
            return name
        return astutil.last_name(call.func) or "the check"

    def _fix(self, handler: ast.ExceptHandler, label: str, ctx) -> Fix | None:
        first = handler.body[0]
        if not logs.own_line(first, ctx):
            return None
        text, imports, clean = logs.logger_statement(ctx, "warning", f"{label} failed", exc_info=True)
        if isinstance(first, ast.Pass):
            edit = ctx.replace(first, text)
        else:
            edit = logs.insert_line_before(first, text, ctx)
        return Fix("Log the failed check", (edit,), safe=clean, imports=imports)
