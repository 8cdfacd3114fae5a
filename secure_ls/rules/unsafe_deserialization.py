"""SLS105 unsafe-deserialization."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secure_ls.engine import astutil, frameworks, taint
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import taint_sinks as ts
from secure_ls.rules._support import config, web
from secure_ls.rules.base import Example, Rule, code
from secure_ls.engine.taint import Sink

# name -> (index of the data/file argument, its keyword names, what it reads)
_LOADERS: dict[str, tuple[int, tuple[str, ...], str]] = {}
for _module in ("pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib"):
    _LOADERS[f"{_module}.load"] = (0, ("file", "filename"), "pickle")
    _LOADERS[f"{_module}.loads"] = (0, ("data", "str", "bytes_object", "s"), "pickle")
    _LOADERS[f"{_module}.Unpickler"] = (0, ("file",), "pickle")
_LOADERS.update(
    {
        "pickle._load": (0, ("file",), "pickle"),
        "pickle._loads": (0, ("data",), "pickle"),
        "pickle._Unpickler": (0, ("file",), "pickle"),
        "shelve.open": (0, ("filename",), "shelve"),
        "shelve.DbfilenameShelf": (0, ("filename",), "shelve"),
        "marshal.load": (0, ("file",), "marshal"),
        "marshal.loads": (0, ("bytes", "data"), "marshal"),
        "jsonpickle.decode": (0, ("string",), "jsonpickle"),
        "jsonpickle.loads": (0, ("string",), "jsonpickle"),
        "jsonpickle.unpickler.decode": (0, ("string",), "jsonpickle"),
        "pandas.read_pickle": (0, ("filepath_or_buffer", "path"), "pickle"),
        "pandas.io.pickle.read_pickle": (0, ("filepath_or_buffer", "path"), "pickle"),
    }
)


class UnsafeDeserialization(Rule):
    """
    ## What it does
    Finds data deserialized with formats that can run code: `pickle`
    (`load`, `loads`, `Unpickler`, and the same in `cPickle`, `_pickle`,
    `dill`, `cloudpickle`, `joblib`), `shelve.open`, `marshal`,
    `jsonpickle.decode` and `pandas.read_pickle`; also the client's data
    given to a function of the module or the workspace that hands it on
    whole to one of them, reported where it is given. Data that is a
    constant in the code is not reported, nor is an `Unpickler` whose
    class lookup the function replaces (`u.find_global = cls.find_class`,
    `u.find_class = ...`): it asks that allow-list for every class. Nor is data
an HMAC check authenticated first (`hmac.compare_digest(sig, hmac.new(KEY, data,
...).digest())`, also in a helper predicate that computes the MAC into a local).
    Django settings that unpickle every session
    (`SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"`)
    are reported too: with `signed_cookies` sessions the client holds the
    pickle, and only the `SECRET_KEY` stands between it and running code
    (high confidence then, medium with a server-side store). The quick fix
    switches to `JSONSerializer` (unsafe: sessions holding objects JSON
    cannot encode stop working, and current sessions are dropped).

    ## Why is this bad?
    A pickle is a small program: unpickling calls whatever functions the
    data names (`os.system` among them), before your code can look at the
    result. Whoever can write the file, the cache entry, the message or the
    upload runs code in your process (CWE-502). `marshal` data can crash the
    interpreter; `jsonpickle` builds any class it is told to.

    ## How to fix it
    Exchange data in a format that only holds data: JSON, MessagePack,
    Protocol Buffers, or `numpy.save` without pickles. When a pickle cannot
    be avoided, only load what your own program wrote, from a place nobody
    else can write to, and authenticate it (an HMAC over the bytes, checked
    with `hmac.compare_digest` before loading).

    There is no mechanical fix. The finding's confidence follows where the
    data comes from: high for a web request or a route parameter (or a file
    whose name comes from one), medium for a function parameter, low for
    data whose origin is not known. Round trips (`loads(dumps(x))`) are not
    reported, nor, in test modules, anything but data from outside the
    program. A pickle file at a path fixed in the code, data an object
    keeps in its own attributes, and a pickle the
    program reads back from where it also wrote one (the same file path, or
    a class that pickles into its own storage and loads from it (also a dict
    subclass's own items, `super().__getitem__(key)`), not from a
    method parameter; a parameter that only picks the entry or the file name
    is fine, and so is a record a parameter hands in whose field the class
    fills with its own pickles: `Process(desc=dumps(d).hex())` then
    `loads(bytes.fromhex(p.desc))`; also a store the class writes its pickles into and reads them
    back from: `self.app.store.put(key, pickle.dumps(...))` then `pickle.loads(app.store.get(key))`;
    and a serializer's `loads(self, data)` that every call in the module hands bytes the calling
    object read from its own storage: `self.serializer.loads(self._cache[key])`),
    a shelf a class keeps and stores into (`self.shelf = shelve.open(path)`, `self.shelf[key] =
    value`), or a file loaded by a module that `pickle.dump`s its state into
    files, are low confidence (the audit tier); `marshal`
    (the `.pyc` format) is reported at medium severity, with medium
    confidence only for data from a request.

    ## References
    - https://docs.python.org/3/library/pickle.html (the warning at the top)
    """

    id = "SLS105"
    name = "unsafe-deserialization"
    title = "Deserialization that can run code"
    cwe = 502
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "injection"
    forwarded_sink = Sink.DESERIALIZE
    bandit = ("B301", "B302")
    codeql = ("py/unsafe-deserialization",)
    fixable = True
    calls = frozenset(_LOADERS)

    VALID = [
        # cPickle's restricted unpickler: every class the data names is looked up in an allow-list
        code("""
            import cPickle as pickle

            SAFE = {"collections": {"deque"}}

            def find_class(module, name):
                if name not in SAFE.get(module, ()):
                    raise pickle.UnpicklingError("unsafe class %s.%s" % (module, name))
                __import__(module)
                return getattr(__import__(module), name)

            def load(file):
                unpickler = pickle.Unpickler(file)
                unpickler.find_global = find_class
                return unpickler.load()
        """),
        # the payload's HMAC, computed in a statement of its own, is checked before loading
        code("""
            import hashlib, hmac, pickle
            from flask import request
            KEY = b"k"

            def load():
                payload = request.get_data()
                signature, data = payload[:32], payload[32:]
                expected = hmac.new(KEY, data, hashlib.sha256).digest()
                if not hmac.compare_digest(signature, expected):
                    raise ValueError("bad signature")
                return pickle.loads(data)
        """),
        code("""
            import json

            def load(path):
                with open(path) as f:
                    return json.load(f)
        """),
        code(r"""
            import pickle

            DEFAULTS = pickle.loads(b"\x80\x04K\x01.")
        """),
        code("""
            import pickle

            def save(obj, path):
                with open(path, "wb") as f:
                    pickle.dump(obj, f)
        """),
        code("""
            class Store:
                def loads(self, data):
                    return data

            def f(store, blob):
                return store.loads(blob)
        """),
        code("""
            import numpy as np

            def read(path):
                return np.load(path)
        """),
        code("""
            import pickle

            def clone(obj):
                return pickle.loads(pickle.dumps(obj))
        """),

        code("""
            import pickle
            import unittest

            class LoadTest(unittest.TestCase):
                def check(self, path):
                    with open(path, "rb") as f:
                        self.assertEqual(pickle.load(f), 1)
        """),
    ]
    INVALID = [
        # Django sessions kept in a signed cookie and unpickled
        Example(
            code("""
                INSTALLED_APPS = ["django.contrib.sessions"]
                ROOT_URLCONF = "site.urls"
                SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
                SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"
            """),
            fixed=code("""
                INSTALLED_APPS = ["django.contrib.sessions"]
                ROOT_URLCONF = "site.urls"
                SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
                SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
            """),
            where='"django.contrib.sessions.serializers.PickleSerializer"',
            says="Every session is unpickled",
        ),
        Example(  # the client's bytes handed to a helper that unpickles them
            code("""
                import base64
                import pickle
                from flask import request

                def cart():
                    return decode_cart(base64.b64decode(request.cookies["cart"]))

                def decode_cart(raw):  # its own finding: the caller decides what it unpickles
                    return pickle.loads(raw)
            """),
            count=2,
            where='decode_cart(base64.b64decode(request.cookies["cart"]))',
            says="`pickle.loads()` reads data from the Flask request",
        ),
        Example(  # the class pickles too (its demo links), but these bytes are the handler's query, through local names
            code("""
                import base64
                import pickle

                class Extract:
                    def __init__(self):
                        self.demo = "/extract?object=" + base64.urlsafe_b64encode(pickle.dumps({"one": 1})).decode()

                    def run(self, handler):
                        params = handler.params
                        raw = params.get("object", [""])[0]
                        return str(pickle.loads(base64.urlsafe_b64decode(raw)))
            """),
            where="pickle.loads(base64.urlsafe_b64decode(raw))",
            says="`pickle.loads()` reads data from the parameter `handler`",
        ),
        Example(  # the class never pickles: the bytes are whatever filled the dict
            code("""
                import pickle

                class PickledItems(dict):
                    pickled_keys = ("consumer_state", "last_token")

                    def __getitem__(self, name):
                        value = super().__getitem__(name)
                        if name in self.pickled_keys:
                            value = pickle.loads(value)
                        return value
            """),
            where="pickle.loads(value)",
            says="`pickle.loads()` reads data from the parameter `name`",
        ),
        Example(
            code("""
                import pickle
                from flask import request

                def restore():
                    return pickle.loads(request.data)
            """),
            where="pickle.loads(request.data)",
            says="`pickle.loads()` reads data from the Flask request",
        ),
        Example(
            code("""
                import pickle

                def load_cache(path):
                    with open(path, "rb") as fh:
                        return pickle.load(fh)
            """),
            where="pickle.load(fh)",
            says="`pickle.load()` reads data from the parameter `path`",
        ),
        Example(
            code("""
                import pandas as pd

                def read(name):
                    return pd.read_pickle(f"/data/{name}.pkl")
            """),
            where='pd.read_pickle(f"/data/{name}.pkl")',
            says="`pandas.read_pickle()` reads data from the parameter `name`",
        ),
        Example(
            code("""
                from dill import loads
                import base64

                def decode(token):
                    return loads(base64.b64decode(token))
            """),
            where="loads(base64.b64decode(token))",
            says="`dill.loads()` reads data from the parameter `token`",
        ),
        Example(
            code("""
                import shelve

                def open_db(filename):
                    return shelve.open(filename)
            """),
            where="shelve.open(filename)",
            says="`shelve.open()` reads data from the parameter `filename`",
        ),
        Example(
            code("""
                import jsonpickle
                from flask import request

                def hydrate():
                    return jsonpickle.decode(request.get_data(as_text=True))
            """),
            where="jsonpickle.decode(request.get_data(as_text=True))",
            says="`jsonpickle.decode()` reads data from the HTTP request",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node)
        if name not in _LOADERS:
            return
        index, names, fmt = _LOADERS[name]
        data = ts.argument(node, index, names)
        if data is not None and not _restricted_unpickler(node, ctx):
            self._judge(node, name, fmt, data, ctx)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        """`SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"` in Django settings."""
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != "SESSION_SERIALIZER":
            return
        value = ctx.string_value(node.value)
        if value is None or not value.endswith(".PickleSerializer") or not config.is_django_settings(ctx) or ctx.in_test_code(node):
            return
        in_cookies = "signed_cookies" in (ctx.module.strings.get("SESSION_ENGINE") or "")
        fix = Fix("Serialize sessions as JSON", (ctx.replace(node.value, '"django.contrib.sessions.serializers.JSONSerializer"'),), safe=False)
        ctx.report(
            self,
            node.value,
            "Every session is unpickled: "
            + ("the signed-cookie backend keeps it in the client's cookie, so whoever learns or guesses the `SECRET_KEY` runs code here. "
               if in_cookies else "whoever can write the session store (or, with signed-cookie sessions, the `SECRET_KEY`) runs code here. ")
            + "Use the JSONSerializer.",
            fix=fix,
            confidence=Confidence.HIGH if in_cookies else Confidence.MEDIUM,
        )

    def visit_Forwarded(self, node: ast.Call, callee: str, position: str, data: ast.expr, ctx) -> None:
        # `decode_cart(request.cookies["cart"])` where `def decode_cart(raw): return pickle.loads(raw)`:
        # judged where the client's bytes are given (what the helper itself loads is the audit tier)
        if callee in _LOADERS and (position == str(_LOADERS[callee][0]) or position in _LOADERS[callee][1]):
            part = ts.data_origin(data, ctx, Sink.DESERIALIZE)
            if part is not None and part.kind == taint.UNTRUSTED:
                self._judge(node, callee, _LOADERS[callee][2], data, ctx)

    def _judge(self, node: ast.Call, name: str, fmt: str, data: ast.expr, ctx) -> None:
        if self._round_trip(data, ctx):
            return  # pickle.loads(pickle.dumps(x)): a copy of the program's own object
        part = ts.data_origin(data, ctx, Sink.DESERIALIZE)
        if part is None:
            fixed = _opened_path(data, ctx, "r")
            if fixed is not None and fmt == "pickle" and not ctx.in_test_code(node):
                # the path is in the code, the bytes are not: whoever can write the file runs code (audit tier)
                ctx.report(
                    self,
                    node,
                    f"`{name}()` unpickles the file at `{fixed}`: whoever can write that file runs code in "
                    "this process. Store it as JSON, or authenticate the bytes before loading.",
                    confidence=Confidence.LOW,
                )
            return
        if part.kind != taint.UNTRUSTED and ctx.in_test_code(node):
            return  # tests load what they wrote
        # state the object keeps for itself, or the program's own saved state: the audit tier
        own_state = part.kind != taint.UNTRUSTED and (part.label in ("self", "cls") or ts.is_self_attribute(data))
        own_file = own_state or part.kind != taint.UNTRUSTED and (
            fmt == "pickle" and (
                _written_here(data, ctx)
                or _class_pickles_too(node, ctx) and (
                    _reads_own_state(data, ctx) or _read_from_pickled_store(data, ctx) or _codec_of_own_storage(data, ctx)
                )
                # `def load_data(name, path): ... pickle.load(open(join(path, name), "rb"))` in a module
                # whose other functions `pickle.dump` the program's state into files
                or ctx.module.pickles_files and _opened_path(data, ctx, "r") is not None
            )
            or fmt == "shelve" and _shelf_written_by_class(node, ctx)
        )
        short = name.rsplit(".", 1)[-1] if not name.startswith("pandas") else "read_pickle"
        module = name.split(".")[0]
        label = f"{module}.{short}" if module != "pandas" else "pandas.read_pickle"
        if fmt == "pickle":
            why = "unpickling runs any function the data names"
        elif fmt == "shelve":
            why = "a shelf is pickles: opening one someone else wrote runs their code"
        elif fmt == "marshal":
            why = "marshal data is not checked and can crash or misbehave the interpreter"
        else:
            why = "jsonpickle builds any class the data names"
        confidence = Confidence.LOW if own_file else part.confidence(configuration=Confidence.MEDIUM)
        severity = None
        if fmt == "marshal":
            # marshal is the .pyc format: reading caches and bytecode is its normal use
            confidence = Confidence.MEDIUM if ts.is_remote(part) else Confidence.LOW
            severity = Severity.MEDIUM
        ctx.report(
            self,
            node,
            f"`{label}()` reads data from {ts.phrase(part, ts.short(ctx, data))}: {why}. "
            "Use a data-only format such as JSON, or authenticate the bytes before loading.",
            confidence=confidence,
            severity=severity,
            related=ctx.related_path(part),
        )

    def _round_trip(self, data: ast.expr, ctx) -> bool:
        value = ts.single_value(data, ctx) if isinstance(data, ast.Name) else data
        if isinstance(value, ast.Call):
            name = ctx.call_name(value) or ""
            return name.rsplit(".", 1)[-1] in ("dumps", "encode") and name.split(".")[0] in ("pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "jsonpickle")
        return False


_DUMPERS = frozenset({"pickle.dump", "cPickle.dump", "_pickle.dump", "dill.dump", "cloudpickle.dump", "joblib.dump"})


# What an Unpickler calls to find each class a pickle names: `find_global` (cPickle), `find_class`.
_CLASS_FINDERS = frozenset({"find_global", "find_class"})


def _restricted_unpickler(call: ast.Call, ctx) -> bool:
    """`u = pickle.Unpickler(f)` then `u.find_global = cls.find_class` (or `u.find_class = ...`) in
    the same function: the unpickler asks that function for every class the data names, so the
    function's allow-list decides what runs (the restricted-unpickler recipe of the pickle docs)."""
    stmt = ctx.statement(call)
    if not (isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    unpickler = stmt.targets[0].id
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Attribute) and t.attr in _CLASS_FINDERS and isinstance(t.value, ast.Name) and t.value.id == unpickler for t in node.targets)
        for node in astutil.walk(web.function_body(ctx, call))
    )


def _opened_path(file: ast.expr, ctx, modes: str) -> str | None:
    """The source text of P in `open(P, "rb")` when `file` is that call, or a name bound to it
    (`with open(P, "rb") as file:`), opened in one of `modes` ("r" or "wa")."""
    value = ts.single_value(file, ctx) if isinstance(file, ast.Name) else file
    if not (isinstance(value, ast.Call) and ctx.call_name(value) in ("open", "io.open") and value.args):
        return None
    mode = ts.argument(value, 1, ("mode",))
    text = mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "r"
    return ctx.text(value.args[0]) if text[:1] in modes else None


_PICKLERS = _DUMPERS | frozenset({"pickle.dumps", "cPickle.dumps", "_pickle.dumps", "dill.dumps", "cloudpickle.dumps"})


def _class_pickles_too(call: ast.Call, ctx) -> bool:
    """An unpickling in a class whose methods also pickle (a cache's `save`/`load`): the class
    reads back its own storage format (audit tier, with `_reads_own_state`)."""
    cls = next((a for a in ctx.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    return cls is not None and any(isinstance(n, ast.Call) and ctx.call_name(n) in _PICKLERS for n in astutil.walk(cls))


def _reads_own_state(data: ast.expr, ctx) -> bool:
    """The bytes come from the object's own storage (`self._backend.get(key)`, a file it opens
    under a name of its choosing), not from a parameter of the method: a `deserialize(value)`
    may be handed a request's cookie. A parameter that only selects the entry (a key, a file
    name) does not change whose bytes they are."""
    func = ctx.enclosing_function(data)
    if func is None:
        return False
    if _opened_path(data, ctx, "r") is not None:
        return True  # `open(os.path.join(folder, href), "rb")`: a file where the class keeps its pickles
    params = {a.arg for a in frameworks.all_args(func.args)} - {"self", "cls"}
    value = ts.single_value(data, ctx) if isinstance(data, ast.Name) else data
    if value is None and isinstance(data, ast.Name):
        value = _unpacked_from(data, ctx)  # `expires, value = self._cache.get(key)`
    if value is None:
        return False
    reads = list(_bytes_reads(value))
    pickled = _fields_filled_with_pickles(data, ctx)
    # `loads(bytes.fromhex(p.desc))` where the class stores `desc=dumps(...).hex()`: a record's field
    # that the class itself fills with its pickles, whichever record the caller hands in
    if any(isinstance(n, ast.Name) and n.id in params and not _field_of(n, reads, pickled) for n in reads):
        return False
    return not _derived_from(reads, params, ctx)


def _derived_from(reads: list[ast.AST], params: set[str], ctx, depth: int = 0) -> bool:
    """A local name read holds what one of `params` held, through the names it was made from
    (`params = handler.params`, `raw = params.get("object")[0]`): the caller's bytes, not the object's."""
    for node in reads:
        if not (isinstance(node, ast.Name) and node.id not in params and depth < 4):
            continue
        value = ts.single_value(node, ctx)
        if value is not None and not _on_self(value):
            inner = list(_bytes_reads(value))
            if any(isinstance(n, ast.Name) and n.id in params for n in inner) or _derived_from(inner, params, ctx, depth + 1):
                return True
    return False


def _field_of(name: ast.Name, reads: list[ast.AST], fields: frozenset[str]) -> bool:
    """Whether `name` is only read as the record whose field in `fields` holds the bytes (`p.desc`)."""
    return any(isinstance(n, ast.Attribute) and n.value is name and n.attr in fields for n in reads)


def _fields_filled_with_pickles(node: ast.AST, ctx) -> frozenset[str]:
    """The fields the enclosing class stores pickles in: `Process(desc=dumps(d).hex())`, `row.desc
    = tmp` with `tmp = dumps(...)`."""
    cls = next((a for a in ctx.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    if cls is None:
        return frozenset()
    found = set()
    for n in astutil.walk(cls):
        if isinstance(n, ast.keyword) and n.arg and _pickles(n.value, ctx):
            found.add(n.arg)
        elif isinstance(n, ast.Assign) and _pickles(n.value, ctx):
            found.update(t.attr for t in n.targets if isinstance(t, ast.Attribute))
    return frozenset(found)


def _unpacked_from(name: ast.Name, ctx) -> ast.expr | None:
    """The one value a tuple assignment `a, name = value` unpacks into `name`."""
    func = ctx.enclosing_function(name)
    found = [
        stmt.value
        for stmt in astutil.walk(func) if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
        and any(isinstance(e, ast.Name) and e.id == name.id for e in stmt.targets[0].elts)
    ] if func is not None else []
    return found[0] if len(found) == 1 else None


def _bytes_reads(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `value` that choose the bytes, not which entry: `self._cache.get(key)` and
    `self._cache[key]` read `self._cache`; `key` only selects in it."""
    yield node
    for child in astutil.children(node):
        if _on_self(node) and child is not _receiver(node):
            continue
        yield from _bytes_reads(child)


def _receiver(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.Subscript):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "__getitem__"):
        return node.func
    return None


def _on_self(node: ast.AST) -> bool:
    """`self.<storage>[key]`, `self.<storage>.get(key)`, or `super().__getitem__(key)` in a dict
    subclass: a lookup in the object's own storage."""
    receiver = _receiver(node)
    while isinstance(receiver, (ast.Attribute, ast.Subscript)):
        receiver = receiver.value
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
        return True
    return isinstance(receiver, ast.Name) and receiver.id == "self"


def _written_here(data: ast.expr, ctx) -> bool:
    """`pickle.load(f)` of a file opened from the same path expression that this code also
    `pickle.dump`s to (`self.db_path`): the program's own saved state (audit tier)."""
    path = _opened_path(data, ctx, "r")
    if path is None:
        return False
    for call in astutil.walk(ctx.tree):
        if isinstance(call, ast.Call) and ctx.call_name(call) in _DUMPERS and len(call.args) >= 2:
            if _opened_path(call.args[1], ctx, "wax") == path:
                return True
    return False


def _codec_of_own_storage(data: ast.expr, ctx) -> bool:
    """`def loads(self, bvalue): return pickle.loads(bvalue)` in a class that also pickles (a
    cache's serializer, a `serialize`/`deserialize` pair), where every call of the method in the
    module hands it bytes the calling object read from its own storage (`expires, value =
    self._cache[key]` then `self.serializer.loads(value)`): the class's storage format, read back
    (engine/own_storage_calls.py). A method the module never calls so, or one a call hands
    anything else (`self.loads(path.read_bytes())`, `serializer.loads(cookie)`), decodes what
    its caller chooses."""
    func = ctx.enclosing_function(data)
    if not (isinstance(data, ast.Name) and func is not None and isinstance(ctx.parent(func), ast.ClassDef)):
        return False
    params = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
    rebound = any(isinstance(n, ast.Name) and n.id == data.id and not isinstance(n.ctx, ast.Load) for n in astutil.walk(func))
    return params[1:2] == [data.id] and not rebound and func.name in ctx.module.own_storage_methods


_STORE_WRITES = frozenset({"set", "put", "setex", "add", "hset", "__setitem__"})


def _read_from_pickled_store(data: ast.expr, ctx) -> bool:
    """`pickle.loads(app.session_store.get(key))` in a class whose `save()` does
    `self.app.session_store.put(key, pickle.dumps(dict(self)))`: the bytes are read back from
    the store the class writes its pickles into (the key only picks the entry). A store the
    class never pickles into holds whatever its other writers put there."""
    value = ts.single_value(data, ctx) if isinstance(data, ast.Name) else data
    store = _receiver(value) if value is not None else None
    if isinstance(store, ast.Attribute) and isinstance(value, ast.Call):
        store = store.value  # `S.get(key)`: the store S
    cls = next((a for a in ctx.ancestors(data) if isinstance(a, ast.ClassDef)), None)
    path = _store_path(store, cls) if store is not None and cls is not None else None
    if path is None:
        return False
    for node in astutil.walk(cls):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _STORE_WRITES:
            written, values = node.func.value, [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            written, values = node.targets[0].value, [node.value]
        else:
            continue
        if _store_path(written, cls) == path and any(_pickles(v, ctx) for v in values):
            return True
    return False


def _store_path(store: ast.expr, cls: ast.ClassDef) -> tuple[str, ...] | None:
    """The names of a store expression from the object outwards: `self.app.session_store` and,
    where the constructor keeps its `app` as `self.app`, `app.session_store` are both
    ("app", "session_store"); None for a store that is not names and attributes."""
    dotted = astutil.dotted(store)
    if dotted is None:
        return None
    names = tuple(dotted.split("."))
    if names[0] == "self":
        return names[1:] or None
    kept = any(
        isinstance(n, ast.Assign) and any(_self_attribute(t) == names[0] for t in n.targets)
        and any(isinstance(v, ast.Name) and v.id == names[0] for v in astutil.walk(n.value))
        for n in astutil.walk(cls)
    )
    return names if kept and len(names) > 1 else None


def _pickles(value: ast.expr, ctx) -> bool:
    """`pickle.dumps(...)`, or a name bound to it."""
    values = [value, *(ctx.assigned_values(value) if isinstance(value, ast.Name) else ())]
    return any(isinstance(n, ast.Call) and ctx.call_name(n) in _PICKLERS for v in values for n in astutil.walk(v))


def _shelf_written_by_class(call: ast.Call, ctx) -> bool:
    """`self.shelf = shelve.open(path)` in a class whose methods store into it (`self.shelf[key]
    = value`): the class's own persistence store, read back whatever file it lives in (audit
    tier, like a module that pickles its state into files). A shelf only read is someone else's."""
    stmt = ctx.parent(call)
    cls = next((a for a in ctx.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    kept = _self_attribute(stmt.targets[0]) if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    return kept is not None and cls is not None and any(
        isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and _self_attribute(t.value) == kept for t in n.targets)
        for n in astutil.walk(cls)
    )


def _self_attribute(node: ast.AST) -> str | None:
    """`shelf` for `self.shelf`."""
    is_self = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
    return node.attr if is_self else None
