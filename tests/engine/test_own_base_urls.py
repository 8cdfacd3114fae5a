"""SLS121 on URLs the program builds on a base of its own (a setting, a helper's answer): what the
client sends after a slash is a path on that host (values.after_own_base)."""

from tests.engine.test_engine import _quiet_until_undone


def test_a_path_added_to_the_applications_own_base_url_keeps_its_host():
    # `uri = settings.API + "/zones"`, then `uri += "/" + quote_plus(name)`: what the client sends
    # follows a slash after the application's own base; undone, the added text starts the host
    code = (
        "import requests\nfrom urllib.parse import quote_plus, urljoin\nfrom django.conf import settings\nfrom flask import request\n\n\n"
        "def delete_zone():\n    uri = settings.PDNS_PREFIX + '/servers/localhost/zones'\n"
        "    uri += '/' + quote_plus(request.args['name'])\n    return requests.delete(urljoin(settings.PDNS_URL, uri), timeout=5)\n"
    )
    _quiet_until_undone("SLS121", code, "uri += '/' + quote_plus", "uri += quote_plus")
    # a base the client chose settles nothing
    _quiet_until_undone("SLS121", code, "settings.PDNS_PREFIX + ", "request.args['prefix'] + ")


def test_a_constant_named_base_before_a_path_keeps_the_host_in_one_expression():
    # `PREFIX + "/zones/" + name` in one expression: a module constant, then a slash (undone: the
    # client's text starts the second argument of urljoin, which may name another host)
    code = (
        "import requests\nfrom urllib.parse import urljoin\nfrom django.conf import settings\nfrom flask import request\n\n"
        "PREFIX = 'api/v1'\n\n\ndef zone():\n"
        "    return requests.get(urljoin(settings.PDNS_URL, PREFIX + '/zones/' + request.args['name']), timeout=5)\n"
    )
    _quiet_until_undone("SLS121", code, "PREFIX + '/zones/' + request.args['name']", "request.args['name']")


def test_a_template_on_the_applications_own_base_filled_by_keyword_keeps_the_host():
    # `endpoint = f"{BASE}/sessions/{{sid}}"` then `endpoint.format(sid=...)`: the client's text
    # fills a field after the base's path; undone, the template starts with the field
    code = (
        "import httpx\nfrom fastapi import APIRouter\nfrom app.config import config\n\n"
        "router = APIRouter()\nBASE = config.get('agents', 'http_root')\n\n"
        "@router.get('/sessions/{session_id}')\ndef session(session_id: str):\n"
        "    endpoint = f'{BASE}/sessions/{{sid}}'\n    url = endpoint.format(sid=session_id)\n"
        "    return httpx.get(url, timeout=5).text\n"
    )
    _quiet_until_undone("SLS121", code, "f'{BASE}/sessions/{{sid}}'", "'{sid}/sessions'")
