"""SLS702 swallowed-security-exception."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, frameworks
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import logs
from secure_ls.rules.base import Example, Rule, code

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


def _only_stores_result(node: ast.Try, call: ast.Call, ctx) -> bool:
    """`try: request.flash = signer.unsign(cookie)` then `except BadSignature: pass`: the `try` does
    nothing but store the check's result, in a name or field the function sets nowhere else (nor
    a parameter, nor in a loop, where an earlier round's value would stay): a failure leaves
    nothing stored, so what is there is the verified value or nothing at all, never the input."""
    stmt = node.body[0] if len(node.body) == 1 else None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], (ast.Name, ast.Attribute))):
        return False
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    func = ctx.enclosing_function(node)
    if value is not call or func is None:
        return False
    for ancestor in ctx.ancestors(node):
        if ancestor is func:
            break
        if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)):
            return False
    target = stmt.targets[0]
    text = ctx.text(target)
    if isinstance(target, ast.Name) and any(a.arg == target.id for a in frameworks.all_args(func.args)):
        return False
    return not any(
        node is not target and isinstance(node, (ast.Name, ast.Attribute)) and not isinstance(node.ctx, ast.Load) and ctx.text(node) == text
        for node in astutil.walk(func)
    )


def _result_used_only_inside(node: ast.Try, call: ast.Call, ctx) -> bool:
    """`try: code = fernet.decrypt(token)` then `codes.append(code)` in the same `try`, `except
    InvalidToken: pass`: every use of the check's result is inside the `try`, after the check, so
    a failure skips them all and nothing unverified is taken (a loop drops that item). The result
    is used directly (`codes.append(fernet.decrypt(token))`) or through a name bound to it that
    nothing after the `try` reads."""
    stmt = ctx.statement(call)
    if stmt is None or not any(stmt is s for s in node.body):
        return False
    if isinstance(stmt, ast.Expr):
        return stmt.value is not call  # `codes.append(decrypt(token))`; a bare `verify(sig)` is the gate itself
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and stmt.value is call):
        return False
    name = stmt.targets[0].id
    func = ctx.enclosing_function(node)
    if func is None:
        return False
    end = node.end_lineno or node.lineno
    return not any(isinstance(n, ast.Name) and n.id == name and (n.lineno > end or n.lineno < node.lineno) for n in astutil.walk(func))


# Checks that answer with a bool, not an exception: `check_password(hash, pw)` is False for a wrong password.
_ANSWERING_CHECKS = frozenset({"check_password", "checkpw", "check_password_hash", "compare_digest"})


def _answer_thrown_away(call: ast.Call, ctx) -> bool:
    """`try: check_password(DUMMY_HASH, password)` with its answer thrown away: a check that answers
    with a bool gates nothing when no one reads the answer; it is run for the time it takes (an
    unknown user costs as much as a known one), and the `except` only swallows its errors."""
    stmt = ctx.statement(call)
    return isinstance(stmt, ast.Expr) and stmt.value is call and astutil.last_name(call.func) in _ANSWERING_CHECKS


def _guarded_work_ends_the_block(node: ast.Try, call: ast.Call, ctx) -> bool:
    """`for secret in secrets: try: fernet.decrypt(secret.value); valid.append(secret)` then
    `except InvalidToken: pass` and nothing after the `try` in the loop's body (or the function's):
    the work the check guards comes after it inside the `try`, so a failure skips it, and nothing
    runs on as if the check had passed. (A `try` holding only the check gates nothing: reported.)"""
    stmt = ctx.statement(call)
    index = next((i for i, s in enumerate(node.body) if s is stmt), None)
    if index is None or index == len(node.body) - 1 or node.finalbody:
        return False
    parent = ctx.parent(node)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
        block = parent.body
    elif isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        block = parent.body
    else:
        return False
    return bool(block) and block[-1] is node


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
    nor one that only stores the check's result in a name or field the
    function sets nowhere else (`try: request.flash =
    signing.loads(cookie)`, not in a loop): a failure stores nothing, so
    the input is never taken for the verified value (with the name set
    before the `try`, a failure keeps that unverified value: reported),
    nor one that uses the check's result only inside the `try`, after the
    check (`code = fernet.decrypt(token)` then `codes.append(code)`, or
    `codes.append(fernet.decrypt(token))`: a failure skips every use, and a
    loop drops that item), nor one whose `try` does the work the check
    guards after it and is the last statement of its loop or function (a
    failure skips that work, and nothing follows), nor a check that answers with a bool whose answer
    is thrown away (`check_password(DUMMY_HASH, password)`, run for the time
    it takes so an unknown user costs as much as a known one), nor one
    around `login()` alone: a failed login leaves the request anonymous.
    A handler that `continue`s skips the rest of the loop's round, so the
    item is denied and only the trace is missing: the audit tier.

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
        # the kept secret is appended after the check, inside the try, and nothing follows it
        code("""
            from cryptography.fernet import InvalidToken

            def readable(fernet, secrets):
                kept = []
                for secret in secrets:
                    try:
                        fernet.decrypt(secret.value)
                        kept.append(secret)
                    except InvalidToken:
                        pass
                return kept
        """),
        # every use of a decrypted code is inside the try: an expired one is left out of the list
        code("""
            from cryptography.fernet import Fernet, InvalidToken

            def valid_codes(key, codes, ttl):
                fernet = Fernet(key)
                decrypted = []
                for code in codes:
                    try:
                        plain = fernet.decrypt(code.encode(), ttl)
                        decrypted.append(plain.decode())
                    except InvalidToken:
                        pass
                return decrypted
        """),
        # a dummy check run for its cost: an unknown address takes as long as a wrong password
        code("""
            import bcrypt

            DUMMY_HASH = bcrypt.hashpw(b"dummy password", bcrypt.gensalt())

            def spend_check_time(password):
                try:
                    bcrypt.checkpw(password.encode(), DUMMY_HASH)
                except Exception:
                    pass
        """),
        code("""
            import jwt
            def user(token, key):
                try:
                    return jwt.decode(token, key, algorithms=['HS256'])['sub']
                except jwt.InvalidTokenError:
                    pass
                return None
        """),
        code("""
            import logging
            logger = logging.getLogger(__name__)
            def check(key, sig, data):
                try:
                    key.verify(sig, data)
                except Exception:
                    logger.warning('bad signature')
                    raise
        """),
        code("""
            def load():
                try:
                    from secrets import compare_digest
                except ImportError:
                    pass
        """),
        code("""
            def parse(raw):
                try:
                    text = raw.decode('utf-8')
                except UnicodeDecodeError:
                    pass
        """),
        code("""
            from django.conf import settings
            from django.contrib import auth
            from django.contrib.auth.models import User

            def auto_login(request):
                try:
                    user = User.objects.get(username=settings.AUTO_LOGIN_USERNAME)
                    auth.login(request, user)
                except User.DoesNotExist:
                    pass
        """),
        # the result starts denying and stays so when the check fails
        code("""
            def check_pass(ctx, password, stored):
                res = False
                try:
                    res = ctx.verify(password, stored)
                except ValueError:
                    pass
                return res
        """),
        # what the check guards sits in `else:`, which a failure skips
        code("""
            def actions(view, request):
                allowed = {}
                try:
                    view.check_permissions(request)
                except PermissionError:
                    pass
                else:
                    allowed['POST'] = view.describe()
                return allowed
        """),
        # only the verified value is stored: a failure leaves the field unset, never the raw cookie
        code("""
            from django.core import signing

            class FlashMessages:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    try:
                        request.flash = signing.loads(request.COOKIES.get("flash", ""))
                    except signing.BadSignature:
                        pass
                    return self.get_response(request)
        """),
    ]
    INVALID = [
        Example(
            code("""
                import logging
                from cryptography.exceptions import InvalidSignature

                logger = logging.getLogger(__name__)

                def accept(public_key, signature, payload):
                    try:
                        public_key.verify(signature, payload)
                    except InvalidSignature:
                        pass
                    process(payload)
            """),
            fixed=code("""
                import logging
                from cryptography.exceptions import InvalidSignature

                logger = logging.getLogger(__name__)

                def accept(public_key, signature, payload):
                    try:
                        public_key.verify(signature, payload)
                    except InvalidSignature:
                        logger.warning("verify failed", exc_info=True)
                    process(payload)
            """),
            where="pass",
            says="Failure of `verify` is swallowed without logging",
        ),
        Example(
            code("""
                import jwt

                def users(tokens, key):
                    out = []
                    for token in tokens:
                        try:
                            claims = jwt.decode(token, key, algorithms=['HS256'])
                        except Exception:
                            continue
                        out.append(claims)
                    return out
            """),
            fixed=code("""
                import jwt
                import logging

                def users(tokens, key):
                    out = []
                    for token in tokens:
                        try:
                            claims = jwt.decode(token, key, algorithms=['HS256'])
                        except Exception:
                            logging.warning("jwt.decode failed", exc_info=True)
                            continue
                        out.append(claims)
                    return out
            """),
            where='except Exception:',
            says="Failure of `jwt.decode` is swallowed without logging",
        ),
        # the name held the unverified value before the `try`: a failure keeps it
        Example(
            code("""
                from django.core import signing

                def profile(request):
                    user_id = request.GET.get("user")
                    try:
                        user_id = signing.loads(request.GET.get("signed", ""))
                    except signing.BadSignature:
                        pass
                    return show(user_id)
            """),
            fixed=code("""
                from django.core import signing
                import logging

                def profile(request):
                    user_id = request.GET.get("user")
                    try:
                        user_id = signing.loads(request.GET.get("signed", ""))
                    except signing.BadSignature:
                        logging.warning("django.core.signing.loads failed", exc_info=True)
                    return show(user_id)
            """),
            where="pass",
            says="Failure of `django.core.signing.loads` is swallowed without logging",
        ),
    ]

    def visit_Try(self, node: ast.Try, ctx) -> None:
        call = self._security_call(node, ctx)
        if call is None:
            return
        for sub in astutil.walk(ast.Module(body=node.body, type_ignores=[])):
            if isinstance(sub, (ast.Return, ast.Break, ast.Raise)):
                return
        if _keeps_denial(node, ctx) or node.orelse or _only_stores_result(node, call, ctx) or _result_used_only_inside(node, call, ctx):
            return  # a result left denying, or only the verified one stored or used; or the granted work is in `else:`, which a failure skips
        if _guarded_work_ends_the_block(node, call, ctx):
            return  # the granted work follows the check inside the `try`, and nothing follows the `try`
        if _answer_thrown_away(call, ctx):
            return  # `check_password(DUMMY, pw)` for its cost alone: its answer gates nothing
        for handler in node.handlers:
            if not handler.body or not all(_is_noop(s) for s in handler.body):
                continue
            types = self._types(handler)
            if types and all(t in _IGNORED_TYPES for t in types):
                continue
            label = self._label(call, ctx)
            fix = self._fix(handler, label, ctx)
            skips = any(isinstance(s, ast.Continue) for s in handler.body)
            ctx.report(
                self,
                handler.body[0] if isinstance(handler.body[0], ast.Pass) else handler,
                f"Failure of `{label}` is swallowed without logging: the item is skipped, but the failed check leaves "
                "no trace. Log the failure."
                if skips
                else f"Failure of `{label}` is swallowed without logging: the code carries on as if the check passed and the "
                "attempt leaves no trace. Deny explicitly (return/raise) and log the failure.",
                fix=fix,
                # `continue` denies the item (the loop's rest is skipped): only the trace is missing
                confidence=Confidence.LOW if ctx.in_test_code(node) or skips else None,
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
