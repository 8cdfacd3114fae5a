"""SLS129 regex-partial-validation."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil, guards
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import framework_stripped, newline_checks, refuncs, regex
from secure_ls.engine.taint import Sink
from secure_ls.rules.base import Example, Rule, code

_PREFIX = re.compile(r"^([rRbBuU]{0,2})('''|\"\"\"|'|\")")


class RegexPartialValidation(Rule):
    """
    ## What it does
    Finds input checks written as `re.match(...)` or `re.search(...)` with a
    pattern that is meant to cover the whole value but does not: it ends
    with `$`, or it starts with `^` and ends with an open repeat such as
    `[a-z0-9]+` without any end anchor. Only validations are reported: a
    rejecting `if not re.match(...)`, or an `if re.match(...)` inside a
    validator (`is_*`, `validate_*`, `check_*`, ...).

    ## Why is this bad?
    `$` also matches just before a trailing newline, so
    `re.match(r"^[a-z]+$", "admin\\n")` succeeds and the newline slips into
    file names, headers or log lines. Without an end anchor only a prefix is
    checked: `re.match(r"^[a-z0-9]+", "abc; rm -rf /")` succeeds too.

    ## How to fix it
    Use `re.fullmatch`, which must match the entire string, and drop the
    `^`/`$` anchors it makes redundant. The quick fix does exactly that; it
    is marked unsafe because values with a trailing newline or extra text,
    which passed before, are now rejected (which is the point). `\\Z` also
    anchors at the very end. Prefix checks without a trailing repeat
    (`re.match(r"^\\d", s)`), patterns using `re.MULTILINE`, and patterns
    whose last part already accepts a newline or anything (`\\s*$`, `.*$`)
    are not reported, nor are `re.match` patterns that start with `.*`
    (`.*/$` tests only how the value ends, like `re.search` without `^`),
    nor is `$` on a value that cannot end with a newline: stripped on every
    path to the check (`value.strip()`, also with its case changed or its
    bytes decoded: `value.strip().lower()`, `reply.strip().decode("utf-8")`, also in a `try`
    whose handlers all leave; `value or ""` of such a value), one that ends with
    the code's own text (`start + "."`), a Django form's cleaned data, the
    value a Django REST framework serializer's `validate_<field>` receives
    (django-rest-framework-json-api's too, which re-exports DRF's; unless the class declares that field `strip=False` or
    `trim_whitespace=False`), the value a marshmallow schema's
    `@validates("key")` method receives when the schema's `@pre_load` hook
    strips that key, a slug or int URL parameter, a value an earlier check of the function
    refused when it held a line feed (`if re.search(r"[\\s\\x00-\\x1f]",
    host): return False`, `"\\n" in host`, `not host.isprintable()`) or that the matching branch
    refuses first (`if re.search(r"[^a-z0-9.-]", host): return "suspicious"`), or one
    only compared until it is stripped right after the check (`name =
    name.strip()`), or one whose every later read is `int(value)` or
    `float(value)` (which ignore the newline: only the number goes on). A Django validator (a function of one value that raises
    Django's `ValidationError`, or a Django model's staticmethod of one value) and a Django model's `clean()` checking one
    of the model's fields get a form field's stripped value in the usual
    paths, so `$` there is the audit tier (low confidence). So is a check
    whose branch for a non-matching value goes on with it another way (`if
    not re.match(r"[A-Z_]+$", name): return super().__getattr__(name)`, or
    hands it to the inherited `super().__setattr__(name, value)`) instead
    of refusing it (raising, aborting, skipping, returning a fixed value or
    a fallback, recording an error), and one whose matching value is handed
    to another validator (`if re.match(r"^[0-9.]+$", host): return
    is_ipaddr(host)`): routing, not validation. A prefix
    that pins a URL's start to a path of this site or a fixed host
    (`re.match(r"^/[a-z]+", return_url)`) is not reported either: where a
    URL goes is settled by its start, so the prefix is the whole check.
    Nor is a check that refuses a value when it matches (`if
    re.match(r"^[*.]+", extension): raise ValidationError(...)`): it
    refuses a bad start, which the prefix settles; nor, for the same
    reason, a `$` there (`if re.search(r"^RARBG\\.(mp4|avi)$", name): return
    False`): a value with a trailing newline is refused as well.
    """

    id = "SLS129"
    name = "regex-partial-validation"
    title = "Validation regex that does not cover the whole string"
    cwe = 185
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "regex"
    fixable = True
    calls = frozenset({"re.match", "re.search"})

    VALID = [
        # the value checked ends with the code's own dot: it cannot end with a newline
        code(r"""
            import re

            def is_address(start):
                if not re.match(r"^(\d{1,3}\.){4}$", start + "."):
                    return False
                return True
        """),
        # the matching branch first refuses any value with a character outside the set, a line feed too
        code("""
            import re

            def validate_host(fqdn):
                if re.match(r"^([a-z0-9-]{1,63}\\.)+[a-z]{2,}$", fqdn):
                    if re.search(r"[^a-zA-Z0-9.-]", fqdn):
                        return "suspicious"
                    return "valid"
                return "invalid"
        """),
        # Django form fields strip whitespace: a cleaned value cannot end with a newline
        code(r"""
            import re
            from django import forms

            class PhoneForm(forms.Form):
                phone = forms.CharField()

                def clean_phone(self):
                    value = self.cleaned_data["phone"].replace(" ", "")
                    if not re.match(r"^\+\d{5,15}$", value):
                        raise forms.ValidationError("Invalid phone number")
                    return value
        """),
        # a value that matches is refused: with a trailing newline it is refused too
        code(r"""
            import re

            def is_media_file(name):
                if re.search(r"^RARBG\.(\w+\.)?(mp4|avi|txt)$", name, re.IGNORECASE):
                    return False
                return name.endswith((".mkv", ".mp4", ".avi"))
        """),
        code("""
            import re

            def ok(name):
                if re.fullmatch(r"[a-z]+", name):
                    return True
                return False
        """),
        # a DRF serializer's field validator gets the value its CharField already stripped
        code("""
            import re
            from rest_framework import serializers

            class WorkspaceSerializer(serializers.ModelSerializer):
                def validate_slug(self, value):
                    if not re.match(r"^[a-zA-Z0-9_-]+$", value):
                        raise serializers.ValidationError("bad slug")
                    return value
        """),
        # a marshmallow schema's pre_load hook strips the key before its validator sees it
        code("""
            import re
            from marshmallow import Schema, ValidationError, fields, pre_load, validates

            class KeySchema(Schema):
                key = fields.Str(required=True)

                @pre_load
                def sanitize_key(self, params, **kwargs):
                    params = dict(params)
                    if params.get("key"):
                        params["key"] = params["key"].lower().strip()
                    return params

                @validates("key")
                def validate_key(self, value):
                    if not re.match("^[a-z0-9_-]{1,32}$", value):
                        raise ValidationError("bad key")
        """),
        # stripped first: no trailing newline is left for `$` to let through
        code(r"""
            import re

            def valid_url(value):
                if not re.match(r"^https?://\S+$", value.strip()):
                    return "Invalid URL"
                return None

            def valid_uid(value):
                value = value.strip().lower()
                if not re.match(r"^[a-z0-9-]+$", value):
                    raise ValueError("bad uid")
                return value

            def latest_version(sock):
                try:
                    reply = sock.recv(1024)
                    version = reply[reply.find(b"\r\n\r\n"):].strip().decode("utf-8")
                except OSError:
                    raise ValueError("no reply")
                if not re.match(r"^(\d+\.)?(\d+\.)?(\d+)$", version):
                    raise ValueError("bad version")
                return version
        """),
        code(r"""
            import re

            def ok(name):
                if re.match(r"^[a-z]+\Z", name):
                    return True
        """),
        # an earlier check already refused any value holding whitespace or a control character
        code(r"""
            import re

            def is_valid_host(host):
                if not host or re.search(r"[\s\x00-\x1f]", host):
                    return False
                if not re.match(r"^[a-zA-Z0-9.-]+$", host):
                    return False
                return True
        """),
        # ... or aborted the request on it
        code(r"""
            import re
            from flask import abort

            def check_host(host):
                if "\n" in host:
                    abort(400)
                if not re.match(r"^[a-zA-Z0-9.-]+$", host):
                    abort(400)
                return host
        """),
        # stripped right after the check, before any use: the newline `$` lets by goes no further
        code(r"""
            import re

            def theme_file(theme):
                if not re.match(r"^[a-z_ -]+$", theme):
                    raise ValueError("bad theme")
                if theme == "default":
                    theme = "light"
                theme = theme.strip().replace(" ", "_")
                return f"themes/{theme}.css"
        """),
        # only its number goes on: int() ignores the newline `$` lets by
        code(r"""
            import re

            def parse_ports(values):
                ports = []
                for value in values:
                    if not re.match(r"^\d+$", str(value)) or int(value) > 65535:
                        raise ValueError("bad port")
                    ports.append(int(value))
                return ports
        """),
        # `.*` first: only how the value ends is tested, as `re.search(r"/$", url)` would
        code(r"""
            import re

            def check_listing(url):
                if not re.match(r".*/$", url):
                    raise ValueError("not a folder URL")
                return url
        """),
        # a same-site path prefix is what a return-URL check needs
        code("""
            import re

            def safe_return_url(url, fallback):
                if not url or not re.match(r"^/[a-z]+", url):
                    return fallback
                return url
        """),
        code(r"""
            import re

            def is_comment(line):
                if re.match(r"^\s*#", line):
                    return True
        """),
        code(r"""
            import re

            def parse(line):
                m = re.match(r"^(\w+)=(.*)$", line)
                return m.groups() if m else None
        """),
        code("""
            import re

            def has_word(text):
                if re.search(r"[a-z]+$", text):
                    return True
        """),
        code("""
            import re

            def lines(text):
                if re.search(r"^[a-z]+$", text, re.MULTILINE):
                    return True
        """),
        code(r"""
            import re

            def f(s):
                if (m := re.match(r"^(\d+)$", s)):
                    return int(m.group(1))
        """),
        # a value refused when it starts badly: the prefix is the whole question
        code(r"""
            import re

            class ValidationError(Exception):
                pass

            def check_extensions(extensions):
                for extension in extensions:
                    if re.match(r"^[*.]+", extension):
                        raise ValidationError("Extensions cannot have leading dots")
        """),
    ]
    INVALID = [
        Example(
            code("""
                import re

                def check_username(name):
                    if not re.match(r"^[a-z0-9_]+$", name):
                        raise ValueError("bad name")
                    return name
            """),
            fixed=code("""
                import re

                def check_username(name):
                    if not re.fullmatch(r"[a-z0-9_]+", name):
                        raise ValueError("bad name")
                    return name
            """),
            where='re.match(r"^[a-z0-9_]+$", name)',
            says="This validation with `re.match` ends with `$`, which also matches before a",
        ),
        Example(
            code("""
                import re

                def valid_tag(tag):
                    if re.search(r"^[A-Za-z0-9.-]+", tag) and len(tag) < 64:
                        return True
                    return False
            """),
            fixed=code("""
                import re

                def valid_tag(tag):
                    if re.fullmatch(r"[A-Za-z0-9.-]+", tag) and len(tag) < 64:
                        return True
                    return False
            """),
            where='re.search(r"^[A-Za-z0-9.-]+", tag)',
            says="This validation with `re.search` has no end anchor, so only a prefix is checked",
        ),
        Example(
            code("""
                from re import match

                def is_hex(value):
                    if match("[0-9a-f]{32}$", value):
                        return True
                    return False
            """),
            fixed=code("""
                from re import match
                from re import fullmatch

                def is_hex(value):
                    if fullmatch("[0-9a-f]{32}", value):
                        return True
                    return False
            """),
            where='match("[0-9a-f]{32}$", value)',
            says="This validation with `re.match` ends with `$`, which also matches before a",
        ),
        # stripped on one path only: a value that skips the `if` keeps its trailing newline
        Example(
            code("""
                import re

                def check_port(value):
                    if isinstance(value, str) and " " in value:
                        value = value.strip()
                    if not re.match(r"^[0-9]+$", value):
                        raise ValueError("bad port")
                    return value
            """),
            fixed=code("""
                import re

                def check_port(value):
                    if isinstance(value, str) and " " in value:
                        value = value.strip()
                    if not re.fullmatch(r"[0-9]+", value):
                        raise ValueError("bad port")
                    return value
            """),
            where='re.match(r"^[0-9]+$", value)',
            says="ends with `$`, which also matches before a trailing newline",
        ),
        # the text itself goes on too, not only its number
        Example(
            code(r"""
                import re

                def port_label(value):
                    if not re.match(r"^\d+$", value) or int(value) > 65535:
                        raise ValueError("bad port")
                    return f"port-{value}"
            """),
            fixed=code(r"""
                import re

                def port_label(value):
                    if not re.fullmatch(r"\d+", value) or int(value) > 65535:
                        raise ValueError("bad port")
                    return f"port-{value}"
            """),
            where=r're.match(r"^\d+$", value)',
            says="ends with `$`, which also matches before a trailing newline",
        ),
        # the earlier check rejects spaces, not line feeds
        Example(
            code("""
                import re

                def is_valid_host(host):
                    if " " in host:
                        return False
                    if not re.match(r"^[a-z0-9.-]+$", host):
                        return False
                    return True
            """),
            fixed=code("""
                import re

                def is_valid_host(host):
                    if " " in host:
                        return False
                    if not re.fullmatch(r"[a-z0-9.-]+", host):
                        return False
                    return True
            """),
            where='re.match(r"^[a-z0-9.-]+$", host)',
            says="ends with `$`, which also matches before a trailing newline",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if name not in ("re.match", "re.search") or not _in_if_test(node, ctx):
            return
        pattern_node = refuncs.pattern_arg(node)
        if pattern_node is None or refuncs.subject_arg(node, name) is None:
            return
        pattern = refuncs.constant_pattern(pattern_node, ctx)
        flags = refuncs.flags_value(node, name, ctx)
        if pattern is None or flags is None or flags & re.MULTILINE:
            return
        shape = regex.anchors(pattern, flags)
        if shape is None:
            return
        starts, end, open_repeat = shape
        if name == "re.search" and not starts or regex.opens_with_wildcard(pattern, flags):
            return  # a test of how the value ends (`.*/$`), not of the whole value
        last = regex.tail(pattern, flags)
        if last is None or "\n" in last[0] or last[1]:
            return  # the tail already accepts newlines or anything: the anchors do not restrict it
        if not _validating(node, ctx):
            return
        if end == "$" and _cannot_end_in_newline(node, refuncs.subject_arg(node, name), ctx):
            return
        if end == "$" and not _refuses_a_match(node, ctx):
            # (`if re.search(r"^RARBG\.(mp4|avi)$", name): return False`: a value that matches is
            # refused, so a trailing newline let through `$` is only refused too)
            problem = "ends with `$`, which also matches before a trailing newline (`\"abc\\n\"` passes)"
        elif end is None and starts and open_repeat and not guards.pins_url_start(pattern) and not _refuses_a_match(node, ctx):
            # (`^/[a-z]+` on a return URL: the prefix is the check, it keeps the URL on this site;
            # `if re.match(r"^[*.]+", ext): raise ...` refuses a bad start, which a prefix settles)
            problem = "has no end anchor, so only a prefix is checked (`\"abc; anything\"` passes)"
        else:
            return
        fix = self._fix(node, pattern_node, starts, end, flags, ctx)
        subject = refuncs.subject_arg(node, name)
        stripped = end == "$" and (framework_stripped.django_validator_value(subject, ctx) or framework_stripped.django_model_clean_value(subject, ctx))
        routing = _routes_only(node, subject, ctx)
        ctx.report(
            self,
            node,
            f"This validation with `{name}` {problem}. Use `re.fullmatch` (without the `^`/`$` anchors)."
            + (" Django validates it with the stripped value of a form field, except where code calls it itself or sets the field and calls full_clean()." if stripped else "")
            + (f" {routing}" if routing else ""),
            fix=fix,
            confidence=Confidence.LOW if stripped or routing else None,
        )

    def _fix(self, call: ast.Call, pattern_node: ast.expr, starts: bool, end: str | None, flags: int, ctx) -> Fix | None:
        if flags & re.VERBOSE or not isinstance(pattern_node, ast.Constant):
            return None
        source = ctx.text(pattern_node)
        match = _PREFIX.match(source)
        if match is None or not source.endswith(match.group(2)):
            return None
        quote = match.group(2)
        head, body = source[: match.end()], source[match.end() : len(source) - len(quote)]
        if starts:
            if not body.startswith("^"):
                return None
            body = body[1:]
        if end == "$":
            if not body.endswith("$") or body.endswith("\\$"):
                return None
            body = body[:-1]
        new_source = head + body + quote
        try:
            if ast.literal_eval(new_source) == pattern_node.value:
                return None
        except (SyntaxError, ValueError):
            return None
        func = call.func
        if isinstance(func, ast.Attribute):
            func_text, imports = ctx.text(func.value) + ".fullmatch", ()
        else:
            func_text, imports = "fullmatch", ("from re import fullmatch",)
        return Fix(
            "Use re.fullmatch",
            (ctx.replace(func, func_text), ctx.replace(pattern_node, new_source)),
            safe=False,
            imports=imports,
        )


_VALIDATOR_NAME = re.compile(r"^is_|valid|check|verify|sanitiz|clean|allowed|is_safe|ensure|assert_|require", re.IGNORECASE)


def _validating(call: ast.Call, ctx) -> bool:
    """A rejecting check (`if not re.match(...)`) or a check inside a validator function."""
    parent = ctx.parent(call)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    func = ctx.enclosing_function(call)
    return func is not None and bool(_VALIDATOR_NAME.search(func.name))


_ERRORISH = re.compile(r"error|invalid|abort|bad|forbid|den(y|ied)|reject|fail|refuse|not_?found", re.IGNORECASE)


def _routes_only(call: ast.Call, subject: ast.expr | None, ctx) -> str | None:
    """Why the check only routes the value, or None when it validates it.

    `if not re.match(r"[A-Z_]+$", name): return super().__getattr__(name)`: the branch taken
    when the value does not match goes on with it another way (another lookup, another kind
    of processing, the inherited behaviour) instead of refusing it: a routing decision, whatever
    the anchors let through. A branch refuses when it raises, aborts, skips (`continue`),
    returns a fixed value or a fallback, or records an error (also in a handler of a `try`:
    `try: validate_ip(host) except ValidationError: errors.append(...)`). Nor is it routing when
    the branch rewrites the value itself (`v = '"%s"' % escape(v)`): the check decides whether
    the value needs quoting.

    `if re.match(r"^[0-9.]+$", host): return is_ipaddr(host)`: a value that matches is handed
    to another validator, whose answer is the answer."""
    parent = ctx.parent(call)
    statement = ctx.statement(call)
    if not isinstance(statement, ast.If) or subject is None:
        return None
    subject_text = ctx.text(subject)
    if statement.test is call or isinstance(statement.test, ast.BoolOp) and isinstance(statement.test.op, ast.And) and call in statement.test.values:
        only = statement.body[0] if len(statement.body) == 1 else None
        if isinstance(only, ast.Return) and _hands_to_validator(only.value, subject_text, ctx):
            return "A value that matches is handed to another validator, which decides: this is routing, not validation."
        return None
    if not (isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not) and statement.test is parent):
        return None
    delegated = False
    for node in (n for stmt in statement.body for n in _in_order(stmt)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        if any(ctx.text(t) == subject_text for t in targets):
            return None
        if isinstance(node, (ast.Raise, ast.Continue, ast.Break)):
            return None
        if isinstance(node, ast.Call) and _inherited_call(node, subject_text, ctx):
            delegated = True  # `super().__setattr__(name, value); return value`: the default behaviour takes it
        elif isinstance(node, ast.Return) and not delegated and not (isinstance(node.value, ast.Call) and not _ERRORISH.search(ctx.text(node.value.func))):
            return None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Call)) and _ERRORISH.search(ctx.text(node)):
            return None
    return "The branch for a value that does not match goes on with it another way: if that is not a refusal, this is routing, not validation."


def _refuses_a_match(call: ast.Call, ctx) -> bool:
    """`if re.match(r"^[*.]+", extension): raise ValidationError(...)`: the check refuses a value
    that matches (a deny-list of how a value may start), so a match of the prefix is all it
    asks; a longer match would refuse the same values."""
    statement = ctx.statement(call)
    if not (isinstance(statement, ast.If) and statement.test is call):
        return False
    first = statement.body[0]
    if isinstance(first, (ast.Raise, ast.Continue)):
        return True
    if isinstance(first, ast.Return):
        value = first.value
        return isinstance(value, ast.Constant) and value.value is False or isinstance(value, ast.Call) and bool(_ERRORISH.search(ctx.text(value.func)))
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Call) and bool(_ERRORISH.search(ctx.text(first.value.func)))


def _in_order(statement: ast.stmt):
    """The nodes of a statement in source order (a delegation comes before the `return` after it),
    leaving out nested definitions."""
    todo = [statement]
    while todo:
        node = todo.pop(0)
        yield node
        todo[:0] = [c for c in ast.iter_child_nodes(node) if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))]


def _inherited_call(call: ast.Call, subject_text: str, ctx) -> bool:
    """`super().__setattr__(name, value)`: the value handed to the inherited implementation."""
    func = call.func
    return (
        isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"
        and any(ctx.text(a) == subject_text for a in call.args)
    )


def _hands_to_validator(value: ast.expr | None, subject_text: str, ctx) -> bool:
    """`is_ipaddr(host, ipv6=False)`: a call of a validator (by its name) on the same value."""
    return (
        isinstance(value, ast.Call) and bool(_VALIDATOR_NAME.search(astutil.last_name(value.func)))
        and any(ctx.text(a) == subject_text for a in value.args)
    )


def _in_if_test(node: ast.AST, ctx) -> bool:
    child = node
    parent = ctx.parent(node)
    while isinstance(parent, (ast.UnaryOp, ast.BoolOp)) and (not isinstance(parent, ast.UnaryOp) or isinstance(parent.op, ast.Not)):
        child, parent = parent, ctx.parent(parent)
    return isinstance(parent, (ast.If, ast.While, ast.IfExp)) and parent.test is child


def _cannot_end_in_newline(call: ast.Call, subject: ast.expr, ctx) -> bool:
    """A trailing newline is already ruled out: a form field stripped it, a converter let only
    harmless characters through (`<slug:doc>`, `<int:pk>`), an earlier check of the same
    function refused any value holding a line feed, or the value goes on only stripped."""
    if isinstance(subject, ast.BoolOp) and isinstance(subject.op, ast.Or):
        # `value or ""`: the value, or the code's own fallback text
        return all(_own_text(v) or _cannot_end_in_newline(call, v, ctx) for v in subject.values)
    if framework_stripped.stripped_by_framework(subject, ctx) or _stripped(call, subject, ctx) or framework_stripped.serializer_field_value(subject, ctx) or _ends_with_text(subject):
        return True
    if framework_stripped.stripped_before_load(subject, ctx):
        return True
    statement = ctx.statement(call)
    if newline_checks.refused_before(statement, subject, ctx) or newline_checks.stripped_after(statement, subject, ctx):
        return True
    if newline_checks.refused_on_match(call, subject, ctx):
        return True  # the matching branch first refuses any value with a line feed
    if newline_checks.converted_after(call, subject, ctx):
        return True  # only its number goes on: `int()` drops the newline
    parts = ctx.origin(subject).parts
    return bool(parts) and all(part.is_safe_for(Sink.LOG) for part in parts)  # safe in a log line: no line break


def _own_text(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and not value.value.endswith("\n")


def _ends_with_text(subject: ast.expr) -> bool:
    """`start + "."`, `f"{host}:"`: the value ends with the code's own text, no line feed there."""
    last = subject.right if isinstance(subject, ast.BinOp) and isinstance(subject.op, ast.Add) else subject.values[-1] if isinstance(subject, ast.JoinedStr) and subject.values else None
    return isinstance(last, ast.Constant) and isinstance(last.value, str) and last.value != "" and not last.value.endswith("\n")


def _stripped(call: ast.Call, subject: ast.expr, ctx) -> bool:
    """`value.strip()` / `.rstrip()` (with no argument: every whitespace character, the newline
    too), directly or through the name assigned from it on every path to the check (not
    `if c: value = value.strip()`, which leaves the value as it came on the other path)."""
    if not isinstance(subject, ast.Name):
        return _strip_call(subject)
    values = ctx.assigned_values(subject)
    before = set(map(id, newline_checks.earlier_statements(ctx.statement(call), ctx))) if values else set()
    return bool(values) and all(_strip_call(v) and _runs_before(ctx.statement(v), before, ctx) for v in values)


def _runs_before(statement: ast.stmt, before: set[int], ctx) -> bool:
    """`statement` is one of the statements run before the check on every path, or sits in the body
    of one of them that is a `try` (or `with`) whose every handler leaves (`try: version =
    reply.strip().decode()` / `except OSError: raise CheckError`): the check runs only once it ran."""
    node: ast.AST = statement
    while id(node) not in before:
        parent = ctx.parent(node)
        if isinstance(parent, (ast.With, ast.AsyncWith)) and node in parent.body:
            node = parent
        elif isinstance(parent, ast.Try) and node in parent.body and all(ctx.always_leaves(h.body) for h in parent.handlers):
            node = parent
        else:
            return False
    return True


def _strip_call(value: ast.expr) -> bool:
    """`value.strip()`, also with its letters' case changed or its bytes decoded before or after
    (`value.strip().lower()`, `reply.strip().decode("utf-8")`: an ASCII-compatible codec turns no
    stripped byte into a line feed)."""
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr in ("decode", "encode") and _ascii_compatible(value):
            value = value.func.value
            continue
        if value.args or value.keywords:
            return False
        if value.func.attr in ("strip", "rstrip"):
            return True
        if value.func.attr not in ("lower", "upper", "casefold"):
            return False
        value = value.func.value
    return False


_ASCII_COMPATIBLE = frozenset({"utf-8", "utf8", "ascii", "latin-1", "latin1", "iso-8859-1"})


def _ascii_compatible(call: ast.Call) -> bool:
    """`.decode()`, `.decode("utf-8")`, `.encode("ascii", errors="replace")`."""
    named = [call.args[0]] if call.args else [k.value for k in call.keywords if k.arg == "encoding"]
    return len(call.args) <= 2 and all(isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.lower() in _ASCII_COMPATIBLE for n in named)
