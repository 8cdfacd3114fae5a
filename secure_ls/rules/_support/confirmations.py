"""A code a program shows to whoever it is talking with, for them to type back.

`Type "xK3d" to confirm`: the code asks for care before a destructive command, not for a
secret. The one who must type it is the one it is shown to, so predicting it gains nothing;
SLS304 does not report it. An OTP, by contrast, goes by another channel (an SMS, a mail) or
is kept to be checked in a later request.
"""

from __future__ import annotations

import ast

from secure_ls.engine import astutil

# Calls that only spell the code another way or wrap it in text: their result carries it on.
_SPELLING_METHODS = frozenset({"join", "format", "replace", "strip", "upper", "lower", "encode", "decode"})
_SPELLINGS = frozenset({"str", "repr", "format"})
# How a program shows text to whoever it is talking with and reads their answer: a chat command's
# context or message (`ctx.send`, `message.reply`, `ctx.bot.wait_for`), or the terminal.
_SHOWING_METHODS = frozenset({"send", "reply", "respond", "reply_text", "send_message"})
_TERMINAL = frozenset({"print", "input"})


def typed_back_by_whom_it_is_shown(call: ast.Call, ctx) -> bool:
    """`token = "".join(random.choices(...)); await ctx.send(f"type {token} to confirm")`, then
    `answer = await ctx.bot.wait_for("message", ...)` and `answer.content == token`: a code shown
    to whoever is talking with the function (through a parameter of the function, or the
    terminal) and compared, in the same function, with what they type back. It asks for care,
    not a secret: the one who must type it sees it, and it is never kept, returned or handed
    anywhere else (an OTP is sent by another channel, or kept to check later)."""
    func = ctx.enclosing_function(call)
    stmt = ctx.statement(call)
    if func is None or not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    # the parties it is given to talk with; not `self`, whose attributes reach anyone (`self.sms.send`)
    parameters = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)} - {"self", "cls"}
    derived = {stmt.targets[0].id}
    grew = True
    while grew:  # the names the code goes into: `shown = "  ".join(token)`, `message += shown`
        grew = False
        for node in astutil.walk(func):
            if isinstance(node, (ast.Assign, ast.AugAssign)) and node.value is not None and _mentions(node.value, derived):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if not all(isinstance(t, ast.Name) for t in targets):
                    return False  # stored on an object or in a mapping: kept
                new = {t.id for t in targets} - derived  # type: ignore[attr-defined]
                derived |= new
                grew = grew or bool(new)
    shown: set[str] = set()  # the parties the code is shown to
    answering: set[str] = set()  # the parties whose answer it is compared with
    for node in astutil.walk(func):
        if isinstance(node, ast.Return) and node.value is not None and not isinstance(node.value, ast.Compare) and _mentions(node.value, derived):
            return False
        if isinstance(node, ast.Call) and any(_mentions(a, derived) for a in (*node.args, *(k.value for k in node.keywords))):
            talker = _talker(node.func, parameters)
            if talker is None and not _spelled(node, ctx):
                return False  # handed to something else: it may be kept or sent elsewhere
            if talker is not None:
                shown.add(talker)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            sides = (node.left, node.comparators[0])
            if any(_mentions(side, derived) for side in sides):
                answering |= {party for side in sides if (party := _answered_by(side, func, parameters))}
    return bool(shown & answering)


def _mentions(tree: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in astutil.walk(tree))


def _talker(func: ast.expr, parameters: set[str]) -> str | None:
    """`ctx.send`, `message.reply`, `print`: the party a call shows text to, when it is the one the
    function talks with (a parameter's showing method, or the terminal): the parameter's name, or
    "input" for the terminal."""
    if isinstance(func, ast.Name) and func.id in _TERMINAL:
        return "input"
    if isinstance(func, ast.Attribute) and func.attr in _SHOWING_METHODS:
        root = func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in parameters:
            return root.id
    return None


def _spelled(call: ast.Call, ctx) -> bool:
    """A call that only spells the code another way or wraps it in text (`"  ".join(token)`,
    `box(text)`, `_("...").format(code=...)`), whose result the names above follow."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr in _SPELLING_METHODS
    holder = ctx.parent(call)
    holder = ctx.parent(holder) if isinstance(holder, ast.keyword) else holder
    return isinstance(func, ast.Name) and (func.id in _SPELLINGS or isinstance(holder, ast.Call))


def _answered_by(side: ast.expr, func: ast.AST, parameters: set[str]) -> str | None:
    """`answer.content.strip()` with `answer = await ctx.bot.wait_for(...)`, or `input()`: what the
    party the function talks with typed; that party, as `_talker` names it."""
    root = side
    while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript, ast.Await)):
        root = root.func if isinstance(root, ast.Call) else root.value
    if isinstance(root, ast.Name) and root.id == "input":
        return "input"
    if not isinstance(root, ast.Name):
        return None
    for node in astutil.walk(func):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == root.id for t in node.targets):
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            reader = value
            while isinstance(reader, (ast.Attribute, ast.Call, ast.Await)):
                reader = reader.func if isinstance(reader, ast.Call) else reader.value
            if isinstance(value, ast.Call) and isinstance(reader, ast.Name) and (reader.id in parameters or reader.id == "input"):
                return reader.id
    return None
