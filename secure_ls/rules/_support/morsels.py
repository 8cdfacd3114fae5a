"""Cookies made with the standard library's `http.cookies` (SimpleCookie, Morsel) and sent by
hand, as `http.server` programs do: `self.send_header("Set-Cookie", morsel.OutputString())` (a CGI
script's `print(cookie.output())` is not read). A morsel's flags are items set on it (`morsel["httponly"] = True`) or
attributes spelled in the text it was loaded from (`cookie.load("sid=...; HttpOnly")`); the module
is read for any such setting in the top-level statement that makes the cookie and sends it, since
morsels travel between its methods (a class attribute, a loop over `cookie.values()`)."""

from __future__ import annotations

import ast
import re

from secure_ls.engine import astutil

# `morsel.OutputString()` is a Morsel's alone; `cookie.output()` a SimpleCookie's (also `morsel.output()`)
_SERIALISERS = frozenset({"OutputString", "output"})
_LOADED_NAME = re.compile(r"^\s*([^=;\s]+)\s*=")


def sent_morsel(call: ast.Call, ctx) -> bool:
    """`send_header("Set-Cookie", <a morsel or cookie>.OutputString())` in a module that imports http.cookies."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "send_header" and len(call.args) == 2):
        return False
    header, value = call.args
    if not (isinstance(header, ast.Constant) and isinstance(header.value, str) and header.value.lower() == "set-cookie"):
        return False
    sent = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _SERIALISERS
    return sent and ctx.imports("http.cookies")


def flags_set(tree: ast.AST) -> frozenset[str]:
    """The cookie attributes `tree` sets on morsels anywhere: `m["httponly"] = True`,
    `m.update({"secure": True})`, or `; Secure` in a text a cookie loads."""
    found: set[str] = set()
    for node in astutil.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            found.add(node.slice.value.lower())
        elif isinstance(node, ast.Dict):
            found.update(k.value.lower() for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "=" in node.value:
            found.update(part.strip().lower() for part in node.value.split(";")[1:])
    return frozenset(found & {"httponly", "secure", "samesite"})


def cookie_names(tree: ast.AST) -> list[str]:
    """The names `tree` gives cookies: `cookie["sid"] = t` on `cookie = SimpleCookie()`, and what it
    loads (`cookie.load("SESSIONID={}".format(t))`, `cookie.load(f"sid={t}")`)."""
    names: list[str] = []
    jars = {ast.unparse(t) for node in astutil.walk(tree) if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
            and astutil.last_name(node.value.func) == "SimpleCookie" for t in node.targets}
    for node in astutil.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and ast.unparse(node.value) in jars:
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                names.append(node.slice.value)  # `cookie["sid"] = token` on `cookie = SimpleCookie()`
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load" and node.args:
            text = node.args[0]
            if isinstance(text, ast.Call) and isinstance(text.func, ast.Attribute) and text.func.attr == "format":
                text = text.func.value
            if isinstance(text, ast.JoinedStr) and text.values and isinstance(text.values[0], ast.Constant):
                text = text.values[0]
            if isinstance(text, ast.Constant) and isinstance(text.value, str) and (found := _LOADED_NAME.match(text.value)):
                names.append(found.group(1))
    return names
