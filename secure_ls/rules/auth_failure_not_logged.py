"""SLS705 auth-failure-not-logged."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import frameworks, logs
from secure_ls.rules.base import Example, Rule, code

# Calls that check credentials or permissions; `not <call>` is a failure.
_CHECKS = frozenset(
    {
        "check_password", "checkpw", "verify_password", "check_password_hash", "authenticate", "verify", "check_auth",
        "verify_token", "verify_totp", "verify_otp", "has_perm", "has_permission", "has_permissions", "is_authorized",
        "check_permission", "validate_credentials", "verify_credentials", "login_user", "login",
    }
)
# Calls whose None/False result means the credentials were wrong.
_AUTH_RESULTS = frozenset({"authenticate", "authenticate_user", "check_credentials", "verify_credentials", "get_authenticated_user"})


def _call_last(node: ast.AST) -> str:
    """The last name of what a call calls (`check_password` for `user.check_password(pw)`), "" for anything else."""
    return astutil.last_name(node.func) if isinstance(node, ast.Call) else ""


class AuthFailureNotLogged(Rule):
    """
    ## What it does
    Finds failed-login and failed-authorization branches in web views
    (Flask/FastAPI route functions, Django views) that neither log nor
    raise: `if not user.check_password(pw): return ...`,
    `if user is None:` after `user = authenticate(...)`,
    `if not request.user.has_perm(...): return ...`. This rule is off by
    default (`default_enabled = False`): enable it where audit logging of
    security events is a requirement.

    ## Why is this bad?
    Without a record of failed logins and denied requests, brute-force and
    credential-stuffing attacks go unnoticed, alerting has nothing to act
    on, and an incident cannot be reconstructed afterwards (CWE-778,
    OWASP A09).

    ## How to fix it
    Log the failure at warning level with what is needed to investigate
    (user name, client address; never the password). The quick fix inserts
    `logger.warning("Failed login attempt")` at the start of the branch,
    using the module's `logger` when there is one, else `logging` (which
    may configure logging as a side effect, so that variant is unsafe).
    """

    id = "SLS705"
    name = "auth-failure-not-logged"
    title = "Failed login or authorization not logged"
    cwe = 778
    severity = Severity.LOW
    confidence = Confidence.LOW
    topic = "logging"
    fixable = True
    default_enabled = False

    VALID = [
        code("""
            import logging
            from flask import request
            logger = logging.getLogger(__name__)
            @app.route('/login', methods=['POST'])
            def login():
                user = find(request.form['u'])
                if not user.check_password(request.form['p']):
                    logger.warning('failed login for %r', request.form['u'])
                    return 'denied', 401
                return 'ok'
        """),
        code("""
            def helper(user, pw):
                if not user.check_password(pw):
                    return False
                return True
        """),
        code("""
            from django.core.exceptions import PermissionDenied
            def edit(request):
                if not request.user.has_perm('app.change'):
                    raise PermissionDenied
        """),
    ]
    INVALID = [
        Example(
            code("""
                import logging
                from flask import request

                logger = logging.getLogger(__name__)

                @app.route('/login', methods=['POST'])
                def login():
                    user = find(request.form['username'])
                    if user is None or not user.check_password(request.form['password']):
                        return 'Invalid credentials', 401
                    return 'ok'
            """),
            fixed=code("""
                import logging
                from flask import request

                logger = logging.getLogger(__name__)

                @app.route('/login', methods=['POST'])
                def login():
                    user = find(request.form['username'])
                    if user is None or not user.check_password(request.form['password']):
                        logger.warning("Failed login attempt")
                        return 'Invalid credentials', 401
                    return 'ok'
            """),
            where='user is None or not user.check_password',
            says="Failed login is not logged",
        ),
        Example(
            code("""
                from flask import request, jsonify
                from werkzeug.security import check_password_hash

                @bp.route('/login', methods=['POST'])
                def login():
                    user = find(request.json.get('email'))
                    if check_password_hash(user.password, request.json.get('password')):
                        return jsonify(ok=True)
                    else:
                        return jsonify(ok=False), 401
            """),
            fixed=code("""
                from flask import request, jsonify
                from werkzeug.security import check_password_hash
                import logging

                @bp.route('/login', methods=['POST'])
                def login():
                    user = find(request.json.get('email'))
                    if check_password_hash(user.password, request.json.get('password')):
                        return jsonify(ok=True)
                    else:
                        logging.warning("Failed login attempt")
                        return jsonify(ok=False), 401
            """),
            where='check_password_hash(user.password',
            says="Failed login is not logged",
        ),
        Example(
            code("""
                from django.contrib.auth import authenticate
                from django.shortcuts import render

                def login_view(request):
                    user = authenticate(request, username=request.POST['u'], password=request.POST['p'])
                    if user is None:
                        return render(request, 'login.html', {'error': True})
                    return render(request, 'home.html')
            """),
            fixed=code("""
                from django.contrib.auth import authenticate
                from django.shortcuts import render
                import logging

                def login_view(request):
                    user = authenticate(request, username=request.POST['u'], password=request.POST['p'])
                    if user is None:
                        logging.warning("Failed login attempt")
                        return render(request, 'login.html', {'error': True})
                    return render(request, 'home.html')
            """),
            where="user is None",
            says="Failed login is not logged",
        ),
    ]

    def visit_If(self, node: ast.If, ctx) -> None:
        func = ctx.enclosing_function(node)
        if not frameworks.is_view(func, ctx):
            return
        kind = self._failure(node.test, ctx)
        branch = node.body
        if kind is None:
            # `if check_password(...): <success> else: <failure>`
            kind = self._success(node.test, ctx)
            branch = node.orelse
            if kind is None or not branch or (len(branch) == 1 and isinstance(branch[0], ast.If)):
                return
        if not self._silent_denial(branch, ctx):
            return
        first = branch[0]
        fix = None
        if logs.own_line(first, ctx) and first.lineno > node.lineno:
            message = "Failed login attempt" if kind == "login" else "Authorization denied"
            text, imports, clean = logs.logger_statement(ctx, "warning", message)
            fix = Fix("Log the failure", (logs.insert_line_before(first, text, ctx),), safe=clean, imports=imports)
        what = "Failed login" if kind == "login" else "Denied authorization"
        ctx.report(
            self,
            node.test,
            f"{what} is not logged: brute-force and credential-stuffing attempts go unnoticed. Log it at warning level "
            "(user name and client address, never the password).",
            fix=fix,
        )

    def _silent_denial(self, branch: list[ast.stmt], ctx) -> bool:
        nodes = [n for stmt in branch for n in astutil.walk(stmt)]
        if not any(isinstance(n, ast.Return) for n in nodes):
            return False
        if any(isinstance(n, ast.Raise) for n in nodes):
            return False
        return not any(isinstance(n, ast.Call) and (logs.is_logging_call(n, ctx) or self._audit_call(n)) for n in nodes)

    def _success(self, test: ast.expr, ctx) -> str | None:
        last = _call_last(test)
        if last in _CHECKS and last not in ("login", "login_user", "authenticate"):
            return "authorization" if last.startswith(("has_", "is_authorized", "check_permission")) else "login"
        return None

    @staticmethod
    def _audit_call(call: ast.Call) -> bool:
        last = _call_last(call) or ""
        return any(w in last.lower() for w in ("log", "audit", "record_fail", "alert", "notify", "track", "signal", "send"))

    def _failure(self, test: ast.expr, ctx) -> str | None:
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            for value in test.values:
                kind = self._failure(value, ctx)
                if kind:
                    return kind
            return None
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            operand = test.operand
            last = _call_last(operand)
            if last in _CHECKS:
                return "authorization" if last.startswith(("has_", "is_authorized", "check_permission")) else "login"
            if isinstance(operand, ast.Name) and self._auth_result(operand, ctx):
                return "login"
            return None
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Is)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
            and isinstance(test.left, ast.Name)
            and self._auth_result(test.left, ctx)
        ):
            return "login"
        return None

    def _auth_result(self, name: ast.Name, ctx) -> bool:
        return any(_call_last(v) in _AUTH_RESULTS for v in ctx.assigned_values(name))
