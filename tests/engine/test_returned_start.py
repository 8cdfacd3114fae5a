"""A helper whose every return starts with constant text and then one of its parameters
(`"{}{}".format(HOST, route)`, `f"{base_url}?{query}"`): the caller knows how the result starts,
its own argument's start after the helper's text, so a URL it settles on a fixed host or a path of
this site is not the client's choice of host (summaries.FunctionSummary.returned_start)."""

from secure_ls.engine.analyzer import Engine

ENGINE = Engine()

CODE = (
    "import urllib.parse\nimport requests\nfrom django.http import HttpResponseRedirect\nfrom flask import request\n\n"
    "HOST = 'https://www.example.com'\n\n"
    "def endpoint(route):\n    return '{}{}'.format(HOST, route)\n\n"
    "def with_params(base_url, params):\n"
    "    separator = '&' if '?' in base_url else '?'\n"
    "    return f\"{base_url}{separator}{'&'.join(params)}\"\n\n"
    "def search():\n"
    "    url = endpoint('/search?{}'.format(urllib.parse.urlencode(dict(q=request.args['q']))))\n"
    "    return requests.get(url, timeout=5).text\n\n"
    "def embed(req, token):\n"
    "    return HttpResponseRedirect(with_params(f'/view?m={token}', req.GET.getlist('p')))\n"
)


def _reported(code):
    return sorted((f.rule_id, code.splitlines()[f.span.start.line].strip()) for f in ENGINE.analyze(code).findings if f.rule_id in ("SLS120", "SLS121"))


def test_a_helper_that_puts_a_fixed_start_first_settles_where_the_url_goes():
    assert _reported(CODE) == []


def test_the_callers_own_start_still_counts():
    # the helper adds nothing before the client's text: the client names the host
    code = CODE.replace("endpoint('/search?{}'.format(urllib.parse.urlencode(dict(q=request.args['q']))))", "endpoint(request.args['q'])")
    code = code.replace("with_params(f'/view?m={token}',", "with_params(req.GET['base'],")
    assert [rule for rule, _ in _reported(code)] == ["SLS120", "SLS121"]


def test_a_helper_that_rebinds_its_parameter_says_nothing_of_the_callers_start():
    # `route` rebound: the result no longer starts with what the call passes, and `HOST` has no
    # slash after its host, so the client's text (`@evil.example`) may still name the host
    code = CODE.replace("    return '{}{}'.format(HOST, route)", "    route = route.strip()\n    return '{}{}'.format(HOST, route)")
    code = code.replace("endpoint('/search?{}'", "endpoint('/search/' + request.args['kind'] + '?{}'")
    assert [rule for rule, _ in _reported(code)] == ["SLS121"]


def test_each_value_a_name_passed_may_hold_is_a_start_of_its_own():
    # `/view` or `/embed`: a path of this site either way (their common prefix `/` alone is not);
    # once one branch holds the client's text, that start settles nothing
    code = (
        "from django.http import HttpResponseRedirect\n\n"
        "def with_params(base_url, params):\n    return f\"{base_url}?{'&'.join(params)}\"\n\n"
        "def view(request, token):\n    base = '/view'\n    if token:\n        base = '/embed'\n"
        "    return HttpResponseRedirect(with_params(base, request.GET.getlist('p')))\n"
    )
    assert _reported(code) == []
    assert [rule for rule, _ in _reported(code.replace("base = '/embed'", "base = request.GET['next']"))] == ["SLS120"]


# `"%s/auth/sso/%s" % (auth_url, kind)` in each branch, returned through a local name: every return
# starts with the parameter `auth_url`, then a whole path segment that ends any host it began
SSO_HELPER = (
    "from django.conf import settings\n\n"
    "def sso_url(request, auth_url, kind):\n"
    "    origin = request.build_absolute_uri('/auth/done/')\n"
    "    idp, protocol = settings.IDP_MAPPING.get(kind, (None, kind))\n"
    "    if idp:\n"
    "        url = '%s/auth/idp/%s/protocols/%s?origin=%s' % (auth_url, idp, protocol, origin)\n"
    "    else:\n"
    "        url = '%s/auth/sso/%s?origin=%s' % (auth_url, protocol, origin)\n"
    "    return url\n\n"
)
SSO_VIEW = (
    "from django.http import HttpResponseRedirect\n\n"
    "def login(request):\n"
    "    auth_url = getattr(settings, 'KEYSTONE_URL', None)\n"
    "    return HttpResponseRedirect(sso_url(request, auth_url, request.POST['auth_type']))\n"
)


def test_a_helper_that_closes_the_host_after_a_value_the_client_did_not_choose_settles_it():
    # the configured endpoint, then `/auth/`: the client's `auth_type` only ever fills the path
    assert _reported(SSO_HELPER + SSO_VIEW) == []


def test_the_client_choosing_that_value_still_names_the_host():
    code = SSO_HELPER + SSO_VIEW.replace("auth_url = getattr(settings, 'KEYSTONE_URL', None)", "auth_url = request.POST['endpoint']")
    assert [rule for rule, _ in _reported(code)] == ["SLS120"]


def test_without_a_whole_segment_after_it_the_clients_text_may_go_on_the_host():
    # `%s%s`: an endpoint with no path, then the client's `@evil.example`, names the attacker's host
    code = SSO_HELPER.replace("'%s/auth/sso/%s?origin=%s'", "'%s%s?origin=%s'") + SSO_VIEW
    assert [rule for rule, _ in _reported(code)] == ["SLS120"]


def test_a_local_name_that_may_hold_the_clients_text_whole_settles_nothing():
    # one branch returns the client's `kind` as it is: not every return starts with `auth_url`
    code = SSO_HELPER.replace("    return url\n", "    if kind.startswith('http'):\n        url = kind\n    return url\n") + SSO_VIEW
    assert [rule for rule, _ in _reported(code)] == ["SLS120"]


def test_a_local_name_bound_another_way_too_settles_nothing():
    # `except ... as url` binds it without an assignment: what it then holds is not one of the starts
    code = SSO_HELPER.replace(
        "    return url\n",
        "    try:\n        kind.encode('ascii')\n    except UnicodeError as url:\n        pass\n    return url\n",
    ) + SSO_VIEW
    assert [rule for rule, _ in _reported(code)] == ["SLS120"]
