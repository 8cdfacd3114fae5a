"""The exceptions a function lets escape, by class: which of its callers' handlers a call can reach.

A route looks a record up first, and logs in a broad handler placed after narrower ones:

    try:
        note = await Note.get(note_id)          # raises NotFoundError or InvalidInputError, nothing else
        ...
    except OpenNotebookError:                   # both derive from it
        raise
    except Exception as e:
        logger.error(f"Error fetching note {note_id}: {e}")

The last handler is reached only from what follows the look-up, so there the look-up has found
the record: `note_id` is a stored key (lookups). A function's summary keeps the classes that can
escape it (`FunctionSummary.raises`), each as its ancestry, the last names of the class and of its
bases (`("NotFoundError", "OpenNotebookError", "Exception", "BaseException")`); or nothing, when
anything may escape: a call outside a handler that catches everything, a subscript, a `with`.
An exception class declares its bases to the modules importing it (declarations.Declaration), so an
ancestry crosses modules. An override that runs the base's look-up first (`instance = await
super().get(id)`, then a decryption that may raise anything) keeps what that look-up raises apart
(`base_lookup_raises`): whatever it raises after, the key was found by then.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Mapping

from secure_ls.engine import astutil

Ancestry = tuple[str, ...]
# calls that raise nothing on the values code passes them (`str(e)` in a message)
_QUIET_BUILTINS = frozenset({"str", "repr", "isinstance", "issubclass", "type", "len", "bool", "id", "callable", "hasattr"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
_CATCH_ALL = frozenset({"Exception", "BaseException"})


def builtin_ancestry(name: str) -> Ancestry | None:
    """The ancestry of a built-in exception class (`KeyError`: KeyError, LookupError, Exception,
    BaseException); None for any other name."""
    found = getattr(builtins, name, None)
    if not (isinstance(found, type) and issubclass(found, BaseException)):
        return None
    return tuple(c.__name__ for c in found.__mro__ if c is not object)


def is_exception_ancestry(names: Ancestry) -> bool:
    """Whether a class with these names among its own and its bases' is an exception class."""
    return any(builtin_ancestry(n) is not None or n.endswith(("Error", "Exception")) for n in names)


def completed(names: Ancestry) -> Ancestry:
    """The ancestry with a built-in base's own bases added (`ValueError` brings Exception, BaseException)."""
    out = list(names)
    for name in names:
        for base in builtin_ancestry(name) or ():
            if base not in out:
                out.append(base)
    return tuple(out)


def escaping(body: list[ast.stmt], ancestry: Callable[[ast.expr], Ancestry | None]) -> tuple[Ancestry, ...] | None:
    """The ancestries of the exceptions that can escape `body`, a function's statements (nested
    scopes aside); None when anything may. `ancestry` names the class a `raise` expression makes
    (None: not a class it knows)."""
    walk = _Escapes(ancestry)
    walk.block(body, ())
    return None if walk.unknown else tuple(sorted(walk.found))


def catches(handler: ast.ExceptHandler, ancestry: Ancestry) -> bool:
    """Whether `handler` may catch an exception of this ancestry."""
    names = _handled_names(handler)
    if names is None:
        return True
    return any(n in ancestry or n in _CATCH_ALL and "BaseException" not in ancestry or n == "Exception" and "Exception" in ancestry for n in names)


def misses(handler: ast.ExceptHandler, ancestry: Ancestry) -> bool:
    """Whether `handler` surely does not catch an exception of this ancestry: the ancestry is
    complete (down to BaseException) and names none of the handled classes."""
    return "BaseException" in ancestry and not catches(handler, ancestry)


def passes_by(handlers: list[ast.ExceptHandler], index: int, raises: tuple[Ancestry, ...] | None) -> bool:
    """Whether none of the exceptions `raises` lists (a call's) reaches handler `index`: each is
    caught by a handler before it, or surely not by it."""
    if raises is None:
        return False
    before = handlers[:index]
    return all(any(catches(h, a) for h in before) or misses(handlers[index], a) for a in raises)


def _handled_names(handler: ast.ExceptHandler) -> tuple[str, ...] | None:
    """The last names of the classes a handler names; None for a bare `except:`."""
    if handler.type is None:
        return None
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return tuple(astutil.last_name(t) for t in types)


class _Escapes:
    """One walk of a block: the ancestries found so far, or `unknown` once anything may escape."""

    def __init__(self, ancestry: Callable[[ast.expr], Ancestry | None]):
        self.ancestry = ancestry
        self.found: set[Ancestry] = set()
        self.unknown = False

    def block(self, stmts: list[ast.stmt], handled: tuple[Ancestry, ...] | None) -> None:
        """`handled`: what the handler around these statements caught (a bare `raise` re-raises it), None: anything."""
        for stmt in stmts:
            if self.unknown:
                return
            self.statement(stmt, handled)

    def statement(self, stmt: ast.stmt, handled: tuple[Ancestry, ...] | None) -> None:
        if isinstance(stmt, ast.Raise):
            self._raise(stmt, handled)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self._try(stmt, handled)  # type: ignore[arg-type]
        elif isinstance(stmt, (ast.If, ast.While)):
            self._calm(stmt.test)
            self.block(stmt.body, handled)
            self.block(stmt.orelse, handled)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._calm(stmt.iter)
            self.block(stmt.body, handled)
            self.block(stmt.orelse, handled)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if not all(isinstance(t, (ast.Name, ast.Attribute)) for t in targets):
                self.unknown = True  # `d[k] = v`, unpacking: may raise
            self._calm(stmt.value)
        elif isinstance(stmt, (ast.Expr, ast.Return)):
            self._calm(stmt.value)
        elif not isinstance(stmt, (ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.unknown = True  # `with`, `match`, `del`, `assert`, an import ...
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.decorator_list:
            self.unknown = True

    def _raise(self, stmt: ast.Raise, handled: tuple[Ancestry, ...] | None) -> None:
        if stmt.exc is None:  # a bare `raise`: what the handler caught
            if handled is None:
                self.unknown = True
            else:
                self.found.update(handled)
            return
        made = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        if isinstance(stmt.exc, ast.Call):
            for arg in (*stmt.exc.args, *(k.value for k in stmt.exc.keywords)):
                self._calm(arg)
        names = self.ancestry(made)
        if names is None:
            self.unknown = True
        else:
            self.found.add(names)

    def _try(self, stmt: ast.Try, handled: tuple[Ancestry, ...] | None) -> None:
        attempt = _Escapes(self.ancestry)
        attempt.block(stmt.body, handled)
        caught = [self._caught(h) for h in stmt.handlers]
        if attempt.unknown:
            if not any(h.type is None or set(_handled_names(h) or ()) & _CATCH_ALL for h in stmt.handlers):
                self.unknown = True
                return
        else:
            self.found.update(a for a in attempt.found if not any(catches(h, a) for h in stmt.handlers))
        for handler, names in zip(stmt.handlers, caught):
            self.block(handler.body, names)
        self.block(stmt.orelse, handled)
        self.block(stmt.finalbody, handled)

    def _caught(self, handler: ast.ExceptHandler) -> tuple[Ancestry, ...] | None:
        """The ancestries of the classes a handler names (what its bare `raise` re-raises); None: any."""
        if handler.type is None:
            return None
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        found = [self.ancestry(t) for t in types]
        if any(a is None or set(a[:1]) & _CATCH_ALL for a in found):
            return None
        return tuple(found)  # type: ignore[arg-type]

    def _calm(self, node: ast.expr | None) -> None:
        """Anything may escape an expression that calls (other than logging and quiet built-ins),
        awaits or subscripts."""
        if node is None or self.unknown:
            return
        for inner in astutil.walk(node):
            if isinstance(inner, (ast.Await, ast.Subscript, ast.Yield, ast.YieldFrom)):
                self.unknown = True
            elif isinstance(inner, ast.Call) and not _quiet_call(inner):
                self.unknown = True
            if self.unknown:
                return


def _quiet_call(call: ast.Call) -> bool:
    """A logging call (`logger.error(...)`), or a built-in that raises nothing on ordinary values."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in _QUIET_BUILTINS
    return isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS and "log" in astutil.last_name(func.value).lower()


def always_leaves(stmts: list[ast.stmt]) -> bool:
    """Whether every path through `stmts` ends in a `return` or a `raise` (none falls off the end)."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return always_leaves(last.body) and always_leaves(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return always_leaves(last.body)
    if isinstance(last, ast.Try):
        attempt = always_leaves(last.body) or always_leaves(last.orelse)
        return attempt and all(always_leaves(h.body) for h in last.handlers) or always_leaves(last.finalbody)
    return False


def declared_bases(cls: ast.ClassDef, ancestors: Ancestry) -> Ancestry:
    """What an exception class declares to its importers (declarations.Declaration.exception_bases): its
    bases' names as far as its module knows them (`ancestors`, ModuleSymbols.ancestors), completed
    with a built-in base's own; nothing for another class."""
    return completed(ancestors) if is_exception_ancestry((cls.name, *ancestors)) else ()


def placeholder(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A method standing in for its subclasses' (`def _get_root_secret(self, conf): raise
    NotImplementedError`, or an `@abstractmethod` with no body but `...` or `pass`): what a call
    of it returns is whatever the subclass's returns, not the nothing this one does."""
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]  # the docstring, `...`
    if len(body) == 1 and isinstance(body[0], ast.Raise) and body[0].exc is not None:
        return astutil.last_name(body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc) == "NotImplementedError"
    abstract = any(astutil.last_name(d) == "abstractmethod" for d in func.decorator_list)
    return abstract and all(isinstance(s, ast.Pass) for s in body)


def raised_class(node: ast.expr, module, functions: Mapping, qualify) -> Ancestry | None:
    """The ancestry of the class a `raise` names: of this module (with what an imported base of it
    declares), an imported one that declares its bases, or a built-in; None for anything else.
    (`module`: the symbols.ModuleSymbols; `functions`: summaries and declarations.Declarations by name.)"""
    name = astutil.last_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else ""
    if isinstance(node, ast.Name) and name in module.class_bases:
        names = (name, *module.ancestors(module.class_bases[name]))
        imported = [functions.get(module.imports[n]) for n in names if n in module.imports and "." in module.imports[n]]
        return completed(names + tuple(b for d in imported for b in getattr(d, "exception_bases", ())))
    if isinstance(node, ast.Name) and name not in module.defined and name not in module.imports:
        return builtin_ancestry(name)
    found = functions.get(qualified) if (qualified := qualify(node)) and "." in qualified else None
    return completed((name, *found.exception_bases)) if getattr(found, "exception_bases", ()) else None


def extends_base(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The method's first statement (after its docstring) runs the base's own method with the
    method's parameters, in order, and keeps or returns its result (`instance = await
    super().get(id)`): an override that adds to what the base's method does after it."""
    body = func.body[1:] if func.body and isinstance(func.body[0], ast.Expr) and isinstance(func.body[0].value, ast.Constant) else func.body
    first = body[0] if body else None
    value = first.value if isinstance(first, (ast.Assign, ast.Return)) and (isinstance(first, ast.Return) or len(first.targets) == 1) else None
    if isinstance(value, ast.Await):
        value = value.value
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == func.name and not value.keywords):
        return False
    made = value.func.value
    if not (isinstance(made, ast.Call) and isinstance(made.func, ast.Name) and made.func.id == "super" and not made.args):
        return False
    parameters = [a.arg for a in (*func.args.posonlyargs, *func.args.args)][1:]  # past self or cls
    return bool(parameters) and [a.id if isinstance(a, ast.Name) else None for a in value.args] == parameters


def base_lookup_raises(func: ast.FunctionDef | ast.AsyncFunctionDef, bases: tuple[str, ...], summary_of) -> tuple[Ancestry, ...] | None:
    """For a method of a class with these `bases` that runs the base's own method first
    (extends_base), when that is a look-up raising on a miss: what it raises (summaries'
    FunctionSummary.found_first_raises); None otherwise. `summary_of`: a called function's summary."""
    if not bases or not extends_base(func):
        return None
    for base in bases:
        summary = summary_of(ast.Attribute(value=ast.Name(id=base, ctx=ast.Load()), attr=func.name, ctx=ast.Load()))
        if summary is not None:
            return summary.raises_until_found() if summary.finds_or_raises() else None
    return None
