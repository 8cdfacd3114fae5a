"""HTML escaping and constant-time comparison fixes, run on real markupsafe/html/hmac."""

from tests.fixes.harness import Program

FLASK = 'from flask import Flask, request\n\napp = Flask(__name__)\n'
SCRIPT = "<script>alert(1)</script>"


def escaped_inside_markup(prefix):
    """The attack's markup comes out escaped, the page's own markup does not."""

    def check(before, after):
        page_before = before.value[0] if isinstance(before.value, tuple) else before.value
        page_after = after.value[0] if isinstance(after.value, tuple) else after.value
        return SCRIPT in str(page_before) and str(page_after).startswith(prefix) and "&lt;script&gt;" in str(page_after) and SCRIPT not in str(page_after)

    return check


PROGRAMS = [
    # ---- HTML escaping ------------------------------------------------------------------
    Program(
        "html-concatenation-keeps-page-markup",
        "SLS803",
        FLASK + '\n@app.route("/search")\ndef search():\n    q = request.args.get("q", "")\n    return "<p>No results for " + q + "</p>", 404\n',
        "safe",
        [
            ("flask_view(search, query={'q': 'shoes'})", "same"),
            ("flask_view(search)", "same"),
            ("flask_view(search, query={'q': 'Tom & Jerry'})", lambda b, a: a.value[0] == "<p>No results for Tom &amp; Jerry</p>"),
            (f"flask_view(search, query={{'q': {SCRIPT!r}}})", escaped_inside_markup("<p>No results for &lt;script")),
            ("type(flask_view(search, query={'q': 'x'})[0]).__name__", "same"),
        ],
        fixed_has=("html_escape(q)",),
        fixed_lacks=("markupsafe",),
    ),
    Program(
        # request text returned through a str method: the page is that text, escaped
        "html-returned-through-strip",
        "SLS803",
        FLASK + '\n@app.route("/echo")\ndef echo():\n    return request.args.get("q", "").strip()\n',
        "unsafe",
        [
            ("flask_view(echo, query={'q': ' shoes '})", "same"),
            ("flask_view(echo)", "same"),
            (f"flask_view(echo, query={{'q': {SCRIPT!r}}})", lambda b, a: str(b.value) == SCRIPT and str(a.value) == "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ],
        fixed_has=('escape(request.args.get("q", "").strip())',),
    ),
    Program(
        "html-fstring-with-default",
        "SLS803",
        FLASK + '\n@app.route("/hello")\ndef hello():\n    name = request.args.get("name", "world")\n    return f"<h1>Hello {name}</h1>"\n',
        "safe",
        [
            ("flask_view(hello, query={'name': 'Ann'})", "same"),
            ("flask_view(hello)", "same"),
            (f"flask_view(hello, query={{'name': {SCRIPT!r}}})", escaped_inside_markup("<h1>Hello &lt;script")),
        ],
    ),
    Program(
        "html-fstring-missing-value-shows-none",
        "SLS803",
        FLASK + '\n@app.route("/hello")\ndef hello():\n    return f"<h1>Hello {request.args.get(\'name\')}</h1>"\n',
        "safe",
        [
            ("flask_view(hello)", "same"),
            ("flask_view(hello, query={'name': 'Bo'})", "same"),
            (f"flask_view(hello, query={{'name': {SCRIPT!r}}})", escaped_inside_markup("<h1>Hello &lt;script")),
        ],
    ),
    Program(
        "html-percent-path-parameter",
        "SLS803",
        'from flask import Flask, make_response\n\napp = Flask(__name__)\n\n@app.route("/user/<name>")\ndef user(name):\n    return make_response("<h1>%s</h1>" % name)\n',
        "safe",
        [("flask_view(user, 'ann')", "same"), (f"flask_view(user, {SCRIPT!r})", escaped_inside_markup("<h1>&lt;script"))],
    ),
    Program(
        "html-format-method",
        "SLS803",
        'from flask import Flask, make_response, request\n\napp = Flask(__name__)\n\n@app.route("/greet")\ndef greet():\n    who = request.args["who"]\n    return make_response("<b>{}</b> says hi".format(who))\n',
        "safe",
        [
            ("flask_view(greet, query={'who': 'Al'})", "same"),
            ("flask_view(greet)", "same"),
            (f"flask_view(greet, query={{'who': {SCRIPT!r}}})", escaped_inside_markup("<b>&lt;script")),
        ],
    ),
    Program(
        "html-percent-d-conversion-is-refused",
        "SLS803",
        FLASK + '\n@app.route("/count")\ndef count():\n    q = request.args.get("q", "")\n    return "<p>%d letters in %s</p>" % (len(q), q)\n',
        "none",
        [("flask_view(count, query={'q': 'abc'})", "same")],
    ),
    Program(
        "html-bytes-body-is-refused",
        "SLS803",
        FLASK + '\n@app.route("/echo", methods=["POST"])\ndef echo():\n    return f"<pre>{request.data}</pre>"\n',
        "none",
        [("flask_view(echo, data=b'abc')", "same")],
    ),
    # bytes, lists and JSON reach the page through a variable just as inline: never escaped
    Program(
        "html-bytes-in-a-variable-is-refused",
        "SLS803",
        FLASK + '\n@app.route("/echo", methods=["POST"])\ndef echo():\n    raw = request.data\n    return f"<pre>{raw}</pre>"\n',
        "none",
        [("flask_view(echo, data=b'a<b')", "same")],
    ),
    Program(
        "html-list-in-a-variable-is-refused",
        "SLS803",
        FLASK + '\n@app.route("/tags")\ndef tags():\n    chosen = request.args.getlist("tag")\n    return "<p>Tags: %s</p>" % chosen\n',
        "none",
        [("flask_view(tags, query={'tag': ['red', 'blue']})", "same"), ("flask_view(tags)", "same")],
    ),
    Program(
        "html-json-in-a-variable-is-refused",
        "SLS803",
        FLASK + '\n@app.route("/doc", methods=["POST"])\ndef doc():\n    payload = request.get_json()\n    return f"<pre>{payload}</pre>"\n',
        "none",
        [("flask_view(doc, json={'k': 'v'})", "same"), ("flask_view(doc, json=[1, 2])", "same")],
    ),
    # a variable given a helper's result: text here, but the engine cannot tell
    Program(
        "html-helper-result-in-a-variable-is-unsafe",
        "SLS803",
        FLASK + '\ndef wanted(args):\n    return args.get("q", "").strip()\n\n@app.route("/find")\ndef find():\n    q = wanted(request.args)\n    return f"<p>Looking for {q}</p>"\n',
        "unsafe",
        [
            ("flask_view(find, query={'q': ' shoes '})", "same"),
            ("flask_view(find)", "same"),
            (f"flask_view(find, query={{'q': {SCRIPT!r}}})", escaped_inside_markup("<p>Looking for &lt;script")),
        ],
        title_has="assumes `q` holds text",
    ),
    # a URL from the request in href/src: escape() keeps `javascript:` URLs working, so no fix
    Program(
        "html-url-in-href-is-refused",
        "SLS803",
        FLASK + '\n@app.route("/go")\ndef go():\n    target = request.args.get("next", "/")\n    return f\'<a href="{target}">continue</a>\'\n',
        "none",
        [("flask_view(go, query={'next': '/home'})", "same"), ("flask_view(go, query={'next': 'javascript:alert(1)'})", "same")],
    ),
    Program(
        "html-url-in-img-src-is-refused",
        "SLS803",
        FLASK + '\n@app.route("/img")\ndef img():\n    src = request.args.get("src", "")\n    return "<img src=\'" + src + "\'>"\n',
        "none",
        [("flask_view(img, query={'src': 'a.png'})", "same")],
    ),
    Program(
        "markup-url-in-href-is-refused",
        "SLS801",
        "from markupsafe import Markup\n" + FLASK + '\n@app.route("/link")\ndef link():\n    url = request.args.get("u", "/")\n    return Markup(f\'<a href="{url}">go</a>\')\n',
        "none",
        [("str(flask_view(link, query={'u': '/docs'}))", "same")],
    ),
    # a value further into the URL: its scheme is fixed, escaping is the fix
    Program(
        "html-value-inside-a-fixed-url-is-escaped",
        "SLS803",
        FLASK + '\n@app.route("/u")\ndef u():\n    name = request.args.get("name", "")\n    return f\'<a href="/users/{name}">{name}</a>\'\n',
        "safe",
        [
            ("flask_view(u, query={'name': 'ann'})", "same"),
            (f"flask_view(u, query={{'name': {SCRIPT!r}}})", escaped_inside_markup('<a href="/users/&lt;script')),
        ],
    ),
    Program(
        "html-bottle-query-stdlib-escape",
        "SLS803",
        'from bottle import request, route\n\n@route("/notice")\ndef notice():\n    return "<div>%s</div>" % request.query.msg\n',
        "safe",
        [
            ("bottle_view(notice, query={'msg': 'saved'})", "same"),
            ("bottle_view(notice)", "same"),
            (f"bottle_view(notice, query={{'msg': {SCRIPT!r}}})", escaped_inside_markup("<div>&lt;script")),
        ],
    ),
    Program(
        "html-concatenation-in-variable",
        "SLS803",
        FLASK + '\n@app.route("/tag")\ndef tag():\n    label = request.args.get("label", "none")\n    page = "<span class=\'tag\'>" + label + "</span>"\n    return page\n',
        "safe",
        [
            ("flask_view(tag, query={'label': 'red'})", "same"),
            ("flask_view(tag)", "same"),
            (f"flask_view(tag, query={{'label': {SCRIPT!r}}})", escaped_inside_markup("<span class='tag'>&lt;script")),
        ],
    ),
    # ---- constant-time comparison -------------------------------------------------------------
    Program(
        "hmac-webhook-header-may-be-missing",
        "SLS303",
        "import hashlib\nimport hmac\n\n" + FLASK + '\nSECRET = b"k3y"\n\n@app.route("/hook", methods=["POST"])\ndef hook():\n    sig = request.headers.get("X-Sig")\n    expected = hmac.new(SECRET, request.data, hashlib.sha256).hexdigest()\n    if expected != sig:\n        return "bad", 403\n    return "ok", 200\n\ndef good(body):\n    return hmac.new(SECRET, body, hashlib.sha256).hexdigest()\n',
        "safe",
        [
            ("flask_view(hook, data=b'{}', headers={'X-Sig': good(b'{}')})", "same"),
            ("flask_view(hook, data=b'{}', headers={'X-Sig': 'f' * 64})", "same"),
            ("flask_view(hook, data=b'{}')", "same"),
            ("flask_view(hook, data=b'{}', headers={'X-Sig': 'é' * 64})", "same"),
        ],
        fixed_has=("sig is not None and hmac.compare_digest",),
    ),
    Program(
        "hmac-digest-bytes",
        "SLS303",
        "import hashlib\nimport hmac\n\nKEY = b'secret'\n\ndef verify(body: bytes, tag: bytes) -> bool:\n    return hmac.new(KEY, body, hashlib.sha256).digest() == tag\n\ndef tag_of(body):\n    return hmac.new(KEY, body, hashlib.sha256).digest()\n",
        "safe",
        [("verify(b'm', tag_of(b'm'))", "same"), ("verify(b'm', tag_of(b'n'))", "same"), ("verify(b'm', b'short')", "same")],
        fixed_has=("hmac.compare_digest(hmac.new(KEY, body, hashlib.sha256).digest(), tag)",),
    ),
    Program(
        "hmac-annotated-text-non-ascii",
        "SLS303",
        "def check_token(token: str, expected_token: str) -> bool:\n    return token == expected_token\n",
        "safe",
        [("check_token('abc', 'abc')", "same"), ("check_token('abc', 'abd')", "same"), ("check_token('é', 'é')", "same"), ("check_token('é', 'e')", "same")],
        fixed_has=(".encode()",),
    ),
    Program(
        "hmac-request-header-subscript",
        "SLS303",
        FLASK + '\n@app.route("/api")\ndef api(api_token: str = "t0k3n"):\n    if request.headers["X-Token"] != api_token:\n        return "denied"\n    return "welcome"\n',
        "safe",
        [
            ("flask_view(api, headers={'X-Token': 't0k3n'})", "same"),
            ("flask_view(api, headers={'X-Token': 'guess'})", "same"),
            ("flask_view(api, headers={'X-Token': 'ünïcode'})", "same"),
            ("flask_view(api)", "same"),
        ],
    ),
    Program(
        "hmac-authorization-header-against-bearer-f-string",
        "SLS303",
        "import os\n" + FLASK + '\nos.environ["API_BEARER"] = "s3cr3t"\n\n@app.route("/admin")\ndef admin():\n    if request.headers.get("Authorization") != f"Bearer {os.environ[\'API_BEARER\']}":\n        return "denied", 401\n    return "welcome"\n',
        "safe",
        [
            ("flask_view(admin, headers={'Authorization': 'Bearer s3cr3t'})", "same"),
            ("flask_view(admin, headers={'Authorization': 'Bearer guess'})", "same"),
            ("flask_view(admin, headers={'Authorization': 'Bearer sécret'})", "same"),
            ("flask_view(admin)", "same"),
        ],
        fixed_has=("is not None and hmac.compare_digest",),
    ),
    Program(
        "hmac-api-key-header-against-environment",
        "SLS303",
        "import os\n" + FLASK + '\nos.environ["API_KEY"] = "k3y"\n\n@app.route("/data")\ndef data():\n    if request.headers["X-Api-Key"] != os.environ["API_KEY"]:\n        return "denied", 401\n    return "rows"\n',
        "safe",
        [
            ("flask_view(data, headers={'X-Api-Key': 'k3y'})", "same"),
            ("flask_view(data, headers={'X-Api-Key': 'k3z'})", "same"),
            ("flask_view(data, headers={'X-Api-Key': 'ключ'})", "same"),
            ("flask_view(data)", "same"),
        ],
    ),
    Program(
        "hmac-both-may-be-missing-is-unsafe",
        "SLS303",
        "def same_csrf(csrf_token: str | None, form_token: str | None) -> bool:\n    return csrf_token == form_token\n",
        "unsafe",
        [("same_csrf('a', 'a')", "same"), ("same_csrf('a', None)", "same"), ("same_csrf(None, None)", lambda b, a: b.value is True and a.value is False)],
        title_has="two missing values no longer compare equal",
    ),
    Program(
        "hmac-object-attribute-is-unsafe",
        "SLS303",
        "class User:\n    def __init__(self, api_token):\n        self.api_token = api_token\n\ndef valid(user, token):\n    return user.api_token == token\n",
        "unsafe",
        [("valid(User('x'), 'x')", "same"), ("valid(User('x'), 'y')", "same"), ("valid(User(None), 'y')", lambda b, a: b.value is False and a.error == "TypeError")],
        title_has="cannot tell their types",
    ),
    Program(
        "hmac-text-against-bytes-is-refused",
        "SLS303",
        "def check_signature(signature: bytes, expected_signature: str) -> bool:\n    return signature == expected_signature\n",
        "none",
        [("check_signature(b'a', 'a')", "same")],
    ),
    Program(
        "hmac-bytes-method-stays-bytes",
        "SLS303",
        "def check_signature(signature: bytes, expected_signature: bytes) -> bool:\n    return signature.strip() == expected_signature\n",
        "safe",
        [("check_signature(b' ab ', b'ab')", "same"), ("check_signature(b'ab', b'ac')", "same")],
        fixed_lacks=(".encode()",),
    ),
    # the whole body is a value that may be None: markupsafe's escape(None) is Markup("None"),
    # sent as the text "None" where the response was empty (werkzeug's test suite)
    Program(
        "html-maybe-none-body-is-unsafe",
        "SLS803",
        'from flask import Flask, make_response, request\n\napp = Flask(__name__)\n\n@app.route("/echo")\ndef echo():\n    return make_response(request.args.get("x", None))\n',
        "unsafe",
        [
            ("flask_view(echo, query={'x': 'abc'})", "same"),
            ("flask_view(echo)", lambda b, a: b.value is None and a.value == "None"),
            (f"flask_view(echo, query={{'x': {SCRIPT!r}}})", lambda b, a: "<script>" in b.value and "&lt;script" in a.value),
        ],
        title_has="assumes the value is text",
    ),
    # ---- Markup built from pieces: Markup.format escapes the values, not the page's markup -----
    # (Django's format_html and conditional_escape fixes run in programs_django.py)
    Program(
        "markup-fstring-built-with-format",
        "SLS801",
        "from markupsafe import Markup\n" + FLASK + '\n@app.route("/hello")\ndef hello():\n    name = request.args.get("name", "world")\n    return Markup(f"<h1>Hello {name}!</h1>")\n',
        "unsafe",
        [
            ("str(flask_view(hello, query={'name': 'Ann'}))", "same"),
            ("str(flask_view(hello))", "same"),
            ("type(flask_view(hello, query={'name': 'Ann'})).__name__", "same"),  # still Markup: not escaped again in a template
            (f"str(flask_view(hello, query={{'name': {SCRIPT!r}}}))", escaped_inside_markup("<h1>Hello &lt;script")),
        ],
        fixed_has=('Markup("<h1>Hello {}!</h1>").format(name)',),
        title_has="Markup.format",
    ),
    Program(
        "markup-concatenation-with-braces-built-with-format",
        "SLS801",
        "from markupsafe import Markup\n\ndef badge(label, count):\n"
        "    return Markup('<style>.badge {color: red}</style><span class=\"badge\">' + label + '</span> ' + str(count))\n",
        "unsafe",
        [
            ("str(badge('new', 3))", "same"),  # the style's braces are the page's, kept as written
            ("str(badge('', 0))", "same"),
            # markup the caller already made safe is kept; before, `str + Markup` escaped the page's own markup
            ("str(badge(Markup('<i>beta</i>'), 1))", lambda b, a: a.value == '<style>.badge {color: red}</style><span class="badge"><i>beta</i></span> 1'),
            (f"str(badge({SCRIPT!r}, 1))", escaped_inside_markup("<style>.badge {color: red}</style><span class=\"badge\">&lt;script")),
            ("str(badge(None, 1))", lambda b, a: b.error == "TypeError" and a.error is None),  # `+` of None raised; format shows it
        ],
    ),
    Program(
        "markup-percent-built-with-format",
        "SLS801",
        "from markupsafe import Markup\n\ndef item(text):\n    return Markup('<li>%s</li>' % text)\n",
        "unsafe",
        [
            ("str(item('milk'))", "same"),
            ("str(item(3))", "same"),
            ("str(item('100%'))", "same"),
            (f"str(item({SCRIPT!r}))", escaped_inside_markup("<li>&lt;script")),
        ],
    ),
    Program(
        "markup-request-value-escaped",
        "SLS801",
        "from markupsafe import Markup\n" + FLASK + '\n@app.route("/preview")\ndef preview():\n    body = request.args["body"]\n    return Markup(body)\n',
        "unsafe",
        [
            ("str(flask_view(preview, query={'body': 'Plain text'}))", "same"),
            ("type(flask_view(preview, query={'body': 'x'})).__name__", "same"),
            ("flask_view(preview)", "same"),  # missing: KeyError both times
            (f"str(flask_view(preview, query={{'body': {SCRIPT!r}}}))", lambda b, a: b.value == SCRIPT and a.value == "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ],
        fixed_has=("escape(body)",),
    ),
]
