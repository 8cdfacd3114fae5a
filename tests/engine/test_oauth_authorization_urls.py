"""SLS120 on the URL an OAuth client builds for its provider's authorization endpoint: the endpoint,
named by the code or configured in the client, settles the host; the request's values go in the
query string the library encodes."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

_FLOW = (
    "from django.shortcuts import redirect\n\n\n"
    "def auth(request, flow):\n"
    "    flow.redirect_uri = request.build_absolute_uri('/callback')\n"
    "    authorization_url, state = flow.authorization_url(access_type='offline', prompt=request.GET.get('prompt'))\n"
    "    return redirect(authorization_url)\n"
)


def test_the_authorization_url_of_a_configured_oauth_client_is_the_providers():
    # the endpoint named by the request is the client's choice of host
    _quiet_until_undone("SLS120", _FLOW, "flow.authorization_url(access_type", "flow.authorization_url(request.GET['endpoint'], access_type")


def test_the_target_rebound_to_the_clients_text_is_still_reported():
    rebound = _FLOW.replace("    return redirect", "    if request.GET.get('to'):\n        authorization_url = request.GET['to']\n    return redirect")
    assert "SLS120" in rules(rebound)


def test_a_constant_endpoint_named_in_the_call_settles_the_host():
    code = _FLOW.replace("flow.authorization_url(access_type", "flow.authorization_url('https://accounts.example.com/o/oauth2/auth', access_type")
    assert "SLS120" not in rules(code)
