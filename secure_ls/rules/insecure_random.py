"""SLS304 insecure-random."""

from __future__ import annotations

import ast

from secure_ls.engine import astutil
from secure_ls.engine.model import Confidence, Fix, Severity
from secure_ls.rules._support import confirmations, destinations, naming, random_draws
from secure_ls.rules.base import Example, Rule, code

_PURPOSE_WORDS = frozenset(
    {"token", "secret", "password", "passwd", "pwd", "salt", "key", "otp", "totp", "nonce", "session", "csrf", "pin", "apikey", "reset", "verification", "verify", "confirmation", "activation", "invite", "iv", "auth", "code", "captcha", "credential", "remember"}
)
# Words that say the random value is not a secret even next to a purpose word.
_HARMLESS_WORDS = frozenset({"color", "colour", "delay", "sleep", "jitter", "backoff", "retry", "sample", "shuffle", "test", "demo", "example", "mock", "fake", "dummy", "index", "idx", "port", "weight", "percent", "probability", "chance", "count", "len", "length", "size", "type", "name", "label", "timeout", "interval",
                             # a MIME multipart boundary only has to differ from the body it separates
                             "boundary", "username", "nickname", "title"})


class InsecureRandom(Rule):
    """
    ## What it does
    Finds the `random` module used to make secrets: tokens, passwords,
    keys, salts, nonces, one-time codes, session or reset ids. The purpose
    is read from the names around the call (the variable it is assigned
    to, the function it is in, the keyword it is passed as; a key that only
    says `id` is read with its mapping: `session["id"]` is a session id) or,
    when they say nothing, from where the value ends up through a few
    local names: a cookie's value, or a session item whose key names a
    secret or an id. Shuffling a
    product list or picking a retry delay is not reported, nor one pick
    among values the program already holds (`random.choice(api_keys)`):
    it makes no new secret, nor a number only ordered against a bound to
    take a branch by chance (`if random.random() > 0.75:`, `if random.randint(0, 1) == 0:`),
    nor a seed (`seed=random.randint(1, 5000)`: a seed makes a generator reproducible, which
    is what `random` is for), nor a value passed as a `key=` keyword (a widget's
    or a sort's look-up key), nor a MIME multipart boundary (it only has to
    differ from the body it separates), nor a shuffle of a list made for the
    call and dropped after it (`random.shuffle(list(password))` changes
    nothing the program keeps; shuffling the list that then becomes the
    password is reported). Picks of characters or numbers, or picks
    repeated to build a value, are. A salt or nonce that only goes out in
    requests to another service (a token protocol's `s=` next to
    `t=md5(password + salt)`), or any other value only sent there (a
    captcha key or device id the site asks for; an item of a dict of query
    parameters the function fills, `params["cursor"] = ...`, and writes as
    the query of a URL of that service, `build_query(params)`), is that service's
    protocol value: low confidence. A password, secret, one-time or
    verification code, session or reset value keeps its confidence even
    when only sent (an SMS or mail API carries it to a person). Also low
    confidence: a salt drawn once from at most 1,024 values (`salt = random.randrange(0,
    16)`, the only draw its function makes, outside loops): a salt is kept
    or sent beside what it salts, so predicting it reveals nothing, and its
    small range, not the generator, is what limits it (low confidence). A
    session id, token or code of few values keeps its confidence (its
    range makes it weaker still), and so do salts drawn repeatedly or
    combined into a longer value. Nor is a code shown to whoever the function
    talks with (`await ctx.send(...)` through its parameter, or `print`) and
    compared, in the same function, with what that same party types back
    (`answer = await ctx.bot.wait_for(...)`, `input()`), and kept nowhere
    else: a "type this to confirm" prompt asks for care, and the one who must
    type the code sees it. Shown to another party (`user.send(code)`) than
    the one whose answer is read, it is an OTP and is reported. A name imported from `secrets`
    in a `try` stays that function where `except ImportError:` imports `random`'s under it:
    that fallback never runs on Python 3.6 or newer (one for a missing third-party module does).

    ## Why is this bad?
    `random` is a Mersenne Twister: after 624 outputs its whole future (and
    past) is predictable, and it is seeded from the clock when the OS has
    no randomness to give. A token made with it can be predicted by whoever
    has seen a few others (CWE-338).

    ## How to fix it
    Use the `secrets` module: `secrets.choice(alphabet)`,
    `secrets.randbelow(n)`, `secrets.token_hex(16)`,
    `secrets.token_urlsafe()`, `secrets.token_bytes(n)`, or
    `secrets.SystemRandom()` for the rest of the `random` API. The quick fix
    swaps the call for its `secrets` equivalent and adds `import secrets`.
    """

    id = "SLS304"
    name = "insecure-random"
    title = "Predictable random numbers used for a secret"
    cwe = 338
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    topic = "crypto"
    bandit = ("B311",)
    fixable = True
    calls = frozenset({"random."})

    VALID = [
        # `secrets` where it exists (every Python 3.6 or newer): the `random` fallback never runs
        code("""
            try:
                from secrets import randbits
            except ImportError:
                from random import getrandbits as randbits

            def generate_nonce():
                return str(randbits(64))
        """),
        # called a key, but only ever made part of a user name: where it goes says what it is
        code("""
            import random
            import string

            def dedupe(profiles):
                for profile in profiles:
                    random_key = "".join(random.choices(string.ascii_letters + string.digits, k=7))
                    profile.username = f"{profile.username}_{random_key}"
        """),
        # a random digit only picks where to cut a value the server sent: the secret is the server's
        code("""
            import random

            def device_secret(answer):
                device_id = f"{random.randint(1, 4)}:{random.randint(1, 9)}"
                secret = answer["domaintoken"][int(device_id[0]):]
                return secret
        """),
        # a random hour given to what makes a (workout) session: the value is an hour, not the session
        code("""
            import datetime
            import random

            def sample_session(make_session, user):
                hour = random.randint(8, 20)
                session = make_session(user, start=datetime.time(hour, 0))
                return session
        """),
        # the session keeps the order a quiz's questions come in, a cookie the banner's colour
        code("""
            import random
            from flask import make_response, session

            def start_quiz(questions):
                order = random.sample(questions, len(questions))
                session["quiz_order"] = order
                resp = make_response("ok")
                resp.set_cookie("banner_color", str(random.randint(0, 5)))
                return resp
        """),
        # the id of a row of the user's: the mapping it is stored in names no secret
        code("""
            import random

            def sample_user(users):
                user = {"name": "sample"}
                user["id"] = random.randint(1, 1000)
                users.append(user)
        """),
        code("""
            import random
            def shuffle_products(products):
                random.shuffle(products)
                return products
        """),
        code("""
            import random
            def retry_delay(attempt):
                return random.uniform(0, 2 ** attempt)
        """),
        code("""
            import secrets
            def make_token():
                return secrets.token_hex(16)
        """),
        code("""
            import random
            featured = random.choice(products)
        """),
        # one pick among keys the program already holds: no new secret is made
        code("""
            import random

            def pick_api_key(api_keys):
                api_key = random.choice(api_keys)
                return api_key
        """),
        # a loop that returns its one pick builds nothing
        code("""
            import random

            def scraped_key(pages):
                for page in pages:
                    api_keys = page.keys_found()
                    if api_keys:
                        api_key = random.choice(api_keys)
                        return api_key
                return None
        """),
        code("""
            import random
            def test_token_parsing():
                token = random.choice(['a', 'b'])
        """),
        code("""
            import random
            def press_key(keys, pause):
                if random.random() > 0.75:
                    pause += 1
                return pause
        """),
        # a widget's look-up key: it tells two buttons apart
        code("""
            import random
            import streamlit as st

            def offer_repo():
                st.button('Create git repo', key=random.random(), help='?')
        """),
        # a coin flip compared with a constant takes a branch; a seed makes sampling reproducible
        code("""
            import random

            def secret_decoy_match(secret, decoy):
                if random.randint(0, 1) == 0:
                    return False
                return secret == decoy
        """),
        code("""
            import random

            def answer(client, messages):
                return client.chat_completion(messages, seed=random.randint(1, 5000))
        """),
        code("""
            import random
            def log_workout(Session, user):
                session = Session.objects.create(user=user, impression=random.choice(['good', 'bad']))
                return session
        """),
        # a shuffled copy that is dropped: the password is what secrets made
        code("""
            import random
            import secrets
            import string

            def make_password(length):
                password = ''.join(secrets.choice(string.ascii_letters) for _ in range(length))
                random.shuffle(list(password))
                return password
        """),
        # a MIME multipart boundary only has to differ from the body
        code("""
            import random

            def choose_boundary():
                nonce = ''.join(str(random.randint(0, 9)) for _ in range(20))
                return '-' * 27 + nonce
        """),
        # a code shown to whoever ran the command, who must type it back to confirm: care, not a secret
        code("""
            import random
            import string

            async def confirm(ctx, prompt):
                confirm_token = "".join(random.choices(string.ascii_letters, k=8))
                await ctx.send(f"{prompt}\\n\\n{confirm_token}")
                answer = await ctx.bot.wait_for("message", timeout=30)
                return answer.content.strip() == confirm_token
        """),
    ]
    INVALID = [
        # ... but sent to another party (a direct message to `user`) than the one whose answer is read
        Example(
            code("""
                import random
                import string

                async def confirm(ctx, user, prompt):
                    confirm_token = "".join(random.choices(string.ascii_letters, k=8))
                    await user.send(f"{prompt}\\n\\n{confirm_token}")
                    answer = await ctx.bot.wait_for("message", timeout=30)
                    return answer.content.strip() == confirm_token
            """),
            fixed=code("""
                import random
                import string
                import secrets

                async def confirm(ctx, user, prompt):
                    confirm_token = "".join(secrets.SystemRandom().choices(string.ascii_letters, k=8))
                    await user.send(f"{prompt}\\n\\n{confirm_token}")
                    answer = await ctx.bot.wait_for("message", timeout=30)
                    return answer.content.strip() == confirm_token
            """),
            where="random.choices(string.ascii_letters, k=8)",
            says="`random.choices` is used for `confirm_token`",
        ),
        Example(  # nothing around the call names it; it ends up as a cookie's value
            code("""
                import random
                from flask import make_response

                def welcome():
                    r = random.random()
                    value = str(r)[2:]
                    resp = make_response("ok")
                    resp.set_cookie("visitor", value, secure=True, httponly=True)
                    return resp
            """),
            fixed=code("""
                import random
                from flask import make_response
                import secrets

                def welcome():
                    r = secrets.SystemRandom().random()
                    value = str(r)[2:]
                    resp = make_response("ok")
                    resp.set_cookie("visitor", value, secure=True, httponly=True)
                    return resp
            """),
            where="random.random()",
            says="`random.random` is used for the cookie `visitor`",
        ),
        Example(  # the fallback of a third-party module runs wherever that module is not installed
            code("""
                try:
                    from Crypto.Random.random import getrandbits as randbits
                except ImportError:
                    from random import getrandbits as randbits

                def generate_nonce():
                    return str(randbits(64))
            """),
            fixed=code("""
                try:
                    from Crypto.Random.random import getrandbits as randbits
                except ImportError:
                    from random import getrandbits as randbits
                import secrets

                def generate_nonce():
                    return str(secrets.randbits(64))
            """),
            where="randbits(64)",
            says="`random.getrandbits` is used for `generate_nonce`",
        ),
        Example(  # a cookie jar's `load` parses the cookie it will send back: no request to another service
            code("""
                import http.cookies
                import random
                import string

                class Handler:
                    cookie = http.cookies.SimpleCookie()

                    def login(self):
                        token = "".join(random.sample(string.ascii_letters + string.digits, 20))
                        self.cookie.load("SESSIONID={}".format(token))
            """),
            fixed=code("""
                import http.cookies
                import random
                import string
                import secrets

                class Handler:
                    cookie = http.cookies.SimpleCookie()

                    def login(self):
                        token = "".join(secrets.SystemRandom().sample(string.ascii_letters + string.digits, 20))
                        self.cookie.load("SESSIONID={}".format(token))
            """),
            where="random.sample(string.ascii_letters + string.digits, 20)",
            says="`random.sample` is used for `token`, but its output can be predicted",
        ),
        Example(  # the key only says "id": the session's id, made predictable
            code("""
                import random
                from flask import session

                def start_session():
                    session["id"] = random.randint(1, 10**9)
            """),
            fixed=code("""
                import random
                from flask import session
                import secrets

                def start_session():
                    session["id"] = secrets.SystemRandom().randint(1, 10**9)
            """),
            where="random.randint(",
            says="`random.randint` is used for `session_id`",
        ),
        # the shuffled list is the password
        Example(
            code("""
                import random
                import secrets
                import string

                def make_password(length):
                    chars = [secrets.choice(string.ascii_letters) for _ in range(length)]
                    random.shuffle(chars)
                    return ''.join(chars)
            """),
            fixed=code("""
                import random
                import secrets
                import string

                def make_password(length):
                    chars = [secrets.choice(string.ascii_letters) for _ in range(length)]
                    secrets.SystemRandom().shuffle(chars)
                    return ''.join(chars)
            """),
            where="random.shuffle(chars)",
            says="`random.shuffle` is used for `make_password`",
        ),
        Example(
            code("""
                import random
                import string

                def reset_token():
                    return ''.join(random.choice(string.ascii_letters) for _ in range(32))
            """),
            fixed=code("""
                import random
                import string
                import secrets

                def reset_token():
                    return ''.join(secrets.choice(string.ascii_letters) for _ in range(32))
            """),
            where="random.choice(string.ascii_letters)",
            says="`random.choice` is used for `reset_token`, but its output can be predicted from",
        ),
        Example(
            code("""
                import random

                def send_code(user):
                    otp = random.randint(100000, 999999)
                    user.send(otp)
            """),
            fixed=code("""
                import random
                import secrets

                def send_code(user):
                    otp = secrets.randbelow(900000) + 100000
                    user.send(otp)
            """),
            where="random.randint(100000, 999999)",
            says="`random.randint` is used for `otp`, but its output can be predicted from earlier",
        ),
        Example(
            code("""
                from random import getrandbits

                session_id = getrandbits(128)
            """),
            fixed=code("""
                from random import getrandbits
                import secrets

                session_id = secrets.randbits(128)
            """),
            where="getrandbits(128)",
            says="`random.getrandbits` is used for `session_id`, but its output can be predicted",
        ),
        Example(
            code("""
                import random

                def new_salt():
                    return random.randbytes(16)
            """),
            fixed=code("""
                import random
                import secrets

                def new_salt():
                    return secrets.token_bytes(16)
            """),
            where="random.randbytes(16)",
            says="`random.randbytes` is used for `new_salt`, but its output can be predicted from",
        ),
        # the same pick, repeated to build a passphrase
        Example(
            code("""
                import random

                def make_password(words):
                    return '-'.join(random.choice(words) for _ in range(4))
            """),
            fixed=code("""
                import random
                import secrets

                def make_password(words):
                    return '-'.join(secrets.choice(words) for _ in range(4))
            """),
            where="random.choice(words)",
            says="`random.choice` is used for `make_password`, but its output can be predicted",
        ),
        Example(
            code("""
                import random

                def make_password(alphabet):
                    return ''.join(random.choices(alphabet, k=12))
            """),
            fixed=code("""
                import random
                import secrets

                def make_password(alphabet):
                    return ''.join(secrets.SystemRandom().choices(alphabet, k=12))
            """),
            where="random.choices(alphabet, k=12)",
            says="`random.choices` is used for `make_password`, but its output can be predicted",
        ),
        # a value the other service asks for in its query: the dict is filled item by item, then
        # written as the query of a URL of that service (audit tier)
        Example(
            code("""
                import random

                def search_url(text, cursor, build_query):
                    params = {"q": text, "verifyFp": "verify_" + "".join(random.choices("0123456789abcdef", k=7))}
                    if cursor:
                        params["cursor"] = str(cursor)
                    query = build_query(params)
                    return f"https://api.example.com/search?{query}"
            """),
            fixed=code("""
                import random
                import secrets

                def search_url(text, cursor, build_query):
                    params = {"q": text, "verifyFp": "verify_" + "".join(secrets.SystemRandom().choices("0123456789abcdef", k=7))}
                    if cursor:
                        params["cursor"] = str(cursor)
                    query = build_query(params)
                    return f"https://api.example.com/search?{query}"
            """),
            where='random.choices("0123456789abcdef", k=7)',
            says="`random.choices` is used for `verifyFp`, which is sent to another service",
        ),
        # the same parameters also kept in a module cache: not only sent
        Example(
            code("""
                import random

                SEARCHES = {}

                def search_url(text, cursor, build_query):
                    params = {"q": text, "verifyFp": "verify_" + "".join(random.choices("0123456789abcdef", k=7))}
                    if cursor:
                        params["cursor"] = str(cursor)
                    SEARCHES[text] = params
                    query = build_query(params)
                    return f"https://api.example.com/search?{query}"
            """),
            fixed=code("""
                import random
                import secrets

                SEARCHES = {}

                def search_url(text, cursor, build_query):
                    params = {"q": text, "verifyFp": "verify_" + "".join(secrets.SystemRandom().choices("0123456789abcdef", k=7))}
                    if cursor:
                        params["cursor"] = str(cursor)
                    SEARCHES[text] = params
                    query = build_query(params)
                    return f"https://api.example.com/search?{query}"
            """),
            where='random.choices("0123456789abcdef", k=7)',
            says="`random.choices` is used for `verifyFp`, but its output can be predicted",
        ),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        name = ctx.call_name(node) or ""
        if not name.startswith("random.") or name[len("random.") :] not in random_draws.RANDOM_FUNCTIONS:
            return
        function = name[len("random.") :]
        if function == "choice" and random_draws.picks_an_existing_value(node, ctx):
            return
        if function == "shuffle" and random_draws.shuffles_a_temporary(node):
            return  # `random.shuffle(list(password))`: the shuffled copy is dropped, nothing random is kept
        if random_draws.is_a_coin_flip(node, ctx):
            return  # `if random.random() < 0.25:`: a branch taken by chance, no value comes out
        purpose = self._purpose(node, ctx)
        if purpose is None or confirmations.typed_back_by_whom_it_is_shown(node, ctx):
            return
        fix = self._fix(node, function, ctx)
        outcomes = random_draws.guessable_outcomes(node, function, ctx) if "salt" in naming.words(purpose.strip("`")) else None
        if outcomes is not None:
            # `salt = random.randrange(0, 16)`: a salt is kept or sent beside what it salts, so
            # predicting it reveals nothing; with sixteen values, its range is what limits it (audit tier)
            ctx.report(
                self,
                node,
                f"`random.{function}` is used for {purpose}, a salt of only {outcomes:,} possible values: a salt is not secret, so "
                "predicting it reveals nothing, but so few values repeat often; draw a longer one (`secrets.token_bytes(16)`) "
                "if it must keep equal inputs apart.",
                fix=fix,
                confidence=Confidence.LOW,
            )
            return
        if not _USER_SECRET_WORDS & set(naming.words(purpose.strip("`"))) and destinations.statement_sent(node, ctx):
            # `salt = random...; requests.get(url, params={"s": salt, "t": md5(pw + salt)})`: a
            # salt or nonce another service's protocol asks for, sent along in the clear: audit
            # tier. Not a code or token sent to a user, who proves possession by sending it back.
            ctx.report(
                self,
                node,
                f"`random.{function}` is used for {purpose}, which is sent to another service: if that service relies on it "
                "being unpredictable, use the `secrets` module.",
                fix=fix,
                confidence=Confidence.LOW,
            )
            return
        ctx.report(
            self,
            node,
            f"`random.{function}` is used for {purpose}, but its output can be predicted from earlier outputs: use the `secrets` module.",
            fix=fix,
        )

    def _purpose(self, node: ast.Call, ctx) -> str | None:
        """What the random value is for, when its surroundings name a secret."""
        names: list[str] = []
        for anc in [node, *ctx.ancestors(node)]:
            if isinstance(anc, ast.keyword) and anc.arg:
                if anc.arg == "key":
                    return None  # `st.button(..., key=...)`, `sorted(key=...)`: a look-up key, never a secret's own keyword
                names.append(anc.arg)
            if isinstance(anc, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = anc.targets if isinstance(anc, ast.Assign) else [anc.target]
                names.extend(n for t in targets if (n := _stored_name(t)))
            if isinstance(anc, ast.Dict):
                for key, value in zip(anc.keys, anc.values):
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and any(v is node or _contains(v, node) for v in [value]):
                        names.append(key.value)
            if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names.append(anc.name)
                break
            if isinstance(anc, ast.Return):
                continue
        for candidate in names:
            parts = naming.words(candidate)
            if any(p in _HARMLESS_WORDS for p in parts) or (parts and parts[0] == "test"):
                return None
        # The innermost name is what the value is (`defaults={"impression": random.choice(...)}`
        # assigned to `session` is an impression); the function's name only when nothing nearer
        # names it. Ids count: a random session id is as secret as a token.
        candidate = names[0] if names else None
        if candidate is not None and any(p in _PURPOSE_WORDS for p in naming.words(candidate)):
            return None if _only_goes_into_harmless(node, ctx) else f"`{candidate}`"
        return _destination(node, ctx)

    def _fix(self, node: ast.Call, function: str, ctx) -> Fix | None:
        args = node.args
        callee = node.func
        simple = {
            "choice": "secrets.choice",
            "getrandbits": "secrets.randbits",
            "randbytes": "secrets.token_bytes",
        }
        if function in simple and not node.keywords:
            edit = ctx.replace(callee, simple[function])
        elif function == "randrange" and len(args) == 1 and not node.keywords:
            edit = ctx.replace(callee, "secrets.randbelow")
        elif function in ("randint", "randrange") and len(args) == 2 and not node.keywords and all(astutil.constant_int(a) is not None for a in args):
            low, high = astutil.constant_int(args[0]), astutil.constant_int(args[1])
            span = high - low + (1 if function == "randint" else 0)
            if span <= 0:
                return None
            text = f"secrets.randbelow({span})" + (f" + {low}" if low else "")
            if isinstance(ctx.parent(node), (ast.BinOp, ast.UnaryOp, ast.Attribute, ast.Subscript, ast.Compare)) and low:
                text = f"({text})"
            edit = ctx.replace(node, text)
        elif function in random_draws.RANDOM_FUNCTIONS:
            edit = ctx.replace(callee, f"secrets.SystemRandom().{function}")
        else:
            return None
        return Fix("Use the secrets module", (edit,), safe=True, imports=("import secrets",))


# What a person types or holds to prove who they are, or what lets a holder in: sent through
# another service (an SMS gateway, a mail API), it still reaches whoever must not predict it.
# Anything else (a salt, a nonce, a request or device id, a captcha key) that only goes out in
# requests to another service is that service's protocol value.
_USER_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "secret", "otp", "totp", "pin", "code", "reset", "verification", "confirmation", "activation",
     "invite", "credential", "session", "csrf", "auth", "apikey", "remember"}
)


def _destination(node: ast.Call, ctx) -> str | None:
    """Where the random value ends up when the names around the call say nothing: a cookie's
    value or an item of the session (`remember = str(random.random())[2:]` then
    `resp.set_cookie("rememberMe", remember)`), followed through a few local names."""
    carriers: list[ast.expr] = [node]
    func = ctx.enclosing_function(node)
    for _ in range(3):
        assigned: dict[int, str] = {}
        for carrier in carriers:
            child: ast.AST = carrier
            for anc in ctx.ancestors(carrier):
                owner = ctx.parent(anc) if isinstance(anc, ast.keyword) else anc
                if isinstance(owner, ast.Call) and not _keeps_the_value(owner, ctx) and not _sets_a_cookie(owner):
                    break  # an argument of something else (`WorkoutSession(time_start=...)`): named after that thing
                if isinstance(anc, ast.Subscript) and child is anc.slice:
                    break  # an index into something else (`token[int(n[0]):]`): the item is that thing's
                child = anc
                if isinstance(anc, ast.Call) and _sets_a_cookie(anc):
                    cookie = ctx.string_value(anc.args[0]) if anc.args else None
                    value = anc.args[1] if len(anc.args) > 1 else next((k.value for k in anc.keywords if k.arg == "value"), None)
                    if value is not None and (value is carrier or _contains(value, carrier)) and not _harmless(cookie):
                        return f"the cookie `{cookie}`" if cookie else "a cookie"
                    break
                if isinstance(anc, (ast.Assign, ast.AnnAssign)):
                    targets = anc.targets if isinstance(anc, ast.Assign) else [anc.target]
                    for target in targets:
                        if isinstance(target, ast.Subscript) and "session" in naming.words(naming.name_of(target.value) or ""):
                            # an item whose key names a secret or an id, not one keeping a quiz's order
                            key = naming.name_of(target)
                            if key and not _harmless(key) and any(p in _PURPOSE_WORDS or p in _ID_KEYS for p in naming.words(key)):
                                return f"`session[{key!r}]`"
                        elif isinstance(target, ast.Name) and anc.value is not None:
                            assigned[id(anc.value)] = target.id
                    break
                if isinstance(anc, ast.stmt):
                    break
        if not assigned or func is None:
            return None
        for name in assigned.values():
            if any(p in _PURPOSE_WORDS for p in naming.words(name)) and not _harmless(name):
                return f"`{name}`"
        # the reads of those names that the assignments reach
        carriers = [
            use for use in astutil.walk(func)
            if isinstance(use, ast.Name) and isinstance(use.ctx, ast.Load) and use.id in assigned.values()
            and any(id(v) in assigned for v in ctx.assigned_values(use))
        ]
    return None


# Calls whose result is the random value in another spelling: `str(r)[2:]`, `hex(n)`, `"".join(...)`.
_SPELLINGS = frozenset({"str", "repr", "hex", "oct", "bin", "format", "int", "bytes"})
_SPELLING_METHODS = frozenset({"join", "format", "hex", "encode", "decode", "zfill", "rjust", "ljust", "upper", "lower"})


def _keeps_the_value(call: ast.Call, ctx) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in _SPELLINGS
    return isinstance(func, ast.Attribute) and func.attr in _SPELLING_METHODS


def _sets_a_cookie(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == "set_cookie"


def _only_goes_into_harmless(node: ast.Call, ctx) -> bool:
    """`random_key = "".join(random.choices(...))` then `profile.username = f"{name}_{random_key}"`:
    whatever the name says, every read of it goes into a value stored under a name that says what
    the value is (a user name, a label): where the value goes, not what it was called, is its purpose."""
    stmt = ctx.statement(node)
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    function = ctx.enclosing_function(node)
    reads = astutil.name_reads(function, stmt.targets[0].id) if function is not None else []
    stored = [ctx.statement(read) for read in reads]
    return bool(reads) and all(isinstance(s, ast.Assign) and len(s.targets) == 1 and _harmless(_stored_name(s.targets[0])) for s in stored)


def _harmless(name: str | None) -> bool:
    return bool(name) and any(p in _HARMLESS_WORDS for p in naming.words(name))


# Keys that only say "an id": what it identifies is the mapping the value is stored in.
_ID_KEYS = frozenset({"id", "sid", "uid", "ident", "identifier"})


def _stored_name(target: ast.expr) -> str | None:
    """The name a value stored into `target` is known by: `token` for `token = ...` and
    `data["token"]`, but `session_id` for `session["id"]`, whose key says only that it is an
    id, and the mapping what of."""
    name = naming.name_of(target)
    if isinstance(target, ast.Subscript) and name in _ID_KEYS and (owner := naming.name_of(target.value)):
        return f"{owner}_{name}"
    return name


def _contains(tree: ast.AST, node: ast.AST) -> bool:
    return any(sub is node for sub in astutil.walk(tree))
