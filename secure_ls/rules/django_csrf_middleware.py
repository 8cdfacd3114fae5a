"""SLS813 django-csrf-middleware-missing."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import strings
from secure_ls.rules.base import Example, Rule, code

_CSRF = "django.middleware.csrf.CsrfViewMiddleware"
# Where the CSRF middleware goes in Django's default order: after the last of these present.
_BEFORE = (
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
)


class DjangoCsrfMiddlewareMissing(Rule):
    """
    ## What it does
    Finds Django settings whose `MIDDLEWARE` list (or old-style
    `MIDDLEWARE_CLASSES`) enables Django's session or authentication
    middleware but not `django.middleware.csrf.CsrfViewMiddleware` (nor a
    class of the project named `CsrfViewMiddleware`, the usual subclass).

    ## Why is this bad?
    The CSRF middleware is what checks the token on every POST. Without it,
    `{% csrf_token %}` in templates protects nothing: any site can make a
    logged-in user's browser submit your forms (cross-site request forgery).

    ## How to fix it
    Put `"django.middleware.csrf.CsrfViewMiddleware"` back, in Django's
    default position (after `SessionMiddleware` and `CommonMiddleware`,
    before `AuthenticationMiddleware`). Exempt single views with
    `@csrf_exempt` if you must, not the whole site. The quick fix inserts
    the entry there; it is marked unsafe because POSTs without a token
    will start getting 403 responses.
    """

    id = "SLS813"
    name = "django-csrf-middleware-missing"
    title = "Django MIDDLEWARE without CsrfViewMiddleware"
    cwe = 352
    codeql = ("py/csrf-protection-disabled",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    topic = "csrf"
    fixable = True

    VALID = [
        code("""
            MIDDLEWARE = [
                "django.contrib.sessions.middleware.SessionMiddleware",
                "django.middleware.common.CommonMiddleware",
                "django.middleware.csrf.CsrfViewMiddleware",
                "django.contrib.auth.middleware.AuthenticationMiddleware",
            ]
        """),
        # the project's subclass of Django's CSRF middleware
        code("""
            MIDDLEWARE = [
                "django.contrib.sessions.middleware.SessionMiddleware",
                "myproject.common.middleware.CsrfViewMiddleware",
                "django.contrib.auth.middleware.AuthenticationMiddleware",
            ]
        """),
        'MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "corsheaders.middleware.CorsMiddleware"]\n',
        code("""
            def build():
                MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
                return MIDDLEWARE
        """),
    ]
    INVALID = [
        Example(
            code("""
                MIDDLEWARE = [
                    "django.middleware.security.SecurityMiddleware",
                    "django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.common.CommonMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.contrib.messages.middleware.MessageMiddleware",
                ]
            """),
            fixed=code("""
                MIDDLEWARE = [
                    "django.middleware.security.SecurityMiddleware",
                    "django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.common.CommonMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.contrib.messages.middleware.MessageMiddleware",
                ]
            """),
            where="MIDDLEWARE",
            says="`MIDDLEWARE` has no `django.middleware.csrf.CsrfViewMiddleware`",
        ),
        Example(
            "MIDDLEWARE_CLASSES = ('django.contrib.sessions.middleware.SessionMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware')\n",
            fixed="MIDDLEWARE_CLASSES = ('django.contrib.sessions.middleware.SessionMiddleware', 'django.middleware.csrf.CsrfViewMiddleware', 'django.contrib.auth.middleware.AuthenticationMiddleware')\n",
            where="MIDDLEWARE_CLASSES",
            says="`MIDDLEWARE_CLASSES` has no `django.middleware.csrf.CsrfViewMiddleware`",
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if not isinstance(ctx.scope(node), ast.Module) or len(node.targets) != 1:
            return
        target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id in ("MIDDLEWARE", "MIDDLEWARE_CLASSES")):
            return
        value = node.value
        if not isinstance(value, (ast.List, ast.Tuple)):
            return
        entries = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        # the project's own `CsrfViewMiddleware` is a subclass of Django's (the usual way to adjust it)
        if len(entries) != len(value.elts) or any(e.rsplit(".", 1)[-1] == "CsrfViewMiddleware" for e in entries) or ctx.in_test_code(node):
            return
        if not any("sessions.middleware" in e or "auth.middleware" in e for e in entries):
            return  # an API without cookie sessions
        ctx.report(
            self,
            target,
            f"`{target.id}` has no `{_CSRF}`: POST requests are not checked for a CSRF token. Add it after the session and common middleware.",
            fix=_insert(value, entries, ctx),
        )


def _insert(value: ast.List | ast.Tuple, entries: list[str], ctx) -> Fix | None:
    anchor_index = None
    for index, entry in enumerate(entries):
        if entry in _BEFORE:
            anchor_index = index
    if anchor_index is None:
        return None
    anchor = value.elts[anchor_index]
    quote = strings.quote_of(ctx.text(anchor))
    literal = f"{quote}{_CSRF}{quote}"
    if value.elts[0].lineno != value.lineno or len({e.lineno for e in value.elts}) > 1:
        text = f",\n{ctx.indentation(anchor)}{literal}"
    else:
        text = f", {literal}"
    return Fix("Add CsrfViewMiddleware", (ctx.insert_after(anchor, text),), safe=False)
