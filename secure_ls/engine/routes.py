r"""What a Django project's URL configurations say about its function views.

The flow pass takes `def view(request, slug)` for a function view whose other parameters are
URL parameters, the client's text (engine/frameworks.is_django_function_view). A helper that
takes the request looks the same:

    def redirect_to_referrer(request, default):      # core/utils.py, called by views
        return redirect(safe_referrer(request, default))

The project's URL configurations tell them apart, and say what a routed parameter can hold:

    path("docs/<slug:doc>/", views.serve_doc)        # doc: letters, digits, `-` and `_` only

`read` collects, from the text of the workspace's URL configurations (`urls.py`, or modules of a
`urls` package), every name they mention and, for each view they route (a function, or the class
of a class-based view's `as_view()` or of a viewset a router registers), the sinks each parameter
is safe for on every route: the `int` and `uuid` converters hand over a number or a UUID; `slug`
and regex groups that only match letters, digits, `_` and `-` are `HARMLESS_TEXT`. The workspace
store (engine/workspace.py) reads them once; the analysis keys its caches by `Routes.fingerprint`.
A function view that no URL configuration of a project that has some mentions is a helper,
and its parameters are its callers' values. So is a view's parameter with a default that no
route to it passes (`def detail(request, pk, template_string="")` routed by `detail/<int:pk>/`):
Django calls it with the default (`Routes.unfilled`), unless a route may pass what it does not
spell (`Routes.opaque`).

A routed class's methods may be defined on its bases: IntelOwl's `PluginConfigViewSet` holds the
actions, and a router registers `AnalyzerPluginConfigViewSet(PluginConfigViewSet)` under
`analyzer/(?P<name>\w+)`. `read` notes where each routed class is imported from (`references`);
the workspace follows their bases through the modules that define them and hands back, with
`with_inheritance`, which routed classes inherit each workspace class, so that the base's methods
receive what every route to any of them lets through. docs/taint.md has the user's view.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from secure_ls.engine import astutil
from secure_ls.engine.symbols import ModuleSymbols, import_bindings
from secure_ls.engine.regex_removal import HARMLESS_TEXT, holds_no_line_break, matched_text_safe_for, pieces_safe_for
from secure_ls.engine.taint import ALL, LINE_SINKS
from secure_ls.engine.units import parsed_configurations

# What a cached result records for the list of URL configurations it saw (workspace.module_path
# answers it like a module-name lookup): no module has this name.
CONFIGURATIONS = "<django url configurations>"
_ROUTE_CALLS = frozenset({"path", "re_path", "url"})
# Django REST framework's `router.register(prefix, ViewSet)`: the prefix is a regex whose named
# groups the viewset's actions receive as keyword arguments.
_REGISTER_CALLS = frozenset({"register"})
# Text of letters, digits, `_` and `-` only: no `../`, quote, markup, line break, `:` or `/`. Still
# not safe in SQL (`5--` comments the rest of a query out), a command line (`-rf` is an option),
# code or a pickle. Digits alone are safe everywhere, yet still the client's text (a code compared
# with a secret leaks by timing), so they are safe for every named sink but not "*". The `int`
# and `uuid` converters hand over numbers and UUID objects: nothing of the client's text is left.
_CONVERTERS = {"int": ALL, "uuid": ALL, "slug": HARMLESS_TEXT}
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
# a capturing group without a name: `(` not escaped, not followed by `?` (`(?:`, `(?P<`, `(?=`)
_UNNAMED_GROUP = re.compile(r"(?<!\\)\((?!\?)")
# what DRF's format_suffix_patterns() captures (its FORMAT_SUFFIX_KWARG setting's default)
_FORMAT_SUFFIX = "format"
# Routes.opaque's mark for "any view": an `include()` whose routes receive what it captures
ANY_VIEW = "*"


@dataclass(frozen=True)
class Routes:
    mentioned: frozenset[str]  # every name the URL configurations mention
    # view name -> parameter -> the sinks every route naming the view and passing it makes it safe for
    restricted: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    fingerprint: int = 0
    # (routed class, the URL configuration's path, the class's qualified name as that
    # configuration imports it: `.views.DocView`): where the workspace finds each class's bases
    references: tuple[tuple[str, str, str], ...] = ()
    # class -> the routed classes that inherit it (from the workspace's modules, with_inheritance)
    inherited: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # routed classes whose module the configurations do not say (`wrap(View.as_view())`, a class
    # defined in the configuration): what they inherit is not known, so no class inherits routes
    unlocated: frozenset[str] = frozenset()
    # views some route may hand parameters the configurations do not spell: a pattern that is not a
    # literal, unnamed regex groups (passed by position), extra keyword arguments not written as a
    # dict; ANY_VIEW when an `include()` does (every view it includes receives them)
    opaque: frozenset[str] = frozenset()
    # what an `include()` captures or adds (`path("<slug:org>/", include(...))`): any view may receive it
    everywhere: frozenset[str] = frozenset()

    def routes(self, function: str) -> bool:
        return function in self.mentioned

    def unfilled(self, view: str, defaulted: Iterable[str]) -> frozenset[str]:
        """The parameters among `defaulted` (those with a default) of the function view `view`
        that no route to it passes: Django calls it with their defaults on every route, so they
        hold the developer's value, not the URL's (a parameter only the tests set). None when a
        route to it is not read (`opaque`), or no route read names it."""
        if view not in self.restricted or view in self.opaque or ANY_VIEW in self.opaque:
            return frozenset()
        return frozenset(p for p in defaulted if p not in self.restricted[view] and p not in self.everywhere)

    def safe_for(self, view: str, parameter: str) -> frozenset[str]:
        """What every route to `view`, or to a routed class that inherits it, that passes
        `parameter` lets through (as for the routes of one view, a route without it is not
        counted: the parameter keeps its default there); nothing when no route passes it."""
        reached = [self.restricted[v][parameter] for v in (view, *sorted(self.inherited.get(view, ()))) if parameter in self.restricted.get(v, {})]
        return frozenset.intersection(*reached) if reached else frozenset()

    def captured(self, view: str) -> dict[str, frozenset[str]]:
        """Each parameter the routes to `view` (or to a routed class that inherits it) pass, and what
        every route passing it lets through (safe_for): what a view's `**kwargs` holds under that key."""
        names = set().union(*(self.restricted.get(v, {}) for v in (view, *self.inherited.get(view, ()))))
        return {name: self.safe_for(view, name) for name in names}

    def with_inheritance(self, inherited: Mapping[str, frozenset[str]]) -> "Routes":
        """These routes, knowing which routed classes inherit each class (`inherited`)."""
        fingerprint = hash((self.fingerprint, frozenset(inherited.items())))
        return Routes(self.mentioned, self.restricted, fingerprint, self.references, dict(inherited), self.unlocated, self.opaque, self.everywhere)


def is_url_configuration(path: str) -> bool:
    """`urls.py`, or a module of a `urls` package."""
    folder, name = os.path.split(path)
    return name == "urls.py" or (os.path.basename(folder) == "urls" and name.endswith(".py"))


def read(texts: Iterable[str], paths: Iterable[str] = ()) -> Routes:
    """The routes of the URL configurations whose source texts are `texts` (unparsable ones
    skipped); `paths`, their files in the same order, when known (for `references`)."""
    mentioned: set[str] = set()
    provided: dict[str, dict[str, frozenset[str]]] = {}  # view -> parameter -> safe on every route so far
    references: set[tuple[str, str, str]] = set()
    unlocated: set[str] = set()  # classes routed to whose module is not known
    opaque: set[str] = set()  # views some route may pass what it does not spell (Routes.opaque)
    everywhere: set[str] = set()  # what includes pass to every view they include (Routes.everywhere)
    texts, paths = list(texts), list(paths)
    trees, fingerprint = parsed_configurations(texts, aligned=True)
    for tree, path in zip(trees, paths if len(paths) == len(texts) else [None] * len(texts)):
        if tree is None:
            continue
        imported = dict(b for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for b in import_bindings(node))
        lists = _route_lists(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                mentioned.add(node.id)
            elif isinstance(node, ast.Attribute):
                mentioned.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
                mentioned.add(node.value.rsplit(".", 1)[1])  # "app.views.detail" (old Django)
            if isinstance(node, ast.Call) and astutil.last_name(node.func) == "format_suffix_patterns":
                everywhere.add(_FORMAT_SUFFIX)  # DRF: every route again, with `.json` captured as `format`
            if isinstance(node, ast.Call) and astutil.last_name(node.func) in _ROUTE_CALLS | _REGISTER_CALLS and len(node.args) >= 2:
                routed = _route(node, provided, opaque, everywhere, lists)
                if routed is None:
                    continue
                name, spelled = routed  # `views.DocView`: `.views.DocView` after `from . import views`
                if spelled is None:
                    continue  # a function view: inherits nothing
                head, dot, rest = spelled.partition(".")
                if path is not None and head in imported:
                    references.add((name, path, imported[head] + dot + rest))
                else:
                    unlocated.add(name)
    return Routes(frozenset(mentioned), provided, fingerprint, tuple(sorted(references)), unlocated=frozenset(unlocated), opaque=frozenset(opaque), everywhere=frozenset(everywhere))


def routed_descendants(
    references: Iterable[tuple[str, str, str]],
    module_path: Callable[[str, str], str | None],
    module_symbols: Callable[[str], ModuleSymbols | None],
) -> dict[str, frozenset[str]]:
    """Workspace class -> the routed classes that inherit it, following each routed class's bases
    (Routes.references) through the modules that define or import them: `module_path(dotted,
    importer)` finds a module's file, `module_symbols(path)` says what its top level binds."""

    def located(qualified: str, importer: str) -> tuple[str, str] | None:  # (its module's file, the class)
        module, _, name = qualified.rpartition(".")
        path = module_path(module, importer) if module and name else None
        return (path, name) if path is not None else None

    inherited: dict[str, set[str]] = {}
    for routed, configuration, qualified in references:
        start = located(qualified, configuration)
        pending, seen = [start], set()
        while pending and len(seen) < 32:
            where = pending.pop()
            if where is None or where in seen:
                continue
            seen.add(where)
            path, name = where
            symbols = module_symbols(path)
            if symbols is not None and name not in symbols.class_bases and name in symbols.imports:
                pending.append(located(symbols.imports[name], path))  # re-exported: a package's `from .views import DocView`
            if symbols is None or name not in symbols.class_bases:
                continue  # not a class this module defines
            if where != start:
                inherited.setdefault(name, set()).add(routed)
            for base in symbols.class_bases[name]:
                if base in symbols.class_bases:
                    pending.append((path, base))
                elif base in symbols.imports:
                    pending.append(located(symbols.imports[base], path))
    return {name: frozenset(classes) for name, classes in inherited.items()}


class InheritedRoutes:
    """The routes with what each class inherits (`routed_descendants`), recomputed only when the
    routes or a module read for them changed: an editor asks on every keystroke in a Django
    module, and an unchanged answer must be the same object, so that the module's symbols are
    reused (analyzer._module_base compares them by identity)."""

    def __init__(self) -> None:
        self._last: tuple | None = None  # (routes, ((module path, its symbols), ...), answer)

    def __call__(self, found: Routes | None, module_path: Callable, module_symbols: Callable) -> Routes | None:
        if found is None or not found.references or found.unlocated:
            return found  # a routed class of unknown module may inherit any class
        last = self._last
        if last is not None and last[0] is found and all(module_symbols(path) is symbols for path, symbols in last[1]):
            return last[2]
        read: list[tuple[str, object]] = []

        def recorded(path: str):
            symbols = module_symbols(path)
            read.append((path, symbols))
            return symbols

        answer = found.with_inheritance(routed_descendants(found.references, module_path, recorded))
        self._last = (found, tuple(read), answer)
        return answer


def _route(
    call: ast.Call, provided: dict[str, dict[str, frozenset[str]]], opaque: set[str], everywhere: set[str], lists: dict[str, ast.List]
) -> tuple[str, str | None] | None:
    """Records what the route `call` lets through, in `opaque` a view it may pass what it does
    not spell and in `everywhere` what an include passes to every view (Routes.opaque,
    Routes.everywhere); returns the view's name and, for a class, its dotted name as spelled
    (_class_spelled). An include of a list the configuration itself binds (`lists`:
    `include(fragment_urls)`) passes what it captures to the views of that list alone."""
    pattern, view = call.args[0], call.args[1]
    literal = isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)
    extra = call.args[2] if len(call.args) > 2 else next((k.value for k in call.keywords if k.arg == "kwargs"), None)
    routing = astutil.last_name(call.func) in _ROUTE_CALLS  # not a router's `register` of a viewset class
    name = _view_name(view) if routing else _class_name(view)
    included = _included_views(view, lists) if routing and name is None else None
    if name is None and included is None:  # `include(...)`: every view it includes receives what it captures and adds
        if routing:
            passed = _spelled_names(pattern.value, extra, astutil.last_name(call.func) == "path") if literal else None
            everywhere.update(passed if passed is not None else ())
            opaque.update(() if passed is not None else (ANY_VIEW,))
        return None
    views = included or (name,)  # the route's view, or the views of the list it includes
    if not literal:
        opaque.update(views)
        return None
    if astutil.last_name(call.func) == "path":
        params = {m["name"]: _converted(m["converter"] or "str") for m in _CONVERTER.finditer(pattern.value)}
    else:
        params = {m["name"]: _group_safe_for(pattern.value, m.end()) for m in _GROUP.finditer(pattern.value)}
        if _UNNAMED_GROUP.search(pattern.value):
            opaque.update(views)  # `^(\d+)/$`: passed by position
    if isinstance(extra, ast.Dict):  # path("", views.page, {"name": "home"}): constants
        for key in extra.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                params.setdefault(key.value, ALL)
    if routing and _spelled_names(None, extra, False) is None:
        opaque.update(views)  # `path("", views.page, EXTRA)`: keys not spelt
    for view_name in views:
        known = provided.setdefault(view_name, {})
        for param, safe in params.items():
            known[param] = known[param] & safe if param in known else safe
    return (name, _class_spelled(call, view)) if name is not None else None


def _route_lists(tree: ast.Module) -> dict[str, ast.List]:
    """The lists of routes a configuration binds once at its top level and never changes
    (`fragment_urls = [path(...), ...]`; not one extended, appended to or bound again)."""
    bound: dict[str, list[ast.expr]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(stmt.value)
    changed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            changed.add(node.target.id)  # `urls += [...]`
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.attr in ("append", "extend", "insert"):
            changed.add(node.func.value.id)
    return {name: values[0] for name, values in bound.items() if len(values) == 1 and isinstance(values[0], ast.List) and name not in changed}


def _included_views(view: ast.expr, lists: dict[str, ast.List], depth: int = 0) -> list[str] | None:
    """The views routed by `include(NAME)` where NAME is a list of routes the configuration binds,
    through the includes of such lists in it; None when any route there goes elsewhere (another
    module's configuration, a pattern list built otherwise)."""
    if not (isinstance(view, ast.Call) and astutil.last_name(view.func) == "include" and view.args and depth < 8):
        return None
    target = view.args[0].elts[0] if isinstance(view.args[0], ast.Tuple) and view.args[0].elts else view.args[0]
    routes = lists.get(target.id) if isinstance(target, ast.Name) else None
    if routes is None:
        return None
    views: list[str] = []
    for entry in routes.elts:
        if not (isinstance(entry, ast.Call) and astutil.last_name(entry.func) in _ROUTE_CALLS and len(entry.args) >= 2):
            return None
        inner = _view_name(entry.args[1])
        found = [inner] if inner is not None else _included_views(entry.args[1], lists, depth + 1)
        if found is None:
            return None
        views += found
    return views


def _spelled_names(pattern: str | None, extra: ast.expr | None, converters: bool) -> set[str] | None:
    """The keyword arguments a route passes: what its `pattern` captures (by `<converter:name>`
    when `converters`, else by named regex groups) and the keys of its `extra` dict. None when
    they are not all spelt: no literal pattern, an unnamed group (passed by position), extra
    keyword arguments not written as a dict of literal keys."""
    names: set[str] = set()
    if pattern is not None:
        if _UNNAMED_GROUP.search(pattern):
            return None
        names.update(m["name"] for m in (_CONVERTER if converters else _GROUP).finditer(pattern))
    if extra is not None:
        if not (isinstance(extra, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in extra.keys)):
            return None
        names.update(k.value for k in extra.keys)
    return names


def _class_spelled(call: ast.Call, view: ast.expr) -> str | None:
    """The dotted name, as spelled, of the class the route `call` routes to (`views.DocView` of
    `views.DocView.as_view()` or of a registered viewset); "" for a class spelled otherwise
    (`login_required(views.DocView.as_view())`); None for a function."""
    if astutil.last_name(call.func) in _REGISTER_CALLS:
        return astutil.dotted(view) or ""
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        return astutil.dotted(view.func.value) or ""
    return "" if any(isinstance(n, ast.Attribute) and n.attr == "as_view" for n in ast.walk(view)) else None


def _converted(converter: str) -> frozenset[str]:
    """The sinks a `path()` converter makes its parameter safe for: Django's own by what they match;
    one the project registered (`register_converter`) is its own validation, like a database row."""
    if converter in _CONVERTERS:
        return _CONVERTERS[converter]
    return frozenset() if converter in ("str", "path") else ALL


def _view_name(view: ast.expr) -> str | None:
    """`views.detail`, `detail`, `login_required(views.detail)`: the function routed to;
    `views.DocView.as_view()`: the class, whose methods receive the URL's parameters
    (None for `include(...)`)."""
    while isinstance(view, ast.Call):
        if isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            return _class_name(view.func.value)
        if astutil.last_name(view.func) == "include":
            return None
        if not view.args:
            return None
        view = view.args[-1]
    return astutil.last_name(view) or None


def _class_name(view: ast.expr) -> str | None:
    """`views.DocView`, `DocView`: a class routed to (a class-based view, a viewset)."""
    return astutil.last_name(view) or None if isinstance(view, (ast.Name, ast.Attribute)) else None


def _group_safe_for(pattern: str, start: int) -> frozenset[str]:
    """The sinks the text of the regex group whose body starts at `start` is safe for."""
    depth, index = 1, start
    while index < len(pattern) and depth:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        depth += 1 if char == "(" else -1 if char == ")" else 0
        index += 1
    if depth:
        return frozenset()
    body = pattern[start : index - 1]
    # a group of other characters without a line break (`[\w.-]+`, `\S+`) is at least one line
    return matched_text_safe_for(body) or pieces_safe_for(body) & LINE_SINKS or (LINE_SINKS if holds_no_line_break(body) else frozenset())
