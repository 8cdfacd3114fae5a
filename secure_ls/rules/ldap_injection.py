"""SLS123 ldap-injection."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import strings, web
from secure_ls.rules.base import Example, Rule
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
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    fixable = True
    methods = _PYTHON_LDAP_METHODS

    VALID = [
        'import ldap\nfrom ldap.filter import escape_filter_chars\n\ndef find(conn, name):\n    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(name)})")\n',
        'import ldap\nGROUP = "admins"\n\ndef admins(conn):\n    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(cn={GROUP})")\n',
        'from ldap3 import Connection\nfrom ldap3.utils.conv import escape_filter_chars\n\ndef find(conn, name):\n    conn.search("dc=example,dc=com", "(uid=%s)" % escape_filter_chars(name))\n',
        'def find(index, term):\n    return index.search("docs", f"title:{term}")\n',
        'def find(engine, term):\n    return engine.search("docs", f"(title {term})")\n',
        'import ldap\nfrom ldap.filter import escape_filter_chars\n\ndef any_of(conn, names):\n    filt = "(|"\n    for name in names:\n        filt += f"(uid={escape_filter_chars(name)})"\n    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filt + ")")\n',
        'import re\n\nUSERNAME = re.compile(r"[a-z][a-z0-9_.-]{0,31}")\n\ndef profile(request, conn):\n    username = request.path_params["username"]\n    if USERNAME.fullmatch(username) is None:\n        return None\n    return conn.search("dc=example,dc=org", f"(uid={username})")\n',
    ]
    INVALID = [
        Example(
            'import ldap\nfrom flask import request\n\ndef login(conn):\n    user = request.form["user"]\n    return conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(&(uid={user})(active=TRUE))")\n',
            fixed='import ldap\nfrom flask import request\nfrom ldap.filter import escape_filter_chars\n\ndef login(conn):\n    user = request.form["user"]\n    return conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(&(uid={escape_filter_chars(user)})(active=TRUE))")\n',
        ),
        Example(
            'from ldap3 import Connection, SUBTREE\n\ndef find(conn, mail):\n    query = "(mail=" + mail + ")"\n    conn.search("dc=example,dc=com", query, search_scope=SUBTREE)\n    return conn.entries\n',
            fixed='from ldap3 import Connection, SUBTREE\nfrom ldap3.utils.conv import escape_filter_chars\n\ndef find(conn, mail):\n    query = "(mail=" + escape_filter_chars(mail) + ")"\n    conn.search("dc=example,dc=com", query, search_scope=SUBTREE)\n    return conn.entries\n',
        ),
        Example(
            'import ldap\n\ndef members(conn, group, base):\n    return conn.search_s(base, ldap.SCOPE_SUBTREE, filterstr="(memberOf=cn=%s,ou=groups)" % group)\n',
            fixed='import ldap\nfrom ldap.filter import escape_filter_chars\n\ndef members(conn, group, base):\n    return conn.search_s(base, ldap.SCOPE_SUBTREE, filterstr="(memberOf=cn=%s,ou=groups)" % escape_filter_chars(group))\n',
        ),
        # a filter of filters joined from a list: the values inside each need escaping
        Example('import ldap\n\ndef any_mail(conn, emails):\n    filt = "(|" + "".join(f"(mail={m})" for m in emails) + ")"\n    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filt)\n'),
        # the connection comes from another module: the filter's syntax says what it is
        Example(
            'from app.directory import conn\n\ndef find(uid):\n    conn.search("ou=people,dc=corp", "(uid=%s)" % uid)\n    return conn.entries\n',
            fixed='from app.directory import conn\nfrom ldap3.utils.conv import escape_filter_chars\n\ndef find(uid):\n    conn.search("ou=people,dc=corp", "(uid=%s)" % escape_filter_chars(uid))\n    return conn.entries\n',
        ),
        # assembled in a loop: escaping belongs inside the loop, so no one-click fix
        Example('import ldap\n\ndef any_of(conn, names):\n    filt = "(|"\n    for name in names:\n        filt += f"(uid={name})"\n    filt += ")"\n    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filt)\n'),
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

