"""SLS508: the request's Origin echoed back by a function that sends Access-Control-Allow-Credentials
only under an opt-in of the code's configuration (a parameter defaulting to False, an attribute of
self) is the audit tier: whether credentials ride along is a deployment's choice. Sent always, or
under a test of the request's own data, it stays in the default output."""

from secure_ls.engine.analyzer import Engine
from secure_ls.engine.model import Confidence

ENGINE = Engine()

HELPER = (
    "from pyramid.view import view_config\n\n"
    "def set_cors_headers(request, response, allow_credentials=False):\n"
    "    origin = request.headers.get('Origin')\n"
    "    response.headers['Access-Control-Allow-Origin'] = origin\n"
    "    if allow_credentials:\n"
    "        response.headers['Access-Control-Allow-Credentials'] = 'true'\n"
    "    return response\n"
)

HANDLER = (
    "import tornado.web\n\n"
    "class Api(tornado.web.RequestHandler):\n"
    "    allow_credentials = False\n\n"
    "    def set_cors(self):\n"
    "        self.set_header('Access-Control-Allow-Origin', self.request.headers.get('Origin', ''))\n"
    "        if self.allow_credentials:\n"
    "            self.set_header('Access-Control-Allow-Credentials', 'true')\n"
)


def _confidence(code):
    found = [f.confidence for f in ENGINE.analyze(code).findings if f.rule_id == "SLS508"]
    assert len(found) == 1, found
    return found[0]


def test_credentials_under_a_configured_opt_in_are_the_audit_tier():
    assert _confidence(HELPER) == Confidence.LOW
    assert _confidence(HANDLER) == Confidence.LOW


def test_credentials_sent_always_or_under_a_request_test_stay_reported():
    for changed in (
        HELPER.replace("    if allow_credentials:\n        response", "    response"),  # always
        HELPER.replace("allow_credentials=False", "allow_credentials=True"),  # on unless turned off
        HELPER.replace("if allow_credentials:", "if origin:"),  # the request's own value, no opt-in
        HANDLER.replace("        if self.allow_credentials:\n            self", "        self"),
    ):
        assert _confidence(changed) == Confidence.MEDIUM, changed
