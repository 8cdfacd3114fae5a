"""What a project's logging configuration says about the lines its loggers write.

Log injection needs a line break to reach the log file as it is. Many projects configure
logging once, for every logger, with a formatter that makes that impossible:

    LOGGING = {                                                    # settings/production.py
        "version": 1,
        "formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    }

A JSON formatter writes each record as one JSON object, every line break in the message,
its arguments and its extra fields escaped. A `logging.Formatter` subclass of the project
whose `format` replaces what is not printable (`isprintable()`, `.replace("\\n", ...)`,
`repr`, `json.dumps`) does the same, for the message it rewrites: when it rewrites
`record.msg`, the text of the message (an f-string's fields), not the `%s` arguments
merged into it later. A plain `logging.Formatter` escapes nothing, but it prints only the fields
its format names: with the record's own attributes alone (or no format: `%(message)s`), none of
the `extra=` fields.

`read` collects, from the text of the workspace's logging configurations (settings modules
and modules named after logging, see `is_logging_configuration`), every `dictConfig`-style
dict (one with "version" and "handlers"), and says which parts of a record every handler of
every one of them escapes. A handler without a formatter, a formatter of another class, a
class it cannot see, or a `logging.basicConfig()` call there escapes nothing. The workspace
store (engine/workspace.py) reads them once; the analysis keys its caches by
`LogFormatting.fingerprint`. docs/rules/SLS704.md has the user's view.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from secure_ls.engine import astutil
from secure_ls.engine.units import parsed_configurations

# What a cached result records for the list of logging configurations it saw (workspace.module_path
# answers it like a module-name lookup): no module has this name.
CONFIGURATIONS = "<logging configurations>"

# The parts of a log record a formatter may escape.
MESSAGE = "message"  # the message as the call wrote it: an f-string, a concatenation, a `.format()`
ARGUMENTS = "arguments"  # the `%s` arguments logging merges into the message
EXTRA = "extra"  # the `extra={...}` fields
WHOLE_RECORD = frozenset({MESSAGE, ARGUMENTS, EXTRA})

# Formatters that write a record as one JSON object (json.dumps escapes every line break).
JSON_FORMATTERS = frozenset(
    {
        "pythonjsonlogger.jsonlogger.JsonFormatter",
        "pythonjsonlogger.json.JsonFormatter",
        "pythonjsonlogger.orjson.OrjsonFormatter",
        "pythonjsonlogger.msgspec.MsgspecFormatter",
        "json_log_formatter.JSONFormatter",
        "json_log_formatter.VerboseJSONFormatter",
        "json_log_formatter.FlatJSONFormatter",
        "ecs_logging.StdlibFormatter",
    }
)
_CONFIGURATION_NAME = re.compile(r"(?:^|_)(?:settings|log|logs|logger|loggers|logging|logconfig|formatter|formatters)(?:_|$)")


@dataclass(frozen=True)
class LogFormatting:
    escaped: frozenset[str]  # the parts of a record every configured handler escapes
    fingerprint: int = 0


def is_logging_configuration(path: str) -> bool:
    """A settings module (`settings.py`, `settings/production.py`, `test_settings.py`) or a module
    named after logging (`log.py`, `logging_config.py`): where projects configure their loggers;
    or after formatters (`utils/formatter.py`), where they define the formatter classes a
    configuration names by dotted path."""
    folder, name = os.path.split(path)
    stem, extension = os.path.splitext(name)
    return extension == ".py" and (os.path.basename(folder) == "settings" or bool(_CONFIGURATION_NAME.search(stem)))


def read(texts: Iterable[str], paths: Iterable[str] = ()) -> LogFormatting | None:
    """What every handler of the logging configurations in `texts` escapes; None when they hold none.
    (`paths`, as for every reader of workspace.CONFIGURATIONS: what it says does not depend on them.)"""
    trees, fingerprint = parsed_configurations(texts)
    classes = {node.name: _escapes(node) for tree in trees for node in astutil.walk(tree) if isinstance(node, ast.ClassDef)}
    escaped = _configured(trees, classes)
    if escaped is None:
        return None
    return LogFormatting(escaped, fingerprint)


def configured_in(tree: ast.AST) -> frozenset[str] | None:
    """What a module that configures logging itself (`logging.basicConfig(format=...)`, a
    `dictConfig` dict, a formatter it builds: `handler.setFormatter(Formatter(fmt))`) escapes;
    None when it configures none. The formatters it builds count as handlers of theirs."""
    classes = {node.name: _escapes(node) for node in astutil.walk(tree) if isinstance(node, ast.ClassDef)}
    escaped = _configured([tree], classes)
    for node in astutil.walk(tree):
        if isinstance(node, ast.Call) and astutil.last_name(node.func).endswith("Formatter"):
            fmt = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("fmt", "format")), None)
            plain = astutil.dotted(node.func) in ("logging.Formatter", "Formatter")
            built = _plain_format_leaves_out(fmt) if plain else frozenset()
            escaped = built if escaped is None else escaped & built
    return escaped


def _configured(trees: Iterable[ast.AST], classes: dict[str, frozenset[str]]) -> frozenset[str] | None:
    escaped: frozenset[str] | None = None
    for tree in trees:
        for node in astutil.walk(tree):
            if isinstance(node, ast.Call) and astutil.last_name(node.func) == "basicConfig":
                # the root logger's plain formatter
                basic = _plain_format_leaves_out(next((k.value for k in node.keywords if k.arg == "format"), None))
                escaped = basic if escaped is None else escaped & basic
            elif isinstance(node, ast.Dict) and {"version", "handlers"} <= _literal_items(node).keys():
                for handler in _configured_handlers(node, classes):
                    escaped = handler if escaped is None else escaped & handler
    return escaped


def _configured_handlers(config: ast.Dict, classes: dict[str, frozenset[str]]) -> list[frozenset[str]]:
    """What the formatter of each handler of a `dictConfig` dict escapes."""
    entries = _literal_items(config)
    formatters = {name: _formatter_escapes(spec, classes) for name, spec in _literal_items(entries.get("formatters")).items()}
    handlers = entries.get("handlers")
    if not isinstance(handlers, ast.Dict) or None in handlers.keys:
        return [frozenset()]  # built elsewhere: nothing known
    # a formatter named through a variable (`"formatter": formatter`) is one of those defined
    any_of_them = frozenset.intersection(*formatters.values()) if formatters else frozenset()
    escapes = []
    for spec in handlers.values:
        if not isinstance(spec, ast.Dict):
            escapes.append(frozenset())
            continue
        formatter = _literal_items(spec).get("formatter")
        if formatter is None:
            escapes.append(frozenset({EXTRA}))  # logging's default format: the message alone
        elif isinstance(formatter, ast.Constant):
            escapes.append(formatters.get(formatter.value, frozenset()))
        else:
            escapes.append(any_of_them)
    return escapes


def _formatter_escapes(spec: ast.expr, classes: dict[str, frozenset[str]]) -> frozenset[str]:
    items = _literal_items(spec)
    factory = items.get("()", items.get("class"))
    if factory is None or isinstance(factory, ast.Constant) and factory.value == "logging.Formatter":
        return _plain_format_leaves_out(items.get("format"))  # logging.Formatter: the record as it is
    if not (isinstance(factory, ast.Constant) and isinstance(factory.value, str)):
        return frozenset()
    if factory.value in JSON_FORMATTERS:
        return WHOLE_RECORD
    return classes.get(factory.value.rsplit(".", 1)[-1], frozenset())


# The attributes every LogRecord has: a format that names only these prints no `extra=` field.
_RECORD_ATTRIBUTES = frozenset(
    {
        "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text", "stack_info",
        "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName", "processName", "process",
        "taskName", "message", "asctime",
    }
)
_FORMAT_FIELD = re.compile(r"%\((\w+)\)|\{(\w+)[^{}]*\}|\$\{?(\w+)")


def _plain_format_leaves_out(fmt: ast.expr | None) -> frozenset[str]:
    """A plain `logging.Formatter` writes what it is given as it is, but only the fields its format
    names: with a format of the record's own attributes (or none: `%(message)s`), no extra field."""
    if fmt is None:
        return frozenset({EXTRA})
    if not (isinstance(fmt, ast.Constant) and isinstance(fmt.value, str)):
        return frozenset()
    named = {next(g for g in m.groups() if g) for m in _FORMAT_FIELD.finditer(fmt.value)}
    return frozenset({EXTRA}) if named <= _RECORD_ATTRIBUTES else frozenset()


def _escapes(cls: ast.ClassDef) -> frozenset[str]:
    """What a formatter class defined by the project escapes: a JSON formatter's subclass the
    whole record; one whose `format` neutralises line breaks the record it returns, or only the
    message when what it rewrites is `record.msg`."""
    bases = {astutil.dotted(base) for base in cls.bases}
    if bases & JSON_FORMATTERS or any(base.rsplit(".", 1)[-1] in {"JsonFormatter", "JSONFormatter"} for base in bases if base):
        return WHOLE_RECORD
    if not any(base and base.endswith("Formatter") for base in bases):
        return frozenset()
    method = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "format"), None)
    if method is None or not any(_neutralises(node) for node in ast.walk(method)):
        return frozenset()
    rewrites_message = any(
        isinstance(target, ast.Attribute) and target.attr == "msg"
        for node in ast.walk(method)
        if isinstance(node, (ast.Assign, ast.AugAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
    )
    return frozenset({MESSAGE}) if rewrites_message else WHOLE_RECORD


def _neutralises(node: ast.AST) -> bool:
    """`text.isprintable()`, `text.replace("\\n", ...)`, `repr(text)`, `json.dumps(...)`,
    `text.encode("unicode_escape")`."""
    if not isinstance(node, ast.Call):
        return False
    name = astutil.last_name(node.func)
    if name in {"isprintable", "repr", "dumps"}:
        return True
    first = node.args[0] if node.args else None
    text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    return name == "replace" and ("\n" in text or "\r" in text) or name == "encode" and text == "unicode_escape"


def _literal_items(node: ast.expr | None) -> dict[str, ast.expr]:
    if not isinstance(node, ast.Dict):
        return {}
    return {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)}
