"""Whether a published protocol fixes the algorithm a piece of code uses (engine/protocols):
the crypto rules report such code in the audit tier and name the protocol."""

from __future__ import annotations

import ast

from secure_ls.engine import protocols


def fixed_by(node: ast.AST, ctx) -> str | None:
    """The protocol or specification that chose the algorithm `node` uses, or None: the
    innermost function is named for it or for answering a challenge (`ntlm2sr_calc_resp`,
    `_scramble_native`), an enclosing class or function is named for it (`class SPNEGOCipher`),
    the function cites its specification (`# [MS-NRPC] 3.3.4.2.1`, `RFC 4757`) in its docstring
    or comments, or the module's path names it (`krb5/crypto.py`)."""
    function = ctx.enclosing_function(node)
    if function is not None and (found := protocols.named_in(function.name, function=True)):
        return found
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (found := protocols.named_in(ancestor.name)):
            return found
    if function is not None and (found := _cited(function, ctx)):
        return found
    return ctx.module.protocol or None


def _cited(function: ast.AST, ctx) -> str | None:
    """The specification the function's lines cite (its docstring, its comments)."""
    return protocols.cited_in("\n".join(ctx.lines[function.lineno - 1 : function.end_lineno]))
