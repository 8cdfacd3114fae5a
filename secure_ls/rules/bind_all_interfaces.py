"""SLS503 bind-all-interfaces."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import config
from secure_ls.rules.base import Example, Rule, code

_ALL = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1", "0:0:0:0:0:0:0:0": "::1"}
# Servers taking an (host, port) address tuple as their first argument.
_ADDRESS_SERVERS = frozenset(
    {
        "http.server.HTTPServer", "http.server.ThreadingHTTPServer", "socketserver.TCPServer",
        "socketserver.UDPServer", "socketserver.ThreadingTCPServer", "socketserver.ThreadingUDPServer",
        "socketserver.ForkingTCPServer", "socketserver.ForkingUDPServer", "xmlrpc.server.SimpleXMLRPCServer",
        "xmlrpc.server.DocXMLRPCServer", "socket.create_server", "gevent.pywsgi.WSGIServer", "gevent.server.StreamServer",
    }
)
# Functions taking the host as a positional argument (index) or `host=`.
_HOST_FUNCTIONS = {
    "wsgiref.simple_server.make_server": (0, ("host",)),
    "werkzeug.serving.run_simple": (0, ("hostname",)),
    "werkzeug.run_simple": (0, ("hostname",)),
    "uvicorn.run": (None, ("host",)),
    "aiohttp.web.run_app": (None, ("host",)),
    "waitress.serve": (None, ("host",)),
    "asyncio.start_server": (1, ("host",)),
    "asyncio.start_unix_server": (None, ()),
}


class BindAllInterfaces(Rule):
    """
    ## What it does
    Finds servers and sockets bound to every network interface with a
    literal address: `"0.0.0.0"`, `""` or `"::"` in `socket.bind((host,
    port))`, `socket.create_server`, `http.server.HTTPServer`/`socketserver`
    servers, `wsgiref`'s `make_server`, Werkzeug's `run_simple`, Flask's
    `app.run(host=...)` (also of an application imported from another module
    of the project: `from app import app`), `uvicorn.run`, aiohttp's `run_app`, waitress's
    `serve`, and asyncio's `start_server`/`loop.create_server`. Only the
    address argument is looked at, so the string `"0.0.0.0"` elsewhere (a
    default in a help text, a comparison) is not reported, unlike Bandit's
    B104. Test code is not reported, and binding an ephemeral port
    (`("", 0)`, the free-port idiom) is reported with low confidence, as is
    a socket that is only bound (no `listen`, no read, not handed on) and
    then closed, by its `with` block or by the function that made it: a
    probe for whether the port is free. A socket the function also makes a
    member of a multicast group (`setsockopt(..., IP_ADD_MEMBERSHIP, ...)`,
    an SSDP or mDNS listener; also in a function of the module or a method
    of the class that made the socket) is reported with low confidence too: a group's
    datagrams reach only a socket bound to the wildcard address (or, on
    Linux alone, to the group's), so the wildcard is the portable way to
    receive them; it still takes unicast datagrams sent to that port on any
    interface, which its code must treat as untrusted.

    ## Why is this bad?
    A service meant for local use (a development server, an admin or
    debugging endpoint, a metrics port) becomes reachable from every network
    the machine is on, often without authentication (CWE-1327, CWE-605).

    ## How to fix it
    Bind to `127.0.0.1` (or `::1`) unless the service must be reachable from
    other machines, and then make the address configurable and put the
    service behind authentication or a firewall. The quick fix replaces the
    address with the loopback address; it is unsafe, since clients on other
    machines (or other containers) can no longer connect.
    """

    id = "SLS503"
    name = "bind-all-interfaces"
    title = "Server bound to all network interfaces"
    cwe = 1327
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    topic = "least-privilege"
    bandit = ("B104",)
    codeql = ("py/bind-socket-all-network-interfaces",)
    fixable = True
    calls = _ADDRESS_SERVERS | frozenset(_HOST_FUNCTIONS)
    methods = frozenset({"bind", "run", "create_server"})

    VALID = [
        code("""
            import socket
            s = socket.socket()
            s.bind(("127.0.0.1", 8080))
        """),
        code("""
            import argparse
            parser = argparse.ArgumentParser()
            parser.add_argument("--host", default="0.0.0.0")
        """),
        code("""
            def is_any(host):
                return host == "0.0.0.0"
        """),
        code("""
            import os
            from flask import Flask
            app = Flask(__name__)
            app.run(host=os.environ.get("HOST", "127.0.0.1"))
        """),
        code("""
            import socket
            import unittest
            class T(unittest.TestCase):
                def test_bind(self):
                    socket.socket().bind(("", 0))
        """),
    ]
    INVALID = [
        # the application made in another module of the project, started here
        Example(
            code("""
                from app import app

                if __name__ == "__main__":
                    app.run(host="0.0.0.0", port=5000)
            """),
            fixed=code("""
                from app import app

                if __name__ == "__main__":
                    app.run(host="127.0.0.1", port=5000)
            """),
            where='"0.0.0.0"',
            says='Binding to "0.0.0.0"',
        ),
        Example(
            code("""
                import socket

                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.bind(("0.0.0.0", 9000))
            """),
            fixed=code("""
                import socket

                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.bind(("127.0.0.1", 9000))
            """),
            where='"0.0.0.0"',
            says='Binding to "0.0.0.0" listens on every network interface',
        ),
        Example(
            code("""
                from flask import Flask

                app = Flask(__name__)

                if __name__ == '__main__':
                    app.run(host='0.0.0.0', port=5000)
            """),
            fixed=code("""
                from flask import Flask

                app = Flask(__name__)

                if __name__ == '__main__':
                    app.run(host='127.0.0.1', port=5000)
            """),
            where="'0.0.0.0'",
            says='Binding to "0.0.0.0" listens on every network interface',
        ),
        Example(
            code("""
                from http.server import HTTPServer, SimpleHTTPRequestHandler

                server = HTTPServer(("", 8000), SimpleHTTPRequestHandler)
            """),
            fixed=code("""
                from http.server import HTTPServer, SimpleHTTPRequestHandler

                server = HTTPServer(("127.0.0.1", 8000), SimpleHTTPRequestHandler)
            """),
            where='""',
            says='Binding to "" listens on every network interface',
        ),
        Example(
            code("""
                import uvicorn

                def main():
                    host = "::"
                    uvicorn.run("app:app", host=host, port=8000)
            """),
            fixed=None,
            where="host",
            says='Binding to "::" listens on every network',
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        host, port = self._host(node, ctx)
        if host is None:
            return
        value = ctx.string_value(host)
        if value is None or value not in _ALL or isinstance(host, ast.JoinedStr):
            return
        if ctx.in_test_code(node):
            return
        # port 0 (the system picks one), or a socket only bound to see whether the port is free
        ephemeral = isinstance(port, ast.Constant) and port.value == 0 or _probes_a_port(node, ctx)
        multicast = not ephemeral and _joins_multicast_group(node, ctx)
        fix = None
        if isinstance(host, ast.Constant):
            text = config.quoted_like(ctx.text(host), _ALL[value])
            fix = Fix(f"Bind to {_ALL[value]}", (ctx.replace(host, text),), safe=False)
        shown = f'"{value}"'
        message = (
            f"Binding to {shown} listens on every network interface. The socket joins a multicast group, whose datagrams only a "
            "wildcard-bound socket receives portably; it also takes unicast datagrams sent to this port from any network, so treat what it reads as untrusted."
            if multicast
            else f"Binding to {shown} listens on every network interface: bind to 127.0.0.1 unless other machines must connect, and then make the address configurable."
        )
        ctx.report(self, host, message, fix=None if multicast else fix, confidence=Confidence.LOW if ephemeral or multicast else Confidence.MEDIUM)

    def _host(self, node: ast.Call, ctx) -> tuple[ast.expr | None, ast.expr | None]:
        name = ctx.call_name(node) or ""
        func = node.func
        address = None
        if name in _ADDRESS_SERVERS:
            address = config.argument(node, 0, ("server_address", "address", "listener"))
        elif isinstance(func, ast.Attribute) and func.attr == "bind" and len(node.args) == 1 and not node.keywords and ctx.imports("socket"):
            address = node.args[0]
        if address is not None:
            if isinstance(address, ast.Tuple) and len(address.elts) >= 2:
                return address.elts[0], address.elts[1]
            if isinstance(address, ast.Name):
                values = ctx.assigned_values(address)
                if len(values) == 1 and isinstance(values[0], ast.Tuple) and len(values[0].elts) >= 2:
                    return values[0].elts[0], values[0].elts[1]
            return None, None
        if name in _HOST_FUNCTIONS:
            index, names = _HOST_FUNCTIONS[name]
            return config.argument(node, index, names), config.argument(node, None, ("port",))
        if isinstance(func, ast.Attribute) and func.attr == "run" and (ctx.imports("flask") or config.imported_app_run(node, ctx)):
            return config.argument(node, 0, ("host",)), config.argument(node, 1, ("port",))
        if isinstance(func, ast.Attribute) and func.attr == "create_server" and ctx.imports("asyncio"):
            return config.argument(node, 1, ("host",)), config.argument(node, 2, ("port",))
        return None, None


# socket options that make a socket a member of a multicast group (IPv4, IPv6)
_GROUP_MEMBERSHIP_OPTIONS = frozenset({"IP_ADD_MEMBERSHIP", "IPV6_JOIN_GROUP", "IPV6_ADD_MEMBERSHIP", "IP_ADD_SOURCE_MEMBERSHIP"})


def _joins_multicast_group(bind: ast.Call, ctx) -> bool:
    """`sock.bind(("", 1900))` and, in the same function, `sock.setsockopt(socket.IPPROTO_IP,
    socket.IP_ADD_MEMBERSHIP, ...)`: a multicast receiver (SSDP, mDNS), which must bind the
    wildcard address to get the group's datagrams on every system."""
    sock = bind.func.value if isinstance(bind.func, ast.Attribute) else None
    func = ctx.enclosing_function(bind)
    if sock is None or func is None:
        return False
    if _sets_membership(func, ctx.text(sock), ctx):
        return True
    # `sock = self._create_ssdp_socket()`: a helper of the module or class that made it a member
    made = ctx.assigned_values(sock) if isinstance(sock, ast.Name) else []
    return bool(made) and all(isinstance(v, ast.Call) and (helper := _helper_def(v, bind, ctx)) is not None and _sets_membership(helper, None, ctx) for v in made)


def _sets_membership(func: ast.AST, receiver: str | None, ctx) -> bool:
    """Whether `func` calls `setsockopt(..., IP_ADD_MEMBERSHIP, ...)` on `receiver` (any socket: None)."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setsockopt"
        and (receiver is None or ctx.text(node.func.value) == receiver) and len(node.args) >= 2
        and astutil.last_name(node.args[1]) in _GROUP_MEMBERSHIP_OPTIONS
        for node in ast.walk(func)
    )


def _helper_def(call: ast.Call, at: ast.AST, ctx) -> ast.AST | None:
    """The definition a call names: a function of the module (`make_socket()`), or a method of the
    class around `at` (`self._create_socket()`)."""
    func = call.func
    if isinstance(func, ast.Name):
        scope, name = ctx.tree, func.id
    elif isinstance(func, ast.Attribute) and astutil.last_name(func.value) == "self":
        scope, name = next((a for a in ctx.ancestors(at) if isinstance(a, ast.ClassDef)), None), func.attr
    else:
        return None
    return next((d for d in getattr(scope, "body", ()) if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)) and d.name == name), None)


_PROBE_METHODS = frozenset({"bind", "close", "getsockname", "setsockopt", "settimeout", "setblocking"})


def _probes_a_port(bind: ast.Call, ctx) -> bool:
    """`with socket.socket() as s: s.bind(("", port))`, or a socket the function makes
    (`udp = socket.socket(...)`) and then only binds (and asks `getsockname`, `setsockopt`)
    and closes: it never listens nor receives, so it only tests whether the port is free (a
    start-up helper picking a port)."""
    sock = bind.func.value if isinstance(bind.func, ast.Attribute) else None
    if not isinstance(sock, ast.Name):
        return False
    block = next((a for a in ctx.ancestors(bind) if isinstance(a, ast.With)), None)
    if block is None or not any(isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == sock.id for item in block.items):
        # not the socket of a `with`: one the enclosing function makes and keeps to itself
        block = ctx.enclosing_function(bind)
        values = ctx.assigned_values(sock)
        if block is None or not values or not all(isinstance(v, ast.Call) and (ctx.call_name(v) or "").startswith("socket.") for v in values):
            return False
    for node in ast.walk(block):
        if isinstance(node, ast.Name) and node.id == sock.id and node is not sock:
            parent = ctx.parent(node)
            if isinstance(node.ctx, ast.Store) or isinstance(block, ast.With) and any(node is item.optional_vars for item in block.items):
                continue
            if not (isinstance(parent, ast.Attribute) and parent.attr in _PROBE_METHODS):
                return False  # listened on, read from, returned or handed on
    return True
