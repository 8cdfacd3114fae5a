"""SLS506 insecure-cookie."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil
from secure_ls.engine.context import keyword
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config, frameworks, morsels
from secure_ls.rules.base import Example, Rule, code

_SENSITIVE = re.compile(r"sess|token|auth|jwt|login|remember|sid$|^sid|user|ident|refresh|access|api[_-]?key|secret", re.IGNORECASE)
_JS_READABLE = re.compile(r"csrf|xsrf", re.IGNORECASE)


class InsecureCookie(Rule):
    """
    ## What it does
    Finds `response.set_cookie(...)` calls in Flask, Werkzeug, Django,
    Starlette/FastAPI, aiohttp and Quart code, and cookies of `http.cookies`
    sent by hand (`send_header("Set-Cookie", morsel.OutputString())`, judged
    by the flags the class or function making the cookie sets on it), that leave out (or set to
    `False`) the `secure` flag, or, for cookies whose name shows they carry a
    session or credential (`session`, `token`, `auth`, `jwt`, `remember`,
    `sid`, ...), leave out the `httponly` flag (an explicit `httponly=False`
    is taken as a deliberate choice for a cookie scripts must read). Cookie deletions (an empty value,
    `max_age=0`, `expires=0`), cookies whose value is a literal in the code
    (a UI flag such as `"true"`: nothing to steal), calls passing `**kwargs`,
    and test code are not reported; a flag given a non-constant value is taken as set.
    Cookies with an unrecognised name are reported with low confidence, unless
    the call turns the flag off in so many words (`secure=False`).

    ## Why is this bad?
    Without `Secure` the browser also sends the cookie over plain HTTP, where
    anyone on the network can copy it; without `HttpOnly` a cross-site
    scripting flaw can read it; without `SameSite` it rides along on
    cross-site requests (CSRF) in older browsers (CWE-614, CWE-1004).

    ## How to fix it
    Pass `secure=True`, `httponly=True` and `samesite="Lax"` (or `"Strict"`).
    The quick fix adds the missing flags: `secure=True` and
    `samesite="Lax"` always, `httponly=True` for credential-like cookies
    (not for CSRF cookies, which front-end code must read). It is unsafe:
    the cookie is no longer sent over plain HTTP nor readable from
    JavaScript.
    """

    id = "SLS506"
    name = "insecure-cookie"
    title = "Cookie set without Secure/HttpOnly flags"
    cwe = 614
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "least-privilege"
    bandit = ()
    codeql = ("py/insecure-cookie",)
    fixable = True
    methods = frozenset({"set_cookie", "send_header"})

    VALID = [
        # a cookie of http.cookies with its flags set on the morsel
        code("""
            from http.cookies import SimpleCookie
            from http.server import BaseHTTPRequestHandler

            class Handler(BaseHTTPRequestHandler):
                def do_GET(self):
                    cookie = SimpleCookie()
                    cookie["sid"] = self.server.new_session()
                    cookie["sid"]["httponly"] = True
                    cookie["sid"]["secure"] = True
                    self.send_response(200)
                    self.send_header("Set-Cookie", cookie["sid"].OutputString())
                    self.end_headers()
        """),
        code("""
            from flask import make_response
            def login(token):
                resp = make_response("ok")
                resp.set_cookie("session", token, secure=True, httponly=True, samesite="Lax")
                return resp
        """),
        code("""
            from flask import make_response
            def logout():
                resp = make_response("bye")
                resp.set_cookie("session", "", expires=0)
                return resp
        """),
        # a flag for the page's scripts, its value written in the code: nothing to steal
        code("""
            from fastapi import Response
            def authorized(response: Response):
                response.set_cookie("is_user_authorized", "true", max_age=3600)
        """),

        code("""
            import http.cookiejar
            jar = http.cookiejar.CookieJar()
            def add(cookie):
                jar.set_cookie(cookie)
        """),
        code("""
            from django.http import HttpResponse
            def view(request, opts):
                r = HttpResponse()
                r.set_cookie("session", "v", **opts)
                return r
        """),
        code("""
            from django.conf import settings
            from django.http import HttpResponse
            def view(request):
                r = HttpResponse()
                r.set_cookie("sessionid", "v", secure=settings.SESSION_COOKIE_SECURE, httponly=True)
                return r
        """),
    ]
    INVALID = [
        Example(  # http.server sends a session cookie of http.cookies with neither flag
            code("""
                from http.cookies import SimpleCookie
                from http.server import BaseHTTPRequestHandler

                class Handler(BaseHTTPRequestHandler):
                    cookie = SimpleCookie()

                    def do_GET(self):
                        self.cookie.load("SESSIONID={}".format(self.server.new_session()))
                        self.send_response(200)
                        for morsel in self.cookie.values():
                            morsel["path"] = "/"
                            self.send_header("Set-Cookie", morsel.OutputString())
                        self.end_headers()
            """),
            where='self.send_header("Set-Cookie", morsel.OutputString())',
            says='Set-Cookie sends "SESSIONID" without secure and httponly',
        ),
        Example(
            code("""
                from flask import make_response

                def login(token):
                    resp = make_response("ok")
                    resp.set_cookie("session_token", token)
                    return resp
            """),
            fixed=code("""
                from flask import make_response

                def login(token):
                    resp = make_response("ok")
                    resp.set_cookie("session_token", token, secure=True, httponly=True, samesite="Lax")
                    return resp
            """),
            where='resp.set_cookie("session_token", token)',
            says='set_cookie("session_token") without',
        ),
        Example(
            code("""
                from django.http import JsonResponse

                def view(request):
                    response = JsonResponse({})
                    response.set_cookie("auth", request.user.token, httponly=True, secure=False)
                    return response
            """),
            fixed=code("""
                from django.http import JsonResponse

                def view(request):
                    response = JsonResponse({})
                    response.set_cookie("auth", request.user.token, httponly=True, secure=True, samesite="Lax")
                    return response
            """),
            where='response.set_cookie("auth"',
            says='set_cookie("auth") without secure=True:',
        ),
        Example(
            code("""
                from fastapi import Response

                def prefs(response: Response, theme: str):
                    response.set_cookie(key="theme", value=theme)
            """),
            fixed=code("""
                from fastapi import Response

                def prefs(response: Response, theme: str):
                    response.set_cookie(key="theme", value=theme, secure=True, samesite="Lax")
            """),
            where='response.set_cookie(key="theme", value=theme)',
            says='set_cookie("theme") without secure=True:',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if morsels.sent_morsel(node, ctx) and not ctx.in_test_code(node):
            self._morsel(node, ctx)
            return
        if not (isinstance(func, ast.Attribute) and func.attr == "set_cookie"):
            return
        if not frameworks.imports_any(ctx, frameworks.COOKIE_FLAGS) or config.has_star_args(node):
            return
        name_node = config.argument(node, 0, ("key", "name"))
        value_node = config.argument(node, 1, ("value",))
        if name_node is None or (value_node is None and len(node.args) < 2 and keyword(node, "value") is None):
            return
        if isinstance(value_node, ast.Constant):
            return  # a deletion (""), or a flag whose value is in the source (`"true"`): nothing to steal
        for flag in ("max_age", "expires"):
            kw = keyword(node, flag)
            if kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value in (0, "0", "Thu, 01 Jan 1970 00:00:00 GMT"):
                return
        if len(node.args) > 2:
            return  # flags given positionally: too framework-specific to judge
        if ctx.in_test_code(node):
            return
        cookie = ctx.string_value(name_node) or ""
        sensitive = bool(_SENSITIVE.search(cookie)) and not _JS_READABLE.search(cookie)
        secure = keyword(node, "secure")
        httponly = keyword(node, "httponly")
        samesite = keyword(node, "samesite")
        missing_secure = secure is None or astutil.is_false(secure.value)
        missing_httponly = sensitive and httponly is None  # an explicit httponly=False is a deliberate choice
        if not (missing_secure or missing_httponly):
            return
        edits = []
        if missing_secure:
            edits.append(_set(node, secure, "secure", "True", ctx))
        if missing_httponly:
            edits.append(_set(node, httponly, "httponly", "True", ctx))
        if samesite is None:
            edits.append(ctx.set_keyword(node, "samesite", '"Lax"'))
        edits = _merge_appends(edits)
        flags = [f for f, m in (("secure", missing_secure), ("httponly", missing_httponly)) if m]
        shown = f'"{cookie}"' if cookie else "a cookie"
        risks = [r for r, m in (("over plain HTTP", missing_secure), ("to JavaScript (any XSS can steal it)", missing_httponly)) if m]
        advice = [f"{f}=True" for f in flags] + (['samesite="Lax"'] if samesite is None else [])
        ctx.report(
            self,
            node,
            f"set_cookie({shown}) without {' and '.join(f + '=True' for f in flags)}: the cookie can leak {' and '.join(risks)}; pass {', '.join(advice)}.",
            fix=Fix("Add the missing cookie flags", tuple(edits), safe=False),
            # `secure=False` written out turns the protection off on purpose, whatever the cookie holds
            confidence=Confidence.MEDIUM if sensitive or secure is not None and astutil.is_false(secure.value) else Confidence.LOW,
        )

    def _morsel(self, node: ast.Call, ctx) -> None:
        """A cookie of `http.cookies` sent by hand: the flags never set on a morsel in the top-level
        statement (the class or function) that makes the cookie and sends it; one made elsewhere is not judged."""
        names = morsels.cookie_names(ctx.tree)
        if not names:
            return
        flags = morsels.flags_set(ctx.tree)
        sensitive = any(_SENSITIVE.search(n) and not _JS_READABLE.search(n) for n in names)
        missing = [f for f in ("secure", "httponly") if f not in flags and (f == "secure" or sensitive)]
        if not missing:
            return
        shown = f'"{names[0]}"' if len(set(names)) == 1 else "a cookie"
        ctx.report(
            self,
            node,
            f"Set-Cookie sends {shown} without {' and '.join(missing)}: the cookie can leak"
            f" {' and '.join(r for f, r in (('secure', 'over plain HTTP'), ('httponly', 'to JavaScript (any XSS can steal it)')) if f in missing)};"
            f" set {' and '.join(f'`morsel[{chr(34)}{f}{chr(34)}] = True`' for f in missing)} before sending it.",
            confidence=Confidence.MEDIUM if sensitive else Confidence.LOW,
        )


def _set(call, existing, name, value, ctx):
    if existing is not None:
        return ctx.replace(existing.value, value)
    return ctx.set_keyword(call, name, value)


def _merge_appends(edits):
    """Several keywords appended at the same place become one insertion, in order."""
    from secure_ls.engine.model import Edit

    out: list[Edit] = []
    for edit in edits:
        if out and out[-1].span == edit.span and edit.span.start == edit.span.end:
            out[-1] = Edit(out[-1].span, out[-1].text + edit.text)
        else:
            out.append(edit)
    return out
