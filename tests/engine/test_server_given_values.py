"""What the server hands over from outside the request text: a header value is one line, the peer's address is an address."""

from __future__ import annotations

from tests.engine.test_engine import _confidence, _low_until_undone, _quiet_until_undone, rules

_CORS = (
    "import falcon\nfrom urllib.parse import unquote\n\n\nclass Cors:\n"
    "    def process_response(self, req: falcon.Request, resp: falcon.Response, resource, ok):\n"
    "        origin = req.get_header('Origin')\n"
    "        resp.set_header('Access-Control-Allow-Origin', origin)\n"
)


def test_a_header_falcon_reads_by_name_copied_into_a_response_header_is_the_audit_tier():
    # Falcon's set_header writes what it is given, but a header value read from the request holds no CR or LF
    _low_until_undone("SLS126", _CORS, "req.get_header('Origin')", "req.get_param('origin')", "medium")
    # percent-decoded, the same header may hold a line break again
    _low_until_undone("SLS126", _CORS, "req.get_header('Origin')", "unquote(req.get_header('Origin'))", "medium")


def test_the_peers_address_is_no_client_text():
    # Werkzeug's remote_addr is the socket's peer (or a trusted proxy's forwarded address)
    code = (
        "from quart import Quart, make_response, request\napp = Quart(__name__)\n\n"
        "@app.route('/source_address')\nasync def source_address():\n    return await make_response(request.remote_addr)\n"
    )
    _quiet_until_undone("SLS803", code, "request.remote_addr", "request.args['address']")
    # the same read on a request handed to a helper
    helper = (
        "import logging\nfrom werkzeug.wrappers import Request, Response\n\n"
        "def page(request: Request) -> Response:\n"
        "    return Response(f'<p>from {request.remote_addr}</p>', content_type='text/html')\n"
    )
    _quiet_until_undone("SLS803", helper, "request.remote_addr", "request.args['address']")


def test_the_urls_of_an_sns_message_whose_signature_was_verified_are_amazons():
    # django_ses checks the signature over SubscribeURL (and the signing certificate's host) first
    code = (
        "import requests\nfrom django_ses.utils import verify_event_message\nfrom rest_framework.decorators import api_view\n"
        "from rest_framework.response import Response\n\n@api_view(['POST'])\ndef sns_webhook(request):\n"
        "    payload = request.data\n    if not verify_event_message(payload):\n        return Response(status=400)\n"
        "    requests.get(payload['SubscribeURL'], timeout=5)\n    return Response(status=200)\n"
    )
    # the check's result ignored, the URL is the sender's again
    _quiet_until_undone("SLS121", code, "if not verify_event_message(payload):\n        return Response(status=400)", "verify_event_message(payload)")


def test_a_fixed_bare_host_then_a_value_of_the_applications_then_the_clients_text_is_the_audit_tier():
    # `resource["path"]` comes from the application's table: the client reaches the host only if it
    # can be empty or not start with "/"
    code = (
        "import requests\nfrom rest_framework.views import APIView\n\nBASE_URL = 'http://localhost:8080'\n"
        "RESOURCES = {'users': {'path': '/api/v1/users/'}}\n\n\nclass Proxy(APIView):\n"
        "    def _build_url(self, resource_name, pk=None):\n        resource = RESOURCES[resource_name]\n"
        "        base_path = resource['path']\n        if pk:\n            base_path += f'{pk}/'\n"
        "        return f'{BASE_URL}{base_path}'\n\n"
        "    def get(self, request):\n        url = self._build_url('users', request.GET['pk'])\n"
        "        return requests.get(url, timeout=10)\n"
    )
    _low_until_undone("SLS121", code, "base_path = resource['path']", "base_path = resource_name", "high")
    # nor when the client's text follows the bare host at once
    inline = "import requests\nBASE = 'http://localhost:8080'\n\ndef view(request):\n    return requests.get(f\"{BASE}{request.GET['id']}\", timeout=10)\n"
    assert _confidence(inline, "SLS121") == ["high"]


def test_the_negotiated_tls_protocol_is_no_client_text():
    # the ASGI TLS extension's ALPN protocol is one the server offered; the client's certificate name is still the client's
    code = (
        "from quart import Quart, make_response, request\napp = Quart(__name__)\n\n"
        "@app.route('/alpn_protocol')\nasync def alpn_protocol():\n"
        "    alpn_protocol = request.scope['extensions']['tls']['alpn_protocol']\n"
        "    return await make_response(alpn_protocol)\n"
    )
    _quiet_until_undone("SLS803", code, "['alpn_protocol']", "['client_cert_name']")


def test_the_mount_point_is_no_client_markup():
    # Werkzeug's script_root is the SCRIPT_NAME the deployment mounts the application at
    code = (
        "from flask import request\nfrom markupsafe import Markup\n\n"
        "def icon(name):\n"
        "    return Markup(f'<img class=\"icon\" src=\"{request.script_root}/static/icon.svg\">')\n"
    )
    _quiet_until_undone("SLS801", code, "request.script_root", "request.args['root']")


def test_the_status_code_and_reason_phrase_of_a_response_the_program_holds_are_the_servers_words():
    # DRF's fallback error template: the code (an int) and the phrase the framework looked up for it
    code = (
        "from django.template import Template\n\nclass Renderer:\n"
        "    def get_exception_template(self, response):\n"
        "        return Template('%d %s' % (response.status_code, response.status_text.title()))\n"
    )
    _quiet_until_undone("SLS113", code, "response.status_text.title()", "response.data['detail']")
    # the code is an int however it is written (`%d` alone would make any value digits)
    _quiet_until_undone("SLS113", code.replace("'%d %s'", "'%s %s'"), "response.status_code, ", "response.data['code'], ")
    # a Django response's phrase in markup, and the near-miss: its content is the page, not a phrase
    markup = (
        "from django.utils.safestring import mark_safe\n\n"
        "def status_badge(response):\n    return mark_safe(f'<b>{response.status_code} {response.reason_phrase}</b>')\n"
    )
    _quiet_until_undone("SLS801", markup, "response.reason_phrase", "response.content")
    # the phrase of a response received from another server is that server's text
    received = (
        "import httpx\nfrom jinja2 import Template\n\n"
        "def banner(url):\n    answer = httpx.get(url, timeout=5)\n    return Template('<h1>%s</h1>' % answer.text).render()\n"
    )
    assert "SLS113" in rules(received.replace("answer.text", "answer.reason_phrase"))


def test_a_format_string_another_server_sent_is_the_audit_tier():
    # an update feed's version template: what its fields read stays in this program's text
    code = (
        "import requests\nfrom flask import request\n\n"
        "def display_version(local):\n"
        "    check = requests.get('https://updates.example.com/check.json', timeout=10).json()\n"
        "    return check['displayVersion'].format(local=local)\n"
    )
    _low_until_undone("SLS113", code, "check['displayVersion']", "request.args['pattern']", "high")
