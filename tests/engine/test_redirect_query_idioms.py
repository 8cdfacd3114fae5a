"""SLS120 on redirect targets whose client text is put in a query string: after the `?` the start
has or is given (not reported), or after `&` on a start whose shape the code does not show (the
audit tier)."""

from __future__ import annotations

from tests.engine.test_engine import rules

from secure_ls.engine.analyzer import Engine

ENGINE = Engine()

_NEXT_HELPER = """
from urllib.parse import urljoin, urlparse
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse

router = APIRouter()


def next_url_of(request: Request) -> str:
    wanted = urlparse(request.query_params.get("next", "/"))
    base = str(request.base_url)
    target = urljoin(base, wanted.path or "/")
    if urlparse(target).netloc != request.base_url.netloc:
        return urljoin(base, "/")
    return target


@router.post("/done")
async def done(request: Request):
    target = START
    for key in request.query_params:
        target += f"&{key}={request.query_params[key]}"
    return RedirectResponse(url=target)
"""


def _confidences(code: str) -> list[str]:
    result = ENGINE.analyze(code)
    assert not [p for p in result.problems if p.startswith("rule ")]
    return [f.confidence.name.lower() for f in result.findings if f.rule_id == "SLS120"]


def test_client_text_after_an_ampersand_on_a_checked_start_is_the_audit_tier():
    # the start was checked to stay on this host: only a bare `https://host` start would let `&@evil` choose one
    assert _confidences(_NEXT_HELPER.replace("START", "next_url_of(request)")) == ["low"]
    # the start is the client's own text: reported as before
    assert _confidences(_NEXT_HELPER.replace("START", 'request.query_params["next"]')) == ["high"]


def test_a_query_separator_chosen_by_whether_the_start_has_a_question_mark():
    code = """
import tornado.web


class Forward(tornado.web.RequestHandler):
    def initialize(self, url):
        self._url = url

    def get(self):
        sep = "&" if "?" in self._url else "?"
        url = sep.join([self._url, self.request.query])
        self.redirect(url)
"""
    assert _confidences(code) == []
    # a separator that is `&` whatever the start holds
    assert _confidences(code.replace('"&" if "?" in self._url else "?"', '"&"')) == ["high"]
    # the same choice made on another value says nothing of this start
    assert _confidences(code.replace('"?" in self._url', '"?" in self.request.uri')) == ["high"]


def test_a_host_compared_with_a_named_allowed_host_fixes_the_redirect_whichever_side_it_is_on():
    # `urlparse(target).netloc != ALLOWED_HOST` and `ALLOWED_HOST != urlparse(target).netloc` both
    # refuse other hosts; undone: no check
    code = (
        "from urllib.parse import urlparse\nfrom flask import Flask, abort, redirect, request\n\napp = Flask(__name__)\nALLOWED_HOST = 'example.com'\n\n"
        "@app.route('/go')\ndef go():\n    target = request.args['next']\n    if urlparse(target).netloc != ALLOWED_HOST:\n        abort(400)\n    return redirect(target)\n"
    )
    assert "SLS120" not in rules(code)
    assert "SLS120" in rules(code.replace("    if urlparse(target).netloc != ALLOWED_HOST:\n        abort(400)\n", ""))
    # a host held in a local name, compared case-folded (khoj's get_next_url)
    local = code.replace("    if urlparse(target).netloc != ALLOWED_HOST:", "    current = request.host.lower()\n    if urlparse(target).netloc.lower() != current:")
    assert "current = request.host" in local and "SLS120" not in rules(local)
