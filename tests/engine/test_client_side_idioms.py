"""Code on the client side of HTTP: what a program sends is its own, not a client's input."""

from __future__ import annotations

from tests.engine.test_engine import _low_until_undone, _quiet_until_undone


def test_a_request_parameter_annotated_with_a_clients_request_class_is_the_outbound_request():
    # aiohttp's client middlewares are handed the ClientRequest the program is sending
    code = (
        "import logging\nfrom aiohttp import ClientHandlerType, ClientRequest, ClientResponse, web\n\n"
        "log = logging.getLogger(__name__)\n\n"
        "class Logging:\n"
        "    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:\n"
        "        log.info('sending %s %s', request.method, request.url.path)\n"
        "        return await handler(request)\n"
    )
    # annotated as the server's request, the same middleware logs what a client sent
    _quiet_until_undone("SLS704", code, "request: ClientRequest", "request: web.Request")
    # a requests hook given the PreparedRequest, written as a plain function
    hook = (
        "import logging\nimport requests\nfrom django.http import HttpRequest\n\nlog = logging.getLogger(__name__)\n\n"
        "def trace(request: requests.PreparedRequest) -> None:\n    log.warning('retrying %s', request.headers['X-Trace'])\n"
    )
    _quiet_until_undone("SLS704", hook, "request: requests.PreparedRequest", "request: HttpRequest")


def test_check_hostname_off_where_the_client_matches_the_name_itself_is_the_audit_tier():
    # urllib3's shape: ssl cannot check pinned fingerprints or other names, so the client does
    code = (
        "import ssl\nfrom .match import CertificateError, _match_hostname\n\n"
        "def wrap(sock, context, server_hostname, assert_hostname=None, assert_fingerprint=None):\n"
        "    if assert_fingerprint or assert_hostname:\n        context.check_hostname = False\n"
        "    ssl_sock = context.wrap_socket(sock, server_hostname=server_hostname)\n"
        "    if assert_fingerprint is None and assert_hostname is not False:\n"
        "        _match_hostname(ssl_sock.getpeercert(), assert_hostname or server_hostname)\n"
        "    return ssl_sock\n"
    )
    _low_until_undone("SLS401", code, "        _match_hostname(ssl_sock", "        _log_peer(ssl_sock", "high")
    # a look-alike of SSLContext starts with its own attribute off, as pyOpenSSL checks no names
    wrapper = (
        "import ssl\nimport OpenSSL.SSL\n\nclass PyOpenSSLContext:\n"
        "    def __init__(self, protocol):\n        self._ctx = OpenSSL.SSL.Context(protocol)\n        self.check_hostname = False\n"
    )
    _low_until_undone("SLS401", wrapper, "class PyOpenSSLContext:", "class PyOpenSSLContext(ssl.SSLContext):", "high")


def test_a_form_post_to_an_application_that_knows_no_user_is_the_audit_tier_without_csrf_protection():
    # Quart's example blog: no session, login, user or secret, so a forged post carries nothing
    code = (
        "from quart import Quart, redirect, request, url_for\n\napp = Quart(__name__)\n"
        "app.config.update({'DATABASE': 'blog.db'})\n\n"
        "@app.route('/create/', methods=['GET', 'POST'])\nasync def create():\n"
        "    form = await request.form\n    save(form['title'], form['text'])\n    return redirect(url_for('posts'))\n"
    )
    _low_until_undone("SLS812", code, "save(form['title'], form['text'])", "save(session['author'], form['text'])", "medium")
    # configuration loaded from elsewhere may give it a secret key and sessions
    _low_until_undone("SLS812", code, "app.config.update({'DATABASE': 'blog.db'})", "app.config.from_object('settings')", "medium")


def test_a_snapshot_of_the_clients_own_token_compared_with_the_field_after_a_wait_is_no_guess():
    # aiohttp's token-refresh middleware: did another task replace the token while this one waited?
    code = (
        "import asyncio\n\nclass TokenRefresh:\n    def __init__(self, access_token):\n"
        "        self.access_token = access_token\n        self.lock = asyncio.Lock()\n\n"
        "    async def __call__(self, req, handler):\n        token = self.access_token\n"
        "        resp = await handler(req, token)\n        async with self.lock:\n"
        "            if token != self.access_token:\n                return await handler(req, self.access_token)\n"
        "        return resp\n"
    )
    # the compared name holding what a request sent is a guess again
    _quiet_until_undone("SLS303", code, "token = self.access_token", "token = req.headers['X-Token']")


def test_what_a_socket_answers_after_the_function_sent_on_it_is_an_answer_not_a_peers_request():
    """`conn.sendall(cmd)` then `conn.recv(n)`: a client asking a server the program chose (Tor's
    control port), like an HTTP client reading a response. A socket read before anything is sent on
    it, or in a function that accepts connections, is still what a peer sent."""
    code = (
        "import logging\nimport socket\n\nlog = logging.getLogger(__name__)\n\n"
        "def ask(conn, cmd):\n    conn.sendall(cmd.encode() + b'\\r\\n')\n    back = conn.recv(65536).decode()\n"
        "    log.debug('< %s', back)\n    return back\n"
    )
    _quiet_until_undone("SLS704", code, "    conn.sendall(cmd.encode() + b'\\r\\n')\n", "")
    _quiet_until_undone("SLS704", code, "def ask(conn, cmd):\n", "def ask(server, cmd):\n    conn, _ = server.accept()\n")


def test_verify_off_on_a_plain_http_url_is_the_audit_tier():
    # capev2 asks its local distribution service over http://127.0.0.1 with verify=False: no TLS there
    code = "import requests\n\ndef task(task_id):\n    return requests.get(f'http://127.0.0.1:9003/task/{task_id}', timeout=3, verify=False)\n"
    _low_until_undone("SLS401", code, "http://127", "https://127", "high")
