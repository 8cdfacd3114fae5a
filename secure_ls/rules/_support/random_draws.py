"""Draws of the `random` module that make no new secret, and how many values a draw can give
(SLS304): a branch taken by chance, a shuffle of a list nobody keeps, one pick among values the
program already holds, a salt of a handful of values."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil

# The draws of `random` SLS304 judges.
RANDOM_FUNCTIONS = frozenset(
    {"random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "uniform", "randbytes", "shuffle", "triangular"}
)
_COMPREHENSIONS = (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def is_a_coin_flip(call: ast.Call, ctx) -> bool:
    """`random.random() > 0.75`, `randint(1, 6) <= 2`, `randint(0, 1) == 0`: the number is only
    ordered against a bound, or compared with a constant, to take a branch by chance; nothing
    random is kept or shown, so there is no secret to predict."""
    parent = ctx.parent(call)
    if not isinstance(parent, ast.Compare):
        return False
    if all(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in parent.ops):
        return True
    others = [o for o in [parent.left, *parent.comparators] if o is not call]
    return all(isinstance(op, (ast.Eq, ast.NotEq)) for op in parent.ops) and all(isinstance(o, ast.Constant) for o in others)


# Calls that always build a new list (or bytearray): shuffled in place as an argument, the
# result is referenced by nothing once the call returns.
_NEW_SEQUENCE_CALLS = frozenset({"list", "sorted", "bytearray"})


def shuffles_a_temporary(call: ast.Call) -> bool:
    """`random.shuffle(list(password))`, `random.shuffle([a, b, c])`: `shuffle` works in place and
    returns None, so shuffling a sequence built in the call itself changes nothing the program
    keeps. Not a name, attribute or item (`random.shuffle(chars)`: the list that is then used)."""
    if len(call.args) != 1:
        return False
    seq = call.args[0]
    if isinstance(seq, (ast.List, ast.ListComp)):
        return True
    return isinstance(seq, ast.Call) and isinstance(seq.func, ast.Name) and seq.func.id in _NEW_SEQUENCE_CALLS


def picks_an_existing_value(call: ast.Call, ctx) -> bool:
    """`api_key = random.choice(api_keys)`: one pick among values the program already holds makes
    no new secret, so its predictability gives nothing away. Not a pick of characters or numbers
    (`random.choice(string.ascii_letters)`, `random.choice(range(10 ** 6))`), nor picks repeated
    to build a value (`"".join(random.choice(words) for _ in range(4))`)."""
    if len(call.args) != 1 or call.keywords:
        return False
    pool = call.args[0]
    if isinstance(pool, ast.Call) and astutil.last_name(pool.func) == "range":
        return False
    if ctx.string_value(pool) is not None or astutil.last_name(pool).startswith(("ascii_", "digits", "hexdigits", "octdigits", "punctuation", "printable", "letters")):
        return False  # an alphabet: the pick is a character of a new string
    for anc in ctx.ancestors(call):
        if isinstance(anc, _COMPREHENSIONS) or isinstance(anc, _LOOPS) and _accumulated(call, ctx):
            return False
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            break
    return True


def _accumulated(call: ast.Call, ctx) -> bool:
    """In a loop, whether the pick adds to a value built across iterations: `token += random.choice(...)`,
    `parts.append(random.choice(...))`, `prefix + random.choice(...)`. A pick a loop returns or
    stores once (`api_key = random.choice(found); return api_key`) builds nothing."""
    if isinstance(ctx.statement(call), ast.AugAssign):
        return True
    parent = ctx.parent(call)
    return isinstance(parent, (ast.BinOp, ast.JoinedStr, ast.FormattedValue)) or isinstance(parent, ast.Call) and call in parent.args


# At most this many outcomes (ten bits): a salt this short is limited by its range, whatever
# generator draws it.
_GUESSABLE_OUTCOMES = 1024


def guessable_outcomes(call: ast.Call, function: str, ctx) -> int | None:
    """For a salt's draw, how many values it can give, when that is at most _GUESSABLE_OUTCOMES and the draw
    is the only one its function makes, outside any loop or comprehension (`randint(1, 1000)`,
    `randrange(0, 15)`, `getrandbits(8)`, `choice("abc")`); else None. Draws repeated or
    combined (`"".join(str(randint(0, 9)) for _ in range(6))`, two draws joined) make a larger
    value, so they are judged as usual."""
    args = [astutil.constant_int(a) for a in call.args]
    if call.keywords or None in args:
        count = None
        if function == "choice" and len(call.args) == 1 and not call.keywords:
            pool = call.args[0]
            text = ctx.string_value(pool)
            count = len(text) if text is not None else len(pool.elts) if isinstance(pool, (ast.List, ast.Tuple)) else None
    elif function == "randint" and len(args) == 2:
        count = args[1] - args[0] + 1
    elif function == "randrange" and len(args) in (1, 2):
        count = args[0] if len(args) == 1 else args[1] - args[0]
    elif function == "getrandbits" and len(args) == 1 and args[0] <= 10:
        count = 2 ** args[0]
    else:
        count = None
    if count is None or not 0 < count <= _GUESSABLE_OUTCOMES:
        return None
    scope = ctx.enclosing_function(call) or ctx.tree
    for anc in ctx.ancestors(call):
        if anc is scope:
            break
        if isinstance(anc, (*_COMPREHENSIONS, *_LOOPS)):
            return None
    draws = [
        n for n in astutil.walk(scope)
        if isinstance(n, ast.Call) and (ctx.call_name(n) or "").startswith("random.") and (ctx.call_name(n) or "")[len("random.") :] in RANDOM_FUNCTIONS
    ]
    return count if draws == [call] else None
