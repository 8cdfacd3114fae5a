"""Shell command strings: where inserted values sit, and the two repairs.

A command built as `f"ls -l {path}"` is taken apart (strings.pieces) and
read the way a POSIX shell reads it, to learn for each inserted value
whether it stands alone as a word, sits inside quotes, or is glued to other
text. From that come the fixes of the command-injection rule: an argument
list (`["ls", "-l", path]`) when every value is a whole word and the
constant text uses no shell syntax, else `shlex.quote()` around each
non-constant value (removing quotes that enclosed it exactly).
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass

from secure_ls.engine import astutil
from secure_ls.engine.model import Edit
from secure_ls.rules._support import strings

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "csh", "tcsh", "fish", "ash"})
_WINDOWS_SHELLS = frozenset({"cmd", "cmd.exe"})
_POWERSHELLS = frozenset({"powershell", "powershell.exe", "pwsh", "pwsh.exe"})
_SHELL_SYNTAX = re.compile(r"[|&;<>()$`\\*?\[\]{}~!#\n\r\t]")
_SIMPLE_PERCENT = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?([a-zA-Z%])")
_MARK = "\x00{}\x00"
# Names that usually hold numbers, which an argument list cannot take as they are.
_NUMERIC_NAME = re.compile(r"^(n|i|j|k|num\w*|\w*count|\w*size|port|pid|uid|gid|\w*timeout|\w*limit|\w*depth|\w*level|\w*width|\w*height|\w*_id|id|idx|index|\w*number|\w*_n|lines?|retries|\w*seconds|delay)$", re.IGNORECASE)
_MARKS = re.compile("\x00(\\d+)\x00")


@dataclass(frozen=True)
class Slot:
    """Where one inserted value sits in the command text."""

    index: int  # position among the values
    node: ast.expr
    state: str  # "plain", "single" or "double" (inside which quotes)
    whole_quoted: bool  # the quotes around it enclose exactly the value


def shell_command_arguments(elements: list[ast.expr], ctx) -> list[ast.expr]:
    """For an argv that runs a shell with a command, the elements the shell reads as command
    text: `cmd` of ["sh", "-c", cmd] (what follows it are the script's $0, $1, ...), and every
    element after `/c` for cmd.exe and after `-Command` for PowerShell, which join them into
    one command line (["cmd.exe", "/c", "echo", name]). Empty if no shell runs a command."""
    if not elements:
        return []
    program = ctx.string_value(elements[0]) if not isinstance(elements[0], ast.Starred) else None
    if program is None:
        return []
    base = program.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for index, element in enumerate(elements[1:], start=1):
        if isinstance(element, ast.Starred):
            return []
        flag = ctx.string_value(element)
        if flag is None:
            return []
        if base in SHELLS and re.fullmatch(r"-[a-zA-Z]*c[a-zA-Z]*", flag) and not flag.startswith("--"):
            return elements[index + 1 : index + 2]
        if base in _WINDOWS_SHELLS and flag.lower() in ("/c", "/k") or base in _POWERSHELLS and flag.lower() in ("-c", "-command"):
            return [e for e in elements[index + 1 :] if not isinstance(e, ast.Starred)]
        if not flag.startswith("-") and not flag.startswith("/"):
            return []  # a script file, not a command string
    return []


def is_shell_program(node: ast.expr, ctx) -> bool:
    value = ctx.string_value(node)
    if value is None:
        return False
    base = value.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return base in SHELLS or base in _WINDOWS_SHELLS or base in _POWERSHELLS


def percent_is_simple(node: ast.expr) -> bool:
    """`"..." % x` uses only %s (other conversions change the text of the value)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        return all(conv in "s%" for conv in _SIMPLE_PERCENT.findall(str(node.left.value)))
    return True


def template(parts: list[strings.Piece]) -> tuple[str, list[ast.expr]]:
    """The command text with a marker for each value, and the values in order."""
    text = []
    values = []
    for piece in parts:
        if isinstance(piece, strings.Literal):
            text.append(piece.text.replace("\x00", ""))
        else:
            text.append(_MARK.format(len(values)))
            values.append(piece.node)
    return "".join(text), values


def slots(parts: list[strings.Piece]) -> list[Slot] | None:
    """Where each value sits, by a small POSIX shell lexer; None for text it cannot follow."""
    text, values = template(parts)
    out: list[Slot] = []
    state = "plain"
    opened_at = -1
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\x00":
            end = text.index("\x00", i + 1)
            index = int(text[i + 1 : end])
            whole = False
            if state in ("single", "double") and opened_at == i - 1:
                quote = "'" if state == "single" else '"'
                whole = end + 1 < len(text) and text[end + 1] == quote
            out.append(Slot(index, values[index], state, whole))
            i = end + 1
            continue
        if state == "plain":
            if ch == "\\":
                i += 2
                continue
            if ch == "'":
                state, opened_at = "single", i
            elif ch == '"':
                state, opened_at = "double", i
        elif state == "single":
            if ch == "'":
                state = "plain"
        elif state == "double":
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                state = "plain"
        i += 1
    if state != "plain":
        return None
    return out


def argv_items(parts: list[strings.Piece], ctx, tainted) -> list[str] | None:
    """Source text of the items of an equivalent argument list, or None when there is none.

    Every value must be a whole word and the constant text must not use shell
    syntax (pipes, redirections, variables, globs...) outside quotes.
    """
    text, values = template(parts)
    plain = _MARKS.sub("", text)
    if _SHELL_SYNTAX.search(plain):
        return None
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        return None
    if not words or "=" in _MARKS.sub("", words[0]):
        return None  # `VAR=value cmd` sets the environment
    items = []
    for position, word in enumerate(words):
        match = _MARKS.fullmatch(word)
        if match:
            node = values[int(match.group(1))]
            if position == 0 and tainted(node):
                return None  # the program itself may carry options (`$EDITOR` = "code -w")
            source = ctx.text(node)
            if ctx.string_value(node) is not None or (tainted(node) and not _NUMERIC_NAME.match(astutil.last_name(node))):
                items.append(source)
            else:
                items.append(f"str({source})")  # a number or other value: the list needs text
        elif "\x00" in word:
            return None  # glued to other text (`--out={x}`): not a word of its own
        else:
            items.append(strings.python_literal(word))
    return items


def quote_edits(built: ast.expr, parts: list[strings.Piece], ctx, tainted) -> list[Edit] | None:
    """Edits wrapping each tainted value of the built command in shlex.quote()."""
    found = slots(parts)
    if found is None or not percent_is_simple(built):
        return None
    targets = [s for s in found if tainted(s.node)]
    if not targets or _program_position(parts, targets):
        return None  # quoting the program name would make `$EDITOR -w` one word: a human must decide
    if any(s.state != "plain" and not s.whole_quoted for s in targets):
        return None  # inside quotes with other text: a human must rewrite it
    if all(s.state == "plain" for s in targets):
        return [ctx.replace(s.node, f"shlex.quote({ctx.text(s.node)})") for s in targets]
    # Some values sit exactly inside quotes: rebuild the string as an f-string
    # without those quotes (shlex.quote supplies its own).
    strip = {s.index for s in targets if s.whole_quoted}
    text, values = template(parts)
    wrapped = {s.index for s in targets}
    sources = [ctx.text(v) for v in values]
    if any("\n" in s or "\\" in s or "{" in s or "}" in s for s in sources):
        return None
    quote = '"'
    if any('"' in s for s in sources):
        quote = "'"
        if any("'" in s for s in sources):
            return None
    body = []
    i = 0
    pieces_out: list[tuple[str, str]] = []  # ("lit", text) / ("val", source)
    for match in _MARKS.finditer(text):
        pieces_out.append(("lit", text[i : match.start()]))
        pieces_out.append(("val", match.group(1)))
        i = match.end()
    pieces_out.append(("lit", text[i:]))
    for n, (kind, value) in enumerate(pieces_out):
        if kind == "lit":
            lit = value
            if n + 1 < len(pieces_out) and int(pieces_out[n + 1][1]) in strip:
                lit = lit[:-1]
            if n > 0 and int(pieces_out[n - 1][1]) in strip:
                lit = lit[1:]
            lit = lit.replace("\\", "\\\\").replace("{", "{{").replace("}", "}}").replace(quote, "\\" + quote)
            lit = lit.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
            body.append(lit)
        else:
            index = int(value)
            source = sources[index]
            body.append("{shlex.quote(" + source + ")}" if index in wrapped else "{" + source + "}")
    return [ctx.replace(built, "f" + quote + "".join(body) + quote)]


def _program_position(parts: list[strings.Piece], targets: list[Slot]) -> bool:
    """Whether a value is (part of) the first word of the command, the program to run."""
    text, _ = template(parts)
    first = text.lstrip().split(" ", 1)[0] if text.strip() else ""
    marks = {int(m.group(1)) for m in _MARKS.finditer(first)}
    return any(t.index in marks for t in targets)


# List methods that only add items after the first: the program an argv starts with stays first.
_GROWS_AT_END = frozenset({"append", "extend"})


def fixed_program(program: ast.expr, sink: ast.Call, ctx) -> bool:
    """`argv[0]` of a local list every assignment of which is a literal starting with a constant
    (`argv = ["twistd", "--umask=0022"]`), only grown at its end (`append`, `extend`, `+=`) or
    given a constant in front (`argv.insert(0, "authbind")`), read (`argv[i]`, `" ".join(argv)`)
    and handed to `sink` itself: whatever was appended, the program run is one of those constants."""
    if not (isinstance(program, ast.Subscript) and isinstance(program.value, ast.Name) and isinstance(program.slice, ast.Constant) and program.slice.value == 0):
        return False
    name, scope = program.value.id, ctx.enclosing_function(program)
    if scope is None:
        return False
    assigned = False
    for node in astutil.walk(scope):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        parent = ctx.parent(node)
        if isinstance(node.ctx, ast.Store):
            if isinstance(parent, ast.AugAssign) and isinstance(parent.op, ast.Add):
                continue
            if not (isinstance(parent, ast.Assign) and parent.targets == [node] and _starts_with_constant(parent.value)):
                return False
            assigned = True
        elif isinstance(node.ctx, ast.Del) or not _only_grows_or_reads(node, parent, sink, ctx):
            return False
    return assigned


def _starts_with_constant(value: ast.expr) -> bool:
    return isinstance(value, (ast.List, ast.Tuple)) and bool(value.elts) and isinstance(value.elts[0], ast.Constant) and isinstance(value.elts[0].value, str)


def _only_grows_or_reads(node: ast.Name, parent: ast.AST | None, sink: ast.Call, ctx) -> bool:
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return isinstance(parent.ctx, ast.Load)  # `argv[0] = x` replaces the program
    if parent is sink:
        return True
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "join" and isinstance(parent.func.value, ast.Constant):
        return parent.args == [node]  # `" ".join(argv)`: read
    call = ctx.parent(parent) if isinstance(parent, ast.Attribute) and parent.value is node else None
    if not (isinstance(call, ast.Call) and call.func is parent):
        return False
    if parent.attr in _GROWS_AT_END:
        return True
    if parent.attr == "insert" and len(call.args) == 2 and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, int):
        position = call.args[0].value
        # in front, a constant program; further in, after the first item
        return position > 0 or isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
    return False
