"""SLS701 error-details-in-response."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import frameworks, html, logs
from secure_ls.rules.base import Example, Rule, code

_TRACEBACK = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb", "traceback.format_stack", "sys.exc_info"})
# Exceptions whose text describes the server's internals rather than the client's mistake.
_BROAD = frozenset({"Exception", "BaseException"})
_INTERNAL_SUFFIXES = ("DatabaseError", "OperationalError", "ProgrammingError", "IntegrityError", "SQLAlchemyError", "InterfaceError", "OSError", "IOError", "EnvironmentError", "CalledProcessError", "ConnectionError", "RequestException")
# Attributes of an exception that are meant for the client (HTTP status, public description).
_SAFE_ATTRIBUTES = frozenset({"code", "status", "status_code", "description", "name", "detail", "errno", "http_status", "messages", "message_dict"})
# Calls that only parse text handed to them: what they raise describes that text (`json.loads`'s
# "Expecting value: line 1 column 1"), nothing of the server.
_PARSERS = frozenset(
    {"json.loads", "int", "float", "decimal.Decimal", "uuid.UUID", "base64.b64decode", "base64.urlsafe_b64decode", "ast.literal_eval",
     "datetime.datetime.fromisoformat", "datetime.date.fromisoformat", "datetime.datetime.strptime", "ipaddress.ip_address"}
)
_TEXT_METHODS = frozenset({"decode", "encode", "strip", "lower", "upper", "split"})
_CLIMB_CALLS = frozenset({"str", "repr", "format", "traceback.format_exc", "traceback.format_exception"})
DEFAULT_MESSAGE = "Internal server error"


# Responses whose `exception=` argument is only tested for truth (DRF marks the response as an
# error one), never rendered: the exception's text is not in what the client gets.
_FLAG_EXCEPTION_RESPONSES = frozenset({"rest_framework.response.Response"})


def _types(handler: ast.ExceptHandler) -> list[str] | None:
    return _type_names(handler.type) if handler.type is not None else None


def _is_broad(types: list[str] | None) -> bool:
    return types is None or any(t in _BROAD or t.endswith(_INTERNAL_SUFFIXES) for t in types)


def _narrowed_types(sink: ast.AST, handler: ast.ExceptHandler, ctx) -> list[str] | None:
    """`except Exception as e: if isinstance(e, Http404): return JsonResponse(str(e))`: in the
    branch where an isinstance() test of the caught exception held, the classes it names."""
    child: ast.AST = sink
    for ancestor in ctx.ancestors(sink):
        if ancestor is handler:
            return None
        if isinstance(ancestor, ast.If) and any(child is s for s in ancestor.body):
            tests = ancestor.test.values if isinstance(ancestor.test, ast.BoolOp) and isinstance(ancestor.test.op, ast.And) else [ancestor.test]
            for test in tests:
                if (
                    isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" and len(test.args) == 2
                    and _is_name(test.args[0], handler.name)
                ):
                    names = _type_names(test.args[1])
                    # a class named in place, not a tuple constant (`isinstance(e, DB_ERRORS)`) whose members are not seen
                    return None if any(n == "?" or n.isupper() for n in names) else names
        child = ancestor
    return None


def _type_names(node: ast.expr) -> list[str]:
    nodes = node.elts if isinstance(node, ast.Tuple) else [node]
    out = []
    for n in nodes:
        if isinstance(n, ast.Name):
            out.append(n.id)
        elif isinstance(n, ast.Attribute):
            out.append(n.attr)
        else:
            out.append("?")
    return out


def _body_nodes(handler: ast.ExceptHandler):
    stack = list(reversed(handler.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(reversed(list(astutil.children(node))))


def _only_parses(try_node: ast.AST | None, ctx) -> bool:
    """A `try` whose body only parses text (`parsed = json.loads(request.body.decode("utf-8"))`):
    whatever it catches, the error is about that text, the client's own."""
    if not isinstance(try_node, ast.Try) or not all(isinstance(s, (ast.Assign, ast.Return, ast.Expr)) for s in try_node.body):
        return False
    calls = [n for s in try_node.body for n in astutil.walk(s) if isinstance(n, ast.Call)]
    return bool(calls) and all(
        ctx.call_name(c) in _PARSERS or isinstance(c.func, ast.Attribute) and c.func.attr in _TEXT_METHODS for c in calls
    )


def _is_name(node: ast.AST, name: str | None) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _discarded(call: ast.Call, ctx) -> bool:
    """`ret = Response(...)` whose name the function never reads: the response is built and
    thrown away, never sent."""
    stmt = ctx.statement(call)
    if not (isinstance(stmt, ast.Assign) and stmt.value is call and all(isinstance(t, ast.Name) for t in stmt.targets)):
        return False
    func = ctx.enclosing_function(call)
    names = {t.id for t in stmt.targets}
    return func is not None and not any(isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load) for n in astutil.walk(func))


class ErrorDetailsInResponse(Rule):
    """
    ## What it does
    Finds exception details sent back to the client from an `except`
    block: `str(e)`, `repr(e)`, `f"{e}"`, `e.args` or
    `traceback.format_exc()` in a value returned by a web view (or kept in
    a name that a response made after the handler holds: `content =
    traceback.format_exc()`, then `self.wfile.write(content.encode())` in a
    `finally:`, or `self.send_error(500, content)` after the `try`), or passed
    to `jsonify`, `make_response`, `HttpResponse`, `JsonResponse`, DRF/
    Starlette/FastAPI responses, `render_template`, `abort(500, ...)` or
    `HTTPException(detail=...)`, or to an http.server handler's
    `send_error` (its message and explanation are the error page's text).
    Tracebacks are always reported; exception
    text only when the handler catches broad or internal errors
    (`Exception`, a bare `except`, database and OS errors), since messages
    of validation errors are usually meant for the client (also in the
    branch of an `isinstance(e, Http404)` test inside a broad handler,
    which names only such errors); nor when the
    `try` only parses text (`json.loads(request.body.decode())`, `int(x)`),
    whose errors describe that text. A response
    built and thrown away (`ret = Response(...)`, `ret` never read) is not
    reported, nor an exception given to a helper whose result keeps
    nothing of it (it answers with a fixed message, or one picked from a
    table by `type(e)`), nor one handed to DRF's `Response(exception=e)`,
    which only marks the response as an error one (no body is rendered
    from it).

    ## Why is this bad?
    Exception messages and tracebacks describe the server: file paths,
    library versions, SQL statements and table names, host names, sometimes
    secrets from connection strings. Attackers use them to map the
    application and tune their next request (CWE-209).

    ## How to fix it
    Return a generic message and log the details on the server. The quick
    fix replaces the detail with a fixed text (the literal part of the
    message, or "Internal server error") and, when the handler logs
    nothing yet, adds `logger.exception(...)` before it, using the
    module's `logger` when there is one, else `logging`. It is unsafe:
    clients that parsed the old error text see a different body.
    """

    id = "SLS701"
    name = "error-details-in-response"
    title = "Exception details returned to the client"
    cwe = 209
    codeql = ("py/stack-trace-exposure",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "error-handling"
    fixable = True

    VALID = [
        # DRF's `exception=` only marks the response as an error one: there is no body
        code("""
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            @api_view(["POST"])
            def execute(request):
                try:
                    return Response(run(request.data))
                except Exception as e:
                    return Response(status=400, exception=e)
        """),
        # a narrow handler: a validation error's message is meant for the client
        code("""
            import http.server

            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    try:
                        content = self.render()
                    except ValueError as ex:
                        content = str(ex)
                        self.send_error(400, content)
        """),
        # the traceback is logged; the page gets a fixed message
        code("""
            import http.server
            import logging
            import traceback

            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    try:
                        content = self.render()
                    except Exception:
                        details = traceback.format_exc()
                        logging.error(details)
                        content = "Internal error"
                    finally:
                        self.send_response(200)
                        self.end_headers()
                        self.wfile.write(content.encode())
        """),
        code("""
            from flask import jsonify
            import logging
            logger = logging.getLogger(__name__)
            @app.route('/x')
            def view():
                try:
                    work()
                except Exception:
                    logger.exception('work failed')
                    return jsonify(error='Internal server error'), 500
        """),
        code("""
            from flask import jsonify
            @app.route('/x')
            def view(n):
                try:
                    return str(int(n))
                except ValueError as e:
                    return jsonify(error=str(e)), 400
        """),
        code("""
            def helper():
                try:
                    work()
                except Exception as e:
                    return str(e)
        """),
        # the error describes the client's own body
        code("""
            import json
            from django.http import JsonResponse

            def webhook(request):
                try:
                    parsed = json.loads(request.body.decode('utf-8'))
                except Exception as e:
                    return JsonResponse({'error': f'Failed to parse JSON: {e}'}, status=400)
                return JsonResponse(parsed)
        """),
        # built and thrown away: the function never reads `ret`, so it never sends it
        code("""
            import json
            from flask import Response
            @app.route('/x')
            def view():
                try:
                    work()
                except Exception as e:
                    ret = Response(json.dumps({'msg': str(e)}), mimetype='application/json')
                return json.dumps({'success': True})
        """),
        code("""
            from flask import jsonify
            @app.route('/x')
            def view():
                try:
                    work()
                except Exception as e:
                    return jsonify(status=e.code), 500
        """),
        # the helper logs the exception and answers with its own fixed message
        code("""
            import logging
            from flask import jsonify
            log = logging.getLogger(__name__)

            def error_response(error, message):
                log.error(error)
                return jsonify(error=message), 500

            @app.route('/x')
            def view():
                try:
                    work()
                except Exception as e:
                    return error_response(error=e, message='Could not save.')
        """),
        # the view returns the exception object itself: no response, the framework's generic error page
        code("""
            from rest_framework.views import APIView

            class BaseView(APIView):
                def dispatch(self, request, *args, **kwargs):
                    try:
                        return super().dispatch(request, *args, **kwargs)
                    except Exception as exc:
                        self.handle_exception(exc)
                        return exc
        """),
        # where isinstance() showed a client-facing error (a not-found), its text is meant for the client
        code("""
            from django.http import Http404, JsonResponse

            def hook(request):
                try:
                    sync(request)
                except Exception as e:
                    if isinstance(e, Http404):
                        return JsonResponse({"error": str(e)}, status=404)
                    return JsonResponse({"error": "sync failed"}, status=500)
        """),
        # the helper answers with a fixed message picked by the exception's class, and re-raises the rest
        code("""
            from django.http import JsonResponse
            from django.views import View

            class ApiView(View):
                def error_response(self, exception):
                    known = {ValueError: (400, "invalid filter value"), PermissionError: (403, "permission denied")}
                    kind = type(exception)
                    if kind not in known:
                        raise exception
                    status, message = known[kind]
                    return JsonResponse({"message": message}, status=status)

                def dispatch(self, request, *args, **kwargs):
                    try:
                        return super().dispatch(request, *args, **kwargs)
                    except Exception as e:
                        return self.error_response(e)
        """),
    ]
    INVALID = [
        # kept in a name, written after the handler: the traceback is the page
        Example(
            code("""
                import http.server
                import traceback

                class Handler(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        try:
                            content = self.render()
                        except Exception:
                            content = traceback.format_exc()
                        finally:
                            self.send_response(200)
                            self.end_headers()
                            self.wfile.write(content.encode())
            """),
            where="traceback.format_exc()",
            says="A traceback kept in `content` is sent to the client",
        ),
        # http.server's error page shows the message it is given (escaped, but whole)
        Example(
            code("""
                import http.server

                class Handler(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        try:
                            content = self.render()
                        except Exception as ex:
                            content = str(ex)
                            code = 500
                        else:
                            code = 200
                        if code != 200:
                            self.send_error(code, content)
                            return
                        self.send_response(code)
                        self.end_headers()
                        self.wfile.write(content.encode())
            """),
            where="str(ex)",
            says="Exception details kept in `content` are sent to the client",
        ),
        Example(
            code("""
                import http.server

                class Handler(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        try:
                            self.save()
                        except Exception as e:
                            self.send_error(500, "Could not save", repr(e))
            """),
            fixed=code("""
                import http.server
                import logging

                class Handler(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        try:
                            self.save()
                        except Exception as e:
                            logging.exception("Internal server error")
                            self.send_error(500, "Could not save", "Internal server error")
            """),
            where="repr(e)",
            says="Exception details sent to the client",
        ),
        # an isinstance() test naming an internal error (OSError) narrows nothing away
        Example(
            code("""
                import logging
                from flask import Flask, jsonify

                app = Flask(__name__)
                log = logging.getLogger(__name__)

                @app.route('/import', methods=['POST'])
                def import_feed():
                    try:
                        load_feed()
                    except Exception as e:
                        if isinstance(e, (KeyError, OSError)):
                            return jsonify(error=str(e)), 500
                        return jsonify(error='failed'), 500
            """),
            fixed=code("""
                import logging
                from flask import Flask, jsonify

                app = Flask(__name__)
                log = logging.getLogger(__name__)

                @app.route('/import', methods=['POST'])
                def import_feed():
                    try:
                        load_feed()
                    except Exception as e:
                        if isinstance(e, (KeyError, OSError)):
                            log.exception("Internal server error")
                            return jsonify(error="Internal server error"), 500
                        return jsonify(error='failed'), 500
            """),
            where="str(e)",
            says="Exception details sent to the client",
        ),
        Example(
            code("""
                import logging
                from flask import Flask, jsonify

                app = Flask(__name__)
                logger = logging.getLogger(__name__)

                @app.route('/orders', methods=['POST'])
                def create_order():
                    try:
                        save()
                    except Exception as e:
                        return jsonify({'error': f'Could not save order: {e}'}), 500
            """),
            fixed=code("""
                import logging
                from flask import Flask, jsonify

                app = Flask(__name__)
                logger = logging.getLogger(__name__)

                @app.route('/orders', methods=['POST'])
                def create_order():
                    try:
                        save()
                    except Exception as e:
                        logger.exception("Could not save order")
                        return jsonify({'error': "Could not save order"}), 500
            """),
            where="f'Could not save order: {e}'",
            says="Exception details sent to the client",
        ),
        Example(
            code("""
                import traceback
                from django.http import HttpResponseServerError

                def report(request):
                    try:
                        return build(request)
                    except Exception:
                        return HttpResponseServerError(traceback.format_exc())
            """),
            fixed=code("""
                import traceback
                from django.http import HttpResponseServerError
                import logging

                def report(request):
                    try:
                        return build(request)
                    except Exception:
                        logging.exception("Internal server error")
                        return HttpResponseServerError("Internal server error")
            """),
            where="traceback.format_exc()",
            says="A traceback sent to the client",
        ),
        Example(
            code("""
                from flask import abort

                def load(path):
                    try:
                        return open(path).read()
                    except OSError as err:
                        abort(500, str(err))
            """),
            fixed=code("""
                from flask import abort
                import logging

                def load(path):
                    try:
                        return open(path).read()
                    except OSError as err:
                        logging.exception("Internal server error")
                        abort(500, "Internal server error")
            """),
            where="str(err)",
            says="Exception details sent to the client",
        ),
        Example(
            code("""
                from fastapi import HTTPException

                async def charge(card):
                    try:
                        return await gateway(card)
                    except Exception as exc:
                        print('failed')
                        raise HTTPException(status_code=502, detail=repr(exc) + ' ' + repr(card))
            """),
            fixed=None,
            where="repr(exc) + ' ' + repr(card)",
            says="Exception details sent to the client",
        ),
        # the helper puts what it is handed in its answer
        Example(
            code("""
                from flask import jsonify

                def error_response(error, message):
                    body = {'error': message}
                    body['detail'] = str(error)
                    return jsonify(body), 500

                @app.route('/x')
                def view():
                    try:
                        work()
                    except Exception as e:
                        return error_response(e, 'Could not save.')
            """),
            fixed=code("""
                from flask import jsonify
                import logging

                def error_response(error, message):
                    body = {'error': message}
                    body['detail'] = str(error)
                    return jsonify(body), 500

                @app.route('/x')
                def view():
                    try:
                        work()
                    except Exception as e:
                        logging.exception("Internal server error")
                        return error_response("Internal server error", 'Could not save.')
            """),
            where="e",
            says="Exception details sent to the client",
        ),
    ]

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx) -> None:
        types = _types(node)
        broad = _is_broad(types) and not _only_parses(ctx.parent(node), ctx)
        func = ctx.enclosing_function(node)
        view = frameworks.is_view(func, ctx)
        sinks: list[ast.AST] = []
        for sub in _body_nodes(node):
            if isinstance(sub, ast.Return) and sub.value is not None and view and not _is_name(sub.value, node.name):
                # `return exc` hands the framework an exception object, not a response: it answers
                # with its generic error page (a Django or DRF view, a Flask view), no details
                sinks.append(sub.value)
            elif isinstance(sub, ast.Call) and frameworks.is_response_call(sub, ctx) and not _discarded(sub, ctx):
                sinks.append(sub)
            elif isinstance(sub, ast.Call) and html.http_server_error_page(sub, ctx):
                sinks.append(sub)
        if not sinks:
            self._details_kept_for_the_response(node, func, broad, ctx)
            return
        logged = any(isinstance(s, ast.Call) and logs.is_logging_call(s, ctx) for s in _body_nodes(node))
        reported: set[int] = set()
        for sink in sinks:
            stmt = ctx.statement(sink)
            if id(stmt) in reported:
                continue
            details = self._details(sink, node.name, ctx)
            if not details:
                continue
            has_traceback = any(kind == "traceback" for kind, _ in details)
            narrowed = _narrowed_types(sink, node, ctx)
            if not has_traceback and not (broad and (narrowed is None or _is_broad(narrowed))):
                continue
            reported.add(id(stmt))
            outer = [self._outer(n, sink, ctx) for _, n in details]
            unique = {id(o): o for o in outer}
            fix = self._fix(stmt, list(unique.values()), logged, ctx) if len(unique) == 1 else None
            what = "A traceback" if has_traceback else "Exception details"
            ctx.report(
                self,
                outer[0],
                f"{what} sent to the client: error messages reveal paths, queries and library versions. Return a generic "
                "message and log the details with logger.exception().",
                fix=fix,
                confidence=Confidence.HIGH if has_traceback else None,
            )

    def _details_kept_for_the_response(self, handler: ast.ExceptHandler, func: ast.AST | None, broad: bool, ctx) -> None:
        """`except Exception: content = traceback.format_exc()` (or, for a broad handler, `content =
        str(exc)`), then, after the handler (in a `finally:`, or after the `try`),
        `self.wfile.write(content.encode())`, `self.send_error(500, content)` or a response made of
        `content`: the details are what the client gets."""
        if func is None:
            return
        end = handler.end_lineno or handler.lineno
        for stmt in handler.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            details = self._details(stmt.value, handler.name, ctx)
            traceback = next((n for kind, n in details if kind == "traceback"), None)
            if traceback is None and not (details and broad):
                continue
            name = stmt.targets[0].id
            for call in astutil.walk(func):
                if not (isinstance(call, ast.Call) and call.lineno > end):
                    continue
                body = call if frameworks.is_response_call(call, ctx) else html.http_server_body(call, ctx)
                texts = [body] if body is not None else html.http_server_error_page(call, ctx)
                if any(isinstance(n, ast.Name) and n.id == name for text in texts for n in astutil.walk(text)):
                    what = "A traceback" if traceback is not None else "Exception details"
                    ctx.report(
                        self,
                        traceback if traceback is not None else self._outer(details[0][1], stmt, ctx),
                        f"{what} kept in `{name}` {'is' if traceback is not None else 'are'} sent to the client: error "
                        "messages reveal paths, queries and library versions. Return a generic message and log the "
                        "details with logger.exception().",
                        confidence=Confidence.HIGH if traceback is not None else None,
                    )
                    return

    def _details(self, sink: ast.AST, name: str | None, ctx) -> list[tuple[str, ast.AST]]:
        out = []
        for sub in astutil.walk(sink):
            if isinstance(sub, ast.Call) and (ctx.call_name(sub) or "") in _TRACEBACK:
                out.append(("traceback", sub))
            elif name and isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, ast.Load):
                parent = ctx.parent(sub)
                if isinstance(parent, ast.Attribute) and parent.attr in _SAFE_ATTRIBUTES:
                    continue
                if isinstance(parent, ast.Call) and parent.func is not sub and (ctx.call_name(parent) or "") in ("type", "isinstance", "getattr", "hasattr", "id", "bool"):
                    continue
                if isinstance(parent, ast.Attribute) and parent.attr == "__class__":
                    continue
                call = ctx.parent(parent) if isinstance(parent, ast.keyword) else parent
                if isinstance(parent, ast.keyword) and parent.arg == "exception" and (ctx.call_name(call) or "") in _FLAG_EXCEPTION_RESPONSES:
                    continue  # DRF's `Response(status=400, exception=e)`: a flag that picks the error template, no body
                if isinstance(call, ast.Call) and call.func is not sub and ctx.result_omits(call, sub, exception=True):
                    # `map_error_to_code(e)`, `handle_error(error=e, message="...")`: a function
                    # whose result keeps nothing of the exception
                    continue
                out.append(("exception", sub))
        return out

    def _outer(self, node: ast.AST, sink: ast.AST, ctx) -> ast.AST:
        current = node
        while current is not sink:
            parent = ctx.parent(current)
            if parent is None:
                break
            climbs = parent is not sink and (
                (isinstance(parent, ast.Call) and (ctx.call_name(parent) or "") in _CLIMB_CALLS)
                or isinstance(parent, (ast.FormattedValue, ast.JoinedStr))
                or (isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Mod)))
                or (isinstance(parent, ast.Attribute) and parent.attr in ("args", "message", "msg", "strerror", "__str__", "__repr__"))
                or (isinstance(parent, ast.Subscript) and parent.value is current)
                or (isinstance(parent, ast.Call) and parent.func is current)  # e.__str__()
            )
            if climbs:
                current = parent
            else:
                break
        return current

    def _fix(self, stmt: ast.stmt | None, outers: list[ast.AST], logged: bool, ctx) -> Fix | None:
        outer = outers[0]
        if stmt is None or not logs.own_line(stmt, ctx):
            return None
        # anything else inside the replaced expression would be lost
        for sub in astutil.walk(outer):
            if isinstance(sub, ast.Name) and sub is not outer and not self._is_detail_part(sub, ctx):
                return None
        prefix = logs.literal_prefix(outer) if isinstance(outer, (ast.JoinedStr, ast.BinOp)) else ""
        message = prefix or DEFAULT_MESSAGE
        edits = []
        imports: tuple[str, ...] = ()
        if not logged:
            text, imports, _ = logs.logger_statement(ctx, "exception", message)
            edits.append(logs.insert_line_before(stmt, text, ctx))
        edits.append(ctx.replace(outer, '"' + message.replace('"', '\\"') + '"'))
        return Fix("Return a generic message and log the exception", tuple(edits), safe=False, imports=imports)

    def _is_detail_part(self, name: ast.Name, ctx) -> bool:
        """Names inside the detail expression that the fix may drop: the exception, str/repr, traceback."""
        handler = next((a for a in ctx.ancestors(name) if isinstance(a, ast.ExceptHandler)), None)
        if handler is not None and name.id == handler.name:
            return True
        return (ctx.qualified_name(name) or "") in ("str", "repr", "format", "traceback", "sys")
