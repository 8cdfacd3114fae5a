"""Shared helpers for the error-handling and logging rules (SLS701-SLS705).

Recognising a logging call and the module's logger, locating an f-string field
in the source, and building the logging statements the fixes insert. (Web views
and responses: `frameworks`.)
"""

from __future__ import annotations

import ast
import re
import string

from secure_ls.engine import astutil
from secure_ls.engine.model import Edit, Fix, Position, Span
from secure_ls.rules._support import taint_sinks

LOGGER_NAMES = ("logger", "LOGGER", "_logger", "_LOGGER", "log", "LOG", "_log")
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})


def module_logger(ctx) -> str | None:
    """The name of a module-level logger (`logger = logging.getLogger(__name__)`), if any."""
    for name in LOGGER_NAMES:
        if name in ctx.module.defined:
            if name.lower().strip("_") == "log" and not ctx.imports("logging"):
                continue
            return name
    return None


def logger_for_fix(ctx) -> tuple[str, tuple[str, ...], bool]:
    """(expression to call logging methods on, imports needed, whether using it
    changes nothing but what is logged). `logging.warning()` on the root logger
    configures logging when nothing has, hence not side-effect free."""
    name = module_logger(ctx)
    if name is not None:
        return name, (), True
    return "logging", ("import logging",), False


_LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger", "structlog.getLogger"})


def is_logging_call(call: ast.Call, ctx) -> bool:
    """`logging.info(...)`, `logger.error(...)`, `self.log.warning(...)`, `app.logger.info(...)`."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    name = ctx.call_name(call) or ""
    if name.startswith(("logging.", "loguru.", "structlog.")):
        return True
    base = func.value
    if isinstance(base, ast.Call) and (ctx.call_name(base) or "") in _LOGGER_FACTORIES:
        return True
    if isinstance(base, ast.Name) and taint_sinks.built_by(base, ctx) in _LOGGER_FACTORIES:
        return True  # `audit = logging.getLogger("audit")`, whatever it is called
    base_name = astutil.last_name(base)
    if not base_name:
        return False
    lowered = base_name.lower().strip("_")
    return lowered in ("logger", "log", "logging", "_logger", "syslog", "audit_log", "audit_logger", "security_logger", "auth_logger") or lowered.endswith(("logger", "_log"))


def logger_statement(ctx, level: str, message: str, exc_info: bool = False) -> tuple[str, tuple[str, ...], bool]:
    """The text of a logging call, the imports it needs, and whether adding it is side-effect free."""
    logger, imports, clean = logger_for_fix(ctx)
    args = _quote(message) + (", exc_info=True" if exc_info else "")
    return f"{logger}.{level}({args})", imports, clean


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def own_line(stmt: ast.stmt, ctx) -> bool:
    """Whether `stmt` starts its line (so text can be inserted before it as a new line)."""
    line = ctx.line_text(stmt)
    indent = ctx.indentation(stmt)
    return stmt.col_offset == len(indent.encode("utf-8")) and line[: len(indent)].strip() == ""


def insert_line_before(stmt: ast.stmt, text: str, ctx) -> Edit:
    return ctx.insert_before(stmt, f"{text}\n{ctx.indentation(stmt)}")


def field_span(value: ast.expr, ctx) -> tuple[Span, str] | None:
    """For an expression inside an f-string field, the span of the whole `{...}` field and
    the text after the expression inside it (`!r`, `:>10`, ``). None if it cannot be located."""
    span = ctx.span(value)
    if span.start.line != span.end.line:
        return None
    line = ctx.lines[span.start.line]
    i = span.start.column - 1
    while i >= 0 and line[i] in " \t(":
        if line[i] == "(":
            return None
        i -= 1
    if i < 0 or line[i] != "{" or (i > 0 and line[i - 1] == "{" and (i < 2 or line[i - 2] != "{")):
        return None
    j = span.end.column
    depth = 0
    while j < len(line):
        ch = line[j]
        if ch == "{":
            return None  # nested format spec
        if ch == "}":
            break
        j += 1
    else:
        return None
    if depth:
        return None
    rest = line[span.end.column : j]
    return Span(Position(span.start.line, i), Position(span.start.line, j + 1)), rest


_PERCENT = re.compile(r"%(?:\((?P<name>\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")


# gettext and the names projects give it: the translation of a literal keeps its placeholders
_TRANSLATIONS = frozenset({"_", "gettext", "ugettext", "gettext_lazy", "ugettext_lazy", "lazy_gettext", "_l", "N_"})


def template_text(node: ast.expr) -> str | None:
    """The text of a message template: a string literal, or the literal a translation call is
    given (`_("Searching for {terms}")`), whose translations keep its placeholders."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _TRANSLATIONS and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def format_fields(message: ast.expr) -> list[tuple[ast.expr, str | None, str]] | None:
    """For `"text {} {name!r:>10}".format(a, name=b)`: each field's argument, conversion and
    format spec, `[(a, None, ""), (b, "r", ">10")]`. None when it is no such call, or a field
    cannot be matched to one argument (`*args`, `**kwargs`, `{0.attr}`, a nested spec)."""
    if not (isinstance(message, ast.Call) and isinstance(message.func, ast.Attribute) and message.func.attr == "format"):
        return None
    template = template_text(message.func.value)
    if template is None:
        return None
    if any(isinstance(a, ast.Starred) for a in message.args) or any(k.arg is None for k in message.keywords):
        return None
    keywords = {k.arg: k.value for k in message.keywords}
    fields = _template_fields(template)
    if fields is None:
        return None
    out: list[tuple[ast.expr, str | None, str]] = []
    for key, conversion, spec in fields:
        if "{" in spec:
            return None
        if isinstance(key, int) and key < len(message.args):
            out.append((message.args[key], conversion, spec))
        elif key in keywords:
            out.append((keywords[key], conversion, spec))  # type: ignore[index]
        else:
            return None
    return out


def brace_arguments(template: str, args: list[ast.expr]) -> list[tuple[ast.expr, str | None, str]] | None:
    """For loguru's `logger.info("{} and {name!r}", a, name=b)`, read like `str.format`: each
    positional argument a `{}`/`{0}` field prints, with its conversion and format spec (an argument
    no field names is not printed). None when a field cannot be matched to one (`*args`, `{0.attr}`,
    a malformed template)."""
    fields = _template_fields(template)
    if fields is None or any(isinstance(a, ast.Starred) for a in args):
        return None
    out = []
    for key, conversion, spec in fields:
        if isinstance(key, str):
            continue  # a keyword field (`{name}`): loguru's keyword arguments, or its record's `extra`
        if key >= len(args):
            return None
        out.append((args[key], conversion, spec))
    return out


def _template_fields(template: str) -> list[tuple[int | str, str | None, str]] | None:
    """The replacement fields of a `str.format` template, in order: (the argument's position, `{}`
    numbered automatically, or its name as written), conversion, format spec. None when the
    template does not parse."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    out: list[tuple[int | str, str | None, str]] = []
    automatic = 0
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name == "":
            key: int | str = automatic
            automatic += 1
        else:
            key = int(name) if name.isdigit() else name
        out.append((key, conversion, spec or ""))
    return out


def percent_specs(text: str) -> list[re.Match] | None:
    """The %-conversions of a logging format string, without `%%`; None when named."""
    out = []
    for match in _PERCENT.finditer(text):
        if match.group("conv") == "%":
            continue
        if match.group("name"):
            return None
        out.append(match)
    return out


def literal_prefix(node: ast.expr) -> str:
    """The constant text of an f-string or concatenation, fields removed, tidied for a message."""
    parts: list[str] = []
    if isinstance(node, ast.JoinedStr):
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
            else:
                parts.append("\0")
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        stack = [node]
        flat = []
        while stack:
            current = stack.pop()
            if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
                stack.append(current.right)
                stack.append(current.left)
            else:
                flat.append(current)
        for v in flat:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
            else:
                parts.append("\0")
    text = "".join(parts).split("\0")[0]
    text = text.strip().rstrip(":-–—,;(").strip()
    return text


def percent_fix(message: ast.Constant, index: int, specs, count: int, ctx) -> Fix | None:
    """Switch the `index`th `%s` of a one-line logging format to `%r` (SLS704's quick fix)."""
    if specs is None or len(specs) != count or specs[index].group("conv") != "s" or specs[index].group(0) != "%s":
        return None
    span = ctx.span(message)
    if span.start.line != span.end.line:
        return None
    source = ctx.text(message)
    source_specs = percent_specs(source)
    if source_specs is None or len(source_specs) != count or source_specs[index].group(0) != "%s":
        return None
    offset = source_specs[index].start()
    at = Position(span.start.line, span.start.column + offset)
    return Fix("Log the value with %r", (Edit(Span(at, Position(at.line, at.column + 2)), "%r"),), safe=True)


def percent_operands(message: ast.expr) -> list[ast.expr] | None:
    """The values a `"... %s ..." % values` message formats one by one (None for any other
    message, and for named conversions, `%(user)s`, which take items out of a mapping)."""
    if not (isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod)):
        return None
    template = template_text(message.left)
    if template is None or percent_specs(template) is None:
        return None
    right = message.right
    if isinstance(right, ast.Tuple):
        return None if any(isinstance(e, ast.Starred) for e in right.elts) else list(right.elts)
    return [right]
