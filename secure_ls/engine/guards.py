"""Guards: the checks and rewrites after which a value is safe for some sinks.

`validation(test)` reads an `if` test (membership in an allow-list, equality with a
constant, `isdigit()`, `re.fullmatch`, a URL's host compared with allowed hosts, an
application's own predicate whose summary validates a parameter) and says which names
it validates, whether they are valid when the test is true, and for which sinks.
The application's own predicates (`is_safe_url(target)`) are summarised in predicates.py.
What a rewrite keeps a value inside (a quote taken out, characters escaped) is quoting.py's.
"""

from __future__ import annotations

import ast
import re
from typing import Callable

from secure_ls.engine import astutil, catalog, formatting, lookups, quoting, shape_checks
from secure_ls.engine.taint import ALL, LINE_SINKS, STAYS_IN_QUOTE, UNKNOWN, Origin, Sink, meet, sinks


def query_of_settled(start: Origin, built: Origin) -> Origin:
    """`reverse("attachments") + "?cursor=" + cursor`, `url += "?page=" + n`: a URL whose start
    is already safe to redirect to (a path or host the application settled), then `?` or `#`:
    what follows is its query or fragment, which cannot move it to another site."""
    return built if start.risk(Sink.REDIRECT) is not None else built.sanitized(SAME_SITE)


def field_path(node: ast.AST) -> str | None:
    """`f.key` for a field of a local name (the only attribute reads a check can pin down)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"})
_VALIDATING_METHODS = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum", "isalpha", "isidentifier", "isprintable", "is_relative_to", "startswith"})
# a printable text has no control character, so no line break; anything else it may hold
_LINE_METHODS = frozenset({"isprintable"})
# functions that validate one of their arguments: name -> (position and keyword of the value it checks, sinks the value is then safe for)
VALIDATING_FUNCTIONS = {
    "re.fullmatch": (1, "string", ALL),
    "re.match": (1, "string", ALL),
    "django.utils.http.url_has_allowed_host_and_scheme": (0, "url", sinks("url", "redirect")),
    "django.utils.http.is_safe_url": (0, "url", sinks("url", "redirect")),
    # Django's check, extracted into standalone packages (safe-redirect-url, is-safe-url) for other frameworks
    "safe_redirect_url.url_has_allowed_host_and_scheme": (0, "url", sinks("url", "redirect")),
    "is_safe_url.is_safe_url": (0, "url", sinks("url", "redirect")),
    # an Amazon SNS message whose signature (over its SubscribeURL, ...) and signing certificate's
    # host were checked: the URLs in it are Amazon's, not the sender's
    "django_ses.utils.verify_event_message": (0, "notification", sinks("url", "redirect")),
    "django_ses.utils.verify_bounce_message": (0, "msg", sinks("url", "redirect")),
}
_QUOTES = frozenset("'\"")
# `hasattr(self, name)` held (or of its class: `self.__class__`, `type(self)`, `cls`): `name` names an attribute of the object (a method, a field), which
# holds no line break, markup or path separator; it still picks what `getattr` runs (SLS133)
_ATTRIBUTE_NAME_SINKS = LINE_SINKS | sinks("html", "path")
_QUOTE_SINKS = sinks("xpath")
# methods of a compiled regular expression that validate their first argument
_PATTERN_METHODS = frozenset({"fullmatch", "match"})
URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse"})
URL_HOST_PARTS = frozenset({"netloc", "hostname"})
URL_SINKS = sinks("url", "redirect")
PATH_SINKS = sinks("path")
_DIGEST_CHECKS = frozenset({"hmac.compare_digest", "secrets.compare_digest"})
# The constant start of a URL that settles where it goes: an absolute URL whose host has ended
# (`https://example.com/`, or `?`/`#` right after it), or a path on this site (`/x`; not `//`
# nor `/\`, which browsers read as another host). One definition for every rule that asks.
_HOST_ENDED = r"https?://[^/?#{}\\\s]+[/?#]"
FIXED_HOST = re.compile(rf"^{_HOST_ENDED}", re.IGNORECASE)
SAFE_URL_PREFIX = re.compile(rf"^(?:{_HOST_ENDED}|/[^/\\])", re.IGNORECASE)
SAME_SITE = frozenset({Sink.REDIRECT})  # safe to redirect to: the target stays on the site
# A literal that ends any authority a value before it opened: a path segment, then a separator
# (`/accounts/`, `/github/`, `/x?`), after any leading slashes.
CLOSED_SEGMENT = re.compile(r"^[/\\]*[^/\\?#]+[/\\?#]")
_NO_HOST = frozenset({Sink.NO_HOST_START})  # no host after a leading "/" (half of SAME_SITE, see taint.Sink)


def settled_url(start: str | None, built: Origin) -> Origin:
    """A string built from pieces (`"/items/" + x`, `f"https://example.com/{x}"`, `BASE + "/" + x`
    with `BASE = "https://example.com"`) whose constant start (`start`, the text before the first
    value) settles the host: it cannot send a redirect to another site, however it goes on (also
    when a helper builds it: this travels with the value). A `.format` template counts up to its
    first field (`"https://{0}.example.com/"` does not settle it)."""
    if start is None:
        return built
    start = start.split("{")[0]
    if start.startswith(("?", "#")):
        return built.sanitized(SAME_SITE)  # `f"?next={n}"`: a query or fragment of the page the browser is on
    if FIXED_HOST.match(start):
        return built.sanitized(URL_SINKS)  # a fixed host: nor can the server be sent elsewhere
    if SAFE_URL_PREFIX.match(start):
        return built.sanitized(SAME_SITE)
    return built


def validation(test: ast.expr, qualify, origin=None, value_of=None, validator=None, values_of=None, collection_of=None) -> tuple[set[str], bool, frozenset[str]]:
    """Names a test validates, whether they are valid when the test is true, and for which sinks.

    `value_of` gives the one value a name holds, so `parsed.netloc` reads as
    `urlparse(url).netloc` when `parsed = urlparse(url)`. `validator` gives the
    summary of a called function, so the application's own predicates
    (`if is_safe_url(target):`) validate like the library ones; `values_of` every value a name may
    hold; `collection_of` the collection a loop variable is an element of.
    """
    positive = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, positive = test.operand, not positive
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.NamedExpr):
        # `if (mode := request.GET.get("mode")) in MODES:` checks the name it binds
        test = ast.copy_location(ast.Compare(left=test.left.target, ops=test.ops, comparators=test.comparators), test)
    names: set[str] = set()
    sinks = ALL
    looked_up = _looked_up_key(test, origin, value_of, validator, values_of)
    if looked_up is not None:
        # `handler = HANDLERS.get(name)` then `if handler is None: abort(404)` (or `if not handler`):
        # where the lookup found something, the key is one of the table's own keys
        keys, found_when, kinds = looked_up
        return set(keys), found_when == positive, kinds
    if isinstance(test, ast.Name):
        checked = value_of(test) if value_of is not None else None
        if isinstance(checked, ast.Call):
            # `url_is_safe = url_has_allowed_host_and_scheme(url=target, ...)` then `if not url_is_safe:`
            found, when, kinds = validation(checked, qualify, origin, value_of, validator, values_of, collection_of)
            if found:
                return found, when == positive, kinds
        if (pair := _first_item_call(checked)) is not None and validator is not None and (summary := validator(pair.func)) is not None:
            # `ok, message = check_path(real)` then `if not ok:`: the pair's truth (validates_first)
            found, kinds = _validated_arguments(pair, summary, summary.validates_first)
            if found:
                return found, positive, kinds
        # `if not x:`: where x tests false it is falsy ("", None, 0, an empty container), harmless anywhere
        return {test.id}, not positive, ALL
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.IsNot))
        and isinstance(test.left, ast.Call)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        # `PATTERN.fullmatch(x) is None` fails exactly when the call's result is false
        found, when, kinds = validation(test.left, qualify, origin, value_of, validator, values_of, collection_of)
        matched = isinstance(test.ops[0], ast.IsNot)
        return found, when == (matched == positive), kinds
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) and (started := shape_checks.starts_tested(test.values)) is not None and shape_checks.HOST_STARTS <= started[1]:
        return {started[0]}, not positive, _NO_HOST  # `x.startswith("//") or x.startswith("/\\")`: as one call with both
    if isinstance(test, ast.BoolOp):
        # `if a not in OK or b not in OK: abort()` validates both after the if (the whole
        # test is false only when each part is); `if a in OK and b in OK:` inside it
        valid_when = isinstance(test.op, ast.And)
        parts = [validation(value, qualify, origin, value_of, validator, values_of, collection_of) for value in test.values]
        held = []  # what each part that holds where the whole test validates says
        for found, when, kinds in parts:
            if found and when == valid_when:
                names |= found
                held.append(kinds)
        named = [kinds for kinds in held if kinds != ALL]
        if held and len(names) == 1:
            # one name: every part says something of it (`x.startswith("/") and not
            # x.startswith(("//", "/\\"))`), so what they say adds up
            sinks = ALL if len(named) < len(held) else frozenset().union(*named)
        elif named:
            sinks = frozenset.intersection(*named)  # several names: what holds of each
        if len(names) == 1 and _QUOTES <= _rejected_quotes(test, valid_when):
            # `if "'" not in x and '"' not in x:`: together the parts say x holds no quote at all
            sinks = sinks | {Sink.QUOTED}
        trusted = lambda node: origin is None or not lookups.is_untrusted(origin(node))  # noqa: E731
        if (inside := shape_checks.prefixed_without_parent(test, valid_when, trusted)) is not None and names <= {inside}:
            # `if ".." in p or not p.startswith(BASE): raise`: together the parts keep p inside BASE
            sinks, names = (sinks | PATH_SINKS) if names else PATH_SINKS, {inside}
        if not names and all(found and when != valid_when for found, when, _ in parts):
            # `if url and not is_safe_url(url): url = None`: where the whole test fails, one part
            # failed, and each failing part leaves the name harmless (falsy, or checked)
            common = set.intersection(*(set(found) for found, _, _ in parts))
            if common:
                named = [kinds for _, _, kinds in parts if kinds != ALL]
                return common, valid_when != positive, frozenset.intersection(*named) if named else ALL
        return names, valid_when == positive, sinks
    if (allowed := shape_checks.characters_checked(test, lambda node: origin is None or not lookups.is_untrusted(origin(node)))) is not None:
        return {allowed}, positive, ALL  # `set(expr).issubset(ALLOWED)`: each character one the program allows
    if (second := shape_checks.second_character_test(test)) is not None:
        # `x[1] in ("/", "\\")` false, `len(x) > 1` false: nothing after a leading "/" starts a host
        return {second[0]}, second[1] == positive, _NO_HOST
    if (coded := _code_above_controls(test)) is not None:
        return {coded[0]}, coded[1] == positive, LINE_SINKS
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn)):
        left, right = _case_folded(test.left), test.comparators[0]
        if isinstance(test.ops[0], ast.NotIn):
            positive = not positive
        # membership in a collection literal or a named (constant-like) collection, an item of a
        # mapping (`self.settings["repo_providers"]`), or its keys (`if sort not in
        # Model.__table__.columns.keys(): sort = "id"`)
        if isinstance(right, ast.Call) and isinstance(right.func, ast.Attribute) and right.func.attr in ("keys", "values") and not right.args:
            right = right.func.value
        if isinstance(right, ast.Attribute) and right.attr == "parents" and isinstance(_call_chain_base(right.value), ast.Name):
            names.add(_call_chain_base(right.value).id)  # type: ignore[union-attr]  # `base in target.resolve().parents`
            sinks = PATH_SINKS
        elif isinstance(left, ast.Name) and isinstance(right, (ast.Name, ast.Attribute, ast.Subscript, ast.Set, ast.List, ast.Tuple, ast.Dict, ast.ListComp, ast.SetComp)):
            # not when the allow-list itself comes from the client
            if origin is None or not lookups.is_untrusted(origin(right)):
                names.add(left.id)
                copied = value_of(left) if value_of is not None else None
                if isinstance(copied, ast.Subscript) and (path := astutil.item_path(copied)) is not None:
                    names.add(path)  # `cls = data["cls"]` then `if cls in ALLOWED:`: `data["cls"]` read again is that value
        elif _url_host(left, qualify, value_of) is not None and isinstance(right, (ast.Name, ast.Attribute, ast.Set, ast.List, ast.Tuple)):
            # `urlparse(url).netloc in ALLOWED_HOSTS`
            names.add(_url_host(left, qualify, value_of))
            sinks = URL_SINKS
        elif (path := field_path(left) or astutil.item_path(left)) is not None and isinstance(right, (ast.Name, ast.Attribute, ast.Set, ast.List, ast.Tuple, ast.Dict)):
            # `if f.key not in COLUMNS: raise`: that field of f, until f or the field is assigned again;
            # `if options.cmd[0] in COMMANDS:` that item, the same way
            if origin is None or not lookups.is_untrusted(origin(right)):
                names.add(path)
        elif isinstance(right, ast.Name) and isinstance(left, ast.Constant) and isinstance(left.value, str) and set(left.value) & _QUOTES:
            # `if "'" in name: abort(400)`: without quotes, the value cannot leave an XPath string literal
            # (XPath 1.0 has no escape inside literals; rejecting the quote is the usual defence)
            names.add(right.id)
            sinks = _QUOTE_SINKS
            positive = not positive  # valid when the quote is *not* in it
    elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq)):
        left, right = _case_folded(test.left), _case_folded(test.comparators[0])
        if isinstance(test.ops[0], ast.NotEq):
            positive = not positive
        held = value_of(left) if isinstance(left, ast.Name) and value_of is not None else None
        if held is not None and (contained := shape_checks.contained_paths(held, right, qualify, values_of)):
            # `common = Path(os.path.commonpath([ROOT, p]))`, then `if common != ROOT: raise`
            return contained, positive, PATH_SINKS
        # the name compared, and what with: `current_user.id == user_id` reads as `user_id == current_user.id`
        name, other = (right, left) if isinstance(right, ast.Name) and isinstance(left, ast.Attribute) else (left, right)
        # a URL's host compared with a host, on either side (`urlparse(url).netloc != current_host`):
        # a host check whatever the other side's name says of it
        host = next((found for side, o in ((left, right), (right, left)) if isinstance(o, (ast.Constant, ast.Name, ast.Attribute)) and (found := _url_host(side, qualify, value_of)) is not None), None)
        if host is not None:
            names.add(host)
            sinks = URL_SINKS
        elif isinstance(name, ast.Name) and (isinstance(other, ast.Constant) or origin is not None and isinstance(other, (ast.Name, ast.Attribute)) and origin(other).is_constant):
            names.add(name.id)  # `x == "literal"` / `x == ALLOWED_VALUE`: x is that constant
        elif isinstance(name, ast.Name) and origin is not None and (compared := shape_checks.safe_as_compared(origin(other))):
            names.add(name.id)  # `x == "dir/" + basename(y)`: x is as safe as what it equals
            sinks = compared
        elif isinstance(name, ast.Name) and isinstance(other, ast.Attribute) and origin is not None and _own_value(origin(other)):
            names.add(name.id)  # `user_id == current_user.id`: a field of a row the application holds (the log convention for stored values)
            sinks = LINE_SINKS
        elif origin is not None and collection_of is not None and (matched := lookups.matched_element(test, origin, collection_of)) is not None:
            names.add(matched)  # `for view in self.views: if view.key == key: return view`
        elif isinstance(left, ast.Name) and all(shape_checks.resolved(n, qualify, value_of, values_of) for n in (left, right)):
            names.add(left.id)  # `realpath(p) == realpath(root)`: the root itself
            sinks = PATH_SINKS
        elif (contained := shape_checks.contained_paths(left, right, qualify, values_of)) is not None:
            # `os.path.commonpath([BASE, os.path.realpath(target)]) == BASE`: target is inside BASE
            names.update(contained)
            sinks = PATH_SINKS
    elif isinstance(test, ast.Call):
        func = test.func
        qualified = qualify(func)
        if isinstance(func, ast.Attribute) and func.attr in _VALIDATING_METHODS:
            base = _call_chain_base(func.value)  # path.resolve().is_relative_to(root)
            if isinstance(base, ast.Call) and func.attr == "is_relative_to" and qualify(base.func) in _PATH_TYPES and len(base.args) == 1:
                base = base.args[0]  # Path(name).resolve().is_relative_to(root): the text it was made of
            if func.attr in _LINE_METHODS:
                sinks = LINE_SINKS  # of the name or field below (the branches after take arguments)
            if isinstance(base, ast.Name) and func.attr != "startswith":
                names.add(base.id)
            elif func.attr not in ("startswith", "is_relative_to") and (path := field_path(base) or astutil.item_path(base)) is not None:
                names.add(path)  # `form.id.isidentifier()`, `data["id"].isdigit()`: that field or item, tracked like a name
            elif isinstance(base, ast.Name) and test.args and shape_checks.resolved(base, qualify, value_of, values_of):
                names.add(base.id)  # `p = os.path.realpath(p)`, then `p.startswith(root)`: no `..` left to climb out
                sinks = PATH_SINKS
            elif func.attr == "startswith" and (resolved := shape_checks.resolved_then_tested(func.value, test.args, qualify, value_of)) is not None:
                names.add(resolved)  # `os.path.normpath(p).startswith(root)`: opening p opens that path
                sinks = PATH_SINKS
            elif isinstance(base, ast.Name) and test.args and isinstance(test.args[0], ast.Constant) and isinstance(test.args[0].value, str):
                # `url.startswith("https://api.example.com/")` fixes the host
                if SAFE_URL_PREFIX.match(test.args[0].value):
                    names.add(base.id)
                    sinks = URL_SINKS
                elif test.args[0].value == "/":
                    names.add(base.id)  # a path, maybe `//host`: see Sink.NO_HOST_START
                    sinks = frozenset({Sink.PATH_START})
                elif test.args[0].value == "//":
                    names.add(base.id)  # `x.startswith("//")` is false: no `//host` (see Sink.NO_DOUBLE_SLASH_START)
                    sinks, positive = frozenset({Sink.NO_DOUBLE_SLASH_START}), not positive
            elif isinstance(base, ast.Name) and test.args and shape_checks.HOST_STARTS <= shape_checks.constant_strings(test.args[0]):
                names.add(base.id)  # `x.startswith(("//", "/\\"))` is false: no host after a leading "/"
                sinks, positive = _NO_HOST, not positive
        elif qualified in VALIDATING_FUNCTIONS:
            index, keyword, sinks = VALIDATING_FUNCTIONS[qualified]
            if qualified == "re.match" and test.args:
                sinks = _prefix_match_sinks(_pattern_text(test.args[0], value_of), sinks)
            checked = test.args[index] if len(test.args) > index else next((k.value for k in test.keywords if k.arg == keyword), None)
            subject = (_subject(checked) or astutil.item_path(checked)) if checked is not None else None
            if subject is not None and sinks:
                names.add(subject)
        elif qualified == "isinstance" and len(test.args) == 2 and isinstance(test.args[0], ast.Name) and (kinds := _number_sinks(test.args[1], qualify)):
            names.add(test.args[0].id)  # `if isinstance(task_id, int):` a number, no text in it
            sinks = kinds
        elif qualified == "hasattr" and len(test.args) == 2 and _is_own_object(test.args[0]) and isinstance(test.args[1], ast.Name):
            names.add(test.args[1].id)
            sinks = _ATTRIBUTE_NAME_SINKS
        elif qualified in _DIGEST_CHECKS:
            names |= _authenticated(test.args, qualify, value_of)
        elif len(test.args) == 2 and (macs := _authenticated(test.args, qualify, value_of)):
            # the application's own constant-time comparison (`_lscmp(sig, b64encode(mac))`)
            names |= macs
        elif isinstance(func, ast.Attribute) and func.attr in _PATTERN_METHODS and test.args and (subject := _subject(test.args[0])):
            # `NAME_RE.fullmatch(x)` with a pattern compiled beforehand (str has no such method)
            if func.attr == "match":
                sinks = _prefix_match_sinks(_compiled_pattern_text(func.value, qualify, value_of), sinks)
            if sinks:
                names.add(subject)
        elif isinstance(func, ast.Name) and func.id in ("all", "any") and len(test.args) == 1 and (checked := _each_character(test.args[0], func.id)):
            # `all(c.isalnum() for c in name)` true, `any(c.isspace() for c in model_id)` false: the
            # method held (did not hold) for every character, as `name.isalnum()` says of the whole
            subject, sinks, refused = checked
            names.add(subject)
            positive = positive != refused
        elif isinstance(func, ast.Name) and func.id == "any" and len(test.args) == 1 and (item := lookups.single_loop_item(test.args[0])):
            # `any(name == d.filename for d in DOCUMENTS)`, `any(path.is_relative_to(d) for d in DIRS)`:
            # true, the check held for one item (not when the items are the client's)
            if origin is None or not lookups.is_untrusted(origin(test.args[0].generators[0].iter)):  # type: ignore[attr-defined]
                found, when, kinds = validation(test.args[0].elt, qualify, origin, value_of, validator, values_of)  # type: ignore[attr-defined]
                matched = lookups.matched_name(test.args[0].elt, item)  # type: ignore[attr-defined]
                names, sinks = ({matched}, ALL) if matched else (found - {item} if when else set(), kinds)
        elif isinstance(func, ast.Attribute) and f"django.utils.http.{func.attr}" in VALIDATING_FUNCTIONS and (validator is None or validator(func) is None):
            # `get_adapter().is_safe_url(url)`: a method of an object the analysis cannot follow,
            # named after (and, in practice, wrapping) Django's URL check; taken at its word
            checked = astutil.argument_for(test, ("url",), "url")
            if checked is not None and (subject := _subject(checked)):
                names.add(subject)
                sinks = URL_SINKS
        elif validator is not None and (summary := validator(func)) is not None:
            found, kinds = _validated_arguments(test, summary, summary.validates)
            if found:
                names, sinks = found, kinds
    return names, positive, sinks


def _validated_arguments(call: ast.Call, summary, validated) -> tuple[set[str], frozenset[str]]:
    """The names `call` passes to the parameters a predicate's summary validates (`validated`), and for what."""
    names: set[str] = set()
    sinks = ALL
    for param, kinds in validated:
        arg = astutil.argument_for(call, summary.params, param)
        arg = shape_checks.path_text_of(arg)  # `is_safe_path(root, sfile.as_posix())`: sfile itself
        if arg is not None and (subject := _subject(arg) or field_path(arg)):  # `is_valid(f.filename)`: that field of f
            names.add(subject)
            sinks = kinds
    return names, sinks


def first_item_of(call: ast.Call) -> ast.Subscript:
    """`call[0]`: what the first name of `ok, message = call` holds, for `validation` to read."""
    return ast.copy_location(ast.Subscript(value=call, slice=ast.Constant(0), ctx=ast.Load()), call)


def _first_item_call(node: ast.expr | None) -> ast.Call | None:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call) and isinstance(node.slice, ast.Constant) and node.slice.value == 0:
        return node.value
    return None


_INTEGER_TYPES = frozenset({"int", "bool", "numbers.Integral"})
_NUMBER_TYPES = _INTEGER_TYPES | {"float", "complex", "decimal.Decimal", "numbers.Number", "numbers.Real"}
# what a float is safe for: every sink of text, not every use (`*`): it may be NaN or infinite (SLS131)
_FLOAT_SINKS = frozenset(sink for sink in Sink if sink is not Sink.ANY)


def _number_sinks(types: ast.expr, qualify) -> frozenset[str]:
    """What a value is safe for where `isinstance(value, types)` held: every sink for integers
    (`int`, `(int, bool)`), every sink of text for other numbers; nothing when a type is no number."""
    named = [qualify(t) or "" for t in (types.elts if isinstance(types, ast.Tuple) else [types])]
    if not named or not all(t in _NUMBER_TYPES for t in named):
        return frozenset()
    return ALL if all(t in _INTEGER_TYPES for t in named) else _FLOAT_SINKS


# The start of a pattern that pins a URL's scheme and host (`^https?://(www\.)?example\.com/`,
# every dot escaped) or keeps it on this site (`^/[a-z]`, not `//`).
_PINNED_HOST = re.compile(r"\^?(?:https\??|http)://(?:[A-Za-z0-9-]|\\\.|[()|?])+(?:/|\$)|\^?/(?:[A-Za-z0-9_]|\\[wd]|\[[^\]^/\\]*\])")


def pins_url_start(pattern: str) -> bool:
    """Whether a pattern's start pins a URL's scheme and host or keeps it on this site: then a
    prefix match settles where the URL goes, which is all a redirect check needs."""
    return _PINNED_HOST.match(pattern) is not None


def _pattern_text(node: ast.expr, value_of) -> str | None:
    """The constant text of a pattern argument (a literal, or a name bound to one)."""
    if isinstance(node, ast.Name) and value_of is not None:
        node = value_of(node)
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _compiled_pattern_text(node: ast.expr, qualify, value_of) -> str | None:
    """The pattern text of `NAME` in `NAME.match(x)`, for `NAME = re.compile("...")`."""
    if isinstance(node, ast.Name) and value_of is not None:
        node = value_of(node)
    if isinstance(node, ast.Call) and qualify(node.func) == "re.compile" and node.args:
        return _pattern_text(node.args[0], value_of)
    return None


def _prefix_match_sinks(pattern: str | None, sinks: frozenset[str]) -> frozenset[str]:
    """What `re.match(pattern, x)` validates x for. `match` anchors only the start: a pattern
    without an end anchor (`$`, `\\Z`) checks a prefix, which settles nothing but where a URL
    goes, and that only when it pins the scheme and host (or a path of this site). An unknown
    pattern is given the benefit of the doubt."""
    if pattern is None or pattern.endswith(("$", "\\Z")) and not pattern.endswith("\\$"):
        return sinks
    return URL_SINKS if pins_url_start(pattern) else frozenset()


def _authenticated(compared_args: list[ast.expr], qualify, value_of) -> set[str]:
    """The names whose HMAC a comparison checks: `hmac.compare_digest(sig, hmac.new(KEY, data,
    ...).hexdigest())` makes `data` authentic (also through `expected = hmac.new(...)`, and the
    digest encoded: `b64encode(mac)`)."""
    compared = [*compared_args]
    if value_of is not None:
        compared += [v for v in (value_of(a) for a in compared_args if isinstance(a, ast.Name)) if v is not None]
    names = set()
    for node in (n for arg in list(compared) for n in astutil.walk(arg)):
        if isinstance(node, ast.Name) and value_of is not None and node not in compared_args:
            value = value_of(node)  # `hashed = hmac.new(...).digest()` then `b64encode(hashed)`
            if value is not None:
                compared.append(value)
    for node in (n for arg in compared for n in astutil.walk(arg)):
        if isinstance(node, ast.Call) and qualify(node.func) in ("hmac.new", "hmac.digest"):
            names.update(a.id for a in node.args[1:2] if isinstance(a, ast.Name))
    return names


def _looked_up_key(test: ast.expr, origin, value_of, validator=None, values_of=None) -> tuple[frozenset[str], bool, frozenset[str]] | None:
    """For `found` or `found is (not) None`, where `found` was looked up by names (looked_up_key), or
    for that look-up itself (`if db.query(User).get(K) is None:`):
    the keys' names, whether the test is true when the lookup found it, and the sinks the key is
    then safe for. A row turned into another shape of itself in between (`if found is not None:
    found = found.model_dump()`) is still what the look-up found, or None."""
    found_when = True
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
        if not (isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None):
            return None
        found_when = isinstance(test.ops[0], ast.IsNot)
        test = test.left
    if origin is None or not (isinstance(test, (ast.Call, ast.Await)) or isinstance(test, ast.Name) and value_of is not None):
        return None
    value = value_of(test) if isinstance(test, ast.Name) else test  # `if find(db, K) is None:`
    if value is None and isinstance(test, ast.Name) and values_of is not None:
        value = _reshaped_row(test.id, values_of(test))
    looked_up = looked_up_key(value, origin, validator, value_of)
    return (looked_up[0], found_when, looked_up[1]) if looked_up is not None else None


# what a row (a pydantic model, an ORM object, a named tuple) gives of itself in another shape
_RESHAPING_METHODS = frozenset({"model_dump", "dict", "to_dict", "as_dict", "_asdict", "model_copy", "copy"})


def _reshaped_row(name: str, values: tuple[ast.expr, ...]) -> ast.expr | None:
    """The one other value of `name` when the rest are that value reshaped (`name = name.model_dump()`,
    which is never None, and raises where `name` is)."""
    others = [
        v for v in values
        if not (isinstance(v, ast.Call) and not v.args and isinstance(v.func, ast.Attribute) and v.func.attr in _RESHAPING_METHODS and isinstance(v.func.value, ast.Name) and v.func.value.id == name)
    ]
    return others[0] if len(others) == 1 and len(values) > 1 else None


def looked_up_key(value: ast.expr | None, origin, validator=None, value_of=None) -> tuple[frozenset[str], frozenset[str]] | None:
    """The names K that `value` looks up in a mapping of the application's own (constants, a
    registry filled at import; no default), and the sinks they are safe for where the lookup
    found something (is not None): `TABLE.get(K)`, a selection by equality (lookups.filtered_by), or a
    call of a helper that returns None unless its arguments were found (`find_spec(source, K)`,
    whose summary's `ensures_when_found` says so); or a stored row found by equality with K
    (lookups.found_row_by): K then holds no line break the row's field does not (the log convention
    for stored values), but may hold anything else a row can."""
    matched = lookups.filtered_by(value, origin)
    if matched is not None:
        return frozenset({matched}), ALL
    row_keys = lookups.found_row_by(value, value_of)
    if row_keys:
        return row_keys, LINE_SINKS
    mapping_get = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" and not _is_class_name(value.func.value)
    if isinstance(value, ast.Call) and validator is not None and not mapping_get:  # `Policy.get(db, object_id=K)`: a classmethod
        summary = validator(value.func)
        keys, safe = set(), ALL
        for param, sinks in getattr(summary, "ensures_when_found", ()):
            arg = astutil.argument_for(value, summary.params, param)
            if isinstance(arg, ast.Name):
                keys.add(arg.id)
                safe = meet(safe, sinks)
        return (frozenset(keys), safe) if keys else None
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and len(value.args) == 1
        and not value.keywords
        and isinstance(value.args[0], ast.Name)
        and isinstance(value.func.value, (ast.Name, ast.Attribute, ast.Subscript))  # `store.data["watching"].get(key)`
    ):
        return None
    if not lookups.is_own_table(value.func.value, origin):
        return None  # a table the client (or a caller) filled can hold any key
    return frozenset({value.args[0].id}), ALL


def _case_folded(node: ast.expr) -> ast.expr:
    """`fmt.lower() not in FORMATS` checks `fmt` itself: changing case maps no character into
    or out of the harmless ones an allowed value is made of (unlike `strip()`, which drops
    the line breaks around it), nor a host to another one (`urlparse(url).netloc.lower()`)."""
    if (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("lower", "upper", "casefold")
        and not node.args and isinstance(node.func.value, (ast.Name, ast.Attribute))
    ):
        return node.func.value
    return node


# Character tests `all(c.M() for c in x)` reads like `x.M()`; and `any(c.isspace() for c in x)`
# false leaves no whitespace: one line.
_EVERY_CHARACTER = {"isalnum": ALL, "isalpha": ALL, "isdigit": ALL, "isdecimal": ALL, "isnumeric": ALL, "isprintable": LINE_SINKS}
_NO_CHARACTER = {"isspace": LINE_SINKS}


def _each_character(generator: ast.expr, quantifier: str) -> tuple[str, frozenset[str], bool] | None:
    """(the name tested, the sinks it is safe for, whether the test must be false for that) for
    `all(c.isalnum() for c in name)` and `any(c.isspace() for c in name)`."""
    if not (isinstance(generator, ast.GeneratorExp) and len(generator.generators) == 1):
        return None
    loop = generator.generators[0]
    call = generator.elt
    if loop.ifs or loop.is_async or not isinstance(loop.target, ast.Name) or not (isinstance(loop.iter, ast.Name) or field_path(loop.iter)):
        return None
    if not (isinstance(call, ast.Call) and not call.args and not call.keywords and isinstance(call.func, ast.Attribute)):
        return None
    if not (isinstance(call.func.value, ast.Name) and call.func.value.id == loop.target.id):
        return None
    table = _EVERY_CHARACTER if quantifier == "all" else _NO_CHARACTER
    sinks = table.get(call.func.attr)
    if sinks is None:
        return None
    subject = loop.iter.id if isinstance(loop.iter, ast.Name) else field_path(loop.iter)
    return subject, sinks, quantifier == "any"


# `32 <= ord(c)` reads as `ord(c) >= 32`
_MIRRORED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
_FIRST_PRINTABLE = 32  # every control character of ASCII (CR and LF among them) has a lower code


def _code_above_controls(test: ast.expr) -> tuple[str, bool] | None:
    """(the name, whether the test must hold) for a character's code compared with a bound that
    leaves out ASCII's control characters: `ord(c) >= 32` true, `ord(c) < 32` false (the usual
    per-character escape: `"".join(escaped(c) if ord(c) < 32 else c for c in text)`)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _MIRRORED):
        return None
    code, op, bound = test.left, type(test.ops[0]), test.comparators[0]
    if isinstance(bound, ast.Call):
        code, op, bound = bound, _MIRRORED[op], code
    if not (isinstance(code, ast.Call) and isinstance(code.func, ast.Name) and code.func.id == "ord" and len(code.args) == 1 and isinstance(code.args[0], ast.Name)):
        return None
    if not (isinstance(bound, ast.Constant) and type(bound.value) is int):
        return None
    least = bound.value + (op in (ast.Gt, ast.LtE))  # the least code the test leaves (true for >, false for <=)
    return (code.args[0].id, op in (ast.Gt, ast.GtE)) if least >= _FIRST_PRINTABLE else None


def _call_chain_base(node: ast.expr) -> ast.expr:
    """`path` of `path.resolve().absolute()`: what a chain of method calls starts from."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    return node


def _subject(node: ast.expr) -> str | None:
    """The name a check tests: `x`, or `x or ""` (a falsy x is replaced by a constant, which
    the check then judges: when it passes, x either passed too or was empty)."""
    if isinstance(node, ast.Name):
        return node.id
    if (
        isinstance(node, ast.BoolOp)
        and isinstance(node.op, ast.Or)
        and isinstance(node.values[0], ast.Name)
        and all(isinstance(v, ast.Constant) for v in node.values[1:])
    ):
        return node.values[0].id
    return None


def _rejected_quotes(test: ast.BoolOp, valid_when: bool) -> frozenset[str]:
    """The quote characters the parts of `a and b` (valid when true) or `a or b` (valid when
    false) test a value for, each part valid only without them (`"'" not in x`)."""
    found: set[str] = set()
    for value in test.values:
        if (
            isinstance(value, ast.Compare)
            and len(value.ops) == 1
            and isinstance(value.ops[0], (ast.In, ast.NotIn))
            and isinstance(value.left, ast.Constant)
            and isinstance(value.left.value, str)
            and isinstance(value.ops[0], ast.NotIn) == valid_when
        ):
            found |= set(value.left.value) & _QUOTES
    return frozenset(found)


def catches(handler: ast.ExceptHandler, error: str) -> bool:
    """Whether an `except` clause catches the builtin exception `error` (bare, Exception, or by name)."""
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(k is None or isinstance(k, ast.Name) and k.id in (error, "Exception", "BaseException") for k in kinds)


def _url_host(node: ast.AST, qualify, value_of=None) -> str | None:
    """`x` for `urlparse(x).netloc` / `urlsplit(x).hostname` (also through `parsed = urlparse(x)`);
    `parsed` itself for `parsed = urlparse(urljoin(base, x))`, whose `parsed.geturl()` is then
    the URL checked."""
    if isinstance(node, ast.Attribute) and node.attr in URL_HOST_PARTS:
        call = node.value
        if isinstance(call, ast.Name) and value_of is not None:
            call = value_of(call)
        if not (isinstance(call, ast.Call) and call.args and qualify(call.func) in URL_PARSERS):
            return None
        if isinstance(call.args[0], ast.Name):
            return call.args[0].id
        if isinstance(node.value, ast.Name):
            return node.value.id
    return None


def is_abort_call(node: ast.AST, qualify) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = qualify(node.func) or ""
    return name in ("flask.abort", "sys.exit", "os._exit", "exit", "quit", "django.http.Http404") or name.endswith(".abort")


def block_leaves(body: list[ast.stmt], qualify) -> bool:
    """Whether running `body` never goes on to the statement after it: it ends with a return,
    raise, continue or break, an abort call, or an if/else whose branches both leave. The one
    test of "this branch refuses the value" that every check-then-act rule uses."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
        return True
    if isinstance(last, ast.Expr):
        return is_abort_call(last.value, qualify)
    if isinstance(last, ast.If):
        return block_leaves(last.body, qualify) and block_leaves(last.orelse, qualify)
    return False


def rewritten(node: ast.Call, receiver: Origin, join_all: Callable, translated: Callable) -> Origin | None:
    """The origin of a method call that rewrites text (`receiver` is its receiver's), when the
    rewrite sanitizes it or inserts only some of its arguments; None for any other call.
    `join_all(nodes)` is the joined origin of nodes, `translated(table)` the characters a
    translation table maps."""
    attr = node.func.attr  # type: ignore[attr-defined]
    args = [*node.args, *(k.value for k in node.keywords)]
    kept_out = quoting.quote_kept_out(node, translated)
    # `name.replace('"', '""')`: whatever it is joined to later, it cannot leave a `"`-quoted literal
    stays_quoted = frozenset({STAYS_IN_QUOTE[kept_out]}) if kept_out in STAYS_IN_QUOTE else frozenset()  # (not a backtick's)
    put_back = {q for new in quoting.replacements(node)[:1] for q in STAYS_IN_QUOTE if q in new[1] and q != kept_out}
    if put_back and attr == "replace":  # `.replace("\0", "'")`: a lone quote again, whatever was checked before
        receiver = receiver.exposed(frozenset({Sink.QUOTED, Sink.SELF_QUOTED, *(STAYS_IN_QUOTE[q] for q in put_back)}))
    if attr == "format" and any(k.arg is None for k in node.keywords):
        # `template.format(**{k: quote(v) for k, v in values.items()})`: a mapping's keys
        # choose placeholders; only its values end up in the text
        inserted = [*node.args, *(v for k in node.keywords for v in (_mapping_values(k.value) if k.arg is None else (k.value,)))]
        return receiver.join(join_all(inserted))
    if attr == "translate" and len(node.args) == 1 and translated(node.args[0]) >= {"\r", "\n"}:
        # `text.translate(str.maketrans({"\r": "\\r", "\n": "\\n"}))`: line breaks mapped away
        return receiver.sanitized(frozenset({Sink.LOG}) | stays_quoted)
    if attr == "format" and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) and not node.keywords:  # type: ignore[attr-defined]
        template = node.func.value.value  # type: ignore[attr-defined]
        pieces = formatting.format_pieces(template, node.args)
        quoted = quoting.self_quoted(pieces, lambda value: quoting.stays_in(join_all([value]))) if pieces is not None else set()
        numbers = {id(a) for a in formatting.numeric_format_arguments(template, node.args)}
        if quoted or numbers:
            plain = [a for a in node.args if id(a) not in quoted | numbers]
            wrapped = join_all([a for a in node.args if id(a) in quoted]).sanitized(frozenset({Sink.SELF_QUOTED}))
            digits = join_all([a for a in node.args if id(a) in numbers]).sanitized(ALL)
            return settled_url(template, receiver.join(join_all(plain)).join(wrapped).join(digits))  # type: ignore[attr-defined]
        return settled_url(node.func.value.value, receiver.join(join_all(args)))  # type: ignore[attr-defined]
    if attr in ("splitlines", "split", "rsplit") and not args:
        # `text.splitlines()`, `line.split()`: the pieces are cut at every line break (and, for
        # `split()`, all whitespace), so none holds one. Not `splitlines(True)`, which keeps
        # them, nor `split(None, 1)`, whose last piece is the rest of the text.
        return receiver.sanitized(LINE_SINKS)
    if attr == "replace" and kept_out in STAYS_IN_QUOTE:
        # `.replace("'", "''")`: the value cannot close the quoted literal it is put in
        # (XPath 2's escape; in XPath 1 two literals in a row are a syntax error)
        return receiver.join(join_all(args)).sanitized(frozenset({Sink.XPATH}) | stays_quoted)
    if attr == "urlencode" and not any(k.arg == "safe" for k in node.keywords) and len(node.args) == 0:
        # Django's `QueryDict.urlencode()`: every key and value percent-encoded
        return receiver.sanitized(catalog.SANITIZERS["urllib.parse.urlencode"])
    if attr == "replace" and (safe := quoting.sinks_escaped_by(node)):
        # `.replace("\r", "").replace("\n", "")`: no forged log lines any more
        return receiver.join(join_all(args)).sanitized(safe)
    if attr == "translate" and kept_out:
        return receiver.sanitized(stays_quoted)  # `name.translate(str.maketrans({'"': "_"}))`
    return receiver.join(join_all(args)) if put_back and attr == "replace" else None


def line_cut(call: ast.expr | None, count: int) -> list[frozenset[str]] | None:
    """`line, buf = buf.split(b"\\n", 1)`, `head, _, rest = text.partition("\\n")`: what each of the
    `count` items unpacked from cutting text at its first line feed is safe for. The first item
    ends before that line feed: it holds none, so it is one log line."""
    if not _cuts_at_line_feed(call):
        return None
    attr, args = call.func.attr, call.args  # type: ignore[union-attr]
    if attr == "split" and count == 2 and len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value == 1 or attr == "partition" and count == 3:
        return [frozenset({Sink.LOG}), *([frozenset()] * (count - 1))]
    return None


def first_line_safety(node: ast.Subscript) -> frozenset[str]:
    """`buf.split(b"\\n", 1)[0]`, `text.partition("\\n")[0]`: the text before the first line feed
    holds none (safe in a log line); nothing for any other item."""
    index = node.slice
    if isinstance(index, ast.Constant) and index.value == 0 and _cuts_at_line_feed(node.value):
        return frozenset({Sink.LOG})
    return frozenset()


def _cuts_at_line_feed(call: ast.expr | None) -> bool:
    """`x.split(SEP, ...)` or `x.partition(SEP)` with a constant separator holding a line feed."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in ("split", "partition") and call.args):
        return False
    separator = call.args[0].value if isinstance(call.args[0], ast.Constant) else None
    return isinstance(separator, (str, bytes)) and (b"\n" if isinstance(separator, bytes) else "\n") in separator


def _mapping_values(node: ast.expr) -> tuple[ast.expr, ...]:
    """What a `**mapping` hands over as values: a dict display's values, a comprehension's value."""
    return (node.value,) if isinstance(node, ast.DictComp) else tuple(node.values) if isinstance(node, ast.Dict) else (node,)


def is_outbound_call(node: ast.Call, value_of) -> bool:
    """`client.get("https://api.example.com/x", params)`, `session.post(API_URL, json=body)`,
    `http.request("GET", "https://...")`: an HTTP verb method called with an absolute URL whose
    scheme and host are written in the code (a literal, a constant of the module, a local holding
    one, or an f-string or concatenation that starts with one; `value_of` as for
    astutil.literal_prefix)."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in catalog.HTTP_CLIENT_METHODS or not node.args:
        return False
    for arg in node.args[:2] if func.attr == "request" else node.args[:1]:
        found = astutil.literal_prefix(arg, value_of)
        if found is not None and FIXED_HOST.match(found[0] + ("/" if found[1] else "")) is not None:
            return True
    return False


def _is_own_object(node: ast.expr) -> bool:
    """`self`, `cls`, `self.__class__` or `type(self)`: the object a method runs on, or its class."""
    if isinstance(node, ast.Attribute) and node.attr == "__class__":
        node = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def _is_class_name(node: ast.expr) -> bool:
    """`Policy` (a capitalised name, not a constant's): what a classmethod is called on."""
    return isinstance(node, ast.Name) and node.id[:1].isupper() and not node.id.isupper()


def _own_value(held: Origin) -> bool:
    """Whether a value is only the application's own (a stored row's field, what a dependency
    returned): neither the client's nor a caller's."""
    return bool(held.parts) and all(p.kind == UNKNOWN for p in held.parts)
