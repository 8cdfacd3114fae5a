"""A module read for another module's summaries, parsed only as far as they need
(`ModuleSource`): the workspace store's way to read a file it was not asked to analyse."""

from __future__ import annotations

import ast
import itertools
import os
import re
import threading
import weakref
from collections import OrderedDict

from secure_ls.engine import astutil
from secure_ls.engine.symbols import ModuleSymbols
from secure_ls.engine.units import parse_within_budget, statement_starts


class ModuleSource:
    """A module read for its summaries, parsed only as far as they need.

    Another module usually imports one or two functions of it: parsing the
    whole file for them cost more than analysing the importer. Its top-level
    functions and classes are cut out by their column-0 lines; the rest
    (imports, constants) gives the module's symbols, and a function is
    parsed when it, or a function it calls, is asked for. Pieces that do not
    parse on their own (a column-0 line inside a string) mean the whole file
    is parsed instead, so the summaries are the same either way.
    """

    _DEFINITION = re.compile(r"(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)")

    def __init__(self, text: str, kept: "KeptPieces | None" = None):
        self.text = text
        self._kept = kept  # which parsed pieces stay in memory (None: all of them)
        self.serial = next(_SERIALS)  # names it in KeptPieces (an id() is reused once it is gone)
        self._whole: ast.Module | None = None
        self._pieces: dict[str, str] | None = None  # top-level name -> its def or class text
        self._classes: dict[str, bool] = {}  # top-level name -> whether it is a class
        self._rest = ""
        self._trees: dict[str, ast.Module] = {}  # a piece's tree (parsed again once KeptPieces let it go)
        self._callees: dict[str, tuple[set[str], set[str]]] = {}  # whom a piece calls
        self._symbols: ModuleSymbols | None = None
        self.whole_symbols: ModuleSymbols | None = None  # of whole(), once computed

    def whole(self) -> ast.Module:
        if self._whole is None:
            self._whole = parse_within_budget(self.text)
        return self._whole

    def for_names(self, wanted: frozenset[str]) -> tuple[list[ast.Module], ModuleSymbols] | None:
        """The trees of the functions `wanted` and those they may call (and that make a name
        wanted: `ViewNode = require_scopes(...)`), and the module's symbols; None when a piece
        does not parse alone (then parse the whole file)."""
        if self._whole is not None:
            return None
        if self._pieces is None:
            self._cut()
        try:
            if self._symbols is None:
                self._symbols = self._rest_symbols()
            trees = []
            # a function by its name, a method by `Class.method`: a class is parsed only for its methods
            todo = [(w.split(".", 1)[0], "." in w) for w in wanted] + [(self._symbols.made_by[w], False) for w in wanted if w in self._symbols.made_by]
            seen = set()
            while todo:
                name, method = todo.pop()
                if name in seen or name not in self._classes:
                    continue
                if self._classes[name] and not method:
                    # a class asked for by its own name: for what it declares (summaries.Declaration)
                    method = True
                if self._classes[name] is not method:
                    continue
                seen.add(name)
                tree = self._piece(name)
                if tree is None:
                    return None
                trees.append(tree)
                functions, classes = self._callees[name]
                todo.extend([(n, False) for n in functions] + [(n, True) for n in classes])
                # a class's bases of this module: the fields it inherits (declarations.declarations)
                todo.extend((astutil.last_name(b), True) for b in getattr(tree.body[0], "bases", ()))
        except (SyntaxError, ValueError):
            return None
        return trees, self._symbols

    def _piece(self, name: str) -> ast.Module | None:
        """The parsed piece `name` (kept, or parsed again: the same tree), None when it is not one
        statement on its own."""
        tree = self._trees.get(name)
        if tree is None:
            tree = parse_within_budget(self._pieces[name], whole_file=False)  # type: ignore[index]
            if len(tree.body) != 1:
                return None
            if name not in self._callees:  # walked for its callees once: each importer's summaries ask again
                self._callees[name] = _callees(tree)
            self._trees[name] = tree
        if self._kept is not None:
            self._kept.used(self, name)
        return tree

    def piece_text(self, name: str) -> str:
        return self._pieces.get(name, "") if self._pieces is not None else ""

    def forget(self, name: str) -> None:
        """Lets the parsed piece `name` go (KeptPieces): parsed again when next asked for."""
        self._trees.pop(name, None)

    def _cut(self) -> None:
        text = self.text
        starts = statement_starts(text) + [len(text)]
        pieces: dict[str, str] = {}
        rest: list[str] = []
        group = None  # where the decorators of the next definition began
        for index in range(len(starts) - 1):
            begin, end = starts[index], starts[index + 1]
            if text.startswith("@", begin):
                group = begin if group is None else group
                continue
            found = self._DEFINITION.match(text, begin)
            if found:
                name = found.group(1) or found.group(2)
                start = begin if group is None else group
                if name in pieces:  # defined twice: the later one wins, as when run
                    rest.append(pieces.pop(name))
                pieces[name] = text[start:end]
                self._classes[name] = found.group(2) is not None
            else:
                if group is not None:
                    rest.append(text[group:begin])
                rest.append(text[begin:end])
            group = None
        if group is not None:
            rest.append(text[group:])
        self._pieces = pieces
        self._rest = "".join(rest)

    def _rest_symbols(self) -> ModuleSymbols:
        from secure_ls.engine.symbols import UnitSymbols, summarize

        rest = summarize(parse_within_budget(self._rest), self._rest) if self._rest.strip() else UnitSymbols((), frozenset(), frozenset())
        # the Enums among the classes (`class StorageType(Enum):`, by its header): a model's field
        # annotated with one holds one of its values (declarations.declarations)
        enums = frozenset(name for name, piece in self._pieces.items() if self._classes[name] and _ENUM_HEADER.match(piece.lstrip()))
        definitions = UnitSymbols(tuple((name, None) for name in self._pieces), frozenset(), frozenset(), enum_classes=enums)
        return ModuleSymbols.merge([rest, definitions])


class KeptPieces:
    """The parsed pieces of a workspace's ModuleSources kept in memory: those used last, up to
    `budget` characters of their source. A large workspace's modules, read for the names other
    modules import, had kept every piece ever parsed (on litellm's proxy, 440 MB of syntax trees
    for one worker); one let go is parsed again from its text when asked for, giving the same tree."""

    def __init__(self, budget: int = 4_000_000):
        self.budget = budget
        # (source serial, piece name) -> (the source, weakly: a source replaced is not kept alive; the piece's length)
        self._order: OrderedDict[tuple[int, str], tuple[weakref.ref, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # the language server fills its workspace from a background thread

    def used(self, source: ModuleSource, name: str) -> None:
        key = (source.serial, name)
        with self._lock:
            if key in self._order:
                self._order.move_to_end(key)
                return
            size = len(source.piece_text(name))
            self._order[key] = (weakref.ref(source), size)
            self._size += size
            while self._size > self.budget and len(self._order) > 1:
                (_, oldest), (held, size) = self._order.popitem(last=False)
                self._size -= size
                if (alive := held()) is not None:
                    alive.forget(oldest)


_SERIALS = itertools.count()


# a class header whose bases end in Enum (declarations.is_enum_class: `Enum`, `StrEnum`, `enum.IntEnum`)
_ENUM_HEADER = re.compile(r"(?:@[^\n]*\n\s*)*class\s+\w+\s*\((?:[^()]*[,\s(.])?\w*Enum\s*[,)]")


def _callees(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Whose summaries a function's summary may need: the functions it calls
    (`helper(...)`, FastAPI's `Depends(helper)`) and the classes whose methods it
    calls (`Class.method(...)`)."""
    functions: set[str] = set()
    classes: set[str] = set()
    for node in astutil.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                functions.add(func.id)
                if func.id == "Depends":
                    functions.update(a.id for a in node.args if isinstance(a, ast.Name))
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                classes.add(func.value.id)
    return functions, classes


def relative_start(dotted: str, importer: str) -> tuple[str, str]:
    """Where a relative module name (`..pkg.mod`, imported in the file `importer`) starts: the
    folder its dots lead to, and the dotted rest (`pkg.mod`, or "" for the package itself)."""
    level = len(dotted) - len(dotted.lstrip("."))
    folder = os.path.dirname(os.path.abspath(importer))
    for _ in range(level - 1):
        folder = os.path.dirname(folder)
    return folder, dotted[level:]
