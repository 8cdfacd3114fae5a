"""Which origins a Flask project's configuration gives flask-cors.

`CORS(app, supports_credentials=True)` and `@cross_origin(supports_credentials=True)` without
`origins=` do not always allow every origin: flask-cors takes the options a call leaves out
from the application's configuration (`CORS_ORIGINS`, `CORS_SUPPORTS_CREDENTIALS`, ...), and
only where that says nothing either does it fall back to `"*"`. Projects set it once:

    CORS_ORIGINS = ["http://localhost", "https://app.example.com"]     # settings.py
    app.config["CORS_ORIGINS"] = os.environ["ALLOWED_ORIGINS"]          # app.py

`read` collects, from the text of the workspace's configuration modules (`is_cors_configuration`:
settings and config modules), every value given to `CORS_ORIGINS` (a module constant, an item
of `app.config`, a keyword of `app.config.update(...)`), and says whether one of them allows
every origin, none does, or some are not constants (read from the environment, a file).
SLS508 (rules/cors_wildcard_credentials.py) asks it, and reads the module of the call itself
the same way (`origins_in`).
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from secure_ls.engine import astutil
from secure_ls.engine.units import parsed_configurations

# What a cached result records for the list of configuration modules it saw (like a module-name lookup).
CONFIGURATIONS = "<cors configurations>"

SETTING = "CORS_ORIGINS"
# Regular expressions that match every origin (flask-cors matches its strings as regular
# expressions; Starlette's `allow_origin_regex`), and with "*" the values that let every origin in.
ANY_ORIGIN_PATTERNS = frozenset({".*", "^.*$", ".+", "^.+$", "https?://.*", "^https?://.*$", "(.*)"})
ANY_ORIGIN = ANY_ORIGIN_PATTERNS | {"*"}
_CONFIGURATION_NAME = re.compile(r"(?:^|_)(?:settings|config|configuration|conf|defaults)(?:_|$)")


@dataclass(frozen=True)
class CorsOrigins:
    any_origin: bool  # one value given to CORS_ORIGINS allows every origin
    constant: bool  # every value given is a literal the engine read (else: set from the environment, a file)
    fingerprint: int = 0


def is_cors_configuration(path: str) -> bool:
    """A settings or config module (`settings.py`, `config/production.py`, `app_config.py`)."""
    folder, name = os.path.split(path)
    stem, extension = os.path.splitext(name)
    return extension == ".py" and (os.path.basename(folder) in ("settings", "config") or bool(_CONFIGURATION_NAME.search(stem)))


def read(texts: Iterable[str], paths: Iterable[str] = ()) -> CorsOrigins | None:
    """What the configuration modules in `texts` give CORS_ORIGINS; None when they do not set it.
    (`paths`, as for every reader of workspace.CONFIGURATIONS: what it says does not depend on them.)"""
    trees, fingerprint = parsed_configurations(text for text in texts if SETTING in text)
    return judged([value for tree in trees for value in origins_in(tree)], fingerprint)


def judged(values: list[ast.expr], fingerprint: int = 0) -> CorsOrigins | None:
    """What the values given to CORS_ORIGINS allow; None when there are none."""
    if not values:
        return None
    return CorsOrigins(any(_any_origin(v) for v in values), all(_literal(v) for v in values), fingerprint)


def origins_in(tree: ast.AST) -> list[ast.expr]:
    """The values a module gives CORS_ORIGINS: `CORS_ORIGINS = [...]`, `app.config["CORS_ORIGINS"] = ...`,
    `app.config.update(CORS_ORIGINS=...)`, `config.setdefault("CORS_ORIGINS", ...)`."""
    values = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_names_setting(target) for target in targets):
                values.append(node.value)
        elif isinstance(node, ast.Call) and astutil.last_name(node.func) in ("update", "setdefault"):
            values.extend(k.value for k in node.keywords if k.arg == SETTING)
            if len(node.args) == 2 and isinstance(node.args[0], ast.Constant) and node.args[0].value == SETTING:
                values.append(node.args[1])
    return values


def _names_setting(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return target.id == SETTING
    return isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and target.slice.value == SETTING


def _any_origin(value: ast.expr) -> bool:
    items = value.elts if isinstance(value, (ast.List, ast.Tuple, ast.Set)) else [value]
    return any(isinstance(item, ast.Constant) and item.value in ANY_ORIGIN for item in items)


def _literal(value: ast.expr) -> bool:
    items = value.elts if isinstance(value, (ast.List, ast.Tuple, ast.Set)) else [value]
    return all(isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items)
