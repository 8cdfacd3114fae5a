"""What a rule can ask about the code it is looking at.

One `UnitContext` serves all rules for one unit. It resolves names through
imports and local bindings (`from hashlib import md5 as h; h(pw)` is
`hashlib.md5`; a local function named `md5` is not), knows where values come
from (engine/flow.py), maps `ast` positions (UTF-8 byte columns) to
code-point spans, and builds findings and edits.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from secure_ls.engine import admin_sites, astutil, bindings, constructions, flow, guards, suppressions, taint
from secure_ls.engine.model import (
    Confidence,
    Edit,
    Finding,
    Fix,
    Position,
    Related,
    Severity,
    Span,
)
from secure_ls.engine.declarations import Declaration
from secure_ls.engine.symbols import ModuleSymbols, base_names
from secure_ls.engine.pacing import Pace, Steps
from secure_ls.engine.units import ParsedUnit

if TYPE_CHECKING:
    from secure_ls.rules.base import Rule

T = TypeVar("T")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)
# Test code (see `UnitContext.in_test_code`): the frameworks whose import makes a file
# test code, and the function and class names that make their body test code.
TEST_FRAMEWORKS = ("pytest", "unittest", "nose", "hypothesis")
_TEST_NAME = re.compile(r"^_?test|^(?:setUp|setUpClass|setup_method)$|(?:^|_)(?:test|tests|testing)(?:_|$)|^Test|Tests?$|Testing|TestCase")


class UnitContext:
    def __init__(
        self, unit: ParsedUnit, module: ModuleSymbols, catalog_overrides: dict | None = None, constructor_arguments=None, module_env=None
    ):
        self.unit = unit
        # the bindings earlier top-level statements leave for this unit's module-level code: an
        # Env, or a function computing it when first needed (engine/toplevel.py)
        self._module_env = module_env
        # what the module's other units pass to this unit's constructors (engine/constructions.py)
        self._constructor_arguments = constructor_arguments
        self.module = module
        self.lines = unit.lines
        self.tree = unit.tree
        self.findings: list[Finding] = []
        self._parents: dict[int, ast.AST] = {}
        self._scope_of: dict[int, ast.AST] = {}
        self._flows: dict[int, flow.FlowAnalyzer] = {}
        self._end_envs: dict[int, bindings.Env] = {}
        self._class_attributes: dict[int, bindings.InstanceAttributes] = {}  # id(ClassDef) -> what its methods store on self
        self._overrides = catalog_overrides or {}
        self._suppressions = suppressions.read(self.lines, unit.parsed_text)
        self._qualified: dict[int, str | None] = {}
        self._origins: dict[int, taint.Origin] = {}
        self._bindings: dict[int, frozenset[str]] = {}
        self._parameters: dict[int, frozenset[str]] = {}
        self._assigned: dict[int, set[str]] = {}
        self._aliases: dict[int, set[str]] = {}
        self._facts: dict[tuple, object] = {}  # see `once`

    def release(self) -> None:
        """Drops the flow passes once the unit's findings are out (they hold plain values):
        their deferred origins refer back to the passes, a cycle otherwise left to the cyclic
        garbage collector (see flow.FlowAnalyzer.release)."""
        for analyzer in self._flows.values():
            analyzer.release()
        self._flows.clear()
        self._end_envs.clear()
        self._class_attributes.clear()
        self._origins.clear()
        self._facts.clear()

    # ---- tree navigation (filled in by the walker) ----------------------
    def set_parent(self, child: ast.AST, parent: ast.AST, scope: ast.AST) -> None:
        self._parents[id(child)] = parent
        self._scope_of[id(child)] = scope

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self._parents.get(id(node))

    def ancestors(self, node: ast.AST) -> Iterable[ast.AST]:
        current = self._parents.get(id(node))
        while current is not None:
            yield current
            current = self._parents.get(id(current))

    def statement(self, node: ast.AST) -> ast.stmt | None:
        if isinstance(node, ast.stmt):
            return node
        for anc in self.ancestors(node):
            if isinstance(anc, ast.stmt):
                return anc
        return None

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for anc in self.ancestors(node):
            if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return anc
        return None

    def scope(self, node: ast.AST) -> ast.AST:
        return self._scope_of.get(id(node), self.tree)

    def once(self, fact: Callable[[ast.AST], T], node: ast.AST) -> T:
        """`fact(node)`, computed once for this unit. For a fact about a node that many other
        nodes ask about: each of a 2,000-entry dict's values asking whether the dict is a table
        of help texts made that walk quadratic (html.entities took 5 s)."""
        key = (fact, id(node))  # the tree keeps `node` alive as long as this context
        try:
            return self._facts[key]
        except KeyError:
            value = self._facts[key] = fact(node)
            return value

    # ---- names ------------------------------------------------------------
    def qualified_name(self, node: ast.AST | None) -> str | None:
        """`hashlib.md5` for `md5` imported from hashlib; None for local or unknown things."""
        if node is None:
            return None
        key = id(node)
        if key in self._qualified:
            return self._qualified[key]
        base = node
        while isinstance(base, (ast.Attribute, ast.Call)):
            base = base.value if isinstance(base, ast.Attribute) else base.func
        if not isinstance(base, ast.Name):
            # `3`, `x[0].y`, `f"..."`: only a chain of attributes and calls on a name has a
            # qualified name; running the flow pass of the scope to learn that cost a third
            # of a check on small files (a parameter default asked about by every def)
            result = None
        elif not self._locally_bound(base):
            # bound at module level or a builtin: no need to run the flow pass
            result = self._qualify(node, {})
        elif self._only_a_parameter(base):
            result = None  # `self.save()`, `conn.execute()`: a parameter names no module
        elif not self._may_alias(base):
            result = None  # `rows = cur.fetchall(); rows.append(...)`: a local value names no module either
        else:
            result = self._qualify(node, self._flow_for(node).facts.loads)
        self._qualified[key] = result
        return result

    def module_made_by(self, name: ast.Name) -> str | None:
        """The callee whose result a module-level name holds (`ENV = jinja2.Environment()`),
        when `name` refers to that module-level binding and no local one."""
        made_by = self.module.made_by.get(name.id)
        if made_by is None or self._locally_bound(name):
            return None
        return made_by

    def _locally_bound(self, name: ast.Name) -> bool:
        """Whether any enclosing function/class scope binds `name` (so imports may be shadowed)."""
        scope = self.scope(name)
        while not isinstance(scope, ast.Module):
            if name.id in self._bound_names(scope):
                return True
            scope = self.scope(scope)
        return name.id in self._bound_names(self.tree) and name.id not in self.module.imports

    def _only_a_parameter(self, name: ast.Name) -> bool:
        """Whether the innermost scope binding `name` binds it only as a parameter."""
        scope = self.scope(name)
        while not isinstance(scope, ast.Module):
            if name.id in self._bound_names(scope):
                return name.id in self._parameters.get(id(scope), ()) and name.id not in self._assigned.get(id(scope), ())
            scope = self.scope(scope)
        return False

    def _may_alias(self, name: ast.Name) -> bool:
        """Whether the scope binding `name` may make it another name for a module or
        function (`h = hashlib.md5`, `import x as y`, `with lock as l`): only then can a
        local name have a qualified name, and only then is the flow pass needed for it."""
        scope = self.scope(name)
        while not isinstance(scope, ast.Module):
            if name.id in self._bound_names(scope):
                return isinstance(scope, ast.ClassDef) or name.id in self._aliases.get(id(scope), ())
            scope = self.scope(scope)
        return name.id in self._aliases.get(id(scope), ())

    def _bound_names(self, scope: ast.AST) -> frozenset[str]:
        """Names bound directly in `scope` (parameters, assignments, imports, defs); from the walker."""
        return self._bindings.get(id(scope), frozenset())

    def _qualify(self, node: ast.AST, loads: dict[int, bindings.Binding]) -> str | None:
        return self.module.qualified(node, loads)

    def call_name(self, call: ast.Call) -> str | None:
        return self.qualified_name(call.func)

    def in_test_code(self, node: ast.AST | None = None) -> bool:
        """Whether `node` (without one: the whole file) is test code. The one place
        that decides it; rules that stay quiet or lower their confidence in tests ask
        only this (docs/architecture.md lists them). Test code is:

        - a file whose path says so: a `test/`, `tests/` or `testing/` folder (or `unittests/`,
          `integration_tests/` and the like, and a top-level `<project>_tests/` package),
          `test_*.py`, `*_test.py`, `*_tests.py`, `conftest.py`;
        - a file that imports a test framework (pytest, unittest, nose, hypothesis);
        - code inside a function or class whose name says so: `test*`, `_test*`,
          `setUp`, `setUpClass`, `setup_method`, a `test`/`tests`/`testing` word
          (`make_test_app`), `Test*`, `*Test`, `*Tests`, `*Testing*`, `*TestCase*`.
        """
        if self.module.is_test_file or any(self.imports(m) for m in TEST_FRAMEWORKS):
            return True
        if node is not None:
            for anc in self.ancestors(node):
                if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _TEST_NAME.search(anc.name):
                    return True
        return False

    def imports(self, module: str) -> bool:
        """Whether the file imports `module` or a submodule of it anywhere."""
        prefixes = self.__dict__.get("_import_prefixes")
        if prefixes is None:
            # every dotted prefix of every imported module: rules ask this for each call
            prefixes = self._import_prefixes = frozenset(
                ".".join(parts[:i]) for m in self.module.imported_modules for parts in (m.split("."),) for i in range(1, len(parts) + 1)
            )
        return module in prefixes

    # ---- values -----------------------------------------------------------
    def _flow_for(self, node: ast.AST) -> flow.FlowAnalyzer:
        scope = node if isinstance(node, ast.Module) else self.scope(node)
        analyzer = self._flows.get(id(scope))
        if analyzer is None:
            analyzer = self._run_flow(scope)
        return analyzer

    def _run_flow(self, scope: ast.AST) -> flow.FlowAnalyzer:
        outer_scope = None if isinstance(scope, ast.Module) else self.scope(scope)
        outer_env: bindings.Env | None = None
        if outer_scope is not None:
            self._flow_for_scope(outer_scope)
            outer_env = self._end_envs.get(id(outer_scope))
        instance_attributes = None
        if isinstance(outer_scope, ast.ClassDef):
            cls = outer_scope
            instance_attributes = lambda: self._instance_attributes(cls)  # noqa: E731
        # a function private to the module or to its class, or defined inside another: what its calls pass it (constructions.py)
        called = None
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if isinstance(outer_scope, ast.Module):
                called = self._constructor_arguments
            elif isinstance(outer_scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
                called = constructions.LocalCalls(outer_scope, self.origin)
            elif isinstance(outer_scope, ast.ClassDef) and ((command := constructions.is_command_helper(outer_scope, scope)) or constructions.is_private(scope)):
                called = constructions.SelfCalls(outer_scope, scope, self.origin, base_known=command)
        analyzer = self._new_analyzer(outer_scope, instance_attributes, constructor_arguments=called)
        if isinstance(outer_scope, ast.ClassDef) and isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            analyzer.command_options = self._command_options(outer_scope, scope)
        self._flows[id(scope)] = analyzer
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            analyzer.run_function(scope, outer_env)
            self._end_envs[id(scope)] = outer_env or {}
        elif isinstance(scope, ast.Module) and self._module_env is not None:
            start = self._module_env() if callable(self._module_env) else self._module_env
            _, env = analyzer.run_block(scope.body, start)
            # functions read globals when called, maybe after later assignments: not these
            self._end_envs[id(scope)] = {name: b for name, b in env.items() if start.get(name) is not b}
        else:
            _, env = analyzer.run_block(scope.body, outer_env)
            self._end_envs[id(scope)] = env
        return analyzer

    def _command_options(self, cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
        """A Django management command's `handle(self, *args, **options)`: the options the class's
        `add_arguments(self, parser)` declares with `type=int`, `choices=...` (argparse refuses
        anything else before `handle` runs)."""
        if method.name != "handle" or method.args.kwarg is None or not any(b.endswith("Command") for b in base_names(cls)):
            return frozenset()
        declaring = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "add_arguments"), None)
        return self._flow_for_scope(declaring).constrained_options if declaring is not None else frozenset()

    def module_end_env(self) -> bindings.Env:
        """The bindings at the end of the unit's module-level code."""
        self._flow_for_scope(self.tree)
        return self._end_envs.get(id(self.tree), {})

    def _new_analyzer(
        self, outer_scope: ast.AST | None, instance_attributes=None, describe_parameters: bool = False, constructor_arguments=None
    ) -> flow.FlowAnalyzer:
        cls = outer_scope if isinstance(outer_scope, ast.ClassDef) else None
        return flow.FlowAnalyzer(
            self.module.qualified,  # not a closure over this context: see ExpressionFacts._qualify_with
            self.module.constants,
            sources=self._overrides.get("sources"),
            sanitizers=self._overrides.get("sanitizers"),
            function_summaries=self.module.functions,
            imported_modules=self.module.imported_modules,
            class_name=cls.name if cls is not None else None,
            class_bases=self.module.ancestors(base_names(cls)) if cls is not None else (),
            typed_fields=self.module.typed_fields,
            instance_attributes=instance_attributes,
            describe_parameters=describe_parameters,
            record_classes=self.module.record_classes,
            enum_classes=self.module.enum_classes,
            translation_tables=self.module.translation_tables,
            constant_values=(self.module.strings, self.module.scalars),
            declared=self.module.declared(),
            constructor_arguments=constructor_arguments,
            url_routes=self.module.url_routes,
            made_with=self.module.made_with_patterns(),
            admin_model=admin_sites.shown_model(cls, self.qualified_name, self.module.admin_sites) if cls is not None and self.imports("django") else None,
        )

    def _instance_attributes(self, cls: ast.ClassDef) -> bindings.InstanceAttributes:
        """What the methods of `cls` store on `self`, computed once per class (flow.instance_attribute_origins)."""
        known = self._class_attributes.get(id(cls))
        if known is None:
            self._flow_for_scope(cls)
            known = self._class_attributes[id(cls)] = flow.instance_attribute_origins(
                cls,
                self._end_envs.get(id(cls)),
                lambda known: self._new_analyzer(cls, lambda: known, describe_parameters=True, constructor_arguments=self._constructor_arguments),
            )
        return known

    def _flow_for_scope(self, scope: ast.AST) -> flow.FlowAnalyzer:
        return self._flows.get(id(scope)) or self._run_flow(scope)

    def origin(self, node: ast.AST) -> taint.Origin:
        """Where the value of `node` comes from (constant, parameter, untrusted, unknown)."""
        key = id(node)
        cached = self._origins.get(key)
        if cached is None:
            cached = self._origins[key] = self._flow_for(node).origin(node)
        return cached

    def assigned_values(self, name: ast.Name | ast.Attribute) -> tuple[ast.expr, ...]:
        """The expressions assigned to `name` on the paths that reach this read; for `self.x` in a
        method, the expressions the class's methods store in it (whole: `self.x = value`)."""
        if isinstance(name, ast.Attribute):
            return self._flow_for(name).instance_attribute_values(name)
        binding = self._flow_for(name).facts.loads.get(id(name))
        return binding.values if binding else ()

    def always_leaves(self, body: list[ast.stmt]) -> bool:
        """Whether `body` never goes on past its end: return, raise, continue, break, an abort
        call (`abort(400)`, `sys.exit()`), or an if/else whose branches both leave."""
        # `self.abort(403)` too: a method named abort on an object of unknown class
        return guards.block_leaves(body, lambda func: self.qualified_name(func) or astutil.dotted(func))

    def is_constant(self, node: ast.AST) -> bool:
        return self.origin(node).is_constant

    def summary_says(self, call: ast.Call, fact: str) -> bool:
        """Whether the summary of the function `call` names (of this module or an imported one) says
        `fact`, a field of summaries.FunctionSummary (`returns_container`, `returns_row`)."""
        summary = self._flow_for(call).summary_of(call.func)
        return summary is not None and bool(getattr(summary, fact))

    def declared(self, node: ast.expr) -> Declaration | None:
        """What the workspace module the class `node` names is imported from declares about it (an
        Enum, a pydantic model: declarations.Declaration), or this module of its typed fields."""
        return self._flow_for(node).declaration(node)

    def result_omits(self, call: ast.Call, argument: ast.expr, exception: bool = False) -> bool:
        """Whether what `call` returns holds nothing of `argument`, one of its arguments: the
        result is a constant (`status_of(error)`), or the called function's summary says the
        parameter it binds never reaches a return (it is only logged, compared or dropped), or,
        for an `exception` argument, none it returns for one (engine/unreturned.py)."""
        if self.origin(call).is_constant:
            return True
        summary = self._flow_for(call).summary_of(call.func)
        omitted = () if summary is None else summary.unreturned + (summary.unreturned_exceptions if exception else ())
        parameter = astutil.parameter_for(call, argument, summary.params, summary.vararg) if omitted else None
        return parameter is not None and parameter in omitted

    def forwarded(self, call: ast.Call) -> list[tuple[str, str, ast.expr, frozenset[str]]]:
        """What `call` (of a function of the module or the workspace) hands on whole to calls
        inside it: (callee, position, the argument here, the sinks the function checked it for first), from the called function's
        summary (`run("SELECT ..." + name)` with `def run(sql): cursor.execute(sql)` gives
        (".execute", "0", the built string)). A rule checks the argument as if it were passed
        to that callee at that position."""
        if not self._may_forward(call.func):
            return []  # the usual call: settled without running the scope's flow pass
        summary = self._flow_for(call).summary_of(call.func)
        if summary is None or not summary.forwards:
            return []
        out = []
        for param, callee, position, checked in summary.forwards:
            arg = astutil.argument_for(call, summary.params + summary.kwonly, param)
            if arg is not None and not isinstance(arg, ast.Starred):
                out.append((callee, position, arg, checked))
        return out

    def _may_forward(self, func: ast.expr) -> bool:
        """Whether the function `func` names (of the module, imported, of an imported module, or a method of the
        enclosing class) has a summary that hands a parameter on: a look-up by name, before the flow pass that
        resolves the call exactly (it costs a third of a check when every call asks it)."""
        if isinstance(func, ast.Name):
            keys = [self.qualified_name(func) or func.id, func.id]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            owner = next((a for a in self.ancestors(func) if isinstance(a, ast.ClassDef)), None)
            if owner is None:
                return False
            keys = [f"{name}.{func.attr}" for name in (owner.name, *(astutil.last_name(b) for b in owner.bases)) if name]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):  # `helpers.run(cmd)` after `from app import helpers`; `h = Static(); h.find(p)`
            keys = [self.qualified_name(func) or ""] if func.value.id in self.module.imports else [f"{c}.{func.attr}" for c in astutil.instances_made(self.enclosing_function(func), func.value.id)]
        else:
            return False
        return any(getattr(self.module.functions.get(key), "forwards", ()) for key in keys)

    def string_value(self, node: ast.AST) -> str | None:
        """The literal text of a constant string expression, following simple assignments."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            return node.value if isinstance(node.value, str) else node.value.decode("latin-1")
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            left = self.string_value(node.left)
            if isinstance(node.op, ast.Mod):
                return left
            right = self.string_value(node.right)
            return (left or "") + (right or "") if left is not None or right is not None else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return self.string_value(node.func.value)
        if isinstance(node, ast.Name):
            values = self.assigned_values(node)
            if len(values) == 1 and values[0] is not node:
                return self.string_value(values[0])
            if not values and not self._locally_bound(node):
                return self.module.strings.get(node.id)  # a module-level constant
        return None

    # ---- source text and positions ---------------------------------------
    def column(self, line: int, byte_col: int) -> int:
        """Code-point column of a UTF-8 byte column on 1-based `line`."""
        if line - 1 >= len(self.lines) or line < 1:
            return byte_col
        text = self.lines[line - 1]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> Span:
        line = node.lineno
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None)
        start = self.column(line, node.col_offset)
        end = self.column(end_line, end_col) if end_col is not None else start
        return Span(Position(line - 1, start), Position(end_line - 1, end))

    def span_of_step(self, step: taint.Step) -> Span:
        line, col, end_line, end_col, _ = step
        return Span(Position(line - 1, self.column(line, col)), Position(end_line - 1, self.column(end_line, end_col)))

    def text(self, node: ast.AST) -> str:
        """The exact source text of `node`."""
        span = self.span(node)
        return self.text_in(span)

    def text_in(self, span: Span) -> str:
        lines = self.lines
        if span.start.line == span.end.line:
            return lines[span.start.line][span.start.column : span.end.column]
        parts = [lines[span.start.line][span.start.column :]]
        parts.extend(lines[span.start.line + 1 : span.end.line])
        parts.append(lines[span.end.line][: span.end.column])
        return "\n".join(parts)

    def line_text(self, node: ast.AST) -> str:
        return self.lines[node.lineno - 1]

    def indentation(self, node: ast.AST) -> str:
        line = self.lines[node.lineno - 1]
        return line[: len(line) - len(line.lstrip())]

    def replace(self, node: ast.AST, text: str) -> Edit:
        return Edit(self.span(node), text)

    def insert_before(self, node: ast.AST, text: str) -> Edit:
        start = self.span(node).start
        return Edit(Span(start, start), text)

    def insert_after(self, node: ast.AST, text: str) -> Edit:
        end = self.span(node).end
        return Edit(Span(end, end), text)

    def delete_keyword(self, call: ast.Call, keyword: ast.keyword) -> Edit:
        """Removes `keyword` from `call` with its separating comma."""
        arguments = sorted(list(call.args) + list(call.keywords), key=lambda n: (n.lineno, n.col_offset))
        index = arguments.index(keyword)
        span = self.span(keyword)
        if index > 0:
            previous = self.span(arguments[index - 1])
            return Edit(Span(previous.end, span.end), "")
        if len(arguments) > 1:
            following = self.span(arguments[1])
            return Edit(Span(span.start, following.start), "")
        return Edit(span, "")

    def set_keyword(self, call: ast.Call, name: str, value_text: str) -> Edit:
        """Sets keyword argument `name` to `value_text`, replacing or appending it."""
        existing = keyword(call, name)
        if existing is not None:
            return self.replace(existing.value, value_text)
        arguments = list(call.args) + list(call.keywords)
        if arguments:
            last = max(arguments, key=lambda n: (n.end_lineno, n.end_col_offset))
            return self.insert_after(last, f", {name}={value_text}")
        end = self.span(call).end
        # the call ends with ")": insert just before it
        return Edit(Span(Position(end.line, end.column - 1), Position(end.line, end.column - 1)), f"{name}={value_text}")

    # ---- reporting ----------------------------------------------------------
    def report(
        self,
        rule: "Rule",
        node: ast.AST,
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        related: Iterable[Related] = (),
        span: Span | None = None,
        rewrites: ast.AST | None = None,
        alternatives: tuple[Fix, ...] = (),
        also_rewrites: Iterable[ast.AST] = (),
    ) -> None:
        """Records a finding on `node`; `rewrites` is where the flagged value was built,
        when the fix rewrites it there rather than at `node`."""
        stmt = self.statement(node)
        first = (stmt or node).lineno - 1
        last = (getattr(stmt or node, "end_lineno", None) or first + 1) - 1
        body = getattr(stmt, "body", None)
        if isinstance(body, list) and body:
            # a compound statement: a comment in its body must not cover its header
            last = max(first, body[0].lineno - 2)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = min([d.lineno - 1 for d in stmt.decorator_list] + [first])
        if suppressions.suppressed(self._suppressions, rule, first, last, self._statement_lines(rewrites) if rewrites is not None else None):
            return
        if rule.codeql and suppressions.codeql_where_used(self._suppressions, rule, stmt, self.enclosing_function(node) or self.tree):
            return  # `rc4 = ARC4.new(key)`: CodeQL reports where `rc4` encrypts, and its users comment there
        finding = Finding(
                rule_id=rule.id,
                rule_name=rule.name,
                message=message,
                span=span or self.span(node),
                severity=severity or rule.severity,
                confidence=confidence or rule.confidence,
                cwe=rule.cwe,
                fix=fix,
                related=tuple(related),
                statement_lines=(first, last),
                rewritten_lines=self._statement_lines(rewrites) if rewrites is not None and fix is not None else None,
                alternatives=alternatives,
                rewritten_elsewhere=tuple(self._statement_lines(n) for n in also_rewrites) if fix is not None else (),
            )
        self._record(finding)

    def _record(self, finding: Finding) -> None:
        """One finding per rule per statement: a second value reported in the same statement
        (`log.info(f"{a} {b}")`) joins the first, whose fix then covers both when both can be
        fixed the same way; the more confident of the two names the problem."""
        for index, other in enumerate(self.findings):
            if other.rule_id != finding.rule_id or other.statement_lines != finding.statement_lines:
                continue
            kept, joined = (finding, other) if finding.confidence > other.confidence else (other, finding)
            fix = kept.fix
            if fix is not None and joined.fix is not None and fix.safe == joined.fix.safe and _disjoint(fix.edits, joined.fix.edits):
                fix = dataclasses.replace(fix, edits=fix.edits + joined.fix.edits, imports=tuple(dict.fromkeys(fix.imports + joined.fix.imports)))
            elif joined.fix is not None:
                fix = None  # fixing only one of the values would leave the statement flagged
            self.findings[index] = dataclasses.replace(kept, fix=fix)
            return
        self.findings.append(finding)

    def _statement_lines(self, node: ast.AST) -> tuple[int, int]:
        stmt = self.statement(node) or node
        return stmt.lineno - 1, (getattr(stmt, "end_lineno", None) or stmt.lineno) - 1

    def related_path(self, part: taint.Part | None) -> tuple[Related, ...]:
        if part is None:
            return ()
        return tuple(Related(self.span_of_step(s), s[4]) for s in part.steps)


# the rules' way to read a call's argument (one binding rule with astutil.argument_for)
argument = astutil.argument


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


_ALIASING = (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.withitem, ast.Global, ast.Nonlocal)
_ALIAS_VALUES = (ast.Name, ast.Attribute, ast.Tuple, ast.List, ast.Starred)


def _aliased_names(node: ast.AST) -> list[str]:
    """Names a statement may bind to another name (the flow pass gives those an alias)."""
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, ast.withitem):
        value, targets = node.context_expr, [node.optional_vars] if node.optional_vars is not None else []
    elif isinstance(node, ast.Assign):
        value, targets = node.value, node.targets
    else:  # AnnAssign, NamedExpr
        value, targets = node.value, [node.target]
    if not isinstance(value, _ALIAS_VALUES):
        return []
    return [n.id for target in targets for n in astutil.walk(target) if isinstance(n, ast.Name)]


def walk(ctx: UnitContext, dispatch, on_error, pace: Pace | None = None) -> Steps[None]:
    """Visits every node once, calling the rules registered for its type; pauses at `pace`
    between nodes (a class of 7,000 lines is one unit and took a second in one stretch).

    Parents, scopes and each scope's bound names are recorded for the whole tree first (`index`), so a
    rule looking at a call can already ask about its arguments. Expression contexts and operators are
    not visited: no rule needs them and they are a third of all nodes.
    """
    order = index(ctx)
    by_type = dispatch.by_type
    calls = dispatch.calls
    for position, node in enumerate(order):
        if pace is not None and position & 255 == 0 and pace.due():
            yield
        cls = type(node)
        if cls is ast.Call:
            handlers = calls(node, ctx)
        else:
            handlers = by_type.get(cls)
        if handlers:
            for rule, method in handlers:
                try:
                    method(node, ctx)
                except Exception as exc:  # a broken rule must not take the others down
                    on_error(rule, node, exc)


def indexed(ctx: UnitContext) -> UnitContext:
    """`ctx` with its tree indexed, for an analysis that runs no rules (what a caller unit passes)."""
    index(ctx)
    return ctx


def index(ctx: UnitContext) -> list[ast.AST]:
    """Records every node's parent and scope and each scope's bound names; the nodes in visiting order."""
    tree = ctx.tree
    order: list[ast.AST] = []
    parents = ctx._parents
    scopes = ctx._scope_of
    bound: dict[int, set[str]] = {id(tree): set()}
    params: dict[int, frozenset[str]] = {}
    assigned: dict[int, set[str]] = {}
    aliases: dict[int, set[str]] = {}  # names a scope binds to another name (see UnitContext._may_alias)
    stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]
    while stack:
        node, scope = stack.pop()
        order.append(node)
        cls = type(node)
        if cls is ast.Name:
            if type(node.ctx) is not ast.Load:
                bound[id(scope)].add(node.id)
                assigned.setdefault(id(scope), set()).add(node.id)
            continue
        is_scope = isinstance(node, _SCOPES)
        if is_scope and node is not tree:
            own = bound[id(node)] = set()
            if cls is not ast.ClassDef:
                args = node.args
                for arg in (*getattr(args, "posonlyargs", ()), *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                    if arg is not None:
                        own.add(arg.arg)
                params[id(node)] = frozenset(own)
            if cls is not ast.Lambda:
                bound[id(scope)].add(node.name)
        elif cls is ast.Import or cls is ast.ImportFrom:
            names = [a.asname or a.name.split(".")[0] for a in node.names]
            bound[id(scope)].update(names)
            assigned.setdefault(id(scope), set()).update(names)
            aliases.setdefault(id(scope), set()).update(names)
        elif cls in _ALIASING:
            named = _aliased_names(node)
            if named:
                aliases.setdefault(id(scope), set()).update(named)
        inner = node if is_scope else scope
        for child in reversed(astutil.children(node)):
            # decorators, defaults and annotations run in the enclosing scope
            child_scope = scope if is_scope and _is_outer_part(node, child) else inner
            key = id(child)
            parents[key] = node
            scopes[key] = child_scope
            stack.append((child, child_scope))
    ctx._aliases = aliases
    ctx._bindings = {k: frozenset(v) for k, v in bound.items()}
    ctx._parameters = params
    ctx._assigned = assigned
    return order


class Dispatch:
    """Which rule methods see which nodes.

    A rule that declares `calls` (qualified names; a trailing "." matches a whole module), `methods` (method
    names on any receiver) and/or `local_calls` (plain callee names) only sees the calls that match; one that declares none sees every call.
    """

    def __init__(self, rules) -> None:
        self.by_type: dict[type, list] = {}
        self.every_call: list = []
        self.exact: dict[str, list] = {}
        self.prefixes: dict[str, list] = {}
        self.methods: dict[str, list] = {}
        self.local: dict[str, list] = {}
        # rules with `visit_Forwarded(call, callee, position, argument, ctx)`: they also judge an
        # argument a called function hands on whole to a call of theirs (UnitContext.forwarded)
        self.forwarding = [rule for rule in rules if callable(getattr(rule, "visit_Forwarded", None))]
        for rule in rules:
            for node_type, method_name in rule.visitors().items():
                cls = getattr(ast, node_type, None)
                if cls is None:
                    continue
                handler = (rule, getattr(rule, method_name))
                if cls is not ast.Call:
                    self.by_type.setdefault(cls, []).append(handler)
                    continue
                names = getattr(rule, "calls", None)
                methods = getattr(rule, "methods", None)
                local = getattr(rule, "local_calls", None)
                if not names and not methods and not local:
                    self.every_call.append(handler)
                    continue
                for name in names or ():
                    target = self.prefixes if name.endswith(".") else self.exact
                    target.setdefault(name.rstrip(".") if name.endswith(".") else name, []).append(handler)
                for method in methods or ():
                    self.methods.setdefault(method, []).append(handler)
                for callee in local or ():
                    self.local.setdefault(callee, []).append(handler)

    def calls(self, node: ast.Call, ctx: UnitContext) -> list:
        handlers = list(self.every_call)
        func = node.func
        if self.exact or self.prefixes:
            name = ctx.qualified_name(func)
            if name:
                handlers.extend(self.exact.get(name, ()))
                if self.prefixes:
                    parts = name.split(".")
                    for i in range(1, len(parts)):
                        handlers.extend(self.prefixes.get(".".join(parts[:i]), ()))
        if isinstance(func, ast.Attribute):
            handlers.extend(self.methods.get(func.attr, ()))
        elif isinstance(func, ast.Name) and self.local:
            handlers.extend(self.local.get(func.id, ()))
        if self.forwarding and (isinstance(func, ast.Name) or isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            handlers.append((self.forwarding[0], self._forwarded))  # a function of the module's, the class's, an imported module's, an instance's made here
        if len(handlers) > 1:
            seen = set()
            handlers = [h for h in handlers if not (id(h[1]) in seen or seen.add(id(h[1])))]  # a rule once per method (and the forwarding hand-off apart)
        return handlers

    def _forwarded(self, node: ast.Call, ctx: UnitContext) -> None:
        """Hands each argument `node` passes on whole to a call inside the called function to the
        rules that watch that inner call (by its qualified name, module or method name)."""
        for callee, position, argument, checked in ctx.forwarded(node):
            method = callee.rsplit(".", 1)[-1]
            watching = [*self.exact.get(callee, ()), *self.methods.get(method, ())]
            for rule in dict.fromkeys(rule for rule, _ in watching if rule in self.forwarding):
                if not taint.covers(checked, rule.forwarded_sink):  # the function checks it first for that sink
                    rule.visit_Forwarded(node, callee, position, argument, ctx)


def _is_outer_part(scope: ast.AST, child: ast.AST) -> bool:
    if isinstance(scope, ast.Module):
        return False
    if child in getattr(scope, "decorator_list", ()):
        return True
    if isinstance(scope, ast.ClassDef):
        return child in scope.bases or any(child is k for k in scope.keywords)
    if isinstance(child, ast.arguments):
        return False
    return child is getattr(scope, "returns", None)


def _disjoint(a, b) -> bool:
    """Whether two lists of edits touch no common text."""
    spans = sorted([(e.span.start, e.span.end) for e in (*a, *b)])
    return all(previous[1] <= current[0] for previous, current in zip(spans, spans[1:]))
