"""SLS123 ldap-injection."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import strings, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

# python-ldap: filter is the third argument of the search methods.
_PYTHON_LDAP_METHODS = frozenset({"search", "search_s", "search_st", "search_ext", "search_ext_s"})
_ESCAPERS = {
    "ldap": ("escape_filter_chars", "from ldap.filter import escape_filter_chars"),
    "ldap3": ("escape_filter_chars", "from ldap3.utils.conv import escape_filter_chars"),
}


class LdapInjection(Rule):
    """
    ## What it does
    Finds LDAP search filters built from non-constant data with f-strings,
    `%`, `.format()` or `+` and passed to python-ldap's `search`/`search_s`/
    `search_ext(_s)` or ldap3's `Connection.search`, without escaping the
    inserted values.

    ## Why is this bad?
    Filter syntax is in-band: a user name of `*)(uid=*` turns
    `(&(uid={name})(active=TRUE))` into a filter that matches every entry,
    and `admin)(|(objectClass=*` can bypass a password or group condition.

    ## How to fix it
    Escape every inserted value with the library's escaping function:
    `ldap.filter.escape_filter_chars` for python-ldap, or
    `ldap3.utils.conv.escape_filter_chars` for ldap3. The quick fix wraps
    each non-constant value in it. Values already escaped are not reported.
    """

    id = "SLS123"
    name = "ldap-injection"
    title = "LDAP filter built from non-constant data"
    cwe = 90
    codeql = ("py/ldap-injection",)
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    fixable = True
    methods = _PYTHON_LDAP_METHODS

    VALID = [
        code("""
            import ldap
            from ldap.filter import escape_filter_chars

            def find(conn, name):
                return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(name)})")
        """),
        code("""
            import ldap
            GROUP = "admins"

            def admins(conn):
                return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(cn={GROUP})")
        """),
        code("""
            from ldap3 import Connection
            from ldap3.utils.conv import escape_filter_chars

            def find(conn, name):
                conn.search("dc=example,dc=com", "(uid=%s)" % escape_filter_chars(name))
        """),
        code("""
            def find(index, term):
                return index.search("docs", f"title:{term}")
        """),
        code("""
            def find(engine, term):
                return engine.search("docs", f"(title {term})")
        """),
        code("""
            import ldap
            from ldap.filter import escape_filter_chars

            def any_of(conn, names):
                filt = "(|"
                for name in names:
                    filt += f"(uid={escape_filter_chars(name)})"
                return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filt + ")")
        """),
        code("""
            import re

            USERNAME = re.compile(r"[a-z][a-z0-9_.-]{0,31}")

            def profile(request, conn):
                username = request.path_params["username"]
                if USERNAME.fullmatch(username) is None:
                    return None
                return conn.search("dc=example,dc=org", f"(uid={username})")
        """),
    ]
    INVALID = [
        Example(
            code("""
                import ldap
                from flask import request

                def login(conn):
                    user = request.form["user"]
                    return conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(&(uid={user})(active=TRUE))")
            """),
            fixed=code("""
                import ldap
                from flask import request
                from ldap.filter import escape_filter_chars

                def login(conn):
                    user = request.form["user"]
                    return conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(&(uid={escape_filter_chars(user)})(active=TRUE))")
            """),
            where='f"(&(uid={user})(active=TRUE))"',
            says="LDAP filter built from the Flask request `user` without escaping",
        ),
        Example(
            code("""
                from ldap3 import Connection, SUBTREE

                def find(conn, mail):
                    query = "(mail=" + mail + ")"
                    conn.search("dc=example,dc=com", query, search_scope=SUBTREE)
                    return conn.entries
            """),
            fixed=code("""
                from ldap3 import Connection, SUBTREE
                from ldap3.utils.conv import escape_filter_chars

                def find(conn, mail):
                    query = "(mail=" + escape_filter_chars(mail) + ")"
                    conn.search("dc=example,dc=com", query, search_scope=SUBTREE)
                    return conn.entries
            """),
            where="query",
            says="LDAP filter built from the parameter `mail` without escaping",
        ),
        Example(
            code("""
                import ldap

                def members(conn, group, base):
                    return conn.search_s(base, ldap.SCOPE_SUBTREE, filterstr="(memberOf=cn=%s,ou=groups)" % group)
            """),
            fixed=code("""
                import ldap
                from ldap.filter import escape_filter_chars

                def members(conn, group, base):
                    return conn.search_s(base, ldap.SCOPE_SUBTREE, filterstr="(memberOf=cn=%s,ou=groups)" % escape_filter_chars(group))
            """),
            where='"(memberOf=cn=%s,ou=groups)" % group',
            says="LDAP filter built from the parameter `group` without escaping",
        ),
        # a filter of filters joined from a list: the values inside each need escaping
        Example(code("""
            import ldap

            def any_mail(conn, emails):
                filt = "(|" + "".join(f"(mail={m})" for m in emails) + ")"
                return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filt)
        """),
            where="filt",
            says='LDAP filter built from `"".join(f"(mail={m})" for m in emails)`',
        ),
        # the connection comes from another module: the filter's syntax says what it is
        Example(
            code("""
                from app.directory import conn

                def find(uid):
                    conn.search("ou=people,dc=corp", "(uid=%s)" % uid)
                    return conn.entries
            """),
            fixed=code("""
                from app.directory import conn
                from ldap3.utils.conv import escape_filter_chars

                def find(uid):
                    conn.search("ou=people,dc=corp", "(uid=%s)" % escape_filter_chars(uid))
                    return conn.entries
            """),
            where='"(uid=%s)" % uid',
            says="LDAP filter built from the parameter `uid` without escaping",
        ),
        # assembled in a loop: escaping belongs inside the loop, so no one-click fix
        Example(code("""
            import ldap

            def any_of(conn, names):
                filt = "(|"
                for name in names:
                    filt += f"(uid={name})"
                filt += ")"
                return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filt)
        """),
            where="filt",
            says="LDAP filter built from `name`",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        library = None
        if func.attr in _PYTHON_LDAP_METHODS and ctx.imports("ldap"):
            library, filt = "ldap", web.argument(node, 2, ("filterstr",))
        elif func.attr == "search":
            # ldap3's Connection.search(base, filter); the connection is often made in another
            # module, so a filter that reads as one (`(uid=...)`) is enough without the import
            library, filt = "ldap3", web.argument(node, 1, ("search_filter",))
            if filt is not None and not ctx.imports("ldap3") and not _reads_as_filter(ctx, filt):
                return
        if library is None or filt is None:
            return
        built, via = web.built_value(ctx, filt, Sink.LDAP)
        if not strings.is_built(built):
            return
        parts = strings.pieces(built)
        values = strings.values(parts) if parts is not None else [built]
        # pieces that are themselves filter syntax: `"".join(f"(mail={m})" for m in emails)`
        fragments = [v for v in values if any("=" in text for text in _string_constants(v))]
        if parts is not None and "=" not in strings.literal_text(parts) and not fragments:
            return  # not a filter (`attr=value` pairs are the point of one)
        # `self.ldap.filter.escape_filter_chars(dn)`: escaped, whatever the module is reached through
        unsafe = [v for v in values if ctx.origin(v).risk(Sink.LDAP) is not None and not _escaped(v)]
        if not unsafe:
            return
        part, worst = web.worst_value(ctx, unsafe, Sink.LDAP)
        fix = None
        # escaping a whole fragment would escape its own parentheses: the values inside need it
        # only an assertion value (`(uid={x})`) can be escaped: a value that is filter syntax itself
        # (`(&{group_filter}(...))`) or an attribute name (`({attr}=...)`) stops working when escaped
        structure = [] if parts is None else [v for v in unsafe if not _in_value_position(parts, v)]
        if parts is not None and not fragments and not structure and all(web.wrappable(ctx, v) for v in unsafe):
            name, import_line = _ESCAPERS[library]
            if built is filt or (via is not None and _single_use(ctx, via, filt)):
                fix = Fix(
                    f"Escape the inserted values with `{name}`",
                    tuple(web.wrap_edits(ctx, unsafe, name)),
                    safe=True,
                    imports=(import_line,),
                )
        advice = f"Escape it with `{_ESCAPERS[library][0]}`."
        if structure:
            advice = (
                f"`{ctx.text(structure[0])}` is inserted as filter syntax or an attribute name, where escaping would break it: "
                f"check it against the filters and attributes you expect, and escape the values with `{_ESCAPERS[library][0]}`."
            )
        ctx.report(
            self,
            filt,
            f"LDAP filter built from {web.describe_value(ctx, part, worst)} without escaping: a value like `*)(uid=*` changes the filter. "
            + advice,
            fix=fix,
            confidence=part.confidence(),
            related=ctx.related_path(part),
            rewrites=via,
        )


def _escaped(node: ast.expr) -> bool:
    """A call of `escape_filter_chars`, however its module is reached."""
    if not isinstance(node, ast.Call):
        return False
    return astutil.last_name(node.func) == "escape_filter_chars"


def _in_value_position(parts: list, value: ast.expr) -> bool:
    """Whether `value` sits after the `=` of its `(attr=...)` item: an assertion value."""
    text = ""
    for piece in parts:
        if isinstance(piece, strings.Value):
            if piece.node is value:
                item = text[text.rfind("(") + 1 :]
                return "=" in item
            text += "\0"
        else:
            text += piece.text
    return False


def _single_use(ctx, via: ast.stmt, filt: ast.expr) -> bool:
    """The filter variable is only read at this call (escaping it at the assignment changes nothing else)."""
    if not isinstance(filt, ast.Name):
        return False
    body = web.function_body(ctx, filt)
    reads = astutil.name_reads(body, filt.id)
    return len(reads) == 1


def _string_constants(node: ast.AST) -> list[str]:
    return [n.value for n in astutil.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _reads_as_filter(ctx, filt: ast.expr) -> bool:
    """`"(uid=%s)" % name`, `f"(&(cn={x})(objectClass=person))"`: LDAP filter syntax."""
    built, _ = web.built_value(ctx, filt, Sink.LDAP)
    parts = strings.pieces(built) if strings.is_built(built) else None
    text = strings.literal_text(parts).strip() if parts else ""
    return text.startswith("(") and "=" in text

