"""SLS110 path-traversal."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil, taint
from secure_ls.engine.model import Confidence, Severity
from secure_ls.engine.summaries import BUILT
from secure_ls.rules._support import path_tests, served_files, strings, web
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

# function -> positions (and keyword names) of its path arguments
_SINKS: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {
    "open": ((0, ("file",)),),
    "builtins.open": ((0, ("file",)),),
    "io.open": ((0, ("file",)),),
    "codecs.open": ((0, ("filename",)),),
    "os.open": ((0, ("path",)),),
    "flask.send_file": ((0, ("path_or_file", "filename_or_fp")),),
    "flask.helpers.send_file": ((0, ("path_or_file", "filename_or_fp")),),
    "aiohttp.web.FileResponse": ((0, ("path",)),),
    "starlette.responses.FileResponse": ((0, ("path",)),),
    "fastapi.responses.FileResponse": ((0, ("path",)),),
    "sanic.response.file": ((0, ("location",)),),
    "sanic.response.file_stream": ((0, ("location",)),),
    "shutil.copy": ((0, ("src",)), (1, ("dst",))),
    "shutil.copy2": ((0, ("src",)), (1, ("dst",))),
    "shutil.copyfile": ((0, ("src",)), (1, ("dst",))),
    "shutil.copytree": ((0, ("src",)), (1, ("dst",))),
    "shutil.move": ((0, ("src",)), (1, ("dst",))),
    "shutil.rmtree": ((0, ("path",)),),
    "os.remove": ((0, ("path",)),),
    "os.unlink": ((0, ("path",)),),
    "os.rmdir": ((0, ("path",)),),
    "os.removedirs": ((0, ("name",)),),
    "os.rename": ((0, ("src",)), (1, ("dst",))),
    "os.replace": ((0, ("src",)), (1, ("dst",))),
}
# Calls that only look at a path: whether a file exists, its kind or size. With a client's path
# they answer for any file on the server (an oracle for `../../home/alice/.ssh/id_rsa`).
_PROBES = frozenset({"os.path.exists", "os.path.lexists", "os.path.isfile", "os.path.isdir", "os.path.getsize", "os.stat", "os.lstat", "os.access"})
_PATH_METHODS = frozenset(
    {"open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir", "rename", "replace", "touch", "mkdir", "symlink_to", "hardlink_to"}
)
# Methods only path objects have (pathlib, zipfile.Path): no need to prove the receiver is one.
_PATH_ONLY_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir", "touch", "symlink_to", "hardlink_to"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath"})
_SEND_FILE = frozenset({"flask.send_file", "flask.helpers.send_file"})


class PathTraversal(Rule):
    """
    ## What it does
    Finds file operations on paths that come from a web request (or from a route parameter): `open`,
    `os.open`, `codecs.open`, `flask.send_file`, Starlette/FastAPI and aiohttp `FileResponse`, saving an
    upload (`request.files["f"].save(path)`), `shutil.copy*`/`move`/`rmtree`,
    `os.remove`/`unlink`/`rmdir`/`rename`, and `pathlib.Path` methods that open, write or delete files,
    and a path given to a function of the module or the workspace that hands it on whole to one of those
    calls (`read_file(os.path.join(ROOT, name))` with `def read_file(path): return open(path).read()`),
    reported where it is given. A function parameter joined onto a fixed directory
    (`os.path.join(UPLOADS, name)`) is reported with low confidence. A client's path that is only probed
    (`os.path.exists`, `isfile`, `isdir`, `getsize`, `os.stat`, `os.access`) is reported at medium
    confidence, unless the same name is also opened in the function (then the file operation is what is
    reported): it tells the client whether any file on the server exists. A path from the answer of a
    server the program called (an HTTP response: a listing's entry, a download's name) is the audit tier
    (low confidence): the program chose that server, and only its owner, or whoever took it over, picks
    the name; that server is never told the answer of a probe either. Nor is a probe that only picks
    which directory serves the name, when every answer of the function is
    `send_from_directory(directory, name)` (a theme overriding the default static files): for a name
    leading outside, each directory answers the same 404. A route parameter that matches one path
    segment (`/files/<name>`, `/files/{name}`, not a `path` converter) is reported with low confidence:
    Flask, Django and Starlette match it against the decoded path, so it holds no `/` and reaches at
    most the parent folder (`..`), except through `..\\` on Windows.

    Paths passed through `os.path.basename` or `werkzeug.utils.secure_filename`, cleaned by `re.sub`
    with a pattern that replaces every `/` and `\\` (also a compiled pattern imported from another
    module, or a class attribute such as `self.LEGAL_NAME` bound to one in the class or a base class of
    another module), checked with `startswith`/`is_relative_to`/`commonpath` before use, or served with
    `flask.send_from_directory` are not reported; nor is the request a transport sends (`send(self,
    request)` of a requests adapter, an httpx transport's `handle_request`): that is the program's own.
    Nor is a path a helper returns only after comparing it, resolved (`os.path.abspath`, `realpath`,
    `Path.resolve()`), with its base directory (`os.path.commonpath`/`commonprefix([base, p]) == base`,
    raising otherwise): compared unresolved, `base/../../etc/passwd` passes, so that helper is no check.
    A helper that raises unless the path, resolved in place (`path = os.path.abspath(path)`), is inside
    the base checks the argument it was called with too, and so does a predicate that returns whether
    the base joined with the name and resolved (`full = (Path(base) / name).resolve()`) is inside the
    base (`return Path(base).resolve() in full.parents`), or whether the path, made real in place
    (`p = os.path.realpath(p)`), starts with the base or is it (`is_safe_path(root, p)`;
    checked as its text, `sfile.as_posix()`, it checks `sfile`). A name that `uuid.UUID(name)` or `int(name)`
    parsed without raising (the `except ValueError:` leaves) holds no `/` or `..`, and a name found
    equal to a safe one (`name == "dir/" + basename(x)`) is as safe as that one. Bottle's
    `static_file(name, root=...)` is no sink: it answers 403 for a name that leaves `root`, as Flask's
    `send_from_directory` answers 404.

    ## Why is this bad?
    A name such as `../../etc/passwd` (or an absolute path, which makes
    `os.path.join` drop the directory before it) reaches files outside the
    directory the code meant, to read secrets, overwrite code or delete
    data (CWE-22).

    ## How to fix it
    Keep only the file name (`werkzeug.utils.secure_filename`,
    `os.path.basename`), or resolve the full path and check that it is
    still inside the base directory:
    `os.path.commonpath([base, os.path.realpath(p)]) == base`. With Flask,
    serve files with `send_from_directory(directory, name)`, which does that
    check: the quick fix rewrites `send_file(os.path.join(directory, name))`
    to it (unsafe: a bad name now gets a 404 instead of a file).

    ## References
    - https://owasp.org/www-community/attacks/Path_Traversal
    - https://flask.palletsprojects.com/en/stable/api/#flask.send_from_directory
    """

    id = "SLS110"
    name = "path-traversal"
    title = "File path taken from the request"
    cwe = 22
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "input-validation"
    forwarded_sink = Sink.PATH
    bandit = ()
    codeql = ("py/path-injection",)
    fixable = True
    calls = frozenset(_SINKS) | _PROBES
    methods = _PATH_METHODS | {"save"}

    VALID = [
        # Bottle resolves the name under root and answers 403 for one that leaves it
        code("""
            from bottle import route, static_file

            @route("/static/<filepath:path>")
            def server_static(filepath):
                return static_file(filepath, root="/srv/static")
        """),
        # a theme's static files override the default ones: either directory answers 404 outside it
        code("""
            import os
            from flask import Flask, send_from_directory

            app = Flask(__name__)
            THEME = "/srv/theme/static"
            DEFAULT = "/srv/app/static"

            @app.route("/static/<path:name>")
            def static_file(name):
                if os.path.isfile(os.path.join(THEME, name)):
                    return send_from_directory(THEME, name)
                return send_from_directory(DEFAULT, name)
        """),
        # a predicate that resolves the base joined with the name and checks it stays inside
        code("""
            import os
            from pathlib import Path
            from flask import abort, request

            UPLOADS = "/srv/uploads"

            def stays_inside(name, base):
                full = (Path(base) / name).resolve()
                return Path(base).resolve() in full.parents

            def upload():
                name = request.args["name"]
                if not stays_inside(name, UPLOADS):
                    abort(403)
                with open(os.path.join(UPLOADS, name), "wb") as out:
                    out.write(request.get_data())
        """),
        # the name tempfile chose for a file the class keeps, whatever was downloaded into it
        code("""
            import os
            import requests
            from tempfile import NamedTemporaryFile

            class Attachment:
                def __init__(self):
                    self._temp_file = None

                def download(self, url):
                    r = requests.get(url, timeout=5)
                    self._temp_file = NamedTemporaryFile(delete=False)
                    self._temp_file.write(r.content)

                def invalidate(self):
                    if self._temp_file:
                        os.unlink(self._temp_file.name)
        """),
        code("""
            from flask import request, send_from_directory

            def download():
                return send_from_directory("uploads", request.args["name"])
        """),
        code("""
            import os
            from flask import request
            from werkzeug.utils import secure_filename

            def save():
                f = request.files["doc"]
                f.save(os.path.join("uploads", secure_filename(f.filename)))
                with open(os.path.join("uploads", secure_filename(f.filename))) as fh:
                    return fh.read()
        """),
        code("""
            import os
            from flask import request, abort

            BASE = "/srv/files"

            def read():
                path = os.path.realpath(os.path.join(BASE, request.args["p"]))
                if not path.startswith(BASE + os.sep):
                    abort(404)
                with open(path) as fh:
                    return fh.read()
        """),
        code("""
            import sys

            def main():
                with open(sys.argv[1]) as fh:
                    print(fh.read())
        """),
        code("""
            def load(path):
                with open(path) as fh:
                    return fh.read()
        """),
        code("""
            import zipfile
            from flask import request

            def names():
                return zipfile.ZipFile(request.files["z"]).open("a.txt").read()
        """),
        code("""
            from pathlib import Path
            from fastapi import FastAPI, HTTPException
            from fastapi.responses import FileResponse

            app = FastAPI()
            ROOT = Path("/srv/static").resolve()

            @app.get("/assets/{name}")
            def asset(name: str):
                target = (ROOT / name).resolve()
                try:
                    target.relative_to(ROOT)
                except ValueError:
                    raise HTTPException(status_code=404)
                return FileResponse(target)
        """),
        # a containment check in a one-line predicate (which may live in another module)
        code("""
            from pathlib import Path
            from fastapi import FastAPI, HTTPException
            from fastapi.responses import FileResponse

            app = FastAPI()
            PUBLIC = Path("/srv/public")

            def is_path_inside(child: Path, parent: Path) -> bool:
                return parent.resolve() in child.resolve().parents

            @app.get("/public/{filename:path}")
            def public_file(filename: str):
                path = (PUBLIC / filename).resolve()
                if not is_path_inside(path, PUBLIC):
                    raise HTTPException(status_code=400)
                return FileResponse(path)
        """),
        # a helper that raises unless the resolved path starts with its base directory
        code("""
            import os
            from django.core.exceptions import SuspiciousFileOperation
            from django.http import FileResponse

            ATTACHMENTS = "/srv/attachments"

            def within(candidate, root):
                root = os.path.abspath(root)
                candidate = os.path.abspath(candidate)
                if os.path.commonprefix([root, candidate]) != root:
                    raise SuspiciousFileOperation(candidate)
                return candidate

            def attachment(request):
                path = within(os.path.join(ATTACHMENTS, request.GET["name"]), ATTACHMENTS)
                return FileResponse(open(path, "rb"))
        """),
        # `uuid.UUID()` returned, so the name is a UUID's text: no `/` nor `..`
        code("""
            import os
            import shutil
            import uuid
            from django.http import HttpResponse, HttpResponseBadRequest

            UPLOADS = "/srv/uploads"

            def discard(request):
                batch = request.POST["batch"]
                try:
                    uuid.UUID(batch)
                except ValueError:
                    return HttpResponseBadRequest("not a batch id")
                shutil.rmtree(os.path.join(UPLOADS, batch))
                return HttpResponse(status=204)
        """),
        # a requests transport adapter: `request` is the request this program is sending (a file:// URL)
        code("""
            import io
            from urllib.parse import unquote, urlparse

            from requests import Response
            from requests.adapters import BaseAdapter

            class LocalFileAdapter(BaseAdapter):
                def send(self, request, **kwargs):
                    resp = Response()
                    resp.raw = io.open(unquote(urlparse(request.url).path), "rb")
                    return resp

                def close(self):
                    pass
        """),
    ]
    INVALID = [
        Example(  # joined but never resolved: `base/../../etc/passwd` has base among its parents
            code("""
                import os
                from pathlib import Path
                from flask import abort, request

                def stays_inside(name, base):
                    full = Path(base) / name
                    return Path(base) in full.parents

                def upload():
                    name = request.args["name"]
                    if not stays_inside(name, "/srv/uploads"):
                        abort(403)
                    with open(os.path.join("/srv/uploads", name), "wb") as out:
                        out.write(request.get_data())
            """),
            where='os.path.join("/srv/uploads", name)',
            says="File path built from the Flask request",
        ),
        Example(  # handed to a helper that opens it
            code("""
                import os
                from flask import request

                def read_file(path):
                    with open(path) as fh:
                        return fh.read()

                def page():
                    return read_file(os.path.join("/srv/pages", request.args["name"]))
            """),
            where='os.path.join("/srv/pages", request.args["name"])',
            says="File path built from the Flask request",
        ),
        Example(  # a view's `request` is the client's
            code("""
                import io
                from urllib.parse import unquote

                from django.http import FileResponse
                from django.views import View

                class LocalFileView(View):
                    def get(self, request, **kwargs):
                        path = unquote(request.GET["file"])
                        return FileResponse(io.open(path, "rb"))
            """),
            where="path",
            says="File path built from the HTTP request",
        ),
        Example(  # compared before resolving: `/srv/attachments/../../etc/passwd` starts with the base too
            code("""
                import os
                from django.core.exceptions import SuspiciousFileOperation
                from django.http import FileResponse

                ATTACHMENTS = "/srv/attachments"

                def within(candidate, root):
                    root = os.path.abspath(root)
                    if os.path.commonprefix([root, candidate]) != root:
                        raise SuspiciousFileOperation(candidate)
                    return candidate

                def attachment(request):
                    path = within(os.path.join(ATTACHMENTS, request.GET["name"]), ATTACHMENTS)
                    return FileResponse(open(path, "rb"))
            """),
            where="path",
            says="File path built from the HTTP request",
        ),
        Example(  # the failed conversion is ignored: any text goes on
            code("""
                import os
                import shutil
                import uuid
                from django.http import HttpResponse

                UPLOADS = "/srv/uploads"

                def discard(request):
                    batch = request.POST["batch"]
                    try:
                        uuid.UUID(batch)
                    except ValueError:
                        pass
                    shutil.rmtree(os.path.join(UPLOADS, batch))
                    return HttpResponse(status=204)
            """),
            where="os.path.join(UPLOADS, batch)",
            says="File path built from the HTTP request",
        ),
        Example(  # an existence oracle: answers for ../../home/alice/.ssh/id_rsa too
            code("""
                import os
                from flask import request

                def avatar_exists():
                    path = os.path.join("/srv/media", request.args["file"])
                    return {"exists": os.path.exists(path)}
            """),
            where="path",
            says="`os.path.exists()` of a path built from the Flask request",
        ),
        Example(  # the probe picks the answer, not only the directory: a missing file gets a message of its own
            code("""
                import os
                from flask import Flask, send_from_directory

                app = Flask(__name__)
                THEME = "/srv/theme/static"

                @app.route("/static/<path:name>")
                def static_file(name):
                    if os.path.isfile(os.path.join(THEME, name)):
                        return send_from_directory(THEME, name)
                    return {"missing": name}, 404
            """),
            where="os.path.join(THEME, name)",
            says="`os.path.isfile()` of a path built from the route parameter `name`",
        ),
        Example(
            code("""
                from sanic import Sanic, response

                app = Sanic("media")

                @app.get("/media")
                async def media(request):
                    return await response.file(f"/var/www/media/{request.args.get('name')}")
            """),
            where='f"/var/www/media/{request.args.get(\'name\')}"',
            says="File path built from the HTTP request",
        ),
        Example(
            code("""
                from pathlib import Path
                from aiohttp import web

                STATIC = Path("/srv/static")

                async def static_file(request):
                    return web.FileResponse(STATIC / request.query.get("file", "index.html"))
            """),
            where='STATIC / request.query.get("file", "index.html")',
            says="File path built from the HTTP request",
        ),
        Example(
            code("""
                import os
                from flask import request, send_file

                def download():
                    name = request.args.get("name")
                    return send_file(os.path.join("/srv/reports", name))
            """),
            fixed=code("""
                import os
                from flask import request, send_file
                from flask import send_from_directory

                def download():
                    name = request.args.get("name")
                    return send_from_directory("/srv/reports", name)
            """),
            where='os.path.join("/srv/reports", name)',
            says="File path built from the Flask request",
        ),
        Example(
            code("""
                import flask

                app = flask.Flask(__name__)

                @app.route("/files/<name>")
                def show(name):
                    return flask.send_file("static/docs/" + name, mimetype="text/plain")
            """),
            fixed=code("""
                import flask

                app = flask.Flask(__name__)

                @app.route("/files/<name>")
                def show(name):
                    return flask.send_from_directory("static/docs", name, mimetype="text/plain")
            """),
            where='"static/docs/" + name',
            says="File path built from the route parameter `name`",
        ),
        Example(
            code("""
                import os
                from flask import request

                UPLOADS = "/srv/uploads"

                def upload():
                    f = request.files["file"]
                    f.save(os.path.join(UPLOADS, f.filename))
            """),
            where="os.path.join(UPLOADS, f.filename)",
            says="File path built from the Flask request",
        ),
        Example(
            code("""
                import os
                from flask import Flask, request, send_file

                app = Flask(__name__)

                @app.route("/reports")
                def report():
                    path = os.path.join("/srv/reports", request.args["name"])
                    return send_file(path, as_attachment=True)
            """),
            fixed=code("""
                import os
                from flask import Flask, request, send_file
                from flask import send_from_directory

                app = Flask(__name__)

                @app.route("/reports")
                def report():
                    path = os.path.join("/srv/reports", request.args["name"])
                    return send_from_directory("/srv/reports", request.args["name"], as_attachment=True)
            """),
            where="path",
            says="File path built from the Flask request",
        ),
        Example(
            code("""
                from django.http import HttpResponse

                def read_log(request):
                    with open("/var/log/app/" + request.GET["file"]) as fh:
                        return HttpResponse(fh.read())
            """),
            where='"/var/log/app/" + request.GET["file"]',
            says="File path built from the HTTP request",
        ),
        Example(
            code("""
                import shutil
                from flask import request

                def cleanup():
                    shutil.rmtree(f"/tmp/jobs/{request.form['job']}")
            """),
            where='f"/tmp/jobs/{request.form[\'job\']}"',
            says="File path built from the Flask request",
        ),
        Example(
            code("""
                from pathlib import Path
                from fastapi import FastAPI

                app = FastAPI()
                ROOT = Path("/data")

                @app.get("/doc")
                def doc(name: str):
                    return (ROOT / name).read_text()
            """),
            where="ROOT / name",
            says="File path built from the route parameter `name`",
        ),
        Example(
            code("""
                import os

                TEMPLATES = "/srv/templates"

                def template_text(name):
                    with open(os.path.join(TEMPLATES, name)) as fh:
                        return fh.read()
            """),
            where="os.path.join(TEMPLATES, name)",
            says="File path built from the parameter `name`",
        ),
        Example(  # an existence test is not a check: ../../etc/passwd exists too
            code("""
                import os
                from flask import abort, request, send_file

                def export():
                    path = os.path.join("/srv/exports", request.args["name"])
                    if not os.path.isfile(path):
                        abort(404)
                    return send_file(path)
            """),
            where="path",
            says="File path built from the Flask request",
        ),
        Example(
            code("""
                from pathlib import Path
                from aiohttp import web

                UPLOAD_ROOT = Path("/srv/uploads")

                async def upload(request):
                    field = await (await request.multipart()).next()
                    (UPLOAD_ROOT / field.filename).write_bytes(await field.read())
            """),
            where="UPLOAD_ROOT / field.filename",
            says="File path built from the HTTP request",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        targets: list[ast.expr] = []
        if name in _SINKS:
            for index, names in _SINKS[name]:
                arg = ts.argument(node, index, names)
                if arg is not None:
                    targets.append(arg)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "save" and self._is_upload(node.func.value, ctx):
            arg = ts.argument(node, 0, ("dst",))
            if arg is not None:
                targets.append(arg)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _PATH_METHODS:
            receiver = node.func.value
            if self._is_path(receiver, ctx) or (node.func.attr in _PATH_ONLY_METHODS and isinstance(receiver, (ast.BinOp, ast.Name))):
                targets.append(receiver)
        elif name in _PROBES:
            target = ts.argument(node, 0, ("path",))
            if target is not None and not self._also_opened(node, target, ctx) and not served_files.only_picks_serving_directory(node, target, ctx):
                self._check(node, target, name, ctx, probe=True)
            return
        for target in targets:
            if self._check(node, target, name, ctx):
                return

    def visit_Forwarded(self, node: ast.Call, callee: str, position: str, target: ast.expr, ctx) -> None:
        # `read_file(request.args["name"])` where `def read_file(path): return open(path).read()`,
        # or `open(UPLOAD_DIR + name)` inside: the name still climbs out with `../`
        position = position.removesuffix(BUILT)
        if any(position == str(index) or position in names for index, names in _SINKS.get(callee, ())):
            self._check(node, target, callee, ctx)

    def _is_upload(self, receiver: ast.AST, ctx) -> bool:
        """An uploaded file (werkzeug FileStorage): `request.files["f"]` or a name holding one."""
        value = ts.single_value(receiver, ctx) if isinstance(receiver, ast.Name) else receiver
        while isinstance(value, (ast.Subscript, ast.Call)):
            if isinstance(value, ast.Call):
                if not (isinstance(value.func, ast.Attribute) and value.func.attr in ("get", "getlist")):
                    return False
                value = value.func.value
            else:
                value = value.value
        return isinstance(value, ast.Attribute) and value.attr == "files" and ts.is_remote(ctx.origin(value).risk(Sink.PATH))

    def _is_path(self, node: ast.AST, ctx, depth: int = 0) -> bool:
        if depth > 4:
            return False
        if isinstance(node, ast.Call):
            return ctx.call_name(node) in _PATH_TYPES
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._is_path(node.left, ctx, depth + 1)
        if isinstance(node, ast.Name):
            values = ctx.assigned_values(node)
            if not values:  # `UPLOAD_ROOT = Path("/srv/uploads")` at the module's top level
                return ctx.module_made_by(node) in _PATH_TYPES
            return all(v is not node and self._is_path(v, ctx, depth + 1) for v in values)
        return False

    def _also_opened(self, probe: ast.Call, target: ast.expr, ctx) -> bool:
        """Whether the probed name also reaches a file operation in the function: that one is
        reported (`if not os.path.isfile(path): abort(404)` then `send_file(path)`)."""
        if not isinstance(target, ast.Name):
            return False
        for node in astutil.walk(web.function_body(ctx, probe)):
            if not isinstance(node, ast.Call) or node is probe:
                continue
            name = ctx.call_name(node)
            used = [*node.args, *(k.value for k in node.keywords)] if name in _SINKS else []
            if isinstance(node.func, ast.Attribute) and node.func.attr in _PATH_METHODS:
                used.append(node.func.value)
            if any(isinstance(n, ast.Name) and n.id == target.id for arg in used for n in astutil.walk(arg)):
                return True
        return False

    def _check(self, call: ast.Call, target: ast.expr, name: str | None, ctx, probe: bool = False) -> bool:
        part = ctx.origin(target).risk(Sink.PATH)
        if part is None or part.kind == taint.UNKNOWN or (probe and part.kind != taint.UNTRUSTED):
            return False
        joined = self._joined(target, ctx)
        if part.kind == taint.PARAM:
            if part.label in ("self", "cls") or joined is None or _mentions_file(joined[0]) or ctx.in_test_code(call):
                return False  # a parameter joined onto the package's own directory: data files it ships
            confidence = Confidence.LOW
        elif not ts.is_remote(part):
            return False  # the command line or environment choosing a file is the usual case
        elif any(p.from_client() for p in ctx.origin(target).parts if not p.is_safe_for(Sink.PATH)):
            confidence = Confidence.HIGH
        else:
            # a server the program called named the file (a listing's entry, a download's name): the
            # audit tier, as its answers are wherever the program only probes them
            confidence = Confidence.LOW
        one_segment = web.is_single_segment_parameter(ctx, part)
        if one_segment:
            confidence = Confidence.LOW  # no `/` in it: the folder's own entries, or its parent
        if path_tests.tested_before(call, target, ctx):
            return False
        fix = None
        if name in _SEND_FILE:
            fix = served_files.send_from_directory_fix(call, target, joined, ctx)
        if probe:
            message = (
                f"`{name}()` of a path built from {ts.phrase(part, ts.short(ctx, target))}: with `../` or an absolute path "
                "it tells the client whether any file on the server exists. Keep only the file name, or check the resolved "
                "path stays inside the directory."
            )
            # it discloses, it does not read; only to a client: a server the program called is never told
            confidence = min(confidence, Confidence.MEDIUM if part.from_client() else Confidence.LOW)
        elif one_segment:
            message = (
                f"File path built from {ts.phrase(part, ts.short(ctx, target))}: the route matches one path segment, so the name "
                "holds no `/`, but `..` still names the parent folder (and on Windows `..\\` climbs further). Keep only the file "
                "name, or check the resolved path stays inside the directory."
            )
        else:
            message = (
                f"File path built from {ts.phrase(part, ts.short(ctx, target))}: a name with `../` or an absolute path "
                "reaches files outside the intended directory. Keep only the file name, or check the resolved path stays inside it."
            )
        ctx.report(self, target, message, fix=fix, confidence=confidence, related=ctx.related_path(part))
        return True

    def _joined(self, target: ast.expr, ctx) -> tuple[ast.expr | str, ast.expr, bool] | None:
        """For a path made of a constant directory and values: (directory, last value, exactly those two)."""
        value = target
        if isinstance(target, ast.Name):
            value = ts.single_value(target, ctx)
            if value is None:
                return None
        if isinstance(value, ast.Call) and ctx.call_name(value) in ("os.path.join", "posixpath.join"):
            args = value.args
            simple = len(args) >= 2 and not value.keywords and not any(isinstance(a, ast.Starred) for a in args)
            if simple and ctx.origin(args[0]).is_constant and any(ctx.origin(a).risk(Sink.PATH) for a in args[1:]):
                return args[0], args[-1], len(args) == 2
            return None
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div) and ctx.origin(value.left).is_constant and ctx.origin(value.right).risk(Sink.PATH):
            return value.left, value.right, False
        if strings.is_built(value):
            parts = strings.pieces(value)
            if not parts or not isinstance(parts[0], strings.Literal) or "/" not in parts[0].text:
                return None
            if not any(ctx.origin(v).risk(Sink.PATH) for v in strings.values(parts)):
                return None
            exact = len(parts) == 2 and isinstance(parts[1], strings.Value) and parts[0].text.endswith("/") and len(parts[0].text) > 1
            last = strings.values(parts)[-1]
            return parts[0].text.rstrip("/") or "/", last, exact
        return None


def _mentions_file(node) -> bool:
    return not isinstance(node, str) and any(isinstance(n, ast.Name) and n.id == "__file__" for n in astutil.walk(node))
