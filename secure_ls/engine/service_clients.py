"""Calls that send requests to another service, and the module's functions only its service
clients call.

A class whose methods send requests (a site plugin logging in, an API client signing its calls)
computes what that service's protocol asks for; so does a top-level helper of the module that
only such classes call, never comparing what it returns (`md5_crypt(password, salt)` called
from the plugin's `signin`, a `password_data(user, password)` the plugin posts). The helpers
are a module fact: each unit says which names its sending classes call and which names the
rest of it calls, or those classes compare (UnitSymbols.service_calls, other_calls), and
ModuleSymbols.merge keeps the names only the first call.
"""

from __future__ import annotations

import ast
import builtins
import re

from secure_ls.engine import astutil, catalog, taint

# Methods named for sending what they are given (`api_request`, `self.load(url, post=...)`,
# `_download_json(url, query=...)`): an application's own request wrappers, whoever built them.
SENDING_NAMES = re.compile(r"^(get|post|put|patch|request|urlopen|load|fetch|send|sendall|download)$|_(request|call|post|get|fetch|send)$|^_?(api|rpc|download|request)_")
# Keywords of an HTTP client's request methods (requests, httpx, aiohttp sessions): a `get`
# given one of them sends a request; a mapping's `get` takes none.
REQUEST_KEYWORDS = frozenset({"params", "headers", "data", "json", "cookies", "files", "auth"})
# Calls that find a row by the value they are given, never a request, whatever their name.
LOOKUP_METHODS = frozenset({"filter", "filter_by", "get", "exclude", "where", "find", "find_one", "get_or_create", "first", "select"})


def sends(name: str, attr: str, keywords: set) -> bool:
    """Whether a call of `name` (qualified where known; `attr`, its last part) given `keywords`
    sends what it is given to another party: a known HTTP client (`requests.get`), a client
    session's method given request keywords (`session.get(url, headers=...)`), or a method named
    for sending (`api_request`, `self.load(url, post=...)`); a cookie jar's `load` parses a cookie
    header (`self.cookie.load("SESSIONID=" + token)`)."""
    receiver = name.rsplit(".", 2)[-2].lower() if name.count(".") else ""
    if attr == "load" and "cookie" in receiver:
        return False
    return (
        catalog.SOURCE_NAMES.get(name) in taint.OUTBOUND_SOURCES
        or attr in catalog.HTTP_CLIENT_METHODS and bool(keywords & REQUEST_KEYWORDS)
        or attr not in LOOKUP_METHODS and bool(SENDING_NAMES.search(attr))
    )


def _call_sends(call: ast.Call) -> bool:
    attr = astutil.last_name(call.func)
    if attr not in catalog.HTTP_CLIENT_METHODS and not SENDING_NAMES.search(attr):
        return False  # the common case, settled by the name (a DNS resolver's query carries none of the program's data)
    return sends(astutil.dotted(call.func) or "", attr, {k.arg for k in call.keywords})


# A unit that may hold a class sending requests: an HTTP client's module, a method named for
# sending, or a request keyword. Missing one only misses a helper (its hashes stay reported).
_CLIENT_HINT = re.compile(
    r"\b(requests|httpx|urllib3?|urlopen)\b|\.(post|put|patch|request|load|fetch|send|sendall|download)\(|_(request|call|post|get|fetch|send)\("
    r"|\b_?(api|rpc|download|request)_\w*\(|\b(params|headers|json|cookies|auth)\s*="
)
# A call of a bare name in the text (an over-approximation: strings and comments count too,
# which only keeps a function from being taken for a helper); and the names the text defines.
_BARE_CALL = re.compile(r"(?:^|[^\w.])([A-Za-z_]\w*)(?=\s*\()", re.MULTILINE)
_DEFINITION = re.compile(r"\b(?:def|class)\s+(\w+)")


def calls(tree: ast.Module, text: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(the names the unit's top-level classes that send requests call as bare names, the names
    the rest of the unit calls so). The text is read first: only a class that calls a function
    by name and may send is walked, and a module whose text shows no sign of sending is not
    walked at all (its calls are read from the text)."""
    if text is not None:
        alone = len(tree.body) == 1
        may_send = _CLIENT_HINT.search(text) is not None
        if alone or not may_send:
            named = frozenset(_BARE_CALL.findall(text)) - _BUILTINS
            if alone:  # its own name, called back in its body, is not another's call
                named -= frozenset(_DEFINITION.findall(text))
            if not (named and may_send and isinstance(tree.body[0], ast.ClassDef)):
                return frozenset(), named
    service: set[str] = set()
    other: set[str] = set()
    for stmt in tree.body:
        called, compared, sending = _calls_in(stmt)
        if sending and isinstance(stmt, ast.ClassDef):
            # `if pin_hash != hash_pin(self.pin)`: a class that compares what the function returns
            # checks a verifier with it, whatever else it sends
            service.update(called - compared)
            other.update(compared)
        else:
            other.update(called)
    return frozenset(service), frozenset(other)


def _calls_in(stmt: ast.stmt) -> tuple[set[str], set[str], bool]:
    """In one walk: the names `stmt` calls bare, those of them whose result it compares, and
    whether any of its calls sends a request (by the call as spelled)."""
    called: set[str] = set()
    compared: set[str] = set()
    sending = False
    for node in astutil.walk(stmt):
        kind = type(node)
        if kind is ast.Call:
            if type(node.func) is ast.Name:
                called.add(node.func.id)
            sending = sending or _call_sends(node)
        elif kind is ast.Compare:
            compared.update(side.func.id for side in (node.left, *node.comparators) if type(side) is ast.Call and type(side.func) is ast.Name)
    return called - _BUILTINS, compared, sending


_BUILTINS = frozenset(dir(builtins))
