"""A request header's value is one line as the client sent it."""

from __future__ import annotations

from tests.engine.test_engine import _low_until_undone

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
