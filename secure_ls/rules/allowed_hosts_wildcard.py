"""SLS505 allowed-hosts-wildcard."""

from __future__ import annotations

import ast

from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config
from secure_ls.rules.base import Example, Rule, code


class AllowedHostsWildcard(Rule):
    """
    ## What it does
    Finds Django settings that accept any `Host` header: `ALLOWED_HOSTS`
    assigned a list or tuple containing `"*"` at the top level of a settings
    module (one that defines `INSTALLED_APPS`, `ROOT_URLCONF`, `MIDDLEWARE`
    or `DATABASES`, or imports Django), or in a settings class. Values chosen
    per environment (inside `if DEBUG:`, `if os.environ...:`) are not
    reported; a trailing comment marking the line as development-only lowers
    the confidence.

    ## Why is this bad?
    Django builds absolute URLs (password-reset links in emails, redirects,
    `request.build_absolute_uri()`) from the `Host` header. With host
    validation off, an attacker sends a reset request with
    `Host: evil.example` and the victim receives a link that hands the reset
    token to the attacker; cache poisoning works the same way (CWE-20,
    CWE-644).

    ## How to fix it
    List the domain names the site is served under. The quick fix reads them
    from the environment: `os.environ["DJANGO_ALLOWED_HOSTS"].split(",")`.
    It is unsafe: the deployment must now set the variable (a missing
    variable stops the server at start-up instead of silently accepting any
    host).
    """

    id = "SLS505"
    name = "allowed-hosts-wildcard"
    title = "Django ALLOWED_HOSTS accepts any host"
    cwe = 20
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "least-privilege"
    bandit = ()
    fixable = True

    VALID = [
        code("""
            INSTALLED_APPS = []
            ROOT_URLCONF = "site.urls"
            ALLOWED_HOSTS = ["example.com", ".example.com"]
        """),
        code("""
            import os
            INSTALLED_APPS = []
            ROOT_URLCONF = "site.urls"
            ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
        """),
        'ALLOWED_HOSTS = ["*"]\n',
    ]
    INVALID = [
        Example(
            code("""
                import os

                INSTALLED_APPS = ["django.contrib.admin"]
                ROOT_URLCONF = "mysite.urls"
                ALLOWED_HOSTS = ["*"]
            """),
            fixed=code("""
                import os

                INSTALLED_APPS = ["django.contrib.admin"]
                ROOT_URLCONF = "mysite.urls"
                ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
            """),
            where='["*"]',
            says='ALLOWED_HOSTS contains "*", so Django trusts any Host header',
        ),
        Example(
            code("""
                from django.conf import settings

                MIDDLEWARE = []
                DATABASES = {}
                ALLOWED_HOSTS = ("localhost", "*")
            """),
            fixed=code("""
                from django.conf import settings
                import os

                MIDDLEWARE = []
                DATABASES = {}
                ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
            """),
            where='("localhost", "*")',
            says='ALLOWED_HOSTS contains "*", so Django trusts any Host header',
        ),
    ]

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != "ALLOWED_HOSTS":
            return
        if not isinstance(node.value, (ast.List, ast.Tuple)) or not any(
            isinstance(e, ast.Constant) and e.value == "*" for e in node.value.elts
        ):
            return
        in_class = config.enclosing_class(node, ctx)
        if in_class is None and not (config.at_module_level(node, ctx) and config.is_django_settings(ctx)):
            return
        if in_class is not None and (config.is_non_production_config_class(in_class) or not ctx.imports("django") and not config.is_django_settings(ctx)):
            return
        if config.environment_conditional(node, ctx):
            return
        fix = Fix("Read the allowed hosts from DJANGO_ALLOWED_HOSTS", (ctx.replace(node.value, 'os.environ["DJANGO_ALLOWED_HOSTS"].split(",")'),), safe=False, imports=("import os",))
        ctx.report(
            self,
            node.value,
            'ALLOWED_HOSTS contains "*", so Django trusts any Host header (poisoned password-reset links, cache poisoning): list the site\'s domain names.',
            fix=fix,
            confidence=Confidence.LOW if config.development_comment(node, ctx) else Confidence.MEDIUM,
        )
