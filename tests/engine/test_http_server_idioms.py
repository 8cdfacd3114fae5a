"""Idioms of small servers written on the standard library (http.server handlers that parse their
own query with regular expressions), as deliberately vulnerable training apps are written: each
test fails without the mechanism it names."""

from __future__ import annotations

from tests.engine.test_engine import _analyzed, _quiet_until_undone, rules

_HANDLER = (
    "import http.server\nimport re\nimport urllib.parse\nimport urllib.request\n\n"
    "class Handler(http.server.BaseHTTPRequestHandler):\n"
    "    def do_GET(self):\n"
    "        path, query = self.path.split('?', 1) if '?' in self.path else (self.path, '')\n"
    "        params = dict((m.group('name'), urllib.parse.unquote(m.group('value')))\n"
    "                      for m in re.finditer(r'(?P<name>\\w+)=(?P<value>[^&]+)', query))\n"
)


def test_what_a_regular_expression_finds_in_request_data_is_still_request_data():
    """`re.finditer(...)` over the query, then `m.group(...)`: the pieces are the client's text."""
    code = _HANDLER + "        return open(params['path'], 'rb').read()\n"
    assert "SLS110" in rules(code)
    found = "from flask import request\nimport re\n\ndef view():\n    names = re.findall(r'name=([^&]+)', request.query_string.decode())\n    return open(names[0]).read()\n"
    assert "SLS110" in rules(found)


def test_a_pattern_that_only_matches_digits_or_words_makes_its_matches_safe():
    """`re.findall(r"\\d+", text)` can only hand back digits: no path separator, no markup."""
    code = "from flask import request\nimport re\n\ndef view():\n    ids = re.findall(r'id=(\\d+)', request.query_string.decode())\n    return open('/srv/' + ids[0]).read()\n"
    _quiet_until_undone("SLS110", code, "(\\d+)", "([^&]+)")


def test_a_piece_of_the_request_line_is_not_the_requests_own_url():
    """http.server's `self.path` is the request's own target (fetching it is no forgery), but an
    item a regular expression finds in its query is what the client wrote there."""
    code = _HANDLER + "        return urllib.request.urlopen(params['url']).read()\n"
    assert "SLS121" in rules(code)
    own = _HANDLER + "        return urllib.request.urlopen('http://backend' + self.path).read()\n"
    assert "SLS121" not in rules(own)


def test_an_http_server_handlers_writes_are_html_unless_it_says_otherwise():
    """http.server sends no type of its own and browsers sniff markup: `self.wfile.write(page)`
    is an HTML response, unless the method sends a non-HTML Content-Type. A type built from a
    template (`"%s; charset=%s" % (kind, enc)`) says nothing until its fields are known."""
    code = _HANDLER + (
        "        self.send_response(200)\n"
        "        self.send_header('Content-Type', 'text/html; charset=utf-8')\n"
        "        self.end_headers()\n"
        "        self.wfile.write(('<b>%s</b>' % params['v']).encode())\n"
    )
    assert "SLS803" in rules(code)
    assert "SLS803" not in rules(code.replace("'text/html; charset=utf-8'", "'text/plain; charset=utf-8'"))
    assert "SLS803" in rules(code.replace("'text/html; charset=utf-8'", "'%s; charset=%s' % (kind, 'utf-8')"))


def test_a_servers_answer_from_a_url_the_client_chose_is_the_clients_data():
    """`urlopen(params["include"]).read()` then `exec(...)`: remote file inclusion. The client
    picked the server, so what it answers is theirs, not a server the program chose."""
    code = _HANDLER + "        exec(urllib.request.urlopen(params['include']).read())\n"
    found = [f for f in _analyzed(code).findings if f.rule_id == "SLS103"]
    assert found and "HTTP request" in found[0].message and found[0].confidence.name == "HIGH"
    chosen = code.replace("urlopen(params['include'])", "urlopen('https://plugins.example.com/' + params['include'])")
    assert [f.message for f in _analyzed(chosen).findings if f.rule_id == "SLS103" and "an HTTP response" in f.message]
    # the client's verb forwarded to the program's server picks no server: `requests.request(method, url)`
    verb = "import requests\nfrom flask import request\n\ndef proxy():\n    exec(requests.request(request.method, 'https://api.example.com/run', timeout=5).text)\n"
    assert [f.message for f in _analyzed(verb).findings if f.rule_id == "SLS103" and "an HTTP response" in f.message]


def test_among_outside_data_the_clients_is_the_worst():
    """A page a helper makes of a server's answer and the client's text is the client's: the worst
    of two outside values is what the program's own client sent, however the two are ordered."""
    for order in ("(answer, params['v'])", "(params['v'], answer)"):
        code = "def both(a, b):\n    return a + b\n\n" + _HANDLER + (
            "        answer = urllib.request.urlopen('https://api.example.com/motd').read().decode()\n"
            f"        page = both{order}\n"
            "        self.wfile.write(page.encode())\n"
        )
        found = [f for f in _analyzed(code).findings if f.rule_id == "SLS803"]
        assert found and "HTTP request" in found[0].message


def test_a_pattern_that_cannot_produce_a_sinks_special_characters_is_safe_there():
    """`re.findall(r"\\+|\\d+", phone)` gives only `+` and digits: no markup, whatever the phone
    field holds. A pattern with `.` can give anything."""
    code = (
        "import re\nfrom django.utils.safestring import mark_safe\nfrom flask import request\n\n"
        "def link():\n"
        "    number = ''.join(re.findall(r'\\+|\\d+', request.args['phone']))\n"
        "    return mark_safe(f'<a href=\"tel:{number}\">call</a>')\n"
    )
    _quiet_until_undone("SLS801", code, "r'\\+|\\d+'", "r'\\+|.+'")
