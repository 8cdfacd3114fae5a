"""The data-flow pass: one forward walk over each function body.

For every variable read it records the binding the variable holds at that point: assignments,
augmented assignments, branches (joined), loops (run twice), `with ... as`, `for` targets,
comprehension variables and walrus assignments; checks that validate a value (`guards`) mark it
safe on the paths where they passed. Rules then ask `origin(expr)` for any expression (see
`values.ValueOrigins`), which combines the recorded origins of the names it reads.

This is what lets a rule stay quiet on `cur.execute("SELECT " + COLUMNS)` and speak up on
`cur.execute("SELECT " + request.args["c"])`, and what the taint findings' "how it got here" path is built from.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from typing import Callable, Iterable

from secure_ls.engine import astutil, catalog, constructions, flags, frameworks, guards, lookups, shape_checks
from secure_ls.engine.taint import ALL, CONSTANT, Origin, PARAM, Part, Sink, UNKNOWN, UNTRUSTED, make_step, meet, meet_all
from secure_ls.engine.bindings import Binding, Env, InstanceAttributes, ScopeFacts, mark_checked_with_derived, one_value
from secure_ls.engine.astutil import constant_key, instance_attribute
from secure_ls.engine.expressions import NOT_STATIC
from secure_ls.engine.values import ValueOrigins


class FlowAnalyzer(ValueOrigins):
    """Runs the forward pass over a function (or module/class body)."""

    # set by `track_exits`: what each parameter was checked for at each normal exit of the
    # function (a `return`, or the end of its body), for its summary's `ensures`
    _exits: list[dict[str, frozenset[str]]] | None = None
    _tracked: frozenset[str] = frozenset()  # the parameters of the function whose exits are recorded
    _resolved_in_place: frozenset[str] = frozenset()  # ... that it rebinds only to their resolved path
    # set by `track_exits`: the same at each exit that returns something other than None, a
    # parameter the returned value was looked up by (`return SPECS.get(name)`) counting as checked
    found_exits: list[dict[str, frozenset[str]]] = []

    def release(self) -> None:
        """Drops what the pass recorded: its deferred origins refer back to it, a cycle only the cyclic GC would free."""
        self.__dict__.clear()

    def track_exits(self) -> list[dict[str, frozenset[str]]]:
        """Records, at every normal exit of the next function run (no raise or abort), the sinks each untouched parameter is safe for."""
        self._exits = []
        self.found_exits = []
        return self._exits

    def _record_exit(self, env: Env, returned: ast.expr | None = None) -> None:
        if self._exits is None:
            return
        checked = {}
        for name in self._tracked:
            binding = env.get(name)
            if binding is None or binding.values and name not in self._resolved_in_place:
                continue  # assigned since entry: no longer the argument (`name = name.strip()`)
            own = [p for p in binding.origin.parts if p.kind == PARAM and p.label == name]
            if own:
                checked[name] = meet_all(p.safe_for for p in own)
                if binding.values:  # `name = os.path.abspath(name)`, then checked: the argument names the same file
                    checked[name] = meet(checked[name], guards.PATH_SINKS)
        self._exits.append(checked)
        if returned is not None and not (isinstance(returned, ast.Constant) and returned.value is None):
            if isinstance(returned, ast.Name):  # `found = query.first()` ... `return found`
                returned = one_value(env, returned) or returned
            looked_up = guards.looked_up_key(returned, self._origin, self.summary_of, lambda name: one_value(env, name))
            keys, sinks = looked_up if looked_up is not None else ((), ALL)
            checked = {**checked, **{key: checked[key] | sinks for key in keys if key in checked}}
            self.found_exits.append(checked)

    # ---- the pass -------------------------------------------------------
    def run_function(self, func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, outer: Env | None) -> ScopeFacts:
        env: Env = dict(outer or {})
        self._instance = _instance_parameter(func) if self._class is not None else None
        self._outbound_request = self._sent_request_parameter(func)
        route = frameworks.is_route_handler(func)
        self._fixed_route = route and frameworks.fixed_route_path(func)
        url_kwargs, (kind, source) = (not route and self._takes_url_parameters(func)) or (frozenset(), ("", ""))
        self._function = func
        wsgi = frameworks.wsgi_environ(func)
        defaults = frameworks.parameter_defaults(func.args)
        passed = self._passed_to_constructor(func)
        passed_by_callers = self._callers_arguments(func)
        named = frameworks.rule_variables(func) if route and any(f.rule_variables_only for f in self._frameworks) else None
        injected = frozenset(a.arg for a in frameworks.all_args(func.args)) - named - {self._instance} if named is not None else frozenset()
        developer = self._developer_parameters(func)
        magic = frameworks.is_ipython_magic(func)
        orm_event = frameworks.orm_hook_event(func, self._qualify)
        for arg in frameworks.all_args(func.args):
            if arg.arg in developer:
                env[arg.arg] = Binding(CONSTANT)  # the developer chose it
                continue
            if arg.arg in passed_by_callers:
                # what every call passes (a script's, a notebook's, a private helper's): nothing else
                env[arg.arg] = Binding(passed_by_callers[arg.arg].with_step(make_step(arg, f"every call of `{func.name}()` in the module passes it")))
                continue
            dependency = frameworks.dependency_callee(defaults.get(arg.arg), arg.annotation) if route else None
            if dependency is not None and (injected_origin := self._dependency_origin(dependency)) is not None:
                # FastAPI `Depends(get_settings)`: whatever get_settings returns
                env[arg.arg] = Binding(injected_origin)
                continue
            declared = self.declaration(inner) if isinstance(inner := frameworks.optional_inner(arg.annotation), (ast.Name, ast.Attribute)) or route else None  # `cell: Optional[CellImpl]`: its fields
            converter = frameworks.application_converter(arg, func) if route else None
            if converter is not None:
                # `<uuid_str:watch>`: what the application's own converter (its to_python, in any
                # module) returned; like a database row, the engine cannot see what it lets through
                part = Part(UNKNOWN, f"what the application's `{converter}` URL converter made of `{arg.arg}`")
            elif orm_event is not None:  # SQLAlchemy's own mapper, connection, flushed or loaded row
                part = Part(UNKNOWN, f"what SQLAlchemy hands its `{orm_event}` hook")
            elif magic:
                # the notebook's own user typed it, to run: no one else's input (the audit tier)
                part = Part(UNKNOWN, f"what the notebook's user typed for the IPython magic `{func.name}`")
            elif route and arg.arg in injected:
                part = Part(UNKNOWN, f"what a decorator passes as `{arg.arg}`")  # Flask hands a view only its rule's variables
            elif route and declared is None and (library := self.library_type(arg.annotation)) and frameworks.is_client_parameter(arg, defaults.get(arg.arg)):
                # `key: FidesKey`: the framework validated the value as a type of another library
                # (`Annotated[str, AfterValidator(...)]`, a constrained string), by rules the engine
                # cannot read; like an application's own URL converter, what it let through
                part = Part(UNKNOWN, f"what the `{library.rsplit('.', 1)[-1]}` type of `{library.partition('.')[0]}` accepted as `{arg.arg}`")
            elif route and frameworks.is_client_parameter(arg, defaults.get(arg.arg)) and not (declared and declared.dependency):
                # `id: int`, `<int:id>`: the framework converts the value (or rejects the request)
                enum = declared is not None and declared.enum  # an Enum of another module (`theme: Optional[Theme]`)
                converted = ALL if enum or frameworks.is_converted_parameter(arg, func, self._enum_classes) else self._routed_safe_for(func, arg.arg)
                part = Part(UNTRUSTED, f"the route parameter `{arg.arg}`", converted, steps=(make_step(arg, f"`{arg.arg}` comes from the client"),))
            elif arg.arg == wsgi:
                part = Part(UNTRUSTED, "the WSGI environ", steps=(make_step(arg, f"`{arg.arg}` is the request (a WSGI application)"),))
            elif url_kwargs and arg.arg in url_kwargs:
                # `<int:pk>`, `<slug:doc>`: what every route to the view lets through (engine/routes.py)
                converted = self._routed_safe_for(func, arg.arg)
                part = Part(UNTRUSTED, f"the {kind} `{arg.arg}`", converted, steps=(make_step(arg, f"`{arg.arg}` comes from {source}"),))
            else:  # `limit=20`, `n: int`, `event: EventType` (an Enum): a number, a flag or one of fixed values, whatever the caller passes
                typed = _number_default(defaults.get(arg.arg)) or frameworks.is_converted_annotation(arg.annotation, self._enum_classes, catalog.VALUE_ANNOTATIONS) or declared is not None and declared.enum
                part = Part(PARAM, self._parameter_label(func, arg.arg), ALL if typed else frozenset())
            parts = {part, *(Part(UNTRUSTED, p.part.label, p.part.safe_for, steps=(make_step(arg, p.where),)) for p in passed.get(arg.arg, ()))}
            env[arg.arg] = Binding(Origin(frozenset(parts)))
            if arg is func.args.kwarg and (self.command_options or arg.arg in url_kwargs and self._url_routes is not None):
                # `handle(self, *args, **options)`: `options["n"]` is what argparse made of `--n`; a view's `kwargs["pk"]`, what its routes capture
                whole = env[arg.arg].origin
                safe = dict.fromkeys(self.command_options, ALL) if self.command_options else self._url_routes.captured(self._class or func.name)
                env[arg.arg] = Binding(whole, fields={name: whole.sanitized(sinks) for name, sinks in safe.items()})
            if fields := (self.validated_fields(declared) if declared is not None else None) or self._admin_instance_fields(arg.arg):
                self._model_parameters[arg.arg] = (env[arg.arg], fields)
            elif route and (item := self.declaration(frameworks.list_item(arg.annotation))) is not None:
                self._item_models[arg.arg] = self.validated_fields(item)  # `rules: List[RuleCreate]`: each item's fields
            self._note_record_parameter(arg, env[arg.arg])
        if self._exits is not None and not self._exits:
            self._tracked = frozenset(a.arg for a in frameworks.all_args(func.args))
            self._resolved_in_place = shape_checks.resolved_in_place(func, self._tracked, self._qualify)
        self._record_exit(env)  # the entry (see track_exits)
        folded, self._folding_scope = self._folding_scope, func
        if isinstance(func, ast.Lambda):
            self._expr(func.body, env, record_only=True)
        elif self._block(func.body, env):
            self._record_exit(env)  # the end of the body returns None
        self._folding_scope = folded
        return self.facts

    def _loop(self, stmt: ast.For | ast.AsyncFor | ast.While, env: Env, items: Origin | None) -> None:
        """Runs a loop's body twice (the second round sees values assigned late in the body), joining every path that
        reaches its end, a `continue` or a `break` (`result.append(v); continue` before a `raise`) into what follows."""
        folding, self._fold_locals = self._fold_locals, False
        around, self._loop_names = self._loop_names, (*self._loop_names, flags.loop_assigns(stmt))
        for _ in range(2):
            if items is not None:
                self._bind(stmt.target, items, None, env)
                if isinstance(stmt.target, ast.Name):
                    env[stmt.target.id].element_of = stmt.iter
                    if isinstance(stmt.iter, ast.Name) and (fields := self._item_models.get(stmt.iter.id)):
                        self._model_parameters[stmt.target.id] = (env[stmt.target.id], fields)  # `for rule in rules:`
            inner = dict(env)
            self._loop_exits.append([])
            self._block(stmt.body, inner)
            for path in (inner, *self._loop_exits.pop()):
                _join_into(env, path)
        self._fold_locals, self._loop_names = folding, around
        self._block(stmt.orelse, env)

    def _routed_safe_for(self, func: ast.AST, parameter: str) -> frozenset[str]:
        """What every route of the project's URL configurations (engine/routes.py) to this view (or its class: `as_view()`,
        a router's viewset) lets through for `parameter`, and what the function's own route filters (Bottle's `<id:int>`)."""
        filtered = frameworks.route_filter_safe_for(func, parameter)
        if self._url_routes is None:
            return filtered
        return filtered | self._url_routes.safe_for(self._class if self._class is not None else func.name, parameter)

    def _passed_to_constructor(self, func: ast.AST) -> dict:
        """For a class's `__init__` analysed for what its methods store on `self`: what the module's call sites pass (constructions.py)."""
        if self._constructor_arguments is None or not self._describe_parameters or not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return {}
        if func.name != "__init__" or self._class is None:
            return {}
        positional, named = constructions.constructor_parameters(func)
        return self._constructor_arguments(self._class, positional, named)

    def _callers_arguments(self, func: ast.AST) -> dict:
        """What every call passes to each parameter of a constructor or function in a closed world, of a
        function private to its module or class, or defined inside another (constructions.py)."""
        if self._constructor_arguments is None or not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return {}
        vararg = func.args.vararg.arg if func.args.vararg is not None else None
        # a parameter no call passes holds its default: only a literal default is known
        computed = {name for name, default in frameworks.parameter_defaults(func.args).items() if not isinstance(default, ast.Constant)}
        if self._class is None:
            if not constructions.is_called_directly(func):
                return {}  # decorated or recursive
            positional = tuple(a.arg for a in (*func.args.posonlyargs, *func.args.args))
            named = frozenset((*(a.arg for a in func.args.args), *(a.arg for a in func.args.kwonlyargs)))
            passed = self._constructor_arguments.passed(func.name, positional, named, vararg, private=constructions.is_private(func))
        elif func.name == "__init__" or isinstance(self._constructor_arguments, constructions.SelfCalls):  # `self._label(...)` calls
            positional, named = constructions.constructor_parameters(func)
            passed = self._constructor_arguments.passed(self._class if func.name == "__init__" else func.name, positional, named, vararg)
        else:
            return {}
        return {name: origin for name, origin in passed.items() if name not in computed}

    def _sent_request_parameter(self, func: ast.AST) -> str | None:
        """The parameter holding a request being sent: typed as one (catalog.OUTBOUND_REQUEST_TYPES), or a transport's."""
        if isinstance(func, ast.Lambda):
            return None
        annotated = (a.arg for a in frameworks.all_args(func.args) if a.annotation and self._qualify(a.annotation) in catalog.OUTBOUND_REQUEST_TYPES)
        if (found := next(annotated, None)) is not None or self._class is None:
            return found
        if not any(func.name in catalog.OUTBOUND_REQUEST_METHODS.get(base, ()) for base in self._class_bases):
            return None
        params = [a.arg for a in func.args.posonlyargs + func.args.args if a.arg != self._instance]
        return params[0] if params else None

    def _developer_parameters(self, func: ast.AST) -> frozenset[str]:
        """Parameters filled from the developer's own definitions (a widget's field `name`): catalog.DEVELOPER_PARAMETERS."""
        if self._class is None or isinstance(func, ast.Lambda):
            return frozenset()
        names = frozenset().union(
            *(names for (suffix, method), names in catalog.DEVELOPER_PARAMETERS.items() if method == func.name and any(b.endswith(suffix) for b in self._class_bases))
        )
        return frozenset(a.arg for a in frameworks.all_args(func.args) if a.arg != self._instance) if "*" in names else names

    def _parameter_label(self, func: ast.AST, name: str) -> str:
        if not self._describe_parameters or name == self._instance or isinstance(func, ast.Lambda):
            return name
        if func.name == "__init__":
            return f"the constructor parameter `{name}`"
        return f"the parameter `{name}` of `{func.name}()`"

    def _takes_url_parameters(self, func: ast.AST) -> tuple[frozenset[str], tuple[str, str]] | None:
        """The parameters of a view or handler method that the framework fills from the URL:
        `def view(request, slug)` (Django), `def get(self, request, pk)` (Django class-based),
        `def get(self, slug)` on a Tornado `RequestHandler`, `def on_get(self, req, resp, user_id)` (Falcon),
        or from the client's query (graphene's `def resolve_user(root, info, id)`); with what they
        are called and where they come from, in messages."""
        if isinstance(func, ast.Lambda):
            return None
        params = [a.arg for a in frameworks.all_args(func.args)]
        if self._django and frameworks.is_django_function_view(func):
            if self._url_routes is not None and not self._url_routes.routes(func.name):
                return None  # no URL configuration of the project routes to it: a helper
            unfilled = self._url_routes.unfilled(func.name, frameworks.parameter_defaults(func.args)) if self._url_routes is not None else ()
            # a default no route replaces: the developer's
            return frozenset(params) - catalog.NON_DATA_PARAMETERS - frozenset(unfilled), catalog.URL_ARGUMENTS
        if self._class is None:
            return None
        return frameworks.handler_parameters(func.name, params, self._class_bases, self._frameworks)

    def run_block(self, body: list[ast.stmt], outer: Env | None = None) -> tuple[ScopeFacts, Env]:
        env: Env = dict(outer or {})
        self._block(body, env)
        return self.facts, env

    def _block(self, body: Iterable[ast.stmt], env: Env) -> bool:
        """Runs statements; returns False when the block always leaves (return/raise/...)."""
        body = list(body)
        for index, stmt in enumerate(body):
            if not self._stmt(stmt, env):
                if index + 1 < len(body):
                    rest = body[index + 1 :]
                    self.facts.dead.append((rest[0].lineno, getattr(rest[-1], "end_lineno", None) or rest[-1].lineno))
                return False
        return True

    def _stmt(self, stmt: ast.stmt, env: Env) -> bool:
        if isinstance(stmt, ast.Assign):
            names: dict[int, Binding] = {}
            # `x = SUFFIXES[lang]` ran: lang is a key of a literal still as bound (fields kept), so is what was made of it
            keys = lookups.keys_of_literal_looked_up(stmt.value, lambda n: env[n].values if n in env and env[n].fields is not None else ())
            origin = self._value(stmt.value, env, names)
            if own_key := lookups.key_of_own_table_read(stmt.value, self._origin):  # `field = schema.fields[name]` ran
                keys |= {own_key}
            self._checked_by_call(stmt.value, env, result_used=True)
            for target in stmt.targets:
                self._bind(target, origin, stmt.value, env, names)
                download = frameworks.marked_download(target, stmt.value, self._name_value)
                if download is not None and download in env and all(isinstance(v, ast.Call) for v in env[download].values):
                    # `r = make_response(page)` then `r.headers["Content-Disposition"] = "attachment"`:
                    # the response a helper returns (or a view sends) is saved, not rendered
                    held, html = env[download], frozenset({Sink.HTML})
                    env[download] = replace(held, origin=held.origin.sanitized(html), own=held.own.sanitized(html) if held.own is not None else None)
            mark_checked_with_derived(env, keys, ALL)
        elif isinstance(stmt, ast.AnnAssign):
            self._expr(stmt.annotation, env, record_only=True)
            if stmt.value is not None:
                names = {}
                self._bind(stmt.target, self._value(stmt.value, env, names), stmt.value, env, names)
        elif isinstance(stmt, ast.AugAssign):
            origin = self._value(stmt.value, env)
            if isinstance(stmt.target, ast.Name):
                old = env.get(stmt.target.id)
                old_origin = old.origin if old else self._name_origin(stmt.target.id)
                values = (old.values if old else ()) + (stmt.value,)
                joined = old_origin.join(origin)
                if isinstance(stmt.op, ast.Add):  # `url += "?cursor=" + cursor`, `uri = settings.API + "/zones"; uri += "/" + name`
                    joined = self.after_own_base(old_origin, stmt.value, joined)
                env[stmt.target.id] = Binding(joined, values[-6:])
            else:
                self._expr(stmt.target, env)
                self._record_attribute_store(stmt.target, origin, None)
                target = stmt.target
                key = constant_key(target.slice) if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) else None
                old = env.get(target.value.id) if key is not None else None
                if old is not None and old.fields is not None:
                    # `d["k"] += v`: item k (and the whole) now also holds v
                    fields = {**old.fields, key: old.fields.get(key, old.origin).join(origin)}
                    env[target.value.id] = Binding(old.origin.join(origin), old.values, old.alias, fields=fields)
        elif isinstance(stmt, (ast.Return,)):
            _mark_safe(env, lookups.found_once_run(stmt.value, lambda name: one_value(env, name)), guards.LINE_SINKS)  # `return query.one()` ran
            self._record_exit(env, stmt.value)
            if stmt.value is not None:
                returned = self._value(stmt.value, env)
                body = frameworks.response_tuple_body(stmt.value, self._qualify)  # `return jsonify(data), data["code"]`
                self.facts.returns.append(returned if body is None else self.origin(body))
                items = stmt.value.elts if isinstance(stmt.value, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in stmt.value.elts) else None
                # `()`: a response instead of the tuple (`return HttpResponseBadRequest()`), which callers tell apart
                self.facts.returned_items.append(tuple(self.origin(e) for e in items) if items is not None else () if frameworks.is_response_call(stmt.value, self._qualify) else None)
            return False
        elif isinstance(stmt, (ast.Raise, ast.Break, ast.Continue)):
            if isinstance(stmt, ast.Raise) and stmt.exc is not None:
                self._expr(stmt.exc, env, record_only=True)
            elif not isinstance(stmt, ast.Raise) and self._loop_exits:
                self._loop_exits[-1].append(dict(env))  # goes on at the loop's head or after it
            return False
        elif isinstance(stmt, ast.Expr):
            names = {}
            self._expr(stmt.value, env, record_only=True, seen=names)  # the value is dropped: only its reads matter
            self._checked_by_call(stmt.value, env, result_used=False)
            self._note_constrained_option(stmt.value)
            self._container_write(stmt.value, env, names)
            if guards.is_abort_call(stmt.value, self._qualify):
                return False
        elif isinstance(stmt, ast.If):
            return self._if(stmt, env)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._loop(stmt, env, self._value(stmt.iter, env))
        elif isinstance(stmt, ast.While):
            self._expr(stmt.test, env, record_only=True)
            self._loop(stmt, env, None)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.facts.entered.add(id(item.context_expr))
                origin = self._value(item.context_expr, env)
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, origin, item.context_expr, env)
            return self._block(stmt.body, env)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            start = dict(env)
            body_env = dict(env)
            falls = self._block(stmt.body, body_env)
            contained = self._contained_paths(stmt, body_env)
            ends = [body_env] if falls else []
            if falls:
                falls = self._block(stmt.orelse, body_env)
                if not falls:
                    ends = []
            for index, handler in enumerate(stmt.handlers):
                h_env = dict(start)
                _join_into(h_env, body_env)
                if handler.name:
                    h_env[handler.name] = Binding(Origin(frozenset({Part(UNKNOWN, handler.name)})))
                if stmt.body and not guards.catches(handler, "ValueError") and isinstance(stmt.body[0], (ast.Assign, ast.Expr, ast.Return)):
                    # `try: user = User.objects.get(id=uid)` `except User.DoesNotExist:`: a key that was not
                    # a number would have raised ValueError, which this handler lets through
                    _mark_safe(h_env, self.converted_keys_looked_up(stmt.body[0].value, handler), guards.LINE_SINKS)
                _mark_safe(h_env, lookups.matched_several(handler, stmt.body) | lookups.found_before_handler(stmt, index, self.summary_of), guards.LINE_SINKS)
                if self._block(handler.body, h_env):
                    ends.append(h_env)
                    if guards.catches(handler, "ValueError"):
                        contained = set()  # the failed check falls through too
            if contained and falls:
                # `try: p.relative_to(ROOT) except ValueError: raise`: past the try, p is inside ROOT
                _mark_safe(body_env, contained, guards.PATH_SINKS)
            merged = ends[0] if ends else dict(start)
            for other in ends[1:]:
                _join_into(merged, other)
            env.clear()
            env.update(merged)
            self._block(stmt.finalbody, env)
            return bool(ends)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for deco in stmt.decorator_list:
                self._expr(deco, env, record_only=True)
            env[stmt.name] = Binding(Origin(frozenset({Part(UNKNOWN, stmt.name)})), function=True)
            # nested scopes are analysed separately, with this env as their closure
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            from secure_ls.engine.symbols import import_bindings

            for local, qualified in import_bindings(stmt):
                env[local] = Binding(CONSTANT, alias=qualified)
        elif type(stmt).__name__ == "Match":
            subject = self._value(stmt.subject, env)
            taken = self._static_case(stmt, env)
            if taken is not None:
                # `match DIALECT:` on a literal constant: only the case it selects runs
                for case in stmt.cases:
                    if case is not taken and case.body:
                        self.facts.dead.append((case.body[0].lineno, getattr(case.body[-1], "end_lineno", None) or case.body[-1].lineno))
                return self._block(taken.body, env)
            ends = []
            exhaustive = False
            for case in stmt.cases:
                c_env = dict(env)
                # `case "title" | "author" as field:` holds one of those literals
                literal = astutil.is_literal_pattern(case.pattern)
                captured = subject.sanitized(ALL) if literal else subject
                for node in astutil.walk(case.pattern):
                    name = getattr(node, "name", None) or (getattr(node, "rest", None) if type(node).__name__ == "MatchMapping" else None)
                    if isinstance(name, str):
                        c_env[name] = Binding(captured)
                if literal and isinstance(stmt.subject, ast.Name):
                    _mark_safe(c_env, {stmt.subject.id})
                if case.guard is not None:
                    self._expr(case.guard, c_env, record_only=True)
                elif astutil.is_irrefutable_pattern(case.pattern):
                    exhaustive = True  # `case _:`: no value falls through the match
                if self._block(case.body, c_env):
                    ends.append(c_env)
            if exhaustive:
                if not ends:
                    return False
                env.clear()
                env.update(ends[0])
                ends = ends[1:]
            for other in ends:
                _join_into(env, other)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    env.pop(target.id, None)
        else:
            for child in astutil.children(stmt):
                if isinstance(child, ast.expr):
                    self._expr(child, env, record_only=True)
        return True

    def _checked_by_call(self, value: ast.expr, env: Env, result_used: bool) -> None:
        """`provider = await get_provider(name)` returned, so `name` passed the checks the function makes first (`ensures`)."""
        if isinstance(value, ast.Await):
            value = value.value
        _mark_safe(env, self.converted_keys_looked_up(value), guards.LINE_SINKS)
        # `case = Case.get(Case.id == case_id)` ran: case_id equals a stored row's field
        _mark_safe(env, lookups.found_once_run(value, lambda name: one_value(env, name)), guards.LINE_SINKS)
        converted = shape_checks.checked_by_conversion(value, self._qualify)
        if converted is not None:
            # `uuid.UUID(token)` returned (it raises otherwise): token is a UUID's text from here on
            _mark_safe(env, {converted[0]}, converted[1])
        while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Call) and not any(isinstance(a, ast.Name) for a in value.args):
            value, result_used = value.func.value, True  # `self._get_object(K).activate()`: the getter ran first
        if not isinstance(value, ast.Call) or not any(isinstance(a, ast.Name) for a in (*value.args, *(k.value for k in value.keywords))):
            return
        if not result_used and not isinstance(value.func, ast.Name):
            # a method called for its effect (`items.append(x)`, `log.info(...)`): summaries are
            # computed on demand, and these would cost more than the checks they could find
            return
        if (self._qualify(value.func) or "").partition(".")[0] in sys.stdlib_module_names:
            return  # the standard library's summaries (on demand) would say nothing of the application's checks
        summary = self.summary_of(value.func)
        if summary is not None and summary.finds_or_raises():  # `note = await Note.get(K)` returned: a miss raises
            _mark_safe(env, lookups.found_row_by(value), guards.LINE_SINKS)
        for param, sinks in summary.ensures if summary is not None else ():
            if isinstance(arg := astutil.argument_for(value, summary.params, param), ast.Name):  # type: ignore[arg-type]
                _mark_safe(env, {arg.id}, sinks)

    def _if(self, stmt: ast.If, env: Env) -> bool:
        self._record_test(stmt.test, env)
        truth = self._static(stmt.test, env)
        if truth is not NOT_STATIC:
            # `if False:`, `if DEBUG:` with `DEBUG = False`, `if MODE == "sqlite":`: one branch never runs
            taken, dead = (stmt.body, stmt.orelse) if truth else (stmt.orelse, stmt.body)
            if dead:
                self.facts.dead.append((dead[0].lineno, getattr(dead[-1], "end_lineno", None) or dead[-1].lineno))
            return self._block(taken, env)
        then_env = dict(env)
        else_env = dict(env)
        validated, when, sinks = self._validation(stmt.test)
        if any(astutil.is_tracked_path(name) for name in validated):
            for node in astutil.walk(stmt.test):
                copied = self._single_value(node) if isinstance(node, ast.Name) else None  # `cls = data["cls"]`, then `if cls in ...`
                for read in (node, copied) if isinstance(copied, ast.Subscript) else (node,):
                    if (path := guards.field_path(read) or astutil.item_path(read)) in validated and path not in env:
                        then_env[path] = else_env[path] = Binding(self._origin(read))  # a validated field (`f.key`): tracked like a name
        # `if x not in ALLOWED: return` makes x safe after the if; so does the positive branch of `if x in ALLOWED:`.
        if validated and when:
            _mark_safe(then_env, validated, sinks)
        elif validated:
            _mark_safe(else_env, validated, sinks)
        if (flag := flags.tested(stmt.test)) is not None:  # `if not found: return`: what setting `found` implied
            flags.apply(then_env if flag[1] else else_env, flag[0])
        then_falls = self._block(stmt.body, then_env)
        else_falls = self._block(stmt.orelse, else_env)
        if then_falls and else_falls:
            env.clear()
            env.update(then_env)
            _join_into(env, else_env)
        elif then_falls:
            env.clear()
            env.update(then_env)
        elif else_falls:
            env.clear()
            env.update(else_env)
        else:
            return False
        return True

    def _record_test(self, test: ast.expr, env: Env) -> None:
        """Records a condition's reads. An operand of `and` runs only where the operands before it were true (of `or`,
        false): what they validate holds in it (`if is_subdir(path, ROOT) and os.path.isfile(path):`)."""
        if not (isinstance(test, ast.BoolOp) and len(test.values) > 1):
            self._expr(test, env, record_only=True)
            return
        operand_env = env
        needed = isinstance(test.op, ast.And)  # the truth of the earlier operands where the next one runs
        *earlier, last = test.values
        for operand in earlier:
            self._expr(operand, operand_env, record_only=True)
            validated, when, sinks = self._validation(operand)
            names = {name for name in validated if not astutil.is_tracked_path(name)}
            if names and when == needed:
                operand_env = dict(operand_env) if operand_env is env else operand_env
                _mark_safe(operand_env, names, sinks)
        self._expr(last, operand_env, record_only=True)  # nothing runs after it in the condition

    def _static_case(self, stmt, env: Env):
        """The case a `match` on a literal constant selects (None: not known before run time)."""
        value = self._static(stmt.subject, env)
        if value is NOT_STATIC:
            return None
        for case in stmt.cases:
            if case.guard is not None:
                return None
            patterns = case.pattern.patterns if type(case.pattern).__name__ == "MatchOr" else [case.pattern]
            for pattern in patterns:
                kind = type(pattern).__name__
                if kind == "MatchValue" and self._static(pattern.value) is not NOT_STATIC:
                    if self._static(pattern.value) == value:
                        return case
                elif kind == "MatchSingleton":
                    if pattern.value is value:
                        return case
                elif astutil.is_irrefutable_pattern(pattern) and kind == "MatchAs" and pattern.name is None:
                    return case  # `case _:`
                else:
                    return None  # a capture or a class pattern: leave it to the general pass
        return None

    @property
    def constrained_options(self) -> frozenset[str]:
        """The option destinations this pass saw declared with fixed choices or a converting type."""
        return frozenset(self._constrained_options)

    def _note_constrained_option(self, call: ast.expr) -> None:
        """`parser.add_argument("env", choices=ENVIRONMENTS)` / `add_argument("--n", type=int)`: argparse rejects any
        other value, so the parsed attribute is safe for every sink; optparse's `add_option(..., choices=PROTOS)` too."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in ("add_argument", "add_option")):
            return
        keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
        choices, kind = keywords.get("choices"), keywords.get("type")
        constrained = choices is not None and self._origin(choices).is_constant
        constrained = constrained or kind is not None and self._sanitizers.get(self._qualify(kind) or "") == ALL
        if not constrained:
            return
        dest = keywords.get("dest")
        if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
            self._constrained_options.add(dest.value)
            return
        flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        # argparse's dest: the first long option, else the first flag, without dashes
        named = next((f for f in flags if f.startswith("--")), flags[0] if flags else None)
        if named is not None:
            self._constrained_options.add(named.lstrip("-").replace("-", "_"))

    def _container_write(self, call: ast.expr, env: Env, names: dict[int, Binding]) -> None:
        """`parts.append(x)`, `buf.write(x)`, `d.update(x)`, `self.items.extend(x)`: the container now also holds
        what it was given. `names`: the bindings the statement's reads had (recorded by its walk)."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return
        if call.func.attr not in catalog.CONTAINER_WRITES and not (call.func.attr == "set" and self._made_by_any(call.func.value, catalog.SETTING_STORES)):
            return
        args = list(call.args) + [k.value for k in call.keywords]
        if all(isinstance(a, ast.Constant) for a in args):
            return
        # deferred, like an assignment's value: most containers never reach a sink
        origin = self._deferred_join(args, names)
        container = call.func.value
        if isinstance(container, ast.Name):
            old = env.get(container.id)
            if old is not None and not old.function:
                env[container.id] = Binding(old.origin.join(origin), old.values, old.alias)
        else:
            self._record_attribute_store(container, origin, None)

    def _made_by_any(self, node: ast.expr, classes: frozenset[str]) -> bool:
        """Whether every value the name `node` holds was made by calling one of `classes`."""
        values = self._values(node) if isinstance(node, ast.Name) else ()
        return bool(values) and all(isinstance(v, ast.Call) and self._qualify(v.func) in classes for v in values)

    def _contained_paths(self, stmt: ast.Try, env: Env) -> set[str]:
        """Names a `try` body checks with `resolved.relative_to(BASE)`, when a handler catches the ValueError it raises
        for a path outside BASE (the handler must leave; see the caller)."""
        if not any(guards.catches(h, "ValueError") for h in stmt.handlers):
            return set()
        names = set()
        for inner in stmt.body:
            call = inner.value if isinstance(inner, (ast.Expr, ast.Assign)) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "relative_to"):
                continue
            receiver = call.func.value
            resolved = isinstance(receiver, ast.Call) and self._is_resolving(receiver)
            while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
                receiver = receiver.func.value  # `p.resolve().relative_to(ROOT)`
            if not isinstance(receiver, ast.Name) or receiver.id not in env:
                continue
            values = env[receiver.id].values
            # without resolving first, `ROOT / "../etc"` is "relative to" ROOT
            if resolved or values and all(isinstance(v, ast.Call) and self._is_resolving(v) for v in values):
                names.add(receiver.id)
        return names

    def _is_resolving(self, call: ast.Call) -> bool:
        return shape_checks.is_resolving(call, self._qualify)


def instance_attribute_origins(
    cls: ast.ClassDef, outer: Env | None, make_analyzer: Callable[[InstanceAttributes], FlowAnalyzer]
) -> InstanceAttributes:
    """What the methods of `cls` store in each attribute of the instance (`self.x = ...`).

    A method reading `self.x` then sees the join of those values: a constructor
    parameter (`the constructor parameter `folder``), request data read by a
    handler method, or constants. `make_analyzer(known)` returns an analyzer
    for one method of the class that labels its parameters by method and reads
    `self.<name>` from `known` (the previous round). Attributes stored from other attributes
    (`self.url = self.base + path`) need a second round; three at most, so
    cycles (`self.a = self.b; self.b = self.a`) end.
    """
    storing = []
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            instance = _instance_parameter(stmt)
            if instance is not None and _stores_on(stmt, instance):
                storing.append(stmt)
    # A method's pass asks `known` only about attributes it reads (`_attributes_named`), so a
    # method reading none that a method stores gets the same answers in every round and its
    # previous run is reused: the second round re-ran every storing method, a constructor
    # that only copies its parameters included.
    named = [_attributes_named(method) for method in storing]
    last: list[tuple | None] = [None] * len(storing)  # (stores, values, read flag, attributes known then)
    known = InstanceAttributes()
    for _ in range(3):
        found: dict[str, Origin] = {}
        values: dict[str, tuple[ast.expr, ...]] = {}
        reads_own = False
        known_now = known.origins.keys() | known.values.keys()
        for index, method in enumerate(storing):
            run = last[index]
            if run is None or not named[index].isdisjoint(known_now | run[3]):
                analyzer = make_analyzer(known)
                facts = analyzer.run_function(method, outer)
                run = last[index] = (facts.attribute_stores, facts.attribute_values, analyzer.read_instance_attributes, known_now)
            for attribute, origin in run[0].items():
                found[attribute] = found.get(attribute, CONSTANT).join(origin)
            for attribute, stored in run[1].items():
                values[attribute] = values.get(attribute, ()) + stored
            reads_own = reads_own or run[2]
        if found == known.origins or not reads_own:
            return InstanceAttributes(found, values)
        known = InstanceAttributes(found, values)
    return known


def _attributes_named(method: ast.AST) -> frozenset[str]:
    """The attribute names `method` reads (`name.attr` of any name, nested scopes included):
    all a pass over it asks the class's other methods about. A plain store (`self.x = v`) also
    asks, but only for later reads of `self.x` in the method, which are reads here too; a store
    that reads first (`self.x += v`, `self.x[k] = v`, `self.a, self.b = v`) counts as a read."""
    stored = {id(target) for node in astutil.walk(method) if isinstance(node, (ast.Assign, ast.AnnAssign)) for target in (node.targets if isinstance(node, ast.Assign) else [node.target])}
    return frozenset(
        node.attr for node in astutil.walk(method) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and id(node) not in stored
    )


def _instance_parameter(func: ast.AST) -> str | None:
    """`self` (or `cls`) of a method: its first positional parameter, unless it is a staticmethod."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list):
        return None
    positional = [*getattr(func.args, "posonlyargs", ()), *func.args.args]
    return positional[0].arg if positional else None


def _stores_on(func: ast.AST, instance: str) -> bool:
    """Whether a method assigns an attribute of its instance (nested scopes aside)."""
    stack = list(func.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Store):
            if instance_attribute(node, instance) is not None:
                return True
        stack.extend(astutil.children(node))
    return False


def _join_into(env: Env, other: Env) -> None:
    # A field tracked on one path only (`obj.x` checked, or set by `obj.x = v`) holds, after the
    # join, its value on that path or what the object held on the other: still tracked apart, so
    # that setting `account.contact` in an `if` leaves `account.name` as it was.
    # (`"." in k or "[" in k` is astutil.is_tracked_path, written out: this runs at every join)
    only_mine = {k: _field_after_join(env[k], k, other) for k in env if ("." in k or "[" in k) and k not in other}
    only_theirs = {k: _field_after_join(b, k, env) for k, b in other.items() if ("." in k or "[" in k) and k not in env}
    for path, joined in [*only_mine.items(), *only_theirs.items()]:
        if joined is None:
            env.pop(path, None)
        else:
            env[path] = joined
    for name, binding in other.items():
        mine = env.get(name)
        if mine is None:
            if "." not in name and "[" not in name:
                env[name] = binding
        elif mine is not binding and name not in only_theirs:
            values = mine.values + tuple(v for v in binding.values if v not in mine.values)
            fields = None
            if mine.fields is not None and binding.fields is not None:
                # an item keeps its own origin only where both paths track it
                fields = {k: mine.fields[k].join(binding.fields[k]) for k in mine.fields.keys() & binding.fields.keys()}
            own = None
            if mine.own is not None or binding.own is not None:
                own = (mine.own if mine.own is not None else mine.origin).join(binding.own if binding.own is not None else binding.origin)
            alias = mine.alias if mine.alias == binding.alias else None
            env[name] = Binding(mine.origin.join(binding.origin), values[-6:], alias, fields=fields, own=own, implies=flags.joined(mine, binding))


def _field_after_join(field: Binding, path: str, other: Env) -> Binding | None:
    """`obj.x` tracked on one path only: on the other, it is whatever `obj` held apart from the
    fields set there (None when that is not known: a nested path, or `obj` unbound there)."""
    base, _, rest = path.partition(".")
    holder = other.get(base)
    if holder is None or "." in rest or "[" in path or holder.function:  # an item (astutil.item_path): not known there
        return None
    return Binding(field.origin.join(holder.own if holder.own is not None else holder.origin))


def _mark_safe(env: Env, names: set[str], sinks: frozenset[str] = ALL) -> None:
    for name in names:
        binding = env.get(name)
        if binding is not None:
            env[name] = Binding(binding.origin.sanitized(sinks), binding.values, binding.alias)


def _number_default(default: ast.expr | None) -> bool:
    """A parameter's literal default that is a number or a flag (`limit=20`, `strict=False`),
    not text nor None: the parameter is declared by example to hold a number."""
    if isinstance(default, ast.UnaryOp) and isinstance(default.op, ast.USub):
        default = default.operand
    return isinstance(default, ast.Constant) and isinstance(default.value, (int, float))  # bool is an int
