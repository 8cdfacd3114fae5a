"""A helper that returns a response whose body holds no markup of the text it was given."""

from __future__ import annotations

from tests.engine.test_engine import _quiet_until_undone, rules

_SIGN_IN = (
    "from flask import Flask, jsonify, redirect, request\napp = Flask(__name__)\n\n"
    "def _sign_in(next_url):\n"
    "    if request.args.get('format') == 'json':\n"
    "        return jsonify(dict(next=next_url))\n"
    "    return redirect(next_url)\n\n"
    "@app.route('/signin')\n"
    "def signin():\n"
    "    return _sign_in(request.args.get('note') or 'welcome')\n"
)


def test_a_helper_returning_a_redirect_or_json_returns_no_page_text():
    # Werkzeug's redirect escapes the location in its body; jsonify answers JSON
    _quiet_until_undone("SLS803", _SIGN_IN, "return redirect(next_url)", "return '<p>' + next_url + '</p>'")
    _quiet_until_undone("SLS803", _SIGN_IN, "return jsonify(dict(next=next_url))", "return next_url")


def test_a_private_helpers_redirect_is_reported_once_inside_it():
    code = _SIGN_IN.replace("request.args.get('note') or 'welcome'", "request.args.get('next') or '/'")
    assert rules(code).count("SLS120") == 1
    # a public helper of another module is judged at its call instead
    public = code.replace("_sign_in", "sign_in")
    assert rules(public).count("SLS120") >= 1


def test_a_signed_token_returned_as_the_page_holds_no_markup():
    code = (
        "import jwt\nfrom flask import Flask, request\napp = Flask(__name__)\n\n"
        "@app.route('/auth/<short_name>/token')\n"
        "def token(short_name):\n"
        "    return jwt.encode({'short_name': short_name}, 'k', algorithm='HS256')\n"
    )
    # base64url segments only, whatever the claims hold
    _quiet_until_undone("SLS803", code, "jwt.encode({'short_name': short_name}, 'k', algorithm='HS256')", "short_name")


def test_a_helper_that_checks_the_target_before_redirecting_takes_any_argument():
    # shaped like a view (`request` first), so its parameter reads as the URL's: checked all the same
    code = (
        "from django.http import HttpResponseRedirect\nfrom django.utils.http import url_has_allowed_host_and_scheme\n\n"
        "def redirect(request, redirect_to):\n"
        "    if url_has_allowed_host_and_scheme(redirect_to, allowed_hosts=None):\n"
        "        return HttpResponseRedirect(redirect_to)\n"
        "    raise ValueError('invalid redirect')\n\n"
        "def done(request):\n"
        "    return redirect(request, request.POST['return_url'])\n"
    )
    _quiet_until_undone("SLS120", code, "if url_has_allowed_host_and_scheme(redirect_to, allowed_hosts=None):", "if redirect_to:")


def test_a_response_returned_with_its_status_is_the_page_not_the_status():
    # Flask's (response, status) tuple: the status item is no page text, whatever it was read from
    code = _SIGN_IN.replace("return jsonify(dict(next=next_url))", "data = dict(next=next_url, code=next_url)\n        return jsonify(data), data['code']")
    _quiet_until_undone("SLS803", code, "return jsonify(data), data['code']", "return data['code'], 200")


def test_a_helper_returning_a_response_or_a_tuple_keeps_each_item_apart():
    # `initial_validation` answers a bad request itself, or hands back the row it found and the
    # posted data; the view keeps the result, returns a response as it is, and unpacks the tuple
    code = (
        "from django.apps import apps\nfrom django.http import HttpResponse\nfrom django.shortcuts import redirect\n\n"
        "def initial_validation(request):\n    post_data = request.POST\n"
        "    model_data = post_data.get('content_type', '').split('.', 1)\n"
        "    if len(model_data) != 2:\n        return HttpResponse('bad request')\n"
        "    obj = apps.get_model(*model_data).objects.get(id=post_data.get('object_pk'))\n"
        "    return obj, post_data\n\n"
        "def rating(request):\n    response = initial_validation(request)\n"
        "    if isinstance(response, HttpResponse):\n        return response\n"
        "    obj, post_data = response\n    return redirect(obj.link)\n"
    )
    # the items swapped: the first is the posted data, and the redirect goes where the client says
    _quiet_until_undone("SLS120", code, "return obj, post_data", "return post_data, obj")
    # an early return that is not a response (a value of unknown shape) leaves the items joined
    assert "SLS120" in rules(code.replace("return HttpResponse('bad request')", "return model_data"))
